package io.livejury.room;

import io.livejury.common.Addresses;
import io.livejury.common.Frames;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Carries room events from Redis pub/sub to this node's sockets. It holds one subscriber connection,
 * subscribed to the channel of every room that has a local socket; rooms left empty are unsubscribed by
 * a periodic sweep. A subscription counts only once Redis confirms it, so a socket that reads the room's
 * state afterwards cannot miss an event in between. A lost connection is replaced and every channel
 * subscribed again; then each room's prompts are read back from Redis, so a prompt that opened or closed
 * while the connection was down still reaches the sockets (a frame may arrive twice, never not at all).
 */
public final class RoomHubVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RoomHubVerticle.class);
  private static final long SWEEP_MS = 10_000;
  private static final long RECONNECT_MS = 500;
  private static final long RESYNC_AFTER_MS = 250;

  private final Redis subscriber;
  private final Redis redis;
  private final RoomRegistry registry;
  private final Metrics metrics;
  private final Set<String> subscribed = new HashSet<>();
  private final Map<String, List<Message<String>>> awaitingConfirmation = new HashMap<>();
  private RedisConnection connection;
  private boolean connecting;
  private boolean stopping;

  public RoomHubVerticle(Redis subscriber, Redis redis, RoomRegistry registry, Metrics metrics) {
    this.subscriber = subscriber;
    this.redis = redis;
    this.registry = registry;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(SWEEP_MS, id -> sweep());
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
          conn.handler(this::onPush);
          conn.exceptionHandler(err -> LOG.warn("Room subscriber connection failed: {}", err.getMessage()));
          conn.endHandler(v -> lost(conn));
          connection = conn;
          return subscribed.isEmpty()
              ? Future.<Void>succeededFuture()
              : conn.send(withChannels(Request.cmd(Command.SUBSCRIBE), subscribed)).<Void>mapEmpty()
                  .onSuccess(v -> vertx.setTimer(RESYNC_AFTER_MS, id -> Set.copyOf(subscribed).forEach(this::resync)))
                  .onFailure(err -> conn.close());
        })
        .onComplete(done -> connecting = false);
  }

  private void lost(RedisConnection conn) {
    if (connection == conn) {
      connection = null;
    }
    reconnect();
  }

  private void reconnect() {
    if (stopping || connecting || connection != null) {
      return;
    }
    vertx.setTimer(RECONNECT_MS, id -> {
      if (connection == null && !connecting) {
        connect().onFailure(err -> {
          LOG.warn("Room subscriber cannot reconnect yet: {}", err.getMessage());
          connection = null;
          reconnect();
        });
      }
    });
  }

  private void onSubscribeRequest(Message<String> request) {
    String roomId = request.body();
    if (subscribed.contains(roomId)) {
      request.reply(true);
      return;
    }
    if (connection == null) {
      request.fail(503, "room subscriber is reconnecting");
      return;
    }
    List<Message<String>> waiting = awaitingConfirmation.computeIfAbsent(roomId, id -> new ArrayList<>());
    waiting.add(request);
    if (waiting.size() == 1) {
      connection.send(Request.cmd(Command.SUBSCRIBE).arg(RedisKeys.roomChannel(roomId)))
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
    for (String roomId : subscribed) {
      if (registry.find(roomId).isEmpty()) {
        idle.add(roomId);
      }
    }
    if (idle.isEmpty() || connection == null) {
      return;
    }
    subscribed.removeAll(idle);
    connection.send(withChannels(Request.cmd(Command.UNSUBSCRIBE), idle))
        .onFailure(err -> LOG.warn("Unsubscribing idle rooms failed: {}", err.getMessage()));
  }

  private void onPush(Response push) {
    if (push.type() != ResponseType.PUSH && push.type() != ResponseType.MULTI || push.size() < 3) {
      return;
    }
    String kind = push.get(0).toString();
    String channel = push.get(1).toString();
    if ("subscribe".equals(kind)) {
      confirmed(channel.substring(RedisKeys.roomChannel("").length()));
    } else if ("message".equals(kind)) {
      long received = System.nanoTime();
      RoomEvent event = Json.decode(push.get(2).toString(), RoomEvent.class);
      registry.find(event.roomId()).ifPresent(room -> room.deliver(event).onComplete(written -> metrics.roomFanOut(received)));
    }
  }

  private void confirmed(String roomId) {
    subscribed.add(roomId);
    List<Message<String>> waiting = awaitingConfirmation.remove(roomId);
    if (waiting != null) {
      waiting.forEach(request -> request.reply(true));
    }
  }

  /** Delivers what the room's sockets missed: prompts opened meanwhile, and the verdicts of those closed. */
  private void resync(String roomId) {
    registry.find(roomId).ifPresent(room -> redis.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.roomOpenPrompts(roomId)))
        .onSuccess(open -> {
          Set<String> ids = new HashSet<>(room.openPromptIds());
          if (open != null) {
            open.forEach(id -> ids.add(id.toString()));
          }
          ids.forEach(promptId -> redis.send(Request.cmd(Command.HMGET).arg(RedisKeys.prompt(promptId))
                  .arg("json").arg("status").arg("verdict"))
              .onSuccess(fields -> catchUp(room, promptId, fields)));
        })
        .onFailure(err -> LOG.warn("Room {} not resynchronised: {}", roomId, err.getMessage())));
  }

  private static void catchUp(LocalRoom room, String promptId, Response fields) {
    if (fields == null || fields.get(0) == null) {
      return;
    }
    boolean tracked = room.openPromptIds().contains(promptId);
    if (Prompt.OPEN.equals(fields.get(1).toString()) && !tracked) {
      room.deliver(RoomEvent.promptOpened(room.roomId(), promptId,
          Frames.prompt(Json.decode(fields.get(0).toString(), Prompt.class))));
    } else if (!Prompt.OPEN.equals(fields.get(1).toString()) && tracked && fields.get(2) != null) {
      Verdict verdict = Json.decode(fields.get(2).toString(), Verdict.class);
      room.deliver(RoomEvent.promptClosed(room.roomId(), promptId,
          Frames.tally(promptId, verdict.counts(), verdict.total()), Frames.verdict(verdict)));
    }
  }

  private static Request withChannels(Request request, Set<String> roomIds) {
    roomIds.forEach(roomId -> request.arg(RedisKeys.roomChannel(roomId)));
    return request;
  }
}
