package io.livejury.room;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamIdTest {

  @Test
  void idsOrderByMillisecondsThenSequenceAsNumbers() {
    assertThat(StreamId.parse("10-0").isAfter(StreamId.parse("9-5"))).as("not as strings").isTrue();
    assertThat(StreamId.parse("1700000000000-10").isAfter(StreamId.parse("1700000000000-9"))).isTrue();
    assertThat(StreamId.parse("1700000000000-0").isAfter(StreamId.parse("1700000000000-0"))).isFalse();
    assertThat(StreamId.parse("1-0").isAfter(StreamId.ZERO)).isTrue();
    // Sequences are unsigned 64-bit: the largest is still after every smaller one.
    StreamId last = StreamId.parse("5-18446744073709551615");
    assertThat(last.isAfter(StreamId.parse("5-9223372036854775807"))).isTrue();
    assertThat(last.toString()).isEqualTo("5-18446744073709551615");
    assertThat(StreamId.parse("6-0").isAfter(last)).isTrue();

    List<StreamId> ids = new ArrayList<>(List.of(StreamId.parse("10-1"), StreamId.parse("9-2"), StreamId.parse("10-0")));
    ids.sort(null);
    assertThat(ids).extracting(StreamId::toString).containsExactly("9-2", "10-0", "10-1");
  }
}
