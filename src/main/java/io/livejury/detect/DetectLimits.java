package io.livejury.detect;

import io.livejury.config.Settings;

/**
 * How much detection work a segment and a room may ask for, from {@code livejury-defaults.properties} (each key
 * there says why its default).
 *
 * @param clauses           how long segments are cut into clauses for the sentence model ({@link Clauses})
 * @param segmentsPerSecond {@code LIVEJURY_TRANSCRIPT_SEGMENTS_PER_SECOND}: segments a room's transcript may carry
 *                          per second, over time, on one node; more is refused with 429 and {@code Retry-After}
 * @param segmentBurst      {@code LIVEJURY_TRANSCRIPT_SEGMENT_BURST}: segments a room may post at once after a
 *                          quiet spell (a speech-to-text client catching up); at least one full post
 *                          ({@code LIVEJURY_TRANSCRIPT_MAX_SEGMENTS})
 */
public record DetectLimits(Clauses.Options clauses, int segmentsPerSecond, int segmentBurst) {

  public static DetectLimits from(Settings.Reader r) {
    int burst = r.positive("LIVEJURY_TRANSCRIPT_SEGMENT_BURST");
    int maxSegments = r.positive("LIVEJURY_TRANSCRIPT_MAX_SEGMENTS");
    if (burst < maxSegments) {
      throw new IllegalArgumentException("LIVEJURY_TRANSCRIPT_SEGMENT_BURST must be at least"
          + " LIVEJURY_TRANSCRIPT_MAX_SEGMENTS (" + maxSegments + "), or a full post could never pass; got " + burst);
    }
    return new DetectLimits(
        new Clauses.Options(r.positive("LIVEJURY_DETECT_CLAUSE_SPLIT_CHARS"),
            r.positive("LIVEJURY_DETECT_CLAUSE_MIN_CHARS"), r.positive("LIVEJURY_DETECT_MAX_CLAUSES"),
            r.positive("LIVEJURY_DETECT_HIT_WINDOW_CHARS")),
        r.positive("LIVEJURY_TRANSCRIPT_SEGMENTS_PER_SECOND"),
        burst);
  }
}
