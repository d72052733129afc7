package io.livejury.jury;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sign that a verdict's ballots may have been coordinated ({@link CoordinationFlags}): {@code type} is
 * {@code shared_network}, {@code burst} or {@code co_voting}, {@code detail} the numbers behind it.
 */
public record Flag(String type, Map<String, Object> detail) {

  public static final String SHARED_NETWORK = "shared_network";
  public static final String BURST = "burst";
  public static final String CO_VOTING = "co_voting";

  public Flag {
    detail = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(detail));
  }

  /** As the verdict's {@code jury.flags} carries it: {@code {"type", "detail"}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", type);
    map.put("detail", detail);
    return map;
  }
}
