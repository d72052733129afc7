package io.livejury.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a benchmark's figures depend on besides the code: the CPU model and the vector extensions the sentence
 * model's int8 kernels use (a core with AVX-512 VNNI runs the quantized model about three times as fast as one with
 * AVX2 alone), and the load average when the run ended. Read from {@code /proc}; "unknown" elsewhere. The cores
 * are the machine's, not the ones this process may run on ({@code taskset} narrows those).
 */
final class Machine {

  /** The flags of {@code /proc/cpuinfo} that change the model's speed, in the order reported. */
  private static final List<String> VECTOR_FLAGS = List.of("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8");

  /** For example {@code "AMD EPYC, 2 cores, avx2 avx512f avx512_vnni"}. */
  static String cpu() {
    String model = "unknown CPU";
    int cores = 0;
    Set<String> flags = new TreeSet<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String key = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        if (key.equals("processor")) {
          cores++;
        } else if (key.equals("model name")) {
          model = value;
        } else if (key.equals("flags")) {
          flags.addAll(List.of(value.split(" ")));
        }
      }
    } catch (IOException e) {
      return "unknown CPU, " + Runtime.getRuntime().availableProcessors() + " cores";
    }
    StringBuilder out = new StringBuilder(model).append(", ").append(cores).append(" cores,");
    VECTOR_FLAGS.stream().filter(flags::contains).forEach(flag -> out.append(' ').append(flag));
    return out.toString();
  }

  /** {@code /proc/loadavg} as it reads. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private Machine() {
  }
}
