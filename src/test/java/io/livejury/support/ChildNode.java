package io.livejury.support;

import io.livejury.Main;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java io.livejury.Main} in a JVM of its own, on the test classpath, exactly as {@code java -jar}
 * would run it: its own embedded servers, its own data folder, its own exit. The test can stop it as an
 * operator would (SIGTERM) or as a crash would (SIGKILL). Standard error goes to a log file under
 * {@code target/}; standard output is read for the line that says where the node listens.
 */
public final class ChildNode {

  private static final long START_WAIT_MS = 120_000;
  private static final String LISTENING = "LiveJury listening on ";

  private final Process process;
  private final Path log;
  private final List<String> output = new ArrayList<>();
  private volatile URI base;

  private ChildNode(Process process, Path log) {
    this.process = process;
    this.log = log;
    Thread reader = new Thread(this::read, "child-node-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts Main with only the given {@code LIVEJURY_*} variables (the test JVM's own are not passed on), and
   * {@code LIVEJURY_JURY_PRESENCE_SECONDS=0} unless they set it.
   *
   * @param name names the log file, {@code target/child-nodes/<name>.log}
   */
  public static ChildNode launch(String name, Map<String, String> env) {
    try {
      Path log = Path.of("target", "child-nodes", name + ".log");
      Files.createDirectories(log.getParent());
      ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName())
          .redirectError(log.toFile());
      builder.environment().keySet().removeIf(key -> key.startsWith("LIVEJURY_"));
      // As on a test node: a viewer who joined before a prompt opened may vote on it, unless the test says otherwise.
      builder.environment().put("LIVEJURY_JURY_PRESENCE_SECONDS", "0");
      builder.environment().putAll(env);
      return new ChildNode(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts Main and waits until it listens; fails the test with its log if it exits or takes too long. */
  public static ChildNode start(String name, Map<String, String> env) {
    ChildNode node = launch(name, env);
    node.awaitListening();
    return node;
  }

  private void read() {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (output) {
          output.add(line);
          if (line.startsWith(LISTENING)) {
            base = URI.create(line.substring(LISTENING.length()).trim());
          }
          output.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process is gone; its exit status says the rest.
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MS);
    synchronized (output) {
      while (base == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
          process.destroyForcibly();
          throw new AssertionError("the node did not start; its log:\n" + log());
        }
        try {
          output.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /** The address it printed, e.g. {@code http://127.0.0.1:41234}. */
  public URI base() {
    return base;
  }

  public int port() {
    return base.getPort();
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL, as a crash or an OOM killer would: no shutdown hook runs. */
  public void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGTERM, as an operator or a service manager would: the node stops in order. */
  public int stop() {
    process.destroy();
    return awaitExit();
  }

  /** Waits for the process to end by itself and returns its exit status. */
  public int awaitExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the node did not exit; its log:\n" + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything it wrote to standard error so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
