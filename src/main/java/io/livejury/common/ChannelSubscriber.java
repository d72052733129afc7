package io.livejury.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Consumer;

/**
 * One Redis subscriber connection on a fixed set of channels that stays subscribed: a connection that ends, fails,
 * or stops hearing is replaced after {@code reconnectMs}, and each time the channels are subscribed (the first time
 * and after every replacement) the owner is told, so it can catch up on what was published while nobody listened
 * (pub/sub keeps nothing). A connection can stay open while nothing comes through it (a network partition, a
 * stalled server): the subscriber publishes to a heartbeat channel of its own through the command client every
 * {@code checkMs} and counts the connection lost when a heartbeat Redis confirmed does not come back within
 * {@code checkTimeoutMs} ({@link Heartbeat}: a heartbeat still queued behind a burst of commands proves nothing).
 * A PING would not do: on a connection in subscribe mode it shares the reply queue of SUBSCRIBE's confirmations.
 *
 * <p>The room hub keeps a loop of its own: its channels come and go with the rooms of the node.
 * Use from one verticle's context: {@link #start()} and {@link #stop()} on it, and the handlers run on it.
 */
public final class ChannelSubscriber {

  private static final Logger LOG = LoggerFactory.getLogger(ChannelSubscriber.class);

  /**
   * @param reconnectMs    pause before a lost connection is replaced
   * @param checkMs        heartbeat interval
   * @param checkTimeoutMs how much longer than {@code checkMs} a heartbeat may take before the connection counts as lost
   */
  public record Timing(long reconnectMs, long checkMs, long checkTimeoutMs) {
  }

  private final Vertx vertx;
  private final Redis subscriber;
  private final Redis commands;
  private final String name;
  private final Map<String, Consumer<String>> channels;
  private final Consumer<Boolean> subscribed;
  private final Timing timing;
  private final String heartbeatChannel = RedisKeys.subscriberHeartbeat(Ids.next("sub"));
  private RedisConnection connection;
  private final Heartbeat heartbeat;
  private boolean everSubscribed;
  /** Set from a failed connect until the next one succeeds: a spell of failures is logged once. */
  private boolean failing;
  private boolean stopping;
  private long checkTimer = -1;

  /**
   * @param subscriber a client of its own (one connection, kept in subscribe mode)
   * @param commands   the node's command client, for the heartbeat
   * @param name       the connection's CLIENT SETNAME, so an operator tells the node's subscribers apart
   * @param channels   each channel with what to do with a message on it (the message's payload)
   * @param subscribed called once the channels are subscribed: {@code false} the first time, {@code true} after a
   *                   replacement (messages may have been missed)
   */
  public ChannelSubscriber(Vertx vertx, Redis subscriber, Redis commands, String name,
      Map<String, Consumer<String>> channels, Consumer<Boolean> subscribed, Timing timing) {
    this.vertx = vertx;
    this.subscriber = subscriber;
    this.commands = commands;
    this.name = name;
    this.channels = Map.copyOf(channels);
    this.subscribed = subscribed;
    this.timing = timing;
    this.heartbeat = new Heartbeat(timing.checkMs() + timing.checkTimeoutMs(), timing.checkTimeoutMs());
  }

  /** Connects in the background (a Redis that is down now is retried); never fails. */
  public void start() {
    checkTimer = vertx.setPeriodic(timing.checkMs(), id -> check());
    connect();
  }

  public Future<Void> stop() {
    stopping = true;
    vertx.cancelTimer(checkTimer);
    RedisConnection open = connection;
    connection = null; // its end handler then finds nothing to replace, nor to close again
    return open == null ? Future.succeededFuture() : open.close();
  }

  private void connect() {
    subscriber.connect()
        .compose(conn -> {
          conn.handler(this::onPush);
          conn.exceptionHandler(err -> LOG.warn("Subscriber {} connection failed: {}", name, err.getMessage()));
          conn.endHandler(v -> lost(conn));
          connection = conn;
          heartbeat.connected(System.nanoTime());
          Request subscribe = Request.cmd(Command.SUBSCRIBE).arg(heartbeatChannel);
          channels.keySet().forEach(subscribe::arg);
          return conn.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(name))
              .compose(named -> conn.send(subscribe))
              .onFailure(err -> conn.close());
        })
        .onSuccess(done -> {
          if (failing) {
            failing = false;
            LOG.info("Subscriber {} is subscribed again", name);
          }
          boolean again = everSubscribed;
          everSubscribed = true;
          subscribed.accept(again);
        })
        .onFailure(err -> {
          if (stopping) {
            return; // the node closed the client under it
          }
          if (!failing) {
            failing = true;
            LOG.warn("Subscriber {} cannot connect yet, retrying every {} ms: {}", name, timing.reconnectMs(),
                err.getMessage());
          } else {
            LOG.debug("Subscriber {} cannot connect yet: {}", name, err.getMessage());
          }
          if (connection == null) {
            retry();
          } // else: the close above ends the connection, and lost() retries
        });
  }

  private void lost(RedisConnection conn) {
    if (connection == conn) {
      connection = null;
      // On a cluster the connection is one to every server: one of them ended, the others are still leased from
      // their one-connection pools, and would hold up the next connect until closed.
      conn.close();
      retry();
    }
  }

  private void retry() {
    if (!stopping) {
      vertx.setTimer(timing.reconnectMs(), id -> {
        if (!stopping && connection == null) {
          connect();
        }
      });
    }
  }

  private void check() {
    RedisConnection conn = connection;
    if (conn == null || stopping) {
      return;
    }
    long now = System.nanoTime();
    if (heartbeat.lost(now)) {
      LOG.warn("Subscriber {} heard nothing for {} ms; replacing it", name, heartbeat.silenceMs(now));
      lost(conn);
      return;
    }
    commands.send(Request.cmd(Command.PUBLISH).arg(heartbeatChannel).arg("1"))
        .onSuccess(published -> heartbeat.published(now, System.nanoTime()))
        .onFailure(err -> {
          heartbeat.publishFailed();
          LOG.debug("Heartbeat of {} not published: {}", name, err.getMessage());
        });
  }

  private void onPush(Response push) {
    if (push == null || push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI || push.size() < 3
        || !"message".equals(push.get(0).toString())) {
      return;
    }
    heartbeat.heard(System.nanoTime());
    Consumer<String> handler = channels.get(push.get(1).toString());
    if (handler != null) {
      handler.accept(push.get(2).toString());
    }
  }
}
