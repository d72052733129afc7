package io.livejury.common;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which master of a Redis Cluster serves which hash slot, as one {@code CLUSTER SLOTS} answer told it. A layout is
 * a snapshot: a failover or a resharding changes the cluster's, and whoever routes by it reads a new one when a
 * server answers that a slot moved (or a connection to a master is lost).
 */
public final class ClusterLayout {

  /** Slot → its master as {@code host:port}; null for a slot no master serves. */
  private final String[] masterBySlot;

  private ClusterLayout(String[] masterBySlot) {
    this.masterBySlot = masterBySlot;
  }

  /**
   * Asks the cluster (through any of its servers) for its layout.
   *
   * @param redis a client of the cluster; {@code CLUSTER SLOTS} has no key, so any server answers it
   * @return fails with the server's error (a server not in cluster mode answers "ERR This instance has cluster
   *     support disabled"), or with {@link IllegalStateException} when no slot has a master
   */
  public static Future<ClusterLayout> read(Redis redis) {
    return redis.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).compose(reply -> {
      String[] bySlot = new String[HashSlots.SLOTS];
      boolean any = false;
      // Each range: [first slot, last slot, [master host, master port, id, …], replicas…]
      for (Response range : reply) {
        Response master = range.get(2);
        String host = master.get(0).toString();
        if (host.isEmpty() || "?".equals(host)) {
          continue; // the master's address is unknown to the server that answered: not routable yet
        }
        String endpoint = host + ":" + master.get(1).toInteger();
        Arrays.fill(bySlot, range.get(0).toInteger(), range.get(1).toInteger() + 1, endpoint);
        any = true;
      }
      return any ? Future.succeededFuture(new ClusterLayout(bySlot))
          : Future.failedFuture(new IllegalStateException("the Redis Cluster has no slot served by a master yet"));
    });
  }

  /** The master ({@code host:port}) serving a slot; null when none does. */
  public String masterOf(int slot) {
    return masterBySlot[slot];
  }

  /** Every master that serves a slot, {@code host:port}, in slot order. */
  public Set<String> masters() {
    Set<String> masters = new LinkedHashSet<>();
    for (String master : masterBySlot) {
      if (master != null) {
        masters.add(master);
      }
    }
    return masters;
  }
}
