package io.livejury.teach;

import io.livejury.detect.Lexicons;
import io.livejury.detect.Rule;
import io.livejury.semantic.ExampleSheets;
import io.livejury.semantic.ModelStage;
import io.livejury.semantic.SheetReport;
import io.livejury.semantic.SheetText;
import io.vertx.core.Future;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The sentence model's sheets ({@link ModelStage}) as teaching sees them: taught examples are added to the file
 * sheets and the stage rebuilds its index on its own pool, recomputing every threshold by leave-one-out. With the
 * model off the examples are still kept and counted, and the report says no threshold is in use.
 */
public final class ModelSheets implements TeachableSheets {

  /** The longest sheet line the files take ({@code ExampleSheets}): one spoken sentence. */
  static final int MAX_EXAMPLE_CHARS = 200;
  /**
   * The fewest characters a taught sentence keeps once normalised, and the fewest of them Chinese characters or
   * letters: the single character "x" taught as allowed moved the allowed sheet's leave-one-out threshold from 0.653
   * to 0.504, since every short text embeds near it.
   */
  static final int MIN_EXAMPLE_CHARS = 4;
  static final int MIN_EXAMPLE_WORD_CHARS = 2;

  private final ModelStage stage;
  private final Lexicons lexicons;
  private volatile List<TaughtExample> taught = List.of();
  private volatile String builtAt;

  public ModelSheets(ModelStage stage, Lexicons lexicons) {
    this.stage = stage;
    this.lexicons = lexicons;
  }

  /** The lexicon's categories and the model's category sheets, together. */
  @Override
  public Set<String> categories() {
    Set<String> categories = new TreeSet<>();
    lexicons.detector().rules().stream().map(Rule::category).forEach(categories::add);
    stage.reports().stream().map(SheetReport::category).forEach(categories::add);
    categories.remove(ALLOWED);
    categories.remove(ExampleSheets.ORDINARY);
    return categories;
  }

  /** The sheet files' own normalisation ({@link SheetText#normalise}), so a taught line meets the files' lines. */
  @Override
  public String normalise(String text) {
    return SheetText.normalise(text);
  }

  @Override
  public int maxExampleChars() {
    return MAX_EXAMPLE_CHARS;
  }

  @Override
  public int minExampleChars() {
    return MIN_EXAMPLE_CHARS;
  }

  @Override
  public int minExampleWordChars() {
    return MIN_EXAMPLE_WORD_CHARS;
  }

  @Override
  public Future<Void> useTaught(List<TaughtExample> examples) {
    Map<String, List<ExampleSheets.Example>> bySheet = new LinkedHashMap<>();
    for (TaughtExample example : examples) {
      bySheet.computeIfAbsent(example.sheet(), s -> new ArrayList<>())
          .add(new ExampleSheets.Example(example.normalised(), "taught " + example.id() + " by " + example.by()));
    }
    return stage.useTaught(bySheet).onSuccess(v -> {
      taught = List.copyOf(examples);
      builtAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    });
  }

  @Override
  public SheetsReport report() {
    List<TaughtExample> current = taught;
    Map<String, Long> taughtBySheet = current.stream()
        .collect(Collectors.groupingBy(TaughtExample::sheet, Collectors.counting()));
    Map<String, SheetReport> inForce = stage.reports().stream()
        .collect(Collectors.toMap(SheetReport::category, Function.identity()));
    List<String> names = new ArrayList<>(categories());
    names.add(ALLOWED);
    List<SheetsReport.Sheet> sheets = new ArrayList<>();
    for (String name : names) {
      int taughtHere = taughtBySheet.getOrDefault(name, 0L).intValue();
      SheetReport report = inForce.get(name);
      if (report != null) {
        sheets.add(new SheetsReport.Sheet(name, report.examples(), taughtHere, report.threshold(), report.precision(),
            report.recall(), report.threshold() > 1 ? "no threshold recognised any example: the sheet never fires"
                : null));
      } else {
        String note = !stage.enabled() ? "the sentence model is off: the lexicon alone judges"
            : !stage.ready() ? "the sentence model is not loaded: the lexicon alone judges"
            : "fewer than " + stage.minExamples() + " examples: the model does not judge this sheet yet";
        sheets.add(new SheetsReport.Sheet(name, taughtHere, taughtHere, null, null, null, note));
      }
    }
    return new SheetsReport(stage.enabled(), stage.ready(), builtAt, current.size(), sheets);
  }
}
