package io.livejury.config;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded Redis killed with SIGKILL under a running node: it is back on the same port with its data
 * within a couple of seconds, and the node recovers by itself — health, ballots, room frames and the verdict
 * stream into Postgres. It runs a Redis of its own, so the shared one stays untouched.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class SupervisedRedisTest {

  @Test
  void aKilledRedisComesBackWithItsDataAndTheNodeRecovers(Vertx vertx, VertxTestContext tc) throws Exception {
    Path dataDir = Path.of("target", "supervised-redis-" + System.nanoTime()).toAbsolutePath();
    EmbeddedServers servers = EmbeddedServers.start(true, false, EmbeddedServersExtension.options(dataDir));
    TestNode node = null;
    Redis probe = Redis.createClient(vertx, servers.redisUrl());
    try {
      node = TestNode.start(Map.of("LIVEJURY_REDIS_URL", servers.redisUrl(),
          "LIVEJURY_VERDICT_QUORUM", "1", "LIVEJURY_VERDICT_CONDEMN_LOWER", "0.2"));
      Http http = new Http(node.port());
      String staff = http.token("staff-supervised", "staff");
      String roomId = http.createRoom(staff, "streamer-supervised");
      TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("viewer-supervised", "viewer"));
      probe.send(Request.cmd(Command.SET).arg("lj:test:survivor").arg("written before the crash")).await();
      // Older than one AOF fsync round, as the README promises for any crash.
      Thread.sleep(1_100);

      long killed = servers.redisPid();
      long killedAt = System.nanoTime();
      Process kill = new ProcessBuilder("kill", "-9", Long.toString(killed)).start();
      assertThat(kill.waitFor()).isZero();
      long restarted = awaitNewPid(servers, killed, Duration.ofSeconds(5));
      assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(3));
      assertThat(restarted).isNotEqualTo(killed);
      assertThat(RestartTest.alive(killed)).isFalse();

      // Same URL, so same port; the AOF brought the key back.
      Response survivor = awaitAnswer(probe, Request.cmd(Command.GET).arg("lj:test:survivor"), Duration.ofSeconds(5));
      assertThat(survivor.toString()).isEqualTo("written before the crash");

      http.awaitGet("/health", null, reply -> reply.status() == 200, Duration.ofSeconds(15),
          "the node should report healthy once Redis is back");
      String promptId = http.openPrompt(staff, roomId, 2).getString("id");
      // The socket opened before the crash gets the new prompt: the room subscription came back.
      viewer.await(f -> "prompt".equals(f.getString("type"))
          && promptId.equals(f.getJsonObject("prompt").getString("id")));
      viewer.ballot("after", promptId, "false");
      assertThat(viewer.ack("after").getString("status")).isEqualTo("accepted");
      String verdictId = viewer.await("verdict").getJsonObject("verdict").getString("id");
      // The penalty consumer reads the verdict stream again, so the verdict reaches Postgres.
      assertThat(http.awaitVerdict(verdictId, staff, Duration.ofSeconds(20)).getString("outcome"))
          .isEqualTo("FALSE_CLAIM");
      viewer.close();
    } finally {
      probe.close();
      if (node != null) {
        node.stopAfter(vertx);
      }
      long last = servers.redisPid();
      servers.close();
      assertThat(RestartTest.goneWithin(last, Duration.ofSeconds(5))).as("close stops the supervised Redis").isTrue();
      RestartTest.deleteTree(dataDir);
    }
    tc.completeNow();
  }

  private static long awaitNewPid(EmbeddedServers servers, long old, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      long pid = servers.redisPid();
      if (pid != -1 && pid != old) {
        return pid;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("Redis was not started again within " + within);
  }

  private static Response awaitAnswer(Redis redis, Request request, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        return redis.send(request).await();
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Redis did not answer again: " + e.getMessage(), e);
        }
        Thread.sleep(50);
      }
    }
  }
}
