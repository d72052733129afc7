package io.livejury.detect;

import java.util.List;

/**
 * A rule that fired on a piece of text, with the lexicon terms it matched, in order of appearance.
 *
 * @param guarded every counted occurrence of the matched terms has a denial or caution earlier in its own clause
 *                ({@link Negations#governs}); only then may the sentence model's "allowed" silence a critical hit
 */
public record Hit(Rule rule, List<String> matched, boolean guarded) {

  /** A hit no denial or caution governs. */
  public Hit(Rule rule, List<String> matched) {
    this(rule, matched, false);
  }
}
