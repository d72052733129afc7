package io.livejury.semantic;

/**
 * What the sentence model made of one normalised segment.
 *
 * @param category       the violation category whose nearest example is closest and at or above that category's
 *                       threshold; null when no category reaches its threshold
 * @param similarity     cosine similarity (−1..1) to {@code nearestExample}
 * @param nearestExample the closest example sentence of {@code category} (or of the closest category when
 *                       {@code category} is null); null when the model did not run
 * @param allowed        the closest sentence is on the allowed sheet, at or above its threshold, and closer than
 *                       every violation example: a legal look-alike
 * @param allowedExample that allowed sentence; null unless {@code allowed}
 * @param degraded       the model did not run (disabled, not loaded, or its queue was full)
 */
public record SemanticVerdict(String category, double similarity, String nearestExample, boolean allowed,
    String allowedExample, boolean degraded) {

  /** The answer when the model did not run. */
  public static SemanticVerdict notRun() {
    return new SemanticVerdict(null, 0, null, false, null, true);
  }
}
