package io.livejury.verdict;

import io.livejury.common.HashSlots;
import io.livejury.common.RedisKeys;

import java.util.ArrayList;
import java.util.List;

/**
 * The streams decided verdicts are handed over on, closer to penalty consumer ({@code LIVEJURY_VERDICT_STREAM_SHARDS}
 * of them, {@link RedisKeys#verdictStream}). A prompt's verdict always goes to the same one, picked by its id, so a
 * repeated hand-off of one prompt lands beside the first; the consumer group of each stream is read by every node.
 * On a Redis Cluster the streams' hash tags put them on different shards, so no shard carries every verdict.
 *
 * @param keys the streams' keys, shard 0 first
 */
public record VerdictStreams(List<String> keys) {

  public VerdictStreams {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one verdict stream");
    }
    keys = List.copyOf(keys);
  }

  /** {@code shards} streams (at least 1): one is {@link RedisKeys#VERDICT_STREAM}, as on a single server. */
  public static VerdictStreams of(int shards) {
    List<String> keys = new ArrayList<>(shards);
    for (int i = 0; i < shards; i++) {
      keys.add(RedisKeys.verdictStream(i, shards));
    }
    return new VerdictStreams(keys);
  }

  /** The stream a prompt's verdict goes to: by the hash slot of its id, modulo the number of streams. */
  public String keyFor(String promptId) {
    return keys.get(HashSlots.slot(promptId) % keys.size());
  }
}
