package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VoterCostTest {

  /** A LoadTest report of {@code sockets} sockets whose rounds took these node and store CPU ms. */
  private static JsonObject run(int sockets, double[] nodeMs, double[] serverMs, long[] ballots, double[] ackP99) {
    JsonArray rounds = new JsonArray();
    for (int i = 0; i < nodeMs.length; i++) {
      rounds.add(new JsonObject().put("round", i + 1).put("nodeCpuMs", nodeMs[i]).put("serverCpuMs", serverMs[i])
          .put("acceptedPerSecond", ballots[i]).put("ack", new JsonObject().put("p99Ms", ackP99[i])).put("correct", true));
    }
    return new JsonObject().put("sockets", sockets).put("correct", true).put("problems", new JsonArray())
        .put("everyRound", rounds);
  }

  @Test
  void coldIsRoundOneAndWarmTheMedianOfTheSecondHalf() {
    // 5,000 sockets, six rounds: node 10,000 ms in round 1 (2,000 µs per voter), then 6,000, 5,500, 5,000, 4,000, 4,500
    VoterCost.Run r = VoterCost.read("livejury", 1, run(5_000,
        new double[] {10_000, 6_000, 5_500, 5_000, 4_000, 4_500}, new double[] {500, 400, 400, 300, 250, 350},
        new long[] {3_000, 4_000, 4_500, 5_000, 6_000, 5_500}, new double[] {900, 700, 600, 500, 400, 450}));
    assertThat(r.coldNodeUs()).isEqualTo(2_000.0);
    // rounds 4-6: 5,000, 4,000, 4,500 ms → median 4,500 ms → 900 µs per voter
    assertThat(r.warmNodeUs()).isEqualTo(900.0);
    assertThat(r.coldServerUs()).isEqualTo(100.0);
    assertThat(r.warmServerUs()).isEqualTo(60.0);
    assertThat(r.ballotsPerSecond()).isEqualTo(5_500.0);
    assertThat(r.ackP99Ms()).isEqualTo(450.0);
    assertThat(r.rounds()).isEqualTo(6);
  }

  @Test
  void oneRoundIsBothColdAndWarmAndMissingCpuIsNaN() {
    JsonObject report = run(1_000, new double[] {3_000}, new double[] {200}, new long[] {2_000}, new double[] {300});
    report.getJsonArray("everyRound").getJsonObject(0).putNull("nodeCpuMs");
    VoterCost.Run r = VoterCost.read("ref", 1, report);
    assertThat(r.coldNodeUs()).isNaN();
    assertThat(r.warmNodeUs()).isNaN();
    assertThat(r.coldServerUs()).isEqualTo(200.0);
    assertThat(r.warmServerUs()).isEqualTo(200.0);
  }

  @Test
  void ratiosAreSubjectOverBaseOfTheMediansOfTheRuns() {
    List<VoterCost.Run> runs = List.of(
        VoterCost.read("livejury", 1, run(1_000, new double[] {4_000, 2_000}, new double[] {100, 100},
            new long[] {1_000, 2_000}, new double[] {500, 200})),
        VoterCost.read("livejury", 2, run(1_000, new double[] {5_000, 3_000}, new double[] {100, 100},
            new long[] {1_000, 1_000}, new double[] {500, 400})),
        VoterCost.read("livejury", 3, run(1_000, new double[] {6_000, 2_500}, new double[] {100, 100},
            new long[] {1_000, 1_500}, new double[] {500, 300})),
        VoterCost.read("floor", 1, run(1_000, new double[] {1_000, 500}, new double[] {50, 50},
            new long[] {1_000, 3_000}, new double[] {500, 100})));
    JsonObject report = VoterCost.report(runs, "livejury", "floor");
    JsonObject livejury = report.getJsonObject("servers").getJsonObject("livejury");
    // warm node µs: 2,000, 3,000, 2,500 → median 2,500; the floor's 500 → ratio 5
    assertThat(livejury.getJsonObject("warmNodeCpuUsPerVoter").getDouble("median")).isEqualTo(2_500.0);
    assertThat(report.getJsonObject("ratios").getDouble("warmNodeCpuUsPerVoter")).isEqualTo(5.0);
    // cold: median 5,000 over the floor's 1,000
    assertThat(report.getJsonObject("ratios").getDouble("coldNodeCpuUsPerVoter")).isEqualTo(5.0);
    assertThat(report.getJsonObject("ratios").getDouble("warmServerCpuUsPerVoter")).isEqualTo(2.0);
    assertThat(report.getJsonObject("ratios").getDouble("ballotsPerSecond")).isEqualTo(0.5);
    assertThat(report.getJsonObject("ratios").getDouble("ackP99Ms")).isEqualTo(3.0);
    // cold tax: 5,000 / 2,500
    assertThat(livejury.getDouble("coldTax")).isEqualTo(2.0);
    assertThat(report.getJsonObject("servers").getJsonObject("floor").getDouble("coldTax")).isEqualTo(2.0);
    assertThat(VoterCost.ratio(1, 0)).isNaN();
    assertThat(VoterCost.ratio(Double.NaN, 2)).isNaN();
    assertThat(VoterCost.ratio(3, 4)).isCloseTo(0.75, within(1e-12));
  }
}
