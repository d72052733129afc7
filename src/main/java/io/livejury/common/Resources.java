package io.livejury.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Text files shipped in the jar: word lists, tables and scripts read once at start-up. */
public final class Resources {

  private Resources() {
  }

  /**
   * The whole of a class-path resource as UTF-8 text.
   *
   * @param name absolute, e.g. {@code /detect/negations.tsv}
   * @throws IllegalStateException when the jar lacks it (a broken build, not something to run without)
   */
  public static String text(String name) {
    try (InputStream in = Resources.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of a word list: each stripped, blank lines and {@code #} comments left out. */
  public static List<String> lines(String name) {
    return Arrays.stream(text(name).split("\n")).map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
  }
}
