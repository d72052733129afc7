package io.livejury.room;

import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streamer holds at most {@code LIVEJURY_ROOMS_PER_STREAMER} live rooms across nodes, whoever creates them; ended
 * and stopped rooms give their place back.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class RoomLimitTest {

  private static final int LIMIT = 3;
  private static TestNode a;
  private static TestNode b;
  private static Http httpA;
  private static Http httpB;
  private static String staff;
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

  @BeforeAll
  static void start() {
    Map<String, String> limit = Map.of("LIVEJURY_ROOMS_PER_STREAMER", Integer.toString(LIMIT));
    a = TestNode.start(limit);
    b = TestNode.start(limit);
    httpA = new Http(a.port());
    httpB = new Http(b.port());
    staff = httpA.token("limit-staff", "staff");
  }

  @AfterAll
  static void stop() {
    a.stop();
    b.stop();
  }

  private static Http.Reply create(Http http, String token, String streamer) {
    return http.post("/api/rooms", token, new JsonObject().put("streamerId", streamer).put("merchantId", "m-" + streamer)
        .put("title", "Limit room"));
  }

  @Test
  void aStreamersLiveRoomsAreCappedAcrossNodesAndClosedRoomsGiveTheirPlaceBack() {
    String streamer = "limit-streamer-" + RUN;
    String own = httpA.token(streamer, "streamer", "m-" + streamer);
    List<String> rooms = new ArrayList<>();
    rooms.add(create(httpA, own, streamer).body().getString("roomId"));
    rooms.add(create(httpB, own, streamer).body().getString("roomId"));
    rooms.add(httpA.createRoom(staff, streamer));
    assertThat(rooms).doesNotContainNull();

    Http.Reply refused = create(httpB, own, streamer);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("rate_limited");
    assertThat(refused.body().getJsonObject("error").getString("message")).contains("LIVEJURY_ROOMS_PER_STREAMER");
    assertThat(create(httpA, staff, streamer).status()).as("staff count against the streamer too").isEqualTo(429);
    assertThat(create(httpB, staff, "limit-other-" + RUN).status()).as("another streamer").isEqualTo(201);

    assertThat(httpB.post("/api/rooms/" + rooms.get(0) + "/end", own, null).status()).isEqualTo(200);
    assertThat(create(httpB, own, streamer).status()).isEqualTo(201);
    assertThat(create(httpA, own, streamer).status()).isEqualTo(429);
    assertThat(httpA.post("/api/rooms/" + rooms.get(1) + "/stop", staff, new JsonObject().put("reason", "limit test"))
        .status()).isEqualTo(200);
    assertThat(create(httpA, own, streamer).status()).isEqualTo(201);
    assertThat(create(httpB, own, streamer).status()).isEqualTo(429);
  }

  @Test
  void createsRacingOnTwoNodesNeverPassTheLimit() throws Exception {
    String streamer = "limit-race-" + RUN;
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Integer>> creates = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Http http = i % 2 == 0 ? httpA : httpB;
      creates.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return create(http, staff, streamer).status();
      }, runnable -> new Thread(runnable).start()));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<Integer> create : creates) {
      statuses.add(create.get(30, TimeUnit.SECONDS));
    }
    assertThat(statuses.stream().filter(s -> s == 201)).hasSize(LIMIT);
    assertThat(statuses.stream().filter(s -> s == 429)).hasSize(20 - LIMIT);
  }
}
