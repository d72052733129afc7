package io.livejury.jury;

import io.livejury.config.EmbeddedServers;
import io.livejury.config.Migrations;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.PgProbe;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What a socket's juror weighs, read from the real Postgres, and what it weighs when Postgres cannot answer. */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class JurorStoreTest {

  private static final ReputationRule RULE = new ReputationRule(3, 1, 0.25, 3);

  private static Pool pool(Vertx vertx, String url) {
    return PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
  }

  /** Sets a juror's record, whatever it held before (the servers outlive a test run). */
  private static void record(PgProbe pg, String userId, long decided, long agreed, long calibAnswered, long calibCorrect) {
    pg.execute("INSERT INTO jurors (user_id, decided, agreed, calib_answered, calib_correct) VALUES ($1, $2, $3, $4, $5)"
        + " ON CONFLICT (user_id) DO UPDATE SET decided = $2, agreed = $3, calib_answered = $4, calib_correct = $5",
        userId, decided, agreed, calibAnswered, calibCorrect);
  }

  @Test
  void aJurorWeighsByTheirRecordAndOneWithNoneWeighsOne(Vertx vertx, VertxTestContext tc) {
    EmbeddedServers servers = EmbeddedServersExtension.servers();
    PgProbe pg = new PgProbe(vertx);
    Pool pool = pool(vertx, servers.pgUrl());
    try {
      JurorStore store = new JurorStore(vertx, pool, RULE);
      Migrations.migrateOrKeepTrying(vertx, servers.pgUrl()).await(); // no node in this class migrates it
      record(pg, "store-reliable", 6, 5, 4, 4);
      // 9 right, 1 wrong on a Beta(3, 1) prior: reputation 12/14, weight logit(6/7) / logit(3/4) = ln 6 / ln 3.
      assertThat(store.weight("store-reliable").await()).isCloseTo(Math.log(6) / Math.log(3), within(1e-12));
      assertThat(store.record("store-reliable").await())
          .isEqualTo(new JurorRecord("store-reliable", 6, 5, 4, 4));
      assertThat(store.weight("store-unknown").await()).isEqualTo(1.0);
      assertThat(store.view("store-unknown").await().getMap()).containsEntry("reputation", 0.75)
          .containsEntry("weight", 1.0).containsEntry("decided", 0L);
    } finally {
      pool.close();
      pg.close();
    }
    tc.completeNow();
  }

  @Test
  void weightsAskedInOneTurnAreReadTogetherAndEachIsTheUsersOwn(Vertx vertx, VertxTestContext tc) {
    EmbeddedServers servers = EmbeddedServersExtension.servers();
    PgProbe pg = new PgProbe(vertx);
    Pool pool = pool(vertx, servers.pgUrl());
    try {
      JurorStore store = new JurorStore(vertx, pool, RULE);
      Migrations.migrateOrKeepTrying(vertx, servers.pgUrl()).await();
      // 9 right, 1 wrong → ln 6 / ln 3 (as above); 0 right, 6 wrong → reputation 3/10, below the prior: weighs less.
      record(pg, "batch-reliable", 6, 5, 4, 4);
      record(pg, "batch-wrong", 6, 0, 0, 0);
      double reliable = store.weight("batch-reliable").await();
      double wrong = store.weight("batch-wrong").await();
      assertThat(reliable).isCloseTo(Math.log(6) / Math.log(3), within(1e-12));
      assertThat(wrong).isLessThan(1.0);
      // 1,203 asks in one event-loop turn: more users than one read holds, the known two among them, one asked twice.
      List<String> users = new ArrayList<>();
      for (int i = 0; i < 1200; i++) {
        users.add("batch-new-" + i);
      }
      users.add(700, "batch-reliable");
      users.add("batch-wrong");
      users.add("batch-new-3");
      Promise<List<Double>> read = Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> {
        List<Future<Double>> asked = users.stream().map(store::weight).toList();
        Future.all(asked).map(all -> asked.stream().map(Future::result).toList()).onComplete(read);
      });
      List<Double> weights = read.future().await();
      assertThat(weights).hasSize(1203);
      for (int i = 0; i < users.size(); i++) {
        double expected = switch (users.get(i)) {
          case "batch-reliable" -> reliable;
          case "batch-wrong" -> wrong;
          default -> 1.0;
        };
        assertThat(weights.get(i)).as(users.get(i)).isEqualTo(expected);
      }
    } finally {
      pool.close();
      pg.close();
    }
    tc.completeNow();
  }

  @Test
  void whilePostgresCannotBeReadEveryJurorWeighsOne(Vertx vertx, VertxTestContext tc) {
    int closedPort = EmbeddedServers.freePort();
    Pool unreachable = pool(vertx, "postgresql://livejury:livejury@127.0.0.1:" + closedPort + "/livejury");
    try {
      JurorStore store = new JurorStore(vertx, unreachable, RULE);
      assertThat(store.weight("anyone").await()).isEqualTo(1.0);
      assertThat(store.weight("anyone-else").await()).isEqualTo(1.0);
      assertThat(store.record("anyone").otherwise(err -> null).await()).as("staff see the error").isNull();
    } finally {
      unreachable.close();
    }
    tc.completeNow();
  }

  @Test
  void theRecordCountsRightAndWrongFromStaffDecisionsAndCalibration() {
    JurorRecord record = new JurorRecord("u", 10, 7, 5, 2);
    assertThat(record.right()).isEqualTo(9);
    assertThat(record.wrong()).isEqualTo(6);
    assertThat(record.view(RULE).getMap()).containsAllEntriesOf(Map.of("userId", "u", "decided", 10L, "agreed", 7L));
    assertThat(record.view(RULE).getDouble("reputation")).isCloseTo(12.0 / 19, within(1e-12));
  }
}
