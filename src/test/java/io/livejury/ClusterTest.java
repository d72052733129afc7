package io.livejury;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.RedisProbe;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Several nodes on one Redis, and nodes that stop and start: rooms are shared, prompts close once. */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class ClusterTest {

  @Test
  void twoNodesShareARoomAndCloseEachPromptExactlyOnce(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    TestNode a = TestNode.start();
    TestNode b = TestNode.start();
    RedisProbe redis = new RedisProbe(vertx);
    try {
      Http httpA = new Http(a.port());
      Http httpB = new Http(b.port());
      String staff = httpA.token("staff-1", "staff");
      String roomId = httpA.createRoom(staff, "streamer-split");
      List<TestSocket> onA = TestSocket.viewers(vertx, httpA, roomId, "split-a-", 30);
      List<TestSocket> onB = TestSocket.viewers(vertx, httpB, roomId, "split-b-", 30);
      TestSocket streamerOnB = TestSocket.connect(vertx, b.port(), roomId,
          httpB.token("streamer-split", "streamer", "m-streamer-split"));
      List<TestSocket> everyone = new ArrayList<>(onA);
      everyone.addAll(onB);

      // A prompt opened through node A reaches the sockets of both nodes; ballots land from both.
      String promptId = httpA.openPrompt(staff, roomId, 3).getString("id");
      for (int i = 0; i < everyone.size(); i++) {
        everyone.get(i).await("prompt");
        everyone.get(i).ballot("b", promptId, i % 4 == 0 ? "true" : "false");
      }
      everyone.forEach(v -> assertThat(v.ack("b").getString("status")).isEqualTo("accepted"));
      JsonObject verdict = streamerOnB.await("verdict").getJsonObject("verdict");
      assertThat(verdict.getLong("total")).isEqualTo(60);
      assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
      assertThat(onA.get(0).frames("tally")).isNotEmpty();
      assertThat(onB.get(0).frames("tally")).isNotEmpty();

      // Many short prompts, both closers racing for each: one verdict per prompt, on every socket and in the stream.
      List<String> prompts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        prompts.add((i % 2 == 0 ? httpA : httpB).openPrompt(staff, roomId, 1).getString("id"));
      }
      for (String id : prompts) {
        everyone.forEach(v -> v.await(f -> "verdict".equals(f.getString("type"))
            && id.equals(f.getJsonObject("verdict").getString("promptId"))));
      }
      TimeUnit.MILLISECONDS.sleep(500);
      for (String id : prompts) {
        assertThat(redis.streamedVerdicts(id)).as("stream entries of " + id).hasSize(1);
      }
      for (TestSocket socket : everyone) {
        assertThat(socket.frames("verdict")).hasSize(11);
      }
    } finally {
      a.stop();
      b.stop();
      redis.close();
    }
    tc.completeNow();
  }

  @Test
  void promptsAndVerdictsPublishedWhileTheSubscriberIsDownStillReachTheSockets(Vertx vertx, VertxTestContext tc) {
    TestNode node = TestNode.start();
    RedisProbe redis = new RedisProbe(vertx);
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String roomId = http.createRoom(staff, "streamer-blip");
      TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("blip-viewer", "viewer"));
      String before = http.openPrompt(staff, roomId, 1).getString("id");
      viewer.await("prompt");

      redis.killSubscribers();
      String during = http.openPrompt(staff, roomId, 30).getString("id");
      viewer.await(f -> "prompt".equals(f.getString("type")) && during.equals(f.getJsonObject("prompt").getString("id")));
      viewer.await(f -> "verdict".equals(f.getString("type"))
          && before.equals(f.getJsonObject("verdict").getString("promptId")));
    } finally {
      node.stop();
      redis.close();
    }
    tc.completeNow();
  }

  @Test
  void aNodeStartingAfterAnOutageClosesTheOverduePrompts(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    RedisProbe redis = new RedisProbe(vertx);
    TestNode first = TestNode.start();
    Http http = new Http(first.port());
    String staff = http.token("staff-1", "staff");
    String roomId = http.createRoom(staff, "streamer-outage");
    TestSocket viewer = TestSocket.connect(vertx, first.port(), roomId, http.token("outage-viewer", "viewer"));
    String promptId = http.openPrompt(staff, roomId, 2).getString("id");
    viewer.await("prompt");
    viewer.ballot("b", promptId, "false");
    assertThat(viewer.ack("b").getString("status")).isEqualTo("accepted");
    first.stop();

    TimeUnit.MILLISECONDS.sleep(2_500);
    assertThat(redis.promptStatus(promptId)).as("no node was up to close it").isEqualTo("open");

    TestNode second = TestNode.start();
    try {
      Http again = new Http(second.port());
      JsonObject prompt = awaitClosed(again, staff, promptId);
      assertThat(prompt.getJsonObject("verdict").getString("outcome")).isEqualTo("INCONCLUSIVE");
      assertThat(prompt.getJsonObject("verdict").getLong("total")).isEqualTo(1);
      assertThat(awaitStreamed(redis, promptId)).hasSize(1);
    } finally {
      second.stop();
      redis.close();
    }
    tc.completeNow();
  }

  @Test
  void aPromptClaimedByANodeThatDiedIsClosedWhenItsLeaseRunsOut(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    RedisProbe redis = new RedisProbe(vertx);
    TestNode first = TestNode.start();
    Http http = new Http(first.port());
    String staff = http.token("staff-1", "staff");
    String roomId = http.createRoom(staff, "streamer-lease");
    String promptId = http.openPrompt(staff, roomId, 1).getString("id");
    first.stop();
    TimeUnit.MILLISECONDS.sleep(1_200);
    assertThat(redis.claimDueAndDie(2_000)).contains(promptId);

    TestNode second = TestNode.start();
    try {
      Http again = new Http(second.port());
      TimeUnit.MILLISECONDS.sleep(1_000);
      assertThat(redis.promptStatus(promptId)).as("still leased to the dead node").isEqualTo("open");
      JsonObject prompt = awaitClosed(again, staff, promptId);
      assertThat(prompt.getJsonObject("verdict").getString("promptId")).isEqualTo(promptId);
      assertThat(awaitStreamed(redis, promptId)).hasSize(1);
    } finally {
      second.stop();
      redis.close();
    }
    tc.completeNow();
  }

  private static JsonObject awaitClosed(Http http, String token, String promptId) {
    return http.awaitGet("/api/prompts/" + promptId, token,
        reply -> "closed".equals(reply.body().getString("status")) && reply.body().containsKey("verdict"),
        Duration.ofSeconds(10), "prompt " + promptId + " was not closed in time").body();
  }


  /**
   * The prompt's entries in the verdict stream once there is one (or after 5 s): the closer stores the verdict on
   * the prompt before it appends it to the stream, so a reader can see the one a moment before the other.
   */
  private static List<?> awaitStreamed(RedisProbe redis, String promptId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<?> streamed = redis.streamedVerdicts(promptId);
    while (streamed.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
      streamed = redis.streamedVerdicts(promptId);
    }
    return streamed;
  }
}
