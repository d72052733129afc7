package io.livejury.common;

import java.util.concurrent.TimeUnit;

/**
 * Tells whether a subscriber connection still hears what is published, from heartbeats it publishes to itself
 * through the command client. Silence alone is not enough: in a join burst the command connection can hold
 * seconds of queued commands, and a heartbeat queued behind them has not reached Redis yet, so the subscriber
 * cannot have heard it. The connection counts as lost only when
 * <ul>
 *   <li>Redis confirmed a heartbeat published after the last one heard, and {@code timeoutMs} passed since
 *       without it arriving (Redis hands a message to its subscribers before it answers the publisher), or</li>
 *   <li>nothing was heard for {@code silentMs} and the last publish failed (Redis unreachable both ways), or</li>
 *   <li>nothing was heard for {@value #STALLED_FACTOR} × {@code silentMs} whatever the publishes did (a server
 *       that answers nothing).</li>
 * </ul>
 * Times are {@link System#nanoTime()}. Not thread-safe: use from the subscriber's context only.
 */
public final class Heartbeat {

  /** Silence this many times the usual limit counts as lost even while no publish was confirmed. */
  static final int STALLED_FACTOR = 6;

  private final long silentNanos;
  private final long timeoutNanos;
  private long lastHeard;
  /** When the newest confirmed heartbeat was sent, and when its confirmation came; 0 when none. */
  private long confirmedSentAt;
  private long confirmedAt;
  private boolean lastPublishFailed;

  /**
   * @param silentMs  how long without a heartbeat before the connection is suspect (the check interval plus the
   *                  timeout)
   * @param timeoutMs how long a confirmed heartbeat may take to arrive
   */
  public Heartbeat(long silentMs, long timeoutMs) {
    this.silentNanos = TimeUnit.MILLISECONDS.toNanos(silentMs);
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /** A new connection: it counts as heard now, and earlier publishes say nothing about it. */
  public void connected(long now) {
    lastHeard = now;
    confirmedSentAt = 0;
    confirmedAt = 0;
    lastPublishFailed = false;
  }

  /** A heartbeat (or any message) arrived on the subscriber. */
  public void heard(long now) {
    lastHeard = now;
  }

  /** Redis answered the publish of a heartbeat sent at {@code sentAt}. */
  public void published(long sentAt, long now) {
    lastPublishFailed = false;
    if (sentAt > confirmedSentAt) {
      confirmedSentAt = sentAt;
      confirmedAt = now;
    }
  }

  /** The publish of a heartbeat failed. */
  public void publishFailed() {
    lastPublishFailed = true;
  }

  /** Whether the connection counts as lost at {@code now}. */
  public boolean lost(long now) {
    long silence = now - lastHeard;
    if (silence <= silentNanos) {
      return false;
    }
    boolean confirmedUnheard = confirmedSentAt > lastHeard && now - confirmedAt > timeoutNanos;
    return confirmedUnheard || lastPublishFailed || silence > STALLED_FACTOR * silentNanos;
  }

  /** How long nothing was heard, in ms. */
  public long silenceMs(long now) {
    return TimeUnit.NANOSECONDS.toMillis(now - lastHeard);
  }
}
