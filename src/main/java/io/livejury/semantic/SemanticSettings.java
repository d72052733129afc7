package io.livejury.semantic;

import io.livejury.config.Settings;

import java.nio.file.Path;

/**
 * How the semantic stage runs, from {@code livejury-defaults.properties} (each key there says why its default).
 *
 * @param enabled       {@code LIVEJURY_MODEL_ENABLED}: false never loads the model; every verdict is "not run"
 * @param workers       {@code LIVEJURY_MODEL_WORKERS}: threads running the model (0 in the file = one per core)
 * @param maxInFlight   {@code LIVEJURY_MODEL_MAX_IN_FLIGHT}: clauses (one embedding each) queued for or inside the
 *                      model at once on the node; past it a call is answered "not run, busy" at once
 * @param maxInFlightPerRoom {@code LIVEJURY_MODEL_MAX_IN_FLIGHT_PER_ROOM}: of those, one room's at most, so a
 *                      flood in one room leaves the others their share; at least one segment's clauses
 *                      ({@code LIVEJURY_DETECT_MAX_CLAUSES}) and at most {@code maxInFlight}
 * @param cacheEntries  {@code LIVEJURY_MODEL_CACHE_ENTRIES}: embeddings of recent distinct segments kept (0 = none)
 * @param minExamples   {@code LIVEJURY_SHEETS_MIN_EXAMPLES}: a category with fewer examples is refused
 * @param sheetsPath    {@code LIVEJURY_SHEETS_PATH}: a folder of sheets to read and watch; null = the sheets in the jar
 * @param sheetsReloadMs {@code LIVEJURY_SHEETS_RELOAD_MS}: how often that folder is checked for changes
 * @param decision      how the sheets decide: precision targets and margins of the leave-one-out thresholds
 */
public record SemanticSettings(
    boolean enabled,
    int workers,
    int maxInFlight,
    int maxInFlightPerRoom,
    int cacheEntries,
    int minExamples,
    Path sheetsPath,
    long sheetsReloadMs,
    Decision decision) {

  /**
   * How a segment's nearest examples become a verdict, and the targets its thresholds are computed for when the
   * sheets load (see {@link SheetIndex}). Similarities and margins are cosine similarities (−1..1); precisions are
   * shares (0..1] of leave-one-out judgements over the sheets.
   *
   * @param precision      {@code LIVEJURY_SHEETS_PRECISION}: a category's threshold is the lowest similarity at
   *                       which the leave-one-out judgements naming it are still at least this precise
   * @param margin         {@code LIVEJURY_SHEETS_MARGIN}: a category's nearest example must be at least this much
   *                       more similar than the nearest allowed or ordinary example
   * @param alonePrecision {@code LIVEJURY_MODEL_ALONE_PRECISION}: the same target for the stricter threshold the
   *                       model must reach to warn without the lexicon
   * @param aloneMargin    {@code LIVEJURY_MODEL_ALONE_MARGIN}: the same margin for the model without the lexicon
   * @param allowedMargin  {@code LIVEJURY_SHEETS_ALLOWED_MARGIN}: a segment is a legal look-alike (and silences the
   *                       lexicon) only when its nearest allowed example beats every violation example by this much
   */
  public record Decision(double precision, double margin, double alonePrecision, double aloneMargin,
      double allowedMargin) {

    public Decision {
      if (!(precision > 0 && precision <= 1) || !(alonePrecision > 0 && alonePrecision <= 1)) {
        throw new IllegalArgumentException("LIVEJURY_SHEETS_PRECISION and LIVEJURY_MODEL_ALONE_PRECISION must be in"
            + " (0, 1], got " + precision + " and " + alonePrecision);
      }
      if (!(margin >= 0 && margin < 1) || !(aloneMargin >= 0 && aloneMargin < 1)
          || !(allowedMargin >= 0 && allowedMargin < 1)) {
        throw new IllegalArgumentException("LIVEJURY_SHEETS_MARGIN, LIVEJURY_MODEL_ALONE_MARGIN and"
            + " LIVEJURY_SHEETS_ALLOWED_MARGIN must be in [0, 1), got " + margin + ", " + aloneMargin + " and "
            + allowedMargin);
      }
    }
  }

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
    int maxInFlight = r.positive("LIVEJURY_MODEL_MAX_IN_FLIGHT");
    int perRoom = r.positive("LIVEJURY_MODEL_MAX_IN_FLIGHT_PER_ROOM");
    int clauses = r.positive("LIVEJURY_DETECT_MAX_CLAUSES");
    if (perRoom > maxInFlight || perRoom < clauses) {
      throw new IllegalArgumentException("LIVEJURY_MODEL_MAX_IN_FLIGHT_PER_ROOM must lie between"
          + " LIVEJURY_DETECT_MAX_CLAUSES (" + clauses + ", one segment's clauses) and LIVEJURY_MODEL_MAX_IN_FLIGHT ("
          + maxInFlight + "), got " + perRoom);
    }
    return new SemanticSettings(
        r.bool("LIVEJURY_MODEL_ENABLED"),
        workers == 0 ? Runtime.getRuntime().availableProcessors() : workers,
        maxInFlight,
        perRoom,
        cache,
        r.positive("LIVEJURY_SHEETS_MIN_EXAMPLES"),
        sheets == null ? null : Path.of(sheets),
        r.positive("LIVEJURY_SHEETS_RELOAD_MS"),
        new Decision(r.decimal("LIVEJURY_SHEETS_PRECISION"), r.decimal("LIVEJURY_SHEETS_MARGIN"),
            r.decimal("LIVEJURY_MODEL_ALONE_PRECISION"), r.decimal("LIVEJURY_MODEL_ALONE_MARGIN"),
            r.decimal("LIVEJURY_SHEETS_ALLOWED_MARGIN")));
  }

  /** The same settings reading sheets from {@code folder} instead (tests, tools). */
  public SemanticSettings withSheets(Path folder) {
    return new SemanticSettings(enabled, workers, maxInFlight, maxInFlightPerRoom, cacheEntries, minExamples, folder, sheetsReloadMs,
        decision);
  }
}

