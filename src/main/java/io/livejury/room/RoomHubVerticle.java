package io.livejury.room;

import io.livejury.common.Addresses;
import io.livejury.common.Frames;
import io.livejury.common.Heartbeat;
import io.livejury.common.Ids;
import io.livejury.common.Json;
import io.livejury.common.RedisKeys;
import io.livejury.metrics.Metrics;
import io.livejury.model.Prompt;
import io.livejury.model.Verdict;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Carries room events from Redis to this node's sockets. It holds one subscriber connection, subscribed to
 * the channel of every room that has a local socket; rooms left empty are unsubscribed by a periodic sweep. On a
 * Redis Cluster that connection is one per master, each subscribed to the shard channels of the rooms whose slots
 * it serves ({@link RoomChannels#SHARDED}); one of them lost, or a room's channel dropped by its shard because the
 * slot moved, counts as the whole connection lost: every room is subscribed again, on the layout then in force.
 * A subscription counts only once Redis confirms it, so a socket that reads the room's state afterwards
 * cannot miss an event in between.
 *
 * <p>Every room event also sits in the room's event stream, and its message carries its stream id. Per room
 * the hub keeps the id of the last event it delivered, starting from the stream's last id when the room is
 * first subscribed (what came before is the welcome's job), and delivers only ids after it. A lost
 * subscriber connection is replaced and every room subscribed again; each room then reads what it missed
 * from its stream (XRANGE after the last delivered id) and delivers it in order, holding the live messages
 * that arrive meanwhile and delivering them after, each id once. Only when the stream no longer reaches
 * back to the last delivered id (trimmed, expired) does the room fall back to reading its prompts back.
 * While the subscriber is down or Redis does not answer, every local socket is told the service is degraded,
 * and told it is ok again once every room has caught up.
 */
public final class RoomHubVerticle extends VerticleBase {

  /** Tuning, from configuration. */
  public record Options(int catchUpBatch, long maxLength, long checkMs, long checkTimeoutMs, long reconnectMs) {
  }

  static final String DEGRADED_MESSAGE =
      "Live updates are delayed: this server lost its connection to its data store. Votes may fail until it is "
          + "back; what you missed will follow.";

  private static final Logger LOG = LoggerFactory.getLogger(RoomHubVerticle.class);
  private static final long SWEEP_MS = 10_000;

  /** One subscribed room's place in its event stream on this node. Touched on the hub's event loop only. */
  private static final class Feed {
    /** The last event delivered to the room's sockets; null until the stream's last id was read. */
    StreamId last;
    /** Live events held while the room reads its stream; null while they are delivered as they come. */
    List<RoomEvent> held = new ArrayList<>();
  }

  private final Redis subscriber;
  private final Redis redis;
  private final RoomChannels channels;
  private final RoomRegistry registry;
  private final Metrics metrics;
  private final Options options;
  private final Map<String, Feed> feeds = new HashMap<>();
  private final Map<String, List<Message<String>>> awaitingConfirmation = new HashMap<>();
  /** Joins that came while the subscriber was being replaced, with when they came (nanoTime). */
  private final List<Map.Entry<Message<String>, Long>> awaitingConnection = new ArrayList<>();
  /** Rooms of the current connection that have not caught up yet. */
  private final Set<String> catchingUp = new HashSet<>();
  private RedisConnection connection;
  /** Counts connections, so work begun for a connection since lost does not touch its successor's state. */
  private long generation;
  private boolean connecting;
  private boolean reconnectScheduled;
  /** Set from a failed reconnect until the next one succeeds: a spell of failures is logged once. */
  private boolean failingToReconnect;
  /** This hub's own channel, published to by itself every check interval. */
  private final String heartbeatChannel = RedisKeys.subscriberHeartbeat(Ids.next("hub"));
  private Heartbeat heartbeat;
  private boolean degraded;
  private boolean stopping;

  /**
   * @param subscriber a client whose connections are kept in subscribe mode: one connection on a single server, one
   *                   to each master on a Redis Cluster ({@link io.livejury.common.ShardedSubscriber})
   * @param redis      the node's command client (stream reads, the heartbeat)
   * @param channels   plain or sharded room channels, as {@link RoomEvents} publishes them
   */
  public RoomHubVerticle(Redis subscriber, Redis redis, RoomChannels channels, RoomRegistry registry, Metrics metrics,
      Options options) {
    this.subscriber = subscriber;
    this.redis = redis;
    this.channels = channels;
    this.registry = registry;
    this.metrics = metrics;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    heartbeat = new Heartbeat(options.checkMs() + options.checkTimeoutMs(), options.checkTimeoutMs());
    vertx.setPeriodic(SWEEP_MS, id -> sweep());
    vertx.setPeriodic(options.checkMs(), id -> check());
    return connect().compose(v -> vertx.eventBus()
        .<String>localConsumer(Addresses.ROOM_SUBSCRIBE, this::onSubscribeRequest)
        .completion());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  private Future<Void> connect() {
    connecting = true;
    return subscriber.connect()
        .compose(conn -> {
          generation++;
          conn.handler(this::onPush);
          conn.exceptionHandler(err -> LOG.warn("Room subscriber connection failed: {}", err.getMessage()));
          conn.endHandler(v -> lost(conn));
          connection = conn;
          heartbeat.connected(System.nanoTime());
          catchingUp.clear();
          catchingUp.addAll(feeds.keySet());
          if (feeds.isEmpty()) {
            return conn.send(Request.cmd(Command.SUBSCRIBE).arg(heartbeatChannel)).<Void>mapEmpty()
                .onSuccess(v -> recovered())
                .onFailure(err -> conn.close());
          }
          // Live messages wait from the first one on: each room delivers them once it has caught up.
          feeds.values().forEach(feed -> {
            if (feed.held == null) {
              feed.held = new ArrayList<>();
            }
          });
          // The heartbeat is a plain channel; sharded room channels go in a command of their own.
          Future<Response> subscribed = channels.sharded()
              ? conn.send(Request.cmd(Command.SUBSCRIBE).arg(heartbeatChannel))
                  .compose(hb -> conn.send(withChannels(Request.cmd(channels.subscribe()), feeds.keySet())))
              : conn.send(withChannels(Request.cmd(Command.SUBSCRIBE).arg(heartbeatChannel), feeds.keySet()));
          return subscribed.<Void>mapEmpty().onFailure(err -> conn.close());
        })
        .onComplete(done -> {
          connecting = false;
          if (done.succeeded()) {
            joinWaiting();
          }
        });
  }

  private void lost(RedisConnection conn) {
    if (connection != conn) {
      return;
    }
    connection = null;
    if (stopping) {
      return;
    }
    degrade();
    // Their confirmation can no longer come on this connection: they wait for the next one, as new joins do.
    long now = System.nanoTime();
    awaitingConfirmation.values().forEach(waiting -> waiting.forEach(m -> awaitingConnection.add(Map.entry(m, now))));
    awaitingConfirmation.clear();
    reconnect();
  }

  private void reconnect() {
    if (stopping || connecting || connection != null || reconnectScheduled) {
      return;
    }
    reconnectScheduled = true;
    vertx.setTimer(options.reconnectMs(), id -> {
      reconnectScheduled = false;
      if (connection == null && !connecting && !stopping) {
        connect().onComplete(done -> {
          if (done.succeeded()) {
            if (failingToReconnect) {
              failingToReconnect = false;
              LOG.info("Room subscriber reconnected");
            }
            return;
          }
          if (!failingToReconnect) {
            failingToReconnect = true;
            LOG.warn("Room subscriber cannot reconnect yet, retrying every {} ms: {}", options.reconnectMs(),
                done.cause().getMessage());
          } else {
            LOG.debug("Room subscriber cannot reconnect yet: {}", done.cause().getMessage());
          }
          reconnect();
        });
      }
    });
  }

  /**
   * A connection can stay open while nothing comes through it (a network partition, a stalled server). The hub
   * publishes to a channel of its own through the command client and watches the message arrive on the
   * subscriber: when one Redis confirmed has not arrived within the timeout, the connection counts as lost
   * ({@link Heartbeat}; one still queued behind a join burst's commands proves nothing).
   * This tests the very path room events take; a PING on a connection in subscribe mode shares its reply
   * queue with the confirmations of SUBSCRIBE and UNSUBSCRIBE and was answered late, or never.
   */
  private void check() {
    RedisConnection conn = connection;
    if (conn == null) {
      failJoinsWaitingTooLong();
    }
    if (conn == null || stopping) {
      return;
    }
    long now = System.nanoTime();
    if (heartbeat.lost(now)) {
      LOG.warn("Room subscriber heard nothing for {} ms; replacing it", heartbeat.silenceMs(now));
      lost(conn);
      conn.close();
      return;
    }
    redis.send(Request.cmd(Command.PUBLISH).arg(heartbeatChannel).arg("1"))
        .onSuccess(published -> heartbeat.published(now, System.nanoTime()))
        .onFailure(err -> {
          heartbeat.publishFailed();
          LOG.debug("Heartbeat not published: {}", err.getMessage());
        });
  }

  /** The joins that waited for the new connection go on now. */
  private void joinWaiting() {
    List<Map.Entry<Message<String>, Long>> waiting = new ArrayList<>(awaitingConnection);
    awaitingConnection.clear();
    waiting.forEach(join -> onSubscribeRequest(join.getKey()));
  }

  /** A join waits for a replacement at most as long as a silent connection is given: then its socket retries. */
  private void failJoinsWaitingTooLong() {
    long limit = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(options.checkMs() + options.checkTimeoutMs());
    awaitingConnection.removeIf(join -> {
      if (join.getValue() < limit) {
        join.getKey().fail(503, "room subscriber is reconnecting");
        return true;
      }
      return false;
    });
  }

  private void degrade() {
    if (!degraded) {
      degraded = true;
      broadcast(Frames.service("degraded", DEGRADED_MESSAGE));
    }
  }

  private void recovered() {
    if (degraded && connection != null && catchingUp.isEmpty()) {
      degraded = false;
      broadcast(Frames.service("ok", null));
    }
  }

  private void broadcast(String frame) {
    registry.rooms().forEach(room -> room.deliver(RoomEvent.toEveryone(room.roomId(), frame), null));
  }

  private void onSubscribeRequest(Message<String> request) {
    String roomId = request.body();
    if (feeds.containsKey(roomId)) {
      request.reply(true);
      return;
    }
    if (connection == null) {
      // A replacement is usually seconds away: the join waits for it rather than closing the viewer's socket.
      awaitingConnection.add(Map.entry(request, System.nanoTime()));
      return;
    }
    List<Message<String>> waiting = awaitingConfirmation.computeIfAbsent(roomId, id -> new ArrayList<>());
    waiting.add(request);
    if (waiting.size() == 1) {
      connection.send(Request.cmd(channels.subscribe()).arg(channels.channel(roomId)))
          .onFailure(err -> {
            List<Message<String>> failed = awaitingConfirmation.remove(roomId);
            if (failed != null) {
              failed.forEach(m -> m.fail(503, err.getMessage()));
            }
          });
    }
  }

  private void sweep() {
    Set<String> idle = new HashSet<>();
    for (String roomId : feeds.keySet()) {
      if (registry.find(roomId).isEmpty()) {
        idle.add(roomId);
      }
    }
    if (idle.isEmpty() || connection == null) {
      return;
    }
    feeds.keySet().removeAll(idle);
    catchingUp.removeAll(idle);
    connection.send(withChannels(Request.cmd(channels.unsubscribe()), idle))
        .onFailure(err -> LOG.warn("Unsubscribing idle rooms failed: {}", err.getMessage()));
    recovered();
  }

  private void onPush(Response push) {
    if (push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI || push.size() < 3) {
      return;
    }
    String kind = push.get(0).toString();
    String channel = push.get(1).toString();
    if (heartbeatChannel.equals(channel)) {
      heartbeat.heard(System.nanoTime());
      return;
    }
    if (channels.isSubscribed(kind)) {
      String roomId = channels.roomOf(channel);
      if (roomId != null) {
        confirmed(roomId);
      }
    } else if (channels.isMessage(kind)) {
      onEvent(Json.decode(push.get(2).toString(), RoomEvent.class), System.nanoTime());
    } else if (channels.sharded() && channels.isUnsubscribed(kind) && feeds.containsKey(channels.roomOf(channel))) {
      // Unasked: the room's slot moved to another shard (resharding, a failover). A new set of connections,
      // routed by the new layout, subscribes every room again and catches up from the streams.
      LOG.warn("Room channel {} was unsubscribed by its shard (its slot moved); reconnecting", channel);
      replace(generation);
    }
  }

  private void onEvent(RoomEvent event, long received) {
    Feed feed = feeds.get(event.roomId());
    if (feed == null) {
      return;
    }
    if (event.id() == null) {
      deliver(event, received); // from a node that predates the event stream: nothing to order it by
      return;
    }
    if (feed.held != null) {
      feed.held.add(event);
      return;
    }
    StreamId id = event.streamId();
    if (id.isAfter(feed.last)) {
      feed.last = id;
      deliver(event, received);
    }
  }

  /**
   * Hands an event to the room's sockets. A prompt's frame is read once here into its per-juror variants; once
   * every socket has it, the distinct viewers this node found eligible are added to the prompt's {@code eligible}.
   */
  private void deliver(RoomEvent event, long received) {
    registry.find(event.roomId()).ifPresent(room -> {
      PromptFrame opened = event.openedPromptId() == null ? null
          : PromptFrame.of(event.openedPromptId(), event.frames().get(0), room.viewers());
      room.deliver(event, opened).onComplete(written -> {
        metrics.roomFanOut(received);
        if (opened != null && opened.eligible() > 0) {
          redis.send(Request.cmd(Command.HINCRBY).arg(RedisKeys.prompt(opened.promptId())).arg("eligible")
                  .arg(opened.eligible()))
              .onFailure(err -> LOG.warn("Eligible viewers of prompt {} not counted: {}", opened.promptId(),
                  err.getMessage()));
        }
      });
    });
  }

  private void confirmed(String roomId) {
    List<Message<String>> waiting = awaitingConfirmation.remove(roomId);
    Feed feed = feeds.get(roomId);
    if (feed == null && waiting == null) {
      return; // swept while its resubscription was under way: the UNSUBSCRIBE sent after it wins
    }
    if (feed == null) {
      feed = new Feed();
      feeds.put(roomId, feed);
      start(roomId, feed, generation);
    } else {
      catchUp(roomId, feed, generation);
    }
    if (waiting != null) {
      waiting.forEach(request -> request.reply(true));
    }
  }

  /**
   * A room subscribed for the first time starts from its stream's last id: events delivered from then on are
   * the ones after the welcome. Live events that came in while reading it were published after the
   * subscription, so they are delivered whatever their id.
   */
  private void start(String roomId, Feed feed, long gen) {
    lastId(roomId)
        .onSuccess(last -> {
          if (gen == generation && feeds.get(roomId) == feed) {
            feed.last = last;
            release(feed, true);
          }
        })
        .onFailure(err -> {
          // Unpositioned, the room cannot catch up from its stream; a new connection reads its prompts back.
          LOG.warn("Room {} could not read its event stream: {}", roomId, err.getMessage());
          replace(gen);
        });
  }

  /**
   * After a new connection confirmed the room: delivers what the stream holds after the last delivered
   * event, then the live events held meanwhile. A room that never learnt its position, or whose stream no
   * longer reaches back to it, reads its prompts back instead.
   */
  private void catchUp(String roomId, Feed feed, long gen) {
    Future<Boolean> caughtUp = feed.last == null
        ? lastId(roomId).map(last -> {
            if (gen == generation) {
              feed.last = last;
            }
            return false;
          })
        : readFrom(roomId, feed, gen, feed.last, true);
    caughtUp
        .compose(complete -> complete || gen != generation || feeds.get(roomId) != feed
            ? Future.<Void>succeededFuture()
            : readBack(roomId))
        .onSuccess(v -> {
          if (gen == generation && feeds.get(roomId) == feed) {
            release(feed, false);
            catchingUp.remove(roomId);
            recovered();
          }
        })
        .onFailure(err -> {
          LOG.warn("Room {} could not catch up yet: {}", roomId, err.getMessage());
          replace(gen);
        });
  }

  /** Redis failed a read the hub depends on: the service is degraded until a new connection caught up. */
  private void replace(long gen) {
    RedisConnection conn = connection;
    if (gen == generation && conn != null) {
      lost(conn);
      conn.close();
    }
  }

  /**
   * Reads and delivers the room's stream from {@code from} on, a page at a time. Answers false when the
   * stream no longer reaches back to {@code from}: events in between may be gone.
   */
  private Future<Boolean> readFrom(String roomId, Feed feed, long gen, StreamId from, boolean firstPage) {
    int batch = options.catchUpBatch();
    // Inclusive of the last delivered id: finding it proves nothing between it and the next was trimmed.
    return redis.send(Request.cmd(Command.XRANGE).arg(RedisKeys.roomEvents(roomId)).arg(from.toString()).arg("+")
            .arg("COUNT").arg(batch))
        .compose(entries -> {
          if (gen != generation || feeds.get(roomId) != feed) {
            return Future.succeededFuture(true);
          }
          int count = entries == null ? 0 : entries.size();
          Future<Boolean> whole = Future.succeededFuture(true);
          if (firstPage && count > 0) {
            StreamId first = StreamId.parse(entries.get(0).get(0).toString());
            if (from.equals(StreamId.ZERO)) {
              whole = neverTrimmed(roomId);
            } else if (!first.equals(from)) {
              whole = Future.succeededFuture(false);
            }
          }
          long received = System.nanoTime();
          for (int i = 0; i < count; i++) {
            RoomEvent event = entry(roomId, entries.get(i));
            if (event != null && event.streamId().isAfter(feed.last)) {
              feed.last = event.streamId();
              deliver(event, received);
            }
          }
          if (count < batch) {
            return whole;
          }
          return whole.compose(complete -> readFrom(roomId, feed, gen, feed.last, false).map(rest -> complete && rest));
        });
  }

  /** A stream read from its very start is whole unless it ever grew past its cap. */
  private Future<Boolean> neverTrimmed(String roomId) {
    return redis.send(Request.cmd(Command.XLEN).arg(RedisKeys.roomEvents(roomId)))
        .map(length -> length.toLong() < options.maxLength());
  }

  private Future<StreamId> lastId(String roomId) {
    return redis.send(Request.cmd(Command.XREVRANGE).arg(RedisKeys.roomEvents(roomId)).arg("+").arg("-")
            .arg("COUNT").arg(1))
        .map(last -> last == null || last.size() == 0 ? StreamId.ZERO : StreamId.parse(last.get(0).get(0).toString()));
  }

  /** Delivers the live events held while the room read its stream, in id order, each once. */
  private void release(Feed feed, boolean all) {
    List<RoomEvent> held = feed.held;
    feed.held = null;
    if (held == null || held.isEmpty()) {
      return;
    }
    held.sort(Comparator.comparing(RoomEvent::streamId));
    long received = System.nanoTime();
    StreamId previous = null;
    for (RoomEvent event : held) {
      StreamId id = event.streamId();
      if (id.equals(previous) || !all && !id.isAfter(feed.last)) {
        continue;
      }
      previous = id;
      if (id.isAfter(feed.last)) {
        feed.last = id;
      }
      deliver(event, received);
    }
  }

  private static RoomEvent entry(String roomId, Response entry) {
    String json = field(entry.get(1), "e");
    if (json == null) {
      return null;
    }
    try {
      return Json.decode(json, RoomEvent.class).withId(entry.get(0).toString());
    } catch (RuntimeException e) {
      LOG.error("Room {} event {} is not a room event and is skipped", roomId, entry.get(0));
      return null;
    }
  }

  /** An entry's fields come as a flat list under RESP2 and may come as a map under RESP3. */
  private static String field(Response fields, String name) {
    if (fields == null) {
      return null;
    }
    if (fields.isMap()) {
      Response value = fields.get(name);
      return value == null ? null : value.toString();
    }
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (name.equals(fields.get(i).toString())) {
        return fields.get(i + 1).toString();
      }
    }
    return null;
  }

  /**
   * The fallback when the room's stream cannot tell what it missed: prompts opened meanwhile, and the
   * verdicts of those closed, read back from their hashes. Completes once each has been handed over.
   */
  private Future<Void> readBack(String roomId) {
    LOG.warn("Room {} missed more than its event stream holds; reading its prompts back", roomId);
    LocalRoom room = registry.find(roomId).orElse(null);
    if (room == null) {
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.roomOpenPrompts(roomId)))
        .compose(open -> {
          Set<String> ids = room.awaitingClose();
          if (open != null) {
            open.forEach(id -> ids.add(id.toString()));
          }
          List<Future<Void>> reads = new ArrayList<>();
          ids.forEach(promptId -> reads.add(redis.send(Request.cmd(Command.HMGET).arg(RedisKeys.prompt(promptId))
                  .arg("json").arg("status").arg("verdict"))
              .map(fields -> {
                RoomEvent missed = readBack(room, promptId, fields);
                if (missed != null) {
                  deliver(missed, System.nanoTime());
                }
                return null;
              })));
          return Future.all(reads).mapEmpty();
        });
  }

  /** The event a room missed of one prompt, read back from its hash; null when it missed nothing of it. */
  private static RoomEvent readBack(LocalRoom room, String promptId, Response fields) {
    if (fields == null || fields.get(0) == null) {
      return null;
    }
    boolean open = Prompt.OPEN.equals(fields.get(1).toString());
    if (open && !room.openPromptIds().contains(promptId)) {
      return RoomEvent.promptOpened(room.roomId(), promptId,
          Frames.prompt(Json.decode(fields.get(0).toString(), Prompt.class)));
    }
    if (!open && fields.get(2) != null && room.awaitingClose().contains(promptId)) {
      Verdict verdict = Json.decode(fields.get(2).toString(), Verdict.class);
      return RoomEvent.promptClosed(room.roomId(), promptId,
          Frames.tally(promptId, verdict.counts(), verdict.total()), Frames.verdict(verdict));
    }
    return null;
  }

  private Request withChannels(Request request, Set<String> roomIds) {
    roomIds.forEach(roomId -> request.arg(channels.channel(roomId)));
    return request;
  }
}
