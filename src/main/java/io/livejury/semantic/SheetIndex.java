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
 * The sheets in force with their embeddings and thresholds: judges one embedded segment by its nearest example.
 *
 * <p>The rule, the same one the thresholds are computed for: find the example nearest to the segment over every
 * sheet in force (cosine similarity; embeddings are unit length, so a dot product). If it is a category's example
 * and at least that category's threshold, the segment is of that category; if it is an allowed example and at least
 * the allowed sheet's threshold, the segment is a legal look-alike; otherwise neither.
 *
 * <p>Thresholds, by leave-one-out over the sheets (never typed by hand): every example is judged by its nearest
 * other example. For category C, the examples whose nearest other example is of C, ordered by that similarity,
 * are the candidates; cutting the list after the k-th gives a precision (how many of the k are C's own) and a
 * recall (how many of C's examples are among them). The k with the best F1 wins (on a tie the higher cut, the
 * more precise), and the threshold is the midpoint between the k-th similarity and the next one below it (the
 * k-th itself when nothing is below), so an unseen sentence gets the same margin either way.
 *
 * <p>A sheet with fewer than the minimum examples is refused, named in {@link #problems()}, and takes no part.
 * Immutable; safe to share between threads.
 */
final class SheetIndex {

  private final List<String> labels = new ArrayList<>();
  private final List<Example> examples = new ArrayList<>();
  private final float[][] vectors;
  private final Map<String, Double> thresholds = new HashMap<>();
  private final Map<String, SheetReport> reports = new LinkedHashMap<>();
  private final List<String> problems;

  private SheetIndex(ExampleSheets sheets, Function<String, float[]> embed, int minExamples) {
    List<String> found = new ArrayList<>(sheets.problems());
    List<float[]> vs = new ArrayList<>();
    sheets.sheets().forEach((sheet, list) -> {
      if (list.size() < minExamples) {
        found.add("Sheet " + sheet + ".txt refused: it has " + list.size() + " example" + (list.size() == 1 ? "" : "s")
            + " and a sheet needs at least " + minExamples + " for its threshold to mean anything; "
            + (ExampleSheets.ALLOWED.equals(sheet) ? "nothing is recognised as allowed"
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
    leaveOneOut();
    this.problems = List.copyOf(found);
  }

  /**
   * Embeds the sheets and computes every sheet's threshold.
   *
   * @param embed       normalised sentence → unit-length embedding (blocking)
   * @param minExamples a sheet with fewer examples is refused
   */
  static SheetIndex build(ExampleSheets sheets, Function<String, float[]> embed, int minExamples) {
    return new SheetIndex(sheets, embed, minExamples);
  }

  /** Reports of the sheets in force, categories in name order, the allowed sheet among them. */
  List<SheetReport> reports() {
    return List.copyOf(reports.values());
  }

  /** Duplicates, contradictions and refused sheets, one line each (already the words for the log). */
  List<String> problems() {
    return problems;
  }

  /** The verdict for one segment's unit-length embedding (microseconds: a dot product per example). */
  SemanticVerdict judge(float[] segment) {
    int best = -1;
    int bestViolation = -1;
    double bestSimilarity = Double.NEGATIVE_INFINITY;
    double bestViolationSimilarity = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vectors.length; i++) {
      double similarity = dot(segment, vectors[i]);
      if (similarity > bestSimilarity) {
        bestSimilarity = similarity;
        best = i;
      }
      if (!ExampleSheets.ALLOWED.equals(labels.get(i)) && similarity > bestViolationSimilarity) {
        bestViolationSimilarity = similarity;
        bestViolation = i;
      }
    }
    if (best < 0) {
      return new SemanticVerdict(null, 0, null, false, null, false);
    }
    String nearestLabel = labels.get(best);
    String nearestViolation = bestViolation < 0 ? null : examples.get(bestViolation).text();
    double violationSimilarity = bestViolation < 0 ? 0 : bestViolationSimilarity;
    if (ExampleSheets.ALLOWED.equals(nearestLabel)) {
      boolean allowed = bestSimilarity >= thresholds.get(nearestLabel);
      return new SemanticVerdict(null, violationSimilarity, nearestViolation, allowed,
          allowed ? examples.get(best).text() : null, false);
    }
    String category = bestSimilarity >= thresholds.get(nearestLabel) ? nearestLabel : null;
    return new SemanticVerdict(category, bestSimilarity, examples.get(best).text(), false, null, false);
  }

  private void leaveOneOut() {
    int n = vectors.length;
    int[] nearest = new int[n];
    double[] similarity = new double[n];
    for (int i = 0; i < n; i++) {
      nearest[i] = -1;
      similarity[i] = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          double s = dot(vectors[i], vectors[j]);
          if (s > similarity[i]) {
            similarity[i] = s;
            nearest[i] = j;
          }
        }
      }
    }
    Map<String, Integer> sizes = new LinkedHashMap<>();
    labels.forEach(label -> sizes.merge(label, 1, Integer::sum));
    sizes.forEach((sheet, size) -> {
      List<double[]> candidates = new ArrayList<>(); // {similarity, 1 if the example is this sheet's own}
      for (int i = 0; i < n; i++) {
        if (nearest[i] >= 0 && labels.get(nearest[i]).equals(sheet)) {
          candidates.add(new double[] {similarity[i], labels.get(i).equals(sheet) ? 1 : 0});
        }
      }
      candidates.sort(Comparator.comparingDouble((double[] c) -> c[0]).reversed());
      int bestK = 0;
      double bestF1 = 0;
      double bestPrecision = 0;
      double bestRecall = 0;
      int truePositives = 0;
      for (int k = 1; k <= candidates.size(); k++) {
        truePositives += (int) candidates.get(k - 1)[1];
        double precision = truePositives / (double) k;
        double recall = truePositives / (double) size;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        if (f1 > bestF1) {
          bestF1 = f1;
          bestK = k;
          bestPrecision = precision;
          bestRecall = recall;
        }
      }
      double threshold;
      if (bestK == 0) {
        threshold = Math.nextUp(1.0); // nothing recognised: the sheet never fires
      } else if (bestK < candidates.size()) {
        threshold = (candidates.get(bestK - 1)[0] + candidates.get(bestK)[0]) / 2;
      } else {
        threshold = candidates.get(bestK - 1)[0];
      }
      thresholds.put(sheet, threshold);
      reports.put(sheet, new SheetReport(sheet, size, threshold, bestPrecision, bestRecall));
    });
    List<String> order = new ArrayList<>(reports.keySet());
    Collections.sort(order);
    Map<String, SheetReport> sorted = new LinkedHashMap<>();
    order.forEach(sheet -> sorted.put(sheet, reports.get(sheet)));
    reports.clear();
    reports.putAll(sorted);
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  @Override
  public String toString() {
    return "SheetIndex" + Arrays.toString(reports.values().toArray());
  }
}
