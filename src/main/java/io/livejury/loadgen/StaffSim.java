package io.livejury.loadgen;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A day of a review team's work, compressed (scripts/staff-sim; docs/review.md): rooms start
 * and end, streamers trip critical and warn rules, viewers report and vote, verdicts wait for staff, all through a
 * real LiveJury node on a redis-server and a Postgres of this run's own; N staff members take the queue as
 * {@code GET /api/queue} orders it (claim, work for the handling time, then confirm the verdict, stop the room the
 * automatic rule proposed, or decide the item). Reported for each team size: how many items were claimed by their due
 * time, how long critical items waited (p50/p99), how many were past due. Every time below is in the day's own time
 * ("sim"); the node's due times, claim lapse and windows are divided by the compression, so a 300 s due time is 1 s
 * of wall clock at the default compression of 300.
 *
 * <p>Traffic, per day, from the platform's figures scaled to this box: {@code voters} ballots a day (Kuaishou's busy
 * day, ~450,000 voters; its 15 million in four months average 125,000 a day), one ballot per voter, a prompt per
 * {@code ballotsPerPrompt} (the quorum, 30) ballots, the box's share of the platform {@code 1/scale}; then per prompt:
 * 40 % raised by a critical medical warning (its vote opens by itself), 30 % by a report wave, 30 % by staff; 0.5 warn
 * warnings (price claims) that open no vote; the vote condemns 40 %, is inconclusive 20 %, clears 40 %. A room holds
 * three prompts on average and is live 1 to 4 hours; everything follows an hourly profile peaking at 21:00 at 2.2
 * times the day's mean.
 */
public final class StaffSim {

  private static final Pattern ESCALATIONS = Pattern.compile("(?m)^livejury_queue_escalations_total (\\S+)$");
  /** The hourly profile of the traffic, from 00:00 to 23:00; normalised to a mean of 1. */
  private static final double[] PROFILE = {1.0, 0.6, 0.35, 0.25, 0.2, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0, 1.0, 1.1, 1.0,
      1.0, 1.0, 1.0, 1.1, 1.3, 1.7, 2.1, 2.2, 1.9, 1.4};
  private static final int VIEWERS_PER_ROOM = 8;
  private static final int REPORTERS = 3;
  private static final String CRITICAL_TEXT = "这款茶能治疗糖尿病，大家放心喝";
  private static final String WARN_TEXT = "今天全网最低价，手慢无";
  /** How often an idle staff member looks at the queue again, wall clock. */
  private static final long IDLE_POLL_MS = 50;

  /** One run's settings (command line {@code key=value}). */
  record Plan(List<Integer> staff, double handleSeconds, int compression, int fromHour, int hours, long voters,
      int ballotsPerPrompt, int scale, long seed, boolean quick) {

    double promptsPerDay() {
      return (double) voters / ballotsPerPrompt / scale;
    }

    double wallSeconds() {
      return hours * 3600.0 / compression;
    }

    static Plan parse(String[] args) {
      Map<String, String> kv = new HashMap<>();
      boolean quick = false;
      for (String arg : args) {
        if ("--quick".equals(arg)) {
          quick = true;
        } else if (arg.contains("=")) {
          kv.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        } else {
          throw new IllegalArgumentException("expected key=value or --quick, got " + arg);
        }
      }
      List<Integer> staff = new ArrayList<>();
      for (String n : kv.getOrDefault("staff", quick ? "1,4" : "1,2,4,8").split(",")) {
        staff.add(Integer.parseInt(n.trim()));
      }
      int compression = Integer.parseInt(kv.getOrDefault("compression", "300"));
      if (300 % compression != 0 && compression % 300 != 0 || 300 / compression < 1) {
        throw new IllegalArgumentException("compression must divide 300 (the critical due time in seconds)");
      }
      return new Plan(staff, Double.parseDouble(kv.getOrDefault("handleSeconds", "120")), compression,
          Integer.parseInt(kv.getOrDefault("fromHour", quick ? "20" : "0")),
          Integer.parseInt(kv.getOrDefault("hours", quick ? "1" : "24")),
          Long.parseLong(kv.getOrDefault("voters", "450000")), Integer.parseInt(kv.getOrDefault("ballotsPerPrompt", "30")),
          Integer.parseInt(kv.getOrDefault("scale", "25")), Long.parseLong(kv.getOrDefault("seed", "14")), quick);
    }

    JsonObject toJson() {
      return new JsonObject().put("staff", new JsonArray(staff)).put("handleSeconds", handleSeconds)
          .put("compression", compression).put("fromHour", fromHour).put("hours", hours).put("voters", voters)
          .put("ballotsPerPrompt", ballotsPerPrompt).put("scale", scale).put("promptsPerDay", promptsPerDay())
          .put("seed", seed);
    }
  }

  /** What happens, at a time of the day (sim seconds from the window's start). */
  record Event(double at, String kind, int room) {
  }

  /** A room of the day: live from {@code start} to {@code end}, sim seconds from the window's start. */
  record RoomPlan(int index, double start, double end) {
  }

  /** An item as the staff feed announced it, with when it was claimed (0 while unclaimed), wall-clock epoch ms. */
  static final class Seen {
    final String id;
    final String kind;
    final String severity;
    final long createdAtMs;
    final long dueAtMs;
    volatile long claimedAtMs;

    Seen(JsonObject item) {
      id = item.getString("id");
      kind = item.getString("kind");
      severity = item.getString("severity");
      createdAtMs = item.getLong("createdAtMs");
      dueAtMs = item.getLong("dueAtMs");
    }
  }

  private StaffSim() {
  }

  /**
   * Runs the day once for each team size and writes {@code bench/results/staff-sim-<UTC>.{json,md}}.
   *
   * @param args {@code --quick} (one evening hour, 1 and 4 staff), {@code staff=1,2,4,8}, {@code handleSeconds=120},
   *     {@code compression=300}, {@code fromHour=0}, {@code hours=24}, {@code voters=450000},
   *     {@code ballotsPerPrompt=30}, {@code scale=25}, {@code seed=14}; or {@code render <result.json>} to write the
   *     Markdown of a result again
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 2 && "render".equals(args[0])) {
      Path json = Path.of(args[1]);
      Files.writeString(Path.of(args[1].replaceFirst("\\.json$", ".md")), markdown(new JsonObject(Files.readString(json))));
      return;
    }
    Plan plan = Plan.parse(args);
    Runtime.getRuntime().addShutdownHook(new Thread(() ->
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "staff-sim-cleanup"));
    String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    Path dir = Files.createTempDirectory("livejury-staff-sim-");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    List<JsonObject> runs = new ArrayList<>();
    boolean ok = true;
    try (Rig rig = new Rig(dir, vertx, "staff-sim-" + UUID.randomUUID())) {
      for (int staff : plan.staff()) {
        Resp.call(rig.redis.port, "FLUSHALL");
        NodeProcess node = rig.node("staff-sim-" + staff, nodeEnv(plan));
        try {
          JsonObject run = new Day(rig, node.api(), vertx, plan, staff, "s" + staff + "-" + stamp.toLowerCase(Locale.ROOT))
              .play();
          runs.add(run);
          ok &= run.getJsonArray("problems").isEmpty();
          System.out.println(line(run));
        } finally {
          rig.stopNodes();
        }
      }
    } finally {
      vertx.close().await();
    }
    JsonObject report = new JsonObject().put("date", Instant.now().toString()).put("quick", plan.quick())
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores").put("plan", plan.toJson())
        .put("runs", new JsonArray(runs));
    Path results = Path.of("bench", "results");
    Files.createDirectories(results);
    String name = (plan.quick() ? "staff-sim-quick-" : "staff-sim-") + stamp;
    Files.writeString(results.resolve(name + ".json"), report.encodePrettily());
    Files.writeString(results.resolve(name + ".md"), markdown(report));
    System.out.println(markdown(report));
    System.out.println("written to bench/results/" + name + ".{json,md}");
    if (!ok) {
      System.exit(1);
    }
  }

  /** The node's settings for a compressed day: every due time, lapse and window of the day divided by the compression. */
  static Map<String, String> nodeEnv(Plan plan) {
    int c = plan.compression();
    Map<String, String> env = new HashMap<>();
    env.put("LIVEJURY_REVIEW_SLA_SECONDS", Integer.toString(300 / c));
    env.put("LIVEJURY_REVIEW_WARN_SLA_SECONDS", Integer.toString(1800 / c));
    env.put("LIVEJURY_REVIEW_CLAIM_SECONDS", Integer.toString(Math.max(1, 600 / c)));
    env.put("LIVEJURY_REVIEW_REPEAT_SECONDS", Integer.toString(Math.max(1, 300 / c)));
    env.put("LIVEJURY_REVIEW_ESCALATE_EVERY_MS", "100");
    // A vote lasts 60 s of the day; windows counted in whole minutes cannot be divided and stay at one minute
    // (5 hours of the day): the automatic stop rule and the risk's verdict term see more verdicts than at 1:1.
    env.put("LIVEJURY_PROMPT_SECONDS", "1");
    env.put("LIVEJURY_PROMPT_MIN_SECONDS", "1");
    env.put("LIVEJURY_CLOSER_INTERVAL_MS", "100");
    env.put("LIVEJURY_AUTO_PROMPT_COOLDOWN_MINUTES", "0");
    env.put("LIVEJURY_AUTO_STOP_WINDOW_MINUTES", "1");
    env.put("LIVEJURY_RISK_VERDICT_WINDOW_MINUTES", "1");
    // A room's eight viewers stand for its jury: eight ballots decide, three reports make a wave.
    env.put("LIVEJURY_VERDICT_QUORUM", Integer.toString(VIEWERS_PER_ROOM));
    env.put("LIVEJURY_REPORT_THRESHOLD", Integer.toString(REPORTERS));
    env.put("LIVEJURY_REPORT_WINDOW_SECONDS", "1");
    env.put("LIVEJURY_REPORT_COOLDOWN_SECONDS", "1");
    return env;
  }

  /** The day's rooms and events, drawn from the seed, times in sim seconds from the window's start. */
  static List<Event> events(Plan plan, List<RoomPlan> rooms) {
    Random random = new Random(plan.seed());
    double mean = 0;
    for (double w : PROFILE) {
      mean += w / PROFILE.length;
    }
    double perDay = plan.promptsPerDay();
    double span = plan.hours() * 3600.0;
    // Rooms: a third of the prompts' count a day, live 1 to 4 hours; those that started up to 4 hours before the
    // window and are still live are there from its start.
    for (int h = -4; h < plan.hours(); h++) {
      double w = PROFILE[Math.floorMod(plan.fromHour() + h, 24)] / mean;
      int n = poisson(random, perDay / 3 / 24 * w);
      for (int i = 0; i < n; i++) {
        double start = (h + random.nextDouble()) * 3600;
        double end = start + 3600 * (1 + 3 * random.nextDouble());
        if (end > 0) {
          rooms.add(new RoomPlan(rooms.size(), Math.max(0, start), Math.min(end, span)));
        }
      }
    }
    List<Event> events = new ArrayList<>();
    Map<String, Double> perPrompt = Map.of("critical", 0.4, "reports", 0.3, "staff", 0.3, "warn", 0.5);
    for (int h = 0; h < plan.hours(); h++) {
      double w = PROFILE[(plan.fromHour() + h) % 24] / mean;
      for (Map.Entry<String, Double> kind : perPrompt.entrySet()) {
        int n = poisson(random, perDay / 24 * w * kind.getValue());
        for (int i = 0; i < n; i++) {
          double at = (h + random.nextDouble()) * 3600;
          List<RoomPlan> live = rooms.stream().filter(r -> r.start() <= at && at < r.end() - 120).toList();
          if (!live.isEmpty()) {
            events.add(new Event(at, kind.getKey(), live.get(random.nextInt(live.size())).index()));
          }
        }
      }
    }
    for (RoomPlan room : rooms) {
      events.add(new Event(room.start(), "start", room.index()));
      events.add(new Event(room.end(), "end", room.index()));
    }
    events.sort((a, b) -> Double.compare(a.at(), b.at()));
    return events;
  }

  private static int poisson(Random random, double mean) {
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int n = 0;
    while (product > limit) {
      product *= random.nextDouble();
      n++;
    }
    return n;
  }

  /** One team size's day on a fresh node. */
  private static final class Day {

    private final Rig rig;
    private final Api api;
    private final Vertx vertx;
    private final Plan plan;
    private final int staffCount;
    private final String run;
    private final String staffToken;
    private final WebSocketClient client;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Map<String, String> promptPlans = new ConcurrentHashMap<>();
    private final Map<Integer, List<ClientWebSocket>> viewers = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> stopped = new ConcurrentHashMap<>();
    private final AtomicInteger failedCalls = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    /** Claims answered 409 because another staff member claimed the item first. */
    private final AtomicInteger lostClaims = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong readNanos = new java.util.concurrent.atomic.AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger stops = new AtomicInteger();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final Random random;
    private volatile boolean over;
    private long startMs;

    Day(Rig rig, Api api, Vertx vertx, Plan plan, int staffCount, String run) {
      this.rig = rig;
      this.api = api;
      this.vertx = vertx;
      this.plan = plan;
      this.staffCount = staffCount;
      this.run = run;
      this.staffToken = rig.tokens.sign(new JsonObject().put("sub", "sim-staff-lead").put("role", "staff"), 240);
      this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000));
      this.random = new Random(plan.seed() + staffCount);
    }

    private String roomId(int index) {
      return "sim-" + run + "-r" + index;
    }

    JsonObject play() throws Exception {
      List<RoomPlan> rooms = new ArrayList<>();
      List<Event> events = events(plan, rooms);
      ClientWebSocket feed = client.webSocket();
      feed.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        JsonObject item = frame.getJsonObject("item");
        if ("alert".equals(frame.getString("type"))) {
          seen.putIfAbsent(item.getString("id"), new Seen(item));
        } else if ("update".equals(frame.getString("type")) && !item.getBoolean("open", true)
            && seen.containsKey(item.getString("id")) && !item.containsKey("claimedBy")) {
          // Decided without a claim, by another action (a stop settles its room's proposal): taken then.
          Seen decided = seen.get(item.getString("id"));
          if (decided.claimedAtMs == 0) {
            decided.claimedAtMs = Instant.parse(item.getString("resolvedAt", Instant.now().toString())).toEpochMilli();
          }
        }
      });
      feed.connect(new WebSocketConnectOptions().setHost(api.host()).setPort(api.port())
          .setURI("/ws/staff?token=" + staffToken)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      List<Thread> staff = new ArrayList<>();
      List<long[]> busy = new ArrayList<>();
      startMs = System.currentTimeMillis();
      for (int i = 0; i < staffCount; i++) {
        long[] busyMs = new long[2];
        busy.add(busyMs);
        String token = rig.tokens.sign(new JsonObject().put("sub", "sim-staff-" + i).put("role", "staff"), 240);
        Thread t = new Thread(() -> work(token, busyMs), "staff-" + i);
        t.start();
        staff.add(t);
      }
      for (Event event : events) {
        long due = startMs + Math.round(event.at() * 1000 / plan.compression());
        long wait = due - System.currentTimeMillis();
        if (wait > 0) {
          TimeUnit.MILLISECONDS.sleep(wait);
        }
        play(event);
      }
      long endMs = startMs + Math.round(plan.wallSeconds() * 1000);
      long rest = endMs - System.currentTimeMillis();
      if (rest > 0) {
        TimeUnit.MILLISECONDS.sleep(rest);
      }
      over = true;
      for (Thread t : staff) {
        t.join(10_000);
      }
      String metrics = api.text("/metrics");
      Matcher m = ESCALATIONS.matcher(metrics);
      long escalations = m.find() ? Math.round(Double.parseDouble(m.group(1))) : -1;
      feed.close();
      viewers.values().forEach(list -> list.forEach(ClientWebSocket::close));
      long busyTotal = busy.stream().mapToLong(b -> b[0]).sum();
      return summary(endMs, rooms.size(), escalations, busyTotal);
    }

    private void play(Event event) {
      String roomId = roomId(event.room());
      if (!"start".equals(event.kind()) && (stopped.containsKey(event.room()) || !viewers.containsKey(event.room()))) {
        return;
      }
      switch (event.kind()) {
        case "start" -> start(event.room());
        case "end" -> {
          List<ClientWebSocket> sockets = viewers.remove(event.room());
          if (!stopped.containsKey(event.room())) {
            call(api.postAsync("/api/rooms/" + roomId + "/end", staffToken, new JsonObject()));
          }
          if (sockets != null) {
            vertx.setTimer(2_000, t -> sockets.forEach(ClientWebSocket::close));
          }
        }
        case "critical", "warn" -> call(api.postAsync("/api/rooms/" + roomId + "/transcript", staffToken,
            new JsonObject().put("segments", new JsonArray().add(new JsonObject().put("id", "seg-" + UUID.randomUUID())
                .put("startMs", 0).put("endMs", 1000).put("text", "critical".equals(event.kind()) ? CRITICAL_TEXT
                    : WARN_TEXT)))));
        case "staff" -> call(api.postAsync("/api/rooms/" + roomId + "/prompts", staffToken, new JsonObject()
            .put("kind", "claim").put("question", "主播说这款蜂蜜是纯天然的，属实吗？").put("claim", "这款蜂蜜是纯天然的")
            .put("durationSec", 1)));
        case "reports" -> {
          List<ClientWebSocket> sockets = viewers.get(event.room());
          for (int i = 0; i < REPORTERS && i < sockets.size(); i++) {
            sockets.get(i).writeTextMessage(new JsonObject().put("type", "report").put("ref", "r" + i)
                .put("category", "false_claim").put("text", "他说的不实").encode());
          }
        }
        default -> throw new IllegalStateException(event.kind());
      }
    }

    private void start(int index) {
      String roomId = roomId(index);
      try {
        api.post("/api/rooms", staffToken, new JsonObject().put("roomId", roomId).put("streamerId", roomId + "-streamer")
            .put("merchantId", "m-" + roomId).put("title", "Sim room " + index));
      } catch (IOException | RuntimeException e) {
        failed(e);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      // The event loops add to it while the schedule reads it.
      List<ClientWebSocket> sockets = new CopyOnWriteArrayList<>();
      for (int v = 0; v < VIEWERS_PER_ROOM; v++) {
        int seat = v;
        String userId = roomId + "-v" + v;
        String token = rig.tokens.juror(userId, index * VIEWERS_PER_ROOM + v);
        ClientWebSocket ws = client.webSocket();
        ws.textMessageHandler(text -> onViewerFrame(ws, seat, text));
        ws.connect(new WebSocketConnectOptions().setHost(api.host()).setPort(api.port())
                .setURI("/ws/rooms/" + roomId + "?token=" + token))
            .onSuccess(connected -> sockets.add(ws))
            .onFailure(this::failed);
      }
      viewers.put(index, sockets);
    }

    /** Each viewer votes on each prompt as the prompt's drawn outcome says: condemn, split, or clear. */
    private void onViewerFrame(ClientWebSocket ws, int seat, String text) {
      if (!text.startsWith("{\"type\":\"prompt\"")) {
        return;
      }
      String promptId = new JsonObject(text).getJsonObject("prompt").getString("id");
      String outcome = promptPlans.computeIfAbsent(promptId, id -> {
        double r = random.nextDouble();
        return r < 0.4 ? "condemn" : r < 0.6 ? "split" : "clear";
      });
      String option = switch (outcome) {
        case "condemn" -> "false";
        case "split" -> seat % 2 == 0 ? "false" : "true";
        default -> "true";
      };
      ws.writeTextMessage(new JsonObject().put("type", "ballot").put("ref", "b").put("promptId", promptId)
          .put("option", option).encode());
    }

    private void call(java.util.concurrent.CompletableFuture<JsonObject> call) {
      call.exceptionally(err -> {
        failed(err);
        return null;
      });
    }

    /** One staff member: take the first unclaimed item of the queue, work it, decide it; look again when idle. */
    private void work(String token, long[] busyMs) {
      long overheadMs = 0;
      while (!over) {
        try {
          JsonObject taken = null;
          long read = System.nanoTime();
          JsonArray queue = api.get("/api/queue", token).getJsonArray("items");
          reads.incrementAndGet();
          readNanos.addAndGet(System.nanoTime() - read);
          for (Object o : queue) {
            JsonObject item = (JsonObject) o;
            if (item.containsKey("claimedBy")) {
              continue;
            }
            try {
              taken = api.post("/api/queue/" + item.getString("id") + "/claim", token, new JsonObject());
              break;
            } catch (IllegalStateException refused) {
              if (!refused.getMessage().contains(" 409")) {
                throw refused;
              }
              // Someone else took it between the read and the claim: not a failure, the next one.
              lostClaims.incrementAndGet();
            }
          }
          if (taken == null) {
            TimeUnit.MILLISECONDS.sleep(IDLE_POLL_MS);
            continue;
          }
          long claimedNanos = System.nanoTime();
          long claimedAt = Instant.parse(taken.getString("claimedAt")).toEpochMilli();
          Seen item = seen.get(taken.getString("id"));
          if (item != null) {
            if (item.claimedAtMs != 0) {
              problems.add("item " + item.id + " claimed twice");
            }
            item.claimedAtMs = claimedAt;
          }
          // The calls count inside the handling time: at 300× a 50 ms call is 15 s of the day, which a person at a
          // console does not spend; the last round's decision and queue read are taken off the wait.
          long work = Math.round(plan.handleSeconds() * 1000 / plan.compression());
          TimeUnit.MILLISECONDS.sleep(Math.max(0, work - overheadMs));
          busyMs[0] += work;
          long decideAt = System.nanoTime();
          decide(token, taken);
          overheadMs = TimeUnit.NANOSECONDS.toMillis(claimedNanos - read + System.nanoTime() - decideAt);
        } catch (InterruptedException e) {
          return;
        } catch (IOException | RuntimeException e) {
          failed(e);
        }
      }
    }

    /** Counts a failed call and keeps the first few reasons for the report. */
    private void failed(Throwable e) {
      if (failedCalls.incrementAndGet() <= 5) {
        failures.add(e.toString());
      }
    }

    private void decide(String token, JsonObject item) throws IOException, InterruptedException {
      String id = item.getString("id");
      JsonObject source = item.getJsonObject("source");
      try {
        switch (item.getString("kind")) {
          case "verdict" -> api.post("/api/verdicts/" + source.getString("verdictId") + "/review", token,
              new JsonObject().put("action", "confirm").put("reason", "checked against the recording"));
          case "stop" -> {
            api.post("/api/rooms/" + item.getString("roomId") + "/stop", token,
                new JsonObject().put("reason", "Repeated medical claims about food"));
            stops.incrementAndGet();
            markStopped(item.getString("roomId"));
          }
          default -> api.post("/api/queue/" + id + "/resolve", token, new JsonObject().put("outcome", "warned"));
        }
      } catch (IllegalStateException refused) {
        // The room ended meanwhile, or the verdict was decided elsewhere: the item is decided as it stands.
        try {
          api.post("/api/queue/" + id + "/resolve", token, new JsonObject().put("outcome", "done"));
        } catch (IllegalStateException already) {
          // Decided by the action itself (a review, a stop).
        }
      }
    }

    private void markStopped(String roomId) {
      String prefix = "sim-" + run + "-r";
      if (roomId.startsWith(prefix)) {
        stopped.put(Integer.parseInt(roomId.substring(prefix.length())), true);
      }
    }

    private JsonObject summary(long endMs, int rooms, long escalations, long busyMs) {
      double toSim = plan.compression() / 1000.0;
      List<Seen> items = new ArrayList<>(seen.values());
      JsonObject bySeverity = new JsonObject();
      for (String severity : List.of("critical", "warn")) {
        List<Seen> of = items.stream().filter(i -> severity.equals(i.severity)).toList();
        long met = of.stream().filter(i -> i.claimedAtMs != 0 && i.claimedAtMs <= i.dueAtMs).count();
        long late = of.stream().filter(i -> i.claimedAtMs > i.dueAtMs).count();
        long unclaimedPast = of.stream().filter(i -> i.claimedAtMs == 0 && i.dueAtMs <= endMs).count();
        long notYetDue = of.stream().filter(i -> i.claimedAtMs == 0 && i.dueAtMs > endMs).count();
        List<Long> waits = new ArrayList<>();
        // An item nobody claimed by the day's end counts with its wait so far: the percentiles are lower bounds.
        of.forEach(i -> waits.add(((i.claimedAtMs == 0 ? endMs : i.claimedAtMs) - i.createdAtMs)));
        Collections.sort(waits);
        bySeverity.put(severity, new JsonObject().put("items", of.size()).put("metDue", met).put("claimedLate", late)
            .put("unclaimedPastDue", unclaimedPast).put("unclaimedNotYetDue", notYetDue)
            .put("pastDue", late + unclaimedPast)
            .put("waitP50Seconds", Math.round(at(waits, 0.5) * toSim))
            .put("waitP99Seconds", Math.round(at(waits, 0.99) * toSim))
            .put("waitMaxSeconds", Math.round(at(waits, 1.0) * toSim)));
      }
      Map<String, Integer> kinds = new HashMap<>();
      items.forEach(i -> kinds.merge(i.kind, 1, Integer::sum));
      Map<String, Integer> unclaimed = new HashMap<>();
      items.stream().filter(i -> i.claimedAtMs == 0).forEach(i -> unclaimed.merge(i.kind, 1, Integer::sum));
      if (items.isEmpty()) {
        problems.add("no item reached the staff feed");
      }
      // Items still waiting but not yet due at the day's end are neither met nor missed.
      long dueItems = items.stream().filter(i -> i.dueAtMs <= endMs || i.claimedAtMs != 0).count();
      long met = items.stream().filter(i -> i.claimedAtMs != 0 && i.claimedAtMs <= i.dueAtMs).count();
      return new JsonObject().put("staff", staffCount).put("rooms", rooms).put("items", items.size())
          .put("kinds", new JsonObject(new HashMap<>(kinds)))
          .put("unclaimedKinds", new JsonObject(new HashMap<>(unclaimed))).put("metDue", met).put("dueByDayEnd", dueItems)
          .put("metDueShare", dueItems == 0 ? 1.0 : Math.round(1000.0 * met / dueItems) / 1000.0)
          .put("severity", bySeverity).put("nodeEscalations", escalations).put("roomsStopped", stops.get())
          .put("utilisation", Math.round(1000.0 * busyMs / (staffCount * (endMs - startMs))) / 1000.0)
          .put("failedCalls", failedCalls.get()).put("lostClaimRaces", lostClaims.get())
          .put("queueReads", reads.get())
          .put("queueReadMeanMs", reads.get() == 0 ? 0 : readNanos.get() / reads.get() / 1_000_000)
          .put("firstFailures", new JsonArray(new ArrayList<>(failures))).put("problems", new JsonArray(new ArrayList<>(problems)));
    }

    private static double at(List<Long> sorted, double q) {
      if (sorted.isEmpty()) {
        return 0;
      }
      int index = (int) Math.ceil(q * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
  }

  static String line(JsonObject run) {
    JsonObject critical = run.getJsonObject("severity").getJsonObject("critical");
    return String.format("staff %d: %d items, %d of %d due met their due time; critical wait p50 %s, p99 %s; "
            + "%d critical past due; node escalations %d; utilisation %.0f %%; failed calls %d; claim races lost %d",
        run.getInteger("staff"), run.getInteger("items"), run.getLong("metDue"), run.getLong("dueByDayEnd"),
        duration(critical.getLong("waitP50Seconds")), duration(critical.getLong("waitP99Seconds")),
        critical.getLong("pastDue"), run.getLong("nodeEscalations"), 100 * run.getDouble("utilisation"),
        run.getInteger("failedCalls"), run.getInteger("lostClaimRaces"));
  }

  static String duration(long seconds) {
    return seconds < 120 ? seconds + " s" : seconds < 7200 ? Math.round(seconds / 60.0) + " min"
        : String.format("%.1f h", seconds / 3600.0);
  }

  static String markdown(JsonObject report) {
    JsonObject plan = report.getJsonObject("plan");
    StringBuilder md = new StringBuilder("# Staff simulation, " + report.getString("date")
        + (report.getBoolean("quick") ? " (--quick)" : "") + "\n\n");
    md.append(String.format("%d h of the day from %02d:00, compressed %d×, on %s; %,d voters a day, %d ballots a prompt, "
            + "1/%d of the platform: %.0f prompts a day; handling time %.0f s an item.%n%n", plan.getInteger("hours"),
        plan.getInteger("fromHour"), plan.getInteger("compression"), report.getString("machine"), plan.getLong("voters"),
        plan.getInteger("ballotsPerPrompt"), plan.getInteger("scale"), plan.getDouble("promptsPerDay"),
        plan.getDouble("handleSeconds")));
    md.append("| staff | items (critical) | claimed by due time | critical wait p50 | critical p99 | critical past due "
        + "| warn past due | escalated (node) | utilisation |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (Object o : report.getJsonArray("runs")) {
      JsonObject run = (JsonObject) o;
      JsonObject critical = run.getJsonObject("severity").getJsonObject("critical");
      JsonObject warn = run.getJsonObject("severity").getJsonObject("warn");
      md.append(String.format("| %d | %d (%d) | %d of %d (%.1f %%) | %s | %s | %d | %d | %d | %.0f %% |%n",
          run.getInteger("staff"), run.getInteger("items"), critical.getInteger("items"), run.getLong("metDue"),
          run.getLong("dueByDayEnd"), 100 * run.getDouble("metDueShare"), duration(critical.getLong("waitP50Seconds")),
          duration(critical.getLong("waitP99Seconds")), critical.getLong("pastDue"), warn.getLong("pastDue"),
          run.getLong("nodeEscalations"), 100 * run.getDouble("utilisation")));
    }
    md.append("\nWaits in the day's time; an item nobody claimed by the day's end counts with its wait so far.\n");
    return md.toString();
  }
}
