package io.livejury.detect;

import io.livejury.common.Resources;

import java.util.ArrayList;
import java.util.List;

/**
 * The cues of a segment that debunks or reports a claim instead of making it ({@code detect/debunks.txt}: 谣言, 骗子,
 * 别信, 有人说, 被罚, a question answered by a denial, …). Such a segment's critical claim warns and reaches staff, but
 * opens no audience vote (docs/detection.md). A cue after a negator of the same file ({@code not} lines: 不是, 没,
 * 要是, 谁说, …), directly or with one {@code filler} between, counts for nothing: "这不是谣言", "要是骗人我退十倍钱"
 * affirm the claim; so does a cue followed by an {@code after} word (骗人是小狗, an oath). Cues and negators are read through the normaliser, so
 * they meet normalised text. Immutable.
 */
public final class Debunks {

  private final List<String> cues;
  private final List<String> negators;
  /** Words that may stand between a negator and its cue ({@code filler} lines: 这不是一个谣言). */
  private final List<String> fillers;
  /** Words right after a cue that make it an oath or an affirming answer ({@code after} lines: 骗人是小狗). */
  private final List<String> affirming;

  private Debunks(List<String> cues, List<String> negators, List<String> fillers, List<String> affirming) {
    this.cues = List.copyOf(cues);
    this.negators = List.copyOf(negators);
    List<String> gaps = new ArrayList<>(fillers);
    gaps.add(0, ""); // the negator right before the cue
    this.fillers = List.copyOf(gaps);
    this.affirming = List.copyOf(affirming);
  }

  /**
   * The shipped cues and negators, read through {@code normaliser}.
   *
   * @throws IllegalStateException the resource is missing from the jar
   */
  public static Debunks standard(Normaliser normaliser) {
    return parse(Resources.lines("/detect/debunks.txt"), normaliser);
  }

  /** Cues and negators of {@code lines} (the format of {@code detect/debunks.txt}, comment lines left out). */
  static Debunks parse(List<String> lines, Normaliser normaliser) {
    List<String> cues = new ArrayList<>();
    List<String> negators = new ArrayList<>();
    List<String> fillers = new ArrayList<>();
    List<String> affirming = new ArrayList<>();
    for (String line : lines) {
      String kept = line.strip();
      if (kept.isEmpty() || kept.startsWith("#")) {
        continue;
      }
      List<String> into = cues;
      if (kept.startsWith("not\t")) {
        into = negators;
        kept = kept.substring(4);
      } else if (kept.startsWith("filler\t")) {
        into = fillers;
        kept = kept.substring(7);
      } else if (kept.startsWith("after\t")) {
        into = affirming;
        kept = kept.substring(6);
      }
      for (String word : kept.split(",")) {
        String normalised = normaliser.normalise(word);
        if (!normalised.isEmpty()) {
          into.add(normalised);
        }
      }
    }
    return new Debunks(cues, negators, fillers, affirming);
  }

  /**
   * The first cue found in {@code normalised} (as the cue file spells it, normalised) at a place no negator stands
   * before it (right before, or with one filler between: 这不是一个谣言) and no affirming word follows it (骗人是小狗,
   * 吗?不是能), or null when there is none.
   */
  public String cueIn(String normalised) {
    for (String cue : cues) {
      for (int at = normalised.indexOf(cue); at >= 0; at = normalised.indexOf(cue, at + 1)) {
        int after = at + cue.length();
        if (!negated(normalised, at) && affirming.stream().noneMatch(word -> normalised.startsWith(word, after))) {
          return cue;
        }
      }
    }
    return null;
  }

  private boolean negated(String text, int at) {
    for (String filler : fillers) {
      if (!text.startsWith(filler, at - filler.length())) {
        continue;
      }
      int end = at - filler.length();
      for (String negator : negators) {
        if (end >= negator.length() && text.startsWith(negator, end - negator.length())) {
          return true;
        }
      }
    }
    return false;
  }
}
