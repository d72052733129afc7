package io.livejury.common;

/** Event-bus addresses. All are node-local: cross-node traffic goes through Redis. */
public final class Addresses {

  /** Request: body = room id; reply once this node is subscribed to the room's channel. */
  public static final String ROOM_SUBSCRIBE = "livejury.room.subscribe";

  private Addresses() {
  }
}
