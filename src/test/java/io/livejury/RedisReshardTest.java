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
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slot of a prompt being voted on migrated by hand from one master of a real Redis Cluster (three masters, three
 * replicas) to another, the documented way, on a node that acks a ballot only once a replica holds it
 * ({@code LIVEJURY_REDIS_ACK_REPLICAS=1}). While the slot is migrating and every key of the prompt is still on its
 * source, ballots are counted there; with the keys split between source and target, Redis answers TRYAGAIN and the
 * ballots are acked {@code rejected}/{@code unavailable}, never anything else; with every key on the target, the
 * source answers ASK and the ballots are counted on the target, sent again after ASKING; once the target owns the
 * slot, the source answers MOVED and they go to the new master. Every voter who votes again for the other option is
 * told {@code duplicate} with the first option (each ballot, wherever it was counted, moved with the prompt); the
 * verdict counts each voter once, with exact counts per option, and is written to Postgres once; the prompt's keys
 * end on the target alone.
 */
@ExtendWith(EmbeddedServersExtension.class)
class RedisReshardTest {

  private static final int VIEWERS = 18;
  private static final int PROMPT_SECONDS = 30;
  /** Rounds, 200 ms apart, a wave may retry ballots acked unavailable (a WAIT short of its replica) before failing. */
  private static final int ROUNDS = 25;

  @Test
  void aSlotMigratedMidVoteCountsEveryVoterOnce() throws Exception {
    try (RedisClusterProcesses cluster = RedisClusterProcesses.start("reshard")) {
      Vertx clients = Vertx.vertx();
      TestNode node = TestNode.start(cluster.durableNodeEnv());
      PgProbe pg = new PgProbe(clients);
      try {
        Http http = new Http(node.port());
        String staff = http.token("staff-1", "staff");
        String roomId = http.createRoom(staff, "st-reshard-" + Long.toString(System.currentTimeMillis(), 36));
        List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "v-" + roomId + "-", VIEWERS);
        String promptId = http.openPrompt(staff, roomId, PROMPT_SECONDS).getString("id");
        viewers.forEach(socket -> socket.await("prompt"));
        List<String> promptKeys = List.of(RedisKeys.prompt(promptId), RedisKeys.voters(promptId),
            RedisKeys.counts(promptId), RedisKeys.curve(promptId), RedisKeys.excluded(promptId),
            RedisKeys.exclusions(promptId));
        int slot = HashSlots.slot(RedisKeys.prompt(promptId));
        int source = cluster.masterOf(slot);
        int target = cluster.masters().stream().filter(port -> port != source).findFirst().orElseThrow();

        // The voters in four waves: before the migration, while the slot is migrating with its keys on the source,
        // with them split and then all on the target, and once the target owns the slot.
        Map<TestSocket, String> optionOf = new HashMap<>();
        List<List<TestSocket>> waves = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>());
        for (int v = 0; v < VIEWERS; v++) {
          optionOf.put(viewers.get(v), v % 3 == 0 ? "true" : "false");
          waves.get(v * waves.size() / VIEWERS).add(viewers.get(v));
        }

        RetriedVotes first = RetriedVotes.cast(waves.get(0), socket -> promptId, optionOf, "w1", ROUNDS);
        assertThat(first.unavailable()).as("ballots refused before the migration").isEmpty();
        // Redis runs a script in a migrating slot only when all its keys are on one side, and a key never written is
        // on neither: until a voter is refused, the ballot script's two exclusion hashes do not exist, and every
        // ballot is answered TRYAGAIN from MIGRATING until the slot is assigned. A late joiner's refusal writes them.
        TestSocket late = TestSocket.connect(clients, node.port(), roomId, http.token("late-" + roomId, "viewer"));
        late.ballot("late", promptId, "false");
        JsonObject refused = late.ack("late");
        assertThat(refused.getString("status")).isEqualTo("rejected");
        assertThat(refused.getString("reason")).isEqualTo("late_join");
        assertThat(cluster.keysInSlot(source, slot)).containsAll(promptKeys);

        long started = System.nanoTime();
        String sourceId = cluster.nodeId(source);
        String targetId = cluster.nodeId(target);
        cluster.call(target, setSlot(slot, "IMPORTING", sourceId));
        cluster.call(source, setSlot(slot, "MIGRATING", targetId));
        RetriedVotes migrating = RetriedVotes.cast(waves.get(1), socket -> promptId, optionOf, "w2", ROUNDS);
        assertThat(migrating.unavailable()).as("ballots refused with every key still on the source").isEmpty();

        List<String> onSource = cluster.keysInSlot(source, slot);
        migrate(cluster, source, target, onSource.subList(0, onSource.size() / 2));
        RetriedVotes split = RetriedVotes.cast(waves.get(2), socket -> promptId, optionOf, "w3s", 1);
        assertThat(split.counted()).as("ballots counted with the prompt's keys split").isEmpty();
        assertThat(errors(cluster, source, "TRYAGAIN")).isGreaterThanOrEqualTo(waves.get(2).size());

        migrate(cluster, source, target, cluster.keysInSlot(source, slot));
        assertThat(cluster.keysInSlot(source, slot)).isEmpty();
        RetriedVotes asked = RetriedVotes.cast(waves.get(2), socket -> promptId, optionOf, "w3", ROUNDS);
        assertThat(asked.unavailable()).as("ballots refused with every key on the target").isEmpty();
        assertThat(errors(cluster, source, "ASK")).isGreaterThanOrEqualTo(waves.get(2).size());

        // The target first: it may then serve the slot, while the source still sends ASK there. The other masters
        // too, as redis-cli --cluster does, so whichever master the node reads the layout from names the target.
        List<Integer> assignOrder = new ArrayList<>(List.of(target, source));
        cluster.masters().stream().filter(port -> !assignOrder.contains(port)).forEach(assignOrder::add);
        assignOrder.forEach(port -> cluster.call(port, setSlot(slot, "NODE", targetId)));
        long migrated = System.nanoTime();
        RetriedVotes moved = RetriedVotes.cast(waves.get(3), socket -> promptId, optionOf, "w4", ROUNDS);
        assertThat(moved.unavailable()).as("ballots refused once the target owns the slot").isEmpty();
        assertThat(errors(cluster, source, "MOVED")).isPositive();
        System.out.printf("Reshard: slot %d from %d to %d, migrating for %.1f s%n", slot, source, target,
            (migrated - started) / 1e9);

        // Each ballot moved with the prompt, wherever it was counted: a second one for the other option is a
        // duplicate of the first.
        for (TestSocket socket : viewers) {
          socket.ballot("again", promptId, optionOf.get(socket).equals("true") ? "false" : "true");
        }
        for (TestSocket socket : viewers) {
          JsonObject ack = socket.ack("again");
          assertThat(ack.getString("status")).as("a second ballot of a counted voter").isEqualTo("duplicate");
          assertThat(ack.getString("voted")).isEqualTo(optionOf.get(socket));
        }
        // Before the deadline: closing the prompt may drop or expire its keys.
        assertThat(cluster.keysInSlot(target, slot)).containsAll(promptKeys);
        assertThat(cluster.keysInSlot(source, slot)).isEmpty();

        Map<TestSocket, String> counted = new HashMap<>(first.counted());
        counted.putAll(migrating.counted());
        counted.putAll(asked.counted());
        counted.putAll(moved.counted());
        assertThat(counted).hasSize(VIEWERS);
        long condemning = viewers.stream().filter(socket -> optionOf.get(socket).equals("false")).count();
        JsonObject recorded = http.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(PROMPT_SECONDS + 30));
        assertThat(recorded.getLong("total")).isEqualTo(VIEWERS);
        assertThat(recorded.getJsonObject("counts").getLong("false")).isEqualTo(condemning);
        assertThat(recorded.getJsonObject("counts").getLong("true")).isEqualTo(VIEWERS - condemning);
        assertThat(pg.count("SELECT count(*) FROM verdicts WHERE prompt_id = $1", promptId)).isEqualTo(1);
        for (TestSocket socket : viewers) {
          JsonObject verdict = socket.await(f -> "verdict".equals(f.getString("type"))
              && promptId.equals(f.getJsonObject("verdict").getString("promptId"))).getJsonObject("verdict");
          assertThat(verdict.getLong("total")).isEqualTo(VIEWERS);
        }
      } finally {
        pg.close();
        clients.close().await();
        node.stop();
      }
    }
  }

  private static Request setSlot(int slot, String state, String nodeId) {
    return Request.cmd(Command.CLUSTER).arg("SETSLOT").arg(slot).arg(state).arg(nodeId);
  }

  /**
   * How many times a server answered an error, by its code ({@code INFO errorstats}): which redirection the ballots
   * met. The node's other commands meet them too, so a floor, not a count.
   */
  private static long errors(RedisClusterProcesses cluster, int port, String code) {
    String prefix = "errorstat_" + code + ":count=";
    return cluster.call(port, Request.cmd(Command.INFO).arg("errorstats")).toString().lines()
        .filter(line -> line.startsWith(prefix)).mapToLong(line -> Long.parseLong(line.substring(prefix.length())))
        .sum();
  }

  /** Moves keys of a migrating slot from source to target, as {@code redis-cli --cluster reshard} does. */
  private static void migrate(RedisClusterProcesses cluster, int source, int target, List<String> keys) {
    Request migrate = Request.cmd(Command.MIGRATE).arg("127.0.0.1").arg(target).arg("").arg(0).arg(5_000)
        .arg("KEYS");
    keys.forEach(migrate::arg);
    assertThat(cluster.call(source, migrate).toString()).isEqualTo("OK");
  }
}
