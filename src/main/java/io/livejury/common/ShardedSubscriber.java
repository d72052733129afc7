package io.livejury.common;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vertx.redis.client.impl.RequestImpl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriber client of a node on a Redis Cluster. Sharded pub/sub delivers a shard channel's messages only to
 * connections to a server of the shard that owns the channel's slot, so one connection does not do: each
 * {@link #connect()} reads the cluster's layout ({@link ClusterLayout}) and opens one connection to every master,
 * seen together as one {@link RedisConnection}:
 * <ul>
 *   <li>{@code SSUBSCRIBE} / {@code SUNSUBSCRIBE} go, one channel per command, to the master serving the
 *   channel's slot; a channel whose slot has no master among the connections fails the call, and a master that
 *   refuses one (MOVED) ends the connection: the layout changed, connect again;</li>
 *   <li>{@code SUBSCRIBE} / {@code UNSUBSCRIBE} of plain channels and {@code CLIENT} go to every master. A plain
 *   message reaches every server of the cluster, so each connection receives it: it is passed on once every
 *   connection has delivered one since the last that was passed on. Plain channels here are for liveness (a
 *   heartbeat the owner publishes to itself): the owner hears one only while every connection hears;</li>
 *   <li>any connection that ends ends the whole (its end handler runs once), so the owner replaces it — after a
 *   failover the new connect finds the promoted master.</li>
 * </ul>
 * Other commands are refused: this client carries subscriptions only. Its connections are to masters: a shard's
 * messages are published on its master, so a subscriber there hears them without waiting for replication.
 */
public final class ShardedSubscriber implements Redis {

  private final Vertx vertx;
  private final Redis commands;
  private final RedisOptions template;
  private final String scheme;
  /** A standalone client per master, {@code host:port} → client, made on first use and kept. */
  private final Map<String, Redis> clients = new ConcurrentHashMap<>();

  /**
   * @param commands a client of the cluster, for its layout
   * @param options  the node's cluster options: their first endpoint gives the scheme and credentials of every
   *                 master's address; pool and protocol settings are kept
   */
  public ShardedSubscriber(Vertx vertx, Redis commands, RedisOptions options) {
    this.vertx = vertx;
    this.commands = commands;
    this.template = new RedisOptions(options).setType(RedisClientType.STANDALONE).setMaxPoolSize(1);
    this.scheme = schemeAndCredentials(options.getEndpoint());
  }

  /**
   * One connection to every master of the cluster's current layout, as one connection.
   *
   * @return fails when the layout cannot be read or a master cannot be reached (a failover under way: retry)
   */
  @Override
  public Future<RedisConnection> connect() {
    return ClusterLayout.read(commands).compose(layout -> {
      Map<String, Future<RedisConnection>> opening = new LinkedHashMap<>();
      layout.masters().forEach(master -> opening.put(master, client(master).connect()));
      return Future.join(new ArrayList<>(opening.values())).transform(done -> {
        if (done.failed()) {
          opening.values().forEach(conn -> conn.onSuccess(RedisConnection::close));
          return Future.<RedisConnection>failedFuture(done.cause());
        }
        Map<String, RedisConnection> connections = new LinkedHashMap<>();
        opening.forEach((master, conn) -> connections.put(master, conn.result()));
        return Future.<RedisConnection>succeededFuture(new Shards(layout, connections));
      });
    });
  }

  @Override
  public Future<Response> send(Request request) {
    return Future.failedFuture(new UnsupportedOperationException("a subscriber client carries subscriptions only"));
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    return Future.failedFuture(new UnsupportedOperationException("a subscriber client carries subscriptions only"));
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    clients.values().forEach(client -> closing.add(client.close()));
    clients.clear();
    return Future.join(closing).mapEmpty();
  }

  private Redis client(String master) {
    return clients.computeIfAbsent(master, m ->
        Redis.createClient(vertx, new RedisOptions(template).setEndpoints(new ArrayList<>(List.of(scheme + m)))));
  }

  /** {@code redis://user:pass@} of {@code redis://user:pass@host:port/0}: what every master's address starts with. */
  static String schemeAndCredentials(String endpoint) {
    int start = endpoint.indexOf("://");
    int at = endpoint.lastIndexOf('@');
    String scheme = start < 0 ? "redis://" : endpoint.substring(0, start + 3);
    return at > start ? endpoint.substring(0, at + 1) : scheme;
  }

  /** The connections to every master, as one. Used from the owner's context. */
  private static final class Shards implements RedisConnection {

    private final ClusterLayout layout;
    private final Map<String, RedisConnection> connections;
    /** The masters whose connection delivered a plain message since one was last passed on. */
    private final Set<String> heardPlain = new HashSet<>();
    private Handler<Response> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private boolean ended;

    Shards(ClusterLayout layout, Map<String, RedisConnection> connections) {
      this.layout = layout;
      this.connections = connections;
      connections.forEach((master, conn) -> {
        conn.handler(push -> onPush(master, push));
        conn.endHandler(v -> ended());
        conn.exceptionHandler(err -> {
          if (exceptionHandler != null) {
            exceptionHandler.handle(err);
          }
        });
      });
    }

    private void onPush(String master, Response push) {
      if (push != null && push.type() == ResponseType.ERROR) {
        // Subscribe commands are answered by pushes, so a refusal (MOVED: the slot has another master now) comes
        // here, not to the command's future: the layout changed, and the owner connects again.
        if (exceptionHandler != null) {
          exceptionHandler.handle(new IllegalStateException("master " + master + " refused a subscription: " + push));
        }
        ended();
        return;
      }
      if (handler == null) {
        return;
      }
      boolean plainMessage = push != null && (push.type() == ResponseType.PUSH || push.type() == ResponseType.MULTI)
          && push.size() >= 3 && "message".equals(push.get(0).toString());
      if (plainMessage) {
        heardPlain.add(master);
        if (heardPlain.size() < connections.size()) {
          return;
        }
        heardPlain.clear();
      }
      handler.handle(push);
    }

    private void ended() {
      if (!ended) {
        ended = true;
        close(); // the other masters' connections would stay subscribed, unread, until the node stops
        if (endHandler != null) {
          endHandler.handle(null);
        }
      }
    }

    @Override
    public Future<Response> send(Request request) {
      Command command = request.command();
      if (command == Command.SSUBSCRIBE || command == Command.SUNSUBSCRIBE) {
        List<Future<Response>> sent = new ArrayList<>();
        for (byte[] arg : ((RequestImpl) request).getArgs()) {
          String channel = new String(arg, StandardCharsets.UTF_8);
          RedisConnection shard = connections.get(layout.masterOf(HashSlots.slot(channel)));
          if (shard == null) {
            sent.add(Future.failedFuture(new IllegalStateException("no connection to the master of channel "
                + channel + "'s slot: the cluster's layout changed")));
          } else {
            sent.add(shard.send(Request.cmd(command).arg(channel)));
          }
        }
        return Future.all(sent).map(all -> sent.isEmpty() ? null : sent.get(0).result());
      }
      if (command == Command.SUBSCRIBE || command == Command.UNSUBSCRIBE || command == Command.CLIENT) {
        List<Future<Response>> sent = new ArrayList<>();
        connections.values().forEach(conn -> sent.add(conn.send(request)));
        return Future.all(sent).map(all -> sent.get(0).result());
      }
      return Future.failedFuture(new UnsupportedOperationException(command + " on a sharded subscriber connection"));
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
      return Future.failedFuture(new UnsupportedOperationException("batch on a sharded subscriber connection"));
    }

    @Override
    public Future<Void> close() {
      List<Future<Void>> closing = new ArrayList<>();
      connections.values().forEach(conn -> closing.add(conn.close()));
      return Future.join(closing).mapEmpty();
    }

    @Override
    public boolean pendingQueueFull() {
      return connections.values().stream().anyMatch(RedisConnection::pendingQueueFull);
    }

    @Override
    public RedisConnection exceptionHandler(Handler<Throwable> handler) {
      this.exceptionHandler = handler;
      return this;
    }

    @Override
    public RedisConnection handler(Handler<Response> handler) {
      this.handler = handler;
      return this;
    }

    @Override
    public RedisConnection endHandler(Handler<Void> handler) {
      this.endHandler = handler;
      return this;
    }

    @Override
    public RedisConnection pause() {
      connections.values().forEach(RedisConnection::pause);
      return this;
    }

    @Override
    public RedisConnection resume() {
      connections.values().forEach(RedisConnection::resume);
      return this;
    }

    @Override
    public RedisConnection fetch(long amount) {
      connections.values().forEach(conn -> conn.fetch(amount));
      return this;
    }
  }
}
