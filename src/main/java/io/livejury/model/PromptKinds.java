package io.livejury.model;

import com.fasterxml.jackson.core.type.TypeReference;
import io.livejury.common.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The prompt kinds LiveJury knows ({@code claim}, {@code atmosphere}), read once from the resource. */
public final class PromptKinds {

  private static final Map<String, PromptKind> KINDS = load();

  public static Optional<PromptKind> find(String kind) {
    return Optional.ofNullable(kind).map(KINDS::get);
  }

  public static PromptKind get(String kind) {
    return find(kind).orElseThrow(() -> new IllegalArgumentException("Unknown prompt kind " + kind));
  }

  public static Set<String> names() {
    return KINDS.keySet();
  }

  private static Map<String, PromptKind> load() {
    try (InputStream in = PromptKinds.class.getResourceAsStream("/prompt-kinds.json")) {
      return Map.copyOf(Json.MAPPER.readValue(in, new TypeReference<Map<String, PromptKind>>() { }));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private PromptKinds() {
  }
}
