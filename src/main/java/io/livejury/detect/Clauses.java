package io.livejury.detect;

import io.livejury.common.Resources;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts a long transcript segment into clauses, each judged by the sentence model on its own: a claim padded with
 * a hundred characters of greetings would otherwise be embedded as one greeting (the whole segment lands nearest
 * an ordinary or allowed sentence) and the claim's own words would be outvoted. Cuts fall after the marks of
 * {@code detect/clause-marks.txt} and at line breaks; pieces shorter than {@link Options#minChars()} are joined
 * to the next (the last to the one before), so every judged piece carries enough words for the model; when more
 * than {@link Options#maxClauses()} remain, the two neighbours with the fewest characters together are joined
 * until it fits, so the model's cost per segment is bounded. The clauses, joined, are the segment again. Immutable.
 */
public final class Clauses {

  /**
   * @param splitAboveChars {@code LIVEJURY_DETECT_CLAUSE_SPLIT_CHARS}: a segment of at most this many characters
   *                        is judged whole, as one clause
   * @param minChars        {@code LIVEJURY_DETECT_CLAUSE_MIN_CHARS}: characters (marks and spaces not counted) a
   *                        clause needs to be judged on its own
   * @param maxClauses      {@code LIVEJURY_DETECT_MAX_CLAUSES}: clauses per segment at most, each one embedding
   * @param hitWindowChars  {@code LIVEJURY_DETECT_HIT_WINDOW_CHARS}: a clause longer than {@code splitAboveChars}
   *                        that holds a lexicon hit (a long stretch without punctuation) is judged by the model on
   *                        this many characters either side of the hit's term, not whole
   */
  public record Options(int splitAboveChars, int minChars, int maxClauses, int hitWindowChars) {

    /** Options with the shipped hit window (24 characters either side). */
    public Options(int splitAboveChars, int minChars, int maxClauses) {
      this(splitAboveChars, minChars, maxClauses, 24);
    }

    public Options {
      if (splitAboveChars < 1 || minChars < 1 || maxClauses < 1 || hitWindowChars < 1) {
        throw new IllegalArgumentException("LIVEJURY_DETECT_CLAUSE_SPLIT_CHARS, LIVEJURY_DETECT_CLAUSE_MIN_CHARS and"
            + " LIVEJURY_DETECT_MAX_CLAUSES must be at least 1, got " + splitAboveChars + ", " + minChars + " and "
            + maxClauses);
      }
    }
  }

  private final Options options;
  private final Set<Integer> marks;

  private Clauses(Options options, Set<Integer> marks) {
    this.options = options;
    this.marks = Set.copyOf(marks);
  }

  /** Clauses cut at the shipped marks ({@code detect/clause-marks.txt}). */
  public static Clauses standard(Options options) {
    Set<Integer> marks = new HashSet<>();
    Resources.lines("/detect/clause-marks.txt").forEach(mark -> mark.codePoints().forEach(marks::add));
    return new Clauses(options, marks);
  }

  public Options options() {
    return options;
  }

  /**
   * The clauses of {@code text} (a raw segment), in order, each a substring of it with its closing mark; the
   * whole text as its only clause when it is no longer than {@code splitAboveChars} or has no mark to cut at.
   * Never empty for a non-blank text.
   */
  public List<String> split(String text) {
    return split(text, false);
  }

  /**
   * As {@link #split(String)}, but with {@code always} a short text is cut too: a segment with a lexicon hit is
   * judged clause by clause whatever its length, so a disclaimer beside a claim cannot lend it its "allowed".
   */
  public List<String> split(String text, boolean always) {
    if (!always && text.codePointCount(0, text.length()) <= options.splitAboveChars()) {
      return List.of(text);
    }
    List<String> cut = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      boolean followedByMark = i < text.length() && isMark(text.codePointAt(i));
      if ((isMark(cp) || cp == '\n') && !followedByMark) {
        cut.add(text.substring(start, i));
        start = i;
      }
    }
    if (start < text.length()) {
      cut.add(text.substring(start));
    }
    List<String> pieces = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String piece : cut) {
      pending.append(piece);
      if (content(pending) >= options.minChars()) {
        pieces.add(pending.toString());
        pending.setLength(0);
      }
    }
    if (!pending.isEmpty()) {
      if (pieces.isEmpty()) {
        pieces.add(pending.toString());
      } else {
        pieces.set(pieces.size() - 1, pieces.get(pieces.size() - 1) + pending);
      }
    }
    while (pieces.size() > options.maxClauses()) {
      int best = 0;
      for (int i = 1; i + 1 < pieces.size(); i++) {
        if (pieces.get(i).length() + pieces.get(i + 1).length()
            < pieces.get(best).length() + pieces.get(best + 1).length()) {
          best = i;
        }
      }
      pieces.set(best, pieces.get(best) + pieces.remove(best + 1));
    }
    return List.copyOf(pieces);
  }

  private boolean isMark(int cp) {
    return marks.contains(cp);
  }

  /** Characters that carry words: marks and white space left out. */
  private int content(CharSequence piece) {
    return (int) piece.codePoints().filter(cp -> !isMark(cp) && !Character.isWhitespace(cp)).count();
  }

}
