package io.livejury.semantic;

import io.livejury.semantic.ExampleSheets.Example;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The sheets in force with their embeddings and thresholds: judges one embedded segment by its nearest examples.
 *
 * <p>Two kinds of sheet: the violation categories, and the <em>quiet</em> sheets — {@code allowed} (legal
 * look-alikes: disclaimers, cautions, ordinary uses of "best") and, when present, {@code ordinary} (everyday
 * livestream talk: greetings, sizes, shipping, colours). The rule, the same one the thresholds are computed for:
 * take, over every sheet in force, the nearest example of any category and the nearest quiet example (cosine
 * similarity; embeddings are unit length, so a dot product).
 * <ul>
 *   <li>The quiet example is at least as near: no category. If it is an allowed example at least the allowed
 *       sheet's threshold, the segment is a legal look-alike ({@link SemanticVerdict#allowed()}).</li>
 *   <li>Otherwise the nearest category C is the verdict when its example is at least C's threshold and beats the
 *       nearest quiet example by the decision's margin; it is also good for the model alone when it clears C's
 *       stricter threshold and the stricter margin.</li>
 * </ul>
 * bge-small-zh puts unrelated Chinese sentences at a similarity of 0.5–0.6, so a bare nearest-example rule lets
 * ordinary talk through; the ordinary sheet gives such talk something nearer than any claim, and the margin asks a
 * claim to be clearly nearer to its category than to the nearest quiet sentence.
 *
 * <p>Thresholds, by leave-one-out over the sheets (never typed by hand): every example is judged by the other
 * examples under the rule above (margin included). For category C, the examples judged C, ordered by their
 * similarity to C's nearest example, are the candidates; cutting the list after the k-th gives a precision (how
 * many of the k are C's own) and a recall (how many of C's examples are among them). The threshold is set at the
 * largest k whose precision is at least the target (the lowest bar that is still that precise), midway between
 * the k-th similarity and the next one below it (the k-th itself when nothing is below), so an unseen sentence
 * gets the same margin either way. A category with no such k never fires. The quiet sheets get thresholds the
 * same way, their candidates being the examples whose nearest example of all is theirs.
 *
 * <p>A sheet with fewer than the minimum examples is refused, named in {@link #problems()}, and takes no part.
 * Immutable; safe to share between threads.
 */
final class SheetIndex {

  private final List<String> labels = new ArrayList<>();
  private final List<Example> examples = new ArrayList<>();
  private final float[][] vectors;
  /** Per example: from a quiet sheet; read once per example per judged clause, so not a label compare each time. */
  private final boolean[] quietExample;
  private final SemanticSettings.Decision decision;
  private final Map<String, Double> thresholds = new HashMap<>();
  private final Map<String, Double> aloneThresholds = new HashMap<>();
  private final Map<String, SheetReport> reports = new LinkedHashMap<>();
  private final List<String> problems;

  private SheetIndex(ExampleSheets sheets, Function<String, float[]> embed, int minExamples,
      SemanticSettings.Decision decision) {
    this.decision = decision;
    List<String> found = new ArrayList<>(sheets.problems());
    List<float[]> vs = new ArrayList<>();
    sheets.sheets().forEach((sheet, list) -> {
      if (list.size() < minExamples) {
        found.add("Sheet " + sheet + ".txt refused: it has " + list.size() + " example" + (list.size() == 1 ? "" : "s")
            + " and a sheet needs at least " + minExamples + " for its threshold to mean anything; "
            + (ExampleSheets.ALLOWED.equals(sheet) ? "nothing is recognised as allowed"
                : ExampleSheets.quiet(sheet) ? "everyday talk has nothing of its own to be nearest to"
                : "the model does not judge " + sheet) + " until it has more");
        return;
      }
      for (Example example : list) {
        labels.add(sheet);
        examples.add(example);
        vs.add(embed.apply(example.text()));
      }
    });
    this.vectors = vs.toArray(new float[0][]);
    this.quietExample = new boolean[vectors.length];
    for (int i = 0; i < quietExample.length; i++) {
      quietExample[i] = ExampleSheets.quiet(labels.get(i));
    }
    leaveOneOut();
    this.problems = List.copyOf(found);
  }

  /**
   * Embeds the sheets and computes every sheet's thresholds.
   *
   * @param embed       normalised sentence → unit-length embedding (blocking)
   * @param minExamples a sheet with fewer examples is refused
   * @param decision    precision targets and margins of the rule
   */
  static SheetIndex build(ExampleSheets sheets, Function<String, float[]> embed, int minExamples,
      SemanticSettings.Decision decision) {
    return new SheetIndex(sheets, embed, minExamples, decision);
  }

  /** Reports of the sheets in force, in name order, the quiet sheets among them. */
  List<SheetReport> reports() {
    return List.copyOf(reports.values());
  }

  /** Duplicates, contradictions and refused sheets, one line each (already the words for the log). */
  List<String> problems() {
    return problems;
  }

  /** The verdict for one segment's unit-length embedding (microseconds: a dot product per example). */
  SemanticVerdict judge(float[] segment) {
    Nearest near = nearest(segment, -1);
    if (near.violation < 0 && near.quiet < 0) {
      return new SemanticVerdict(null, 0, null, false, null, false);
    }
    String nearestViolation = near.violation < 0 ? null : examples.get(near.violation).text();
    double violationSimilarity = near.violation < 0 ? 0 : near.violationSimilarity;
    String sounds = near.violation >= 0
        && near.violationSimilarity >= thresholds.get(labels.get(near.violation)) ? labels.get(near.violation) : null;
    if (near.quietFirst()) {
      String quietSheet = labels.get(near.quiet);
      boolean allowed = ExampleSheets.ALLOWED.equals(quietSheet)
          && near.quietSimilarity >= thresholds.get(quietSheet)
          && near.quietSimilarity - near.violationSimilarity >= decision.allowedMargin();
      return new SemanticVerdict(null, violationSimilarity, nearestViolation, allowed,
          allowed ? examples.get(near.quiet).text() : null, false, false, allowed ? null : sounds);
    }
    String sheet = labels.get(near.violation);
    double gap = near.violationSimilarity - near.quietSimilarity;
    boolean found = near.violationSimilarity >= thresholds.get(sheet) && gap >= decision.margin();
    boolean alone = found && near.violationSimilarity >= aloneThresholds.get(sheet) && gap >= decision.aloneMargin();
    return new SemanticVerdict(found ? sheet : null, violationSimilarity, nearestViolation, false, null, false, alone,
        sounds);
  }

  /**
   * The nearest violation example and the nearest quiet example of {@code segment}, leaving out example
   * {@code skip} (−1: none). An index is −1 when no sheet of that kind is in force; its similarity is then −∞.
   */
  private Nearest nearest(float[] segment, int skip) {
    int violation = -1;
    int quiet = -1;
    double violationSimilarity = Double.NEGATIVE_INFINITY;
    double quietSimilarity = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vectors.length; i++) {
      if (i == skip) {
        continue;
      }
      double similarity = dot(segment, vectors[i]);
      if (quietExample[i]) {
        if (similarity > quietSimilarity) {
          quietSimilarity = similarity;
          quiet = i;
        }
      } else if (similarity > violationSimilarity) {
        violationSimilarity = similarity;
        violation = i;
      }
    }
    return new Nearest(violation, violationSimilarity, quiet, quietSimilarity);
  }

  /** Indices into the examples (−1: none) and their cosine similarities to the segment judged. */
  private record Nearest(int violation, double violationSimilarity, int quiet, double quietSimilarity) {

    /** The nearest example of all is a quiet one (a tie goes to the quiet sheet: no claim on a coin toss). */
    boolean quietFirst() {
      return quiet >= 0 && quietSimilarity >= violationSimilarity;
    }
  }

  private void leaveOneOut() {
    int n = vectors.length;
    Nearest[] near = new Nearest[n];
    for (int i = 0; i < n; i++) {
      near[i] = nearest(vectors[i], i);
    }
    Map<String, Integer> sizes = new LinkedHashMap<>();
    labels.forEach(label -> sizes.merge(label, 1, Integer::sum));
    sizes.forEach((sheet, size) -> {
      if (ExampleSheets.quiet(sheet)) {
        // {similarity, 1 if judging it quiet is right, 1 if it is this sheet's own}
        List<double[]> candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (near[i].quietFirst() && labels.get(near[i].quiet()).equals(sheet)
              && near[i].quietSimilarity() - near[i].violationSimilarity() >= decision.allowedMargin()) {
            // Taking an allowed sentence for ordinary talk (or the other way) raises nothing: both are quiet.
            candidates.add(new double[] {near[i].quietSimilarity(), ExampleSheets.quiet(labels.get(i)) ? 1 : 0,
                labels.get(i).equals(sheet) ? 1 : 0});
          }
        }
        Cut cut = cut(candidates, size, decision.precision());
        thresholds.put(sheet, cut.threshold());
        reports.put(sheet, new SheetReport(sheet, size, cut.threshold(), cut.precision(), cut.recall()));
        return;
      }
      for (boolean alone : new boolean[] {false, true}) {
        double margin = alone ? decision.aloneMargin() : decision.margin();
        List<double[]> candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          Nearest x = near[i];
          if (x.violation() >= 0 && !x.quietFirst() && labels.get(x.violation()).equals(sheet)
              && x.violationSimilarity() - x.quietSimilarity() >= margin) {
            double own = labels.get(i).equals(sheet) ? 1 : 0;
            candidates.add(new double[] {x.violationSimilarity(), own, own});
          }
        }
        Cut cut = cut(candidates, size, alone ? decision.alonePrecision() : decision.precision());
        if (alone) {
          // Never below the ordinary bar: the stricter bar adds to it.
          aloneThresholds.put(sheet, Math.max(cut.threshold(), thresholds.get(sheet)));
        } else {
          thresholds.put(sheet, cut.threshold());
          reports.put(sheet, new SheetReport(sheet, size, cut.threshold(), cut.precision(), cut.recall()));
        }
      }
    });
    List<String> order = new ArrayList<>(reports.keySet());
    Collections.sort(order);
    Map<String, SheetReport> sorted = new LinkedHashMap<>();
    order.forEach(sheet -> sorted.put(sheet, reports.get(sheet)));
    reports.clear();
    reports.putAll(sorted);
  }

  /** A threshold and the leave-one-out precision and recall it gives. */
  private record Cut(double threshold, double precision, double recall) {
  }

  /**
   * The lowest cut over {@code candidates} ({similarity, 1 if judging it this sheet's is right, 1 if it is this
   * sheet's own example}) whose precision is at least {@code target}; recall counts own examples over
   * {@code size}. Candidates of equal similarity are cut together: a threshold cannot split them.
   */
  private static Cut cut(List<double[]> candidates, int size, double target) {
    candidates.sort(Comparator.comparingDouble((double[] c) -> c[0]).reversed());
    int bestK = 0;
    double bestPrecision = 0;
    double bestRecall = 0;
    int truePositives = 0;
    int own = 0;
    for (int k = 1; k <= candidates.size(); k++) {
      truePositives += (int) candidates.get(k - 1)[1];
      own += (int) candidates.get(k - 1)[2];
      if (k < candidates.size() && candidates.get(k)[0] == candidates.get(k - 1)[0]) {
        continue;
      }
      double precision = truePositives / (double) k;
      if (precision >= target && truePositives > 0) {
        bestK = k;
        bestPrecision = precision;
        bestRecall = own / (double) size;
      }
    }
    if (bestK == 0) {
      return new Cut(Math.nextUp(1.0), 0, 0); // nothing recognised at that precision: the sheet never fires
    }
    double threshold = bestK < candidates.size()
        ? (candidates.get(bestK - 1)[0] + candidates.get(bestK)[0]) / 2
        : candidates.get(bestK - 1)[0];
    return new Cut(threshold, bestPrecision, bestRecall);
  }

  /**
   * The dot product of two vectors of one length. Four running sums instead of one: each addition then waits for
   * the one four steps back, not the one before, so the core overlaps them (the JIT may not reorder floating-point
   * sums itself). Judging a segment takes one per example, and loading the sheets one per pair of examples.
   */
  static double dot(float[] a, float[] b) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (int end = a.length & ~3; i < end; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < a.length; i++) {
      s0 += a[i] * b[i];
    }
    return (double) s0 + s1 + s2 + s3;
  }

  @Override
  public String toString() {
    return "SheetIndex" + Arrays.toString(reports.values().toArray());
  }
}
