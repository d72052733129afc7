package io.livejury.support;

import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/** Looks straight into the shared Redis, for what no API shows yet (the verdict stream). */
public final class RedisProbe {

  private final Redis redis;

  public RedisProbe(Vertx vertx) {
    this.redis = Redis.createClient(vertx, EmbeddedServersExtension.servers().redisUrl());
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
    claimed.forEach(id -> ids.add(id.toString()));
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

  public void close() {
    redis.close();
  }
}
