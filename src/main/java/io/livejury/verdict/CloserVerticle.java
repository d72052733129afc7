package io.livejury.verdict;

import io.livejury.common.Addresses;
import io.livejury.common.DeadlineLoop;
import io.livejury.common.Frames;
import io.livejury.common.Json;
import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.common.Replies;
import io.livejury.jury.FlagRules;
import io.livejury.model.Prompt;
import io.livejury.model.PromptKind;
import io.livejury.model.PromptKinds;
import io.livejury.model.Verdict;
import io.livejury.room.RoomEvent;
import io.livejury.room.RoomEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Closes prompts at their deadline and decides their verdicts. Safe with any number of nodes: a node
 * claims due prompts under a lease (one Lua call), closes each atomically, stores the verdict with HSETNX
 * (the first decision wins) and appends it to the verdict stream, and only then drops the deadline. A node
 * that dies midway leaves the deadline in place, so another node finishes the job when the lease runs out,
 * and a node starting after an outage closes every prompt that fell due meanwhile on its first round.
 *
 * <p>When it looks ({@link DeadlineLoop}): the claim also says how long until the next deadline, and the closer
 * sleeps until then, at most {@code idleMs}, so an idle node asks Redis once a pause and a prompt closes at its
 * deadline. A node that adds or moves a deadline earlier publishes {@link Addresses#CLOSER_WAKE}, and its closer
 * looks again at once; a prompt opened by a node that then died is found by the other nodes within their idle
 * pause. A round that failed, or that claimed a full batch, is followed by the next after {@code intervalMs} / at
 * once.
 *
 * <p>A prompt judged by jury rules (its {@code jury} is set) is counted by {@link JuryCount}: weighted ballots,
 * the verdict's {@code jury} block with its coordination flags, and the prompt's {@code calibration} copied on;
 * a calibration verdict needs no review. Once decided, the prompt joins its room's recent closed prompts,
 * which later prompts' {@code co_voting} checks walk back through.
 */
public final class CloserVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CloserVerticle.class);

  private final Redis redis;
  private final RoomEvents events;
  private final VerdictRule rule;
  private final FlagRules flags;
  private final long intervalMs;
  private final long idleMs;
  private final long leaseMs;
  private final int batch;
  private final long retentionMs;
  private final VerdictStreams streams;
  private final long streamMaxLength;
  private JuryCount juries;
  private DeadlineLoop loop;

  /**
   * @param intervalMs      ms between a failed round and the next
   * @param idleMs          the longest pause between two rounds, however far the next deadline is
   * @param streams         the verdict streams; each prompt's verdict goes to the one its id picks
   * @param streamMaxLength the length each verdict stream is trimmed to (approximately)
   */
  public CloserVerticle(Redis redis, RoomEvents events, VerdictRule rule, FlagRules flags, long intervalMs,
      long idleMs, long leaseMs, int batch, long retentionMs, VerdictStreams streams, long streamMaxLength) {
    this.redis = redis;
    this.events = events;
    this.rule = rule;
    this.flags = flags;
    this.intervalMs = intervalMs;
    this.idleMs = idleMs;
    this.leaseMs = leaseMs;
    this.batch = batch;
    this.retentionMs = retentionMs;
    this.streams = streams;
    this.streamMaxLength = streamMaxLength;
  }

  @Override
  public Future<?> start() {
    juries = new JuryCount(vertx, redis, flags);
    loop = new DeadlineLoop(vertx, "Closer", this::round, idleMs, intervalMs).start();
    vertx.eventBus().localConsumer(Addresses.CLOSER_WAKE, message -> loop.wake());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    loop.stop();
    return Future.succeededFuture();
  }

  /** Closes the prompts due now; the ms until the next deadline (0: a full batch, more may be due). */
  private Future<Long> round() {
    return LuaScript.CLAIM_DUE.call(redis, List.of(RedisKeys.DEADLINES), List.of(Long.toString(leaseMs), Integer.toString(batch)))
        .compose(reply -> {
          Response due = reply.get(0);
          List<Future<Void>> closes = new ArrayList<>();
          for (Response id : due) {
            closes.add(close(id.toString()).onFailure(err ->
                LOG.warn("Closing prompt {} failed, retrying after the lease: {}", id, err.getMessage())));
          }
          long untilNext = due.size() >= batch ? 0 : reply.get(1).toLong();
          return Future.join(closes).transform(closed -> Future.succeededFuture(untilNext));
        });
  }

  Future<Void> close(String promptId) {
    List<String> keys = List.of(RedisKeys.prompt(promptId), RedisKeys.counts(promptId), RedisKeys.voters(promptId),
        RedisKeys.curve(promptId), RedisKeys.excluded(promptId), RedisKeys.exclusions(promptId));
    return LuaScript.CLOSE_PROMPT.call(redis, keys, List.of(Long.toString(retentionMs)))
        .compose(reply -> {
          if (reply == null) {
            return forget(promptId, null);
          }
          Prompt prompt = Json.decode(reply.get(0).toString(), Prompt.class);
          String stored = reply.get(3).toString();
          Map<String, Long> counts = Replies.pairs(reply.get(5), 0);
          Future<Verdict> verdict = stored.isEmpty()
              ? decide(prompt, reply.get(1).toString(), reply.get(2).toString(), counts,
                  reply.get(4).toString(), Replies.pairs(reply.get(6), 0), stop(reply))
              : Future.succeededFuture(Json.decode(stored, Verdict.class));
          return verdict.compose(v -> handOff(prompt, v, counts));
        });
  }

  /** Decides, then stores the decision unless another node stored one first; the stored one wins. */
  private Future<Verdict> decide(Prompt prompt, String streamerId, String merchantId, Map<String, Long> counts,
      String eligible, Map<String, Long> excluded, Map<String, Object> stop) {
    PromptKind kind = PromptKinds.get(prompt.kind());
    Future<Judged> judged = prompt.jury() == null
        ? Future.succeededFuture(new Judged(rule.decide(kind, counts), null))
        : juries.count(prompt, kind, count(eligible), excluded)
            .map(counted -> new Judged(rule.decide(kind, counts, counted.weights()), counted.report().toMap()));
    return judged.compose(j -> {
      // A vote a stop cut short has nothing for staff to confirm: the stop was their decision.
      boolean reviewed = prompt.calibration() == null && stop == null && !kind.cleared().equals(j.decision().outcome());
      Verdict verdict = new Verdict(Verdict.idFor(prompt.id()), prompt.id(), prompt.roomId(), streamerId, merchantId,
          prompt.kind(), prompt.question(), prompt.claim(), j.decision().outcome(), counts, Replies.total(counts),
          j.decision().confidence(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
          reviewed ? Verdict.REVIEW_PENDING : Verdict.REVIEW_NONE, prompt.trigger(), j.jury(), prompt.calibration(),
          stop);
      return redis.send(Request.cmd(Command.HSETNX).arg(RedisKeys.prompt(prompt.id())).arg("verdict")
              .arg(Json.encode(verdict)))
          .compose(set -> set.toInteger() == 1
              ? Future.succeededFuture(verdict)
              : redis.send(Request.cmd(Command.HGET).arg(RedisKeys.prompt(prompt.id())).arg("verdict"))
                  .map(stored -> Json.decode(stored.toString(), Verdict.class)));
    });
  }

  /** The stop that cut the prompt's vote short ({@code {"reason", "by", "at"}}), null when none did. */
  private static Map<String, Object> stop(Response reply) {
    String stopped = reply.size() > 7 && reply.get(7) != null ? reply.get(7).toString() : "";
    return stopped.isEmpty() ? null : new io.vertx.core.json.JsonObject(stopped).getMap();
  }

  /** The prompt's {@code eligible} field: 0 when no node counted one (or wrote something else), never a failed close. */
  private static long count(String eligible) {
    try {
      return eligible.isEmpty() ? 0 : Long.parseLong(eligible);
    } catch (NumberFormatException e) {
      LOG.warn("A prompt's eligible count is not a number ('{}'); the verdict says 0", eligible);
      return 0;
    }
  }

  /** The decision and, for a jury prompt, the verdict's jury block. */
  private record Judged(VerdictRule.Decision decision, Map<String, Object> jury) {
  }

  /**
   * The room's recent closed prompts first (so a later prompt of the room that closes once this verdict is out
   * walks back through this one), then the stream (the durable hand-off), then the room, then the deadline: a
   * crash repeats, never skips.
   */
  private Future<Void> handOff(Prompt prompt, Verdict verdict, Map<String, Long> counts) {
    Future<?> remembered = prompt.jury() == null ? Future.succeededFuture() : LuaScript.REMEMBER_CLOSED.call(redis,
        List.of(RedisKeys.roomClosedPrompts(prompt.roomId())),
        List.of(prompt.id(), Integer.toString(flags.coVotingLookback()), Long.toString(retentionMs)));
    return remembered
        .compose(r -> redis.send(Request.cmd(Command.XADD).arg(streams.keyFor(prompt.id())).arg("MAXLEN").arg("~")
            .arg(streamMaxLength).arg("*").arg("promptId").arg(prompt.id()).arg("verdict").arg(Json.encode(verdict))))
        .compose(id -> events.publish(RoomEvent.promptClosed(prompt.roomId(), prompt.id(),
            Frames.tally(prompt.id(), counts, verdict.total()), Frames.verdict(verdict))))
        .compose(v -> forget(prompt.id(), prompt.roomId()));
  }

  private Future<Void> forget(String promptId, String roomId) {
    Future<Response> leftRoom = roomId == null
        ? Future.succeededFuture()
        : redis.send(Request.cmd(Command.SREM).arg(RedisKeys.roomOpenPrompts(roomId)).arg(promptId));
    return leftRoom.compose(v -> redis.send(Request.cmd(Command.ZREM).arg(RedisKeys.DEADLINES).arg(promptId)))
        .mapEmpty();
  }
}
