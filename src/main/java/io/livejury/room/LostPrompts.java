package io.livejury.room;

import io.livejury.common.Frames;
import io.livejury.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices prompts that vanished from Redis while this node's sockets still see them open — a failover to a
 * replica that lagged behind, a restart from an older snapshot, a flush — and closes them for those sockets with
 * a {@code closed} frame (reason {@code lost}), once per prompt and node: logged, and counted in
 * {@code livejury_prompts_lost_total}. No verdict can follow: its ballots went with it. Two cheap signs report a
 * loss: the tally round finds the prompt's hash gone, or a ballot script answers that the prompt is unknown.
 */
public final class LostPrompts {

  /** The reason of the {@code closed} frame and of the ballot ack on a lost prompt. */
  public static final String LOST = "lost";

  static final String MESSAGE = "This vote was lost by the server's data store and is closed without a verdict;"
      + " the votes cast on it no longer count.";

  private static final Logger LOG = LoggerFactory.getLogger(LostPrompts.class);

  private final Metrics metrics;

  public LostPrompts(Metrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Redis no longer holds the prompt: if the room's sockets here see it open, close it for them.
   *
   * @param how what showed the loss, for the log ({@code "tally"}, {@code "ballot"})
   */
  public void lose(LocalRoom room, String promptId, String how) {
    if (!room.lose(promptId)) {
      return;
    }
    LOG.warn("Prompt {} of room {} is gone from Redis while open here (seen by a {} read): a failover to a replica"
        + " that lagged, a restart from an older snapshot or a flush lost it; closed without a verdict for this"
        + " node's {} sockets of the room", promptId, room.roomId(), how, room.size());
    metrics.promptLost();
    room.deliver(RoomEvent.promptClosed(room.roomId(), promptId, Frames.closed(promptId, LOST, MESSAGE)), null);
  }

  /**
   * Whether a ballot the script answered {@code unknown_prompt} was on a prompt this node's sockets saw open, or
   * one closed as lost: it is then lost (closed for the room first, when it was not yet).
   */
  public boolean lostBallot(LocalRoom room, String promptId) {
    lose(room, promptId, "ballot");
    return room.isLost(promptId);
  }
}
