package io.livejury.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/** Asks Redis and Postgres for an answer within a short bound; never fails, reports which one is down. */
final class Health {

  private static final long TIMEOUT_MS = 2_000;

  private final Redis redis;
  private final Pool pg;

  Health(Redis redis, Pool pg) {
    this.redis = redis;
    this.pg = pg;
  }

  Future<JsonObject> check() {
    Future<Boolean> redisUp = up(redis.send(Request.cmd(Command.PING)));
    Future<Boolean> pgUp = up(pg.query("SELECT 1").execute());
    return Future.join(redisUp, pgUp).transform(done -> {
      boolean ok = redisUp.result() && pgUp.result();
      return Future.succeededFuture(new JsonObject()
          .put("ok", ok)
          .put("status", ok ? "up" : "down")
          .put("redis", redisUp.result() ? "up" : "down")
          .put("postgres", pgUp.result() ? "up" : "down"));
    });
  }

  private static Future<Boolean> up(Future<?> call) {
    return call.timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).map(true).otherwise(false);
  }
}
