package io.livejury.room;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** The sockets this node holds in one room, and the room's open prompts with the last total each was told. */
public final class LocalRoom {

  /** Marks an open prompt whose tally this node has not sent yet. */
  public static final long NO_TALLY_SENT = -1;

  private final String roomId;
  private final Set<RoomMember> members = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> openPrompts = new ConcurrentHashMap<>();

  LocalRoom(String roomId) {
    this.roomId = roomId;
  }

  public String roomId() {
    return roomId;
  }

  Set<RoomMember> members() {
    return members;
  }

  public boolean isEmpty() {
    return members.isEmpty();
  }

  public int size() {
    return members.size();
  }

  /**
   * Room events and tallies come from different event loops; delivering both under the room's lock keeps
   * a tally read before a prompt closed from reaching a socket after that prompt's final tally and verdict.
   */
  public synchronized void deliver(RoomEvent event) {
    if (event.openedPromptId() != null) {
      openPrompts.putIfAbsent(event.openedPromptId(), NO_TALLY_SENT);
    }
    if (event.closedPromptId() != null) {
      openPrompts.remove(event.closedPromptId());
    }
    for (String frame : event.frames()) {
      for (RoomMember member : members) {
        if (event.audience().includes(member)) {
          member.send(frame);
        }
      }
    }
  }

  /**
   * Sends a tally to everyone if the prompt is still open here and its total moved since the last one;
   * returns how many sockets it went to.
   */
  public synchronized int deliverTally(String promptId, long total, Supplier<String> frame) {
    Long lastSent = openPrompts.get(promptId);
    if (lastSent == null || lastSent == total) {
      return 0;
    }
    openPrompts.put(promptId, total);
    String encoded = frame.get();
    members.forEach(member -> member.offer(encoded));
    return members.size();
  }

  /** Follows the prompts a joining socket found open (their open events may have gone by before it came). */
  public void trackOpen(String promptId) {
    openPrompts.putIfAbsent(promptId, NO_TALLY_SENT);
  }

  /** Stops tracking a prompt found closed by other means than its close event. */
  public synchronized void untrack(String promptId) {
    openPrompts.remove(promptId);
  }

  /** The ids of the open prompts this node follows for the room. */
  public Set<String> openPromptIds() {
    return openPrompts.keySet();
  }
}
