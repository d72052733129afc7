package io.livejury.escalation;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Frames;
import io.livejury.common.LuaScript;
import io.livejury.common.RedisKeys;
import io.livejury.common.Sql;
import io.livejury.model.Principal;
import io.livejury.model.Room;
import io.livejury.model.Verdict;
import io.livejury.penalty.PenaltyLadder;
import io.livejury.penalty.Rows;
import io.livejury.room.RoomEvent;
import io.livejury.room.RoomEvents;
import io.livejury.room.RoomService;
import io.livejury.vote.PromptService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Emergency stops (docs/protocol.md, "Live escalation and emergency stop"). A stop marks the room {@code stopped} in
 * Redis first, so every node answers new sockets 410 from then on, and notes the room in
 * {@link RedisKeys#STOPS_TO_AUDIT}; closes its open prompts without penalty (each marked for ballot.lua and the
 * closer); sends {@code stopped} and the changed room to every socket of the room on every node, through the room's
 * event stream; and only then writes its audit row to Postgres ({@code room_stops}, also the streamer's record), so
 * a Postgres outage delays the record, never the viewers' notice. A row not written within
 * {@code LIVEJURY_STOP_AUDIT_TIMEOUT_MS} makes the stop answer 503; every node's sweeper ({@link #auditPending},
 * every {@code LIVEJURY_STOP_AUDIT_SWEEP_MS}) writes it later, dated at the stop. Each step is idempotent, so sending the stop again finishes one that failed half-way. The
 * mark is one atomic step in Redis and the audit row's id comes from the stop it stored ({@link #stopId}), so however
 * many stops of one room race on however many nodes, one stop is written, every racer answers with it and writes its
 * one row; its notice goes out once it reached a node, not once per racer.
 *
 * <p>An automatic rule only proposes: {@code LIVEJURY_AUTO_STOP_VERDICTS} condemned verdicts of a category in
 * {@code LIVEJURY_AUTO_STOP_CATEGORIES} in one room within {@code LIVEJURY_AUTO_STOP_WINDOW_MINUTES} write a
 * {@code pending} audit row and a critical queue item; staff confirm it by stopping the room, or dismiss it by
 * deciding the item.
 */
public final class RoomStops {

  private static final Logger LOG = LoggerFactory.getLogger(RoomStops.class);
  private static final int MAX_REASON = 500;
  /** How long a stop's notice, once it reached a node, is not sent again (the room stays stopped for good). */
  private static final long ANNOUNCED_SECONDS = 86_400;
  /** Rooms one sweep audits at most; the rest wait for the next sweep. */
  private static final int AUDIT_BATCH = 100;
  /** How long a room's proposal decisions are kept: longer than any proposal window, so a late stop still finds them. */
  private static final long DECISIONS_SECONDS = 7 * 86_400;

  private final Redis redis;
  private final Pool pg;
  private final RoomService rooms;
  private final PromptService prompts;
  private final RoomEvents events;
  private final ReviewQueue queue;
  private final PenaltyLadder ladder;

  public RoomStops(Redis redis, Pool pg, RoomService rooms, PromptService prompts, RoomEvents events,
      ReviewQueue queue, PenaltyLadder ladder) {
    this.redis = redis;
    this.pg = pg;
    this.rooms = rooms;
    this.prompts = prompts;
    this.events = events;
    this.queue = queue;
    this.ladder = ladder;
  }

  /**
   * Stops a live room on staff's word ({@code {"reason"}}, 1 to 500 characters with at least one visible, see
   * {@link Fields#optionalText}). Stopping a stopped room again repeats every step under its first stop.
   *
   * @return the room with {@code "status":"stopped"} and its {@code stop}; fails with 400 (no reason), 404 (no such
   *     room), 409 (the room has ended), 503 (the room is stopped and its sockets told, but its audit row is not
   *     written yet: the sweeper writes it once Postgres answers)
   */
  public Future<Room> stop(Principal staff, String roomId, JsonObject body) {
    String reason = Fields.requiredText(body, "reason", MAX_REASON);
    Map<String, Object> stop = new LinkedHashMap<>();
    stop.put("reason", reason);
    stop.put("by", staff.userId());
    stop.put("at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    return rooms.markStopped(roomId, stop).compose(room -> {
      JsonObject first = new JsonObject(room.stop());
      return redis.send(Request.cmd(Command.SADD).arg(RedisKeys.STOPS_TO_AUDIT).arg(roomId))
          .compose(v -> prompts.stopNow(roomId, first))
          .compose(v -> queue.rerankRoom(roomId))
          .compose(v -> events.publishUnlessMarked(RoomEvent.toEveryone(roomId,
              Frames.stopped(roomId, first.getString("reason")), Frames.room(room)),
              RedisKeys.roomStopAnnounced(roomId), ANNOUNCED_SECONDS))
          .compose(v -> settleProposal(roomId, staff.userId()))
          .compose(v -> audit(room, staff.userId())
              .timeout(queue.policy().stopAuditTimeoutMs(), TimeUnit.MILLISECONDS)
              .recover(err -> {
                LOG.warn("Stop of room {} not audited yet, left to the sweeper: {}", roomId, err.getMessage());
                return Future.failedFuture(new ApiException(503, "unavailable", "room " + roomId + " is stopped"
                    + " and its viewers told, but its audit record could not be written yet: it is written once"
                    + " the database answers"));
              }))
          .map(room);
    });
  }

  /**
   * Writes the audit rows of stopped rooms noted in {@link RedisKeys#STOPS_TO_AUDIT}, dated at each stop, and
   * forgets each once written; a room that is not stopped is forgotten unwritten. Every node runs it every
   * {@code LIVEJURY_STOP_AUDIT_SWEEP_MS}; two nodes writing one row at once write it once (the row's id is the
   * stop's, ON CONFLICT DO NOTHING).
   *
   * @return how many rows this call wrote or found written
   */
  public Future<Integer> auditPending() {
    return redis.send(Request.cmd(Command.SRANDMEMBER).arg(RedisKeys.STOPS_TO_AUDIT).arg(AUDIT_BATCH))
        .compose(reply -> {
          List<Future<Integer>> done = new ArrayList<>();
          reply.forEach(id -> {
            String roomId = id.toString();
            done.add(rooms.get(roomId)
                .compose(room -> room.isStopped()
                    ? audit(room, (String) room.stop().get("by")).compose(v -> settleProposal(roomId,
                        (String) room.stop().get("by"))).map(1)
                    : Future.succeededFuture(0))
                .recover(err -> err instanceof ApiException api && api.status() == 404
                    ? Future.succeededFuture(0) : Future.failedFuture(err))
                .compose(n -> redis.send(Request.cmd(Command.SREM).arg(RedisKeys.STOPS_TO_AUDIT).arg(roomId)).map(n)));
          });
          return Future.join(new ArrayList<Future<?>>(done)).transform(all -> {
            int written = 0;
            for (Future<Integer> one : done) {
              if (one.succeeded()) {
                written += one.result();
              }
            }
            return Future.succeededFuture(written);
          });
        });
  }

  /** The stop's id: one per room and stop time, so a repeated stop writes its row once. */
  static String stopId(Room room) {
    return "stop-" + room.roomId() + "-" + Instant.parse((String) room.stop().get("at")).toEpochMilli();
  }

  /** Writes the stop's row, dated at the stop, confirming the room's pending proposals; then forgets the room. */
  private Future<Void> audit(Room room, String confirmedBy) {
    Map<String, Object> stop = room.stop();
    OffsetDateTime at = OffsetDateTime.parse((String) stop.get("at"));
    return dismissedProposals(room.roomId()).compose(dismissed -> pg.withTransaction(conn -> conn
            .preparedQuery(Sql.INSERT_ROOM_STOP_AT.text()).execute(Tuple.from(new Object[] {
                stopId(room), room.roomId(), room.streamerId(), stop.get("reason"), stop.get("by"), false, "confirmed",
                stop.get("by"), at}))
            .compose(inserted -> conn.preparedQuery(Sql.CONFIRM_PENDING_STOPS.text())
                .execute(Tuple.of(room.roomId(), confirmedBy, dismissed)))))
        .compose(v -> redis.send(Request.cmd(Command.SREM).arg(RedisKeys.STOPS_TO_AUDIT).arg(room.roomId())))
        .mapEmpty();
  }

  /** The room's proposals a dismissal won (stop_decide.lua): the stop leaves them dismissed. */
  private Future<String[]> dismissedProposals(String roomId) {
    return redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.roomStopDecisions(roomId))).map(all -> {
      List<String> dismissed = new ArrayList<>();
      for (String id : all.getKeys()) {
        if ("dismissed".equals(all.get(id).toString())) {
          dismissed.add(id);
        }
      }
      return dismissed.toArray(String[]::new);
    });
  }

  /**
   * A proposal of an automatic stop for this room is settled by the stop: decided {@code confirmed} (unless a
   * dismissal won first) and its queue item decided {@code stopped}.
   */
  private Future<Void> settleProposal(String roomId, String by) {
    return redis.send(Request.cmd(Command.GET).arg(RedisKeys.roomStopProposed(roomId)))
        .compose(proposal -> proposal == null ? Future.<Void>succeededFuture()
            : decide(roomId, proposal.toString(), "confirm").compose(reply -> "ok".equals(reply)
                ? queue.resolveQuietly("q-" + proposal, by, "stopped") : Future.<Void>succeededFuture()))
        .otherwise(err -> null);
  }

  /** @return {@code ok}, {@code stopped} or the decision taken before ({@code dismissed}, {@code confirmed}) */
  private Future<String> decide(String roomId, String proposalId, String how) {
    return LuaScript.STOP_DECIDE.call(redis, List.of(RedisKeys.room(roomId), RedisKeys.roomStopDecisions(roomId)),
            List.of(proposalId, how, Long.toString(DECISIONS_SECONDS)))
        .map(reply -> "decided".equals(reply.get(0).toString()) ? reply.get(1).toString() : reply.get(0).toString());
  }

  /**
   * Decides a queue item; deciding a stop proposal any other way than by stopping the room dismisses it (its
   * audit row says so). A dismissal and a stop of the room racing are decided once (stop_decide.lua): when the room
   * was marked stopped first, the stop confirmed the proposal and the dismissal is 409, its item left for the stop
   * to decide {@code stopped}; when the dismissal came first, it stands.
   *
   * @return the item decided; fails as {@link ReviewQueue#resolve}, and with 409 for a proposal the room's stop
   *     confirmed
   */
  public Future<JsonObject> resolveItem(Principal staff, String itemId, JsonObject body) {
    if (!itemId.startsWith("q-autostop-")) {
      return queue.resolve(staff, itemId, body);
    }
    return queue.viewOf(itemId).compose(found -> {
      if (found.isEmpty() || !QueueItem.STOP.equals(found.get().getString("kind"))) {
        return queue.resolve(staff, itemId, body);
      }
      JsonObject item = found.get();
      String claimant = item.getString("claimedBy");
      if (claimant != null && !claimant.equals(staff.userId())) {
        return Future.failedFuture(ApiException.conflict("queue item " + itemId + " is claimed by someone else"));
      }
      String roomId = item.getString("roomId");
      String stopId = item.getJsonObject("source").getString("stopId");
      return decide(roomId, stopId, "dismiss").compose(decided -> switch (decided) {
        case "stopped", "confirmed" -> Future.failedFuture(ApiException.conflict("room " + roomId + " was stopped,"
            + " which confirmed this proposal"));
        default -> queue.resolve(staff, itemId, body).compose(resolved -> pg.preparedQuery(Sql.DISMISS_STOP.text())
            .execute(Tuple.of(stopId, staff.userId())).map(resolved));
      });
    });
  }

  /**
   * Counts a recorded verdict toward the automatic stop rule and proposes a stop when it makes enough. Never
   * fails: a rule that cannot be checked proposes nothing, and is logged.
   */
  public Future<Void> consider(Verdict verdict) {
    QueuePolicy policy = queue.policy();
    if (!policy.autoStopEnabled() || !ladder.isOffence(verdict.outcome()) || verdict.calibration() != null
        || verdict.stop() != null) {
      return Future.succeededFuture();
    }
    String category = ReviewQueue.categoryOf(verdict);
    if (!policy.autoStopCategories().contains(category)) {
      return Future.succeededFuture();
    }
    long windowMs = policy.autoStopWindowMinutes() * 60_000L;
    String proposalId = "autostop-" + verdict.roomId() + "-" + verdict.id();
    return LuaScript.AUTO_STOP.call(redis,
            List.of(RedisKeys.roomStopVerdicts(verdict.roomId()), RedisKeys.roomStopProposed(verdict.roomId())),
            List.of(verdict.id(), Long.toString(windowMs), Integer.toString(policy.autoStopVerdicts()), proposalId))
        .compose(reply -> reply.get(0).toInteger() != 1 ? Future.<Void>succeededFuture()
            : rooms.get(verdict.roomId()).compose(room -> !room.isLive() ? Future.<Void>succeededFuture()
                : propose(room, proposalId, category, reply.get(1).toLong(), policy)))
        .otherwise(err -> {
          LOG.warn("Automatic stop rule not checked for verdict {}: {}", verdict.id(), err.getMessage());
          return null;
        });
  }

  private Future<Void> propose(Room room, String proposalId, String category, long verdicts, QueuePolicy policy) {
    String reason = verdicts + " condemned " + category.replace('_', ' ') + " verdicts within "
        + policy.autoStopWindowMinutes() + " minutes";
    return pg.preparedQuery(Sql.INSERT_ROOM_STOP.text()).execute(Tuple.from(new Object[] {
            proposalId, room.roomId(), room.streamerId(), reason, "auto", true, "pending", null, null}))
        .compose(v -> queue.addStopProposal(room, proposalId, category, verdicts, policy.autoStopWindowMinutes()))
        .mapEmpty();
  }

  /** The streamer's stops, newest first, as their record shows them (staff's proposals and decisions included). */
  public Future<JsonArray> stopsOf(String streamerId) {
    return pg.preparedQuery(Sql.STOPS_OF_STREAMER.text()).execute(Tuple.of(streamerId)).map(rows -> {
      JsonArray stops = new JsonArray();
      for (Row row : rows) {
        JsonObject stop = new JsonObject().put("id", row.getString("id")).put("roomId", row.getString("room_id"))
            .put("reason", row.getString("reason")).put("by", row.getString("by_user"))
            .put("auto", row.getBoolean("auto")).put("status", row.getString("status"))
            .put("at", Rows.time(row.getOffsetDateTime("created_at")));
        if (row.getString("decided_by") != null) {
          stop.put("decidedBy", row.getString("decided_by"))
              .put("decidedAt", Rows.time(row.getOffsetDateTime("decided_at")));
        }
        stops.add(stop);
      }
      return stops;
    });
  }
}
