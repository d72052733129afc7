package io.livejury.gateway;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class HttpApiTest {

  private static TestNode node;
  private static Http http;
  private static String staff;

  @BeforeAll
  static void start(Vertx vertx) {
    node = TestNode.start();
    http = new Http(node.port());
    staff = http.token("staff-1", "staff");
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  @Test
  void verdictFiltersOutsideTheirValuesAre400NotAStoreOutage() {
    for (String query : new String[] {"roomId=%00", "roomId=a%20b", "status=..%2F..%2F", "status=PENDING"}) {
      Http.Reply reply = http.get("/api/verdicts?" + query, staff);
      assertThat(reply.status()).as(query).isEqualTo(400);
      assertThat(reply.errorCode()).as(query).isEqualTo("bad_request");
    }
    assertThat(http.get("/api/verdicts?status=pending&roomId=some-room", staff).status()).isEqualTo(200);
  }

  @Test
  void aRoomHoldsAtMostTwentyOpenPromptsSoNoJoinReadsAThousand() {
    String roomId = http.createRoom(staff, "streamer-crowded");
    for (int i = 0; i < 20; i++) {
      assertThat(http.post("/api/rooms/" + roomId + "/prompts", staff, new JsonObject().put("kind", "claim")
          .put("question", "claim " + i + "?").put("durationSec", 60)).status()).isEqualTo(201);
    }
    Http.Reply refused = http.post("/api/rooms/" + roomId + "/prompts", staff, new JsonObject().put("kind", "claim")
        .put("question", "one too many?").put("durationSec", 60));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("rate_limited");
    assertThat(refused.body().getJsonObject("error").getString("message"))
        .isEqualTo("room " + roomId + " already has 20 prompts open; wait for one to close");
  }

  @Test
  void healthIsUpWhenRedisAndPostgresAnswer(VertxTestContext tc) {
    Http.Reply health = http.get("/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().getString("redis")).isEqualTo("up");
    assertThat(health.body().getString("postgres")).isEqualTo("up");
    tc.completeNow();
  }

  @Test
  void healthIs503WhenPostgresDoesNotAnswer(Vertx vertx, VertxTestContext tc) {
    TestNode broken = TestNode.start(Map.of("LIVEJURY_PG_URL", "postgresql://postgres:x@127.0.0.1:1/none"));
    try {
      Http.Reply health = new Http(broken.port()).get("/health", null);
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.body().getString("postgres")).isEqualTo("down");
      assertThat(health.body().getString("redis")).isEqualTo("up");
    } finally {
      broken.stop();
    }
    tc.completeNow();
  }

  @Test
  void missingAndForgedTokensAre401(VertxTestContext tc) {
    assertThat(http.get("/api/prompts/p-1", null).status()).isEqualTo(401);
    String forged = staff.substring(0, staff.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
    Http.Reply reply = http.get("/api/prompts/p-1", forged);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorCode()).isEqualTo("unauthorized");
    tc.completeNow();
  }

  @Test
  void devTokenNeedsAKnownRole(VertxTestContext tc) {
    Http.Reply reply = http.post("/api/dev/token", null, new JsonObject().put("sub", "u1").put("role", "admin"));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorCode()).isEqualTo("bad_request");
    tc.completeNow();
  }

  @Test
  void roomsAreCreatedByStreamersForThemselvesOrByStaff(VertxTestContext tc) {
    String streamer = http.token("streamer-a", "streamer", "merchant-a");
    Http.Reply own = http.post("/api/rooms", streamer, new JsonObject().put("title", "Spring tea"));
    assertThat(own.status()).isEqualTo(201);
    assertThat(own.body().getString("streamerId")).isEqualTo("streamer-a");
    assertThat(own.body().getString("merchantId")).isEqualTo("merchant-a");
    assertThat(own.body().getString("status")).isEqualTo("live");

    Http.Reply someoneElses = http.post("/api/rooms", streamer,
        new JsonObject().put("streamerId", "streamer-b").put("merchantId", "merchant-a").put("title", "x"));
    assertThat(someoneElses.status()).isEqualTo(403);

    String viewer = http.token("viewer-1", "viewer");
    assertThat(http.post("/api/rooms", viewer, new JsonObject().put("title", "x")).status()).isEqualTo(403);
    tc.completeNow();
  }

  @Test
  void aRoomIdIsTakenOnce(VertxTestContext tc) {
    JsonObject room = new JsonObject().put("roomId", "fixed-" + System.nanoTime())
        .put("streamerId", "s1").put("merchantId", "m1").put("title", "t");
    assertThat(http.post("/api/rooms", staff, room).status()).isEqualTo(201);
    Http.Reply again = http.post("/api/rooms", staff, room);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("conflict");
    tc.completeNow();
  }

  @Test
  void badBodiesAre400WithAClearMessage(VertxTestContext tc) {
    Http.Reply malformed = http.send("POST", "/api/rooms", staff, "{\"title\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.body().getJsonObject("error").getString("message")).contains("JSON");

    Http.Reply array = http.send("POST", "/api/rooms", staff, "[1,2]");
    assertThat(array.status()).isEqualTo(400);

    Http.Reply missing = http.post("/api/rooms", staff, new JsonObject().put("title", "no streamer"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body().getJsonObject("error").getString("message")).contains("streamerId");
    tc.completeNow();
  }

  @Test
  void fieldsOfTheWrongTypeAre400NotACrash(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-types");
    assertThat(http.post("/api/rooms/" + roomId + "/prompts", staff,
        new JsonObject().put("kind", 7).put("question", "q")).status()).isEqualTo(400);
    assertThat(http.post("/api/rooms", staff, new JsonObject().putNull("roomId").put("streamerId", "s")
        .put("merchantId", "m").put("title", "t")).status()).isEqualTo(201);
    assertThat(http.post("/api/rooms", staff, new JsonObject().put("streamerId", 5).put("merchantId", "m")
        .put("title", "t")).status()).isEqualTo(400);
    assertThat(http.post("/api/dev/token", null, new JsonObject().put("sub", "u").put("role", 1)).status())
        .isEqualTo(400);
    Http.Reply noMerchant = http.post("/api/dev/token", null, new JsonObject().put("sub", "u").put("role", "streamer"));
    assertThat(noMerchant.status()).isEqualTo(400);
    assertThat(noMerchant.body().getJsonObject("error").getString("message")).contains("merchantId");
    tc.completeNow();
  }

  @Test
  void jsonOverAKilobyteIsReadAsJsonWhateverFormTypeItIsSentAs(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-curl");
    String claim = "这款茶能治疗糖尿病，".repeat(150);
    String body = new JsonObject().put("kind", "claim").put("question", "主播说的属实吗？").put("claim", claim)
        .put("durationSec", 30).encode();
    assertThat(body.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(4_000);
    String cut = body.substring(0, 1_500);
    for (String type : new String[] {"application/json", "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8", "multipart/form-data; boundary=x"}) {
      Http.Reply opened = http.send("POST", "/api/rooms/" + roomId + "/prompts", staff, body, type);
      assertThat(opened.status()).as(type).isEqualTo(201);
      assertThat(opened.body().getString("claim")).as(type).isEqualTo(claim);
      Http.Reply broken = http.send("POST", "/api/rooms/" + roomId + "/prompts", staff, cut, type);
      assertThat(broken.status()).as(type).isEqualTo(400);
      assertThat(broken.errorCode()).as(type).isEqualTo("bad_request");
      assertThat(broken.body().getJsonObject("error").getString("message")).as(type).contains("JSON");
    }
    tc.completeNow();
  }

  @Test
  void oversizedBodiesAre413(VertxTestContext tc) {
    String huge = new JsonObject().put("title", "x".repeat(2_000_000)).encode();
    Http.Reply reply = http.send("POST", "/api/rooms", staff, huge);
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.errorCode()).isEqualTo("too_large");
    tc.completeNow();
  }

  @Test
  void onlyTheRoomsStreamerOrStaffEndIt(VertxTestContext tc) {
    String owner = http.token("owner-1", "streamer", "m-owner");
    String other = http.token("other-1", "streamer", "m-other");
    String roomId = http.post("/api/rooms", owner, new JsonObject().put("title", "t")).body().getString("roomId");
    assertThat(http.post("/api/rooms/" + roomId + "/end", other, null).status()).isEqualTo(403);
    Http.Reply ended = http.post("/api/rooms/" + roomId + "/end", owner, null);
    assertThat(ended.status()).isEqualTo(200);
    assertThat(ended.body().getString("status")).isEqualTo("ended");
    assertThat(http.post("/api/rooms/nope-" + System.nanoTime() + "/end", staff, null).status()).isEqualTo(404);
    tc.completeNow();
  }

  @Test
  void promptsAreOpenedByStaffOnlyAndValidated(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-p");
    String streamer = http.token("streamer-p", "streamer", "m-streamer-p");
    JsonObject good = new JsonObject().put("kind", "claim").put("question", "Is it true?");
    assertThat(http.post("/api/rooms/" + roomId + "/prompts", streamer, good).status()).isEqualTo(403);

    assertThat(http.post("/api/rooms/" + roomId + "/prompts", staff, good.copy().put("kind", "poll")).status())
        .isEqualTo(400);
    assertThat(http.post("/api/rooms/" + roomId + "/prompts", staff, good.copy().put("durationSec", 0)).status())
        .isEqualTo(400);
    // Numbers past int's range are refused, not wrapped into a valid duration (2^32 + 5 is not 5 seconds).
    assertThat(http.post("/api/rooms/" + roomId + "/prompts", staff, good.copy().put("durationSec", 4_294_967_301L))
        .status()).isEqualTo(400);
    assertThat(http.post("/api/rooms/" + roomId + "/prompts", staff, good.copy().put("durationSec", -4_294_967_291L))
        .status()).isEqualTo(400);
    Http.Reply noQuestion = http.post("/api/rooms/" + roomId + "/prompts", staff, new JsonObject().put("kind", "claim"));
    assertThat(noQuestion.status()).isEqualTo(400);
    assertThat(noQuestion.body().getJsonObject("error").getString("message")).contains("question");
    Http.Reply noFalseOption = http.post("/api/rooms/" + roomId + "/prompts", staff, good.copy()
        .put("options", new JsonArray().add(new JsonObject().put("id", "yes").put("label", "Yes"))
            .add(new JsonObject().put("id", "no").put("label", "No"))));
    assertThat(noFalseOption.status()).isEqualTo(400);
    assertThat(http.post("/api/rooms/nope-" + System.nanoTime() + "/prompts", staff, good).status()).isEqualTo(404);

    Http.Reply opened = http.post("/api/rooms/" + roomId + "/prompts", staff, good);
    assertThat(opened.status()).isEqualTo(201);
    JsonObject prompt = opened.body();
    assertThat(prompt.getString("status")).isEqualTo("open");
    assertThat(prompt.getJsonArray("options").stream().map(o -> ((JsonObject) o).getString("label")))
        .containsExactly("属实", "不实", "不确定");

    Http.Reply read = http.get("/api/prompts/" + prompt.getString("id"), streamer);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().getJsonObject("counts").getMap()).containsEntry("true", 0).containsEntry("false", 0);
    assertThat(read.body().getLong("total")).isZero();
    assertThat(http.get("/api/prompts/p-unknown", streamer).status()).isEqualTo(404);
    tc.completeNow();
  }

  @Test
  void anEndedRoomTakesNoNewPrompts(VertxTestContext tc) {
    String roomId = http.createRoom(staff, "streamer-e");
    http.post("/api/rooms/" + roomId + "/end", staff, null);
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/prompts", staff,
        new JsonObject().put("kind", "claim").put("question", "Still there?"));
    assertThat(reply.status()).isEqualTo(409);
    tc.completeNow();
  }

  @Test
  void everyAnswerForbidsSniffingAndReferrersAndThePagesGetAPolicyAndNoFraming(VertxTestContext tc) {
    String policy = "default-src 'self'; connect-src 'self' ws://localhost:" + node.port() + " wss://localhost:"
        + node.port() + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    for (String path : new String[] {"/", "/viewer.html", "/streamer.html", "/staff.html", "/livejury.js",
        "/viewer.js", "/style.css", "/health", "/metrics", "/api/rooms/x", "/api/nothing-here", "/no-such-page"}) {
      HttpResponse<String> answer = http.exchange(path);
      assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(answer.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
      assertThat(answer.headers().firstValue("Content-Security-Policy")).as(path).hasValue(policy);
      assertThat(answer.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
    }
    tc.completeNow();
  }

  @Test
  void pagesAndScriptsAreRevalidatedOnEveryLoadAndHaveNothingInline(VertxTestContext tc) {
    for (String path : new String[] {"/", "/viewer.html", "/streamer.html", "/staff.html", "/livejury.js",
        "/viewer.js", "/streamer.js", "/staff.js", "/style.css"}) {
      HttpResponse<String> page = http.exchange(path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().allValues("Cache-Control")).as(path).containsExactly("no-cache");
      String modified = page.headers().firstValue("Last-Modified").orElseThrow();
      assertThat(http.exchange(path, "If-Modified-Since", modified).statusCode()).as(path).isEqualTo(304);
      if (path.endsWith(".js")) {
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).as(path).contains("javascript");
      } else if (!path.endsWith(".css")) {
        // What the policy forbids must not be in the pages: inline scripts, style attributes or elements, handlers.
        assertThat(page.body()).as(path).containsPattern("<html")
            .doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain("style=", "<style")
            .doesNotContainPattern("\\son[a-z]+=");
      }
    }
    tc.completeNow();
  }

  @Test
  void unknownApiPathsAre404Json(VertxTestContext tc) {
    Http.Reply reply = http.get("/api/nothing-here", staff);
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.errorCode()).isEqualTo("not_found");
    tc.completeNow();
  }

  /** Sends raw bytes and reads until the server closes: the status line and the body, as the client sees them. */
  private static String raw(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonObject bodyOf(String response) {
    return new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void requestsTheDecoderRefusesGetTheContractsErrorJson() throws Exception {
    String longPath = raw("GET /api/rooms/" + "x".repeat(9_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertThat(longPath).matches("(?s)HTTP/1\\.[01] 414 .*");
    assertThat(longPath).contains("application/json");
    assertThat(bodyOf(longPath).getJsonObject("error").getString("code")).isEqualTo("uri_too_long");

    String bigHeader = raw("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(20_000) + "\r\n\r\n");
    assertThat(bigHeader).matches("(?s)HTTP/1\\.[01] 431 .*");
    assertThat(bodyOf(bigHeader).getJsonObject("error").getString("code")).isEqualTo("headers_too_large");

    String garbage = raw("GET /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: banana\r\n\r\n");
    assertThat(garbage).matches("(?s)HTTP/1\\.[01] 400 .*");
    assertThat(bodyOf(garbage).getJsonObject("error").getString("code")).isEqualTo("bad_request");
  }
}
