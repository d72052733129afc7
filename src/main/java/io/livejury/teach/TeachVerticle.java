package io.livejury.teach;

import io.livejury.common.ChannelSubscriber;
import io.livejury.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Keeps this node's detector sheets in step with the taught examples of every node. Starting, it reads them once
 * (the node lets traffic in after that); then a message on {@link RedisKeys#DETECTOR_TAUGHT}, which the node that
 * took a teach or an undo publishes, makes it read them again at once. A message can be lost (the subscriber
 * connection drops, Redis fails over), so the examples are also re-read every {@code resyncMs}, and once each time
 * the subscriber ({@link ChannelSubscriber}) subscribes; a re-read that finds nothing new rebuilds nothing
 * ({@link TaughtSync}).
 */
public final class TeachVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TeachVerticle.class);

  /** The name of this verticle's Redis connection in CLIENT LIST. */
  public static final String CONNECTION_NAME = "livejury-teach";

  private final Redis subscriberClient;
  private final Redis commands;
  private final TaughtSync sync;
  private final long resyncMs;
  private final ChannelSubscriber.Timing timing;
  private ChannelSubscriber subscriber;

  /**
   * @param subscriberClient a client of its own: its one connection stays in subscribe mode
   * @param commands         the node's command client
   * @param resyncMs         the safety-net re-read interval ({@code LIVEJURY_TEACH_RESYNC_MS})
   */
  public TeachVerticle(Redis subscriberClient, Redis commands, TaughtSync sync, long resyncMs,
      ChannelSubscriber.Timing timing) {
    this.subscriberClient = subscriberClient;
    this.commands = commands;
    this.sync = sync;
    this.resyncMs = resyncMs;
    this.timing = timing;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(resyncMs, id -> refresh("periodic re-read"));
    // On every subscribe: what was taught while no connection listened.
    subscriber = new ChannelSubscriber(vertx, subscriberClient, commands, CONNECTION_NAME,
        Map.of(RedisKeys.DETECTOR_TAUGHT, message -> refresh("taught on a node")), again -> refresh("subscribed"),
        timing);
    subscriber.start();
    // A node that cannot read them now starts with the file sheets; the re-read brings the taught ones later.
    return sync.refresh().otherwise(err -> {
      LOG.warn("Taught examples not read at start, the sheets are the files' until the next re-read: {}",
          err.getMessage());
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    return subscriber.stop();
  }

  private void refresh(String why) {
    sync.refresh().onFailure(err -> LOG.warn("Taught examples not re-read ({}): {}", why, err.getMessage()));
  }
}
