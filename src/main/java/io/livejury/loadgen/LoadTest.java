package io.livejury.loadgen;

import io.livejury.common.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Load generator: N viewer sockets over M rooms on one or more running LiveJury nodes (each room's sockets
 * spread over every node), from several loopback source addresses (one address runs out of ports near
 * 28k) and, past one process's descriptor limit, from several processes started as parts of one run.
 * Every room gets a claim prompt at once; each viewer votes the moment it arrives, with a set share voting
 * "false", a share sending a duplicate and a share voting only after the deadline. The lead part reports
 * join rate (sockets open and welcomed per second), prompt fan-out, ballot ack latency, accepted ballots per second, tally frames per socket per
 * second, close → verdict and verdict → penalty row, the sockets each node holds and its live heap per
 * socket, and checks that every verdict's counts equal the ballots its room had accepted: zero lost, zero
 * doubled. Every viewer's token carries the juror claims of an ordinary viewer ({@link Tokens#jurorClaims}), so
 * on nodes with the jury rules on each ballot goes through all of them and passes. Rounds repeat on the same sockets and the last is reported, so the figures are of nodes past
 * their JIT warm-up; every round's main figures are listed too, to show how much they vary.
 *
 * <p>Arguments are {@code key=value}: url (comma-separated nodes), sockets, rooms, seconds, falseShare,
 * duplicateShare, lateShare, addresses, rounds, silent (true: viewers only watch, to time fan-out alone),
 * rate (ballots per second offered at a steady pace, split over the parts; 0, the default, is a burst: every
 * viewer votes the moment its prompt arrives) and paceAfterMs (how long after the first prompt the paced
 * ballots start, for the fan-out to finish), afterFanOut (true: every ballot waits until every socket of the process
 * has the prompt, then all go at once; ballots/s then times the ballot path alone), jurySize (sent with every prompt: a jury of about that many is
 * drawn from the room's viewers, the others' ballots are answered {@code rejected: not_selected}; 0, the
 * default, sends none), retryUnavailable (true: a ballot acked {@code unavailable} is sent again every 200 ms
 * until counted, its ack latency counted from the first try; the report says how many were),
 * pids (the nodes' process ids, in url order, to measure heap and the nodes' CPU time per fan-out and per round,
 * also reported as µs per voter-round: {@code nodeCpuUsPerVoter}),
 * serverPids (the Redis and Postgres processes' ids: their CPU time per round, their child processes included, and
 * {@code serverCpuUsPerVoter}), heap (false:
 * with pids, the CPU time only; each heap probe stops a node for seconds), result (a path without extension: .json and
 * .svg are written), and for a run over several processes part (i/n), run (an id all parts share) and
 * barrier (a directory all parts share).
 */
public final class LoadTest {

  private static final int CONNECTING_AT_ONCE = 400;
  private static final int PENALTY_WAIT_SECONDS = 10;

  record Options(List<URI> nodes, int sockets, int rooms, int seconds, double falseShare, double duplicateShare,
      double lateShare, int addresses, int rounds, boolean silent, double rate, long paceAfterMs, boolean afterFanOut,
      int jurySize, boolean retryUnavailable,
      List<Long> pids, List<Long> serverPids, boolean heap, String result, String run, Barrier barrier) {

    static Options parse(String[] args) {
      Map<String, String> a = new HashMap<>();
      for (String arg : args) {
        String[] kv = arg.split("=", 2);
        a.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
      String[] part = a.getOrDefault("part", "0/1").split("/");
      int parts = Integer.parseInt(part[1]);
      return new Options(
          Arrays.stream(a.getOrDefault("url", "http://127.0.0.1:8080").split(",")).map(URI::create).toList(),
          Integer.parseInt(a.getOrDefault("sockets", "2000")),
          Integer.parseInt(a.getOrDefault("rooms", "20")),
          Integer.parseInt(a.getOrDefault("seconds", "10")),
          Double.parseDouble(a.getOrDefault("falseShare", "0.7")),
          Double.parseDouble(a.getOrDefault("duplicateShare", "0.05")),
          Double.parseDouble(a.getOrDefault("lateShare", "0.02")),
          Integer.parseInt(a.getOrDefault("addresses", "4")),
          Integer.parseInt(a.getOrDefault("rounds", "2")),
          Boolean.parseBoolean(a.getOrDefault("silent", "false")),
          Double.parseDouble(a.getOrDefault("rate", "0")),
          Long.parseLong(a.getOrDefault("paceAfterMs", "2000")),
          Boolean.parseBoolean(a.getOrDefault("afterFanOut", "false")),
          Integer.parseInt(a.getOrDefault("jurySize", "0")),
          Boolean.parseBoolean(a.getOrDefault("retryUnavailable", "false")),
          pidList(a.get("pids")),
          pidList(a.get("serverPids")),
          Boolean.parseBoolean(a.getOrDefault("heap", "true")),
          a.get("result"),
          a.getOrDefault("run", Long.toString(System.currentTimeMillis(), 36)),
          parts == 1 ? Barrier.single() : new Barrier(Path.of(a.get("barrier")), Integer.parseInt(part[0]), parts));
    }

    private static List<Long> pidList(String pids) {
      return pids == null || pids.isBlank() ? List.of()
          : Arrays.stream(pids.split(",")).map(String::trim).map(Long::parseLong).toList();
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
        .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    try {
      JsonObject report = new LoadTest(vertx, options).run();
      if (!options.barrier().lead()) {
        return;
      }
      System.out.println(report.encodePrettily());
      if (options.result() != null) {
        Path json = Path.of(options.result() + ".json");
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, report.encodePrettily());
        Files.writeString(Path.of(options.result() + ".svg"), Chart.ackLatency(report));
        System.out.println("result written to " + json + " and " + options.result() + ".svg");
      }
      if (!report.getBoolean("correct")) {
        System.err.println("FAILED: " + report.getJsonArray("problems").encode());
        System.exit(1);
      }
    } finally {
      vertx.close().await();
    }
  }

  private final Vertx vertx;
  private final Options o;
  private final Barrier barrier;
  private final List<Api> nodes;
  private final Pacer pacer;
  private final List<String> roomIds = new ArrayList<>();
  private final Map<String, String> streamerOf = new HashMap<>();
  private final List<Voter> voters = new ArrayList<>();
  private String staff;

  private LoadTest(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.o = options;
    this.barrier = options.barrier();
    this.nodes = options.nodes().stream().map(Api::new).toList();
    this.pacer = o.afterFanOut() ? Pacer.afterFanOut(
        (o.sockets() - barrier.part() + barrier.parts() - 1) / barrier.parts(), 30_000)
        : o.rate() > 0 ? new Pacer(o.rate() / barrier.parts(), o.paceAfterMs()) : Pacer.BURST;
    for (int r = 0; r < o.rooms(); r++) {
      roomIds.add("load-" + o.run() + "-" + r);
      streamerOf.put(roomIds.get(r), "load-" + o.run() + "-streamer-" + r);
    }
  }

  private JsonObject run() throws Exception {
    staff = nodes.get(0).token("load-staff", "staff");
    Map<Long, Long> heapBefore = new HashMap<>();
    if (barrier.lead()) {
      for (long pid : o.heap() ? o.pids() : List.<Long>of()) {
        heapBefore.put(pid, NodeProbe.liveHeapBytes(pid));
      }
      createRooms();
    }
    barrier.await("rooms", 600);
    long connectStart = System.nanoTime();
    connect();
    awaitWelcomes();
    barrier.await("connected", 1800);
    double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
    JsonArray nodeFigures = barrier.lead() ? nodeFigures(heapBefore) : null;
    TimeUnit.SECONDS.sleep(1);

    JsonObject report = null;
    JsonArray everyRound = new JsonArray();
    for (int round = 1; round <= o.rounds(); round++) {
      voters.forEach(Voter::reset);
      pacer.reset();
      barrier.await("round-" + round, 600);
      report = round(round);
      if (report != null) {
        report.put("round", round).put("rounds", o.rounds()).put("pacedBallotsPerSecond", o.rate())
            .put("jurySize", o.jurySize() > 0 ? o.jurySize() : null);
        everyRound.add(new JsonObject().put("round", round).put("fanOut", report.getJsonObject("fanOut"))
            .put("fanOutNodeCpuMs", report.getValue("fanOutNodeCpuMs"))
            .put("nodeCpuMs", report.getValue("nodeCpuMs")).put("serverCpuMs", report.getValue("serverCpuMs"))
            .put("nodeCpuUsPerVoter", report.getValue("nodeCpuUsPerVoter"))
            .put("serverCpuUsPerVoter", report.getValue("serverCpuUsPerVoter"))
            .put("ack", report.getJsonObject("ack")).put("acceptedPerSecond", report.getLong("acceptedPerSecond"))
            .put("correct", report.getBoolean("correct")));
        System.out.printf("round %d: fan-out %s | ack %s | CPU µs per voter: nodes %s, Redis + Postgres %s | correct %s%n",
            round, report.getJsonObject("fanOut").encode(), report.getJsonObject("ack").encode(),
            report.getValue("nodeCpuUsPerVoter"), report.getValue("serverCpuUsPerVoter"), report.getBoolean("correct"));
        JsonArray problems = report.getJsonArray("problems");
        if (!problems.isEmpty()) {
          System.out.printf("  %d problems, first: %s%n", problems.size(), problems.stream().limit(3).toList());
        }
      }
    }
    if (barrier.lead()) {
      for (int i = 0; i < nodes.size(); i++) {
        nodeFigures.getJsonObject(i).put("socketsHeldAtEnd", NodeProbe.sockets(nodes.get(i)));
      }
      report.put("connectPerSecond", Math.round(o.sockets() / connectSeconds))
          .put("nodes", nodeFigures)
          .put("generatorProcesses", barrier.parts())
          .put("everyRound", everyRound);
    }
    barrier.await("done", 600);
    voters.forEach(Voter::close);
    return report;
  }

  private void createRooms() throws IOException, InterruptedException {
    for (int r = 0; r < o.rooms(); r++) {
      String streamer = streamerOf.get(roomIds.get(r));
      nodes.get(0).post("/api/rooms", staff, new JsonObject().put("roomId", roomIds.get(r))
          .put("streamerId", streamer).put("merchantId", "m-" + streamer).put("title", "Load room " + r));
    }
  }

  /**
   * Socket j is in room j mod rooms, on node (j div rooms) mod nodes, so every room spans every node; this
   * part opens the sockets j with j mod parts equal to its number.
   */
  private void connect() {
    Tokens tokens = new Tokens(vertx, System.getenv().getOrDefault("LIVEJURY_JWT_SECRET",
        "livejury-dev-secret-change-me-in-production"));
    List<WebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < o.addresses(); i++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
          .setLocalAddress("127.0.0." + (i + 1))));
    }
    Random random = new Random(7);
    List<Future<Voter>> batch = new ArrayList<>();
    int mine = 0;
    for (int j = 0; j < o.sockets(); j++) {
      double optionRoll = random.nextDouble();
      double roll = random.nextDouble();
      if (j % barrier.parts() != barrier.part()) {
        continue;
      }
      String userId = "load-" + o.run() + "-v" + j;
      Voter.Plan plan = new Voter.Plan(optionRoll < o.falseShare() ? "false" : "true",
          !o.silent() && roll < o.duplicateShare(),
          !o.silent() && roll >= o.duplicateShare() && roll < o.duplicateShare() + o.lateShare(), o.silent(),
          o.retryUnavailable());
      Api node = nodes.get((j / o.rooms()) % nodes.size());
      String token = tokens.juror(userId, j);
      batch.add(Voter.join(vertx, clients.get(mine++ % clients.size()), node.host(), node.port(),
          roomIds.get(j % o.rooms()), userId, token, plan, pacer, voters.size() + batch.size()));
      if (batch.size() == CONNECTING_AT_ONCE) {
        voters.addAll(Future.all(batch).await().list());
        batch.clear();
        if (voters.size() % (10 * CONNECTING_AT_ONCE) == 0) {
          System.out.printf("%sconnected %d sockets%n", prefix(), voters.size());
        }
      }
    }
    voters.addAll(Future.all(batch).await().list());
    System.out.printf("%sconnected %d sockets%n", prefix(), voters.size());
  }

  /**
   * Waits until every socket has its welcome, at most 5 minutes: a socket is open before the node has read what it
   * needs of the viewer (with the jury rules on, a profile from Redis and Postgres), and a round that started
   * earlier would time the end of the join burst as if it were the fan-out.
   */
  private void awaitWelcomes() throws InterruptedException {
    long giveUpAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    long waiting;
    // A socket the node closed instead (its join refused) never gets one: the round counts it as dropped.
    while ((waiting = voters.stream().filter(v -> v.welcomedAt == 0 && v.dropped == null).count()) > 0
        && System.nanoTime() < giveUpAt) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    if (waiting > 0) {
      System.out.printf("%s%d sockets had no welcome after 5 minutes%n", prefix(), waiting);
    }
  }

  /** Sockets and live heap per node, read once every part has connected. */
  private JsonArray nodeFigures(Map<Long, Long> heapBefore) throws IOException, InterruptedException {
    JsonArray figures = new JsonArray();
    for (int i = 0; i < nodes.size(); i++) {
      long held = NodeProbe.sockets(nodes.get(i));
      JsonObject node = new JsonObject().put("url", nodes.get(i).toString()).put("socketsHeld", held);
      if (o.heap() && i < o.pids().size()) {
        long pid = o.pids().get(i);
        long after = NodeProbe.liveHeapBytes(pid);
        node.put("liveHeapBeforeBytes", heapBefore.get(pid)).put("liveHeapAfterBytes", after)
            .put("heapPerSocketBytes", held == 0 ? 0 : (after - heapBefore.get(pid)) / held);
      }
      figures.add(node);
      System.out.printf("node %s holds %s%n", nodes.get(i), node.encode());
    }
    return figures;
  }

  /** One vote on every socket; the lead part opens the prompts and returns the round's report, others null. */
  private JsonObject round(int round) throws Exception {
    Map<String, Long> promptSentAt = new HashMap<>();
    Map<String, Long> closesAt = new HashMap<>();
    Map<String, JsonObject> juryOf = new HashMap<>();
    Double fanOutCpuMs = null;
    long roundCpuBefore = barrier.lead() ? nodesCpuNanos() : -1;
    long serverCpuBefore = barrier.lead() ? serversCpuNanos() : -1;
    if (barrier.lead()) {
      long cpuBefore = roundCpuBefore;
      // Every room's prompt goes out at the same moment, as when a platform asks many rooms at once.
      Map<String, CompletableFuture<JsonObject>> opening = new HashMap<>();
      for (String roomId : roomIds) {
        promptSentAt.put(roomId, System.nanoTime());
        JsonObject body = new JsonObject().put("kind", "claim").put("question", "主播说这款茶能治疗糖尿病，属实吗？")
            .put("durationSec", o.seconds());
        if (o.jurySize() > 0) {
          body.put("jurySize", o.jurySize());
        }
        opening.put(roomId, nodes.get(0).postAsync("/api/rooms/" + roomId + "/prompts", staff, body));
      }
      for (String roomId : roomIds) {
        JsonObject prompt = opening.get(roomId).get(30, TimeUnit.SECONDS);
        if (prompt.getValue("jury") instanceof JsonObject jury) {
          juryOf.put(roomId, jury);
        }
        closesAt.put(roomId, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
            Instant.parse(prompt.getString("closesAt")).toEpochMilli() - System.currentTimeMillis()));
      }
      fanOutCpuMs = fanOutCpuMs(cpuBefore);
    }
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(o.seconds() + 60L);
    // Done when every socket has its verdict and every ballot (late ones included) its answer.
    while (System.nanoTime() < deadline && voters.stream().anyMatch(v -> v.verdict == null
        || !v.plan.silent() && v.firstAck == null || v.plan.duplicate() && v.secondAck == null)) {
      TimeUnit.SECONDS.sleep(1);
      long acks = voters.stream().filter(v -> v.firstAck != null).count();
      long verdicts = voters.stream().filter(v -> v.verdict != null).count();
      List<String> dropped = voters.stream().map(v -> v.dropped).filter(java.util.Objects::nonNull).toList();
      System.out.printf("%st+%ds acks %d/%d verdicts %d/%d%s%n", prefix(), (System.nanoTime() - start) / 1_000_000_000L,
          acks, voters.size(), verdicts, voters.size(),
          dropped.isEmpty() ? "" : " dropped " + dropped.size() + " (" + dropped.get(0) + ")");
    }
    TimeUnit.SECONDS.sleep(1);
    List<Voter.Outcome> outcomes = new ArrayList<>(voters.stream().map(Voter::outcome).toList());
    if (!barrier.lead()) {
      barrier.put("outcomes-" + round, Json.encode(outcomes));
      barrier.await("outcomes-" + round, o.seconds() + 300L);
      return null;
    }
    barrier.await("outcomes-" + round, o.seconds() + 300L);
    for (int part = 1; part < barrier.parts(); part++) {
      outcomes.addAll(Arrays.asList(Json.decode(barrier.get("outcomes-" + round, part), Voter.Outcome[].class)));
    }
    Map<String, Duration> penaltyDelays = penaltyDelays(outcomes);
    // Over the whole round, penalty rows included: what one voter-round costs the nodes and the stores.
    Double nodeCpuMs = roundCpuBefore < 0 || barrier.parts() > 1 ? null : (nodesCpuNanos() - roundCpuBefore) / 1e6;
    Double serverCpuMs = serverCpuBefore < 0 ? null : (serversCpuNanos() - serverCpuBefore) / 1e6;
    return LoadReport.of(outcomes, roomIds, promptSentAt, closesAt, juryOf, o.seconds(), penaltyDelays)
        .put("fanOutNodeCpuMs", fanOutCpuMs).put("nodeCpuMs", nodeCpuMs).put("serverCpuMs", serverCpuMs)
        .put("nodeCpuUsPerVoter", perVoter(nodeCpuMs, outcomes.size()))
        .put("serverCpuUsPerVoter", perVoter(serverCpuMs, outcomes.size()));
  }

  /**
   * A round's CPU time (ms) as µs per voter-round: every socket of the run gets the prompt, tallies and the verdict
   * and (unless silent) sends a ballot and gets its ack, so the round's whole cost is spread over all of them.
   * Null when the CPU time is not known; one decimal.
   */
  static Double perVoter(Double cpuMs, int sockets) {
    return cpuMs == null || sockets == 0 ? null : Math.round(cpuMs * 10_000 / sockets) / 10.0;
  }

  /**
   * The CPU time of the Redis and Postgres processes so far (ns), their children included (Postgres serves each
   * connection from a child process); -1 when their ids are not known.
   */
  private long serversCpuNanos() throws IOException {
    if (o.serverPids().isEmpty()) {
      return -1;
    }
    long sum = 0;
    for (long pid : o.serverPids()) {
      sum += NodeProbe.cpuNanos(pid);
      for (ProcessHandle child : ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of())) {
        try {
          sum += NodeProbe.cpuNanos(child.pid());
        } catch (NoSuchFileException ended) {
          // a connection's process ended between the listing and the read
        }
      }
    }
    return sum;
  }

  /** The CPU time of every node under test so far (ns), or -1 when their process ids are not known. */
  private long nodesCpuNanos() throws IOException {
    if (o.pids().isEmpty()) {
      return -1;
    }
    long sum = 0;
    for (long pid : o.pids()) {
      sum += NodeProbe.cpuNanos(pid);
    }
    return sum;
  }

  /**
   * The nodes' CPU time (ms) from the moment the prompts were posted until every socket of this generator had
   * its prompt: what the nodes spent opening and fanning out the prompts, whatever the generator's own speed.
   * Null when it cannot be told: node process ids unknown, other generator processes hold sockets this one
   * cannot see, or some socket had no prompt within 30 s.
   */
  private Double fanOutCpuMs(long cpuBefore) throws IOException, InterruptedException {
    if (cpuBefore < 0 || barrier.parts() > 1) {
      return null;
    }
    long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (voters.stream().anyMatch(v -> v.promptAt == 0)) {
      if (System.nanoTime() > giveUpAt) {
        return null;
      }
      TimeUnit.MILLISECONDS.sleep(2);
    }
    return (nodesCpuNanos() - cpuBefore) / 1e6;
  }

  /**
   * Verdict decided → penalty row written, for each room whose claim was found false. The row is written
   * after the verdict frame reaches the viewers, so each room is asked again until its row is there.
   */
  private Map<String, Duration> penaltyDelays(List<Voter.Outcome> outcomes) throws IOException, InterruptedException {
    Map<String, Duration> delays = new HashMap<>();
    Map<String, JsonObject> condemned = LoadReport.condemned(outcomes);
    long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(PENALTY_WAIT_SECONDS);
    while (delays.size() < condemned.size() && System.nanoTime() < giveUpAt) {
      for (Map.Entry<String, JsonObject> room : condemned.entrySet()) {
        if (!delays.containsKey(room.getKey())) {
          penaltyRow(room.getValue(), streamerOf.get(room.getKey())).ifPresent(createdAt -> delays.put(room.getKey(),
              Duration.between(Instant.parse(room.getValue().getString("decidedAt")), createdAt)));
        }
      }
      if (delays.size() < condemned.size()) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    return delays;
  }

  private Optional<Instant> penaltyRow(JsonObject verdict, String streamerId) throws IOException, InterruptedException {
    for (Object p : nodes.get(0).get("/api/penalties?subject=" + streamerId, staff).getJsonArray("items")) {
      JsonObject penalty = (JsonObject) p;
      if (penalty.getString("verdictId").equals(verdict.getString("id"))) {
        return Optional.of(Instant.parse(penalty.getString("createdAt")));
      }
    }
    return Optional.empty();
  }

  private String prefix() {
    return barrier.parts() == 1 ? "" : "part " + barrier.part() + ": ";
  }
}
