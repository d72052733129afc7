package io.livejury.support;

import io.livejury.escalation.StaffFeedVerticle;
import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.common.Replies;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Looks straight into the shared Redis, for what no API shows yet (the verdict stream). */
public final class RedisProbe {

  private final Redis redis;

  public RedisProbe(Vertx vertx) {
    this.redis = Redis.createClient(vertx, EmbeddedServersExtension.servers().redisUrl());
  }

  /** Deletes every key of the staff review queue, for a test that must see only its own items in order. */
  public void clearQueue() {
    String cursor = "0";
    do {
      Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("lj:{q}:*").arg("COUNT")
          .arg(1000)).await();
      cursor = page.get(0).toString();
      for (Response key : page.get(1)) {
        redis.send(Request.cmd(Command.DEL).arg(key.toString())).await();
      }
    } while (!"0".equals(cursor));
  }

  /** The verdicts the stream holds for one prompt, in order. */
  public List<JsonObject> streamedVerdicts(String promptId) {
    Response entries = redis.send(Request.cmd(Command.XRANGE).arg(RedisKeys.VERDICT_STREAM).arg("-").arg("+")).await();
    List<JsonObject> verdicts = new ArrayList<>();
    for (Response entry : entries) {
      Response fields = entry.get(1);
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if ("verdict".equals(fields.get(i).toString())) {
          JsonObject verdict = new JsonObject(fields.get(i + 1).toString());
          if (promptId.equals(verdict.getString("promptId"))) {
            verdicts.add(verdict);
          }
        }
      }
    }
    return verdicts;
  }

  public String promptStatus(String promptId) {
    Response status = redis.send(Request.cmd(Command.HGET).arg(RedisKeys.prompt(promptId)).arg("status")).await();
    return status == null ? null : status.toString();
  }

  /** Claims due prompts the way a node's closer does, then does nothing more: a node that died mid-close. */
  public List<String> claimDueAndDie(long leaseMs) {
    Response claimed = LuaScript.CLAIM_DUE.call(redis, List.of(RedisKeys.DEADLINES),
        List.of(Long.toString(leaseMs), "1000")).await();
    List<String> ids = new ArrayList<>();
    claimed.get(0).forEach(id -> ids.add(id.toString())); // {claimed ids, ms until the next deadline}
    return ids;
  }

  /** Appends a verdict to the stream exactly as the closer hands one off. */
  public void appendVerdict(JsonObject verdict) {
    redis.send(Request.cmd(Command.XADD).arg(RedisKeys.VERDICT_STREAM).arg("*")
        .arg("promptId").arg(verdict.getString("promptId")).arg("verdict").arg(verdict.encode())).await();
  }

  /** Reads new entries as a consumer that then dies: they sit unacknowledged in its pending list. */
  public int readAsDeadConsumer(String consumer) {
    Response reply = redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg("penalty").arg(consumer)
        .arg("COUNT").arg(1000).arg("STREAMS").arg(RedisKeys.VERDICT_STREAM).arg(">")).await();
    if (reply == null) {
      return 0;
    }
    return reply.containsKey(RedisKeys.VERDICT_STREAM) ? reply.get(RedisKeys.VERDICT_STREAM).size() : reply.get(0).get(1).size();
  }

  /** Drops every pub/sub connection, as a network blip or a Redis failover would. */
  public void killSubscribers() {
    redis.send(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("pubsub")).await();
  }

  /**
   * Kills every room subscriber connection ({@code sub>0} in CLIENT LIST, but not a staff feed's or the
   * taught-examples listener's, which name themselves), one by one with CLIENT KILL ID, as a network blip would drop
   * a node's subscriber; returns how many it killed.
   */
  public int killSubscriberConnections() {
    String clients = redis.send(Request.cmd(Command.CLIENT).arg("LIST")).await().toString();
    int killed = 0;
    for (String line : clients.split("\n")) {
      Map<String, String> fields = new HashMap<>();
      for (String pair : line.trim().split(" ")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          fields.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
      if (Integer.parseInt(fields.getOrDefault("sub", "0")) > 0
          && !StaffFeedVerticle.CONNECTION_NAME.equals(fields.get("name"))
          && !io.livejury.teach.TeachVerticle.CONNECTION_NAME.equals(fields.get("name"))) {
        killed += redis.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(fields.get("id"))).await().toInteger();
      }
    }
    return killed;
  }

  /** Kills the staff feed's subscriber connection (it names itself), as a network blip would; returns how many. */
  public int killStaffFeedSubscriber() {
    String name = StaffFeedVerticle.CONNECTION_NAME;
    String clients = redis.send(Request.cmd(Command.CLIENT).arg("LIST")).await().toString();
    int killed = 0;
    for (String line : clients.split("\n")) {
      if (line.contains(" name=" + name + " ")) {
        String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
        killed += redis.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(id)).await().toInteger();
      }
    }
    return killed;
  }

  /** Whether a key is set, such as a rule's "already warned" mark. */
  public boolean exists(String key) {
    return redis.send(Request.cmd(Command.EXISTS).arg(key)).await().toInteger() == 1;
  }

  /** Deletes keys, as a Redis that lost them would (a failover to a lagging replica, a restart from a snapshot). */
  public void delete(String... keys) {
    Request del = Request.cmd(Command.DEL);
    for (String key : keys) {
      del.arg(key);
    }
    redis.send(del).await();
  }

  /** A hash's fields and values; empty when the key is missing. */
  public Map<String, String> hash(String key) {
    return Replies.texts(redis.send(Request.cmd(Command.HGETALL).arg(key)).await());
  }

  /** How many entries a room's event stream holds. */
  public long roomEvents(String roomId) {
    return redis.send(Request.cmd(Command.XLEN).arg(RedisKeys.roomEvents(roomId))).await().toLong();
  }

  public void close() {
    redis.close();
  }
}
