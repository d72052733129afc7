package io.livejury.jury;

import io.livejury.common.Sql;
import io.livejury.model.PromptKind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Jurors' records in Postgres (the {@code jurors} table): what a socket's juror weighs ({@link Reputation}), what
 * staff see of a juror, and the scoring of calibration answers and of staff decisions, each inside the transaction
 * of the write that causes it. Scores are computed from the verdict's counted ballots (the {@code ballots} table),
 * so a juror is scored for exactly the ballot that was counted.
 *
 * <p>Weights are read in batches: every weight asked for within one event-loop turn (the handshakes of a join
 * burst arrive many to a turn) goes to Postgres as one query of up to {@value #MOST_PER_READ} users, so ten
 * thousand viewers joining at once cost tens of queries, not ten thousand.
 */
public final class JurorStore implements Reputation {

  private static final Logger LOG = LoggerFactory.getLogger(JurorStore.class);
  private static final double NEUTRAL = 1.0;
  /** Users per batched read: a bound on one query's parameter array and on the rows it returns. */
  static final int MOST_PER_READ = 500;

  private final Vertx vertx;
  private final Pool pg;
  private final ReputationRule rule;
  /** Set while reads fail, so an outage logs one line, not one per joining socket. */
  private final AtomicBoolean failing = new AtomicBoolean();
  /** Weights asked for since the last batched read left, by user; guarded by itself (both event loops ask). */
  private final Map<String, List<Asker>> waiting = new HashMap<>();
  private boolean readScheduled;

  /** One ask for a weight, answered on the context that asked, as if the asker had read it itself. */
  private record Asker(Context context, Promise<Double> promise) {
  }

  public JurorStore(Vertx vertx, Pool pg, ReputationRule rule) {
    this.vertx = vertx;
    this.pg = pg;
    this.rule = rule;
  }

  /**
   * Read with the other weights asked for in this event-loop turn. A juror with no record weighs 1; so does every
   * juror while Postgres cannot be read (one warning per outage): reputation refines a jury, and its store being
   * down must never stop anyone voting.
   */
  @Override
  public Future<Double> weight(String userId) {
    Context context = vertx.getOrCreateContext();
    Promise<Double> promise = Promise.promise();
    boolean schedule;
    synchronized (waiting) {
      waiting.computeIfAbsent(userId, id -> new ArrayList<>(1)).add(new Asker(context, promise));
      schedule = !readScheduled;
      readScheduled = true;
    }
    if (schedule) {
      // Runs after the I/O this turn is handling: every handshake read in it has asked by then.
      context.runOnContext(v -> readWaiting());
    }
    return promise.future();
  }

  private void readWaiting() {
    Map<String, List<Asker>> batch;
    synchronized (waiting) {
      batch = new HashMap<>(waiting);
      waiting.clear();
      readScheduled = false;
    }
    List<String> users = new ArrayList<>(batch.keySet());
    for (int from = 0; from < users.size(); from += MOST_PER_READ) {
      List<String> part = users.subList(from, Math.min(users.size(), from + MOST_PER_READ));
      pg.preparedQuery(Sql.GET_JURORS.text()).execute(Tuple.of(part.toArray(String[]::new)))
          .onComplete(read -> {
            Map<String, Double> weights = new HashMap<>();
            if (read.succeeded()) {
              if (failing.compareAndSet(true, false)) {
                LOG.info("Juror records readable again; ballots weigh by reputation");
              }
              for (Row row : read.result()) {
                JurorRecord found = record(row);
                weights.put(found.userId(), rule.weight(found.right(), found.wrong()));
              }
            } else if (failing.compareAndSet(false, true)) {
              LOG.warn("Juror records unreadable ({}); ballots weigh 1 until they are back",
                  read.cause().getMessage());
            }
            for (String user : part) {
              double weight = weights.getOrDefault(user, NEUTRAL);
              for (Asker asker : batch.get(user)) {
                asker.context().runOnContext(v -> asker.promise().complete(weight));
              }
            }
          });
    }
  }

  /** The juror's record; zeros for a user with none. Fails when Postgres cannot be read. */
  public Future<JurorRecord> record(String userId) {
    return pg.preparedQuery(Sql.GET_JUROR.text()).execute(Tuple.of(userId))
        .map(rows -> rows.rowCount() == 0 ? JurorRecord.none(userId) : record(rows.iterator().next()));
  }

  /** The record as staff see it, reputation and weight included ({@link JurorRecord#view}). */
  public Future<JsonObject> view(String userId) {
    return record(userId).map(found -> found.view(rule));
  }

  /**
   * Scores the counted ballots of a calibration verdict as answers, right when the option is {@code answer}, in
   * the caller's transaction (the one recording the verdict and its ballots, so it happens once). Only the
   * kind's decisive options and the answer itself count as answers: a juror who says "unsure" abstains, and is
   * neither right nor wrong.
   */
  public Future<Void> scoreCalibration(SqlConnection conn, String verdictId, String answer, PromptKind kind) {
    String[] answers = {kind.condemning(), kind.clearing(), answer};
    return conn.preparedQuery(Sql.SCORE_CALIBRATION.text()).execute(Tuple.of(verdictId, answer, answers)).mapEmpty();
  }

  /**
   * Scores the decisive ballots of a verdict staff decided, in the caller's transaction: {@code decided} +sign for
   * each, {@code agreed} +sign for those of option {@code right}.
   *
   * @param decisive the kind's condemning and clearing options: an {@code unsure} ballot took no side to judge
   * @param sign     1 to score a decision, -1 to take back exactly what an earlier one scored
   */
  public Future<Void> scoreReview(SqlConnection conn, String verdictId, String right, List<String> decisive,
      int sign) {
    return conn.preparedQuery(Sql.SCORE_REVIEW.text())
        .execute(Tuple.of(verdictId, right, decisive.toArray(String[]::new), sign)).mapEmpty();
  }

  private static JurorRecord record(Row row) {
    return new JurorRecord(row.getString("user_id"), row.getLong("decided"), row.getLong("agreed"),
        row.getLong("calib_answered"), row.getLong("calib_correct"));
  }
}
