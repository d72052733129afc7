package io.livejury.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * Real Redis and Postgres servers shipped as Maven artifacts, started on free ports when no external
 * server is configured, so a machine with only a JDK and Maven runs all of LiveJury.
 */
public final class EmbeddedServers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServers.class);

  private final RedisServer redis;
  private final EmbeddedPostgres postgres;
  private final int redisPort;

  private EmbeddedServers(RedisServer redis, int redisPort, EmbeddedPostgres postgres) {
    this.redis = redis;
    this.redisPort = redisPort;
    this.postgres = postgres;
  }

  /** Starts whichever of the two servers has no URL configured (blocking: call it before Vert.x runs). */
  public static EmbeddedServers startMissing(boolean needRedis, boolean needPostgres) {
    RedisServer redis = null;
    int redisPort = 0;
    EmbeddedPostgres postgres = null;
    try {
      if (needRedis) {
        redisPort = freePort();
        redis = RedisServer.newRedisServer()
            .port(redisPort)
            .bind("127.0.0.1")
            .setting("save \"\"")
            .setting("appendonly no")
            .setting("maxclients 10000")
            .build();
        redis.start();
        LOG.info("Embedded Redis on port {}", redisPort);
      }
      if (needPostgres) {
        postgres = EmbeddedPostgres.builder()
            .setServerConfig("max_connections", "200")
            .start();
        LOG.info("Embedded Postgres on port {}", postgres.getPort());
      }
      return new EmbeddedServers(redis, redisPort, postgres);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded servers", e);
    }
  }

  public String redisUrl() {
    return "redis://127.0.0.1:" + redisPort;
  }

  public String pgUrl() {
    return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  public boolean hasRedis() {
    return redis != null;
  }

  public boolean hasPostgres() {
    return postgres != null;
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (redis != null) {
        redis.stop();
      }
      if (postgres != null) {
        postgres.close();
      }
    } catch (IOException e) {
      LOG.warn("Stopping the embedded servers failed", e);
    }
  }
}
