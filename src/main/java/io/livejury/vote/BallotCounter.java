package io.livejury.vote;

import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.common.ReplicatedWrites;
import io.livejury.jury.JurorProfile;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts ballots: one EVALSHA per ballot does the open check, the eligibility check (for a prompt with jury
 * rules), the dedupe and the increment atomically in Redis, so the answer is final when it arrives and the
 * voter is acknowledged only after Redis counted. With {@code LIVEJURY_REDIS_ACK_REPLICAS} set, an answer that
 * says the voter's ballot is counted ({@code accepted}, {@code duplicate}) also waits until that many replicas
 * hold it ({@link ReplicatedWrites}); else the cast's safe answer fails with {@link ReplicatedWrites.NotReplicated}.
 */
public final class BallotCounter {

  /** {@code status} is the ack status of docs/protocol.md; {@code detail} the reason, or the earlier option of a duplicate. */
  public record Outcome(String status, String detail) {
  }

  private final ReplicatedWrites writes;
  /** Ballots sent to Redis whose answer has not come back yet, over all event loops. */
  private final LongAdder unanswered = new LongAdder();

  public BallotCounter(ReplicatedWrites writes) {
    this.writes = writes;
  }

  /** How many of this node's ballots are with Redis now, their answers not back: the backlog of a burst. */
  public long unanswered() {
    return unanswered.sum();
  }

  /**
   * Casts one ballot.
   *
   * @param startNanos when the ballot was received: the replicas' timeout runs from then
   * @param jurorArgs the voter's {@link #jurorArgs}, made once per socket; null while the jury rules are off on
   *                  this node (a prompt with rules then refuses the ballot as {@code late_join}: the voter's
   *                  presence is unknown)
   * @return the outcome once Redis counted it, and once it may be told to the voter
   */
  public ReplicatedWrites.Written<Outcome> cast(String roomId, String voterId, String promptId, String optionId,
      List<String> jurorArgs, long startNanos) {
    List<String> keys = List.of(RedisKeys.prompt(promptId), RedisKeys.voters(promptId), RedisKeys.counts(promptId),
        RedisKeys.curve(promptId), RedisKeys.excluded(promptId), RedisKeys.exclusions(promptId));
    List<String> args = new ArrayList<>(3 + (jurorArgs == null ? 0 : jurorArgs.size()));
    args.add(voterId);
    args.add(optionId);
    args.add(roomId);
    if (jurorArgs != null) {
      args.addAll(jurorArgs);
    }
    ReplicatedWrites.Written<Outcome> written = writes.write(keys.get(0), redis -> LuaScript.BALLOT.call(redis, keys, args)
        .map(reply -> {
          String status = reply.get(0).toString();
          String detail = reply.get(1).toString();
          return new Outcome(status, "duplicate".equals(status) ? votedOption(detail) : detail);
        }), BallotCounter::counted, startNanos);
    unanswered.increment();
    written.answered().onComplete(done -> unanswered.decrement());
    return written;
  }

  /** The answers that tell the voter their ballot is counted: only these must survive the loss of a server. */
  private static boolean counted(Outcome outcome) {
    return "accepted".equals(outcome.status()) || "duplicate".equals(outcome.status());
  }

  /**
   * What ballot.lua needs of a juror, in its ARGV order from ARGV[4]: first joined (epoch ms), account created
   * (epoch s, or ''), verified '1'|'0', conflicted '1'|'0', net id, weight. The same for each of a socket's
   * ballots, so a socket makes it once.
   *
   * @param conflicted the juror's ties hold the room's streamer or merchant
   */
  public static List<String> jurorArgs(JurorProfile juror, boolean conflicted) {
    Long acct = juror.claims().accountCreatedSec();
    return List.of(Long.toString(juror.firstJoinedMs()), acct == null ? "" : Long.toString(acct),
        juror.claims().verified() ? "1" : "0", conflicted ? "1" : "0", juror.netId(), Double.toString(juror.weight()));
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
