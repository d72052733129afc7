package io.livejury.semantic;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sentence model loads, and embeds, with no network at all, and without trying to reach one.
 *
 * <p>How: the loader runs in a JVM of its own inside a new network namespace ({@code unshare -rn}, util-linux; an
 * unprivileged user namespace makes it work without root). The namespace has no interface but loopback, so nothing
 * can leave the machine; and every address, IPv4 and IPv6, is routed to loopback as a local address, so any attempt
 * to reach anything (DJL's telemetry, the cloud metadata address 169.254.169.254, a DNS server, a download) becomes
 * a packet on loopback that is refused at once instead of a timeout. The namespace's own counters then tell whether
 * anything was tried: after loading the model and embedding a sentence, loopback must have sent zero packets and no
 * packet may have lacked a route. A control run proves the counters see such attempts: the DJL tokenizer created
 * bare (without LiveJury's offline settings, as a library user would) in the same kind of namespace does send
 * packets, its probes of the metadata address. Stronger than a proxy setting or a SecurityManager (gone in 17+):
 * DJL opens its connections with {@code Proxy.NO_PROXY} and the namespace sees raw sockets too.
 *
 * <p>The native libraries are extracted into folders of this test ({@code java.io.tmpdir}, DJL's cache), so a copy
 * left by an earlier run elsewhere cannot stand in; ONNX Runtime's copy must be gone once the model is loaded.
 *
 * <p>Needs {@code unshare} and {@code ip} (iproute2) and user namespaces; without them the test is skipped, unless
 * {@code LIVEJURY_NETNS_TESTS=required} (CI sets it), when it fails.
 */
class OfflineLoadTest {

  private static final String SETUP = "ip link set lo up && ip route add local 0.0.0.0/0 dev lo"
      + " && (ip -6 route add local ::/0 dev lo 2>/dev/null || true)";

  @BeforeAll
  static void namespacesAvailable() throws Exception {
    boolean available = run(List.of("unshare", "-rn", "sh", "-c", SETUP), Map.of()).exit == 0;
    if ("required".equals(System.getenv("LIVEJURY_NETNS_TESTS"))) {
      assertThat(available).as("unshare -rn and ip must work here (LIVEJURY_NETNS_TESTS=required)").isTrue();
    }
    assumeTrue(available, "no network namespaces here (unshare -rn / ip): skipped");
  }

  @Test
  void theModelLoadsAndEmbedsWithNoNetworkAndTriesNone(@TempDir Path temp) throws Exception {
    Result result = probe("model", temp);
    assertThat(result.exit).as(result.output).isZero();
    assertThat(result.value("DIMENSIONS")).isEqualTo("512");
    assertThat(result.value("NORM")).isEqualTo("1.000");
    assertThat(result.value("LO_TX_PACKETS")).as("packets any outbound attempt would have sent").isEqualTo("0");
    assertThat(result.value("NO_ROUTE")).isEqualTo("0");
    assertThat(result.value("ORT_TEMP_FOLDERS")).as("ONNX Runtime's extracted copy, once loaded").isEqualTo("0");
    try (Stream<Path> left = Files.list(temp.resolve("tmp"))) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("onnxruntime-java"));
    }
  }

  @Test
  void theCountersSeeTheAttemptsOfTheLibraryLeftToItself(@TempDir Path temp) throws Exception {
    Result result = probe("bare", temp);
    assertThat(result.exit).as(result.output).isZero();
    assertThat(Long.parseLong(result.value("LO_TX_PACKETS")))
        .as("DJL's own probes of the metadata address, refused on loopback").isGreaterThan(0);
  }

  private static Result probe(String mode, Path temp) throws Exception {
    Path tmp = Files.createDirectories(temp.resolve("tmp"));
    Path djl = Files.createDirectories(temp.resolve("djl"));
    List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp, "-DENGINE_CACHE_DIR=" + djl,
        "-cp", System.getProperty("java.class.path"), OfflineProbe.class.getName(), mode);
    List<String> command = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c", SETUP + " && exec \"$@\"", "probe"));
    command.addAll(java);
    // Whatever this machine's environment says about DJL, the child decides from LiveJury's code alone.
    Map<String, String> env = new HashMap<>();
    env.put("OPT_OUT_TRACKING", null);
    env.put("DJL_OFFLINE", null);
    return run(command, env);
  }

  private record Result(int exit, String output) {
    String value(String key) {
      return output.lines().filter(line -> line.startsWith(key + "=")).map(line -> line.substring(key.length() + 1))
          .findFirst().orElseThrow(() -> new AssertionError("no " + key + " in:\n" + output));
    }
  }

  private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    env.forEach((key, value) -> {
      if (value == null) {
        builder.environment().remove(key);
      } else {
        builder.environment().put(key, value);
      }
    });
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Result(-2, output);
    }
    return new Result(process.exitValue(), output);
  }
}
