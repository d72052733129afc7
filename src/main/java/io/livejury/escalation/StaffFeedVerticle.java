package io.livejury.escalation;

import io.livejury.common.Addresses;
import io.livejury.common.ChannelSubscriber;
import io.livejury.common.DeadlineLoop;
import io.livejury.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Carries staff alerts to this node's staff feeds and escalates due items. It holds one subscriber connection on
 * the staff channel (every node's alerts and updates arrive there, this node's own included); a lost connection is
 * replaced ({@link ChannelSubscriber}) and every feed then gets the whole queue again, since alerts published
 * meanwhile were not heard. When an item falls due it asks the queue for the items past due
 * ({@link ReviewQueue#escalateDue}), which every node does and each item's escalation happens once, on whichever
 * node takes it first; when a room's turn comes it re-ranks the rooms whose turn it is
 * ({@link ReviewQueue#rerankDue}). Both sleep until their next deadline ({@link DeadlineLoop}), at most
 * {@code LIVEJURY_REVIEW_ESCALATE_EVERY_MS}, and an item this node adds wakes them ({@link Addresses#REVIEW_WAKE}).
 * Every {@code LIVEJURY_STOP_AUDIT_SWEEP_MS} it writes the audit rows stops left unwritten
 * ({@link RoomStops#auditPending}).
 */
public final class StaffFeedVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StaffFeedVerticle.class);
  /** The name the subscriber connection gives itself (CLIENT SETNAME), so an operator tells it from the room hub's. */
  public static final String CONNECTION_NAME = "livejury-staff-feed";
  /** The pause after a failed escalation or re-rank round (Redis away). */
  private static final long RETRY_MS = 500;

  private final Redis subscriberClient;
  private final Redis commands;
  private final ReviewQueue queue;
  private final RoomStops stops;
  private final StaffFeeds feeds;
  private final ChannelSubscriber.Timing timing;
  private final long pingMs;
  private ChannelSubscriber subscriber;
  private DeadlineLoop escalation;
  private DeadlineLoop rerank;
  private DeadlineLoop auditSweep;

  /**
   * @param subscriberClient a client of its own, for the subscriber connection
   * @param commands         the node's command client
   * @param pingMs           how often each feed socket is pinged
   */
  public StaffFeedVerticle(Redis subscriberClient, Redis commands, ReviewQueue queue, RoomStops stops,
      StaffFeeds feeds, ChannelSubscriber.Timing timing, long pingMs) {
    this.stops = stops;
    this.subscriberClient = subscriberClient;
    this.commands = commands;
    this.queue = queue;
    this.feeds = feeds;
    this.timing = timing;
    this.pingMs = pingMs;
  }

  @Override
  public Future<?> start() {
    long idleMs = queue.policy().escalateEveryMs();
    escalation = new DeadlineLoop(vertx, "Escalation", queue::escalateDue, idleMs, RETRY_MS).start();
    rerank = new DeadlineLoop(vertx, "Re-rank", queue::rerankDue, idleMs, RETRY_MS).start();
    vertx.eventBus().localConsumer(Addresses.REVIEW_WAKE, message -> {
      escalation.wake();
      rerank.wake();
    });
    queue.rankUnranked()
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("Ranked {} queue items added before the queue kept its order", n);
          }
        })
        .onFailure(err -> LOG.warn("Queue items without a rank not ranked: {}", err.getMessage()));
    vertx.setPeriodic(pingMs, id -> feeds.pingAll());
    // The sweep has no deadline to wait for: each round says "nothing scheduled", so the next comes a sweep period
    // after it ends (or fails).
    long sweepMs = queue.policy().stopAuditSweepMs();
    auditSweep = new DeadlineLoop(vertx, "Stop audit sweep", () -> stops.auditPending().map(-1L), sweepMs, sweepMs)
        .start();
    subscriber = new ChannelSubscriber(vertx, subscriberClient, commands, CONNECTION_NAME,
        Map.of(RedisKeys.STAFF_CHANNEL, feeds::broadcast),
        again -> {
          if (again) {
            feeds.refreshAll();
          }
        }, timing);
    subscriber.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    escalation.stop();
    rerank.stop();
    auditSweep.stop();
    return subscriber.stop();
  }

}
