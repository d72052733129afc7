package io.livejury.vote;

import io.livejury.common.Frames;
import io.livejury.common.RedisKeys;
import io.livejury.common.Replies;
import io.livejury.metrics.Metrics;
import io.livejury.model.Prompt;
import io.livejury.room.LocalRoom;
import io.livejury.room.LostPrompts;
import io.livejury.room.RoomRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Live tallies, coalesced: every interval this node reads the counts of the open prompts of the rooms it
 * holds sockets in (pipelined reads, one per key so the layout stays cluster-safe) and sends a
 * {@code tally} frame for each prompt whose total moved, to the sockets its tally mode lets see it
 * ({@link io.livejury.room.LocalRoom#deliverTally}). However fast ballots arrive, a socket gets at
 * most one tally per prompt per interval. A prompt found closed is dropped here even if its close event
 * never reached this node; one whose hash is gone altogether was lost by Redis and is closed for the room's
 * sockets ({@link LostPrompts}). Each round waits for the one before, and longer when that one went to so many
 * sockets that the node's tally budget ({@code framesPerSecond}) would otherwise be overrun: in a room of
 * 18,000 viewers the tallies slow to about one a second and leave the event loops to acks and prompts.
 *
 * <p>Acks before tallies: a round is put off while more than {@code holdBallots} of the node's ballots wait for
 * Redis ({@link BallotCounter#unanswered}), until the backlog is under it or {@code maxHoldMs} have passed since
 * the last round. In a mass vote's burst every ballot's ack and every tally frame leave through the same event
 * loops, and a tally round to a big room is thousands of socket writes (a measured 46 % of a node's event-loop time
 * in the one-room burst of {@code scripts/profile}, 2026-12-01); held back, a room sees about one tally a second
 * through the burst and four again after it. The final tally goes with the verdict and is never held.
 */
public final class TallyVerticle extends VerticleBase {

  private record Read(LocalRoom room, String promptId, Future<Response> status, Future<Response> counts) {
  }

  private final Redis redis;
  private final RoomRegistry registry;
  private final long intervalMs;
  private final int framesPerSecond;
  private final Metrics metrics;
  private final LostPrompts lost;
  private final LongSupplier backlog;
  private final int holdBallots;
  private final long maxHoldMs;
  /** When the last round read the counts, System.nanoTime(). */
  private long lastRoundNanos = System.nanoTime();

  /**
   * @param backlog     the node's ballots waiting for Redis's answer ({@link BallotCounter#unanswered})
   * @param holdBallots a round is put off while the backlog is above this ({@code LIVEJURY_TALLY_HOLD_BALLOTS})
   * @param maxHoldMs   but not longer than this since the last round ({@code LIVEJURY_TALLY_MAX_HOLD_MS})
   */
  public TallyVerticle(Redis redis, RoomRegistry registry, long intervalMs, int framesPerSecond, Metrics metrics,
      LostPrompts lost, LongSupplier backlog, int holdBallots, long maxHoldMs) {
    this.redis = redis;
    this.registry = registry;
    this.intervalMs = intervalMs;
    this.framesPerSecond = framesPerSecond;
    this.metrics = metrics;
    this.lost = lost;
    this.backlog = backlog;
    this.holdBallots = holdBallots;
    this.maxHoldMs = maxHoldMs;
  }

  @Override
  public Future<?> start() {
    vertx.setTimer(intervalMs, id -> tick());
    return Future.succeededFuture();
  }

  /** The pause after a round that sent {@code frames}: the interval, or what keeps the node within budget. */
  static long pauseAfter(int frames, long intervalMs, int framesPerSecond) {
    return Math.max(intervalMs, frames * 1000L / framesPerSecond);
  }

  /** Whether a round due now waits: ballots are backed up, and the last round is not yet the longest hold ago. */
  static boolean holds(long backlog, int holdBallots, long sinceLastRoundMs, long maxHoldMs) {
    return backlog > holdBallots && sinceLastRoundMs < maxHoldMs;
  }

  private void tick() {
    if (holds(backlog.getAsLong(), holdBallots, (System.nanoTime() - lastRoundNanos) / 1_000_000, maxHoldMs)) {
      metrics.tallyRoundHeld();
      vertx.setTimer(intervalMs, id -> tick());
      return;
    }
    lastRoundNanos = System.nanoTime();
    List<Read> reads = new ArrayList<>();
    List<Future<Response>> pending = new ArrayList<>();
    for (LocalRoom room : registry.rooms()) {
      for (String promptId : room.openPromptIds()) {
        Read read = new Read(room, promptId,
            redis.send(Request.cmd(Command.HGET).arg(RedisKeys.prompt(promptId)).arg("status")),
            redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.counts(promptId))));
        reads.add(read);
        pending.add(read.status());
        pending.add(read.counts());
      }
    }
    if (reads.isEmpty()) {
      vertx.setTimer(intervalMs, id -> tick());
      return;
    }
    // A failed read only skips its prompt; whatever happens, the next round is scheduled.
    Future.join(pending)
        .recover(someReadFailed -> Future.succeededFuture())
        .map(done -> reads.stream().mapToInt(this::broadcast).sum())
        .onComplete(sent -> {
          int frames = sent.succeeded() ? sent.result() : 0;
          metrics.tallyFrames(frames);
          vertx.setTimer(pauseAfter(frames, intervalMs, framesPerSecond), id -> tick());
        });
  }

  /** Sends the tally of one prompt if it moved; returns the frames sent. */
  private int broadcast(Read read) {
    if (read.status().failed() || read.counts().failed()) {
      return 0;
    }
    Response status = read.status().result();
    if (status == null) {
      lost.lose(read.room(), read.promptId(), "tally");
      return 0;
    }
    if (!Prompt.OPEN.equals(status.toString())) {
      read.room().untrack(read.promptId());
      return 0;
    }
    Map<String, Long> counts = Replies.counts(read.counts().result());
    long total = Replies.total(counts);
    return read.room().deliverTally(read.promptId(), total, () -> Frames.tally(read.promptId(), counts, total));
  }
}
