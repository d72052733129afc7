package io.livejury.detect;

import io.livejury.common.Resources;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The denials that keep a lexicon term from counting: a term directly preceded by a cue ({@code 不具有}, {@code 没有},
 * …), or by a cue and one filler ({@code 没有任何}), is the speaker saying the product does not do it. Read from
 * {@code detect/negations.tsv} (its head gives the format and why each kind is there); cues and fillers are
 * normalised like the lexicon's terms. Beside that, {@link #governs} says whether a denial or caution
 * ({@code detect/cautions.txt}) stands earlier in a term's own clause (clauses end at the marks of
 * {@code detect/clause-marks.txt}): the condition under which the sentence model's "allowed" may silence a critical
 * hit. Immutable.
 */
public final class Negations {

  private final List<String> cues;
  private final List<String> fillers;
  /** Denial cues and caution words, for {@link #governs}. */
  private final List<String> cautions;
  /** Words that start a new assertion after a caution ({@code detect/assertions.txt}), for {@link #governs}. */
  private final List<String> restarts;
  /** Clause marks as the normaliser leaves them (full-width commas become ','). */
  private final String marks;

  private Negations(List<String> cues, List<String> fillers, List<String> cautions, List<String> restarts,
      String marks) {
    this.cues = List.copyOf(cues);
    this.fillers = List.copyOf(fillers);
    List<String> all = new ArrayList<>(cues);
    all.addAll(cautions);
    this.cautions = List.copyOf(all);
    this.restarts = List.copyOf(restarts);
    this.marks = marks;
  }

  /**
   * The shipped table, its words read through {@code normaliser}.
   *
   * @throws IllegalArgumentException a line does not parse (the message names it)
   */
  public static Negations standard(Normaliser normaliser) {
    Negations table = parse(Resources.text("/detect/negations.tsv"), normaliser, "detect/negations.tsv");
    List<String> cautions = words("/detect/cautions.txt", normaliser);
    List<String> restarts = words("/detect/assertions.txt", normaliser);
    StringBuilder marks = new StringBuilder("\n");
    for (String mark : Resources.lines("/detect/clause-marks.txt")) {
      marks.append(mark).append(normaliser.normalise(mark));
    }
    return new Negations(table.cues, table.fillers, cautions, restarts, marks.toString());
  }

  private static List<String> words(String resource, Normaliser normaliser) {
    List<String> words = new ArrayList<>();
    for (String line : Resources.lines(resource)) {
      Arrays.stream(line.split(",")).map(normaliser::normalise).filter(w -> !w.isEmpty()).forEach(words::add);
    }
    return words;
  }

  /** No negation at all: every term counts wherever it stands, and no clause is a caution. */
  public static Negations none() {
    return new Negations(List.of(), List.of(), List.of(), List.of(), "");
  }

  static Negations parse(String table, Normaliser normaliser, String where) {
    List<String> cues = new ArrayList<>();
    List<String> fillers = new ArrayList<>();
    String[] lines = table.split("\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t");
      if (fields.length != 2 || !(fields[0].equals("cue") || fields[0].equals("filler"))) {
        throw new IllegalArgumentException(where + " line " + (n + 1) + ": expected cue|filler <TAB> words");
      }
      List<String> words = Arrays.stream(fields[1].split(",")).map(normaliser::normalise)
          .filter(w -> !w.isEmpty()).toList();
      (fields[0].equals("cue") ? cues : fillers).addAll(words);
    }
    return new Negations(cues, fillers, List.of(), List.of(), "");
  }

  /** True when the text just before {@code start} in {@code text} (normalised) denies what starts there. */
  public boolean denies(String text, int start) {
    String before = text.substring(0, start);
    for (String cue : cues) {
      if (before.endsWith(cue)) {
        return true;
      }
    }
    for (String filler : fillers) {
      if (before.endsWith(filler)) {
        String rest = before.substring(0, before.length() - filler.length());
        for (String cue : cues) {
          if (rest.endsWith(cue)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * True when a denial cue or a caution word stands between the start of the clause holding {@code start} and
   * {@code start} in {@code text} (normalised): "本品不能代替药物，遵医嘱治疗" governs 治疗, "这款茶能治疗糖尿病，本品不能代替药物"
   * does not (the caution is in another clause, after the claim).
   */
  public boolean governs(String text, int start) {
    int from = start;
    while (from > 0 && marks.indexOf(text.charAt(from - 1)) < 0) {
      from--;
    }
    String before = text.substring(from, start);
    for (String cue : cautions) {
      int at = before.lastIndexOf(cue);
      if (at >= 0 && !restarts(before.substring(at + cue.length()))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code gap}, the text between a caution and a term, starts a new assertion. */
  private boolean restarts(String gap) {
    for (String word : restarts) {
      if (gap.contains(word)) {
        return true;
      }
    }
    return false;
  }

}
