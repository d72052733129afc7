package io.livejury.common;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Writes whose answer may be passed on only once enough replicas hold them ({@link ReplicaAcks}). Each event loop
 * sends such writes down a connection of its own (the lane), and once their answers are in, one
 * {@code WAIT <replicas> <timeout>} on that same connection for all the answers read in one go: WAIT covers every
 * write its connection made before it, so a burst of ballots costs one extra round trip, not one each. The lane
 * keeps WAIT, which blocks its connection while replicas lag, away from the node's other commands.
 *
 * <p>Redis blocks the connection while a WAIT waits, and starts a WAIT's timeout only when it reaches it: a second
 * WAIT pipelined behind a blocked one would wait its full timeout after the first returns. So a lane has at most one
 * WAIT in flight; answers read meanwhile are held, and once it returns they are settled by it when their writes went
 * before it (WAIT covers them), else by one WAIT with what is left of the oldest write's budget, at least 1 ms (0
 * would wait for ever). Each write is thus answered within about the timeout from when its caller started it.
 * A batch that fewer replicas confirm fails with {@link NotReplicated}; the write itself stands on the master.
 * With no replicas asked for, writes go to the node's ordinary client and nothing waits.
 */
public final class ReplicatedWrites {

  /** WAIT answered fewer replicas than asked for within the timeout: the write is on the master only. */
  public static final class NotReplicated extends RuntimeException {
    NotReplicated(long confirmed, int asked, long timeoutMs) {
      super(confirmed + " of " + asked + " replicas confirmed the write within " + timeoutMs + " ms", null, false,
          false);
    }
  }

  /**
   * One write's two moments: {@code answered} once its answer is read (the write is applied, in order with the
   * caller's earlier writes), {@code safe} once that answer may be passed on (replicated when it must be).
   */
  public record Written<T>(Future<T> answered, Future<T> safe) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedWrites.class);

  /** The writes waiting for the same WAIT. Touched on its lane's event loop only. */
  private static final class Batch {
    final Promise<Void> replicated = Promise.promise();
    long oldestStartNanos = Long.MAX_VALUE;
    /** The number ({@link Lane#written}) of the batch's latest write. */
    long newestWrite;
  }

  /** One event loop's lane connection and its WAIT. Touched on that event loop only. */
  private static final class Lane {
    final RedisConnection connection;
    /** Writes sent down the connection so far: a write numbered at most {@link #waitCovers} went before the WAIT. */
    long written;
    long waitCovers;
    boolean waiting;
    /** Answers read this turn, or while the WAIT is in flight. */
    Batch next;

    Lane(RedisConnection connection) {
      this.connection = connection;
    }
  }

  /**
   * Where an event loop's lane writes go: on one server its own connection ({@link #single}), on a Redis Cluster its
   * connection to the master serving the key's slot ({@link ShardLanes}). Called on an event loop.
   */
  public interface Lanes {

    /** A lane connection and the server it goes to, {@code host:port} ("" on a single server). */
    record Routed(String server, RedisConnection connection) {
    }

    /** The calling event loop's connection for writes to a key. */
    Future<Routed> forKey(String key);

    /** The calling event loop's connection to a server an ASK redirect named. */
    Future<Routed> forServer(String server);

    /** A server answered MOVED: the key's slot has another master now. */
    void layoutChanged();

    /** Every write down the calling event loop's own connection to the one server. */
    static Lanes single(PipelinedRedis pipelined) {
      return new Lanes() {
        @Override
        public Future<Routed> forKey(String key) {
          return pipelined.ownConnection().map(connection -> new Routed("", connection));
        }

        @Override
        public Future<Routed> forServer(String server) {
          return Future.failedFuture(new IllegalStateException("a redirect to " + server + " from a single server"));
        }

        @Override
        public void layoutChanged() {
        }
      };
    }
  }

  private final Redis shared;
  private final Lanes lanes;
  private final boolean routed;
  private final ReplicaAcks acks;
  private final UnaryOperator<Redis> meter;
  /** Per event loop: server → its lane. Each inner map is touched by its own thread only. */
  private final Map<Thread, Map<String, Lane>> lanesByLoop = new ConcurrentHashMap<>();
  /** Set while WAITs fall short, so the log says so once per spell rather than once per ballot. */
  private final AtomicBoolean shortOfReplicas = new AtomicBoolean();

  /**
   * @param shared the node's ordinary client, for writes when no replica is asked for and lanes are not routed
   * @param lanes  the per-event-loop connections that carry the writes and their WAITs
   * @param routed whether every write must go down the lanes even when nothing waits: on a cluster, so that a
   *               master lost fails only the writes of its own slots
   * @param meter  wraps a lane connection's view so its commands are timed like the rest (EVALSHA, WAIT)
   */
  public ReplicatedWrites(Redis shared, Lanes lanes, boolean routed, ReplicaAcks acks, UnaryOperator<Redis> meter) {
    this.shared = shared;
    this.lanes = lanes;
    this.routed = routed;
    this.acks = acks;
    this.meter = meter;
  }

  /**
   * Sends a write and answers it once its answer is safe to pass on. Call it on an event loop. On a cluster a
   * MOVED answer sends the write once more to the master it names (the refused write did not run) and has the
   * layout read again, an ASK answer sends it to the server named, after ASKING; TRYAGAIN and CLUSTERDOWN fail it.
   *
   * @param key           a key the write touches: it picks the lane (every key of a script shares its slot)
   * @param write         sends the write through the client it is given and reads its answer
   * @param mustReplicate whether an answer promises something durable (a counted ballot): only those wait
   * @param startNanos    when the caller took the write on ({@link System#nanoTime()}): the timeout runs from then
   * @return the write's answer, and the same answer once safe; that one fails with {@link NotReplicated} when
   *     replicas did not confirm it in time, or with the connection's failure
   */
  public <T> Written<T> write(String key, Function<Redis, Future<T>> write, Predicate<T> mustReplicate,
      long startNanos) {
    if (!acks.waits() && !routed) {
      Future<T> answer = write.apply(shared);
      return new Written<>(answer, answer);
    }
    Future<Read<T>> answered = lanes.forKey(key).compose(lane -> send(lane, write, false))
        .recover(err -> redirected(err, key, write));
    if (!acks.waits()) {
      Future<T> answer = answered.map(Read::answer);
      return new Written<>(answer, answer);
    }
    Future<T> safe = answered.compose(read -> mustReplicate.test(read.answer())
        ? replicated(read, startNanos).map(done -> read.answer())
        : Future.succeededFuture(read.answer()));
    return new Written<>(answered.map(Read::answer), safe);
  }

  /** A write's answer, with the lane it went down and its number there. */
  private record Read<T>(Lane lane, long number, T answer) {
  }

  private <T> Future<Read<T>> send(Lanes.Routed routedTo, Function<Redis, Future<T>> write, boolean asking) {
    Lane own = laneOf(routedTo);
    long number = ++own.written;
    Redis view = meter.apply(new OnConnection(own.connection, asking));
    return write.apply(view).map(answer -> new Read<>(own, number, answer));
  }

  /** Follows one MOVED or ASK answer (a resharding, a failover); any other failure stands. */
  private <T> Future<Read<T>> redirected(Throwable err, String key, Function<Redis, Future<T>> write) {
    String message = err.getMessage() == null ? "" : err.getMessage();
    if (message.startsWith("MOVED ")) {
      // The layout is read again for the writes after this one; this one goes where the refusal says, which a
      // layout read from a server that has not heard of the change yet would not.
      lanes.layoutChanged();
      String[] parts = message.split(" ");
      return parts.length < 3 ? lanes.forKey(key).compose(lane -> send(lane, write, false))
          : lanes.forServer(parts[2]).compose(lane -> send(lane, write, false));
    }
    if (message.startsWith("ASK ")) {
      String[] parts = message.split(" ");
      return parts.length < 3 ? Future.failedFuture(err)
          : lanes.forServer(parts[2]).compose(lane -> send(lane, write, true));
    }
    return Future.failedFuture(err);
  }

  /** This event loop's lane for a server's current connection: a replaced connection's lane settles what it holds. */
  private Lane laneOf(Lanes.Routed routedTo) {
    Map<String, Lane> own = lanesByLoop.computeIfAbsent(Thread.currentThread(), thread -> new HashMap<>());
    Lane lane = own.get(routedTo.server());
    if (lane == null || lane.connection != routedTo.connection()) {
      lane = new Lane(routedTo.connection());
      own.put(routedTo.server(), lane);
    }
    return lane;
  }

  /** Joins the lane's next batch, whose WAIT goes out after this turn, or once the WAIT in flight returns. */
  private Future<Void> replicated(Read<?> read, long startNanos) {
    Lane lane = read.lane();
    Batch batch = lane.next;
    if (batch == null) {
      batch = new Batch();
      lane.next = batch;
      if (!lane.waiting) {
        Vertx.currentContext().runOnContext(v -> flush(lane));
      }
    }
    batch.oldestStartNanos = Math.min(batch.oldestStartNanos, startNanos);
    batch.newestWrite = Math.max(batch.newestWrite, read.number());
    return batch.replicated.future();
  }

  /** Sends the next batch's WAIT, unless one is in flight (its return flushes again) or nothing is held. */
  private void flush(Lane lane) {
    Batch batch = lane.next;
    if (batch == null || lane.waiting) {
      return;
    }
    lane.next = null;
    lane.waiting = true;
    lane.waitCovers = lane.written;
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - batch.oldestStartNanos);
    long timeoutMs = Math.max(1, acks.timeoutMs() - waitedMs);
    view(lane.connection).send(Request.cmd(Command.WAIT).arg(acks.replicas()).arg(timeoutMs))
        .map(confirmed -> confirmed.toLong() >= acks.replicas() ? null
            : new NotReplicated(confirmed.toLong(), acks.replicas(), timeoutMs))
        .onComplete(result -> {
          lane.waiting = false;
          Throwable failure = result.failed() ? result.cause() : result.result();
          settle(batch, failure);
          Batch held = lane.next;
          // Answers read while the WAIT was out, of writes sent before it, are covered by its success.
          if (failure == null && held != null && held.newestWrite <= lane.waitCovers) {
            lane.next = null;
            settle(held, null);
          }
          flush(lane);
        });
  }

  private void settle(Batch batch, Throwable failure) {
    if (failure == null) {
      if (shortOfReplicas.compareAndSet(true, false)) {
        LOG.info("Redis replicas confirm ballots again ({} asked)", acks.replicas());
      }
      batch.replicated.complete();
      return;
    }
    if (failure instanceof NotReplicated shortfall && shortOfReplicas.compareAndSet(false, true)) {
      LOG.warn("Ballots are acked rejected/unavailable: {} (counted on the master, not safe against its loss)",
          shortfall.getMessage());
    }
    batch.replicated.fail(failure);
  }

  private Redis view(RedisConnection connection) {
    return meter.apply(new OnConnection(connection, false));
  }

  /**
   * One connection seen as a client, so scripts and WAIT go down it and nowhere else. Asking, each command is
   * preceded by ASKING (a slot being imported serves only commands so flagged), pipelined on the same connection.
   */
  private record OnConnection(RedisConnection connection, boolean asking) implements Redis {

    @Override
    public Future<Response> send(Request request) {
      if (asking) {
        connection.send(Request.cmd(Command.ASKING));
      }
      return connection.send(request);
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
      if (asking) {
        connection.send(Request.cmd(Command.ASKING));
      }
      return connection.batch(requests);
    }

    @Override
    public Future<RedisConnection> connect() {
      return Future.failedFuture(new UnsupportedOperationException("a lane connection is not shared out"));
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
