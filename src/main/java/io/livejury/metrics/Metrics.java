package io.livejury.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * This node's meters, exposed as Prometheus text at {@code GET /metrics}: sockets held, ballots by
 * outcome, ballot ack latency, tally frames sent, and the verdict stream's length and pending entries.
 */
public final class Metrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> ballots = new ConcurrentHashMap<>();
  private final Timer ackLatency = Timer.builder("livejury_ballot_ack")
      .description("Ballot received to ack sent, after Redis counted it")
      .publishPercentileHistogram()
      .minimumExpectedValue(Duration.ofMillis(1))
      .maximumExpectedValue(Duration.ofSeconds(5))
      .register(registry);
  private final Timer roomFanOut = Timer.builder("livejury_room_fanout")
      .description("Time to hand one room event to every local socket of the room")
      .publishPercentileHistogram()
      .minimumExpectedValue(Duration.ofMillis(1))
      .maximumExpectedValue(Duration.ofSeconds(5))
      .register(registry);
  private final Counter tallyFrames = Counter.builder("livejury_tally_frames")
      .description("Tally frames written to sockets").register(registry);
  private final AtomicLong streamLength = new AtomicLong();
  private final AtomicLong streamPending = new AtomicLong();

  public Metrics() {
    Gauge.builder("livejury_verdict_stream_length", streamLength, AtomicLong::get)
        .description("Entries in the verdict stream").register(registry);
    Gauge.builder("livejury_verdict_stream_pending", streamPending, AtomicLong::get)
        .description("Verdict entries delivered to the penalty group and not yet acknowledged").register(registry);
  }

  public void socketsGauge(Supplier<Number> sockets) {
    Gauge.builder("livejury_sockets", sockets).description("WebSockets held by this node").register(registry);
  }

  public void ballot(String outcome, long startedNanos) {
    ballots.computeIfAbsent(outcome, o -> Counter.builder("livejury_ballots").tag("outcome", o)
        .description("Ballots answered, by ack status").register(registry)).increment();
    ackLatency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  public void roomFanOut(long startedNanos) {
    roomFanOut.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  public void tallyFrames(int sent) {
    tallyFrames.increment(sent);
  }

  public void verdictStream(long length, long pending) {
    streamLength.set(length);
    streamPending.set(pending);
  }

  public String scrape() {
    return registry.scrape();
  }
}
