package io.livejury.semantic;

/**
 * How one sheet in force fares, from the leave-one-out run made when the sheets load: each example in turn is
 * taken out and judged against all the others (every category's and the allowed sheet's), and the category's
 * decision threshold is the similarity that maximises F1 of "the nearest example is of this category and at least
 * this similar" over those runs.
 *
 * @param category  the category, or {@link ExampleSheets#ALLOWED}
 * @param examples  examples in force (after duplicates and contradictions were dropped)
 * @param threshold cosine similarity from which the nearest example's category is believed; above 1 when no
 *                  threshold recognised any example of the sheet (then the category never fires)
 * @param precision leave-one-out precision at that threshold (0..1): of the examples judged this category, the
 *                  share that are
 * @param recall    leave-one-out recall at that threshold (0..1): of this category's examples, the share judged so
 */
public record SheetReport(String category, int examples, double threshold, double precision, double recall) {

  @Override
  public String toString() {
    return String.format("%s: %d examples, threshold %.3f, leave-one-out precision %.2f recall %.2f",
        category, examples, threshold, precision, recall);
  }
}
