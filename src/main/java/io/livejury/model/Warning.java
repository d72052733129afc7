package io.livejury.model;

import java.util.List;

/** A real-time warning to a streamer: which rule their words tripped, and the words themselves. */
public record Warning(
    String id,
    String roomId,
    String ruleId,
    String severity,
    String category,
    String message,
    Evidence evidence,
    String at) {

  public record Evidence(String segmentId, String text, List<String> matched) {
  }
}
