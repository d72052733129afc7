package io.livejury.teach;

import io.livejury.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's detector sheets in step with the taught examples of every node. Starting, it reads them once
 * (the node lets traffic in after that); then a message on {@link RedisKeys#DETECTOR_TAUGHT}, which the node that
 * took a teach or an undo publishes, makes it read them again at once. A message can be lost (the subscriber
 * connection drops, Redis fails over), so the examples are also re-read every {@code resyncMs}, and once each time
 * the subscriber connects again; a re-read that finds nothing new rebuilds nothing ({@link TaughtSync}).
 */
public final class TeachVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TeachVerticle.class);

  /** The name of this verticle's Redis connection in CLIENT LIST. */
  public static final String CONNECTION_NAME = "livejury-teach";

  private final Redis subscriber;
  private final TaughtSync sync;
  private final long resyncMs;
  private final long reconnectMs;
  private RedisConnection connection;
  private boolean stopping;

  /**
   * @param subscriber  a client of its own: its one connection stays in subscribe mode
   * @param resyncMs    the safety-net re-read interval ({@code LIVEJURY_TEACH_RESYNC_MS})
   * @param reconnectMs pause before the subscriber connects again after losing its connection
   */
  public TeachVerticle(Redis subscriber, TaughtSync sync, long resyncMs, long reconnectMs) {
    this.subscriber = subscriber;
    this.sync = sync;
    this.resyncMs = resyncMs;
    this.reconnectMs = reconnectMs;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(resyncMs, id -> refresh("periodic re-read"));
    subscribe();
    // A node that cannot read them now starts with the file sheets; the re-read brings the taught ones later.
    return sync.refresh().otherwise(err -> {
      LOG.warn("Taught examples not read at start, the sheets are the files' until the next re-read: {}",
          err.getMessage());
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  private void refresh(String why) {
    sync.refresh().onFailure(err -> LOG.warn("Taught examples not re-read ({}): {}", why, err.getMessage()));
  }

  private void subscribe() {
    subscriber.connect()
        .compose(conn -> {
          conn.handler(this::onPush);
          conn.exceptionHandler(err -> LOG.warn("Teach subscriber connection failed: {}", err.getMessage()));
          conn.endHandler(v -> lost(conn));
          connection = conn;
          // Named, so an operator reading CLIENT LIST tells it from the room hub's subscriber.
          return conn.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(CONNECTION_NAME))
              .compose(named -> conn.send(Request.cmd(Command.SUBSCRIBE).arg(RedisKeys.DETECTOR_TAUGHT)))
              .onFailure(err -> conn.close());
        })
        // What was taught while no connection listened.
        .onSuccess(v -> refresh("subscribed"))
        .onFailure(err -> {
          LOG.warn("Teach subscriber cannot connect yet: {}", err.getMessage());
          retry();
        });
  }

  private void lost(RedisConnection conn) {
    if (connection == conn) {
      connection = null;
      retry();
    }
  }

  private void retry() {
    if (!stopping) {
      vertx.setTimer(reconnectMs, id -> {
        if (!stopping && connection == null) {
          subscribe();
        }
      });
    }
  }

  private void onPush(Response push) {
    if (push != null && push.size() >= 3 && "message".equals(push.get(0).toString())) {
      refresh("taught on a node");
    }
  }
}
