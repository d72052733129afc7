package io.livejury.gateway;

import io.livejury.support.DevSigner;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Viewers behind a load balancer, over real sockets: every connection comes from 127.0.0.1, and without a {@code net}
 * claim a viewer's network is their address's. A node that trusts 127.0.0.1 as its balancer
 * ({@code LIVEJURY_TRUSTED_PROXIES}) takes each viewer's address from X-Forwarded-For; a node that does not ignores
 * the header, and all its viewers share one network.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class ForwardedNetworkTest {

  private static TestNode behindBalancer;
  private static TestNode plain;

  private static JWTAuth signer;

  @BeforeAll
  static void start(Vertx vertx) {
    signer = DevSigner.create(vertx);
    behindBalancer = TestNode.start(Map.of("LIVEJURY_TRUSTED_PROXIES", "127.0.0.1"));
    plain = TestNode.start();
  }

  @AfterAll
  static void stop(Vertx vertx) {
    plain.stop();
    behindBalancer.stopAfter(vertx);
  }

  /** A viewer token as a platform without network ids signs it: no {@code net} claim. */
  private static String viewerWithoutNet(String userId) {
    return signer.generateToken(new JsonObject().put("sub", userId).put("role", "viewer"),
        new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(60));
  }

  /**
   * Twenty viewers without a {@code net} claim, each forwarded from a /24 of its own (198.51.i.0/24). Half of them
   * sent an X-Forwarded-For of their own, one address for all, which the balancer appended to; the other half came
   * through a second hop of the balancer, which appended 127.0.0.1.
   */
  private static List<TestSocket> forwardedViewers(Vertx vertx, Http http, String roomId, String prefix) {
    WebSocketClient client = TestSocket.client(vertx);
    List<Future<TestSocket>> opening = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String forwarded = i % 2 == 0 ? "203.0.113.66, 198.51." + i + ".7" : "198.51." + i + ".7, 127.0.0.1";
      opening.add(TestSocket.open(client, http.port(), roomId, viewerWithoutNet(prefix + i),
          Map.of("X-Forwarded-For", forwarded)));
    }
    List<TestSocket> sockets = Future.all(opening).await().list();
    sockets.forEach(socket -> socket.await("welcome"));
    return sockets;
  }

  /** Twenty reports, one per viewer; the room's streamer socket, which would get the prompt they open. */
  private static TestSocket reportFromTwentyForwardedViewers(Vertx vertx, TestNode node, String streamer) {
    Http http = new Http(node.port());
    String staff = http.token("staff-forwarded", "staff");
    String roomId = http.createRoom(staff, streamer);
    TestSocket watcher = TestSocket.connect(vertx, node.port(), roomId, http.token(streamer, "streamer",
        "m-" + streamer));
    List<TestSocket> viewers = forwardedViewers(vertx, http, roomId, streamer + "-viewer-");
    viewers.forEach(s -> s.send(new JsonObject().put("type", "report").put("ref", "r").put("category",
        "false_claim")));
    assertThat(viewers.stream().map(s -> s.ack("r").getString("status"))).containsOnly("accepted").hasSize(20);
    return watcher;
  }

  @Test
  void behindATrustedBalancerEachForwardedNetworkCountsAndTheReportsOpenAPrompt(Vertx vertx) {
    TestSocket watcher = reportFromTwentyForwardedViewers(vertx, behindBalancer, "streamer-behind-balancer");
    JsonObject prompt = watcher.await("prompt").getJsonObject("prompt");
    assertThat(prompt.getJsonObject("trigger").getMap()).containsEntry("type", "reports")
        .containsEntry("reporters", 20);
  }

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnoredAndOneAddressIsOneNetwork(Vertx vertx) throws InterruptedException {
    TestSocket watcher = reportFromTwentyForwardedViewers(vertx, plain, "streamer-no-balancer");
    Thread.sleep(1_500);
    assertThat(watcher.frames("prompt")).as("twenty reports from 127.0.0.1 count once").isEmpty();
  }
}
