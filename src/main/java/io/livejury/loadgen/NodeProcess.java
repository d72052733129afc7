package io.livejury.loadgen;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One LiveJury node as a child JVM — {@code java -jar target/livejury.jar} with the given environment (no
 * LIVEJURY_ variable of this tool's own environment leaks into it) — and its log. {@link #start} waits for
 * the line {@code LiveJury listening on http://HOST:PORT}.
 */
final class NodeProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("LiveJury listening on (http://\\S+)");

  final String name;
  final Path log;
  private final Process process;
  private URI url;
  private Api api;

  private NodeProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /** Starts the node and returns once it listens; fails if it exits or takes over two minutes. */
  static NodeProcess start(String name, Path dir, Map<String, String> env) throws IOException, InterruptedException {
    NodeProcess node = launch(name, dir, env);
    Optional<URI> url = node.awaitListening(120);
    if (url.isEmpty()) {
      String tail = node.logTail(30);
      node.kill9();
      throw new IllegalStateException("node " + name + " did not start (exit " + node.exitCode() + "):\n" + tail);
    }
    return node;
  }

  static NodeProcess launch(String name, Path dir, Map<String, String> env) throws IOException {
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>(List.of(Children.java()));
    // As the README starts a node, with the scripts' extra options after the file.
    command.add("@" + Path.of("deploy/jvm.options").toAbsolutePath());
    String extra = System.getenv().getOrDefault("LIVEJURY_JAVA_OPTS", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-jar", Children.jar()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(key -> key.startsWith("LIVEJURY_"));
    builder.environment().putAll(env);
    return new NodeProcess(name, log, builder.start());
  }

  /** Waits for the listening line; empty if the process exited first or the time ran out. */
  Optional<URI> awaitListening(int seconds) throws IOException, InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < giveUp) {
      Matcher listening = LISTENING.matcher(Files.readString(log));
      if (listening.find()) {
        url = URI.create(listening.group(1).replace("localhost", "127.0.0.1").replace("0.0.0.0", "127.0.0.1"));
        api = new Api(url);
        return Optional.of(url);
      }
      if (!process.isAlive()) {
        return Optional.empty();
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return Optional.empty();
  }

  URI url() {
    return url;
  }

  Api api() {
    return api;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  /** Waits for the process to exit by itself; its exit code, or null if it is still running. */
  Integer awaitExit(int seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
  }

  /** The processes this node started (embedded servers), as they are now. */
  List<ProcessHandle> descendants() {
    return process.descendants().toList();
  }

  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL if it has not exited within the time. */
  void stop(int seconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      kill9();
    }
  }

  String logTail(int lines) throws IOException {
    List<String> all = Files.readAllLines(log);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Live heap bytes: the reachable objects of a class histogram taken in one pause (see {@link NodeProbe}). */
  long liveHeap() throws IOException, InterruptedException {
    return NodeProbe.liveHeapSnapshotBytes(pid(), null);
  }

  /** {@link #liveHeap()}, keeping the class histogram in a file. */
  long liveHeap(Path histogram) throws IOException, InterruptedException {
    return NodeProbe.liveHeapSnapshotBytes(pid(), histogram);
  }

  /** Open file descriptors of the node process (/proc/PID/fd). */
  long openFiles() throws IOException {
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return fds.count();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop(15);
    }
  }

  @Override
  public String toString() {
    return name + (url == null ? "" : " " + url) + " (pid " + pid() + ")";
  }
}
