package io.livejury.penalty;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.PgProbe;
import io.livejury.support.RedisProbe;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A penalty notice counts as sent only once a node received it: one published while no socket of the room
 * was connected anywhere stays unsent, the relay keeps offering it, and the streamer gets it, once, as soon
 * as they connect. Notices older than the retry window are given up on.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class OutboxTest {

  private static final String UNSENT = "SELECT count(*) FROM outbox WHERE room_id = $1 AND sent_at IS NULL";
  private static final String SENT = "SELECT count(*) FROM outbox WHERE room_id = $1 AND sent_at IS NOT NULL";

  private static JsonObject falseClaim(String streamerId, String roomId) {
    String promptId = "p-outbox-" + System.nanoTime();
    return new JsonObject().put("id", "v-" + promptId).put("promptId", promptId).put("roomId", roomId)
        .put("streamerId", streamerId).put("merchantId", "m-" + streamerId).put("kind", "claim")
        .put("question", "这款茶能治疗糖尿病，属实吗？").put("claim", "这款茶能治疗糖尿病").put("outcome", "FALSE_CLAIM")
        .put("counts", new JsonObject().put("true", 5).put("false", 95).put("unsure", 0)).put("total", 100)
        .put("confidence", 0.9).put("decidedAt", Instant.now().toString()).put("reviewStatus", "pending");
  }

  private static void awaitCount(PgProbe pg, String sql, String roomId, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (pg.count(sql, roomId) != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never " + expected + ": " + sql);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  @Test
  void aNoticeNoNodeHeardStaysUnsentUntilTheStreamerIsConnected(Vertx vertx, VertxTestContext tc)
      throws InterruptedException {
    TestNode node = TestNode.start();
    RedisProbe redis = new RedisProbe(vertx);
    PgProbe pg = new PgProbe(vertx);
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String streamerId = "streamer-outbox-" + System.nanoTime();
      String roomId = http.createRoom(staff, streamerId);
      pg.execute("INSERT INTO outbox (room_id, frame, created_at) VALUES ($1, $2, now() - interval '25 hours')", roomId,
          new JsonObject().put("type", "penalty").put("penalty", new JsonObject().put("id", "pen-aged")
              .put("verdictId", "v-aged").put("subject", streamerId).put("level", "WARNING").put("status", "active"))
              .encode());

      JsonObject verdict = falseClaim(streamerId, roomId);
      redis.appendVerdict(verdict);
      http.awaitVerdict(verdict.getString("id"), staff, Duration.ofSeconds(15));
      awaitCount(pg, UNSENT, roomId, 2);
      // The relay offers notices a second old every 300 ms here: this spans several rounds.
      TimeUnit.MILLISECONDS.sleep(2_000);
      assertThat(pg.count(UNSENT, roomId)).as("nobody heard either notice").isEqualTo(2);
      assertThat(pg.count(SENT, roomId)).isZero();
      assertThat(redis.roomEvents(roomId)).as("unheard retries leave the room's stream alone").isZero();

      TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId,
          http.token(streamerId, "streamer", "m-" + streamerId));
      JsonObject penalty = streamer.await("penalty").getJsonObject("penalty");
      assertThat(penalty.getString("verdictId")).isEqualTo(verdict.getString("id"));
      awaitCount(pg, SENT, roomId, 1);
      TimeUnit.MILLISECONDS.sleep(1_000);
      assertThat(streamer.frames("penalty")).as("once, and not the notice past the retry window").hasSize(1);
      assertThat(pg.count(UNSENT, roomId)).as("the notice past the retry window is given up on").isEqualTo(1);
      assertThat(redis.roomEvents(roomId)).isEqualTo(1);
      tc.completeNow();
    } finally {
      redis.close();
      pg.close();
      node.stopAfter(vertx);
    }
  }
}
