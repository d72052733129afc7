package io.livejury.loadgen;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole detection pipeline of one running node, driven as a streamer's speech-to-text drives it: one segment
 * per {@code POST /api/rooms/{roomId}/transcript}, round-robin over several rooms, each room's streamer holding its
 * socket. An optional warm-up first ({@code warmup} seconds at the steady rate, reported apart as {@code warmUp}):
 * the node's first minute is mostly its JIT compilers' work, which a node serving all day does once. Then two
 * measurements, one after the other:
 * <ol>
 *   <li><b>at a steady rate</b> ({@code rate} segments/s for {@code seconds}): for each segment the node warned on,
 *   the time from sending the POST to the {@code warning} frame on the streamer's socket (p50/p99/max, ms), and
 *   every POST's answer time. A rule's repeats in one room within {@code LIVEJURY_WARNING_REPEAT_SECONDS} are
 *   answered but not pushed again (by design): counted as {@code warningsNotPushed};</li>
 *   <li><b>saturated</b> ({@code concurrency} posters, each sending its next segment when the last is answered,
 *   for {@code seconds}): segments answered per second, and the node's CPU time over the same window
 *   ({@link NodeProbe#cpuNanos}), giving segments per CPU-second: the pipeline's throughput per core, whatever
 *   else shares the machine.</li>
 * </ol>
 * Both report how the sentence model judged the segments ({@code livejury_model_verdicts_total} at
 * {@code /metrics}, by outcome), because a segment the model did not run on (queue full) costs a fraction of one
 * it did: a throughput is only a throughput of the whole pipeline when {@code ran} is every segment. Run the node
 * with {@code LIVEJURY_MODEL_CACHE_ENTRIES=0} so no segment is answered from the model's cache (the script does).
 *
 * <p>Segments are the labelled sentences of the given TSV files (the last field of each line; # comments skipped),
 * drawn at random with a fixed seed, each with its own id. Arguments {@code key=value}: url, pid (the node's
 * process id, for its CPU time), sentences (comma-separated files), rooms (20), rate (100), seconds (30),
 * warmup (0 seconds), concurrency (4), result (a JSON file to write). Exits 1 when a post was not answered 202 (a rate limit, an
 * error) or none was while saturated.
 */
public final class PipelineBench {

  private final Api api;
  private final long pid;
  private final List<String> sentences;
  private final List<String> roomIds = new ArrayList<>();
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final Map<String, Long> warnedAfter = new ConcurrentHashMap<>();
  private final AtomicLong segmentIds = new AtomicLong();
  /** Failed posts by status and error code (or the exception, when there was no answer), over the whole run. */
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Random random = new Random(13);
  private String staffToken;

  private PipelineBench(Api api, long pid, List<String> sentences) {
    this.api = api;
    this.pid = pid;
    this.sentences = sentences;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      a.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    List<String> sentences = new ArrayList<>();
    for (String file : a.get("sentences").split(",")) {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (!line.isBlank() && !line.startsWith("#")) {
          sentences.add(line.substring(line.lastIndexOf('\t') + 1));
        }
      }
    }
    int rooms = Integer.parseInt(a.getOrDefault("rooms", "20"));
    int rate = Integer.parseInt(a.getOrDefault("rate", "100"));
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "30"));
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "4"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "0"));
    Vertx vertx = Vertx.vertx();
    try {
      PipelineBench bench = new PipelineBench(new Api(URI.create(a.getOrDefault("url", "http://127.0.0.1:8080"))),
          Long.parseLong(a.get("pid")), sentences);
      bench.setUp(vertx, rooms);
      JsonObject warmUp = warmup > 0 ? bench.atRate(rate, warmup) : null;
      if (warmUp != null) {
        System.out.println("warm-up: " + warmUp.encode());
      }
      JsonObject atRate = bench.atRate(rate, seconds);
      System.out.println("at rate: " + atRate.encode());
      JsonObject saturated = bench.saturated(concurrency, seconds);
      System.out.println("saturated: " + saturated.encode());
      JsonObject report = new JsonObject().put("date", Instant.now().toString())
          .put("machine", Runtime.getRuntime().availableProcessors() + " cores, shared by the node and this generator")
          .put("cpu", Machine.cpu()).put("loadAverage", Machine.loadAverage())
          .put("sentences", sentences.size()).put("rooms", rooms)
          .put("warmUp", warmUp).put("atRate", atRate).put("saturated", saturated)
          .put("failures", new JsonObject(new LinkedHashMap<>(bench.failures)));
      System.out.println(report.encodePrettily());
      if (a.containsKey("result")) {
        Files.writeString(Path.of(a.get("result")), report.encodePrettily());
      }
      int failed = atRate.getInteger("failed") + saturated.getInteger("failed")
          + (warmUp == null ? 0 : warmUp.getInteger("failed"));
      if (failed > 0 || saturated.getInteger("segments") == 0) {
        System.err.println("FAILED: " + failed + " posts not answered 202 (" + bench.failures + "), "
            + saturated.getInteger("segments") + " answered while saturated");
        System.exit(1);
      }
    } finally {
      vertx.close().await();
    }
  }

  /** Rooms with their streamers connected; a streamer's {@code warning} frames are timed against their POSTs. */
  private void setUp(Vertx vertx, int rooms) throws IOException, InterruptedException {
    staffToken = api.token("bench-staff", "staff");
    String run = Long.toString(System.currentTimeMillis(), 36);
    // One socket per room: the client's default of 50 connections per server would leave the 51st waiting for ever.
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(rooms + 1));
    for (int r = 0; r < rooms; r++) {
      String roomId = "pipe-" + run + "-" + r;
      String streamer = roomId + "-streamer";
      api.post("/api/rooms", staffToken, new JsonObject().put("roomId", roomId).put("streamerId", streamer)
          .put("merchantId", "m-" + streamer).put("title", "Pipeline room " + r));
      ClientWebSocket ws = client.webSocket();
      ws.textMessageHandler(this::onFrame);
      ws.connect(new WebSocketConnectOptions().setHost(api.host()).setPort(api.port())
          .setURI("/ws/rooms/" + roomId + "?token=" + api.token(streamer, "streamer"))).await();
      roomIds.add(roomId);
    }
  }

  private void onFrame(String text) {
    long now = System.nanoTime();
    if (!text.startsWith("{\"type\":\"warning\"")) {
      return;
    }
    String segmentId = new JsonObject(text).getJsonObject("warning").getJsonObject("evidence").getString("segmentId");
    Long sent = segmentId == null ? null : sentAt.get(segmentId);
    if (sent != null) {
      warnedAfter.putIfAbsent(segmentId, now - sent);
    }
  }

  /** One segment, posted; completes with the node's answer. */
  private CompletableFuture<JsonObject> post(int index) {
    String roomId = roomIds.get(index % roomIds.size());
    String id = "s-" + segmentIds.incrementAndGet();
    String text;
    synchronized (random) {
      text = sentences.get(random.nextInt(sentences.size()));
    }
    long startMs = index * 3_000L;
    JsonObject body = new JsonObject().put("segments", new JsonArray().add(new JsonObject().put("id", id)
        .put("startMs", startMs).put("endMs", startMs + 2_500).put("text", text)));
    sentAt.put(id, System.nanoTime());
    return api.postAsync("/api/rooms/" + roomId + "/transcript", staffToken, body);
  }

  private JsonObject atRate(int rate, int seconds) throws Exception {
    Map<String, Double> modelBefore = modelVerdicts();
    List<Long> answered = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger warnings = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    Map<String, Long> expected = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    int total = rate * seconds;
    for (int i = 0; i < total; i++) {
      long due = start + i * 1_000_000_000L / rate;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      long sent = System.nanoTime();
      pending.add(post(i).whenComplete((answer, err) -> {
        if (err != null) {
          failed.incrementAndGet();
          failure(err);
          return;
        }
        answered.add(System.nanoTime() - sent);
        for (Object w : answer.getJsonArray("warnings", new JsonArray())) {
          warnings.incrementAndGet();
          expected.put(((JsonObject) w).getJsonObject("evidence").getString("segmentId"), 1L);
        }
      }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(err -> null).join();
    long offeredNanos = System.nanoTime() - start;
    // The frames go out as the answers do; give the last ones a moment to arrive.
    TimeUnit.SECONDS.sleep(2);
    List<Long> toFrame = new ArrayList<>();
    int missing = 0;
    for (String segmentId : expected.keySet()) {
      Long after = warnedAfter.get(segmentId);
      if (after == null) {
        missing++;
      } else {
        toFrame.add(after);
      }
    }
    return new JsonObject().put("rate", rate).put("seconds", seconds).put("segments", total)
        .put("achievedPerSecond", Math.round(total / (offeredNanos / 1e9)))
        .put("failed", failed.get()).put("warnings", warnings.get())
        .put("postToWarningFrame", Percentiles.of(toFrame).toJson()).put("warningsNotPushed", missing)
        .put("postAnswered", Percentiles.of(answered).toJson())
        .put("model", delta(modelBefore, modelVerdicts()));
  }

  private JsonObject saturated(int concurrency, int seconds) throws Exception {
    Map<String, Double> modelBefore = modelVerdicts();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger index = new AtomicInteger();
    Semaphore slots = new Semaphore(concurrency);
    long cpuBefore = NodeProbe.cpuNanos(pid);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      slots.acquire();
      post(index.getAndIncrement()).whenComplete((answer, err) -> {
        (err == null ? done : failed).incrementAndGet();
        if (err != null) {
          failure(err);
        }
        slots.release();
      });
    }
    slots.acquire(concurrency);
    double wallSeconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (NodeProbe.cpuNanos(pid) - cpuBefore) / 1e9;
    return new JsonObject().put("concurrency", concurrency).put("seconds", Math.round(wallSeconds * 10) / 10.0)
        .put("segments", done.get()).put("failed", failed.get())
        .put("perSecond", Math.round(done.get() / wallSeconds))
        .put("nodeCpuSeconds", Math.round(cpuSeconds * 100) / 100.0)
        .put("perCpuSecond", Math.round(done.get() / cpuSeconds))
        .put("model", delta(modelBefore, modelVerdicts()));
  }

  /** Counts a failed post by what it was answered (status and error code) or why it had no answer. */
  private void failure(Throwable err) {
    Throwable cause = err.getCause() != null ? err.getCause() : err;
    String message = String.valueOf(cause.getMessage());
    java.util.regex.Matcher answered = java.util.regex.Pattern.compile("answered (\\d+): .*?\"code\":\"([^\"]*)\"")
        .matcher(message);
    failures.merge(answered.find() ? answered.group(1) + " " + answered.group(2) : cause.getClass().getSimpleName(),
        1, Integer::sum);
  }

  /** {@code livejury_model_verdicts_total} by outcome, as the node counts them so far. */
  private Map<String, Double> modelVerdicts() throws IOException, InterruptedException {
    Map<String, Double> byOutcome = new LinkedHashMap<>();
    for (String outcome : List.of("ran", "cached", "blank", "queue_full", "not_loaded", "disabled", "failed")) {
      byOutcome.put(outcome, NodeProbe.metric(api, "livejury_model_verdicts_total", "outcome=\"" + outcome + "\""));
    }
    return byOutcome;
  }

  private static JsonObject delta(Map<String, Double> before, Map<String, Double> after) {
    JsonObject delta = new JsonObject();
    after.forEach((outcome, count) -> delta.put(outcome, Math.round(count - before.getOrDefault(outcome, 0.0))));
    return delta;
  }
}
