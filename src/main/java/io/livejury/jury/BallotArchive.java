package io.livejury.jury;

import io.livejury.common.Sql;
import io.livejury.model.Verdict;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/**
 * Copies a jury verdict's counted ballots from its prompt's voters hash in Redis (kept there for the retention
 * period after close) into the {@code ballots} table: the record of who decided, and what calibration answers and
 * staff decisions score jurors by. Page by page (HSCAN, one multi-row insert of arrays per page), so a huge
 * prompt's ballots never sit in memory at once.
 */
public final class BallotArchive {

  private final Redis redis;

  public BallotArchive(Redis redis) {
    this.redis = redis;
  }

  /**
   * Writes the verdict's ballots in the caller's transaction; run it only when the verdict row was just inserted,
   * which makes a repeated delivery of the verdict write nothing twice.
   */
  public Future<Void> copy(SqlConnection conn, Verdict verdict) {
    List<String> options = List.copyOf(verdict.counts().keySet());
    return Voters.scan(redis, verdict.promptId(), options, page -> {
      int n = page.size();
      String[] users = new String[n];
      String[] chosen = new String[n];
      Long[] castAt = new Long[n];
      String[] nets = new String[n];
      Double[] weights = new Double[n];
      for (int i = 0; i < n; i++) {
        CountedBallot ballot = page.get(i);
        users[i] = ballot.userId();
        chosen[i] = ballot.option();
        castAt[i] = ballot.timed() ? ballot.castAtMs() : null;
        nets[i] = ballot.netId();
        weights[i] = ballot.weight();
      }
      return conn.preparedQuery(Sql.INSERT_BALLOTS.text())
          .execute(Tuple.from(new Object[] {verdict.id(), users, chosen, castAt, nets, weights}))
          .mapEmpty();
    });
  }
}
