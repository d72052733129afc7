package io.livejury.common;

import io.vertx.core.Context;
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
 * <p>WAIT's timeout is what is left of {@code timeoutMs} since the oldest write of the batch was sent, at least
 * 1 ms (0 would wait for ever): a write queued behind a slow WAIT is still answered within about the timeout.
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

  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedWrites.class);

  /** The writes of one event loop waiting for the same WAIT. Touched on that event loop only. */
  private static final class Batch {
    final RedisConnection connection;
    final Promise<Void> replicated = Promise.promise();
    long oldestSentNanos;

    Batch(RedisConnection connection, long sentNanos) {
      this.connection = connection;
      this.oldestSentNanos = sentNanos;
    }
  }

  private final Redis shared;
  private final PipelinedRedis lane;
  private final ReplicaAcks acks;
  private final UnaryOperator<Redis> meter;
  private final Map<Thread, Batch> pending = new ConcurrentHashMap<>();
  /** Set while WAITs fall short, so the log says so once per spell rather than once per ballot. */
  private final AtomicBoolean shortOfReplicas = new AtomicBoolean();

  /**
   * @param shared the node's ordinary client, for writes when no replica is asked for
   * @param lane   a pipelined client over a pool of its own, whose per-event-loop connections carry the writes
   *               and their WAITs
   * @param meter  wraps a lane connection's view so its commands are timed like the rest (EVALSHA, WAIT)
   */
  public ReplicatedWrites(Redis shared, PipelinedRedis lane, ReplicaAcks acks, UnaryOperator<Redis> meter) {
    this.shared = shared;
    this.lane = lane;
    this.acks = acks;
    this.meter = meter;
  }

  /**
   * Sends a write and answers it once its answer is safe to pass on. Call it on an event loop.
   *
   * @param write         sends the write through the client it is given and reads its answer
   * @param mustReplicate whether an answer promises something durable (a counted ballot): only those wait
   * @return the write's answer; fails with {@link NotReplicated} when replicas did not confirm it in time, or with
   *     the connection's failure
   */
  public <T> Future<T> write(Function<Redis, Future<T>> write, Predicate<T> mustReplicate) {
    if (!acks.waits()) {
      return write.apply(shared);
    }
    long sent = System.nanoTime();
    return lane.ownConnection().compose(connection -> write.apply(view(connection))
        .compose(answer -> mustReplicate.test(answer)
            ? replicated(connection, sent).map(done -> answer)
            : Future.succeededFuture(answer)));
  }

  /** Joins the event loop's batch for this connection, or starts one whose WAIT goes out after this turn. */
  private Future<Void> replicated(RedisConnection connection, long sentNanos) {
    Thread thread = Thread.currentThread();
    Batch batch = pending.get(thread);
    if (batch != null && batch.connection == connection) {
      batch.oldestSentNanos = Math.min(batch.oldestSentNanos, sentNanos);
      return batch.replicated.future();
    }
    // A batch of a connection since replaced is already scheduled and flushes on its own.
    Batch started = new Batch(connection, sentNanos);
    pending.put(thread, started);
    Context context = Vertx.currentContext();
    context.runOnContext(v -> flush(thread, started));
    return started.replicated.future();
  }

  private void flush(Thread thread, Batch batch) {
    pending.remove(thread, batch);
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - batch.oldestSentNanos);
    long timeoutMs = Math.max(1, acks.timeoutMs() - waitedMs);
    view(batch.connection).send(Request.cmd(Command.WAIT).arg(acks.replicas()).arg(timeoutMs))
        .onSuccess(confirmed -> {
          long replicas = confirmed.toLong();
          if (replicas >= acks.replicas()) {
            if (shortOfReplicas.compareAndSet(true, false)) {
              LOG.info("Redis replicas confirm ballots again ({} of {} asked)", replicas, acks.replicas());
            }
            batch.replicated.complete();
          } else {
            if (shortOfReplicas.compareAndSet(false, true)) {
              LOG.warn("Ballots are acked rejected/unavailable: Redis confirmed {} of {} replicas within {} ms"
                  + " (counted on the master, not safe against its loss)", replicas, acks.replicas(), timeoutMs);
            }
            batch.replicated.fail(new NotReplicated(replicas, acks.replicas(), timeoutMs));
          }
        })
        .onFailure(batch.replicated::fail);
  }

  private Redis view(RedisConnection connection) {
    return meter.apply(new OnConnection(connection));
  }

  /** One connection seen as a client, so scripts and WAIT go down it and nowhere else. */
  private record OnConnection(RedisConnection connection) implements Redis {

    @Override
    public Future<Response> send(Request request) {
      return connection.send(request);
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
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
