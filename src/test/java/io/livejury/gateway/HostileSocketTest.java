package io.livejury.gateway;

import io.livejury.loadgen.RawWebSocket;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Clients that try to cost the node more than a viewer should: sockets that stop reading, floods, oversized
 * messages, connections that never finish a handshake or go silent, many sockets on one account, and pages
 * of other sites. Each is measured from the outside: what the client sees and what {@code /metrics} counts.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class HostileSocketTest {

  private static TestNode node;
  private static Http http;
  private static String staff;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(
        "LIVEJURY_SOCKET_STUCK_SECONDS", "2",
        "LIVEJURY_SOCKET_PING_SECONDS", "1",
        "LIVEJURY_SOCKET_IDLE_SECONDS", "3",
        "LIVEJURY_HANDSHAKE_TIMEOUT_SECONDS", "1",
        "LIVEJURY_HTTP_BODY_SECONDS", "2",
        "LIVEJURY_SOCKETS_PER_USER", "5",
        "LIVEJURY_ALLOWED_ORIGINS", "https://shop.example"));
    http = new Http(node.port());
    staff = http.token("staff-hostile", "staff");
  }

  @AfterAll
  static void stop(Vertx vertx) {
    node.stopAfter(vertx);
  }

  @Test
  void aSocketThatStopsReadingWhilePingingIsClosedAndHonestOnesCarryOn(Vertx vertx) throws Exception {
    String roomId = http.createRoom(staff, "streamer-stuck");
    TestSocket honest = TestSocket.connect(vertx, node.port(), roomId, http.token("stuck-honest", "viewer"));
    double shedBefore = closes("slow_consumer");

    // 15-byte pings, thousands per write, never reading its pongs. Once its answers back up, the node stops
    // reading from it (its sends block in TCP), and after the stuck time it is closed and reset.
    byte[] pings = RawWebSocket.repeated(RawWebSocket.text("{\"type\":\"ping\"}"), 20_000);
    try (RawWebSocket stuck = upgrade(node.port(), roomId, http.token("stuck-pinger", "viewer"), 4096)) {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < until && stuck.tryWrite(pings)) {
        // a write blocks once the node stops reading; it fails when the node resets the connection
      }
      assertThat(stuck.closedWithin(5_000)).as("the node reset the stuck connection").isTrue();
    }

    waitUntil(() -> closes("slow_consumer") > shedBefore, 5_000);
    assertThat(closes("slow_consumer")).isEqualTo(shedBefore + 1);
    String promptId = http.openPrompt(staff, roomId, 30).getString("id");
    honest.await(f -> "prompt".equals(f.getString("type")) && promptId.equals(f.getJsonObject("prompt").getString("id")));
    assertThat(honest.isClosed()).isFalse();
  }

  @Test
  void roomFramesForASocketThatNeverReadsQueueOnlyUpToTheBacklog() throws Exception {
    // Stuck time out of reach, a small backlog: only the backlog can close this socket.
    TestNode small = TestNode.start(Map.of("LIVEJURY_SOCKET_STUCK_SECONDS", "600",
        "LIVEJURY_SOCKET_BACKLOG_BYTES", "16384", "LIVEJURY_SOCKET_SEND_BUFFER_BYTES", "4096"));
    try {
      Http smallHttp = new Http(small.port());
      String roomStaff = smallHttp.token("staff-backlog", "staff");
      String roomId = smallHttp.createRoom(roomStaff, "streamer-backlog");
      double shedBefore = metric(smallHttp, "livejury_connections_closed_total{reason=\"slow_consumer\"}");
      String claim = "这款茶能治疗糖尿病".repeat(200);
      try (RawWebSocket stuck = upgrade(small.port(), roomId, smallHttp.token("never-reads", "viewer"), 4096)) {
        // Prompts and their verdicts must arrive, so none is dropped: they pile up until the backlog is spent.
        for (int round = 0; round < 10 && metric(smallHttp,
            "livejury_connections_closed_total{reason=\"slow_consumer\"}") == shedBefore; round++) {
          for (int i = 0; i < 20; i++) {
            smallHttp.post("/api/rooms/" + roomId + "/prompts", roomStaff, new JsonObject().put("kind", "claim")
                .put("question", "属实吗？").put("claim", claim).put("durationSec", 1));
          }
          waitUntil(() -> false, 1_500);
        }
        waitUntil(() -> metric(smallHttp, "livejury_connections_closed_total{reason=\"slow_consumer\"}") > shedBefore,
            5_000);
        assertThat(metric(smallHttp, "livejury_connections_closed_total{reason=\"slow_consumer\"}"))
            .isEqualTo(shedBefore + 1);
        assertThat(stuck.closedWithin(5_000)).as("connection gone within 5 s of the decision").isTrue();
      }
    } finally {
      small.stop();
    }
  }

  @Test
  void everyBallotOfABurstGetsItsOwnAckEvenPastTheFloodLimit(Vertx vertx) {
    String roomId = http.createRoom(staff, "streamer-burst");
    TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("burst-voter", "viewer"));
    String promptId = http.openPrompt(staff, roomId, 60).getString("id");
    int ballots = 5_000;
    for (int i = 0; i < ballots; i++) {
      viewer.ballot("r" + i, promptId, "false");
    }
    waitUntil(() -> viewer.frames("ack").size() >= ballots, 30_000);
    waitUntil(() -> false, 300); // anything more than one ack per ballot would show up now

    List<JsonObject> acks = viewer.frames("ack");
    assertThat(acks).hasSize(ballots);
    assertThat(acks.stream().map(a -> a.getString("ref")).distinct().count()).isEqualTo(ballots);
    Map<String, Integer> byOutcome = new HashMap<>();
    acks.forEach(a -> byOutcome.merge(a.getString("status") + "/" + a.getString("reason", ""), 1, Integer::sum));
    assertThat(byOutcome.get("accepted/")).isEqualTo(1);
    assertThat(byOutcome.keySet()).containsOnly("accepted/", "duplicate/already voted", "rejected/rate_limited");
    assertThat(byOutcome.get("rejected/rate_limited")).isGreaterThan(ballots - 200);
    assertThat(viewer.frames("error")).isEmpty();
    assertThat(viewer.isClosed()).isFalse();
  }

  @Test
  void aMessagePastTheHardLimitClosesWith1009WhetherSentWholeOrInFragments(Vertx vertx) throws Exception {
    String roomId = http.createRoom(staff, "streamer-big");
    WebSocket whole = raw(vertx, roomId, http.token("big-whole", "viewer"), null);
    CompletableFuture<Short> wholeClosed = new CompletableFuture<>();
    whole.closeHandler(v -> wholeClosed.complete(whole.closeStatusCode()));
    whole.writeTextMessage("x".repeat(70 * 1024));
    assertThat(wholeClosed.get(15, TimeUnit.SECONDS)).isEqualTo((short) 1009);

    WebSocket fragmented = raw(vertx, roomId, http.token("big-fragments", "viewer"), null);
    CompletableFuture<Short> fragmentsClosed = new CompletableFuture<>();
    fragmented.closeHandler(v -> fragmentsClosed.complete(fragmented.closeStatusCode()));
    String piece = "y".repeat(30 * 1024);
    fragmented.writeFrame(WebSocketFrame.textFrame(piece, false));
    fragmented.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(piece), false));
    fragmented.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(piece), false));
    fragmented.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(piece), true));
    assertThat(fragmentsClosed.get(15, TimeUnit.SECONDS)).isEqualTo((short) 1009);
    assertThat(closes("too_big")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aFrameThatBreaksTheProtocolClosesWith1002() throws Exception {
    String roomId = http.createRoom(staff, "streamer-protocol");
    double before = closes("protocol_error");
    try (RawWebSocket broken = upgrade(node.port(), roomId, http.token("protocol-breaker", "viewer"), 65536)) {
      // Opcode 3 is reserved (RFC 6455 5.2); the frame is masked and empty otherwise.
      assertThat(broken.tryWrite(new byte[] {(byte) 0x83, (byte) 0x80, 0, 0, 0, 0})).isTrue();
      assertThat(broken.closedWithin(5_000)).isTrue();
    }
    waitUntil(() -> closes("protocol_error") > before, 2_000);
    assertThat(closes("protocol_error")).isEqualTo(before + 1);
  }

  @Test
  void oneUserHoldsAtMostTheCapOfSocketsOnANode(Vertx vertx) {
    String roomId = http.createRoom(staff, "streamer-cap");
    String token = http.token("many-tabs", "viewer");
    List<TestSocket> tabs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tabs.add(TestSocket.connect(vertx, node.port(), roomId, token));
    }
    assertThatThrownBy(() -> TestSocket.connect(vertx, node.port(), roomId, token))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(429));
    // Another user is not affected, and a closed tab frees its place.
    TestSocket.connect(vertx, node.port(), roomId, http.token("one-tab", "viewer")).close();
    tabs.get(0).close();
    waitUntil(() -> tabs.get(0).isClosed(), 5_000);
    waitUntil(() -> {
      try {
        TestSocket.connect(vertx, node.port(), roomId, token);
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    }, 5_000);
  }

  @Test
  void connectionsThatNeverFinishAHandshakeAreClosed() throws Exception {
    double before = closes("handshake_timeout");
    try (Socket silent = new Socket("127.0.0.1", node.port());
         Socket trickler = new Socket("127.0.0.1", node.port())) {
      silent.setSoTimeout(5_000);
      trickler.setSoTimeout(300);
      OutputStream out = trickler.getOutputStream();
      byte[] request = ("GET /ws/rooms/x?token=y HTTP/1.1\r\nHost: localhost\r\n").getBytes(StandardCharsets.US_ASCII);
      boolean trickleClosed = false;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      for (int i = 0; i < request.length && System.nanoTime() < until && !trickleClosed; i++) {
        try {
          out.write(request[i]);
          out.flush();
          trickleClosed = trickler.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException stillOpen) {
          // no answer yet: keep trickling
        } catch (java.io.IOException reset) {
          trickleClosed = true;
        }
      }
      assertThat(trickleClosed).as("a connection trickling a byte every 300 ms is closed").isTrue();
      assertThat(silent.getInputStream().read()).as("a silent connection is closed").isEqualTo(-1);
    }
    assertThat(closes("handshake_timeout")).isEqualTo(before + 2);
  }

  @Test
  void aBodyThatStopsShortOfItsLengthIsAnswered408AndItsConnectionClosed() throws Exception {
    double before = closes("body_timeout");
    try (Socket client = new Socket("127.0.0.1", node.port())) {
      client.setSoTimeout(10_000);
      String body = "{\"streamerId\":\"s\"";
      client.getOutputStream().write(("POST /api/rooms HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + staff
          + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + body)
          .getBytes(StandardCharsets.US_ASCII));
      client.getOutputStream().flush();
      long sent = System.nanoTime();
      String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("\"code\":\"request_timeout\"")
          .contains("did not arrive within 2 seconds");
      assertThat(waitedMs).as("answered at the body deadline, not the idle timeout").isBetween(1_500L, 8_000L);
    }
    assertThat(closes("body_timeout")).isEqualTo(before + 1);
  }

  @Test
  void aSocketThatAnswersNoPingIsClosedAsIdleWhileOneThatDoesStays(Vertx vertx) throws Exception {
    String roomId = http.createRoom(staff, "streamer-idle");
    TestSocket honest = TestSocket.connect(vertx, node.port(), roomId, http.token("idle-honest", "viewer"));
    double before = closes("idle");
    try (RawWebSocket silent = upgrade(node.port(), roomId, http.token("idle-silent", "viewer"), 65536)) {
      // Never answers a ping, never sends a frame.
      waitUntil(() -> closes("idle") > before, 8_000);
    }
    assertThat(closes("idle")).isEqualTo(before + 1);
    assertThat(honest.isClosed()).isFalse();
  }

  @Test
  void aPageOfAnotherSiteCannotOpenASocketWithAStolenToken(Vertx vertx) throws Exception {
    String roomId = http.createRoom(staff, "streamer-origin");
    String token = http.token("origin-viewer", "viewer");
    assertThatThrownBy(() -> raw(vertx, roomId, token, "https://evil.example"))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    raw(vertx, roomId, token, "https://shop.example").close();
    raw(vertx, roomId, token, "http://localhost:" + node.port()).close();
    raw(vertx, roomId, token, null).close();
  }

  /** A WebSocket without {@link TestSocket}'s bookkeeping: the test decides when it reads and what it sends. */
  private static WebSocket raw(Vertx vertx, String roomId, String token, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(node.port())
        .setURI("/ws/rooms/" + roomId + "?token=" + token).setTimeout(10_000).setAllowOriginHeader(origin != null);
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    return TestSocket.client(vertx).connect(options).await();
  }

  /** A hand-written client with a receive buffer of {@code receiveBuffer} bytes, upgraded into the room. */
  private static RawWebSocket upgrade(int port, String roomId, String token, int receiveBuffer) throws IOException {
    RawWebSocket socket = RawWebSocket.open("127.0.0.1", port, "/ws/rooms/" + roomId + "?token=" + token, receiveBuffer);
    assertThat(socket.status()).as("upgrade answer").isEqualTo(101);
    return socket;
  }

  private static double closes(String reason) {
    return metric("livejury_connections_closed_total{reason=\"" + reason + "\"}");
  }

  private static double metric(String sample) {
    return metric(http, sample);
  }

  private static double metric(Http on, String sample) {
    return on.text("/metrics").lines().filter(line -> line.startsWith(sample + " ")).findFirst()
        .map(line -> Double.parseDouble(line.substring(sample.length() + 1).trim()))
        .orElse(0.0);
  }

  private static void waitUntil(BooleanSupplier done, long ms) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!done.getAsBoolean() && System.nanoTime() < until) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
