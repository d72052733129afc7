package io.livejury.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Postgres for the fault tools, run by {@link PgServer} in a JVM of its own on 127.0.0.1 with its data
 * in a directory of its own (the server itself runs detached, as pg_ctl starts it; the JVM stops it). {@link #pause()} stops every Postgres process with SIGSTOP (the server and each
 * connection's backend, so open connections hang as they would on a frozen host) and {@link #resume()}
 * lets them go on.
 */
final class PostgresProcess implements AutoCloseable {

  final int port;
  final Path dir;
  private Process process;
  private List<ProcessHandle> paused = List.of();

  PostgresProcess(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  String url() {
    return "postgresql://postgres:postgres@127.0.0.1:" + port + "/postgres";
  }

  PostgresProcess start() throws IOException, InterruptedException {
    Files.createDirectories(dir.getParent());
    Path log = dir.getParent().resolve("postgres-" + port + ".log");
    process = new ProcessBuilder(Children.java(), "-Xmx128m", "-cp", Children.jar(), PgServer.class.getName(),
        Integer.toString(port), dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(log).contains("Postgres on port " + port)) {
      if (!process.isAlive() || System.nanoTime() > giveUp) {
        throw new IllegalStateException("Postgres did not start on port " + port + ", see " + log);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return this;
  }

  /** SIGSTOP to every Postgres process: the server takes no connection and answers no query until resumed. */
  void pause() throws IOException, InterruptedException {
    // pg_ctl starts the server detached from its caller: find it by the pid file in its data directory.
    long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle server = ProcessHandle.of(postmaster)
        .orElseThrow(() -> new IllegalStateException("Postgres process " + postmaster + " is gone"));
    List<ProcessHandle> all = new ArrayList<>(List.of(server));
    all.addAll(server.descendants().toList());
    paused = all;
    Children.signal("STOP", paused);
  }

  void resume() throws IOException, InterruptedException {
    Children.signal("CONT", paused);
    paused = List.of();
  }

  int pausedProcesses() {
    return paused.size();
  }

  @Override
  public void close() throws Exception {
    if (!paused.isEmpty()) {
      resume();
    }
    if (process != null && process.isAlive()) {
      process.getOutputStream().close(); // PgServer stops Postgres once its input closes
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        List<ProcessHandle> left = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        left.forEach(ProcessHandle::destroyForcibly);
      }
    }
  }
}
