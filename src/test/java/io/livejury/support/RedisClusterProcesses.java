package io.livejury.support;

import io.livejury.common.HashSlots;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters and three replicas: six processes of the machine's own Redis (Debian's
 * {@code redis-server}, 7) on free loopback ports, each with a folder of its own under {@code target/redis-cluster/},
 * joined by {@code redis-cli --cluster create … --cluster-replicas 1}, as {@code scripts/cluster start} does.
 * Without {@code redis-server} and {@code redis-cli} the test is skipped with a message, unless
 * {@code LIVEJURY_REDIS_SERVER_TESTS=required} (as in CI), where that is a failure.
 */
public final class RedisClusterProcesses implements AutoCloseable {

  private static final Path SERVER = Path.of("/usr/bin/redis-server");
  private static final Path CLI = Path.of("/usr/bin/redis-cli");
  private static final int SERVERS = 6;
  private static final long START_WAIT_MS = 30_000;

  private final Vertx vertx = Vertx.vertx();
  private final Map<Integer, Process> processes = new LinkedHashMap<>();
  private final Map<Integer, Path> folders = new LinkedHashMap<>();
  private final Map<Integer, Redis> clients = new LinkedHashMap<>();

  private RedisClusterProcesses(Path dir) throws IOException, InterruptedException {
    for (int i = 0; i < SERVERS; i++) {
      start(dir.resolve("node-" + i));
    }
    List<String> create = new ArrayList<>(List.of(CLI.toString(), "--cluster", "create"));
    processes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
    create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    Process cli = new ProcessBuilder(create).redirectErrorStream(true)
        .redirectOutput(dir.resolve("create.out").toFile()).start();
    if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
      close();
      throw new IllegalStateException("redis-cli --cluster create failed, see " + dir.resolve("create.out"));
    }
    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MS);
    while (!settled()) {
      if (System.nanoTime() > giveUp) {
        close();
        throw new IllegalStateException("the cluster did not settle (cluster_state:ok, 3 masters with a replica each)");
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** Starts the six servers and joins them, in a fresh folder named for {@code name}; skips (or fails) without Redis. */
  public static RedisClusterProcesses start(String name) {
    boolean installed = Files.isExecutable(SERVER) && Files.isExecutable(CLI);
    if (!installed && "required".equals(System.getenv("LIVEJURY_REDIS_SERVER_TESTS"))) {
      throw new IllegalStateException("redis-server tests are required but " + SERVER + " or " + CLI
          + " is not installed");
    }
    Assumptions.assumeTrue(installed,
        "redis-server not installed (apt-get install redis-server): the Redis Cluster tests are skipped");
    try {
      Path dir = Path.of("target", "redis-cluster", name).toAbsolutePath();
      deleteTree(dir);
      return new RedisClusterProcesses(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code LIVEJURY_REDIS_URL} for a node: every server, comma-separated. */
  public String seeds() {
    return processes.keySet().stream().map(port -> "redis://127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  /**
   * A node's settings on this cluster with durable acks: a ballot acked {@code accepted} only once its shard's
   * replica holds it, else {@code unavailable} within 1 s.
   */
  public Map<String, String> durableNodeEnv() {
    return Map.of("LIVEJURY_REDIS_URL", seeds(), "LIVEJURY_REDIS_CLUSTER", "true",
        "LIVEJURY_REDIS_ACK_REPLICAS", "1", "LIVEJURY_REDIS_ACK_TIMEOUT_MS", "1000");
  }

  /** Every server's port, masters and replicas. */
  public List<Integer> servers() {
    return List.copyOf(processes.keySet());
  }

  /** The masters' ports. */
  public List<Integer> masters() {
    return processes.keySet().stream().filter(port -> "master".equals(call(port, Request.cmd(Command.ROLE))
        .get(0).toString())).toList();
  }

  /** The port of the master serving a slot. */
  public int masterOf(int slot) {
    for (Response range : call(processes.keySet().iterator().next(), Request.cmd(Command.CLUSTER).arg("SLOTS"))) {
      if (range.get(0).toInteger() <= slot && slot <= range.get(1).toInteger()) {
        return range.get(2).get(1).toInteger();
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  /** The port of the master holding a key (or shard channel). */
  public int masterOfKey(String key) {
    return masterOf(HashSlots.slot(key));
  }

  /** A server's node id in the cluster ({@code CLUSTER MYID}), as {@code CLUSTER SETSLOT} names it. */
  public String nodeId(int port) {
    return call(port, Request.cmd(Command.CLUSTER).arg("MYID")).toString();
  }

  /** The keys one server holds in a slot ({@code CLUSTER GETKEYSINSLOT}, at most 1,000). */
  public List<String> keysInSlot(int port, int slot) {
    List<String> keys = new ArrayList<>();
    call(port, Request.cmd(Command.CLUSTER).arg("GETKEYSINSLOT").arg(slot).arg(1_000))
        .forEach(key -> keys.add(key.toString()));
    return keys;
  }

  /** A command sent to one server as it is (no redirection followed). */
  public Response call(int port, Request request) {
    return clients.computeIfAbsent(port, p -> Redis.createClient(vertx, "redis://127.0.0.1:" + p))
        .send(request).await();
  }

  /** Kills one server with SIGKILL, as a crash would: no shutdown, nothing saved. */
  public void kill(int port) throws InterruptedException {
    Process process = processes.get(port);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    Redis client = clients.remove(port);
    if (client != null) {
      client.close();
    }
  }

  /**
   * Starts a killed server again on its port and folder. It kept no data (no snapshot, no append-only file) but its
   * cluster configuration: once its replica was promoted in its place, it rejoins as that master's replica. Started
   * before the promotion it would come back as an empty master; wait for {@link #awaitNewMaster} first.
   */
  public void restart(int port) throws IOException, InterruptedException {
    start(folders.get(port), port);
  }

  /**
   * Waits until a server other than {@code lost} serves the slot as its master, as the live servers see it.
   *
   * @return the new master's port
   */
  public int awaitNewMaster(int slot, int lost, long withinMs) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMs);
    while (true) {
      for (int port : processes.keySet()) {
        if (port == lost || !processes.get(port).isAlive()) {
          continue;
        }
        try {
          for (Response range : call(port, Request.cmd(Command.CLUSTER).arg("SLOTS"))) {
            if (range.get(0).toInteger() <= slot && slot <= range.get(1).toInteger()
                && range.get(2).get(1).toInteger() != lost) {
              return range.get(2).get(1).toInteger();
            }
          }
        } catch (Exception notYet) {
          // a server busy with the failover: ask the next
        }
      }
      if (System.nanoTime() > giveUp) {
        throw new IllegalStateException("no server took over slot " + slot + " from " + lost + " in " + withinMs + " ms");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** Waits until a master has a replica attached and in sync ({@code INFO replication}: a slave line, online). */
  public void awaitReplicaOf(int master, long withinMs) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMs);
    while (!call(master, Request.cmd(Command.INFO).arg("replication")).toString().contains("state=online")) {
      if (System.nanoTime() > giveUp) {
        throw new IllegalStateException("master " + master + " has no replica in sync after " + withinMs + " ms");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  @Override
  public void close() {
    processes.values().forEach(process -> {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    vertx.close().await();
  }

  private boolean settled() {
    try {
      for (int port : processes.keySet()) {
        if (!call(port, Request.cmd(Command.CLUSTER).arg("INFO")).toString().contains("cluster_state:ok")) {
          return false;
        }
      }
      return masters().size() == SERVERS / 2;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private void start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    start(dir, freePortWithBus());
  }

  private void start(Path dir, int port) throws IOException, InterruptedException {
    folders.put(port, dir);
    Process process = new ProcessBuilder(SERVER.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
        "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString(),
        "--cluster-node-timeout", "2000", "--repl-diskless-sync-delay", "0",
        "--logfile", dir.resolve("redis.log").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
    processes.put(port, process);
    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MS);
    while (true) {
      try {
        call(port, Request.cmd(Command.PING));
        return;
      } catch (Exception notYet) { // await() rethrows the refused connection as it came, checked
        if (!process.isAlive() || System.nanoTime() > giveUp) {
          close();
          throw new IllegalStateException("redis-server did not start on port " + port + ", see " + dir);
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  /** A free port whose cluster bus port (10,000 above it) is free too. */
  private static int freePortWithBus() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      if (port + 10_000 > 65_535) {
        continue;
      }
      try (ServerSocket bus = new ServerSocket(port + 10_000, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port pair (port, port + 10000) found");
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
