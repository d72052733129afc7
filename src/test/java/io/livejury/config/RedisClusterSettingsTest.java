package io.livejury.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code LIVEJURY_REDIS_CLUSTER} and {@code LIVEJURY_VERDICT_STREAM_SHARDS}: a single server stays as it was (one
 * URL, the one {@code lj:verdicts} stream); a cluster takes a comma-separated seed list and splits the verdicts over
 * three streams; a cluster without seeds is refused with one line naming the variables, and durable acks are
 * accepted on it (each shard's master confirms its own ballots).
 */
class RedisClusterSettingsTest {

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("LIVEJURY_DEV", "true"));
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void aSingleServerKeepsOneUrlAndOneVerdictStream() {
    Settings settings = Settings.load(env("LIVEJURY_REDIS_URL", "redis://127.0.0.1:6379"));
    assertThat(settings.redisCluster()).isFalse();
    assertThat(settings.redisEndpoints()).containsExactly("redis://127.0.0.1:6379");
    assertThat(settings.verdictStreamShards()).isEqualTo(1);
    assertThat(settings.redisProblem()).isEmpty();
  }

  @Test
  void aClusterTakesASeedListAndSplitsTheVerdicts() {
    Settings settings = Settings.load(env("LIVEJURY_REDIS_CLUSTER", "true",
        "LIVEJURY_REDIS_URL", "redis://10.0.0.1:7000, redis://10.0.0.2:7000"));
    assertThat(settings.redisEndpoints()).isEqualTo(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7000"));
    assertThat(settings.verdictStreamShards()).isEqualTo(Settings.CLUSTER_VERDICT_STREAM_SHARDS);
    assertThat(settings.redisProblem()).isEmpty();
    assertThat(Settings.load(env("LIVEJURY_REDIS_CLUSTER", "true", "LIVEJURY_REDIS_URL", "redis://a:1",
        "LIVEJURY_VERDICT_STREAM_SHARDS", "8")).verdictStreamShards()).isEqualTo(8);
  }

  @Test
  void aClusterWithoutSeedsIsRefusedAndDurableAcksAreAccepted() {
    assertThatThrownBy(() -> Settings.load(env("LIVEJURY_REDIS_CLUSTER", "true")).requireStartable())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("LIVEJURY_REDIS_CLUSTER=true needs LIVEJURY_REDIS_URL");
    Settings durable = Settings.load(env("LIVEJURY_REDIS_CLUSTER", "true", "LIVEJURY_REDIS_URL", "redis://a:1",
        "LIVEJURY_REDIS_ACK_REPLICAS", "1"));
    assertThat(durable.redisProblem()).isEmpty();
    assertThat(durable.redisAcks().replicas()).isEqualTo(1);
    assertThatThrownBy(() -> Settings.load(env("LIVEJURY_REDIS_CLUSTER", "yes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LIVEJURY_REDIS_CLUSTER must be true or false");
    assertThatThrownBy(() -> Settings.load(env("LIVEJURY_VERDICT_STREAM_SHARDS", "-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LIVEJURY_VERDICT_STREAM_SHARDS");
  }
}
