package io.livejury.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Stops embedded servers that a node which died without cleaning up (kill -9, power cut of the JVM only)
 * left running on its data folder. Each server names its pid in a file of its own folder (Redis's
 * {@code pidfile}, Postgres's {@code postmaster.pid}); a process under that pid counts as a leftover only if
 * its executable is that server's, so a pid since reused by something else is left alone.
 */
final class Leftovers {

  private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);
  private static final long POLL_MS = 20;

  private Leftovers() {
  }

  /**
   * Stops the server named by {@code pidFile}, if it still runs: SIGTERM, up to {@code waitMs} for it to
   * finish, then SIGKILL for it and any process it had started. Blocks until it is gone.
   *
   * @param pidFile a file whose first line is the pid; missing or unreadable means nothing to stop
   * @param program the server's executable name ({@code redis-server}, {@code postgres})
   * @param waitMs how long the server may take to shut down cleanly, in milliseconds
   * @return the pid that was stopped, if there was one
   * @throws IllegalStateException when the process survives even SIGKILL
   */
  static Optional<Long> stop(Path pidFile, String program, long waitMs) {
    Optional<ProcessHandle> found = pid(pidFile).flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        .filter(process -> runs(process, program));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ProcessHandle process = found.get();
    // Taken before the signal: once the server is gone its children are no longer listed under it.
    List<ProcessHandle> children = process.descendants().toList();
    LOG.warn("Stopping {} (pid {}) left running on {} by a LiveJury that did not stop cleanly", program,
        process.pid(), pidFile.getParent());
    process.destroy();
    if (!exited(process, waitMs)) {
      LOG.warn("{} (pid {}) did not stop within {} ms; killing it", program, process.pid(), waitMs);
      process.destroyForcibly();
      if (!exited(process, waitMs)) {
        throw new IllegalStateException(program + " (pid " + process.pid() + ") left on " + pidFile.getParent()
            + " survived SIGKILL; stop it by hand before starting LiveJury");
      }
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    return Optional.of(process.pid());
  }

  private static Optional<Long> pid(Path pidFile) {
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (NoSuchFileException | NumberFormatException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + pidFile, e);
    }
  }

  private static boolean runs(ProcessHandle process, String program) {
    ProcessHandle.Info info = process.info();
    // A binary replaced since it started reads as "<path> (deleted)"; the name still says what it is.
    return info.command().or(info::commandLine).map(command -> command.contains(program)).orElse(false);
  }

  /** Polls: {@code onExit} of a process that is not our child checks only every few hundred milliseconds. */
  private static boolean exited(ProcessHandle process, long waitMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    while (process.isAlive()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !process.isAlive();
      }
    }
    return true;
  }
}
