package io.livejury.verdict;

import io.livejury.model.PromptKind;
import io.livejury.model.Verdict;

import java.util.Map;

/**
 * The statistical rule that turns ballots into an outcome (docs/design.md). Only decisive ballots (the kind's
 * condemning and clearing options) count. With n of them, below {@code quorum} nothing is decided; otherwise
 * the prompt is condemned when the lower bound of the Wilson score interval (Wilson, 1927, "Probable inference,
 * the law of succession, and statistical inference", JASA 22:209-212) of the condemning share p reaches
 * {@code condemnLower}, cleared when its upper bound is at most {@code clearUpper}, and inconclusive in between.
 *
 * <p>When ballots carry weights (a juror's reputation, {@link io.livejury.jury.ReputationRule}), p is the
 * condemning share of the decisive weight, W(condemning) / W(condemning + clearing), and the interval is taken
 * on Kish's effective sample size of the decisive ballots, n_eff = (Σw)² / Σw² (Kish, 1965, Survey Sampling,
 * Wiley): unequal weights carry less information than as many equal ballots, so a few heavy jurors cannot make a
 * narrow interval out of a small jury. The quorum still counts decisive ballots, not weight. With every weight
 * 1, W = n and n_eff = n, and the decision is exactly the unweighted one.
 */
public record VerdictRule(int quorum, double z, double condemnLower, double clearUpper) {

  /** {@code confidence} is the Wilson lower bound of the share of the side that won, 0 below quorum. */
  public record Decision(String outcome, double confidence) {
  }

  /** The ballots of one option as weights: their sum Σw and the sum of their squares Σw². */
  public record Weight(double sum, double squares) {

    public static final Weight NONE = new Weight(0, 0);

    /** {@code ballots} ballots of weight 1. */
    public static Weight unit(long ballots) {
      return new Weight(ballots, ballots);
    }

    public Weight plus(double weight) {
      return new Weight(sum + weight, squares + weight * weight);
    }
  }

  /** Every ballot weighs 1. */
  public Decision decide(PromptKind kind, Map<String, Long> counts) {
    return decide(kind, counts, Map.of(
        kind.condemning(), Weight.unit(counts.getOrDefault(kind.condemning(), 0L)),
        kind.clearing(), Weight.unit(counts.getOrDefault(kind.clearing(), 0L))));
  }

  /**
   * @param counts  ballots counted per option (the quorum is on these)
   * @param weights the weights of each option's ballots; an option absent weighs nothing
   */
  public Decision decide(PromptKind kind, Map<String, Long> counts, Map<String, Weight> weights) {
    long n = counts.getOrDefault(kind.condemning(), 0L) + counts.getOrDefault(kind.clearing(), 0L);
    if (n == 0 || n < quorum) {
      return new Decision(Verdict.INCONCLUSIVE, 0.0);
    }
    Weight condemning = weights.getOrDefault(kind.condemning(), Weight.NONE);
    Weight clearing = weights.getOrDefault(kind.clearing(), Weight.NONE);
    double total = condemning.sum() + clearing.sum();
    double squares = condemning.squares() + clearing.squares();
    if (!(total > 0 && squares > 0)) {
      return new Decision(Verdict.INCONCLUSIVE, 0.0); // every decisive juror weighs nothing: no evidence either way
    }
    double p = condemning.sum() / total;
    double effective = total * total / squares;
    double lower = wilsonLower(p, effective);
    double upper = wilsonUpper(p, effective);
    if (lower >= condemnLower) {
      return new Decision(kind.condemned(), round(lower));
    }
    if (upper <= clearUpper) {
      return new Decision(kind.cleared(), round(1 - upper));
    }
    return new Decision(Verdict.INCONCLUSIVE, round(Math.max(lower, 1 - upper)));
  }

  double wilsonLower(double p, double n) {
    return center(p, n) - margin(p, n);
  }

  double wilsonUpper(double p, double n) {
    return center(p, n) + margin(p, n);
  }

  private double center(double p, double n) {
    double z2 = z * z;
    return (p + z2 / (2.0 * n)) / (1 + z2 / n);
  }

  private double margin(double p, double n) {
    double z2 = z * z;
    return z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
