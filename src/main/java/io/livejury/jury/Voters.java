package io.livejury.jury;

import io.livejury.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a prompt's counted ballots from its voters hash ({@link RedisKeys#voters}) in pages, never in one
 * command: a prompt of a huge room holds hundreds of thousands of them, and one HGETALL would hold Redis (and
 * every ballot of every other room) for as long as it takes to build the reply.
 */
public final class Voters {

  /** Fields per HSCAN and per HMGET: a reply of about 100 KB, a fraction of a millisecond of Redis's time. */
  static final int PAGE = 1000;

  private Voters() {
  }

  /**
   * Walks the whole voters hash with HSCAN, handing each page to {@code page} and waiting for it before asking
   * for the next. HSCAN may return a ballot twice (when the hash is resized meanwhile): callers that count must
   * dedupe by user.
   *
   * @param options the prompt's option ids ({@link CountedBallot#parse})
   */
  public static Future<Void> scan(Redis redis, String promptId, List<String> options,
      Function<List<CountedBallot>, Future<Void>> page) {
    return scanFrom(redis, RedisKeys.voters(promptId), "0", options, page);
  }

  private static Future<Void> scanFrom(Redis redis, String key, String cursor, List<String> options,
      Function<List<CountedBallot>, Future<Void>> page) {
    return redis.send(Request.cmd(Command.HSCAN).arg(key).arg(cursor).arg("COUNT").arg(PAGE))
        .compose(reply -> {
          String next = reply.get(0).toString();
          Response fields = reply.get(1);
          List<CountedBallot> ballots = new ArrayList<>(fields.size() / 2);
          for (int i = 0; i + 1 < fields.size(); i += 2) {
            ballots.add(CountedBallot.parse(fields.get(i).toString(), fields.get(i + 1).toString(), options));
          }
          Future<Void> handled = ballots.isEmpty() ? Future.succeededFuture() : page.apply(ballots);
          return "0".equals(next) ? handled : handled.compose(v -> scanFrom(redis, key, next, options, page));
        });
  }

  /**
   * Every ballot of one prompt, by user: {@link #scan} gathered (a ballot HSCAN returns twice counts once).
   *
   * @param options the prompt's option ids ({@link CountedBallot#parse}); empty when unknown
   */
  public static Future<Map<String, CountedBallot>> all(Redis redis, String promptId, List<String> options) {
    Map<String, CountedBallot> all = new HashMap<>();
    return scan(redis, promptId, options, page -> {
      page.forEach(ballot -> all.put(ballot.userId(), ballot));
      return Future.succeededFuture();
    }).map(all);
  }

  /**
   * The ballots of {@code users} on one prompt, by user; users who did not vote there (or whose prompt has
   * expired) are absent. One HMGET per {@link #PAGE} users, one after another.
   */
  public static Future<Map<String, CountedBallot>> of(Redis redis, String promptId, Collection<String> users) {
    List<String> all = List.copyOf(users);
    Map<String, CountedBallot> found = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < all.size(); from += PAGE) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + PAGE));
      chain = chain.compose(v -> {
        Request request = Request.cmd(Command.HMGET).arg(RedisKeys.voters(promptId));
        chunk.forEach(request::arg);
        return redis.send(request).map(values -> {
          for (int i = 0; i < chunk.size(); i++) {
            Response value = values.get(i);
            if (value != null) {
              found.put(chunk.get(i), CountedBallot.parse(chunk.get(i), value.toString(), List.of()));
            }
          }
          return null;
        });
      });
    }
    return chain.map(found);
  }
}
