package io.livejury.room;

import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.common.Replies;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who is in a room, across nodes, by Redis's clock: when each user first joined it (the jury's presence rule)
 * and how many viewers it holds (the jury draw's audience). Each node reports its own viewers of each room
 * every {@link #REPORT_EVERY_MS}; a count older than {@link #FRESH_MS} is from a node that stopped reporting
 * (it left the room, or died) and is not counted.
 */
public final class Presence {

  public static final long REPORT_EVERY_MS = 1_000;
  public static final long FRESH_MS = 3_000;
  /** A node's count this old is dropped from the room's hash when the audience is read. */
  private static final long FORGET_MS = 60_000;
  /** A room's audience hash outlives its last report by this much. */
  private static final long AUDIENCE_EXPIRY_MS = 60_000;

  private final Redis redis;
  private final long joinMemoryMs;

  /** @param joinMemoryHours how long a room remembers first joins after its latest join */
  public Presence(Redis redis, int joinMemoryHours) {
    this.redis = redis;
    this.joinMemoryMs = joinMemoryHours * 3_600_000L;
  }

  /** Records the user's join if it is their first in the room; completes with their first join, epoch ms. */
  public Future<Long> join(String roomId, String userId) {
    return LuaScript.JOIN.call(redis, List.of(RedisKeys.roomJoined(roomId)),
            List.of(userId, Long.toString(joinMemoryMs)))
        .map(Response::toLong);
  }

  /** Reports this node's viewers of each room it holds any in: one script call per room. */
  public Future<Void> report(String nodeId, Iterable<LocalRoom> rooms) {
    List<Future<Response>> writes = new ArrayList<>();
    String expiry = Long.toString(AUDIENCE_EXPIRY_MS);
    for (LocalRoom room : rooms) {
      int viewers = room.viewers();
      if (viewers > 0) {
        writes.add(LuaScript.AUDIENCE.call(redis, List.of(RedisKeys.roomAudience(room.roomId())),
            List.of(nodeId, Integer.toString(viewers), expiry)));
      }
    }
    return Future.join(writes).mapEmpty();
  }

  /**
   * The room's viewers at {@code atMs} (epoch ms, Redis's clock): the sum of the counts reported within
   * {@link #FRESH_MS} before it. Counts of nodes silent for a minute are removed on the way.
   */
  public Future<Long> audience(String roomId, long atMs) {
    String key = RedisKeys.roomAudience(roomId);
    return redis.send(Request.cmd(Command.HGETALL).arg(key)).map(reply -> {
      long viewers = 0;
      List<String> forgotten = new ArrayList<>();
      for (Map.Entry<String, String> report : Replies.texts(reply).entrySet()) {
        String[] countAndMs = report.getValue().split(" ");
        long reportedMs = Long.parseLong(countAndMs[1]);
        if (reportedMs > atMs - FRESH_MS) {
          viewers += Long.parseLong(countAndMs[0]);
        } else if (reportedMs < atMs - FORGET_MS) {
          forgotten.add(report.getKey());
        }
      }
      if (!forgotten.isEmpty()) {
        Request forget = Request.cmd(Command.HDEL).arg(key);
        forgotten.forEach(forget::arg);
        redis.send(forget);
      }
      return viewers;
    });
  }
}
