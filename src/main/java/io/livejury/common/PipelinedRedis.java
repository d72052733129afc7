package io.livejury.common;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Redis client that sends each event-loop thread's commands down one long-lived connection of its own,
 * pipelined: any number in flight, answered in order. The pooled client holds a connection for one command
 * at a time, so its throughput is pool size ÷ round trip — with 16 connections on a busy node ballots queued
 * for hundreds of milliseconds at ~6,000/s while Redis itself was far from busy. Connections are keyed by
 * thread, not by context: every HTTP request runs on a context of its own. Calls from worker threads or
 * from outside Vert.x go through the pool; a connection that fails or closes is dropped and the next
 * command opens another.
 */
public final class PipelinedRedis implements Redis {

  private final Redis pool;
  private final Map<Thread, Future<RedisConnection>> connections = new ConcurrentHashMap<>();

  public PipelinedRedis(Redis pool) {
    this.pool = pool;
  }

  @Override
  public Future<Response> send(Request request) {
    return onEventLoop() ? connection(Thread.currentThread()).compose(conn -> conn.send(request)) : pool.send(request);
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    return onEventLoop()
        ? connection(Thread.currentThread()).compose(conn -> conn.batch(requests))
        : pool.batch(requests);
  }

  /**
   * The calling event loop's own connection (opened on first use), for commands that must travel together on one
   * connection: WAIT covers only the writes of the connection it is sent on. A connection found failed is replaced
   * by the next call, so two calls may answer different connections.
   *
   * @return fails with {@link IllegalStateException} off an event loop
   */
  public Future<RedisConnection> ownConnection() {
    return onEventLoop() ? connection(Thread.currentThread())
        : Future.failedFuture(new IllegalStateException("an own connection is kept for event-loop threads only"));
  }

  /** A connection for exclusive use (pub/sub, blocking reads, transactions), from the pool. */
  @Override
  public Future<RedisConnection> connect() {
    return pool.connect();
  }

  @Override
  public Future<Void> close() {
    connections.values().forEach(opened -> opened.onSuccess(RedisConnection::close));
    connections.clear();
    return pool.close();
  }

  private static boolean onEventLoop() {
    Context context = Vertx.currentContext();
    return context != null && context.isEventLoopContext();
  }

  private Future<RedisConnection> connection(Thread eventLoop) {
    Future<RedisConnection> current = connections.get(eventLoop);
    if (current != null) {
      return current;
    }
    Promise<RedisConnection> opening = Promise.promise();
    Future<RedisConnection> opened = opening.future();
    connections.put(eventLoop, opened);
    pool.connect().onComplete(result -> {
      if (result.failed()) {
        connections.remove(eventLoop, opened);
        opening.fail(result.cause());
        return;
      }
      RedisConnection conn = result.result();
      conn.exceptionHandler(err -> drop(eventLoop, opened, conn));
      conn.endHandler(v -> drop(eventLoop, opened, conn));
      opening.complete(conn);
    });
    return opened;
  }

  private void drop(Thread eventLoop, Future<RedisConnection> opened, RedisConnection conn) {
    if (connections.remove(eventLoop, opened)) {
      conn.close();
    }
  }
}
