package io.livejury.escalation;

import io.livejury.config.Settings;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The numbers of the staff review queue, all from configuration ({@code LIVEJURY_REVIEW_*}, {@code LIVEJURY_RISK_*},
 * {@code LIVEJURY_AUTO_STOP_*}; defaults in livejury-defaults.properties). How they make an item's risk is
 * {@link RiskScore}.
 *
 * @param criticalSeconds        a critical item is due this many seconds after it appears ({@code LIVEJURY_REVIEW_SLA_SECONDS})
 * @param warnSeconds            a warn item is due this many seconds after it appears
 * @param claimSeconds           a claim lapses this many seconds after it was made
 * @param repeatSeconds          one rule's warnings in one room make one item per this many seconds
 * @param escalateEveryMs        the longest pause between two looks for items past due (and two re-rank rounds)
 * @param retentionHours         decided items, and open ones this old, leave the queue
 * @param listMax                GET /api/queue returns at most this many items a page (and this many by default)
 * @param feedMax                the staff feed's {@code queue} frame holds at most this many items
 * @param rerankMs               how often a room's items are put back in order as its audience drifts
 * @param riskCritical           severity weight of a critical item
 * @param riskWarn               severity weight of a warn item
 * @param riskInfo               severity weight of any other item
 * @param categoryWeights        category → weight; 1 for a category not listed
 * @param offenceWeight          risk grows by this share per offence of the streamer on the ladder's window
 * @param verdictWeight          risk grows by this share per condemned verdict of the room in the verdict window
 * @param verdictWindowMinutes   the window of the room's recent verdicts
 * @param autoStopEnabled        whether condemned verdicts may propose a stop to staff
 * @param autoStopCategories     the categories (of the rule that raised the prompt) whose verdicts count
 * @param autoStopVerdicts       this many such verdicts in one room within the window propose a stop
 * @param autoStopWindowMinutes  the window
 * @param stopAuditTimeoutMs     a stop answers 503 when its audit row is not written within this long
 * @param stopAuditSweepMs       how often each node writes the audit rows stops could not write
 */
public record QueuePolicy(
    int criticalSeconds,
    int warnSeconds,
    int claimSeconds,
    int repeatSeconds,
    int escalateEveryMs,
    int retentionHours,
    int listMax,
    int feedMax,
    int rerankMs,
    double riskCritical,
    double riskWarn,
    double riskInfo,
    Map<String, Double> categoryWeights,
    double offenceWeight,
    double verdictWeight,
    int verdictWindowMinutes,
    boolean autoStopEnabled,
    Set<String> autoStopCategories,
    int autoStopVerdicts,
    int autoStopWindowMinutes,
    int stopAuditTimeoutMs,
    int stopAuditSweepMs) {

  public QueuePolicy {
    categoryWeights = Map.copyOf(categoryWeights);
    autoStopCategories = Set.copyOf(autoStopCategories);
  }

  public static QueuePolicy from(Settings.Reader r) {
    return new QueuePolicy(
        r.positive("LIVEJURY_REVIEW_SLA_SECONDS"),
        r.positive("LIVEJURY_REVIEW_WARN_SLA_SECONDS"),
        r.positive("LIVEJURY_REVIEW_CLAIM_SECONDS"),
        r.positive("LIVEJURY_REVIEW_REPEAT_SECONDS"),
        r.positive("LIVEJURY_REVIEW_ESCALATE_EVERY_MS"),
        r.positive("LIVEJURY_REVIEW_RETENTION_HOURS"),
        r.positive("LIVEJURY_REVIEW_LIST_MAX"),
        r.positive("LIVEJURY_REVIEW_FEED_MAX"),
        r.positive("LIVEJURY_REVIEW_RERANK_MS"),
        r.decimal("LIVEJURY_RISK_CRITICAL"),
        r.decimal("LIVEJURY_RISK_WARN"),
        r.decimal("LIVEJURY_RISK_INFO"),
        weights(r.text("LIVEJURY_RISK_CATEGORY_WEIGHTS")),
        r.decimal("LIVEJURY_RISK_OFFENCE_WEIGHT"),
        r.decimal("LIVEJURY_RISK_VERDICT_WEIGHT"),
        r.positive("LIVEJURY_RISK_VERDICT_WINDOW_MINUTES"),
        r.bool("LIVEJURY_AUTO_STOP_ENABLED"),
        Set.of(r.text("LIVEJURY_AUTO_STOP_CATEGORIES").split("\\s*,\\s*")),
        r.positive("LIVEJURY_AUTO_STOP_VERDICTS"),
        r.positive("LIVEJURY_AUTO_STOP_WINDOW_MINUTES"),
        r.positive("LIVEJURY_STOP_AUDIT_TIMEOUT_MS"),
        r.positive("LIVEJURY_STOP_AUDIT_SWEEP_MS"));
  }

  /** Seconds from an item's appearance to its due time, by severity. */
  public int dueSeconds(String severity) {
    return RiskScore.CRITICAL.equals(severity) ? criticalSeconds : warnSeconds;
  }

  /** {@code medical_claim:2,price_fraud:1.2} → a map; a malformed pair refuses to start, naming the setting. */
  static Map<String, Double> weights(String text) {
    Map<String, Double> weights = new HashMap<>();
    if (text.isEmpty()) {
      return weights;
    }
    for (String pair : text.split("\\s*,\\s*")) {
      String[] parts = pair.split("\\s*:\\s*");
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        weights.put(parts[0], Double.parseDouble(parts[1]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("LIVEJURY_RISK_CATEGORY_WEIGHTS must be category:weight pairs separated"
            + " by commas, got '" + pair + "'");
      }
    }
    return weights;
  }
}
