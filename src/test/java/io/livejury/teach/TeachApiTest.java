package io.livejury.teach;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.PgProbe;
import io.livejury.support.RedisProbe;
import io.livejury.semantic.SemanticVerdict;
import io.livejury.semantic.SheetText;
import io.livejury.support.TestLexicon;
import io.livejury.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Staff teach the detector on one node and every node's sheets follow within seconds: a confirmed false claim
 * joins its category, a wrong warning's sentence joins the allowed sheet, an undo takes either back; who may
 * teach what, and what is refused.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class TeachApiTest {

  /** The safety-net re-read of the nodes here: short, so the test of a missed announcement is quick. */
  private static final String RESYNC_MS = "1000";

  private static TestNode first;
  private static TestNode second;
  private static Http one;
  private static Http two;
  private static String staff;
  private static RedisProbe redis;
  private static PgProbe pg;

  @BeforeAll
  static void start(Vertx vertx) {
    // The periodic re-read is far off on the first node and short on the second: the first follows changes by the
    // announcement alone, the second also by its re-read.
    // A rule of the test's own raises the warning staff mark wrong, whatever the shipped rules make of it.
    String lexicon = TestLexicon.withRules("teach.sample | extreme_words | warn | 示例绝对词 | | | sample").toString();
    first = TestNode.start(Map.of("LIVEJURY_TEACH_RESYNC_MS", "600000", "LIVEJURY_LEXICON_PATH", lexicon));
    second = TestNode.start(Map.of("LIVEJURY_TEACH_RESYNC_MS", RESYNC_MS, "LIVEJURY_LEXICON_PATH", lexicon));
    one = new Http(first.port());
    two = new Http(second.port());
    staff = one.token("teach-staff-1", "staff");
    redis = new RedisProbe(vertx);
    pg = new PgProbe(vertx);
  }

  @AfterAll
  static void stop(Vertx vertx) {
    // Nodes of later test classes read the taught examples of Postgres, which the suite shares: leave them none.
    pg.execute("DELETE FROM taught_examples WHERE taught_by LIKE 'teach-staff-%'");
    redis.close();
    pg.close();
    second.stop();
    first.stopAfter(vertx);
  }

  /** A claim verdict of the audience, handed to the penalty side as the closer hands it. */
  private static JsonObject falseClaim(String subject, String claim) {
    String promptId = "p-teach-" + System.nanoTime();
    JsonObject verdict = new JsonObject().put("id", "v-" + promptId).put("promptId", promptId)
        .put("roomId", "room-" + subject).put("streamerId", subject).put("merchantId", "m-" + subject)
        .put("kind", "claim").put("question", "主播说“" + claim + "”，属实吗？").put("claim", claim)
        .put("outcome", "FALSE_CLAIM").put("counts", new JsonObject().put("true", 5).put("false", 95).put("unsure", 0))
        .put("total", 100).put("confidence", 0.9).put("decidedAt", Instant.now().toString()).put("reviewStatus", "pending")
        .put("trigger", new JsonObject().put("type", "lexicon").put("ruleId", "medical.food").put("text", claim));
    redis.appendVerdict(verdict);
    return one.awaitVerdict(verdict.getString("id"), staff, Duration.ofSeconds(15));
  }

  private static void confirm(String verdictId) {
    Http.Reply reply = one.post("/api/verdicts/" + verdictId + "/review", staff,
        new JsonObject().put("action", "confirm").put("reason", "the tea cures nothing"));
    assertThat(reply.status()).isEqualTo(200);
  }

  /** The number of taught examples of {@code sheet} in force on the node {@code http} speaks to. */
  private static int taught(Http http, String sheet) {
    JsonArray sheets = http.get("/api/detector/report", staff).body().getJsonArray("sheets");
    return sheets.stream().map(JsonObject.class::cast).filter(s -> sheet.equals(s.getString("sheet")))
        .findFirst().orElseThrow().getInteger("taught");
  }

  private static void awaitTaught(Http http, String sheet, int count, String what) {
    http.awaitGet("/api/detector/report", staff, reply -> taught(http, sheet) == count, Duration.ofSeconds(5), what);
  }

  @Test
  void aConfirmedFalseClaimTeachesItsCategoryOnEveryNode() {
    String claim = "这款桑叶茶喝上一个月血糖就稳了，教学样例一";
    JsonObject verdict = falseClaim("teach-streamer-claim", claim);
    String verdictId = verdict.getString("id");
    JsonObject teach = new JsonObject().put("sheet", "medical_claim").put("verdictId", verdictId)
        .put("text", "words the console made up");

    // Pending: the audience condemned it, staff have not confirmed it yet.
    Http.Reply early = one.post("/api/detector/examples", staff, teach);
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.body().getJsonObject("error").getString("message")).contains("confirm it first");

    int before = taught(two, "medical_claim");
    confirm(verdictId);
    Http.Reply taught = one.post("/api/detector/examples", staff, teach);
    assertThat(taught.status()).isEqualTo(201);
    JsonObject example = taught.body();
    assertThat(example.getString("id")).startsWith("te-");
    assertThat(example.getString("sheet")).isEqualTo("medical_claim");
    assertThat(example.getString("text")).isEqualTo(claim); // the verdict's words, not the client's
    assertThat(example.getString("by")).isEqualTo("teach-staff-1");
    assertThat(example.getJsonObject("source").getString("type")).isEqualTo("verdict");
    assertThat(example.getJsonObject("source").getString("id")).isEqualTo(verdictId);
    assertThat(example.getJsonObject("source").getString("rule")).isEqualTo("medical.food");
    assertThat(example.getString("at")).isNotNull();
    assertThat(pg.count("SELECT count(*) FROM taught_examples WHERE source_id = $1 AND taught_by = $2",
        verdictId, "teach-staff-1")).isEqualTo(1);

    // The node that took it answered once its own sheets had it; the other follows within seconds.
    assertThat(taught(one, "medical_claim")).isEqualTo(before + 1);
    awaitTaught(two, "medical_claim", before + 1, "the second node never took the taught claim");

    // Once per sheet, and a sentence is not both a violation and allowed.
    Http.Reply again = one.post("/api/detector/examples", staff, teach);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("conflict");
    Http.Reply typed = one.post("/api/detector/examples", staff,
        new JsonObject().put("sheet", "medical_claim").put("text", "  " + claim.toUpperCase() + " "));
    assertThat(typed.status()).isEqualTo(409);
    Http.Reply allowed = one.post("/api/detector/examples", staff,
        new JsonObject().put("sheet", "allowed").put("text", claim));
    assertThat(allowed.status()).isEqualTo(409);
    assertThat(allowed.body().getJsonObject("error").getString("message")).contains("medical_claim");

    // Listed for staff, newest first.
    JsonArray listed = two.get("/api/detector/examples?sheet=medical_claim", staff).body().getJsonArray("items");
    assertThat(listed.stream().map(JsonObject.class::cast).map(e -> e.getString("id"))).contains(example.getString("id"));

    // Undo, from the other node: gone from both, kept in the record with who undid it.
    Http.Reply undone = two.send("DELETE", "/api/detector/examples/" + example.getString("id"), staff, null);
    assertThat(undone.status()).isEqualTo(200);
    assertThat(undone.body().getString("removedBy")).isEqualTo("teach-staff-1");
    assertThat(undone.body().getString("removedAt")).isNotNull();
    assertThat(taught(two, "medical_claim")).isEqualTo(before);
    awaitTaught(one, "medical_claim", before, "the first node kept an undone example");
    assertThat(two.send("DELETE", "/api/detector/examples/" + example.getString("id"), staff, null).status())
        .isEqualTo(409);
    assertThat(one.get("/api/detector/examples?sheet=medical_claim", staff).body().getJsonArray("items").stream()
        .map(JsonObject.class::cast).map(e -> e.getString("id"))).doesNotContain(example.getString("id"));
    assertThat(one.get("/api/detector/examples?sheet=medical_claim&removed=true", staff).body().getJsonArray("items")
        .stream().map(JsonObject.class::cast).filter(e -> example.getString("id").equals(e.getString("id")))
        .map(e -> e.getString("removedBy"))).containsExactly("teach-staff-1");

    // Undone, it may be taught again.
    assertThat(one.post("/api/detector/examples", staff, teach).status()).isEqualTo(201);
    awaitTaught(two, "medical_claim", before + 1, "the second node never took the example taught again");
  }

  private static SemanticVerdict judge(TestNode node, String text) {
    return node.node().semantic().judge(SheetText.normalise(text)).await();
  }

  /**
   * The whole loop with the sentence model: a medical claim in words no sheet has is missed, the audience and then
   * staff find it false, staff teach it on one node, and within seconds the other node's model recognises the
   * sentence and a paraphrase of it, naming the taught sentence as the nearest example.
   */
  @Test
  void aClaimTheModelMissedIsRecognisedOnTheOtherNodeOnceTaught() throws InterruptedException {
    String claim = "这块石头放在枕头底下，孩子的夜哭一个礼拜就停了";
    String paraphrase = "把这块石头压在枕头下面，小孩夜里哭闹一周就停了";
    assertThat(second.node().sheetReports()).as("the model is loaded on the second node").isNotEmpty();
    assertThat(judge(second, claim).category()).as("missed before: %s", judge(second, claim)).isNull();
    assertThat(judge(second, paraphrase).category()).as("paraphrase missed before").isNull();
    // Examples the other tests taught reach node two by its own reload: count from there once it has them all.
    int inForce = one.get("/api/detector/examples?sheet=medical_claim", staff).body().getJsonArray("items").size();
    awaitTaught(two, "medical_claim", inForce, "node two holds every medical_claim example taught so far");
    JsonObject beforeReport = medicalClaim(two);

    // Staff opened the prompt (no lexicon rule heard it), the audience found it false, staff confirm.
    String promptId = "p-teach-model-" + System.nanoTime();
    redis.appendVerdict(new JsonObject().put("id", "v-" + promptId).put("promptId", promptId)
        .put("roomId", "room-teach-model").put("streamerId", "teach-streamer-model").put("merchantId", "m-teach")
        .put("kind", "claim").put("question", "主播说“" + claim + "”，属实吗？").put("claim", claim)
        .put("outcome", "FALSE_CLAIM").put("counts", new JsonObject().put("true", 3).put("false", 60).put("unsure", 2))
        .put("total", 65).put("confidence", 0.95).put("decidedAt", Instant.now().toString())
        .put("reviewStatus", "pending").put("trigger", new JsonObject().put("type", "staff").put("by", "teach-staff-1")));
    one.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(15));
    confirm("v-" + promptId);
    Http.Reply taught = one.post("/api/detector/examples", staff,
        new JsonObject().put("sheet", "medical_claim").put("verdictId", "v-" + promptId));
    assertThat(taught.status()).isEqualTo(201);

    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    SemanticVerdict same = judge(second, claim);
    while (!"medical_claim".equals(same.category()) && System.nanoTime() < deadline) {
      same = judge(second, claim);
    }
    assertThat(same.category()).as("the taught sentence on the second node: %s", same).isEqualTo("medical_claim");
    assertThat(same.nearestExample()).isEqualTo(SheetText.normalise(claim));
    SemanticVerdict close = judge(second, paraphrase);
    assertThat(close.category()).as("a paraphrase on the second node: %s", close).isEqualTo("medical_claim");
    assertThat(close.nearestExample()).isEqualTo(SheetText.normalise(claim));

    // The leave-one-out report of that node counts the new example and has figures for the category; the node
    // recomputes it after the reload that taught its model, so it may trail the judgement above by a moment.
    JsonObject after = medicalClaim(two);
    long reportDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (after.getInteger("taught") < beforeReport.getInteger("taught") + 1 && System.nanoTime() < reportDeadline) {
      TimeUnit.MILLISECONDS.sleep(100);
      after = medicalClaim(two);
    }
    assertThat(after.getInteger("examples")).isEqualTo(beforeReport.getInteger("examples") + 1);
    assertThat(after.getInteger("taught")).isEqualTo(beforeReport.getInteger("taught") + 1);
    assertThat(after.getDouble("threshold")).isBetween(0.0, 1.0);
    assertThat(after.getDouble("precision")).isBetween(0.0, 1.0);
    assertThat(after.getDouble("recall")).isBetween(0.0, 1.0);
    assertThat(two.get("/api/detector/report", staff).body().getBoolean("modelReady")).isTrue();
  }

  private static JsonObject medicalClaim(Http http) {
    return http.get("/api/detector/report", staff).body().getJsonArray("sheets").stream().map(JsonObject.class::cast)
        .filter(s -> "medical_claim".equals(s.getString("sheet"))).findFirst().orElseThrow();
  }

  @Test
  void aSentenceTooShortToCompareIsRefused() {
    int before = taught(one, "allowed");
    for (String text : List.of("x", "好的", "1234", "x 1 2 3")) {
      Http.Reply refused = one.post("/api/detector/examples", staff,
          new JsonObject().put("sheet", "allowed").put("text", text));
      assertThat(refused.status()).as(text).isEqualTo(400);
      assertThat(refused.body().getJsonObject("error").getString("message")).as(text)
          .contains("at least 4 characters");
    }
    assertThat(taught(one, "allowed")).as("nothing was taught").isEqualTo(before);
  }

  @Test
  void aWrongWarningsSentenceJoinsTheAllowedSheet() {
    String room = one.createRoom(staff, "teach-streamer-warn");
    String said = "这款茶的示例绝对词，教学样例二";
    Http.Reply transcript = one.post("/api/rooms/" + room + "/transcript", staff, new JsonObject().put("segments",
        new JsonArray().add(new JsonObject().put("id", "teach-seg-1").put("startMs", 0).put("endMs", 900).put("text", said))));
    assertThat(transcript.status()).isEqualTo(202);
    JsonObject warning = transcript.body().getJsonArray("warnings").getJsonObject(0);
    String warningId = warning.getString("id");

    int before = taught(one, "allowed");
    // Taught on the other node, with made-up words beside the id: the sentence is the warning's own.
    Http.Reply taught = two.post("/api/detector/examples", staff, new JsonObject().put("sheet", "allowed")
        .put("warningId", warningId).put("text", "加微信私下交易"));
    assertThat(taught.status()).isEqualTo(201);
    assertThat(taught.body().getString("text")).isEqualTo(said);
    assertThat(taught.body().getString("sheet")).isEqualTo("allowed");
    assertThat(taught.body().getJsonObject("source").getString("type")).isEqualTo("warning");
    assertThat(taught.body().getJsonObject("source").getString("id")).isEqualTo(warningId);
    assertThat(taught.body().getJsonObject("source").getString("rule")).isEqualTo(warning.getString("ruleId"));
    awaitTaught(one, "allowed", before + 1, "the first node never took the allowed sentence");

    // A warning's sentence is allowed, never a category; twice is a conflict.
    assertThat(two.post("/api/detector/examples", staff, new JsonObject().put("sheet", "allowed")
        .put("warningId", warningId)).status()).isEqualTo(409);
    Http.Reply asCategory = one.post("/api/detector/examples", staff, new JsonObject().put("sheet", "extreme_words")
        .put("warningId", warningId));
    assertThat(asCategory.status()).isEqualTo(400);
    assertThat(one.post("/api/detector/examples", staff, new JsonObject().put("sheet", "allowed")
        .put("warningId", "w-never-raised")).status()).isEqualTo(404);
  }

  @Test
  void aNodeThatMissedTheAnnouncementCatchesUpByItsReRead() {
    int before = taught(two, "price_fraud");
    // Written straight to Postgres: no node announces it, so only the re-read finds it.
    pg.execute("INSERT INTO taught_examples (id, sheet, text, normalised, source_type, taught_by) "
        + "VALUES ($1, 'price_fraud', $2, $2, 'staff', 'teach-staff-db')", "te-teach-silent-" + System.nanoTime(),
        "原价九百九今天只要九十九，教学样例三");
    awaitTaught(two, "price_fraud", before + 1, "the re-read never found an example no node announced");
  }

  @Test
  void onlyStaffTeachAndBadRequestsAreRefusedInWords() {
    String viewer = one.token("teach-viewer-1", "viewer");
    String streamer = one.token("teach-streamer-x", "streamer", "m-teach");
    JsonObject body = new JsonObject().put("sheet", "medical_claim").put("text", "这茶能降血糖，教学样例四");
    for (String token : new String[] {viewer, streamer}) {
      assertThat(one.post("/api/detector/examples", token, body).status()).isEqualTo(403);
      assertThat(one.get("/api/detector/examples", token).status()).isEqualTo(403);
      assertThat(one.get("/api/detector/report", token).status()).isEqualTo(403);
      assertThat(one.send("DELETE", "/api/detector/examples/te-anything", token, null).status()).isEqualTo(403);
    }
    assertThat(one.post("/api/detector/examples", null, body).status()).isEqualTo(401);

    Http.Reply unknown = one.post("/api/detector/examples", staff, body.copy().put("sheet", "gossip"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorCode()).isEqualTo("bad_request");
    assertThat(unknown.body().getJsonObject("error").getString("message")).contains("medical_claim", "allowed");
    Http.Reply noSheet = one.post("/api/detector/examples", staff, new JsonObject().put("text", "这茶能降血糖"));
    assertThat(noSheet.status()).isEqualTo(400);
    assertThat(noSheet.body().getJsonObject("error").getString("message")).startsWith("sheet is required");
    assertThat(one.post("/api/detector/examples", staff, body.copy().put("text", "   ")).status()).isEqualTo(400);
    // Text that shows nothing is refused as blank text is: Hangul fillers, the braille blank, format characters.
    for (String invisible : new String[] {"\u3164\u3164\u3164\u3164\u3164", "\u115F\u1160\uFFA0\u3164\u2800\u200B",
        "\u3164\u3164ab\u3164\u3164"}) {
      Http.Reply refused = one.post("/api/detector/examples", staff, body.copy().put("text", invisible));
      assertThat(refused.status()).as("%s", invisible.codePoints().mapToObj(Integer::toHexString).toList())
          .isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("bad_request");
      assertThat(refused.body().getJsonObject("error").getString("message")).isNotBlank();
    }
    assertThat(one.post("/api/detector/examples", staff, body.copy().put("text", 42)).status()).isEqualTo(400);
    Http.Reply long201 = one.post("/api/detector/examples", staff, body.copy().put("text", "长".repeat(201)));
    assertThat(long201.status()).isEqualTo(400);
    assertThat(long201.body().getJsonObject("error").getString("message")).contains("201", "200");
    assertThat(one.post("/api/detector/examples", staff, body.copy().put("verdictId", "v-1").put("warningId", "w-1"))
        .status()).isEqualTo(400);
    assertThat(one.post("/api/detector/examples", staff, new JsonObject().put("sheet", "allowed")
        .put("verdictId", "v-any")).status()).isEqualTo(400);
    assertThat(one.post("/api/detector/examples", staff, body.copy().put("verdictId", "v-teach-none")).status())
        .isEqualTo(404);
    assertThat(one.get("/api/detector/examples?sheet=gossip", staff).status()).isEqualTo(400);
    assertThat(one.get("/api/detector/examples?limit=0", staff).status()).isEqualTo(400);
    assertThat(one.send("DELETE", "/api/detector/examples/te-teach-none", staff, null).status()).isEqualTo(404);

    // A verdict that cleared the streamer teaches nothing.
    String promptId = "p-teach-cleared-" + System.nanoTime();
    redis.appendVerdict(new JsonObject().put("id", "v-" + promptId).put("promptId", promptId)
        .put("roomId", "room-teach-cleared").put("streamerId", "teach-streamer-cleared").put("merchantId", "m-1")
        .put("kind", "claim").put("question", "属实吗？").put("claim", "这茶好喝").put("outcome", "NOT_FALSE")
        .put("counts", new JsonObject().put("true", 90).put("false", 10)).put("total", 100).put("confidence", 0.9)
        .put("decidedAt", Instant.now().toString()).put("reviewStatus", "none"));
    one.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(15));
    Http.Reply cleared = one.post("/api/detector/examples", staff, body.copy().put("verdictId", "v-" + promptId));
    assertThat(cleared.status()).isEqualTo(409);
    assertThat(cleared.body().getJsonObject("error").getString("message")).contains("NOT_FALSE");
  }

  /**
   * A NUL character or a lone surrogate, sent as JSON escapes, is refused in words (400 with the error JSON), not
   * taken to Postgres, which cannot store it, and answered 503. A lone surrogate is refused in any body's text.
   */
  @Test
  void aNulOrALoneSurrogateInTheTextIsABadRequest() {
    for (String escaped : List.of("\\u0000", "\\ud800", "\\udfff", "\\ud83d\\u0041")) {
      String raw = "{\"sheet\":\"medical_claim\",\"text\":\"这茶能降血糖" + escaped + "教学样例五\"}";
      Http.Reply refused = one.send("POST", "/api/detector/examples", staff, raw);
      assertThat(refused.status()).as(raw).isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("bad_request");
      assertThat(refused.body().getJsonObject("error").getString("message")).as(raw).contains("text");
    }
    Http.Reply pair = one.send("POST", "/api/detector/examples", staff,
        "{\"sheet\":\"medical_claim\",\"text\":\"这茶能降血糖\\ud83d\\udd25教学样例五\"}");
    assertThat(pair.status()).as("an escaped surrogate pair is one character").isEqualTo(201);
    Http.Reply title = one.send("POST", "/api/rooms", staff, "{\"roomId\":\"teach-surrogate\",\"streamerId\":\"s-1\","
        + "\"merchantId\":\"m-1\",\"title\":\"Spring \\udc00 tea\"}");
    assertThat(title.status()).isEqualTo(400);
    assertThat(title.body().getJsonObject("error").getString("message")).startsWith("title ");
  }

  /**
   * Teaching one sentence to two sheets at once stores it once: the rest are 409, as a contradiction (the other
   * sheet holds it) or a duplicate (this sheet does).
   */
  @Test
  void oneSentenceTaughtToTwoSheetsAtOnceIsStoredOnce() throws Exception {
    String sentence = "这款茶喝了能降血压，并发教学样例" + System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Future<Http.Reply>> replies = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      for (int i = 0; i < 10; i++) {
        JsonObject body = new JsonObject().put("sheet", i % 2 == 0 ? "allowed" : "medical_claim").put("text", sentence);
        replies.add(pool.submit(() -> {
          start.await();
          return one.post("/api/detector/examples", staff, body);
        }));
      }
      start.countDown();
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (Future<Http.Reply> reply : replies) {
        Http.Reply answer = reply.get(30, TimeUnit.SECONDS);
        statuses.merge(answer.status(), 1, Integer::sum);
        if (answer.status() == 409) {
          assertThat(answer.errorCode()).isEqualTo("conflict");
        }
      }
      assertThat(statuses).isEqualTo(Map.of(201, 1, 409, 9));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theReportNamesEverySheetAndWhetherTheModelJudges() {
    JsonObject report = one.get("/api/detector/report", staff).body();
    assertThat(report.getBoolean("modelEnabled")).isNotNull();
    assertThat(report.getJsonArray("sheets").stream().map(JsonObject.class::cast).map(s -> s.getString("sheet")))
        .contains("medical_claim", "extreme_words", "price_fraud", "fake_scarcity", "off_platform", "allowed");
    assertThat(report.getJsonObject("rules").getString("medical.food")).isEqualTo("medical_claim");
  }

  @Test
  void queryFlagsAndSheetNamesAreTakenExactlyAsWritten() {
    for (String removed : List.of("maybe", "TRUE", "1", "yes", "true ")) {
      Http.Reply reply = one.get("/api/detector/examples?removed=" + URLEncoder.encode(removed, StandardCharsets.UTF_8),
          staff);
      assertThat(reply.status()).as("removed=%s", removed).isEqualTo(400);
      assertThat(reply.errorCode()).isEqualTo("bad_request");
      assertThat(reply.body().getJsonObject("error").getString("message")).contains("removed", "true", "false");
    }
    assertThat(one.get("/api/detector/examples?removed=true", staff).status()).isEqualTo(200);
    assertThat(one.get("/api/detector/examples?removed=false", staff).status()).isEqualTo(200);

    for (String sheet : List.of(" allowed", "allowed ", "\tmedical_claim", "Allowed")) {
      Http.Reply taught = one.post("/api/detector/examples", staff,
          new JsonObject().put("sheet", sheet).put("text", "这是一句普通的话，教学样例五"));
      assertThat(taught.status()).as("sheet '%s'", sheet).isEqualTo(400);
      assertThat(taught.body().getJsonObject("error").getString("message")).startsWith("unknown sheet");
      Http.Reply listed = one.get("/api/detector/examples?sheet=" + URLEncoder.encode(sheet, StandardCharsets.UTF_8),
          staff);
      assertThat(listed.status()).as("listing sheet '%s'", sheet).isEqualTo(400);
    }
    assertThat(pg.count("SELECT count(*) FROM taught_examples WHERE text = $1", "这是一句普通的话，教学样例五"))
        .isEqualTo(0);
    for (String limit : List.of("0", "501", "ten", "1.5")) {
      Http.Reply reply = one.get("/api/detector/examples?limit=" + limit, staff);
      assertThat(reply.status()).as("limit=%s", limit).isEqualTo(400);
      assertThat(reply.body().getJsonObject("error").getString("message"))
          .isEqualTo("limit must be a whole number from 1 to 500");
    }
    assertThat(one.get("/api/detector/examples?limit=500", staff).status()).isEqualTo(200);
  }
}
