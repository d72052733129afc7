package io.livejury.semantic;

import io.vertx.core.Future;

import java.util.List;

/**
 * The sentence-model stage of detection: judges a normalised segment against the example sheets. Never runs the
 * model on the caller's thread; answers {@link SemanticVerdict#notRun()} at once when it cannot run it now.
 */
public interface SemanticStage {

  /** Judges one normalised segment; the future never fails (a failed run is a degraded verdict). */
  Future<SemanticVerdict> judge(String normalised);

  /**
   * Judges the clauses of one segment of {@code room} as one piece of work: one verdict per text, in order; the
   * future never fails. {@code room} names whose share of the model the work takes (null: no room's, the node's
   * cap alone; detection passes the room's streamer, so several rooms of one streamer share one share). This default
   * judges each text on its own.
   */
  default Future<List<SemanticVerdict>> judgeAll(List<String> normalised, String room) {
    List<Future<SemanticVerdict>> each = normalised.stream().map(this::judge).toList();
    return Future.all(each).map(done -> each.stream().map(Future::result).toList());
  }

  /** A stage that never runs a model: detection by the lexicon alone. */
  static SemanticStage off() {
    return normalised -> Future.succeededFuture(SemanticVerdict.notRun());
  }
}
