package io.livejury.room;

import io.livejury.jury.JuryRule;
import io.livejury.model.Prompt;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A new prompt's frame as this node hands it to its sockets. A prompt with jury rules goes to each viewer with
 * {@code "juror"} inside {@code prompt}: {@code {"eligible": true}} or {@code {"eligible": false, "reason"}}.
 * The variants — one per status, six at most — are encoded once per prompt per node when it arrives, so a
 * socket only picks its own (a SHA-1 of the seed and its user id at most) and the fan-out stays one shared
 * string per socket. It also collects the distinct users it found eligible, for the prompt's {@code eligible}.
 */
public final class PromptFrame {

  private final String promptId;
  private final String tally;
  private final JuryRule rule;
  private final String plain;
  /** Index 0: eligible; then one per reason in {@link JuryRule#REASONS} order. Empty without a rule. */
  private final String[] variants;
  private final Set<String> eligible;

  private PromptFrame(String promptId, String tally, JuryRule rule, String plain, String[] variants, int viewers) {
    this.promptId = promptId;
    this.tally = tally;
    this.rule = rule;
    this.plain = plain;
    this.variants = variants;
    // Sized for every viewer at once: growing it while both event loops add to it would copy the table under
    // contention in the middle of the fan-out.
    this.eligible = rule == null ? Set.of() : ConcurrentHashMap.newKeySet(Math.max(16, viewers));
  }

  /**
   * Reads a prompt frame ({@code {"type":"prompt","prompt":{…},"serverTime"}}) and encodes its variants.
   *
   * @param viewers the viewer sockets it goes to on this node, to size the set of eligible users
   */
  public static PromptFrame of(String promptId, String frame, int viewers) {
    JsonObject decoded = new JsonObject(frame);
    JsonObject prompt = decoded.getJsonObject("prompt");
    String tally = prompt.getString("tally", Prompt.TALLY_LIVE);
    JuryRule rule = JuryRule.of(prompt);
    if (rule == null) {
      return new PromptFrame(promptId, tally, null, frame, new String[0], 0);
    }
    String[] variants = new String[JuryRule.REASONS.size() + 1];
    for (int i = 0; i < variants.length; i++) {
      JsonObject variant = decoded.copy();
      variant.getJsonObject("prompt").put("juror", JuryRule.status(i == 0 ? null : JuryRule.REASONS.get(i - 1)));
      variants[i] = variant.encode();
    }
    return new PromptFrame(promptId, tally, rule, frame, variants, viewers);
  }

  public String promptId() {
    return promptId;
  }

  /** The prompt's tally mode: {@code live}, {@code after_vote} or {@code hidden}. */
  public String tally() {
    return tally;
  }

  /** The prompt's jury rules; null when it has none. */
  public JuryRule rule() {
    return rule;
  }

  /** The frame without {@code juror}: for moderators, and for every socket when the prompt has no rules. */
  public String plain() {
    return plain;
  }

  /**
   * The frame for a viewer this node judged: {@code reason} null when they may vote (then counted as eligible),
   * else one of {@link JuryRule#REASONS}.
   */
  public String forJuror(String userId, String reason) {
    if (reason == null) {
      eligible.add(userId);
      return variants[0];
    }
    return variants[JuryRule.REASONS.indexOf(reason) + 1];
  }

  /** How many distinct users this node found eligible when the prompt reached them. */
  public int eligible() {
    return eligible.size();
  }
}
