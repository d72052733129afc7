package io.livejury.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs rounds of work over a shared schedule in Redis (prompt deadlines, review due times, re-rank turns), one at a
 * time, each round saying how long until its next deadline: the loop sleeps until then instead of polling, so an
 * idle node asks Redis once per {@code idleMs} and work is done at its deadline rather than up to a poll interval
 * after it.
 *
 * <p>A round's result is the ms until the next deadline it saw: {@code 0} more is due now (a full batch), a positive
 * wait, or a negative value when nothing is scheduled. The pause is that wait, at most {@code idleMs}: the schedule
 * is shared, and work another node added and then died before doing is found within the idle pause. A node that
 * adds or moves a deadline earlier calls {@link #wake()} (through a node-local event-bus address), and the loop
 * looks again at once, or right after the round running. A failed round (Redis away) is followed by the next
 * after {@code retryMs}.
 *
 * <p>Create and use it on the context of the verticle that owns it: its timers run there.
 */
public final class DeadlineLoop {

  private static final Logger LOG = LoggerFactory.getLogger(DeadlineLoop.class);
  /**
   * A round not over after this long counts as failed and the loop goes on: an answer lost on a half-open connection
   * must not stop the closer for good. Rounds are safe to overlap (claims under leases, scripts that take each item
   * once), so the late one finishing afterwards does no harm.
   */
  static final long ROUND_TIMEOUT_MS = 60_000;

  private final Vertx vertx;
  private final String what;
  private final Supplier<Future<Long>> round;
  private final long idleMs;
  private final long retryMs;
  private boolean running;
  /** A wake-up came during a round: the next round follows it at once. */
  private boolean wokenWhileRunning;
  private boolean stopped;
  private long timer = -1;

  /**
   * @param what    names the work in the log line of a failed round
   * @param round   one round; its result is the ms until the next deadline (0: now, negative: none)
   * @param idleMs  the longest pause between two rounds, however far the next deadline is
   * @param retryMs the pause after a failed round
   */
  public DeadlineLoop(Vertx vertx, String what, Supplier<Future<Long>> round, long idleMs, long retryMs) {
    this.vertx = vertx;
    this.what = what;
    this.round = round;
    this.idleMs = idleMs;
    this.retryMs = retryMs;
  }

  /** Runs the first round now. */
  public DeadlineLoop start() {
    next(0);
    return this;
  }

  /** A deadline was added or moved earlier: look again now (or as soon as the round running ends). */
  public void wake() {
    if (running) {
      wokenWhileRunning = true;
    } else if (!stopped) {
      next(0);
    }
  }

  /** No round starts after this; one running finishes. */
  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** The next round in {@code delayMs} (0: now), replacing the one planned. */
  private void next(long delayMs) {
    if (stopped) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (delayMs <= 0) {
      vertx.runOnContext(v -> run());
    } else {
      timer = vertx.setTimer(delayMs, id -> {
        timer = -1;
        run();
      });
    }
  }

  private void run() {
    if (running || stopped) {
      return;
    }
    running = true;
    wokenWhileRunning = false;
    Future<Long> result;
    try {
      result = round.get().timeout(ROUND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e); // a round that threw must not stop the loop for good
    }
    result.onComplete(done -> {
      running = false;
      if (done.failed()) {
        LOG.debug("{} round failed, the next in {} ms: {}", what, retryMs, done.cause().getMessage());
      }
      next(wokenWhileRunning ? 0 : done.failed() ? retryMs : pause(done.result()));
    });
  }

  private long pause(long untilNextMs) {
    return untilNextMs < 0 ? idleMs : Math.min(untilNextMs, idleMs);
  }
}
