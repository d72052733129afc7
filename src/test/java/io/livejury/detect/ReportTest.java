package io.livejury.detect;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class ReportTest {

  private static TestNode node;
  private static Http http;
  private static String staff;

  @BeforeAll
  static void start() {
    // Prompts opened by reports last three seconds, so a test can see their verdicts too.
    node = TestNode.start(Map.of("LIVEJURY_PROMPT_SECONDS", "3"));
    http = new Http(node.port());
    staff = http.token("staff-1", "staff");
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  private static void report(TestSocket socket, String ref, String category) {
    report(socket, ref, category, "主播说的不对");
  }

  private static void report(TestSocket socket, String ref, String category, String text) {
    socket.send(new JsonObject().put("type", "report").put("ref", ref).put("category", category)
        .put("text", text));
  }

  @Test
  void twentyDistinctViewersOpenOnePrompt(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    String roomId = http.createRoom(staff, "streamer-reported");
    List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "reporter-", 25);
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId,
        http.token("streamer-reported", "streamer", "m-streamer-reported"));
    for (int i = 0; i < 19; i++) {
      report(viewers.get(i), "r", "false_claim");
      assertThat(viewers.get(i).ack("r").getString("status")).isEqualTo("accepted");
    }
    TimeUnit.MILLISECONDS.sleep(300);
    assertThat(viewers.get(24).frames("prompt")).as("19 reports are not enough").isEmpty();

    for (int i = 19; i < 25; i++) {
      report(viewers.get(i), "r", "false_claim", "第" + i + "个举报：茶不能治糖尿病");
      assertThat(viewers.get(i).ack("r").getString("status")).isEqualTo("accepted");
    }
    JsonObject prompt = viewers.get(0).await("prompt").getJsonObject("prompt");
    assertThat(prompt.getString("kind")).isEqualTo("claim");
    assertThat(prompt.getJsonObject("trigger").getString("type")).isEqualTo("reports");
    assertThat(prompt.getJsonObject("trigger").getInteger("reporters")).isEqualTo(20);
    String promptId = prompt.getString("id");
    // The twentieth report opened it; the five latest texts, newest first, go with it for staff only.
    assertThat(prompt.getJsonObject("trigger").fieldNames()).containsExactlyInAnyOrder(
        "type", "category", "reporters", "windowSeconds");
    assertThat(streamer.await("prompt").getJsonObject("prompt").getJsonObject("trigger").containsKey("texts")).isFalse();
    JsonObject asViewer = http.get("/api/prompts/" + promptId, http.token("reporter-0", "viewer")).body();
    assertThat(asViewer.getJsonObject("trigger").getInteger("reporters")).isEqualTo(20);
    assertThat(asViewer.getJsonObject("trigger").containsKey("texts")).isFalse();
    String streamerToken = http.token("streamer-reported", "streamer", "m-streamer-reported");
    assertThat(http.get("/api/prompts/" + promptId, streamerToken).body().getJsonObject("trigger")
        .containsKey("texts")).isFalse();
    assertThat(http.get("/api/prompts/" + promptId, staff).body().getJsonObject("trigger").getJsonArray("texts")
        .getList()).containsExactly("第19个举报：茶不能治糖尿病", "主播说的不对", "主播说的不对", "主播说的不对", "主播说的不对");
    TestSocket late = TestSocket.connect(vertx, node.port(), roomId, http.token("late-reporter", "viewer"));
    JsonObject welcomed = late.frames().get(0).getJsonArray("openPrompts").getJsonObject(0);
    assertThat(welcomed.getString("id")).isEqualTo(promptId);
    assertThat(welcomed.getJsonObject("trigger").containsKey("texts")).isFalse();

    // Its verdict reaches the room without the texts, and staff reviewing it with all five.
    JsonObject verdict = viewers.get(0).await("verdict").getJsonObject("verdict");
    assertThat(verdict.getJsonObject("trigger").getString("type")).isEqualTo("reports");
    assertThat(verdict.getJsonObject("trigger").containsKey("texts")).isFalse();
    assertThat(streamer.await("verdict").getJsonObject("verdict").getJsonObject("trigger").containsKey("texts")).isFalse();
    assertThat(http.get("/api/prompts/" + promptId, http.token("reporter-0", "viewer")).body()
        .getJsonObject("verdict").getJsonObject("trigger").containsKey("texts")).isFalse();
    assertThat(http.get("/api/prompts/" + promptId, staff).body().getJsonObject("verdict").getJsonObject("trigger")
        .getJsonArray("texts")).hasSize(5);
    JsonObject detail = http.awaitVerdict(verdict.getString("id"), staff, Duration.ofSeconds(15));
    assertThat(detail.getJsonObject("trigger").getJsonArray("texts").getList()).containsExactly(
        "第19个举报：茶不能治糖尿病", "主播说的不对", "主播说的不对", "主播说的不对", "主播说的不对");
    viewers.forEach(v -> assertThat(v.frames("prompt")).hasSize(1));
    tc.completeNow();
  }

  @Test
  void oneViewerFloodingReportsIsRejectedAndOpensNothing(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    String roomId = http.createRoom(staff, "streamer-flooded");
    TestSocket flooder = TestSocket.connect(vertx, node.port(), roomId, http.token("flooder-r", "viewer"));
    for (int i = 0; i < 20; i++) {
      report(flooder, "r" + i, "atmosphere");
    }
    assertThat(flooder.ack("r0").getString("status")).isEqualTo("accepted");
    for (int i = 1; i < 20; i++) {
      JsonObject ack = flooder.ack("r" + i);
      assertThat(ack.getString("status")).isEqualTo("rejected");
      assertThat(ack.getString("reason")).isEqualTo("rate_limited");
    }
    TimeUnit.MILLISECONDS.sleep(500);
    assertThat(flooder.frames("prompt")).isEmpty();
    tc.completeNow();
  }

  @Test
  void badReportsAreRejectedWithAReason(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-badreports");
    TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("viewer-br", "viewer"));
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId,
        http.token("streamer-badreports", "streamer", "m-streamer-badreports"));
    report(viewer, "a", "spam");
    viewer.send(new JsonObject().put("type", "report").put("ref", "b").put("category", "other").put("text", 42));
    report(streamer, "c", "false_claim");
    // A lone surrogate, as the JSON escape \ud800 decodes: no UTF-8 store can keep it.
    viewer.sendText("{\"type\":\"report\",\"ref\":\"d\",\"category\":\"false_claim\",\"text\":\"假的\\ud800\"}");
    assertThat(viewer.ack("a").getString("reason")).contains("category");
    assertThat(viewer.ack("b").getString("reason")).contains("text");
    assertThat(viewer.ack("d").getString("status")).isEqualTo("rejected");
    assertThat(viewer.ack("d").getString("reason")).isEqualTo("text holds an unpaired UTF-16 surrogate, which is no character");
    assertThat(streamer.ack("c").getString("reason")).contains("viewers");
    tc.completeNow();
  }
}
