package io.livejury.loadgen;

import io.vertx.core.Future;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The fault scenarios. Each puts an honest crowd to work in a room (viewers voting on prompts opened every few
 * seconds), applies one fault to a real process or socket, and checks what the crowd was told against what
 * Redis and Postgres hold afterwards.
 */
final class FaultScenarios {

  private static final String CLOSED = "livejury_connections_closed_total";
  private static final long MIB = 1024 * 1024;
  /** Live heap a node may gain while the stuck readers of scenario 1 are connected. */
  private static final long HEAP_BOUND = 16 * MIB;
  /** Past the handshake deadline (10 s by default), what a loaded two-core machine may take to close. */
  private static final long HANDSHAKE_MARGIN_MS = 5_000;

  private final Rig rig;
  private final String run;
  /** --quick: fewer prompts per scenario, so the CI subset stays under two minutes. */
  private final boolean quick;

  FaultScenarios(Rig rig, String run, boolean quick) {
    this.rig = rig;
    this.run = run;
    this.quick = quick;
  }

  /** The number of prompts a scenario's honest crowd votes on (half in a quick run). */
  private int prompts(int full) {
    return quick ? Math.max(3, full / 2) : full;
  }

  /** How often the honest crowd gets a prompt, in milliseconds. */
  private long every() {
    return quick ? 2_000 : 2_500;
  }

  /** How long each of the honest crowd's prompts is open, in seconds (5 is the shortest a prompt may be). */
  private int seconds() {
    return quick ? 5 : 8;
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private Crowd crowd(String room, int viewers, IntFunction<Api> nodes) {
    return new Crowd(rig.vertx, rig.tokens, room, nodes, 200, 4_000).join(room + "-v", viewers);
  }

  /** Waits for the crowd's verdicts and records whether its load held: the row's load, lost and dropped figures. */
  private Crowd.Audit judge(Outcome o, Crowd crowd, Api api) throws IOException, InterruptedException {
    crowd.awaitVerdicts(quick ? 15_000 : 45_000);
    Crowd.Audit audit = crowd.audit(api, rig.staff(), rig.redis.port);
    held(o, crowd, audit);
    return audit;
  }

  private void held(Outcome o, Crowd crowd, Crowd.Audit audit) {
    o.ackedLost = audit.lost.size();
    o.honestDropped = crowd.honestDropped();
    Percentiles ack = Percentiles.of(audit.ackNanos);
    o.load = String.format("%d viewers, %d prompts, %,d ballots accepted, ack p99 %.0f ms", crowd.viewers.size(),
        audit.prompts, audit.accepted, ack.p99());
    o.details.put("honest", audit.toJson());
    o.check("honest load held", audit.clean() && audit.prompts > 0 && audit.openFailures == 0 && audit.accepted > 0,
        String.format("%d prompts (%d could not be opened), %d verdicts, %,d accepted, %d acknowledged but lost%s",
            audit.prompts, audit.openFailures, audit.verdicts, audit.accepted, audit.lost.size(),
            audit.clean() ? "" : "; " + audit.findings()));
    o.check("honest clients kept", o.honestDropped == 0,
        o.honestDropped + " dropped" + (o.honestDropped == 0 ? "" : ": " + crowd.drops()));
  }

  private static double metric(Api api, String name, String labels) throws IOException, InterruptedException {
    return NodeProbe.metric(api, name, labels);
  }

  private static void sleep(long ms) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(ms);
  }

  private static double mib(long bytes) {
    return bytes / (double) MIB;
  }

  /** Verdict rows in Postgres for the room, read through the staff API: prompt id → how many. */
  private Map<String, Integer> verdictRows(Api api, String roomId) throws IOException, InterruptedException {
    Map<String, Integer> rows = new TreeMap<>();
    String cursor = null;
    for (int page = 0; page < 100; page++) {
      JsonObject items = api.get("/api/verdicts?limit=200&roomId=" + roomId + (cursor == null ? "" : "&cursor=" + cursor),
          rig.staff());
      items.getJsonArray("items").forEach(v -> rows.merge(((JsonObject) v).getString("promptId"), 1, Integer::sum));
      cursor = items.getString("next");
      if (cursor == null) {
        break;
      }
    }
    return rows;
  }

  /** Penalty rows of a streamer: verdict id → how many. */
  private Map<String, Integer> penaltyRows(Api api, String streamer) throws IOException, InterruptedException {
    Map<String, Integer> rows = new TreeMap<>();
    api.get("/api/penalties?subject=" + streamer, rig.staff()).getJsonArray("items")
        .forEach(p -> rows.merge(((JsonObject) p).getString("verdictId"), 1, Integer::sum));
    return rows;
  }

  /**
   * Checks that every prompt of the audit has exactly one verdict row and every false claim exactly one penalty
   * row (none for other outcomes), waiting up to the given time for the rows to land.
   */
  private void exactlyOnce(Outcome o, Api api, String roomId, Crowd.Audit audit, int waitSeconds)
      throws IOException, InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
    Map<String, Integer> verdicts;
    Map<String, Integer> penalties;
    long start = System.nanoTime();
    while (true) {
      verdicts = verdictRows(api, roomId);
      penalties = penaltyRows(api, roomId + "-streamer");
      boolean all = audit.verdictByPrompt.keySet().stream().allMatch(verdicts::containsKey)
          && audit.falseClaims.stream().allMatch(penalties::containsKey);
      if (all || System.nanoTime() > giveUp) {
        break;
      }
      sleep(500);
    }
    long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    List<String> wrong = new ArrayList<>();
    for (String promptId : audit.verdictByPrompt.keySet()) {
      int rows = verdicts.getOrDefault(promptId, 0);
      if (rows != 1) {
        wrong.add(promptId + " has " + rows + " verdict rows");
      }
    }
    Set<String> falseClaims = Set.copyOf(audit.falseClaims);
    for (String verdictId : audit.verdictByPrompt.values()) {
      int rows = penalties.getOrDefault(verdictId, 0);
      int expected = falseClaims.contains(verdictId) ? 1 : 0;
      if (rows != expected) {
        wrong.add(verdictId + " has " + rows + " penalty rows, expected " + expected);
      }
    }
    penalties.keySet().stream().filter(v -> !audit.verdictByPrompt.containsValue(v))
        .forEach(v -> wrong.add("penalty for unknown verdict " + v));
    o.details.put("verdictRows", verdicts.values().stream().mapToInt(Integer::intValue).sum())
        .put("penaltyRows", penalties.values().stream().mapToInt(Integer::intValue).sum());
    o.check("exactly one verdict row per prompt, one penalty per false claim", wrong.isEmpty(),
        String.format("%d prompts, %d verdict rows, %d false claims, %d penalty rows (waited %d s)%s",
            audit.verdictByPrompt.size(), verdicts.values().stream().mapToInt(Integer::intValue).sum(),
            falseClaims.size(), penalties.values().stream().mapToInt(Integer::intValue).sum(), waited,
            wrong.isEmpty() ? "" : "; " + wrong.stream().limit(5).collect(Collectors.joining("; "))));
  }

  /**
   * The node's live heap now, or the peak so far if higher; the class histogram of each new peak is kept in the
   * run directory, so a heap over its bound can be explained.
   */
  private long peakHeap(NodeProcess node, long peak, String scenario) throws IOException, InterruptedException {
    Path sample = rig.dir.resolve("heap-sample-" + scenario + ".txt");
    long now = node.liveHeap(sample);
    if (now > peak) {
      Files.move(sample, rig.dir.resolve("heap-peak-" + scenario + ".txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return Math.max(now, peak);
  }

  private String wsPath(String room, String token) {
    return "/ws/rooms/" + room + "?token=" + token;
  }

  // -------------------------------------------------------------------------------------------- scenarios

  /** 1a: a reader that stopped reading floods the node with 600,000 pings. */
  void stuckPingFlood(Outcome o) throws Exception {
    NodeProcess node = rig.node("stuck-ping");
    Api api = node.api();
    String room = "f1a-" + run;
    rig.room(api, room);
    Crowd crowd = crowd(room, 100, i -> api);
    long heapBefore = node.liveHeap();
    double closedBefore = metric(api, CLOSED, "slow_consumer");
    Thread prompts = crowd.drive(i -> api, rig.staff(), prompts(14), every(), seconds());

    RawWebSocket stuck = RawWebSocket.open(api.host(), api.port(), wsPath(room, rig.tokens.viewer(room + "-stuck")), 4096);
    if (stuck.status != 101) {
      throw new IllegalStateException("the stuck reader's handshake got " + stuck.status);
    }
    byte[] ping = RawWebSocket.text("{\"type\":\"ping\"}");
    byte[] chunk = new byte[ping.length * 1000];
    for (int i = 0; i < 1000; i++) {
      System.arraycopy(ping, 0, chunk, i * ping.length, ping.length);
    }
    AtomicLong sent = new AtomicLong();
    AtomicReference<String> writeStopped = new AtomicReference<>();
    Thread flood = new Thread(() -> {
      try {
        for (int i = 0; i < 600; i++) {
          stuck.write(chunk);
          sent.addAndGet(1000);
        }
      } catch (IOException e) {
        writeStopped.set(e.getMessage());
      }
    }, "ping-flood");
    long start = System.nanoTime();
    flood.start();
    long peak = heapBefore;
    double closedAfterS = -1;
    double idleBefore = metric(api, CLOSED, "idle");
    double idleAfterS = -1;
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(90)) {
      sleep(2_000);
      peak = peakHeap(node, peak, "1a");
      double now = (System.nanoTime() - start) / 1e9;
      if (closedAfterS < 0 && metric(api, CLOSED, "slow_consumer") > closedBefore) {
        closedAfterS = now;
      }
      if (idleAfterS < 0 && metric(api, CLOSED, "idle") > idleBefore) {
        idleAfterS = now;
      }
      if ((closedAfterS >= 0 || idleAfterS >= 0) && !flood.isAlive()) {
        break;
      }
    }
    // What the client finds once it reads again: the frames the node had queued, then its close frame.
    Integer closeCode = null;
    long framesRead = 0;
    stuck.readTimeout(5_000);
    try {
      for (RawWebSocket.Frame f; framesRead < 5_000_000 && (f = stuck.read()) != null; framesRead++) {
        if (f.opcode() == RawWebSocket.CLOSE) {
          closeCode = f.closeCode();
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      // still open, and nothing more to read
    } catch (IOException e) {
      // reset by the node
    }
    stuck.close();
    flood.join(10_000);
    prompts.join(60_000);
    Crowd.Audit audit = judge(o, crowd, api);
    long socketsAfter = NodeProbe.sockets(api);
    crowd.leave();

    o.faults = String.format("%,d of 600,000 pings sent; stuck socket %s; live heap peak +%.1f MiB", sent.get(),
        closedAfterS >= 0 ? String.format("closed (1013) after %.1f s", closedAfterS)
            : idleAfterS >= 0 ? String.format("closed only as idle (1001) after %.1f s", idleAfterS) : "not closed",
        mib(peak - heapBefore));
    o.details.put("pingsSent", sent.get()).put("writeStopped", writeStopped.get()).put("closedAfterSeconds", closedAfterS).put("closedAsIdleAfterSeconds", idleAfterS)
        .put("closeCodeSeenByClient", closeCode).put("framesReadAfterwards", framesRead)
        .put("liveHeapBeforeBytes", heapBefore).put("liveHeapPeakBytes", peak).put("heapBoundBytes", HEAP_BOUND)
        .put("socketsHeldAfter", socketsAfter);
    // The socket takes no write from the moment its buffers fill, within a second of the flood's start.
    o.check("stuck socket closed with 1013 within the stuck time (15 s) + 15 s", closedAfterS >= 0 && closedAfterS <= 30,
        closedAfterS >= 0 ? String.format("closed (slow_consumer) %.1f s after the flood began, close frame %s",
            closedAfterS, closeCode == null ? "not seen by the client" : closeCode)
            : idleAfterS >= 0 ? String.format("not closed as stuck; closed as idle (1001) %.1f s after the flood began",
                idleAfterS) : "still open after 90 s");
    o.check("live heap within bound", peak - heapBefore <= HEAP_BOUND,
        String.format("peak %.1f MiB over %.1f MiB before (bound +%.0f MiB)", mib(peak - heapBefore), mib(heapBefore),
            mib(HEAP_BOUND)));
    o.check("node holds only the honest sockets afterwards", socketsAfter == crowd.viewers.size() - o.honestDropped,
        socketsAfter + " sockets held");
    rig.stopNodes();
  }

  /** 1b: ten sockets that never read, while 2,000 prompts open in their room. */
  void stuckPromptFlood(Outcome o) throws Exception {
    // A room may hold LIVEJURY_ROOM_MAX_OPEN_PROMPTS (20) open prompts by default: raised here, so 2,000
    // must-arrive frames (~1.8 MB) queue behind each socket that does not read.
    NodeProcess node = rig.node("stuck-prompts", Map.of("LIVEJURY_ROOM_MAX_OPEN_PROMPTS", "2000"));
    Api api = node.api();
    String room = "f1b-" + run;
    String stuckRoom = "f1b-stuck-" + run;
    rig.room(api, room);
    rig.room(api, stuckRoom);
    Crowd crowd = crowd(room, 100, i -> api);
    long heapBefore = node.liveHeap();
    double closedBefore = metric(api, CLOSED, "slow_consumer");
    List<RawWebSocket> stuck = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RawWebSocket s = RawWebSocket.open(api.host(), api.port(), wsPath(stuckRoom, rig.tokens.viewer(stuckRoom + "-" + i)), 4096);
      if (s.status != 101) {
        throw new IllegalStateException("a stuck reader's handshake got " + s.status);
      }
      stuck.add(s);
    }
    Thread prompts = crowd.drive(i -> api, rig.staff(), prompts(14), every(), seconds());
    String question = "主播说这款茶能治疗糖尿病，属实吗？".repeat(17); // ~300 characters, ~900 bytes
    AtomicLong opened = new AtomicLong();
    List<Thread> openers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < 4; t++) {
      Thread opener = new Thread(() -> {
        for (int i = 0; i < 500; i++) {
          try {
            api.post("/api/rooms/" + stuckRoom + "/prompts", rig.staff(), new JsonObject().put("kind", "claim")
                .put("question", question).put("durationSec", 20));
            opened.incrementAndGet();
          } catch (IOException | RuntimeException e) {
            return;
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      opener.start();
      openers.add(opener);
    }
    long peak = heapBefore;
    double allClosedS = -1;
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(90)) {
      sleep(2_000);
      peak = peakHeap(node, peak, "1b");
      if (metric(api, CLOSED, "slow_consumer") - closedBefore >= 10 && openers.stream().noneMatch(Thread::isAlive)) {
        allClosedS = (System.nanoTime() - start) / 1e9;
        break;
      }
    }
    double closed = metric(api, CLOSED, "slow_consumer") - closedBefore;
    for (RawWebSocket s : stuck) {
      s.close();
    }
    for (Thread opener : openers) {
      opener.join(30_000);
    }
    prompts.join(60_000);
    judge(o, crowd, api);
    crowd.leave();
    boolean quiet = rig.awaitQuiet(120);
    o.faults = String.format("%,d prompts opened to 10 non-reading sockets; %.0f of 10 closed%s; live heap peak +%.1f MiB",
        opened.get(), closed, allClosedS < 0 ? "" : String.format(" within %.1f s", allClosedS), mib(peak - heapBefore));
    o.details.put("promptsOpened", opened.get()).put("stuckClosed", closed).put("allClosedAfterSeconds", allClosedS)
        .put("liveHeapBeforeBytes", heapBefore).put("liveHeapPeakBytes", peak).put("heapBoundBytes", HEAP_BOUND)
        .put("storeQuietAfter", quiet);
    o.check("2,000 prompts opened", opened.get() == 2_000, opened.get() + " opened");
    o.check("every stuck socket closed by the node", closed >= 10, String.format("%.0f of 10 closed (slow_consumer)", closed));
    o.check("live heap within bound", peak - heapBefore <= HEAP_BOUND,
        String.format("peak %.1f MiB over %.1f MiB before (bound +%.0f MiB)", mib(peak - heapBefore), mib(heapBefore),
            mib(HEAP_BOUND)));
    rig.stopNodes();
  }

  /** 2: 2,000 handshakes with one user's token. */
  void oneUserManySockets(Outcome o) throws Exception {
    NodeProcess node = rig.node("one-user");
    Api api = node.api();
    String room = "f2-" + run;
    rig.room(api, room);
    Crowd crowd = crowd(room, 100, i -> api);
    Thread prompts = crowd.drive(i -> api, rig.staff(), prompts(8), every(), seconds());
    String token = rig.tokens.viewer(room + "-one-user");
    WebSocketClient client = rig.vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    List<WebSocket> accepted = new ArrayList<>();
    Map<String, Integer> refused = new TreeMap<>();
    for (int batch = 0; batch < 8; batch++) {
      List<Future<WebSocket>> attempts = new ArrayList<>();
      for (int i = 0; i < 250; i++) {
        attempts.add(client.connect(new WebSocketConnectOptions().setHost(api.host()).setPort(api.port())
            .setURI(wsPath(room, token)).setTimeout(30_000)));
      }
      Future.join(attempts).otherwiseEmpty().await();
      for (Future<WebSocket> attempt : attempts) {
        if (attempt.succeeded()) {
          accepted.add(attempt.result());
        } else {
          String why = attempt.cause() instanceof UpgradeRejectedException rejected
              ? Integer.toString(rejected.getStatus()) : attempt.cause().getClass().getSimpleName();
          refused.merge(why, 1, Integer::sum);
        }
      }
    }
    long held = NodeProbe.sockets(api);
    prompts.join(60_000);
    judge(o, crowd, api);
    accepted.forEach(WebSocket::close);
    client.close().await();
    crowd.leave();
    int refused429 = refused.getOrDefault("429", 0);
    o.faults = String.format("2,000 handshakes of one user: %d accepted, %,d refused with 429", accepted.size(), refused429);
    o.details.put("accepted", accepted.size()).put("refused", new JsonObject(new HashMap<>(refused)))
        .put("socketsHeldDuring", held);
    o.check("at most 5 sockets accepted for one user", accepted.size() <= 5 && accepted.size() >= 1,
        accepted.size() + " accepted; refusals " + refused);
    o.check("every other handshake refused with 429", refused429 == 2_000 - accepted.size(), "refusals " + refused);
    o.check("node holds the crowd and those sockets only", held == crowd.viewers.size() + accepted.size(),
        held + " sockets held");
    rig.stopNodes();
  }

  /** 3: connections that never finish their upgrade, half silent and half trickling a byte a second. */
  void halfOpenUpgrades(Outcome o, int connections) throws Exception {
    NodeProcess node = rig.node("half-open");
    Api api = node.api();
    String room = "f3-" + run;
    rig.room(api, room);
    Crowd crowd = crowd(room, 100, i -> api);
    long fdsBefore = node.openFiles();
    Thread prompts = crowd.drive(i -> api, rig.staff(), prompts(10), every(), seconds());
    byte[] request = ("GET " + wsPath(room, rig.tokens.viewer(room + "-trickle")) + " HTTP/1.1\r\nHost: " + api.host()
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nX-Padding: "
        + "x".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    long[] connectedAt = new long[connections];
    long[] closedAt = new long[connections];
    int[] trickled = new int[connections];
    SocketChannel[] channels = new SocketChannel[connections];
    ByteBuffer sink = ByteBuffer.allocate(4096);
    int open = 0;
    long start = System.nanoTime();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < connections; i++) {
        SocketChannel channel = SocketChannel.open();
        channel.connect(new InetSocketAddress(api.host(), api.port()));
        connectedAt[i] = System.nanoTime();
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, i);
        channels[i] = channel;
        open++;
      }
      long connectSeconds = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      o.details.put("connectMillis", connectSeconds);
      long lastTrickle = 0;
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
      while (open > 0 && System.nanoTime() < giveUp) {
        selector.select(200);
        for (SelectionKey key : selector.selectedKeys()) {
          int i = (Integer) key.attachment();
          int read;
          try {
            sink.clear();
            read = channels[i].read(sink);
          } catch (IOException e) {
            read = -1;
          }
          if (read < 0) {
            closedAt[i] = System.nanoTime();
            key.cancel();
            channels[i].close();
            open--;
          }
        }
        selector.selectedKeys().clear();
        if (System.nanoTime() - lastTrickle > TimeUnit.SECONDS.toNanos(1)) {
          lastTrickle = System.nanoTime();
          for (int i = 1; i < connections; i += 2) {
            if (closedAt[i] == 0 && trickled[i] < request.length) {
              try {
                channels[i].write(ByteBuffer.wrap(request, trickled[i]++, 1));
              } catch (IOException e) {
                // closed: the selector sees it
              }
            }
          }
        }
      }
      for (int i = 0; i < connections; i++) {
        if (closedAt[i] == 0) {
          channels[i].close();
        }
      }
    }
    List<Long> lifetimes = new ArrayList<>();
    int stillOpen = 0;
    int late = 0;
    for (int i = 0; i < connections; i++) {
      if (closedAt[i] == 0) {
        stillOpen++;
      } else {
        long life = closedAt[i] - connectedAt[i];
        lifetimes.add(life);
        if (TimeUnit.NANOSECONDS.toMillis(life) > 10_000 + HANDSHAKE_MARGIN_MS) {
          late++;
        }
      }
    }
    Percentiles life = Percentiles.of(lifetimes);
    prompts.join(60_000);
    judge(o, crowd, api);
    crowd.leave();
    sleep(1_000);
    long fdsAfter = node.openFiles();
    o.faults = String.format("%,d connections never upgraded (half silent, half trickling): %,d closed by the node, "
        + "after %.1f s at most", connections, connections - stillOpen, life.max() / 1000);
    o.details.put("connections", connections).put("stillOpen", stillOpen).put("closedLate", late)
        .put("lifetime", life.toJson()).put("nodeFdsBefore", fdsBefore).put("nodeFdsAfter", fdsAfter);
    o.check("every unfinished upgrade closed within 10 s + " + HANDSHAKE_MARGIN_MS / 1000 + " s",
        stillOpen == 0 && late == 0, String.format("%d still open after 45 s, %d closed late; lifetime p50 %.1f s, max %.1f s",
            stillOpen, late, life.p50() / 1000, life.max() / 1000));
    o.check("node's descriptors back to where they were", fdsAfter <= fdsBefore + 20,
        fdsBefore + " before, " + fdsAfter + " after (crowd gone too)");
    rig.stopNodes();
  }

  /** 4: a node without a real secret must not start; forged, expired and endless tokens get 401. */
  void tokens(Outcome o) throws Exception {
    // (a) production shape without a secret
    Map<String, String> env = new HashMap<>();
    env.put("LIVEJURY_REDIS_URL", rig.redis.url());
    env.put("LIVEJURY_PG_URL", rig.postgres.url());
    env.put("LIVEJURY_HTTP_PORT", "0");
    NodeProcess unsafe = NodeProcess.launch("04-no-secret", rig.dir.resolve("nodes"), env);
    rig.adopt(unsafe);
    boolean listened = unsafe.awaitListening(90).isPresent();
    Integer exit = listened ? null : unsafe.exitCode();
    if (listened) {
      unsafe.kill9();
    }
    o.check("production node without LIVEJURY_JWT_SECRET refuses to start", !listened && exit != null && exit != 0,
        listened ? "it started and listened, signing with the public development secret" : "exited with " + exit);

    NodeProcess node = rig.node("tokens");
    Api api = node.api();
    NodeProcess devNode = rig.node("tokens-dev-secret", Map.of("LIVEJURY_JWT_SECRET", ""));
    String room = "f4-" + run;
    rig.room(api, room);
    Crowd crowd = crowd(room, 50, i -> api);
    Thread prompts = crowd.drive(i -> api, rig.staff(), prompts(6), every(), seconds());

    long now = System.currentTimeMillis() / 1000;
    long century = now + 100L * 365 * 24 * 3600;
    Tokens devSecret = new Tokens(rig.vertx, "livejury-dev-secret-change-me-in-production");
    Tokens wrongKey = new Tokens(rig.vertx, "not-the-key-" + run);
    Map<String, String> refusedTokens = new java.util.LinkedHashMap<>();
    refusedTokens.put("dev secret, exp a century ahead",
        devSecret.signAsIs(new JsonObject().put("sub", "f4-x").put("role", "staff").put("iat", now).put("exp", century)));
    refusedTokens.put("node's secret, exp a century ahead",
        rig.tokens.signAsIs(new JsonObject().put("sub", "f4-x").put("role", "staff").put("iat", now).put("exp", century)));
    refusedTokens.put("forged (wrong key)", wrongKey.staff("f4-x"));
    refusedTokens.put("expired an hour ago",
        rig.tokens.signAsIs(new JsonObject().put("sub", "f4-x").put("role", "staff").put("iat", now - 7200).put("exp", now - 3600)));
    refusedTokens.put("no expiry",
        rig.tokens.signAsIs(new JsonObject().put("sub", "f4-x").put("role", "staff").put("iat", now)));
    JsonArray results = new JsonArray();
    List<String> wrong = new ArrayList<>();
    int refusals = 0;
    for (Map.Entry<String, String> t : refusedTokens.entrySet()) {
      int http = api.status("/api/rooms/" + room, t.getValue());
      int ws = wsStatus(api, room, t.getValue());
      results.add(new JsonObject().put("token", t.getKey()).put("node", "secret").put("http", http).put("ws", ws));
      refusals += (http == 401 ? 1 : 0) + (ws == 401 ? 1 : 0);
      if (http != 401 || ws != 401) {
        wrong.add(t.getKey() + ": HTTP " + http + ", WebSocket " + ws);
      }
    }
    // On a development node the century-long token is signed with the key it trusts: only a lifetime cap refuses it.
    String devRoom = "f4-dev-" + run;
    devNode.api().post("/api/rooms", devSecret.staff("f4-staff"), new JsonObject().put("roomId", devRoom)
        .put("streamerId", devRoom + "-streamer").put("merchantId", "m-" + devRoom).put("title", "Dev secret"));
    String devCentury = refusedTokens.get("dev secret, exp a century ahead");
    int devHttp = devNode.api().status("/api/rooms/" + devRoom, devCentury);
    int devWs = wsStatus(devNode.api(), devRoom, devCentury);
    results.add(new JsonObject().put("token", "dev secret, exp a century ahead").put("node", "dev").put("http", devHttp)
        .put("ws", devWs));
    refusals += (devHttp == 401 ? 1 : 0) + (devWs == 401 ? 1 : 0);
    if (devHttp != 401 || devWs != 401) {
      wrong.add("dev node, dev secret, exp a century ahead: HTTP " + devHttp + ", WebSocket " + devWs);
    }
    // Control: a valid token passes, so the refusals above are the token's doing.
    int controlHttp = api.status("/api/rooms/" + room, rig.staff());
    int controlWs = wsStatus(api, room, rig.tokens.viewer("f4-control"));
    o.details.put("tokens", results).put("controlHttp", controlHttp).put("controlWs", controlWs);
    o.check("forged, expired and endless tokens refused with 401 (HTTP and WebSocket)", wrong.isEmpty(),
        wrong.isEmpty() ? refusals + " refusals" : String.join("; ", wrong));
    o.check("a valid token still passes", controlHttp == 200 && controlWs == 101,
        "HTTP " + controlHttp + ", WebSocket " + controlWs);
    prompts.join(60_000);
    judge(o, crowd, api);
    crowd.leave();
    o.faults = String.format("start without a secret %s; %d of %d bad-token requests refused with 401",
        listened ? "NOT refused" : "refused", refusals, 2 * refusedTokens.size() + 2);
    rig.stopNodes();
  }

  /**
   * The processes an embedded node runs its servers in: those it started, and those listening on the ports its
   * log names for the embedded Redis and Postgres (pg_ctl starts Postgres detached, so it is nobody's child).
   */
  private static List<ProcessHandle> serverProcesses(NodeProcess node) throws IOException, InterruptedException {
    List<ProcessHandle> found = new ArrayList<>(node.descendants());
    java.util.regex.Matcher port = java.util.regex.Pattern.compile("Embedded (?:Redis|Postgres) on port (\\d+)")
        .matcher(Files.readString(node.log));
    while (port.find()) {
      for (ProcessHandle p : Children.listening(Integer.parseInt(port.group(1)))) {
        if (!found.contains(p) && p.pid() != node.pid()) {
          found.add(p);
        }
      }
    }
    return found;
  }

  private static int wsStatus(Api api, String room, String token) throws IOException {
    try (RawWebSocket ws = RawWebSocket.open(api.host(), api.port(), "/ws/rooms/" + room + "?token=" + token, 0)) {
      return ws.status;
    }
  }

  /** 5: kill -9 one of two nodes while prompts are closing. */
  void killNodeMidClose(Outcome o) throws Exception {
    NodeProcess a = rig.node("close-a");
    NodeProcess b = rig.node("close-b");
    List<Api> both = List.of(a.api(), b.api());
    String room = "f5-" + run;
    rig.room(b.api(), room);
    Crowd crowd = crowd(room, 160, i -> both.get(i % 2));
    // As many prompts as a room may hold open at once (LIVEJURY_ROOM_MAX_OPEN_PROMPTS, 20), all opened within
    // 2 s, so their deadlines fall within 2 s of each other.
    int prompts = 20;
    crowd.drive(i -> both.get(i % 2), rig.staff(), prompts, 100, 10).join(60_000);
    long firstClose = crowd.opened.stream().mapToLong(Crowd.Opened::closesAtMs).min().orElse(0);
    long lastClose = crowd.opened.stream().mapToLong(Crowd.Opened::closesAtMs).max().orElse(0);
    // Kill when about a third of them should have closed.
    long killAt = firstClose + (lastClose - firstClose) / 3 + 150;
    sleep(Math.max(0, killAt - System.currentTimeMillis()));
    crowd.viewers.stream().filter(v -> v.node == both.get(0)).forEach(v -> v.onKilledNode = true);
    a.kill9();
    long killedWall = System.currentTimeMillis();
    int closedAtKill = 0;
    for (Crowd.Opened p : crowd.opened) {
      if ("closed".equals(b.api().get("/api/prompts/" + p.id(), rig.staff()).getString("status"))) {
        closedAtKill++;
      }
    }
    Crowd.Audit audit = judge(o, crowd, b.api());
    exactlyOnce(o, b.api(), room, audit, 60);
    crowd.leave();
    o.faults = String.format("node killed (SIGKILL) %d ms after the first of %d deadlines, %d of them closed by then; "
        + "the other node finished the rest", killedWall - firstClose, crowd.opened.size(), closedAtKill);
    o.details.put("promptsClosedAtKill", closedAtKill).put("killedAfterFirstDeadlineMs", killedWall - firstClose);
    o.check("every prompt decided", audit.verdicts == crowd.opened.size() && crowd.opened.size() == prompts,
        audit.verdicts + " verdicts for " + crowd.opened.size() + " prompts");
    rig.stopNodes();
  }

  /** 6: Postgres frozen (SIGSTOP) for a minute under load. */
  void postgresStopped(Outcome o, int pauseSeconds) throws Exception {
    NodeProcess node = rig.node("pg-stop");
    Api api = node.api();
    String room = "f6-" + run;
    rig.room(api, room);
    Crowd crowd = crowd(room, 100, i -> api);
    int prompts = (pauseSeconds + 30) / 3;
    Thread driver = crowd.drive(i -> api, rig.staff(), prompts, 3_000, 8);
    sleep(6_000);
    long pausedAt = System.currentTimeMillis();
    rig.postgres.pause();
    int frozen = rig.postgres.pausedProcesses();
    sleep(pauseSeconds * 1000L);
    rig.postgres.resume();
    long resumedAt = System.currentTimeMillis();
    driver.join(120_000);
    Crowd.Audit audit = judge(o, crowd, api);
    long acceptedDuring = 0;
    long unavailableDuring = 0;
    for (Crowd.Viewer v : crowd.viewers) {
      for (Crowd.Seen s : v.seen.values()) {
        if (s.ackWallMs >= pausedAt && s.ackWallMs <= resumedAt) {
          acceptedDuring += "accepted".equals(s.ack) ? 1 : 0;
          unavailableDuring += "unavailable".equals(s.reason) ? 1 : 0;
        }
      }
    }
    long decidedDuring = crowd.opened.stream().filter(p -> p.closesAtMs() > pausedAt && p.closesAtMs() < resumedAt).count();
    exactlyOnce(o, api, room, audit, 90);
    crowd.leave();
    o.faults = String.format("Postgres frozen %d s (%d processes): %,d ballots accepted meanwhile, %d verdicts decided "
        + "meanwhile", pauseSeconds, frozen, acceptedDuring, decidedDuring);
    o.details.put("pausedSeconds", pauseSeconds).put("acceptedWhilePaused", acceptedDuring)
        .put("refusedUnavailableWhilePaused", unavailableDuring).put("decidedWhilePaused", decidedDuring);
    o.check("ballots accepted while Postgres is frozen", acceptedDuring > 0 && unavailableDuring == 0,
        acceptedDuring + " accepted, " + unavailableDuring + " refused as unavailable");
    rig.stopNodes();
  }

  /** 7: Redis shut down (graceful) or killed, then started again on the same port and data. */
  void redisRestart(Outcome o, boolean kill) throws Exception {
    NodeProcess a = rig.node(kill ? "redis-kill-a" : "redis-restart-a");
    NodeProcess b = rig.node(kill ? "redis-kill-b" : "redis-restart-b");
    List<Api> both = List.of(a.api(), b.api());
    String room = (kill ? "f7b-" : "f7a-") + run;
    rig.room(a.api(), room);
    Crowd crowd = new Crowd(rig.vertx, rig.tokens, room, i -> both.get(i % 2), 200, 6_000).join(room + "-v", 120);
    Thread driver = crowd.drive(i -> both.get(i % 2), rig.staff(), 18, 2_000, 10);
    sleep(10_000);
    long downAt = System.currentTimeMillis();
    if (kill) {
      rig.redis.kill9();
    } else {
      rig.redis.shutdown();
    }
    sleep(2_000);
    rig.redis.start();
    long upAt = System.currentTimeMillis();
    driver.join(120_000);
    crowd.awaitVerdicts(60_000);
    // Prompts opened once Redis was back show that nodes and sockets recovered by themselves.
    Crowd.Audit after = crowd.audit(a.api(), rig.staff(), rig.redis.port, p -> p.closesAtMs() - 10_000 > upAt);
    Crowd.Audit audit = crowd.audit(a.api(), rig.staff(), rig.redis.port);
    o.ackedLost = audit.lost.size();
    o.honestDropped = crowd.honestDropped();
    Percentiles ack = Percentiles.of(audit.ackNanos);
    o.load = String.format("%d viewers on 2 nodes, %d prompts (%d refused while Redis was down), %,d ballots accepted, "
        + "ack p99 %.0f ms", crowd.viewers.size(), audit.prompts, audit.openFailures, audit.accepted, ack.p99());
    o.details.put("honest", audit.toJson()).put("afterRestart", after.toJson()).put("downMillis", upAt - downAt);
    long unanswered = audit.uncertain;
    o.faults = String.format("Redis %s, back %.1f s later on the same port and data; %,d ballots refused or unanswered "
        + "meanwhile", kill ? "killed (SIGKILL)" : "shut down (SHUTDOWN)", (upAt - downAt) / 1000.0, unanswered);
    o.check("nodes and sockets recovered: prompts opened after the restart reached every viewer with one verdict",
        after.prompts > 0 && after.clean(), after.prompts + " prompts after the restart"
            + (after.clean() ? "" : "; " + after.findings()));
    o.check("honest clients kept", o.honestDropped == 0,
        o.honestDropped + " dropped" + (o.honestDropped == 0 ? "" : ": " + crowd.drops()));
    if (!kill) {
      o.check("every acknowledged ballot still counted; every prompt one verdict, to every viewer", audit.clean(),
          String.format("%,d accepted, %d lost%s", audit.accepted, audit.lost.size(),
              audit.clean() ? "" : "; " + audit.findings()));
    } else {
      // With appendfsync everysec Redis writes each command to its append-only file before it answers; what a
      // SIGKILL of the process may cost is what was written and not yet flushed by the OS, which a process kill
      // does not lose. A machine crash could lose the last second or so; this scenario measures the process kill.
      long window = 2_000;
      long outside = audit.lost.stream().filter(l -> l.ackWallMs() < downAt - window).count();
      long acksInWindow = crowd.viewers.stream().flatMap(v -> v.seen.values().stream())
          .filter(s -> "accepted".equals(s.ack) && s.ackWallMs >= downAt - window && s.ackWallMs <= downAt).count();
      o.lostNote = String.format("as documented: at most the acks of the last second or two before the kill; "
          + "%d were acked in the 2 s before it", acksInWindow);
      o.details.put("lost", new JsonArray(audit.lost.stream().map(l -> new JsonObject().put("userId", l.userId())
          .put("promptId", l.promptId()).put("ackedMsBeforeKill", downAt - l.ackWallMs())).limit(200).toList()))
          .put("ackedInLastTwoSecondsBeforeKill", acksInWindow);
      o.check("lost only what was acknowledged in the last 2 s before the kill (as documented)", outside == 0,
          String.format("%d acknowledged ballots lost, %d of them acknowledged earlier than 2 s before the kill",
              audit.lost.size(), outside));
      // A prompt opened or closed in the last 2 s before the kill may have lost that event with the data; every
      // other prompt must come through whole, to every viewer.
      java.util.function.LongPredicate inWindow = t -> t >= downAt - window && t <= downAt;
      Crowd.Audit whole = crowd.audit(a.api(), rig.staff(), rig.redis.port,
          p -> !inWindow.test(p.closesAtMs() - 10_000) && !inWindow.test(p.closesAtMs()));
      o.details.put("promptsWithoutEventsNearTheKill", whole.toJson());
      o.check("prompts with no event near the kill: one verdict each, to every viewer", whole.problemCount == 0,
          whole.prompts + " such prompts" + (whole.problems.isEmpty() ? "" : "; "
              + whole.problems.stream().limit(3).collect(Collectors.joining("; "))));
    }
    crowd.leave();
    rig.stopNodes();
  }

  /** 8: the nodes' pub/sub connections killed every 500 ms during a vote. */
  void pubSubSevered(Outcome o, int seconds) throws Exception {
    NodeProcess a = rig.node("pubsub-a");
    NodeProcess b = rig.node("pubsub-b");
    List<Api> both = List.of(a.api(), b.api());
    String room = "f8-" + run;
    rig.room(a.api(), room);
    Crowd crowd = crowd(room, 100, i -> both.get(i % 2));
    int prompts = Math.max(4, seconds * 2 / 3);
    Thread driver = crowd.drive(i -> both.get(i % 2), rig.staff(), prompts, 1_500, quick ? 5 : 6);
    int rounds = 0;
    int killed = 0;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 6);
    while (System.nanoTime() < until && rounds < 200) {
      for (String id : rig.redis.subscriberIds()) {
        Object n = Resp.call(rig.redis.port, "CLIENT", "KILL", "ID", id);
        killed += n instanceof Long l ? l.intValue() : 0;
      }
      rounds++;
      sleep(500);
    }
    driver.join(60_000);
    judge(o, crowd, a.api());
    crowd.leave();
    o.faults = String.format("%d subscriber connections killed over %d rounds, every 500 ms for %d s", killed, rounds,
        seconds + 6);
    o.details.put("subscriberConnectionsKilled", killed).put("rounds", rounds);
    o.check("subscriber connections were killed", killed >= rounds / 2, killed + " killed");
    rig.stopNodes();
  }

  /** 9: 10,000 malformed frames from one socket. */
  void malformed(Outcome o) throws Exception {
    NodeProcess node = rig.node("malformed");
    Api api = node.api();
    String room = "f9-" + run;
    rig.room(api, room);
    Crowd crowd = crowd(room, 100, i -> api);
    Thread prompts = crowd.drive(i -> api, rig.staff(), prompts(8), every(), seconds());
    double droppedBefore = metric(api, "livejury_frames_dropped_total", "");
    RawWebSocket ws = RawWebSocket.open(api.host(), api.port(), wsPath(room, rig.tokens.viewer(room + "-malformed")), 0);
    if (ws.status != 101) {
      throw new IllegalStateException("the malformed client's handshake got " + ws.status);
    }
    Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
    AtomicReference<Integer> closeCode = new AtomicReference<>();
    AtomicLong lastAnswer = new AtomicLong(System.nanoTime());
    Thread reader = new Thread(() -> {
      try {
        for (RawWebSocket.Frame f; (f = ws.read()) != null; ) {
          if (f.opcode() == RawWebSocket.CLOSE) {
            closeCode.set(f.closeCode());
            return;
          }
          if (f.opcode() != RawWebSocket.TEXT) {
            continue;
          }
          JsonObject frame = new JsonObject(f.text());
          String kind = switch (frame.getString("type")) {
            case "error" -> "error:" + frame.getString("code");
            case "ack" -> "ack:" + frame.getString("status") + ":" + frame.getString("reason", "");
            case "prompt", "tally", "verdict", "welcome" -> "room";
            default -> frame.getString("type");
          };
          answers.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
          lastAnswer.set(System.nanoTime());
        }
      } catch (IOException e) {
        // closed
      }
    }, "malformed-reader");
    reader.setDaemon(true);
    reader.start();
    sleep(500);
    answers.clear(); // the welcome
    byte[][] kinds = {
        RawWebSocket.text("{\"type\":"),                                   // bad JSON
        RawWebSocket.text("{\"type\":\"no-such-type\",\"ref\":\"u\"}"),   // unknown type
        RawWebSocket.frame(RawWebSocket.BINARY, new byte[] {1, 2, 3, 4}), // binary
        RawWebSocket.text("[1,2,3]"),                                     // JSON, not an object
        RawWebSocket.text("{\"type\":\"ballot\",\"ref\":\"b\"}"),         // ballot without prompt or option
        RawWebSocket.text("\"just a string\""),
        RawWebSocket.text("{\"ref\":\"no type\"}"),
        RawWebSocket.text("x".repeat(20_000)),                            // over the 16 KiB frame limit
    };
    int sent = 0;
    int ballots = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      // The oversized kind only every 100th frame, so the run stays a flood of small frames.
      byte[] frame = i % 100 == 99 ? kinds[7] : kinds[i % 7];
      ballots += frame == kinds[4] ? 1 : 0;
      ws.write(frame);
      sent++;
    }
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < giveUp && System.nanoTime() - lastAnswer.get() < TimeUnit.SECONDS.toNanos(2)) {
      sleep(200);
    }
    answers.remove("room");
    long answered = answers.values().stream().mapToLong(AtomicLong::get).sum();
    long ballotAcks = answers.entrySet().stream().filter(e -> e.getKey().startsWith("ack:"))
        .mapToLong(e -> e.getValue().get()).sum();
    double dropped = metric(api, "livejury_frames_dropped_total", "") - droppedBefore;
    // Still open: after a pause for the flood limit to refill, a ping gets its pong.
    sleep(3_000);
    answers.remove("pong");
    ws.sendText("{\"type\":\"ping\"}");
    long pongBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!answers.containsKey("pong") && System.nanoTime() < pongBy) {
      sleep(50);
    }
    boolean pong = answers.containsKey("pong");
    ws.close();
    prompts.join(60_000);
    judge(o, crowd, api);
    crowd.leave();
    Map<String, Long> byKind = new TreeMap<>();
    answers.forEach((k, v) -> byKind.put(k, v.get()));
    byKind.remove("pong");
    byKind.remove("room");
    Set<String> allowed = Set.of("error:bad_json", "error:unknown_type", "error:bad_frame", "error:rate_limited",
        "error:too_large", "ack:rejected:a ballot needs a promptId and an option", "ack:rejected:rate_limited");
    List<String> unexpected = byKind.keySet().stream().filter(k -> !allowed.contains(k)).toList();
    o.faults = String.format("%,d malformed frames in %.1f s: %,d answered, %.0f dropped by policy; socket %s",
        sent, sendSeconds, answered, dropped, pong ? "still open" : "NOT answering");
    o.details.put("sent", sent).put("answered", answered).put("droppedByPolicy", dropped)
        .put("answers", new JsonObject(new HashMap<>(byKind))).put("closeCode", closeCode.get())
        .put("ballotFrames", ballots).put("ballotAcks", ballotAcks);
    o.check("each frame answered or dropped per policy", answered <= sent && answered + dropped >= sent && unexpected.isEmpty(),
        String.format("%,d answered + %.0f dropped for %,d sent%s; answers %s", answered, dropped, sent,
            unexpected.isEmpty() ? "" : "; unexpected " + unexpected, byKind));
    o.check("every malformed ballot got its ack (acks are never dropped)", ballotAcks == ballots,
        ballotAcks + " acks for " + ballots + " ballots");
    o.check("connection stays open", pong && closeCode.get() == null,
        pong ? "pong received" : "no pong" + (closeCode.get() == null ? "" : ", closed with " + closeCode.get()));
    rig.stopNodes();
  }

  /** 10: the embedded default, killed with SIGKILL and started again on the same data directory. */
  void embeddedRestart(Outcome o) throws Exception {
    Path data = rig.dir.resolve("embedded-data");
    Files.createDirectories(data);
    Map<String, String> env = Map.of("LIVEJURY_DATA_DIR", data.toString(), "LIVEJURY_HTTP_PORT", "0");
    NodeProcess first = NodeProcess.start("10-embedded-first", rig.dir.resolve("nodes"), env);
    rig.adopt(first);
    Api api = first.api();
    String staff = api.token("f10-staff", "staff");
    String room = "f10-" + run;
    api.post("/api/rooms", staff, new JsonObject().put("roomId", room).put("streamerId", room + "-streamer")
        .put("merchantId", "m-" + room).put("title", "Embedded restart"));
    Tokens devTokens = new Tokens(rig.vertx, "livejury-dev-secret-change-me-in-production");
    Crowd crowd = new Crowd(rig.vertx, devTokens, room, i -> api, 100, 1_500).plan((p, u) -> "false").join(room + "-v", 40);
    Crowd.Opened prompt = crowd.open(api, staff, 5, "主播说这款茶能治疗糖尿病，属实吗？");
    crowd.awaitVerdicts(30_000);
    JsonObject before = api.get("/api/prompts/" + prompt.id(), staff);
    JsonObject verdict = before.getJsonObject("verdict");
    String penaltyId = null;
    for (int i = 0; i < 60 && penaltyId == null && verdict != null; i++) {
      JsonArray items = api.get("/api/penalties?subject=" + room + "-streamer", staff).getJsonArray("items");
      penaltyId = items.isEmpty() ? null : items.getJsonObject(0).getString("id");
      if (penaltyId == null) {
        sleep(250);
      }
    }
    List<ProcessHandle> servers = serverProcesses(first);
    String serverList = servers.stream().map(Children::describe).collect(Collectors.joining(", "));
    crowd.viewers.forEach(v -> v.onKilledNode = true);
    first.kill9();
    sleep(3_000);
    List<ProcessHandle> leftAfterKill = servers.stream().filter(ProcessHandle::isAlive).toList();

    NodeProcess second = NodeProcess.start("10-embedded-second", rig.dir.resolve("nodes"), env);
    rig.adopt(second);
    sleep(2_000);
    List<ProcessHandle> orphans = servers.stream().filter(ProcessHandle::isAlive).toList();
    Api again = second.api();
    String staff2 = again.token("f10-staff", "staff");
    int roomStatus = again.status("/api/rooms/" + room, staff2);
    int promptStatus = again.status("/api/prompts/" + prompt.id(), staff2);
    JsonObject after = promptStatus == 200 ? again.get("/api/prompts/" + prompt.id(), staff2) : null;
    int verdictStatus = verdict == null ? -1 : again.status("/api/verdicts/" + verdict.getString("id"), staff2);
    JsonArray penaltiesAfter = again.status("/api/penalties?subject=" + room + "-streamer", staff2) == 200
        ? again.get("/api/penalties?subject=" + room + "-streamer", staff2).getJsonArray("items") : new JsonArray();
    List<ProcessHandle> secondServers = serverProcesses(second);
    second.stop(30);
    sleep(2_000);
    List<ProcessHandle> leftAfterStop = secondServers.stream().filter(ProcessHandle::isAlive).toList();
    // Whatever is left is this run's own doing: stop it, so the machine is as it was.
    orphans.forEach(ProcessHandle::destroyForcibly);
    leftAfterStop.forEach(ProcessHandle::destroyForcibly);
    crowd.leave();

    boolean sameVerdict = verdict != null && after != null && after.getJsonObject("verdict") != null
        && verdict.getString("id").equals(after.getJsonObject("verdict").getString("id"))
        && before.getLong("total").equals(after.getLong("total"));
    String penaltyBefore = penaltyId;
    boolean penaltyKept = penaltyBefore != null
        && penaltiesAfter.stream().anyMatch(p -> penaltyBefore.equals(((JsonObject) p).getString("id")));
    long accepted = crowd.viewers.stream().map(v -> v.seen.get(prompt.id()))
        .filter(s -> s != null && "accepted".equals(s.ack)).count();
    o.load = String.format("1 room, 40 viewers, 1 prompt: %s ballots counted, verdict %s, penalty %s", before.getLong("total"),
        verdict == null ? "none" : verdict.getString("outcome"), penaltyId == null ? "none" : "written");
    o.faults = String.format("java process killed (SIGKILL); %d of its %d server processes still running 3 s later, "
        + "%d after the restart; data %s", leftAfterKill.size(), servers.size(), orphans.size(),
        sameVerdict && roomStatus == 200 ? "kept" : "NOT kept");
    o.details.put("serverProcesses", serverList).put("aliveAfterKill", leftAfterKill.size())
        .put("orphansAfterRestart", orphans.size()).put("leftAfterGracefulStop", leftAfterStop.size())
        .put("roomStatusAfter", roomStatus).put("promptStatusAfter", promptStatus).put("verdictStatusAfter", verdictStatus)
        .put("penaltiesAfter", penaltiesAfter.size());
    o.check("a verdict and a penalty before the kill", verdict != null && penaltyId != null,
        "verdict " + (verdict == null ? "none" : verdict.getString("outcome")) + ", penalty " + penaltyId);
    o.check("room, prompt, verdict and penalty still there after the restart",
        roomStatus == 200 && sameVerdict && verdictStatus == 200 && penaltyKept,
        String.format("room %d, prompt %d (same verdict and total: %s), verdict row %d, penalties %d", roomStatus,
            promptStatus, sameVerdict, verdictStatus, penaltiesAfter.size()));
    o.check("no orphan redis-server or postgres after the restart", orphans.isEmpty(),
        orphans.isEmpty() ? "none" : orphans.size() + ": " + orphans.stream().map(Children::describe).limit(3)
            .collect(Collectors.joining(", ")));
    o.check("a graceful stop leaves no server running", leftAfterStop.isEmpty(), leftAfterStop.size() + " left");
    o.honestDropped = 0;
    o.ackedLost = Math.max(0, accepted - (after == null ? 0 : after.getLong("total")));
  }
}
