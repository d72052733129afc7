package io.livejury.semantic;

import java.util.Locale;

/**
 * How an example sentence of a sheet is brought to the form segments reach the stage in. The stage itself is
 * given segments already normalised by the detection pipeline; sheet lines are normalised here, in one place,
 * so that the sheets and the segments meet on the same text. Today that is lower case (the model's tokenizer does
 * not lower-case Latin letters), surrounding space trimmed and inner runs of white space made one space; when the
 * pipeline's normaliser is available this method is where it is called instead.
 */
public final class SheetText {

  private SheetText() {
  }

  /** The normalised form of one sheet line; never null (blank in, empty out). */
  public static String normalise(String line) {
    return line.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
