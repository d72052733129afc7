package io.livejury.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoadTestTest {

  @Test
  void roundCpuIsSpreadOverEverySocketInMicroseconds() {
    // 4,321.5 ms over 5,000 voters: 864.3 µs each
    assertThat(LoadTest.perVoter(4_321.5, 5_000)).isEqualTo(864.3);
    assertThat(LoadTest.perVoter(null, 5_000)).isNull();
    assertThat(LoadTest.perVoter(10.0, 0)).isNull();
  }
}
