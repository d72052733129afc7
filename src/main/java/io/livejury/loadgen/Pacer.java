package io.livejury.loadgen;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each viewer sends its ballot. In a burst every viewer votes the moment its prompt arrives, so the
 * last of N ballots sent together waits for the N - 1 before it: its ack time measures the queue, not the
 * node. Paced, ballot number {@code slot} goes out {@code slot / rate} seconds after a common start (a
 * fixed time after the first prompt this process saw, for the fan-out to finish), so the node is offered
 * a steady rate and the ack time is what one ballot costs at that rate. A prompt that arrives after its
 * slot is voted on at once. After the fan-out ({@link #afterFanOut}), every ballot is held until every socket
 * of the process has its prompt and then all go at once: a burst of the ballot path alone, its ballots/s not
 * mixed with the prompt writes still going out to the room (which the fan-out measure times on its own).
 */
final class Pacer {

  static final Pacer BURST = new Pacer(0, 0);

  private final long nanosPerBallot;
  private final long afterNanos;
  private final AtomicLong start = new AtomicLong();
  /** With {@link #afterFanOut}: the prompts this process awaits per round, and the longest it waits for them. */
  private final int sockets;
  private final long maxWaitMs;
  private final List<Runnable> held = new ArrayList<>();
  private int arrived;
  private boolean released;
  private long timer = -1;

  /** {@code ballotsPerSecond} 0 is a burst; otherwise slots start {@code afterMs} after the first prompt. */
  Pacer(double ballotsPerSecond, long afterMs) {
    this(ballotsPerSecond, afterMs, 0, 0);
  }

  private Pacer(double ballotsPerSecond, long afterMs, int sockets, long maxWaitMs) {
    this.nanosPerBallot = ballotsPerSecond <= 0 ? 0 : Math.round(1e9 / ballotsPerSecond);
    this.afterNanos = TimeUnit.MILLISECONDS.toNanos(afterMs);
    this.sockets = sockets;
    this.maxWaitMs = maxWaitMs;
  }

  /**
   * Holds every ballot until all {@code sockets} of this process have their prompt, or {@code maxWaitMs} after the
   * first one came (a socket the node dropped never gets it).
   */
  static Pacer afterFanOut(int sockets, long maxWaitMs) {
    return new Pacer(0, 0, sockets, maxWaitMs);
  }

  /** Counts a prompt's arrival at one socket, silent and late viewers' included: only needed after the fan-out. */
  void arrived(Vertx vertx) {
    if (sockets == 0) {
      return;
    }
    synchronized (held) {
      arrived++;
      if (arrived == 1) {
        timer = vertx.setTimer(maxWaitMs, id -> release(vertx));
      }
      if (arrived >= sockets) {
        release(vertx);
      }
    }
  }

  /** Sends {@code vote} (on the caller's context) when the ballot of {@code slot} is due, its prompt having come at {@code promptAt}. */
  void schedule(Vertx vertx, int slot, long promptAt, Runnable vote) {
    if (sockets > 0) {
      Context context = vertx.getOrCreateContext();
      synchronized (held) {
        if (!released) {
          held.add(() -> context.runOnContext(v -> vote.run()));
          return;
        }
      }
      vote.run();
      return;
    }
    long wait = TimeUnit.NANOSECONDS.toMillis(sendAt(slot, promptAt) - promptAt);
    if (wait > 0) {
      vertx.setTimer(wait, timer -> vote.run());
    } else {
      vote.run();
    }
  }

  /** The {@link System#nanoTime()} at which the ballot of {@code slot} goes out, its prompt having come at {@code promptAt}. */
  private long sendAt(int slot, long promptAt) {
    if (nanosPerBallot == 0) {
      return promptAt;
    }
    start.compareAndSet(0, promptAt + afterNanos);
    return Math.max(promptAt, start.get() + slot * nanosPerBallot);
  }

  private void release(Vertx vertx) {
    List<Runnable> votes;
    synchronized (held) {
      if (released) {
        return;
      }
      released = true;
      vertx.cancelTimer(timer);
      votes = List.copyOf(held);
      held.clear();
    }
    votes.forEach(Runnable::run);
  }

  /** Forgets the start (and the prompts counted) before the next round. */
  void reset() {
    start.set(0);
    synchronized (held) {
      held.clear();
      arrived = 0;
      released = false;
      timer = -1;
    }
  }
}
