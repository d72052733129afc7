package io.livejury.loadgen;

import io.livejury.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Honest viewers of one room, each on a real WebSocket: every prompt that reaches a viewer (as a {@code prompt}
 * frame or in a {@code welcome}) gets one ballot after a random delay, its option drawn from the prompt id and
 * the viewer id so that about half the prompts are condemned and half cleared; every frame is recorded. A
 * viewer the node disconnects is counted as dropped, and reconnects if the crowd is told to (its welcome then
 * says what it voted). {@link #audit} checks what the crowd was told against what Redis counted. Each viewer's
 * token carries the juror claims of an ordinary viewer ({@link Tokens#jurorClaims}), so every eligibility rule
 * runs on its ballots and passes.
 */
final class Crowd {

  /** What one viewer saw of one prompt. */
  static final class Seen {
    final AtomicInteger prompts = new AtomicInteger();
    final AtomicInteger verdicts = new AtomicInteger();
    volatile boolean voted;
    volatile long sentAt;
    volatile long ackAt;
    volatile long ackWallMs;
    volatile String ack;
    volatile String reason;
  }

  final class Viewer {
    final String userId;
    final int index;
    final Map<String, Seen> seen = new ConcurrentHashMap<>();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger connects = new AtomicInteger();
    /** Why the node closed this viewer's socket the last time it did; null while never. */
    volatile String dropped;
    final AtomicInteger drops = new AtomicInteger();
    /** Times the crowd closed this viewer's socket on purpose and reconnected it. */
    final AtomicInteger bounces = new AtomicInteger();
    /** Set when the scenario itself killed this viewer's node: its drop is the fault, not a failure. */
    volatile boolean onKilledNode;
    volatile Api node;
    private volatile ClientWebSocket ws;
    private volatile boolean connecting;
    private volatile boolean leaving;

    Viewer(String userId, int index) {
      this.userId = userId;
      this.index = index;
    }

    Future<Viewer> connect(Api target) {
      node = target;
      ClientWebSocket socket = client.webSocket();
      socket.textMessageHandler(this::onFrame);
      socket.closeHandler(v -> onClosed(socket));
      ws = socket;
      connecting = true;
      return socket.connect(new WebSocketConnectOptions().setHost(target.host()).setPort(target.port())
              .setURI("/ws/rooms/" + roomId + "?token=" + tokens.juror(userId, index)).setTimeout(30_000))
          .map(s -> {
            connects.incrementAndGet();
            if (leaving) {
              s.close(); // the crowd left while this one was connecting
            }
            return this;
          })
          .andThen(done -> connecting = false);
    }

    private void onClosed(ClientWebSocket socket) {
      if (leaving || socket != ws) {
        return;
      }
      drops.incrementAndGet();
      dropped = "closed with " + socket.closeStatusCode() + " " + socket.closeReason();
      if (reconnect) {
        reconnectLater(1);
      }
    }

    private void reconnectLater(int attempt) {
      if (leaving || attempt > 60) {
        return;
      }
      vertx.setTimer(1_000, t -> connect(nodes.apply(index + attempt))
          .onFailure(err -> reconnectLater(attempt + 1)));
    }

    private void onFrame(String text) {
      JsonObject frame = new JsonObject(text);
      switch (frame.getString("type", "")) {
        case "welcome" -> {
          for (Object o : frame.getJsonArray("openPrompts", new JsonArray())) {
            JsonObject prompt = (JsonObject) o;
            onPrompt(prompt, prompt.getString("voted"));
          }
        }
        case "prompt" -> onPrompt(frame.getJsonObject("prompt"), null);
        case "ack" -> {
          Seen s = seen.get(frame.getString("ref", ""));
          if (s != null) {
            s.ackAt = System.nanoTime();
            s.ackWallMs = System.currentTimeMillis();
            s.ack = frame.getString("status");
            s.reason = frame.getString("reason");
          }
        }
        case "verdict" -> seen.computeIfAbsent(frame.getJsonObject("verdict").getString("promptId"), id -> new Seen())
            .verdicts.incrementAndGet();
        case "error" -> errors.incrementAndGet();
        default -> { }
      }
    }

    private void onPrompt(JsonObject prompt, String votedBefore) {
      String promptId = prompt.getString("id");
      Seen s = seen.computeIfAbsent(promptId, id -> new Seen());
      s.prompts.incrementAndGet();
      if (votedBefore != null || s.voted || !voting) {
        s.voted = true;
        return;
      }
      s.voted = true;
      long untilClose = Instant.parse(prompt.getString("closesAt")).toEpochMilli() - System.currentTimeMillis() - 500;
      long delay = Math.min(untilClose, ThreadLocalRandom.current().nextLong(voteDelayMinMs, voteDelayMaxMs + 1));
      if (delay < 0) {
        return;
      }
      vertx.setTimer(Math.max(1, delay), t -> {
        ClientWebSocket socket = ws;
        if (socket == null || connecting || socket.isClosed()) {
          s.voted = false; // not sent: the welcome after the reconnect offers the prompt again
          return;
        }
        s.sentAt = System.nanoTime();
        socket.writeTextMessage(new JsonObject().put("type", "ballot").put("ref", promptId).put("promptId", promptId)
            .put("option", plan.apply(promptId, userId)).encode());
      });
    }

    /**
     * Closes this viewer's socket as a phone losing its connection would, and reconnects it a second later; its
     * welcome then tells it what it voted. Not a drop: the client left.
     */
    void bounce() {
      ClientWebSocket socket = ws;
      if (leaving || socket == null || connecting || socket.isClosed()) {
        return; // still (re)connecting: nothing to drop yet
      }
      bounces.incrementAndGet();
      ws = null; // the close handler sees an old socket and counts no drop
      socket.close().onComplete(done -> vertx.setTimer(1_000, t -> {
        if (!leaving) {
          connect(nodes.apply(index)).onFailure(err -> reconnectLater(1));
        }
      }));
    }

    void leave() {
      leaving = true;
      ClientWebSocket socket = ws;
      if (socket != null && !connecting && !socket.isClosed()) {
        socket.close();
      }
    }
  }

  /** A prompt this crowd's staff opened, with its deadline. */
  record Opened(String id, long closesAtMs) {
  }

  final String roomId;
  final List<Viewer> viewers = new ArrayList<>();
  final List<Opened> opened = new CopyOnWriteArrayList<>();
  final List<String> openFailures = new CopyOnWriteArrayList<>();
  private final Vertx vertx;
  private final Tokens tokens;
  private final WebSocketClient client;
  /** The node viewer i (re)connects to; for a reconnect, i is offset by the attempt number. */
  private final IntFunction<Api> nodes;
  private final long voteDelayMinMs;
  private final long voteDelayMaxMs;
  private volatile BiFunction<String, String, String> plan = Crowd::option;
  private volatile boolean reconnect;
  private volatile boolean voting = true;

  Crowd(Vertx vertx, Tokens tokens, String roomId, IntFunction<Api> nodes, long voteDelayMinMs, long voteDelayMaxMs) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.roomId = roomId;
    this.nodes = nodes;
    this.voteDelayMinMs = voteDelayMinMs;
    this.voteDelayMaxMs = voteDelayMaxMs;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
        .setConnectTimeout(30_000));
  }

  /** The option a viewer picks: about 85 % "false" on half the prompts and 15 % on the other half. */
  static String option(String promptId, String userId) {
    double falseShare = (promptId.hashCode() & 1) == 0 ? 0.85 : 0.15;
    return Math.floorMod((userId + "/" + promptId).hashCode(), 1000) < falseShare * 1000 ? "false" : "true";
  }

  /** Replaces {@link #option}: (prompt id, user id) → the option voted. */
  Crowd plan(BiFunction<String, String, String> plan) {
    this.plan = plan;
    return this;
  }

  Crowd reconnecting(boolean reconnect) {
    this.reconnect = reconnect;
    return this;
  }

  Crowd voting(boolean voting) {
    this.voting = voting;
    return this;
  }

  /** Connects n viewers named prefix-0 … prefix-(n-1), 200 handshakes at a time. */
  Crowd join(String prefix, int n) {
    List<Future<Viewer>> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Viewer viewer = new Viewer(prefix + "-" + i, viewers.size());
      viewers.add(viewer);
      batch.add(viewer.connect(nodes.apply(viewer.index)));
      if (batch.size() == 200 || i == n - 1) {
        Future.all(batch).await();
        batch.clear();
      }
    }
    return this;
  }

  /** Opens one claim prompt through the given node; a failure is recorded, not thrown. */
  Opened open(Api api, String staffToken, int seconds, String question) {
    try {
      JsonObject prompt = api.post("/api/rooms/" + roomId + "/prompts", staffToken, new JsonObject()
          .put("kind", "claim").put("question", question).put("durationSec", seconds));
      Opened o = new Opened(prompt.getString("id"), Instant.parse(prompt.getString("closesAt")).toEpochMilli());
      opened.add(o);
      return o;
    } catch (IOException | RuntimeException e) {
      openFailures.add(e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Opens {@code count} prompts, one every {@code everyMs}, on a thread of its own (so the scenario can apply
   * its fault meanwhile); join the returned thread to wait for the last one to be opened.
   */
  Thread drive(IntFunction<Api> api, String staffToken, int count, long everyMs, int seconds) {
    Thread driver = new Thread(() -> {
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        long due = start + TimeUnit.MILLISECONDS.toNanos(i * everyMs);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            return;
          }
        }
        open(api.apply(i), staffToken, seconds, "主播说这款茶能治疗糖尿病，属实吗？（第 " + (i + 1) + " 题）");
      }
    }, "prompts-" + roomId);
    driver.setDaemon(true);
    driver.start();
    return driver;
  }

  /** Waits until every prompt opened so far is past its deadline and every viewer who saw it has its verdict. */
  void awaitVerdicts(long maxWaitMs) throws InterruptedException {
    long giveUp = System.currentTimeMillis() + maxWaitMs;
    while (System.currentTimeMillis() < giveUp) {
      long lastClose = opened.stream().mapToLong(Opened::closesAtMs).max().orElse(0);
      boolean done = System.currentTimeMillis() > lastClose + 500 && viewers.stream()
          .filter(v -> v.dropped == null && v.bounces.get() == 0)
          .allMatch(v -> opened.stream().allMatch(o -> {
            Seen s = v.seen.get(o.id());
            return s != null && s.verdicts.get() >= 1;
          }));
      if (done) {
        TimeUnit.MILLISECONDS.sleep(1_000); // room for a second verdict frame, which would be a fault
        return;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
  }

  void leave() {
    viewers.forEach(Viewer::leave);
  }

  /** Viewers the node disconnected, apart from those whose node the scenario killed. */
  int honestDropped() {
    return (int) viewers.stream().filter(v -> v.dropped != null && !v.onKilledNode).count();
  }

  List<String> drops() {
    return viewers.stream().filter(v -> v.dropped != null && !v.onKilledNode).map(v -> v.userId + " " + v.dropped)
        .limit(5).toList();
  }

  /**
   * Checks every opened prompt against Redis and against what the viewers saw: each ballot acked
   * {@code accepted} is in the prompt's voters hash (else it was acknowledged but lost); nothing of this crowd
   * is counted that was not acked, unless its ack never came or said {@code unavailable} (its fate unknown to
   * the client); the prompt's public total equals its voters; and each viewer held through a prompt got it and
   * exactly one verdict for it.
   */
  Audit audit(Api api, String staffToken, int redisPort) throws IOException, InterruptedException {
    return audit(api, staffToken, redisPort, o -> true);
  }

  /** {@link #audit} of the prompts the predicate selects. */
  Audit audit(Api api, String staffToken, int redisPort, Predicate<Opened> include)
      throws IOException, InterruptedException {
    Audit audit = new Audit();
    audit.openFailures = openFailures.size();
    for (Opened o : opened) {
      if (!include.test(o)) {
        continue;
      }
      audit.prompts++;
      JsonObject view;
      try {
        view = api.get("/api/prompts/" + o.id(), staffToken);
      } catch (IllegalStateException e) {
        audit.problem("prompt " + o.id() + " cannot be read: " + e.getMessage());
        continue;
      }
      Set<String> counted = new HashSet<>(Resp.list(redisPort, "HKEYS", RedisKeys.voters(o.id())));
      if (!"closed".equals(view.getString("status")) || view.getJsonObject("verdict") == null) {
        audit.problem("prompt " + o.id() + " has no verdict (status " + view.getString("status") + ")");
      } else {
        audit.verdicts++;
        JsonObject verdict = view.getJsonObject("verdict");
        if ("FALSE_CLAIM".equals(verdict.getString("outcome"))) {
          audit.falseClaims.add(verdict.getString("id"));
        }
        audit.verdictByPrompt.put(o.id(), verdict.getString("id"));
      }
      if (view.getLong("total") != counted.size()) {
        audit.problem("prompt " + o.id() + " shows total " + view.getLong("total") + " but " + counted.size() + " voters");
      }
      for (Viewer v : viewers) {
        Seen s = v.seen.get(o.id());
        boolean isCounted = counted.contains(v.userId);
        if (s != null && "accepted".equals(s.ack)) {
          audit.accepted++;
          if (!isCounted) {
            audit.lost.add(new Audit.Lost(v.userId, o.id(), s.ackWallMs));
          }
        } else if (s != null && s.sentAt > 0 && (s.ack == null || "unavailable".equals(s.reason))) {
          audit.uncertain++;
          if (isCounted) {
            audit.uncertainCounted++;
          }
        } else if (isCounted) {
          audit.problem(v.userId + " is counted in " + o.id() + " without an accepted ballot (ack " + (s == null ? null : s.ack) + ")");
        }
        if (s != null && s.ackAt > 0 && s.sentAt > 0) {
          audit.ackNanos.add(s.ackAt - s.sentAt);
        }
        if (v.dropped == null && !v.onKilledNode && v.bounces.get() == 0) {
          if (s == null || s.prompts.get() == 0) {
            audit.missedPrompt++;
          }
          int verdicts = s == null ? 0 : s.verdicts.get();
          if (verdicts != 1) {
            audit.wrongVerdictFrames++;
            audit.problem(v.userId + " got " + verdicts + " verdict frames for " + o.id());
          }
        }
      }
    }
    if (audit.missedPrompt > 0) {
      audit.problem(audit.missedPrompt + " viewer×prompt pairs never got the prompt");
    }
    return audit;
  }

  /** The outcome of {@link #audit}. */
  static final class Audit {
    record Lost(String userId, String promptId, long ackWallMs) {
    }

    int prompts;
    int openFailures;
    int verdicts;
    long accepted;
    long uncertain;
    long uncertainCounted;
    int missedPrompt;
    int wrongVerdictFrames;
    final List<Lost> lost = new ArrayList<>();
    final List<String> falseClaims = new ArrayList<>();
    final Map<String, String> verdictByPrompt = new java.util.LinkedHashMap<>();
    final List<Long> ackNanos = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    int problemCount;

    void problem(String problem) {
      if (problemCount++ < 20) {
        problems.add(problem);
      }
    }

    boolean clean() {
      return problemCount == 0 && lost.isEmpty();
    }

    /** Findings other than lost acks, and the first few lost acks. */
    String findings() {
      List<String> all = new ArrayList<>(problems.subList(0, Math.min(3, problems.size())));
      lost.stream().limit(3).forEach(l -> all.add("acknowledged but not counted: " + l));
      return String.join("; ", all);
    }

    JsonObject toJson() {
      return new JsonObject().put("prompts", prompts).put("promptOpenFailures", openFailures).put("verdicts", verdicts)
          .put("falseClaims", falseClaims.size()).put("ballotsAccepted", accepted).put("ackedButLost", lost.size())
          .put("ballotsWithoutAnswer", uncertain).put("ofThoseCounted", uncertainCounted)
          .put("viewerPromptsMissed", missedPrompt).put("wrongVerdictFrameCounts", wrongVerdictFrames)
          .put("ack", Percentiles.of(ackNanos).toJson())
          .put("problems", new JsonArray(problems)).put("problemCount", problemCount);
    }
  }
}
