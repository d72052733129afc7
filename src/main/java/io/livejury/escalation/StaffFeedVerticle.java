package io.livejury.escalation;

import io.livejury.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries staff alerts to this node's staff feeds and escalates due items. It holds one subscriber connection on
 * the staff channel (every node's alerts and updates arrive there, this node's own included); a lost connection is
 * replaced and every feed then gets the whole queue again, since alerts published meanwhile were not heard. Every
 * {@code LIVEJURY_REVIEW_ESCALATE_EVERY_MS} it asks the queue for items past due ({@link ReviewQueue#escalateDue}),
 * which every node does and each item's escalation happens once, on whichever node takes it first.
 */
public final class StaffFeedVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StaffFeedVerticle.class);
  /** The name the subscriber connection gives itself (CLIENT SETNAME), so an operator tells it from the room hub's. */
  public static final String CONNECTION_NAME = "livejury-staff-feed";

  private final Redis subscriber;
  private final ReviewQueue queue;
  private final StaffFeeds feeds;
  private final long reconnectMs;
  private final long pingMs;
  private RedisConnection connection;
  private boolean stopping;
  private boolean escalating;
  private boolean everConnected;

  /**
   * @param reconnectMs pause before a lost subscriber connection is replaced
   * @param pingMs      how often each feed socket is pinged
   */
  public StaffFeedVerticle(Redis subscriber, ReviewQueue queue, StaffFeeds feeds, long reconnectMs, long pingMs) {
    this.subscriber = subscriber;
    this.queue = queue;
    this.feeds = feeds;
    this.reconnectMs = reconnectMs;
    this.pingMs = pingMs;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(queue.policy().escalateEveryMs(), id -> escalate());
    vertx.setPeriodic(pingMs, id -> feeds.pingAll());
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  private void escalate() {
    if (escalating) {
      return;
    }
    escalating = true;
    queue.escalateDue()
        .onFailure(err -> LOG.debug("Escalation round failed, retried next round: {}", err.getMessage()))
        .onComplete(done -> escalating = false);
  }

  private void connect() {
    subscriber.connect()
        .compose(conn -> {
          conn.handler(this::onPush);
          conn.exceptionHandler(err -> LOG.warn("Staff subscriber connection failed: {}", err.getMessage()));
          conn.endHandler(v -> lost(conn));
          connection = conn;
          return conn.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(CONNECTION_NAME))
              .compose(named -> conn.send(Request.cmd(Command.SUBSCRIBE).arg(RedisKeys.STAFF_CHANNEL)));
        })
        .onSuccess(subscribed -> {
          if (everConnected) {
            feeds.refreshAll();
          }
          everConnected = true;
        })
        .onFailure(err -> {
          LOG.warn("Staff subscriber cannot connect yet: {}", err.getMessage());
          if (connection != null) {
            connection.close();
          } else {
            retry();
          }
        });
  }

  private void lost(RedisConnection conn) {
    if (connection != conn) {
      return;
    }
    connection = null;
    retry();
  }

  private void retry() {
    if (!stopping) {
      vertx.setTimer(reconnectMs, id -> connect());
    }
  }

  private void onPush(Response push) {
    if (push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI || push.size() < 3) {
      return;
    }
    if ("message".equals(push.get(0).toString())) {
      feeds.broadcast(push.get(2).toString());
    }
  }
}
