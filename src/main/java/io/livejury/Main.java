package io.livejury;

import io.livejury.config.EmbeddedServers;
import io.livejury.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts one LiveJury node, with embedded Redis and Postgres for whichever URL is not configured. Settings
 * that must not reach production (an unfit signing secret) and a data folder held by another live node stop
 * it before anything starts: one line on standard error, exit status 1.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  public static void main(String[] args) {
    Map<String, String> env = new HashMap<>(System.getenv());
    boolean needRedis = blank(env.get("LIVEJURY_REDIS_URL"));
    boolean needPostgres = blank(env.get("LIVEJURY_PG_URL"));
    if (needRedis || needPostgres) {
      env.putIfAbsent("LIVEJURY_DEV", "true");
    }
    EmbeddedServers embedded = null;
    Settings settings;
    try {
      Settings before = Settings.load(env).requireStartable();
      if (needRedis || needPostgres) {
        embedded = EmbeddedServers.start(needRedis, needPostgres, before.embedded());
        if (embedded.hasRedis()) {
          env.put("LIVEJURY_REDIS_URL", embedded.redisUrl());
        }
        if (embedded.hasPostgres()) {
          env.put("LIVEJURY_PG_URL", embedded.pgUrl());
        }
      }
      settings = Settings.load(env);
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      System.err.println("LiveJury cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (settings.usesDevSecret()) {
      LOG.warn("LIVEJURY_JWT_SECRET is not set: tokens are signed with the public development secret");
    }

    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    LOG.info("Transport: {}", vertx.isNativeTransportEnabled() ? "native epoll" : "NIO");
    LiveJury node;
    try {
      node = LiveJury.start(vertx, settings).await();
    } catch (Exception e) { // await() rethrows a failure as it came: a Redis client's connect failure is checked

      LOG.error("LiveJury failed to start", e);
      vertx.close().await();
      if (embedded != null) {
        embedded.close();
      }
      System.exit(1);
      return;
    }
    String host = "0.0.0.0".equals(settings.httpHost()) ? "localhost" : settings.httpHost();
    System.out.println("LiveJury listening on http://" + host + ":" + node.port());
    if (node.adminPort() != LiveJury.NO_ADMIN_PORT) {
      LOG.info("Metrics on http://{}:{}/metrics only", settings.adminHost(), node.adminPort());
    }

    EmbeddedServers servers = embedded;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.stop().compose(v -> vertx.close()).await();
      } finally {
        if (servers != null) {
          servers.close();
        }
      }
    }, "livejury-shutdown"));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
