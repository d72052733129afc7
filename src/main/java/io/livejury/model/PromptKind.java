package io.livejury.model;

import java.util.List;

/**
 * What a kind of prompt asks and how its ballots decide: the default options, which option condemns
 * the streamer and which clears them, the outcome names, and the questions put when a detector hit
 * ({@code askAbout}, with {@code {text}} for the streamer's words) or viewer reports open one.
 * Loaded from {@code prompt-kinds.json}.
 */
public record PromptKind(
    List<PromptOption> options,
    String condemning,
    String clearing,
    String condemned,
    String cleared,
    String askAbout,
    String reportQuestion) {

  public String askAbout(String text) {
    return askAbout.replace("{text}", text);
  }
}
