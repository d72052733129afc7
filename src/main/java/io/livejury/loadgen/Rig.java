package io.livejury.loadgen;

import io.livejury.common.RedisKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real processes a fault run works on, all on 127.0.0.1: one redis-server and one Postgres of their own
 * (each may be stopped, killed or restarted by a scenario) and LiveJury nodes as child JVMs pointed at them,
 * all signing tokens with this run's secret. Everything it started is stopped by {@link #close}.
 */
final class Rig implements AutoCloseable {

  final Path dir;
  final Vertx vertx;
  final String secret;
  final Tokens tokens;
  final RedisProcess redis;
  final PostgresProcess postgres;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private int started;

  Rig(Path dir, Vertx vertx, String secret) throws IOException, InterruptedException {
    this.dir = dir;
    this.vertx = vertx;
    this.secret = secret;
    this.tokens = new Tokens(vertx, secret);
    this.redis = new RedisProcess(freePort(), dir.resolve("redis")).start();
    this.postgres = new PostgresProcess(freePort(), dir.resolve("postgres")).start();
  }

  /**
   * The environment of a node on this rig's servers: dev mode, this run's secret, any free port, and no
   * presence rule: a crowd joins its room seconds before the prompts it votes on, and would otherwise be
   * refused as {@code late_join} (a scenario about presence sets the rule in its own environment).
   */
  Map<String, String> nodeEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("LIVEJURY_JURY_PRESENCE_SECONDS", "0");
    env.put("LIVEJURY_REDIS_URL", redis.url());
    env.put("LIVEJURY_PG_URL", postgres.url());
    env.put("LIVEJURY_JWT_SECRET", secret);
    env.put("LIVEJURY_DEV", "true");
    env.put("LIVEJURY_HTTP_PORT", "0");
    return env;
  }

  NodeProcess node(String name) throws IOException, InterruptedException {
    return node(name, Map.of());
  }

  NodeProcess node(String name, Map<String, String> extraEnv) throws IOException, InterruptedException {
    Map<String, String> env = nodeEnv();
    env.putAll(extraEnv);
    NodeProcess node = NodeProcess.start(String.format("%02d-%s", ++started, name), dir.resolve("nodes"), env);
    nodes.add(node);
    return node;
  }

  /** A node process started by other means, so it is stopped with the rest. */
  void adopt(NodeProcess node) {
    nodes.add(node);
  }

  String staff() {
    return tokens.staff("faults-staff");
  }

  /** Creates a room whose streamer is {@code <roomId>-streamer}. */
  void room(Api api, String roomId) throws IOException, InterruptedException {
    api.post("/api/rooms", staff(), new JsonObject().put("roomId", roomId).put("streamerId", roomId + "-streamer")
        .put("merchantId", "m-" + roomId).put("title", "Fault room " + roomId));
  }

  /** Stops every node still running (SIGTERM, then SIGKILL after 15 s). */
  void stopNodes() throws InterruptedException {
    for (NodeProcess node : nodes) {
      node.close();
    }
    nodes.clear();
  }

  /**
   * Waits (at most the given time) until no prompt is waiting for its close and the penalty group has no
   * verdict pending, so the next scenario starts on a quiet store; true if it got there.
   */
  boolean awaitQuiet(int seconds) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < giveUp) {
      try {
        long due = (Long) Resp.call(redis.port, "ZCARD", RedisKeys.DEADLINES);
        long pending = pending();
        if (due == 0 && pending == 0) {
          return true;
        }
      } catch (IOException | RuntimeException e) {
        // Redis restarting: try again.
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    return false;
  }

  private long pending() throws IOException {
    try {
      Object reply = Resp.call(redis.port, "XPENDING", RedisKeys.VERDICT_STREAM, "penalty");
      return reply instanceof List<?> summary && !summary.isEmpty() && summary.get(0) instanceof Long count ? count : 0;
    } catch (IllegalStateException noGroupYet) {
      return 0;
    }
  }

  @Override
  public void close() throws Exception {
    stopNodes();
    redis.close();
    postgres.close();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
