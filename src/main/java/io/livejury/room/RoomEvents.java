package io.livejury.room;

import io.livejury.common.Json;
import io.livejury.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/** Publishes room events to every node (this one included) through the room's Redis channel. */
public final class RoomEvents {

  private final Redis redis;

  public RoomEvents(Redis redis) {
    this.redis = redis;
  }

  public Future<Void> publish(RoomEvent event) {
    return redis.send(Request.cmd(Command.PUBLISH)
            .arg(RedisKeys.roomChannel(event.roomId()))
            .arg(Json.encode(event)))
        .mapEmpty();
  }
}
