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
    if (!(value instanceof String s) || s.isBlank()) {
      throw ApiException.badRequest(field + " must be a non-empty string");
    }
    if (s.length() > max) {
      throw ApiException.badRequest(field + " is longer than " + max + " characters");
    }
    return s.trim();
  }

  private Fields() {
  }
}
