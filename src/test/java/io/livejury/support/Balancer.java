package io.livejury.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx (apt-get install nginx) in front of test nodes, run on a copy of the project's balancer
 * configuration {@code deploy/nginx/nginx.conf} with its upstream servers and listen address replaced, as
 * {@code scripts/cluster} runs it. Skips the test without nginx, or fails it when {@code LIVEJURY_BALANCER_TESTS=required}
 * (CI installs nginx).
 */
public final class Balancer implements AutoCloseable {

  private static final Path NGINX = Path.of("/usr/sbin/nginx");
  private static final Path CONFIG = Path.of("deploy", "nginx", "nginx.conf");
  private static final long START_WAIT_MS = 10_000;

  private Process process;
  private final int port;
  private final Path dir;

  private Balancer(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  /** Starts nginx on a free loopback port with these node ports as its upstream servers, once it accepts connections. */
  public static Balancer start(String name, List<Integer> nodePorts) {
    boolean installed = Files.isExecutable(NGINX);
    if (!installed && "required".equals(System.getenv("LIVEJURY_BALANCER_TESTS"))) {
      throw new IllegalStateException("balancer tests are required but " + NGINX + " is not installed");
    }
    Assumptions.assumeTrue(installed, "nginx not installed (apt-get install nginx): the balancer tests are skipped");
    try {
      Path dir = Path.of("target", "balancer", name).toAbsolutePath();
      Files.createDirectories(dir.resolve("logs"));
      // The port stays the balancer's across a restart, as a real balancer's address does.
      int port = Ports.reusable();
      Files.writeString(dir.resolve("nginx.conf"), configure(Files.readString(CONFIG), port, nodePorts));
      Balancer balancer = new Balancer(port, dir);
      balancer.run();
      return balancer;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts nginx again on the same port and configuration, after {@link #close}. */
  public void restart() {
    try {
      run();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void run() throws IOException {
    process = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
        "-g", "daemon off; pid " + dir.resolve("nginx.pid") + "; error_log " + dir.resolve("logs/error.log") + " warn;")
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
    awaitListening();
  }

  /** The project's configuration with the lines marked {@code # replaced} pointing at these ports. */
  static String configure(String config, int port, List<Integer> nodePorts) {
    String upstream = nodePorts.stream()
        .map(p -> "    server 127.0.0.1:" + p + " max_fails=3 fail_timeout=5s;")
        .collect(Collectors.joining("\n"));
    String listen = "    listen 127.0.0.1:" + port + ";";
    String replaced = config.lines().map(line -> !line.endsWith("# replaced") ? line
            : line.trim().startsWith("server ") ? upstream
            : line.trim().startsWith("listen ") ? listen
            : line)
        .collect(Collectors.joining("\n", "", "\n"));
    if (!replaced.contains(listen) || !replaced.contains(upstream)) {
      throw new IllegalStateException(CONFIG + " has no 'server ... # replaced' or 'listen ... # replaced' line");
    }
    return replaced;
  }

  private void awaitListening() throws IOException {
    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MS);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > giveUp) {
          close();
          throw new IllegalStateException("nginx did not start; see " + dir.resolve("logs"));
        }
        try {
          TimeUnit.MILLISECONDS.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** The balancer's port on 127.0.0.1: clients connect here. */
  public int port() {
    return port;
  }

  /** Stops nginx (its workers with it, every connection through it closed) and waits for it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
