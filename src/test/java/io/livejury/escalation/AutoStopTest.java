package io.livejury.escalation;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The automatic stop rule proposes and people decide: two condemned medical verdicts in one room within the window
 * write one pending stop and one critical {@code stop} item; staff confirm it by stopping the room, or dismiss it by
 * deciding the item, and the room stays live.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class AutoStopTest {

  private static final String MEDICAL = "这款茶能治疗糖尿病，大家放心喝";
  /** Seven condemning ballots make a FALSE_CLAIM under the default thresholds (Wilson lower bound 0.65). */
  private static final int VOTERS = 7;

  private static TestNode node;
  private static Http http;
  private static String staff;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("LIVEJURY_VERDICT_QUORUM", "1", "LIVEJURY_PROMPT_SECONDS", "2",
        "LIVEJURY_AUTO_PROMPT_COOLDOWN_MINUTES", "0", "LIVEJURY_REVIEW_REPEAT_SECONDS", "1"));
    http = new Http(node.port());
    staff = http.token("autostop-staff-1", "staff");
  }

  @AfterAll
  static void stop(Vertx vertx) {
    vertx.close().await();
    node.stop();
  }

  /** A medical claim in the room, its vote opened by the rule, every viewer condemning it; returns its verdict. */
  private static JsonObject condemnedMedicalVerdict(String roomId, List<TestSocket> viewers, int round) {
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/transcript", staff, new JsonObject().put("segments",
        new JsonArray().add(new JsonObject().put("id", "autostop-seg-" + round).put("startMs", 0).put("endMs", 1000)
            .put("text", MEDICAL))));
    assertThat(reply.status()).isEqualTo(202);
    assertThat(reply.body().getJsonArray("prompts")).hasSize(1);
    String promptId = reply.body().getJsonArray("prompts").getJsonObject(0).getString("id");
    for (TestSocket viewer : viewers) {
      viewer.await(f -> "prompt".equals(f.getString("type"))
          && promptId.equals(f.getJsonObject("prompt").getString("id")));
      viewer.ballot("r" + round, promptId, "false");
      assertThat(viewer.ack("r" + round).getString("status")).isEqualTo("accepted");
    }
    JsonObject verdict = http.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(15));
    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    return verdict;
  }

  private static List<JsonObject> itemsOf(String roomId, String kind) {
    List<JsonObject> items = new ArrayList<>();
    http.get("/api/queue", staff).body().getJsonArray("items").forEach(o -> {
      JsonObject item = (JsonObject) o;
      if (roomId.equals(item.getString("roomId")) && kind.equals(item.getString("kind"))) {
        items.add(item);
      }
    });
    return items;
  }

  private static JsonArray stopsOf(String streamer) {
    return http.get("/api/penalties?subject=" + streamer, staff).body().getJsonArray("stops");
  }

  /** Two condemned medical verdicts in the room: returns its one stop item, after checking the pending row. */
  private static JsonObject proposal(Vertx vertx, String streamer, String roomId) {
    List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, streamer + "-v", VOTERS);
    condemnedMedicalVerdict(roomId, viewers, 1);
    assertThat(itemsOf(roomId, "stop")).isEmpty();
    assertThat(stopsOf(streamer)).isEmpty();
    condemnedMedicalVerdict(roomId, viewers, 2);
    http.awaitGet("/api/queue", staff, r -> !itemsOf(roomId, "stop").isEmpty(), Duration.ofSeconds(5),
        "the stop proposal");
    List<JsonObject> stops = itemsOf(roomId, "stop");
    assertThat(stops).hasSize(1);
    JsonObject item = stops.get(0);
    assertThat(item.getString("severity")).isEqualTo("critical");
    assertThat(item.getString("category")).isEqualTo("medical_claim");
    assertThat(item.getJsonObject("source").getLong("verdicts")).isEqualTo(2);
    JsonArray rows = stopsOf(streamer);
    assertThat(rows).hasSize(1);
    assertThat(rows.getJsonObject(0).getString("status")).isEqualTo("pending");
    assertThat(rows.getJsonObject(0).getBoolean("auto")).isTrue();
    assertThat(rows.getJsonObject(0).getString("by")).isEqualTo("auto");
    assertThat(rows.getJsonObject(0).getString("id")).isEqualTo(item.getJsonObject("source").getString("stopId"));
    // Proposing stops nothing: the room is live until a person decides.
    assertThat(http.get("/api/rooms/" + roomId, staff).body().getString("status")).isEqualTo("live");
    return item;
  }

  @Test
  void staffConfirmAProposedStopByStoppingTheRoom(Vertx vertx) {
    String streamer = "autostop-confirm";
    String roomId = http.createRoom(staff, streamer);
    JsonObject item = proposal(vertx, streamer, roomId);

    Http.Reply stopped = http.post("/api/rooms/" + roomId + "/stop", staff,
        new JsonObject().put("reason", "Tea sold as a cure for diabetes, twice"));
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(itemsOf(roomId, "stop")).isEmpty();
    assertThat(http.post("/api/queue/" + item.getString("id") + "/resolve", staff, null).status()).isEqualTo(409);
    JsonArray rows = stopsOf(streamer);
    assertThat(rows).hasSize(2);
    assertThat(rows.stream().map(o -> ((JsonObject) o).getString("status")).toList())
        .containsExactlyInAnyOrder("confirmed", "confirmed");
    assertThat(rows.stream().filter(o -> ((JsonObject) o).getBoolean("auto")).toList()).hasSize(1);
    rows.forEach(o -> assertThat(((JsonObject) o).getString("decidedBy")).isEqualTo("autostop-staff-1"));
  }

  @Test
  void staffDismissAProposedStopByDecidingItsItem(Vertx vertx) {
    String streamer = "autostop-dismiss";
    String roomId = http.createRoom(staff, streamer);
    JsonObject item = proposal(vertx, streamer, roomId);

    Http.Reply resolved = http.post("/api/queue/" + item.getString("id") + "/resolve", staff,
        new JsonObject().put("outcome", "the claims were about a registered drug"));
    assertThat(resolved.status()).isEqualTo(200);
    assertThat(itemsOf(roomId, "stop")).isEmpty();
    JsonArray rows = stopsOf(streamer);
    assertThat(rows).hasSize(1);
    assertThat(rows.getJsonObject(0).getString("status")).isEqualTo("dismissed");
    assertThat(rows.getJsonObject(0).getString("decidedBy")).isEqualTo("autostop-staff-1");
    assertThat(http.get("/api/rooms/" + roomId, staff).body().getString("status")).isEqualTo("live");
  }

  @Test
  void aDismissalRacingAStopLeavesOneConsistentRecord(Vertx vertx) throws Exception {
    String streamer = "autostop-race";
    String roomId = http.createRoom(staff, streamer);
    JsonObject item = proposal(vertx, streamer, roomId);
    String dismisser = http.token("autostop-dismisser", "staff");
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Integer> dismiss = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      await(go);
      return http.post("/api/queue/" + item.getString("id") + "/resolve", dismisser,
          new JsonObject().put("outcome", "dismissed")).status();
    }, runnable -> new Thread(runnable).start());
    java.util.concurrent.CompletableFuture<Integer> stop = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      await(go);
      return http.post("/api/rooms/" + roomId + "/stop", staff, new JsonObject().put("reason", "racing")).status();
    }, runnable -> new Thread(runnable).start());
    go.countDown();
    int dismissed = dismiss.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(stop.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
    assertThat(dismissed).isIn(200, 409);

    JsonObject proposalRow = stopsOf(streamer).stream().map(o -> (JsonObject) o)
        .filter(row -> row.getBoolean("auto")).findFirst().orElseThrow();
    Http.Reply again = http.post("/api/queue/" + item.getString("id") + "/resolve", staff, null);
    assertThat(again.status()).isEqualTo(409);
    if (dismissed == 200) {
      // The dismissal came first and stands; the stop is a stop of its own.
      assertThat(proposalRow.getString("status")).isEqualTo("dismissed");
      assertThat(proposalRow.getString("decidedBy")).isEqualTo("autostop-dismisser");
    } else {
      assertThat(proposalRow.getString("status")).isEqualTo("confirmed");
      assertThat(proposalRow.getString("decidedBy")).isEqualTo("autostop-staff-1");
    }
    assertThat(http.get("/api/rooms/" + roomId, staff).body().getString("status")).isEqualTo("stopped");
  }

  private static void await(java.util.concurrent.CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
