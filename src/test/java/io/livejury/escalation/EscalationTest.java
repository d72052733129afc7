package io.livejury.escalation;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The staff queue, its live feed and escalation, and the emergency stop, on two real nodes sharing the embedded
 * Redis and Postgres: node A with the default due times, node B deciding fast (a critical item due after 2 s, a claim
 * lapsing after 2 s, a verdict from one ballot), so escalation and lapses show within a test. Node B's idle pause
 * between looks for due items is a minute: it escalates on time only by sleeping until the next due time.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class EscalationTest {

  private static final String MEDICAL = "这款茶能治疗糖尿病，大家放心喝";
  private static final Pattern ESCALATIONS = Pattern.compile("(?m)^livejury_queue_escalations_total (\\S+)$");

  private static TestNode a;
  private static TestNode b;
  private static Http httpA;
  private static Http httpB;
  private static String staff;

  @BeforeAll
  static void start() {
    a = TestNode.start(Map.of("LIVEJURY_VERDICT_QUORUM", "1"));
    b = TestNode.start(Map.of("LIVEJURY_REVIEW_SLA_SECONDS", "2", "LIVEJURY_REVIEW_CLAIM_SECONDS", "2",
        "LIVEJURY_VERDICT_QUORUM", "1", "LIVEJURY_REVIEW_ESCALATE_EVERY_MS", "60000"));
    httpA = new Http(a.port());
    httpB = new Http(b.port());
    staff = httpA.token("esc-staff-1", "staff");
  }

  @AfterAll
  static void stop(Vertx vertx) {
    vertx.close().await();
    a.stop();
    b.stop();
  }

  private static JsonObject transcript(Http http, String roomId, String text) {
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/transcript", staff, new JsonObject().put("segments",
        new JsonArray().add(new JsonObject().put("id", "s-" + System.nanoTime()).put("startMs", 0).put("endMs", 1000)
            .put("text", text))));
    assertThat(reply.status()).isEqualTo(202);
    return reply.body();
  }

  private static List<JsonObject> queueOf(Http http, Set<String> roomIds) {
    Http.Reply reply = http.get("/api/queue", staff);
    assertThat(reply.status()).isEqualTo(200);
    return mine(reply, roomIds);
  }

  /** The queue's items of these rooms, in the queue's order. */
  private static List<JsonObject> mine(Http.Reply reply, Set<String> roomIds) {
    List<JsonObject> items = new ArrayList<>();
    reply.body().getJsonArray("items").forEach(item -> {
      if (roomIds.contains(((JsonObject) item).getString("roomId"))) {
        items.add((JsonObject) item);
      }
    });
    return items;
  }

  private static JsonObject alertFor(TestSocket feed, String roomId, boolean escalated) {
    return feed.await(f -> "alert".equals(f.getString("type"))
        && roomId.equals(f.getJsonObject("item").getString("roomId"))
        && f.getJsonObject("item").getBoolean("escalated") == escalated).getJsonObject("item");
  }

  @Test
  void aCriticalWarningAlertsStaffWithinTwoSecondsAndABiggerAudienceRanksFirst(Vertx vertx) {
    String big = httpA.createRoom(staff, "esc-streamer-big");
    String small = httpA.createRoom(staff, "esc-streamer-small");
    TestSocket.viewers(vertx, httpA, big, "esc-big-", 6);
    TestSocket.viewers(vertx, httpB, small, "esc-small-", 1);
    TestSocket feed = TestSocket.staff(vertx, b.port(), httpB.token("esc-staff-2", "staff"));

    long sent = System.nanoTime();
    transcript(httpA, small, MEDICAL);
    transcript(httpA, big, MEDICAL);
    JsonObject smallAlert = alertFor(feed, small, false);
    JsonObject bigAlert = alertFor(feed, big, false);
    long lastArrival = feed.arrivals("alert").stream().max(Long::compare).orElseThrow();
    assertThat(TimeUnit.NANOSECONDS.toMillis(lastArrival - sent)).isLessThan(2_000);
    assertThat(bigAlert.getString("kind")).isEqualTo("warning");
    assertThat(bigAlert.getString("severity")).isEqualTo("critical");
    assertThat(bigAlert.getString("category")).isEqualTo("medical_claim");
    assertThat(Instant.parse(bigAlert.getString("dueAt")))
        .isEqualTo(Instant.parse(bigAlert.getString("createdAt")).plusSeconds(300));
    assertThat(smallAlert.getString("streamerId")).isEqualTo("esc-streamer-small");

    List<JsonObject> items = mine(httpA.awaitGet("/api/queue", staff, reply -> {
          List<JsonObject> mine = mine(reply, Set.of(big, small));
          return mine.size() == 2 && mine.get(0).getLong("audience") == 6 && mine.get(1).getLong("audience") == 1;
        }, Duration.ofSeconds(5), "both rooms' warnings with their audiences"), Set.of(big, small));
    assertThat(items.get(0).getString("roomId")).isEqualTo(big);
    assertThat(items.get(1).getString("roomId")).isEqualTo(small);
    assertThat(items.get(0).getDouble("risk")).isGreaterThan(items.get(1).getDouble("risk"));
    // critical (10) × medical_claim (2) × (1 + log10(1 + 6)), no offences or verdicts yet
    assertThat(items.get(0).getDouble("risk")).isEqualTo(Math.round(20 * (1 + Math.log10(7)) * 100) / 100.0);
    assertThat(items.get(0).getBoolean("live")).isTrue();
    assertThat(items.get(0).getBoolean("escalated")).isFalse();

    // A room that ends sinks below every live one, whatever its audience.
    assertThat(httpA.post("/api/rooms/" + big + "/end", staff, null).status()).isEqualTo(200);
    List<JsonObject> after = queueOf(httpA, Set.of(big, small));
    assertThat(after.get(0).getString("roomId")).isEqualTo(small);
    assertThat(after.get(1).getBoolean("live")).isFalse();
    feed.close();
  }

  @Test
  void aSecondClaimIs409AndAClaimLapses(Vertx vertx) throws InterruptedException {
    String roomId = httpB.createRoom(staff, "esc-streamer-claim");
    transcript(httpB, roomId, MEDICAL);
    String itemId = queueOf(httpB, Set.of(roomId)).get(0).getString("id");
    String other = httpB.token("esc-staff-3", "staff");

    Http.Reply first = httpB.post("/api/queue/" + itemId + "/claim", staff, null);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().getString("claimedBy")).isEqualTo("esc-staff-1");
    Http.Reply second = httpA.post("/api/queue/" + itemId + "/claim", other, null);
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.errorCode()).isEqualTo("conflict");
    assertThat(httpA.post("/api/queue/" + itemId + "/resolve", other, null).status()).isEqualTo(409);
    assertThat(httpB.post("/api/queue/nope-" + System.nanoTime() + "/claim", staff, null).status()).isEqualTo(404);
    assertThat(httpB.post("/api/queue/" + itemId + "/claim", httpB.token("esc-viewer-x", "viewer"), null).status())
        .isEqualTo(403);

    // The claim lapses after LIVEJURY_REVIEW_CLAIM_SECONDS (2 s on node B): then someone else may take it.
    TimeUnit.MILLISECONDS.sleep(2_200);
    assertThat(queueOf(httpA, Set.of(roomId)).get(0).containsKey("claimedBy")).isFalse();
    Http.Reply taken = httpA.post("/api/queue/" + itemId + "/claim", other, null);
    assertThat(taken.status()).isEqualTo(200);
    assertThat(taken.body().getString("claimedBy")).isEqualTo("esc-staff-3");
    Http.Reply resolved = httpA.post("/api/queue/" + itemId + "/resolve", other, new JsonObject().put("outcome", "warned"));
    assertThat(resolved.status()).isEqualTo(200);
    assertThat(resolved.body().getString("resolvedBy")).isEqualTo("esc-staff-3");
    assertThat(queueOf(httpA, Set.of(roomId))).isEmpty();
    assertThat(httpA.post("/api/queue/" + itemId + "/claim", staff, null).status()).isEqualTo(409);
  }

  private static double escalations(Http http) {
    Matcher m = ESCALATIONS.matcher(http.text("/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void anUnclaimedItemIsEscalatedOnceAtItsDueTimeAcrossNodes(Vertx vertx) throws InterruptedException {
    TestSocket feed = TestSocket.staff(vertx, a.port(), staff);
    double before = escalations(httpA) + escalations(httpB);
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rooms.add(httpB.createRoom(staff, "esc-streamer-due-" + i));
    }
    // Items created through node B are due 2 s later; B's escalation loop, woken by the adds, sleeps until then.
    rooms.forEach(roomId -> transcript(httpB, roomId, MEDICAL));
    String claimedRoom = rooms.get(2);
    String claimedItem = queueOf(httpA, Set.of(claimedRoom)).get(0).getString("id");
    // Claimed through node B, whose claims lapse after 2 s.
    assertThat(httpB.post("/api/queue/" + claimedItem + "/claim", staff, null).status()).isEqualTo(200);
    for (String roomId : rooms.subList(0, 2)) {
      JsonObject created = alertFor(feed, roomId, false);
      JsonObject escalated = alertFor(feed, roomId, true);
      long late = Duration.between(Instant.parse(created.getString("dueAt")), Instant.now()).toMillis();
      assertThat(late).isLessThan(1_000);
      assertThat(escalated.getString("id")).isEqualTo(created.getString("id"));
    }
    // Past due for a while, every node having looked many times: each item escalated once, the claimed one not
    // while its claim held (2 s), and once after it lapsed.
    TimeUnit.MILLISECONDS.sleep(3_000);
    for (String roomId : rooms.subList(0, 2)) {
      assertThat(feed.frames("alert").stream().filter(f -> roomId.equals(f.getJsonObject("item").getString("roomId"))
          && f.getJsonObject("item").getBoolean("escalated"))).hasSize(1);
    }
    JsonObject lapsed = alertFor(feed, claimedRoom, true);
    assertThat(Duration.between(Instant.parse(lapsed.getString("dueAt")), Instant.now()).toMillis())
        .isGreaterThan(1_000);
    List<JsonObject> listed = queueOf(httpA, Set.copyOf(rooms));
    assertThat(listed).hasSize(3).allSatisfy(item -> assertThat(item.getBoolean("escalated")).isTrue());
    // The two nodes' counters together equal the escalation alerts every staff socket heard, one per item.
    long heard = feed.frames("alert").stream().filter(f -> f.getJsonObject("item").getBoolean("escalated")).count();
    assertThat(escalations(httpA) + escalations(httpB) - before).isEqualTo((double) heard);
    feed.close();
  }

  @Test
  void stoppingARoomTellsEverySocketClosesItsPromptsWithoutPenaltyAndShutsTheDoor(Vertx vertx) {
    String streamer = "esc-streamer-stop";
    String roomId = httpA.createRoom(staff, streamer);
    List<TestSocket> viewers = new ArrayList<>(TestSocket.viewers(vertx, httpA, roomId, "esc-stop-a-", 4));
    viewers.addAll(TestSocket.viewers(vertx, httpB, roomId, "esc-stop-b-", 4));
    TestSocket streamerSocket = TestSocket.connect(vertx, b.port(), roomId,
        httpB.token(streamer, "streamer", "m-" + streamer));
    String promptId = httpA.openPrompt(staff, roomId, 600).getString("id");
    // Seven condemning ballots: enough for a FALSE_CLAIM (Wilson lower bound 0.65), which a stop must not turn into
    // a penalty.
    for (int i = 0; i < 7; i++) {
      viewers.get(i).await("prompt");
      viewers.get(i).ballot("before", promptId, "false");
      assertThat(viewers.get(i).ack("before").getString("status")).isEqualTo("accepted");
    }

    assertThat(httpA.post("/api/rooms/" + roomId + "/stop", staff, new JsonObject()).status()).isEqualTo(400);
    assertThat(httpA.post("/api/rooms/" + roomId + "/stop", httpA.token(streamer, "streamer", "m-" + streamer),
        new JsonObject().put("reason", "mine")).status()).isEqualTo(403);
    Http.Reply stopped = httpA.post("/api/rooms/" + roomId + "/stop", staff,
        new JsonObject().put("reason", "Selling tea as a cure for diabetes"));
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.body().getString("status")).isEqualTo("stopped");
    assertThat(stopped.body().getJsonObject("stop").getString("reason")).isEqualTo("Selling tea as a cure for diabetes");

    List<TestSocket> everyone = new ArrayList<>(viewers);
    everyone.add(streamerSocket);
    for (TestSocket socket : everyone) {
      JsonObject frame = socket.await("stopped");
      assertThat(frame.getString("roomId")).isEqualTo(roomId);
      assertThat(frame.getString("reason")).isEqualTo("Selling tea as a cure for diabetes");
    }
    TestSocket late = viewers.get(7);
    late.ballot("after", promptId, "false");
    assertThat(late.ack("after").getString("status")).isEqualTo("closed");
    assertThat(late.ack("after").getString("reason")).isEqualTo("stopped");
    for (TestSocket socket : everyone) {
      assertThat(socket.frames("stopped")).hasSize(1);
    }

    // The vote closes from the ballots counted before the stop: a verdict kept as evidence, with no penalty.
    JsonObject verdict = httpA.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(15));
    assertThat(verdict.getLong("total")).isEqualTo(7);
    assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
    assertThat(verdict.getJsonObject("stop").getString("reason")).isEqualTo("Selling tea as a cure for diabetes");
    assertThat(verdict.getString("reviewStatus")).isEqualTo("none");
    assertThat(verdict.containsKey("penalty")).isFalse();
    assertThat(httpA.post("/api/verdicts/v-" + promptId + "/review", staff,
        new JsonObject().put("action", "confirm").put("reason", "x")).status()).isEqualTo(409);

    for (Http http : List.of(httpA, httpB)) {
      assertThatThrownBy(() -> TestSocket.connect(vertx, http.port(), roomId, http.token("esc-stop-new", "viewer")))
          .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(410));
    }
    assertThat(httpA.post("/api/rooms/" + roomId + "/prompts", staff,
        new JsonObject().put("kind", "claim").put("question", "属实吗？")).status()).isEqualTo(409);
    JsonObject room = httpB.get("/api/rooms/" + roomId, staff).body();
    assertThat(room.getString("status")).isEqualTo("stopped");

    // Audited, and in the streamer's record; stopping again writes nothing twice.
    assertThat(httpA.post("/api/rooms/" + roomId + "/stop", staff, new JsonObject().put("reason", "again")).status())
        .isEqualTo(200);
    JsonObject record = httpA.get("/api/penalties?subject=" + streamer, staff).body();
    assertThat(record.getJsonArray("items")).isEmpty();
    JsonArray stops = record.getJsonArray("stops");
    assertThat(stops).hasSize(1);
    assertThat(stops.getJsonObject(0).getString("reason")).isEqualTo("Selling tea as a cure for diabetes");
    assertThat(stops.getJsonObject(0).getString("by")).isEqualTo("esc-staff-1");
    assertThat(stops.getJsonObject(0).getString("status")).isEqualTo("confirmed");
    // Ending a stopped room leaves it stopped.
    assertThat(httpA.post("/api/rooms/" + roomId + "/end", staff, null).body().getString("status")).isEqualTo("stopped");
  }

  @Test
  void staffFeedIsForStaffOnly(Vertx vertx) {
    assertThatThrownBy(() -> TestSocket.staff(vertx, a.port(), httpA.token("esc-viewer-feed", "viewer")))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    assertThatThrownBy(() -> TestSocket.staff(vertx, a.port(), "not-a-token"))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    assertThat(httpA.get("/api/queue", httpA.token("esc-viewer-feed", "viewer")).status()).isEqualTo(403);
    Set<String> kinds = queueOf(httpA, Set.of()).stream().map(i -> i.getString("kind")).collect(Collectors.toSet());
    assertThat(kinds).isEmpty();
  }
}
