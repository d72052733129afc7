package io.livejury.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Reading fields of request bodies and query parameters, with the contract's 400 when one is missing or malformed.
 *
 * <p>Text is measured in characters (Unicode code points), not UTF-16 units: an emoji or a CJK character beyond the
 * basic plane is one character, as a person counting them would say.
 */
public final class Fields {

  /** U+FFFD, the replacement character: what a decoder makes of bytes that are no UTF-8. */
  private static final int REPLACEMENT_CHARACTER = 0xFFFD;

  /** Letters by their category that render as nothing (U+115F, U+1160, U+3164, U+FFA0). */
  private static final String HANGUL_FILLERS = "\u115f\u1160\u3164\uffa0";
  private static final int BRAILLE_BLANK = 0x2800;

  /**
   * A text field that must be there: see {@link #optionalText}.
   *
   * @throws ApiException 400 when it is absent or null, or as {@link #optionalText}
   */
  public static String requiredText(JsonObject body, String field, int max) {
    return requiredText(body, field, field, max);
  }

  /**
   * As {@link #requiredText(JsonObject, String, int)}, its errors naming the field as {@code label} (a field of a
   * list's element: {@code segments[0].text}).
   */
  public static String requiredText(JsonObject body, String field, String label, int max) {
    String text = optionalText(body, field, label, max);
    if (text == null) {
      throw ApiException.badRequest(label + " is required");
    }
    return text;
  }

  /**
   * A text field of at most {@code max} characters with at least one visible character ({@link #hasVisible}),
   * trimmed and without U+0000 ({@link #storable}); null when the field is absent or null.
   *
   * @throws ApiException 400 when it is not a string, has nothing visible, or is longer than {@code max} characters
   */
  public static String optionalText(JsonObject body, String field, int max) {
    return optionalText(body, field, field, max);
  }

  private static String optionalText(JsonObject body, String field, String label, int max) {
    Object value = body == null ? null : body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String raw) || !hasVisible(raw)) {
      throw ApiException.badRequest(label + " must be text with at least one visible character");
    }
    String s = storable(raw).trim();
    if (length(s) > max) {
      throw ApiException.badRequest(label + " is longer than " + max + " characters");
    }
    return s;
  }

  /**
   * An identifier field (a user, streamer or merchant id) that may be absent: see {@link #isIdentifier}. Free text
   * loses its NUL characters ({@link #storable}); an identifier may not, since {@code "a\u0000b"} and {@code "ab"}
   * would then name one person.
   *
   * @return the id as sent, or null when the field is absent or null
   * @throws ApiException 400 naming the field when it is not an identifier of at most {@code max} characters
   */
  public static String optionalIdentifier(JsonObject body, String field, int max) {
    Object value = body == null ? null : body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String id) || !isIdentifier(id, max)) {
      throw ApiException.badRequest(identifierRule(field, max));
    }
    return id;
  }

  /**
   * True when {@code id} names someone legibly: 1 to {@code max} characters, at least one of them visible
   * ({@link #hasVisible}), no white space at either end, none of them a control or format character (Unicode Cc, Cf:
   * NUL, the bidirectional marks and overrides, zero-width characters), U+FFFD (what a path's invalid UTF-8 decodes
   * to) or half of a surrogate pair. Ids are compared as sent, in bodies, tokens and paths alike, so two ids that
   * look alike on a staff screen are alike in the data too, but for the look-alike letters of different scripts.
   */
  public static boolean isIdentifier(String id, int max) {
    int length = length(id);
    return length >= 1 && length <= max && wellFormed(id) && hasVisible(id) && id.strip().equals(id)
        && id.codePoints().noneMatch(c -> c == REPLACEMENT_CHARACTER || Character.getType(c) == Character.CONTROL
            || Character.getType(c) == Character.FORMAT);
  }

  /** The error message of an identifier that breaks {@link #isIdentifier}. */
  public static String identifierRule(String field, int max) {
    return field + " must be 1-" + max + " characters with something visible, no white space at either end and no "
        + "control or format characters (NUL, bidirectional marks, zero-width characters) or U+FFFD";
  }

  /** Characters (code points) in {@code text}, a character beyond the basic plane counting once. */
  public static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  /**
   * True when {@code text} shows something: a letter, digit, punctuation mark, symbol or spacing mark. Spaces, control
   * and format characters (Unicode Cc, Cf: U+200B, U+FEFF, the bidirectional overrides…), combining marks alone,
   * lone surrogates, unassigned code points and the Hangul fillers show nothing; a text of only those would be
   * stored as an empty-looking reason that says nothing to whoever reads the record.
   */
  public static boolean hasVisible(String text) {
    return text.codePoints().anyMatch(Fields::visible);
  }

  /** True when the character shows something ({@link #hasVisible}). */
  public static boolean visible(int codePoint) {
    if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || HANGUL_FILLERS.indexOf(codePoint) >= 0
        || codePoint == BRAILLE_BLANK) {
      return false;
    }
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.UNASSIGNED, Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK -> false;
      default -> true;
    };
  }

  /**
   * {@code text} without U+0000. Postgres stores no NUL character in text or jsonb, so a claim, reason or report
   * text carrying one would make every row it reaches fail — a verdict holding it would stay unrecorded for ever;
   * it never means anything in what people type or say. Null stays null.
   */
  public static String storable(String text) {
    return text == null || text.indexOf('\u0000') < 0 ? text : text.replace("\u0000", "");
  }

  /**
   * Refuses a JSON value holding a lone UTF-16 surrogate in any string, key or value, at any depth: a JSON escape such
   * as {@code "\ud800"} decodes to one, which no UTF-8 text can carry, so Postgres and Redis would store it as
   * something else or fail on it. Requests are checked once, as their body is read.
   *
   * @param where how the value is named in the error: {@code the body}, then the path to it ({@code segments[0].text})
   * @throws ApiException 400 naming the field that holds one
   */
  public static void requireWellFormed(Object json, String where) {
    if (json instanceof String text) {
      if (!wellFormed(text)) {
        throw ApiException.badRequest(where + " holds an unpaired UTF-16 surrogate, which is no character");
      }
    } else if (json instanceof JsonObject object) {
      for (Map.Entry<String, Object> field : object) {
        requireWellFormed(field.getKey(), where + " (a field name)");
        requireWellFormed(field.getValue(), "the body".equals(where) ? field.getKey() : where + "." + field.getKey());
      }
    } else if (json instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        requireWellFormed(array.getValue(i), where + "[" + i + "]");
      }
    }
  }

  /** True when every surrogate in {@code text} is half of a pair. */
  public static boolean wellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A page size from a query parameter: {@code fallback} when absent or blank, else a whole number from 1 to
   * {@code max}.
   *
   * @throws ApiException 400 for anything else, naming the range
   */
  public static int limit(String value, int fallback, int max) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the error below
    }
    throw ApiException.badRequest("limit must be a whole number from 1 to " + max);
  }

  /**
   * A yes-or-no query parameter: {@code false} when absent or empty, else exactly {@code true} or {@code false}. A
   * console that sent {@code removed=yes} and got the default would show the wrong list without a word.
   *
   * @throws ApiException 400 for any other value, naming the parameter
   */
  public static boolean flag(String name, String value) {
    if (value == null || value.isEmpty() || "false".equals(value)) {
      return false;
    }
    if ("true".equals(value)) {
      return true;
    }
    throw ApiException.badRequest(name + " must be true or false");
  }

  private Fields() {
  }
}
