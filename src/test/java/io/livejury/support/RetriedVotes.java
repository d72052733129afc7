package io.livejury.support;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Voters who send their ballot again while it is acked {@code rejected}/{@code unavailable}, as the viewer page does
 * while the store fails over or a slot moves: what the failover and resharding tests vote with.
 *
 * @param counted     the sockets acked as counted ({@code accepted} or {@code duplicate}), with that status
 * @param unavailable the sockets still acked {@code unavailable} at their last try
 */
public record RetriedVotes(Map<TestSocket, String> counted, Set<TestSocket> unavailable) {

  /**
   * Each socket votes its option on its prompt and re-sends every 200 ms while acked {@code unavailable}, for at
   * most {@code rounds} rounds or until every one is counted. A {@code duplicate} must name the socket's own option;
   * any refusal other than {@code unavailable} fails the test.
   */
  public static RetriedVotes cast(List<TestSocket> sockets, Function<TestSocket, String> promptOf,
      Map<TestSocket, String> optionOf, String refPrefix, int rounds) throws InterruptedException {
    Map<TestSocket, String> counted = new HashMap<>();
    Set<TestSocket> waiting = new HashSet<>(sockets);
    for (int round = 0; round < rounds && !waiting.isEmpty(); round++) {
      String ref = refPrefix + "-" + round;
      waiting.forEach(socket -> socket.ballot(ref, promptOf.apply(socket), optionOf.get(socket)));
      for (TestSocket socket : List.copyOf(waiting)) {
        JsonObject ack = socket.ack(ref);
        String status = ack.getString("status");
        if ("accepted".equals(status) || "duplicate".equals(status)) {
          assertThat("duplicate".equals(status) ? ack.getString("voted") : optionOf.get(socket))
              .as("the option counted").isEqualTo(optionOf.get(socket));
          counted.put(socket, status);
          waiting.remove(socket);
        } else {
          assertThat(ack.getString("reason")).as("ack " + ack).isEqualTo("unavailable");
        }
      }
      if (!waiting.isEmpty() && round + 1 < rounds) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
    return new RetriedVotes(counted, waiting);
  }
}
