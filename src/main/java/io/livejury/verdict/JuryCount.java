package io.livejury.verdict;

import io.livejury.common.RedisKeys;
import io.livejury.common.Replies;
import io.livejury.jury.CoVoting;
import io.livejury.jury.CoordinationFlags;
import io.livejury.jury.CountedBallot;
import io.livejury.jury.Flag;
import io.livejury.jury.FlagRules;
import io.livejury.jury.JuryReport;
import io.livejury.jury.Voters;
import io.livejury.model.Prompt;
import io.livejury.model.PromptKind;
import io.livejury.model.PromptOption;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts a closed jury prompt's ballots for its verdict: reads them from the voters hash in pages, sums their
 * weights per option (for {@link VerdictRule}) and raises the coordination flags ({@link CoordinationFlags}),
 * following {@code co_voting} back through the room's recent closed prompts (each one's ballots of the jurors
 * followed, by HMGET or, for a small prompt, whole, and its per-second curve). The arithmetic over the ballots runs
 * off the event loop: a prompt of a huge room holds hundreds of thousands of them.
 */
final class JuryCount {

  /** The jury block of the verdict and the weights of each option's ballots. */
  record Counted(JuryReport report, Map<String, VerdictRule.Weight> weights) {
  }

  /**
   * Redis's default {@code hash-max-listpack-entries}: hashes up to this size are kept as listpacks. A server set
   * otherwise only changes which read {@link #ballotsOf} picks, never what it returns.
   */
  private static final int LISTPACK_ENTRIES = 512;
  /** From this many fields a listpack is cheaper to read whole (HSCAN costs about 40 field searches of one). */
  private static final int WHOLE_READ_FIELDS = 40;

  private final Vertx vertx;
  private final Redis redis;
  private final FlagRules rules;
  private final CoordinationFlags flags;

  JuryCount(Vertx vertx, Redis redis, FlagRules rules) {
    this.vertx = vertx;
    this.redis = redis;
    this.rules = rules;
    this.flags = new CoordinationFlags(rules);
  }

  /**
   * @param eligible the prompt's {@code eligible} count
   * @param excluded the prompt's exclusions by reason
   */
  Future<Counted> count(Prompt prompt, PromptKind kind, long eligible, Map<String, Long> excluded) {
    List<String> options = prompt.options().stream().map(PromptOption::id).toList();
    Future<List<String>> earlier = earlierPrompts(prompt);
    Future<Map<String, CountedBallot>> read = earlier.compose(ids -> Voters.all(redis, prompt.id(), options));
    return read
        .compose(ballots -> vertx.executeBlocking(() -> firstLook(kind, options, ballots, earlier.result().size())))
        .compose(look -> walkBack(look.coVoting(), earlier.result(), 0).map(coVoting -> {
          List<Flag> raised = new ArrayList<>(look.flags());
          coVoting.flag().ifPresent(raised::add);
          return new Counted(new JuryReport(eligible, read.result().size(), excluded, look.weighted(), raised),
              look.weights());
        }));
  }

  private record FirstLook(Map<String, VerdictRule.Weight> weights, Map<String, Double> weighted, List<Flag> flags,
      CoVoting coVoting) {
  }

  private FirstLook firstLook(PromptKind kind, List<String> options, Map<String, CountedBallot> ballots,
      int earlierPrompts) {
    Map<String, VerdictRule.Weight> weights = new LinkedHashMap<>();
    options.forEach(option -> weights.put(option, VerdictRule.Weight.NONE));
    for (CountedBallot ballot : ballots.values()) {
      weights.compute(ballot.option(), (option, sum) ->
          (sum == null ? VerdictRule.Weight.NONE : sum).plus(ballot.weight()));
    }
    Map<String, Double> weighted = new LinkedHashMap<>();
    weights.forEach((option, weight) -> weighted.put(option, Math.round(weight.sum() * 10_000) / 10_000.0));
    List<Flag> raised = new ArrayList<>(flags.sharedNetwork(ballots.values(), kind.condemning()));
    raised.addAll(flags.bursts(ballots.values()));
    return new FirstLook(weights, weighted, raised, flags.coVoting(ballots.values(), earlierPrompts));
  }

  /** The room's last closed jury prompts, newest first, without this one (a retried close may have listed it). */
  private Future<List<String>> earlierPrompts(Prompt prompt) {
    return redis.send(Request.cmd(Command.LRANGE).arg(RedisKeys.roomClosedPrompts(prompt.roomId()))
            .arg(0).arg(rules.coVotingLookback()))
        .map(reply -> {
          List<String> ids = new ArrayList<>();
          if (reply != null) {
            for (Response id : reply) {
              if (!prompt.id().equals(id.toString()) && ids.size() < rules.coVotingLookback()) {
                ids.add(id.toString());
              }
            }
          }
          return ids;
        });
  }

  private Future<CoVoting> walkBack(CoVoting walk, List<String> earlier, int step) {
    Set<String> wanted = walk.wanted();
    if (step >= earlier.size() || wanted.isEmpty()) {
      return Future.succeededFuture(walk);
    }
    String promptId = earlier.get(step);
    return redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.curve(promptId)))
        .compose(curve -> {
          CoVoting.Spread spread = CoVoting.Spread.of(Replies.counts(curve));
          return ballotsOf(promptId, wanted, spread.total())
              .compose(theirs -> vertx.executeBlocking(() -> walk.next(theirs, spread)));
        })
        .compose(next -> walkBack(next, earlier, step + 1));
  }

  /**
   * The ballots of {@code wanted} on an earlier prompt of {@code total} ballots (its curve's sum), or all of its
   * ballots when that is cheaper for Redis. Why: a voters hash of at most {@link #LISTPACK_ENTRIES} entries is a
   * listpack, which HMGET searches end to end for each field: following 500 jurors through a 500-ballot prompt cost
   * Redis 7.0 2.9 ms by HMGET against 0.22 ms by HSCAN (which returns a listpack whole); in a bigger hash (a hash
   * table) HMGET is the cheaper, 0.07 ms for the same 500.
   */
  private Future<Map<String, CountedBallot>> ballotsOf(String promptId, Set<String> wanted, long total) {
    if (total > LISTPACK_ENTRIES || wanted.size() < WHOLE_READ_FIELDS) {
      return Voters.of(redis, promptId, wanted);
    }
    return Voters.all(redis, promptId, List.of());
  }
}
