package io.livejury.room;

import io.livejury.jury.JuryRule;
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
   * True when this is a viewer whose juror profile has been read and who passes every rule of {@code rule}:
   * what the room's audience counts, with {@link io.livejury.jury.JuryRule#standing}.
   */
  boolean eligible(JuryRule rule);

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
