package io.livejury.detect;

import java.util.List;

/** One line of the lexicon. */
public record Rule(
    String id,
    String category,
    String severity,
    List<String> terms,
    List<String> requires,
    List<String> except,
    String message) {

  public static final String INFO = "info";
  public static final String WARN = "warn";
  public static final String CRITICAL = "critical";

  int rank() {
    return switch (severity) {
      case CRITICAL -> 2;
      case WARN -> 1;
      default -> 0;
    };
  }
}
