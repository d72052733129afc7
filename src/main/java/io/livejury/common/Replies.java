package io.livejury.common;

import io.vertx.redis.client.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reading Redis replies that come back as a map under RESP3 and as a flat list under RESP2. */
public final class Replies {

  public static Map<String, Long> counts(Response reply) {
    Map<String, Long> counts = new LinkedHashMap<>();
    if (reply == null) {
      return counts;
    }
    if (!reply.getKeys().isEmpty()) {
      reply.getKeys().forEach(key -> counts.put(key, reply.get(key).toLong()));
      return counts;
    }
    return pairs(reply, 0);
  }

  /** A hash of text values, from either shape of reply. */
  public static Map<String, String> texts(Response reply) {
    Map<String, String> texts = new LinkedHashMap<>();
    if (reply == null) {
      return texts;
    }
    if (!reply.getKeys().isEmpty()) {
      reply.getKeys().forEach(key -> texts.put(key, reply.get(key).toString()));
      return texts;
    }
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      texts.put(reply.get(i).toString(), reply.get(i + 1).toString());
    }
    return texts;
  }

  /** Reads {@code field, value, field, value…} from {@code start} on. */
  public static Map<String, Long> pairs(Response reply, int start) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = start; i + 1 < reply.size(); i += 2) {
      counts.put(reply.get(i).toString(), reply.get(i + 1).toLong());
    }
    return counts;
  }

  public static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private Replies() {
  }
}
