package io.livejury.loadgen;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the fault tools need to start and signal the processes they run. */
final class Children {

  private Children() {
  }

  /** The java launcher of this JVM, so children run on the same JDK. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The jar this tool runs from (target/livejury.jar): the nodes and the Postgres launcher run from it too. */
  static String jar() {
    String classPath = System.getProperty("java.class.path");
    if (!classPath.endsWith(".jar") || classPath.contains(java.io.File.pathSeparator)) {
      throw new IllegalStateException("run the fault tools from target/livejury.jar, not " + classPath);
    }
    return classPath;
  }

  /** The processes listening on a TCP port of this machine (ss -ltnp), with every process they started. */
  static List<ProcessHandle> listening(int port) throws IOException, InterruptedException {
    Process ss = new ProcessBuilder("ss", "-Hltnp", "sport = :" + port).redirectErrorStream(true).start();
    String output = new String(ss.getInputStream().readAllBytes());
    ss.waitFor(10, TimeUnit.SECONDS);
    List<ProcessHandle> found = new ArrayList<>();
    java.util.regex.Matcher pid = java.util.regex.Pattern.compile("pid=(\\d+)").matcher(output);
    while (pid.find()) {
      ProcessHandle.of(Long.parseLong(pid.group(1))).ifPresent(p -> {
        if (!found.contains(p)) {
          found.add(p);
          p.descendants().filter(d -> !found.contains(d)).forEach(found::add);
        }
      });
    }
    return found;
  }

  /** "pid command line" of a process, from /proc (its Info lacks the command for processes of another user). */
  static String describe(ProcessHandle process) {
    try {
      String cmdline = java.nio.file.Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"))
          .replace('\0', ' ').trim();
      return process.pid() + " " + (cmdline.length() > 80 ? cmdline.substring(0, 80) + "…" : cmdline);
    } catch (IOException e) {
      return process.pid() + " (gone)";
    }
  }

  /** kill -SIGNAL to each process. */
  static void signal(String signal, List<ProcessHandle> processes) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    processes.forEach(p -> command.add(Long.toString(p.pid())));
    Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes());
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }
}
