package io.livejury.room;

public enum Audience {
  /** Every socket in the room. */
  EVERYONE,
  /** The room's streamer and staff observers only. */
  MODERATORS;

  boolean includes(RoomMember member) {
    return this == EVERYONE || member.moderates();
  }
}
