package io.livejury.room;

import java.util.List;

/**
 * What travels over a room's Redis channel to every node, and is kept in the room's event stream: frames
 * already encoded once by the publisher, who should get them, and which prompt opened or closed so each
 * node's tally broadcaster follows along. {@code id} is the event's stream id, set by Redis when the event
 * is appended (absent on an event not yet published); nodes deliver each id once, in order.
 */
public record RoomEvent(
    String id,
    String roomId,
    Audience audience,
    List<String> frames,
    String openedPromptId,
    String closedPromptId) {

  public static RoomEvent toEveryone(String roomId, String... frames) {
    return new RoomEvent(null, roomId, Audience.EVERYONE, List.of(frames), null, null);
  }

  public static RoomEvent toModerators(String roomId, String... frames) {
    return new RoomEvent(null, roomId, Audience.MODERATORS, List.of(frames), null, null);
  }

  public static RoomEvent promptOpened(String roomId, String promptId, String frame) {
    return new RoomEvent(null, roomId, Audience.EVERYONE, List.of(frame), promptId, null);
  }

  public static RoomEvent promptClosed(String roomId, String promptId, String... frames) {
    return new RoomEvent(null, roomId, Audience.EVERYONE, List.of(frames), null, promptId);
  }

  /** The same event as read back from the stream under its entry id. */
  public RoomEvent withId(String streamId) {
    return new RoomEvent(streamId, roomId, audience, frames, openedPromptId, closedPromptId);
  }

  /** The stream id as a number pair; only for events that came from Redis. */
  public StreamId streamId() {
    return StreamId.parse(id);
  }
}
