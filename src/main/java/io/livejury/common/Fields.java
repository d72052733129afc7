package io.livejury.common;

import io.vertx.core.json.JsonObject;

/** Reading text fields of request bodies, with the contract's 400 when one is missing or malformed. */
public final class Fields {

  public static String requiredText(JsonObject body, String field, int max) {
    String text = optionalText(body, field, max);
    if (text == null) {
      throw ApiException.badRequest(field + " is required");
    }
    return text;
  }

  public static String optionalText(JsonObject body, String field, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String raw) || storable(raw).isBlank()) {
      throw ApiException.badRequest(field + " must be a non-empty string");
    }
    String s = storable(raw);
    if (s.length() > max) {
      throw ApiException.badRequest(field + " is longer than " + max + " characters");
    }
    return s.trim();
  }

  /**
   * {@code text} without U+0000. Postgres stores no NUL character in text or jsonb, so a claim, reason or report
   * text carrying one would make every row it reaches fail — a verdict holding it would stay unrecorded for ever;
   * it never means anything in what people type or say. Null stays null.
   */
  public static String storable(String text) {
    return text == null || text.indexOf('\u0000') < 0 ? text : text.replace("\u0000", "");
  }

  private Fields() {
  }
}
