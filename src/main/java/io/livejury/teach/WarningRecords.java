package io.livejury.teach;

import io.livejury.common.RedisKeys;
import io.livejury.model.Warning;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.Optional;

/**
 * Recent warnings, by id, in Redis ({@link RedisKeys#warning}), each for {@code LIVEJURY_WARNING_RECORD_HOURS}.
 *
 * <p>Why Redis and a day: staff mark a warning wrong while the stream is on or soon after, on whichever node their
 * console reaches, so every node must find it; warnings come with every hit of every segment, which Postgres
 * need not carry forever on the transcript path; and the sentence to teach is then the server's own record of
 * what was said, never text a client sends with the warning's id. A record outlives the room's event stream
 * (capped, expiring once the room falls quiet) on purpose.
 */
public final class WarningRecords {

  private final Redis redis;
  private final long seconds;

  /** @param hours how long a warning can be taught after it was raised */
  public WarningRecords(Redis redis, int hours) {
    this.redis = redis;
    this.seconds = hours * 3600L;
  }

  /** Keeps the warning's sentence and rule; completes once stored. */
  public Future<Void> remember(Warning warning) {
    JsonObject record = new JsonObject().put("id", warning.id()).put("roomId", warning.roomId())
        .put("ruleId", warning.ruleId()).put("category", warning.category())
        .put("text", warning.evidence().text()).put("at", warning.at());
    return redis.send(Request.cmd(Command.SET).arg(RedisKeys.warning(warning.id())).arg(record.encode())
        .arg("EX").arg(seconds)).mapEmpty();
  }

  /** The warning's record, empty when unknown or older than the record hours. */
  public Future<Optional<JsonObject>> find(String warningId) {
    return redis.send(Request.cmd(Command.GET).arg(RedisKeys.warning(warningId)))
        .map(reply -> reply == null ? Optional.empty() : Optional.of(new JsonObject(reply.toString())));
  }
}
