package io.livejury.room;

import io.livejury.common.Json;
import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.List;

/**
 * Publishes room events to every node (this one included): each event is appended to the room's capped
 * event stream and published on the room's channel ({@link RoomChannels}) in one Lua call, and the published message carries the
 * stream id, so a node that missed the message (its subscriber connection was down) reads the event back
 * from the stream. One XADD per room event; tallies are not room events and never touch the stream.
 */
public final class RoomEvents {

  /**
   * What a publish did: the event's stream id, and how many nodes' subscriber connections received it
   * (0: no node listened; a node whose subscriber connection is down still finds it in the stream).
   */
  public record Published(String id, long receivers) {

    /** True when at least one node received the event as it was published. */
    public boolean heard() {
      return receivers > 0;
    }

    /** True when a mark held the event back: nothing was stored or published. */
    public boolean heldBack() {
      return receivers < 0;
    }
  }

  private final Redis redis;
  private final RoomChannels channels;
  private final long maxLength;
  private final long expiryMs;

  /**
   * @param channels  plain or sharded pub/sub (a Redis Cluster)
   * @param maxLength how many events each room's stream keeps (approximately)
   * @param expiryMs  how long a quiet room's stream is kept
   */
  public RoomEvents(Redis redis, RoomChannels channels, long maxLength, long expiryMs) {
    this.redis = redis;
    this.channels = channels;
    this.maxLength = maxLength;
    this.expiryMs = expiryMs;
  }

  /** Stores and publishes the event, whether or not any node listens. */
  public Future<Published> publish(RoomEvent event) {
    return call(event, "always", null, 0);
  }

  /**
   * For notices retried until heard (the penalty outbox): stores and publishes the event only when some node
   * listens on the room's channel; otherwise does nothing and answers 0 receivers, and the caller retries.
   */
  public Future<Published> publishIfHeard(RoomEvent event) {
    return call(event, "heard", null, 0);
  }

  /**
   * For events not to be repeated within a window (a rule's warning): held back while {@code markKey} is
   * set (a key of the room's hash slot); otherwise stored and published, and the mark set for
   * {@code markSeconds} only when a node received the event, so one that reached no node goes out again
   * next time.
   */
  public Future<Published> publishUnlessMarked(RoomEvent event, String markKey, long markSeconds) {
    return call(event, "always", markKey, markSeconds);
  }

  private Future<Published> call(RoomEvent event, String mode, String markKey, long markSeconds) {
    List<String> keys = markKey == null
        ? List.of(RedisKeys.roomEvents(event.roomId()))
        : List.of(RedisKeys.roomEvents(event.roomId()), markKey);
    List<String> args = List.of(channels.channel(event.roomId()), Json.encode(event), Long.toString(maxLength),
        Long.toString(expiryMs), mode, Long.toString(Math.max(1, markSeconds)), channels.scriptMode());
    return LuaScript.ROOM_EVENT.call(redis, keys, args)
        .map(reply -> new Published(reply.get(0).toString(), reply.get(1).toLong()));
  }
}
