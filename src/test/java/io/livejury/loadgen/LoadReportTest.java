package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The load report's checks of a drawn jury, on made-up outcomes (no node involved). */
class LoadReportTest {

  private static final String ROOM = "load-r-0";
  private static final String SEED = "0123456789abcdef0123456789abcdef";
  private static final JsonObject HALF = new JsonObject().put("size", 50).put("rate", 0.5).put("seed", SEED);

  @Test
  void theDrawIsTheFirst32BitsOfSha1OfSeedAndVoterBelowRateTimesTwoToThe32() {
    // sha1("0123456789abcdef0123456789abcdef:v1") starts 46440342 (below 0.5 · 2^32 = 80000000 in hex);
    // sha1("…:v2") starts e8ee83ce (above it).
    assertThat(LoadReport.drawn(HALF, "v1")).isTrue();
    assertThat(LoadReport.drawn(HALF, "v2")).isFalse();
    assertThat(LoadReport.drawn(null, "v2")).isTrue();
    assertThat(LoadReport.drawn(HALF.copy().put("rate", 1), "v2")).isTrue();
    assertThat(LoadReport.drawn(HALF.copy().put("rate", "0.5"), "v1")).isTrue();
    long drawn = java.util.stream.IntStream.range(0, 10_000)
        .filter(i -> LoadReport.drawn(HALF.copy().put("rate", 0.2), "v" + i)).count();
    assertThat(drawn).isBetween(1_850L, 2_150L);
  }

  @Test
  void drawnVotersAreAcceptedAndTheOthersRejectedAsNotSelected() {
    List<Voter.Outcome> outcomes = new ArrayList<>();
    long notDrawn = 0;
    int trueVotes = 0;
    for (int i = 0; i < 40; i++) {
      boolean drawn = LoadReport.drawn(HALF, "v" + i);
      notDrawn += drawn ? 0 : 1;
      trueVotes += drawn ? 1 : 0;
      outcomes.add(outcome("v" + i, drawn ? "accepted" : "rejected", drawn ? null : "not_selected"));
    }
    JsonObject verdict = verdict(trueVotes, new JsonObject().put("not_selected", notDrawn), new JsonArray());
    List<Voter.Outcome> withVerdicts = outcomes.stream().map(o -> withVerdict(o, verdict)).toList();

    JsonObject report = report(withVerdicts, HALF);
    assertThat(report.getJsonArray("problems")).isEmpty();
    assertThat(report.getLong("acceptedBallots")).isEqualTo(trueVotes);
    assertThat(report.getLong("rejectedBallots")).isEqualTo(notDrawn);
    assertThat(report.getJsonObject("jury").getJsonObject("excluded").getLong("not_selected")).isEqualTo(notDrawn);
  }

  @Test
  void aWrongAckAWrongExclusionCountAndASharedNetworkFlagAreProblems() {
    List<Voter.Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      outcomes.add(outcome("v" + i, "accepted", null)); // as if nobody had been left out of the jury
    }
    JsonObject verdict = verdict(40, new JsonObject().put("late_join", 3),
        new JsonArray().add(new JsonObject().put("type", "shared_network")));
    JsonObject report = report(outcomes.stream().map(o -> withVerdict(o, verdict)).toList(), HALF);
    List<String> problems = report.getJsonArray("problems").stream().map(String::valueOf).toList();
    assertThat(problems).anyMatch(p -> p.contains("got accepted instead of rejected"));
    assertThat(problems).anyMatch(p -> p.contains("as late_join"));
    assertThat(problems).anyMatch(p -> p.contains("as not_selected but"));
    assertThat(problems).anyMatch(p -> p.contains("shared_network"));
  }

  @Test
  void withoutAJuryBlockEveryBallotOnTimeIsExpectedAccepted() {
    JsonObject verdict = new JsonObject().put("id", "v-1").put("outcome", "NOT_FALSE")
        .put("counts", new JsonObject().put("true", 2).put("false", 0).put("unsure", 0));
    List<Voter.Outcome> outcomes = List.of(withVerdict(outcome("a", "accepted", null), verdict),
        withVerdict(outcome("b", "accepted", null), verdict));
    JsonObject report = report(outcomes, null);
    assertThat(report.getJsonArray("problems")).isEmpty();
    assertThat(report.getValue("jury")).isNull();
  }

  private static JsonObject report(List<Voter.Outcome> outcomes, JsonObject jury) {
    return LoadReport.of(outcomes, List.of(ROOM), Map.of(ROOM, 0L), Map.of(ROOM, 0L),
        jury == null ? Map.of() : Map.of(ROOM, jury), 10, Map.of());
  }

  private static JsonObject verdict(long trueVotes, JsonObject excluded, JsonArray flags) {
    return new JsonObject().put("id", "v-1").put("outcome", "NOT_FALSE")
        .put("counts", new JsonObject().put("true", trueVotes).put("false", 0).put("unsure", 0))
        .put("jury", new JsonObject().put("eligible", 40).put("voted", trueVotes).put("excluded", excluded)
            .put("flags", flags));
  }

  private static Voter.Outcome outcome(String userId, String ack, String reason) {
    return new Voter.Outcome(userId, ROOM, new Voter.Plan("true", false, false, false, false), 1_000, 2_000, 3_000, ack,
        reason, null, 0, null, 1, 1, 0, null, 0);
  }

  private static Voter.Outcome withVerdict(Voter.Outcome o, JsonObject verdict) {
    return new Voter.Outcome(o.userId(), o.roomId(), o.plan(), o.promptAt(), o.ballotSentAt(), o.ackAt(),
        o.firstAck(), o.firstReason(), o.secondAck(), 4_000, verdict.encode(), o.tallies(), o.tallyPeak(), 1,
        o.dropped(), o.retries());
  }
}
