package io.livejury.semantic;

import io.livejury.config.Settings;

import java.nio.file.Path;

/**
 * How the semantic stage runs, from {@code livejury-defaults.properties} (each key there says why its default).
 *
 * @param enabled       {@code LIVEJURY_MODEL_ENABLED}: false never loads the model; every verdict is "not run"
 * @param workers       {@code LIVEJURY_MODEL_WORKERS}: threads running the model (0 in the file = one per core)
 * @param maxInFlight   {@code LIVEJURY_MODEL_MAX_IN_FLIGHT}: segments queued for or inside the model at once;
 *                      past it a call is answered "not run" at once
 * @param cacheEntries  {@code LIVEJURY_MODEL_CACHE_ENTRIES}: embeddings of recent distinct segments kept (0 = none)
 * @param minExamples   {@code LIVEJURY_SHEETS_MIN_EXAMPLES}: a category with fewer examples is refused
 * @param sheetsPath    {@code LIVEJURY_SHEETS_PATH}: a folder of sheets to read and watch; null = the sheets in the jar
 * @param sheetsReloadMs {@code LIVEJURY_SHEETS_RELOAD_MS}: how often that folder is checked for changes
 */
public record SemanticSettings(
    boolean enabled,
    int workers,
    int maxInFlight,
    int cacheEntries,
    int minExamples,
    Path sheetsPath,
    long sheetsReloadMs) {

  public static SemanticSettings from(Settings.Reader r) {
    int workers = r.integer("LIVEJURY_MODEL_WORKERS");
    if (workers < 0) {
      throw new IllegalArgumentException("LIVEJURY_MODEL_WORKERS must be 0 (one per core) or more, got " + workers);
    }
    int cache = r.integer("LIVEJURY_MODEL_CACHE_ENTRIES");
    if (cache < 0) {
      throw new IllegalArgumentException("LIVEJURY_MODEL_CACHE_ENTRIES must be 0 or more, got " + cache);
    }
    String sheets = r.optionalText("LIVEJURY_SHEETS_PATH");
    return new SemanticSettings(
        r.bool("LIVEJURY_MODEL_ENABLED"),
        workers == 0 ? Runtime.getRuntime().availableProcessors() : workers,
        r.positive("LIVEJURY_MODEL_MAX_IN_FLIGHT"),
        cache,
        r.positive("LIVEJURY_SHEETS_MIN_EXAMPLES"),
        sheets == null ? null : Path.of(sheets),
        r.positive("LIVEJURY_SHEETS_RELOAD_MS"));
  }

  /** The same settings reading sheets from {@code folder} instead (tests, tools). */
  public SemanticSettings withSheets(Path folder) {
    return new SemanticSettings(enabled, workers, maxInFlight, cacheEntries, minExamples, folder, sheetsReloadMs);
  }
}
