package io.livejury.semantic;

/**
 * What the sentence model made of one normalised segment.
 *
 * @param category       the violation category whose example is nearest, at or above that category's threshold
 *                       and ahead of the nearest allowed or ordinary example by {@code LIVEJURY_SHEETS_MARGIN};
 *                       null otherwise
 * @param similarity     cosine similarity (−1..1) to {@code nearestExample}
 * @param nearestExample the closest example sentence of {@code category} (or of the closest category when
 *                       {@code category} is null); null when the model did not run
 * @param allowed        the closest sentence is on the allowed sheet, at or above its threshold, and closer than
 *                       every violation example by {@code LIVEJURY_SHEETS_ALLOWED_MARGIN}: a legal look-alike
 * @param allowedExample that allowed sentence; null unless {@code allowed}
 * @param degraded       the model did not run (disabled, not loaded, or its queue was full)
 * @param alone          {@code category} also clears the stricter bar set for the model without the lexicon (its
 *                       own leave-one-out threshold and margin, {@code LIVEJURY_MODEL_ALONE_*}); false without a
 *                       category
 * @param sounds         the category of {@code nearestExample} when that example reaches its category's threshold,
 *                       whatever the allowed and ordinary examples say; null otherwise. Enough to back a lexicon hit
 *                       of the same category (the lexicon heard the term, the model hears that kind of claim), not to
 *                       warn alone
 * @param busy           with {@code degraded}: the model was not run because it was busy — the node's in-flight cap
 *                       ({@code LIVEJURY_MODEL_MAX_IN_FLIGHT}) or the room's share of it
 *                       ({@code LIVEJURY_MODEL_MAX_IN_FLIGHT_PER_ROOM}) was full — rather than off or not loaded
 * @param ownShare       with {@code busy}: what was full is the share of the streamer whose segment this is (their
 *                       own rooms' work in the model), not the node's cap. Detection then keeps the lexicon's
 *                       severities, so a streamer cannot lower the outcome of their own claim by flooding their own
 *                       rooms (docs/detection.md, the sentence model)
 */
public record SemanticVerdict(String category, double similarity, String nearestExample, boolean allowed,
    String allowedExample, boolean degraded, boolean alone, String sounds, boolean busy, boolean ownShare) {

  /** A verdict whose refusal, if any, was not for the streamer's own share. */
  public SemanticVerdict(String category, double similarity, String nearestExample, boolean allowed,
      String allowedExample, boolean degraded, boolean alone, String sounds, boolean busy) {
    this(category, similarity, nearestExample, allowed, allowedExample, degraded, alone, sounds, busy, false);
  }

  /** A verdict of a model that ran (or was off or not loaded), not one refused for being busy. */
  public SemanticVerdict(String category, double similarity, String nearestExample, boolean allowed,
      String allowedExample, boolean degraded, boolean alone, String sounds) {
    this(category, similarity, nearestExample, allowed, allowedExample, degraded, alone, sounds, false);
  }

  /** A verdict whose category, if any, does not clear the bar for the model alone and sounds like itself. */
  public SemanticVerdict(String category, double similarity, String nearestExample, boolean allowed,
      String allowedExample, boolean degraded) {
    this(category, similarity, nearestExample, allowed, allowedExample, degraded, false, category);
  }

  /** A verdict that sounds like its own category (or like nothing, without one). */
  public SemanticVerdict(String category, double similarity, String nearestExample, boolean allowed,
      String allowedExample, boolean degraded, boolean alone) {
    this(category, similarity, nearestExample, allowed, allowedExample, degraded, alone, category);
  }

  /** The answer when the model did not run (off, not loaded, or failed). */
  public static SemanticVerdict notRun() {
    return new SemanticVerdict(null, 0, null, false, null, true);
  }

  /** The answer when the model was not run because the node's in-flight cap was full. */
  public static SemanticVerdict busyNotRun() {
    return new SemanticVerdict(null, 0, null, false, null, true, false, null, true, false);
  }

  /**
   * The answer when the model was not run because the share of the streamer whose segment it is was full: their
   * own rooms hold {@code LIVEJURY_MODEL_MAX_IN_FLIGHT_PER_ROOM} clauses in the model already.
   */
  public static SemanticVerdict ownShareFull() {
    return new SemanticVerdict(null, 0, null, false, null, true, false, null, true, true);
  }
}
