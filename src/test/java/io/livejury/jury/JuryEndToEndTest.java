package io.livejury.jury;

import io.livejury.support.DevSigner;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Juries end to end, over real sockets against real Redis and Postgres: brigades that join
 * late, fans with a stake, day-old accounts, one network voting as many, a drawn jury that stays drawn on
 * another node, calibration moving reputations apart, and reports that count only from viewers who were
 * there. Presence is shortened to {@value #PRESENCE_SECONDS} s so the test need not wait half a minute.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class JuryEndToEndTest {

  private static final int PRESENCE_SECONDS = 2;
  /** This run's streamers: the ladder counts a streamer's offences across the test classes sharing Postgres. */
  private static final String RUN = Long.toString(System.nanoTime(), 36);
  private static final long OLD_ACCOUNT = Instant.now().minus(Duration.ofDays(400)).getEpochSecond();
  private static TestNode node;
  private static TestNode second;
  private static Http http;
  private static Http secondHttp;
  private static String staff;
  private static JWTAuth signer;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> env = Map.of("LIVEJURY_JURY_PRESENCE_SECONDS", Integer.toString(PRESENCE_SECONDS));
    node = TestNode.start(env);
    second = TestNode.start(env);
    http = new Http(node.port());
    secondHttp = new Http(second.port());
    staff = http.token("staff-jury", "staff");
    signer = DevSigner.create(vertx);
  }

  @AfterAll
  static void stop(Vertx vertx) {
    second.stop();
    node.stopAfter(vertx);
  }

  private static String streamer(String name) {
    return "streamer-" + name + "-" + RUN;
  }

  /** A viewer token with the platform's juror claims; by default an old account on a network of its own. */
  private static String viewer(String userId, JsonObject claims) {
    JsonObject all = new JsonObject().put("sub", userId).put("role", "viewer").put("acct", OLD_ACCOUNT)
        .put("net", "net-" + userId).mergeIn(claims);
    return signer.generateToken(all, new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(60));
  }

  private static List<TestSocket> viewers(Vertx vertx, int port, String roomId, String prefix, int count,
      Function<Integer, JsonObject> claims) {
    WebSocketClient client = TestSocket.client(vertx);
    List<Future<TestSocket>> opening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      opening.add(TestSocket.open(client, port, roomId, viewer(prefix + i, claims.apply(i))));
    }
    List<TestSocket> sockets = Future.all(opening).await().list();
    sockets.forEach(socket -> socket.await("welcome"));
    return sockets;
  }

  private static List<TestSocket> viewers(Vertx vertx, String roomId, String prefix, int count) {
    return viewers(vertx, node.port(), roomId, prefix, count, i -> new JsonObject());
  }

  private static void waitForPresence() throws InterruptedException {
    Thread.sleep(PRESENCE_SECONDS * 1000L + 1_200); // and a round of the nodes' audience counts
  }

  private static JsonObject openPrompt(String roomId, JsonObject extra) {
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/prompts", staff, new JsonObject()
        .put("kind", "claim").put("question", "主播说这款茶能治疗糖尿病，属实吗？").put("durationSec", 5)
        .mergeIn(extra));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    return reply.body();
  }

  private static void vote(List<TestSocket> sockets, String promptId, String option) {
    sockets.forEach(s -> {
      s.await(f -> "prompt".equals(f.getString("type")) || "welcome".equals(f.getString("type")));
      s.ballot("b-" + promptId, promptId, option);
    });
  }

  private static List<String> ackReasons(List<TestSocket> sockets, String promptId) {
    return sockets.stream().map(s -> {
      JsonObject ack = s.ack("b-" + promptId);
      return ack.getString("status") + (ack.containsKey("reason") ? "/" + ack.getString("reason") : "");
    }).toList();
  }

  private static JsonObject recordedVerdict(String promptId) {
    return http.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(20));
  }

  private static JsonObject jury(JsonObject verdict) {
    return verdict.getJsonObject("jury");
  }

  @Test
  void aLateJoiningBrigadeIsExcludedAndTheVerdictStaysInconclusiveWithoutPenalty(Vertx vertx)
      throws InterruptedException {
    String roomId = http.createRoom(staff, streamer("brigade"));
    List<TestSocket> present = viewers(vertx, roomId, "brigade-present-", 10);
    waitForPresence();
    String promptId = openPrompt(roomId, new JsonObject().put("durationSec", 12)).getString("id");
    vote(present, promptId, "true");
    Thread.sleep(3_000);
    List<TestSocket> brigade = viewers(vertx, roomId, "brigade-late-", 40);
    brigade.forEach(s -> s.ballot("b-" + promptId, promptId, "false"));

    assertThat(ackReasons(present, promptId)).containsOnly("accepted").hasSize(10);
    assertThat(ackReasons(brigade, promptId)).containsOnly("rejected/late_join").hasSize(40);
    JsonObject verdict = recordedVerdict(promptId);
    assertThat(verdict.getString("outcome")).isEqualTo("INCONCLUSIVE");
    assertThat(verdict.getJsonObject("counts").getMap()).containsEntry("true", 10).containsEntry("false", 0);
    assertThat(jury(verdict).getInteger("voted")).isEqualTo(10);
    assertThat(jury(verdict).getJsonObject("excluded").getMap()).containsExactlyEntriesOf(Map.of("late_join", 40));
    assertThat(verdict.containsKey("penalty")).isFalse();
  }

  @Test
  void fansWithAStakeInTheStreamerAreExcludedAndTheOthersDecide(Vertx vertx) throws InterruptedException {
    String roomId = http.createRoom(staff, streamer("fans"));
    List<TestSocket> fans = viewers(vertx, node.port(), roomId, "fan-", 40,
        i -> new JsonObject().put("ties",
            new JsonArray().add(i % 2 == 0 ? streamer("fans") : "m-" + streamer("fans"))));
    List<TestSocket> others = viewers(vertx, roomId, "fans-other-", 40);
    waitForPresence();
    String promptId = openPrompt(roomId, new JsonObject()).getString("id");
    vote(fans, promptId, "true");
    vote(others, promptId, "false");

    assertThat(ackReasons(fans, promptId)).containsOnly("rejected/conflict").hasSize(40);
    assertThat(ackReasons(others, promptId)).containsOnly("accepted").hasSize(40);
    JsonObject verdict = recordedVerdict(promptId);
    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    assertThat(jury(verdict).getJsonObject("excluded").getMap()).containsExactlyEntriesOf(Map.of("conflict", 40));
    assertThat(jury(verdict).getJsonArray("flags")).isEmpty();
    assertThat(verdict.getJsonObject("penalty").getString("level")).isEqualTo("WARNING");
    assertThat(verdict.getJsonObject("penalty").getString("status")).isEqualTo("active");
  }

  @Test
  void theStreamerAndTheMerchantCannotJudgeThemselves(Vertx vertx) throws InterruptedException {
    String roomId = http.createRoom(staff, streamer("self"));
    // The streamer and the merchant under viewer tokens, and a tie written in other case and with blanks.
    TestSocket self = TestSocket.connect(vertx, node.port(), roomId, viewer(streamer("self"), new JsonObject()));
    TestSocket merchant = TestSocket.connect(vertx, node.port(), roomId,
        viewer("m-" + streamer("self"), new JsonObject()));
    TestSocket shouting = TestSocket.connect(vertx, node.port(), roomId,
        viewer("fan-shouting", new JsonObject().put("ties", new JsonArray().add(" " + streamer("self").toUpperCase() + " "))));
    waitForPresence();
    String promptId = openPrompt(roomId, new JsonObject()).getString("id");
    vote(List.of(self, merchant, shouting), promptId, "true");
    assertThat(ackReasons(List.of(self, merchant, shouting), promptId)).containsOnly("rejected/conflict").hasSize(3);
  }

  @Test
  void dayOldAccountsMayNotVote(Vertx vertx) throws InterruptedException {
    String roomId = http.createRoom(staff, streamer("new-accounts"));
    long dayOld = Instant.now().minus(Duration.ofDays(1)).getEpochSecond();
    List<TestSocket> fresh = viewers(vertx, node.port(), roomId, "fresh-", 30,
        i -> new JsonObject().put("acct", dayOld));
    waitForPresence();
    String promptId = openPrompt(roomId, new JsonObject()).getString("id");
    JsonObject shown = fresh.get(0).await("prompt").getJsonObject("prompt");
    // Told before voting, in the prompt itself.
    assertThat(shown.getJsonObject("juror"))
        .isEqualTo(new JsonObject().put("eligible", false).put("reason", "new_account"));
    assertThat(shown.getString("id")).isEqualTo(promptId);
    vote(fresh, promptId, "false");

    assertThat(ackReasons(fresh, promptId)).containsOnly("rejected/new_account").hasSize(30);
    JsonObject verdict = recordedVerdict(promptId);
    assertThat(verdict.getString("outcome")).isEqualTo("INCONCLUSIVE");
    assertThat(jury(verdict).getJsonObject("excluded").getMap()).containsExactlyEntriesOf(Map.of("new_account", 30));
  }

  @Test
  void fortyCondemningBallotsFromOneNetworkFlagTheVerdictAndItsWarningWaitsForStaff(Vertx vertx)
      throws InterruptedException {
    String roomId = http.createRoom(staff, streamer("one-net"));
    List<TestSocket> farm = viewers(vertx, node.port(), roomId, "farm-", 40,
        i -> new JsonObject().put("net", "net-phone-farm"));
    waitForPresence();
    String promptId = openPrompt(roomId, new JsonObject()).getString("id");
    vote(farm, promptId, "false");

    assertThat(ackReasons(farm, promptId)).containsOnly("accepted").hasSize(40);
    JsonObject verdict = recordedVerdict(promptId);
    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    JsonArray flags = jury(verdict).getJsonArray("flags");
    assertThat(flags.stream().map(f -> ((JsonObject) f).getString("type"))).contains("shared_network");
    JsonObject shared = flags.stream().map(JsonObject.class::cast)
        .filter(f -> "shared_network".equals(f.getString("type"))).findFirst().orElseThrow();
    assertThat(shared.getJsonObject("detail").getInteger("ballots")).isEqualTo(40);
    assertThat(shared.getJsonObject("detail").getString("net")).hasSize(12);
    // The room sees the flag and its numbers, not the network's id (a hash of an address prefix).
    JsonObject told = farm.get(0).await("verdict").getJsonObject("verdict");
    JsonObject toldShared = told.getJsonObject("jury").getJsonArray("flags").stream().map(JsonObject.class::cast)
        .filter(f -> "shared_network".equals(f.getString("type"))).findFirst().orElseThrow();
    assertThat(toldShared.getJsonObject("detail").getInteger("ballots")).isEqualTo(40);
    assertThat(toldShared.getJsonObject("detail").containsKey("net")).isFalse();
    assertThat(verdict.getJsonObject("penalty").getString("level")).isEqualTo("WARNING");
    assertThat(verdict.getJsonObject("penalty").getString("status")).isEqualTo("pending_review");
  }

  @Test
  void aCalibrationPromptPenalisesNobodyAndMovesRightAndWrongJurorsApart(Vertx vertx) throws InterruptedException {
    String roomId = http.createRoom(staff, streamer("calibration"));
    List<TestSocket> right = viewers(vertx, roomId, "calib-right-", 20);
    List<TestSocket> wrong = viewers(vertx, roomId, "calib-wrong-", 15);
    List<TestSocket> unsure = viewers(vertx, roomId, "calib-unsure-", 3);
    waitForPresence();
    JsonObject opened = openPrompt(roomId,
        new JsonObject().put("calibration", new JsonObject().put("answer", "false")));
    String promptId = opened.getString("id");
    // The jurors see a prompt like any other: the known answer never leaves the staff side.
    JsonObject shown = right.get(0).await("prompt").getJsonObject("prompt");
    assertThat(shown.containsKey("calibration")).isFalse();
    vote(right, promptId, "false");
    vote(wrong, promptId, "true");
    vote(unsure, promptId, "unsure");

    // Nor does the answer reach the room with the verdict: a known question may be asked again.
    JsonObject told = right.get(0).await("verdict").getJsonObject("verdict");
    assertThat(told.containsKey("calibration")).isFalse();
    JsonObject verdict = recordedVerdict(promptId);
    assertThat(verdict.getJsonObject("calibration").getString("answer")).isEqualTo("false");
    assertThat(verdict.containsKey("penalty")).isFalse();
    assertThat(http.get("/api/penalties?subject=" + streamer("calibration"), staff).body().getJsonArray("items"))
        .isEmpty();

    JsonObject good = http.awaitGet("/api/jurors/calib-right-0", staff,
        r -> r.status() == 200 && r.body().getJsonObject("calibration").getInteger("answered") == 1,
        Duration.ofSeconds(10), "the calibration answer never reached the juror's record").body();
    JsonObject bad = http.get("/api/jurors/calib-wrong-0", staff).body();
    JsonObject newcomer = http.get("/api/jurors/never-voted", staff).body();
    assertThat(good.getJsonObject("calibration").getMap()).containsEntry("answered", 1).containsEntry("correct", 1);
    assertThat(bad.getJsonObject("calibration").getMap()).containsEntry("answered", 1).containsEntry("correct", 0);
    assertThat(good.getDouble("reputation")).isGreaterThan(newcomer.getDouble("reputation"));
    assertThat(bad.getDouble("reputation")).isLessThan(newcomer.getDouble("reputation"));
    // "Unsure" abstains: neither right nor wrong.
    assertThat(http.get("/api/jurors/calib-unsure-0", staff).body().getJsonObject("calibration").getMap())
        .containsEntry("answered", 0).containsEntry("correct", 0);
    assertThat(http.get("/api/jurors/calib-right-0", http.token("calib-right-0", "viewer")).status()).isEqualTo(403);
    Http.Reply reviewed = http.post("/api/verdicts/v-" + promptId + "/review", staff,
        new JsonObject().put("action", "overturn").put("reason", "calibration"));
    assertThat(reviewed.status()).isEqualTo(409);
  }

  @Test
  void reportsCountOnlyFromViewersWhoWereThereAndOncePerNetwork(Vertx vertx) throws InterruptedException {
    // Twenty accounts that just joined: every report refused, nothing opens.
    String rushed = http.createRoom(staff, streamer("report-rush"));
    TestSocket rushedWatcher = TestSocket.connect(vertx, node.port(), rushed, http.token(streamer("report-rush"),
        "streamer", "m-" + streamer("report-rush")));
    List<TestSocket> newcomers = viewers(vertx, rushed, "rush-", 20);
    newcomers.forEach(s -> report(s, "r"));
    assertThat(reportAcks(newcomers)).containsOnly("rejected/late_join").hasSize(20);

    // Twenty present accounts behind one network: one report.
    String farmed = http.createRoom(staff, streamer("report-farm"));
    TestSocket farmedWatcher = TestSocket.connect(vertx, node.port(), farmed, http.token(streamer("report-farm"),
        "streamer", "m-" + streamer("report-farm")));
    List<TestSocket> farm = viewers(vertx, node.port(), farmed, "report-farm-", 20,
        i -> new JsonObject().put("net", "net-report-farm"));

    // Twenty present viewers, each on a network of their own: the threshold, one prompt.
    String reported = http.createRoom(staff, streamer("report-present"));
    TestSocket reportedWatcher = TestSocket.connect(vertx, node.port(), reported, http.token(streamer("report-present"),
        "streamer", "m-" + streamer("report-present")));
    List<TestSocket> present = viewers(vertx, reported, "report-present-", 20);
    waitForPresence();
    farm.forEach(s -> report(s, "r"));
    present.forEach(s -> report(s, "r"));
    assertThat(reportAcks(farm)).containsOnly("accepted").hasSize(20);
    assertThat(reportAcks(present)).containsOnly("accepted").hasSize(20);

    JsonObject prompt = reportedWatcher.await("prompt").getJsonObject("prompt");
    assertThat(prompt.getJsonObject("trigger").getMap())
        .containsEntry("type", "reports").containsEntry("reporters", 20);
    Thread.sleep(1_000);
    assertThat(reportedWatcher.frames("prompt")).hasSize(1);
    assertThat(rushedWatcher.frames("prompt")).isEmpty();
    assertThat(farmedWatcher.frames("prompt")).isEmpty();
  }

  private static void report(TestSocket socket, String ref) {
    socket.send(new JsonObject().put("type", "report").put("ref", ref).put("category", "false_claim"));
  }

  private static List<String> reportAcks(List<TestSocket> sockets) {
    return sockets.stream().map(s -> {
      JsonObject ack = s.ack("r");
      return ack.getString("status") + (ack.containsKey("reason") ? "/" + ack.getString("reason") : "");
    }).toList();
  }
}
