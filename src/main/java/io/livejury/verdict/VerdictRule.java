package io.livejury.verdict;

import io.livejury.model.PromptKind;
import io.livejury.model.Verdict;

import java.util.Map;

/**
 * The statistical rule that turns ballots into an outcome (DESIGN.md). Only decisive ballots count:
 * with n of them and f condemning, below {@code quorum} nothing is decided; otherwise the prompt is
 * condemned when the Wilson lower bound of f/n reaches {@code condemnLower}, cleared when the upper
 * bound is at most {@code clearUpper}, and inconclusive in between.
 */
public record VerdictRule(int quorum, double z, double condemnLower, double clearUpper) {

  /** {@code confidence} is the Wilson lower bound of the share of the side that won, 0 below quorum. */
  public record Decision(String outcome, double confidence) {
  }

  public Decision decide(PromptKind kind, Map<String, Long> counts) {
    long condemning = counts.getOrDefault(kind.condemning(), 0L);
    long clearing = counts.getOrDefault(kind.clearing(), 0L);
    long n = condemning + clearing;
    if (n == 0 || n < quorum) {
      return new Decision(Verdict.INCONCLUSIVE, 0.0);
    }
    double p = (double) condemning / n;
    double lower = wilsonLower(p, n);
    double upper = wilsonUpper(p, n);
    if (lower >= condemnLower) {
      return new Decision(kind.condemned(), round(lower));
    }
    if (upper <= clearUpper) {
      return new Decision(kind.cleared(), round(1 - upper));
    }
    return new Decision(Verdict.INCONCLUSIVE, round(Math.max(lower, 1 - upper)));
  }

  double wilsonLower(double p, long n) {
    return center(p, n) - margin(p, n);
  }

  double wilsonUpper(double p, long n) {
    return center(p, n) + margin(p, n);
  }

  private double center(double p, long n) {
    double z2 = z * z;
    return (p + z2 / (2.0 * n)) / (1 + z2 / n);
  }

  private double margin(double p, long n) {
    double z2 = z * z;
    return z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
