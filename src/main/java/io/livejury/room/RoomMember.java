package io.livejury.room;

import io.vertx.core.Context;

/** One socket in a room on this node, as the room hub sees it. */
public interface RoomMember {

  /** True for the room's own streamer and for staff: they also get warnings and penalties. */
  boolean moderates();

  /** True for a viewer's socket. */
  boolean viewer();

  /** The token's subject. */
  String userId();

  /**
   * From when (epoch ms) this viewer could decide a prompt opening then, by every jury rule but the draw
   * ({@link io.livejury.jury.JuryPolicy#decidesFromMs}); {@link Long#MAX_VALUE} for other members, before the
   * viewer's juror profile is read, and for a viewer no prompt of the room would admit.
   */
  long decidesFromMs();

  /** The event-loop thread that owns the socket: room frames are written to it from there. */
  Thread eventLoop();

  /** A context on that event loop. */
  Context context();

  /** Queues a text frame for the socket; never blocks. */
  void send(String frame);

  /** Queues a new prompt's frame, in the variant that tells this member whether it may vote on it. */
  void sendPrompt(PromptFrame prompt);

  /** Sends a frame that a later one supersedes (a tally), unless the socket is not keeping up. */
  void offer(String frame);

  /** True once this member's user voted on an {@code after_vote} prompt: from then on they see its live tally. */
  boolean voted(String promptId);
}
