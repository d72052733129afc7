package io.livejury.room;

import io.livejury.common.RedisKeys;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.RedisProbe;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A prompt that vanishes from Redis while open (here its keys are deleted, as a failover to a replica that never
 * saw it, or a restart from an older snapshot, would leave things) is closed for the sockets that see it open with a
 * {@code closed} frame, reason {@code lost}, counted once in /metrics; ballots on it are acked {@code closed} /
 * {@code lost}. Either sign shows it: the tally round finding its hash gone, or a ballot's script not knowing it.
 */
@ExtendWith(EmbeddedServersExtension.class)
class LostPromptTest {

  @Test
  void theTallyRoundClosesALostPromptForItsViewers() {
    Vertx clients = Vertx.vertx();
    TestNode node = TestNode.start();
    RedisProbe redis = new RedisProbe(clients);
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String roomId = http.createRoom(staff, "streamer-lost-tally");
      List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "viewer-lost-tally-", 2);
      String promptId = http.openPrompt(staff, roomId, 60).getString("id");
      viewers.get(0).ballot("before", promptId, "false");
      assertThat(viewers.get(0).ack("before").getString("status")).isEqualTo("accepted");

      lose(redis, promptId);

      for (TestSocket viewer : viewers) {
        JsonObject closed = viewer.await("closed");
        assertThat(closed.getString("promptId")).isEqualTo(promptId);
        assertThat(closed.getString("reason")).isEqualTo("lost");
        assertThat(closed.getString("message")).isNotBlank();
      }
      viewers.get(1).ballot("after", promptId, "true");
      JsonObject ack = viewers.get(1).ack("after");
      assertThat(ack.getString("status")).isEqualTo("closed");
      assertThat(ack.getString("reason")).isEqualTo("lost");
      assertThat(http.text("/metrics")).contains("livejury_prompts_lost_total 1.0");
      assertThat(viewers.get(0).frames("closed")).hasSize(1);
    } finally {
      redis.close();
      node.stopAfter(clients);
    }
  }

  @Test
  void aBallotOnALostPromptClosesItBeforeAnyTallyRound() {
    Vertx clients = Vertx.vertx();
    // No tally round runs during the test: the ballot alone must notice.
    TestNode node = TestNode.start(Map.of("LIVEJURY_TALLY_INTERVAL_MS", "600000"));
    RedisProbe redis = new RedisProbe(clients);
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String roomId = http.createRoom(staff, "streamer-lost-ballot");
      List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "viewer-lost-ballot-", 2);
      String promptId = http.openPrompt(staff, roomId, 60).getString("id");
      viewers.get(1).await("prompt");

      lose(redis, promptId);

      viewers.get(0).ballot("lost", promptId, "true");
      JsonObject ack = viewers.get(0).ack("lost");
      assertThat(ack.getString("status")).isEqualTo("closed");
      assertThat(ack.getString("reason")).isEqualTo("lost");
      assertThat(viewers.get(1).await("closed").getString("promptId")).isEqualTo(promptId);
      assertThat(http.text("/metrics")).contains("livejury_prompts_lost_total 1.0");

      // A prompt id nobody ever saw open stays what it was: unknown, not lost.
      viewers.get(0).ballot("never", "p-never-opened", "true");
      assertThat(viewers.get(0).ack("never").getString("reason")).isEqualTo("unknown_prompt");
    } finally {
      redis.close();
      node.stopAfter(clients);
    }
  }

  /**
   * A prompt lost while its only viewer was away is gone for the node as for Redis: the viewer's new welcome leaves it
   * out of the open prompts (the page closes a card a welcome leaves out), and a ballot on it is acked
   * {@code closed} / {@code lost}, or {@code rejected} / {@code unknown_prompt} once the node has let the room go,
   * which a client showing the prompt takes as closed (docs/protocol.md).
   */
  @Test
  void aPromptLostWhileItsViewerWasAwayIsLeftOutOfTheWelcome() {
    Vertx clients = Vertx.vertx();
    TestNode node = TestNode.start();
    RedisProbe redis = new RedisProbe(clients);
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String roomId = http.createRoom(staff, "streamer-lost-away");
      String token = http.token("viewer-lost-away", "viewer");
      TestSocket first = TestSocket.connect(clients, node.port(), roomId, token);
      String promptId = http.openPrompt(staff, roomId, 60).getString("id");
      assertThat(first.await("prompt").getJsonObject("prompt").getString("id")).isEqualTo(promptId);
      first.close();

      lose(redis, promptId);

      TestSocket again = TestSocket.connect(clients, node.port(), roomId, token);
      assertThat(again.await("welcome").getJsonArray("openPrompts").stream()
          .map(prompt -> ((JsonObject) prompt).getString("id"))).doesNotContain(promptId);
      again.ballot("away", promptId, "true");
      JsonObject ack = again.ack("away");
      // closed / lost while the node still follows the room and the prompt; unknown once it has let the room go.
      assertThat(ack.getString("status") + "/" + ack.getString("reason"))
          .isIn("closed/lost", "rejected/unknown_prompt");
    } finally {
      redis.close();
      node.stopAfter(clients);
    }
  }

  /** Every key of the prompt goes, as on a replica that never received it. */
  private static void lose(RedisProbe redis, String promptId) {
    redis.delete(RedisKeys.prompt(promptId), RedisKeys.counts(promptId), RedisKeys.voters(promptId),
        RedisKeys.curve(promptId));
  }
}
