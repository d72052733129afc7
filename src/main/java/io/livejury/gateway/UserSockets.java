package io.livejury.gateway;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How many sockets each user id holds on this node, so one account cannot open thousands of them. Shared by
 * the gateway instances; every acquire that succeeded is released exactly once, when its socket closes.
 */
public final class UserSockets {

  private final ConcurrentMap<String, Integer> held = new ConcurrentHashMap<>();
  private final int perUser;

  public UserSockets(int perUser) {
    this.perUser = perUser;
  }

  /** Takes one of the user's places; false when the user already holds {@code perUser} sockets here. */
  boolean tryAcquire(String userId) {
    boolean[] taken = {false};
    held.compute(userId, (id, count) -> {
      int now = count == null ? 0 : count;
      if (now >= perUser) {
        return count;
      }
      taken[0] = true;
      return now + 1;
    });
    return taken[0];
  }

  void release(String userId) {
    held.computeIfPresent(userId, (id, count) -> count <= 1 ? null : count - 1);
  }
}
