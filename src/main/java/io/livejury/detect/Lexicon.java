package io.livejury.detect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Parses the lexicon format described at the top of {@code lexicon.txt}. */
public final class Lexicon {

  private static final String SEPARATOR = "\\s*\\|\\s*";

  public static List<Rule> fromResource() {
    try (InputStream in = Lexicon.class.getResourceAsStream("/lexicon.txt")) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Rule> fromFile(Path path) {
    try {
      return parse(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Rule> parse(String text) {
    List<Rule> rules = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split(SEPARATOR, -1);
      if (fields.length != 7) {
        throw new IllegalArgumentException("lexicon line " + (n + 1) + " has " + fields.length + " fields, not 7");
      }
      Rule rule = new Rule(fields[0], fields[1], fields[2], list(fields[3]), list(fields[4]), list(fields[5]), fields[6]);
      if (rule.terms().isEmpty() || !List.of(Rule.INFO, Rule.WARN, Rule.CRITICAL).contains(rule.severity())) {
        throw new IllegalArgumentException("lexicon line " + (n + 1) + " needs terms and a severity of info, warn or critical");
      }
      rules.add(rule);
    }
    return List.copyOf(rules);
  }

  private static List<String> list(String field) {
    return Arrays.stream(field.split(",")).map(String::strip).filter(term -> !term.isEmpty()).toList();
  }

  private Lexicon() {
  }
}
