package io.livejury.jury;

import io.livejury.common.RedisKeys;
import io.livejury.support.DevSigner;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.RedisProbe;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence that has to be kept, and an audience that counts who could decide, against real servers: accounts
 * that joined once, left, and came back after a prompt opened are late joiners, while a viewer who reconnects
 * within the rejoin grace, on the same node or another, keeps their place; a room's audience counts each
 * eligible viewer once, however many sockets they hold, and none of the viewers who could not decide. Presence
 * is {@value #PRESENCE_SECONDS} s and the rejoin grace {@value #GRACE_SECONDS} s so the test need not wait long.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class RejoinAndAudienceTest {

  private static final int PRESENCE_SECONDS = 2;
  private static final int GRACE_SECONDS = 1;
  private static final long OLD_ACCOUNT = Instant.now().minus(Duration.ofDays(400)).getEpochSecond();
  private static final long DAY_OLD_ACCOUNT = Instant.now().minus(Duration.ofDays(1)).getEpochSecond();
  private static TestNode node;
  private static TestNode second;
  private static Http http;
  private static String staff;
  private static RedisProbe redis;
  private static JWTAuth signer;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> env = Map.of("LIVEJURY_JURY_PRESENCE_SECONDS", Integer.toString(PRESENCE_SECONDS),
        "LIVEJURY_JURY_REJOIN_GRACE_SECONDS", Integer.toString(GRACE_SECONDS));
    node = TestNode.start(env);
    second = TestNode.start(env);
    http = new Http(node.port());
    staff = http.token("staff-rejoin", "staff");
    redis = new RedisProbe(vertx);
    signer = DevSigner.create(vertx);
  }

  @AfterAll
  static void stop(Vertx vertx) {
    redis.close();
    second.stop();
    node.stopAfter(vertx);
  }

  private static String viewer(String userId, long accountCreated) {
    JsonObject claims = new JsonObject().put("sub", userId).put("role", "viewer").put("acct", accountCreated)
        .put("net", "net-" + userId);
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(60));
  }

  /** Opens a socket for each user (a user named twice gets two), and waits for every welcome. */
  private static List<TestSocket> open(Vertx vertx, int port, String roomId, List<String> users, long accountCreated) {
    WebSocketClient client = TestSocket.client(vertx);
    List<Future<TestSocket>> opening = new ArrayList<>();
    users.forEach(user -> opening.add(TestSocket.open(client, port, roomId, viewer(user, accountCreated))));
    List<TestSocket> sockets = Future.all(opening).await().list();
    sockets.forEach(socket -> socket.await("welcome"));
    return sockets;
  }

  private static List<String> users(String prefix, int count) {
    List<String> users = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      users.add(prefix + i);
    }
    return users;
  }

  private static JsonObject openPrompt(String roomId, JsonObject extra) {
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/prompts", staff, new JsonObject()
        .put("kind", "claim").put("question", "主播说这款茶能治疗糖尿病，属实吗？").put("durationSec", 30).mergeIn(extra));
    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    return reply.body();
  }

  private static void awaitRedis(String what, Predicate<Void> done) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.test(null)) {
      assertThat(System.nanoTime()).as(what).isLessThan(until);
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static JsonObject juror(JsonObject frame, String promptId) {
    if ("welcome".equals(frame.getString("type"))) {
      return frame.getJsonArray("openPrompts").stream().map(JsonObject.class::cast)
          .filter(p -> promptId.equals(p.getString("id"))).findFirst().orElseThrow().getJsonObject("juror");
    }
    return frame.getJsonObject("prompt").getJsonObject("juror");
  }

  private static JsonObject promptFrame(TestSocket socket, String promptId) {
    return socket.await(f -> "prompt".equals(f.getString("type"))
        && promptId.equals(f.getJsonObject("prompt").getString("id")));
  }

  private static String voteOnce(TestSocket socket, String promptId) {
    socket.ballot("b", promptId, "false");
    JsonObject ack = socket.ack("b");
    return ack.getString("status") + (ack.containsKey("reason") ? "/" + ack.getString("reason") : "");
  }

  @Test
  void accountsThatLeftAndCameBackAfterThePromptOpenedAreLateButAReconnectWithinTheGraceIsNot(Vertx vertx)
      throws InterruptedException {
    String roomId = http.createRoom(staff, "streamer-dormant");
    List<TestSocket> honest = open(vertx, node.port(), roomId, users("stayed-", 10), OLD_ACCOUNT);
    List<TestSocket> dormant = open(vertx, node.port(), roomId, users("dormant-", 20), OLD_ACCOUNT);
    TestSocket blip = open(vertx, node.port(), roomId, List.of("blip"), OLD_ACCOUNT).get(0);
    TestSocket mover = open(vertx, node.port(), roomId, List.of("mover"), OLD_ACCOUNT).get(0);
    // The brigade shows up once, then goes quiet: each account's leave is recorded by Redis's clock.
    dormant.forEach(TestSocket::close);
    awaitRedis("every dormant account's leave was recorded", v -> redis.hash(RedisKeys.roomLeft(roomId)).entrySet()
        .stream().filter(e -> e.getKey().startsWith("dormant-") && e.getValue().contains(" ")).count() == 20);
    TimeUnit.MILLISECONDS.sleep(PRESENCE_SECONDS * 1000L + 300);

    // A blip on the same node and a move to another node, each reconnecting at once: within the grace.
    blip.close();
    mover.close();
    blip = open(vertx, node.port(), roomId, List.of("blip"), OLD_ACCOUNT).get(0);
    mover = open(vertx, second.port(), roomId, List.of("mover"), OLD_ACCOUNT).get(0);
    String promptId = openPrompt(roomId, new JsonObject()).getString("id");

    // The brigade comes back once the prompt is out: long gone, so present only from now.
    List<TestSocket> returned = open(vertx, node.port(), roomId, users("dormant-", 20), OLD_ACCOUNT);
    for (TestSocket socket : returned) {
      assertThat(juror(socket.await("welcome"), promptId))
          .isEqualTo(new JsonObject().put("eligible", false).put("reason", "late_join"));
      assertThat(voteOnce(socket, promptId)).isEqualTo("rejected/late_join");
    }
    for (TestSocket socket : honest) {
      assertThat(juror(promptFrame(socket, promptId), promptId)).isEqualTo(new JsonObject().put("eligible", true));
      assertThat(voteOnce(socket, promptId)).isEqualTo("accepted");
    }
    for (TestSocket socket : List.of(blip, mover)) {
      JsonObject welcome = socket.await("welcome");
      JsonObject status = welcome.getJsonArray("openPrompts").isEmpty()
          ? juror(promptFrame(socket, promptId), promptId) : juror(welcome, promptId);
      assertThat(status).isEqualTo(new JsonObject().put("eligible", true));
      assertThat(voteOnce(socket, promptId)).isEqualTo("accepted");
    }

    JsonObject prompt = http.get("/api/prompts/" + promptId, staff).body();
    assertThat(prompt.getJsonObject("counts").getMap()).containsEntry("false", 12);
    assertThat(redis.hash(RedisKeys.exclusions(promptId))).containsExactly(Map.entry("late_join", "20"));
    // Back in the room, their leave is forgotten: the node holding them is where they were last seen.
    assertThat(redis.hash(RedisKeys.roomLeft(roomId))).containsEntry("dormant-0", redis.hash(RedisKeys.roomLeft(roomId))
        .get("stayed-0"));
  }

  @Test
  void theAudienceCountsEachViewerWhoCouldDecideOnceAndNoneWhoCouldNot(Vertx vertx) throws InterruptedException {
    String roomId = http.createRoom(staff, "streamer-inflated");
    List<String> eligible = users("counted-", 30);
    List<String> extraSockets = List.of("counted-0", "counted-0", "counted-0", "counted-0");
    List<String> newAccounts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      for (int socket = 0; socket < 5; socket++) {
        newAccounts.add("inflating-" + i);
      }
    }
    List<String> all = new ArrayList<>(eligible);
    all.addAll(extraSockets);
    open(vertx, node.port(), roomId, all, OLD_ACCOUNT);
    open(vertx, node.port(), roomId, newAccounts, DAY_OLD_ACCOUNT);
    // 64 viewer sockets, 36 users, 30 of them old enough: the node counts 30 once their presence time is up,
    // and never more on the way.
    List<Long> reported = new ArrayList<>();
    awaitRedis("the node reported its 30 viewers who could decide", v -> {
      redis.hash(RedisKeys.roomAudience(roomId)).values()
          .forEach(countAndMs -> reported.add(Long.parseLong(countAndMs.split(" ")[0])));
      return reported.contains(30L);
    });
    assertThat(reported).allSatisfy(count -> assertThat(count).isBetween(0L, 30L));

    JsonObject jury = openPrompt(roomId, new JsonObject().put("jurySize", 30)).getJsonObject("jury");
    assertThat(jury.getLong("audience")).isEqualTo(30);
    assertThat(jury.getDouble("rate")).isEqualTo(1.0);
  }
}
