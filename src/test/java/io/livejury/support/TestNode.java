package io.livejury.support;

import io.livejury.LiveJury;
import io.livejury.config.EmbeddedServers;
import io.livejury.config.Settings;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.Map;

/**
 * A real LiveJury node on the shared embedded servers, tuned to decide quickly, on a free port; a viewer
 * who joined before a prompt opened may vote on it (no presence time). Each node
 * has a Vert.x instance of its own, as separate processes would, so stopping one leaves the others alone.
 */
public final class TestNode {

  private final Vertx vertx;
  private final LiveJury node;

  private TestNode(Vertx vertx, LiveJury node) {
    this.vertx = vertx;
    this.node = node;
  }

  public static TestNode start() {
    return start(Map.of());
  }

  public static TestNode start(Map<String, String> overrides) {
    EmbeddedServers servers = EmbeddedServersExtension.servers();
    Map<String, String> env = new HashMap<>();
    env.put("LIVEJURY_REDIS_URL", servers.redisUrl());
    env.put("LIVEJURY_PG_URL", servers.pgUrl());
    env.put("LIVEJURY_HTTP_PORT", "0");
    env.put("LIVEJURY_DEV", "true");
    env.put("LIVEJURY_GATEWAY_INSTANCES", "2");
    env.put("LIVEJURY_PROMPT_MIN_SECONDS", "1");
    env.put("LIVEJURY_CLOSER_INTERVAL_MS", "100");
    env.put("LIVEJURY_PENALTY_BLOCK_MS", "200");
    env.put("LIVEJURY_PENALTY_RECLAIM_IDLE_MS", "1000");
    env.put("LIVEJURY_PENALTY_RECLAIM_EVERY_MS", "300");
    env.put("LIVEJURY_PENALTY_EXPIRE_EVERY_MS", "300");
    // Tests open prompts right after their viewers join: presence counts from the join itself, not 30 s before.
    env.put("LIVEJURY_JURY_PRESENCE_SECONDS", "0");
    // Test classes share one Redis and leave rooms live, often several per streamer name: the limit has its own test.
    env.put("LIVEJURY_ROOMS_PER_STREAMER", "1000");
    env.putAll(overrides);
    Vertx vertx = Vertx.vertx();
    return new TestNode(vertx, LiveJury.start(vertx, Settings.load(env)).await());
  }

  /** The node itself, for what a test can only see inside the process (its semantic stage, say). */
  public LiveJury node() {
    return node;
  }

  public int port() {
    return node.port();
  }

  public int adminPort() {
    return node.adminPort();
  }

  public void stop() {
    node.stop().compose(v -> vertx.close()).await();
  }

  /**
   * Closes the Vert.x the test's sockets live on, then stops the node: viewers leave before a server stops,
   * so the node has no socket of its own left to close.
   */
  public void stopAfter(Vertx clients) {
    clients.close().await();
    stop();
  }
}
