package io.livejury.loadgen;

import io.livejury.config.Settings;
import io.livejury.detect.Clauses;
import io.livejury.detect.Combiner;
import io.livejury.detect.Detector;
import io.livejury.detect.Hit;
import io.livejury.detect.Lexicon;
import io.livejury.detect.Normaliser;
import io.livejury.detect.Rule;
import io.livejury.detect.SegmentDetector;
import io.livejury.metrics.Metrics;
import io.livejury.semantic.ModelStage;
import io.livejury.semantic.SemanticStage;
import io.livejury.semantic.SemanticVerdict;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * How well detection does on a held-out labelled set: every line of the labelled set (violations and legal
 * near-misses, {@code src/test/resources/detect-eval/labelled.tsv}) and of the chatter set ({@code chatter.tsv},
 * ordinary livestream talk) goes through each judge — the lexicon alone, the sentence model alone, and the
 * combination the node runs — and the flags raised are scored against the labels. The file formats are
 * described in the files' own headers.
 *
 * <p>Figures, per judge, overall, per category and per variant kind:
 * <ul>
 *   <li>recall: violations flagged in their own category, over violations (a flag in another category is a miss);
 *   <li>precision: flags that name a violation's own category, over all flags raised on every line (labelled and
 *       chatter); one flag per line and category;
 *   <li>false-positive rate on legal near-misses: legal lines with any flag, over legal lines (per category: the
 *       legal lines that look like that category);
 *   <li>false-positive rate on chatter: chatter lines with any flag, over chatter lines;
 *   <li>critical flags on legal and chatter lines (a critical hit in a prompt category opens an audience vote).
 * </ul>
 * A line of variant {@code split} is two consecutive segments of one room; a judge sees them in order, as
 * TranscriptService would, and the line is flagged in a category when either segment, or a window over both
 * (for judges that keep one), is.
 *
 * <p>Writes {@code <out>.json} and {@code <out>.md} and prints the Markdown. Arguments {@code key=value}:
 * labelled, chatter (the two files), out (a path without extension), lexicon (a lexicon file to use instead of
 * the shipped one), judges (comma-separated names, default every judge this build has), targets
 * ({@code recall,legalFalsePositives,chatterFalsePositives}, e.g. {@code 0.85,0.10,0.02}: reported as met or
 * not), check (true: exit 3 when a judge named in {@code checkJudge}, default the combination or else the
 * lexicon, misses a target), command (as run, for the report). Exits 1 on a malformed input line, naming it.
 */
public final class DetectorEval {

  static final List<String> CATEGORIES =
      List.of("medical_claim", "extreme_words", "price_fraud", "fake_scarcity", "off_platform");
  static final List<String> VARIANTS =
      List.of("plain", "traditional", "spaced", "numerals", "evasion", "paraphrase", "english", "split");
  /** How two consecutive segments are written on one line of variant {@code split}. */
  static final String SEGMENT_JOIN = " || ";

  private DetectorEval() {
  }

  /**
   * One evaluated line. {@code violation} false with {@code category} set is a legal near-miss of that
   * category; a chatter line has {@code chatter} true, no category, and its topic as {@code variant}.
   */
  record Item(int line, boolean chatter, boolean violation, String category, String variant, String text,
      List<String> segments) {
  }

  /** A judge's finding on a line: the category, its severity (a lexicon severity), and why. */
  record Flag(String category, String severity, String evidence) {
  }

  /**
   * One way of deciding which categories a run of consecutive segments of one room is flagged in. Blocking:
   * called from the tool's main thread, never from an event loop.
   */
  interface Judge {

    String name();

    /** What the judge is, for the report. */
    String description();

    /** The flags over these consecutive segments, at most one per category (the most severe). */
    List<Flag> judge(List<String> segments);

    /** Segments this judge could not judge fully (the model degraded); 0 for the lexicon. */
    default long degraded() {
      return 0;
    }
  }

  /**
   * The detection pipeline's pieces this build of LiveJury has. Each factory is where a stage plugs into the
   * evaluation: the normaliser that runs before every stage, the sentence-model stage, and the policy that
   * combines a segment's lexicon hits with the model's verdict. A stage this build lacks is absent, and the
   * judges that need it are reported as not run.
   */
  static final class Stages {

    private Stages() {
    }

    /** The normaliser every stage reads from: the node's, with the shipped evasion table. */
    static final Normaliser NORMALISER = Normaliser.standard();

    static UnaryOperator<String> normaliser() {
      return NORMALISER::normalise;
    }

    /**
     * Whether consecutive segments of a room are also judged together (previous + current), as the node does
     * when it keeps a window of the room's last segment.
     */
    static boolean window() {
      return true;
    }

    /**
     * The node's sentence-model stage with the shipped sheets (settings from the environment, as a node reads
     * them: {@code LIVEJURY_MODEL_*}, {@code LIVEJURY_SHEETS_PATH}), loaded and ready; absent when it cannot load
     * here or is switched off.
     */
    static Optional<SemanticStage> model(Vertx vertx) {
      ModelStage stage = new ModelStage(vertx, Settings.load(System.getenv()).semantic(), new Metrics());
      try {
        stage.start().await();
      } catch (RuntimeException e) {
        System.err.println("the sentence model did not load: " + e.getMessage());
      }
      return stage.ready() ? Optional.of(stage) : Optional.empty();
    }

    /** The node's combination policy ({@link Combiner}) over the lexicon's rules, one flag a detection. */
    static Optional<BiFunction<List<Hit>, SemanticVerdict, List<Flag>>> combination(List<Rule> rules) {
      return Optional.of((hits, verdict) -> Combiner.combine(hits, verdict, rules).detections().stream()
          .map(Stages::flag).toList());
    }

    static Flag flag(Combiner.Detection d) {
      return new Flag(d.category(), d.severity(), d.stage() + " " + (d.matched().isEmpty() ? ""
          : String.join(",", d.matched()) + " ") + (d.nearest() == null ? ""
          : String.format(Locale.ROOT, "~ %s (%.3f)", d.nearest().example(), d.nearest().similarity())));
    }

    /**
     * How the node cuts a long segment into clauses and combines per clause ({@link SegmentDetector}), with the
     * clause settings from the environment as a node reads them ({@code LIVEJURY_DETECT_CLAUSE_*}).
     */
    static SegmentDetector segments() {
      return new SegmentDetector(Clauses.standard(Settings.load(System.getenv()).detectLimits().clauses()));
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      a.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    Path labelledFile = Path.of(a.getOrDefault("labelled", "src/test/resources/detect-eval/labelled.tsv"));
    Path chatterFile = Path.of(a.getOrDefault("chatter", "src/test/resources/detect-eval/chatter.tsv"));
    List<Item> items = new ArrayList<>();
    try {
      items.addAll(readLabelled(labelledFile));
      items.addAll(readChatter(chatterFile));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }

    String lexiconSource = a.containsKey("lexicon") ? a.get("lexicon") : "shipped lexicon.txt";
    List<Rule> rules = a.containsKey("lexicon") ? Lexicon.fromFile(Path.of(a.get("lexicon"))) : Lexicon.fromResource();
    Detector detector = new Detector(rules, Stages.NORMALISER);
    UnaryOperator<String> normaliser = Stages.normaliser();
    boolean window = Stages.window();

    Vertx vertx = Vertx.vertx();
    try {
      Optional<SemanticStage> model = Stages.model(vertx);
      Optional<BiFunction<List<Hit>, SemanticVerdict, List<Flag>>> combination = Stages.combination(rules);
      List<Judge> judges = new ArrayList<>();
      JsonArray notRun = new JsonArray();
      judges.add(new LexiconJudge(normaliser, window, detector));
      if (model.isPresent()) {
        judges.add(new ModelJudge(normaliser, window, model.get()));
      } else {
        notRun.add(new JsonObject().put("judge", "model").put("reason", "this build has no sentence-model stage"));
      }
      if (model.isPresent() && combination.isPresent()) {
        judges.add(new CombinedJudge(window, detector, model.get(), Stages.segments()));
      } else {
        notRun.add(new JsonObject().put("judge", "combined")
            .put("reason", model.isEmpty() ? "this build has no sentence-model stage" : "this build has no combination policy"));
      }
      if (a.containsKey("judges")) {
        List<String> wanted = List.of(a.get("judges").split(","));
        judges.removeIf(j -> !wanted.contains(j.name()));
      }

      double[] targets = a.containsKey("targets")
          ? java.util.Arrays.stream(a.get("targets").split(",")).mapToDouble(Double::parseDouble).toArray()
          : null;
      JsonObject report = new JsonObject()
          .put("date", Instant.now().toString())
          .put("command", a.getOrDefault("command", "DetectorEval " + String.join(" ", args)))
          .put("lexicon", lexiconSource + ", " + rules.size() + " rules")
          .put("labelled", new JsonObject().put("file", labelledFile.toString())
              .put("violations", items.stream().filter(Item::violation).count())
              .put("legal", items.stream().filter(i -> !i.chatter() && !i.violation()).count()))
          .put("chatter", new JsonObject().put("file", chatterFile.toString())
              .put("lines", items.stream().filter(Item::chatter).count()))
          .put("targets", targets == null ? null : new JsonObject().put("recall", targets[0])
              .put("legalFalsePositiveRate", targets[1]).put("chatterFalsePositiveRate", targets[2]))
          .put("notRun", notRun);
      JsonArray results = new JsonArray();
      for (Judge judge : judges) {
        results.add(evaluate(judge, items, targets));
      }
      report.put("judges", results);

      String md = markdown(report);
      System.out.println(md);
      if (a.containsKey("out")) {
        Path json = Path.of(a.get("out") + ".json");
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, report.encodePrettily() + "\n");
        Files.writeString(Path.of(a.get("out") + ".md"), md);
      }
      if (Boolean.parseBoolean(a.getOrDefault("check", "false")) && targets != null) {
        String checked = a.getOrDefault("checkJudge", judges.stream().anyMatch(j -> j.name().equals("combined")) ? "combined" : "lexicon");
        boolean met = results.stream().map(JsonObject.class::cast).filter(r -> r.getString("judge").equals(checked))
            .allMatch(r -> r.getJsonObject("overall").getBoolean("targetsMet", false));
        if (!met) {
          System.err.println("the " + checked + " judge misses a target");
          System.exit(3);
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  // ---- Judges ----

  /**
   * The lexicon alone, on normalised text. With this build's pass-through normaliser and no window it is today's
   * node: TranscriptService scans each segment on its own.
   */
  static final class LexiconJudge implements Judge {
    private final UnaryOperator<String> normaliser;
    private final boolean window;
    private final Detector detector;

    LexiconJudge(UnaryOperator<String> normaliser, boolean window, Detector detector) {
      this.normaliser = normaliser;
      this.window = window;
      this.detector = detector;
    }

    @Override
    public String name() {
      return "lexicon";
    }

    @Override
    public String description() {
      return "the lexicon alone" + (window ? ", with the two-segment window" : ", each segment on its own");
    }

    @Override
    public List<Flag> judge(List<String> segments) {
      Map<String, Flag> flags = new LinkedHashMap<>();
      for (String text : texts(segments, normaliser, window)) {
        for (Hit hit : detector.scan(text)) {
          keepStronger(flags, fromHit(hit));
        }
      }
      return List.copyOf(flags.values());
    }
  }

  /** The sentence model alone: a category it reaches is a warning; an allowed verdict or none is silence. */
  static final class ModelJudge implements Judge {
    private final UnaryOperator<String> normaliser;
    private final boolean window;
    private final SemanticStage stage;
    private long degraded;

    ModelJudge(UnaryOperator<String> normaliser, boolean window, SemanticStage stage) {
      this.normaliser = normaliser;
      this.window = window;
      this.stage = stage;
    }

    @Override
    public String name() {
      return "model";
    }

    @Override
    public String description() {
      return "the sentence model alone, on normalised text" + (window ? ", with the two-segment window" : "");
    }

    @Override
    public List<Flag> judge(List<String> segments) {
      Map<String, Flag> flags = new LinkedHashMap<>();
      for (String text : texts(segments, normaliser, window)) {
        SemanticVerdict verdict = await(stage, text);
        if (verdict.degraded()) {
          degraded++;
        } else if (verdict.category() != null && !verdict.allowed()) {
          keepStronger(flags, new Flag(verdict.category(), Rule.WARN, String.format(Locale.ROOT, "nearest \"%s\" %.3f",
              verdict.nearestExample(), verdict.similarity())));
        }
      }
      return List.copyOf(flags.values());
    }

    @Override
    public long degraded() {
      return degraded;
    }
  }

  /**
   * What the node runs: normaliser, lexicon and model on each text, a long one clause by clause, then the
   * combination policy per clause ({@link SegmentDetector}).
   */
  static final class CombinedJudge implements Judge {
    private final boolean window;
    private final Detector detector;
    private final SemanticStage stage;
    private final SegmentDetector segments;
    private long degraded;

    CombinedJudge(boolean window, Detector detector, SemanticStage stage, SegmentDetector segments) {
      this.window = window;
      this.detector = detector;
      this.stage = stage;
      this.segments = segments;
    }

    @Override
    public String name() {
      return "combined";
    }

    @Override
    public String description() {
      return "lexicon and sentence model combined, on normalised text, long segments clause by clause"
          + (window ? ", with the two-segment window" : "");
    }

    @Override
    public List<Flag> judge(List<String> texts) {
      Map<String, Flag> flags = new LinkedHashMap<>();
      for (String text : rawTexts(texts, window)) {
        List<SegmentDetector.Clause> clauses = segments.clauses(text, Stages.NORMALISER, detector);
        SegmentDetector.Result result;
        try {
          result = segments.detect(detector, stage, null, clauses, Stages.NORMALISER.normalise(text), Set.of())
              .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          degraded++;
          continue;
        }
        for (SegmentDetector.Found found : result.found()) {
          keepStronger(flags, Stages.flag(found.detection()));
        }
      }
      return List.copyOf(flags.values());
    }

    @Override
    public long degraded() {
      return degraded;
    }
  }

  /** The raw texts of consecutive segments: each segment, and with a window each pair joined by a space. */
  static List<String> rawTexts(List<String> segments, boolean window) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      texts.add(segments.get(i));
      if (window && i > 0) {
        texts.add(segments.get(i - 1) + " " + segments.get(i));
      }
    }
    return texts;
  }

  /**
   * The normalised texts a judge looks at for consecutive segments: each segment, and with a window each pair
   * of neighbours joined by a space before normalising (the normaliser drops a space inside Chinese words and
   * keeps one between Latin words, so {@code 降血 || 糖} reads {@code 降血糖} and {@code lowers blood || sugar}
   * reads {@code lowers blood sugar}).
   */
  static List<String> texts(List<String> segments, UnaryOperator<String> normaliser, boolean window) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      texts.add(normaliser.apply(segments.get(i)));
      if (window && i > 0) {
        texts.add(normaliser.apply(segments.get(i - 1) + " " + segments.get(i)));
      }
    }
    return texts;
  }

  private static SemanticVerdict await(SemanticStage stage, String text) {
    try {
      return stage.judge(text).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return SemanticVerdict.notRun();
    }
  }

  static Flag fromHit(Hit hit) {
    return new Flag(hit.rule().category(), hit.rule().severity(), hit.rule().id() + ": " + String.join(", ", hit.matched()));
  }

  private static void keepStronger(Map<String, Flag> flags, Flag flag) {
    flags.merge(flag.category(), flag, (a, b) -> rank(b.severity()) > rank(a.severity()) ? b : a);
  }

  private static int rank(String severity) {
    return switch (severity) {
      case Rule.CRITICAL -> 2;
      case Rule.WARN -> 1;
      default -> 0;
    };
  }

  // ---- Reading the sets ----

  static List<Item> readLabelled(Path file) throws IOException {
    List<Item> items = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      String where = file + " line " + (n + 1);
      if (f.length != 4) {
        throw new IllegalArgumentException(where + ": " + f.length + " tab-separated fields, not 4");
      }
      if (!f[0].equals("violation") && !f[0].equals("legal")) {
        throw new IllegalArgumentException(where + ": label '" + f[0] + "' is neither violation nor legal");
      }
      if (!CATEGORIES.contains(f[1])) {
        throw new IllegalArgumentException(where + ": unknown category '" + f[1] + "'");
      }
      if (!VARIANTS.contains(f[2])) {
        throw new IllegalArgumentException(where + ": unknown variant '" + f[2] + "'");
      }
      List<String> segments = List.of(f[3].split(java.util.regex.Pattern.quote(SEGMENT_JOIN), -1));
      if (f[2].equals("split") != (segments.size() == 2) || segments.stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException(where + ": a split line has two segments joined by '" + SEGMENT_JOIN
            + "', any other line one");
      }
      items.add(new Item(n + 1, false, f[0].equals("violation"), f[1], f[2], f[3], segments));
    }
    return items;
  }

  static List<Item> readChatter(Path file) throws IOException {
    List<Item> items = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 2 || f[1].isBlank()) {
        throw new IllegalArgumentException(file + " line " + (n + 1) + ": needs topic <TAB> text");
      }
      items.add(new Item(n + 1, true, false, null, f[0], f[1], List.of(f[1])));
    }
    return items;
  }

  // ---- Scoring ----

  /** One line's outcome under one judge. */
  record Outcome(Item item, List<Flag> flags) {

    boolean caught() {
      return item.violation() && flags.stream().anyMatch(f -> f.category().equals(item.category()));
    }

    boolean flagged() {
      return !flags.isEmpty();
    }

    long correctFlags() {
      return caught() ? 1 : 0;
    }

    boolean critical() {
      return flags.stream().anyMatch(f -> f.severity().equals(Rule.CRITICAL));
    }
  }

  static JsonObject evaluate(Judge judge, List<Item> items, double[] targets) {
    long start = System.nanoTime();
    List<Outcome> outcomes = new ArrayList<>();
    long segments = 0;
    for (Item item : items) {
      outcomes.add(new Outcome(item, judge.judge(item.segments())));
      segments += item.segments().size();
    }
    double msPerSegment = (System.nanoTime() - start) / 1e6 / segments;

    JsonObject overall = scores(outcomes);
    if (targets != null) {
      boolean recallMet = overall.getDouble("recall") >= targets[0];
      boolean legalMet = overall.getDouble("legalFalsePositiveRate") <= targets[1];
      boolean chatterMet = overall.getDouble("chatterFalsePositiveRate") <= targets[2];
      overall.put("recallMet", recallMet).put("legalFalsePositivesMet", legalMet).put("chatterFalsePositivesMet", chatterMet)
          .put("targetsMet", recallMet && legalMet && chatterMet);
    }
    JsonObject perCategory = new JsonObject();
    for (String category : CATEGORIES) {
      // A category's precision counts every flag in that category, wherever it was raised.
      List<Outcome> inCategory = outcomes.stream().filter(o -> category.equals(o.item().category())).toList();
      long flagsInCategory = outcomes.stream().filter(o -> o.flags().stream().anyMatch(f -> f.category().equals(category))).count();
      long correctInCategory = inCategory.stream().filter(Outcome::caught).count();
      JsonObject c = scores(inCategory);
      c.put("flags", flagsInCategory).put("precision", ratio(correctInCategory, flagsInCategory))
          .put("chatterFlags", outcomes.stream().filter(o -> o.item().chatter()
              && o.flags().stream().anyMatch(f -> f.category().equals(category))).count());
      c.remove("chatter");
      c.remove("chatterFalsePositiveRate");
      perCategory.put(category, c);
    }
    JsonObject perVariant = new JsonObject();
    for (String variant : VARIANTS) {
      JsonObject v = scores(outcomes.stream().filter(o -> !o.item().chatter() && o.item().variant().equals(variant)).toList());
      v.remove("chatter");
      v.remove("chatterFalsePositiveRate");
      perVariant.put(variant, v);
    }
    JsonObject perCategoryAndVariant = new JsonObject();
    for (String category : CATEGORIES) {
      JsonObject row = new JsonObject();
      for (String variant : VARIANTS) {
        List<Outcome> cell = outcomes.stream().filter(o -> o.item().violation() && o.item().category().equals(category)
            && o.item().variant().equals(variant)).toList();
        if (!cell.isEmpty()) {
          row.put(variant, new JsonObject().put("violations", cell.size()).put("caught", cell.stream().filter(Outcome::caught).count()));
        }
      }
      perCategoryAndVariant.put(category, row);
    }

    JsonArray missed = new JsonArray();
    JsonArray legalFlagged = new JsonArray();
    JsonArray chatterFlagged = new JsonArray();
    for (Outcome o : outcomes) {
      Item i = o.item();
      if (i.violation() && !o.caught()) {
        missed.add(line(o));
      } else if (!i.violation() && !i.chatter() && o.flagged()) {
        legalFlagged.add(line(o));
      } else if (i.chatter() && o.flagged()) {
        chatterFlagged.add(line(o));
      }
    }
    return new JsonObject().put("judge", judge.name()).put("description", judge.description())
        .put("msPerSegment", round(msPerSegment, 4)).put("degradedTexts", judge.degraded())
        .put("overall", overall).put("perCategory", perCategory).put("perVariant", perVariant)
        .put("caughtPerCategoryAndVariant", perCategoryAndVariant)
        .put("misses", new JsonObject().put("violationsMissed", missed).put("legalFlagged", legalFlagged)
            .put("chatterFlagged", chatterFlagged));
  }

  private static JsonObject line(Outcome o) {
    Item i = o.item();
    JsonArray flags = new JsonArray();
    o.flags().forEach(f -> flags.add(new JsonObject().put("category", f.category()).put("severity", f.severity())
        .put("evidence", f.evidence())));
    return new JsonObject().put("line", i.line()).put("set", i.chatter() ? "chatter" : "labelled")
        .put("label", i.chatter() ? "chatter" : i.violation() ? "violation" : "legal")
        .put("category", i.category()).put("variant", i.variant()).put("text", i.text()).put("flags", flags);
  }

  /** Recall, precision and false-positive rates over a subset of lines. */
  private static JsonObject scores(List<Outcome> in) {
    long violations = in.stream().filter(o -> o.item().violation()).count();
    long caught = in.stream().filter(Outcome::caught).count();
    long caughtAnyCategory = in.stream().filter(o -> o.item().violation() && o.flagged()).count();
    long flags = in.stream().mapToLong(o -> o.flags().size()).sum();
    long correct = in.stream().mapToLong(Outcome::correctFlags).sum();
    List<Outcome> legal = in.stream().filter(o -> !o.item().violation() && !o.item().chatter()).toList();
    List<Outcome> chatter = in.stream().filter(o -> o.item().chatter()).toList();
    long legalFlagged = legal.stream().filter(Outcome::flagged).count();
    long chatterFlagged = chatter.stream().filter(Outcome::flagged).count();
    return new JsonObject()
        .put("violations", violations).put("caught", caught).put("recall", ratio(caught, violations))
        .put("recallAnyCategory", ratio(caughtAnyCategory, violations))
        .put("flags", flags).put("precision", ratio(correct, flags))
        .put("legal", legal.size()).put("legalFlagged", legalFlagged)
        .put("legalFalsePositiveRate", ratio(legalFlagged, legal.size()))
        .put("legalCritical", legal.stream().filter(Outcome::critical).count())
        .put("chatter", chatter.size()).put("chatterFlagged", chatterFlagged)
        .put("chatterFalsePositiveRate", ratio(chatterFlagged, chatter.size()))
        .put("chatterCritical", chatter.stream().filter(Outcome::critical).count());
  }

  private static Double ratio(long part, long whole) {
    return whole == 0 ? null : round((double) part / whole, 4);
  }

  private static double round(double value, int places) {
    double scale = Math.pow(10, places);
    return Math.round(value * scale) / scale;
  }

  // ---- Report ----

  static String markdown(JsonObject report) {
    StringBuilder md = new StringBuilder();
    md.append("# Detector evaluation, ").append(report.getString("date")).append("\n\n");
    md.append("`").append(report.getString("command")).append("`\n\n");
    JsonObject labelled = report.getJsonObject("labelled");
    md.append(String.format(Locale.ROOT, "Held-out set: %d violations and %d legal near-misses (%s), %d chatter lines (%s). Lexicon: %s.%n%n",
        labelled.getLong("violations"), labelled.getLong("legal"), labelled.getString("file"),
        report.getJsonObject("chatter").getLong("lines"), report.getJsonObject("chatter").getString("file"),
        report.getString("lexicon")));
    md.append("Recall: violations flagged in their own category. Precision: flags naming a violation's own category, "
        + "over all flags on every line. FP: lines with any flag. Critical: lines with a critical flag (a critical hit in "
        + "a prompt category opens an audience vote).\n\n");
    JsonObject targets = report.getJsonObject("targets");
    if (targets != null) {
      md.append(String.format(Locale.ROOT, "Targets: recall ≥ %s, FP on legal near-misses ≤ %s, FP on chatter ≤ %s.%n%n",
          pct(targets.getDouble("recall")), pct(targets.getDouble("legalFalsePositiveRate")),
          pct(targets.getDouble("chatterFalsePositiveRate"))));
    }
    for (Object o : report.getJsonArray("notRun")) {
      JsonObject n = (JsonObject) o;
      md.append("Not run: **").append(n.getString("judge")).append("** (").append(n.getString("reason")).append(").\n");
    }
    md.append("\n## Overall\n\n| judge | recall | recall, any category | precision | FP legal | FP chatter | critical on legal | critical on chatter | ms/segment, one cold pass | met |\n"
        + "|---|---|---|---|---|---|---|---|---|---|\n");
    for (Object o : report.getJsonArray("judges")) {
      JsonObject j = (JsonObject) o;
      JsonObject s = j.getJsonObject("overall");
      md.append(String.format(Locale.ROOT, "| %s | %s (%d/%d) | %s | %s | %s (%d/%d) | %s (%d/%d) | %d | %d | %.3f | %s |%n",
          j.getString("judge"), pct(s.getDouble("recall")), s.getLong("caught"), s.getLong("violations"),
          pct(s.getDouble("recallAnyCategory")), pct(s.getDouble("precision")),
          pct(s.getDouble("legalFalsePositiveRate")), s.getLong("legalFlagged"), s.getLong("legal"),
          pct(s.getDouble("chatterFalsePositiveRate")), s.getLong("chatterFlagged"), s.getLong("chatter"),
          s.getLong("legalCritical"), s.getLong("chatterCritical"), j.getDouble("msPerSegment"),
          s.containsKey("targetsMet") ? (s.getBoolean("targetsMet") ? "yes" : "no") : "—"));
    }
    for (Object o : report.getJsonArray("judges")) {
      JsonObject j = (JsonObject) o;
      md.append("\n## ").append(j.getString("judge")).append(": ").append(j.getString("description")).append("\n\n");
      if (j.getLong("degradedTexts") > 0) {
        md.append("The model degraded on ").append(j.getLong("degradedTexts")).append(" texts (judged without it).\n\n");
      }
      md.append("| category | recall | precision | FP legal | critical on legal | chatter flags |\n|---|---|---|---|---|---|\n");
      JsonObject perCategory = j.getJsonObject("perCategory");
      for (String category : CATEGORIES) {
        JsonObject c = perCategory.getJsonObject(category);
        md.append(String.format(Locale.ROOT, "| %s | %s (%d/%d) | %s (%d flags) | %s (%d/%d) | %d | %d |%n", category,
            pct(c.getDouble("recall")), c.getLong("caught"), c.getLong("violations"), pct(c.getDouble("precision")),
            c.getLong("flags"), pct(c.getDouble("legalFalsePositiveRate")), c.getLong("legalFlagged"), c.getLong("legal"),
            c.getLong("legalCritical"), c.getLong("chatterFlags")));
      }
      md.append("\n| variant | recall | precision | FP legal |\n|---|---|---|---|\n");
      JsonObject perVariant = j.getJsonObject("perVariant");
      for (String variant : VARIANTS) {
        JsonObject v = perVariant.getJsonObject(variant);
        md.append(String.format(Locale.ROOT, "| %s | %s (%d/%d) | %s (%d flags) | %s (%d/%d) |%n", variant,
            pct(v.getDouble("recall")), v.getLong("caught"), v.getLong("violations"), pct(v.getDouble("precision")),
            v.getLong("flags"), pct(v.getDouble("legalFalsePositiveRate")), v.getLong("legalFlagged"), v.getLong("legal")));
      }
      md.append("\nViolations caught, category × variant (caught/total):\n\n| category | ")
          .append(String.join(" | ", VARIANTS)).append(" |\n|---|").append("---|".repeat(VARIANTS.size())).append("\n");
      JsonObject cells = j.getJsonObject("caughtPerCategoryAndVariant");
      for (String category : CATEGORIES) {
        md.append("| ").append(category).append(" |");
        for (String variant : VARIANTS) {
          JsonObject cell = cells.getJsonObject(category).getJsonObject(variant);
          md.append(cell == null ? " — |" : " " + cell.getLong("caught") + "/" + cell.getLong("violations") + " |");
        }
        md.append("\n");
      }
      JsonObject misses = j.getJsonObject("misses");
      list(md, "Violations missed (or flagged in another category)", misses.getJsonArray("violationsMissed"));
      list(md, "Legal near-misses flagged", misses.getJsonArray("legalFlagged"));
      list(md, "Chatter flagged", misses.getJsonArray("chatterFlagged"));
    }
    return md.toString();
  }

  private static void list(StringBuilder md, String title, JsonArray lines) {
    md.append("\n### ").append(title).append(" (").append(lines.size()).append(")\n\n");
    for (Object o : lines) {
      JsonObject l = (JsonObject) o;
      StringBuilder flags = new StringBuilder();
      for (Object f : l.getJsonArray("flags")) {
        JsonObject flag = (JsonObject) f;
        flags.append(flags.length() == 0 ? " → " : "; ").append(flag.getString("category")).append(" ")
            .append(flag.getString("severity")).append(" (").append(flag.getString("evidence")).append(")");
      }
      md.append(String.format(Locale.ROOT, "- %s:%d %s %s `%s`%s%n", l.getString("set"), l.getInteger("line"),
          l.getString("category") == null ? "" : l.getString("category"), l.getString("variant"), l.getString("text"), flags));
    }
  }

  private static String pct(Double value) {
    return value == null ? "—" : String.format(Locale.ROOT, "%.1f %%", 100 * value);
  }
}
