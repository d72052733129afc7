package io.livejury.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A real-time warning to a streamer: which rule their words tripped, and the words themselves.
 *
 * @param stage which detection stage found it: {@code lexicon}, {@code model} or {@code both} (docs/protocol.md)
 * @param model why the sentence model took no part when that lowered the warning: {@code busy} (its in-flight cap
 *              or the streamer's share was full, so a critical lexicon hit only warns); null otherwise, and left out
 * @param vote  why a critical claim that would open an audience vote did not: {@code "held: debunk cue <cue>"} when the
 *              segment debunks or reports the claim rather than making it (docs/detection.md); null otherwise, and
 *              left out
 */
public record Warning(
    String id,
    String roomId,
    String ruleId,
    String severity,
    String category,
    String message,
    Evidence evidence,
    String at,
    String stage,
    String model,
    String vote) {

  /** A warning whose vote, if it was critical enough to ask for one, was not held. */
  public Warning(String id, String roomId, String ruleId, String severity, String category, String message,
      Evidence evidence, String at, String stage, String model) {
    this(id, roomId, ruleId, severity, category, message, evidence, at, stage, model, null);
  }

  /**
   * @param text       the segment as posted
   * @param matched    lexicon terms matched (empty when the model alone found it)
   * @param normalised the text the detection stages read (for a claim spread over the room's previous segment
   *                   and this one, both of them joined)
   * @param nearest    the sentence model's nearest example, or null when the model took no part
   * @param clause     the clause of a long segment that was judged (as posted), when the segment was cut into
   *                   clauses; {@code normalised} is then that clause's; null (left out) for a segment judged whole
   */
  public record Evidence(String segmentId, String text, List<String> matched, String normalised,
      @JsonInclude(JsonInclude.Include.ALWAYS) Nearest nearest, String clause) {
  }

  /** An example sentence of the model's sheets and its cosine similarity (−1..1) to the segment. */
  public record Nearest(String example, double similarity) {
  }
}
