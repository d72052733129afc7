package io.livejury.vote;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TcpProxy;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ballots travel over long-lived pipelined Redis connections, one per event loop. When Redis goes away the
 * voter hears "unavailable" at once, and once it is back the node counts again without a restart.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class RedisOutageTest {

  @Test
  void ballotsAreCountedAgainOnceRedisReturns(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    URI real = URI.create(EmbeddedServersExtension.servers().redisUrl());
    TcpProxy proxy = new TcpProxy(vertx, real.getHost(), real.getPort());
    proxy.up();
    TestNode node = TestNode.start(Map.of("LIVEJURY_REDIS_URL", "redis://127.0.0.1:" + proxy.port()));
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String roomId = http.createRoom(staff, "streamer-outage-redis");
      TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("viewer-redis", "viewer"));
      String before = http.openPrompt(staff, roomId, 60).getString("id");
      viewer.ballot("before", before, "true");
      assertThat(viewer.ack("before").getString("status")).isEqualTo("accepted");

      proxy.down();
      viewer.ballot("during", before, "false");
      assertThat(viewer.ack("during").getString("reason")).isEqualTo("unavailable");

      proxy.up();
      http.awaitGet("/api/rooms/" + roomId, staff, reply -> reply.status() == 200, Duration.ofSeconds(15),
          "the room should be readable again once Redis is back");
      TestSocket late = TestSocket.connect(vertx, node.port(), roomId, http.token("viewer-redis-2", "viewer"));
      String after = http.openPrompt(staff, roomId, 60).getString("id");
      late.ballot("after", after, "false");
      assertThat(late.ack("after").getString("status")).isEqualTo("accepted");
      assertThat(http.get("/api/prompts/" + after, staff).body().getLong("total")).isEqualTo(1);
    } finally {
      node.stop();
      proxy.down();
    }
    tc.completeNow();
  }
}
