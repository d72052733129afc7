package io.livejury.room;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.RedisProbe;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Room frames survive a dropped subscriber connection: what was published while the node was not
 * listening is read back from the room's event stream once it has resubscribed, in order and once each,
 * and the node tells its sockets in plain words while it is not listening.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class SubscriberGapTest {

  private static final int VIEWERS = 32;

  private static JsonObject transcript(String text) {
    return new JsonObject().put("segments", new JsonArray().add(new JsonObject().put("id", "seg-" + System.nanoTime())
        .put("startMs", 0).put("endMs", 2500).put("text", text)));
  }

  private static List<JsonObject> framesOf(TestSocket socket, String type, String promptId) {
    return socket.frames(type).stream()
        .filter(f -> promptId.equals(f.getJsonObject(type).getString("promptId")))
        .toList();
  }

  @Test
  void roomsLeftEmptyAndUnsubscribedDoNotMakeTheNodeThinkItsStoreIsGone(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    TestNode node = TestNode.start();
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      TestSocket stayer = TestSocket.connect(vertx, node.port(), http.createRoom(staff, "streamer-stays"),
          http.token("stayer", "viewer"));
      for (int i = 0; i < 3; i++) {
        TestSocket passer = TestSocket.connect(vertx, node.port(), http.createRoom(staff, "streamer-passes-" + i),
            http.token("passer-" + i, "viewer"));
        passer.close();
      }
      // The sweep unsubscribes the three emptied rooms within 10 s; the health check runs every 2 s after.
      TimeUnit.SECONDS.sleep(16);
      assertThat(stayer.frames("service")).isEmpty();
      assertThat(stayer.isClosed()).isFalse();
    } finally {
      node.stopAfter(vertx);
    }
    tc.completeNow();
  }

  @Test
  void aVerdictDecidedWhileTheSubscriberIsDownReachesEverySocketOnce(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    TestNode node = TestNode.start();
    RedisProbe redis = new RedisProbe(vertx);
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String streamerId = "streamer-gap-" + System.nanoTime();
      String roomId = http.createRoom(staff, streamerId);
      TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId,
          http.token(streamerId, "streamer", "m-" + streamerId));
      List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "gap-viewer-", VIEWERS);
      JsonObject prompt = http.openPrompt(staff, roomId, 4);
      String promptId = prompt.getString("id");
      for (int i = 0; i < VIEWERS; i++) {
        viewers.get(i).await("prompt");
        viewers.get(i).ballot("b" + i, promptId, "false");
      }
      for (int i = 0; i < VIEWERS; i++) {
        assertThat(viewers.get(i).ack("b" + i).getString("status")).isEqualTo("accepted");
      }

      long untilKill = Duration.between(Instant.now(), Instant.parse(prompt.getString("closesAt"))).toMillis() - 100;
      assertThat(untilKill).as("the ballots were in well before the deadline").isPositive();
      TimeUnit.MILLISECONDS.sleep(untilKill);
      assertThat(redis.killSubscriberConnections()).as("the node's one subscriber connection").isEqualTo(1);

      List<TestSocket> everyone = new ArrayList<>(viewers);
      everyone.add(streamer);
      for (TestSocket socket : everyone) {
        JsonObject verdict = socket.await(f -> "verdict".equals(f.getString("type"))).getJsonObject("verdict");
        assertThat(verdict.getString("promptId")).isEqualTo(promptId);
        assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
        assertThat(verdict.getLong("total")).isEqualTo(VIEWERS);
      }
      JsonObject penalty = streamer.await("penalty").getJsonObject("penalty");
      assertThat(penalty.getString("verdictId")).isEqualTo("v-" + promptId);
      for (TestSocket socket : everyone) {
        socket.await(f -> "service".equals(f.getString("type")) && "ok".equals(f.getString("status")));
      }

      // Long enough for a duplicate to show: catch-up, live messages and several outbox relay rounds.
      TimeUnit.MILLISECONDS.sleep(2_000);
      for (TestSocket socket : everyone) {
        assertThat(framesOf(socket, "verdict", promptId)).as("verdict frames").hasSize(1);
        assertThat(socket.frames("prompt")).as("prompt frames").hasSize(1);
      }
      assertThat(streamer.frames("penalty")).as("penalty frames").hasSize(1);
      assertThat(viewers.get(0).frames("penalty")).as("penalties are for the streamer").isEmpty();
      assertThat(redis.roomEvents(roomId)).as("the room's stream: prompt opened, prompt closed, penalty; no tallies")
          .isEqualTo(3);
      tc.completeNow();
    } finally {
      redis.close();
      node.stopAfter(vertx);
    }
  }

  @Test
  void aWarningPostedWhileTheSubscriberIsDownReachesTheStreamer(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    // The gap stays open two seconds, so the transcript is surely posted while the node is not listening.
    TestNode node = TestNode.start(Map.of("LIVEJURY_SUBSCRIBER_RECONNECT_MS", "2000"));
    RedisProbe redis = new RedisProbe(vertx);
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String streamerId = "streamer-gap-warn-" + System.nanoTime();
      String roomId = http.createRoom(staff, streamerId);
      String token = http.token(streamerId, "streamer", "m-" + streamerId);
      TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId, token);
      TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("gap-warn-viewer", "viewer"));

      assertThat(redis.killSubscriberConnections()).isEqualTo(1);
      Http.Reply reply = http.post("/api/rooms/" + roomId + "/transcript", token,
          transcript("我们家这款茶能治疗糖尿病，喝一个月降血糖"));
      assertThat(reply.status()).isEqualTo(202);
      String warningId = reply.body().getJsonArray("warnings").getJsonObject(0).getString("id");
      String promptId = reply.body().getJsonArray("prompts").getJsonObject(0).getString("id");

      assertThat(streamer.await("warning").getJsonObject("warning").getString("id")).isEqualTo(warningId);
      viewer.await(f -> "prompt".equals(f.getString("type"))
          && promptId.equals(f.getJsonObject("prompt").getString("id")));
      streamer.await(f -> "service".equals(f.getString("type")) && "ok".equals(f.getString("status")));
      TimeUnit.MILLISECONDS.sleep(500);
      assertThat(streamer.frames()).extracting(f -> f.getString("type")).filteredOn(type -> !"tally".equals(type))
          .as("caught up from the stream before the node says it is back")
          .containsExactly("welcome", "service", "warning", "prompt", "service");
      assertThat(streamer.frames("warning")).hasSize(1);
      assertThat(viewer.frames("prompt")).hasSize(1);
      assertThat(streamer.frames("prompt")).hasSize(1);
      assertThat(viewer.frames("warning")).as("warnings are for the streamer and staff").isEmpty();
      tc.completeNow();
    } finally {
      redis.close();
      node.stopAfter(vertx);
    }
  }

  @Test
  void aGapLongerThanTheStreamFallsBackToReadingThePromptsBack(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    TestNode node = TestNode.start(Map.of("LIVEJURY_ROOM_EVENTS_MAXLEN", "10",
        "LIVEJURY_SUBSCRIBER_RECONNECT_MS", "5000"));
    RedisProbe redis = new RedisProbe(vertx);
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String streamerId = "streamer-gap-trim-" + System.nanoTime();
      String roomId = http.createRoom(staff, streamerId);
      String token = http.token(streamerId, "streamer", "m-" + streamerId);
      TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId, token);
      TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("gap-trim-viewer", "viewer"));
      String closing = http.openPrompt(staff, roomId, 2).getString("id");
      viewer.await("prompt");

      assertThat(redis.killSubscriberConnections()).isEqualTo(1);
      String opened = http.openPrompt(staff, roomId, 30).getString("id");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      while (redis.streamedVerdicts(closing).isEmpty()) {
        assertThat(System.nanoTime()).as("the first prompt closes during the gap").isLessThan(deadline);
        TimeUnit.MILLISECONDS.sleep(50);
      }
      TimeUnit.MILLISECONDS.sleep(200); // the closer publishes right after handing the verdict off
      // 150 warnings no node hears (each goes out again): the stream keeps far fewer than the gap produced.
      JsonArray segments = new JsonArray();
      for (int i = 0; i < 50; i++) {
        segments.add(new JsonObject().put("id", "flood-" + i).put("startMs", i).put("endMs", i + 1).put("text", "全网最低价"));
      }
      for (int i = 0; i < 3; i++) {
        assertThat(http.post("/api/rooms/" + roomId + "/transcript", token, new JsonObject().put("segments", segments))
            .status()).isEqualTo(202);
      }
      assertThat(redis.roomEvents(roomId)).as("trimmed past the last delivered event").isLessThan(150);

      viewer.await(f -> "prompt".equals(f.getString("type")) && opened.equals(f.getJsonObject("prompt").getString("id")));
      viewer.await(f -> "verdict".equals(f.getString("type"))
          && closing.equals(f.getJsonObject("verdict").getString("promptId")));
      viewer.await(f -> "service".equals(f.getString("type")) && "ok".equals(f.getString("status")));
      TimeUnit.MILLISECONDS.sleep(500);
      assertThat(viewer.frames("prompt")).as("the prompt opened meanwhile, read back").hasSize(2);
      assertThat(framesOf(viewer, "verdict", closing)).as("the verdict of the prompt closed meanwhile").hasSize(1);
      assertThat(streamer.frames("warning")).as("what the stream still held").isNotEmpty().hasSizeLessThan(150);
      tc.completeNow();
    } finally {
      redis.close();
      node.stopAfter(vertx);
    }
  }

  @Test
  void socketsHearTheServiceIsDegradedThenOk(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    TestNode node = TestNode.start();
    RedisProbe redis = new RedisProbe(vertx);
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String streamerId = "streamer-gap-service-" + System.nanoTime();
      String roomId = http.createRoom(staff, streamerId);
      String otherRoomId = http.createRoom(staff, streamerId + "-other");
      List<TestSocket> sockets = List.of(
          TestSocket.connect(vertx, node.port(), roomId, http.token(streamerId, "streamer", "m-" + streamerId)),
          TestSocket.connect(vertx, node.port(), roomId, http.token("service-viewer-1", "viewer")),
          TestSocket.connect(vertx, node.port(), otherRoomId, http.token("service-viewer-2", "viewer")));

      assertThat(redis.killSubscriberConnections()).isEqualTo(1);
      for (TestSocket socket : sockets) {
        JsonObject degraded = socket.await("service");
        assertThat(degraded.getString("status")).isEqualTo("degraded");
        assertThat(degraded.getString("message")).isNotBlank();
        socket.await(f -> "service".equals(f.getString("type")) && "ok".equals(f.getString("status")));
      }
      TimeUnit.MILLISECONDS.sleep(500);
      for (TestSocket socket : sockets) {
        assertThat(socket.frames("service")).extracting(f -> f.getString("status")).containsExactly("degraded", "ok");
      }

      // Back to normal: room frames flow again, once each.
      String promptId = http.openPrompt(staff, roomId, 30).getString("id");
      sockets.get(1).await(f -> "prompt".equals(f.getString("type"))
          && promptId.equals(f.getJsonObject("prompt").getString("id")));
      TimeUnit.MILLISECONDS.sleep(300);
      assertThat(sockets.get(1).frames("prompt")).hasSize(1);
      assertThat(sockets.get(2).frames("prompt")).as("another room's prompt").isEmpty();
      tc.completeNow();
    } finally {
      redis.close();
      node.stopAfter(vertx);
    }
  }
}
