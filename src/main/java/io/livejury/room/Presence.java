package io.livejury.room;

import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.common.Replies;
import io.livejury.jury.JuryPolicy;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who is in a room, across nodes, by Redis's clock: when each user first joined it (the jury's presence rule;
 * a user away longer than the rejoin grace joins anew) and how many viewers could decide a prompt opening now
 * (the jury draw's audience). Each node reports its own such viewers of each room every {@link #REPORT_EVERY_MS};
 * a count older than {@link #FRESH_MS} is from a node that stopped reporting (it left the room, or died) and is
 * not counted.
 */
public final class Presence {

  public static final long REPORT_EVERY_MS = 1_000;
  public static final long FRESH_MS = 3_000;
  /** A node's count this old is dropped from the room's hash when the audience is read. */
  private static final long FORGET_MS = 60_000;
  /** A room's audience hash outlives its last report by this much. */
  private static final long AUDIENCE_EXPIRY_MS = 60_000;

  private final Redis redis;
  private final JuryPolicy policy;
  private final String nodeId;
  private final String joinMemoryMs;
  private final String rejoinGraceMs;

  /**
   * @param policy the jury rules: how long a room remembers joins, the rejoin grace, who may decide
   * @param nodeId this node's id, unique across nodes
   */
  public Presence(Redis redis, JuryPolicy policy, String nodeId) {
    this.redis = redis;
    this.policy = policy;
    this.nodeId = nodeId;
    this.joinMemoryMs = Long.toString(policy.joinMemoryHours() * 3_600_000L);
    this.rejoinGraceMs = Long.toString(policy.rejoinGraceSeconds() * 1_000L);
  }

  /**
   * Records a viewer socket's join on this node: the user's first join if they have none, or if they left the
   * room longer than the rejoin grace ago; completes with their first join, epoch ms.
   */
  public Future<Long> join(String roomId, String userId) {
    return LuaScript.JOIN.call(redis, List.of(RedisKeys.roomJoined(roomId), RedisKeys.roomLeft(roomId)),
            List.of(userId, joinMemoryMs, nodeId, rejoinGraceMs))
        .map(Response::toLong);
  }

  /**
   * Records that the user's last viewer socket in the room on this node closed: they left, unless they joined
   * on another node since.
   */
  public Future<Void> leave(String roomId, String userId) {
    return LuaScript.LEAVE.call(redis, List.of(RedisKeys.roomLeft(roomId)), List.of(userId, nodeId, joinMemoryMs))
        .mapEmpty();
  }

  /**
   * Reports, for each room this node holds viewers in, how many distinct viewers here could decide a prompt
   * opening now: every jury rule but the draw ({@link io.livejury.jury.JuryPolicy#decidesFromMs}), judged by Redis's clock (one TIME
   * for the node), then one script call per room.
   */
  public Future<Void> report(Iterable<LocalRoom> rooms) {
    List<LocalRoom> watched = new ArrayList<>();
    rooms.forEach(room -> {
      if (room.viewers() > 0) {
        watched.add(room);
      }
    });
    if (watched.isEmpty()) {
      return Future.succeededFuture(); // a node without viewers has nothing to report, not even Redis's clock
    }
    return redis.send(Request.cmd(Command.TIME)).compose(time -> {
      long nowMs = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
      List<Future<Response>> writes = new ArrayList<>();
      String expiry = Long.toString(AUDIENCE_EXPIRY_MS);
      for (LocalRoom room : watched) {
        writes.add(LuaScript.AUDIENCE.call(redis, List.of(RedisKeys.roomAudience(room.roomId())),
            List.of(nodeId, Integer.toString(room.eligibleViewers(nowMs)), expiry, Integer.toString(room.viewers()))));
      }
      return Future.join(writes).mapEmpty();
    });
  }

  /**
   * Every viewer in the room now, across nodes (each user once per node, as the nodes reported within
   * {@link #FRESH_MS}): the audience staff weigh a problem by, whatever the jury rules; at most
   * {@link #REPORT_EVERY_MS} plus a round trip stale.
   *
   * @param atMs now, epoch ms (Redis's clock, or a node's clock close to it)
   */
  public Future<Long> viewers(String roomId, long atMs) {
    return redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.roomAudience(roomId))).map(reply -> {
      long viewers = 0;
      for (String value : Replies.texts(reply).values()) {
        String[] fields = value.split(" ");
        if (Long.parseLong(fields[1]) > atMs - FRESH_MS) {
          viewers += Long.parseLong(fields[fields.length > 2 ? 2 : 0]);
        }
      }
      return viewers;
    });
  }

  /**
   * The room's audience at {@code atMs} (epoch ms, Redis's clock): the sum of the counts reported within
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
