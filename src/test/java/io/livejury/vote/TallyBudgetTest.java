package io.livejury.vote;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node's tallies stay within its frame budget: with a budget of 20 frames a second and 20 sockets in the
 * room, a tally that moved every 250 ms goes out about once a second, and the final one is still exact.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class TallyBudgetTest {

  @Test
  void aRoundOfTalliesToManySocketsDelaysTheNext(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    TestNode node = TestNode.start(Map.of("LIVEJURY_TALLY_FRAMES_PER_SECOND", "20"));
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String roomId = http.createRoom(staff, "streamer-budget");
      List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "budget-viewer-", 20);
      String promptId = http.openPrompt(staff, roomId, 6).getString("id");

      // One ballot every 200 ms for four seconds: the counts move before every 250 ms tick.
      for (TestSocket viewer : viewers) {
        viewer.await("prompt");
        viewer.ballot("b", promptId, "false");
        TimeUnit.MILLISECONDS.sleep(200);
      }
      TestSocket watcher = viewers.get(0);
      JsonObject verdict = watcher.await("verdict").getJsonObject("verdict");

      List<Long> arrivals = watcher.arrivals("tally");
      List<JsonObject> tallies = watcher.frames("tally");
      assertThat(tallies.get(tallies.size() - 1).getJsonObject("counts")).isEqualTo(verdict.getJsonObject("counts"));
      // Each round went to 20 sockets, a second of the budget; the final tally is sent apart from the rounds.
      List<Long> rounds = arrivals.subList(0, arrivals.size() - 1);
      assertThat(rounds).as("tally rounds while the votes came in").hasSizeGreaterThanOrEqualTo(3);
      for (int i = 1; i < rounds.size(); i++) {
        assertThat(rounds.get(i) - rounds.get(i - 1)).as("gap before tally " + i)
            .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(800));
      }
      tc.completeNow();
    } finally {
      node.stopAfter(vertx);
    }
  }

  @Test
  void thePauseIsTheIntervalUntilTheBudgetNeedsMore() {
    assertThat(TallyVerticle.pauseAfter(0, 250, 20_000)).isEqualTo(250);
    assertThat(TallyVerticle.pauseAfter(5_000, 250, 20_000)).isEqualTo(250);
    assertThat(TallyVerticle.pauseAfter(18_000, 250, 20_000)).isEqualTo(900);
    assertThat(TallyVerticle.pauseAfter(100_000, 250, 20_000)).isEqualTo(5_000);
  }

  @Test
  void aRoundWaitsWhileBallotsAreBackedUpButNotLongerThanTheHold() {
    // LIVEJURY_TALLY_HOLD_BALLOTS 100, LIVEJURY_TALLY_MAX_HOLD_MS 1000
    assertThat(TallyVerticle.holds(101, 100, 250, 1000)).as("a burst's backlog, last round 250 ms ago").isTrue();
    assertThat(TallyVerticle.holds(101, 100, 999, 1000)).isTrue();
    assertThat(TallyVerticle.holds(101, 100, 1000, 1000)).as("held the longest hold already").isFalse();
    assertThat(TallyVerticle.holds(100, 100, 250, 1000)).as("a backlog at the threshold").isFalse();
    assertThat(TallyVerticle.holds(0, 100, 250, 1000)).as("no ballot waiting").isFalse();
  }
}
