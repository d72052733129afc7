package io.livejury.escalation;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Ids;
import io.livejury.common.Json;
import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.common.Sql;
import io.livejury.metrics.Metrics;
import io.livejury.model.Principal;
import io.livejury.model.Room;
import io.livejury.model.Verdict;
import io.livejury.model.Warning;
import io.livejury.penalty.PenaltyLadder;
import io.livejury.room.Presence;
import io.livejury.room.RoomService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The staff review queue of live problems (docs/protocol.md, "Live escalation and emergency stop"), kept in Redis under
 * one hash tag so every node sees the same queue and each change is one atomic script: critical and warn warnings,
 * verdicts waiting for staff, report waves and proposed stops become items, each announced once to every staff
 * feed ({@code alert}); claims are exclusive and lapse; an item past its due time unclaimed is escalated once,
 * by whichever node takes it off the due set first.
 *
 * <p>An item as read ({@link #list}, the alert) is its stored {@link QueueItem} plus what changes: {@code audience}
 * (the room's viewers across nodes, from each node's report of the last {@link Presence#FRESH_MS}), {@code risk}
 * ({@link RiskScore}, with that audience), {@code live} and {@code roomStatus}, {@code claimedBy} /
 * {@code claimedAt} / {@code claimExpiresAt} while a claim holds, and {@code escalated}. Order: items of live rooms
 * first, then by risk (highest first), then by due time (soonest first).
 *
 * <p>That order is kept over all open items in {@link RedisKeys#QUEUE_RANK}: each item's {@link #rankKey} encodes
 * (live, risk, due, id) so that the set's lexical order is the queue's, and a page is one O(log n + page) range read.
 * An item is ranked as it is added (with its room's audience then) and leaves as it is decided or expires. What moves
 * it afterwards is its room's audience or liveness: every node re-ranks the rooms due ({@link #rerankDue}, each room
 * at most every {@code LIVEJURY_REVIEW_RERANK_MS}, on one node), and an ended or stopped room is re-ranked at once
 * ({@link #rerankRoom}).
 */
public final class ReviewQueue {

  private static final Logger LOG = LoggerFactory.getLogger(ReviewQueue.class);
  private static final int ESCALATE_BATCH = 200;
  /** Rooms one node re-ranks per round at most; the rest are taken by the next round or another node. */
  private static final int RERANK_BATCH = 50;
  /** Risk is kept to two decimals ({@link RiskScore}); in hundredths, below this it fits the rank key's 10 digits. */
  private static final long RISK_CEILING = 9_999_999_999L;
  /** A cursor is a rank key: live flag, 10 digits of inverted risk, 13 of due time, '.', the item id. */
  private static final java.util.regex.Pattern CURSOR = java.util.regex.Pattern.compile("[01]\\d{23}\\.[A-Za-z0-9_-]{1,64}");
  private static final int MAX_OUTCOME = 200;
  private static final Comparator<JsonObject> ORDER = Comparator
      .comparing((JsonObject item) -> !item.getBoolean("live"))
      .thenComparing(item -> -item.getDouble("risk"))
      .thenComparingLong(item -> item.getLong("dueAtMs"))
      .thenComparing(item -> item.getString("id"));

  private final Redis redis;
  private final Pool pg;
  private final RoomService rooms;
  private final Presence presence;
  private final PenaltyLadder ladder;
  private final QueuePolicy policy;
  private final Metrics metrics;
  private final Runnable added;

  /**
   * @param added told after an item is added (a new due time, perhaps a new room to re-rank), so this node's
   *              escalation and re-rank loops look again ({@link io.livejury.common.Addresses#REVIEW_WAKE})
   */
  public ReviewQueue(Redis redis, Pool pg, RoomService rooms, Presence presence, PenaltyLadder ladder,
      QueuePolicy policy, Metrics metrics, Runnable added) {
    this.added = added;
    this.redis = redis;
    this.pg = pg;
    this.rooms = rooms;
    this.presence = presence;
    this.ladder = ladder;
    this.policy = policy;
    this.metrics = metrics;
  }

  public QueuePolicy policy() {
    return policy;
  }

  /**
   * A critical or warn warning becomes an item (an info one does not), one per rule and room within
   * {@code LIVEJURY_REVIEW_REPEAT_SECONDS}.
   *
   * @return the item as announced, empty when none was added (a repeat, or an info warning)
   */
  public Future<Optional<JsonObject>> addWarning(Room room, Warning warning) {
    if (!RiskScore.CRITICAL.equals(warning.severity()) && !RiskScore.WARN.equals(warning.severity())) {
      return Future.succeededFuture(Optional.empty());
    }
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("warningId", warning.id());
    source.put("ruleId", warning.ruleId());
    source.put("text", warning.evidence().text());
    return add("q-" + warning.id(), QueueItem.WARNING, room.roomId(), room.streamerId(), warning.category(),
        warning.severity(), warning.message(), source, RedisKeys.queueRepeat(room.roomId(), "rule:" + warning.ruleId()));
  }

  /**
   * A verdict waiting for staff (review status {@code pending}) becomes an item: critical when it condemns,
   * warn when inconclusive. Its id derives from the verdict's, so a verdict handed off twice makes one item.
   */
  public Future<Optional<JsonObject>> addVerdict(Verdict verdict) {
    if (!Verdict.REVIEW_PENDING.equals(verdict.reviewStatus()) || verdict.calibration() != null || verdict.stop() != null) {
      return Future.succeededFuture(Optional.empty());
    }
    String severity = Verdict.INCONCLUSIVE.equals(verdict.outcome()) ? RiskScore.WARN : RiskScore.CRITICAL;
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("verdictId", verdict.id());
    source.put("promptId", verdict.promptId());
    source.put("outcome", verdict.outcome());
    return add(itemIdOfVerdict(verdict.id()), QueueItem.VERDICT, verdict.roomId(), verdict.streamerId(),
        categoryOf(verdict), severity, verdict.outcome() + ": " + verdict.question(), source, null);
  }

  /** The queue item of a verdict, whose id derives from the verdict's. */
  public static String itemIdOfVerdict(String verdictId) {
    return "q-" + verdictId;
  }

  /** A verdict's category: the rule's that raised its prompt when a rule did, else what viewers reported. */
  static String categoryOf(Verdict verdict) {
    Object category = verdict.trigger() == null ? null : verdict.trigger().get("category");
    if (category instanceof String text) {
      return text;
    }
    return "claim".equals(verdict.kind()) ? "false_claim" : verdict.kind();
  }

  /** A wave of viewer reports that opened a prompt becomes a warn item. */
  public Future<Optional<JsonObject>> addReports(String roomId, String category, int reporters, String promptId) {
    return rooms.get(roomId).compose(room -> add("q-reports-" + promptId, QueueItem.REPORTS, roomId, room.streamerId(),
        category, RiskScore.WARN, reporters + " viewers reported " + category.replace('_', ' '),
        Map.of("promptId", promptId, "reporters", reporters), null));
  }

  /** An automatic stop proposal becomes a critical item, for staff to confirm (stop the room) or dismiss. */
  public Future<Optional<JsonObject>> addStopProposal(Room room, String stopId, String category, long verdicts,
      int windowMinutes) {
    return add("q-" + stopId, QueueItem.STOP, room.roomId(), room.streamerId(), category, RiskScore.CRITICAL,
        verdicts + " condemned verdicts in " + windowMinutes + " minutes: stop this room?",
        Map.of("stopId", stopId, "verdicts", verdicts), null);
  }

  private Future<Optional<JsonObject>> add(String id, String kind, String roomId, String streamerId, String category,
      String severity, String summary, Map<String, Object> source, String repeatKey) {
    return redisNowMs().compose(now -> Future.all(factors(streamerId, roomId, now), roomStates(Set.of(roomId), now))
        .compose(read -> {
      long[] factors = read.resultAt(0);
      RoomState room = read.<Map<String, RoomState>>resultAt(1).get(roomId);
      long due = now + policy.dueSeconds(severity) * 1000L;
      QueueItem item = new QueueItem(id, kind, roomId, streamerId, category, severity, summary, source,
          Instant.ofEpochMilli(now).toString(), Instant.ofEpochMilli(due).toString(), now, due, factors[0], factors[1]);
      List<String> keys = new ArrayList<>(List.of(RedisKeys.QUEUE_ITEMS, RedisKeys.QUEUE_OPEN, RedisKeys.QUEUE_DUE,
          RedisKeys.QUEUE_RANK, RedisKeys.QUEUE_RANK_OF, RedisKeys.queueRoomItems(roomId), RedisKeys.QUEUE_ROOMS));
      if (repeatKey != null) {
        keys.add(repeatKey);
      }
      return LuaScript.QUEUE_ADD.call(redis, keys, List.of(id, Json.encode(item), Long.toString(now), Long.toString(due),
              Integer.toString(policy.repeatSeconds()), rankKey(item, room), roomId,
              Long.toString(now + policy.rerankMs())))
          .compose(added -> {
            if (added.toInteger() != 1) {
              return Future.succeededFuture(Optional.<JsonObject>empty());
            }
            metrics.queueItemAdded(kind);
            this.added.run();
            return views(List.of(id)).compose(views -> {
              JsonObject view = views.get(0);
              return publish(alert(view)).map(Optional.of(view));
            });
          });
    }));
  }

  /**
   * The streamer's offences on the ladder's window and the room's condemned verdicts in the verdict window, from
   * Postgres; zeros while Postgres cannot be read (an item must not wait for them).
   */
  private Future<long[]> factors(String streamerId, String roomId, long nowMs) {
    OffsetDateTime now = Instant.ofEpochMilli(nowMs).atOffset(ZoneOffset.UTC);
    String[] outcomes = ladder.offenceOutcomes().toArray(String[]::new);
    Future<Long> offences = pg.preparedQuery(Sql.COUNT_OFFENCES.text())
        .execute(Tuple.of(streamerId, outcomes, now.minusDays(ladder.windowDays())))
        .map(rows -> rows.iterator().next().getLong("offences"));
    Future<Long> verdicts = pg.preparedQuery(Sql.COUNT_ROOM_CONDEMNED.text())
        .execute(Tuple.of(roomId, outcomes, now.minusMinutes(policy.verdictWindowMinutes())))
        .map(rows -> rows.iterator().next().getLong("condemned"));
    return Future.all(offences, verdicts)
        .map(both -> new long[] {offences.result(), verdicts.result()})
        .otherwise(err -> {
          LOG.debug("Risk factors of room {} not read, taken as 0: {}", roomId, err.getMessage());
          return new long[] {0, 0};
        });
  }

  /** The staff feed's first page: the first {@code LIVEJURY_REVIEW_FEED_MAX} open items in the queue's order. */
  public Future<JsonObject> list() {
    return page(policy.feedMax(), null);
  }

  /**
   * A page of the open items in the queue's order, over all of them: live rooms first, then risk, then due time
   * ({@code GET /api/queue?limit=&cursor=}).
   *
   * @param limitParam 1 to {@code LIVEJURY_REVIEW_LIST_MAX} (the default when absent)
   * @param cursor     the {@code next} of the page before, absent for the first page
   * @return {@code {"items":[item…], "next"?}}, {@code next} present when more items follow; fails with 400 for a
   *     limit out of range or a cursor this queue did not hand out
   */
  public Future<JsonObject> list(String limitParam, String cursor) {
    int limit = Fields.limit(limitParam, policy.listMax(), policy.listMax());
    if (cursor != null && !cursor.isEmpty() && !CURSOR.matcher(cursor).matches()) {
      return Future.failedFuture(ApiException.badRequest("cursor must be the next of an earlier page"));
    }
    return page(limit, cursor == null || cursor.isEmpty() ? null : cursor);
  }

  private Future<JsonObject> page(int limit, String after) {
    return redis.send(Request.cmd(Command.ZRANGEBYLEX).arg(RedisKeys.QUEUE_RANK).arg(after == null ? "-" : "(" + after)
            .arg("+").arg("LIMIT").arg(0).arg(limit + 1))
        .compose(keys -> {
          List<String> ranked = new ArrayList<>();
          keys.forEach(key -> ranked.add(key.toString()));
          List<String> ids = new ArrayList<>();
          for (String key : ranked.subList(0, Math.min(limit, ranked.size()))) {
            ids.add(key.substring(key.indexOf('.') + 1));
          }
          return views(ids).map(views -> {
            // The rank holds the order as of each room's last re-rank; within the page the live values decide.
            List<JsonObject> sorted = new ArrayList<>(views);
            sorted.sort(ORDER);
            JsonObject page = new JsonObject().put("items", new JsonArray(new ArrayList<>(sorted)));
            if (ranked.size() > limit) {
              page.put("next", ranked.get(limit - 1));
            }
            return page;
          });
        });
  }

  /**
   * The key whose lexical order is the queue's: {@code 0} for an item of a live room else {@code 1}, then
   * 9,999,999,999 less the risk in hundredths (10 digits: higher risk sorts first), then the due time (13 digits of
   * epoch ms: sooner first), then {@code .} and the id (ties).
   */
  private String rankKey(QueueItem item, RoomState room) {
    double risk = RiskScore.of(policy, item.severity(), item.category(), room.audience(), item.offences(),
        item.roomVerdicts());
    long hundredths = Math.max(0, Math.min(RISK_CEILING, Math.round(risk * 100)));
    return String.format("%d%010d%013d.%s", room.live() ? 0 : 1, RISK_CEILING - hundredths,
        Math.max(0, Math.min(9_999_999_999_999L, item.dueAtMs())), item.id());
  }

  /**
   * Claims the item for the caller; the caller claiming again renews the claim.
   *
   * @return the item; fails with 404 for an unknown item, 409 when someone else holds a live claim or the item
   *     was decided
   */
  public Future<JsonObject> claim(Principal staff, String itemId) {
    if (!Ids.isValid(itemId)) {
      return Future.failedFuture(ApiException.notFound("queue item"));
    }
    return LuaScript.QUEUE_CLAIM.call(redis, List.of(RedisKeys.QUEUE_ITEMS, RedisKeys.QUEUE_OPEN, RedisKeys.QUEUE_CLAIMS),
            List.of(itemId, staff.userId(), Long.toString(policy.claimSeconds() * 1000L)))
        .compose(reply -> switch (reply.get(0).toString()) {
          case "missing" -> Future.failedFuture(ApiException.notFound("queue item " + itemId));
          case "resolved" -> Future.failedFuture(ApiException.conflict("queue item " + itemId + " was decided already"));
          case "taken" -> Future.failedFuture(ApiException.conflict("queue item " + itemId + " is claimed by "
              + reply.get(1) + " until " + Instant.ofEpochMilli(reply.get(3).toLong())));
          default -> views(List.of(itemId)).compose(views -> {
            JsonObject view = views.get(0);
            if (reply.get(4).toInteger() == 1) {
              metrics.queueClaimed(reply.get(2).toLong() - view.getLong("createdAtMs"));
            }
            return publish(update(view)).map(view);
          });
        });
  }

  /**
   * Marks the item decided by the caller ({@code {"outcome"?}}, a short word or note, default {@code done}); an item
   * someone else holds a live claim on is theirs to decide.
   *
   * @return the item with {@code resolvedBy}, {@code resolvedAt}, {@code outcome}; fails with 404 for an unknown
   *     item, 409 when it was decided already or someone else claimed it, 400 for an outcome that is not text of at
   *     most 200 characters with one visible ({@link Fields#optionalText})
   */
  public Future<JsonObject> resolve(Principal staff, String itemId, JsonObject body) {
    String outcome = Fields.optionalText(body, "outcome", MAX_OUTCOME);
    return resolve(staff.userId(), itemId, outcome == null ? "done" : outcome)
        .compose(done -> switch (done) {
          case "missing" -> Future.failedFuture(ApiException.notFound("queue item " + itemId));
          case "resolved" -> Future.failedFuture(ApiException.conflict("queue item " + itemId + " was decided already"));
          case "taken" -> Future.failedFuture(ApiException.conflict("queue item " + itemId + " is claimed by someone else"));
          default -> resolvedView(itemId);
        });
  }

  /** The item as read now, empty for an unknown one. */
  public Future<Optional<JsonObject>> viewOf(String itemId) {
    if (!Ids.isValid(itemId)) {
      return Future.succeededFuture(Optional.empty());
    }
    return views(List.of(itemId)).map(views -> views.stream().findFirst());
  }

  /** Marks an item decided by an action elsewhere (a verdict reviewed, a room stopped); nothing when it is not open. */
  public Future<Void> resolveQuietly(String itemId, String by, String outcome) {
    return resolve(by, itemId, outcome).<Void>mapEmpty()
        .otherwise(err -> {
          LOG.debug("Queue item {} not marked decided: {}", itemId, err.getMessage());
          return null;
        });
  }

  /** @return {@code done}, {@code missing}, {@code resolved} or {@code taken} */
  private Future<String> resolve(String by, String itemId, String outcome) {
    if (!Ids.isValid(itemId)) {
      return Future.succeededFuture("missing");
    }
    return LuaScript.QUEUE_RESOLVE.call(redis, List.of(RedisKeys.QUEUE_ITEMS, RedisKeys.QUEUE_OPEN, RedisKeys.QUEUE_DUE,
            RedisKeys.QUEUE_CLAIMS, RedisKeys.QUEUE_RESOLVED, RedisKeys.QUEUE_DONE, RedisKeys.QUEUE_RANK,
            RedisKeys.QUEUE_RANK_OF), List.of(itemId, by, outcome))
        .compose(reply -> {
          String status = reply.get(0).toString();
          if (!"done".equals(status)) {
            return Future.succeededFuture(status);
          }
          long at = reply.get(1).toLong();
          return resolvedView(itemId).compose(view -> {
            metrics.queueDecided(at - view.getLong("createdAtMs"), at > view.getLong("dueAtMs"));
            return publish(update(view));
          }).map(status);
        });
  }

  private Future<JsonObject> resolvedView(String itemId) {
    Future<List<JsonObject>> views = views(List.of(itemId));
    Future<Response> resolved = redis.send(Request.cmd(Command.HGET).arg(RedisKeys.QUEUE_RESOLVED).arg(itemId));
    return Future.all(views, resolved).map(both -> {
      JsonObject view = views.result().get(0);
      if (resolved.result() != null) {
        JsonObject decided = new JsonObject(resolved.result().toString());
        view.put("resolvedBy", decided.getString("by"))
            .put("resolvedAt", Instant.ofEpochMilli(decided.getLong("at")).toString())
            .put("outcome", decided.getString("outcome"));
      }
      return view;
    });
  }

  /**
   * Escalates the items past their due time unclaimed, each once across every node (queue_escalate.lua takes each
   * off the due set as it marks it), announcing each to every staff feed as an {@code alert} with
   * {@code "escalated": true}, and counting it in {@code livejury_queue_escalations_total}.
   *
   * @return the ms until the next item falls due or leaves the queue (0: more may be due now; negative: the queue
   *     is empty), for {@link io.livejury.common.DeadlineLoop}
   */
  public Future<Long> escalateDue() {
    return LuaScript.QUEUE_ESCALATE.call(redis, List.of(RedisKeys.QUEUE_DUE, RedisKeys.QUEUE_OPEN,
                RedisKeys.QUEUE_CLAIMS, RedisKeys.QUEUE_ESCALATED, RedisKeys.QUEUE_ITEMS, RedisKeys.QUEUE_RESOLVED,
                RedisKeys.QUEUE_DONE, RedisKeys.QUEUE_RANK, RedisKeys.QUEUE_RANK_OF),
            List.of(Integer.toString(ESCALATE_BATCH), Long.toString(policy.retentionHours() * 3_600_000L)))
        .compose(reply -> {
          List<String> ids = new ArrayList<>();
          reply.get(1).forEach(id -> ids.add(id.toString()));
          long untilNext = reply.get(2).toLong();
          if (ids.isEmpty()) {
            return Future.succeededFuture(untilNext);
          }
          ids.forEach(id -> metrics.queueEscalated());
          return views(ids).compose(views -> {
            List<Future<Void>> sent = new ArrayList<>();
            views.forEach(view -> sent.add(publish(alert(view))));
            return Future.join(sent).map(untilNext);
          });
        });
  }

  /**
   * Re-ranks the rooms whose turn it is (each room with open items every {@code LIVEJURY_REVIEW_RERANK_MS}, taken by
   * one node per turn), so items follow their room's audience and liveness.
   *
   * @return the ms until the next room's turn (0: more may be due now; negative: no room has items), for
   *     {@link io.livejury.common.DeadlineLoop}
   */
  public Future<Long> rerankDue() {
    return LuaScript.QUEUE_ROOMS_DUE.call(redis, List.of(RedisKeys.QUEUE_ROOMS),
            List.of(Integer.toString(RERANK_BATCH), Integer.toString(policy.rerankMs())))
        .compose(reply -> {
          List<Future<Integer>> done = new ArrayList<>();
          reply.get(0).forEach(roomId -> done.add(rerank(roomId.toString(), false)));
          long untilNext = reply.get(1).toLong();
          // A room that failed is pushed back a turn by the script already and is tried again then.
          return Future.join(new ArrayList<Future<?>>(done)).transform(ranked -> {
            if (ranked.failed()) {
              LOG.debug("Some rooms not re-ranked this turn: {}", ranked.cause().getMessage());
            }
            return Future.succeededFuture(untilNext);
          });
        });
  }

  /** Re-ranks the room's open items now (the room ended or was stopped: its items fall behind live rooms' at once). */
  public Future<Void> rerankRoom(String roomId) {
    return rerank(roomId, true).<Void>mapEmpty().otherwise(err -> {
      LOG.debug("Items of room {} not re-ranked now, the next round does: {}", roomId, err.getMessage());
      return null;
    });
  }

  /** @param always re-rank even when the room's liveness and audience are as when it was last ranked */
  private Future<Integer> rerank(String roomId, boolean always) {
    return Future.all(redisNowMs(), redis.send(Request.cmd(Command.SMEMBERS).arg(RedisKeys.queueRoomItems(roomId))),
            redis.send(Request.cmd(Command.HGET).arg(RedisKeys.QUEUE_ROOM_STATE).arg(roomId)))
        .compose(read -> {
          long now = read.resultAt(0);
          Response members = read.resultAt(1);
          Response before = read.resultAt(2);
          List<String> ids = new ArrayList<>();
          members.forEach(id -> ids.add(id.toString()));
          return roomStates(Set.of(roomId), now).compose(states -> {
            RoomState room = states.get(roomId);
            String state = room.live() + ":" + room.audience();
            if (!always && before != null && state.equals(before.toString())) {
              return Future.succeededFuture(0);
            }
            if (ids.isEmpty()) {
              return LuaScript.QUEUE_RANK.call(redis, rankKeys(roomId), List.of(roomId)).map(0);
            }
            Request items = Request.cmd(Command.HMGET).arg(RedisKeys.QUEUE_ITEMS);
            ids.forEach(items::arg);
            return redis.send(items).compose(json -> {
              List<String> args = new ArrayList<>(List.of(roomId));
              for (int i = 0; i < ids.size(); i++) {
                args.add(ids.get(i));
                // An item gone from the hash (past retention) gets a key nothing else has; the script drops it.
                args.add(json.get(i) == null ? "" : rankKey(Json.decode(json.get(i).toString(), QueueItem.class), room));
              }
              return LuaScript.QUEUE_RANK.call(redis, rankKeys(roomId), args)
                  .compose(moved -> redis.send(Request.cmd(Command.HSET).arg(RedisKeys.QUEUE_ROOM_STATE).arg(roomId)
                      .arg(state)).map(moved.toInteger()));
            });
          });
        });
  }

  /**
   * Ranks open items that have no place in the order yet (items a node of an earlier release added): run once as a
   * node starts; nothing to do when every open item is ranked.
   *
   * @return how many items it ranked
   */
  public Future<Integer> rankUnranked() {
    return Future.all(redis.send(Request.cmd(Command.ZCARD).arg(RedisKeys.QUEUE_OPEN)),
            redis.send(Request.cmd(Command.HLEN).arg(RedisKeys.QUEUE_RANK_OF)))
        .compose(counts -> counts.<Response>resultAt(0).toLong() == counts.<Response>resultAt(1).toLong()
            ? Future.succeededFuture(0)
            : redis.send(Request.cmd(Command.ZRANGE).arg(RedisKeys.QUEUE_OPEN).arg(0).arg(-1)).compose(open -> {
              List<String> ids = new ArrayList<>();
              open.forEach(id -> ids.add(id.toString()));
              if (ids.isEmpty()) {
                return Future.succeededFuture(0);
              }
              Request ranks = Request.cmd(Command.HMGET).arg(RedisKeys.QUEUE_RANK_OF);
              Request items = Request.cmd(Command.HMGET).arg(RedisKeys.QUEUE_ITEMS);
              ids.forEach(id -> {
                ranks.arg(id);
                items.arg(id);
              });
              return Future.all(redis.send(ranks), redis.send(items)).compose(read -> {
                Response rank = read.resultAt(0);
                Response json = read.resultAt(1);
                Map<String, List<String>> byRoom = new HashMap<>();
                for (int i = 0; i < ids.size(); i++) {
                  if (rank.get(i) == null && json.get(i) != null) {
                    String roomId = Json.decode(json.get(i).toString(), QueueItem.class).roomId();
                    byRoom.computeIfAbsent(roomId, r -> new ArrayList<>()).add(ids.get(i));
                  }
                }
                List<Future<Integer>> done = new ArrayList<>();
                byRoom.forEach((roomId, unranked) -> {
                  Request add = Request.cmd(Command.SADD).arg(RedisKeys.queueRoomItems(roomId));
                  unranked.forEach(add::arg);
                  done.add(redis.send(add)
                      .compose(v -> redis.send(Request.cmd(Command.ZADD).arg(RedisKeys.QUEUE_ROOMS).arg("NX").arg(0)
                          .arg(roomId)))
                      .compose(v -> rerank(roomId, true)));
                });
                return Future.all(new ArrayList<Future<?>>(done)).map(v -> byRoom.values().stream()
                    .mapToInt(List::size).sum());
              });
            }));
  }

  private static List<String> rankKeys(String roomId) {
    return List.of(RedisKeys.QUEUE_OPEN, RedisKeys.QUEUE_RANK, RedisKeys.QUEUE_RANK_OF, RedisKeys.queueRoomItems(roomId),
        RedisKeys.QUEUE_ROOMS);
  }

  /** {@code {"type":"alert","item":{…}}}: a new item, or an escalated one. */
  static String alert(JsonObject item) {
    return new JsonObject().put("type", "alert").put("item", item).encode();
  }

  /** {@code {"type":"update","item":{…}}}: an item claimed or decided, so every console shows it at once. */
  static String update(JsonObject item) {
    return new JsonObject().put("type", "update").put("item", item).encode();
  }

  private Future<Void> publish(String frame) {
    return redis.send(Request.cmd(Command.PUBLISH).arg(RedisKeys.STAFF_CHANNEL).arg(frame)).<Void>mapEmpty()
        .otherwise(err -> {
          LOG.warn("Staff alert not published: {}", err.getMessage());
          return null;
        });
  }

  /** The items with what changes about them now; unknown ids are left out. */
  private Future<List<JsonObject>> views(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Request items = Request.cmd(Command.HMGET).arg(RedisKeys.QUEUE_ITEMS);
    Request claims = Request.cmd(Command.HMGET).arg(RedisKeys.QUEUE_CLAIMS);
    Request escalated = Request.cmd(Command.SMISMEMBER).arg(RedisKeys.QUEUE_ESCALATED);
    Request open = Request.cmd(Command.ZMSCORE).arg(RedisKeys.QUEUE_OPEN);
    ids.forEach(id -> {
      items.arg(id);
      claims.arg(id);
      escalated.arg(id);
      open.arg(id);
    });
    Future<Long> now = redisNowMs();
    Future<Response> readItems = redis.send(items);
    Future<Response> readClaims = redis.send(claims);
    Future<Response> readEscalated = redis.send(escalated);
    Future<Response> readOpen = redis.send(open);
    return Future.all(List.of(now, readItems, readClaims, readEscalated, readOpen)).compose(read -> {
      List<QueueItem> found = new ArrayList<>();
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        Response json = readItems.result().get(i);
        if (json != null) {
          index.put(ids.get(i), i);
          found.add(Json.decode(json.toString(), QueueItem.class));
        }
      }
      Set<String> roomIds = new LinkedHashSet<>();
      found.forEach(item -> roomIds.add(item.roomId()));
      return roomStates(roomIds, now.result()).map(states -> {
        List<JsonObject> views = new ArrayList<>();
        for (QueueItem item : found) {
          int i = index.get(item.id());
          RoomState room = states.get(item.roomId());
          JsonObject view = Json.toJsonObject(item);
          view.put("audience", room.audience())
              .put("risk", RiskScore.of(policy, item.severity(), item.category(), room.audience(), item.offences(),
                  item.roomVerdicts()))
              .put("live", room.live())
              .put("roomStatus", room.status())
              .put("escalated", readEscalated.result().get(i).toInteger() == 1)
              .put("open", readOpen.result().get(i) != null);
          Response claim = readClaims.result().get(i);
          if (claim != null) {
            // '<user> <claimed at ms> <expires at ms>': the user id may hold blanks, the numbers never do.
            String text = claim.toString();
            int last = text.lastIndexOf(' ');
            int before = text.lastIndexOf(' ', last - 1);
            long expires = Long.parseLong(text.substring(last + 1));
            if (expires > now.result()) {
              view.put("claimedBy", text.substring(0, before))
                  .put("claimedAt", Instant.ofEpochMilli(Long.parseLong(text.substring(before + 1, last))).toString())
                  .put("claimExpiresAt", Instant.ofEpochMilli(expires).toString());
            }
          }
          views.add(view);
        }
        return views;
      });
    });
  }

  /** A room as an item shows it: live or not, its status, and its viewers now. */
  private record RoomState(boolean live, String status, long audience) {
  }

  private Future<Map<String, RoomState>> roomStates(Set<String> roomIds, long nowMs) {
    Map<String, RoomState> states = new HashMap<>();
    List<Future<Void>> reads = new ArrayList<>();
    for (String roomId : roomIds) {
      Future<Room> room = rooms.get(roomId);
      Future<Long> viewers = presence.viewers(roomId, nowMs);
      reads.add(Future.join(room, viewers).transform(done -> {
        String status = room.succeeded() ? room.result().status() : "unknown";
        long audience = viewers.succeeded() ? viewers.result() : 0;
        synchronized (states) {
          states.put(roomId, new RoomState(room.succeeded() && room.result().isLive(), status, audience));
        }
        return Future.succeededFuture();
      }));
    }
    return Future.join(reads).map(done -> states);
  }

  /** Redis's clock, epoch ms: every node and every queue script judge due times by it. */
  private Future<Long> redisNowMs() {
    return redis.send(Request.cmd(Command.TIME))
        .map(time -> time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000);
  }
}
