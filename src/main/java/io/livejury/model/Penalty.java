package io.livejury.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a false claim costs the streamer. {@code startsAt} is set when the penalty takes effect;
 * {@code offence} is which offence of the subject's window it punished; {@code createdAt} when it was set.
 */
public record Penalty(
    String id,
    String verdictId,
    String subject,
    String level,
    int offence,
    @JsonInclude(JsonInclude.Include.ALWAYS) String startsAt,
    String endsAt,
    String status,
    String createdAt) {

  public static final String PENDING_REVIEW = "pending_review";
  public static final String ACTIVE = "active";
  public static final String LIFTED = "lifted";
  public static final String EXPIRED = "expired";

  public static String idFor(String verdictId) {
    return "pn-" + verdictId;
  }
}
