package io.livejury.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * This node's meters, exposed as Prometheus text at {@code GET /metrics}: sockets held, ballots by
 * outcome, ballot ack latency, connections closed by the node and frames dropped for slow readers, room fan-out time, Redis and Postgres call latency, tally frames sent,
 * the verdict stream's length, pending entries and the age of its oldest pending entry, failed Redis commands and
 * Postgres calls, and transcript detections by stage and category (with the lexicon hits an allowed-sentence verdict
 * silenced). The meters alerts read are registered at start, at zero: a counter that appears only with its first
 * increment is invisible to Prometheus's {@code increase()}, which needs a sample before the change.
 */
public final class Metrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> ballots = new ConcurrentHashMap<>();
  private final Map<String, Timer> redisCalls = new ConcurrentHashMap<>();
  private final Map<String, Timer> pgCalls = new ConcurrentHashMap<>();
  private final Timer ackLatency = latency("livejury_ballot_ack", "Ballot received to ack sent, after Redis counted it")
      .register(registry);
  private final Timer roomFanOut = latency("livejury_room_fanout",
      "Room event received to written to every local socket of the room").register(registry);
  private final Counter promptsLost = Counter.builder("livejury_prompts_lost")
      .description("Prompts this node followed open that vanished from Redis, closed for its sockets without a verdict")
      .register(registry);
  private final Counter tallyFrames = Counter.builder("livejury_tally_frames")
      .description("Tally frames written to sockets").register(registry);
  private final Counter tallyRoundsHeld = Counter.builder("livejury_tally_rounds_held")
      .description("Rounds of live tallies put off while ballots waited for Redis (acks before tallies)")
      .register(registry);
  private final Map<String, Counter> closes = new ConcurrentHashMap<>();
  private final Counter droppedFrames = Counter.builder("livejury_frames_dropped")
      .description("Frames not written because the socket was not reading (tallies, pongs, error replies)")
      .register(registry);
  private final Map<String, Counter> detections = new ConcurrentHashMap<>();
  private final Map<String, Counter> suppressed = new ConcurrentHashMap<>();
  private final Map<String, Counter> votesHeld = new ConcurrentHashMap<>();
  private final Map<String, Counter> modelVerdicts = new ConcurrentHashMap<>();
  private final Timer modelCall = latency("livejury_model_call",
      "Segment handed to the semantic stage to its verdict, queueing on the model's workers included")
      .register(registry);
  private final AtomicLong streamLength = new AtomicLong();
  private final AtomicLong streamPending = new AtomicLong();
  private final AtomicLong oldestPendingMs = new AtomicLong();
  private final Counter redisErrors = Counter.builder("livejury_redis_errors")
      .description("Redis commands (a batch as one) that failed: no connection, timeout or an error reply")
      .register(registry);
  private final Counter pgErrors = Counter.builder("livejury_pg_errors")
      .description("Postgres calls or transactions that failed").register(registry);

  /** Every status a ballot's ack can carry (docs/protocol.md, {@code ack}). */
  private static final String[] BALLOT_OUTCOMES = {"accepted", "duplicate", "closed", "rejected", "unavailable"};

  public Metrics() {
    Gauge.builder("livejury_verdict_stream_length", streamLength, AtomicLong::get)
        .description("Entries in the verdict stream").register(registry);
    Gauge.builder("livejury_verdict_stream_pending", streamPending, AtomicLong::get)
        .description("Verdict entries delivered to the penalty group and not yet acknowledged").register(registry);
    Gauge.builder("livejury_verdict_stream_oldest_pending", oldestPendingMs, ms -> ms.get() / 1000.0)
        .baseUnit("seconds")
        .description("Age of the oldest verdict entry delivered to the penalty group and not yet acknowledged; 0 when"
            + " none is pending").register(registry);
    for (String outcome : BALLOT_OUTCOMES) {
      ballotCounter(outcome);
    }
  }

  public void socketsGauge(Supplier<Number> sockets) {
    Gauge.builder("livejury_sockets", sockets).description("WebSockets held by this node").register(registry);
  }

  public void ballot(String outcome, long startedNanos) {
    ballotCounter(outcome).increment();
    ackLatency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  private Counter ballotCounter(String outcome) {
    return ballots.computeIfAbsent(outcome, o -> Counter.builder("livejury_ballots").tag("outcome", o)
        .description("Ballots answered, by ack status").register(registry));
  }

  /** One Redis command answered (or failed), by command name. */
  public void redisCall(String command, long startedNanos, boolean failed) {
    redisCalls.computeIfAbsent(command, c -> latency("livejury_redis_call", "Redis command sent to answer received")
        .tag("command", c).register(registry)).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    if (failed) {
      redisErrors.increment();
    }
  }

  /** One Postgres call (a transaction counts as one), by what it was for. */
  public <T> Future<T> pgCall(String operation, Supplier<Future<T>> call) {
    long startedNanos = System.nanoTime();
    return call.get().andThen(done -> {
      pgCalls.computeIfAbsent(operation, o -> latency("livejury_pg_call",
              "Postgres call or transaction started to finished").tag("operation", o).register(registry))
          .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
      if (done.failed()) {
        pgErrors.increment();
      }
    });
  }

  private static Timer.Builder latency(String name, String description) {
    return Timer.builder(name).description(description).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5));
  }

  private final Map<String, Counter> queueItems = new ConcurrentHashMap<>();
  private final Counter escalations = Counter.builder("livejury_queue_escalations")
      .description("Queue items past their due time unclaimed, escalated by this node (each item by one node once)")
      .register(registry);
  private final Timer timeToClaim = staffTime("livejury_queue_time_to_claim",
      "Queue item appeared to first claimed, by its first claimant");
  private final Timer timeToDecision = staffTime("livejury_queue_time_to_decision",
      "Queue item appeared to decided (resolved, reviewed, or its room stopped)");
  private final Map<String, Counter> decided = new ConcurrentHashMap<>();

  private Timer staffTime(String name, String description) {
    return Timer.builder(name).description(description).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofSeconds(1)).maximumExpectedValue(Duration.ofHours(2)).register(registry);
  }

  /** A queue item this node added, by kind ({@code warning}, {@code verdict}, {@code reports}, {@code stop}). */
  public void queueItemAdded(String kind) {
    queueItems.computeIfAbsent(kind, k -> Counter.builder("livejury_queue_items").tag("kind", k)
        .description("Queue items added by this node, by kind").register(registry)).increment();
  }

  /** A queue item this node escalated: past its due time, unclaimed. */
  public void queueEscalated() {
    escalations.increment();
  }

  /** A queue item claimed for the first time (or after a lapse), {@code waitedMs} after it appeared. */
  public void queueClaimed(long waitedMs) {
    timeToClaim.record(Math.max(0, waitedMs), TimeUnit.MILLISECONDS);
  }

  /** A queue item decided {@code tookMs} after it appeared; {@code pastDue}: after its due time. */
  public void queueDecided(long tookMs, boolean pastDue) {
    timeToDecision.record(Math.max(0, tookMs), TimeUnit.MILLISECONDS);
    String when = pastDue ? "past_due" : "in_time";
    decided.computeIfAbsent(when, w -> Counter.builder("livejury_queue_decided").tag("when", w)
        .description("Queue items decided, in time or past their due time").register(registry)).increment();
  }

  public void roomFanOut(long startedNanos) {
    roomFanOut.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  /** A connection the node closed on its own, by why: slow_consumer, idle, too_big, handshake_timeout, body_timeout. */
  public void connectionClosed(String reason) {
    closes.computeIfAbsent(reason, r -> Counter.builder("livejury_connections_closed").tag("reason", r)
        .description("Connections the node closed itself, by reason").register(registry)).increment();
  }

  /** A prompt open on this node vanished from Redis and was closed for its sockets ({@code room.LostPrompts}). */
  public void promptLost() {
    promptsLost.increment();
  }

  public void frameDropped() {
    droppedFrames.increment();
  }

  public void tallyFrames(int sent) {
    tallyFrames.increment(sent);
  }

  /** A round of live tallies put off because ballots were backed up ({@code livejury_tally_rounds_held}). */
  public void tallyRoundHeld() {
    tallyRoundsHeld.increment();
  }

  /** The verdict streams' entries, pending entries, and the age of the oldest pending one (0: none pending). */
  public void verdictStream(long length, long pending, long oldestPendingAgeMs) {
    streamLength.set(length);
    streamPending.set(pending);
    oldestPendingMs.set(oldestPendingAgeMs);
  }

  /** A detection that warned, by the stage that found it (lexicon, model, both) and category. */
  public void detection(String stage, String category) {
    detections.computeIfAbsent(stage + "|" + category, k -> Counter.builder("livejury_detections")
        .tag("stage", stage).tag("category", category)
        .description("Transcript detections that warned, by stage and category").register(registry)).increment();
  }

  /**
   * A critical claim that warned and went to staff but opened no audience vote, because its segment debunks or
   * reports the claim ({@code detect/debunks.txt}).
   */
  public void voteHeld(String category) {
    votesHeld.computeIfAbsent(category, c -> Counter.builder("livejury_votes_held")
        .tag("category", c)
        .description("Critical claims that opened no audience vote because the segment debunks them, by category")
        .register(registry)).increment();
  }

  /** A lexicon hit silenced because the sentence model found the segment closest to an allowed sentence. */
  public void detectionSuppressed(String category) {
    suppressed.computeIfAbsent(category, c -> Counter.builder("livejury_detections_suppressed")
        .tag("category", c)
        .description("Lexicon hits silenced by an allowed-sentence verdict of the model, by category")
        .register(registry)).increment();
  }

  /**
   * One verdict of the semantic stage, by how it was reached: ran (the model ran), cached (a recent identical
   * segment's embedding), blank (nothing to judge), queue_full (too many segments in flight: lexicon alone),
   * not_loaded (the model or the sheets are not there), disabled (LIVEJURY_MODEL_ENABLED=false), failed.
   */
  public void modelVerdict(String outcome) {
    modelVerdicts.computeIfAbsent(outcome, o -> Counter.builder("livejury_model_verdicts").tag("outcome", o)
        .description("Semantic stage verdicts, by how they were reached").register(registry)).increment();
  }

  /** A model call that ran (queued or not) finished. */
  public void modelCall(long startedNanos) {
    modelCall.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  /** Segments queued for or inside the model right now. */
  public void modelInFlightGauge(Supplier<Number> inFlight) {
    Gauge.builder("livejury_model_in_flight", inFlight)
        .description("Segments queued for or inside the sentence model").register(registry);
  }

  public String scrape() {
    return registry.scrape();
  }
}
