package io.livejury.room;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which sockets of this node are in which room. Shared by the gateway instances (which add and remove
 * sockets on their event loops), the room hub and the tally broadcaster; per-room changes are atomic.
 */
public final class RoomRegistry {

  private final ConcurrentMap<String, LocalRoom> rooms = new ConcurrentHashMap<>();

  public LocalRoom join(String roomId, RoomMember member) {
    return rooms.compute(roomId, (id, room) -> {
      LocalRoom joined = room == null ? new LocalRoom(id) : room;
      joined.add(member);
      return joined;
    });
  }

  public void leave(String roomId, RoomMember member) {
    rooms.computeIfPresent(roomId, (id, room) -> {
      room.remove(member);
      return room.isEmpty() ? null : room;
    });
  }

  public Optional<LocalRoom> find(String roomId) {
    return Optional.ofNullable(rooms.get(roomId));
  }

  public Collection<LocalRoom> rooms() {
    return rooms.values();
  }

  public int sockets() {
    return rooms.values().stream().mapToInt(LocalRoom::size).sum();
  }
}
