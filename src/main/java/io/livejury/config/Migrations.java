package io.livejury.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the Postgres schema up to date with the Flyway migrations in {@code db/migration}. Flyway talks
 * JDBC, so it runs once at start-up on a worker thread, never on an event loop. Every node may run it:
 * Flyway takes a lock, and the second node finds nothing left to do.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final long RETRY_MS = 5_000;

  /**
   * Migrates now if Postgres answers. If it does not, the node still starts — voting needs only Redis, and
   * verdicts wait in their stream — and the migration is retried in the background until it succeeds.
   */
  public static Future<Void> migrateOrKeepTrying(Vertx vertx, String pgUrl) {
    return migrate(vertx, pgUrl).recover(err -> {
      LOG.warn("Postgres schema not migrated yet ({}); retrying every {} ms", err.getMessage(), RETRY_MS);
      vertx.setTimer(RETRY_MS, id -> migrateOrKeepTrying(vertx, pgUrl));
      return Future.succeededFuture();
    });
  }

  private static Future<Void> migrate(Vertx vertx, String pgUrl) {
    PgConnectOptions pg = PgConnectOptions.fromUri(pgUrl);
    String jdbcUrl = "jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase();
    return vertx.executeBlocking(() -> {
      Flyway.configure()
          .dataSource(jdbcUrl, pg.getUser(), pg.getPassword())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      return null;
    });
  }

  private Migrations() {
  }
}
