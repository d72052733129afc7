package io.livejury.detect;

import io.livejury.common.Resources;

import java.util.ArrayList;
import java.util.List;

/**
 * The cues of a segment that debunks or reports a claim instead of making it ({@code detect/debunks.txt}: 谣言, 骗子,
 * 别信, 有人说, 被罚, a question answered by a denial, …). Such a segment's critical claim warns and reaches staff, but
 * opens no audience vote (README, detection). A cue right after a negator of the same file ({@code not} lines: 不是,
 * 没, …) counts for nothing: "这不是谣言" affirms the claim. Cues and negators are read through the normaliser, so
 * they meet normalised text. Immutable.
 */
public final class Debunks {

  private final List<String> cues;
  private final List<String> negators;

  private Debunks(List<String> cues, List<String> negators) {
    this.cues = List.copyOf(cues);
    this.negators = List.copyOf(negators);
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
    for (String line : lines) {
      String kept = line.strip();
      if (kept.isEmpty() || kept.startsWith("#")) {
        continue;
      }
      List<String> into = cues;
      if (kept.startsWith("not\t")) {
        into = negators;
        kept = kept.substring(4);
      }
      for (String word : kept.split(",")) {
        String normalised = normaliser.normalise(word);
        if (!normalised.isEmpty()) {
          into.add(normalised);
        }
      }
    }
    return new Debunks(cues, negators);
  }

  /**
   * The first cue found in {@code normalised} (as the cue file spells it, normalised) at a place no negator stands
   * right before it, or null when there is none.
   */
  public String cueIn(String normalised) {
    for (String cue : cues) {
      for (int at = normalised.indexOf(cue); at >= 0; at = normalised.indexOf(cue, at + 1)) {
        if (!negated(normalised, at)) {
          return cue;
        }
      }
    }
    return null;
  }

  private boolean negated(String text, int at) {
    for (String negator : negators) {
      if (text.startsWith(negator, at - negator.length()) && at >= negator.length()) {
        return true;
      }
    }
    return false;
  }
}
