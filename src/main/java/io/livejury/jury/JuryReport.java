package io.livejury.jury;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a verdict says about its jury, the verdict's {@code jury} block (PROTOCOL.md, "Juries").
 *
 * @param eligible viewers who could vote when the prompt reached them (the prompt's {@code eligible} count)
 * @param voted    counted ballots
 * @param excluded ineligible voters refused, by reason ({@code late_join}, {@code new_account}, {@code conflict},
 *                 {@code unverified}, {@code not_selected})
 * @param weighted the sum of the counted ballots' weights, by option (4 decimals)
 * @param flags    the coordination flags raised at close ({@link CoordinationFlags})
 */
public record JuryReport(long eligible, long voted, Map<String, Long> excluded, Map<String, Double> weighted,
    List<Flag> flags) {

  public JuryReport {
    excluded = Map.copyOf(excluded);
    weighted = Map.copyOf(weighted);
    flags = List.copyOf(flags);
  }

  /** {@code {"eligible", "voted", "excluded", "weighted", "flags": [{"type", "detail"}…]}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("eligible", eligible);
    map.put("voted", voted);
    map.put("excluded", new java.util.TreeMap<>(excluded));
    map.put("weighted", new java.util.TreeMap<>(weighted));
    map.put("flags", flags.stream().map(Flag::toMap).toList());
    return map;
  }

  /** Whether a verdict's {@code jury} block (null when juries were off) holds any flag. */
  public static boolean flagged(Map<String, Object> jury) {
    return jury != null && jury.get("flags") instanceof List<?> flags && !flags.isEmpty();
  }
}
