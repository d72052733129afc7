package io.livejury.detect;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * Hot-reloads the lexicon: when a lexicon file on disk is configured, it is checked every interval and,
 * once changed, parsed on a worker and swapped in. A file that does not parse is reported and the rules
 * in force stay as they were.
 */
public final class DetectVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DetectVerticle.class);

  private final Lexicons lexicons;
  private final Path file;
  private final long intervalMs;
  private FileTime loaded;

  public DetectVerticle(Lexicons lexicons, Path file, long intervalMs) {
    this.lexicons = lexicons;
    this.file = file;
    this.intervalMs = intervalMs;
  }

  @Override
  public Future<?> start() {
    if (file != null) {
      vertx.setPeriodic(0, intervalMs, id -> reloadIfChanged());
    }
    return Future.succeededFuture();
  }

  private void reloadIfChanged() {
    vertx.executeBlocking(() -> {
          FileTime modified = Files.getLastModifiedTime(file);
          if (modified.equals(loaded)) {
            return null;
          }
          loaded = modified; // a file that fails to parse is reported once, not on every check
          Detector detector = new Detector(Lexicon.fromFile(file), lexicons.normaliser());
          lexicons.replace(detector);
          return detector;
        })
        .onSuccess(detector -> {
          if (detector != null) {
            LOG.info("Lexicon loaded from {}: {} rules", file, detector.rules().size());
          }
        })
        .onFailure(err -> LOG.warn("Lexicon {} not reloaded, keeping the rules in force: {}", file, err.getMessage()));
  }
}
