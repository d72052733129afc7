package io.livejury.model;

import java.util.Map;

/** The audience's decision on a closed prompt. Its id derives from the prompt id: one verdict per prompt. */
public record Verdict(
    String id,
    String promptId,
    String roomId,
    String streamerId,
    String merchantId,
    String kind,
    String question,
    String claim,
    String outcome,
    Map<String, Long> counts,
    long total,
    double confidence,
    String decidedAt,
    String reviewStatus,
    Map<String, Object> trigger) {

  public static final String INCONCLUSIVE = "INCONCLUSIVE";
  /** Condemned and inconclusive verdicts wait for staff; cleared ones need no review. */
  public static final String REVIEW_PENDING = "pending";
  public static final String REVIEW_NONE = "none";

  public static String idFor(String promptId) {
    return "v-" + promptId;
  }

  /** This verdict as its room sees it: without the viewers' report texts, which are for staff. */
  public Verdict forRoom() {
    Map<String, Object> shown = Trigger.forRoom(trigger);
    return shown == trigger ? this : new Verdict(id, promptId, roomId, streamerId, merchantId, kind, question, claim,
        outcome, counts, total, confidence, decidedAt, reviewStatus, shown);
  }
}
