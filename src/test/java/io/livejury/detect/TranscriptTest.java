package io.livejury.detect;

import io.livejury.common.RedisKeys;
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

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
/**
 * The transcript endpoint with the lexicon alone (the sentence model off, so what fires is the rules' doing): limits,
 * warnings and their repeats, the audience vote a critical claim opens, live lexicon reloads, the two-segment window.
 * The model's part is tested in {@code DetectionExamplesTest} and the semantic package.
 */
class TranscriptTest {

  private static TestNode node;
  private static Http http;
  private static String staff;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("LIVEJURY_PROMPT_SECONDS", "2", "LIVEJURY_MODEL_ENABLED", "false"));
    http = new Http(node.port());
    staff = http.token("staff-1", "staff");
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  private static JsonObject transcript(String... texts) {
    JsonArray segments = new JsonArray();
    for (int i = 0; i < texts.length; i++) {
      segments.add(new JsonObject().put("id", "seg-" + i).put("startMs", i * 3000).put("endMs", i * 3000 + 2500)
          .put("text", texts[i]));
    }
    return new JsonObject().put("segments", segments);
  }

  @Test
  void aNulCharacterInASegmentNeitherLosesTheWarningNorKeepsTheVerdictFromBeingRecorded() throws InterruptedException {
    String roomId = http.createRoom(staff, "streamer-nul");
    String token = http.token("streamer-nul", "streamer", "m-streamer-nul");
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/transcript", token, transcript("这个茶能治疗\u0000糖尿病"));
    assertThat(reply.status()).isEqualTo(202);
    assertThat(reply.body().getJsonArray("warnings")).hasSize(1);
    JsonObject prompt = reply.body().getJsonArray("prompts").getJsonObject(0);
    assertThat(prompt.getString("claim")).isEqualTo("这个茶能治疗糖尿病");
    // Postgres refuses U+0000: had it reached the verdict, the row would never be written.
    String verdictId = null;
    for (int i = 0; i < 100 && verdictId == null; i++) {
      Thread.sleep(100);
      Http.Reply verdicts = http.get("/api/verdicts?roomId=" + roomId, staff);
      for (Object v : verdicts.body().getJsonArray("items", new JsonArray())) {
        if (prompt.getString("id").equals(((JsonObject) v).getString("promptId"))) {
          verdictId = ((JsonObject) v).getString("id");
        }
      }
    }
    assertThat(verdictId).as("the prompt's verdict is recorded").isNotNull();
  }

  @Test
  void aCriticalClaimWarnsTheStreamerAndAsksTheAudienceOnce(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    String streamerId = "streamer-tea";
    String roomId = http.createRoom(staff, streamerId);
    String token = http.token(streamerId, "streamer", "m-" + streamerId);
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId, token);
    TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("viewer-tea", "viewer"));

    Http.Reply reply = http.post("/api/rooms/" + roomId + "/transcript", token,
        transcript("家人们看过来，这款云南普洱口感醇厚", "我们家这款茶能治疗糖尿病，喝一个月降血糖"));
    assertThat(reply.status()).isEqualTo(202);
    JsonArray warnings = reply.body().getJsonArray("warnings");
    assertThat(warnings).hasSize(1);
    JsonObject warning = warnings.getJsonObject(0);
    assertThat(warning.getString("severity")).isEqualTo("critical");
    assertThat(warning.getString("category")).isEqualTo("medical_claim");
    assertThat(warning.getJsonObject("evidence").getString("segmentId")).isEqualTo("seg-1");
    assertThat(warning.getJsonObject("evidence").getJsonArray("matched").getList()).contains("治疗", "降血糖");
    JsonArray prompts = reply.body().getJsonArray("prompts");
    assertThat(prompts).hasSize(1);
    JsonObject prompt = prompts.getJsonObject(0);
    assertThat(prompt.getString("question")).contains("治疗糖尿病").endsWith("属实吗？");
    assertThat(prompt.getJsonObject("trigger").getString("type")).isEqualTo("lexicon");

    JsonObject pushed = streamer.await("warning").getJsonObject("warning");
    assertThat(pushed.getString("id")).isEqualTo(warning.getString("id"));
    viewer.await(f -> "prompt".equals(f.getString("type"))
        && prompt.getString("id").equals(f.getJsonObject("prompt").getString("id")));

    Http.Reply again = http.post("/api/rooms/" + roomId + "/transcript", token,
        transcript("再说一遍，这款茶能治疗糖尿病，降血糖"));
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.body().getJsonArray("warnings")).as("the poster still hears of every hit").hasSize(1);
    assertThat(again.body().getJsonArray("prompts")).as("the same claim is not asked twice").isEmpty();
    TimeUnit.MILLISECONDS.sleep(300);
    assertThat(streamer.frames("warning")).as("the same rule is not pushed again at once").hasSize(1);
    assertThat(viewer.frames("prompt")).hasSize(1);
    assertThat(viewer.frames("warning")).as("warnings are for the streamer and staff").isEmpty();

    JsonObject verdict = viewer.await("verdict").getJsonObject("verdict");
    assertThat(verdict.getJsonObject("trigger").getString("ruleId")).isEqualTo("medical.food");
    tc.completeNow();
  }

  @Test
  void aWarningThatReachedNoNodeIsPushedAgainByTheNextHit(Vertx vertx, VertxTestContext tc) {
    String streamerId = "streamer-unheard";
    String roomId = http.createRoom(staff, streamerId);
    String token = http.token(streamerId, "streamer", "m-" + streamerId);
    String path = "/api/rooms/" + roomId + "/transcript";
    String mark = RedisKeys.roomWarned(roomId, "price.fraud");
    RedisProbe redis = new RedisProbe(vertx);
    try {
      Http.Reply unheard = http.post(path, token, transcript("今天全网最低价，家人们冲"));
      assertThat(unheard.body().getJsonArray("warnings")).as("the poster hears of the hit").hasSize(1);
      assertThat(redis.exists(mark)).as("no socket of the room anywhere: the repeat mark stays unset").isFalse();

      TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId, token);
      Http.Reply heard = http.post(path, token, transcript("再说一次，全网最低价"));
      String warningId = heard.body().getJsonArray("warnings").getJsonObject(0).getString("id");
      assertThat(streamer.await("warning").getJsonObject("warning").getString("id")).isEqualTo(warningId);
      assertThat(redis.exists(mark)).as("set once a push reached a node").isTrue();

      Http.Reply repeated = http.post(path, token, transcript("第三次，全网最低价"));
      assertThat(repeated.body().getJsonArray("warnings")).hasSize(1);
      TimeUnit.MILLISECONDS.sleep(300);
      assertThat(streamer.frames("warning")).as("held back within the repeat window").hasSize(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      redis.close();
    }
    tc.completeNow();
  }

  @Test
  void anEditedLexiconFileTakesEffectWithoutARestart(VertxTestContext tc) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("lexicon", ".txt");
    java.nio.file.Files.writeString(file, "test.one | test_words | warn | 蓝莓 | | | 测试规则一\n");
    TestNode live = TestNode.start(Map.of("LIVEJURY_LEXICON_PATH", file.toString(), "LIVEJURY_LEXICON_RELOAD_MS", "100",
        "LIVEJURY_MODEL_ENABLED", "false"));
    try {
      Http liveHttp = new Http(live.port());
      String roomId = liveHttp.createRoom(staff, "streamer-reload");
      String path = "/api/rooms/" + roomId + "/transcript";
      assertThat(liveHttp.post(path, staff, transcript("蓝莓很甜")).body().getJsonArray("warnings")).hasSize(1);
      assertThat(liveHttp.post(path, staff, transcript("这茶能治疗糖尿病")).body().getJsonArray("warnings")).isEmpty();

      java.nio.file.Files.writeString(file, "test.two | test_words | warn | 草莓 | | | 测试规则二\n");
      java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      long deadline = System.currentTimeMillis() + 10_000;
      JsonArray warnings;
      do {
        TimeUnit.MILLISECONDS.sleep(100);
        warnings = liveHttp.post(path, staff, transcript("草莓很甜")).body().getJsonArray("warnings");
      } while (warnings.isEmpty() && System.currentTimeMillis() < deadline);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.getJsonObject(0).getString("ruleId")).isEqualTo("test.two");
    } finally {
      live.stop();
      java.nio.file.Files.deleteIfExists(file);
    }
    tc.completeNow();
  }

  @Test
  void aClaimSplitOverTwoSegmentsIsCaughtOnceAndCarriesTheNewFields(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-window");
    String path = "/api/rooms/" + roomId + "/transcript";

    Http.Reply first = http.post(path, staff, transcript("家人们，加我"));
    assertThat(first.body().getJsonArray("warnings")).isEmpty();
    Http.Reply second = http.post(path, staff, transcript("微信详聊，给你便宜"));
    JsonArray warnings = second.body().getJsonArray("warnings");
    assertThat(warnings).as("the two posts' segments read together").hasSize(1);
    JsonObject warning = warnings.getJsonObject(0);
    assertThat(warning.getString("category")).isEqualTo("off_platform");
    assertThat(warning.getString("stage")).isEqualTo("lexicon");
    JsonObject evidence = warning.getJsonObject("evidence");
    assertThat(evidence.getString("text")).isEqualTo("微信详聊，给你便宜");
    assertThat(evidence.getString("normalised")).isEqualTo("家人们,加我微信详聊,给你便宜");
    assertThat(evidence.containsKey("nearest")).as("present, null: the model took no part").isTrue();
    assertThat(evidence.getValue("nearest")).isNull();

    Http.Reply third = http.post(path, staff, transcript("今天就这样"));
    assertThat(third.body().getJsonArray("warnings")).as("the claim was warned about already").isEmpty();

    String other = http.createRoom(staff, "streamer-window-one-post");
    Http.Reply together = http.post("/api/rooms/" + other + "/transcript", staff,
        transcript("这款桑叶茶喝一个月", "能降血糖", "效果很好"));
    JsonArray once = together.body().getJsonArray("warnings");
    assertThat(once).as("one warning for one claim, at its stronger reading").hasSize(1);
    assertThat(once.getJsonObject(0).getString("ruleId")).isEqualTo("medical.food");
    assertThat(once.getJsonObject(0).getJsonObject("evidence").getString("segmentId")).isEqualTo("seg-1");
    assertThat(once.getJsonObject(0).getJsonObject("evidence").getString("normalised"))
        .isEqualTo("这款桑叶茶喝一个月能降血糖");
    JsonArray prompts = together.body().getJsonArray("prompts");
    assertThat(prompts).hasSize(1);
    assertThat(prompts.getJsonObject(0).getString("question")).contains("这款桑叶茶喝一个月 能降血糖");
    assertThat(prompts.getJsonObject(0).getJsonObject("trigger").getString("stage")).isEqualTo("lexicon");

    String far = http.createRoom(staff, "streamer-window-other-room");
    assertThat(http.post("/api/rooms/" + far + "/transcript", staff, transcript("微信详聊")).body()
        .getJsonArray("warnings")).as("another room's segment is no part of this one's window").isEmpty();
    tc.completeNow();
  }

  @Test
  void theWindowClosesAfterItsSeconds(VertxTestContext tc) throws Exception {
    TestNode shortWindow = TestNode.start(Map.of("LIVEJURY_DETECT_WINDOW_SECONDS", "1", "LIVEJURY_MODEL_ENABLED", "false"));
    try {
      Http shortHttp = new Http(shortWindow.port());
      String roomId = shortHttp.createRoom(staff, "streamer-window-closes");
      String path = "/api/rooms/" + roomId + "/transcript";
      assertThat(shortHttp.post(path, staff, transcript("家人们，加我")).body().getJsonArray("warnings")).isEmpty();
      TimeUnit.MILLISECONDS.sleep(2_100);
      assertThat(shortHttp.post(path, staff, transcript("微信详聊")).body().getJsonArray("warnings"))
          .as("the earlier segment is out of the window").isEmpty();
      assertThat(shortHttp.post(path, staff, transcript("加我")).body().getJsonArray("warnings")).isEmpty();
      assertThat(shortHttp.post(path, staff, transcript("微信详聊")).body().getJsonArray("warnings"))
          .as("within the window").hasSize(1);
    } finally {
      shortWindow.stop();
    }
    tc.completeNow();
  }

  @Test
  void harmlessTalkRaisesNothing(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-calm");
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/transcript", staff,
        transcript("这个茶很好喝", "这是我第一次来直播间", "泡的时候水温八十度左右"));
    assertThat(reply.status()).isEqualTo(202);
    assertThat(reply.body().getJsonArray("warnings")).isEmpty();
    assertThat(reply.body().getJsonArray("prompts")).isEmpty();
    tc.completeNow();
  }

  @Test
  void onlyTheRoomsStreamerAndStaffPostTranscriptsAndBadOnesAreRefused(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-limits");
    String path = "/api/rooms/" + roomId + "/transcript";
    assertThat(http.post(path, http.token("viewer-x", "viewer"), transcript("hi")).status()).isEqualTo(403);
    assertThat(http.post(path, http.token("streamer-y", "streamer", "m-y"), transcript("hi")).status()).isEqualTo(403);
    assertThat(http.post(path, staff, new JsonObject()).status()).isEqualTo(400);
    assertThat(http.post(path, staff, transcript("   ")).status()).isEqualTo(400);
    String[] many = new String[51];
    java.util.Arrays.fill(many, "好");
    assertThat(http.post(path, staff, transcript(many)).status()).isEqualTo(413);
    assertThat(http.post(path, staff, transcript("长".repeat(1001))).status()).isEqualTo(413);
    assertThat(http.post("/api/rooms/no-room/transcript", staff, transcript("hi")).status()).isEqualTo(404);
    tc.completeNow();
  }
  @Test
  void aSegmentsIdAndTimesAreCheckedFieldByField(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-segment-fields");
    String path = "/api/rooms/" + roomId + "/transcript";
    Map<JsonObject, String> refused = new LinkedHashMap<>();
    refused.put(segment("x".repeat(20_000), 0, 1000), "segments[0].id");
    refused.put(segment("x".repeat(129), 0, 1000), "segments[0].id");
    refused.put(segment("seg\u0000one", 0, 1000), "segments[0].id");
    refused.put(segment("seg\none", 0, 1000), "segments[0].id");
    refused.put(segment("\u200b", 0, 1000), "segments[0].id");
    refused.put(segment("", 0, 1000), "segments[0].id");
    refused.put(segment(42, 0, 1000), "segments[0].id");
    refused.put(segment("seg-1", -1, 1000), "segments[0].startMs");
    refused.put(segment("seg-1", "0", 1000), "segments[0].startMs");
    refused.put(segment("seg-1", 1e300, null), "segments[0].startMs");
    refused.put(segment("seg-1", 0, 40_000_000_000_000L), "segments[0].endMs");
    refused.put(segment("seg-1", 5000, 4999), "segments[0].endMs");
    refused.put(segment("seg-1", null, true), "segments[0].endMs");
    refused.put(segment("seg-1", 1.5, 2000), "segments[0].startMs");
    refused.put(segment("seg-1", 0, 2.25), "segments[0].endMs");
    refused.put(segment("seg-1", 0, 1000).put("text", "   "), "segments[0].text");
    refused.put(segment("seg-1", 0, 1000).put("text", "\u200b\u202e"), "segments[0].text");
    refused.put(segment("seg-1", 0, 1000).put("text", 42), "segments[0].text");
    refused.put(segment("seg-2", 0, 1000).putNull("text"), "segments[0].text");
    for (Map.Entry<JsonObject, String> bad : refused.entrySet()) {
      Http.Reply reply = http.post(path, staff, new JsonObject().put("segments", new JsonArray().add(bad.getKey())));
      String id = String.valueOf(bad.getKey().getValue("id"));
      assertThat(reply.status()).as("segment %s", id.length() > 40 ? id.length() + " characters" : bad.getKey())
          .isEqualTo(400);
      assertThat(reply.errorCode()).isEqualTo("bad_request");
      assertThat(reply.body().getJsonObject("error").getString("message")).startsWith(bad.getValue());
    }
    // The second segment is named when it is the bad one.
    Http.Reply second = http.post(path, staff, new JsonObject().put("segments", new JsonArray()
        .add(segment("seg-ok", 0, 1000)).add(segment("seg-bad", 2000, 1000))));
    assertThat(second.body().getJsonObject("error").getString("message")).startsWith("segments[1].endMs");
    Http.Reply tooLong = http.post(path, staff, new JsonObject().put("segments", new JsonArray()
        .add(segment("seg-ok", 0, 1000)).add(segment("seg-long", 0, 1000).put("text", "长".repeat(1001)))));
    assertThat(tooLong.status()).isEqualTo(413);
    assertThat(tooLong.body().getJsonObject("error").getString("message")).startsWith("segments[1].text");

    // At the limits, and as the streamer page sends them (epoch milliseconds, start = end), or with no times at all.
    long now = System.currentTimeMillis();
    JsonArray fine = new JsonArray().add(segment("x".repeat(128), 0, 0)).add(segment("live-" + now, now, now))
        .add(segment("seg-no-times", null, null)).add(segment("seg-whole-double", 1.0, 2.0))
        .add(segment("片段-\uD83D\uDE00", 32_503_680_000_000L, 32_503_680_000_000L))
        .add(new JsonObject().put("text", "一个没有编号的片段"));
    assertThat(http.post(path, staff, new JsonObject().put("segments", fine)).status()).isEqualTo(202);
    tc.completeNow();
  }

  private static JsonObject segment(Object id, Object startMs, Object endMs) {
    JsonObject segment = new JsonObject().put("id", id).put("text", "大家好，欢迎来到直播间");
    if (startMs != null) {
      segment.put("startMs", startMs);
    }
    if (endMs != null) {
      segment.put("endMs", endMs);
    }
    return segment;
  }
}
