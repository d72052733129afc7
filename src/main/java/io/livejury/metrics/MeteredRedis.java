package io.livejury.metrics;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * A Redis client whose every command is timed into {@link Metrics} by command name (a batch as one call).
 * Dedicated connections taken with {@link #connect()} (pub/sub, blocking stream reads) are not timed: they
 * wait by design.
 */
public final class MeteredRedis implements Redis {

  private final Redis redis;
  private final Metrics metrics;

  public MeteredRedis(Redis redis, Metrics metrics) {
    this.redis = redis;
    this.metrics = metrics;
  }

  @Override
  public Future<Response> send(Request request) {
    long started = System.nanoTime();
    return redis.send(request).andThen(done -> metrics.redisCall(request.command().toString(), started,
        done.failed()));
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    long started = System.nanoTime();
    return redis.batch(requests).andThen(done -> metrics.redisCall("BATCH", started, done.failed()));
  }

  @Override
  public Future<RedisConnection> connect() {
    return redis.connect();
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }
}
