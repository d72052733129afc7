package io.livejury.verdict;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.JuryPrompts;
import io.livejury.support.JuryPrompts.Ballot;
import io.livejury.support.PgProbe;
import io.livejury.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The verdict side of juries against the real servers: a node's closer decides jury prompts and its penalty side
 * records them, their ballots and their jurors' scores. Each prompt is left in Redis exactly as the ballot path
 * leaves it at the deadline ({@link JuryPrompts}): its voters hash holds the ballot script's
 * {@code "<option> <castAtMs> <netId> <weight>"} values.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class JuryVerdictTest {

  private static TestNode node;
  private static Http http;
  private static String staff;
  private static JuryPrompts prompts;
  private static PgProbe pg;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start();
    http = new Http(node.port());
    staff = http.token("staff-jury", "staff");
    prompts = new JuryPrompts(vertx);
    pg = new PgProbe(vertx);
  }

  @AfterAll
  static void stop(Vertx vertx) {
    prompts.close();
    pg.close();
    node.stopAfter(vertx);
  }

  private static Ballot ballot(String user, String option, long castAtMs) {
    return Ballot.of(user, option, castAtMs);
  }

  private static String juryPrompt(String roomId, String streamerId, List<Ballot> ballots, long eligible,
      Map<String, Long> exclusions, Map<String, Object> calibration) {
    return prompts.due(roomId, streamerId, ballots, eligible, exclusions, calibration);
  }

  private static JsonObject recorded(String promptId) {
    return http.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(30));
  }

  private static JsonObject juror(String userId) {
    Http.Reply reply = http.get("/api/jurors/" + userId, staff);
    assertThat(reply.status()).isEqualTo(200);
    return reply.body();
  }

  private static Http.Reply review(String verdictId, String action, boolean rereview) {
    JsonObject body = new JsonObject().put("action", action).put("reason", "staff " + action);
    if (rereview) {
      body.put("rereview", true);
    }
    return http.post("/api/verdicts/" + verdictId + "/review", staff, body);
  }

  @Test
  void theVerdictCarriesItsJuryAndItsBallotsReachPostgres(VertxTestContext tc) {
    String streamer = "streamer-jury-block";
    String roomId = http.createRoom(staff, streamer);
    // 2,500 ballots over 50 s, the options interleaved (no wave, no shared network): 1,500 "false" (1,000 of weight 1,
    // 500 of weight 2), 900 "true" of weight 0.5, 100 "unsure". Several HSCAN pages and insert chunks.
    long t0 = System.currentTimeMillis() - 55_000;
    List<Ballot> ballots = new ArrayList<>();
    int falses = 0;
    for (int i = 0; i < 2_500; i++) {
      int slot = i % 25;
      String option = slot < 15 ? "false" : slot < 24 ? "true" : "unsure";
      String weight = "false".equals(option) ? (falses++ % 3 == 2 ? "2" : "1") : "true".equals(option) ? "0.5" : "1";
      String user = "juror-" + i;
      ballots.add(new Ballot(user, option, t0 + i * 20L, JuryPrompts.net(user), weight));
    }
    String promptId = juryPrompt(roomId, streamer, ballots, 2_600, Map.of("late_join", 40L, "conflict", 3L), null);
    JsonObject verdict = recorded(promptId);

    // p = 2,000 / 2,450 on n_eff = 2,450² / 3,225 = 1,861.24: Wilson lower bound 0.7981 (unweighted: 0.6054).
    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    assertThat(verdict.getDouble("confidence")).isEqualTo(0.7981);
    assertThat(verdict.getLong("total")).isEqualTo(2_500);
    JsonObject jury = verdict.getJsonObject("jury");
    assertThat(jury.getLong("eligible")).isEqualTo(2_600);
    assertThat(jury.getLong("voted")).isEqualTo(2_500);
    assertThat(jury.getJsonObject("excluded").getMap())
        .containsOnly(Map.entry("late_join", 40), Map.entry("conflict", 3));
    JsonObject weighted = jury.getJsonObject("weighted");
    assertThat(weighted.getDouble("false")).isEqualTo(2_000.0);
    assertThat(weighted.getDouble("true")).isEqualTo(450.0);
    assertThat(weighted.getDouble("unsure")).isEqualTo(100.0);
    assertThat(jury.getJsonArray("flags")).isEmpty();
    assertThat(verdict.containsKey("calibration")).isFalse();
    assertThat(verdict.getJsonObject("penalty").getString("status")).as("no flag: the warning takes effect")
        .isEqualTo("active");

    String verdictId = verdict.getString("id");
    assertThat(pg.count("SELECT count(*) FROM ballots WHERE verdict_id = $1", verdictId)).isEqualTo(2_500);
    assertThat(pg.count("SELECT count(*) FROM ballots WHERE verdict_id = $1 AND option = 'false' AND weight = 2",
        verdictId)).isEqualTo(500);
    Ballot last = ballots.get(2_499);
    assertThat(pg.count("SELECT count(*) FROM ballots WHERE verdict_id = $1 AND user_id = $2 AND option = $3"
            + " AND net = $4 AND weight = 1 AND cast_at = timestamptz 'epoch' + $5::bigint * interval '1 millisecond'",
        verdictId, last.user(), last.option(), last.net(), last.castAtMs())).isEqualTo(1);
    tc.completeNow();
  }

  @Test
  void fortyCondemningBallotsFromOneNetworkMakeTheWarningWaitForStaff(VertxTestContext tc) {
    String streamer = "streamer-verdict-one-net";
    String roomId = http.createRoom(staff, streamer);
    long t0 = System.currentTimeMillis() - 45_000;
    List<Ballot> ballots = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String user = "net-voter-" + i;
      // Every fifth ballot is a "true" from a network of its own; the 40 "false" all come from one.
      ballots.add(i % 5 == 4 ? ballot(user, "true", t0 + i * 800L)
          : new Ballot(user, "false", t0 + i * 800L, "0123456789ab", "1"));
    }
    String promptId = juryPrompt(roomId, streamer, ballots, 60, Map.of(), null);
    JsonObject verdict = recorded(promptId);

    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    JsonArray flags = verdict.getJsonObject("jury").getJsonArray("flags");
    assertThat(flags).hasSize(1);
    assertThat(flags.getJsonObject(0).getString("type")).isEqualTo("shared_network");
    assertThat(flags.getJsonObject(0).getJsonObject("detail").getMap()).containsOnly(Map.entry("net", "0123456789ab"),
        Map.entry("ballots", 40), Map.entry("share", 1.0));
    JsonObject penalty = verdict.getJsonObject("penalty");
    assertThat(penalty.getString("level")).as("a first offence").isEqualTo("WARNING");
    assertThat(penalty.getString("status")).isEqualTo("pending_review");
    assertThat(penalty.getString("startsAt")).isNull();

    Http.Reply confirmed = review(verdict.getString("id"), "confirm", false);
    assertThat(confirmed.body().getJsonObject("penalty").getString("status")).isEqualTo("active");
    tc.completeNow();
  }

  @Test
  void aWaveOfTheClearingOptionIsReportedButDoesNotHoldTheWarning(VertxTestContext tc) {
    String streamer = "streamer-fan-wave";
    String roomId = http.createRoom(staff, streamer);
    // 120 "false", one every 500 ms over 60 s; at 20 s the streamer's fans cast 25 "true" within 0.5 s. The strongest
    // window opens at 18.5 s: 29 ballots, the 25 "true" and 4 "false", 0.8621 against 0 in the rest of 116: pooled
    // share 25/145, z = 0.8621 / √(0.1724 · 0.8276 · (1/29 + 1/116)) = 10.99. Condemned all the same, 120 of 145.
    long t0 = System.currentTimeMillis() - 62_000;
    List<Ballot> ballots = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      ballots.add(ballot("steady-" + i, "false", t0 + i * 500L));
    }
    for (int i = 0; i < 25; i++) {
      ballots.add(ballot("fan-" + i, "true", t0 + 20_000 + i * 20L));
    }
    JsonObject verdict = recorded(juryPrompt(roomId, streamer, ballots, 150, Map.of(), null));

    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    assertThat(verdict.getJsonObject("counts").getMap()).containsEntry("false", 120).containsEntry("true", 25);
    JsonArray flags = verdict.getJsonObject("jury").getJsonArray("flags");
    assertThat(flags).hasSize(1);
    assertThat(flags.getJsonObject(0).getString("type")).isEqualTo("burst");
    assertThat(flags.getJsonObject(0).getJsonObject("detail").getMap()).containsOnly(Map.entry("option", "true"),
        Map.entry("from", java.time.Instant.ofEpochMilli(t0 + 18_500).toString()), Map.entry("windowSeconds", 2),
        Map.entry("ballots", 25), Map.entry("windowBallots", 29), Map.entry("windowShare", 0.8621),
        Map.entry("restShare", 0.0), Map.entry("z", 10.99));
    JsonObject penalty = verdict.getJsonObject("penalty");
    assertThat(penalty.getString("level")).as("a first offence").isEqualTo("WARNING");
    assertThat(penalty.getString("status")).as("a wave for the streamer casts no doubt on the condemnation")
        .isEqualTo("active");
    tc.completeNow();
  }

  @Test
  void aWaveOfTheCondemningOptionMakesTheWarningWaitForStaff(VertxTestContext tc) {
    String streamer = "streamer-condemning-wave";
    String roomId = http.createRoom(staff, streamer);
    // 100 honest ballots, one every 500 ms, 7 "false" to 3 "true"; at 30 s, 60 "false" within 0.6 s. The strongest
    // window opens at 30 s: 64 ballots, all "false" (the 60 and four honest ones), against 66 of 96 in the rest:
    // pooled share 130/160, z = (1 − 0.6875) / √(0.8125 · 0.1875 · (1/64 + 1/96)) = 4.96.
    long t0 = System.currentTimeMillis() - 55_000;
    List<Ballot> ballots = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ballots.add(ballot("honest-" + i, i % 10 < 7 ? "false" : "true", t0 + i * 500L));
    }
    for (int i = 0; i < 60; i++) {
      ballots.add(ballot("wave-" + i, "false", t0 + 30_000 + i * 10L));
    }
    JsonObject verdict = recorded(juryPrompt(roomId, streamer, ballots, 160, Map.of(), null));

    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    assertThat(verdict.getJsonObject("counts").getMap()).containsEntry("false", 130).containsEntry("true", 30);
    JsonArray flags = verdict.getJsonObject("jury").getJsonArray("flags");
    assertThat(flags).hasSize(1);
    assertThat(flags.getJsonObject(0).getString("type")).isEqualTo("burst");
    assertThat(flags.getJsonObject(0).getJsonObject("detail").getMap()).containsOnly(Map.entry("option", "false"),
        Map.entry("from", java.time.Instant.ofEpochMilli(t0 + 30_000).toString()), Map.entry("windowSeconds", 2),
        Map.entry("ballots", 64), Map.entry("windowBallots", 64), Map.entry("windowShare", 1.0),
        Map.entry("restShare", 0.6875), Map.entry("z", 4.96));
    JsonObject penalty = verdict.getJsonObject("penalty");
    assertThat(penalty.getString("level")).as("a first offence").isEqualTo("WARNING");
    assertThat(penalty.getString("status")).isEqualTo("pending_review");
    assertThat(penalty.getString("startsAt")).isNull();
    tc.completeNow();
  }

  @Test
  void aCalibrationPromptPenalisesNobodyAndMovesRightAndWrongJurorsApart(VertxTestContext tc) {
    String streamer = "streamer-verdict-calibration";
    String roomId = http.createRoom(staff, streamer);
    long t0 = System.currentTimeMillis() - 40_000;
    List<Ballot> ballots = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      ballots.add(ballot(i < 40 ? "verdict-calib-right-" + i : "verdict-calib-wrong-" + i, i < 40 ? "false" : "true",
          t0 + i * 700L));
    }
    String promptId = juryPrompt(roomId, streamer, ballots, 50, Map.of(), Map.of("answer", "false"));
    JsonObject verdict = recorded(promptId);

    assertThat(verdict.getString("outcome")).as("condemned, and still no penalty").isEqualTo("FALSE_CLAIM");
    assertThat(verdict.getJsonObject("calibration").getString("answer")).isEqualTo("false");
    assertThat(verdict.getString("reviewStatus")).isEqualTo("none");
    assertThat(verdict.containsKey("penalty")).isFalse();
    assertThat(pg.count("SELECT count(*) FROM penalties WHERE subject = $1", streamer)).isZero();

    // Prior Beta(3, 1): reputation 3/4 with no record. One right answer: 4/5; one wrong: 3/5. Weight = logit of the
    // reputation over logit(3/4): ln 4 / ln 3 = 1.2619 and ln 1.5 / ln 3 = 0.3691.
    JsonObject right = juror("verdict-calib-right-0");
    JsonObject wrong = juror("verdict-calib-wrong-40");
    assertThat(right.getJsonObject("calibration").getMap())
        .containsOnly(Map.entry("answered", 1), Map.entry("correct", 1));
    assertThat(wrong.getJsonObject("calibration").getMap())
        .containsOnly(Map.entry("answered", 1), Map.entry("correct", 0));
    assertThat(right.getDouble("reputation")).isCloseTo(0.8, within(1e-12));
    assertThat(wrong.getDouble("reputation")).isCloseTo(0.6, within(1e-12));
    assertThat(right.getDouble("weight")).isCloseTo(Math.log(4) / Math.log(3), within(1e-12));
    assertThat(wrong.getDouble("weight")).isCloseTo(Math.log(1.5) / Math.log(3), within(1e-12));
    assertThat(right.getLong("decided")).isZero();

    // The calibration verdict is no offence: the streamer's next false claim is their first.
    List<Ballot> next = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      next.add(ballot("after-calib-" + i, "false", t0 + i * 900L));
    }
    JsonObject after = recorded(juryPrompt(roomId, streamer, next, 40, Map.of(), null));
    assertThat(after.getJsonObject("penalty").getInteger("offence")).isEqualTo(1);
    assertThat(after.getJsonObject("penalty").getString("level")).isEqualTo("WARNING");
    tc.completeNow();
  }

  @Test
  void staffDecisionsScoreTheJurorsAndAReReviewTakesTheScoreBackExactly(VertxTestContext tc) {
    String streamer = "streamer-scored";
    String roomId = http.createRoom(staff, streamer);
    long t0 = System.currentTimeMillis() - 50_000;
    List<Ballot> ballots = new ArrayList<>();
    for (int i = 0; i < 43; i++) {
      String option = i < 35 ? "false" : i < 40 ? "true" : "unsure";
      ballots.add(ballot("scored-" + option + "-" + i, option, t0 + i * 1_000L));
    }
    JsonObject verdict = recorded(juryPrompt(roomId, streamer, ballots, 43, Map.of(), null));
    String verdictId = verdict.getString("id");
    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    String condemner = "scored-false-0";
    String clearer = "scored-true-35";
    String unsure = "scored-unsure-40";

    assertThat(review(verdictId, "confirm", false).status()).isEqualTo(200);
    assertThat(record(condemner)).containsExactly(1L, 1L);
    assertThat(record(clearer)).containsExactly(1L, 0L);
    assertThat(record(unsure)).as("no side taken, nothing to score").containsExactly(0L, 0L);

    assertThat(review(verdictId, "overturn", true).status()).isEqualTo(200);
    assertThat(record(condemner)).containsExactly(1L, 0L);
    assertThat(record(clearer)).containsExactly(1L, 1L);

    assertThat(review(verdictId, "confirm", true).status()).isEqualTo(200);
    assertThat(review(verdictId, "confirm", true).status()).as("the same decision again changes nothing")
        .isEqualTo(200);
    assertThat(record(condemner)).containsExactly(1L, 1L);
    assertThat(record(clearer)).containsExactly(1L, 0L);

    // The streamer appeals; staff grant it: the verdict's jurors move from the confirmation to the overturn.
    String penaltyId = verdict.getJsonObject("penalty").getString("id");
    assertThat(http.post("/api/penalties/" + penaltyId + "/appeal", http.token(streamer, "streamer", "m-" + streamer),
        new JsonObject().put("reason", "the tea is registered")).status()).isEqualTo(201);
    assertThat(review(verdictId, "overturn", false).status()).isEqualTo(200);
    assertThat(record(condemner)).containsExactly(1L, 0L);
    assertThat(record(clearer)).containsExactly(1L, 1L);
    assertThat(juror(clearer).getDouble("reputation")).isCloseTo(0.8, within(1e-12));
    assertThat(juror(condemner).getDouble("reputation")).isCloseTo(0.6, within(1e-12));
    assertThat(pg.count("SELECT count(*) FROM jurors WHERE user_id LIKE 'scored-%'")).isEqualTo(40);
    tc.completeNow();
  }

  @Test
  void anInconclusiveVerdictScoresNobody(VertxTestContext tc) {
    String streamer = "streamer-undecided";
    String roomId = http.createRoom(staff, streamer);
    long t0 = System.currentTimeMillis() - 30_000;
    List<Ballot> ballots = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ballots.add(ballot("undecided-" + i, i < 12 ? "false" : "true", t0 + i * 1_000L));
    }
    ballots.add(new Ballot("undecided-untimed", "true", t0, null, null));
    JsonObject verdict = recorded(juryPrompt(roomId, streamer, ballots, 21, Map.of(), null));
    assertThat(verdict.getString("outcome")).as("under the quorum").isEqualTo("INCONCLUSIVE");
    assertThat(review(verdict.getString("id"), "confirm", false).status()).isEqualTo(200);
    assertThat(pg.count("SELECT count(*) FROM jurors WHERE user_id LIKE 'undecided-%'")).isZero();
    assertThat(pg.count("SELECT count(*) FROM ballots WHERE verdict_id = $1", verdict.getString("id"))).isEqualTo(21);
    assertThat(pg.count("SELECT count(*) FROM ballots WHERE verdict_id = $1 AND cast_at IS NULL AND net IS NULL"
        + " AND weight = 1", verdict.getString("id"))).as("a ballot counted without jury rules").isEqualTo(1);
    tc.completeNow();
  }

  @Test
  void twelveJurorsVotingTogetherOnThreePromptsOfARoomAreCoVoting(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-co-voting");
    List<JsonObject> verdicts = threePromptsWithAPack(roomId, "streamer-co-voting", "pack-", 12, 60,
        p -> p == 1 ? "true" : "false", 30, 1_300, 50);
    assertThat(verdicts.get(0).getJsonObject("jury").getJsonArray("flags")).isEmpty();
    assertThat(verdicts.get(1).getJsonObject("jury").getJsonArray("flags")).isEmpty();
    JsonArray flags = verdicts.get(2).getJsonObject("jury").getJsonArray("flags");
    assertThat(flags).hasSize(1);
    assertThat(flags.getJsonObject(0).getString("type")).isEqualTo("co_voting");
    // On each earlier prompt the twelve's seconds hold 12 of its 42 ballots: all twelve there by chance, (2/7)^12.
    assertThat(flags.getJsonObject(0).getJsonObject("detail").getMap()).containsOnly(Map.entry("jurors", 12),
        Map.entry("prompts", 3), Map.entry("windowSeconds", 2), Map.entry("option", "false"),
        Map.entry("chance", 2.96e-7));
    assertThat(prompts.closedPrompts(roomId)).hasSize(3);
    tc.completeNow();
  }

  /**
   * The verdicts of three jury prompts of one room, each voted on by the same pack of {@code pack} jurors (one every
   * {@code packGapMs}, 5 s in, with {@code packOption} of the prompt's index) and by a crowd of {@code crowd} new
   * viewers after them (one every {@code crowdGapMs} from 8 s in, a third "true"). Each prompt starts on a whole
   * second, so the pack's seconds hold the pack alone.
   */
  private static List<JsonObject> threePromptsWithAPack(String roomId, String streamer, String packPrefix, int pack,
      long packGapMs, java.util.function.IntFunction<String> packOption, int crowd, long crowdGapMs, long eligible) {
    List<JsonObject> verdicts = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      long t0 = (System.currentTimeMillis() - 50_000) / 1000 * 1000;
      List<Ballot> ballots = new ArrayList<>();
      for (int i = 0; i < pack; i++) {
        ballots.add(ballot(packPrefix + i, packOption.apply(p), t0 + 5_000 + i * packGapMs));
      }
      for (int i = 0; i < crowd; i++) {
        ballots.add(ballot(packPrefix + "crowd-" + p + "-" + i, i % 3 == 0 ? "true" : "false",
            t0 + 8_000 + i * crowdGapMs));
      }
      verdicts.add(recorded(juryPrompt(roomId, streamer, ballots, eligible, Map.of(), null)));
    }
    return verdicts;
  }

  private static List<String> flagTypes(JsonObject verdict) {
    return verdict.getJsonObject("jury").getJsonArray("flags").stream()
        .map(f -> ((JsonObject) f).getString("type")).toList();
  }

  /** Sixty followed through prompts of 210 ballots: each earlier prompt is read whole (a listpack), not by HMGET. */
  @Test
  void sixtyJurorsVotingTogetherInASmallRoomAreFollowedThroughWholeReads(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-co-voting-sixty");
    List<JsonObject> verdicts = threePromptsWithAPack(roomId, "streamer-co-voting-sixty", "sixty-", 60, 20,
        p -> "false", 150, 250, 250);
    // Sixty in a second and a half is also a burst on every prompt; co-voting needs the third.
    assertThat(flagTypes(verdicts.get(0))).containsExactly("burst");
    assertThat(flagTypes(verdicts.get(1))).containsExactly("burst");
    assertThat(flagTypes(verdicts.get(2))).containsExactlyInAnyOrder("burst", "co_voting");
    JsonObject detail = verdicts.get(2).getJsonObject("jury").getJsonArray("flags").stream()
        .map(JsonObject.class::cast).filter(f -> f.getString("type").equals("co_voting")).findFirst().orElseThrow()
        .getJsonObject("detail");
    assertThat(detail.getInteger("jurors")).isEqualTo(60);
    assertThat(detail.getInteger("prompts")).isEqualTo(3);
    assertThat(detail.getString("option")).isEqualTo("false");
    assertThat(detail.getDouble("chance")).isLessThan(1e-6);
    tc.completeNow();
  }

  @Test
  void jurorRecordsAreForStaffAndAUserWithNoneHasThePrior(VertxTestContext tc) {
    JsonObject nobody = juror("never-voted");
    assertThat(nobody.getString("userId")).isEqualTo("never-voted");
    assertThat(nobody.getDouble("reputation")).isEqualTo(0.75);
    assertThat(nobody.getDouble("weight")).isEqualTo(1.0);
    assertThat(nobody.getLong("decided")).isZero();
    assertThat(nobody.getLong("agreed")).isZero();
    assertThat(nobody.getJsonObject("calibration").getMap()).containsOnly(Map.entry("answered", 0),
        Map.entry("correct", 0));
    assertThat(http.get("/api/jurors/never-voted", http.token("viewer-curious", "viewer")).status()).isEqualTo(403);
    assertThat(http.get("/api/jurors/never-voted", http.token("streamer-curious", "streamer", "m-c")).status())
        .isEqualTo(403);
    assertThat(http.get("/api/jurors/never-voted", null).status()).isEqualTo(401);
    assertThat(http.get("/api/jurors/" + "x".repeat(257), staff).status()).isEqualTo(400);
    assertThat(http.get("/api/jurors/tab%09id", staff).status()).isEqualTo(400);
    tc.completeNow();
  }

  /** {@code [decided, agreed]} of a juror. */
  private static List<Long> record(String userId) {
    JsonObject juror = juror(userId);
    return List.of(juror.getLong("decided"), juror.getLong("agreed"));
  }
}
