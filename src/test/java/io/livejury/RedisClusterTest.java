package io.livejury;

import io.livejury.common.RedisKeys;
import io.livejury.config.Settings;
import io.livejury.room.RoomChannels;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.PgProbe;
import io.livejury.support.RedisClusterProcesses;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.livejury.verdict.VerdictStreams;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on a real Redis Cluster of three masters and three replicas (six redis-server processes,
 * {@link RedisClusterProcesses}): three rooms whose keys live on three different masters, viewers of each on both
 * nodes, one prompt per room. Every ballot is acked and counted exactly, the verdict reaches every socket of both
 * nodes through the room's shard channel (subscribed on the room's master by both nodes; no plain room channel
 * exists anywhere), each verdict is in exactly one of the verdict streams, which live on different masters, and
 * each is written once to Postgres with its penalty.
 */
@ExtendWith(EmbeddedServersExtension.class)
class RedisClusterTest {

  private static final int PER_NODE = 16;

  @Test
  void roomsOnThreeShardsCountEveryBallotAndFanOutOverShardedPubSub() throws InterruptedException {
    try (RedisClusterProcesses cluster = RedisClusterProcesses.start("rooms")) {
      Map<String, String> env = Map.of("LIVEJURY_REDIS_URL", cluster.seeds(), "LIVEJURY_REDIS_CLUSTER", "true");
      Vertx clients = Vertx.vertx();
      TestNode a = TestNode.start(env);
      TestNode b = TestNode.start(env);
      PgProbe pg = new PgProbe(clients);
      try {
        Http httpA = new Http(a.port());
        Http httpB = new Http(b.port());
        String staff = httpA.token("staff-1", "staff");

        // One room per master: room ids picked by the slot of their keys.
        String nonce = Long.toString(System.currentTimeMillis(), 36);
        Map<Integer, String> roomByMaster = new LinkedHashMap<>();
        for (int n = 0; roomByMaster.size() < cluster.masters().size(); n++) {
          String roomId = "shard-" + nonce + "-" + n;
          roomByMaster.putIfAbsent(cluster.masterOfKey(RedisKeys.room(roomId)), roomId);
        }
        Map<String, List<TestSocket>> viewers = new LinkedHashMap<>();
        for (String roomId : roomByMaster.values()) {
          Http.Reply created = httpA.post("/api/rooms", staff, new JsonObject().put("roomId", roomId)
              .put("streamerId", "st-" + roomId).put("merchantId", "m-" + roomId).put("title", "Sharded room"));
          assertThat(created.status()).as("room " + roomId + " created: " + created).isEqualTo(201);
          List<TestSocket> sockets = new ArrayList<>(TestSocket.viewers(clients, httpA, roomId, "a-" + roomId + "-",
              PER_NODE));
          sockets.addAll(TestSocket.viewers(clients, httpB, roomId, "b-" + roomId + "-", PER_NODE));
          viewers.put(roomId, sockets);
        }

        // Each room's channel is a shard channel on the room's own master, subscribed by both nodes; no server has
        // a plain room channel.
        roomByMaster.forEach((master, roomId) -> {
          String channel = RoomChannels.SHARDED.channel(roomId);
          assertThat(texts(cluster.call(master, Request.cmd(Command.PUBSUB).arg("SHARDCHANNELS").arg("lj:*"))))
              .as("shard channels on the master of " + roomId).contains(channel);
          assertThat(cluster.call(master, Request.cmd(Command.PUBSUB).arg("SHARDNUMSUB").arg(channel)).get(1)
              .toLong()).as("nodes subscribed to " + channel).isEqualTo(2);
        });
        for (int server : cluster.servers()) {
          assertThat(texts(cluster.call(server, Request.cmd(Command.PUBSUB).arg("CHANNELS")
              .arg(RedisKeys.roomChannel("*"))))).as("plain room channels on " + server).isEmpty();
        }

        // One prompt per room, opened through either node; every viewer votes, all but two condemn.
        Map<String, String> promptByRoom = new LinkedHashMap<>();
        int i = 0;
        for (String roomId : viewers.keySet()) {
          promptByRoom.put(roomId, (i++ % 2 == 0 ? httpA : httpB).openPrompt(staff, roomId, 4).getString("id"));
        }
        promptByRoom.forEach((roomId, promptId) -> {
          List<TestSocket> sockets = viewers.get(roomId);
          for (int v = 0; v < sockets.size(); v++) {
            sockets.get(v).await("prompt");
            sockets.get(v).ballot("b", promptId, v < 2 ? "true" : "false");
          }
        });
        viewers.values().forEach(sockets -> sockets.forEach(socket ->
            assertThat(socket.ack("b").getString("status")).isEqualTo("accepted")));

        // The verdict reaches every socket of both nodes, with every ballot counted once.
        promptByRoom.forEach((roomId, promptId) -> viewers.get(roomId).forEach(socket -> {
          JsonObject verdict = socket.await(f -> "verdict".equals(f.getString("type"))
              && promptId.equals(f.getJsonObject("verdict").getString("promptId"))).getJsonObject("verdict");
          assertThat(verdict.getLong("total")).isEqualTo(2L * PER_NODE);
          assertThat(verdict.getJsonObject("counts").getLong("false")).isEqualTo(2L * PER_NODE - 2);
          assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
        }));

        // Each verdict is written once, with its penalty, through the consumer group of its own stream.
        VerdictStreams streams = VerdictStreams.of(Settings.CLUSTER_VERDICT_STREAM_SHARDS);
        Set<Integer> streamMasters = new HashSet<>();
        streams.keys().forEach(key -> streamMasters.add(cluster.masterOfKey(key)));
        assertThat(streamMasters).as("the masters of the verdict streams").hasSize(cluster.masters().size());
        for (String promptId : promptByRoom.values()) {
          String verdictId = "v-" + promptId;
          JsonObject recorded = httpB.awaitVerdict(verdictId, staff, Duration.ofSeconds(20));
          assertThat(recorded.getLong("total")).isEqualTo(2L * PER_NODE);
          assertThat(pg.count("SELECT count(*) FROM verdicts WHERE prompt_id = $1", promptId)).isEqualTo(1);
          assertThat(pg.count("SELECT count(*) FROM penalties WHERE verdict_id = $1", verdictId)).isEqualTo(1);
          for (String key : streams.keys()) {
            long entries = entriesOf(cluster, key, promptId);
            assertThat(entries).as(promptId + " in " + key).isEqualTo(key.equals(streams.keyFor(promptId)) ? 1 : 0);
          }
        }
        for (String key : streams.keys()) {
          awaitNothingPending(cluster, key);
        }
      } finally {
        pg.close();
        clients.close().await();
        a.stop();
        b.stop();
      }
    }
  }

  private static long entriesOf(RedisClusterProcesses cluster, String key, String promptId) {
    long found = 0;
    for (Response entry : cluster.call(cluster.masterOfKey(key), Request.cmd(Command.XRANGE).arg(key).arg("-")
        .arg("+"))) {
      Response fields = entry.get(1);
      if (fields.isMap()) {
        found += promptId.equals(String.valueOf(fields.get("promptId"))) ? 1 : 0;
        continue;
      }
      for (int f = 0; f + 1 < fields.size(); f += 2) {
        if ("promptId".equals(fields.get(f).toString()) && promptId.equals(fields.get(f + 1).toString())) {
          found++;
        }
      }
    }
    return found;
  }

  /** Entries are acked right after their commit: the last may trail the verdict's row by a moment. */
  private static void awaitNothingPending(RedisClusterProcesses cluster, String key) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      long pending = cluster.call(cluster.masterOfKey(key), Request.cmd(Command.XPENDING).arg(key).arg("penalty"))
          .get(0).toLong();
      if (pending == 0) {
        return;
      }
      assertThat(System.nanoTime()).as(pending + " entries of " + key + " still pending").isLessThan(giveUp);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private static List<String> texts(Response array) {
    List<String> texts = new ArrayList<>();
    if (array != null) {
      array.forEach(item -> texts.add(item.toString()));
    }
    return texts;
  }
}
