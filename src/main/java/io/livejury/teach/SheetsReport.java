package io.livejury.teach;

import java.util.List;

/**
 * The detector's sheets in force on one node, for the staff console.
 *
 * @param modelEnabled the sentence model is switched on ({@code LIVEJURY_MODEL_ENABLED})
 * @param modelReady   the model and its sheets are loaded: the thresholds below are in use
 * @param builtAt      when the sheets in force were built (ISO-8601, UTC); null before the first build
 * @param taught       taught examples in force on this node, every sheet together
 * @param sheets       one entry per category, then {@link TeachableSheets#ALLOWED}
 */
public record SheetsReport(boolean modelEnabled, boolean modelReady, String builtAt, int taught, List<Sheet> sheets) {

  /**
   * One sheet.
   *
   * @param sheet     a category or {@link TeachableSheets#ALLOWED}
   * @param examples  examples in force (files plus taught, after duplicates and contradictions were dropped)
   * @param taught    of which taught by staff
   * @param threshold cosine similarity from which a segment's nearest example of this sheet is believed, computed
   *                  by leave-one-out on the sheets; null when the model does not judge this sheet (model off, or
   *                  the sheet has too few examples)
   * @param precision leave-one-out precision at that threshold (0..1); null with the threshold
   * @param recall    leave-one-out recall at that threshold (0..1); null with the threshold
   * @param note      why there is no threshold, in plain words; null when there is one
   */
  public record Sheet(String sheet, int examples, int taught, Double threshold, Double precision, Double recall,
      String note) {
  }
}
