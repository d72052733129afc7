package io.livejury.jury;

import io.vertx.core.Future;

/** Where a socket learns its juror's ballot weight, once, when it joins a room. */
public interface Reputation {

  /**
   * The ballot weight of a user's reputation ({@link ReputationRule#weight}); completes with the neutral weight
   * when the store cannot be read, so an outage never stops a viewer from voting.
   */
  Future<Double> weight(String userId);
}
