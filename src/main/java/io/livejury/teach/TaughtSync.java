package io.livejury.teach;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.List;

/**
 * Brings this node's sheets up to the taught examples in Postgres. Refreshes run one at a time: a refresh asked
 * for while one runs is done once after it (however many were asked for meanwhile), so a burst of teach messages
 * rebuilds the sheets at most twice, and the last rebuild always reads the latest rows. A refresh that finds the
 * examples in force unchanged rebuilds nothing.
 */
public final class TaughtSync {

  private final TeachStore store;
  private final TeachableSheets sheets;
  private Future<Void> running;
  private Promise<Void> next;
  private List<String> applied;

  public TaughtSync(TeachStore store, TeachableSheets sheets) {
    this.store = store;
    this.sheets = sheets;
  }

  /** Completes once the sheets reflect every taught example in force when this call was made. */
  public Future<Void> refresh() {
    synchronized (this) {
      if (running == null) {
        running = run();
        return running;
      }
      if (next == null) {
        next = Promise.promise();
      }
      return next.future();
    }
  }

  private Future<Void> run() {
    return store.inForce()
        .compose(taught -> {
          List<String> ids = taught.stream().map(TaughtExample::id).toList();
          synchronized (this) {
            if (ids.equals(applied)) {
              return Future.<Void>succeededFuture();
            }
          }
          return sheets.useTaught(taught).onSuccess(v -> {
            synchronized (this) {
              applied = ids;
            }
          });
        })
        .andThen(done -> {
          Promise<Void> waiting;
          synchronized (this) {
            waiting = next;
            next = null;
            running = waiting == null ? null : run();
            if (waiting != null) {
              running.onComplete(waiting);
            }
          }
        });
  }
}
