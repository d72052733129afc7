package io.livejury.semantic;

import io.livejury.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The semantic stage of this node: the {@link SentenceModel} run on a bounded pool of worker threads against the
 * example sheets in force ({@link SheetIndex}).
 *
 * <p>{@link #start()} loads the model and the sheets on that pool; the node lets traffic in only after it
 * completed. A model that cannot load (a platform without its native library) is logged and the stage answers
 * "not run" from then on, so the node detects by the lexicon alone rather than not starting.
 *
 * <p>{@link #judge} never blocks its caller and never fails: a blank segment is judged "nothing" at once, a
 * segment seen recently is judged from its cached embedding at once, and any other one is queued on the pool —
 * unless {@code maxInFlight} clauses are already queued or running on the node, or {@code maxInFlightPerRoom} of
 * its room, in which case it is answered "not run, busy" at once and counted in {@code /metrics}
 * ({@code livejury_model_verdicts{outcome="queue_full"|"room_full"}}): one room's flood cannot take the whole pool.
 * The "room" a share belongs to is whatever key the caller names; detection names the streamer.
 *
 * <p>With {@code LIVEJURY_SHEETS_PATH} set, the folder is checked every {@code sheetsReloadMs}; when a file in it
 * was added, removed or changed, the sheets are read, embedded (only new sentences) and their thresholds
 * recomputed on the pool, then swapped in. A folder that does not parse is logged once and the sheets in force
 * stay.
 */
public final class ModelStage implements SemanticStage {

  private static final Logger LOG = LoggerFactory.getLogger(ModelStage.class);

  /** A whole sheet reload runs on the pool too; past this Vert.x warns that a worker is blocked. */
  private static final long MAX_TASK_SECONDS = 60;
  /** The metrics outcome of work refused because its share (the streamer's own rooms) was full. */
  private static final String ROOM_FULL = "room_full";

  /**
   * Embeddings of sheet sentences already embedded in this process, shared by reloads and by the nodes of one
   * process: an embedding depends on the sentence alone, so a reload embeds only new lines. Grows only with the
   * sentences ever put on a sheet.
   */
  private static final Map<String, float[]> SHEET_EMBEDDINGS = new ConcurrentHashMap<>();
  /** The fingerprints of the models whose shipped sheet embeddings were put into {@link #SHEET_EMBEDDINGS}. */
  private static final Set<Long> SEEDED = ConcurrentHashMap.newKeySet();

  private final Vertx vertx;
  private final SemanticSettings settings;
  private final Metrics metrics;
  private final Supplier<SentenceModel> loader;
  /** Clauses queued for or inside the model, node-wide; changed under {@code shares}. */
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Clauses queued for or inside the model, per room with any. */
  private final Map<String, Integer> shares = new HashMap<>();
  private final AtomicBoolean reloading = new AtomicBoolean();
  private final Map<String, float[]> cache;
  private WorkerExecutor workers;
  private volatile SentenceModel model;
  private volatile SheetIndex index;
  /** The sheets last read from the files (the folder or the jar); null until then. */
  private volatile ExampleSheets fileSheets;
  /** Examples staff taught, by sheet, added to the file sheets in every build. */
  private volatile Map<String, List<ExampleSheets.Example>> taught = Map.of();
  /** Builds take the file sheets and the taught examples as they are then, one build at a time, latest last. */
  private final Object building = new Object();
  private volatile Map<String, String> folderState;
  private long timer = -1;

  /** A stage that loads (or reuses) this process's model in {@link #start()}. */
  public ModelStage(Vertx vertx, SemanticSettings settings, Metrics metrics) {
    this(vertx, settings, metrics, SentenceModel::shared);
  }

  /**
   * A stage that gets its model from {@code loader} (called once, on the pool, in {@link #start()}); lets one
   * loaded model serve several stages in tests and tools.
   */
  public ModelStage(Vertx vertx, SemanticSettings settings, Metrics metrics, Supplier<SentenceModel> loader) {
    this.vertx = vertx;
    this.settings = settings;
    this.metrics = metrics;
    this.loader = loader;
    int entries = settings.cacheEntries();
    this.cache = entries == 0 ? null : new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
        return size() > entries;
      }
    };
    metrics.modelInFlightGauge(inFlight::get);
  }

  /**
   * Loads the model and the sheets (about a second plus a few milliseconds per example). Never fails: what could
   * not be loaded is logged and the stage answers "not run" until it is.
   */
  public Future<Void> start() {
    if (!settings.enabled()) {
      LOG.info("Sentence model off (LIVEJURY_MODEL_ENABLED=false): detection by the lexicon alone");
      return Future.succeededFuture();
    }
    workers = vertx.createSharedWorkerExecutor("livejury-model", settings.workers(), MAX_TASK_SECONDS, TimeUnit.SECONDS);
    return workers.executeBlocking(() -> {
          long started = System.nanoTime();
          SentenceModel loaded;
          try {
            loaded = loader.get();
          } catch (RuntimeException e) {
            LOG.error("Sentence model not loaded, detection by the lexicon alone: {}", e.getMessage(), e);
            return null;
          }
          SheetIndex first = null;
          if (settings.sheetsPath() != null) {
            folderState = folderState(settings.sheetsPath());
            try {
              first = load(loaded, ExampleSheets.fromFolder(settings.sheetsPath()), settings.sheetsPath());
            } catch (ExampleSheets.SheetException e) {
              LOG.error("Sheets in {} not used, the shipped sheets instead until the folder parses: {}",
                  settings.sheetsPath(), e.getMessage());
            }
          }
          if (first == null) {
            first = load(loaded, ExampleSheets.fromResources(), "the jar");
          }
          index = first;
          model = loaded;
          LOG.info("Semantic stage ready in {} ms", (System.nanoTime() - started) / 1_000_000);
          return null;
        }, false)
        .otherwise(err -> {
          LOG.error("Semantic stage not started, detection by the lexicon alone: {}", err.getMessage(), err);
          return null;
        })
        .andThen(done -> {
          if (settings.sheetsPath() != null) {
            timer = vertx.setPeriodic(settings.sheetsReloadMs(), id -> reloadIfChanged());
          }
        })
        .mapEmpty();
  }

  @Override
  public Future<SemanticVerdict> judge(String normalised) {
    return judgeAll(List.of(normalised == null ? "" : normalised), null).map(verdicts -> verdicts.get(0));
  }

  /**
   * Judges the clauses of one segment: blank ones "nothing" and recently seen ones from their cached embedding at
   * once, the others as one task on the pool, embedded one after another ({@link SentenceModel} embeds one text a
   * call: the ONNX bi-encoder it wraps has no batch of its own). Each text to embed takes one place of the node's
   * {@code maxInFlight} and of {@code room}'s {@code maxInFlightPerRoom}, because each costs one embedding; when
   * either has too few places left for all of them, none is run and each is answered
   * "not run" at once: {@link SemanticVerdict#busyNotRun()} when the node's cap is full (outcome {@code queue_full}),
   * {@link SemanticVerdict#ownShareFull()} when {@code room}'s share is (outcome {@code room_full}). Never fails.
   *
   * @param room whose share the work takes — the transcript service names the room's streamer, so one streamer's
   *             rooms share one share; null takes the node's cap alone (tools, tests)
   */
  @Override
  public Future<List<SemanticVerdict>> judgeAll(List<String> normalised, String room) {
    int n = normalised.size();
    if (!settings.enabled()) {
      normalised.forEach(text -> metrics.modelVerdict("disabled"));
      return Future.succeededFuture(java.util.Collections.nCopies(n, SemanticVerdict.notRun()));
    }
    SentenceModel loadedModel = model;
    SheetIndex loadedIndex = index;
    if (loadedModel == null || loadedIndex == null) {
      normalised.forEach(text -> metrics.modelVerdict("not_loaded"));
      return Future.succeededFuture(java.util.Collections.nCopies(n, SemanticVerdict.notRun()));
    }
    SemanticVerdict[] verdicts = new SemanticVerdict[n];
    List<Integer> toEmbed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String text = normalised.get(i);
      if (text == null || text.isBlank()) {
        metrics.modelVerdict("blank");
        verdicts[i] = new SemanticVerdict(null, 0, null, false, null, false);
        continue;
      }
      float[] cached = cached(text);
      if (cached != null) {
        metrics.modelVerdict("cached");
        verdicts[i] = loadedIndex.judge(cached);
      } else {
        toEmbed.add(i);
      }
    }
    if (toEmbed.isEmpty()) {
      return Future.succeededFuture(List.of(verdicts));
    }
    int places = toEmbed.size();
    String refused = take(room, places);
    if (refused != null) {
      for (int i : toEmbed) {
        metrics.modelVerdict(refused);
        // The share is the streamer's own: their flood must not cost their claim its outcome (SemanticVerdict).
        verdicts[i] = ROOM_FULL.equals(refused) ? SemanticVerdict.ownShareFull() : SemanticVerdict.busyNotRun();
      }
      return Future.succeededFuture(List.of(verdicts));
    }
    long started = System.nanoTime();
    return workers.executeBlocking(() -> {
          SheetIndex current = index;
          for (int i : toEmbed) {
            float[] embedding = loadedModel.embed(normalised.get(i));
            remember(normalised.get(i), embedding);
            verdicts[i] = current.judge(embedding);
          }
          return List.of(verdicts);
        }, false)
        .andThen(done -> {
          give(room, places);
          for (int i = 0; i < places; i++) {
            metrics.modelCall(started);
            metrics.modelVerdict(done.succeeded() ? "ran" : "failed");
          }
        })
        .otherwise(err -> {
          LOG.warn("Sentence model failed on {} clauses: {}", places, err.toString());
          List<SemanticVerdict> answer = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            answer.add(verdicts[i] != null && !toEmbed.contains(i) ? verdicts[i] : SemanticVerdict.notRun());
          }
          return answer;
        });
  }

  /**
   * Takes {@code places} of the node's cap and of {@code room}'s share; null when taken, else the outcome that
   * refused them ({@code queue_full}: the node's cap, {@code room_full}: the room's share).
   */
  private String take(String room, int places) {
    synchronized (shares) {
      if (inFlight.get() + places > settings.maxInFlight()) {
        return "queue_full";
      }
      if (room != null && shares.getOrDefault(room, 0) + places > settings.maxInFlightPerRoom()) {
        return ROOM_FULL;
      }
      inFlight.addAndGet(places);
      if (room != null) {
        shares.merge(room, places, Integer::sum);
      }
      return null;
    }
  }

  private void give(String room, int places) {
    synchronized (shares) {
      inFlight.addAndGet(-places);
      if (room != null) {
        // A room with nothing in flight holds no entry, so the map is as large as the rooms being judged now.
        shares.computeIfPresent(room, (r, held) -> held > places ? held - places : null);
      }
    }
  }

  /** True once the model and a set of sheets are loaded: verdicts are real from then on. */
  public boolean ready() {
    return model != null && index != null;
  }

  /** The sheets in force, one report per sheet (the allowed sheet among them); empty before they load. */
  public List<SheetReport> reports() {
    SheetIndex current = index;
    return current == null ? List.of() : current.reports();
  }

  /** Duplicates, contradictions and refused sheets of the sheets in force, as logged. */
  public List<String> sheetProblems() {
    SheetIndex current = index;
    return current == null ? List.of() : current.problems();
  }

  /** Stops watching the sheet folder and closes the pool (the model stays loaded for the process). */
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return workers == null ? Future.succeededFuture() : workers.close();
  }

  /** Makes {@code sheets} the file sheets and puts them in force with the taught examples. */
  private SheetIndex load(SentenceModel using, ExampleSheets sheets, Object from) {
    synchronized (building) {
      fileSheets = sheets;
      return build(using, from);
    }
  }

  /** Builds the index of the file sheets plus the taught examples and puts it in force; holds {@code building}. */
  private SheetIndex build(SentenceModel using, Object from) {
    long started = System.nanoTime();
    Map<String, List<ExampleSheets.Example>> extra = taught;
    ExampleSheets sheets = fileSheets.plus(extra);
    if (SEEDED.add(using.fingerprint())) {
      SHEET_EMBEDDINGS.putAll(SheetEmbeddings.shipped(using.fingerprint()));
    }
    // New sentences are embedded on every core at once (the common fork-join pool plus this thread): at start-up
    // nothing else wants the CPU of the model yet, and the node waits for this before it takes traffic.
    sheets.sheets().values().stream().flatMap(List::stream).map(ExampleSheets.Example::text).distinct()
        .filter(text -> !SHEET_EMBEDDINGS.containsKey(text)).toList()
        .parallelStream().forEach(text -> SHEET_EMBEDDINGS.computeIfAbsent(text, using::embed));
    SheetIndex built = SheetIndex.build(sheets,
        text -> SHEET_EMBEDDINGS.computeIfAbsent(text, using::embed), settings.minExamples(),
        settings.decision());
    index = built;
    built.problems().forEach(problem -> LOG.warn("{}", problem));
    int count = extra.values().stream().mapToInt(List::size).sum();
    LOG.info("Example sheets from {}{} in force ({} ms):", from, count == 0 ? "" : " and " + count + " taught",
        (System.nanoTime() - started) / 1_000_000);
    built.reports().forEach(report -> LOG.info("  {}", report));
    return built;
  }

  /**
   * Makes {@code examples} (sheet → normalised sentences staff taught, each naming its source) the taught part of
   * the sheets: the index is rebuilt from the file sheets plus these on the model's pool (new sentences embedded,
   * every threshold recomputed by leave-one-out) and swapped in. Completes once in force; at once when the model is
   * off or not loaded (a later load takes them in).
   */
  public Future<Void> useTaught(Map<String, List<ExampleSheets.Example>> examples) {
    taught = Map.copyOf(examples);
    SentenceModel loadedModel = model;
    if (loadedModel == null || fileSheets == null) {
      return Future.succeededFuture();
    }
    return workers.executeBlocking(() -> {
      synchronized (building) {
        build(loadedModel, "the files");
      }
      return null;
    }, false).mapEmpty();
  }

  /** True when the model is switched on ({@code LIVEJURY_MODEL_ENABLED}). */
  public boolean enabled() {
    return settings.enabled();
  }

  /** The fewest examples a sheet needs to be judged ({@code LIVEJURY_SHEETS_MIN_EXAMPLES}). */
  public int minExamples() {
    return settings.minExamples();
  }

  private void reloadIfChanged() {
    SentenceModel loadedModel = model;
    if (loadedModel == null || index == null || !reloading.compareAndSet(false, true)) {
      return;
    }
    Path folder = settings.sheetsPath();
    workers.executeBlocking(() -> {
          Map<String, String> state = folderState(folder);
          if (state.equals(folderState)) {
            return null;
          }
          folderState = state; // a folder that fails to parse is reported once, not on every check
          return load(loadedModel, ExampleSheets.fromFolder(folder), folder);
        }, false)
        .onFailure(err -> LOG.warn("Sheets in {} not reloaded, keeping the sheets in force: {}", folder,
            err.getMessage()))
        .onComplete(done -> reloading.set(false));
  }

  /** Each sheet file's name, modification time and size: a change of any means a reload. */
  private static Map<String, String> folderState(Path folder) {
    Map<String, String> state = new HashMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".txt")).toList()) {
        state.put(file.getFileName().toString(), Files.getLastModifiedTime(file) + "/" + Files.size(file));
      }
    } catch (IOException e) {
      state.put("(unreadable)", e.toString());
    }
    return state;
  }

  private float[] cached(String normalised) {
    if (cache == null) {
      return null;
    }
    synchronized (cache) {
      return cache.get(normalised);
    }
  }

  private void remember(String normalised, float[] embedding) {
    if (cache != null) {
      synchronized (cache) {
        cache.put(normalised, embedding);
      }
    }
  }
}
