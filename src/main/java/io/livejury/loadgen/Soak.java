package io.livejury.loadgen;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A long run at a moderate steady load against one node on a real redis-server and Postgres of its own: viewers
 * over several rooms, a prompt every few seconds in each room, every viewer voting on each, a few viewers a
 * second dropping their connection and coming back, and two clients that never read (replaced every 75 s).
 * Every 10 s it samples the node's live heap (a class histogram, taken in one pause), its sockets
 * ({@code livejury_sockets}) and its open descriptors (/proc/PID/fd), and at the end fails if any of the three
 * trends upward beyond its tolerance, or if an acknowledged ballot was lost or the node dropped an honest viewer.
 * Writes CSV, JSON and an SVG chart to bench/results/soak-TIMESTAMP.* and the chart to docs/soak-DATE.svg.
 *
 * <p>Usage: {@code Soak [seconds=1800] [viewers=2000] [rooms=10]}
 */
public final class Soak {

  private static final long SAMPLE_MS = 10_000;
  private static final long PROMPT_EVERY_MS = 6_000;
  private static final int PROMPT_SECONDS = 8;
  private static final int BOUNCES_PER_SECOND = 2;
  private static final double MIB = 1024 * 1024;

  /** How far the mean of the last third of the samples may rise above the first third (after the warm-up). */
  record Tolerance(String name, double relative, double absolute) {
    boolean holds(double first, double last) {
      return last <= first * (1 + relative) + absolute;
    }
  }

  static final Tolerance HEAP = new Tolerance("live heap", 0.10, 4 * MIB);
  static final Tolerance SOCKETS = new Tolerance("sockets", 0.02, 10);
  static final Tolerance FDS = new Tolerance("open descriptors", 0.05, 20);

  record Sample(double seconds, long heapBytes, long sockets, long fds, long accepted, long bounces, long closedByNode) {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 1800;
    int viewers = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int rooms = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Thread watchdog = new Thread(() -> {
      try {
        TimeUnit.SECONDS.sleep(seconds + 900L);
        System.out.println("FAILED: the soak run overran its time by 15 minutes and was stopped");
        System.exit(3);
      } catch (InterruptedException e) {
        // done
      }
    }, "soak-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() ->
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "soak-cleanup"));

    Instant started = Instant.now();
    String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started);
    String date = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC).format(started);
    String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    Path dir = Files.createTempDirectory("livejury-soak-");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    boolean passed;
    try (Rig rig = new Rig(dir, vertx, "soak-" + UUID.randomUUID())) {
      passed = new Soak(rig, run, seconds, viewers, rooms).run(stamp, date);
    } finally {
      vertx.close().await();
    }
    System.exit(passed ? 0 : 1);
  }

  private final Rig rig;
  private final String run;
  private final int seconds;
  private final int viewers;
  private final int rooms;
  private final List<Sample> samples = new ArrayList<>();

  private Soak(Rig rig, String run, int seconds, int viewers, int rooms) {
    this.rig = rig;
    this.run = run;
    this.seconds = seconds;
    this.viewers = viewers;
    this.rooms = rooms;
  }

  private boolean run(String stamp, String date) throws Exception {
    NodeProcess node = rig.node("soak");
    Api api = node.api();
    System.out.printf("soak: %d s, %d viewers over %d rooms, node %s%n", seconds, viewers, rooms, node);
    List<Crowd> crowds = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      String room = "soak-" + run + "-r" + r;
      rig.room(api, room);
      crowds.add(new Crowd(rig.vertx, rig.tokens, room, i -> api, 200, 4_000).reconnecting(true)
          .join(room + "-v", viewers / rooms));
    }
    System.out.printf("%d viewers connected%n", crowds.stream().mapToInt(c -> c.viewers.size()).sum());
    int prompts = (int) (seconds * 1000L / PROMPT_EVERY_MS);
    List<Thread> drivers = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      drivers.add(crowds.get(r).drive(i -> api, rig.staff(), prompts, PROMPT_EVERY_MS, PROMPT_SECONDS));
      TimeUnit.MILLISECONDS.sleep(PROMPT_EVERY_MS / rooms); // the rooms' prompts take turns
    }
    List<RawWebSocket> stuck = new ArrayList<>();
    Random random = new Random(11);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    long nextSample = start;
    long nextStuck = start;
    int stuckOpened = 0;
    while (System.nanoTime() < end) {
      long now = System.nanoTime();
      if (now >= nextStuck) {
        // Two clients that never read, in the first room, replaced every 75 s: the node has closed them by
        // then (as idle after 60 s without a pong, or as stuck), so each pair goes through its shedding.
        for (RawWebSocket s : stuck) {
          s.close();
        }
        stuck.clear();
        for (int i = 0; i < 2; i++) {
          stuck.add(RawWebSocket.open(api.host(), api.port(), "/ws/rooms/" + crowds.get(0).roomId + "?token="
              + rig.tokens.viewer("soak-" + run + "-stuck-" + stuckOpened++), 4096));
        }
        nextStuck = now + TimeUnit.SECONDS.toNanos(75);
      }
      if (now >= nextSample) {
        sample(node, crowds, (now - start) / 1e9);
        nextSample += TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS);
      }
      for (int i = 0; i < BOUNCES_PER_SECOND; i++) {
        Crowd crowd = crowds.get(random.nextInt(crowds.size()));
        crowd.viewers.get(random.nextInt(crowd.viewers.size())).bounce();
      }
      TimeUnit.MILLISECONDS.sleep(1_000);
    }
    sample(node, crowds, (System.nanoTime() - start) / 1e9);
    for (RawWebSocket s : stuck) {
      s.close();
    }
    for (Thread driver : drivers) {
      driver.join(60_000);
    }
    TimeUnit.SECONDS.sleep(2); // the last bounced viewers reconnect
    List<Crowd.Audit> audits = new ArrayList<>();
    for (Crowd crowd : crowds) {
      crowd.awaitVerdicts(30_000);
      audits.add(crowd.audit(api, rig.staff(), rig.redis.port));
    }
    crowds.forEach(Crowd::leave);
    return report(stamp, date, crowds, audits);
  }

  private void sample(NodeProcess node, List<Crowd> crowds, double at) throws IOException, InterruptedException {
    long heap = node.liveHeap();
    long sockets = NodeProbe.sockets(node.api());
    long fds = node.openFiles();
    long accepted = 0;
    long bounces = 0;
    for (Crowd crowd : crowds) {
      for (Crowd.Viewer v : crowd.viewers) {
        bounces += v.bounces.get();
        for (Crowd.Seen s : v.seen.values()) {
          accepted += "accepted".equals(s.ack) ? 1 : 0;
        }
      }
    }
    long closed = (long) NodeProbe.metric(node.api(), "livejury_connections_closed_total", "");
    Sample sample = new Sample(at, heap, sockets, fds, accepted, bounces, closed);
    samples.add(sample);
    System.out.printf("t+%4.0fs live heap %6.1f MiB, sockets %5d, fds %5d, ballots accepted %,d, bounces %,d, "
        + "closed by node %d%n", at, heap / MIB, sockets, fds, accepted, bounces, closed);
  }

  private boolean report(String stamp, String date, List<Crowd> crowds, List<Crowd.Audit> audits) throws IOException {
    // The first fifth of the samples (at least two) is warm-up: connections, JIT, first prompts.
    int warm = Math.max(2, samples.size() / 5);
    List<Sample> steady = samples.subList(Math.min(warm, samples.size()), samples.size());
    int third = Math.max(1, steady.size() / 3);
    List<String> failures = new ArrayList<>();
    JsonArray trends = new JsonArray();
    if (steady.size() < 3) {
      failures.add("too few samples to judge a trend: " + samples.size());
    } else {
      trends.add(trend(HEAP, steady, third, Sample::heapBytes, failures));
      trends.add(trend(SOCKETS, steady, third, Sample::sockets, failures));
      trends.add(trend(FDS, steady, third, Sample::fds, failures));
    }
    long lost = audits.stream().mapToLong(a -> a.lost.size()).sum();
    long accepted = audits.stream().mapToLong(a -> a.accepted).sum();
    long problems = audits.stream().mapToLong(a -> a.problemCount).sum();
    int dropped = crowds.stream().mapToInt(Crowd::honestDropped).sum();
    if (lost > 0) {
      failures.add(lost + " acknowledged ballots not counted");
    }
    if (problems > 0) {
      failures.add(problems + " findings in the audit, first: " + audits.stream().flatMap(a -> a.problems.stream())
          .limit(3).toList());
    }
    if (dropped > 0) {
      failures.add(dropped + " honest viewers dropped by the node, e.g. " + crowds.stream()
          .flatMap(c -> c.drops().stream()).limit(3).toList());
    }

    Path results = Path.of("bench", "results");
    Files.createDirectories(results);
    StringBuilder csv = new StringBuilder("seconds,live_heap_bytes,sockets,open_fds,ballots_accepted,bounces,closed_by_node\n");
    for (Sample s : samples) {
      csv.append(String.format("%.0f,%d,%d,%d,%d,%d,%d%n", s.seconds(), s.heapBytes(), s.sockets(), s.fds(),
          s.accepted(), s.bounces(), s.closedByNode()));
    }
    int total = crowds.stream().mapToInt(c -> c.viewers.size()).sum();
    String title = String.format("Soak %s: %d s, %,d viewers in %d rooms, a prompt every %d s per room", date, seconds,
        total, rooms, PROMPT_EVERY_MS / 1000);
    double[] x = samples.stream().mapToDouble(Sample::seconds).toArray();
    String svg = Chart.panels(title, "seconds", List.of(
        new Chart.Series("live heap after GC", "MiB", "#1f5fd1", x,
            samples.stream().mapToDouble(s -> s.heapBytes() / MIB).toArray()),
        new Chart.Series("sockets held (livejury_sockets)", "count", "#b3261e", x,
            samples.stream().mapToDouble(Sample::sockets).toArray()),
        new Chart.Series("open file descriptors", "count", "#2e7d32", x,
            samples.stream().mapToDouble(Sample::fds).toArray())));
    JsonObject report = new JsonObject().put("date", Instant.now().toString()).put("seconds", seconds)
        .put("viewers", total).put("rooms", rooms).put("promptEverySeconds", PROMPT_EVERY_MS / 1000)
        .put("promptSeconds", PROMPT_SECONDS).put("bouncesPerSecond", BOUNCES_PER_SECOND).put("samples", samples.size())
        .put("warmUpSamples", warm).put("trends", trends).put("ballotsAccepted", accepted).put("acknowledgedButLost", lost)
        .put("honestViewersDropped", dropped).put("auditFindings", problems).put("passed", failures.isEmpty())
        .put("failures", new JsonArray(failures));
    Path base = results.resolve("soak-" + stamp);
    Files.writeString(Path.of(base + ".csv"), csv);
    Files.writeString(Path.of(base + ".json"), report.encodePrettily());
    Files.writeString(Path.of(base + ".svg"), svg);
    Path docs = Path.of("docs", "soak-" + date + ".svg");
    Files.createDirectories(docs.getParent());
    Files.writeString(docs, svg);
    System.out.println(report.encodePrettily());
    System.out.printf("written to %s.{csv,json,svg} and %s%n", base, docs);
    if (!failures.isEmpty()) {
      System.out.println("FAILED: " + String.join("; ", failures));
    }
    return failures.isEmpty();
  }

  private static JsonObject trend(Tolerance tolerance, List<Sample> steady, int third,
      java.util.function.ToLongFunction<Sample> value, List<String> failures) {
    double first = steady.subList(0, third).stream().mapToLong(value).average().orElse(0);
    double last = steady.subList(steady.size() - third, steady.size()).stream().mapToLong(value).average().orElse(0);
    boolean holds = tolerance.holds(first, last);
    if (!holds) {
      failures.add(String.format("%s trends upward: %.0f → %.0f (tolerance +%.0f %% + %.0f)", tolerance.name(), first, last,
          tolerance.relative() * 100, tolerance.absolute()));
    }
    // Least-squares slope per hour, for the record.
    double n = steady.size();
    double mx = steady.stream().mapToDouble(Sample::seconds).average().orElse(0);
    double my = steady.stream().mapToLong(value).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (Sample s : steady) {
      sxy += (s.seconds() - mx) * (value.applyAsLong(s) - my);
      sxx += (s.seconds() - mx) * (s.seconds() - mx);
    }
    double perHour = n < 2 || sxx == 0 ? 0 : sxy / sxx * 3600;
    return new JsonObject().put("measure", tolerance.name()).put("firstThirdMean", Math.round(first))
        .put("lastThirdMean", Math.round(last)).put("slopePerHour", Math.round(perHour))
        .put("toleranceRelative", tolerance.relative()).put("toleranceAbsolute", tolerance.absolute()).put("holds", holds);
  }
}
