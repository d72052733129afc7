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

  private Addresses() {
  }
}
