package io.livejury.model;

import java.util.List;
import java.util.Map;

/**
 * A question put to a room's audience. {@code claim} is the streamer's words, for claim prompts;
 * {@code trigger} records why the audience was asked: {@code {"type":"staff"|"lexicon"|"reports", …}}.
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
    Map<String, Object> trigger) {

  public static final String OPEN = "open";

  /** This prompt as its room sees it: without the viewers' report texts, which are for staff. */
  public Prompt forRoom() {
    Map<String, Object> shown = Trigger.forRoom(trigger);
    return shown == trigger ? this
        : new Prompt(id, roomId, kind, question, claim, options, opensAt, closesAt, status, shown);
  }
}
