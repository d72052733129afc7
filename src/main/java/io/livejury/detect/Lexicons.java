package io.livejury.detect;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The detector in force on this node and the normaliser every detection stage reads text through;
 * {@link DetectVerticle} swaps in a new detector when the lexicon changes (the normaliser stays).
 */
public final class Lexicons {

  private final Normaliser normaliser;
  private final AtomicReference<Detector> current;

  public Lexicons(Normaliser normaliser, Detector initial) {
    this.normaliser = normaliser;
    this.current = new AtomicReference<>(initial);
  }

  public Normaliser normaliser() {
    return normaliser;
  }

  public Detector detector() {
    return current.get();
  }

  void replace(Detector detector) {
    current.set(detector);
  }
}
