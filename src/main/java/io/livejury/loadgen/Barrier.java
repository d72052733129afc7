package io.livejury.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lines up the processes of one load run (one process holds at most ~19,000 sockets: the descriptor limit)
 * through files in a shared directory: each part marks a named step, then waits until every part has, and
 * parts hand each other data as files there. A run in one process has no directory and never waits.
 */
final class Barrier {

  private final Path dir;
  private final int part;
  private final int parts;

  Barrier(Path dir, int part, int parts) {
    this.dir = dir;
    this.part = part;
    this.parts = parts;
  }

  static Barrier single() {
    return new Barrier(null, 0, 1);
  }

  boolean lead() {
    return part == 0;
  }

  int part() {
    return part;
  }

  int parts() {
    return parts;
  }

  /** Marks {@code step} done by this part and waits (up to {@code timeoutSeconds}) for every other part. */
  void await(String step, long timeoutSeconds) throws IOException, InterruptedException {
    if (parts == 1) {
      return;
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(step + "." + part), "");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    for (int other = 0; other < parts; other++) {
      while (!Files.exists(dir.resolve(step + "." + other))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("part " + other + " did not reach '" + step + "' in " + timeoutSeconds + " s");
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }
  }

  /** Leaves data for the lead part; written whole, then renamed, so a reader never sees half a file. */
  void put(String name, String content) throws IOException {
    Path temporary = dir.resolve(name + ".data." + part + ".tmp");
    Files.writeString(temporary, content);
    Files.move(temporary, dir.resolve(name + ".data." + part), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  String get(String name, int fromPart) throws IOException {
    return Files.readString(dir.resolve(name + ".data." + fromPart));
  }
}
