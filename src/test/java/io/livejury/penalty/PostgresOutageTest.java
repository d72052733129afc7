package io.livejury.penalty;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TcpProxy;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A Postgres outage only delays verdicts: they wait in the stream and land once Postgres is back. */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class PostgresOutageTest {

  @Test
  void promptsClosedWhilePostgresIsDownLandWhenItReturns(Vertx vertx, VertxTestContext tc) throws InterruptedException {
    PgConnectOptions real = PgConnectOptions.fromUri(EmbeddedServersExtension.servers().pgUrl());
    TcpProxy proxy = new TcpProxy(vertx, real.getHost(), real.getPort());
    proxy.up();
    TestNode node = TestNode.start(Map.of("LIVEJURY_PG_URL",
        "postgresql://" + real.getUser() + ":" + real.getPassword() + "@127.0.0.1:" + proxy.port() + "/" + real.getDatabase()));
    try {
      Http http = new Http(node.port());
      String staff = http.token("staff-1", "staff");
      String roomId = http.createRoom(staff, "streamer-outage-pg");
      TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("viewer-pg", "viewer"));
      assertThat(http.get("/health", null).status()).isEqualTo(200);

      proxy.down();
      assertThat(http.get("/health", null).status()).isEqualTo(503);
      List<String> prompts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        prompts.add(http.openPrompt(staff, roomId, 1).getString("id"));
      }
      for (String promptId : prompts) {
        viewer.await(f -> "verdict".equals(f.getString("type"))
            && promptId.equals(f.getJsonObject("verdict").getString("promptId")));
      }
      TimeUnit.SECONDS.sleep(2);
      assertThat(http.get("/api/verdicts/v-" + prompts.get(0), staff).status()).as("no Postgres, no verdict row")
          .isEqualTo(503);

      proxy.up();
      for (String promptId : prompts) {
        JsonObject verdict = http.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(30));
        assertThat(verdict.getString("promptId")).isEqualTo(promptId);
      }
      JsonObject page = http.get("/api/verdicts?roomId=" + roomId, staff).body();
      assertThat(page.getJsonArray("items")).hasSize(3);
    } finally {
      node.stop();
      proxy.down();
    }
    tc.completeNow();
  }
}
