package io.livejury.escalation;

/**
 * An item's risk, the number the staff queue sorts by after liveness (docs/review.md):
 *
 * <pre>
 * risk = severity × category × (1 + log10(1 + audience)) × (1 + offenceWeight × offences) × (1 + verdictWeight × verdicts)
 * </pre>
 *
 * severity: {@code riskCritical} (10), {@code riskWarn} (3) or {@code riskInfo} (1); category: its configured weight
 * (1 when not listed); audience: the room's viewers now, across nodes; offences: the streamer's offences on the
 * penalty ladder's window when the item appeared; verdicts: the room's condemned verdicts in the verdict window then.
 * The audience term grows by one per tenfold audience, so at equal severity a bigger room always ranks higher while a
 * critical item in a room of 10 (×2.04) still outranks a warn item in a room of 100,000 (×6.0 of 3 against 10 × 2.04).
 * Rounded to two decimals.
 */
public final class RiskScore {

  public static final String CRITICAL = "critical";
  public static final String WARN = "warn";

  private RiskScore() {
  }

  /**
   * @param audience the room's viewers now (0 for a room nobody watches)
   * @param offences the streamer's offences on the ladder's window
   * @param verdicts the room's recent condemned verdicts
   */
  public static double of(QueuePolicy policy, String severity, String category, long audience, long offences,
      long verdicts) {
    double weight = CRITICAL.equals(severity) ? policy.riskCritical()
        : WARN.equals(severity) ? policy.riskWarn() : policy.riskInfo();
    double categoryWeight = category == null ? 1 : policy.categoryWeights().getOrDefault(category, 1.0);
    double risk = weight * categoryWeight * (1 + Math.log10(1 + Math.max(0, audience)))
        * (1 + policy.offenceWeight() * offences) * (1 + policy.verdictWeight() * verdicts);
    return Math.round(risk * 100) / 100.0;
  }
}
