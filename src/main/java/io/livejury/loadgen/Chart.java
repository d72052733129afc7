package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A small SVG line chart of ballot ack latency percentiles per second of a load run; no library needed. */
final class Chart {

  private static final int WIDTH = 720;
  private static final int HEIGHT = 360;
  private static final int PAD = 50;

  static String ackLatency(JsonObject report) {
    JsonArray series = report.getJsonArray("ackBySecond");
    double maxSecond = 1;
    double maxMs = 1;
    for (Object o : series) {
      JsonObject point = (JsonObject) o;
      maxSecond = Math.max(maxSecond, point.getLong("second"));
      maxMs = Math.max(maxMs, point.getDouble("maxMs"));
    }
    StringBuilder svg = new StringBuilder();
    svg.append(String.format("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n", WIDTH, HEIGHT));
    svg.append("<rect width='100%' height='100%' fill='white'/>\n");
    svg.append(String.format("<text x='%d' y='20' font-size='14'>Ballot ack latency by second — %d sockets, %d rooms, %s</text>%n",
        PAD, report.getInteger("sockets"), report.getInteger("rooms"), report.getString("date")));
    svg.append(String.format("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", PAD, HEIGHT - PAD, WIDTH - 20, HEIGHT - PAD));
    svg.append(String.format("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", PAD, 30, PAD, HEIGHT - PAD));
    svg.append(String.format("<text x='%d' y='%d'>seconds since the prompts opened</text>%n", WIDTH / 2 - 80, HEIGHT - 15));
    svg.append(String.format("<text x='5' y='%d'>%.0f ms</text><text x='5' y='%d'>0</text>%n", 40, maxMs, HEIGHT - PAD));
    String[][] lines = {{"p50Ms", "#1f5fd1"}, {"p99Ms", "#b3261e"}, {"maxMs", "#999999"}};
    int legend = 0;
    for (String[] line : lines) {
      StringBuilder points = new StringBuilder();
      for (Object o : series) {
        JsonObject point = (JsonObject) o;
        double x = PAD + (WIDTH - 20 - PAD) * point.getLong("second") / maxSecond;
        double y = HEIGHT - PAD - (HEIGHT - PAD - 30) * point.getDouble(line[0]) / maxMs;
        points.append(String.format("%.1f,%.1f ", x, y));
      }
      svg.append(String.format("<polyline fill='none' stroke='%s' stroke-width='2' points='%s'/>%n", line[1], points));
      svg.append(String.format("<text x='%d' y='45' fill='%s'>%s</text>%n", WIDTH - 200 + legend * 60, line[1],
          line[0].replace("Ms", "")));
      legend++;
    }
    return svg.append("</svg>\n").toString();
  }

  private Chart() {
  }
}
