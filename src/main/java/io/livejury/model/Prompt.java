package io.livejury.model;

import java.util.List;

/** A question put to a room's audience. {@code claim} is the streamer's words, for claim prompts. */
public record Prompt(
    String id,
    String roomId,
    String kind,
    String question,
    String claim,
    List<PromptOption> options,
    String opensAt,
    String closesAt,
    String status) {

  public static final String OPEN = "open";
}
