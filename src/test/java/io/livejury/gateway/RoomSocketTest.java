package io.livejury.gateway;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class RoomSocketTest {

  private static TestNode node;
  private static Http http;
  private static String staff;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start();
    http = new Http(node.port());
    staff = http.token("staff-1", "staff");
  }

  @AfterAll
  static void stop(Vertx vertx) {
    node.stopAfter(vertx);
  }

  @Test
  void aPromptFansOutToEverySocketInTheRoomAndNoOther(Vertx vertx, VertxTestContext tc) throws Exception {
    String roomId = http.createRoom(staff, "streamer-fan");
    String otherRoom = http.createRoom(staff, "streamer-quiet");
    List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "fan-viewer-", 150);
    TestSocket outsider = TestSocket.connect(vertx, node.port(), otherRoom, http.token("outsider", "viewer"));

    String promptId = http.openPrompt(staff, roomId, 30).getString("id");

    Checkpoint received = tc.checkpoint(viewers.size());
    for (TestSocket viewer : viewers) {
      vertx.executeBlocking(() -> viewer.await(f -> "prompt".equals(f.getString("type"))
              && promptId.equals(f.getJsonObject("prompt").getString("id"))))
          .onComplete(tc.succeeding(frame -> received.flag()));
    }
    assertThat(tc.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
    assertThat(outsider.frames("prompt")).isEmpty();
    if (tc.failed()) {
      throw new AssertionError(tc.causeOfFailure());
    }
  }

  @Test
  void welcomeComesFirstWithTheOpenPromptsAndWhatTheViewerVoted(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-welcome");
    String token = http.token("returning-viewer", "viewer");
    // The viewers were in the room before the prompt opened, as jurors must be; the returning one left meanwhile.
    TestSocket.connect(vertx, node.port(), roomId, token).close();
    List<TestSocket> others = TestSocket.viewers(vertx, http, roomId, "welcome-other-", 2);
    String promptId = http.openPrompt(staff, roomId, 30).getString("id");

    TestSocket first = TestSocket.connect(vertx, node.port(), roomId, token);
    JsonObject welcome = first.frames().get(0);
    assertThat(welcome.getString("type")).isEqualTo("welcome");
    assertThat(welcome.getString("userId")).isEqualTo("returning-viewer");
    assertThat(welcome.getString("role")).isEqualTo("viewer");
    assertThat(Duration.between(Instant.parse(welcome.getString("serverTime")), Instant.now()).abs())
        .isLessThan(Duration.ofSeconds(1));
    assertThat(welcome.getJsonArray("openPrompts")).hasSize(1);
    JsonObject found = welcome.getJsonArray("openPrompts").getJsonObject(0);
    assertThat(found.getString("voted")).isNull();
    assertThat(found.getJsonObject("juror")).as("first joined before it opened").isEqualTo(new JsonObject().put("eligible", true));
    assertThat(found.getJsonObject("counts").getMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("true", 0, "false", 0, "unsure", 0));
    assertThat(found.getLong("total")).isZero();
    JsonObject later = http.openPrompt(staff, roomId, 30);
    JsonObject announced = first.await(f -> "prompt".equals(f.getString("type")));
    assertThat(announced.getJsonObject("prompt").getString("id")).isEqualTo(later.getString("id"));
    assertThat(announced.getString("serverTime")).isEqualTo(later.getString("opensAt"));

    first.ballot("b1", promptId, "false");
    assertThat(first.ack("b1").getString("status")).isEqualTo("accepted");
    others.get(0).ballot("b", promptId, "true");
    others.get(1).ballot("b", promptId, "false");
    others.forEach(other -> assertThat(other.ack("b").getString("status")).isEqualTo("accepted"));
    first.close();

    TestSocket again = TestSocket.connect(vertx, node.port(), roomId, token);
    JsonObject rewelcome = again.frames().get(0);
    assertThat(Duration.between(Instant.parse(rewelcome.getString("serverTime")), Instant.now()).abs())
        .isLessThan(Duration.ofSeconds(1));
    assertThat(rewelcome.getJsonArray("openPrompts")).hasSize(2);
    JsonObject refound = rewelcome.getJsonArray("openPrompts").stream().map(JsonObject.class::cast)
        .filter(p -> promptId.equals(p.getString("id"))).findFirst().orElseThrow();
    assertThat(refound.getString("voted")).isEqualTo("false");
    assertThat(refound.getJsonObject("counts").getMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("true", 1, "false", 2, "unsure", 0));
    assertThat(refound.getLong("total")).isEqualTo(3);
    tc.completeNow();
  }

  @Test
  void everyViewerIsCountedExactlyOnce(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-count");
    List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "count-viewer-", 120);
    String promptId = http.openPrompt(staff, roomId, 30).getString("id");
    String[] options = {"true", "false", "unsure"};
    for (int i = 0; i < viewers.size(); i++) {
      viewers.get(i).await("prompt");
      viewers.get(i).ballot("first", promptId, options[i % 3]);
      viewers.get(i).ballot("again", promptId, options[(i + 1) % 3]);
    }
    for (TestSocket viewer : viewers) {
      assertThat(viewer.ack("first").getString("status")).isEqualTo("accepted");
      JsonObject duplicate = viewer.ack("again");
      assertThat(duplicate.getString("status")).isEqualTo("duplicate");
    }
    JsonObject prompt = http.get("/api/prompts/" + promptId, staff).body();
    assertThat(prompt.getLong("total")).isEqualTo(120);
    assertThat(prompt.getJsonObject("counts").getMap())
        .containsEntry("true", 40).containsEntry("false", 40).containsEntry("unsure", 40);

    String metrics = http.text("/metrics");
    assertThat(metric(metrics, "livejury_ballots_total{outcome=\"accepted\"}")).isGreaterThanOrEqualTo(120);
    assertThat(metric(metrics, "livejury_ballots_total{outcome=\"duplicate\"}")).isGreaterThanOrEqualTo(120);
    assertThat(metric(metrics, "livejury_sockets")).isGreaterThanOrEqualTo(120);
    assertThat(metric(metrics, "livejury_ballot_ack_seconds_count")).isGreaterThanOrEqualTo(240);
    assertThat(metric(metrics, "livejury_redis_call_seconds_count{command=\"evalsha\"}")).isGreaterThanOrEqualTo(240);
    assertThat(metric(metrics, "livejury_room_fanout_seconds_count")).isGreaterThanOrEqualTo(1);
    assertThat(metrics).contains("livejury_ballot_ack_seconds_bucket", "livejury_verdict_stream_length");
    tc.completeNow();
  }

  /** The value of one sample line of Prometheus text. */
  private static double metric(String text, String sample) {
    return text.lines().filter(line -> line.startsWith(sample + " ")).findFirst()
        .map(line -> Double.parseDouble(line.substring(sample.length() + 1).trim()))
        .orElseThrow(() -> new AssertionError("no sample " + sample + " in\n" + text));
  }

  @Test
  void aClosedPromptTakesNoBallot(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-late");
    TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("late-viewer", "viewer"));
    String promptId = http.openPrompt(staff, roomId, 1).getString("id");
    viewer.await("verdict");
    viewer.ballot("late", promptId, "true");
    assertThat(viewer.ack("late").getString("status")).isEqualTo("closed");
    assertThat(http.get("/api/prompts/" + promptId, staff).body().getLong("total")).isZero();
    tc.completeNow();
  }

  @Test
  void ballotsThatCannotCountAreRejectedWithAReason(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-reject");
    String otherRoom = http.createRoom(staff, "streamer-elsewhere");
    String promptId = http.openPrompt(staff, roomId, 30).getString("id");
    String elsewhere = http.openPrompt(staff, otherRoom, 30).getString("id");
    TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("picky-viewer", "viewer"));
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId,
        http.token("streamer-reject", "streamer", "m-streamer-reject"));

    viewer.ballot("opt", promptId, "maybe");
    viewer.ballot("unknown", "p-does-not-exist", "true");
    viewer.ballot("room", elsewhere, "true");
    viewer.send(new JsonObject().put("type", "ballot").put("ref", "empty"));
    streamer.ballot("self", promptId, "true");

    assertThat(viewer.ack("opt").getString("reason")).isEqualTo("unknown_option");
    assertThat(viewer.ack("unknown").getString("reason")).isEqualTo("unknown_prompt");
    assertThat(viewer.ack("room").getString("reason")).isEqualTo("wrong_room");
    assertThat(viewer.ack("empty").getString("status")).isEqualTo("rejected");
    JsonObject self = streamer.ack("self");
    assertThat(self.getString("status")).isEqualTo("rejected");
    assertThat(self.getString("reason")).contains("viewers");
    assertThat(http.get("/api/prompts/" + promptId, staff).body().getLong("total")).isZero();
    tc.completeNow();
  }

  @Test
  void badFramesGetAnErrorAndTheConnectionStaysOpen(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-bad");
    TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("sloppy-viewer", "viewer"));

    viewer.sendText("{not json");
    viewer.sendText("[1,2,3]");
    viewer.send(new JsonObject().put("type", "shout").put("ref", "s1"));
    viewer.send(new JsonObject().put("type", "ballot").put("ref", "big").put("pad", "x".repeat(20_000)));
    viewer.send(new JsonObject().put("type", "ping"));

    viewer.await("pong");
    List<String> codes = viewer.frames("error").stream().map(f -> f.getString("code")).toList();
    assertThat(codes).containsExactly("bad_json", "bad_frame", "unknown_type", "too_large");
    assertThat(viewer.frames("error").get(2).getString("ref")).isEqualTo("s1");
    assertThat(viewer.isClosed()).isFalse();
    tc.completeNow();
  }

  @Test
  void aFloodIsSlowedDownNotDisconnected(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-flood");
    TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("flooder", "viewer"));
    for (int i = 0; i < 200; i++) {
      viewer.send(new JsonObject().put("type", "ping").put("ref", "p" + i));
    }
    viewer.await(f -> "error".equals(f.getString("type")) && "rate_limited".equals(f.getString("code")));
    viewer.await(f -> "error".equals(f.getString("type")) && "p199".equals(f.getString("ref"))
        || "pong".equals(f.getString("type")) && viewer.frames().size() >= 200);
    assertThat(viewer.frames("pong").size()).isLessThan(200);
    assertThat(viewer.isClosed()).isFalse();
    tc.completeNow();
  }

  @Test
  void endingARoomClosesItsPromptsWithAVerdictRefusesBallotsAndNewSockets(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    String roomId = http.createRoom(staff, "streamer-ending");
    String streamer = http.token("streamer-ending", "streamer", "m-streamer-ending");
    List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "ending-viewer-", 4);
    String first = http.openPrompt(staff, roomId, 600).getString("id");
    String second = http.openPrompt(staff, roomId, 600).getString("id");
    String[] firstBallots = {"false", "false", "true"};
    for (int i = 0; i < firstBallots.length; i++) {
      viewers.get(i).ballot("first", first, firstBallots[i]);
      assertThat(viewers.get(i).ack("first").getString("status")).isEqualTo("accepted");
    }
    viewers.get(0).ballot("second", second, "unsure");
    assertThat(viewers.get(0).ack("second").getString("status")).isEqualTo("accepted");

    Http.Reply ended = http.post("/api/rooms/" + roomId + "/end", streamer, null);
    assertThat(ended.status()).isEqualTo(200);
    assertThat(ended.body().getString("status")).isEqualTo("ended");
    TestSocket last = viewers.get(3);
    last.ballot("after-first", first, "false");
    last.ballot("after-second", second, "false");
    assertThat(last.ack("after-first").getString("status")).isEqualTo("closed");
    assertThat(last.ack("after-second").getString("status")).isEqualTo("closed");

    for (TestSocket viewer : viewers) {
      JsonObject firstVerdict = viewer.await(f -> "verdict".equals(f.getString("type"))
          && first.equals(f.getJsonObject("verdict").getString("promptId"))).getJsonObject("verdict");
      assertThat(firstVerdict.getJsonObject("counts").getMap())
          .containsExactlyInAnyOrderEntriesOf(Map.of("true", 1, "false", 2, "unsure", 0));
      assertThat(firstVerdict.getLong("total")).isEqualTo(3);
      JsonObject secondVerdict = viewer.await(f -> "verdict".equals(f.getString("type"))
          && second.equals(f.getJsonObject("verdict").getString("promptId"))).getJsonObject("verdict");
      assertThat(secondVerdict.getJsonObject("counts").getMap())
          .containsExactlyInAnyOrderEntriesOf(Map.of("true", 0, "false", 0, "unsure", 1));
      assertThat(secondVerdict.getLong("total")).isEqualTo(1);
    }
    last.ballot("after-verdict", first, "true");
    assertThat(last.ack("after-verdict").getString("status")).isEqualTo("closed");
    JsonObject read = http.get("/api/prompts/" + first, staff).body();
    assertThat(read.getString("status")).isEqualTo("closed");
    assertThat(read.getLong("total")).isEqualTo(3);
    assertThat(http.awaitVerdict("v-" + first, staff, Duration.ofSeconds(15)).getLong("total")).isEqualTo(3);
    assertThat(http.awaitVerdict("v-" + second, staff, Duration.ofSeconds(15)).getLong("total")).isEqualTo(1);

    assertThatThrownBy(() -> TestSocket.connect(vertx, node.port(), roomId, http.token("too-late", "viewer")))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(410));
    // Ending again changes nothing: each prompt was decided once.
    assertThat(http.post("/api/rooms/" + roomId + "/end", staff, null).status()).isEqualTo(200);
    TimeUnit.MILLISECONDS.sleep(500);
    viewers.forEach(viewer -> assertThat(viewer.frames("verdict")).hasSize(2));
    tc.completeNow();
  }

  @Test
  void handshakesWithoutAValidTokenOrRoomAreRefused(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-door");
    String viewer = http.token("door-viewer", "viewer");
    assertThatThrownBy(() -> TestSocket.connect(vertx, node.port(), roomId, ""))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    assertThatThrownBy(() -> TestSocket.connect(vertx, node.port(), roomId, viewer + "x"))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    assertThatThrownBy(() -> TestSocket.connect(vertx, node.port(), "no-such-room", viewer))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(404));
    tc.completeNow();
  }
}
