package io.livejury.escalation;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.PgProbe;
import io.livejury.support.TcpProxy;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An emergency stop while Postgres is unreachable: the room's sockets are told at once, the call answers 503 within
 * the configured wait, and the audit row appears once Postgres returns, dated at the stop, with nobody sending the
 * stop again.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class StopDuringOutageTest {

  @Test
  void aStopDuringAPostgresOutageTellsTheRoomAtOnceAndIsAuditedLater(Vertx vertx) throws Exception {
    PgConnectOptions real = PgConnectOptions.fromUri(EmbeddedServersExtension.servers().pgUrl());
    TcpProxy proxy = new TcpProxy(vertx, real.getHost(), real.getPort());
    proxy.up();
    TestNode node = TestNode.start(java.util.Map.of("LIVEJURY_PG_URL", "postgresql://" + real.getUser() + ":"
        + real.getPassword() + "@127.0.0.1:" + proxy.port() + "/" + real.getDatabase()));
    PgProbe pg = new PgProbe(vertx);
    try {
      Http http = new Http(node.port());
      String staff = http.token("outage-stopper", "staff");
      String roomId = http.createRoom(staff, "streamer-stop-outage");
      TestSocket viewer = TestSocket.connect(vertx, node.port(), roomId, http.token("viewer-stop-outage", "viewer"));

      proxy.down();
      long sent = System.nanoTime();
      CompletableFuture<Http.Reply> answer = CompletableFuture.supplyAsync(() -> http.post("/api/rooms/" + roomId
          + "/stop", staff, new JsonObject().put("reason", "stopped during the outage")),
          runnable -> new Thread(runnable).start());
      viewer.await("stopped");
      viewer.await(f -> "room".equals(f.getString("type")));
      long toldMs = TimeUnit.NANOSECONDS.toMillis(viewer.arrivals("stopped").get(0) - sent);
      assertThat(toldMs).as("ms from the stop to the viewers' notice").isLessThan(2_000);
      Http.Reply reply = answer.get(20, TimeUnit.SECONDS);
      long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      assertThat(reply.status()).isEqualTo(503);
      assertThat(answeredMs).as("ms the stop waited for Postgres").isLessThan(8_000);
      String at = http.get("/api/rooms/" + roomId, staff).body().getJsonObject("stop").getString("at");
      String stopId = "stop-" + roomId + "-" + Instant.parse(at).toEpochMilli();
      assertThat(pg.count("SELECT count(*) FROM room_stops WHERE id = $1", stopId)).isZero();

      proxy.up();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (pg.count("SELECT count(*) FROM room_stops WHERE id = $1", stopId) == 0) {
        assertThat(System.nanoTime()).as("the audit row within 15 s of Postgres returning").isLessThan(deadline);
        TimeUnit.MILLISECONDS.sleep(200);
      }
      assertThat(pg.count("SELECT count(*) FROM room_stops WHERE id = $1 AND created_at = $2 AND status = 'confirmed'",
          stopId, OffsetDateTime.parse(at))).isEqualTo(1);
      assertThat(viewer.frames("stopped")).hasSize(1);
    } finally {
      pg.close();
      node.stop();
      proxy.down();
    }
  }
}
