package io.livejury.model;

public record PromptOption(String id, String label) {
}
