package io.livejury.gateway;

import io.livejury.support.Balancer;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes behind the project's balancer ({@code deploy/nginx/nginx.conf}, run by Debian's nginx): clients know one
 * address. The API and the room's sockets go through it, the sockets spread over both nodes, a prompt reaches every
 * socket and every ballot is acked and counted once; when one node stops, its viewers reconnect through the same
 * address, all land on the node left, and the next prompt is counted as exactly. When the balancer itself goes away
 * mid-vote, every socket through it is closed on both sides, and once it is back the viewers reconnect, find the
 * prompt open, and each is counted once.
 */
@ExtendWith(EmbeddedServersExtension.class)
class BalancerTest {

  private static final int VIEWERS = 20;
  private static final Pattern SOCKETS = Pattern.compile("(?m)^livejury_sockets (\\S+)$");

  @Test
  void socketsSpreadOverTheNodesAndMoveToTheNodeLeftWhenOneStops() throws InterruptedException {
    Map<String, String> env = Map.of("LIVEJURY_TRUSTED_PROXIES", "127.0.0.1");
    Vertx clients = Vertx.vertx();
    TestNode a = TestNode.start(env);
    TestNode b = TestNode.start(env);
    boolean aStopped = false;
    try (Balancer balancer = Balancer.start("two-nodes", List.of(a.port(), b.port()))) {
      Http http = new Http(balancer.port());
      String staff = http.token("lb-staff", "staff");
      String roomId = http.createRoom(staff, "lb-streamer");
      List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "lb-viewer-", VIEWERS);

      long onA = sockets(a);
      long onB = sockets(b);
      assertThat(onA + onB).as("sockets held by the two nodes").isEqualTo(VIEWERS);
      assertThat(onA).as("sockets on node A").isPositive();
      assertThat(onB).as("sockets on node B").isPositive();

      vote(http, staff, roomId, viewers, "first");

      // Node A stops: its viewers' sockets close; they reconnect through the balancer, which sends every handshake
      // to node B.
      a.stop();
      aStopped = true;
      awaitUntil(() -> viewers.stream().filter(TestSocket::isClosed).count() >= onA, 10_000);
      TimeUnit.MILLISECONDS.sleep(300); // a socket of node B's closing as well would show by now
      List<TestSocket> survivors = new ArrayList<>();
      List<Integer> dropped = new ArrayList<>();
      for (int v = 0; v < VIEWERS; v++) {
        if (viewers.get(v).isClosed()) {
          dropped.add(v);
        } else {
          survivors.add(viewers.get(v));
        }
      }
      assertThat(dropped).as("viewers whose socket was on node A").hasSize((int) onA);
      List<TestSocket> after = new ArrayList<>(survivors);
      for (int v : dropped) {
        after.add(TestSocket.connect(clients, balancer.port(), roomId, http.token("lb-viewer-" + v, "viewer")));
      }
      assertThat(sockets(b)).as("sockets on node B once A's viewers are back").isEqualTo(VIEWERS);

      vote(http, staff, roomId, after, "second");
    } finally {
      clients.close().await();
      if (!aStopped) {
        a.stop();
      }
      b.stop();
    }
  }

  @Test
  void aBalancerRestartedMidVoteClosesItsSocketsAndLosesNoBallot() throws InterruptedException {
    Map<String, String> env = Map.of("LIVEJURY_TRUSTED_PROXIES", "127.0.0.1");
    Vertx clients = Vertx.vertx();
    TestNode a = TestNode.start(env);
    TestNode b = TestNode.start(env);
    try (Balancer balancer = Balancer.start("restart", List.of(a.port(), b.port()))) {
      Http http = new Http(balancer.port());
      String staff = http.token("lbr-staff", "staff");
      String roomId = http.createRoom(staff, "lbr-streamer");
      List<TestSocket> viewers = TestSocket.viewers(clients, http, roomId, "lbr-viewer-", VIEWERS);
      String promptId = http.openPrompt(staff, roomId, 8).getString("id");
      for (int v = 0; v < VIEWERS / 2; v++) {
        viewers.get(v).await("prompt");
        viewers.get(v).ballot("before", promptId, option(v));
      }
      for (int v = 0; v < VIEWERS / 2; v++) {
        assertThat(viewers.get(v).ack("before").getString("status")).isEqualTo("accepted");
      }

      // The balancer goes away mid-vote: every socket through it is closed, on the viewers' side and the nodes'.
      balancer.close();
      awaitUntil(() -> viewers.stream().allMatch(TestSocket::isClosed), 10_000);
      assertThat(viewers).as("viewers whose socket the balancer closed").allMatch(TestSocket::isClosed);
      awaitUntil(() -> sockets(a) + sockets(b) == 0, 10_000);
      assertThat(sockets(a) + sockets(b)).as("sockets the nodes still hold").isZero();

      // Back on the same address: every viewer reconnects, finds the prompt still open (with their vote, if counted)
      // and votes; those counted before the drop are told so, with the option they chose.
      balancer.restart();
      List<TestSocket> back = new ArrayList<>();
      for (int v = 0; v < VIEWERS; v++) {
        TestSocket socket = TestSocket.connect(clients, balancer.port(), roomId, http.token("lbr-viewer-" + v, "viewer"));
        JsonObject open = socket.await("welcome").getJsonArray("openPrompts").stream().map(JsonObject.class::cast)
            .filter(prompt -> promptId.equals(prompt.getString("id"))).findFirst().orElseThrow();
        assertThat(open.getString("voted")).as("viewer " + v + "'s vote, as the welcome recalls it")
            .isEqualTo(v < VIEWERS / 2 ? option(v) : null);
        socket.ballot("after", promptId, option(v));
        back.add(socket);
      }
      for (int v = 0; v < VIEWERS; v++) {
        JsonObject ack = back.get(v).ack("after");
        if (v < VIEWERS / 2) {
          assertThat(ack.getString("status")).as("viewer " + v + ", counted before the drop").isEqualTo("duplicate");
          assertThat(ack.getString("voted")).isEqualTo(option(v));
        } else {
          assertThat(ack.getString("status")).as("viewer " + v).isEqualTo("accepted");
        }
      }
      back.forEach(socket -> {
        JsonObject verdict = socket.await(f -> "verdict".equals(f.getString("type"))
            && promptId.equals(f.getJsonObject("verdict").getString("promptId"))).getJsonObject("verdict");
        assertThat(verdict.getLong("total")).isEqualTo((long) VIEWERS);
        assertThat(verdict.getJsonObject("counts").getLong("true")).isEqualTo(5L);
      });
    } finally {
      clients.close().await();
      a.stop();
      b.stop();
    }
  }

  private static String option(int viewer) {
    return viewer % 4 == 0 ? "true" : "false";
  }

  /** Opens a prompt through the balancer; every viewer votes once; each ack and the verdict's counts are exact. */
  private static void vote(Http http, String staff, String roomId, List<TestSocket> viewers, String ref) {
    String promptId = http.openPrompt(staff, roomId, 2).getString("id");
    for (int v = 0; v < viewers.size(); v++) {
      TestSocket socket = viewers.get(v);
      socket.await(f -> "prompt".equals(f.getString("type")) && promptId.equals(f.getJsonObject("prompt").getString("id")));
      socket.ballot(ref, promptId, v < 5 ? "true" : "false");
    }
    viewers.forEach(socket -> assertThat(socket.ack(ref).getString("status")).isEqualTo("accepted"));
    viewers.forEach(socket -> {
      JsonObject verdict = socket.await(f -> "verdict".equals(f.getString("type"))
          && promptId.equals(f.getJsonObject("verdict").getString("promptId"))).getJsonObject("verdict");
      assertThat(verdict.getLong("total")).isEqualTo((long) viewers.size());
      assertThat(verdict.getJsonObject("counts").getLong("false")).isEqualTo(viewers.size() - 5L);
    });
  }

  /** The node's {@code livejury_sockets} gauge. */
  private static long sockets(TestNode node) {
    Matcher m = SOCKETS.matcher(new Http(node.port()).text("/metrics"));
    assertThat(m.find()).as("livejury_sockets in /metrics").isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  private static void awaitUntil(BooleanSupplier condition, long ms) throws InterruptedException {
    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean() && System.nanoTime() < giveUp) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
