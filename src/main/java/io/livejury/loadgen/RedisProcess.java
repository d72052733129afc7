package io.livejury.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server of its own process on 127.0.0.1, with its data in a directory of its own and an
 * append-only file fsynced every second, so it can be shut down, killed and started again on the same port
 * and data. The binary is the Linux one the embedded-redis artifact ships (inside the LiveJury jar), so
 * nothing needs installing.
 */
final class RedisProcess implements AutoCloseable {

  private static final String BINARY = "/redis-server-6.2.6-v5-linux-amd64";

  final int port;
  final Path dir;
  private Process process;

  RedisProcess(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  RedisProcess start() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    process = new ProcessBuilder(binary(dir.getParent()).toString(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "everysec",
        "--save", "", "--maxclients", "20000", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.out").toFile()))
        .start();
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    // A restart replays the append-only file first: PING answers LOADING until that is done.
    while (!Resp.ping(port)) {
      if (!process.isAlive() || System.nanoTime() > giveUp) {
        throw new IllegalStateException("redis-server did not start on port " + port + ", see " + dir);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return this;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SHUTDOWN: Redis writes and fsyncs its append-only file, then exits. */
  void shutdown() throws IOException, InterruptedException {
    try {
      Resp.call(port, "SHUTDOWN");
    } catch (IOException e) {
      // The server closes the connection instead of answering: expected.
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("redis-server did not shut down");
    }
  }

  /** SIGKILL: whatever was not yet fsynced to the append-only file is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Ids of the clients subscribed to at least one channel (the nodes' room subscribers). */
  List<String> subscriberIds() throws IOException {
    String clients = (String) Resp.call(port, "CLIENT", "LIST");
    return clients.lines()
        .filter(line -> line.matches(".*\\bsub=[1-9].*"))
        .map(line -> line.replaceAll("^id=(\\d+).*", "$1"))
        .toList();
  }

  @Override
  public void close() throws InterruptedException {
    if (alive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill9();
      }
    }
  }

  /** Copies the server binary out of the jar once per run directory. */
  private static synchronized Path binary(Path runDir) throws IOException {
    Path binary = runDir.resolve("redis-server");
    if (!Files.exists(binary)) {
      try (InputStream in = RedisProcess.class.getResourceAsStream(BINARY)) {
        if (in == null) {
          throw new IllegalStateException(BINARY + " is not on the class path (run from target/livejury.jar)");
        }
        Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return binary;
  }
}
