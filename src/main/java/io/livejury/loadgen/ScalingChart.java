package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Redis Cluster scaling grid of {@code scripts/bench cluster}: reads the load runs' JSON files, named
 * {@code run-s<shards>-n<nodes>-a<ack replicas>.json} in one directory (each the last round's report of a
 * {@link LoadTest}), and writes {@code <out>.json}, {@code <out>.md} and {@code <out>.svg}: per point, ballots acked
 * a second, fan-out p99 (prompt sent → every socket has it, ms) and ack p99 (ms), and a chart of the first two
 * against the number of nodes, one line per shard count (durable acks on).
 *
 * <p>Arguments {@code key=value}: dir (the runs), out (a path without extension), command (as run). Exits 1 when
 * no run is found or a run failed its checks.
 */
public final class ScalingChart {

  private static final Pattern RUN_FILE = Pattern.compile("run-s(\\d+)-n(\\d+)-a(\\d+)\\.json");
  private static final String[] COLOURS = {"#1f5fd1", "#b3261e", "#2e7d32", "#8e24aa"};

  /** One point of the grid: its load's figures, from its last round. */
  record Point(int shards, int nodes, int ackReplicas, int sockets, boolean correct, int problems,
      double ballotsPerSecond, double fanOutP99Ms, double ackP99Ms) {

    JsonObject toJson() {
      return new JsonObject().put("shards", shards).put("nodes", nodes).put("ackReplicas", ackReplicas)
          .put("sockets", sockets).put("correct", correct).put("problems", problems)
          .put("ballotsPerSecond", ballotsPerSecond).put("fanOutP99Ms", fanOutP99Ms).put("ackP99Ms", ackP99Ms);
    }
  }

  private ScalingChart() {
  }

  public static void main(String[] args) throws IOException {
    String dir = null;
    String out = null;
    String command = "scripts/bench cluster";
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      switch (kv[0]) {
        case "dir" -> dir = kv[1];
        case "out" -> out = kv[1];
        case "command" -> command = kv[1];
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    if (dir == null || out == null) {
      throw new IllegalArgumentException("usage: ScalingChart dir=<runs> out=<path without extension> [command=…]");
    }
    List<Point> points = read(Path.of(dir));
    if (points.isEmpty()) {
      System.out.println("no run found in " + dir);
      System.exit(1);
    }
    JsonObject report = new JsonObject().put("date", Instant.now().toString()).put("command", command)
        .put("machine", Machine.cpu() + "; nodes, Redis servers and the generator share the cores")
        .put("points", new JsonArray(points.stream().map(Point::toJson).toList()))
        .put("correct", points.stream().allMatch(Point::correct));
    Files.writeString(Path.of(out + ".json"), report.encodePrettily());
    Files.writeString(Path.of(out + ".md"), markdown(report, points));
    Files.writeString(Path.of(out + ".svg"), svg(points, report.getString("date")));
    System.out.print(markdown(report, points));
    System.out.println("written to " + out + ".{json,md,svg}");
    if (!report.getBoolean("correct")) {
      System.exit(1);
    }
  }

  static List<Point> read(Path dir) throws IOException {
    List<Point> points = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Matcher name = RUN_FILE.matcher(file.getFileName().toString());
        if (!name.matches()) {
          continue;
        }
        JsonObject run = new JsonObject(Files.readString(file));
        points.add(new Point(Integer.parseInt(name.group(1)), Integer.parseInt(name.group(2)),
            Integer.parseInt(name.group(3)), run.getInteger("sockets", 0), run.getBoolean("correct", false),
            run.getJsonArray("problems", new JsonArray()).size(), run.getDouble("acceptedPerSecond", Double.NaN),
            p99(run, "fanOut"), p99(run, "ack")));
      }
    }
    points.sort(Comparator.comparingInt(Point::ackReplicas).reversed().thenComparingInt(Point::shards)
        .thenComparingInt(Point::nodes));
    return points;
  }

  private static double p99(JsonObject run, String field) {
    JsonObject latency = run.getJsonObject(field);
    return latency == null ? Double.NaN : latency.getDouble("p99Ms", Double.NaN);
  }

  static String markdown(JsonObject report, List<Point> points) {
    StringBuilder md = new StringBuilder("# Redis Cluster scaling\n\n");
    md.append("| shards | nodes | LIVEJURY_REDIS_ACK_REPLICAS | sockets | ballots acked/s | fan-out p99 ms | ack p99 ms |"
        + " correct |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Point p : points) {
      md.append(String.format(Locale.ROOT, "| %d | %d | %d | %,d | %,.0f | %,.0f | %,.0f | %s |%n", p.shards(),
          p.nodes(), p.ackReplicas(), p.sockets(), p.ballotsPerSecond(), p.fanOutP99Ms(), p.ackP99Ms(),
          p.correct() ? "yes" : "**no** (" + p.problems() + " problems)"));
    }
    md.append("\nCommand: `").append(report.getString("command")).append("` on ").append(report.getString("machine"))
        .append(", ").append(report.getString("date")).append(".\n");
    return md.toString();
  }

  /** Two panels over the number of nodes — ballots acked a second, fan-out p99 — a line per shard count. */
  static String svg(List<Point> points, String date) {
    List<Point> durable = points.stream().filter(p -> p.ackReplicas() > 0).toList();
    TreeSet<Integer> shardCounts = new TreeSet<>();
    int maxNodes = 1;
    for (Point p : durable) {
      shardCounts.add(p.shards());
      maxNodes = Math.max(maxNodes, p.nodes());
    }
    int width = 720;
    int pad = 60;
    int panel = 200;
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n",
        width, 70 + 2 * panel + 30));
    svg.append("<rect width='100%' height='100%' fill='white'/>\n");
    svg.append(String.format(Locale.ROOT, "<text x='%d' y='20' font-size='14'>LiveJury on a Redis Cluster, durable"
        + " acks: scaling by nodes and shards — %s</text>%n", pad, date.substring(0, Math.min(10, date.length()))));
    String[][] panels = {{"ballots acked a second", "b"}, {"fan-out p99 (ms)", "f"}};
    for (int i = 0; i < panels.length; i++) {
      int top = 60 + i * panel;
      int bottom = top + panel - 50;
      boolean ballots = panels[i][1].equals("b");
      double maxY = 1;
      for (Point p : durable) {
        maxY = Math.max(maxY, ballots ? p.ballotsPerSecond() : p.fanOutP99Ms());
      }
      maxY *= 1.1;
      svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", pad, bottom,
          width - 20, bottom));
      svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", pad, top, pad,
          bottom));
      svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>%s</text>%n", pad, top - 8, panels[i][0]));
      svg.append(String.format(Locale.ROOT, "<text x='5' y='%d'>%,.0f</text><text x='5' y='%d'>0</text>%n", top + 10,
          maxY, bottom));
      for (int n = 1; n <= maxNodes; n++) {
        svg.append(String.format(Locale.ROOT, "<text x='%.0f' y='%d' text-anchor='middle' fill='#555'>%d</text>%n",
            x(n, maxNodes, pad, width), bottom + 15, n));
      }
      int line = 0;
      for (int shards : shardCounts) {
        String colour = COLOURS[line % COLOURS.length];
        StringBuilder polyline = new StringBuilder();
        for (Point p : durable) {
          if (p.shards() != shards) {
            continue;
          }
          double value = ballots ? p.ballotsPerSecond() : p.fanOutP99Ms();
          double x = x(p.nodes(), maxNodes, pad, width);
          double y = bottom - (bottom - top) * value / maxY;
          polyline.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
          svg.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>%n", x, y, colour));
        }
        svg.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='2' points='%s'/>%n",
            colour, polyline));
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' fill='%s'>%d shard%s</text>%n", width - 110,
            top + 10 + line * 15, colour, shards, shards == 1 ? "" : "s"));
        line++;
      }
    }
    svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>LiveJury nodes</text>%n",
        (width + pad) / 2, 70 + 2 * panel + 20));
    return svg.append("</svg>\n").toString();
  }

  private static double x(int nodes, int maxNodes, int pad, int width) {
    return maxNodes == 1 ? (pad + width - 20) / 2.0 : pad + 20 + (width - 60 - pad) * (nodes - 1) / (double) (maxNodes - 1);
  }
}
