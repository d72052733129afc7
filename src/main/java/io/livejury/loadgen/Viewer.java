package io.livejury.loadgen;

import io.vertx.core.Future;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated viewer: joins the room, votes the moment a prompt arrives, and records when each frame
 * came. All callbacks run on the socket's event loop; the scenario reads the results after the verdict.
 */
final class Viewer {

  final String userId;
  final String option;
  private final ClientWebSocket ws;
  volatile long promptReceivedAt;
  volatile long ballotSentAt;
  volatile long ackReceivedAt;
  volatile String ackStatus;
  volatile JsonObject verdict;
  volatile long verdictReceivedAt;
  final AtomicInteger tallies = new AtomicInteger();
  final AtomicInteger verdicts = new AtomicInteger();

  private Viewer(String userId, String option, ClientWebSocket ws) {
    this.userId = userId;
    this.option = option;
    this.ws = ws;
    ws.textMessageHandler(this::onFrame);
  }

  static Future<Viewer> join(WebSocketClient client, String host, int port, String roomId, String userId, String token,
      String option) {
    // Handlers go on before the connection opens, so the first frames cannot arrive unheard.
    Viewer viewer = new Viewer(userId, option, client.webSocket());
    return viewer.ws.connect(new WebSocketConnectOptions().setHost(host).setPort(port)
            .setURI("/ws/rooms/" + roomId + "?token=" + token).setTimeout(30_000))
        .map(viewer);
  }

  private void onFrame(String text) {
    long now = System.nanoTime();
    JsonObject frame = new JsonObject(text);
    switch (frame.getString("type")) {
      case "prompt" -> {
        promptReceivedAt = now;
        String promptId = frame.getJsonObject("prompt").getString("id");
        ballotSentAt = System.nanoTime();
        ws.writeTextMessage(new JsonObject().put("type", "ballot").put("ref", userId)
            .put("promptId", promptId).put("option", option).encode());
      }
      case "ack" -> {
        ackReceivedAt = now;
        ackStatus = frame.getString("status");
      }
      case "tally" -> tallies.incrementAndGet();
      case "verdict" -> {
        verdictReceivedAt = now;
        verdict = frame.getJsonObject("verdict");
        verdicts.incrementAndGet();
      }
      default -> { }
    }
  }

  /** Forgets the previous prompt's figures before the next round. */
  void reset() {
    promptReceivedAt = 0;
    ballotSentAt = 0;
    ackReceivedAt = 0;
    ackStatus = null;
    verdict = null;
    verdictReceivedAt = 0;
    tallies.set(0);
    verdicts.set(0);
  }

  void close() {
    ws.close();
  }
}
