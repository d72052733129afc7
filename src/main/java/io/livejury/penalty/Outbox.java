package io.livejury.penalty;

import io.livejury.common.Frames;
import io.livejury.common.Sql;
import io.livejury.model.Penalty;
import io.livejury.room.RoomEvent;
import io.livejury.room.RoomEvents;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Penalty notices to a room's streamer, made durable: the notice is written in the same transaction as
 * the penalty change, published right after the commit, and marked sent once a node received it. A notice
 * that reached no node (no socket of the room anywhere, a Redis hiccup, the node died) is found by
 * {@link #relay} on any node and published again, for {@code retryHours}; after that the streamer learns
 * of the penalty from their page, which loads it from Postgres.
 */
public final class Outbox {

  /** A notice written but not yet published. */
  public record Notice(long id, String roomId, String frame) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  private static final int RELAY_BATCH = 100;
  /** Sent notices, and those given up on, are kept this long for inspection, then deleted. */
  private static final long KEEP_SECONDS = 24 * 3600;

  private final Pool pg;
  private final RoomEvents events;
  private final long relayAfterSeconds;
  private final int retryHours;

  public Outbox(Pool pg, RoomEvents events, long relayAfterSeconds, int retryHours) {
    this.pg = pg;
    this.events = events;
    this.relayAfterSeconds = relayAfterSeconds;
    this.retryHours = retryHours;
  }

  /** Writes the notice of a penalty change inside the caller's transaction. */
  public Future<Notice> write(SqlConnection conn, String roomId, Penalty penalty) {
    String frame = Frames.penalty(penalty);
    return conn.preparedQuery(Sql.INSERT_OUTBOX.text()).execute(Tuple.of(roomId, frame))
        .map(rows -> new Notice(rows.iterator().next().getLong("id"), roomId, frame));
  }

  /** After the commit: publish to the room's moderators and mark sent if a node heard it; else the relay retries. */
  public void publish(Notice notice) {
    send(pg, notice.id(), notice.roomId(), notice.frame())
        .onFailure(err -> LOG.warn("Notice {} not published yet, the relay will retry: {}", notice.id(), err.getMessage()));
  }

  /** Deletes notices sent, or given up on, more than a day ago, so the table holds only what may still matter. */
  public Future<Void> purge() {
    return pg.preparedQuery(Sql.PURGE_OUTBOX.text()).execute(Tuple.of(KEEP_SECONDS, retryHours)).mapEmpty();
  }

  /** Publishes notices left unsent; rows are locked while being sent, so nodes relaying at once never overlap. */
  public Future<Void> relay() {
    return pg.withTransaction(conn -> conn.preparedQuery(Sql.CLAIM_UNSENT_OUTBOX.text())
        .execute(Tuple.of(relayAfterSeconds, retryHours, RELAY_BATCH))
        .compose(rows -> {
          List<Future<Void>> sent = new ArrayList<>();
          for (Row row : rows) {
            sent.add(send(conn, row.getLong("id"), row.getString("room_id"), row.getString("frame")));
          }
          // Whatever was heard stays marked; a notice that failed or went unheard waits for the next round.
          return Future.join(sent).<Void>mapEmpty().otherwiseEmpty();
        }));
  }

  /**
   * A notice no node heard is not even stored in the room's event stream: no node could deliver it from
   * there, and its retry will be, so an absent streamer's notice does not fill the stream.
   */
  private Future<Void> send(SqlClient sql, long id, String roomId, String frame) {
    return events.publishIfHeard(RoomEvent.toModerators(roomId, frame))
        .compose(published -> published.heard()
            ? sql.preparedQuery(Sql.MARK_OUTBOX_SENT.text()).execute(Tuple.of(id)).<Void>mapEmpty()
            : Future.<Void>succeededFuture());
  }
}
