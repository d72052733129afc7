package io.livejury.detect;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One room's flood must not take the sentence model from the others: a room's share of the model's in-flight cap,
 * and a per-room segment rate on the transcript endpoint. Real node, real embedded servers, the real model.
 */
@ExtendWith(EmbeddedServersExtension.class)
class TranscriptFairnessTest {

  private static final int FLOOD_POSTS = 30;
  private static final int FLOOD_SEGMENTS = 50;

  private static TestNode node;
  private static Http http;
  private static String staff;

  @BeforeAll
  static void start() {
    // Cache off so each flood segment costs an embedding, and a segment rate the flood does not reach, so that
    // what keeps room B judged is the model's per-room share alone.
    node = TestNode.start(Map.of("LIVEJURY_MODEL_CACHE_ENTRIES", "0",
        "LIVEJURY_TRANSCRIPT_SEGMENTS_PER_SECOND", "100000", "LIVEJURY_TRANSCRIPT_SEGMENT_BURST", "100000"));
    http = new Http(node.port());
    staff = http.token("staff-1", "staff");
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  private static double metric(String line) {
    Matcher m = Pattern.compile("^" + Pattern.quote(line) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
        .matcher(http.text("/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aFloodInOneRoomLeavesAnotherRoomsDisclaimerQuietAndItsClaimJudgedByTheModel() throws Exception {
    String roomA = http.createRoom(staff, "streamer-flood");
    String tokenA = http.token("streamer-flood", "streamer", "m-flood");
    String roomB = http.createRoom(staff, "streamer-calm");
    String tokenB = http.token("streamer-calm", "streamer", "m-calm");
    double roomFullBefore = metric("livejury_model_verdicts_total{outcome=\"room_full\"}");

    ExecutorService pool = Executors.newFixedThreadPool(FLOOD_POSTS);
    List<Future<Http.Reply>> flood = new ArrayList<>();
    for (int p = 0; p < FLOOD_POSTS; p++) {
      List<String> texts = new ArrayList<>();
      for (int s = 0; s < FLOOD_SEGMENTS; s++) {
        texts.add("第" + p + "号链接的杯子有" + s + "种颜色，家人们看一下喜欢哪个");
      }
      JsonObject body = Http.transcript("a-" + p + "-", texts);
      flood.add(pool.submit(() -> http.post("/api/rooms/" + roomA + "/transcript", tokenA, body)));
    }
    TimeUnit.MILLISECONDS.sleep(300);

    // Lexicon: 治疗 with 茶, critical; the model hears a legal disclaimer and silences it.
    Http.Reply disclaimer = http.post("/api/rooms/" + roomB + "/transcript", tokenB,
        Http.transcript("b-", List.of("喝茶不能治病，身体不舒服要去医院治疗")));
    Http.Reply claim = http.post("/api/rooms/" + roomB + "/transcript", tokenB,
        Http.transcript("c-", List.of("我们家这款茶喝一个月就能治疗糖尿病")));
    boolean floodStillRunning = flood.stream().anyMatch(f -> !f.isDone());

    for (Future<Http.Reply> f : flood) {
      assertThat(f.get(120, TimeUnit.SECONDS).status()).isEqualTo(202);
    }
    pool.shutdown();
    assertThat(floodStillRunning).as("room B posted while room A's flood was in the model").isTrue();

    assertThat(disclaimer.status()).isEqualTo(202);
    assertThat(disclaimer.body().getJsonArray("warnings")).as("the model judged B's disclaimer legal").isEmpty();
    assertThat(disclaimer.body().getJsonArray("prompts")).isEmpty();

    assertThat(claim.status()).isEqualTo(202);
    JsonArray warnings = claim.body().getJsonArray("warnings");
    assertThat(warnings).hasSize(1);
    JsonObject warning = warnings.getJsonObject(0);
    assertThat(warning.getString("stage")).as("B's claim was judged by the model").isEqualTo("both");
    assertThat(warning.getString("severity")).isEqualTo("critical");
    assertThat(warning.containsKey("model")).isFalse();
    assertThat(claim.body().getJsonArray("prompts")).hasSize(1);
    assertThat(metric("livejury_model_verdicts_total{outcome=\"room_full\"}") - roomFullBefore)
        .as("room A met its share of the model").isPositive();
  }

  @Test
  void aRoomPostingMoreSegmentsThanItsRateIsRefusedWith429AndRetryAfterWhileOtherRoomsPass() throws Exception {
    TestNode limited = TestNode.start(Map.of("LIVEJURY_MODEL_ENABLED", "false",
        "LIVEJURY_TRANSCRIPT_SEGMENTS_PER_SECOND", "1", "LIVEJURY_TRANSCRIPT_SEGMENT_BURST", "50"));
    try {
      Http h = new Http(limited.port());
      String staffToken = h.token("staff-1", "staff");
      String room = h.createRoom(staffToken, "streamer-fast");
      String token = h.token("streamer-fast", "streamer", "m-fast");
      List<String> fifty = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        fifty.add("家人们看一下这个颜色" + i);
      }
      assertThat(h.post("/api/rooms/" + room + "/transcript", token, Http.transcript("s-", fifty)).status())
          .as("a full post after a quiet spell passes").isEqualTo(202);

      HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://localhost:" + limited.port() + "/api/rooms/" + room + "/transcript"))
          .header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.ofString(Http.transcript("t-", List.of("还有一句")).encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("rate_limited");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");

      String other = h.createRoom(staffToken, "streamer-slow");
      assertThat(h.post("/api/rooms/" + other + "/transcript", h.token("streamer-slow", "streamer", "m-slow"),
          Http.transcript("o-", List.of("家人们好"))).status()).as("another room has its own budget").isEqualTo(202);
    } finally {
      limited.stop();
    }
  }
}
