package io.livejury.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Small SVG line charts — ballot ack latency per second of a load run, a soak run's samples; no library needed. */
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

  /** One panel of {@link #panels}: a named series of (x, y) points drawn in the given colour. */
  record Series(String name, String unit, String colour, double[] x, double[] y) {
  }

  /**
   * Panels stacked one above the other over a shared x axis (seconds), each with its own y scale from zero to
   * its maximum: the soak run's live heap, sockets and open descriptors.
   */
  static String panels(String title, String xLabel, java.util.List<Series> series) {
    int panelHeight = 170;
    int height = 50 + series.size() * panelHeight + 20;
    double maxX = 1;
    for (Series one : series) {
      for (double x : one.x()) {
        maxX = Math.max(maxX, x);
      }
    }
    StringBuilder svg = new StringBuilder();
    svg.append(String.format("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n", WIDTH, height));
    svg.append("<rect width='100%' height='100%' fill='white'/>\n");
    svg.append(String.format("<text x='%d' y='20' font-size='14'>%s</text>%n", PAD, escape(title)));
    for (int i = 0; i < series.size(); i++) {
      Series one = series.get(i);
      int top = 60 + i * panelHeight;
      int bottom = top + panelHeight - 50;
      double maxY = 1;
      for (double y : one.y()) {
        maxY = Math.max(maxY, y);
      }
      maxY *= 1.1;
      svg.append(String.format("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", PAD, bottom, WIDTH - 20, bottom));
      svg.append(String.format("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>%n", PAD, top, PAD, bottom));
      svg.append(String.format("<text x='%d' y='%d' fill='%s'>%s (%s)</text>%n", PAD, top - 8, one.colour(),
          escape(one.name()), escape(one.unit())));
      for (int tick = 0; tick <= 4; tick++) {
        double x = PAD + (WIDTH - 20 - PAD) * tick / 4.0;
        svg.append(String.format("<text x='%.0f' y='%d' text-anchor='middle' fill='#555'>%.0f</text>%n", x, bottom + 15,
            maxX * tick / 4));
      }
      svg.append(String.format("<text x='5' y='%d'>%s</text><text x='5' y='%d'>0</text>%n", top + 10, label(maxY), bottom));
      StringBuilder points = new StringBuilder();
      for (int p = 0; p < one.x().length; p++) {
        double x = PAD + (WIDTH - 20 - PAD) * one.x()[p] / maxX;
        double y = bottom - (bottom - top) * one.y()[p] / maxY;
        points.append(String.format("%.1f,%.1f ", x, y));
      }
      svg.append(String.format("<polyline fill='none' stroke='%s' stroke-width='2' points='%s'/>%n", one.colour(), points));
    }
    svg.append(String.format("<text x='%d' y='%d' text-anchor='middle'>%s</text>%n", (WIDTH + PAD) / 2, height - 8,
        escape(xLabel)));
    return svg.append("</svg>\n").toString();
  }

  private static String label(double value) {
    return value >= 10 ? String.format("%,.0f", value) : String.format("%.1f", value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private Chart() {
  }
}
