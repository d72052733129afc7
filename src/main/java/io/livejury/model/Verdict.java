package io.livejury.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audience's decision on a closed prompt. Its id derives from the prompt id: one verdict per prompt.
 * {@code jury} (null when juries are off) is {@code {"eligible", "voted", "excluded": {reason: n}, "weighted"?:
 * {option: x}, "flags": [{"type", "detail"}]}}; {@code calibration} is the prompt's known answer, set for a
 * staff calibration prompt, which never penalises; {@code stop} ({@code {"reason", "by", "at"}}, null unless a stop cut
 * the vote short) marks a verdict an emergency stop closed: kept as evidence, it creates no penalty and is no offence.
 */
public record Verdict(
    String id,
    String promptId,
    String roomId,
    String streamerId,
    String merchantId,
    String kind,
    String question,
    String claim,
    String outcome,
    Map<String, Long> counts,
    long total,
    double confidence,
    String decidedAt,
    String reviewStatus,
    Map<String, Object> trigger,
    Map<String, Object> jury,
    Map<String, Object> calibration,
    Map<String, Object> stop) {

  public static final String INCONCLUSIVE = "INCONCLUSIVE";
  /** Condemned and inconclusive verdicts wait for staff; cleared ones need no review. */
  public static final String REVIEW_PENDING = "pending";
  public static final String REVIEW_NONE = "none";
  public static final String REVIEW_CONFIRMED = "confirmed";
  public static final String REVIEW_OVERTURNED = "overturned";
  /** A streamer appealed the penalty: the verdict is open for decision again. */
  public static final String REVIEW_APPEALED = "appealed";

  public static String idFor(String promptId) {
    return "v-" + promptId;
  }

  /**
   * This verdict as its room sees it: without the viewers' report texts, nor a calibration prompt's answer
   * (a known question may be asked again), nor the network ids in its flags (a network id is a hash of an
   * address prefix, which a viewer could reverse) — all for staff only.
   */
  public Verdict forRoom() {
    Map<String, Object> shown = Trigger.forRoom(trigger);
    Map<String, Object> shownJury = withoutNetworks(jury);
    return shown == trigger && calibration == null && shownJury == jury ? this
        : new Verdict(id, promptId, roomId, streamerId, merchantId, kind, question, claim, outcome, counts, total,
            confidence, decidedAt, reviewStatus, shown, shownJury, null, stop);
  }

  /** The flags' detail field naming a network. */
  public static final String NETWORK_DETAIL = "net";

  /** A jury block without the network ids in its flags' details: the same map when it names none. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> withoutNetworks(Map<String, Object> jury) {
    if (jury == null || !(jury.get("flags") instanceof List<?> flags)
        || flags.stream().noneMatch(f -> f instanceof Map<?, ?> flag && flag.get("detail") instanceof Map<?, ?> detail
            && detail.containsKey(NETWORK_DETAIL))) {
      return jury;
    }
    List<Object> shown = new ArrayList<>();
    for (Object flag : flags) {
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) flag);
      if (copy.get("detail") instanceof Map<?, ?> detail) {
        Map<String, Object> kept = new LinkedHashMap<>((Map<String, Object>) detail);
        kept.remove(NETWORK_DETAIL);
        copy.put("detail", kept);
      }
      shown.add(copy);
    }
    Map<String, Object> result = new LinkedHashMap<>(jury);
    result.put("flags", shown);
    return result;
  }
}
