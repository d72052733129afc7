package io.livejury.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the whole lexicon over a normalised piece of text in one pass. Every term, context term and exception of
 * every rule sits in one Aho–Corasick automaton, so the cost grows with the text, not with the number of rules.
 * The lexicon's own terms go through the same {@link Normaliser} as the text when the detector is built, so a
 * term written 最后一件 or 治療 matches what the normaliser makes of any spelling of it. Of the rules that fire
 * in one category only the most severe is reported. Immutable: any thread may scan with it.
 */
public final class Detector {

  private enum Role { TERM, REQUIRES, EXCEPT }

  private record Entry(Rule rule, Role role, String term, boolean wholeWord) {
  }

  private final List<Rule> rules;
  private final AhoCorasick<Entry> automaton;
  private final Negations negations;

  /**
   * A detector for {@code rules}, their terms read through {@code normaliser}, with the shipped negations
   * ({@code detect/negations.tsv}): a term right after a denial does not count.
   */
  public Detector(List<Rule> rules, Normaliser normaliser) {
    this(rules, normaliser, Negations.standard(normaliser));
  }

  /** A detector for {@code rules} with the given {@code negations} ({@link Negations#none()} for none). */
  public Detector(List<Rule> rules, Normaliser normaliser, Negations negations) {
    this.negations = negations;
    this.rules = List.copyOf(rules);
    Map<String, List<Entry>> patterns = new HashMap<>();
    for (Rule rule : rules) {
      add(patterns, normaliser, rule, Role.TERM, rule.terms());
      add(patterns, normaliser, rule, Role.REQUIRES, rule.requires());
      add(patterns, normaliser, rule, Role.EXCEPT, rule.except());
    }
    this.automaton = new AhoCorasick<>(patterns);
  }

  public List<Rule> rules() {
    return rules;
  }

  /**
   * The rules that fire on {@code normalised} (the output of {@link Normaliser#normalise}), at most one per
   * category, in order of first appearance; each hit lists the lexicon terms it matched as the lexicon spells them.
   */
  public List<Hit> scan(String normalised) {
    String text = digitRuns(normalised);
    Map<Rule, List<AhoCorasick.Match<Entry>>> byRule = new LinkedHashMap<>();
    for (AhoCorasick.Match<Entry> match : automaton.search(text)) {
      if (!match.payload().wholeWord() || isWholeWord(text, match.start(), match.end())) {
        byRule.computeIfAbsent(match.payload().rule(), r -> new ArrayList<>()).add(match);
      }
    }
    Map<String, Hit> strongest = new LinkedHashMap<>();
    byRule.forEach((rule, matches) -> fired(rule, matches, text).ifPresent(hit -> strongest.merge(rule.category(), hit,
        (a, b) -> b.rule().rank() > a.rule().rank() ? b : a)));
    return List.copyOf(strongest.values());
  }

  private java.util.Optional<Hit> fired(Rule rule, List<AhoCorasick.Match<Entry>> matches, String text) {
    List<AhoCorasick.Match<Entry>> exceptions = matches.stream().filter(m -> m.payload().role() == Role.EXCEPT).toList();
    boolean context = rule.requires().isEmpty()
        || matches.stream().anyMatch(m -> m.payload().role() == Role.REQUIRES);
    Set<String> matched = new LinkedHashSet<>();
    boolean guarded = true;
    for (AhoCorasick.Match<Entry> match : matches) {
      // An exception that is a denial ("不能降血糖") inside a rhetorical question ("谁说喝茶不能降血糖") affirms.
      if (match.payload().role() == Role.TERM && (negations.rhetorical(text, match.start()) || exceptions.stream()
          .noneMatch(e -> e.start() <= match.start() && e.end() >= match.end()))
          && !negations.denies(text, match.start())) {
        matched.add(match.payload().term());
        guarded &= negations.governs(text, match.start(), match.end());
      }
    }
    return context && !matched.isEmpty()
        ? java.util.Optional.of(new Hit(rule, List.copyOf(matched), guarded))
        : java.util.Optional.empty();
  }

  private static void add(Map<String, List<Entry>> patterns, Normaliser normaliser, Rule rule, Role role,
      List<String> terms) {
    for (String term : terms) {
      // '#' stands for a number: normalised as one (so "only # left" keeps its spaces), then folded back.
      String pattern = digitRuns(normaliser.normalise(term.replace('#', '0')));
      if (pattern.isEmpty()) {
        continue;
      }
      List<Entry> entries = patterns.computeIfAbsent(pattern, p -> new ArrayList<>());
      // Two spellings of one term (加vx and 加微信 once evasions are read) match as one, named as first written.
      if (entries.stream().anyMatch(e -> e.rule() == rule && e.role() == role)) {
        continue;
      }
      entries.add(new Entry(rule, role, term, pattern.chars().allMatch(c -> c < 128 && (Character.isLetter(c) || c == ' ' || c == '\''))));
    }
  }

  /** Each run of digits as one '#', the lexicon's sign for "any number". */
  static String digitRuns(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        if (i == 0 || text.charAt(i - 1) < '0' || text.charAt(i - 1) > '9') {
          out.append('#');
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static boolean isWholeWord(String text, int start, int end) {
    return (start == 0 || !isLatinLetter(text.charAt(start - 1))) && (end == text.length() || !isLatinLetter(text.charAt(end)));
  }

  private static boolean isLatinLetter(char c) {
    return c < 128 && Character.isLetter(c);
  }
}
