package io.livejury.room;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

  public void deliver(Audience audience, String frame) {
    for (RoomMember member : members) {
      if (audience.includes(member)) {
        member.send(frame);
      }
    }
  }

  public void promptOpened(String promptId) {
    openPrompts.putIfAbsent(promptId, NO_TALLY_SENT);
  }

  public void promptClosed(String promptId) {
    openPrompts.remove(promptId);
  }

  /** Open prompt ids → the total last broadcast for each. */
  public Map<String, Long> openPrompts() {
    return openPrompts;
  }

  /** Records a total as sent; false if the prompt closed meanwhile, so the tally must not go out. */
  public boolean markTallySent(String promptId, long total) {
    return openPrompts.replace(promptId, total) != null;
  }
}
