package io.livejury.detect;

import java.util.concurrent.atomic.AtomicReference;

/** The detector in force on this node; {@link DetectVerticle} swaps in a new one when the lexicon changes. */
public final class Lexicons {

  private final AtomicReference<Detector> current;

  public Lexicons(Detector initial) {
    this.current = new AtomicReference<>(initial);
  }

  public Detector detector() {
    return current.get();
  }

  void replace(Detector detector) {
    current.set(detector);
  }
}
