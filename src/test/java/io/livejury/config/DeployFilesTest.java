package io.livejury.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compose file's addresses agree with each other, as nothing else checks before someone runs it: the balancer
 * and the cluster profile's six Redis servers have fixed addresses of their own, inside the network's subnet and
 * outside the range dynamic addresses come from (so a scaled app cannot take one); the nodes trust exactly the
 * balancer; {@code deploy/cluster.env}'s seed list and the cluster's one-off join name exactly those six servers,
 * each keeping its data on a volume of its own.
 */
class DeployFilesTest {

  private static final Path COMPOSE = Path.of("docker-compose.yml");
  private static final Path CLUSTER_ENV = Path.of("deploy/cluster.env");

  @Test
  void composeAddressesAgree() throws IOException {
    JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
    JsonNode services = compose.get("services");
    String balancer = address(services.get("balancer"));
    assertThat(services.get("app").get("environment").get("LIVEJURY_TRUSTED_PROXIES").asText()).isEqualTo(balancer);

    List<String> cluster = new ArrayList<>();
    Set<String> volumes = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      JsonNode server = services.get("redis-c" + i);
      assertThat(server).as("redis-c" + i).isNotNull();
      cluster.add(address(server));
      volumes.add(server.get("volumes").get(0).asText().split(":")[0]);
    }
    assertThat(volumes).hasSize(6);
    compose.get("volumes").fieldNames().forEachRemaining(volumes::remove);
    assertThat(volumes).as("cluster volumes not declared").isEmpty();

    JsonNode ipam = compose.get("networks").get("default").get("ipam").get("config").get(0);
    String subnet = ipam.get("subnet").asText();
    String dynamic = ipam.get("ip_range").asText();
    List<String> fixed = new ArrayList<>(cluster);
    fixed.add(balancer);
    assertThat(new HashSet<>(fixed)).as("fixed addresses are distinct").hasSize(fixed.size());
    for (String address : fixed) {
      assertThat(inside(address, subnet)).as(address + " in " + subnet).isTrue();
      assertThat(inside(address, dynamic)).as(address + " outside " + dynamic).isFalse();
    }

    Map<String, String> env = Files.readAllLines(CLUSTER_ENV).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("=", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    assertThat(env).containsEntry("LIVEJURY_REDIS_CLUSTER", "true").containsEntry("LIVEJURY_REDIS_ACK_REPLICAS", "1");
    assertThat(Arrays.stream(env.get("LIVEJURY_REDIS_URL").split(","))
        .map(url -> url.replace("redis://", "").replace(":6379", "")).toList())
        .containsExactlyInAnyOrderElementsOf(cluster);
    String join = services.get("redis-cluster-init").get("command").get(0).asText();
    for (String address : cluster) {
      assertThat(join).contains(address + ":6379");
    }
  }

  private static String address(JsonNode service) {
    return service.get("networks").get("default").get("ipv4_address").asText();
  }

  /** Whether an IPv4 address lies in a CIDR block. */
  private static boolean inside(String address, String cidr) {
    String[] block = cidr.split("/");
    int bits = Integer.parseInt(block[1]);
    long mask = bits == 0 ? 0 : 0xFFFFFFFFL << (32 - bits) & 0xFFFFFFFFL;
    return (ipv4(address) & mask) == (ipv4(block[0]) & mask);
  }

  private static long ipv4(String address) {
    long value = 0;
    for (String part : address.split("\\.")) {
      value = value << 8 | Integer.parseInt(part);
    }
    return value;
  }
}
