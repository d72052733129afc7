package io.livejury.room;

import java.util.List;

/**
 * What travels over a room's Redis channel to every node: frames already encoded once by the publisher,
 * who should get them, and which prompt opened or closed so each node's tally broadcaster follows along.
 */
public record RoomEvent(
    String roomId,
    Audience audience,
    List<String> frames,
    String openedPromptId,
    String closedPromptId) {

  public static RoomEvent toEveryone(String roomId, String... frames) {
    return new RoomEvent(roomId, Audience.EVERYONE, List.of(frames), null, null);
  }

  public static RoomEvent toModerators(String roomId, String... frames) {
    return new RoomEvent(roomId, Audience.MODERATORS, List.of(frames), null, null);
  }

  public static RoomEvent promptOpened(String roomId, String promptId, String frame) {
    return new RoomEvent(roomId, Audience.EVERYONE, List.of(frame), promptId, null);
  }

  public static RoomEvent promptClosed(String roomId, String promptId, String... frames) {
    return new RoomEvent(roomId, Audience.EVERYONE, List.of(frames), null, promptId);
  }
}
