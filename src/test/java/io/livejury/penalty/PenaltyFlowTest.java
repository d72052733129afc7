package io.livejury.penalty;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.PgProbe;
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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verdicts handed off through the Redis stream become Postgres rows and penalties, exactly once, and staff
 * review them. Verdicts are appended to the stream the way the closer appends them.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class PenaltyFlowTest {

  private static TestNode node;
  private static Http http;
  private static String staff;
  private static RedisProbe redis;
  private static PgProbe pg;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start();
    http = new Http(node.port());
    staff = http.token("staff-1", "staff");
    redis = new RedisProbe(vertx);
    pg = new PgProbe(vertx);
  }

  @AfterAll
  static void stop(Vertx vertx) {
    redis.close();
    pg.close();
    node.stopAfter(vertx);
  }

  private static JsonObject verdict(String subject, String roomId, String outcome, Instant decidedAt) {
    String promptId = "p-test-" + System.nanoTime();
    return new JsonObject().put("id", "v-" + promptId).put("promptId", promptId).put("roomId", roomId)
        .put("streamerId", subject).put("merchantId", "m-" + subject).put("kind", "claim")
        .put("question", "这款茶能治疗糖尿病，属实吗？").put("claim", "这款茶能治疗糖尿病").put("outcome", outcome)
        .put("counts", new JsonObject().put("true", 10).put("false", 90).put("unsure", 0)).put("total", 100)
        .put("confidence", 0.83).put("decidedAt", decidedAt.toString())
        .put("reviewStatus", "NOT_FALSE".equals(outcome) ? "none" : "pending");
  }

  private static JsonObject verdict(String subject, String outcome) {
    return verdict(subject, "room-" + subject, outcome, Instant.now());
  }

  private static JsonObject recorded(String verdictId) {
    return http.awaitVerdict(verdictId, staff, Duration.ofSeconds(15));
  }

  private static JsonObject record(JsonObject verdict) throws InterruptedException {
    redis.appendVerdict(verdict);
    return recorded(verdict.getString("id"));
  }

  @Test
  void aVerdictDeliveredTwiceIsOneRowAndOnePenalty(VertxTestContext tc) throws InterruptedException {
    JsonObject verdict = verdict("streamer-twice", "FALSE_CLAIM");
    redis.appendVerdict(verdict);
    redis.appendVerdict(verdict);
    JsonObject stored = recorded(verdict.getString("id"));
    TimeUnit.MILLISECONDS.sleep(1_000);
    assertThat(pg.count("SELECT count(*) FROM verdicts WHERE prompt_id = $1", verdict.getString("promptId"))).isEqualTo(1);
    assertThat(pg.count("SELECT count(*) FROM penalties WHERE verdict_id = $1", verdict.getString("id"))).isEqualTo(1);
    assertThat(stored.getJsonObject("penalty").getString("level")).isEqualTo("WARNING");
    assertThat(stored.getJsonObject("penalty").getString("status")).isEqualTo("active");
    assertThat(stored.getString("outcome")).isEqualTo("FALSE_CLAIM");
    assertThat(stored.getJsonObject("counts").getLong("false")).isEqualTo(90);
    // Both deliveries went through a transaction; /metrics times each.
    assertThat(http.text("/metrics")).containsPattern("livejury_pg_call_seconds_count\\{operation=\"verdict_write\"} [2-9]");
    tc.completeNow();
  }

  @Test
  void entriesOfADeadConsumerAreTakenOverWithoutLossOrDuplicate(VertxTestContext tc) throws InterruptedException {
    TestNode second = TestNode.start();
    List<JsonObject> verdicts = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        JsonObject verdict = verdict("streamer-race-" + i, "FALSE_CLAIM");
        verdicts.add(verdict);
        redis.appendVerdict(verdict);
        redis.appendVerdict(verdict);
      }
      JsonObject orphan = verdict("streamer-orphan", "FALSE_CLAIM");
      redis.appendVerdict(orphan);
      redis.readAsDeadConsumer("node-that-died");
      verdicts.add(orphan);
      for (JsonObject verdict : verdicts) {
        recorded(verdict.getString("id"));
      }
      TimeUnit.MILLISECONDS.sleep(1_000);
      for (JsonObject verdict : verdicts) {
        assertThat(pg.count("SELECT count(*) FROM verdicts WHERE id = $1", verdict.getString("id"))).isEqualTo(1);
        assertThat(pg.count("SELECT count(*) FROM penalties WHERE verdict_id = $1", verdict.getString("id")))
            .isEqualTo(1);
      }
    } finally {
      second.stop();
    }
    tc.completeNow();
  }

  @Test
  void theLadderClimbsOneStepPerOffence(VertxTestContext tc) throws InterruptedException {
    List<String> levels = new ArrayList<>();
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      JsonObject penalty = record(verdict("streamer-ladder", "FALSE_CLAIM")).getJsonObject("penalty");
      levels.add(penalty.getString("level"));
      statuses.add(penalty.getString("status"));
    }
    assertThat(levels).containsExactly("WARNING", "DELIST_3D", "DELIST_5D", "ROOM_BAN_7D", "PERMANENT_BAN",
        "PERMANENT_BAN");
    assertThat(statuses).containsExactly("active", "pending_review", "pending_review", "pending_review",
        "pending_review", "pending_review");
    JsonArray history = http.get("/api/penalties?subject=streamer-ladder", staff).body().getJsonArray("items");
    assertThat(history).hasSize(6);
    assertThat(history.getJsonObject(0).getString("level")).isEqualTo("PERMANENT_BAN");
    tc.completeNow();
  }

  @Test
  void oldOffencesOverturnedOnesAndCleanVerdictsDoNotCount(VertxTestContext tc) throws InterruptedException {
    String subject = "streamer-history";
    record(verdict(subject, "room-h", "FALSE_CLAIM", Instant.now().minus(Duration.ofDays(100))));
    JsonObject recent = record(verdict(subject, "FALSE_CLAIM"));
    assertThat(recent.getJsonObject("penalty").getString("level")).as("the 100-day-old offence is out of the window")
        .isEqualTo("WARNING");

    Http.Reply overturned = http.post("/api/verdicts/" + recent.getString("id") + "/review", staff,
        new JsonObject().put("action", "overturn").put("reason", "the tea is a registered medicine"));
    assertThat(overturned.status()).isEqualTo(200);
    JsonObject next = record(verdict(subject, "FALSE_CLAIM"));
    assertThat(next.getJsonObject("penalty").getString("level")).as("an overturned verdict no longer counts")
        .isEqualTo("WARNING");

    JsonObject clean = record(verdict(subject, "NOT_FALSE"));
    assertThat(clean.containsKey("penalty")).isFalse();
    JsonObject unsure = record(verdict(subject, "INCONCLUSIVE"));
    assertThat(unsure.containsKey("penalty")).isFalse();
    assertThat(unsure.getString("reviewStatus")).isEqualTo("pending");
    tc.completeNow();
  }

  @Test
  void confirmStartsThePenaltyAndOverturnLiftsItWithAnAuditTrail(VertxTestContext tc) throws InterruptedException {
    String subject = "streamer-review";
    record(verdict(subject, "FALSE_CLAIM"));
    JsonObject second = record(verdict(subject, "FALSE_CLAIM"));
    String verdictId = second.getString("id");
    assertThat(second.getJsonObject("penalty").getString("status")).isEqualTo("pending_review");
    assertThat(second.getJsonObject("penalty").getString("startsAt")).isNull();

    String path = "/api/verdicts/" + verdictId + "/review";
    assertThat(http.post(path, staff, new JsonObject().put("action", "confirm")).status()).isEqualTo(400);
    assertThat(http.post(path, staff, new JsonObject().put("action", "maybe").put("reason", "x")).status()).isEqualTo(400);
    assertThat(http.post("/api/verdicts/v-nope/review", staff, new JsonObject().put("action", "confirm")
        .put("reason", "x")).status()).isEqualTo(404);
    String viewer = http.token("viewer-1", "viewer");
    assertThat(http.post(path, viewer, new JsonObject().put("action", "confirm").put("reason", "x")).status())
        .isEqualTo(403);
    assertThat(http.get("/api/verdicts", viewer).status()).isEqualTo(403);

    Http.Reply confirmed = http.post(path, staff, new JsonObject().put("action", "confirm").put("reason", "clear lie"));
    assertThat(confirmed.status()).isEqualTo(200);
    JsonObject penalty = confirmed.body().getJsonObject("penalty");
    assertThat(penalty.getString("status")).isEqualTo("active");
    Duration length = Duration.between(Instant.parse(penalty.getString("startsAt")), Instant.parse(penalty.getString("endsAt")));
    assertThat(length).isEqualTo(Duration.ofDays(3));
    assertThat(confirmed.body().getString("reviewStatus")).isEqualTo("confirmed");

    assertThat(http.post(path, staff, new JsonObject().put("action", "confirm").put("reason", "again")).status())
        .isEqualTo(409);
    assertThat(http.post(path, staff, new JsonObject().put("action", "overturn").put("reason", "changed mind"))
        .status()).isEqualTo(409);
    Http.Reply overturned = http.post(path, staff, new JsonObject().put("action", "overturn")
        .put("reason", "the claim was on the label").put("rereview", true));
    assertThat(overturned.status()).isEqualTo(200);
    assertThat(overturned.body().getJsonObject("penalty").getString("status")).isEqualTo("lifted");

    JsonArray trail = overturned.body().getJsonArray("reviews");
    assertThat(trail).hasSize(2);
    JsonObject last = trail.getJsonObject(1);
    assertThat(last.getString("action")).isEqualTo("overturn");
    assertThat(last.getString("by")).isEqualTo("staff-1");
    assertThat(last.getString("reason")).isEqualTo("the claim was on the label");
    assertThat(last.getJsonObject("before").getString("penaltyStatus")).isEqualTo("active");
    assertThat(last.getJsonObject("after").getString("penaltyStatus")).isEqualTo("lifted");
    tc.completeNow();
  }

  @Test
  void aStreamerAppealsOnceAndStaffDecideTheAppeal(VertxTestContext tc) throws InterruptedException {
    String subject = "streamer-appeal";
    JsonObject verdict = record(verdict(subject, "FALSE_CLAIM"));
    String penaltyId = verdict.getJsonObject("penalty").getString("id");
    String streamer = http.token(subject, "streamer", "m-" + subject);
    String other = http.token("streamer-other", "streamer", "m-other");

    assertThat(http.post("/api/penalties/" + penaltyId + "/appeal", other, new JsonObject().put("reason", "x"))
        .status()).isEqualTo(403);
    assertThat(http.post("/api/penalties/" + penaltyId + "/appeal", streamer, new JsonObject()).status()).isEqualTo(400);
    assertThat(http.post("/api/penalties/pn-nope/appeal", streamer, new JsonObject().put("reason", "x")).status())
        .isEqualTo(404);
    Http.Reply appeal = http.post("/api/penalties/" + penaltyId + "/appeal", streamer,
        new JsonObject().put("reason", "I said it helps digestion, not diabetes"));
    assertThat(appeal.status()).isEqualTo(201);
    assertThat(appeal.body().getString("penaltyId")).isEqualTo(penaltyId);
    assertThat(appeal.body().getString("status")).isEqualTo("open");
    assertThat(http.post("/api/penalties/" + penaltyId + "/appeal", streamer, new JsonObject().put("reason", "again"))
        .status()).isEqualTo(409);

    JsonArray queue = http.get("/api/verdicts?status=appealed&roomId=room-" + subject, staff).body().getJsonArray("items");
    assertThat(queue).hasSize(1);
    Http.Reply decided = http.post("/api/verdicts/" + verdict.getString("id") + "/review", staff,
        new JsonObject().put("action", "overturn").put("reason", "the recording shows 'digestion'"));
    assertThat(decided.status()).isEqualTo(200);
    assertThat(decided.body().getJsonObject("appeal").getString("status")).isEqualTo("granted");
    assertThat(decided.body().getJsonObject("penalty").getString("status")).isEqualTo("lifted");
    assertThat(decided.body().getJsonArray("reviews").stream().map(r -> ((JsonObject) r).getString("action")))
        .containsExactly("appeal", "overturn");
    String other2 = http.token(subject, "streamer", "m-" + subject);
    Http.Reply lifted = http.post("/api/penalties/" + penaltyId + "/appeal", other2, new JsonObject().put("reason", "again"));
    assertThat(lifted.status()).as("a second appeal, and of a lifted penalty").isEqualTo(409);
    tc.completeNow();
  }

  @Test
  void theStreamersSocketHearsOfThePenaltyAndViewersDoNot(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    String subject = "streamer-live";
    String roomId = http.createRoom(staff, subject);
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId, http.token(subject, "streamer", "m-" + subject));
    TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("viewer-live", "viewer"));
    JsonObject verdict = verdict(subject, roomId, "FALSE_CLAIM", Instant.now());
    redis.appendVerdict(verdict);
    JsonObject penalty = streamer.await("penalty").getJsonObject("penalty");
    assertThat(penalty.getString("verdictId")).isEqualTo(verdict.getString("id"));
    assertThat(penalty.getString("level")).isEqualTo("WARNING");
    TimeUnit.MILLISECONDS.sleep(300);
    assertThat(viewer.frames("penalty")).isEmpty();
    tc.completeNow();
  }

  @Test
  void confirmingSetsTheLevelAsOfNowWhenAnEarlierOffenceWasOverturned(VertxTestContext tc) throws InterruptedException {
    String subject = "streamer-recount";
    JsonObject first = record(verdict(subject, "FALSE_CLAIM"));
    JsonObject second = record(verdict(subject, "FALSE_CLAIM"));
    assertThat(second.getJsonObject("penalty").getString("level")).isEqualTo("DELIST_3D");
    http.post("/api/verdicts/" + first.getString("id") + "/review", staff,
        new JsonObject().put("action", "overturn").put("reason", "the first claim was true"));
    Http.Reply confirmed = http.post("/api/verdicts/" + second.getString("id") + "/review", staff,
        new JsonObject().put("action", "confirm").put("reason", "the second claim was false"));
    JsonObject penalty = confirmed.body().getJsonObject("penalty");
    assertThat(penalty.getString("level")).as("now the first offence in the window").isEqualTo("WARNING");
    assertThat(penalty.getInteger("offence")).isEqualTo(1);
    assertThat(penalty.getString("status")).isEqualTo("active");
    assertThat(penalty.getString("endsAt")).isNull();
    tc.completeNow();
  }

  @Test
  void theStreamerHearsWhenAPenaltyIsConfirmedAndWhenItExpires(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    String subject = "streamer-expiry";
    String roomId = http.createRoom(staff, subject);
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId, http.token(subject, "streamer", "m-" + subject));
    record(verdict(subject, roomId, "FALSE_CLAIM", Instant.now()));
    JsonObject second = record(verdict(subject, roomId, "FALSE_CLAIM", Instant.now()));
    String penaltyId = second.getJsonObject("penalty").getString("id");
    http.post("/api/verdicts/" + second.getString("id") + "/review", staff,
        new JsonObject().put("action", "confirm").put("reason", "repeat offence"));
    streamer.await(f -> "penalty".equals(f.getString("type"))
        && penaltyId.equals(f.getJsonObject("penalty").getString("id"))
        && "active".equals(f.getJsonObject("penalty").getString("status")));

    pg.execute("UPDATE penalties SET ends_at = now() - interval '1 second' WHERE id = $1", penaltyId);
    JsonObject expired = streamer.await(f -> "penalty".equals(f.getString("type"))
        && "expired".equals(f.getJsonObject("penalty").getString("status"))).getJsonObject("penalty");
    assertThat(expired.getString("id")).isEqualTo(penaltyId);
    assertThat(http.get("/api/verdicts/" + second.getString("id"), staff).body().getJsonObject("penalty")
        .getString("status")).isEqualTo("expired");
    tc.completeNow();
  }

  @Test
  void aNoticeWhosePublishFailedIsRelayed(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    String subject = "streamer-relay";
    String roomId = http.createRoom(staff, subject);
    TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId, http.token(subject, "streamer", "m-" + subject));
    // As a node leaves it when it dies between the commit and the publish: written, never sent.
    String frame = new JsonObject().put("type", "penalty").put("penalty", new JsonObject().put("id", "pn-relayed")
        .put("subject", subject).put("level", "WARNING").put("status", "active")).encode();
    pg.execute("INSERT INTO outbox (room_id, frame, created_at) VALUES ($1, $2, now() - interval '1 minute')",
        roomId, frame);
    JsonObject relayed = streamer.await(f -> "penalty".equals(f.getString("type"))).getJsonObject("penalty");
    assertThat(relayed.getString("id")).isEqualTo("pn-relayed");
    long deadline = System.currentTimeMillis() + 5_000;
    while (pg.count("SELECT count(*) FROM outbox WHERE room_id = $1 AND sent_at IS NULL", roomId) > 0) {
      assertThat(System.currentTimeMillis()).as("the relayed notice is marked sent").isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(50);
    }
    tc.completeNow();
  }

  @Test
  void noticesSentLongAgoArePurgedAndUnsentOnesKept(VertxTestContext tc) throws InterruptedException {
    String roomId = "room-purge-" + System.nanoTime();
    pg.execute("INSERT INTO outbox (room_id, frame, created_at, sent_at) VALUES ($1, '{}', now() - interval '3 days', "
        + "now() - interval '2 days')", roomId);
    pg.execute("INSERT INTO outbox (room_id, frame, created_at, sent_at) VALUES ($1, '{}', now(), now())", roomId);
    long deadline = System.currentTimeMillis() + 5_000;
    while (pg.count("SELECT count(*) FROM outbox WHERE room_id = $1", roomId) > 1) {
      assertThat(System.currentTimeMillis()).as("the day-old notice is purged").isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertThat(pg.count("SELECT count(*) FROM outbox WHERE room_id = $1 AND sent_at > now() - interval '1 hour'", roomId))
        .as("a fresh notice stays").isEqualTo(1);
    tc.completeNow();
  }

  @Test
  void theQueueIsNewestFirstInPages(VertxTestContext tc) throws InterruptedException {
    String roomId = "room-pages-" + System.nanoTime();
    List<String> ids = new ArrayList<>();
    Instant base = Instant.now().minusSeconds(60);
    for (int i = 0; i < 5; i++) {
      JsonObject verdict = verdict("streamer-pages", roomId, "INCONCLUSIVE", base.plusSeconds(i));
      ids.add(0, verdict.getString("id"));
      record(verdict);
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = http.get("/api/verdicts?roomId=" + roomId + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
          staff).body();
      page.getJsonArray("items").forEach(v -> seen.add(((JsonObject) v).getString("id")));
      cursor = page.getString("next");
    } while (cursor != null);
    assertThat(seen).containsExactlyElementsOf(ids);
    assertThat(http.get("/api/verdicts?cursor=garbage", staff).status()).isEqualTo(400);
    assertThat(http.get("/api/verdicts?limit=0", staff).status()).isEqualTo(400);
    tc.completeNow();
  }
}
