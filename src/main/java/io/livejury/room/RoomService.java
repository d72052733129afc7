package io.livejury.room;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Frames;
import io.livejury.common.Ids;
import io.livejury.common.Json;
import io.livejury.common.RedisKeys;
import io.livejury.model.Principal;
import io.livejury.model.Role;
import io.livejury.model.Room;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Live rooms, kept in Redis beside their prompts. */
public final class RoomService {

  private static final int MAX_TITLE = 200;

  private final Redis redis;
  private final RoomEvents events;

  public RoomService(Redis redis, RoomEvents events) {
    this.redis = redis;
    this.events = events;
  }

  public Future<Room> create(Principal caller, JsonObject body) {
    Object requested = body.getValue("roomId");
    String roomId = requested == null ? Ids.next("r") : requested.toString();
    String streamerId = orElse(Fields.optionalText(body, "streamerId", 64),
        caller.is(Role.STREAMER) ? caller.userId() : null);
    String merchantId = orElse(Fields.optionalText(body, "merchantId", 64), caller.merchantId());
    String title = Fields.requiredText(body, "title", MAX_TITLE);
    if (!Ids.isValid(roomId)) {
      return Future.failedFuture(ApiException.badRequest("roomId must be 1-64 letters, digits, '-' or '_'"));
    }
    if (streamerId == null || merchantId == null) {
      return Future.failedFuture(ApiException.badRequest("streamerId and merchantId are required"));
    }
    if (caller.is(Role.STREAMER) && (!streamerId.equals(caller.userId()) || !merchantId.equals(caller.merchantId()))) {
      return Future.failedFuture(ApiException.forbidden("streamers open rooms for themselves and their merchant only"));
    }
    Room room = new Room(roomId, streamerId, merchantId, title, Room.LIVE, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    return redis.send(Request.cmd(Command.SET).arg(RedisKeys.room(roomId)).arg(Json.encode(room)).arg("NX"))
        .compose(reply -> reply == null
            ? Future.failedFuture(ApiException.conflict("room " + roomId + " already exists"))
            : Future.succeededFuture(room));
  }

  public Future<Room> end(Principal caller, String roomId) {
    return get(roomId).compose(room -> {
      if (caller.is(Role.STREAMER) && !room.streamerId().equals(caller.userId())) {
        return Future.failedFuture(ApiException.forbidden("streamers end their own rooms only"));
      }
      if (!room.isLive()) {
        return Future.succeededFuture(room);
      }
      Room ended = room.ended();
      return redis.send(Request.cmd(Command.SET).arg(RedisKeys.room(roomId)).arg(Json.encode(ended)))
          .compose(ok -> events.publish(RoomEvent.toEveryone(roomId, Frames.room(ended))))
          .map(ended);
    });
  }

  /**
   * Stores the room as stopped, with why and by whom ({@code stop}: {@code {"reason", "by", "at"}}), so every node
   * refuses new sockets (410) from the next handshake on. A room already stopped keeps its first stop.
   *
   * @return the room as stored; fails with 404 for an unknown room, 409 for an ended one
   */
  public Future<Room> markStopped(String roomId, Map<String, Object> stop) {
    return get(roomId).compose(room -> {
      if (room.isStopped()) {
        return Future.succeededFuture(room);
      }
      if (!room.isLive()) {
        return Future.failedFuture(ApiException.conflict("room " + roomId + " has ended: there is nothing left to stop"));
      }
      Room stopped = room.stopped(stop);
      return redis.send(Request.cmd(Command.SET).arg(RedisKeys.room(roomId)).arg(Json.encode(stopped)))
          .map(stopped);
    });
  }

  /**
   * The room, if it is still live: an ended or stopped room is gone (410) for anyone who would join it now, with a
   * message saying which ({@link Room#whyClosed}).
   */
  public Future<Room> live(String roomId) {
    return get(roomId).compose(room -> room.isLive() ? Future.succeededFuture(room)
        : Future.failedFuture(ApiException.gone(room.whyClosed())));
  }

  public Future<Room> get(String roomId) {
    if (!Ids.isValid(roomId)) {
      return Future.failedFuture(ApiException.notFound("room"));
    }
    return redis.send(Request.cmd(Command.GET).arg(RedisKeys.room(roomId)))
        .compose(reply -> reply == null
            ? Future.failedFuture(ApiException.notFound("room " + roomId))
            : Future.succeededFuture(Json.decode(reply.toString(), Room.class)));
  }

  private static String orElse(String value, String fallback) {
    return value != null ? value : fallback;
  }
}
