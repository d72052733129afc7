package io.livejury.room;

/**
 * A Redis stream entry id, {@code <ms>-<seq>}, ordered as Redis orders them: by milliseconds, then sequence,
 * both compared as numbers (as strings "10-0" would sort before "9-0").
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {

  /** Before every entry: where a room whose stream was empty starts. */
  public static final StreamId ZERO = new StreamId(0, 0);

  /** Parses {@code <ms>-<seq>}; both parts are unsigned 64-bit numbers. */
  public static StreamId parse(String id) {
    int dash = id.indexOf('-');
    if (dash < 0) {
      return new StreamId(Long.parseUnsignedLong(id), 0);
    }
    return new StreamId(Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1)));
  }

  /** True when this id comes after {@code other} in the stream. */
  public boolean isAfter(StreamId other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(StreamId other) {
    int byMs = Long.compareUnsigned(ms, other.ms);
    return byMs != 0 ? byMs : Long.compareUnsigned(seq, other.seq);
  }

  @Override
  public String toString() {
    return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
  }
}
