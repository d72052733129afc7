package io.livejury.verdict;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole loop over real sockets: prompt, ballots, coalesced tallies, deadline, verdict, stream. */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class VerdictFlowTest {

  private static TestNode node;
  private static Http http;
  private static String staff;
  private static RedisProbe redis;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start();
    http = new Http(node.port());
    staff = http.token("staff-1", "staff");
    redis = new RedisProbe(vertx);
  }

  @AfterAll
  static void stop(Vertx vertx) {
    redis.close();
    node.stopAfter(vertx);
  }

  @Test
  void seventyPercentFalseOfTwoHundredIsAFalseClaimWithCoalescedTallies(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    String roomId = http.createRoom(staff, "streamer-flow");
    List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "flow-viewer-", 200);
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId,
        http.token("streamer-flow", "streamer", "m-streamer-flow"));
    String promptId = http.openPrompt(staff, roomId, 4).getString("id");

    // 200 ballots spread over about two seconds: 140 "false", 60 "true".
    for (int i = 0; i < viewers.size(); i++) {
      viewers.get(i).await("prompt");
      viewers.get(i).ballot("b", promptId, i < 140 ? "false" : "true");
      if (i % 10 == 9) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    viewers.forEach(v -> assertThat(v.ack("b").getString("status")).isEqualTo("accepted"));

    JsonObject verdict = streamer.await("verdict").getJsonObject("verdict");
    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    assertThat(verdict.getString("promptId")).isEqualTo(promptId);
    assertThat(verdict.getString("streamerId")).isEqualTo("streamer-flow");
    assertThat(verdict.getString("merchantId")).isEqualTo("m-streamer-flow");
    assertThat(verdict.getLong("total")).isEqualTo(200);
    assertThat(verdict.getJsonObject("counts").getMap()).containsEntry("false", 140).containsEntry("true", 60);
    assertThat(verdict.getDouble("confidence")).isGreaterThanOrEqualTo(0.6);

    // Coalesced: never more than 5 tally frames in any one-second window, and the last one is exact.
    List<JsonObject> tallies = streamer.frames("tally");
    List<Long> arrivals = streamer.arrivals("tally");
    assertThat(tallies.size()).isBetween(2, 40);
    for (int i = 0; i + 5 < arrivals.size(); i++) {
      assertThat(arrivals.get(i + 5) - arrivals.get(i)).as("6 tallies within a second")
          .isGreaterThan(TimeUnit.SECONDS.toNanos(1) - TimeUnit.MILLISECONDS.toNanos(50));
    }
    JsonObject last = tallies.get(tallies.size() - 1);
    assertThat(last.getLong("total")).isEqualTo(200);
    assertThat(last.getJsonObject("counts")).isEqualTo(verdict.getJsonObject("counts"));
    List<JsonObject> frames = streamer.frames();
    assertThat(frames.indexOf(last)).isLessThan(frames.indexOf(streamer.await("verdict")));

    // Every viewer saw the verdict, once; the stream holds it once; the API shows it.
    for (TestSocket viewer : viewers) {
      viewer.await("verdict");
    }
    TimeUnit.MILLISECONDS.sleep(300);
    viewers.forEach(v -> assertThat(v.frames("verdict")).hasSize(1));
    assertThat(redis.streamedVerdicts(promptId)).hasSize(1);
    JsonObject prompt = http.get("/api/prompts/" + promptId, staff).body();
    assertThat(prompt.getString("status")).isEqualTo("closed");
    assertThat(prompt.getJsonObject("verdict").getString("outcome")).isEqualTo("FALSE_CLAIM");

    // The curve: the ballots of each second, in time order, adding up to the verdict's counts.
    JsonArray curve = prompt.getJsonArray("curve");
    assertThat(curve.size()).as("ballots came in over about two seconds").isBetween(2, 6);
    Map<String, Long> summed = new HashMap<>();
    String previous = "";
    for (int i = 0; i < curve.size(); i++) {
      JsonObject second = curve.getJsonObject(i);
      assertThat(second.getString("at")).isGreaterThan(previous);
      previous = second.getString("at");
      second.getJsonObject("counts").forEach(e -> summed.merge(e.getKey(), ((Number) e.getValue()).longValue(), Long::sum));
    }
    assertThat(summed).containsExactlyInAnyOrderEntriesOf(Map.of("false", 140L, "true", 60L));
    tc.completeNow();
  }

  @Test
  void belowQuorumIsInconclusive(Vertx vertx, VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-few");
    List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "few-viewer-", 12);
    String promptId = http.openPrompt(staff, roomId, 2).getString("id");
    viewers.forEach(v -> v.await("prompt"));
    viewers.forEach(v -> v.ballot("b", promptId, "false"));
    viewers.forEach(v -> assertThat(v.ack("b").getString("status")).isEqualTo("accepted"));

    JsonObject verdict = viewers.get(0).await("verdict").getJsonObject("verdict");
    assertThat(verdict.getString("outcome")).isEqualTo("INCONCLUSIVE");
    assertThat(verdict.getLong("total")).isEqualTo(12);
    assertThat(verdict.getString("reviewStatus")).isEqualTo("pending");
    tc.completeNow();
  }
}
