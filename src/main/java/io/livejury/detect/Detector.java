package io.livejury.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the whole lexicon over a piece of text in one pass. Every term, context term and exception of every
 * rule sits in one Aho–Corasick automaton over normalised text, so the cost grows with the text, not with
 * the number of rules. Of the rules that fire in one category only the most severe is reported.
 */
public final class Detector {

  private enum Role { TERM, REQUIRES, EXCEPT }

  private record Entry(Rule rule, Role role, String term, boolean wholeWord) {
  }

  private final List<Rule> rules;
  private final AhoCorasick<Entry> automaton;

  public Detector(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    Map<String, List<Entry>> patterns = new HashMap<>();
    for (Rule rule : rules) {
      add(patterns, rule, Role.TERM, rule.terms());
      add(patterns, rule, Role.REQUIRES, rule.requires());
      add(patterns, rule, Role.EXCEPT, rule.except());
    }
    this.automaton = new AhoCorasick<>(patterns);
  }

  public List<Rule> rules() {
    return rules;
  }

  public List<Hit> scan(String text) {
    String normalised = normalise(text);
    Map<Rule, List<AhoCorasick.Match<Entry>>> byRule = new LinkedHashMap<>();
    for (AhoCorasick.Match<Entry> match : automaton.search(normalised)) {
      if (!match.payload().wholeWord() || isWholeWord(normalised, match.start(), match.end())) {
        byRule.computeIfAbsent(match.payload().rule(), r -> new ArrayList<>()).add(match);
      }
    }
    Map<String, Hit> strongest = new LinkedHashMap<>();
    byRule.forEach((rule, matches) -> fired(rule, matches).ifPresent(hit -> strongest.merge(rule.category(), hit,
        (a, b) -> b.rule().rank() > a.rule().rank() ? b : a)));
    return List.copyOf(strongest.values());
  }

  private static java.util.Optional<Hit> fired(Rule rule, List<AhoCorasick.Match<Entry>> matches) {
    List<AhoCorasick.Match<Entry>> exceptions = matches.stream().filter(m -> m.payload().role() == Role.EXCEPT).toList();
    boolean context = rule.requires().isEmpty()
        || matches.stream().anyMatch(m -> m.payload().role() == Role.REQUIRES);
    Set<String> matched = new LinkedHashSet<>();
    for (AhoCorasick.Match<Entry> match : matches) {
      if (match.payload().role() == Role.TERM && exceptions.stream()
          .noneMatch(e -> e.start() <= match.start() && e.end() >= match.end())) {
        matched.add(match.payload().term());
      }
    }
    return context && !matched.isEmpty()
        ? java.util.Optional.of(new Hit(rule, List.copyOf(matched)))
        : java.util.Optional.empty();
  }

  private static void add(Map<String, List<Entry>> patterns, Rule rule, Role role, List<String> terms) {
    for (String term : terms) {
      String pattern = normalise(term);
      patterns.computeIfAbsent(pattern, p -> new ArrayList<>())
          .add(new Entry(rule, role, term, pattern.chars().allMatch(c -> c < 128 && (Character.isLetter(c) || c == ' ' || c == '\''))));
    }
  }

  /** Lower case, full-width forms folded to ASCII, runs of digits to '#', runs of white space to one space. */
  static String normalise(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean inDigits = false;
    boolean inSpace = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '\uFF01' && c <= '\uFF5E') {
        c = (char) (c - 0xFEE0);
      } else if (c == '\u3000') {
        c = ' ';
      }
      c = Character.toLowerCase(c);
      if (c >= '0' && c <= '9') {
        if (!inDigits) {
          out.append('#');
        }
        inDigits = true;
        inSpace = false;
        continue;
      }
      inDigits = false;
      if (Character.isWhitespace(c)) {
        if (!inSpace) {
          out.append(' ');
        }
        inSpace = true;
        continue;
      }
      inSpace = false;
      out.append(c);
    }
    return out.toString();
  }

  private static boolean isWholeWord(String text, int start, int end) {
    return (start == 0 || !isLatinLetter(text.charAt(start - 1))) && (end == text.length() || !isLatinLetter(text.charAt(end)));
  }

  private static boolean isLatinLetter(char c) {
    return c < 128 && Character.isLetter(c);
  }
}
