package io.livejury.vote;

import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.jury.JurorProfile;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.List;

/**
 * Counts ballots: one EVALSHA per ballot does the open check, the eligibility check (for a prompt with jury
 * rules), the dedupe and the increment atomically in Redis, so the answer is final when it arrives and the
 * voter is acknowledged only after Redis counted.
 */
public final class BallotCounter {

  /** {@code status} is the ack status of PROTOCOL.md; {@code detail} the reason, or the earlier option of a duplicate. */
  public record Outcome(String status, String detail) {
  }

  private final Redis redis;

  public BallotCounter(Redis redis) {
    this.redis = redis;
  }

  /**
   * Casts one ballot.
   *
   * @param juror      the voter as a juror of the room; null while the jury rules are off on this node (a
   *                   prompt with rules then refuses the ballot as {@code late_join}: its presence is unknown)
   * @param conflicted the voter's ties hold the room's streamer or merchant
   */
  public Future<Outcome> cast(String roomId, String voterId, String promptId, String optionId, JurorProfile juror,
      boolean conflicted) {
    List<String> keys = List.of(RedisKeys.prompt(promptId), RedisKeys.voters(promptId), RedisKeys.counts(promptId),
        RedisKeys.curve(promptId), RedisKeys.excluded(promptId), RedisKeys.exclusions(promptId));
    List<String> args = juror == null ? List.of(voterId, optionId, roomId)
        : List.of(voterId, optionId, roomId, Long.toString(juror.firstJoinedMs()),
            juror.claims().accountCreatedSec() == null ? "" : Long.toString(juror.claims().accountCreatedSec()),
            juror.claims().verified() ? "1" : "0", conflicted ? "1" : "0", juror.netId(),
            Double.toString(juror.weight()));
    return LuaScript.BALLOT.call(redis, keys, args).map(reply -> {
      String status = reply.get(0).toString();
      String detail = reply.get(1).toString();
      return new Outcome(status, "duplicate".equals(status) ? votedOption(detail) : detail);
    });
  }

  /**
   * The option of a voters-hash value: {@code "<option> <castAtMs> <netId> <weight>"} when the prompt has jury
   * rules, {@code "<option>"} when not; option ids hold no spaces.
   */
  public static String votedOption(String votersValue) {
    int space = votersValue.indexOf(' ');
    return space < 0 ? votersValue : votersValue.substring(0, space);
  }
}
