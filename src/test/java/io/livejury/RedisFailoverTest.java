package io.livejury;

import io.livejury.common.HashSlots;
import io.livejury.common.RedisKeys;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.PgProbe;
import io.livejury.support.RedisClusterProcesses;
import io.livejury.support.RetriedVotes;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A master of a real Redis Cluster (three masters, three replicas) killed with SIGKILL mid-vote, on a node that acks
 * a ballot only once a replica holds it ({@code LIVEJURY_REDIS_ACK_REPLICAS=1}): the master's replica is promoted,
 * the killed server comes back as the new master's replica, voting goes on. Every ballot acked {@code accepted} is
 * in the final count, each voter once; a voter acked before the failover who votes again for the other option is
 * told {@code duplicate} with the first option; while the shard has no master, or a master without a replica in
 * sync, its ballots are acked {@code rejected}/{@code unavailable} and never {@code accepted}; the other shards'
 * ballots are accepted throughout; every prompt gets exactly one verdict, in Postgres and on every socket; the
 * staff feed learns of a warning raised after it.
 */
@ExtendWith(EmbeddedServersExtension.class)
class RedisFailoverTest {

  private static final int PER_ROOM = 18;
  private static final int PROMPT_SECONDS = 30;

  @Test
  void aMasterKilledMidVoteLosesNoAcknowledgedBallot() throws Exception {
    try (RedisClusterProcesses cluster = RedisClusterProcesses.start("failover")) {
      Vertx clients = Vertx.vertx();
      TestNode node = TestNode.start(cluster.durableNodeEnv());
      PgProbe pg = new PgProbe(clients);
      try {
        Http http = new Http(node.port());
        String staff = http.token("staff-1", "staff");
        TestSocket feed = TestSocket.staff(clients, node.port(), staff);
        feed.await("queue");

        Map<String, List<TestSocket>> viewersByPrompt = new LinkedHashMap<>();
        Map<String, Integer> masterByPrompt = new LinkedHashMap<>();
        openOnTwoMasters(cluster, clients, http, staff, PROMPT_SECONDS, viewersByPrompt, masterByPrompt);
        String victimPrompt = viewersByPrompt.keySet().iterator().next();
        int victim = masterByPrompt.get(victimPrompt);
        int slot = HashSlots.slot(RedisKeys.prompt(victimPrompt));

        // Each prompt's voters in three waves: before the kill, during the failover, after it.
        Map<TestSocket, String> optionOf = new HashMap<>();
        Map<TestSocket, String> promptOf = new HashMap<>();
        List<List<TestSocket>> waves = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        viewersByPrompt.forEach((promptId, sockets) -> {
          for (int v = 0; v < sockets.size(); v++) {
            optionOf.put(sockets.get(v), v % 3 == 0 ? "true" : "false");
            promptOf.put(sockets.get(v), promptId);
            waves.get(v * 3 / sockets.size()).add(sockets.get(v));
          }
        });

        RetriedVotes first = RetriedVotes.cast(waves.get(0), promptOf::get, optionOf, "w1", 100);
        assertThat(first.unavailable()).as("ballots refused with every server up").isEmpty();

        cluster.kill(victim);
        long killed = System.nanoTime();
        RetriedVotes during = RetriedVotes.cast(waves.get(1), promptOf::get, optionOf, "w2", 1);
        // The shards still up count their ballots while the killed one has no master.
        for (TestSocket socket : waves.get(1)) {
          if (masterByPrompt.get(promptOf.get(socket)) != victim) {
            assertThat(during.counted()).as("a ballot on a shard still up").containsKey(socket);
          }
        }
        int promoted = cluster.awaitNewMaster(slot, victim, 20_000);
        long promotedAt = System.nanoTime();
        // The promoted replica has no replica of its own: nothing is acked accepted on its shard until one syncs.
        RetriedVotes orphaned = RetriedVotes.cast(waves.get(1), promptOf::get, optionOf, "w2o", 1);
        for (TestSocket socket : waves.get(1)) {
          if (masterByPrompt.get(promptOf.get(socket)) == victim) {
            assertThat(orphaned.counted()).as("a ballot acked while its master has no replica").doesNotContainKey(socket);
          }
        }
        cluster.restart(victim);
        cluster.awaitReplicaOf(promoted, 20_000);
        long synced = System.nanoTime();
        RetriedVotes retried = RetriedVotes.cast(waves.get(1), promptOf::get, optionOf, "w2r", 100);
        RetriedVotes last = RetriedVotes.cast(waves.get(2), promptOf::get, optionOf, "w3", 100);
        System.out.printf("Failover: replica promoted %.1f s after the kill, the killed server back as its replica and"
            + " in sync %.1f s after the kill%n", (promotedAt - killed) / 1e9, (synced - killed) / 1e9);

        // Wave one's ballots, acked before the kill, survived it: a second ballot for the other option is a duplicate
        // of the first.
        for (TestSocket socket : waves.get(0)) {
          String other = optionOf.get(socket).equals("true") ? "false" : "true";
          socket.ballot("again", promptOf.get(socket), other);
        }
        for (TestSocket socket : waves.get(0)) {
          JsonObject ack = socket.ack("again");
          assertThat(ack.getString("status")).as("a second ballot of a voter acked before the kill").isEqualTo("duplicate");
          assertThat(ack.getString("voted")).isEqualTo(optionOf.get(socket));
        }

        // The node's plain subscribers came back too: a warning raised now reaches the staff feed.
        String alertRoom = http.createRoom(staff, "st-alert-" + Long.toString(System.currentTimeMillis(), 36));
        assertThat(http.post("/api/rooms/" + alertRoom + "/transcript", staff, Http.transcript("after-failover",
            List.of("这款茶能治疗糖尿病，大家放心喝"))).status()).isEqualTo(202);
        // As an alert, or — when its subscriber is still catching up after the failover — in the queue frame the
        // feed sends after any gap (docs/protocol.md, staff feed).
        feed.await(f -> "alert".equals(f.getString("type"))
            && alertRoom.equals(f.getJsonObject("item").getString("roomId"))
            || "queue".equals(f.getString("type")) && f.getJsonArray("items").stream()
            .anyMatch(item -> alertRoom.equals(((JsonObject) item).getString("roomId"))));

        // Every voter was acked once as counted; the verdicts count each exactly once, in Postgres and on the sockets.
        Map<TestSocket, String> counted = new HashMap<>(first.counted());
        counted.putAll(during.counted());
        counted.putAll(retried.counted());
        counted.putAll(last.counted());
        assertThat(counted).hasSize(optionOf.size());
        for (Map.Entry<String, List<TestSocket>> room : viewersByPrompt.entrySet()) {
          String promptId = room.getKey();
          long condemning = room.getValue().stream().filter(s -> optionOf.get(s).equals("false")).count();
          JsonObject recorded = http.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(PROMPT_SECONDS + 30));
          assertThat(recorded.getLong("total")).as("verdict of " + promptId).isEqualTo(PER_ROOM);
          assertThat(recorded.getJsonObject("counts").getLong("false")).isEqualTo(condemning);
          assertThat(pg.count("SELECT count(*) FROM verdicts WHERE prompt_id = $1", promptId)).isEqualTo(1);
          for (TestSocket socket : room.getValue()) {
            JsonObject verdict = socket.await(f -> "verdict".equals(f.getString("type"))
                && promptId.equals(f.getJsonObject("verdict").getString("promptId"))).getJsonObject("verdict");
            assertThat(verdict.getLong("total")).isEqualTo(PER_ROOM);
          }
        }
      } finally {
        pg.close();
        clients.close().await();
        node.stop();
      }
    }
  }

  /**
   * Rooms, each with its viewers joined and then a prompt, until the prompts live on at least two masters (one to
   * lose, one to keep voting on): each prompt's viewers and master, in the order opened.
   */
  private static void openOnTwoMasters(RedisClusterProcesses cluster, Vertx clients, Http http, String staff,
      int seconds, Map<String, List<TestSocket>> viewersByPrompt, Map<String, Integer> masterByPrompt) {
    String nonce = Long.toString(System.currentTimeMillis(), 36);
    for (int n = 0; n < 3 || new HashSet<>(masterByPrompt.values()).size() < 2; n++) {
      String roomId = "failover-" + nonce + "-" + n;
      assertThat(http.post("/api/rooms", staff, new JsonObject().put("roomId", roomId).put("streamerId",
          "st-" + roomId).put("merchantId", "m-" + roomId).put("title", "Failover room")).status()).isEqualTo(201);
      List<TestSocket> sockets = TestSocket.viewers(clients, http, roomId, "v-" + roomId + "-", PER_ROOM);
      String promptId = http.openPrompt(staff, roomId, seconds).getString("id");
      sockets.forEach(socket -> socket.await("prompt"));
      viewersByPrompt.put(promptId, sockets);
      masterByPrompt.put(promptId, cluster.masterOfKey(RedisKeys.prompt(promptId)));
    }
  }

  /** Each voter's option: a third of each room clears the claim, the rest condemn it. */
  private static Map<TestSocket, String> options(Map<String, List<TestSocket>> viewersByPrompt) {
    Map<TestSocket, String> optionOf = new HashMap<>();
    viewersByPrompt.values().forEach(sockets -> {
      for (int v = 0; v < sockets.size(); v++) {
        optionOf.put(sockets.get(v), v % 3 == 0 ? "true" : "false");
      }
    });
    return optionOf;
  }
}
