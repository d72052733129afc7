package io.livejury.model;

import java.util.List;

/**
 * What a kind of prompt asks and how its ballots decide: the default options, which option condemns
 * the streamer and which clears them, and the outcome names. Loaded from {@code prompt-kinds.json}.
 */
public record PromptKind(
    List<PromptOption> options,
    String condemning,
    String clearing,
    String condemned,
    String cleared) {
}
