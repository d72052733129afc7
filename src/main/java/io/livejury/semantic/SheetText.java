package io.livejury.semantic;

import io.livejury.detect.Normaliser;

/**
 * How an example sentence of a sheet is brought to the form segments reach the stage in: the detection pipeline's
 * {@link Normaliser} with the shipped tables, in one place, so that the sheets and the segments meet on the same text
 * (simplified characters, digits for quantities, evasion spellings resolved, lower case — the model's tokenizer does
 * not lower-case Latin letters). A deployment's own evasion table ({@code LIVEJURY_EVASIONS_PATH}) applies to
 * segments only: sheets are written in plain spelling.
 */
public final class SheetText {

  /** Built on first use: its conversion tables take about 0.2 s to load. */
  private static final class Shipped {
    static final Normaliser NORMALISER = Normaliser.standard();
  }

  private SheetText() {
  }

  /** The normalised form of one sheet line; never null (blank in, empty out). */
  public static String normalise(String line) {
    return Shipped.NORMALISER.normalise(line).strip();
  }
}
