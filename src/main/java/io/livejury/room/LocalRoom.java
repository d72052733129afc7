package io.livejury.room;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The sockets this node holds in one room, grouped by the event-loop thread each belongs to, and the room's
 * open prompts with the last total each was told. A frame for the room is handed to each event loop once
 * and written there to its sockets, so no thread writes to sockets it does not own and the caller is free
 * at once: with 10,000 sockets that is a handful of tasks instead of 10,000. Groups are keyed by thread,
 * not context: every socket's handshake ran on a context of its own.
 */
public final class LocalRoom {

  /** Marks an open prompt whose tally this node has not sent yet. */
  public static final long NO_TALLY_SENT = -1;

  private final String roomId;
  private final Map<Thread, Loop> membersByLoop = new ConcurrentHashMap<>();
  private final Map<String, Long> openPrompts = new ConcurrentHashMap<>();
  /**
   * Prompts the tally broadcaster found closed before their close event came: kept until it comes, so a room
   * that missed it (a subscriber gap past its stream) still knows whose verdict to read back.
   */
  private final Set<String> closedUnannounced = ConcurrentHashMap.newKeySet();

  /** One event loop's sockets in the room, and a context of that loop to run the writes on. */
  private record Loop(Context context, Set<RoomMember> members) {
  }

  LocalRoom(String roomId) {
    this.roomId = roomId;
  }

  public String roomId() {
    return roomId;
  }

  void add(RoomMember member) {
    membersByLoop.computeIfAbsent(member.eventLoop(), thread -> new Loop(member.context(),
        ConcurrentHashMap.newKeySet())).members().add(member);
  }

  void remove(RoomMember member) {
    membersByLoop.computeIfPresent(member.eventLoop(), (thread, loop) -> {
      loop.members().remove(member);
      return loop.members().isEmpty() ? null : loop;
    });
  }

  public boolean isEmpty() {
    return membersByLoop.isEmpty();
  }

  public int size() {
    int size = 0;
    for (Loop loop : membersByLoop.values()) {
      size += loop.members().size();
    }
    return size;
  }

  /**
   * Room events and tallies come from different event loops; handing both over under the room's lock keeps
   * a tally read before a prompt closed from reaching a socket after that prompt's final tally and verdict
   * (each event loop runs the tasks it is given in order). Completes once every socket has been written to.
   */
  public synchronized Future<Void> deliver(RoomEvent event) {
    if (event.openedPromptId() != null) {
      openPrompts.putIfAbsent(event.openedPromptId(), NO_TALLY_SENT);
    }
    if (event.closedPromptId() != null) {
      openPrompts.remove(event.closedPromptId());
      closedUnannounced.remove(event.closedPromptId());
    }
    List<Future<Void>> written = new ArrayList<>(membersByLoop.size());
    membersByLoop.values().forEach(loop -> {
      Promise<Void> done = Promise.promise();
      written.add(done.future());
      loop.context().runOnContext(v -> {
        for (String frame : event.frames()) {
          for (RoomMember member : loop.members()) {
            if (event.audience().includes(member)) {
              member.send(frame);
            }
          }
        }
        done.complete();
      });
    });
    return Future.all(written).mapEmpty();
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
    int sent = 0;
    for (Loop loop : membersByLoop.values()) {
      sent += loop.members().size();
      loop.context().runOnContext(v -> loop.members().forEach(member -> member.offer(encoded)));
    }
    return sent;
  }

  /** Follows the prompts a joining socket found open (their open events may have gone by before it came). */
  public void trackOpen(String promptId) {
    openPrompts.putIfAbsent(promptId, NO_TALLY_SENT);
  }

  /** Stops sending tallies of a prompt found closed by other means than its close event. */
  public synchronized void untrack(String promptId) {
    if (openPrompts.remove(promptId) != null) {
      closedUnannounced.add(promptId);
    }
  }

  /** The ids of the open prompts this node follows for the room. */
  public Set<String> openPromptIds() {
    return openPrompts.keySet();
  }

  /** The prompts whose close the room's sockets have not been told of: open ones, and closed unannounced. */
  public synchronized Set<String> awaitingClose() {
    Set<String> awaiting = new HashSet<>(openPrompts.keySet());
    awaiting.addAll(closedUnannounced);
    return awaiting;
  }
}
