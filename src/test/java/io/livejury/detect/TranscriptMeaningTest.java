package io.livejury.detect;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Detection that hears what streamers mean, on a real node with the real model and real Redis and Postgres: what a
 * hostile test run found — votes opened on legal denials and jokes, a streamer lowering their own claim's outcome by
 * flooding their own rooms, which warnings open a vote, evasion spellings nobody heard, and debunk cues that held
 * votes on claims they affirm. Each room has a streamer of its own, so no claim's cool-down or room limit meets
 * another's.
 */
@ExtendWith(EmbeddedServersExtension.class)
class TranscriptMeaningTest {

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

  private static JsonObject say(String text) {
    return say(http, staff, text);
  }

  /** Posts {@code text} as the one segment of a new room of a new streamer; the 202 body. */
  private static JsonObject say(Http on, String token, String text) {
    String roomId = on.createRoom(token, "streamer-meaning-" + ROOMS.incrementAndGet());
    Http.Reply reply = on.post("/api/rooms/" + roomId + "/transcript", token, Http.transcript("s-", List.of(text)));
    assertThat(reply.status()).as(text).isEqualTo(202);
    return reply.body();
  }

  private static List<JsonObject> warnings(JsonObject reply) {
    List<JsonObject> out = new ArrayList<>();
    reply.getJsonArray("warnings").forEach(w -> out.add((JsonObject) w));
    return out;
  }

  private static double metric(Http on, String line) {
    Matcher m = Pattern.compile("^" + Pattern.quote(line) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
        .matcher(on.text("/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aDenialAReferralToADoctorOrAJokeNeverOpensAVote() {
    List<String> legal = List.of("这个茶没法治糖尿病", "这款茶不可以代替药物", "这茶哪能治病啊", "这款茶怎么可能治好糖尿病",
        "我从没说过这茶能治病", "说这茶能治糖尿病的都是骗子", "这款茶很好喝，有病请去医院治疗", "这茶治好了我的拖延症",
        "这款茶专治懒癌，喝完就想干活", "喝茶不能代替药物，生病了请遵医嘱治疗");
    for (String text : legal) {
      JsonObject reply = say(text);
      assertThat(reply.getJsonArray("prompts")).as("no vote on: %s", text).isEmpty();
      for (JsonObject warning : warnings(reply)) {
        // At most it reaches the streamer and staff: as a warning, or as a critical whose vote a debunk cue held.
        assertThat(!"critical".equals(warning.getString("severity")) || warning.containsKey("vote"))
            .as("%s → %s", text, warning.encode()).isTrue();
      }
    }
    JsonObject claim = say("这个茶能治糖尿病");
    assertThat(claim.getJsonArray("prompts")).as("the claim itself still opens a vote").hasSize(1);
    assertThat(warnings(claim)).extracting(w -> w.getString("severity")).containsExactly("critical");
  }

  @Test
  void aStreamersOwnFloodCannotTakeTheirClaimsVoteAway() throws Exception {
    // Deterministic: the smallest share the node accepts (one segment's six clauses), and a segment that needs seven
    // embeddings (five clauses, and a sixth longer than 40 characters judged by a window around its hit too), so it
    // always finds the streamer's own share too small, whatever else runs.
    String chatter = "家人们晚上好欢迎来到直播间，今天给大家带来的是好东西，先看一下这个包装盒子呀，这个颜色真的很好看的，价格也非常的实惠划算，";
    TestNode tight = TestNode.start(Map.of("LIVEJURY_MODEL_MAX_IN_FLIGHT_PER_ROOM", "6",
        "LIVEJURY_MODEL_CACHE_ENTRIES", "0"));
    try {
      Http h = new Http(tight.port());
      String staffToken = h.token("staff-1", "staff");
      double refusedBefore = metric(h, "livejury_model_verdicts_total{outcome=\"room_full\"}");
      JsonObject claim = say(h, staffToken, chatter + "我们家这款茶是老茶农自己种的喝一个月就能治疗糖尿病大家放心买放心喝家人们赶紧下单吧");
      assertThat(metric(h, "livejury_model_verdicts_total{outcome=\"room_full\"}") - refusedBefore)
          .as("the streamer's own share refused the model").isPositive();
      List<JsonObject> warned = warnings(claim);
      assertThat(warned).hasSize(1);
      JsonObject warning = warned.get(0);
      assertThat(warning.getString("severity")).as("no acquittal by a model that never ran").isEqualTo("critical");
      assertThat(warning.getString("stage")).isEqualTo("lexicon");
      assertThat(warning.getString("model")).isEqualTo("own_share");
      assertThat(claim.getJsonArray("prompts")).as("the vote stands").hasSize(1);

      // A legal referral refused the same way still opens nothing: governed terms never do.
      JsonObject referral = say(h, staffToken, chatter + "这款茶很好喝但是有病的话请一定要去正规的医院治疗不要耽误了自己的病情家人们一定记住了");
      assertThat(referral.getJsonArray("prompts")).isEmpty();
      assertThat(warnings(referral)).allSatisfy(w -> assertThat(w.getString("severity")).isNotEqualTo("critical"));
    } finally {
      tight.stop();
    }

    // The same on the default share, with a real flood: the streamer's second room's claim is judged by the model
    // or refused for the streamer's own share, and either way it keeps its vote — never the capped "busy" warning.
    String streamer = "streamer-meaning-flood";
    String floodRoom = http.createRoom(staff, streamer);
    String claimRoom = http.createRoom(staff, streamer);
    String token = http.token(streamer, "streamer", "m-meaning-flood");
    double refusedBefore = metric(http, "livejury_model_verdicts_total{outcome=\"room_full\"}");
    ExecutorService pool = Executors.newFixedThreadPool(12);
    List<Future<Http.Reply>> flood = new ArrayList<>();
    for (int p = 0; p < 12; p++) {
      List<String> texts = new ArrayList<>();
      for (int s = 0; s < 15; s++) {
        texts.add("第" + p + "号链接的杯子有" + s + "种颜色可以选，家人们看一下喜欢哪个颜色呀");
      }
      JsonObject body = Http.transcript("f-" + p + "-", texts);
      flood.add(pool.submit(() -> http.post("/api/rooms/" + floodRoom + "/transcript", token, body)));
    }
    TimeUnit.MILLISECONDS.sleep(300);
    Http.Reply claim = http.post("/api/rooms/" + claimRoom + "/transcript", token, Http.transcript("c-",
        List.of("家人们晚上好欢迎来到直播间，我们家这款茶喝一个月就能治疗糖尿病")));
    for (Future<Http.Reply> f : flood) {
      assertThat(f.get(300, TimeUnit.SECONDS).status()).isEqualTo(202);
    }
    pool.shutdown();
    assertThat(metric(http, "livejury_model_verdicts_total{outcome=\"room_full\"}") - refusedBefore)
        .as("the flood met the streamer's share").isPositive();
    assertThat(claim.status()).isEqualTo(202);
    JsonObject warning = claim.body().getJsonArray("warnings").getJsonObject(0);
    assertThat(warning.getString("severity")).isEqualTo("critical");
    assertThat(warning.getString("model")).as("never the capped busy fallback").isNotEqualTo("busy");
    assertThat(claim.body().getJsonArray("prompts")).hasSize(1);
  }

  @Test
  void exactlyTheCriticalWarningsNoDebunkHeldOpenAVoteAndOnlyTheLexiconOrAgreementIsCritical() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("这款茶能治疗糖尿病", "agreement: critical, both, vote");
    cases.put("所谓的茶能治疗糖尿病", "a critical the allowed verdict did not silence: lexicon, vote");
    cases.put("这款面膜能治疗痘痘", "no food: the warn rule");
    cases.put("喝了这个茶，血糖一下就下来了", "the model alone, if at all: warn");
    cases.put("这款茶很好喝，有病请去医院治疗", "governed: warn whatever the model says");
    cases.put("有人说这款茶能治疗糖尿病，这是谣言", "debunked: critical, held");
    cases.put("加我微信私下交易更便宜", "critical, but not a prompt category");
    int criticalWithVote = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      JsonObject reply = say(c.getKey());
      int opens = 0;
      for (JsonObject w : warnings(reply)) {
        String stage = w.getString("stage");
        String severity = w.getString("severity");
        assertThat(stage).as(c.getValue()).isIn("lexicon", "model", "both");
        if ("model".equals(stage)) {
          assertThat(severity).as("the model alone never exceeds warn: %s", c.getValue()).isEqualTo("warn");
        }
        if ("critical".equals(severity) && "medical_claim".equals(w.getString("category")) && !w.containsKey("vote")) {
          assertThat(stage).as(c.getValue()).isIn("lexicon", "both");
          assertThat(w.containsKey("model")).as("a busy node's lexicon never votes: %s", c.getValue()).isFalse();
          opens++;
        }
      }
      assertThat(reply.getJsonArray("prompts")).as("%s: %s", c.getKey(), c.getValue()).hasSize(opens);
      criticalWithVote += opens;
      if (opens == 1) {
        JsonObject trigger = reply.getJsonArray("prompts").getJsonObject(0).getJsonObject("trigger");
        if (trigger != null) {
          assertThat(trigger.getString("stage")).isIn("lexicon", "both");
        }
      }
    }
    assertThat(criticalWithVote).as("the two claims, and nothing else").isEqualTo(2);
    JsonObject agreed = say("这款茶能降血糖，喝一个月就好");
    assertThat(warnings(agreed)).extracting(w -> w.getString("stage") + "/" + w.getString("severity"))
        .containsExactly("both/critical");
    assertThat(agreed.getJsonArray("prompts")).hasSize(1);
  }

  @Test
  void evasionSpellingsAreHeard() {
    Map<String, String> medical = new LinkedHashMap<>();
    medical.put("这款茶治糖尿病", "治糖尿病");
    medical.put("这款茶专治TNB", "专治糖尿病");
    medical.put("这款茶治TNBya", "治糖尿病ya");
    medical.put("这款茶能治liao糖尿病", "治疗糖尿病");
    medical.put("这款茶能根zhi高血压", "根治高血压");
    medical.put("这款茶能降xuetang", "降血糖");
    medical.put("这款茶能疗愈糖尿病", "治愈糖尿病");
    medical.put("这款茶能治\uF9C1糖尿病", "治疗糖尿病"); // U+F9C1, the compatibility ideograph of 療
    medical.put("这款茶能降\u3164血\u3164糖", "降血糖");
    medical.put("这款茶能降\u115F血\u1160糖", "降血糖");
    medical.put("这款茶能降\uFFA0血\u2800糖", "降血糖");
    medical.put("这款茶能降\u3000血\u3000糖", "降血糖");
    medical.put("这款茶能降,血,糖", "降血糖");
    medical.put("这款茶能降、血、压", "降血压");
    medical.put("这款茶能\u202E\u202E疗治\u202C\u202C糖尿病", "治疗糖尿病");
    medical.put("这款茶能\u202E病尿糖\u202E疗治\u202C\u202C", "治疗糖尿病");
    medical.put("这款茶能\u2067\u202E疗治\u202C\u2069糖尿病", "治疗糖尿病");
    for (Map.Entry<String, String> e : medical.entrySet()) {
      List<JsonObject> warned = warnings(say(e.getKey()));
      assertThat(warned).as(e.getKey()).extracting(w -> w.getString("category")).containsExactly("medical_claim");
      assertThat(warned.get(0).getJsonObject("evidence").getString("normalised")).as(e.getKey()).contains(e.getValue());
    }
    Map<String, String> offPlatform = Map.of("想要更便宜的加威", "加微信", "想要的加企鹅私聊", "加qq");
    for (Map.Entry<String, String> e : offPlatform.entrySet()) {
      List<JsonObject> warned = warnings(say(e.getKey()));
      assertThat(warned).as(e.getKey()).extracting(w -> w.getString("category")).containsExactly("off_platform");
      assertThat(warned.get(0).getJsonObject("evidence").getString("normalised")).contains(e.getValue());
    }
    List<JsonObject> scarce = warnings(say("最后的库存了，仅剩㈢件"));
    assertThat(scarce).extracting(w -> w.getString("category")).contains("fake_scarcity");
    // The spellings that look alike but mean something else stay quiet.
    for (String legal : List.of("这只企鹅玩偶很可爱", "树立威信很重要", "1,2,3号链接都有货")) {
      assertThat(warnings(say(legal))).as(legal).isEmpty();
    }
  }

  @Test
  void aDebunkCueHoldsTheVoteOnlyWhereItDebunks() {
    List<String> affirmed = List.of("这款茶能降血糖，真的不是谣言", "据说这款茶能治疗糖尿病，家人们放心喝",
        "这茶不是骗人的，能治糖尿病", "听说这款茶能治好糖尿病");
    for (String text : affirmed) {
      JsonObject reply = say(text);
      List<JsonObject> warned = warnings(reply);
      assertThat(warned).as(text).extracting(w -> w.getString("severity")).containsExactly("critical");
      assertThat(warned.get(0).containsKey("vote")).as("no hold: %s", text).isFalse();
      assertThat(reply.getJsonArray("prompts")).as("the affirmed claim is put to the vote: %s", text).hasSize(1);
    }
    List<String> debunked = List.of("有人说这款茶能治疗糖尿病，这是谣言", "所谓的茶能降血压都是骗人的",
        "说这茶能根治高血压的都是骗子");
    for (String text : debunked) {
      JsonObject reply = say(text);
      assertThat(reply.getJsonArray("prompts")).as("held: %s", text).isEmpty();
      assertThat(warnings(reply)).as(text).allSatisfy(w -> {
        if ("critical".equals(w.getString("severity"))) {
          assertThat(w.getString("vote")).startsWith("held: debunk cue ");
        }
      });
    }
  }

  /** The medical warning's severity of {@code reply}, or "none". */
  private static String medical(JsonObject reply) {
    return warnings(reply).stream().filter(w -> "medical_claim".equals(w.getString("category")))
        .map(w -> w.getString("severity")).findFirst().orElse("none");
  }

  @Test
  void aWordThatOnlyLooksLikeACautionOrADebunkDoesNotSilenceTheClaim() {
    // A caution or denial word inside an ordinary phrase, a doctor as the claim's authority, a hedge that ends at
    // 但是, a double negative, a rhetorical question, a joke word that is not the cure's object, the order to stop
    // insulin, evasion spellings, and debunk cues that affirm: each is the claim, critical, and opens the vote.
    List<String> claims = List.of("不得不说喝茶治疗糖尿病效果特别好", "效果不可思议喝茶治疗糖尿病一个月见效",
        "千万不要再花冤枉钱喝茶治好糖尿病", "不要再打胰岛素了喝我家茶治好糖尿病", "严禁外传的秘方茶专治糖尿病",
        "私信咨询专治糖尿病的好茶", "不说别的喝茶治疗糖尿病一绝", "喝这茶避免打针吃药治好糖尿病",
        "医生都惊呆了喝我家的茶治好了糖尿病", "医院治不好的糖尿病喝我家茶三个月治好了",
        "我不敢说百分百但是糖尿病喝了这茶都能治好", "不能说包治百病但是这茶治疗糖尿病绝对有效",
        "喝了这茶怎么可能不降血糖", "谁说喝茶不能降血糖", "这款茶降血糖嘴馋也不怕", "这款茶降血糖快剁手",
        "喝我家的茶治糖尿病不用纠结", "喝茶降血压不再emo", "三甲医院医生推荐的茶治疗糖尿病", "效果没说的喝茶治好糖尿病",
        "这款茶能治疗糖尿病，要是骗人我退十倍钱", "这款茶能治疗糖尿病，这不是一个谣言",
        "这款茶能治糖尿病吗？不是能，是一定能", "谁说是骗局？这茶就是能治糖尿病", "骗人是小狗，这茶真能治糖尿病",
        "有人说喝这茶治好了糖尿病", "这款茶能jiang血糖", "这款茶能zhi疗糖尿病", "这款茶能治+疗糖尿病",
        "这款茶能治：疗糖尿病", "这款茶能治疔糖尿病");
    List<String> wrong = new ArrayList<>();
    for (String text : claims) {
      JsonObject reply = say(text);
      boolean held = warnings(reply).stream().anyMatch(w -> w.containsKey("vote"));
      if (!"critical".equals(medical(reply)) || held || reply.getJsonArray("prompts").size() != 1) {
        wrong.add(text + " → " + reply.getJsonArray("warnings").encode() + ", prompts: "
            + reply.getJsonArray("prompts").size());
      }
    }
    assertThat(wrong).as("claims not put to the vote").isEmpty();
  }

  @Test
  void moodWordsDrugAdviceAndLookAlikesOpenNoVote() {
    List<String> legal = List.of("这杯茶的香气很疗愈", "这款茶喝起来很疗愈，适合下午", "这款茶的包装设计很治愈",
        "降血压的药和茶不要一起吃", "降血糖的药千万别停，茶只是饮料", "我妈得了糖尿病一直在治疗，她平时喝茶当水",
        "This tea heals my soul on rainy days", "Our tea treats are on sale today", "这款茶加威士忌特别好喝",
        "这款茶加企鹅图案的包装很可爱", "这款茶的批号是TNB2024");
    List<String> wrong = new ArrayList<>();
    for (String text : legal) {
      JsonObject reply = say(text);
      boolean critical = warnings(reply).stream().anyMatch(w -> "critical".equals(w.getString("severity")));
      boolean heard = warnings(reply).stream().anyMatch(w -> "medical_claim".equals(w.getString("category"))
          && !"model".equals(w.getString("stage")) || "off_platform".equals(w.getString("category")));
      if (critical || heard || !reply.getJsonArray("prompts").isEmpty()) {
        wrong.add(text + " → " + reply.getJsonArray("warnings").encode());
      }
    }
    assertThat(wrong).as("legal sentences the lexicon hears as claims, or critical, or put to a vote").isEmpty();
  }
}
