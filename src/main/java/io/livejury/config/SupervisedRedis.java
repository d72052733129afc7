package io.livejury.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded redis-server as a child process that is started again whenever it dies. It persists to an
 * append-only file ({@code appendonly yes}, {@code appendfsync everysec}) in its own folder, so a restart
 * replays every write it had acknowledged; it always comes back on the same port, so the node's clients
 * reconnect to the address they already know. A supervisor thread waits on the process; nothing here runs
 * on an event loop.
 */
final class SupervisedRedis implements AutoCloseable {

  static final String PID_FILE = "redis.pid";

  private static final Logger LOG = LoggerFactory.getLogger(SupervisedRedis.class);
  private static final String READY = "Ready to accept connections";
  private static final int OUTPUT_LINES_KEPT = 20;

  private final Path binary;
  private final Path dir;
  private final int port;
  private final EmbeddedServers.Options options;
  private final Object lock = new Object();
  private Process process;
  private boolean closing;
  private Thread supervisor;
  /**
   * Ctrl-C signals the whole process group, redis-server included: once the JVM is shutting down, a Redis
   * that exits is not started again, while the node's own shutdown still gets to close it in order.
   */
  private final Thread stopSupervising = new Thread(this::stopSupervising, "embedded-redis-unsupervise");

  SupervisedRedis(Path binary, Path dir, int port, EmbeddedServers.Options options) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.options = options;
  }

  /**
   * Starts the server and waits until it accepts connections (its AOF replayed), then watches it.
   *
   * @throws IOException when it cannot be started or is not ready within the start wait
   */
  void start() throws IOException {
    Process started = launch();
    synchronized (lock) {
      process = started;
      supervisor = new Thread(this::supervise, "embedded-redis-supervisor");
      supervisor.setDaemon(true);
      supervisor.start();
    }
    Runtime.getRuntime().addShutdownHook(stopSupervising);
  }

  int port() {
    return port;
  }

  /** The running server's pid, or -1 between a death and its restart. */
  long pid() {
    synchronized (lock) {
      return process != null && process.isAlive() ? process.pid() : -1;
    }
  }

  /** Stops watching, then stops the server (SIGTERM: Redis writes its AOF out and exits; SIGKILL if it hangs). */
  @Override
  public void close() {
    stopSupervising();
    Process current;
    synchronized (lock) {
      current = process;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopSupervising);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // Already shutting down, or never started: the hook has nothing left to do either way.
    }
    if (current == null) {
      return;
    }
    current.destroy();
    try {
      if (!current.waitFor(options.stopWaitMs(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Embedded Redis (pid {}) did not stop within {} ms; killing it", current.pid(), options.stopWaitMs());
        current.destroyForcibly().waitFor(options.stopWaitMs(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      current.destroyForcibly();
    }
  }

  private void stopSupervising() {
    synchronized (lock) {
      closing = true;
      if (supervisor != null) {
        supervisor.interrupt();
      }
    }
  }

  private void supervise() {
    while (true) {
      Process watched;
      synchronized (lock) {
        watched = process;
      }
      int exit;
      try {
        exit = watched.waitFor();
      } catch (InterruptedException e) {
        return;
      }
      synchronized (lock) {
        if (closing) {
          return;
        }
      }
      LOG.error("Embedded Redis (pid {}) exited with status {}; starting it again on port {} with its data",
          watched.pid(), exit, port);
      Process restarted = restartUntilUp();
      if (restarted == null) {
        return;
      }
      synchronized (lock) {
        if (closing) {
          restarted.destroy();
          return;
        }
        process = restarted;
      }
      LOG.warn("Embedded Redis is back on port {} (pid {})", port, restarted.pid());
    }
  }

  /** Tries again after each failure (the port briefly taken, the disk full) until it runs or the node closes. */
  private Process restartUntilUp() {
    while (true) {
      try {
        Thread.sleep(options.redisRestartDelayMs());
      } catch (InterruptedException e) {
        return null;
      }
      synchronized (lock) {
        if (closing) {
          return null;
        }
      }
      try {
        return launch();
      } catch (IOException e) {
        LOG.error("Embedded Redis did not start again yet: {}", e.getMessage());
      }
    }
  }

  private Process launch() throws IOException {
    Files.createDirectories(dir);
    Path config = dir.resolve("redis.conf");
    Files.writeString(config, String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "dir " + quoted(dir),
        "pidfile " + quoted(dir.resolve(PID_FILE)),
        "daemonize no",
        // Every write goes to the AOF before its reply leaves; the file is fsynced once a second.
        "appendonly yes",
        "appendfsync everysec",
        "save \"\"",
        "maxclients " + options.redisMaxClients(),
        ""), StandardCharsets.UTF_8);
    Process started = new ProcessBuilder(binary.toString(), config.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread output = new Thread(() -> follow(started, ready), "embedded-redis-output");
    output.setDaemon(true);
    output.start();
    try {
      ready.get(options.startWaitMs(), TimeUnit.MILLISECONDS);
      return started;
    } catch (TimeoutException e) {
      started.destroyForcibly();
      throw new IOException("Embedded Redis was not ready within " + options.startWaitMs() + " ms");
    } catch (ExecutionException e) {
      started.destroyForcibly();
      throw new IOException(e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started.destroyForcibly();
      throw new IOException("Interrupted while Embedded Redis started");
    }
  }

  /** Reads the server's log for as long as it runs: the ready line ends the wait, earlier lines explain a failure. */
  private static void follow(Process started, CompletableFuture<Void> ready) {
    Deque<String> last = new ArrayDeque<>();
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        LOG.debug("redis: {}", line);
        if (!ready.isDone()) {
          last.addLast(line);
          if (last.size() > OUTPUT_LINES_KEPT) {
            last.removeFirst();
          }
          if (line.contains(READY)) {
            ready.complete(null);
          }
        }
      }
    } catch (IOException e) {
      // The stream closes when the process dies; the exit status tells the rest.
    }
    ready.completeExceptionally(new IOException("Embedded Redis exited before it was ready: " + String.join(" | ", last)));
  }

  private static String quoted(Path path) {
    return "\"" + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
