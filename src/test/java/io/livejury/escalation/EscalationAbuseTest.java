package io.livejury.escalation;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The queue and the stop under hostile or clumsy use, on two nodes sharing the embedded Redis and Postgres: claims
 * racing from both nodes have one winner, stops racing from both nodes are one stop, unknown items and rooms are 404,
 * a reason that is missing, blank, invisible, not text or too long is 400, a stopped or ended room says which in
 * every refusal, and a stopped room's open sockets stay open, read-only, so its viewers keep the reason on screen.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class EscalationAbuseTest {

  private static final int CLAIMANTS = 16;
  private static final int STOPPERS = 20;
  /** Texts with nothing to read: controls, zero-width and format characters, a right-to-left override, spaces. */
  private static final List<String> INVISIBLE = List.of("\u0000\u0001", "\u200b", "\ufeff", "\u202e",
      " \u200b\u200c\u200d\u2060\ufeff\u00ad ", "\t\r\n\u3000");

  private static TestNode a;
  private static TestNode b;
  private static Http httpA;
  private static Http httpB;
  private static String staff;

  @BeforeAll
  static void start() {
    a = TestNode.start(Map.of("LIVEJURY_VERDICT_QUORUM", "1"));
    b = TestNode.start(Map.of("LIVEJURY_VERDICT_QUORUM", "1"));
    httpA = new Http(a.port());
    httpB = new Http(b.port());
    staff = httpA.token("abuse-staff-1", "staff");
  }

  @AfterAll
  static void stop(Vertx vertx) {
    vertx.close().await();
    a.stop();
    b.stop();
  }

  private static String criticalItem(String roomId) {
    Http.Reply reply = httpA.post("/api/rooms/" + roomId + "/transcript", staff, new JsonObject().put("segments",
        new JsonArray().add(new JsonObject().put("id", "abuse-seg-" + roomId).put("startMs", 0).put("endMs", 1000)
            .put("text", "这款茶能治疗糖尿病，大家放心喝"))));
    assertThat(reply.status()).isEqualTo(202);
    return "q-" + reply.body().getJsonArray("warnings").getJsonObject(0).getString("id");
  }

  @Test
  void claimsRacingFromTwoNodesHaveOneWinner() throws Exception {
    String itemId = criticalItem(httpA.createRoom(staff, "abuse-streamer-race"));
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < CLAIMANTS; i++) {
      tokens.add(httpA.token("abuse-racer-" + i, "staff"));
    }
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Integer>> claims = new ArrayList<>();
    for (int i = 0; i < CLAIMANTS; i++) {
      Http http = i % 2 == 0 ? httpA : httpB;
      String token = tokens.get(i);
      claims.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return http.post("/api/queue/" + itemId + "/claim", token, null).status();
      }, runnable -> new Thread(runnable).start()));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<Integer> claim : claims) {
      statuses.add(claim.get(30, TimeUnit.SECONDS));
    }
    assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
    assertThat(statuses.stream().filter(s -> s == 409)).hasSize(CLAIMANTS - 1);
    String winner = httpB.get("/api/queue", staff).body().getJsonArray("items").stream()
        .map(o -> (JsonObject) o).filter(o -> itemId.equals(o.getString("id"))).findFirst().orElseThrow()
        .getString("claimedBy");
    assertThat(winner).startsWith("abuse-racer-");
    // Nobody but the winner decides it, from either node.
    String loser = tokens.stream().filter(t -> !t.equals(tokens.get(Integer.parseInt(winner.substring(12)))))
        .findFirst().orElseThrow();
    assertThat(httpB.post("/api/queue/" + itemId + "/resolve", loser, null).status()).isEqualTo(409);
    assertThat(httpA.post("/api/queue/" + itemId + "/resolve", staff, null).status()).isEqualTo(409);
  }

  @Test
  void unknownItemsAndRoomsAre404AndBadReasonsAre400() {
    for (String id : List.of("q-nope-1", "..%2F..%2Fetc", "q-" + "x".repeat(300))) {
      assertThat(httpA.post("/api/queue/" + id + "/claim", staff, null).status()).isEqualTo(404);
      assertThat(httpA.post("/api/queue/" + id + "/resolve", staff, null).status()).isEqualTo(404);
    }
    assertThat(httpA.post("/api/rooms/abuse-no-such-room/stop", staff, new JsonObject().put("reason", "x")).status())
        .isEqualTo(404);
    String roomId = httpA.createRoom(staff, "abuse-streamer-reason");
    for (Object reason : List.of("", "   ", 42, "x".repeat(501))) {
      assertThat(httpA.post("/api/rooms/" + roomId + "/stop", staff, new JsonObject().put("reason", reason)).status())
          .as("reason %s", reason).isEqualTo(400);
    }
    assertThat(httpA.get("/api/rooms/" + roomId, staff).body().getString("status")).isEqualTo("live");
    assertThat(httpA.post("/api/rooms/" + roomId + "/stop", staff, new JsonObject().put("reason", "x".repeat(500)))
        .status()).isEqualTo(200);
    String ended = httpA.createRoom(staff, "abuse-streamer-ended");
    assertThat(httpA.post("/api/rooms/" + ended + "/end", staff, null).status()).isEqualTo(200);
    assertThat(httpA.post("/api/rooms/" + ended + "/stop", staff, new JsonObject().put("reason", "late")).status())
        .isEqualTo(409);
  }

  @Test
  void twentyStopsRacingFromTwoNodesAreOneStopWithOneAuditRowAndOneNotice(Vertx vertx) throws Exception {
    String streamer = "abuse-streamer-stop-race";
    String roomId = httpA.createRoom(staff, streamer);
    List<TestSocket> viewers = new ArrayList<>(TestSocket.viewers(vertx, httpA, roomId, "abuse-race-a-", 2));
    viewers.addAll(TestSocket.viewers(vertx, httpB, roomId, "abuse-race-b-", 2));
    List<String> staffTokens = List.of(httpA.token("abuse-stopper-1", "staff"), httpB.token("abuse-stopper-2", "staff"));
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Http.Reply>> stops = new ArrayList<>();
    for (int i = 0; i < STOPPERS; i++) {
      Http http = i % 2 == 0 ? httpA : httpB;
      String token = staffTokens.get(i / 2 % 2);
      JsonObject body = new JsonObject().put("reason", "Racing stop " + i);
      stops.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return http.post("/api/rooms/" + roomId + "/stop", token, body);
      }, runnable -> new Thread(runnable).start()));
    }
    go.countDown();
    List<Http.Reply> replies = new ArrayList<>();
    for (CompletableFuture<Http.Reply> stop : stops) {
      replies.add(stop.get(30, TimeUnit.SECONDS));
    }
    assertThat(replies).extracting(Http.Reply::status).containsOnly(200);
    JsonObject first = replies.get(0).body().getJsonObject("stop");
    assertThat(replies).extracting(r -> r.body().getJsonObject("stop")).containsOnly(first);
    assertThat(first.getString("reason")).startsWith("Racing stop ");

    JsonArray record = httpB.get("/api/penalties?subject=" + streamer, staff).body().getJsonArray("stops");
    assertThat(record).hasSize(1);
    assertThat(record.getJsonObject(0).getString("status")).isEqualTo("confirmed");
    assertThat(record.getJsonObject(0).getString("reason")).isEqualTo(first.getString("reason"));
    assertThat(record.getJsonObject(0).getString("by")).isEqualTo(first.getString("by"));

    // One stop is one notice: every socket hears of it once, however many staff pressed the button.
    viewers.forEach(v -> v.await("stopped"));
    TimeUnit.MILLISECONDS.sleep(1_000);
    for (TestSocket viewer : viewers) {
      assertThat(viewer.frames("stopped")).hasSize(1);
      assertThat(viewer.frames("stopped").get(0).getString("reason")).isEqualTo(first.getString("reason"));
    }
  }

  @Test
  void reasonsAndNotesWithoutAVisibleCharacterAre400AndLengthsCountCharacters() {
    String roomId = httpA.createRoom(staff, "abuse-streamer-invisible");
    for (String reason : INVISIBLE) {
      Http.Reply refused = httpA.post("/api/rooms/" + roomId + "/stop", staff, new JsonObject().put("reason", reason));
      assertThat(refused.status()).as("reason %s", reason.codePoints().boxed().toList()).isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("bad_request");
      assertThat(refused.body().getJsonObject("error").getString("message")).contains("reason");
    }
    String emoji = "\uD83D\uDE00"; // U+1F600, two UTF-16 units
    String cjk = "\uD840\uDC00"; // U+20000, a CJK character beyond the basic plane
    for (String character : List.of(emoji, cjk)) {
      assertThat(httpA.post("/api/rooms/" + roomId + "/stop", staff,
          new JsonObject().put("reason", character.repeat(501))).status()).isEqualTo(400);
    }
    assertThat(httpA.get("/api/rooms/" + roomId, staff).body().getString("status")).isEqualTo("live");
    Http.Reply stopped = httpA.post("/api/rooms/" + roomId + "/stop", staff,
        new JsonObject().put("reason", emoji.repeat(500)));
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.body().getJsonObject("stop").getString("reason")).isEqualTo(emoji.repeat(500));
    String other = httpA.createRoom(staff, "abuse-streamer-cjk");
    assertThat(httpA.post("/api/rooms/" + other + "/stop", staff, new JsonObject().put("reason", cjk.repeat(500)))
        .status()).isEqualTo(200);
    JsonArray record = httpA.get("/api/penalties?subject=abuse-streamer-cjk", staff).body().getJsonArray("stops");
    assertThat(record.getJsonObject(0).getString("reason")).isEqualTo(cjk.repeat(500));

    // The queue's decision notes and the review reasons read text the same way.
    String itemId = criticalItem(httpA.createRoom(staff, "abuse-streamer-note"));
    for (String note : INVISIBLE) {
      Http.Reply refused = httpA.post("/api/queue/" + itemId + "/resolve", staff, new JsonObject().put("outcome", note));
      assertThat(refused.status()).as("outcome %s", note.codePoints().boxed().toList()).isEqualTo(400);
      assertThat(refused.body().getJsonObject("error").getString("message")).contains("outcome");
      assertThat(httpA.post("/api/verdicts/v-abuse-none/review", staff,
          new JsonObject().put("action", "confirm").put("reason", note)).status()).isEqualTo(400);
    }
    assertThat(httpA.post("/api/verdicts/v-abuse-none/review", staff,
        new JsonObject().put("action", "confirm").put("reason", "ok")).status()).isEqualTo(404);
    Http.Reply resolved = httpA.post("/api/queue/" + itemId + "/resolve", staff, new JsonObject().put("outcome", "warned"));
    assertThat(resolved.status()).isEqualTo(200);
    assertThat(resolved.body().getString("outcome")).isEqualTo("warned");
  }

  @Test
  void aStoppedRoomSaysItWasStoppedAndAnEndedRoomThatItEnded(Vertx vertx) {
    String stoppedRoom = httpA.createRoom(staff, "abuse-streamer-said-stop");
    String endedRoom = httpA.createRoom(staff, "abuse-streamer-said-end");
    TestSocket inStopped = TestSocket.viewers(vertx, httpA, stoppedRoom, "abuse-said-s-", 1).get(0);
    TestSocket inEnded = TestSocket.viewers(vertx, httpB, endedRoom, "abuse-said-e-", 1).get(0);
    assertThat(httpA.post("/api/rooms/" + stoppedRoom + "/stop", staff,
        new JsonObject().put("reason", "Counterfeit pills")).status()).isEqualTo(200);
    assertThat(httpB.post("/api/rooms/" + endedRoom + "/end", staff, null).status()).isEqualTo(200);
    inStopped.await("stopped");
    inEnded.await(f -> "room".equals(f.getString("type"))
        && "ended".equals(f.getJsonObject("room").getString("status")));

    // A report in a closed room is answered as closed, and why, before any rule of the reporter is looked at.
    inStopped.send(new JsonObject().put("type", "report").put("ref", "r-stop").put("category", "false_claim")
        .put("text", "still selling"));
    JsonObject stoppedAck = inStopped.ack("r-stop");
    assertThat(stoppedAck.getString("status")).isEqualTo("closed");
    assertThat(stoppedAck.getString("reason")).isEqualTo("stopped");
    inEnded.send(new JsonObject().put("type", "report").put("ref", "r-end").put("category", "other"));
    JsonObject endedAck = inEnded.ack("r-end");
    assertThat(endedAck.getString("status")).isEqualTo("closed");
    assertThat(endedAck.getString("reason")).isEqualTo("ended");

    // The handshake's 410 is the contract's error JSON, on both nodes.
    for (Http http : List.of(httpA, httpB)) {
      JsonObject stopped = refusedHandshake(vertx, http, stoppedRoom, 410);
      assertThat(stopped.getString("code")).isEqualTo("gone");
      assertThat(stopped.getString("message")).isEqualTo("room " + stoppedRoom + " was stopped: Counterfeit pills");
      JsonObject ended = refusedHandshake(vertx, http, endedRoom, 410);
      assertThat(ended.getString("code")).isEqualTo("gone");
      assertThat(ended.getString("message")).isEqualTo("room " + endedRoom + " has ended");
    }
    assertThat(refusedHandshake(vertx, httpA, "abuse-no-such-room", 404).getString("code")).isEqualTo("not_found");
    assertThat(refusedHandshake(vertx, httpA, stoppedRoom, "not-a-token", 401).getString("code"))
        .isEqualTo("unauthorized");

    // A prompt or a transcript for the room: 409, saying which of the two happened.
    JsonObject prompt = new JsonObject().put("kind", "claim").put("question", "属实吗？");
    JsonObject transcript = new JsonObject().put("segments", new JsonArray()
        .add(new JsonObject().put("id", "said-1").put("startMs", 0).put("endMs", 1000).put("text", "大家好")));
    for (String what : List.of("/prompts", "/transcript")) {
      Http.Reply toStopped = httpB.post("/api/rooms/" + stoppedRoom + what, staff,
          what.equals("/prompts") ? prompt : transcript);
      assertThat(toStopped.status()).isEqualTo(409);
      assertThat(toStopped.errorCode()).isEqualTo("conflict");
      assertThat(toStopped.body().getJsonObject("error").getString("message"))
          .isEqualTo("room " + stoppedRoom + " was stopped: Counterfeit pills");
      Http.Reply toEnded = httpB.post("/api/rooms/" + endedRoom + what, staff,
          what.equals("/prompts") ? prompt : transcript);
      assertThat(toEnded.status()).isEqualTo(409);
      assertThat(toEnded.body().getJsonObject("error").getString("message")).isEqualTo("room " + endedRoom + " has ended");
    }
  }

  private static JsonObject refusedHandshake(Vertx vertx, Http http, String roomId, int status) {
    return refusedHandshake(vertx, http, roomId, http.token("abuse-said-late", "viewer"), status);
  }

  /** The error object of a refused handshake, after checking its status and that it came as JSON. */
  private static JsonObject refusedHandshake(Vertx vertx, Http http, String roomId, String token, int status) {
    UpgradeRejectedException refused = catchThrowableOfType(UpgradeRejectedException.class,
        () -> TestSocket.connect(vertx, http.port(), roomId, token));
    assertThat(refused).isNotNull();
    assertThat(refused.getStatus()).isEqualTo(status);
    assertThat(refused.getHeaders().get("Content-Type")).startsWith("application/json");
    return new JsonObject(refused.getBody()).getJsonObject("error");
  }

  @Test
  void aStoppedRoomsOpenSocketsStayOpenReadOnly(Vertx vertx) throws InterruptedException {
    String roomId = httpA.createRoom(staff, "abuse-streamer-open");
    List<TestSocket> viewers = new ArrayList<>(TestSocket.viewers(vertx, httpA, roomId, "abuse-open-a-", 2));
    viewers.addAll(TestSocket.viewers(vertx, httpB, roomId, "abuse-open-b-", 2));
    String promptId = httpA.openPrompt(staff, roomId, 600).getString("id");
    viewers.forEach(v -> v.await("prompt"));
    assertThat(httpB.post("/api/rooms/" + roomId + "/stop", staff, new JsonObject().put("reason", "Fake cure"))
        .status()).isEqualTo(200);
    viewers.forEach(v -> v.await("stopped"));
    // Kept open so the page keeps saying why; every ballot is refused, pings are answered.
    TimeUnit.MILLISECONDS.sleep(1_000);
    for (int i = 0; i < viewers.size(); i++) {
      TestSocket viewer = viewers.get(i);
      assertThat(viewer.isClosed()).isFalse();
      viewer.ballot("late-" + i, promptId, "false");
      assertThat(viewer.ack("late-" + i).getString("status")).isEqualTo("closed");
      viewer.send(new JsonObject().put("type", "ping"));
      viewer.await("pong");
      assertThat(viewer.frames("stopped")).hasSize(1);
    }
  }
}
