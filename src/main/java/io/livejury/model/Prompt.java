package io.livejury.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * A question put to a room's audience. {@code claim} is the streamer's words, for claim prompts;
 * {@code trigger} records why the audience was asked: {@code {"type":"staff"|"lexicon"|"reports", …}}.
 * {@code jury} holds the eligibility rules and the draw fixed when it opened (null when juries are off):
 * {@code {"size", "rate", "seed", "audience", "presenceSeconds", "minAccountDays", "requireVerified"}}, its
 * {@code size} null (written as such) when everyone eligible decides;
 * {@code tally} is {@code live}, {@code after_vote} or {@code hidden}; {@code calibration} ({@code {"answer"}})
 * marks a staff prompt with a known answer, which only staff may see.
 */
public record Prompt(
    String id,
    String roomId,
    String kind,
    String question,
    String claim,
    List<PromptOption> options,
    String opensAt,
    String closesAt,
    String status,
    Map<String, Object> trigger,
    @JsonInclude(value = JsonInclude.Include.NON_NULL, content = JsonInclude.Include.ALWAYS) Map<String, Object> jury,
    String tally,
    Map<String, Object> calibration) {

  public static final String OPEN = "open";
  public static final String TALLY_LIVE = "live";
  public static final String TALLY_AFTER_VOTE = "after_vote";
  public static final String TALLY_HIDDEN = "hidden";
  public static final List<String> TALLY_MODES = List.of(TALLY_LIVE, TALLY_AFTER_VOTE, TALLY_HIDDEN);

  /**
   * This prompt as its room sees it: without the viewers' report texts, which are for staff, and without a
   * calibration prompt's answer, which would tell the jurors what to vote.
   */
  public Prompt forRoom() {
    Map<String, Object> shown = Trigger.forRoom(trigger);
    return shown == trigger && calibration == null ? this
        : new Prompt(id, roomId, kind, question, claim, options, opensAt, closesAt, status, shown, jury, tally, null);
  }
}
