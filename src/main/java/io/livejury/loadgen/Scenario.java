package io.livejury.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One live room against a running LiveJury: V viewers join over real WebSockets, staff open a claim
 * prompt, every viewer votes as soon as the prompt reaches them (a set share "false", the rest "true"),
 * and the scenario waits for the verdict. It reports prompt fan-out latency (POST sent → frame received,
 * per socket), ballot ack latency, tally frames per socket and close → verdict latency, and checks that
 * the verdict counts equal the ballots sent: zero lost, zero double-counted. It runs several rounds on the
 * same sockets and reports the last, so the figures are of a warmed-up node rather than its first seconds.
 *
 * <p>Usage: {@code Scenario [baseUrl] [viewers] [promptSeconds] [falseShare] [resultFile] [rounds]}
 */
public final class Scenario {

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args.length > 0 ? args[0] : "http://localhost:8080");
    int viewers = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    double falseShare = args.length > 3 ? Double.parseDouble(args[3]) : 0.7;
    Path resultFile = args.length > 4 ? Path.of(args[4]) : null;
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;

    Vertx vertx = Vertx.vertx();
    try {
      JsonObject result = run(vertx, base, viewers, seconds, falseShare, rounds);
      System.out.println(result.encodePrettily());
      if (resultFile != null) {
        Files.createDirectories(resultFile.toAbsolutePath().getParent());
        Files.writeString(resultFile, result.encodePrettily());
      }
      if (!result.getBoolean("correct")) {
        System.err.println("FAILED: the verdict does not match the ballots sent");
        System.exit(1);
      }
    } finally {
      vertx.close().await();
    }
  }

  static JsonObject run(Vertx vertx, URI base, int viewerCount, int seconds, double falseShare, int rounds)
      throws Exception {
    Api api = new Api(base);
    String staff = api.token("scenario-staff", "staff");
    String roomId = api.post("/api/rooms", staff, new JsonObject().put("streamerId", "scenario-streamer")
        .put("merchantId", "scenario-merchant").put("title", "Scenario room")).getString("roomId");

    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    long joinStart = System.nanoTime();
    List<Future<Voter>> joining = new ArrayList<>();
    Map<String, Long> sent = new HashMap<>();
    int falses = (int) Math.round(viewerCount * falseShare);
    for (int i = 0; i < viewerCount; i++) {
      String userId = "scenario-viewer-" + i;
      String option = i < falses ? "false" : "true";
      sent.merge(option, 1L, Long::sum);
      joining.add(Voter.join(vertx, client, api.host(), api.port(), roomId, userId, api.token(userId, "viewer"),
          new Voter.Plan(option, false, false, false)));
    }
    List<Voter> viewers = Future.all(joining).await().list();
    double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
    TimeUnit.MILLISECONDS.sleep(500);

    JsonObject result = null;
    for (int round = 1; round <= rounds; round++) {
      viewers.forEach(Voter::reset);
      result = round(api, staff, roomId, viewers, sent, seconds)
          .put("round", round).put("rounds", rounds).put("joinSeconds", Math.round(joinSeconds * 100) / 100.0);
      System.out.printf("round %d: fan-out %s | ack %s | verdict %s%n", round,
          result.getJsonObject("fanOut").encode(), result.getJsonObject("ack").encode(), result.getBoolean("correct"));
    }
    viewers.forEach(Voter::close);
    return result;
  }

  private static JsonObject round(Api api, String staff, String roomId, List<Voter> viewers, Map<String, Long> sent,
      int seconds) throws Exception {
    int viewerCount = viewers.size();
    long promptSentAt = System.nanoTime();
    JsonObject prompt = api.post("/api/rooms/" + roomId + "/prompts", staff, new JsonObject().put("kind", "claim")
        .put("question", "主播说这款茶能治疗糖尿病，属实吗？").put("durationSec", seconds));
    long closesAtNanos = promptSentAt + TimeUnit.MILLISECONDS.toNanos(
        Instant.parse(prompt.getString("closesAt")).toEpochMilli() - System.currentTimeMillis());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 30L);
    while (viewers.stream().anyMatch(v -> v.verdict == null) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    TimeUnit.MILLISECONDS.sleep(300);

    List<Long> fanOut = new ArrayList<>();
    List<Long> acks = new ArrayList<>();
    List<Long> closeToVerdict = new ArrayList<>();
    int accepted = 0;
    int tallyFrames = 0;
    boolean oneVerdictEach = true;
    for (Voter viewer : viewers) {
      if (viewer.promptAt > 0) {
        fanOut.add(viewer.promptAt - promptSentAt);
      }
      if (viewer.ackAt > 0) {
        acks.add(viewer.ackAt - viewer.ballotSentAt);
      }
      if (viewer.verdictAt > 0) {
        closeToVerdict.add(Math.max(0, viewer.verdictAt - closesAtNanos));
      }
      accepted += "accepted".equals(viewer.firstAck) ? 1 : 0;
      tallyFrames += viewer.tallies;
      oneVerdictEach &= viewer.verdicts == 1;
    }
    JsonObject verdict = viewers.get(0).verdict;
    JsonObject counts = verdict == null ? new JsonObject() : verdict.getJsonObject("counts");
    boolean correct = verdict != null && oneVerdictEach && accepted == viewerCount
        && verdict.getLong("total") == viewerCount
        && sent.entrySet().stream().allMatch(e -> e.getValue().equals(counts.getLong(e.getKey())));

    return new JsonObject()
        .put("date", Instant.now().toString())
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
            + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap (generator)")
        .put("viewers", viewerCount)
        .put("promptSeconds", seconds)
        .put("fanOut", Percentiles.of(fanOut).toJson())
        .put("ack", Percentiles.of(acks).toJson())
        .put("closeToVerdict", Percentiles.of(closeToVerdict).toJson())
        .put("accepted", accepted)
        .put("tallyFramesPerSocket", Math.round(100.0 * tallyFrames / viewerCount) / 100.0)
        .put("ballotsSent", new JsonObject(new HashMap<>(sent)))
        .put("verdict", verdict)
        .put("correct", correct);
  }
}
