package io.livejury.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped lexicon plus rules of a test's own, in a file a node reads through {@code LIVEJURY_LEXICON_PATH}: a
 * test that needs a warning on a sentence (to mark it wrong, say) gets one whatever the shipped rules and the
 * sentence model make of that sentence.
 */
public final class TestLexicon {

  private TestLexicon() {
  }

  /** A temporary lexicon file: the shipped one, then {@code extraLines} (lexicon format). */
  public static Path withRules(String... extraLines) {
    try (InputStream in = TestLexicon.class.getResourceAsStream("/lexicon.txt")) {
      Path file = Files.createTempFile("livejury-lexicon", ".txt");
      file.toFile().deleteOnExit();
      Files.writeString(file, new String(in.readAllBytes(), StandardCharsets.UTF_8) + "\n"
          + String.join("\n", extraLines) + "\n", StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
