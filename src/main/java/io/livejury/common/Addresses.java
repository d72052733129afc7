package io.livejury.common;

/** Event-bus addresses. All are node-local: cross-node traffic goes through Redis. */
public final class Addresses {

  /** Request: body = room id; reply once this node is subscribed to the room's channel. */
  public static final String ROOM_SUBSCRIBE = "livejury.room.subscribe";

  /**
   * Publish, no body: this node added a prompt's deadline or moved one earlier; the closer looks again at once
   * instead of at the end of its idle pause.
   */
  public static final String CLOSER_WAKE = "livejury.closer.wake";

  /**
   * Publish, no body: this node added a review-queue item (a due time, perhaps a room to re-rank); the escalation
   * and re-rank loops look again at once.
   */
  public static final String REVIEW_WAKE = "livejury.review.wake";

  private Addresses() {
  }
}
