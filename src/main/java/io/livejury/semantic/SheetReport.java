package io.livejury.semantic;

/**
 * How one sheet in force fares, from the leave-one-out run made when the sheets load: each example in turn is
 * taken out and judged against all the others (every category's and the quiet sheets'), and the category's
 * decision threshold is the lowest similarity at which the examples judged to be of it are still at least
 * {@code LIVEJURY_SHEETS_PRECISION} precise (see {@link SheetIndex}).
 *
 * @param category  the category, or a quiet sheet ({@link ExampleSheets#ALLOWED}, {@link ExampleSheets#ORDINARY})
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
