package io.livejury.verdict;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closer sleeps until the next deadline instead of polling: a prompt closes at its deadline however long the
 * closer's idle pause, because the node that opens it wakes its closer; and a prompt whose opening node died is
 * found by another node within that node's idle pause.
 */
@ExtendWith(EmbeddedServersExtension.class)
class CloserTimingTest {

  @Test
  void aPromptClosesAtItsDeadlineThoughTheClosersIdlePauseIsTenSeconds() {
    TestNode node = TestNode.start(Map.of("LIVEJURY_CLOSER_IDLE_MS", "10000"));
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String roomId = http.createRoom(staff, "streamer-closer-wake");
      JsonObject prompt = http.openPrompt(staff, roomId, 2);
      JsonObject verdict = awaitVerdict(http, staff, prompt.getString("id"), Duration.ofSeconds(8));
      long late = Duration.between(Instant.parse(prompt.getString("closesAt")),
          Instant.parse(verdict.getString("decidedAt"))).toMillis();
      assertThat(late).as("ms from the deadline to the verdict").isBetween(0L, 500L);
    } finally {
      node.stop();
    }
  }

  @Test
  void aPromptWhoseNodeDiedIsClosedByAnotherWithinItsIdlePause() {
    TestNode other = TestNode.start(Map.of("LIVEJURY_CLOSER_IDLE_MS", "1000"));
    TestNode opener = TestNode.start(Map.of("LIVEJURY_CLOSER_IDLE_MS", "10000"));
    try {
      Http http = new Http(opener.port());
      String staff = http.token("staff-1", "staff");
      String roomId = http.createRoom(staff, "streamer-closer-died");
      JsonObject prompt = http.openPrompt(staff, roomId, 2);
      opener.stop();
      JsonObject verdict = awaitVerdict(new Http(other.port()), staff, prompt.getString("id"), Duration.ofSeconds(8));
      long late = Duration.between(Instant.parse(prompt.getString("closesAt")),
          Instant.parse(verdict.getString("decidedAt"))).toMillis();
      assertThat(late).as("ms from the deadline to the verdict").isBetween(0L, 1_500L);
    } finally {
      other.stop();
    }
  }

  private static JsonObject awaitVerdict(Http http, String token, String promptId, Duration within) {
    return http.awaitGet("/api/prompts/" + promptId, token,
        reply -> reply.status() == 200 && reply.body().containsKey("verdict"), within,
        "prompt " + promptId + " got no verdict in time").body().getJsonObject("verdict");
  }
}
