package io.livejury.config;

import io.livejury.support.ChildNode;
import io.livejury.support.Http;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node killed with SIGKILL leaves its embedded servers running; the next node on the same data folder
 * stops them and starts on the same data. Both nodes are real {@code java io.livejury.Main} processes.
 */
@ExtendWith(VertxExtension.class)
class RestartTest {

  private static Map<String, String> env(Path dataDir) {
    return Map.of(
        "LIVEJURY_DATA_DIR", dataDir.toString(),
        "LIVEJURY_HTTP_PORT", "0",
        "LIVEJURY_GATEWAY_INSTANCES", "1",
        "LIVEJURY_PROMPT_MIN_SECONDS", "1",
        "LIVEJURY_PENALTY_BLOCK_MS", "200",
        // One condemning ballot is enough for a verdict and a penalty.
        "LIVEJURY_VERDICT_QUORUM", "1",
        "LIVEJURY_VERDICT_CONDEMN_LOWER", "0.2");
  }

  @Test
  void aKilledNodesDataIsThereAfterARestartAndItsServersAreGone(Vertx vertx, VertxTestContext tc)
      throws Exception {
    Path dataDir = Path.of("target", "restart-test-" + System.nanoTime()).toAbsolutePath();
    ChildNode first = ChildNode.start("restart-first", env(dataDir));
    ChildNode second = null;
    try {
      Http http = new Http(first.port());
      String staff = http.token("staff-restart", "staff");
      String roomId = http.createRoom(staff, "streamer-restart");
      TestSocket viewer = TestSocket.connect(vertx, first.port(), roomId, http.token("viewer-restart", "viewer"));
      String promptId = http.openPrompt(staff, roomId, 1).getString("id");
      viewer.await("prompt");
      viewer.ballot("b", promptId, "false");
      assertThat(viewer.ack("b").getString("status")).isEqualTo("accepted");
      String verdictId = viewer.await("verdict").getJsonObject("verdict").getString("id");
      assertThat(http.awaitVerdict(verdictId, staff, Duration.ofSeconds(20)).getJsonObject("penalty")
          .getString("level")).isEqualTo("WARNING");
      viewer.close();
      // Past Redis's once-a-second fsync, though a process crash would not need it: the AOF write came first.
      Thread.sleep(1_100);

      long redisPid = pid(dataDir.resolve("redis/redis.pid"));
      long postgresPid = pid(dataDir.resolve("postgres/postmaster.pid"));
      first.kill();
      assertThat(alive(redisPid)).as("SIGKILL of the node leaves its Redis running").isTrue();
      assertThat(alive(postgresPid)).as("SIGKILL of the node leaves its Postgres running").isTrue();

      second = ChildNode.start("restart-second", env(dataDir));
      assertThat(alive(redisPid)).as("the leftover Redis was stopped").isFalse();
      assertThat(alive(postgresPid)).as("the leftover Postgres was stopped").isFalse();
      assertThat(second.log()).contains("Stopping redis-server (pid " + redisPid + ")")
          .contains("Stopping postgres (pid " + postgresPid + ")");

      Http again = new Http(second.port());
      Http.Reply room = again.get("/api/rooms/" + roomId, staff);
      assertThat(room.status()).isEqualTo(200);
      assertThat(room.body().getString("streamerId")).isEqualTo("streamer-restart");
      JsonObject prompt = again.get("/api/prompts/" + promptId, staff).body();
      assertThat(prompt.getString("status")).isEqualTo("closed");
      assertThat(prompt.getLong("total")).isEqualTo(1);
      assertThat(prompt.getJsonObject("verdict").getString("outcome")).isEqualTo("FALSE_CLAIM");
      JsonObject verdict = again.get("/api/verdicts/" + verdictId, staff).body();
      assertThat(verdict.getString("outcome")).isEqualTo("FALSE_CLAIM");
      assertThat(verdict.getJsonObject("penalty").getString("level")).isEqualTo("WARNING");
      assertThat(again.get("/api/penalties?subject=streamer-restart", staff).body().getJsonArray("items"))
          .hasSize(1);

      // A clean stop leaves nothing running either.
      long newRedisPid = pid(dataDir.resolve("redis/redis.pid"));
      long newPostgresPid = pid(dataDir.resolve("postgres/postmaster.pid"));
      assertThat(newRedisPid).isNotEqualTo(redisPid);
      assertThat(newPostgresPid).isNotEqualTo(postgresPid);
      assertThat(second.stop()).as("SIGTERM: shutdown hooks ran").isEqualTo(143);
      // Postgres drops its pid file just before its last process exits.
      assertThat(goneWithin(newRedisPid, Duration.ofSeconds(5))).isTrue();
      assertThat(goneWithin(newPostgresPid, Duration.ofSeconds(5))).isTrue();
    } finally {
      first.kill();
      if (second != null) {
        second.kill();
      }
      Leftovers.stop(dataDir.resolve("redis/redis.pid"), "redis-server", dataDir, 5_000);
      Leftovers.stop(dataDir.resolve("postgres/postmaster.pid"), "postgres", dataDir, 5_000);
      deleteTree(dataDir);
    }
    tc.completeNow();
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  static long pid(Path pidFile) throws IOException {
    return Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
  }

  static boolean goneWithin(long pid, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (alive(pid)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  static boolean alive(long pid) {
    return Leftovers.running(pid);
  }
}
