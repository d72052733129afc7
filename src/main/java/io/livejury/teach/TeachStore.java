package io.livejury.teach;

import io.livejury.common.Ids;
import io.livejury.common.Sql;
import io.livejury.penalty.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The taught examples in Postgres ({@code taught_examples}, statements in {@code sql/queries.sql}). */
public final class TeachStore {

  private final Pool pg;

  public TeachStore(Pool pg) {
    this.pg = pg;
  }

  /** What {@link #insert} found. */
  public sealed interface Inserted {
  }

  /** The new row. */
  public record Stored(TaughtExample example) implements Inserted {
  }

  /** The sheet already holds the sentence in force. */
  public record Duplicate() implements Inserted {
  }

  /** Another sheet holds the sentence in force: teaching it here would say two things of one sentence. */
  public record Contradicts(List<String> sheets) implements Inserted {
  }

  /**
   * Stores a new example in one transaction with the check that no other sheet holds it. The transaction first takes
   * the sentence's lock: under READ COMMITTED two teachings of one sentence to two sheets would each miss the other's
   * uncommitted row and both be stored.
   */
  public Future<Inserted> insert(String sheet, String text, String normalised, TaughtExample.Source source, String by) {
    return pg.withTransaction(conn -> conn.preparedQuery(Sql.LOCK_SENTENCE.text()).execute(Tuple.of(normalised))
        .compose(locked -> conn.preparedQuery(Sql.TAUGHT_ELSEWHERE.text()).execute(Tuple.of(normalised, sheet)))
        .compose(elsewhere -> {
          if (elsewhere.rowCount() > 0) {
            List<String> sheets = new ArrayList<>();
            elsewhere.forEach(row -> sheets.add(row.getString("sheet")));
            return Future.succeededFuture(new Contradicts(sheets));
          }
          return conn.preparedQuery(Sql.INSERT_TAUGHT.text())
              .execute(Tuple.from(new Object[] {Ids.next("te"), sheet, text, normalised, source.type(), source.id(),
                  source.rule(), by}))
              .map(rows -> rows.rowCount() == 0 ? new Duplicate() : new Stored(example(rows.iterator().next())));
        }));
  }

  /** Every example in force, oldest first: the taught part of every node's sheets. */
  public Future<List<TaughtExample>> inForce() {
    return pg.preparedQuery(Sql.TAUGHT_IN_FORCE.text()).execute().map(TeachStore::examples);
  }

  /**
   * Newest first.
   *
   * @param sheet   one sheet, or null for every sheet
   * @param removed true to list undone examples too
   * @param limit   at most this many
   */
  public Future<List<TaughtExample>> list(String sheet, boolean removed, int limit) {
    return pg.preparedQuery(Sql.LIST_TAUGHT.text()).execute(Tuple.of(sheet, removed, limit)).map(TeachStore::examples);
  }

  /**
   * Undoes an example in force, recording who and when.
   *
   * @return the example as now stored, with {@code true} when this call undid it, {@code false} when it had been
   *     undone before; empty when there is no such example
   */
  public Future<Optional<Removal>> remove(String id, String by) {
    return pg.withConnection((SqlConnection conn) -> conn.preparedQuery(Sql.REMOVE_TAUGHT.text()).execute(Tuple.of(id, by))
        .compose(rows -> rows.rowCount() > 0
            ? Future.succeededFuture(Optional.of(new Removal(example(rows.iterator().next()), true)))
            : conn.preparedQuery(Sql.GET_TAUGHT.text()).execute(Tuple.of(id))
                .map(found -> found.rowCount() == 0 ? Optional.<Removal>empty()
                    : Optional.of(new Removal(example(found.iterator().next()), false)))));
  }

  /** An example after {@link #remove}; {@code now} is false when it had been undone already. */
  public record Removal(TaughtExample example, boolean now) {
  }

  private static List<TaughtExample> examples(Iterable<Row> rows) {
    List<TaughtExample> examples = new ArrayList<>();
    rows.forEach(row -> examples.add(example(row)));
    return examples;
  }

  static TaughtExample example(Row row) {
    return new TaughtExample(row.getString("id"), row.getString("sheet"), row.getString("text"),
        row.getString("normalised"),
        new TaughtExample.Source(row.getString("source_type"), row.getString("source_id"), row.getString("source_rule")),
        row.getString("taught_by"), Rows.time(row.getOffsetDateTime("taught_at")), row.getString("removed_by"),
        row.getOffsetDateTime("removed_at") == null ? null : Rows.time(row.getOffsetDateTime("removed_at")));
  }
}
