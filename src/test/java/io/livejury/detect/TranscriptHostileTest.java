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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile test run of the transcript endpoint found, each on a real node with the real model: claims the
 * two-segment window lost, votes opened on speech that debunks a claim, and one streamer's rooms taking the model
 * from everyone else.
 */
@ExtendWith(EmbeddedServersExtension.class)
class TranscriptHostileTest {

  private static final AtomicInteger ROOMS = new AtomicInteger();
  private static TestNode node;
  private static Http http;
  private static String staff;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("LIVEJURY_PROMPT_SECONDS", "2", "LIVEJURY_MODEL_CACHE_ENTRIES", "0",
        "LIVEJURY_TRANSCRIPT_SEGMENTS_PER_SECOND", "100000", "LIVEJURY_TRANSCRIPT_SEGMENT_BURST", "100000"));
    http = new Http(node.port());
    staff = http.token("staff-1", "staff");
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  private static String room() {
    return http.createRoom(staff, "streamer-hostile-" + ROOMS.incrementAndGet());
  }

  private static JsonObject post(String roomId, String... texts) {
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/transcript", staff, Http.transcript("s-", List.of(texts)));
    assertThat(reply.status()).isEqualTo(202);
    return reply.body();
  }

  private static List<String> categories(JsonObject... replies) {
    List<String> out = new ArrayList<>();
    for (JsonObject reply : replies) {
      reply.getJsonArray("warnings").forEach(w -> out.add(((JsonObject) w).getString("category")));
    }
    return out;
  }

  private static double metric(String line) {
    Matcher m = Pattern.compile("^" + Pattern.quote(line) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
        .matcher(http.text("/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aSecondClaimRightAfterAFirstIsStillWarnedAbout() {
    String one = room();
    JsonObject together = post(one, "这款茶能治疗糖尿病", "这款咖啡可以防癌，天天喝");
    JsonArray warnings = together.getJsonArray("warnings");
    assertThat(warnings).extracting(w -> ((JsonObject) w).getJsonObject("evidence").getString("segmentId"))
        .as("each claim its own warning").containsExactly("s-0", "s-1");

    String two = room();
    JsonObject first = post(two, "这款茶能治疗糖尿病");
    JsonObject second = post(two, "这款咖啡可以防癌，天天喝");
    assertThat(categories(first)).containsExactly("medical_claim");
    assertThat(categories(second)).as("the second post's own claim").containsExactly("medical_claim");
  }

  @Test
  void aClaimSplitInTwoOrThreeIsWarnedAboutOnce() {
    String two = room();
    JsonObject split = post(two, "这款茶能治疗", "糖尿病");
    assertThat(categories(split)).containsExactly("medical_claim");

    String apart = room();
    JsonObject a = post(apart, "这款茶能治疗");
    JsonObject b = post(apart, "糖尿病");
    assertThat(categories(a, b)).containsExactly("medical_claim");

    String three = room();
    JsonObject split3 = post(three, "这款", "茶能治疗", "糖尿病");
    assertThat(categories(split3)).containsExactly("medical_claim");
    JsonObject warning = split3.getJsonArray("warnings").getJsonObject(0);
    assertThat(warning.getString("severity")).as("茶 and 治疗 read together").isEqualTo("critical");
  }

  @Test
  void aClaimCutInThreeIsReadAtItsStrongestAcrossTheLastTwoSegments() {
    JsonObject reply = post(room(), "这款茶", "喝一个月能", "治疗糖尿病");
    JsonArray warnings = reply.getJsonArray("warnings");
    assertThat(warnings).extracting(w -> ((JsonObject) w).getString("category")).containsExactly("medical_claim");
    JsonObject warning = warnings.getJsonObject(0);
    assertThat(warning.getString("ruleId")).as("the food word two segments back counts").isEqualTo("medical.food");
    assertThat(warning.getString("severity")).isEqualTo("critical");
    assertThat(warning.getJsonObject("evidence").getString("normalised")).isEqualTo("这款茶喝一个月能治疗糖尿病");
  }

  @Test
  void speechThatDebunksAClaimWarnsAndGoesToStaffButOpensNoVote() {
    double heldBefore = metric("livejury_votes_held_total{category=\"medical_claim\"}");
    List<String> debunking = List.of("这款茶能治疗糖尿病吗？不能。", "有人说这款茶能治疗糖尿病，这是谣言，大家别信",
        "别信那些说茶能治疗糖尿病的主播", "所谓的茶能降血压都是骗人的",
        "上次有个主播说茶能根治高血压，结果被罚了，我们可不敢这么说");
    for (String text : debunking) {
      JsonObject reply = post(room(), text);
      assertThat(reply.getJsonArray("prompts")).as("no vote: %s", text).isEmpty();
      JsonArray warnings = reply.getJsonArray("warnings");
      assertThat(warnings).as("warned: %s", text).hasSize(1);
      JsonObject warning = warnings.getJsonObject(0);
      assertThat(warning.getString("category")).isEqualTo("medical_claim");
      assertThat(warning.getString("severity")).as("staff see it as critical: %s", text).isEqualTo("critical");
      assertThat(warning.getString("vote")).as(text).startsWith("held: debunk cue ");
    }
    assertThat(metric("livejury_votes_held_total{category=\"medical_claim\"}") - heldBefore)
        .isEqualTo(debunking.size());

    JsonObject claim = post(room(), "这款茶能治疗糖尿病");
    assertThat(claim.getJsonArray("prompts")).as("a plain claim still opens a vote").hasSize(1);
    assertThat(claim.getJsonArray("warnings").getJsonObject(0).containsKey("vote")).isFalse();
  }

  @Test
  void oneStreamersRoomsShareOneShareOfTheModel() throws Exception {
    String streamer = "streamer-two-rooms";
    String roomA = http.createRoom(staff, streamer);
    String roomB = http.createRoom(staff, streamer);
    String token = http.token(streamer, "streamer", "m-two-rooms");
    String other = http.createRoom(staff, "streamer-third-room");
    String otherToken = http.token("streamer-third-room", "streamer", "m-third-room");

    ExecutorService pool = Executors.newFixedThreadPool(24);
    List<Future<Http.Reply>> flood = new ArrayList<>();
    // More posts than threads: clauses past the streamer's share are answered at once, so a flood of 24 posts is
    // over within half a second on a core that runs the model fast.
    for (int p = 0; p < 96; p++) {
      List<String> texts = new ArrayList<>();
      for (int s = 0; s < 30; s++) {
        // Four clauses each: two rooms of one streamer would fill the node's whole cap, four at a time per room.
        texts.add("第" + p + "号链接的杯子有" + s + "种颜色可以选，家人们看一下喜欢哪个颜色呀，今天下单的宝宝都送杯垫一个，"
            + "发货很快明天就能到家了");
      }
      String target = p % 2 == 0 ? roomA : roomB;
      JsonObject body = Http.transcript("f-" + p + "-", texts);
      flood.add(pool.submit(() -> http.post("/api/rooms/" + target + "/transcript", token, body)));
    }
    TimeUnit.MILLISECONDS.sleep(200);
    boolean floodStillRunning = flood.stream().anyMatch(f -> !f.isDone());
    Http.Reply claim = http.post("/api/rooms/" + other + "/transcript", otherToken, Http.transcript("c-",
        List.of("家人们晚上好，欢迎来到直播间，我们家这款茶喝一个月就能治疗糖尿病，喜欢的宝宝们赶紧下单")));
    for (Future<Http.Reply> f : flood) {
      assertThat(f.get(300, TimeUnit.SECONDS).status()).isEqualTo(202);
    }
    pool.shutdown();
    assertThat(floodStillRunning).as("the third room posted during the flood").isTrue();

    assertThat(claim.status()).isEqualTo(202);
    JsonArray warnings = claim.body().getJsonArray("warnings");
    assertThat(warnings).hasSize(1);
    assertThat(warnings.getJsonObject(0).getString("stage")).as("judged by the model").isEqualTo("both");
    assertThat(warnings.getJsonObject(0).getString("severity")).isEqualTo("critical");
    assertThat(claim.body().getJsonArray("prompts")).hasSize(1);
  }

  @Test
  void theRateLimitCountsClausesNotSegments() {
    TestNode limited = TestNode.start(Map.of("LIVEJURY_MODEL_ENABLED", "false",
        "LIVEJURY_TRANSCRIPT_SEGMENTS_PER_SECOND", "1", "LIVEJURY_TRANSCRIPT_SEGMENT_BURST", "50"));
    try {
      Http h = new Http(limited.port());
      String staffToken = h.token("staff-1", "staff");
      String roomId = h.createRoom(staffToken, "streamer-many-clauses");
      List<String> nine = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        // Six clauses each: 54 embeddings of model work in nine segments.
        nine.add("第" + i + "号链接家人们看一下，这个杯子有很多颜色，今天下单的都送杯垫，发货很快明天就到家，"
            + "喜欢的宝宝点个关注呀，新来的朋友扣个一吧");
      }
      assertThat(h.post("/api/rooms/" + roomId + "/transcript", staffToken, Http.transcript("n-", nine)).status())
          .isEqualTo(202);
      Http.Reply refused = h.post("/api/rooms/" + roomId + "/transcript", staffToken,
          Http.transcript("m-", List.of("还有一句")));
      assertThat(refused.status()).as("the nine segments spent the room's budget").isEqualTo(429);
      assertThat(refused.errorCode()).isEqualTo("rate_limited");
      assertThat(refused.body().getJsonObject("error").getString("message"))
          .as("the limit counts clauses, and its message says so").contains("clauses a second")
          .doesNotContain("segments a second");
    } finally {
      limited.stop();
    }
  }
}
