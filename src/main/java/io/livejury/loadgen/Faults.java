package io.livejury.loadgen;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fault suite: real processes on 127.0.0.1 — a redis-server, a Postgres and LiveJury nodes as child JVMs —
 * an honest crowd voting in each scenario, one fault per scenario, then checks. Prints a table (scenario | load
 * held | faults survived | acknowledged but lost | honest clients dropped | result), writes it as JSON and
 * Markdown to bench/results/faults-TIMESTAMP.{json,md} (faults-quick-… for --quick), and exits non-zero if any
 * scenario failed a check.
 *
 * <p>Usage: {@code Faults [--quick] [scenario id…]}; ids are 1a 1b 2 3 4 5 6 7a 7b 8 9 10. Every loop is
 * bounded, and the whole run stops itself after 25 minutes (5 for --quick).
 */
public final class Faults {

  private interface Step {
    void run(FaultScenarios scenarios, Outcome outcome, boolean quick) throws Exception;
  }

  private record Spec(String id, String title, boolean inQuick, Step step) {
  }

  private static final List<Spec> SPECS = List.of(
      new Spec("1a", "stuck reader: 600,000 pings, never reading", false, (s, o, q) -> s.stuckPingFlood(o)),
      new Spec("1b", "10 stuck readers, 2,000 prompts open in their room", false, (s, o, q) -> s.stuckPromptFlood(o)),
      new Spec("2", "2,000 sockets with one user id", true, (s, o, q) -> s.oneUserManySockets(o)),
      new Spec("3", "3,000 connections that never finish an upgrade", true,
          (s, o, q) -> s.halfOpenUpgrades(o, q ? 1_000 : 3_000)),
      new Spec("4", "tokens: no secret, forged, expired, a century long", true, (s, o, q) -> s.tokens(o)),
      new Spec("5", "kill -9 one of two nodes mid-close", false, (s, o, q) -> s.killNodeMidClose(o)),
      new Spec("6", "Postgres frozen for 60 s under load", false, (s, o, q) -> s.postgresStopped(o, 60)),
      new Spec("7a", "Redis SHUTDOWN and restart (AOF)", false, (s, o, q) -> s.redisRestart(o, false)),
      new Spec("7b", "Redis kill -9 and restart (AOF everysec)", false, (s, o, q) -> s.redisRestart(o, true)),
      new Spec("8", "pub/sub connections killed every 500 ms", true, (s, o, q) -> s.pubSubSevered(o, q ? 6 : 18)),
      new Spec("9", "10,000 malformed frames from one socket", true, (s, o, q) -> s.malformed(o)),
      new Spec("10", "embedded default: kill -9, start again", false, (s, o, q) -> s.embeddedRestart(o)));

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Set<String> only = Set.copyOf(Stream.of(args).filter(a -> !a.startsWith("--")).toList());
    for (String id : only) {
      if (SPECS.stream().noneMatch(s -> s.id().equals(id))) {
        System.err.println("unknown scenario '" + id + "'; known: " + SPECS.stream().map(Spec::id).toList());
        System.exit(2);
      }
    }
    List<Spec> chosen = SPECS.stream()
        .filter(s -> only.isEmpty() ? !quick || s.inQuick() : only.contains(s.id())).toList();
    watchdog(quick ? 5 : 25);
    Runtime.getRuntime().addShutdownHook(new Thread(() ->
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "faults-cleanup"));

    String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    Path dir = Files.createTempDirectory("livejury-faults-");
    System.out.println("fault run " + run + " in " + dir + (quick ? " (quick)" : ""));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    List<Outcome> outcomes = new ArrayList<>();
    long runStart = System.nanoTime();
    try (Rig rig = new Rig(dir, vertx, "faults-" + UUID.randomUUID())) {
      System.out.printf("redis-server on %d (%s), Postgres on %d%n", rig.redis.port, rig.redis.dir, rig.postgres.port);
      FaultScenarios scenarios = new FaultScenarios(rig, run, quick);
      for (Spec spec : chosen) {
        Outcome outcome = new Outcome(spec.id(), spec.title());
        System.out.printf("%n=== %s. %s%n", spec.id(), spec.title());
        long start = System.nanoTime();
        try {
          spec.step().run(scenarios, outcome, quick);
        } catch (Exception | AssertionError e) {
          e.printStackTrace(System.out);
          outcome.check("scenario ran to the end", false, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
          rig.stopNodes();
          if (!rig.redis.alive()) {
            rig.redis.start();
          }
          rig.awaitQuiet(60);
        }
        outcome.seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("=== %s %s in %.0f s%n", spec.id(), outcome.passed() ? "passed" : "FAILED", outcome.seconds);
        outcomes.add(outcome);
      }
    } finally {
      vertx.close().await();
    }
    double seconds = (System.nanoTime() - runStart) / 1e9;
    String table = table(outcomes);
    System.out.println();
    System.out.println(table);
    JsonObject report = new JsonObject().put("date", Instant.now().toString()).put("quick", quick)
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores")
        .put("seconds", Math.round(seconds)).put("passed", outcomes.stream().allMatch(Outcome::passed))
        .put("scenarios", new JsonArray(outcomes.stream().map(Outcome::toJson).toList()));
    Path results = Path.of("bench", "results");
    Files.createDirectories(results);
    String name = (quick ? "faults-quick-" : "faults-") + stamp;
    Path json = results.resolve(name + ".json");
    Path md = results.resolve(name + ".md");
    Files.writeString(json, report.encodePrettily());
    Files.writeString(md, "# Fault suite, " + report.getString("date") + (quick ? " (--quick)" : "") + "\n\n"
        + String.format("%d scenarios in %.0f s on %s, real processes on 127.0.0.1.%n%n", outcomes.size(), seconds,
            report.getString("machine")) + table + "\n" + failures(outcomes));
    System.out.printf("%nwritten to %s and %s; %d scenarios in %.0f s%n", json, md, outcomes.size(), seconds);
    if (outcomes.stream().allMatch(Outcome::passed)) {
      deleteTree(dir);
    } else {
      System.out.println("FAILED: " + outcomes.stream().filter(o -> !o.passed()).map(o -> o.id).toList()
          + "; node, Redis and Postgres logs kept in " + dir);
      System.exit(1);
    }
    System.exit(0);
  }

  static String table(List<Outcome> outcomes) {
    StringBuilder t = new StringBuilder(
        "| scenario | load held | faults survived | acknowledged but lost | honest clients dropped | result |\n"
            + "| --- | --- | --- | --- | --- | --- |\n");
    for (Outcome o : outcomes) {
      t.append(String.format("| %s. %s | %s | %s | %d%s | %d | %s |%n", o.id, o.title, cell(o.load), cell(o.faults),
          o.ackedLost, o.lostNote.isEmpty() ? "" : " (" + cell(o.lostNote) + ")", o.honestDropped,
          o.passed() ? "pass" : "**FAIL**"));
    }
    return t.toString();
  }

  private static String failures(List<Outcome> outcomes) {
    StringBuilder f = new StringBuilder();
    for (Outcome o : outcomes) {
      if (!o.passed()) {
        f.append(String.format("- **%s** failed: %s%n", o.id, cell(o.failures())));
      }
    }
    return f.length() == 0 ? "Every check passed.\n" : "Failed checks:\n\n" + f;
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  /** Ends the run, children included, if it ever takes longer than it should. */
  private static void watchdog(int minutes) {
    Thread watchdog = new Thread(() -> {
      try {
        TimeUnit.MINUTES.sleep(minutes);
        System.out.println("FAILED: the fault run took over " + minutes + " minutes and was stopped");
        System.exit(3);
      } catch (InterruptedException e) {
        // done
      }
    }, "faults-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      System.out.println("could not remove " + dir + ": " + e.getMessage());
    }
  }

  private Faults() {
  }
}
