package io.livejury.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class JuryCostTest {

  @Test
  void medianAndSpreadOfAConfigurationsRuns() {
    assertThat(JuryCost.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(JuryCost.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(JuryCost.median(List.of())).isNaN();
    assertThat(JuryCost.spread(List.of(1_697.0, 4_450.0, 2_074.0))).isCloseTo(1.3274, within(1e-4));
    assertThat(JuryCost.spread(List.of(5.0))).isNaN();
  }
}
