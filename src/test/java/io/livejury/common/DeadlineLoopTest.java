package io.livejury.common;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a {@link DeadlineLoop} runs its rounds: at the wait the last round returned, never longer apart than the idle
 * pause, at once when woken (after the round running, if one is), after the retry pause when a round failed or
 * threw. Times are read from the rounds' start on a real Vert.x event loop.
 */
class DeadlineLoopTest {

  private Vertx vertx;
  /** The event-loop context the loop lives on, as a verticle's would. */
  private Context context;
  private final List<Long> starts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** Starts a loop on an event-loop context; each round records its start (ms) and returns what {@code next} says. */
  private DeadlineLoop loop(Supplier<Future<Long>> next, long idleMs, long retryMs) {
    DeadlineLoop[] loop = new DeadlineLoop[1];
    context.runOnContext(v -> loop[0] = new DeadlineLoop(vertx, "test", () -> {
      starts.add(System.nanoTime() / 1_000_000);
      return next.get();
    }, idleMs, retryMs).start());
    await(() -> loop[0] != null, 2_000);
    return loop[0];
  }

  private static void await(BooleanSupplier condition, long ms) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within %d ms", ms).isLessThan(end);
      try {
        TimeUnit.MILLISECONDS.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private long gap(int i) {
    return starts.get(i) - starts.get(i - 1);
  }

  @Test
  void aRoundFollowsAfterTheWaitTheLastOneReturned() {
    loop(() -> Future.succeededFuture(300L), 10_000, 50);
    await(() -> starts.size() >= 3, 3_000);
    assertThat(gap(1)).isBetween(290L, 450L);
    assertThat(gap(2)).isBetween(290L, 450L);
  }

  @Test
  void nothingScheduledWaitsTheIdlePauseAndAFarDeadlineNoLonger() {
    List<Long> waits = List.of(-1L, 60_000L, 60_000L);
    loop(() -> Future.succeededFuture(waits.get(Math.min(starts.size() - 1, 2))), 400, 50);
    await(() -> starts.size() >= 3, 3_000);
    assertThat(gap(1)).as("after 'nothing scheduled'").isBetween(390L, 600L);
    assertThat(gap(2)).as("after a deadline a minute away").isBetween(390L, 600L);
  }

  @Test
  void aWakeUpRunsARoundAtOnceAndOneDuringARoundRunsTheNextRightAfterIt() {
    List<Promise<Long>> slow = new CopyOnWriteArrayList<>();
    DeadlineLoop loop = loop(() -> {
      if (starts.size() == 2) {
        slow.add(Promise.promise());
        return slow.get(0).future();
      }
      return Future.succeededFuture(60_000L);
    }, 60_000, 50);
    await(() -> starts.size() == 1, 2_000);
    long woken = System.nanoTime() / 1_000_000;
    context.runOnContext(v -> loop.wake());
    await(() -> starts.size() == 2, 1_000);
    assertThat(starts.get(1) - woken).as("ms from the wake-up to the round").isLessThan(200L);
    // Woken while the second round is still running: the third starts as soon as the second ends.
    context.runOnContext(v -> loop.wake());
    long ended = System.nanoTime() / 1_000_000;
    context.runOnContext(v -> slow.get(0).complete(60_000L));
    await(() -> starts.size() == 3, 1_000);
    assertThat(starts.get(2) - ended).isLessThan(200L);
  }

  @Test
  void aFailedOrThrowingRoundIsRetriedAfterTheRetryPause() {
    loop(() -> {
      if (starts.size() == 1) {
        return Future.failedFuture("Redis away");
      }
      if (starts.size() == 2) {
        throw new IllegalStateException("a bug in a round");
      }
      return Future.succeededFuture(60_000L);
    }, 60_000, 250);
    await(() -> starts.size() >= 3, 3_000);
    assertThat(gap(1)).isBetween(240L, 450L);
    assertThat(gap(2)).isBetween(240L, 450L);
  }

  @Test
  void aStoppedLoopRunsNoMoreRoundsAndIgnoresWakeUps() throws InterruptedException {
    DeadlineLoop loop = loop(() -> Future.succeededFuture(100L), 10_000, 50);
    await(() -> starts.size() >= 2, 2_000);
    context.runOnContext(v -> loop.stop());
    TimeUnit.MILLISECONDS.sleep(150); // a round already started may still finish
    int after = starts.size();
    context.runOnContext(v -> loop.wake());
    TimeUnit.MILLISECONDS.sleep(400);
    assertThat(starts).as("rounds after the stop").hasSize(after);
  }
}
