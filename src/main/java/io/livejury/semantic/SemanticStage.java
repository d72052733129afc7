package io.livejury.semantic;

import io.vertx.core.Future;

/**
 * The sentence-model stage of detection: judges a normalised segment against the example sheets. Never runs the
 * model on the caller's thread; answers {@link SemanticVerdict#notRun()} at once when it cannot run it now.
 */
public interface SemanticStage {

  /** Judges one normalised segment; the future never fails (a failed run is a degraded verdict). */
  Future<SemanticVerdict> judge(String normalised);

  /** A stage that never runs a model: detection by the lexicon alone. */
  static SemanticStage off() {
    return normalised -> Future.succeededFuture(SemanticVerdict.notRun());
  }
}
