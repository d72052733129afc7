package io.livejury.support;

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

  public void close() {
    redis.close();
  }
}
