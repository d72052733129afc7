package io.livejury.teach;

import io.vertx.core.Future;

import java.util.List;
import java.util.Set;

/**
 * The detector's example sheets as teaching sees them: which sheets exist, how a sentence is compared, and putting
 * a new list of taught examples in force beside the sheets read from files. Implementations rebuild off the event
 * loop and never block the caller.
 */
public interface TeachableSheets {

  /** The sheet of legal look-alikes: a sentence on it keeps the detector quiet. */
  String ALLOWED = "allowed";

  /** The violation categories a sentence may be taught as (without {@link #ALLOWED}). */
  Set<String> categories();

  /** The form a sentence is compared in, the same the sheet files are read in; never null. */
  String normalise(String text);

  /** The longest example sentence the sheets take, in characters. */
  int maxExampleChars();

  /** The fewest characters an example keeps once normalised ({@link #normalise}). */
  int minExampleChars();

  /** The fewest Chinese characters or letters among them. */
  int minExampleWordChars();

  /**
   * Makes {@code taught} (every taught example in force, oldest first) the taught part of the sheets: the sheets
   * become the file sheets plus these, and the leave-one-out report is recomputed. Completes once the new sheets
   * are in force on this node; never fails for a sentence the sheets drop (a contradiction is logged, not refused).
   */
  Future<Void> useTaught(List<TaughtExample> taught);

  /** The sheets in force, for staff. */
  SheetsReport report();
}
