package io.livejury.loadgen;

import java.io.IOException;
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

  static long sockets(Api node) throws IOException, InterruptedException {
    Matcher gauge = SOCKETS.matcher(node.text("/metrics"));
    if (!gauge.find()) {
      throw new IllegalStateException("/metrics of " + node + " has no livejury_sockets");
    }
    return (long) Double.parseDouble(gauge.group(1));
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
