package io.livejury.common;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Each event loop's own pipelined connection to each master of a Redis Cluster, picked by a key's hash slot: the
 * lanes of {@link ReplicatedWrites} on a cluster. A ballot's script and the WAIT that confirms it must travel down
 * one connection to the master that counted it (WAIT has no key, so the cluster client would send it anywhere), and
 * a master lost must cost only the ballots of its own slots: the cluster client counts its whole connection failed
 * while any one server is down, these lanes do not.
 *
 * <p>The layout ({@link ClusterLayout}) is read once and again whenever a master answers MOVED or a lane's
 * connection is lost (one read at a time, shared by every caller); it is asked of the last layout's masters, then of
 * the seeds, until one answers. A master whose connection could not be opened is skipped for
 * {@value #DOWN_MS} ms, so a failover under way fails its ballots at once instead of each waiting out a connect.
 * Failures for want of a master are {@link VertxException}s, which the node treats as a store outage.
 */
public final class ShardLanes implements ReplicatedWrites.Lanes {

  /** How long a master that refused a connection is not tried again, unless the layout names another one. */
  static final long DOWN_MS = 250;

  private final Vertx vertx;
  private final RedisOptions template;
  private final String scheme;
  private final List<String> seeds;
  /** A standalone client per server, {@code host:port} → client, made on first use and kept. */
  private final Map<String, Redis> clients = new ConcurrentHashMap<>();
  /** Per event loop: server → its open (or opening) connection. Each inner map is touched by its thread only. */
  private final Map<Thread, Map<String, Future<RedisConnection>>> connections = new ConcurrentHashMap<>();
  /** Server → {@link System#nanoTime()} until which it is not tried. */
  private final Map<String, Long> downUntil = new ConcurrentHashMap<>();
  /** The last layout read, whose masters are asked first for the next. */
  private volatile ClusterLayout layout;
  /** The layout read in flight, or the last one read while it is still current: null once found stale. */
  private final AtomicReference<Future<ClusterLayout>> reading = new AtomicReference<>();

  /**
   * @param options the node's cluster options: their endpoints are the seeds, the first one gives the scheme and
   *                credentials of every server's address; the connect timeout bounds a lane's connect
   */
  public ShardLanes(Vertx vertx, RedisOptions options) {
    this.vertx = vertx;
    this.template = new RedisOptions(options).setType(RedisClientType.STANDALONE);
    this.scheme = ShardedSubscriber.schemeAndCredentials(options.getEndpoint());
    List<String> hosts = new ArrayList<>();
    for (String endpoint : options.getEndpoints()) {
      hosts.add(hostAndPort(endpoint));
    }
    this.seeds = List.copyOf(hosts);
  }

  /**
   * This event loop's connection to the master serving the key's slot. Call it on an event loop.
   *
   * @return fails when the layout cannot be read, no master serves the slot, or the master cannot be reached
   */
  @Override
  public Future<Routed> forKey(String key) {
    int slot = HashSlots.slot(key);
    Future<ClusterLayout> known = reading.get();
    if (known != null && known.succeeded()) {
      String master = known.result().masterOf(slot);
      if (master != null) {
        return forServer(master);
      }
    }
    return layout().compose(read -> {
      String master = read.masterOf(slot);
      return master == null
          ? Future.failedFuture(new VertxException("no Redis master serves hash slot " + slot + " now", true))
          : forServer(master);
    });
  }

  /** This event loop's connection to one server ({@code host:port}), as an ASK redirect names it. */
  @Override
  public Future<Routed> forServer(String server) {
    Thread loop = Thread.currentThread();
    Map<String, Future<RedisConnection>> own = connections.computeIfAbsent(loop, t -> new HashMap<>());
    Future<RedisConnection> current = own.get(server);
    if (current == null) {
      if (isDown(server)) {
        return Future.failedFuture(new VertxException("Redis server " + server + " is unreachable", true));
      }
      current = open(own, server);
    }
    return current.map(connection -> new Routed(server, connection));
  }

  /** A master answered MOVED: the next call reads the layout again. */
  @Override
  public void layoutChanged() {
    Future<ClusterLayout> last = reading.get();
    if (last != null && last.isComplete()) {
      reading.compareAndSet(last, null);
    }
  }

  /** Closes every lane and client. */
  public Future<Void> close() {
    connections.values().forEach(own -> own.values().forEach(opened -> opened.onSuccess(RedisConnection::close)));
    connections.clear();
    List<Future<Void>> closing = new ArrayList<>();
    clients.values().forEach(client -> closing.add(client.close()));
    return Future.join(closing).mapEmpty();
  }

  private Future<RedisConnection> open(Map<String, Future<RedisConnection>> own, String server) {
    Context context = Vertx.currentContext();
    Promise<RedisConnection> opening = Promise.promise();
    Future<RedisConnection> opened = opening.future();
    own.put(server, opened);
    client(server).connect().onComplete(result -> {
      if (result.failed()) {
        own.remove(server, opened);
        downUntil.put(server, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DOWN_MS));
        layoutChanged();
        opening.fail(result.cause());
        return;
      }
      downUntil.remove(server);
      RedisConnection connection = result.result();
      // The inner map is its event loop's alone: a lost lane is removed on the context that opened it.
      connection.exceptionHandler(err -> context.runOnContext(v -> drop(own, server, opened, connection)));
      connection.endHandler(v -> context.runOnContext(again -> drop(own, server, opened, connection)));
      opening.complete(connection);
    });
    return opened;
  }

  /** A lost lane: the next call opens another, after reading the layout again (its master may have failed over). */
  private void drop(Map<String, Future<RedisConnection>> own, String server, Future<RedisConnection> opened,
      RedisConnection connection) {
    if (own.remove(server, opened)) {
      connection.close();
      layoutChanged();
    }
  }

  /** The current layout, read when none is (or it was found stale); one read at a time for every caller. */
  private Future<ClusterLayout> layout() {
    Future<ClusterLayout> current = reading.get();
    if (current != null && !current.failed()) {
      return current;
    }
    Promise<ClusterLayout> next = Promise.promise();
    if (!reading.compareAndSet(current, next.future())) {
      return layout();
    }
    Set<String> servers = new LinkedHashSet<>();
    ClusterLayout last = layout;
    if (last != null) {
      servers.addAll(last.masters());
    }
    servers.addAll(seeds);
    // Servers that just refused a connection go last: on a real network a dead host costs a connect timeout.
    List<String> order = new ArrayList<>(servers.stream().filter(server -> !isDown(server)).toList());
    servers.stream().filter(this::isDown).forEach(order::add);
    readFrom(order, 0, null).onComplete(result -> {
      if (result.succeeded()) {
        layout = result.result();
      }
      next.handle(result);
    });
    return next.future();
  }

  private boolean isDown(String server) {
    Long until = downUntil.get(server);
    return until != null && System.nanoTime() < until;
  }

  private Future<ClusterLayout> readFrom(List<String> servers, int index, Throwable lastFailure) {
    if (index >= servers.size()) {
      return Future.failedFuture(lastFailure != null ? lastFailure
          : new IllegalStateException("no Redis Cluster server to read the layout from"));
    }
    return ClusterLayout.read(client(servers.get(index)))
        .recover(err -> readFrom(servers, index + 1, err));
  }

  private Redis client(String server) {
    return clients.computeIfAbsent(server, s ->
        Redis.createClient(vertx, new RedisOptions(template).setEndpoints(new ArrayList<>(List.of(scheme + s)))));
  }

  /** {@code host:port} of {@code redis://user:pass@host:port/0}. */
  static String hostAndPort(String endpoint) {
    int start = endpoint.indexOf("://");
    int at = endpoint.lastIndexOf('@');
    int from = Math.max(start < 0 ? 0 : start + 3, at + 1);
    int slash = endpoint.indexOf('/', from);
    return endpoint.substring(from, slash < 0 ? endpoint.length() : slash);
  }
}
