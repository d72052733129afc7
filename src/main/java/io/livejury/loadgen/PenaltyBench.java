package io.livejury.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Closes many prompts at once and times the hand-off from verdict to committed penalty row. R rooms, each
 * with its own streamer and V viewers who vote "false" on every prompt, get P prompts in all; each prompt's
 * verdict is a false claim and becomes a penalty through the verdict stream. The latency of one prompt is
 * the penalty row's creation time minus the verdict's decision time, both read back through the API. It
 * also checks that every prompt produced exactly one verdict and one penalty.
 *
 * <p>Usage: {@code PenaltyBench [baseUrl] [prompts] [rooms] [viewersPerRoom] [promptSeconds] [resultFile]}
 */
public final class PenaltyBench {

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args.length > 0 ? args[0] : "http://localhost:8080");
    int prompts = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int rooms = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int viewersPerRoom = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    Path resultFile = args.length > 5 ? Path.of(args[5]) : null;

    Vertx vertx = Vertx.vertx();
    try {
      JsonObject result = run(vertx, new Api(base), prompts, rooms, viewersPerRoom, seconds);
      System.out.println(result.encodePrettily());
      if (resultFile != null) {
        Files.createDirectories(resultFile.toAbsolutePath().getParent());
        Files.writeString(resultFile, result.encodePrettily());
      }
      if (!result.getBoolean("correct")) {
        System.err.println("FAILED: not every prompt became exactly one verdict and one penalty");
        System.exit(1);
      }
    } finally {
      vertx.close().await();
    }
  }

  static JsonObject run(Vertx vertx, Api api, int prompts, int rooms, int viewersPerRoom, int seconds)
      throws Exception {
    String staff = api.token("bench-staff", "staff");
    String run = Long.toString(System.currentTimeMillis(), 36);
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    List<String> roomIds = new ArrayList<>();
    List<Future<Voter>> joining = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      String streamer = "bench-" + run + "-streamer-" + r;
      String roomId = api.post("/api/rooms", staff, new JsonObject().put("streamerId", streamer)
          .put("merchantId", "m-" + streamer).put("title", "Penalty bench " + r)).getString("roomId");
      roomIds.add(roomId);
      for (int v = 0; v < viewersPerRoom; v++) {
        String userId = "bench-" + run + "-viewer-" + r + "-" + v;
        joining.add(Voter.join(vertx, client, api.host(), api.port(), roomId, userId, api.token(userId, "viewer"),
            new Voter.Plan("false", false, false, false, false), Pacer.BURST, 0));
      }
    }
    List<Voter> viewers = Future.all(joining).await().list();
    TimeUnit.MILLISECONDS.sleep(500);

    long openStart = System.nanoTime();
    for (int i = 0; i < prompts; i++) {
      api.post("/api/rooms/" + roomIds.get(i % rooms) + "/prompts", staff, new JsonObject().put("kind", "claim")
          .put("question", "主播说这款保健品能治愈高血压，属实吗？").put("durationSec", seconds));
    }
    double openSeconds = (System.nanoTime() - openStart) / 1e9;

    Map<String, Instant> decided = new HashMap<>();
    Map<String, JsonObject> penalties = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 120L);
    while (System.nanoTime() < deadline) {
      penalties.clear();
      for (int r = 0; r < rooms; r++) {
        JsonArray items = api.get("/api/penalties?subject=bench-" + run + "-streamer-" + r, staff).getJsonArray("items");
        items.forEach(p -> penalties.put(((JsonObject) p).getString("verdictId"), (JsonObject) p));
      }
      if (penalties.size() >= prompts) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    for (String roomId : roomIds) {
      String cursor = null;
      do {
        JsonObject page = api.get("/api/verdicts?limit=200&roomId=" + roomId + (cursor == null ? "" : "&cursor=" + cursor),
            staff);
        page.getJsonArray("items").forEach(v -> decided.put(((JsonObject) v).getString("id"),
            Instant.parse(((JsonObject) v).getString("decidedAt"))));
        cursor = page.getString("next");
      } while (cursor != null);
    }
    viewers.forEach(Voter::close);

    List<Long> handOff = new ArrayList<>();
    penalties.forEach((verdictId, penalty) -> {
      Instant decidedAt = decided.get(verdictId);
      if (decidedAt != null) {
        handOff.add(Duration.between(decidedAt, Instant.parse(penalty.getString("createdAt"))).toNanos());
      }
    });
    return new JsonObject()
        .put("date", Instant.now().toString())
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores")
        .put("prompts", prompts)
        .put("rooms", rooms)
        .put("viewersPerRoom", viewersPerRoom)
        .put("promptSeconds", seconds)
        .put("openSeconds", Math.round(openSeconds * 100) / 100.0)
        .put("verdicts", decided.size())
        .put("penalties", penalties.size())
        .put("verdictToPenaltyRow", Percentiles.of(handOff).toJson())
        .put("correct", decided.size() == prompts && penalties.size() == prompts && handOff.size() == prompts);
  }
}
