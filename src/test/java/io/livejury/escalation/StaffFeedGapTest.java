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

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A staff feed does not lose an item to a gap on the staff channel: while the node's subscriber connection is down,
 * an alert published meanwhile reaches nobody, so once the node has subscribed again every feed gets the whole queue
 * again, the missed item in it.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class StaffFeedGapTest {

  @Test
  void aFeedGetsTheQueueAgainAfterTheStaffChannelWasLost(Vertx vertx) throws InterruptedException {
    // Three seconds before the lost subscriber is replaced: the item below is added inside the gap.
    TestNode node = TestNode.start(Map.of("LIVEJURY_SUBSCRIBER_RECONNECT_MS", "3000"));
    RedisProbe probe = new RedisProbe(vertx);
    try {
      Http http = new Http(node.port());
      String staff = http.token("gap-staff-1", "staff");
      String roomId = http.createRoom(staff, "gap-streamer-1");
      TestSocket feed = TestSocket.staff(vertx, node.port(), staff);
      feed.await("queue");

      assertThat(probe.killStaffFeedSubscriber()).isEqualTo(1);
      Http.Reply reply = http.post("/api/rooms/" + roomId + "/transcript", staff, new JsonObject().put("segments",
          new JsonArray().add(new JsonObject().put("id", "gap-seg-1").put("startMs", 0).put("endMs", 1000)
              .put("text", "这款茶能治疗糖尿病，大家放心喝"))));
      assertThat(reply.status()).isEqualTo(202);
      String itemId = "q-" + reply.body().getJsonArray("warnings").getJsonObject(0).getString("id");

      JsonObject again = feed.await(f -> "queue".equals(f.getString("type"))
          && f.getJsonArray("items").stream().anyMatch(i -> itemId.equals(((JsonObject) i).getString("id"))));
      assertThat(again.getJsonArray("items").stream().filter(i -> itemId.equals(((JsonObject) i).getString("id"))))
          .hasSize(1);
      List<JsonObject> queues = feed.frames("queue");
      assertThat(queues).hasSize(2);
      // The alert was published while nobody on this node listened: the queue frame is how the feed learnt of it.
      assertThat(feed.frames("alert").stream()
          .filter(f -> itemId.equals(f.getJsonObject("item").getString("id")))).isEmpty();

      // Alerts flow again on the new connection.
      String other = http.createRoom(staff, "gap-streamer-2");
      http.post("/api/rooms/" + other + "/transcript", staff, new JsonObject().put("segments",
          new JsonArray().add(new JsonObject().put("id", "gap-seg-2").put("startMs", 0).put("endMs", 1000)
              .put("text", "这款茶能治疗糖尿病，大家放心喝"))));
      feed.await(f -> "alert".equals(f.getString("type")) && other.equals(f.getJsonObject("item").getString("roomId")));
      feed.close();
    } finally {
      probe.close();
      node.stopAfter(vertx);
    }
  }
}
