package io.livejury.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Load generator: N viewer sockets over M rooms on a running LiveJury node, spread over several loopback
 * source addresses (one address runs out of ports near 28k). Every room gets a claim prompt at once; each
 * viewer votes the moment it arrives, with a set share voting "false", a share sending a duplicate and a
 * share voting only after the deadline. It reports connect rate, prompt fan-out, ballot ack latency,
 * accepted ballots per second, tally frames per socket per second, close → verdict and verdict → penalty,
 * and checks that every verdict's counts equal the ballots its room had accepted: zero lost, zero doubled.
 * It votes several rounds on the same sockets (voters start afresh each round) and reports the last, so
 * the figures are of a node past its JIT warm-up rather than its first seconds.
 *
 * <p>Arguments are {@code key=value}: url, sockets, rooms, seconds, falseShare, duplicateShare, lateShare,
 * addresses, rounds, silent (true: viewers only watch, to time fan-out alone), result (a path without extension: .json and .svg are written).
 */
public final class LoadTest {

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      a.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    URI base = URI.create(a.getOrDefault("url", "http://127.0.0.1:8080"));
    int sockets = Integer.parseInt(a.getOrDefault("sockets", "2000"));
    int rooms = Integer.parseInt(a.getOrDefault("rooms", "20"));
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "10"));
    double falseShare = Double.parseDouble(a.getOrDefault("falseShare", "0.7"));
    double duplicateShare = Double.parseDouble(a.getOrDefault("duplicateShare", "0.05"));
    double lateShare = Double.parseDouble(a.getOrDefault("lateShare", "0.02"));
    int addresses = Integer.parseInt(a.getOrDefault("addresses", "4"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "2"));
    boolean silent = Boolean.parseBoolean(a.getOrDefault("silent", "false"));
    String result = a.get("result");

    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
        .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    try {
      JsonObject report = run(vertx, new Api(base), sockets, rooms, seconds, falseShare, duplicateShare, lateShare,
          addresses, rounds, silent);
      System.out.println(report.encodePrettily());
      if (result != null) {
        Path json = Path.of(result + ".json");
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, report.encodePrettily());
        Files.writeString(Path.of(result + ".svg"), Chart.ackLatency(report));
        System.out.println("result written to " + json + " and " + result + ".svg");
      }
      if (!report.getBoolean("correct")) {
        System.err.println("FAILED: " + report.getJsonArray("problems").encode());
        System.exit(1);
      }
    } finally {
      vertx.close().await();
    }
  }

  static JsonObject run(Vertx vertx, Api api, int socketCount, int roomCount, int seconds, double falseShare,
      double duplicateShare, double lateShare, int addressCount, int rounds, boolean silent) throws Exception {
    String run = Long.toString(System.currentTimeMillis(), 36);
    String staff = api.token("load-staff", "staff");
    JWTAuth minter = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(System.getenv().getOrDefault("LIVEJURY_JWT_SECRET",
            "livejury-dev-secret-change-me-in-production"))));
    List<String> roomIds = new ArrayList<>();
    Map<String, String> streamerOf = new HashMap<>();
    for (int r = 0; r < roomCount; r++) {
      String streamer = "load-" + run + "-streamer-" + r;
      String roomId = api.post("/api/rooms", staff, new JsonObject().put("roomId", "load-" + run + "-" + r)
          .put("streamerId", streamer).put("merchantId", "m-" + streamer).put("title", "Load room " + r))
          .getString("roomId");
      roomIds.add(roomId);
      streamerOf.put(roomId, streamer);
    }

    // Viewers spread over loopback source addresses, joined a bounded number at a time.
    List<WebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < addressCount; i++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
          .setLocalAddress("127.0.0." + (i + 1))));
    }
    Random random = new Random(7);
    List<Voter> voters = new ArrayList<>();
    Map<Voter, String> roomOf = new HashMap<>();
    long connectStart = System.nanoTime();
    int inFlight = 400;
    for (int start = 0; start < socketCount; start += inFlight) {
      List<Future<Voter>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(socketCount, start + inFlight); i++) {
        String userId = "load-" + run + "-v" + i;
        double roll = random.nextDouble();
        Voter.Plan plan = new Voter.Plan(random.nextDouble() < falseShare ? "false" : "true",
            !silent && roll < duplicateShare, !silent && roll >= duplicateShare && roll < duplicateShare + lateShare,
            silent);
        String roomId = roomIds.get(i % roomCount);
        String token = minter.generateToken(new JsonObject().put("sub", userId).put("role", "viewer"),
            new JWTOptions().setExpiresInMinutes(60));
        batch.add(Voter.join(vertx, clients.get(i % addressCount), api.host(), api.port(), roomId, userId, token, plan)
            .onSuccess(v -> roomOf.put(v, roomId)));
      }
      voters.addAll(Future.all(batch).await().list());
      if ((start / inFlight) % 10 == 9 || start + inFlight >= socketCount) {
        System.out.printf("connected %d/%d sockets%n", voters.size(), socketCount);
      }
    }
    double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
    TimeUnit.SECONDS.sleep(1);

    JsonObject report = null;
    for (int round = 1; round <= rounds; round++) {
      voters.forEach(Voter::reset);
      report = round(api, staff, voters, roomOf, roomIds, streamerOf, connectSeconds, seconds)
          .put("round", round).put("rounds", rounds);
      System.out.printf("round %d: fan-out %s | ack %s | correct %s%n", round, report.getJsonObject("fanOut").encode(),
          report.getJsonObject("ack").encode(), report.getBoolean("correct"));
    }
    voters.forEach(Voter::close);
    return report;
  }

  private static JsonObject round(Api api, String staff, List<Voter> voters, Map<Voter, String> roomOf,
      List<String> roomIds, Map<String, String> streamerOf, double connectSeconds, int seconds) throws Exception {

    Map<String, Long> promptSentAt = new HashMap<>();
    Map<String, Long> closesAt = new HashMap<>();
    // Every room's prompt goes out at the same moment, as when a platform asks many rooms at once.
    long votingStart = System.nanoTime();
    Map<String, java.util.concurrent.CompletableFuture<JsonObject>> opening = new HashMap<>();
    for (String roomId : roomIds) {
      promptSentAt.put(roomId, System.nanoTime());
      opening.put(roomId, api.postAsync("/api/rooms/" + roomId + "/prompts", staff, new JsonObject()
          .put("kind", "claim").put("question", "主播说这款茶能治疗糖尿病，属实吗？").put("durationSec", seconds)));
    }
    for (String roomId : roomIds) {
      JsonObject prompt = opening.get(roomId).get(30, TimeUnit.SECONDS);
      closesAt.put(roomId, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
          Instant.parse(prompt.getString("closesAt")).toEpochMilli() - System.currentTimeMillis()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60L);
    // Done when every socket has its verdict and every ballot (late ones included) its answer.
    while (System.nanoTime() < deadline && voters.stream().anyMatch(v -> v.verdict == null
        || !v.plan.silent() && v.firstAck == null || v.plan.duplicate() && v.secondAck == null)) {
      TimeUnit.SECONDS.sleep(1);
      long acks = voters.stream().filter(v -> v.firstAck != null).count();
      long verdicts = voters.stream().filter(v -> v.verdict != null).count();
      System.out.printf("t+%ds acks %d/%d verdicts %d/%d%n", (System.nanoTime() - votingStart) / 1_000_000_000L,
          acks, voters.size(), verdicts, voters.size());
    }
    TimeUnit.SECONDS.sleep(1);
    return measure(api, staff, voters, roomOf, roomIds, streamerOf, promptSentAt, closesAt, connectSeconds, seconds,
        votingStart);
  }

  private static JsonObject measure(Api api, String staff, List<Voter> voters, Map<Voter, String> roomOf,
      List<String> roomIds, Map<String, String> streamerOf, Map<String, Long> promptSentAt, Map<String, Long> closesAt,
      double connectSeconds, int seconds, long votingStart) throws Exception {
    List<Long> fanOut = new ArrayList<>();
    List<Long> acks = new ArrayList<>();
    List<Long> closeToVerdict = new ArrayList<>();
    TreeMap<Long, List<Long>> acksBySecond = new TreeMap<>();
    Map<String, Map<String, Long>> accepted = new HashMap<>();
    JsonArray problems = new JsonArray();
    long firstBallot = Long.MAX_VALUE;
    long lastAck = 0;
    long acceptedTotal = 0;
    long tallyFrames = 0;
    for (Voter voter : voters) {
      String roomId = roomOf.get(voter);
      if (voter.promptAt > 0) {
        fanOut.add(voter.promptAt - promptSentAt.get(roomId));
      }
      if (voter.ackAt > 0 && !voter.plan.late()) {
        long latency = voter.ackAt - voter.ballotSentAt;
        acks.add(latency);
        acksBySecond.computeIfAbsent((voter.ballotSentAt - votingStart) / 1_000_000_000L, s -> new ArrayList<>())
            .add(latency);
        firstBallot = Math.min(firstBallot, voter.ballotSentAt);
        lastAck = Math.max(lastAck, voter.ackAt);
      }
      if (voter.verdictAt > 0) {
        closeToVerdict.add(Math.max(0, voter.verdictAt - closesAt.get(roomId)));
      }
      tallyFrames += voter.tallies;
      String expected = voter.plan.silent() ? null : voter.plan.late() ? "closed" : "accepted";
      if (!java.util.Objects.equals(expected, voter.firstAck)) {
        problems.add(voter.userId + " got " + voter.firstAck + " instead of " + expected);
      }
      if (voter.plan.duplicate() && !"duplicate".equals(voter.secondAck)) {
        problems.add(voter.userId + " duplicate got " + voter.secondAck);
      }
      if (voter.verdicts != 1) {
        problems.add(voter.userId + " saw " + voter.verdicts + " verdicts");
      }
      if ("accepted".equals(voter.firstAck)) {
        acceptedTotal++;
        accepted.computeIfAbsent(roomId, r -> new HashMap<>()).merge(voter.plan.option(), 1L, Long::sum);
      }
    }
    Map<String, JsonObject> verdictOf = new HashMap<>();
    for (Voter voter : voters) {
      if (voter.verdict != null) {
        verdictOf.put(roomOf.get(voter), voter.verdict);
      }
    }
    for (String roomId : roomIds) {
      JsonObject verdict = verdictOf.get(roomId);
      Map<String, Long> counted = accepted.getOrDefault(roomId, Map.of());
      if (verdict == null) {
        problems.add(roomId + " has no verdict");
        continue;
      }
      JsonObject counts = verdict.getJsonObject("counts");
      for (String option : List.of("true", "false", "unsure")) {
        if (counts.getLong(option, 0L) != counted.getOrDefault(option, 0L).longValue()) {
          problems.add(roomId + " counted " + counts.getLong(option) + " '" + option + "' but " + counted.get(option)
              + " were accepted");
        }
      }
    }
    List<Long> handOff = new ArrayList<>();
    for (String roomId : roomIds) {
      JsonObject verdict = verdictOf.get(roomId);
      if (verdict == null || !"FALSE_CLAIM".equals(verdict.getString("outcome"))) {
        continue;
      }
      for (Object p : api.get("/api/penalties?subject=" + streamerOf.get(roomId), staff).getJsonArray("items")) {
        JsonObject penalty = (JsonObject) p;
        if (penalty.getString("verdictId").equals(verdict.getString("id"))) {
          handOff.add(java.time.Duration.between(Instant.parse(verdict.getString("decidedAt")),
              Instant.parse(penalty.getString("createdAt"))).toNanos());
        }
      }
    }
    JsonArray series = new JsonArray();
    acksBySecond.forEach((second, latencies) -> series.add(Percentiles.of(latencies).toJson().put("second", second)));
    double votingSeconds = Math.max(0.001, (lastAck - firstBallot) / 1e9);
    return new JsonObject()
        .put("date", Instant.now().toString())
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores (generator and node share them)")
        .put("sockets", voters.size())
        .put("rooms", roomIds.size())
        .put("promptSeconds", seconds)
        .put("connectPerSecond", Math.round(voters.size() / connectSeconds))
        .put("fanOut", Percentiles.of(fanOut).toJson())
        .put("ack", Percentiles.of(acks).toJson())
        .put("acceptedBallots", acceptedTotal)
        .put("acceptedPerSecond", Math.round(acks.size() / votingSeconds))
        .put("tallyFramesPerSocketPerSecond", Math.round(100.0 * tallyFrames / voters.size() / seconds) / 100.0)
        .put("closeToVerdict", Percentiles.of(closeToVerdict).toJson())
        .put("verdictToPenaltyRow", Percentiles.of(handOff).toJson())
        .put("ackBySecond", series)
        .put("problems", problems)
        .put("correct", problems.isEmpty());
  }
}
