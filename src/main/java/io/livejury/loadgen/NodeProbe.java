package io.livejury.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a node's live heap and socket count while a run holds its sockets: the heap through {@code jcmd}
 * (a full GC first, so only live objects count; works on nodes of this machine given their process id), the
 * sockets from the node's own {@code livejury_sockets} gauge at {@code /metrics}.
 */
final class NodeProbe {

  /** "used 1234K" of each heap generation; Metaspace and class space lines are not heap. */
  private static final Pattern USED = Pattern.compile("(?m)^(?!\\s*(?:Metaspace|class space)).*?used (\\d+)K");
  private static final Pattern SOCKETS = Pattern.compile("(?m)^livejury_sockets(?:\\{[^}]*})? ([0-9.eE+]+)$");

  private NodeProbe() {
  }

  /** Live heap bytes of the JVM with this process id, after a full collection, summed over its generations. */
  static long liveHeapBytes(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Matcher used = USED.matcher(jcmd(pid, "GC.heap_info"));
    long kib = 0;
    boolean found = false;
    while (used.find()) {
      kib += Long.parseLong(used.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("jcmd GC.heap_info of " + pid + " shows no heap use");
    }
    return kib * 1024;
  }

  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  /**
   * Live heap bytes as one consistent snapshot: {@code jcmd GC.class_histogram} collects and then counts the
   * objects still reachable within the same pause, so allocations made after the collection cannot inflate
   * the figure (as they can between {@code GC.run} and {@code GC.heap_info} on a busy node). The histogram is
   * kept in the given file when one is given.
   */
  static long liveHeapSnapshotBytes(long pid, Path keep) throws IOException, InterruptedException {
    String histogram = jcmd(pid, "GC.class_histogram");
    if (keep != null) {
      Files.writeString(keep, histogram);
    }
    Matcher total = HISTOGRAM_TOTAL.matcher(histogram);
    if (!total.find()) {
      throw new IllegalStateException("jcmd GC.class_histogram of " + pid + " has no total");
    }
    return Long.parseLong(total.group(1));
  }

  /** Linux's USER_HZ: {@code /proc} counts CPU time in hundredths of a second on every architecture it runs on. */
  private static final long TICK_NANOS = 10_000_000L;

  /**
   * Nanoseconds the process has spent on a CPU so far, every thread it ever had included: {@code utime + stime}
   * of {@code /proc/<pid>/stat} (Linux), in 10 ms ticks. The per-thread {@code schedstat} counters are exact to the
   * nanosecond but die with their thread, and the JVM ends idle JIT compiler threads while it runs
   * ({@code UseDynamicNumberOfCompilerThreads}): a sum over the live threads then fell between two readings, and a
   * round in which a compiler thread ended read less than its true CPU, or even below zero. A tick is 0.4 % of the
   * 2.5 s a round of 5,000 voters costs.
   *
   * @throws NoSuchFileException when the process has ended
   */
  static long cpuNanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // The command name (field 2) is in parentheses and may hold spaces; the fields after it are plain numbers.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS; // fields 14 and 15
  }

  static long sockets(Api node) throws IOException, InterruptedException {
    Matcher gauge = SOCKETS.matcher(node.text("/metrics"));
    if (!gauge.find()) {
      throw new IllegalStateException("/metrics of " + node + " has no livejury_sockets");
    }
    return (long) Double.parseDouble(gauge.group(1));
  }

  /**
   * The sum of a meter's samples at the node's {@code /metrics} whose labels contain the given text (empty:
   * every sample of that name), e.g. {@code metric(node, "livejury_connections_closed_total", "slow_consumer")}.
   */
  static double metric(Api node, String name, String labels) throws IOException, InterruptedException {
    Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$")
        .matcher(node.text("/metrics"));
    double sum = 0;
    while (sample.find()) {
      if (labels.isEmpty() || sample.group(1) != null && sample.group(1).contains(labels)) {
        sum += Double.parseDouble(sample.group(2));
      }
    }
    return sum;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
    }
    return output;
  }
}
