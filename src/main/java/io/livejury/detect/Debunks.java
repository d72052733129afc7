package io.livejury.detect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The cues of a segment that debunks or reports a claim instead of making it ({@code detect/debunks.txt}: 谣言, 别信,
 * 有人说, 被罚, a question answered by a denial, …). Such a segment's critical claim warns and reaches staff, but
 * opens no audience vote (README, detection). Cues are read through the normaliser, so they meet normalised text.
 * Immutable.
 */
public final class Debunks {

  private final List<String> cues;

  private Debunks(List<String> cues) {
    this.cues = List.copyOf(cues);
  }

  /** The shipped cues, read through {@code normaliser}. */
  public static Debunks standard(Normaliser normaliser) {
    List<String> cues = new ArrayList<>();
    try (InputStream in = Debunks.class.getResourceAsStream("/detect/debunks.txt")) {
      if (in == null) {
        throw new IllegalStateException("resource /detect/debunks.txt is missing from the jar");
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String kept = line.strip();
        if (kept.isEmpty() || kept.startsWith("#")) {
          continue;
        }
        for (String cue : kept.split(",")) {
          String normalised = normaliser.normalise(cue);
          if (!normalised.isEmpty()) {
            cues.add(normalised);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Debunks(cues);
  }

  /** The first cue found in {@code normalised} (as the cue file spells it, normalised), or null when none is. */
  public String cueIn(String normalised) {
    for (String cue : cues) {
      if (normalised.contains(cue)) {
        return cue;
      }
    }
    return null;
  }
}
