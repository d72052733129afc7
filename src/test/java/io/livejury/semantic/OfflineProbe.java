package io.livejury.semantic;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Run by {@link OfflineLoadTest} in a JVM of its own inside a network namespace: loads the model (mode
 * {@code model}: through {@link SentenceModel}, as LiveJury does; mode {@code bare}: the DJL tokenizer created the
 * way a library user would, without LiveJury's settings), then prints what the namespace's loopback interface
 * transmitted and what found no route, one {@code KEY=value} a line.
 */
public final class OfflineProbe {

  public static void main(String[] args) throws Exception {
    if ("model".equals(args[0])) {
      float[] vector = SentenceModel.load().embed("这款茶能降血糖");
      double norm = 0;
      for (float v : vector) {
        norm += v * v;
      }
      System.out.println("DIMENSIONS=" + vector.length);
      System.out.printf("NORM=%.3f%n", Math.sqrt(norm));
      try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
        System.out.println("ORT_TEMP_FOLDERS=" + files.filter(f -> f.getFileName().toString()
            .startsWith("onnxruntime-java")).count());
      }
    } else {
      try (InputStream json = OfflineProbe.class.getClassLoader().getResourceAsStream("bge-small-zh-v1.5-q-tokenizer.json");
          HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of())) {
        System.out.println("TOKENS=" + tokenizer.tokenize("这款茶能降血糖").size());
      }
    }
    System.out.println("LO_TX_PACKETS=" + loopbackTransmitted());
    System.out.println("NO_ROUTE=" + noRoute());
  }

  /** Packets sent on the namespace's only interface (every destination is routed to it). */
  private static long loopbackTransmitted() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/net/dev"))) {
      String trimmed = line.strip();
      if (trimmed.startsWith("lo:")) {
        String[] fields = trimmed.substring(3).strip().split("\\s+");
        return Long.parseLong(fields[9]); // receive: 8 fields, then transmit bytes, transmit packets
      }
    }
    throw new IllegalStateException("no lo in /proc/net/dev");
  }

  /** Packets that found no route (IPv4 and IPv6), in case a route was missing. */
  private static long noRoute() throws Exception {
    long total = 0;
    List<String> snmp = Files.readAllLines(Path.of("/proc/net/snmp"));
    for (int i = 0; i + 1 < snmp.size(); i++) {
      if (snmp.get(i).startsWith("Ip: Forwarding")) {
        List<String> names = List.of(snmp.get(i).split("\\s+"));
        String[] values = snmp.get(i + 1).split("\\s+");
        total += Long.parseLong(values[names.indexOf("OutNoRoutes")]);
      }
    }
    Path snmp6 = Path.of("/proc/net/snmp6");
    if (Files.exists(snmp6)) {
      for (String line : Files.readAllLines(snmp6)) {
        if (line.startsWith("Ip6OutNoRoutes")) {
          total += Long.parseLong(line.split("\\s+")[1]);
        }
      }
    }
    return total;
  }
}
