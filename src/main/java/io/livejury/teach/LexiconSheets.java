package io.livejury.teach;

import io.livejury.detect.Lexicons;
import io.livejury.detect.Rule;
import io.vertx.core.Future;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sheets of a node that detects by the lexicon alone: the categories are the lexicon's, the taught examples are
 * kept (so the report counts them on every node) but no model judges with them, so no sheet has a threshold.
 */
public final class LexiconSheets implements TeachableSheets {

  /** One spoken sentence; the length the sheet files allow a line. */
  static final int MAX_EXAMPLE_CHARS = 200;

  private final Lexicons lexicons;
  private volatile List<TaughtExample> taught = List.of();
  private volatile String builtAt;

  public LexiconSheets(Lexicons lexicons) {
    this.lexicons = lexicons;
  }

  @Override
  public Set<String> categories() {
    Set<String> categories = new TreeSet<>();
    lexicons.detector().rules().stream().map(Rule::category).forEach(categories::add);
    return categories;
  }

  /** Lower case, surrounding space trimmed, inner runs of white space made one space. */
  @Override
  public String normalise(String text) {
    return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  @Override
  public int maxExampleChars() {
    return MAX_EXAMPLE_CHARS;
  }

  @Override
  public Future<Void> useTaught(List<TaughtExample> examples) {
    taught = List.copyOf(examples);
    builtAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    return Future.succeededFuture();
  }

  @Override
  public SheetsReport report() {
    List<TaughtExample> current = taught;
    List<String> names = new ArrayList<>(categories());
    names.add(ALLOWED);
    List<SheetsReport.Sheet> sheets = names.stream().map(sheet -> {
      int count = (int) current.stream().filter(e -> e.sheet().equals(sheet)).count();
      return new SheetsReport.Sheet(sheet, count, count, null, null, null,
          "the sentence model is off: the lexicon alone judges");
    }).toList();
    return new SheetsReport(false, false, builtAt, current.size(), sheets);
  }
}
