package io.livejury.penalty;

import io.livejury.common.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The penalty ladder (docs/design.md), read from {@code penalty-ladder.json}: the n-th offence within
 * {@code windowDays} gets step n, the last step repeating. Only outcomes in {@code offenceOutcomes} count.
 */
public record PenaltyLadder(int windowDays, List<String> offenceOutcomes, List<Step> steps) {

  /** {@code days} is null for penalties with no end (a warning, a permanent ban). */
  public record Step(String level, Integer days, boolean needsReview) {
  }

  public static PenaltyLadder load() {
    try (InputStream in = PenaltyLadder.class.getResourceAsStream("/penalty-ladder.json")) {
      return Json.MAPPER.readValue(in, PenaltyLadder.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean isOffence(String outcome) {
    return offenceOutcomes.contains(outcome);
  }

  /** The step for the subject's {@code offence}-th offence (1-based). */
  public Step step(int offence) {
    return steps.get(Math.min(Math.max(offence, 1), steps.size()) - 1);
  }
}
