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
  /** Phrases in which a cue or caution word is ordinary speech ({@code ordinary} in negations.tsv: 不得不说). */
  private final List<String> ordinary;
  /** Words that end a scope cue's reach ({@code ends} in negations.tsv: 但是, 可是, 不过). */
  private final List<String> ends;
  /** Words that, before a denial in the clause, make it rhetorical ({@code rhetorical} in negations.tsv: 谁说). */
  private final List<String> rhetorical;
  /** Words that, right after a denial cue, deny the denial ({@code double} in negations.tsv: 怎么可能不降血糖). */
  private final List<String> doubles;
  /** Cure verbs that may take a joke object ({@code verb} lines of non-medical.txt: 治好, 专治). */
  private final List<String> cureVerbs;
  /** What may stand between such a verb and its joke object ({@code between} lines of non-medical.txt: 了我的). */
  private final List<String> objectGaps;

  private Negations(List<String> cues, List<String> fillers, List<String> scopes, List<String> cautions,
      List<String> restarts, List<String> notAilments, String marks) {
    this(cues, fillers, scopes, cautions, restarts, notAilments, marks, Kinds.EMPTY, List.of(), List.of());
  }

  /** The kinds of negations.tsv beyond cue, filler and scope. */
  private record Kinds(List<String> ordinary, List<String> ends, List<String> rhetorical, List<String> doubles) {
    static final Kinds EMPTY = new Kinds(List.of(), List.of(), List.of(), List.of());
  }

  private Negations(List<String> cues, List<String> fillers, List<String> scopes, List<String> cautions,
      List<String> restarts, List<String> notAilments, String marks, Kinds kinds, List<String> cureVerbs,
      List<String> objectGaps) {
    this.ordinary = List.copyOf(kinds.ordinary());
    this.ends = List.copyOf(kinds.ends());
    this.rhetorical = List.copyOf(kinds.rhetorical());
    this.doubles = List.copyOf(kinds.doubles());
    this.cureVerbs = List.copyOf(cureVerbs);
    List<String> gaps = new ArrayList<>(objectGaps);
    gaps.add(""); // the joke object right after the verb: 专治懒癌
    this.objectGaps = List.copyOf(gaps);
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
    List<String> cautions = words("/detect/cautions.txt", normaliser, "");
    List<String> restarts = words("/detect/assertions.txt", normaliser, "");
    List<String> notAilments = words("/detect/non-medical.txt", normaliser, "");
    List<String> cureVerbs = words("/detect/non-medical.txt", normaliser, "verb");
    List<String> objectGaps = words("/detect/non-medical.txt", normaliser, "between");
    StringBuilder marks = new StringBuilder("\n");
    for (String mark : Resources.lines("/detect/clause-marks.txt")) {
      marks.append(mark).append(normaliser.normalise(mark));
    }
    return new Negations(table.cues, table.fillers, table.scopes, cautions, restarts, notAilments, marks.toString(),
        new Kinds(table.ordinary, table.ends, table.rhetorical, table.doubles), cureVerbs, objectGaps);
  }

  /** Words of {@code resource}'s lines of {@code kind} ("kind<TAB>words"), or of its plain lines when kind is "". */
  private static List<String> words(String resource, Normaliser normaliser, String kind) {
    List<String> words = new ArrayList<>();
    for (String line : Resources.lines(resource)) {
      int tab = line.indexOf('\t');
      String lineKind = tab < 0 ? "" : line.substring(0, tab).strip();
      if (!lineKind.equals(kind)) {
        continue;
      }
      Arrays.stream(line.substring(tab + 1).split(",")).map(normaliser::normalise).filter(w -> !w.isEmpty())
          .forEach(words::add);
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
    Kinds kinds = new Kinds(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
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
        case "ordinary" -> kinds.ordinary();
        case "ends" -> kinds.ends();
        case "rhetorical" -> kinds.rhetorical();
        case "double" -> kinds.doubles();
        default -> null;
      };
      if (into == null) {
        throw new IllegalArgumentException(where + " line " + (n + 1) + ": expected cue|filler|scope|ordinary|ends|rhetorical|double <TAB> words");
      }
      Arrays.stream(fields[1].split(",")).map(normaliser::normalise).filter(w -> !w.isEmpty()).forEach(into::add);
    }
    return new Negations(cues, fillers, scopes, List.of(), List.of(), List.of(), "", kinds, List.of(), List.of());
  }

  /**
   * True when a rhetorical "who says" ({@code rhetorical} in negations.tsv: 谁说) stands before {@code start} in its
   * clause of {@code text} (normalised): a denial after it affirms ("谁说喝茶不能降血糖").
   */
  public boolean rhetorical(String text, int start) {
    return containsAny(text.substring(clauseStart(text, start), start), rhetorical);
  }

  /**
   * True when the text just before {@code start} in {@code text} (normalised) denies what starts there; a denial
   * after a rhetorical "who says" of the same clause ("谁说喝茶不能降血糖") affirms instead, and denies nothing.
   */
  public boolean denies(String text, int start) {
    String before = text.substring(0, start);
    if (rhetorical(text, start)) {
      return false;
    }
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
   * the caution is in another clause, after the claim); a denial of having said it stands before it in its clause
   * with no contrast after it ("我从没说过这茶能治病"; "我不敢说百分百但是…都能治好" is the claim after 但是); or the
   * term is a cure verb whose direct object is no illness ("这茶治好了我的拖延症"). A cue or caution word inside an
   * ordinary phrase ({@code ordinary} in negations.tsv: 不得不说, 不可思议, 医生都惊呆了) is no denial, a denial
   * denied again right after it ("怎么可能不降血糖") affirms, and in a rhetorical question ("谁说…不能") no denial
   * governs.
   */
  public boolean governs(String text, int start, int end) {
    int from = clauseStart(text, start);
    String before = masked(text, from, start);
    if (containsAny(before, rhetorical)) {
      return curesNoIllness(text, start, end);
    }
    for (String cue : cautions) {
      int at = before.lastIndexOf(cue);
      if (at >= 0) {
        String gap = before.substring(at + cue.length());
        if (!restarts(gap) && doubles.stream().noneMatch(gap::startsWith)) {
          return true;
        }
      }
    }
    for (String scope : scopes) {
      int at = before.lastIndexOf(scope);
      if (at >= 0 && !containsAny(before.substring(at + scope.length()), ends)) {
        return true;
      }
    }
    return curesNoIllness(text, start, end);
  }

  private int clauseStart(String text, int start) {
    int from = start;
    while (from > 0 && marks.indexOf(text.charAt(from - 1)) < 0) {
      from--;
    }
    return from;
  }

  /**
   * {@code text[from, to)} with every ordinary phrase of its clause blanked out, so that the cue or caution word
   * inside one (不得 in 不得不说) is not found. The whole clause is searched: a phrase may reach past {@code to}.
   */
  private String masked(String text, int from, int to) {
    int clauseEnd = to;
    while (clauseEnd < text.length() && marks.indexOf(text.charAt(clauseEnd)) < 0) {
      clauseEnd++;
    }
    char[] clause = text.substring(from, clauseEnd).toCharArray();
    String plain = new String(clause);
    for (String phrase : ordinary) {
      for (int at = plain.indexOf(phrase); at >= 0; at = plain.indexOf(phrase, at + 1)) {
        Arrays.fill(clause, at, at + phrase.length(), '\u0001');
      }
    }
    return new String(clause, 0, to - from);
  }

  private static boolean containsAny(String text, List<String> words) {
    return words.stream().anyMatch(text::contains);
  }

  /**
   * True when the term at {@code [start, end)} is a cure verb ({@code verb} lines of non-medical.txt) whose direct
   * object, right after it or after one of the {@code between} words (了我的), is a word of non-medical.txt. Only
   * the direct object counts: in "这款茶降血糖嘴馋也不怕" the claim is complete before the joke begins.
   */
  private boolean curesNoIllness(String text, int start, int end) {
    if (!cureVerbs.contains(text.substring(start, end))) {
      return false;
    }
    for (String gap : objectGaps) {
      if (!text.startsWith(gap, end)) {
        continue;
      }
      for (String word : notAilments) {
        if (text.startsWith(word, end + gap.length())) {
          return true;
        }
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
