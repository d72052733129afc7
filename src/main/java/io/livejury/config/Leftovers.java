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
 * Stops embedded servers that a node which died without cleaning up (kill -9, an OOM kill) left running on
 * its data folder. Each server names its pid in a file of its own folder (Redis's {@code pidfile}, Postgres's
 * {@code postmaster.pid}); a process under that pid counts as a leftover only if it is that server and its
 * command line names this data folder, so a pid since reused by anything else — another LiveJury's server
 * included — is left alone.
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
   * @param folder a path its command line must contain (the binary's or the data's folder)
   * @param waitMs how long the server may take to shut down cleanly, in milliseconds
   * @return the pid that was stopped, if there was one
   * @throws IllegalStateException when the process survives even SIGKILL
   */
  static Optional<Long> stop(Path pidFile, String program, Path folder, long waitMs) {
    Optional<ProcessHandle> found = pid(pidFile).flatMap(ProcessHandle::of)
        .filter(process -> running(process.pid()))
        .filter(process -> runs(process, program, folder));
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

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      // The state follows the command name, which is in parentheses and may itself hold spaces or ')'.
      String state = stat.substring(stat.lastIndexOf(')') + 1).trim();
      return state.startsWith("Z") || state.startsWith("X");
    } catch (IOException | RuntimeException e) {
      return false; // no /proc (not Linux) or already gone: isAlive decides
    }
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

  private static boolean runs(ProcessHandle process, String program, Path folder) {
    ProcessHandle.Info info = process.info();
    // A binary replaced since it started reads as "<path> (deleted)"; the name still says what it is.
    String described = info.command().orElse("") + " " + info.commandLine().orElse("");
    return described.contains(program) && described.contains(folder.toString());
  }

  /**
   * Polls: {@code onExit} of a process that is not our child checks only every few hundred milliseconds. A
   * server that has exited but is not yet reaped (its parent died with the node; init reaps it when it gets
   * to it, a second later here) counts as gone: it holds no port and no file any more.
   */
  private static boolean exited(ProcessHandle process, long waitMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    while (running(process.pid())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !running(process.pid());
      }
    }
    return true;
  }

  /** Whether the process exists and has not exited (an exited, unreaped one does not count). */
  static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
  }
}
