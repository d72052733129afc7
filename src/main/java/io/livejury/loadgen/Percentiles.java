package io.livejury.loadgen;

import io.vertx.core.json.JsonObject;

import java.util.Collection;

/** Latency percentiles in milliseconds from nanosecond samples. */
record Percentiles(int count, double min, double p50, double p95, double p99, double max) {

  static Percentiles of(Collection<Long> nanos) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return new Percentiles(0, 0, 0, 0, 0, 0);
    }
    return new Percentiles(sorted.length, ms(sorted[0]), ms(at(sorted, 0.50)), ms(at(sorted, 0.95)), ms(at(sorted, 0.99)),
        ms(sorted[sorted.length - 1]));
  }

  private static long at(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  JsonObject toJson() {
    return new JsonObject().put("count", count).put("minMs", min).put("p50Ms", p50).put("p95Ms", p95).put("p99Ms", p99).put("maxMs", max);
  }

  @Override
  public String toString() {
    return String.format("n=%d min=%.2fms p50=%.2fms p95=%.2fms p99=%.2fms max=%.2fms", count, min, p50, p95, p99, max);
  }
}
