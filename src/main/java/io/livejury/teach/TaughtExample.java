package io.livejury.teach;

/**
 * One example sentence staff taught the detector (a row of {@code taught_examples}).
 *
 * @param id         {@code te-…}
 * @param sheet      a violation category (the lexicon's category names, e.g. {@code medical_claim}) or
 *                   {@link TeachableSheets#ALLOWED}
 * @param text       the sentence as said: from the verdict's claim or the warning's segment, never from the client
 *                   when a source is named; as staff typed it otherwise
 * @param normalised {@code text} as the sheets compare it ({@link TeachableSheets#normalise})
 * @param source     where the sentence came from
 * @param by         the staff user id of the token that taught it
 * @param at         when it was taught (ISO-8601, UTC)
 * @param removedBy  the staff user who undid it; null while in force
 * @param removedAt  when it was undone; null while in force
 */
public record TaughtExample(String id, String sheet, String text, String normalised, Source source, String by,
    String at, String removedBy, String removedAt) {

  /** A verdict's claim. */
  public static final String FROM_VERDICT = "verdict";
  /** A warning's sentence. */
  public static final String FROM_WARNING = "warning";
  /** A sentence staff typed. */
  public static final String FROM_STAFF = "staff";

  /**
   * @param type {@link #FROM_VERDICT}, {@link #FROM_WARNING} or {@link #FROM_STAFF}
   * @param id   the verdict or warning id; null for {@link #FROM_STAFF}
   * @param rule the lexicon rule id (or category) that flagged the source; null when none did
   */
  public record Source(String type, String id, String rule) {
  }

  /** True while the example is part of the sheets. */
  public boolean inForce() {
    return removedAt == null;
  }
}
