package io.livejury.common;

/**
 * Every Redis key and channel LiveJury uses. All keys of one prompt share the hash tag
 * {@code {p:<promptId>}} and all keys of one room share {@code {r:<roomId>}}, so every script touches one
 * slot and the layout runs unchanged on Redis Cluster.
 */
public final class RedisKeys {

  /** Prompt hash: json, status, roomId, closesAtMs, streamerId, merchantId, verdict. */
  public static String prompt(String promptId) {
    return "lj:{p:" + promptId + "}:prompt";
  }

  /** Hash voter id → option id: the dedupe set, and what a reconnecting viewer voted. */
  public static String voters(String promptId) {
    return "lj:{p:" + promptId + "}:voters";
  }

  /** Hash {@code <epoch second>:<option id>} → ballots counted in that second: how the vote went, for staff. */
  public static String curve(String promptId) {
    return "lj:{p:" + promptId + "}:curve";
  }

  /** Hash option id → ballots counted. */
  public static String counts(String promptId) {
    return "lj:{p:" + promptId + "}:counts";
  }

  /**
   * Hash voter id → excluded ballot's reason ({@code late_join}, {@code new_account}, …): each ineligible
   * voter is counted once, however often they try.
   */
  public static String excluded(String promptId) {
    return "lj:{p:" + promptId + "}:excluded";
  }

  /** Hash reason → ineligible voters refused for it: the verdict's {@code jury.excluded}. */
  public static String exclusions(String promptId) {
    return "lj:{p:" + promptId + "}:exclusions";
  }

  /**
   * Sorted set user id → when the user first joined the room (epoch ms, Redis's clock): presence for the jury
   * rules, the same on every node and after any reconnect. It lives in the room's slot, ballots in the
   * prompt's, so the node reads it once per socket and hands it to the ballot script.
   */
  public static String roomJoined(String roomId) {
    return "lj:{r:" + roomId + "}:joined";
  }

  /**
   * Hash user id → where the user was last seen in the room: {@code "<node id>"}, the node that holds their
   * latest viewer socket, or {@code "<node id> <epoch ms>"} once their last socket on it closed (Redis's clock).
   * A user who left longer than the rejoin grace ago joins the room anew (join.lua, leave.lua). Remembered as
   * long as {@link #roomJoined}.
   */
  public static String roomLeft(String roomId) {
    return "lj:{r:" + roomId + "}:left";
  }

  /**
   * Hash node id → "{viewers} {epoch ms}": each node's count of the distinct viewers it holds in the room who
   * could decide a prompt opening now (the jury draw's audience), refreshed while it holds any viewer.
   */
  public static String roomAudience(String roomId) {
    return "lj:{r:" + roomId + "}:audience";
  }

  /** List of the room's latest closed prompt ids, newest first: what co-voting is checked against. */
  public static String roomClosedPrompts(String roomId) {
    return "lj:{r:" + roomId + "}:closed";
  }

  /**
   * Set of the streamer's live rooms' ids: a room joins it as it is created (streamer_room.lua, at most
   * {@code LIVEJURY_ROOMS_PER_STREAMER}) and leaves it as it ends or is stopped.
   */
  public static String streamerLiveRooms(String streamerId) {
    return "lj:{s:" + streamerId + "}:liverooms";
  }

  /** String: the room's JSON. */
  public static String room(String roomId) {
    return "lj:{r:" + roomId + "}:room";
  }

  /**
   * Set once the room's stop reached a node: the {@code stopped} notice goes out once however often, or from however
   * many nodes at once, the stop is sent; a notice that reached no node goes out again with the next stop.
   */
  public static String roomStopAnnounced(String roomId) {
    return "lj:{r:" + roomId + "}:stopannounced";
  }

  /**
   * Set of room ids marked stopped whose audit row may not be in Postgres yet: added right after the mark, removed
   * once the row is written; every node's sweeper writes what is left (RoomStops#auditPending).
   */
  public static final String STOPS_TO_AUDIT = "lj:stops:toaudit";

  /** Set of the room's prompt ids still open. */
  public static String roomOpenPrompts(String roomId) {
    return "lj:{r:" + roomId + "}:open";
  }

  /**
   * Stream of the room's events (prompts opened and closed, warnings, penalties, room changes), capped and
   * expiring once the room falls quiet: what a node whose subscriber connection dropped catches up from.
   */
  public static String roomEvents(String roomId) {
    return "lj:{r:" + roomId + "}:events";
  }

  /**
   * Set once a rule's warning in a room reached a node, while it is not to be repeated (expires after the
   * repeat window).
   */
  public static String roomWarned(String roomId, String ruleId) {
    return "lj:{r:" + roomId + "}:warned:" + ruleId;
  }

  /**
   * The room's latest transcript segment, {@code {"text","normalised"}} as JSON, kept for the detection window
   * (expires after {@code LIVEJURY_DETECT_WINDOW_SECONDS}).
   */
  public static String roomLastSegment(String roomId) {
    return "lj:{r:" + roomId + "}:lastseg";
  }

  /** Set while a claim has been put to a room's audience and is not to be asked again (the cool-down). */
  public static String roomAsked(String roomId, String claimKey) {
    return "lj:{r:" + roomId + "}:asked:" + claimKey;
  }

  /** Set while a viewer may not report in the room again. */
  public static String roomReporter(String roomId, String userId) {
    return "lj:{r:" + roomId + "}:reported:" + userId;
  }

  /** Sorted set viewer → time of their report, for one category in one room, over the window. */
  public static String roomReports(String roomId, String category) {
    return "lj:{r:" + roomId + "}:reports:" + category;
  }

  /** List of the latest report texts of one category in one room, newest first, over the window. */
  public static String roomReportTexts(String roomId, String category) {
    return "lj:{r:" + roomId + "}:report-texts:" + category;
  }

  /** Set while a prompt opened by one category of reports holds in the room. */
  public static String roomReportPrompt(String roomId, String category) {
    return "lj:{r:" + roomId + "}:report-prompt:" + category;
  }

  /**
   * Sorted set verdict id → when it was recorded (epoch ms): the room's condemned verdicts of a category that can
   * propose a stop, over the automatic stop rule's window.
   */
  public static String roomStopVerdicts(String roomId) {
    return "lj:{r:" + roomId + "}:stop-verdicts";
  }

  /** Hash: the room's stop proposals decided, proposal id -> {@code dismissed} or {@code confirmed} (stop_decide.lua). */
  public static String roomStopDecisions(String roomId) {
    return "lj:{r:" + roomId + "}:stop-decisions";
  }

  /** The id of the automatic stop proposed for the room, while it holds: one proposal per window. */
  public static String roomStopProposed(String roomId) {
    return "lj:{r:" + roomId + "}:stop-proposed";
  }

  // The staff review queue: every key shares the hash tag {q}, so each queue script touches one slot.

  /** Hash item id → the item's JSON as created (what does not change: kind, room, severity, risk factors, times). */
  public static final String QUEUE_ITEMS = "lj:{q}:items";

  /** Sorted set item id → created at (epoch ms): the items still open. */
  public static final String QUEUE_OPEN = "lj:{q}:open";

  /**
   * Sorted set, every score 0, of the open items' rank keys in the queue's order (live rooms first, then risk, then
   * due time; ReviewQueue#rankKey), read by lexical range: the list and its pages.
   */
  public static final String QUEUE_RANK = "lj:{q}:rank";

  /** Hash: open item id -> its rank key in {@link #QUEUE_RANK}. */
  public static final String QUEUE_RANK_OF = "lj:{q}:rankof";

  /** Sorted set: room id -> when its items are next re-ranked (epoch ms), for rooms with open items. */
  public static final String QUEUE_ROOMS = "lj:{q}:rooms";

  /** Hash: room id -> its liveness and audience when its items were last ranked ({@code live:audience}). */
  public static final String QUEUE_ROOM_STATE = "lj:{q}:roomstate";

  /** Set of the room's item ids that may still be open (pruned as the room is re-ranked). */
  public static String queueRoomItems(String roomId) {
    return "lj:{q}:roomitems:" + roomId;
  }

  /** Sorted set item id → when to look at it next (its due time, then its claim's expiry while claimed). */
  public static final String QUEUE_DUE = "lj:{q}:due";

  /** Hash item id → {@code "<staff user> <claimed at ms> <expires at ms>"}. */
  public static final String QUEUE_CLAIMS = "lj:{q}:claims";

  /** Set of the item ids escalated (past due unclaimed): each is escalated once. */
  public static final String QUEUE_ESCALATED = "lj:{q}:escalated";

  /** Hash item id → {@code {"by", "at" (epoch ms), "outcome"}} for decided items. */
  public static final String QUEUE_RESOLVED = "lj:{q}:resolved";

  /** Sorted set item id → decided at (epoch ms), for dropping decided items after the retention. */
  public static final String QUEUE_DONE = "lj:{q}:done";

  /** Set while a repeat of one problem (a rule's warnings in a room) makes no new item. */
  public static String queueRepeat(String roomId, String what) {
    return "lj:{q}:repeat:" + roomId + ":" + what;
  }

  /** Pub/sub channel carrying staff alerts to every node's staff feed sockets. */
  public static final String STAFF_CHANNEL = "lj:staff";

  /**
   * String: a warning's own record as JSON ({@code {"id","roomId","ruleId","category","text","at"}}), kept for
   * {@code LIVEJURY_WARNING_RECORD_HOURS}, so staff can teach its sentence by the warning's id and the server takes
   * the sentence from here rather than from the client.
   */
  public static String warning(String warningId) {
    return "lj:warning:" + warningId;
  }

  /**
   * Pub/sub channel on which a node says it changed the taught examples: every node then reads them from Postgres
   * and rebuilds its detector sheets.
   */
  public static final String DETECTOR_TAUGHT = "lj:detector:taught";

  /** Sorted set prompt id → deadline (epoch ms), or lease end while a closer holds it. */
  public static final String DEADLINES = "lj:deadlines";

  /** Stream of decided verdicts, consumed by the penalty side: the only one while the stream is not split. */
  public static final String VERDICT_STREAM = "lj:verdicts";

  /**
   * One of {@code shards} verdict streams ({@code LIVEJURY_VERDICT_STREAM_SHARDS}, more than 1 on a Redis Cluster so
   * no shard carries every verdict): {@code lj:{v<shard>.<n>}:verdicts}, where {@code n} is the smallest whole number
   * that puts the key's hash slot in the {@code shard}-th of {@code shards} equal parts of the slot space. Stream
   * {@code i} of {@code k} thus lands on a different master than its neighbours whenever the masters hold equal
   * ranges of slots in order, as {@code redis-cli --cluster create} lays them out. With one shard: {@link
   * #VERDICT_STREAM}. The same on every node, since it depends on the two numbers alone.
   */
  public static String verdictStream(int shard, int shards) {
    if (shards == 1) {
      return VERDICT_STREAM;
    }
    int from = (int) ((long) shard * HashSlots.SLOTS / shards);
    int to = (int) ((long) (shard + 1) * HashSlots.SLOTS / shards);
    for (int n = 0; ; n++) {
      String key = "lj:{v" + shard + "." + n + "}:verdicts";
      int slot = HashSlots.slot(key);
      if (slot >= from && slot < to) {
        return key;
      }
    }
  }

  /**
   * Pub/sub channel a node's subscriber connection (the room hub's, or a {@link ChannelSubscriber}) publishes to
   * itself, to know the connection still hears.
   */
  public static String subscriberHeartbeat(String subscriberId) {
    return "lj:hub:" + subscriberId;
  }

  /** Pub/sub channel carrying a room's events to every node holding sockets in it (on a single Redis server). */
  public static String roomChannel(String roomId) {
    return "lj:room:" + roomId;
  }

  /**
   * Shard channel (SPUBLISH / SSUBSCRIBE) carrying a room's events on a Redis Cluster: it shares the room's hash tag,
   * so it lives on the shard that holds the room's keys, and room_event.lua publishes to it beside the room's stream.
   */
  public static String roomShardChannel(String roomId) {
    return "lj:{r:" + roomId + "}:channel";
  }

  private RedisKeys() {
  }
}
