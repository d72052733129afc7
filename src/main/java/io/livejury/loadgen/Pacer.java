package io.livejury.loadgen;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each viewer sends its ballot. In a burst every viewer votes the moment its prompt arrives, so the
 * last of N ballots sent together waits for the N - 1 before it: its ack time measures the queue, not the
 * node. Paced, ballot number {@code slot} goes out {@code slot / rate} seconds after a common start (a
 * fixed time after the first prompt this process saw, for the fan-out to finish), so the node is offered
 * a steady rate and the ack time is what one ballot costs at that rate. A prompt that arrives after its
 * slot is voted on at once.
 */
final class Pacer {

  static final Pacer BURST = new Pacer(0, 0);

  private final long nanosPerBallot;
  private final long afterNanos;
  private final AtomicLong start = new AtomicLong();

  /** {@code ballotsPerSecond} 0 is a burst; otherwise slots start {@code afterMs} after the first prompt. */
  Pacer(double ballotsPerSecond, long afterMs) {
    this.nanosPerBallot = ballotsPerSecond <= 0 ? 0 : Math.round(1e9 / ballotsPerSecond);
    this.afterNanos = TimeUnit.MILLISECONDS.toNanos(afterMs);
  }

  /** The {@link System#nanoTime()} at which the ballot of {@code slot} goes out, its prompt having come at {@code promptAt}. */
  long sendAt(int slot, long promptAt) {
    if (nanosPerBallot == 0) {
      return promptAt;
    }
    start.compareAndSet(0, promptAt + afterNanos);
    return Math.max(promptAt, start.get() + slot * nanosPerBallot);
  }

  /** Forgets the start before the next round. */
  void reset() {
    start.set(0);
  }
}
