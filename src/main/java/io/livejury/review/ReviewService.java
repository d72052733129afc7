package io.livejury.review;

import io.livejury.common.ApiException;
import io.livejury.common.Fields;
import io.livejury.common.Ids;
import io.livejury.common.Json;
import io.livejury.common.Sql;
import io.livejury.jury.JurorStore;
import io.livejury.model.Appeal;
import io.livejury.model.Penalty;
import io.livejury.model.Principal;
import io.livejury.model.PromptKind;
import io.livejury.model.PromptKinds;
import io.livejury.model.Verdict;
import io.livejury.penalty.Outbox;
import io.livejury.penalty.PenaltyLadder;
import io.livejury.penalty.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The governance side: the verdict queue, verdict details with their penalty and audit trail, staff
 * reviews (confirm / overturn), penalty history and streamer appeals. Every decision is one transaction
 * that also writes its audit row, and the streamer hears of any penalty change in real time.
 *
 * <p>A staff decision also scores the jurors of a condemned or cleared verdict ({@link JurorStore#scoreReview}):
 * confirming makes the option of the outcome right (the condemning option for a condemned verdict, the clearing
 * one for a cleared verdict), overturning the other decisive option. A verdict remembers which decision its jurors
 * are scored by, so a re-review, or the decision on an appeal, first takes that score back exactly: a juror's counts
 * never drift however often staff change their mind. Inconclusive verdicts score nobody (no side won), nor do
 * calibration verdicts (their jurors were scored against the known answer).
 */
public final class ReviewService {

  public static final String CONFIRM = "confirm";
  public static final String OVERTURN = "overturn";
  public static final String APPEAL = "appeal";
  private static final int MAX_LIMIT = 200;
  private static final int MAX_REASON = 2000;
  private static final int MAX_USER_ID = 256;

  private final Pool pg;
  private final PenaltyLadder ladder;
  private final Outbox outbox;
  private final JurorStore jurors;

  public ReviewService(Pool pg, PenaltyLadder ladder, Outbox outbox, JurorStore jurors) {
    this.pg = pg;
    this.ladder = ladder;
    this.outbox = outbox;
    this.jurors = jurors;
  }

  /**
   * Newest first, filtered by review status and room, in pages joined by an opaque keyset cursor. The API contract
   * has checked {@code status} (a review status or empty) and {@code roomId} (an id or empty) already.
   */
  public Future<JsonObject> list(String status, String roomId, String limitParam, String cursor) {
    int limit = Fields.limit(limitParam, 50, MAX_LIMIT);
    OffsetDateTime afterTime = null;
    String afterId = null;
    if (cursor != null && !cursor.isBlank()) {
      String[] parts = decodeCursor(cursor);
      afterTime = OffsetDateTime.parse(parts[0]);
      afterId = parts[1];
    }
    return pg.preparedQuery(Sql.LIST_VERDICTS.text())
        .execute(Tuple.of(blankToNull(status), blankToNull(roomId), afterTime, afterId, limit + 1))
        .map(rows -> {
          JsonArray items = new JsonArray();
          Verdict last = null;
          int seen = 0;
          for (Row row : rows) {
            if (++seen > limit) {
              break;
            }
            last = Rows.verdict(row);
            items.add(Json.toJsonObject(last));
          }
          JsonObject page = new JsonObject().put("items", items);
          if (rows.rowCount() > limit && last != null) {
            page.put("next", encodeCursor(last));
          }
          return page;
        });
  }

  /** The verdict with its penalty, its appeal and every review of it, oldest first. */
  public Future<JsonObject> detail(String verdictId) {
    return pg.withConnection(conn -> detail(conn, verdictId));
  }

  private Future<JsonObject> detail(SqlConnection conn, String verdictId) {
    return conn.preparedQuery(Sql.GET_VERDICT.text()).execute(Tuple.of(verdictId))
        .compose(rows -> rows.rowCount() == 0
            ? Future.failedFuture(ApiException.notFound("verdict " + verdictId))
            : Future.succeededFuture(Json.toJsonObject(Rows.verdict(rows.iterator().next()))))
        .compose(verdict -> conn.preparedQuery(Sql.PENALTY_OF_VERDICT.text()).execute(Tuple.of(verdictId))
            .compose(penalties -> {
              Optional<Penalty> penalty = first(penalties).map(Rows::penalty);
              penalty.ifPresent(p -> verdict.put("penalty", Json.toJsonObject(p)));
              return penalty.isEmpty()
                  ? Future.succeededFuture(verdict)
                  : conn.preparedQuery(Sql.APPEAL_OF_PENALTY.text()).execute(Tuple.of(penalty.get().id()))
                      .map(appeals -> {
                        first(appeals).ifPresent(a -> verdict.put("appeal", Json.toJsonObject(Rows.appeal(a))));
                        return verdict;
                      });
            }))
        .compose(verdict -> conn.preparedQuery(Sql.REVIEWS_OF_VERDICT.text()).execute(Tuple.of(verdictId))
            .map(reviews -> {
              JsonArray trail = new JsonArray();
              reviews.forEach(row -> trail.add(Json.toJsonObject(Rows.review(row))));
              return verdict.put("reviews", trail);
            }));
  }

  /**
   * Confirms or overturns a verdict. Confirming starts a pending penalty's clock; overturning lifts the
   * penalty, which then no longer counts on the ladder. Deciding a verdict already decided is a conflict
   * unless {@code rereview} says it is meant; an appealed verdict is open for decision again.
   */
  public Future<JsonObject> review(Principal staff, String verdictId, JsonObject body) {
    // The API contract has checked the action: confirm or overturn.
    String action = body.getString("action");
    String reason = Fields.requiredText(body, "reason", MAX_REASON);
    boolean rereview = Boolean.TRUE.equals(body.getValue("rereview"));
    return pg.withTransaction(conn -> conn.preparedQuery(Sql.LOCK_VERDICT.text()).execute(Tuple.of(verdictId))
            .compose(rows -> rows.rowCount() == 0
                ? Future.failedFuture(ApiException.notFound("verdict " + verdictId))
                : Future.succeededFuture(rows.iterator().next()))
            .compose(row -> {
              Verdict verdict = Rows.verdict(row);
              return decide(conn, staff, verdict, action, reason, rereview)
                  .compose(notice -> rescore(conn, verdict, row.getString("jurors_scored"), action).map(notice));
            })
            .compose(notice -> detail(conn, verdictId).map(view -> new Decided(view, notice))))
        .map(decided -> {
          decided.notice().ifPresent(outbox::publish); // after the commit, so no one hears of a rolled-back change
          return decided.view();
        });
  }

  private record Decided(JsonObject view, Optional<Outbox.Notice> notice) {
  }

  private Future<Optional<Outbox.Notice>> decide(SqlConnection conn, Principal staff, Verdict verdict, String action,
      String reason, boolean rereview) {
    String current = verdict.reviewStatus();
    String target = CONFIRM.equals(action) ? Verdict.REVIEW_CONFIRMED : Verdict.REVIEW_OVERTURNED;
    if (verdict.calibration() != null) {
      throw ApiException.conflict("verdict " + verdict.id() + " answers a calibration prompt: it measures the jurors"
          + " against a known answer and has no penalty to confirm or overturn");
    }
    if (verdict.stop() != null) {
      throw ApiException.conflict("verdict " + verdict.id() + " closed a vote an emergency stop cut short: it has no"
          + " penalty to confirm or overturn");
    }
    boolean decided = Verdict.REVIEW_CONFIRMED.equals(current) || Verdict.REVIEW_OVERTURNED.equals(current);
    if (decided && !rereview) {
      throw ApiException.conflict("verdict " + verdict.id() + " is already " + current
          + "; send \"rereview\": true to decide it again");
    }
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    return conn.preparedQuery(Sql.PENALTY_OF_VERDICT.text()).execute(Tuple.of(verdict.id()))
        .compose(rows -> {
          Optional<Penalty> before = first(rows).map(Rows::penalty);
          Future<Optional<Penalty>> after = before.isEmpty()
              ? Future.succeededFuture(Optional.empty())
              : updatePenalty(conn, verdict, before.get(), CONFIRM.equals(action), now).map(Optional::of);
          return after.compose(changed -> conn.preparedQuery(Sql.SET_REVIEW_STATUS.text())
                  .execute(Tuple.of(verdict.id(), target))
                  .compose(v -> Verdict.REVIEW_APPEALED.equals(current)
                      ? conn.preparedQuery(Sql.DECIDE_APPEAL.text()).execute(Tuple.of(before.get().id(),
                          CONFIRM.equals(action) ? Appeal.UPHELD : Appeal.GRANTED)).mapEmpty()
                      : Future.succeededFuture())
                  .compose(v -> audit(conn, verdict.id(), action, reason, staff.userId(),
                      state(current, before), state(target, changed)))
                  .compose(v -> changed.filter(p -> !before.get().equals(p)).isEmpty()
                      ? Future.succeededFuture(Optional.<Outbox.Notice>empty())
                      : outbox.write(conn, verdict.roomId(), changed.get()).map(Optional::of)));
        });
  }

  /**
   * Moves the verdict's jurors from the score of the decision they were scored by ({@code scored}, null for none) to
   * that of {@code action}, and records {@code action} as the one they are scored by now.
   */
  private Future<Void> rescore(SqlConnection conn, Verdict verdict, String scored, String action) {
    PromptKind kind = PromptKinds.find(verdict.kind()).orElse(null);
    if (kind == null || verdict.calibration() != null || Verdict.INCONCLUSIVE.equals(verdict.outcome())
        || action.equals(scored)) {
      return Future.succeededFuture();
    }
    List<String> decisive = List.of(kind.condemning(), kind.clearing());
    Future<Void> undone = scored == null
        ? Future.succeededFuture()
        : jurors.scoreReview(conn, verdict.id(), rightOption(kind, verdict.outcome(), scored), decisive, -1);
    return undone
        .compose(v -> jurors.scoreReview(conn, verdict.id(), rightOption(kind, verdict.outcome(), action), decisive, 1))
        .compose(v -> conn.preparedQuery(Sql.SET_JURORS_SCORED.text()).execute(Tuple.of(verdict.id(), action)))
        .mapEmpty();
  }

  /** The option a staff decision finds right: the outcome's own when confirmed, the other decisive one when not. */
  private static String rightOption(PromptKind kind, String outcome, String action) {
    boolean condemned = kind.condemned().equals(outcome);
    boolean upheld = CONFIRM.equals(action);
    return condemned == upheld ? kind.condemning() : kind.clearing();
  }

  /**
   * Confirming starts the penalty's clock at its level as of now: offences overturned since it was set no
   * longer count, so the ladder is climbed again for this verdict. Overturning lifts it.
   */
  private Future<Penalty> updatePenalty(SqlConnection conn, Verdict verdict, Penalty penalty, boolean confirm,
      OffsetDateTime now) {
    if (confirm) {
      if (Penalty.ACTIVE.equals(penalty.status()) || Penalty.EXPIRED.equals(penalty.status())) {
        return Future.succeededFuture(penalty);
      }
      OffsetDateTime decided = OffsetDateTime.parse(verdict.decidedAt());
      return conn.preparedQuery(Sql.COUNT_OFFENCES_UNTIL.text())
          .execute(Tuple.from(new Object[] {verdict.streamerId(), ladder.offenceOutcomes().toArray(String[]::new),
              decided.minusDays(ladder.windowDays()), decided, verdict.id()}))
          .compose(rows -> {
            int offence = Math.max(1, rows.iterator().next().getLong("offences").intValue());
            PenaltyLadder.Step step = ladder.step(offence);
            return update(conn, penalty, step.level(), offence, Penalty.ACTIVE, now,
                step.days() == null ? null : now.plusDays(step.days()));
          });
    }
    if (Penalty.LIFTED.equals(penalty.status())) {
      return Future.succeededFuture(penalty);
    }
    OffsetDateTime startsAt = penalty.startsAt() == null ? null : OffsetDateTime.parse(penalty.startsAt());
    // An expired penalty keeps the end it served; anything else ends now.
    OffsetDateTime endsAt = Penalty.EXPIRED.equals(penalty.status()) ? OffsetDateTime.parse(penalty.endsAt()) : now;
    return update(conn, penalty, penalty.level(), penalty.offence(), Penalty.LIFTED, startsAt, endsAt);
  }

  private static Future<Penalty> update(SqlConnection conn, Penalty penalty, String level, int offence, String status,
      OffsetDateTime startsAt, OffsetDateTime endsAt) {
    return conn.preparedQuery(Sql.UPDATE_PENALTY.text())
        .execute(Tuple.from(new Object[] {penalty.id(), level, offence, status, startsAt, endsAt}))
        .map(rows -> Rows.penalty(rows.iterator().next()));
  }

  /** A streamer appeals their own penalty, once; the verdict goes back to the staff queue. */
  public Future<JsonObject> appeal(Principal streamer, String penaltyId, JsonObject body) {
    String reason = Fields.requiredText(body, "reason", MAX_REASON);
    return pg.withTransaction(conn -> conn.preparedQuery(Sql.PENALTY_WITH_ROOM.text()).execute(Tuple.of(penaltyId))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.failedFuture(ApiException.notFound("penalty " + penaltyId));
          }
          Penalty penalty = Rows.penalty(rows.iterator().next());
          if (!penalty.subject().equals(streamer.userId())) {
            return Future.failedFuture(ApiException.forbidden("streamers appeal their own penalties only"));
          }
          if (!Penalty.PENDING_REVIEW.equals(penalty.status()) && !Penalty.ACTIVE.equals(penalty.status())) {
            return Future.failedFuture(ApiException.conflict("penalty " + penaltyId + " is " + penalty.status()
                + ": there is nothing left to appeal"));
          }
          return conn.preparedQuery(Sql.INSERT_APPEAL.text())
              .execute(Tuple.of(Ids.next("ap"), penaltyId, reason, streamer.userId()))
              .compose(inserted -> inserted.rowCount() == 0
                  ? Future.failedFuture(ApiException.conflict("penalty " + penaltyId + " has been appealed already"))
                  : Future.succeededFuture(Rows.appeal(inserted.iterator().next())))
              .compose(appeal -> conn.preparedQuery(Sql.LOCK_VERDICT.text()).execute(Tuple.of(penalty.verdictId()))
                  .map(v -> Rows.verdict(v.iterator().next()))
                  .compose(verdict -> conn.preparedQuery(Sql.SET_REVIEW_STATUS.text())
                      .execute(Tuple.of(verdict.id(), Verdict.REVIEW_APPEALED))
                      .compose(x -> audit(conn, verdict.id(), APPEAL, reason, streamer.userId(),
                          state(verdict.reviewStatus(), Optional.of(penalty)),
                          state(Verdict.REVIEW_APPEALED, Optional.of(penalty)))))
                  .map(x -> new JsonObject().put("id", appeal.id()).put("penaltyId", appeal.penaltyId())
                      .put("reason", appeal.reason()).put("status", appeal.status()).put("at", appeal.at())));
        }));
  }

  /**
   * A juror's record for staff ({@link io.livejury.jury.JurorRecord#view}); zeros and the prior reputation for a
   * user with none. 400 for an id that cannot be a token's subject (blank, control characters, over 256 chars).
   */
  public Future<JsonObject> juror(String userId) {
    if (userId == null || !Fields.isIdentifier(userId, MAX_USER_ID)) {
      return Future.failedFuture(ApiException.badRequest(Fields.identifierRule("userId", MAX_USER_ID)));
    }
    return jurors.view(userId);
  }

  public Future<JsonObject> penalties(String subject) {
    if (subject == null || subject.isBlank()) {
      throw ApiException.badRequest("subject is required: the streamer whose penalties to list");
    }
    return pg.preparedQuery(Sql.PENALTIES_OF_SUBJECT.text()).execute(Tuple.of(subject))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(row -> items.add(Json.toJsonObject(Rows.penalty(row))));
          return new JsonObject().put("items", items);
        });
  }

  private Future<Void> audit(SqlConnection conn, String verdictId, String action, String reason, String by,
      JsonObject before, JsonObject after) {
    return conn.preparedQuery(Sql.INSERT_REVIEW.text())
        .execute(Tuple.from(new Object[] {Ids.next("rv"), verdictId, action, reason, by, before, after}))
        .mapEmpty();
  }

  private static JsonObject state(String reviewStatus, Optional<Penalty> penalty) {
    JsonObject state = new JsonObject().put("reviewStatus", reviewStatus);
    penalty.ifPresent(p -> state.put("penaltyStatus", p.status()));
    return state;
  }

  private static Optional<Row> first(RowSet<Row> rows) {
    return rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
  }

  private static String encodeCursor(Verdict last) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((last.decidedAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decodeCursor(String cursor) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
      OffsetDateTime.parse(parts[0]);
      if (parts.length == 2) {
        return parts;
      }
    } catch (RuntimeException ignored) {
      // falls through to the error below
    }
    throw ApiException.badRequest("cursor is not one this API gave out");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
