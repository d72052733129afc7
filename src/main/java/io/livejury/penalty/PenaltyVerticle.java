package io.livejury.penalty;

import io.livejury.common.Json;
import io.livejury.common.Sql;
import io.livejury.metrics.Metrics;
import io.livejury.model.Verdict;
import io.livejury.verdict.VerdictStreams;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Consumes the verdict streams durably and turns verdicts into Postgres rows and penalties. It reads each stream
 * ({@link VerdictStreams}: one on a single server, several on a Redis Cluster, each read by a loop of its own since
 * XREADGROUP cannot span slots) as one consumer of that stream's {@code penalty} group (so any number of nodes
 * share the work), writes each entry in one transaction and acknowledges it, on its own stream, only after the
 * commit. An entry left unacknowledged — Postgres was down,
 * or the node died between commit and ack — is claimed again after {@code reclaimIdleMs} by whichever node
 * runs next, and the idempotent write makes the retry harmless. The streamer hears of each new penalty in
 * real time; a periodic sweep expires timed penalties whose end has passed.
 */
public final class PenaltyVerticle extends VerticleBase {

  public static final String GROUP = "penalty";
  private static final Logger LOG = LoggerFactory.getLogger(PenaltyVerticle.class);
  /** The longest pause after a failed read (Redis away): a block this long would hold verdicts back after it. */
  private static final long READ_RETRY_MS = 1_000;

  /** How the consumer is tuned; every number comes from configuration. */
  public record Options(String consumer, int batch, long blockMs, long reclaimIdleMs, long reclaimEveryMs,
      long expireEveryMs) {
  }

  private final Redis streams;
  private final VerdictStreams keys;
  private final Pool pg;
  private final PenaltyWriter writer;
  private final Outbox outbox;
  private final Metrics metrics;
  private final Options options;
  /** Told of every verdict once it is recorded (the staff queue, the automatic stop rule); never fails. */
  private final Function<Verdict, Future<Void>> onRecorded;
  private boolean stopped;
  /** The streams whose pending entries are being walked: one walk per stream at a time. */
  private final Set<String> reclaiming = new HashSet<>();
  private long lastFailureLog;

  /**
   * @param streams    a client of its own, with a connection per stream to spare: each stream's read blocks one
   * @param keys       the verdict streams to consume
   * @param onRecorded told of every verdict once it is in Postgres, however often its entry comes back (the staff
   *                   queue makes one item of it); must not fail
   */
  public PenaltyVerticle(Redis streams, VerdictStreams keys, Pool pg, PenaltyWriter writer, Outbox outbox,
      Metrics metrics, Options options, Function<Verdict, Future<Void>> onRecorded) {
    this.keys = keys;
    this.onRecorded = onRecorded;
    this.metrics = metrics;
    this.streams = streams;
    this.pg = pg;
    this.writer = writer;
    this.outbox = outbox;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    List<Future<Void>> groups = new ArrayList<>();
    keys.keys().forEach(key -> groups.add(createGroup(key)));
    return Future.all(groups).onSuccess(v -> {
      vertx.setPeriodic(options.reclaimEveryMs(), id -> {
        keys.keys().forEach(this::reclaim);
        measureStreams();
        metrics.pgCall("outbox_relay", outbox::relay)
            .onFailure(err -> logFailure("Relaying penalty notices failed", err));
      });
      vertx.setPeriodic(options.expireEveryMs(), id -> {
        expire();
        outbox.purge().onFailure(err -> logFailure("Purging sent notices failed", err));
      });
      keys.keys().forEach(this::readNext);
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.succeededFuture();
  }

  /** Starts the group at the beginning of the stream, so verdicts appended before any consumer existed count. */
  private Future<Void> createGroup(String key) {
    return streams.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(key).arg(GROUP).arg("0")
            .arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(err -> err.getMessage() != null && err.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture()
            : Future.failedFuture(err));
  }

  private void readNext(String key) {
    if (stopped) {
      return;
    }
    streams.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(options.consumer())
            .arg("COUNT").arg(options.batch()).arg("BLOCK").arg(options.blockMs())
            .arg("STREAMS").arg(key).arg(">"))
        .compose(reply -> handle(key, entries(key, reply)))
        .onComplete(done -> {
          if (stopped) {
            return; // the node is shutting down; its client is closing under the blocked read
          }
          if (done.failed()) {
            logFailure("Reading the verdict stream failed", done.cause());
            recreateGroupIfGone(key, done.cause());
            vertx.setTimer(Math.min(options.blockMs(), READ_RETRY_MS), id -> readNext(key));
          } else {
            readNext(key);
          }
        });
  }

  /**
   * Takes over entries idle longer than the reclaim time — this node's own failures and those of dead
   * nodes — following the scan cursor until the pending list has been walked once.
   */
  private void reclaim(String key) {
    if (stopped || !reclaiming.add(key)) {
      return;
    }
    reclaimFrom(key, "0-0")
        .onFailure(err -> {
          logFailure("Reclaiming verdict entries failed", err);
          recreateGroupIfGone(key, err);
        })
        .onComplete(done -> reclaiming.remove(key));
  }

  private Future<Void> reclaimFrom(String key, String cursor) {
    return streams.send(Request.cmd(Command.XAUTOCLAIM).arg(key).arg(GROUP)
            .arg(options.consumer()).arg(options.reclaimIdleMs()).arg(cursor).arg("COUNT").arg(options.batch()))
        .compose(reply -> {
          if (reply == null || reply.size() < 2) {
            return Future.succeededFuture();
          }
          String next = reply.get(0).toString();
          return handle(key, list(reply.get(1)))
              .compose(v -> "0-0".equals(next) || stopped ? Future.succeededFuture() : reclaimFrom(key, next));
        });
  }

  /**
   * The streams' lengths and pending entries, summed over the streams, and how long the oldest pending entry has
   * waited: XPENDING's summary names the smallest pending id, whose first part is the time it was added (ms).
   */
  private void measureStreams() {
    List<Future<Response>> lengths = new ArrayList<>();
    List<Future<Response>> pendings = new ArrayList<>();
    for (String key : keys.keys()) {
      lengths.add(streams.send(Request.cmd(Command.XLEN).arg(key)));
      pendings.add(streams.send(Request.cmd(Command.XPENDING).arg(key).arg(GROUP)));
    }
    Future.all(Future.all(lengths), Future.all(pendings)).onSuccess(done -> {
      long length = 0;
      long pending = 0;
      long now = System.currentTimeMillis();
      long oldestAge = 0;
      for (int i = 0; i < lengths.size(); i++) {
        length += lengths.get(i).result().toLong();
        Response summary = pendings.get(i).result();
        long count = summary == null || summary.size() == 0 ? 0 : summary.get(0).toLong();
        pending += count;
        if (count > 0 && summary.get(1) != null) {
          String smallest = summary.get(1).toString();
          long addedMs = Long.parseLong(smallest.substring(0, smallest.indexOf('-')));
          oldestAge = Math.max(oldestAge, Math.max(0, now - addedMs));
        }
      }
      metrics.verdictStream(length, pending, oldestAge);
    });
  }

  /** A Redis that restarted without its data, or was flushed, has lost the group: make it again. */
  private void recreateGroupIfGone(String key, Throwable err) {
    if (err.getMessage() != null && err.getMessage().startsWith("NOGROUP")) {
      createGroup(key).onFailure(e -> logFailure("Recreating the consumer group failed", e));
    }
  }

  private Future<Void> handle(String key, List<Response> entries) {
    List<Future<Void>> writes = new ArrayList<>();
    for (Response entry : entries) {
      writes.add(handleEntry(key, entry));
    }
    return Future.join(writes).mapEmpty();
  }

  private Future<Void> handleEntry(String key, Response entry) {
    String id = entry.get(0).toString();
    Response fields = entry.get(1);
    String json = field(fields, "verdict");
    if (json == null) {
      return ack(key, id); // nothing to write: a malformed or deleted entry must not block the group
    }
    Verdict verdict;
    try {
      verdict = Json.decode(json, Verdict.class);
    } catch (RuntimeException e) {
      LOG.error("Verdict stream entry {} is not a verdict and is skipped: {}", id, json);
      return ack(key, id); // it can never be written; holding it would only block the group
    }
    return metrics.pgCall("verdict_write", () -> writer.record(verdict))
        .compose(outcome -> ack(key, id).map(outcome))
        .onSuccess(outcome -> {
          outcome.notice().ifPresent(outbox::publish);
          onRecorded.apply(verdict);
        })
        .onFailure(err -> logFailure("Verdict " + verdict.id() + " not recorded yet, it stays pending", err))
        .mapEmpty();
  }

  private Future<Void> ack(String key, String entryId) {
    return streams.send(Request.cmd(Command.XACK).arg(key).arg(GROUP).arg(entryId)).mapEmpty();
  }

  private void expire() {
    pg.withTransaction(conn -> conn.query(Sql.EXPIRE_PENALTIES.text()).execute()
            .compose(rows -> {
              List<Future<Outbox.Notice>> notices = new ArrayList<>();
              for (Row row : rows) {
                notices.add(outbox.write(conn, row.getString("room_id"), Rows.penalty(row)));
              }
              return Future.all(notices);
            }))
        .onSuccess(written -> written.<Outbox.Notice>list().forEach(outbox::publish))
        .onFailure(err -> logFailure("Expiring penalties failed", err));
  }

  /**
   * One log line per failure burst: an outage otherwise writes one per entry. A node shutting down closes its clients
   * under the calls still in flight; their failures are expected then, and the entries stay pending for the next node.
   */
  private void logFailure(String what, Throwable err) {
    if (stopped) {
      LOG.debug("{} while stopping: {}", what, err.getMessage());
      return;
    }
    long now = System.currentTimeMillis();
    if (now - lastFailureLog > 5_000) {
      lastFailureLog = now;
      LOG.warn("{}: {}", what, err.getMessage());
    }
  }

  /** XREADGROUP of one stream answers {stream: entries} under RESP3 and [[stream, entries]] under RESP2. */
  private static List<Response> entries(String key, Response reply) {
    if (reply == null) {
      return List.of();
    }
    if (reply.isMap()) {
      return list(reply.get(key));
    }
    List<Response> entries = new ArrayList<>();
    for (Response stream : reply) {
      entries.addAll(list(stream.get(1)));
    }
    return entries;
  }

  private static List<Response> list(Response array) {
    List<Response> items = new ArrayList<>();
    if (array != null) {
      for (Response item : array) {
        if (item != null && item.size() >= 2 && item.get(1) != null) {
          items.add(item);
        }
      }
    }
    return items;
  }

  private static String field(Response fields, String name) {
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (name.equals(fields.get(i).toString())) {
        return fields.get(i + 1).toString();
      }
    }
    return null;
  }
}
