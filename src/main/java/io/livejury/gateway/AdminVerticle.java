package io.livejury.gateway;

import io.livejury.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/**
 * The admin port ({@code LIVEJURY_ADMIN_PORT}): {@code /metrics} and {@code /health} on a server of their
 * own, bound to {@code LIVEJURY_ADMIN_HOST} (loopback by default), so what the node measures of its
 * traffic stays off the public edge. One instance is plenty for a scraper's few requests a minute.
 */
public final class AdminVerticle extends VerticleBase {

  private final String host;
  private final int port;
  private final Metrics metrics;
  private final Redis redis;
  private final Pool pg;

  public AdminVerticle(String host, int port, Metrics metrics, Redis redis, Pool pg) {
    this.host = host;
    this.port = port;
    this.metrics = metrics;
    this.redis = redis;
    this.pg = pg;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(HttpApi.admin(vertx, metrics, new Health(redis, pg)))
        .listen();
  }
}
