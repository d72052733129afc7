package io.livejury.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The README's jury statistics against values computed independently (exact binomial sums, the Wilson formula). */
class JuryStatsTest {

  private final JuryStats stats = new JuryStats(1.96, 30, 0.6, 0.4);

  @Test
  void wilsonHalfWidthAndTheSmallestJuryThatDecides() {
    assertThat(stats.margin(0.5, 50)).isCloseTo(0.13356, within(1e-5));
    assertThat(stats.margin(0.9, 10_000)).isCloseTo(0.005881, within(1e-6));
    assertThat(stats.smallestCondemning(0.7)).isEqualTo(93);
    assertThat(stats.lower(0.7, 92)).isLessThan(0.6);
    assertThat(stats.smallestCondemning(0.8)).isEqualTo(30); // the quorum
    assertThat(stats.smallestCondemning(0.6)).isEqualTo(-1);
    assertThat(stats.smallestClearing(0.3)).isEqualTo(93);
  }

  @Test
  void drawnJurySizeQuantiles() {
    JuryStats.Binomial small = new JuryStats.Binomial(300, 0.2);
    assertThat(small.quantile(0.005)).isEqualTo(43);
    assertThat(small.quantile(0.995)).isEqualTo(78);
    assertThat(small.cdf(29)).isCloseTo(9.619e-7, within(1e-9));
    JuryStats.Binomial big = new JuryStats.Binomial(500_000, 0.006);
    assertThat(big.quantile(0.005)).isEqualTo(2_860);
    assertThat(big.quantile(0.995)).isEqualTo(3_142);
    assertThat(new JuryStats.Binomial(500_000, 0.00012).quantile(0.005)).isEqualTo(41);
    assertThat(new JuryStats.Binomial(300, 1.0).quantile(0.005)).isEqualTo(300);
  }
}
