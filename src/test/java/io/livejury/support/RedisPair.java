package io.livejury.support;

import io.livejury.common.Replies;
import io.livejury.config.EmbeddedServers;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Redis master and its replica, two redis-server processes of the machine's own Redis (Debian's
 * {@code redis-server}, 7) on free loopback ports, the replica linked to its master through a {@link TcpProxy}, each with a folder of its own under {@code target/redis-pair/}.
 * The tests that need a replica (WAIT, a failover) use it; the rest of the suite stays on the embedded Redis.
 * Without {@code redis-server} on the PATH or in /usr/bin the test is skipped with a message, unless
 * {@code LIVEJURY_REDIS_SERVER_TESTS=required} (as in CI), where that is a failure.
 */
public final class RedisPair implements AutoCloseable {

  private static final List<Path> BINARIES = List.of(Path.of("/usr/bin/redis-server"),
      Path.of("/usr/local/bin/redis-server"));
  private static final long START_WAIT_MS = 20_000;

  private final Vertx vertx = Vertx.vertx();
  private final Server master;
  /** The replication link runs through a relay, so a test can cut it: a replica that lags for good. */
  private final TcpProxy link;
  private final Server replica;

  /** One redis-server process and a client of it. */
  private final class Server {
    final int port;
    final Process process;
    final Redis client;

    Server(int port, Process process) {
      this.port = port;
      this.process = process;
      this.client = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
    }

    Response call(Request request) {
      return client.send(request).await();
    }

    void signal(String signal) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
          throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private RedisPair(Path binary, Path dir) throws IOException, InterruptedException {
    master = start(binary, dir.resolve("master"), List.of());
    link = new TcpProxy(vertx, "127.0.0.1", master.port);
    link.up();
    replica = start(binary, dir.resolve("replica"), List.of("--replicaof", "127.0.0.1", Integer.toString(link.port())));
    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MS);
    while (!info(replica, "replication").getOrDefault("master_link_status", "").equals("up")) {
      if (System.nanoTime() > giveUp) {
        close();
        throw new IllegalStateException("the replica on port " + replica.port + " did not reach its master");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /**
   * Starts a master and a replica linked to it, in a fresh folder named for {@code name}; skips the test (or fails
   * it, when required) without a redis-server.
   */
  public static RedisPair start(String name) {
    Path binary = find();
    if (binary == null && "required".equals(System.getenv("LIVEJURY_REDIS_SERVER_TESTS"))) {
      throw new IllegalStateException("redis-server tests are required but no redis-server is installed in "
          + BINARIES);
    }
    Assumptions.assumeTrue(binary != null,
        "redis-server not installed (apt-get install redis-server): the master + replica tests are skipped");
    try {
      Path dir = Path.of("target", "redis-pair", name).toAbsolutePath();
      deleteTree(dir);
      return new RedisPair(binary, dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String masterUrl() {
    return "redis://127.0.0.1:" + master.port;
  }

  public int masterPort() {
    return master.port;
  }

  public int replicaPort() {
    return replica.port;
  }

  /** kill -9: the master is gone with whatever it had not yet sent its replica. */
  public void killMaster() throws InterruptedException {
    master.process.destroyForcibly();
    master.process.waitFor(10, TimeUnit.SECONDS);
  }

  /** The failover: REPLICAOF NO ONE, so the replica serves as a master with what it holds. */
  public void promoteReplica() {
    replica.call(Request.cmd(Command.REPLICAOF).arg("NO").arg("ONE"));
  }

  /**
   * Severs the replication link for good: the master writes on, the replica never sees it — what a replica that
   * lagged behind holds when it takes over. (Freezing the replica would not do: the kernel keeps receiving the
   * stream for it, and it reads what was buffered once thawed.)
   */
  public void cutReplication() {
    link.down();
  }

  /** kill -STOP: the replica is frozen, its connection stays open, and it acknowledges nothing. */
  public void freezeReplica() {
    replica.signal("STOP");
  }

  /** kill -CONT: the frozen replica takes up where it stopped. */
  public void thawReplica() {
    replica.signal("CONT");
  }

  /** Waits until the replica holds a field of a hash (replication is asynchronous): at most 10 s. */
  public void awaitReplicaHas(String key, String field) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!replicaHash(key).containsKey(field)) {
      if (System.nanoTime() > giveUp) {
        throw new IllegalStateException("the replica never received " + key + " " + field);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** A hash as the replica holds it (field → value); empty when the key is missing. */
  public Map<String, String> replicaHash(String key) {
    return hash(replica, key);
  }

  /** A hash as the master holds it (field → value); empty when the key is missing. */
  public Map<String, String> masterHash(String key) {
    return hash(master, key);
  }

  @Override
  public void close() {
    for (Server server : new Server[] {master, replica}) {
      if (server != null && server.process.isAlive()) {
        server.process.destroyForcibly();
        try {
          server.process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (link != null) {
      link.down();
    }
    vertx.close().await();
  }

  private Server start(Path binary, Path dir, List<String> extra) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = EmbeddedServers.freePort();
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
        "--logfile", dir.resolve("redis.log").toString()));
    command.addAll(extra);
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.out").toFile()).start();
    Server server = new Server(port, process);
    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MS);
    while (true) {
      try {
        server.call(Request.cmd(Command.PING));
        return server;
      } catch (Exception notYet) { // await() rethrows the refused connection as it came, checked
        if (!process.isAlive() || System.nanoTime() > giveUp) {
          process.destroyForcibly();
          throw new IllegalStateException("redis-server did not start on port " + port + ", see " + dir);
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private static Map<String, String> info(Server server, String section) {
    Map<String, String> fields = new HashMap<>();
    for (String line : server.call(Request.cmd(Command.INFO).arg(section)).toString().split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  private static Map<String, String> hash(Server server, String key) {
    return Replies.texts(server.call(Request.cmd(Command.HGETALL).arg(key)));
  }

  private static Path find() {
    return BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
