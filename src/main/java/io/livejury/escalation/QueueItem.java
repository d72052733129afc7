package io.livejury.escalation;

import java.util.Map;

/**
 * A queue item as it was created; what changes (claim, escalation, the audience and so the risk) is added when it is
 * read ({@link ReviewQueue}). Times are ISO-8601 UTC, with their epoch milliseconds beside them for sorting.
 *
 * @param kind      {@code warning}, {@code verdict}, {@code reports} or {@code stop} (an automatic stop proposal)
 * @param category  the rule's or report's category; null when none applies
 * @param severity  {@code critical} or {@code warn}
 * @param summary   one line for the console: the warning's message, the verdict's question, the reports' count
 * @param source    what the item is about: {@code warningId}, {@code verdictId}, {@code promptId}, {@code stopId}
 * @param offences  the streamer's offences on the ladder's window when the item appeared (a risk factor)
 * @param roomVerdicts the room's condemned verdicts in the verdict window when the item appeared (a risk factor)
 */
public record QueueItem(
    String id,
    String kind,
    String roomId,
    String streamerId,
    String category,
    String severity,
    String summary,
    Map<String, Object> source,
    String createdAt,
    String dueAt,
    long createdAtMs,
    long dueAtMs,
    long offences,
    long roomVerdicts) {

  public static final String WARNING = "warning";
  public static final String VERDICT = "verdict";
  public static final String REPORTS = "reports";
  public static final String STOP = "stop";
}
