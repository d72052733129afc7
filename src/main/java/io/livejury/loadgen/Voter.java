package io.livejury.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A simulated viewer with a plan: the option it votes, whether it sends a second (duplicate) ballot, and
 * whether it votes only after the prompt has closed; on time, it votes when its {@link Pacer} says. It
 * records when the prompt, each ack and the verdict arrive, so the load test can measure latencies and
 * check every count afterwards.
 */
final class Voter {

  /** How LiveJury's encoder starts these frames (fields in record order); anything else is parsed in full. */
  private static final String TALLY_PREFIX = "{\"type\":\"tally\"";
  private static final String PROMPT_PREFIX = "{\"type\":\"prompt\",\"prompt\":{\"id\":\"";

  /**
   * What this viewer does when a prompt arrives; a silent viewer only watches. With {@code retryUnavailable}, a
   * ballot acked {@code rejected}/{@code unavailable} is sent again every {@value #RETRY_MS} ms, as the viewer page
   * does (a store failing over), and its ack time counts from the first try.
   */
  record Plan(String option, boolean duplicate, boolean late, boolean silent, boolean retryUnavailable) {
  }

  static final long RETRY_MS = 200;

  /**
   * What one viewer saw in a round, with nanosecond times of {@link System#nanoTime()}; on Linux that clock is
   * the same for every process on the machine, so the outcomes of several generator processes can be merged.
   */
  record Outcome(String userId, String roomId, Plan plan, long promptAt, long ballotSentAt, long ackAt,
      String firstAck, String firstReason, String secondAck, long verdictAt, String verdict, int tallies,
      int tallyPeak, int verdicts, String dropped, int retries) {
  }

  final String userId;
  final String roomId;
  final Plan plan;
  private final Pacer pacer;
  /** This viewer's place in its process's ballot schedule. */
  private final int slot;
  private final Vertx vertx;
  /** Vert.x closes a client, and every socket it opened, once the client is unreachable: each socket keeps it. */
  private final WebSocketClient client;
  private final ClientWebSocket ws;
  volatile long connectedAt;
  /** When the node's welcome arrived: the node has then read what it needs of this viewer (its juror profile). */
  volatile long welcomedAt;
  volatile String promptId;
  volatile long promptAt;
  volatile long ballotSentAt;
  volatile long ackAt;
  volatile String firstAck;
  /** The reason given with the first ballot's ack, when it was rejected. */
  volatile String firstReason;
  volatile String secondAck;
  /** How many times the first ballot was sent again after an {@code unavailable} ack. */
  volatile int retries;
  volatile long verdictAt;
  volatile JsonObject verdict;
  volatile int tallies;
  /** The most tally frames this socket got within one clock second. */
  volatile int tallyPeak;
  private long tallySecond;
  private int talliesThisSecond;
  volatile int verdicts;
  /** Why the node closed this socket, if it did: a socket held through the run stays null. */
  volatile String dropped;
  private volatile boolean closing;

  private Voter(Vertx vertx, String userId, String roomId, Plan plan, Pacer pacer, int slot, WebSocketClient client) {
    this.vertx = vertx;
    this.pacer = pacer;
    this.slot = slot;
    this.client = client;
    this.userId = userId;
    this.roomId = roomId;
    this.plan = plan;
    this.ws = client.webSocket();
    ws.textMessageHandler(this::onFrame);
    ws.closeHandler(v -> {
      if (!closing) {
        dropped = "closed with " + ws.closeStatusCode() + " " + ws.closeReason();
      }
    });
  }

  static Future<Voter> join(Vertx vertx, WebSocketClient client, String host, int port, String roomId, String userId,
      String token, Plan plan, Pacer pacer, int slot) {
    Voter voter = new Voter(vertx, userId, roomId, plan, pacer, slot, client);
    return voter.ws.connect(new WebSocketConnectOptions().setHost(host).setPort(port)
            .setURI("/ws/rooms/" + roomId + "?token=" + token).setTimeout(60_000))
        .map(ws -> {
          voter.connectedAt = System.nanoTime();
          return voter;
        });
  }

  /**
   * Called from the socket's event loop only, so the plain fields need no more than volatile. Tallies and
   * prompts, the frames every socket gets, are read without a JSON parse: on a shared machine the parse
   * would hold up the frames queued behind them on the same loop and slow the very fan-out being timed.
   */
  private void onFrame(String text) {
    long now = System.nanoTime();
    if (text.startsWith(TALLY_PREFIX)) {
      onTally(now);
      return;
    }
    if (text.startsWith(PROMPT_PREFIX) && !plan.late()) {
      onPrompt(now, text.substring(PROMPT_PREFIX.length(), text.indexOf('"', PROMPT_PREFIX.length())), null);
      return;
    }
    JsonObject frame = new JsonObject(text);
    switch (frame.getString("type")) {
      case "prompt" -> onPrompt(now, frame.getJsonObject("prompt").getString("id"),
          frame.getJsonObject("prompt").getString("closesAt"));
      case "tally" -> onTally(now);
      case "ack" -> {
        if ("first".equals(frame.getString("ref"))) {
          String status = frame.getString("status");
          if (plan.retryUnavailable() && "rejected".equals(status) && "unavailable".equals(frame.getString("reason"))) {
            retries++;
            vertx.setTimer(RETRY_MS, timer -> send("first"));
            return;
          }
          // A retry answered duplicate with this voter's own option: an earlier try was counted after all.
          boolean countedBefore = retries > 0 && "duplicate".equals(status)
              && plan.option().equals(frame.getString("voted"));
          ackAt = now;
          firstAck = countedBefore ? "accepted" : status;
          firstReason = countedBefore ? null : frame.getString("reason");
          if (plan.duplicate()) {
            vote("second");
          }
        } else {
          secondAck = frame.getString("status");
        }
      }
      case "welcome" -> welcomedAt = now;
      case "verdict" -> {
        verdictAt = now;
        verdict = frame.getJsonObject("verdict");
        verdicts++;
      }
      default -> { }
    }
  }

  private void onPrompt(long now, String id, String closesAt) {
    promptAt = now;
    promptId = id;
    pacer.arrived(vertx);
    if (plan.silent()) {
      return;
    }
    if (plan.late()) {
      vertx.setTimer(Math.max(1, Instant.parse(closesAt).toEpochMilli() - System.currentTimeMillis() + 1_000),
          timer -> vote("first"));
    } else {
      pacer.schedule(vertx, slot, now, () -> vote("first"));
    }
  }

  private void onTally(long now) {
    tallies++;
    if (now / 1_000_000_000L != tallySecond) {
      tallySecond = now / 1_000_000_000L;
      talliesThisSecond = 0;
    }
    tallyPeak = Math.max(tallyPeak, ++talliesThisSecond);
  }

  private void vote(String ref) {
    if ("first".equals(ref)) {
      ballotSentAt = System.nanoTime();
    }
    send(ref);
  }

  private void send(String ref) {
    ws.writeTextMessage(new JsonObject().put("type", "ballot").put("ref", ref).put("promptId", promptId)
        .put("option", plan.option()).encode());
  }

  Outcome outcome() {
    return new Outcome(userId, roomId, plan, promptAt, ballotSentAt, ackAt, firstAck, firstReason, secondAck, verdictAt,
        verdict == null ? null : verdict.encode(), tallies, tallyPeak, verdicts, dropped, retries);
  }

  /** Forgets the previous prompt before the next round on the same socket. */
  void reset() {
    promptId = null;
    promptAt = 0;
    ballotSentAt = 0;
    ackAt = 0;
    firstAck = null;
    firstReason = null;
    secondAck = null;
    retries = 0;
    verdictAt = 0;
    verdict = null;
    tallies = 0;
    tallyPeak = 0;
    tallySecond = 0;
    talliesThisSecond = 0;
    verdicts = 0;
  }

  void close() {
    closing = true;
    ws.close();
  }
}
