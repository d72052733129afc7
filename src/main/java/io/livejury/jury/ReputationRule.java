package io.livejury.jury;

import io.livejury.config.Settings;

/**
 * How a juror's record becomes the weight of their ballot. The record (ballots on verdicts staff confirmed or
 * overturned, and calibration answers) gives a Beta posterior of the juror's accuracy, starting from the prior
 * Beta({@code priorRight}, {@code priorWrong}); the weight is the posterior mean's log-odds relative to the
 * prior mean's, the weight of an independent voter of that accuracy in an optimal weighted majority
 * (Nitzan &amp; Paroush, 1982), clamped to [{@code minWeight}, {@code maxWeight}]. A juror with no record
 * weighs 1.
 */
public record ReputationRule(double priorRight, double priorWrong, double minWeight, double maxWeight) {

  public ReputationRule {
    if (!(priorWrong > 0 && priorRight > priorWrong)) {
      throw new IllegalArgumentException("LIVEJURY_REPUTATION_PRIOR_RIGHT must exceed LIVEJURY_REPUTATION_PRIOR_WRONG,"
          + " and both be above 0: a new juror is presumed more often right than wrong");
    }
    if (!(minWeight >= 0 && minWeight <= 1 && maxWeight >= 1)) {
      throw new IllegalArgumentException("LIVEJURY_REPUTATION_MIN_WEIGHT must lie in [0, 1] and"
          + " LIVEJURY_REPUTATION_MAX_WEIGHT be at least 1");
    }
  }

  public static ReputationRule from(Settings.Reader r) {
    return new ReputationRule(
        r.decimal("LIVEJURY_REPUTATION_PRIOR_RIGHT"),
        r.decimal("LIVEJURY_REPUTATION_PRIOR_WRONG"),
        r.decimal("LIVEJURY_REPUTATION_MIN_WEIGHT"),
        r.decimal("LIVEJURY_REPUTATION_MAX_WEIGHT"));
  }

  /** The posterior mean accuracy of a juror who was right {@code right} times and wrong {@code wrong} times. */
  public double reputation(long right, long wrong) {
    return (priorRight + right) / (priorRight + priorWrong + right + wrong);
  }

  /** The ballot weight of a juror with that record: 1 with no record, more for a reliable juror. */
  public double weight(long right, long wrong) {
    double prior = logit(reputation(0, 0));
    double weight = logit(reputation(right, wrong)) / prior;
    return Math.min(maxWeight, Math.max(minWeight, weight));
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }
}
