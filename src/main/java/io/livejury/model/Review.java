package io.livejury.model;

import java.util.Map;

/** One row of the audit trail: a staff decision or an appeal, with the state before and after it. */
public record Review(
    String id,
    String verdictId,
    String action,
    String reason,
    String by,
    String at,
    Map<String, Object> before,
    Map<String, Object> after) {
}
