package io.livejury.jury;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a verdict says about its jury, the verdict's {@code jury} block (docs/protocol.md, "Juries").
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

  /**
   * Whether a verdict's {@code jury} block (null when juries were off) casts doubt on its condemnation, so that its
   * penalty waits for staff: a {@code shared_network} flag (raised on the condemning ballots only), or a
   * {@code burst} or {@code co_voting} flag on the condemning option. A wave or a group voting the clearing option
   * (or any other) speaks for the streamer, not against the verdict: it stays in the jury block for staff to see and
   * holds nothing back, so a streamer's fans cannot delay a deserved penalty by voting together. A flag of a type
   * not known here, or a verdict whose condemning option is unknown ({@code condemning} null), holds the penalty.
   */
  public static boolean doubtsCondemnation(Map<String, Object> jury, String condemning) {
    if (jury == null || !(jury.get("flags") instanceof List<?> flags)) {
      return false;
    }
    for (Object flag : flags) {
      Map<?, ?> map = flag instanceof Map<?, ?> m ? m
          : flag instanceof io.vertx.core.json.JsonObject json ? json.getMap() : Map.of();
      Object type = map.get("type");
      Object option = map.get("detail") instanceof Map<?, ?> detail ? detail.get("option")
          : map.get("detail") instanceof io.vertx.core.json.JsonObject detail ? detail.getValue("option") : null;
      boolean onOption = Flag.BURST.equals(type) || Flag.CO_VOTING.equals(type);
      if (!onOption || condemning == null || condemning.equals(option)) {
        return true;
      }
    }
    return false;
  }
}
