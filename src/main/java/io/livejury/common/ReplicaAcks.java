package io.livejury.common;

import io.livejury.config.Settings;

/**
 * When a ballot may be acked {@code accepted}: once the Redis master counted it and at least {@code replicas}
 * replicas hold the count, confirmed by WAIT within {@code timeoutMs}. With {@code replicas} 0 the ack follows the
 * master's count alone: losing that one server (a failover to a replica that lagged, a restart from an older
 * snapshot) can lose ballots already acked.
 *
 * @param replicas  {@code LIVEJURY_REDIS_ACK_REPLICAS}, 0 or more
 * @param timeoutMs {@code LIVEJURY_REDIS_ACK_TIMEOUT_MS}, at least 1: how long a ballot waits for its replicas
 *                  before it is acked {@code rejected} / {@code unavailable}
 */
public record ReplicaAcks(int replicas, long timeoutMs) {

  public ReplicaAcks {
    if (replicas < 0) {
      throw new IllegalArgumentException("LIVEJURY_REDIS_ACK_REPLICAS must be 0 or more, got " + replicas);
    }
  }

  public static ReplicaAcks from(Settings.Reader r) {
    return new ReplicaAcks(r.integer("LIVEJURY_REDIS_ACK_REPLICAS"), r.positive("LIVEJURY_REDIS_ACK_TIMEOUT_MS"));
  }

  /** True when acks wait for replicas. */
  public boolean waits() {
    return replicas > 0;
  }

  /** One line for the start-up log saying what an {@code accepted} ack promises on this node. */
  public String describe() {
    return waits()
        ? "A ballot is acked accepted once the Redis master counted it and " + replicas + " replica"
            + (replicas == 1 ? "" : "s") + " hold the count (WAIT, at most " + timeoutMs
            + " ms, else it is acked rejected/unavailable): it survives the loss of the master"
        : "A ballot is acked accepted once the one Redis server counted it (LIVEJURY_REDIS_ACK_REPLICAS=0): a failover"
            + " to a replica or a restart from an older snapshot can lose acked ballots; set"
            + " LIVEJURY_REDIS_ACK_REPLICAS=1 with a replica to keep them";
  }
}
