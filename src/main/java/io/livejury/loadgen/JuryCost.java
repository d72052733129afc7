package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cost of the jury rules, from load runs made in one go by {@code scripts/bench jury}:
 * the same measurements on nodes with every eligibility rule off ({@code off}), with every rule on and
 * passable by the load's viewers ({@code on}), and on with a jury of about half the room drawn for every
 * prompt ({@code draw}), each repeated and alternated. Reads the runs' JSON files, named
 * {@code <measure>-<config>-<repeat>.json} in one directory, and writes {@code <out>.json} and {@code
 * <out>.md}: ballots/s and prompt fan-out p99 of each configuration, and their ratios to {@code off}.
 *
 * <p>A run's figure is the median of its warm rounds (the second half of its rounds: on a fresh node the JIT is
 * still compiling through the first few, and the ballots/s of round 2 are often half of round 4's; the only round
 * if there is one), a configuration's the median of its repeats. The budget: an {@code on} or {@code draw} configuration
 * may lose at most {@code budget} (10 %) of the ballots/s of {@code off} and add at most that much to its fan-out
 * p99. The {@code ballots} measure gives ballots/s, the {@code fan-out} measure the fan-out p99; a {@code quick}
 * run gives both from one run. In the {@code ballots} measure every viewer holds its ballot until every socket has
 * the prompt ({@code afterFanOut}), so its ballots/s is the ballot path's alone: voting while the prompt still goes
 * out mixed the two, and the share of the prompt writes a round's ballots met made its ballots/s vary by half
 * from round to round.
 *
 * <p>Arguments {@code key=value}: dir (the runs), out (a path without extension), budget (0.10), check (true:
 * exit 3 when a ratio breaks the budget; the quick flavour only reports), command (as run, for the report),
 * env.&lt;config&gt; (the node settings of each configuration, for the report), jurySize.&lt;measure&gt;
 * (the draw's jury size per prompt). Exits 1 when a run is missing or failed its correctness checks.
 */
public final class JuryCost {

  private static final List<String> CONFIGS = List.of("off", "on", "draw");
  private static final Pattern RUN_FILE = Pattern.compile("(fan-out|ballots|quick)-(off|on|draw)-(\\d+)\\.json");

  private JuryCost() {
  }

  /** One load run's figures. */
  record Run(String measure, String config, int repeat, boolean correct, int problems, String firstProblem,
      double ballotsPerSecond, double fanOutP99Ms, double fanOutNodeCpuMs, double nodeCpuUsPerVoter,
      double serverCpuUsPerVoter, JsonObject jury, JsonArray rounds) {

    JsonObject toJson() {
      return new JsonObject().put("measure", measure).put("config", config).put("repeat", repeat)
          .put("correct", correct).put("problems", problems).put("firstProblem", firstProblem)
          .put("ballotsPerSecond", orNull(ballotsPerSecond)).put("fanOutP99Ms", orNull(fanOutP99Ms))
          .put("fanOutNodeCpuMs", orNull(fanOutNodeCpuMs)).put("nodeCpuUsPerVoter", orNull(nodeCpuUsPerVoter))
          .put("serverCpuUsPerVoter", orNull(serverCpuUsPerVoter)).put("jury", jury)
          .put("everyRound", rounds);
    }
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      a.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    Path dir = Path.of(a.get("dir"));
    String out = a.get("out");
    double budget = Double.parseDouble(a.getOrDefault("budget", "0.10"));
    boolean check = Boolean.parseBoolean(a.getOrDefault("check", "true"));

    List<Run> runs = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      // In the order they ran.
      for (Path file : files.sorted(Comparator.comparing(JuryCost::modified)).toList()) {
        Matcher m = RUN_FILE.matcher(file.getFileName().toString());
        if (m.matches()) {
          runs.add(read(m.group(1), m.group(2), Integer.parseInt(m.group(3)), new JsonObject(Files.readString(file))));
        }
      }
    }
    for (String marker : a.getOrDefault("missing", "").split(",")) {
      if (!marker.isBlank()) {
        failures.add(marker + ": no result (the run did not finish)");
      }
    }
    runs.stream().filter(r -> !r.correct())
        .forEach(r -> failures.add(r.measure() + "-" + r.config() + "-" + r.repeat() + ": " + r.problems()
            + " problems, first: " + r.firstProblem()));

    boolean quick = runs.stream().anyMatch(r -> r.measure().equals("quick"));
    String ballotsMeasure = quick ? "quick" : "ballots";
    String fanOutMeasure = quick ? "quick" : "fan-out";
    JsonObject configs = new JsonObject();
    Map<String, Double> ballots = new HashMap<>();
    Map<String, Double> fanOut = new HashMap<>();
    Map<String, Double> fanOutCpu = new HashMap<>();
    Map<String, Double> nodeCpu = new HashMap<>();
    Map<String, Double> serverCpu = new HashMap<>();
    for (String config : CONFIGS) {
      List<Double> b = runs.stream().filter(r -> r.config().equals(config) && r.measure().equals(ballotsMeasure))
          .map(Run::ballotsPerSecond).toList();
      List<Double> f = runs.stream().filter(r -> r.config().equals(config) && r.measure().equals(fanOutMeasure))
          .map(Run::fanOutP99Ms).toList();
      List<Double> c = runs.stream().filter(r -> r.config().equals(config) && r.measure().equals(fanOutMeasure))
          .map(Run::fanOutNodeCpuMs).filter(v -> !Double.isNaN(v)).toList();
      if (b.isEmpty() && f.isEmpty()) {
        continue;
      }
      List<Double> n = runs.stream().filter(r -> r.config().equals(config) && r.measure().equals(ballotsMeasure))
          .map(Run::nodeCpuUsPerVoter).filter(v -> !Double.isNaN(v)).toList();
      List<Double> sv = runs.stream().filter(r -> r.config().equals(config) && r.measure().equals(ballotsMeasure))
          .map(Run::serverCpuUsPerVoter).filter(v -> !Double.isNaN(v)).toList();
      ballots.put(config, median(b));
      fanOut.put(config, median(f));
      fanOutCpu.put(config, median(c));
      nodeCpu.put(config, median(n));
      serverCpu.put(config, median(sv));
      configs.put(config, new JsonObject().put("env", a.getOrDefault("env." + config, ""))
          .put("ballotsPerSecond", new JsonObject().put("median", orNull(median(b))).put("runs", new JsonArray(b))
              .put("spread", orNull(round(spread(b), 3))))
          .put("fanOutP99Ms", new JsonObject().put("median", orNull(median(f))).put("runs", new JsonArray(f))
              .put("spread", orNull(round(spread(f), 3))))
          .put("fanOutNodeCpuMs", new JsonObject().put("median", orNull(median(c))).put("runs", new JsonArray(c))
              .put("spread", orNull(round(spread(c), 3))))
          .put("nodeCpuUsPerVoter", new JsonObject().put("median", orNull(median(n))).put("runs", new JsonArray(n))
              .put("spread", orNull(round(spread(n), 3))))
          .put("serverCpuUsPerVoter", new JsonObject().put("median", orNull(median(sv))).put("runs", new JsonArray(sv))
              .put("spread", orNull(round(spread(sv), 3)))));
    }

    JsonObject ratios = new JsonObject();
    List<String> overBudget = new ArrayList<>();
    for (String config : List.of("on", "draw")) {
      if (!ballots.containsKey(config) || !ballots.containsKey("off")) {
        continue;
      }
      double ballotRatio = ratio(ballots.get(config), ballots.get("off"));
      double fanOutRatio = ratio(fanOut.get(config), fanOut.get("off"));
      // A measure left out of the run (scripts/bench jury fan-out) is not judged.
      boolean ballotsOk = Double.isNaN(ballotRatio) || ballotRatio >= 1 - budget;
      boolean fanOutOk = Double.isNaN(fanOutRatio) || fanOutRatio <= 1 + budget;
      ratios.put(config, new JsonObject()
          .put("ballotsPerSecond", orNull(round(ballotRatio, 3))).put("ballotsWithinBudget", ballotsOk)
          .put("fanOutP99", orNull(round(fanOutRatio, 3))).put("fanOutWithinBudget", fanOutOk)
          .put("fanOutNodeCpu", orNull(round(ratio(fanOutCpu.get(config), fanOutCpu.get("off")), 3)))
          .put("nodeCpuPerVoter", orNull(round(ratio(nodeCpu.get(config), nodeCpu.get("off")), 3)))
          .put("serverCpuPerVoter", orNull(round(ratio(serverCpu.get(config), serverCpu.get("off")), 3))));
      if (!ballotsOk) {
        overBudget.add(String.format(Locale.ROOT, "%s: ballots/s %.1f %% of off (budget: at least %.0f %%)",
            config, 100 * ballotRatio, 100 * (1 - budget)));
      }
      if (!fanOutOk) {
        overBudget.add(String.format(Locale.ROOT, "%s: fan-out p99 %.1f %% of off (budget: at most %.0f %%)",
            config, 100 * fanOutRatio, 100 * (1 + budget)));
      }
    }
    boolean rulesApplied = runs.stream().anyMatch(r -> !r.config().equals("off") && r.jury() != null);
    // The runs of one configuration differ by this much among themselves: a ratio to off that is within
    // this noise says little either way.
    List<String> noise = new ArrayList<>();
    if (configs.containsKey("off")) {
      JsonObject off = configs.getJsonObject("off");
      for (String figure : List.of("ballotsPerSecond", "fanOutP99Ms")) {
        // One run (the quick flavour) has no spread: the field is there, as null.
        Double spread = off.getJsonObject(figure).getDouble("spread");
        if (spread != null && spread > budget) {
          noise.add(String.format(Locale.ROOT, "the runs of off alone differ by %.0f %% of their median in %s", 100 * spread,
              figure.equals("ballotsPerSecond") ? "ballots/s" : "fan-out p99"));
        }
      }
    }

    JsonObject report = new JsonObject()
        .put("date", Instant.now().toString())
        .put("command", a.getOrDefault("command", ""))
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores (generator and nodes share them)")
        .put("budget", budget)
        .put("budgetChecked", check)
        .put("rulesAppliedByNodes", rulesApplied)
        .put("jurySize", new JsonObject().put("ballots", a.get("jurySize.ballots"))
            .put("fanOut", a.get("jurySize.fan-out")).put("quick", a.get("jurySize.quick")))
        .put("configurations", configs)
        .put("ratiosToOff", ratios)
        .put("overBudget", new JsonArray(overBudget))
        .put("noiseAboveBudget", new JsonArray(noise))
        .put("failures", new JsonArray(failures))
        .put("runs", new JsonArray(runs.stream().map(Run::toJson).toList()));
    Files.writeString(Path.of(out + ".json"), report.encodePrettily());
    String md = markdown(report, runs, quick, a);
    Files.writeString(Path.of(out + ".md"), md);
    System.out.println(md);
    System.out.println("written to " + out + ".json and " + out + ".md");

    if (!failures.isEmpty()) {
      System.err.println("FAILED: " + failures);
      System.exit(1);
    }
    if (check && !overBudget.isEmpty()) {
      System.err.println("OVER BUDGET: " + overBudget);
      System.exit(3);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Run read(String measure, String config, int repeat, JsonObject report) {
    JsonArray rounds = report.getJsonArray("everyRound", new JsonArray());
    List<JsonObject> warm = new ArrayList<>();
    for (int i = rounds.size() / 2; i < rounds.size(); i++) {
      warm.add(rounds.getJsonObject(i));
    }
    double ballots = median(warm.stream().map(r -> r.getLong("acceptedPerSecond", 0L).doubleValue()).toList());
    double fanOut = median(warm.stream().map(r -> r.getJsonObject("fanOut").getDouble("p99Ms", 0.0)).toList());
    double fanOutCpu = median(warm.stream().map(r -> r.getDouble("fanOutNodeCpuMs")).filter(v -> v != null).toList());
    // µs per voter-round: the round's CPU over every socket of the run (each gets the prompt, a tally, the verdict).
    int sockets = report.getInteger("sockets", 0);
    double nodeCpu = median(warm.stream().map(r -> r.getDouble("nodeCpuMs")).filter(v -> v != null && sockets > 0)
        .map(ms -> ms * 1000 / sockets).toList());
    double serverCpu = median(warm.stream().map(r -> r.getDouble("serverCpuMs")).filter(v -> v != null && sockets > 0)
        .map(ms -> ms * 1000 / sockets).toList());
    JsonArray problems = report.getJsonArray("problems", new JsonArray());
    JsonArray slim = new JsonArray(rounds.stream().map(o -> (JsonObject) o).map(r -> new JsonObject()
        .put("round", r.getInteger("round")).put("acceptedPerSecond", r.getLong("acceptedPerSecond"))
        .put("fanOutP99Ms", r.getJsonObject("fanOut").getDouble("p99Ms"))
        .put("fanOutNodeCpuMs", r.getDouble("fanOutNodeCpuMs"))
        .put("nodeCpuMs", r.getDouble("nodeCpuMs")).put("serverCpuMs", r.getDouble("serverCpuMs"))
        .put("ackP99Ms", r.getJsonObject("ack").getDouble("p99Ms")).put("correct", r.getBoolean("correct"))).toList());
    return new Run(measure, config, repeat, report.getBoolean("correct", false), problems.size(),
        problems.isEmpty() ? null : problems.getString(0), ballots, fanOut, fanOutCpu, nodeCpu, serverCpu,
        report.getJsonObject("jury"), slim);
  }

  private static String markdown(JsonObject report, List<Run> runs, boolean quick, Map<String, String> a) {
    StringBuilder md = new StringBuilder();
    md.append("# Jury rules: cost of the ballot path and the prompt fan-out").append(quick ? " (quick)" : "")
        .append(", ").append(report.getString("date")).append("\n\n");
    md.append("Command: `").append(report.getString("command")).append("` on ").append(report.getString("machine"))
        .append(".\n\n");
    md.append(quick
        ? "One small run per configuration (ballots/s and fan-out p99 from the same run); a smoke run, the budget "
            + "is not checked.\n\n"
        : "Each configuration on fresh nodes, repeated and alternated; a run's figure is the median of its warm "
            + "rounds (the second half of its rounds), a configuration's the median of its runs. Budget: ballots/s at least "
            + pct(1 - report.getDouble("budget")) + " and fan-out p99 at most " + pct(1 + report.getDouble("budget"))
            + " of `off`.\n\n");
    if (!report.getBoolean("rulesAppliedByNodes")) {
      md.append("**The nodes under test applied no jury rules** (no prompt carried a jury block, no verdict a jury "
          + "block): `on` and `draw` ran like `off`, so the ratios measure only the noise of this machine.\n\n");
    }
    md.append("| configuration | node settings | ballots/s (median) | runs | fan-out p99 ms (median) | runs |\n");
    md.append("| --- | --- | ---: | --- | ---: | --- |\n");
    JsonObject configs = report.getJsonObject("configurations");
    for (String config : CONFIGS) {
      if (!configs.containsKey(config)) {
        continue;
      }
      JsonObject c = configs.getJsonObject(config);
      String settings = c.getString("env") + ("draw".equals(config) ? " + prompt jurySize " + drawSizes(a, quick) : "");
      md.append("| ").append(config).append(" | `").append(settings.isBlank() ? "—" : settings.trim()).append("` | ")
          .append(fmt(number(c.getJsonObject("ballotsPerSecond"), "median"), 0)).append(" | ")
          .append(list(c.getJsonObject("ballotsPerSecond").getJsonArray("runs"), 0)).append(" | ")
          .append(fmt(number(c.getJsonObject("fanOutP99Ms"), "median"), 1)).append(" | ")
          .append(list(c.getJsonObject("fanOutP99Ms").getJsonArray("runs"), 1)).append(" |\n");
    }
    JsonArray noise = report.getJsonArray("noiseAboveBudget");
    if (!noise.isEmpty()) {
      md.append("\n**This machine was too noisy to judge a ").append(pct(report.getDouble("budget")).replace(".0 ", " "))
          .append(" budget:** ").append(String.join("; ", noise.stream().map(String::valueOf).toList()))
          .append(" (spread = (max − min) / median). Rerun with nothing else running, e.g. with "
              + "`NODE_CPUS=0 LOADGEN_CPUS=1`.\n");
    }
    md.append("\nNode CPU per fan-out: the nodes' CPU time from posting the prompts until every socket had one "
        + "(median of warm rounds and runs; not budgeted, it tells the nodes' share of the p99 from the generator's). "
        + "CPU per voter-round: the CPU time of the nodes, and of Redis and Postgres, over a whole ballots round "
        + "(prompt, ballots, tallies, close, verdict, penalty row) over the sockets; CPU time counts what the rules "
        + "cost whatever the generator's speed, which the ballots/s ratio cannot separate on a shared machine.\n");
    md.append("\n| configuration | ballots/s vs off | fan-out p99 vs off | node CPU per fan-out vs off "
        + "| node CPU per voter-round vs off | Redis + Postgres CPU per voter-round vs off |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: |\n");
    JsonObject ratios = report.getJsonObject("ratiosToOff");
    for (String config : ratios.fieldNames()) {
      JsonObject r = ratios.getJsonObject(config);
      boolean checked = report.getBoolean("budgetChecked");
      md.append("| ").append(config).append(" | ").append(judged(number(r, "ballotsPerSecond"), checked,
              r.getBoolean("ballotsWithinBudget")))
          .append(" | ").append(judged(number(r, "fanOutP99"), checked, r.getBoolean("fanOutWithinBudget")))
          .append(" | ").append(judged(number(r, "fanOutNodeCpu"), false, true))
          .append(" | ").append(judged(number(r, "nodeCpuPerVoter"), false, true))
          .append(" | ").append(judged(number(r, "serverCpuPerVoter"), false, true))
          .append(" |\n");
    }
    md.append("\nRuns in order (each the median of its warm rounds, or its only round; `ballots/s` counts every first "
        + "ballot answered, so in `draw` about half of them are answered `rejected: not_selected`; in the ballots "
        + "measure every ballot waits until every socket has the prompt, so it times the ballot path alone):\n\n");
    md.append("| run | correct | ballots/s | fan-out p99 ms | node CPU per fan-out ms | node CPU µs per voter-round "
        + "| Redis + Postgres CPU µs per voter-round | drawn share | excluded | flags |\n"
        + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    for (Run r : runs) {
      JsonObject jury = r.jury();
      md.append("| ").append(r.measure()).append(" ").append(r.config()).append(" #").append(r.repeat()).append(" | ")
          .append(r.correct() ? "yes" : "**no** (" + r.problems() + ")").append(" | ")
          .append(fmt(r.ballotsPerSecond(), 0)).append(" | ").append(fmt(r.fanOutP99Ms(), 1)).append(" | ")
          .append(fmt(r.fanOutNodeCpuMs(), 1)).append(" | ").append(fmt(r.nodeCpuUsPerVoter(), 1)).append(" | ")
          .append(fmt(r.serverCpuUsPerVoter(), 1)).append(" | ")
          .append(jury == null || jury.getValue("drawnShareOfVoters") == null ? "—" : jury.getValue("drawnShareOfVoters"))
          .append(" | ").append(jury == null ? "—" : jury.getJsonObject("excluded", new JsonObject()).encode())
          .append(" | ").append(jury == null ? "—" : jury.getJsonObject("flags", new JsonObject()).encode())
          .append(" |\n");
    }
    JsonArray failures = report.getJsonArray("failures");
    JsonArray over = report.getJsonArray("overBudget");
    md.append("\n").append(!failures.isEmpty() ? "**Failed:** " + String.join("; ", failures.stream().map(String::valueOf).toList())
        : !report.getBoolean("budgetChecked") ? "Every run's checks passed (budget not checked)."
        : over.isEmpty() ? "Every run's checks passed; every ratio within the budget."
        : "**Over budget:** " + String.join("; ", over.stream().map(String::valueOf).toList())).append("\n");
    return md.toString();
  }

  private static String drawSizes(Map<String, String> a, boolean quick) {
    if (quick) {
      return a.getOrDefault("jurySize.quick", "?");
    }
    // A measure left out of the run has no size.
    List<String> sizes = new ArrayList<>();
    for (String measure : List.of("ballots", "fan-out")) {
      String size = a.getOrDefault("jurySize." + measure, "");
      if (!size.isBlank()) {
        sizes.add(size + " (" + measure + ")");
      }
    }
    return String.join(" / ", sizes);
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** A ratio with its verdict against the budget; a dash for a measure left out of the run. */
  private static String judged(double ratio, boolean checked, boolean within) {
    return Double.isNaN(ratio) ? "—" : pct(ratio) + (checked ? (within ? " (within)" : " (**over**)") : "");
  }

  /** A figure of the report; NaN where it is null (a measure left out of the run). */
  private static double number(JsonObject o, String key) {
    Double value = o.getDouble(key);
    return value == null ? Double.NaN : value;
  }

  /** JSON has no NaN: a figure that could not be had is null. */
  private static Double orNull(double value) {
    return Double.isNaN(value) ? null : value;
  }

  /** (max − min) / median of a configuration's runs; NaN for fewer than two. */
  static double spread(List<Double> values) {
    if (values.size() < 2) {
      return Double.NaN;
    }
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double median = median(values);
    return median == 0 ? Double.NaN : (max - min) / median;
  }

  private static double ratio(double value, double base) {
    return base == 0 || Double.isNaN(base) || Double.isNaN(value) ? Double.NaN : value / base;
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Double.isNaN(value) ? value : Math.round(value * scale) / scale;
  }

  private static String pct(double ratio) {
    return Double.isNaN(ratio) ? "—" : String.format(Locale.ROOT, "%.1f %%", 100 * ratio);
  }

  private static String fmt(double value, int digits) {
    return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%,." + digits + "f", value);
  }

  private static String list(JsonArray values, int digits) {
    return String.join(", ", values.stream().map(v -> fmt(((Number) v).doubleValue(), digits)).toList());
  }
}
