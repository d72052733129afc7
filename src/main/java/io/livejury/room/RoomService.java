package io.livejury.room;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Frames;
import io.livejury.common.Ids;
import io.livejury.common.Json;
import io.livejury.common.LuaScript;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Live rooms, kept in Redis beside their prompts. A streamer has at most {@code LIVEJURY_ROOMS_PER_STREAMER} live
 * rooms at once, across every node ({@link RedisKeys#streamerLiveRooms}).
 */
public final class RoomService {

  private static final int MAX_TITLE = 200;

  private final Redis redis;
  private final RoomEvents events;
  private final int roomsPerStreamer;

  /** @param roomsPerStreamer most live rooms one streamer may have at once ({@code LIVEJURY_ROOMS_PER_STREAMER}) */
  public RoomService(Redis redis, RoomEvents events, int roomsPerStreamer) {
    this.redis = redis;
    this.events = events;
    this.roomsPerStreamer = roomsPerStreamer;
  }

  /**
   * Opens a live room ({@code {"roomId"?, "streamerId", "merchantId", "title"}}).
   *
   * @return the room; fails with 400 (bad fields), 403 (a streamer opening another's room), 409 (the id is taken),
   *     429 {@code rate_limited} when the streamer already has {@code LIVEJURY_ROOMS_PER_STREAMER} live rooms
   */
  public Future<Room> create(Principal caller, JsonObject body) {
    // The API contract has checked a requested id's form (Ids.isValid's, as a pattern).
    String requested = body.getString("roomId");
    String roomId = requested == null ? Ids.next("r") : requested;
    String streamerId = orElse(Fields.optionalIdentifier(body, "streamerId", 64),
        caller.is(Role.STREAMER) ? caller.userId() : null);
    String merchantId = orElse(Fields.optionalIdentifier(body, "merchantId", 64), caller.merchantId());
    String title = Fields.requiredText(body, "title", MAX_TITLE);
    if (streamerId == null || merchantId == null) {
      return Future.failedFuture(ApiException.badRequest("streamerId and merchantId are required"));
    }
    if (caller.is(Role.STREAMER) && (!streamerId.equals(caller.userId()) || !merchantId.equals(caller.merchantId()))) {
      return Future.failedFuture(ApiException.forbidden("streamers open rooms for themselves and their merchant only"));
    }
    Room room = new Room(roomId, streamerId, merchantId, title, Room.LIVE, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    return reserve(streamerId, roomId, true).compose(added ->
        redis.send(Request.cmd(Command.SET).arg(RedisKeys.room(roomId)).arg(Json.encode(room)).arg("NX"))
            .compose(reply -> {
              if (reply != null) {
                return Future.succeededFuture(room);
              }
              // The id belongs to another room: give back the place this call took, not one that room holds.
              Future<?> giveBack = added ? release(streamerId, roomId) : Future.succeededFuture();
              return giveBack.transform(v -> Future.failedFuture(ApiException.conflict("room " + roomId
                  + " already exists")));
            }));
  }

  /**
   * Takes one of the streamer's live-room places for the room; when none is left, first forgets places of rooms that
   * have ended or were stopped without giving theirs back (a node lost between the two steps) and tries once more.
   *
   * @return whether this call took the place (false: the room held it already)
   */
  private Future<Boolean> reserve(String streamerId, String roomId, boolean mayPrune) {
    return LuaScript.STREAMER_ROOM.call(redis, List.of(RedisKeys.streamerLiveRooms(streamerId)),
            List.of(roomId, Integer.toString(roomsPerStreamer)))
        .compose(reply -> {
          if (reply.get(0).toInteger() == 1) {
            return Future.succeededFuture(reply.get(1).toInteger() == 1);
          }
          if (mayPrune) {
            return pruneClosed(streamerId).compose(v -> reserve(streamerId, roomId, false));
          }
          return Future.failedFuture(new ApiException(429, "rate_limited", "streamer " + streamerId + " already has "
              + reply.get(1).toLong() + " live rooms, the most allowed (LIVEJURY_ROOMS_PER_STREAMER = "
              + roomsPerStreamer + "): end one first"));
        });
  }

  private Future<Void> pruneClosed(String streamerId) {
    String key = RedisKeys.streamerLiveRooms(streamerId);
    return redis.send(Request.cmd(Command.SMEMBERS).arg(key)).compose(members -> {
      List<Future<?>> checks = new ArrayList<>();
      members.forEach(member -> {
        String id = member.toString();
        // A room not written yet may be one being created right now: only a room that exists and is closed goes.
        checks.add(redis.send(Request.cmd(Command.GET).arg(RedisKeys.room(id))).compose(json ->
            json != null && !Json.decode(json.toString(), Room.class).isLive() ? release(streamerId, id)
                : Future.succeededFuture()));
      });
      return Future.all(checks).mapEmpty();
    });
  }

  private Future<Void> release(String streamerId, String roomId) {
    return redis.send(Request.cmd(Command.SREM).arg(RedisKeys.streamerLiveRooms(streamerId)).arg(roomId)).mapEmpty();
  }

  /**
   * Ends the room: it takes no new prompt, ballot or socket. Ending a room that ended or was stopped changes nothing.
   *
   * @return the room as stored; fails with 403 for another streamer's room, 404 for an unknown one
   */
  public Future<Room> end(Principal caller, String roomId) {
    return stored(roomId).compose(read -> {
      Room room = read.room();
      if (caller.is(Role.STREAMER) && !room.streamerId().equals(caller.userId())) {
        return Future.failedFuture(ApiException.forbidden("streamers end their own rooms only"));
      }
      if (!room.isLive()) {
        return Future.succeededFuture(room);
      }
      Room ended = room.ended();
      // A stop written since the room was read wins: the room stays stopped, and ending it again finds that.
      return swap(roomId, read.json(), ended)
          .compose(won -> !won ? end(caller, roomId)
              : release(ended.streamerId(), roomId)
                  .compose(v -> events.publish(RoomEvent.toEveryone(roomId, Frames.room(ended)))).map(ended));
    });
  }

  /**
   * Stores the room as stopped, with why and by whom ({@code stop}: {@code {"reason", "by", "at"}}), so every node
   * refuses new sockets (410) from the next handshake on. A room already stopped keeps its first stop: of stops
   * racing on any nodes exactly one is written, and every one of them answers with it.
   *
   * @return the room as stored; fails with 404 for an unknown room, 409 for an ended one
   */
  public Future<Room> markStopped(String roomId, Map<String, Object> stop) {
    return stored(roomId).compose(read -> {
      Room room = read.room();
      if (room.isStopped()) {
        return Future.succeededFuture(room);
      }
      if (!room.isLive()) {
        return Future.failedFuture(ApiException.conflict("room " + roomId + " has ended: there is nothing left to stop"));
      }
      Room stopped = room.stopped(stop);
      return swap(roomId, read.json(), stopped).compose(won -> won
          ? release(stopped.streamerId(), roomId).map(stopped)
          : markStopped(roomId, stop));
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

  /** The room; fails with 404 for an unknown one. */
  public Future<Room> get(String roomId) {
    return stored(roomId).map(Stored::room);
  }

  /** A room as read, with the JSON it was read from: what a change compares against when it writes. */
  private record Stored(String json, Room room) {
  }

  private Future<Stored> stored(String roomId) {
    if (!Ids.isValid(roomId)) {
      return Future.failedFuture(ApiException.notFound("room"));
    }
    return redis.send(Request.cmd(Command.GET).arg(RedisKeys.room(roomId)))
        .compose(reply -> reply == null
            ? Future.failedFuture(ApiException.notFound("room " + roomId))
            : Future.succeededFuture(new Stored(reply.toString(), Json.decode(reply.toString(), Room.class))));
  }

  /** Writes {@code next} if the room is still {@code read}; true when it was written. */
  private Future<Boolean> swap(String roomId, String read, Room next) {
    String json = Json.encode(next);
    return LuaScript.ROOM_SWAP.call(redis, List.of(RedisKeys.room(roomId)), List.of(read, json))
        .compose(now -> now == null ? Future.failedFuture(ApiException.notFound("room " + roomId))
            : Future.succeededFuture(json.equals(now.toString())));
  }

  private static String orElse(String value, String fallback) {
    return value != null ? value : fallback;
  }
}
