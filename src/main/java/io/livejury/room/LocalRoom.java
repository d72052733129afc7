package io.livejury.room;

import io.livejury.model.Prompt;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The sockets this node holds in one room, grouped by the event-loop thread each belongs to, and the room's
 * open prompts with their tally mode and the last total each was told. A frame for the room is handed to each event loop once
 * and written there to its sockets, so no thread writes to sockets it does not own and the caller is free
 * at once: with 10,000 sockets that is a handful of tasks instead of 10,000. Groups are keyed by thread,
 * not context: every socket's handshake ran on a context of its own.
 */
public final class LocalRoom {

  /** Marks an open prompt whose tally this node has not sent yet. */
  private static final long NO_TALLY_SENT = -1;

  private final String roomId;
  private final Map<Thread, Loop> membersByLoop = new ConcurrentHashMap<>();
  private final Map<String, OpenPrompt> openPrompts = new ConcurrentHashMap<>();
  /**
   * Prompts the tally broadcaster found closed before their close event came: kept until it comes, so a room
   * that missed it (a subscriber gap past its stream) still knows whose verdict to read back.
   */
  private final Set<String> closedUnannounced = ConcurrentHashMap.newKeySet();
  /**
   * Prompts that vanished from Redis while this node followed them open (a failover to a lagging replica, a
   * restart from an older snapshot, a flush): closed for the room's sockets, and ballots on them are answered
   * {@code closed} / {@code lost}. Kept as long as the room has sockets here.
   */
  private final Set<String> lost = ConcurrentHashMap.newKeySet();
  private final AtomicInteger viewers = new AtomicInteger();
  /** The room's viewer sockets on this node by user: each user counts once in the audience. */
  private final Map<String, Set<RoomMember>> viewersByUser = new ConcurrentHashMap<>();

  /** One event loop's sockets in the room, and a context of that loop to run the writes on. */
  private record Loop(Context context, Set<RoomMember> members) {
  }

  /** An open prompt this node follows: its tally mode, the last total it sent and that tally frame. */
  private static final class OpenPrompt {
    final String tally;
    long lastSent = NO_TALLY_SENT;
    String lastFrame;

    OpenPrompt(String tally) {
      this.tally = tally;
    }
  }

  LocalRoom(String roomId) {
    this.roomId = roomId;
  }

  public String roomId() {
    return roomId;
  }

  void add(RoomMember member) {
    boolean added = membersByLoop.computeIfAbsent(member.eventLoop(), thread -> new Loop(member.context(),
        ConcurrentHashMap.newKeySet())).members().add(member);
    if (added && member.viewer()) {
      viewers.incrementAndGet();
      viewersByUser.compute(member.userId(), (user, sockets) -> {
        Set<RoomMember> all = sockets == null ? ConcurrentHashMap.newKeySet() : sockets;
        all.add(member);
        return all;
      });
    }
  }

  void remove(RoomMember member) {
    membersByLoop.computeIfPresent(member.eventLoop(), (thread, loop) -> {
      if (loop.members().remove(member) && member.viewer()) {
        viewers.decrementAndGet();
        viewersByUser.computeIfPresent(member.userId(), (user, sockets) -> {
          sockets.remove(member);
          return sockets.isEmpty() ? null : sockets;
        });
      }
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

  /** The viewers' sockets among the room's sockets on this node. */
  public int viewers() {
    return viewers.get();
  }

  /**
   * The distinct viewers on this node who could decide a prompt opening at {@code atMs} (epoch ms): a user with
   * several sockets counts once, when any of them could. Runs over the room's viewers on this node, one
   * comparison each.
   */
  public int eligibleViewers(long atMs) {
    int eligible = 0;
    for (Set<RoomMember> sockets : viewersByUser.values()) {
      for (RoomMember socket : sockets) {
        if (socket.decidesFromMs() <= atMs) {
          eligible++;
          break;
        }
      }
    }
    return eligible;
  }

  /** True while this node holds a viewer socket of the user in the room. */
  public boolean holdsViewer(String userId) {
    return viewersByUser.containsKey(userId);
  }

  /**
   * Room events and tallies come from different event loops; handing both over under the room's lock keeps
   * a tally read before a prompt closed from reaching a socket after that prompt's final tally and verdict
   * (each event loop runs the tasks it is given in order). Completes once every socket has been written to.
   *
   * @param opened the frame of the prompt the event opens, read by the caller; null for other events
   */
  public synchronized Future<Void> deliver(RoomEvent event, PromptFrame opened) {
    if (opened != null) {
      openPrompts.putIfAbsent(opened.promptId(), new OpenPrompt(opened.tally()));
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
          // A prompt-opened event carries its prompt frame alone: each socket takes its variant of it.
          boolean prompt = opened != null && frame.equals(opened.plain());
          for (RoomMember member : loop.members()) {
            if (prompt) {
              member.sendPrompt(opened);
            } else if (event.audience().includes(member)) {
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
   * Sends a tally if the prompt is still open here, its tally mode shows live tallies and its total moved since
   * the last one: to every socket for a {@code live} prompt, for an {@code after_vote} one only to moderators and
   * to sockets whose user voted on it; a {@code hidden} prompt shows none until its verdict. Returns how many
   * sockets it went to at most.
   */
  public synchronized int deliverTally(String promptId, long total, Supplier<String> frame) {
    OpenPrompt open = openPrompts.get(promptId);
    if (open == null || open.lastSent == total || Prompt.TALLY_HIDDEN.equals(open.tally)) {
      return 0;
    }
    open.lastSent = total;
    String encoded = frame.get();
    open.lastFrame = encoded;
    boolean afterVote = Prompt.TALLY_AFTER_VOTE.equals(open.tally);
    int sent = 0;
    for (Loop loop : membersByLoop.values()) {
      sent += loop.members().size();
      loop.context().runOnContext(v -> loop.members().forEach(member -> {
        if (!afterVote || member.moderates() || member.voted(promptId)) {
          member.offer(encoded);
        }
      }));
    }
    return sent;
  }

  /** The tally mode of an open prompt this node follows; null when it follows none of that id. */
  public String tallyMode(String promptId) {
    OpenPrompt open = openPrompts.get(promptId);
    return open == null ? null : open.tally;
  }

  /** The last tally frame this node sent of an open prompt, for a voter who may see it from now on; or null. */
  public synchronized String lastTally(String promptId) {
    OpenPrompt open = openPrompts.get(promptId);
    return open == null ? null : open.lastFrame;
  }

  /**
   * Follows the prompts a joining socket found open (their open events may have gone by before it came).
   *
   * @param tally the prompt's tally mode
   */
  public void trackOpen(String promptId, String tally) {
    openPrompts.putIfAbsent(promptId, new OpenPrompt(tally));
  }

  /** Stops sending tallies of a prompt found closed by other means than its close event. */
  public synchronized void untrack(String promptId) {
    if (openPrompts.remove(promptId) != null) {
      closedUnannounced.add(promptId);
    }
  }

  /**
   * Marks a prompt this node follows open as lost: no more tallies, and {@link #isLost} from now on.
   *
   * @return true the first time, when the caller tells the room's sockets; false when it was not followed open
   */
  synchronized boolean lose(String promptId) {
    if (openPrompts.remove(promptId) == null) {
      return false;
    }
    closedUnannounced.remove(promptId);
    lost.add(promptId);
    return true;
  }

  /** True for a prompt this node closed for its sockets because Redis lost it. */
  public boolean isLost(String promptId) {
    return lost.contains(promptId);
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
