package io.livejury.detect;

import java.util.List;

/** A rule that fired on a piece of text, with the lexicon terms it matched, in order of appearance. */
public record Hit(Rule rule, List<String> matched) {
}
