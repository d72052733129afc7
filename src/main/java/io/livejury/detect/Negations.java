package io.livejury.detect;

import io.livejury.common.Resources;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The denials that keep a lexicon term from counting: a term directly preceded by a cue ({@code 不具有}, {@code 没有},
 * {@code 没法}, {@code 哪能}, …), or by a cue and one filler ({@code 没有任何}), is the speaker saying the product does
 * not do it. Read from {@code detect/negations.tsv} (its head gives the format and why each kind is there); cues and
 * fillers are normalised like the lexicon's terms. Beside that, {@link #governs} says whether a term is
 * <em>governed</em>: a denial or caution ({@code detect/cautions.txt}) stands earlier in its own clause (clauses end
 * at the marks of {@code detect/clause-marks.txt}), a denial of having said it ({@code 从没说过}, the {@code scope}
 * cues) stands anywhere before it in its clause, or its object is no illness ({@code detect/non-medical.txt}:
 * 治好了我的拖延症). A governed hit never opens an audience vote, and the sentence model's "allowed" may silence it
 * ({@link Combiner}). Immutable.
 */
public final class Negations {

  /** How many characters may stand between a term and a word of {@code detect/non-medical.txt} (了我的, 好了你的). */
  private static final int OBJECT_GAP_CHARS = 4;

  private final List<String> cues;
  private final List<String> fillers;
  /** Denial cues and caution words, for {@link #governs}. */
  private final List<String> cautions;
  /** Denials of having said it, governing the rest of their clause ({@code scope} in negations.tsv). */
  private final List<String> scopes;
  /** Words that start a new assertion after a caution ({@code detect/assertions.txt}), for {@link #governs}. */
  private final List<String> restarts;
  /** Objects of a cure word that are no illness ({@code detect/non-medical.txt}), for {@link #governs}. */
  private final List<String> notAilments;
  /** Clause marks as the normaliser leaves them (full-width commas become ','). */
  private final String marks;

  private Negations(List<String> cues, List<String> fillers, List<String> scopes, List<String> cautions,
      List<String> restarts, List<String> notAilments, String marks) {
    List<String> denials = new ArrayList<>(cues);
    denials.addAll(scopes); // 从没说过治病: right before the term a scope cue denies it like any cue
    this.cues = List.copyOf(denials);
    this.fillers = List.copyOf(fillers);
    this.scopes = List.copyOf(scopes);
    List<String> all = new ArrayList<>(cues);
    all.addAll(cautions);
    this.cautions = List.copyOf(all);
    this.restarts = List.copyOf(restarts);
    this.notAilments = List.copyOf(notAilments);
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
    List<String> notAilments = words("/detect/non-medical.txt", normaliser);
    StringBuilder marks = new StringBuilder("\n");
    for (String mark : Resources.lines("/detect/clause-marks.txt")) {
      marks.append(mark).append(normaliser.normalise(mark));
    }
    return new Negations(table.cues, table.fillers, table.scopes, cautions, restarts, notAilments, marks.toString());
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
    return new Negations(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), "");
  }

  static Negations parse(String table, Normaliser normaliser, String where) {
    List<String> cues = new ArrayList<>();
    List<String> fillers = new ArrayList<>();
    List<String> scopes = new ArrayList<>();
    String[] lines = table.split("\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t");
      List<String> into = fields.length != 2 ? null : switch (fields[0]) {
        case "cue" -> cues;
        case "filler" -> fillers;
        case "scope" -> scopes;
        default -> null;
      };
      if (into == null) {
        throw new IllegalArgumentException(where + " line " + (n + 1) + ": expected cue|filler|scope <TAB> words");
      }
      Arrays.stream(fields[1].split(",")).map(normaliser::normalise).filter(w -> !w.isEmpty()).forEach(into::add);
    }
    return new Negations(cues, fillers, scopes, List.of(), List.of(), List.of(), "");
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
   * True when the term at {@code [start, end)} of {@code text} (normalised) is governed, so that it is no claim to
   * put to a vote: a denial cue or a caution word stands between the start of its clause and {@code start} with no
   * new assertion after it ("本品不能代替药物，遵医嘱治疗" governs 治疗, "这款茶能治疗糖尿病，本品不能代替药物" does not:
   * the caution is in another clause, after the claim); a denial of having said it stands anywhere before it in its
   * clause ("我从没说过这茶能治病"); or what it cures is no illness, within a few characters after it in its clause
   * ("这茶治好了我的拖延症").
   */
  public boolean governs(String text, int start, int end) {
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
    for (String scope : scopes) {
      if (before.contains(scope)) {
        return true;
      }
    }
    return curesNoIllness(text, end);
  }

  /** True when a word of {@code detect/non-medical.txt} starts within {@link #OBJECT_GAP_CHARS} after {@code end}. */
  private boolean curesNoIllness(String text, int end) {
    int to = end;
    while (to < text.length() && to - end < OBJECT_GAP_CHARS && marks.indexOf(text.charAt(to)) < 0) {
      to++;
    }
    for (String word : notAilments) {
      int at = text.indexOf(word, end);
      if (at >= 0 && at <= to && noMarkBetween(text, end, at)) {
        return true;
      }
    }
    return false;
  }

  private boolean noMarkBetween(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (marks.indexOf(text.charAt(i)) >= 0) {
        return false;
      }
    }
    return true;
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
