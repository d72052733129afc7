package io.livejury.jury;

import io.vertx.core.json.JsonObject;

/**
 * A juror's record (the {@code jurors} table): ballots on verdicts staff decided and how many agreed with staff,
 * and calibration answers and how many were right. A user with no record has zeros everywhere.
 */
public record JurorRecord(String userId, long decided, long agreed, long calibAnswered, long calibCorrect) {

  public static JurorRecord none(String userId) {
    return new JurorRecord(userId, 0, 0, 0, 0);
  }

  /** Times the juror was right: agreed with staff, or answered a calibration prompt correctly. */
  public long right() {
    return agreed + calibCorrect;
  }

  /** Times the juror was wrong: a decisive ballot staff decided against, or a wrong calibration answer. */
  public long wrong() {
    return (decided - agreed) + (calibAnswered - calibCorrect);
  }

  /**
   * As {@code GET /api/jurors/{userId}} shows it: {@code {"userId", "reputation", "weight", "decided", "agreed",
   * "calibration": {"answered", "correct"}}}, reputation and weight by {@code rule}.
   */
  public JsonObject view(ReputationRule rule) {
    return new JsonObject()
        .put("userId", userId)
        .put("reputation", rule.reputation(right(), wrong()))
        .put("weight", rule.weight(right(), wrong()))
        .put("decided", decided)
        .put("agreed", agreed)
        .put("calibration", new JsonObject().put("answered", calibAnswered).put("correct", calibCorrect));
  }
}
