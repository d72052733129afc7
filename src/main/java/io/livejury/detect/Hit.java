package io.livejury.detect;

import java.util.List;

/**
 * A rule that fired on a piece of text, with the lexicon terms it matched, in order of appearance.
 *
 * @param guarded every counted occurrence of the matched terms is governed ({@link Negations#governs}: a denial or
 *                caution earlier in its own clause, a denial of having said it, or an object that is no illness);
 *                such a hit is at most {@code warn} and never opens a vote, and only such a critical hit may the
 *                sentence model's "allowed" silence
 */
public record Hit(Rule rule, List<String> matched, boolean guarded) {

  /** A hit no denial or caution governs. */
  public Hit(Rule rule, List<String> matched) {
    this(rule, matched, false);
  }
}
