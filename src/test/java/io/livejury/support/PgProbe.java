package io.livejury.support;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** Looks straight into the shared Postgres, to count what the API would not show twice. */
public final class PgProbe {

  private final Pool pool;

  public PgProbe(Vertx vertx) {
    this.pool = PgBuilder.pool()
        .connectingTo(PgConnectOptions.fromUri(EmbeddedServersExtension.servers().pgUrl()))
        .using(vertx)
        .build();
  }

  public long count(String sql, Object... params) {
    return pool.preparedQuery(sql).execute(Tuple.from(params)).await().iterator().next().getLong(0);
  }

  public void execute(String sql, Object... params) {
    pool.preparedQuery(sql).execute(Tuple.from(params)).await();
  }

  public void close() {
    pool.close();
  }
}
