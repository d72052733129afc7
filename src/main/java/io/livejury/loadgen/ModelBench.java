package io.livejury.loadgen;

import io.livejury.config.Settings;
import io.livejury.metrics.Metrics;
import io.livejury.semantic.ModelStage;
import io.livejury.semantic.SemanticSettings;
import io.livejury.semantic.SentenceModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the sentence model costs: how long it takes to load, and how many sentences one thread embeds per second
 * with each call's latency (p50/p99), with 1 thread and with one per core; then the whole semantic stage (the
 * model on its worker pool, the shipped sheets) answering {@code judge} calls as fast as the pool takes them.
 * Sentences are realistic livestream lines, each made unique so no cache helps; a few warm-up seconds first so
 * the JIT and ONNX Runtime's allocator are settled. Load times are given as wall time and as the process's CPU time,
 * with the load average: other work on the machine stretches the first, hardly the second.
 *
 * <p>Usage: {@code ModelBench [seconds per run] [resultFile]}
 */
public final class ModelBench {

  private static final List<String> LINES = List.of(
      "家人们看过来，这款云南普洱口感醇厚，回甘很明显",
      "我们家这款茶能治疗糖尿病，喝一个月降血糖",
      "今天直播间福利价，拍一发二，包邮到家",
      "这个面膜是全网最好的，国家级工艺",
      "原价299，今天只要59，全网最低价",
      "最后3件了，手慢无，库存告急",
      "想要更便宜的加我微信私下交易",
      "这是我第一次来直播间，大家多多关照",
      "泡的时候水温80度左右，第一泡洗茶",
      "this tea tastes great with a little honey",
      "only 3 left, grab it now before it sells out",
      "主播身上这件外套是纯羊毛的，手感很软",
      "有问题的宝宝可以在评论区留言，我一个个回复");

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path resultFile = args.length > 1 ? Path.of(args[1]) : null;
    int cores = Runtime.getRuntime().availableProcessors();

    long loadStarted = System.nanoTime();
    long loadCpu = cpuNanos();
    SentenceModel model = SentenceModel.shared();
    long loadMs = (System.nanoTime() - loadStarted) / 1_000_000;
    long loadCpuMs = (cpuNanos() - loadCpu) / 1_000_000;

    run(model, 1, 3);
    JsonArray embedRuns = new JsonArray();
    for (int threads : cores > 1 ? List.of(1, cores) : List.of(1)) {
      JsonObject result = run(model, threads, seconds);
      System.out.println("embed, " + threads + " thread(s): " + result.encode());
      embedRuns.add(result);
    }

    Vertx vertx = Vertx.vertx();
    JsonObject stage;
    try {
      SemanticSettings settings = Settings.load(Map.of("LIVEJURY_MODEL_CACHE_ENTRIES", "0")).semantic();
      ModelStage modelStage = new ModelStage(vertx, settings, new Metrics(), () -> model);
      long sheetsStarted = System.nanoTime();
      long sheetsCpu = cpuNanos();
      modelStage.start().await();
      long sheetsMs = (System.nanoTime() - sheetsStarted) / 1_000_000;
      long sheetsCpuMs = (cpuNanos() - sheetsCpu) / 1_000_000;
      stage = judge(modelStage, settings.maxInFlight(), seconds).put("sheetsLoadMs", sheetsMs)
          .put("sheetsLoadCpuMs", sheetsCpuMs)
          .put("workers", settings.workers());
      System.out.println("judge through the stage: " + stage.encode());
      modelStage.stop().await();
    } finally {
      vertx.close().await();
    }

    JsonObject result = new JsonObject()
        .put("date", Instant.now().toString())
        .put("machine", cores + " cores")
        .put("cpu", Machine.cpu()).put("loadAverage", Machine.loadAverage())
        .put("modelLoadMs", loadMs)
        .put("modelLoadCpuMs", loadCpuMs)
        .put("embed", embedRuns)
        .put("stage", stage);
    System.out.println(result.encodePrettily());
    if (resultFile != null) {
      Files.createDirectories(resultFile.toAbsolutePath().getParent());
      Files.writeString(resultFile, result.encodePrettily());
    }
  }

  /** CPU time of this whole process (every thread, the JIT and GC included): a busy machine changes it little. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Embeds unique sentences on {@code threads} threads for {@code seconds}; per-thread rate and call latency. */
  private static JsonObject run(SentenceModel model, int threads, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong done = new AtomicLong();
    CountDownLatch finished = new CountDownLatch(threads);
    long started = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      new Thread(() -> {
        List<Long> mine = new ArrayList<>();
        int i = 0;
        while (System.nanoTime() < deadline) {
          String sentence = LINES.get(i % LINES.size()) + " " + thread + "-" + i;
          long callStarted = System.nanoTime();
          model.embed(sentence);
          mine.add(System.nanoTime() - callStarted);
          i++;
        }
        latencies.addAll(mine);
        done.addAndGet(mine.size());
        finished.countDown();
      }, "bench-" + t).start();
    }
    finished.await();
    double elapsed = (System.nanoTime() - started) / 1e9;
    return new JsonObject()
        .put("threads", threads)
        .put("sentences", done.get())
        .put("sentencesPerSecond", Math.round(done.get() / elapsed))
        .put("sentencesPerSecondPerThread", Math.round(done.get() / elapsed / threads))
        .put("latency", Percentiles.of(latencies).toJson());
  }

  /** Keeps the stage's pool full (the in-flight cap) for {@code seconds}; verdict rate and judge() latency. */
  private static JsonObject judge(ModelStage stage, int inFlight, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong degraded = new AtomicLong();
    AtomicLong counter = new AtomicLong();
    CountDownLatch finished = new CountDownLatch(inFlight);
    long started = System.nanoTime();
    for (int slot = 0; slot < inFlight; slot++) {
      next(stage, deadline, counter, latencies, degraded, finished);
    }
    finished.await();
    double elapsed = (System.nanoTime() - started) / 1e9;
    return new JsonObject()
        .put("inFlight", inFlight)
        .put("verdicts", latencies.size())
        .put("verdictsPerSecond", Math.round(latencies.size() / elapsed))
        .put("degraded", degraded.get())
        .put("latency", Percentiles.of(latencies).toJson());
  }

  private static void next(ModelStage stage, long deadline, AtomicLong counter, ConcurrentLinkedQueue<Long> latencies,
      AtomicLong degraded, CountDownLatch finished) {
    if (System.nanoTime() >= deadline) {
      finished.countDown();
      return;
    }
    long i = counter.getAndIncrement();
    long callStarted = System.nanoTime();
    stage.judge(LINES.get((int) (i % LINES.size())) + " " + i).onComplete(done -> {
      latencies.add(System.nanoTime() - callStarted);
      if (done.result().degraded()) {
        degraded.incrementAndGet();
      }
      next(stage, deadline, counter, latencies, degraded, finished);
    });
  }
}
