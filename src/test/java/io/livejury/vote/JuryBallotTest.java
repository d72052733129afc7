package io.livejury.vote;

import io.livejury.common.RedisKeys;
import io.livejury.support.DevSigner;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.RedisProbe;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may vote, against real servers: late joiners, new accounts, conflicted and unverified viewers are told
 * before they vote and their ballots are refused with that reason and counted once each; a drawn jury holds
 * about its size and stays drawn on another node; tally modes keep counts from those who may not see them yet;
 * calibration prompts are staff's. Test nodes count presence from the join itself (no presence time).
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class JuryBallotTest {

  private static TestNode node;
  private static Http http;
  private static String staff;
  private static RedisProbe redis;
  private static JWTAuth signer;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start();
    http = new Http(node.port());
    staff = http.token("staff-jury", "staff");
    redis = new RedisProbe(vertx);
    signer = DevSigner.create(vertx);
  }

  @AfterAll
  static void stop(Vertx vertx) {
    redis.close();
    node.stopAfter(vertx);
  }

  @Test
  void lateJoinersAreToldTheyMayNotVoteAndEachIsExcludedOnceHoweverOftenTheyTry(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-late");
    List<TestSocket> present = new ArrayList<>(TestSocket.viewers(vertx, http, roomId, "late-present-", 11));
    String promptId = open(roomId, 30, new JsonObject()).getString("id");
    // One who was there reconnects and votes at once, before its welcome: the ballot waits for its profile.
    TestSocket returning = present.remove(10);
    promptFrame(returning, promptId);
    returning.close();
    TestSocket hasty = TestSocket.open(TestSocket.client(vertx), node.port(), roomId,
        http.token("late-present-10", "viewer")).await();
    hasty.ballot("b", promptId, "true");
    assertThat(hasty.ack("b")).isEqualTo(ack("b", "accepted", null));
    for (TestSocket viewer : present) {
      assertThat(promptFrame(viewer, promptId).getJsonObject("juror")).isEqualTo(eligible());
      viewer.ballot("b", promptId, "true");
      assertThat(viewer.ack("b").getString("status")).isEqualTo("accepted");
    }

    List<TestSocket> brigade = TestSocket.viewers(vertx, http, roomId, "late-brigade-", 40);
    for (TestSocket late : brigade) {
      JsonObject welcomed = late.await("welcome").getJsonArray("openPrompts").getJsonObject(0);
      assertThat(welcomed.getJsonObject("juror")).isEqualTo(ineligible("late_join"));
      late.ballot("first", promptId, "false");
      late.ballot("again", promptId, "false");
    }
    for (TestSocket late : brigade) {
      assertThat(late.ack("first")).isEqualTo(ack("first", "rejected", "late_join"));
      assertThat(late.ack("again")).isEqualTo(ack("again", "rejected", "late_join"));
    }
    // Ten of them come back on new sockets and try once more.
    for (int i = 0; i < 10; i++) {
      brigade.get(i).close();
      TestSocket back = TestSocket.connect(vertx, node.port(), roomId, http.token("late-brigade-" + i, "viewer"));
      back.ballot("back", promptId, "false");
      assertThat(back.ack("back")).isEqualTo(ack("back", "rejected", "late_join"));
    }

    assertThat(redis.hash(RedisKeys.exclusions(promptId))).containsExactly(Map.entry("late_join", "40"));
    Map<String, String> excluded = redis.hash(RedisKeys.excluded(promptId));
    assertThat(excluded).hasSize(40).allSatisfy((voter, reason) -> {
      assertThat(voter).startsWith("late-brigade-");
      assertThat(reason).isEqualTo("late_join");
    });
    JsonObject prompt = http.get("/api/prompts/" + promptId, staff).body();
    assertThat(prompt.getLong("total")).isEqualTo(11);
    assertThat(prompt.getJsonObject("counts").getMap()).containsEntry("true", 11).containsEntry("false", 0);
    tc.completeNow();
  }

  @Test
  void newAccountsAndConflictedViewersAreRefusedWithTheFirstReasonThatApplies(Vertx vertx, VertxTestContext tc) {
    String streamerId = "streamer-stake";
    String merchantId = "m-" + streamerId;
    String roomId = http.createRoom(staff, streamerId);
    long dayOld = Instant.now().minus(1, ChronoUnit.DAYS).getEpochSecond();
    long monthOld = Instant.now().minus(30, ChronoUnit.DAYS).getEpochSecond();
    Map<String, JsonObject> claims = new LinkedHashMap<>();
    claims.put("stake-fresh", new JsonObject().put("acct", dayOld));
    claims.put("stake-fresh-fan", new JsonObject().put("acct", dayOld).put("ties", new JsonArray().add(streamerId)));
    claims.put("stake-fan", new JsonObject().put("acct", monthOld).put("ties", new JsonArray().add(streamerId)));
    claims.put("stake-employee", new JsonObject().put("ties", new JsonArray().add("someone").add(merchantId)));
    claims.put("stake-old", new JsonObject().put("acct", monthOld).put("net", "home-net"));
    claims.put("stake-rival-fan", new JsonObject().put("ties", new JsonArray().add("streamer-rival")));
    Map<String, String> expected = Map.of("stake-fresh", "new_account", "stake-fresh-fan", "new_account",
        "stake-fan", "conflict", "stake-employee", "conflict", "stake-old", "", "stake-rival-fan", "");
    Map<String, TestSocket> sockets = new LinkedHashMap<>();
    claims.forEach((user, extra) -> sockets.put(user, TestSocket.connect(vertx, node.port(), roomId, signed(user, extra))));

    String promptId = open(roomId, 30, new JsonObject()).getString("id");
    sockets.forEach((user, socket) -> {
      String reason = expected.get(user);
      JsonObject juror = promptFrame(socket, promptId).getJsonObject("juror");
      assertThat(juror).as(user).isEqualTo(reason.isEmpty() ? eligible() : ineligible(reason));
      socket.ballot("b", promptId, "true");
      assertThat(socket.ack("b")).as(user)
          .isEqualTo(reason.isEmpty() ? ack("b", "accepted", null) : ack("b", "rejected", reason));
    });

    assertThat(redis.hash(RedisKeys.exclusions(promptId)))
        .containsOnly(Map.entry("new_account", "2"), Map.entry("conflict", "2"));
    // Counted ballots carry when they were cast, the voter's network and weight, for the verdict's jury checks.
    Map<String, String> voters = redis.hash(RedisKeys.voters(promptId));
    assertThat(voters).containsOnlyKeys("stake-old", "stake-rival-fan");
    assertThat(voters.get("stake-old")).matches("true \\d{13} " + sha256Prefix("net:home-net") + " 1\\.0");
    assertThat(voters.get("stake-rival-fan")).matches("true \\d{13} " + sha256Prefix("ip:127.0.0") + " 1\\.0");
    // A duplicate's ack names the option alone.
    sockets.get("stake-old").ballot("again", promptId, "false");
    assertThat(sockets.get("stake-old").ack("again").getString("voted")).isEqualTo("true");
    tc.completeNow();
  }

  @Test
  void presenceTimeAndVerificationAreEnforcedWhenConfigured(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    TestNode strict = TestNode.start(Map.of("LIVEJURY_JURY_PRESENCE_SECONDS", "2",
        "LIVEJURY_JURY_REQUIRE_VERIFIED", "true"));
    try {
      Http strictHttp = new Http(strict.port());
      String roomId = strictHttp.createRoom(staff, "streamer-strict");
      TestSocket early = TestSocket.connect(vertx, strict.port(), roomId,
          signed("strict-early", new JsonObject().put("verified", true)));
      TestSocket unverified = TestSocket.connect(vertx, strict.port(), roomId, signed("strict-unverified", new JsonObject()));
      TimeUnit.MILLISECONDS.sleep(2_200);
      TestSocket recent = TestSocket.connect(vertx, strict.port(), roomId,
          signed("strict-recent", new JsonObject().put("verified", true)));
      String promptId = new Http(strict.port()).post("/api/rooms/" + roomId + "/prompts", staff, claimPrompt(30))
          .body().getString("id");
      assertThat(promptFrame(early, promptId).getJsonObject("prompt").getJsonObject("jury").getMap())
          .containsEntry("presenceSeconds", 2).containsEntry("requireVerified", true);

      Map<TestSocket, String> expected = Map.of(early, "", unverified, "unverified", recent, "late_join");
      expected.forEach((socket, reason) -> {
        assertThat(promptFrame(socket, promptId).getJsonObject("juror"))
            .isEqualTo(reason.isEmpty() ? eligible() : ineligible(reason));
        socket.ballot("b", promptId, "false");
        assertThat(socket.ack("b")).isEqualTo(reason.isEmpty() ? ack("b", "accepted", null) : ack("b", "rejected", reason));
      });
      assertThat(redis.hash(RedisKeys.exclusions(promptId)))
          .containsOnly(Map.entry("unverified", "1"), Map.entry("late_join", "1"));
    } finally {
      strict.stop();
    }
    tc.completeNow();
  }

  @Test
  void aJuryOfSixtyIsDrawnFromThreeHundredAndADrawnViewerStaysDrawnOnAnotherNode(Vertx vertx, VertxTestContext tc)
      throws Exception {
    TestNode other = TestNode.start();
    try {
      String roomId = http.createRoom(staff, "streamer-draw");
      List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "draw-", 300);
      // Each node reports its viewers every second: the prompt must open after this node's count of 300.
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!redis.hash(RedisKeys.roomAudience(roomId)).values().stream().anyMatch(v -> v.startsWith("300 "))) {
        assertThat(System.nanoTime()).as("the node reported its 300 viewers").isLessThan(waitUntil);
        TimeUnit.MILLISECONDS.sleep(100);
      }
      JsonObject opened = open(roomId, 60, new JsonObject().put("jurySize", 60));
      String promptId = opened.getString("id");
      JsonObject jury = opened.getJsonObject("jury");
      assertThat(jury.getInteger("size")).isEqualTo(60);
      assertThat(jury.getLong("audience")).isEqualTo(300);
      assertThat(jury.getDouble("rate")).isEqualTo(0.2);
      assertThat(jury.getString("seed")).matches("[0-9a-f]{32}");
      assertThat(jury.getInteger("presenceSeconds")).isZero();
      assertThat(jury.getInteger("minAccountDays")).isEqualTo(7);
      assertThat(jury.getBoolean("requireVerified")).isFalse();

      // Every viewer learns from the prompt frame whether it was drawn, as anyone can recompute from the seed.
      List<Integer> drawn = new ArrayList<>();
      for (int i = 0; i < viewers.size(); i++) {
        JsonObject juror = promptFrame(viewers.get(i), promptId).getJsonObject("juror");
        boolean selected = recomputedDraw(jury.getString("seed"), "draw-" + i, 0.2);
        assertThat(juror).as("draw-" + i).isEqualTo(selected ? eligible() : ineligible("not_selected"));
        if (selected) {
          drawn.add(i);
        }
      }
      int drawnHoldout = drawn.get(0);
      int undrawnHoldout = drawn.contains(0) ? firstMissing(drawn) : 0;
      for (int i = 0; i < viewers.size(); i++) {
        if (i != drawnHoldout && i != undrawnHoldout) {
          viewers.get(i).ballot("b", promptId, i % 2 == 0 ? "true" : "false");
        }
      }
      for (int i = 0; i < viewers.size(); i++) {
        if (i != drawnHoldout && i != undrawnHoldout) {
          assertThat(viewers.get(i).ack("b")).as("draw-" + i)
              .isEqualTo(drawn.contains(i) ? ack("b", "accepted", null) : ack("b", "rejected", "not_selected"));
        }
      }

      // The two who held back reconnect to the other node: the same draw there.
      for (int holdout : List.of(drawnHoldout, undrawnHoldout)) {
        viewers.get(holdout).close();
        TestSocket moved = TestSocket.connect(vertx, other.port(), roomId, http.token("draw-" + holdout, "viewer"));
        JsonObject welcomed = moved.await("welcome").getJsonArray("openPrompts").getJsonObject(0);
        boolean selected = holdout == drawnHoldout;
        assertThat(welcomed.getJsonObject("juror")).isEqualTo(selected ? eligible() : ineligible("not_selected"));
        moved.ballot("moved", promptId, "true");
        assertThat(moved.ack("moved"))
            .isEqualTo(selected ? ack("moved", "accepted", null) : ack("moved", "rejected", "not_selected"));
      }

      JsonObject prompt = http.get("/api/prompts/" + promptId, staff).body();
      assertThat(prompt.getLong("total")).isEqualTo(drawn.size()).isBetween(30L, 100L);
      assertThat(redis.hash(RedisKeys.exclusions(promptId)))
          .containsExactly(Map.entry("not_selected", Integer.toString(300 - drawn.size())));
      // The node counted each drawn viewer it reached once, when the prompt reached them.
      assertThat(redis.hash(RedisKeys.prompt(promptId)).get("eligible")).isEqualTo(Integer.toString(drawn.size()));
    } finally {
      other.stop();
    }
    tc.completeNow();
  }

  @Test
  void aHiddenTallyShowsNoCountsBeforeTheVerdictButToStaff(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    String streamerId = "streamer-hidden";
    String roomId = http.createRoom(staff, streamerId);
    List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "hidden-", 3);
    String streamerToken = http.token(streamerId, "streamer", "m-" + streamerId);
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId, streamerToken);
    TestSocket staffSocket = TestSocket.connect(vertx, node.port(), roomId, staff);
    String promptId = open(roomId, 3, new JsonObject().put("tally", "hidden")).getString("id");
    for (TestSocket viewer : viewers) {
      assertThat(promptFrame(viewer, promptId).getJsonObject("prompt").getString("tally")).isEqualTo("hidden");
      viewer.ballot("b", promptId, "false");
      assertThat(viewer.ack("b").getString("status")).isEqualTo("accepted");
    }
    TimeUnit.MILLISECONDS.sleep(800); // three tally rounds
    String viewerToken = http.token("hidden-0", "viewer");
    for (String token : List.of(viewerToken, streamerToken)) {
      JsonObject shown = http.get("/api/prompts/" + promptId, token).body();
      assertThat(shown.getString("status")).isEqualTo("open");
      assertThat(shown.fieldNames()).doesNotContain("counts", "total", "curve");
    }
    assertThat(http.get("/api/prompts/" + promptId, staff).body().getLong("total")).isEqualTo(3);
    TestSocket back = TestSocket.connect(vertx, node.port(), roomId, viewerToken);
    JsonObject welcomed = back.await("welcome").getJsonArray("openPrompts").getJsonObject(0);
    assertThat(welcomed.getString("voted")).isEqualTo("false");
    assertThat(welcomed.fieldNames()).doesNotContain("counts", "total");

    List<TestSocket> everyone = new ArrayList<>(viewers);
    everyone.addAll(List.of(streamer, staffSocket, back));
    for (TestSocket socket : everyone) {
      socket.await(f -> "verdict".equals(f.getString("type"))
          && promptId.equals(f.getJsonObject("verdict").getString("promptId")));
      // The one tally: the final one, with the verdict.
      List<JsonObject> tallies = tallies(socket, promptId);
      assertThat(tallies).hasSize(1);
      assertThat(tallies.get(0).getLong("total")).isEqualTo(3);
    }
    tc.completeNow();
  }

  @Test
  void anAfterVoteTallyReachesAViewerOnlyOnceTheyVotedAndModeratorsAlways(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    String streamerId = "streamer-after";
    String roomId = http.createRoom(staff, streamerId);
    List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "after-", 3);
    String streamerToken = http.token(streamerId, "streamer", "m-" + streamerId);
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId, streamerToken);
    String promptId = open(roomId, 30, new JsonObject().put("tally", "after_vote")).getString("id");
    TestSocket voter = viewers.get(0);
    TestSocket waiting = viewers.get(1);
    TestSocket later = viewers.get(2);
    promptFrame(waiting, promptId);
    voter.ballot("b", promptId, "true");
    assertThat(voter.ack("b").getString("status")).isEqualTo("accepted");
    voter.await(f -> "tally".equals(f.getString("type")) && promptId.equals(f.getString("promptId"))
        && f.getLong("total") == 1);
    later.ballot("b", promptId, "false");
    assertThat(later.ack("b").getString("status")).isEqualTo("accepted");
    for (TestSocket sees : List.of(voter, later, streamer)) {
      sees.await(f -> "tally".equals(f.getString("type")) && promptId.equals(f.getString("promptId"))
          && f.getLong("total") == 2);
    }
    TimeUnit.MILLISECONDS.sleep(600);
    assertThat(tallies(waiting, promptId)).isEmpty();

    String waitingToken = http.token("after-1", "viewer");
    assertThat(http.get("/api/prompts/" + promptId, waitingToken).body().fieldNames())
        .doesNotContain("counts", "total", "curve");
    assertThat(http.get("/api/prompts/" + promptId, http.token("after-0", "viewer")).body().getLong("total")).isEqualTo(2);
    assertThat(http.get("/api/prompts/" + promptId, streamerToken).body().getLong("total")).isEqualTo(2);
    JsonObject rewelcomed = TestSocket.connect(vertx, node.port(), roomId, waitingToken).await("welcome")
        .getJsonArray("openPrompts").getJsonObject(0);
    assertThat(rewelcomed.fieldNames()).doesNotContain("counts", "total", "voted");
    JsonObject voterBack = TestSocket.connect(vertx, node.port(), roomId, http.token("after-0", "viewer"))
        .await("welcome").getJsonArray("openPrompts").getJsonObject(0);
    assertThat(voterBack.getString("voted")).isEqualTo("true");
    assertThat(voterBack.getLong("total")).isEqualTo(2);

    // Once they vote, they see the tally: their own ballot moves it.
    waiting.ballot("b", promptId, "true");
    assertThat(waiting.ack("b").getString("status")).isEqualTo("accepted");
    waiting.await(f -> "tally".equals(f.getString("type")) && promptId.equals(f.getString("promptId"))
        && f.getLong("total") == 3);
    tc.completeNow();
  }

  @Test
  void calibrationIsStaffsAndItsAnswerOneOfTheOptionsAndPromptBodiesAreChecked(Vertx vertx, VertxTestContext tc) {
    String streamerId = "streamer-calibration";
    String roomId = http.createRoom(staff, streamerId);
    TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("calibration-viewer", "viewer"));
    String path = "/api/rooms/" + roomId + "/prompts";
    Http.Reply byStreamer = http.post(path, http.token(streamerId, "streamer", "m-" + streamerId),
        claimPrompt(30).put("calibration", new JsonObject().put("answer", "false")));
    assertThat(byStreamer.status()).isEqualTo(403);
    assertThat(byStreamer.errorCode()).isEqualTo("forbidden");
    assertThat(byStreamer.body().getJsonObject("error").getString("message")).contains("calibration");

    Map<JsonObject, String> bad = new LinkedHashMap<>();
    bad.put(claimPrompt(30).put("calibration", new JsonObject().put("answer", "maybe")),
        "calibration.answer must be one of the prompt's options: [true, false, unsure]");
    bad.put(claimPrompt(30).put("calibration", "false"), "calibration must be {\"answer\": \"<option id>\"}");
    String sizes = "jurySize must be a whole number from 30 (the verdict quorum) to 1000000";
    bad.put(claimPrompt(30).put("jurySize", 0), sizes);
    bad.put(claimPrompt(30).put("jurySize", 29), sizes);
    bad.put(claimPrompt(30).put("jurySize", 30.5), sizes);
    bad.put(claimPrompt(30).put("jurySize", "40"), sizes);
    bad.put(claimPrompt(30).put("jurySize", 1_000_001), sizes);
    bad.put(claimPrompt(30).put("tally", "sometimes"), "tally must be one of [live, after_vote, hidden]");
    bad.forEach((body, message) -> {
      Http.Reply reply = http.post(path, staff, body);
      assertThat(reply.status()).as(body.encode()).isEqualTo(400);
      assertThat(reply.errorCode()).isEqualTo("bad_request");
      assertThat(reply.body().getJsonObject("error").getString("message")).isEqualTo(message);
    });

    JsonObject opened = http.post(path, staff, claimPrompt(30).put("calibration", new JsonObject().put("answer", "false")))
        .body();
    assertThat(opened.getJsonObject("calibration")).isEqualTo(new JsonObject().put("answer", "false"));
    assertThat(opened.getString("tally")).isEqualTo("live");
    assertThat(opened.getJsonObject("jury").containsKey("size")).isTrue();
    assertThat(opened.getJsonObject("jury").getValue("size")).as("everyone eligible decides").isNull();
    assertThat(opened.getJsonObject("jury").getDouble("rate")).isEqualTo(1.0);
    String promptId = opened.getString("id");
    assertThat(promptFrame(viewer, promptId).getJsonObject("prompt").fieldNames()).doesNotContain("calibration");
    assertThat(http.get("/api/prompts/" + promptId, http.token("calibration-viewer", "viewer")).body().fieldNames())
        .doesNotContain("calibration");
    assertThat(http.get("/api/prompts/" + promptId, staff).body().getJsonObject("calibration"))
        .isEqualTo(new JsonObject().put("answer", "false"));
    tc.completeNow();
  }

  @Test
  void withJuriesOffEveryViewerVotesAsBefore(Vertx vertx, VertxTestContext tc) {
    TestNode off = TestNode.start(Map.of("LIVEJURY_JURY_ENABLED", "false"));
    try {
      Http offHttp = new Http(off.port());
      String roomId = offHttp.createRoom(staff, "streamer-off");
      JsonObject opened = offHttp.post("/api/rooms/" + roomId + "/prompts", staff, claimPrompt(30).put("jurySize", 40))
          .body();
      assertThat(opened.fieldNames()).doesNotContain("jury");
      String promptId = opened.getString("id");
      assertThat(redis.hash(RedisKeys.prompt(promptId))).doesNotContainKeys("rules", "seed", "rate", "eligible");
      TestSocket late = TestSocket.connect(vertx, off.port(), roomId,
          signed("off-late", new JsonObject().put("ties", new JsonArray().add("streamer-off"))));
      JsonObject welcomed = late.await("welcome").getJsonArray("openPrompts").getJsonObject(0);
      assertThat(welcomed.fieldNames()).doesNotContain("juror");
      late.ballot("b", promptId, "true");
      assertThat(late.ack("b")).isEqualTo(ack("b", "accepted", null));
      assertThat(redis.hash(RedisKeys.voters(promptId))).containsExactly(Map.entry("off-late", "true"));
      String next = offHttp.post("/api/rooms/" + roomId + "/prompts", staff, claimPrompt(30)).body().getString("id");
      assertThat(promptFrame(late, next).getJsonObject("prompt").fieldNames()).doesNotContain("juror");
    } finally {
      off.stop();
    }
    tc.completeNow();
  }

  private static JsonObject claimPrompt(int seconds) {
    return new JsonObject().put("kind", "claim").put("question", "主播说这款茶能治疗糖尿病，属实吗？")
        .put("claim", "这款茶能治疗糖尿病").put("durationSec", seconds);
  }

  private static JsonObject open(String roomId, int seconds, JsonObject extra) {
    JsonObject body = claimPrompt(seconds);
    extra.forEach(field -> body.put(field.getKey(), field.getValue()));
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/prompts", staff, body);
    assertThat(reply.status()).as(reply.body().encode()).isEqualTo(201);
    return reply.body();
  }

  /** A viewer token with juror claims, signed as the platform would, good for an hour. */
  private static String signed(String subject, JsonObject claims) {
    JsonObject token = claims.copy().put("sub", subject).put("role", "viewer")
        .put("exp", Instant.now().plus(1, ChronoUnit.HOURS).getEpochSecond());
    return signer.generateToken(token, new JWTOptions().setAlgorithm("HS256"));
  }

  /** The {@code prompt} frame of one prompt, with {@code juror} lifted to the top for the assertions. */
  private static JsonObject promptFrame(TestSocket socket, String promptId) {
    JsonObject frame = socket.await(f -> "prompt".equals(f.getString("type"))
        && promptId.equals(f.getJsonObject("prompt").getString("id")));
    JsonObject prompt = frame.getJsonObject("prompt");
    return new JsonObject().put("prompt", prompt).put("juror", prompt.getJsonObject("juror"));
  }

  private static List<JsonObject> tallies(TestSocket socket, String promptId) {
    return socket.frames("tally").stream().filter(f -> promptId.equals(f.getString("promptId"))).toList();
  }

  private static JsonObject eligible() {
    return new JsonObject().put("eligible", true);
  }

  private static JsonObject ineligible(String reason) {
    return new JsonObject().put("eligible", false).put("reason", reason);
  }

  private static JsonObject ack(String ref, String status, String reason) {
    JsonObject ack = new JsonObject().put("type", "ack").put("ref", ref).put("status", status);
    return reason == null ? ack : ack.put("reason", reason);
  }

  /** The draw as staff would check it from the published seed, independently of the node's code. */
  private static boolean recomputedDraw(String seed, String userId, double rate) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-1").digest((seed + ":" + userId).getBytes(StandardCharsets.UTF_8));
    long first32 = Long.parseLong(HexFormat.of().formatHex(digest).substring(0, 8), 16);
    return first32 < rate * 4294967296.0;
  }

  private static String sha256Prefix(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int firstMissing(List<Integer> drawn) {
    int i = 0;
    while (drawn.contains(i)) {
      i++;
    }
    return i;
  }
}
