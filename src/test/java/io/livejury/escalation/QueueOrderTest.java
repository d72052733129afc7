package io.livejury.escalation;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.RedisProbe;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's list is its first items in the queue's order over every open item, not an ordering of the newest
 * ones: an old critical item in a watched room heads GET /api/queue and the staff feed's first frame however many
 * newer, lighter items follow it, pages walk every open item once, and an ended room's items fall behind.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class QueueOrderTest {

  private static final int LIST_MAX = 30;
  private static final int FEED_MAX = 10;
  private static final int NEWER = LIST_MAX + 5;

  private static String post(Http http, String token, String roomId, String text) {
    Http.Reply reply = http.post("/api/rooms/" + roomId + "/transcript", token, new JsonObject().put("segments",
        new JsonArray().add(new JsonObject().put("id", "order-" + roomId).put("startMs", 0).put("endMs", 1000)
            .put("text", text))));
    assertThat(reply.status()).isEqualTo(202);
    return "q-" + reply.body().getJsonArray("warnings").getJsonObject(0).getString("id");
  }

  @Test
  void anOldCriticalItemHeadsTheListAndTheFeedBehindManyNewerLighterOnes(Vertx vertx) throws Exception {
    RedisProbe redis = new RedisProbe(vertx);
    redis.clearQueue();
    TestNode node = TestNode.start(Map.of("LIVEJURY_REVIEW_LIST_MAX", Integer.toString(LIST_MAX),
        "LIVEJURY_REVIEW_FEED_MAX", Integer.toString(FEED_MAX), "LIVEJURY_REVIEW_RERANK_MS", "500"));
    try {
      Http http = new Http(node.port());
      String staff = http.token("order-staff", "staff");
      String run = Long.toString(System.currentTimeMillis(), 36);
      String bigRoom = http.createRoom(staff, "order-big-" + run);
      List<TestSocket> viewers = TestSocket.viewers(vertx, http, bigRoom, "order-viewer-", 9);
      // Each node reports its viewers every second: the item is ranked with the room's audience as reported.
      TimeUnit.MILLISECONDS.sleep(1_500);
      String critical = post(http, staff, bigRoom, "这款茶能治疗糖尿病，大家放心喝");
      List<String> newer = new ArrayList<>();
      for (int i = 0; i < NEWER; i++) {
        newer.add(post(http, staff, http.createRoom(staff, "order-small-" + run + "-" + i), "这款茶全网最低价"));
      }

      JsonObject first = http.get("/api/queue", staff).body();
      JsonArray items = first.getJsonArray("items");
      assertThat(items).hasSize(LIST_MAX);
      assertThat(items.getJsonObject(0).getString("id")).isEqualTo(critical);
      assertThat(items.getJsonObject(0).getLong("audience")).isEqualTo(9);
      assertThat(first.getString("next")).isNotNull();

      TestSocket feed = TestSocket.staff(vertx, node.port(), staff);
      JsonArray frame = feed.await("queue").getJsonArray("items");
      assertThat(frame).hasSize(FEED_MAX);
      assertThat(frame.getJsonObject(0).getString("id")).isEqualTo(critical);

      List<String> walked = new ArrayList<>();
      List<Double> risks = new ArrayList<>();
      String cursor = null;
      do {
        JsonObject page = http.get("/api/queue?limit=7" + (cursor == null ? ""
            : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), staff).body();
        assertThat(page.getJsonArray("items").size()).isLessThanOrEqualTo(7);
        page.getJsonArray("items").forEach(o -> {
          walked.add(((JsonObject) o).getString("id"));
          risks.add(((JsonObject) o).getDouble("risk"));
        });
        cursor = page.getString("next");
      } while (cursor != null);
      // The Redis of the test run is shared: a prompt an earlier test left open may be decided meanwhile and put its
      // verdict in the queue too. Every item is walked once, in order; this test's own are all there.
      assertThat(walked).doesNotHaveDuplicates();
      List<String> ours = walked.stream().filter(id -> id.equals(critical) || newer.contains(id)).toList();
      assertThat(ours).hasSize(NEWER + 1);
      assertThat(new HashSet<>(ours)).containsAll(newer).contains(critical);
      assertThat(ours.get(0)).isEqualTo(critical);
      List<Double> ourRisks = new ArrayList<>();
      for (int i = 0; i < walked.size(); i++) {
        if (ours.contains(walked.get(i))) {
          ourRisks.add(risks.get(i));
        }
      }
      assertThat(ourRisks).as("this test's items, all of live rooms, by risk")
          .isSortedAccordingTo((x, y) -> Double.compare(y, x));

      assertThat(http.get("/api/queue?limit=0", staff).status()).isEqualTo(400);
      assertThat(http.get("/api/queue?limit=" + (LIST_MAX + 1), staff).status()).isEqualTo(400);
      assertThat(http.get("/api/queue?cursor=nonsense", staff).status()).isEqualTo(400);

      // An ended room's items go behind every live room's at once.
      assertThat(http.post("/api/rooms/" + bigRoom + "/end", staff, null).status()).isEqualTo(200);
      JsonArray after = http.awaitGet("/api/queue?limit=" + LIST_MAX, staff,
          reply -> !critical.equals(reply.body().getJsonArray("items").getJsonObject(0).getString("id")),
          Duration.ofSeconds(5), "the ended room's item leaves the head").body().getJsonArray("items");
      assertThat(after.stream().map(o -> ((JsonObject) o).getString("id"))).doesNotContain(critical);
      viewers.forEach(TestSocket::close);
      feed.close();
    } finally {
      node.stop();
    }
  }
}
