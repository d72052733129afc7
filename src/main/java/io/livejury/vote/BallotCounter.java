package io.livejury.vote;

import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.List;

/**
 * Counts ballots: one EVALSHA per ballot does the open check, the dedupe and the increment atomically in
 * Redis, so the answer is final when it arrives and the voter is acknowledged only after Redis counted.
 */
public final class BallotCounter {

  /** {@code status} is the ack status of PROTOCOL.md; {@code detail} the reason, or the earlier option of a duplicate. */
  public record Outcome(String status, String detail) {
  }

  private final Redis redis;

  public BallotCounter(Redis redis) {
    this.redis = redis;
  }

  public Future<Outcome> cast(String roomId, String voterId, String promptId, String optionId) {
    return LuaScript.BALLOT.call(redis,
            List.of(RedisKeys.prompt(promptId), RedisKeys.voters(promptId), RedisKeys.counts(promptId),
                RedisKeys.curve(promptId)),
            List.of(voterId, optionId, roomId))
        .map(reply -> new Outcome(reply.get(0).toString(), reply.get(1).toString()));
  }
}
