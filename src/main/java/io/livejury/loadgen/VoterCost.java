package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Server CPU per voter-round of two servers under the same load, as a ratio: LiveJury against the floor server
 * ({@code scripts/bench floor}) or the working tree's jar against a git ref's ({@code scripts/bench --against
 * <ref>}). Reads the load runs' JSON files, named {@code <label>-<repeat>.json} in one directory, each a run of
 * several rounds on fresh processes, and writes {@code <out>.json} and {@code <out>.md}.
 *
 * <p>A run's figures: node CPU µs per voter-round (the server process's CPU over a whole round — fan-out,
 * ballots, acks, tallies, verdict — divided by the run's sockets) and the same for its Redis (and Postgres),
 * each <em>cold</em> (round 1, on a fresh JVM) and <em>warm</em> (the median of the second half of the rounds;
 * the only round when there is one); accepted ballots/s and ack p99 (ms), warm. A server's figure is the median
 * of its runs; a ratio is subject / base, so below 1 the subject costs less.
 *
 * <p>Arguments {@code key=value}: dir (the runs), out (a path without extension), subject and base (the two
 * labels of the file names), subjectName and baseName (what each label ran, for the report), title, command (as
 * run). Exits 1 when a run is missing (listed in {@code missing}, comma-separated) or failed its checks.
 */
public final class VoterCost {

  private static final Pattern RUN_FILE = Pattern.compile("(.+)-(\\d+)\\.json");

  private VoterCost() {
  }

  /**
   * One run's figures: CPU in µs per voter-round, ballots per second, ack p99 in ms; NaN where the run did not
   * report it (no process ids given).
   */
  record Run(String label, int repeat, boolean correct, int problems, String firstProblem, int sockets, int rounds,
      double coldNodeUs, double warmNodeUs, double coldServerUs, double warmServerUs, double ballotsPerSecond,
      double ackP99Ms, JsonArray everyRound) {

    JsonObject toJson() {
      return new JsonObject().put("label", label).put("repeat", repeat).put("correct", correct)
          .put("problems", problems).put("firstProblem", firstProblem).put("sockets", sockets).put("rounds", rounds)
          .put("coldNodeCpuUsPerVoter", orNull(coldNodeUs)).put("warmNodeCpuUsPerVoter", orNull(warmNodeUs))
          .put("coldServerCpuUsPerVoter", orNull(coldServerUs)).put("warmServerCpuUsPerVoter", orNull(warmServerUs))
          .put("ballotsPerSecond", orNull(ballotsPerSecond)).put("ackP99Ms", orNull(ackP99Ms))
          .put("everyRound", everyRound);
    }
  }

  /** The figures a report compares, by their JSON name, each read off a run. */
  static final Map<String, ToDoubleFunction<Run>> FIGURES = figures();

  private static Map<String, ToDoubleFunction<Run>> figures() {
    Map<String, ToDoubleFunction<Run>> figures = new LinkedHashMap<>();
    figures.put("coldNodeCpuUsPerVoter", Run::coldNodeUs);
    figures.put("warmNodeCpuUsPerVoter", Run::warmNodeUs);
    figures.put("coldServerCpuUsPerVoter", Run::coldServerUs);
    figures.put("warmServerCpuUsPerVoter", Run::warmServerUs);
    figures.put("ballotsPerSecond", Run::ballotsPerSecond);
    figures.put("ackP99Ms", Run::ackP99Ms);
    // In report order.
    return Collections.unmodifiableMap(figures);
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      a.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    String subject = a.get("subject");
    String base = a.get("base");
    List<Run> runs = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(a.get("dir")))) {
      for (Path file : files.sorted().toList()) {
        Matcher m = RUN_FILE.matcher(file.getFileName().toString());
        if (m.matches() && (m.group(1).equals(subject) || m.group(1).equals(base))) {
          runs.add(read(m.group(1), Integer.parseInt(m.group(2)), new JsonObject(Files.readString(file))));
        }
      }
    }
    List<String> failures = new ArrayList<>();
    for (String marker : a.getOrDefault("missing", "").split(",")) {
      if (!marker.isBlank()) {
        failures.add(marker + ": no result (the run did not finish)");
      }
    }
    runs.stream().filter(r -> !r.correct()).forEach(r -> failures.add(r.label() + "-" + r.repeat() + ": "
        + r.problems() + " problems, first: " + r.firstProblem()));

    JsonObject report = report(runs, subject, base)
        .put("date", Instant.now().toString())
        .put("title", a.getOrDefault("title", subject + " vs " + base))
        .put("command", a.getOrDefault("command", ""))
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores (generator and servers share them)")
        .put("subjectName", a.getOrDefault("subjectName", subject))
        .put("baseName", a.getOrDefault("baseName", base))
        .put("failures", new JsonArray(failures));
    String out = a.get("out");
    Files.writeString(Path.of(out + ".json"), report.encodePrettily());
    String md = markdown(report, runs);
    Files.writeString(Path.of(out + ".md"), md);
    System.out.println(md);
    System.out.println("written to " + out + ".json and " + out + ".md");
    if (!failures.isEmpty()) {
      System.err.println("FAILED: " + failures);
      System.exit(1);
    }
  }

  /**
   * A run's figures from its LoadTest report. The per-voter CPU is computed here from the round's CPU ms and the
   * run's sockets, so runs of a generator that did not report it per voter read the same.
   */
  static Run read(String label, int repeat, JsonObject report) {
    JsonArray rounds = report.getJsonArray("everyRound", new JsonArray());
    int sockets = report.getInteger("sockets", 0);
    List<JsonObject> all = rounds.stream().map(o -> (JsonObject) o).toList();
    List<JsonObject> warm = all.size() <= 1 ? all : all.subList(all.size() / 2, all.size());
    JsonObject cold = all.isEmpty() ? new JsonObject() : all.get(0);
    JsonArray problems = report.getJsonArray("problems", new JsonArray());
    JsonArray slim = new JsonArray(all.stream().map(r -> new JsonObject()
        .put("round", r.getInteger("round")).put("nodeCpuUsPerVoter", orNull(perVoter(r, "nodeCpuMs", sockets)))
        .put("serverCpuUsPerVoter", orNull(perVoter(r, "serverCpuMs", sockets)))
        .put("acceptedPerSecond", r.getLong("acceptedPerSecond"))
        .put("ackP99Ms", r.getJsonObject("ack", new JsonObject()).getDouble("p99Ms"))
        .put("correct", r.getBoolean("correct"))).toList());
    return new Run(label, repeat, report.getBoolean("correct", false), problems.size(),
        problems.isEmpty() ? null : problems.getString(0), sockets, all.size(),
        perVoter(cold, "nodeCpuMs", sockets), median(warm, r -> perVoter(r, "nodeCpuMs", sockets)),
        perVoter(cold, "serverCpuMs", sockets), median(warm, r -> perVoter(r, "serverCpuMs", sockets)),
        median(warm, r -> r.getLong("acceptedPerSecond", 0L).doubleValue()),
        median(warm, r -> r.getJsonObject("ack", new JsonObject()).getDouble("p99Ms", Double.NaN)), slim);
  }

  /**
   * Each server's medians and runs per figure, the subject / base ratio of every figure, and each server's cold
   * tax: its cold node CPU per voter over its warm one.
   */
  static JsonObject report(List<Run> runs, String subject, String base) {
    JsonObject servers = new JsonObject();
    Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
    for (String label : List.of(subject, base)) {
      List<Run> mine = runs.stream().filter(r -> r.label().equals(label)).toList();
      JsonObject figures = new JsonObject();
      Map<String, Double> m = new LinkedHashMap<>();
      for (Map.Entry<String, ToDoubleFunction<Run>> figure : FIGURES.entrySet()) {
        List<Double> values = mine.stream().map(r -> figure.getValue().applyAsDouble(r)).filter(v -> !Double.isNaN(v))
            .toList();
        m.put(figure.getKey(), JuryCost.median(values));
        figures.put(figure.getKey(), new JsonObject().put("median", orNull(round(JuryCost.median(values), 1)))
            .put("runs", new JsonArray(values)));
      }
      medians.put(label, m);
      figures.put("coldTax", orNull(round(ratio(m.get("coldNodeCpuUsPerVoter"), m.get("warmNodeCpuUsPerVoter")), 3)));
      servers.put(label, figures.put("runs", mine.size()));
    }
    JsonObject ratios = new JsonObject();
    for (String figure : FIGURES.keySet()) {
      ratios.put(figure, orNull(round(ratio(medians.get(subject).get(figure), medians.get(base).get(figure)), 3)));
    }
    return new JsonObject().put("subject", subject).put("base", base).put("servers", servers)
        .put("ratios", ratios).put("runs", new JsonArray(runs.stream().map(Run::toJson).toList()));
  }

  private static String markdown(JsonObject report, List<Run> runs) {
    String subject = report.getString("subject");
    String base = report.getString("base");
    StringBuilder md = new StringBuilder();
    md.append("# ").append(report.getString("title")).append(", ").append(report.getString("date")).append("\n\n");
    md.append("Command: `").append(report.getString("command")).append("` on ").append(report.getString("machine"))
        .append(".\n\n");
    md.append("`").append(subject).append("`: ").append(report.getString("subjectName")).append("; `").append(base)
        .append("`: ").append(report.getString("baseName")).append(".\n\n");
    md.append("CPU per voter-round: the server process's CPU time over a whole round (prompt fan-out, ballots, acks, "
        + "tallies, verdict), read from /proc, over the run's sockets; Redis (+ Postgres) the same for the stores. "
        + "Cold: round 1 of a fresh process; warm: the median of the second half of the rounds. A server's figure is "
        + "the median of its runs; the ratio is " + subject + " / " + base + " (below 1: " + subject + " costs less; "
        + "for ballots/s above 1 is better).\n\n");
    md.append("| figure | ").append(subject).append(" | ").append(base).append(" | ratio |\n| --- | ---: | ---: | ---: |\n");
    JsonObject servers = report.getJsonObject("servers");
    JsonObject ratios = report.getJsonObject("ratios");
    Map<String, String> names = Map.of("coldNodeCpuUsPerVoter", "node CPU µs per voter-round, cold",
        "warmNodeCpuUsPerVoter", "node CPU µs per voter-round, warm",
        "coldServerCpuUsPerVoter", "Redis (+ Postgres) CPU µs per voter-round, cold",
        "warmServerCpuUsPerVoter", "Redis (+ Postgres) CPU µs per voter-round, warm",
        "ballotsPerSecond", "accepted ballots/s, warm", "ackP99Ms", "ack p99 ms, warm");
    for (String figure : FIGURES.keySet()) {
      md.append("| ").append(names.get(figure)).append(" | ")
          .append(cell(servers.getJsonObject(subject).getJsonObject(figure))).append(" | ")
          .append(cell(servers.getJsonObject(base).getJsonObject(figure))).append(" | ")
          .append(fmt(number(ratios, figure), 3)).append(" |\n");
    }
    md.append("| cold tax (node CPU cold / warm) | ").append(fmt(number(servers.getJsonObject(subject), "coldTax"), 2))
        .append(" | ").append(fmt(number(servers.getJsonObject(base), "coldTax"), 2)).append(" | |\n");
    md.append("\nRuns in order of their label and repeat (node and store CPU µs per voter-round by round):\n\n");
    md.append("| run | correct | sockets | node µs cold | node µs warm | store µs cold | store µs warm | ballots/s "
        + "| ack p99 ms | node µs by round |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Run r : runs) {
      md.append("| ").append(r.label()).append(" #").append(r.repeat()).append(" | ")
          .append(r.correct() ? "yes" : "**no** (" + r.problems() + ")").append(" | ").append(r.sockets()).append(" | ")
          .append(fmt(r.coldNodeUs(), 1)).append(" | ").append(fmt(r.warmNodeUs(), 1)).append(" | ")
          .append(fmt(r.coldServerUs(), 1)).append(" | ").append(fmt(r.warmServerUs(), 1)).append(" | ")
          .append(fmt(r.ballotsPerSecond(), 0)).append(" | ").append(fmt(r.ackP99Ms(), 1)).append(" | ")
          .append(String.join(", ", r.everyRound().stream()
              .map(o -> fmt(number((JsonObject) o, "nodeCpuUsPerVoter"), 0)).toList()))
          .append(" |\n");
    }
    JsonArray failures = report.getJsonArray("failures");
    md.append("\n").append(failures.isEmpty() ? "Every run's checks passed."
        : "**Failed:** " + String.join("; ", failures.stream().map(String::valueOf).toList())).append("\n");
    return md.toString();
  }

  /** A round's CPU (ms) per voter in µs; NaN when the round has no such figure. */
  static double perVoter(JsonObject round, String cpuMsField, int sockets) {
    Double ms = round.getDouble(cpuMsField);
    return ms == null || sockets == 0 ? Double.NaN : ms * 1000 / sockets;
  }

  /** The median of a figure over rounds, those without it left out; NaN when none has it. */
  private static double median(List<JsonObject> rounds, ToDoubleFunction<JsonObject> figure) {
    return JuryCost.median(rounds.stream().map(figure::applyAsDouble).filter(v -> !Double.isNaN(v)).toList());
  }

  static double ratio(double value, double base) {
    return base == 0 || Double.isNaN(base) || Double.isNaN(value) ? Double.NaN : value / base;
  }

  private static String cell(JsonObject figure) {
    return fmt(number(figure, "median"), 1) + " (" + String.join(", ", figure.getJsonArray("runs").stream()
        .map(v -> fmt(((Number) v).doubleValue(), 1)).toList()) + ")";
  }

  private static double number(JsonObject o, String key) {
    Double value = o.getDouble(key);
    return value == null ? Double.NaN : value;
  }

  /** JSON has no NaN: a figure that could not be had is null. */
  private static Double orNull(double value) {
    return Double.isNaN(value) ? null : value;
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Double.isNaN(value) ? value : Math.round(value * scale) / scale;
  }

  private static String fmt(double value, int digits) {
    return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%,." + digits + "f", value);
  }
}
