package io.livejury.vote;

import io.livejury.common.RedisKeys;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.RedisPair;
import io.livejury.support.TcpProxy;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durable acknowledgements on a real master + replica pair (redis-server processes): with
 * {@code LIVEJURY_REDIS_ACK_REPLICAS=1} every ballot acked {@code accepted} is in the replica's counts when the
 * master dies by kill -9 and the replica takes over; while the replica is frozen no ballot is acked accepted, each
 * is answered {@code rejected} / {@code unavailable} within the timeout, and once it thaws a retry is answered
 * {@code duplicate} (the master had counted it) and new voters are accepted. The default ({@code 0}) is shown to
 * lose acked ballots in the same failover, as documented.
 */
@ExtendWith(EmbeddedServersExtension.class)
class ReplicatedAcksTest {

  private static final int VOTERS = 40;
  private static final long TIMEOUT_MS = 500;

  @Test
  void everyAcceptedBallotIsOnTheReplicaAfterTheMasterDies() throws InterruptedException {
    try (RedisPair pair = RedisPair.start("failover")) {
      Vertx clients = Vertx.vertx();
      TestNode node = TestNode.start(Map.of("LIVEJURY_REDIS_URL", pair.masterUrl(),
          "LIVEJURY_REDIS_ACK_REPLICAS", "1", "LIVEJURY_REDIS_ACK_TIMEOUT_MS", "2000"));
      try {
        Http http = new Http(node.port());
        String staff = http.token("staff-1", "staff");
        String roomId = http.createRoom(staff, "streamer-failover");
        List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "voter-failover-", VOTERS);
        String promptId = http.openPrompt(staff, roomId, 60).getString("id");
        for (int i = 0; i < VOTERS; i++) {
          viewers.get(i).ballot("b" + i, promptId, i % 3 == 0 ? "true" : "false");
        }
        Map<String, Long> accepted = new HashMap<>();
        Map<String, String> acceptedVoters = new HashMap<>();
        for (int i = 0; i < VOTERS; i++) {
          JsonObject ack = viewers.get(i).ack("b" + i);
          if ("accepted".equals(ack.getString("status"))) {
            String option = i % 3 == 0 ? "true" : "false";
            accepted.merge(option, 1L, Long::sum);
            acceptedVoters.put("voter-failover-" + i, option);
          }
        }
        // The replica is healthy: every ballot is acked, and accepted.
        assertThat(accepted.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(VOTERS);
        // Ballots sent together share their WAITs: one per event loop's batch, not one per ballot.
        assertThat(waits(http.text("/metrics"))).as("WAITs for " + VOTERS + " ballots sent at once")
            .isBetween(1L, VOTERS - 1L);

        pair.killMaster();
        pair.promoteReplica();

        Map<String, String> counts = pair.replicaHash(RedisKeys.counts(promptId));
        Map<String, Long> counted = new HashMap<>();
        counts.forEach((option, n) -> {
          if (Long.parseLong(n) > 0) {
            counted.put(option, Long.parseLong(n));
          }
        });
        assertThat(counted).as("the promoted replica's counts").isEqualTo(accepted);
        Map<String, String> voters = pair.replicaHash(RedisKeys.voters(promptId));
        acceptedVoters.forEach((voter, option) ->
            assertThat(BallotCounter.votedOption(voters.get(voter))).as(voter).isEqualTo(option));
      } finally {
        node.stopAfter(clients);
      }
    }
  }

  /**
   * The scenario: a master dies while its replica lags (its link cut), and the replica takes over. Every ballot
   * acked accepted before is on it; the prompt opened while the replica lagged, which it never received, is closed
   * for the viewers as lost instead of hanging open, and ballots on it are acked closed / lost. Until the new
   * master has a replica of its own, ballots are acked unavailable, never accepted.
   */
  @Test
  void afterAFailoverToALaggingReplicaAcceptedBallotsStayAndTheUnseenPromptIsClosedAsLost()
      throws InterruptedException {
    try (RedisPair pair = RedisPair.start("lagging")) {
      Vertx clients = Vertx.vertx();
      // The node reaches Redis through a relay, which the failover points at the promoted replica.
      TcpProxy redis = new TcpProxy(clients, "127.0.0.1", pair.masterPort());
      redis.up();
      TestNode node = TestNode.start(Map.of("LIVEJURY_REDIS_URL", "redis://127.0.0.1:" + redis.port(),
          "LIVEJURY_REDIS_ACK_REPLICAS", "1", "LIVEJURY_REDIS_ACK_TIMEOUT_MS", Long.toString(TIMEOUT_MS)));
      try {
        Http http = new Http(node.port());
        String staff = http.token("staff-1", "staff");
        String roomId = http.createRoom(staff, "streamer-lagging");
        List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "voter-lagging-", 6);
        String kept = http.openPrompt(staff, roomId, 60).getString("id");
        for (int i = 0; i < 6; i++) {
          viewers.get(i).ballot("k" + i, kept, "false");
          assertThat(viewers.get(i).ack("k" + i).getString("status")).isEqualTo("accepted");
        }

        pair.cutReplication();
        String unseen = http.openPrompt(staff, roomId, 60).getString("id");
        for (int i = 0; i < 3; i++) {
          viewers.get(i).ballot("u" + i, unseen, "true");
          assertThat(viewers.get(i).ack("u" + i).getString("reason")).isEqualTo("unavailable");
        }

        pair.killMaster();
        redis.down();
        pair.promoteReplica();
        redis.retarget(pair.replicaPort());
        redis.up();

        for (TestSocket viewer : viewers) {
          JsonObject closed = viewer.await("closed");
          assertThat(closed.getString("promptId")).isEqualTo(unseen);
          assertThat(closed.getString("reason")).isEqualTo("lost");
        }
        assertThat(pair.replicaHash(RedisKeys.counts(kept))).containsEntry("false", "6");
        // The new master has no replica of its own yet: nothing it counts can be promised safe.
        viewers.get(5).ballot("again", kept, "false");
        JsonObject again = viewers.get(5).ack("again");
        assertThat(again.getString("status")).as("a retry before the new master has a replica").isEqualTo("rejected");
        assertThat(again.getString("reason")).isEqualTo("unavailable");
        viewers.get(1).ballot("lost", unseen, "true");
        JsonObject lost = viewers.get(1).ack("lost");
        assertThat(lost.getString("status")).isEqualTo("closed");
        assertThat(lost.getString("reason")).isEqualTo("lost");
        assertThat(http.text("/metrics")).contains("livejury_prompts_lost_total 1.0");
      } finally {
        redis.down();
        node.stopAfter(clients);
      }
    }
  }

  /**
   * What the single-server default does not promise, shown: with {@code LIVEJURY_REDIS_ACK_REPLICAS=0} ballots the
   * lagging replica never received are acked accepted all the same, and are gone once it takes over.
   */
  @Test
  void theSingleServerDefaultAcksBallotsAFailoverLoses() throws InterruptedException {
    try (RedisPair pair = RedisPair.start("default")) {
      Vertx clients = Vertx.vertx();
      TestNode node = TestNode.start(Map.of("LIVEJURY_REDIS_URL", pair.masterUrl()));
      try {
        Http http = new Http(node.port());
        String staff = http.token("staff-1", "staff");
        String roomId = http.createRoom(staff, "streamer-default");
        List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "voter-default-", 4);
        String promptId = http.openPrompt(staff, roomId, 60).getString("id");
        viewers.get(0).ballot("early", promptId, "false");
        assertThat(viewers.get(0).ack("early").getString("status")).isEqualTo("accepted");
        pair.awaitReplicaHas(RedisKeys.voters(promptId), "voter-default-0");

        pair.cutReplication();
        for (int i = 1; i < 4; i++) {
          viewers.get(i).ballot("late" + i, promptId, "false");
          assertThat(viewers.get(i).ack("late" + i).getString("status")).isEqualTo("accepted");
        }
        pair.killMaster();
        pair.promoteReplica();
        assertThat(pair.replicaHash(RedisKeys.counts(promptId))).as("4 ballots acked accepted, 1 kept")
            .containsEntry("false", "1");
      } finally {
        node.stopAfter(clients);
      }
    }
  }

  /**
   * Ballots taken on while a WAIT blocks the lane are not answered a whole timeout after it returns, and a socket's
   * ballot on one prompt does not wait for the replicas' answer about its ballot on another: with the replica
   * frozen, waves of sockets each voting on two prompts at once are every one answered {@code rejected} /
   * {@code unavailable} within the timeout (1 s) plus 300 ms of when it was sent.
   */
  @Test
  void withTheReplicaFrozenEveryBallotOfABurstIsAnsweredWithinTheTimeout() throws InterruptedException {
    long timeoutMs = 1_000;
    int waves = 3;
    int perWave = 3;
    try (RedisPair pair = RedisPair.start("burst")) {
      Vertx clients = Vertx.vertx();
      TestNode node = TestNode.start(Map.of("LIVEJURY_REDIS_URL", pair.masterUrl(),
          "LIVEJURY_REDIS_ACK_REPLICAS", "1", "LIVEJURY_REDIS_ACK_TIMEOUT_MS", Long.toString(timeoutMs)));
      try {
        Http http = new Http(node.port());
        String staff = http.token("staff-1", "staff");
        String roomId = http.createRoom(staff, "streamer-burst");
        List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "voter-burst-", waves * perWave);
        List<String> prompts = List.of(http.openPrompt(staff, roomId, 60).getString("id"),
            http.openPrompt(staff, roomId, 60).getString("id"));

        pair.freezeReplica();
        long[] sent = new long[waves * perWave];
        // Waves 400 ms apart: each later wave reaches the lane while an earlier wave's WAIT blocks it.
        for (int wave = 0; wave < waves; wave++) {
          for (int i = wave * perWave; i < (wave + 1) * perWave; i++) {
            sent[i] = System.nanoTime();
            viewers.get(i).ballot("a" + i, prompts.get(0), "false");
            viewers.get(i).ballot("b" + i, prompts.get(1), "true");
          }
          Thread.sleep(400);
        }
        for (int i = 0; i < waves * perWave; i++) {
          for (String ref : List.of("a" + i, "b" + i)) {
            JsonObject ack = viewers.get(i).ack(ref);
            assertThat(ack.getString("status")).as(ref).isEqualTo("rejected");
            assertThat(ack.getString("reason")).as(ref).isEqualTo("unavailable");
            long tookMs = (ackArrival(viewers.get(i), ref) - sent[i]) / 1_000_000;
            assertThat(tookMs).as("ms until " + ref + " was answered").isLessThan(timeoutMs + 300);
          }
        }
      } finally {
        pair.thawReplica();
        node.stopAfter(clients);
      }
    }
  }

  /** When the ack of {@code ref} arrived, in {@link System#nanoTime()} units. */
  private static long ackArrival(TestSocket socket, String ref) {
    List<JsonObject> acks = socket.frames("ack");
    List<Long> arrivals = socket.arrivals("ack");
    for (int i = 0; i < acks.size(); i++) {
      if (ref.equals(acks.get(i).getString("ref"))) {
        return arrivals.get(i);
      }
    }
    throw new AssertionError("no ack of " + ref);
  }

  /** How many WAITs the node sent, from its /metrics. */
  private static long waits(String metrics) {
    Matcher count = Pattern.compile("(?m)^livejury_redis_call_seconds_count\\{command=\"wait\"[^}]*} (\\S+)$")
        .matcher(metrics);
    assertThat(count.find()).as("a WAIT timing in /metrics").isTrue();
    return (long) Double.parseDouble(count.group(1));
  }

  @Test
  void aFrozenReplicaGetsBallotsAckedUnavailableThenRetriesAreConsistent() throws InterruptedException {
    try (RedisPair pair = RedisPair.start("frozen")) {
      Vertx clients = Vertx.vertx();
      TestNode node = TestNode.start(Map.of("LIVEJURY_REDIS_URL", pair.masterUrl(),
          "LIVEJURY_REDIS_ACK_REPLICAS", "1", "LIVEJURY_REDIS_ACK_TIMEOUT_MS", Long.toString(TIMEOUT_MS)));
      try {
        Http http = new Http(node.port());
        String staff = http.token("staff-1", "staff");
        String roomId = http.createRoom(staff, "streamer-frozen");
        List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "voter-frozen-", 11);
        String promptId = http.openPrompt(staff, roomId, 60).getString("id");

        pair.freezeReplica();
        long sent = System.nanoTime();
        for (int i = 0; i < 10; i++) {
          viewers.get(i).ballot("f" + i, promptId, "false");
        }
        for (int i = 0; i < 10; i++) {
          JsonObject ack = viewers.get(i).ack("f" + i);
          assertThat(ack.getString("status")).as("ack of a ballot no replica confirmed").isEqualTo("rejected");
          assertThat(ack.getString("reason")).isEqualTo("unavailable");
        }
        long tookMs = (System.nanoTime() - sent) / 1_000_000;
        // Each waits at most the timeout from when its script was sent; the margin is for a shared machine.
        assertThat(tookMs).as("every ballot answered within the timeout").isLessThan(TIMEOUT_MS + 1_500);
        // Counted on the master all the same: the voters were told to retry, not that it was refused.
        assertThat(pair.masterHash(RedisKeys.counts(promptId)).get("false")).isEqualTo("10");

        pair.thawReplica();
        for (int i = 0; i < 10; i++) {
          viewers.get(i).ballot("r" + i, promptId, "true");
        }
        for (int i = 0; i < 10; i++) {
          JsonObject retry = viewers.get(i).ack("r" + i);
          assertThat(retry.getString("status")).as("a retry once the replica holds the first ballot")
              .isEqualTo("duplicate");
          assertThat(retry.getString("voted")).isEqualTo("false");
        }
        viewers.get(10).ballot("n", promptId, "true");
        assertThat(viewers.get(10).ack("n").getString("status")).isEqualTo("accepted");
        assertThat(pair.replicaHash(RedisKeys.counts(promptId))).containsEntry("false", "10").containsEntry("true", "1");
      } finally {
        pair.thawReplica();
        node.stopAfter(clients);
      }
    }
  }
}
