package io.livejury.penalty;

import io.livejury.common.Sql;
import io.livejury.jury.BallotArchive;
import io.livejury.jury.JurorStore;
import io.livejury.jury.JuryReport;
import io.livejury.model.Penalty;
import io.livejury.model.PromptKind;
import io.livejury.model.PromptKinds;
import io.livejury.model.Verdict;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Writes one verdict and, for an offence, its penalty, in one transaction. The verdict's prompt id is the
 * idempotency key: a verdict already recorded changes nothing, however often its stream entry comes back.
 * Offences of one subject are counted under a per-subject advisory lock, so two verdicts about the same
 * streamer landing at once still climb the ladder one step each.
 *
 * <p>A jury verdict's counted ballots are copied into Postgres in the same transaction ({@link BallotArchive}).
 * A calibration verdict (a staff prompt with a known answer) never penalises: it scores each of its jurors'
 * answers instead ({@link JurorStore#scoreCalibration}). A verdict that would penalise and carries a coordination
 * flag casting doubt on the condemnation ({@link JuryReport#doubtsCondemnation}: {@code shared_network}, or a
 * {@code burst} or {@code co_voting} on the condemning option) creates its penalty {@code pending_review} whatever
 * its step on the ladder, a warning included: staff decide. Flags on the clearing option hold nothing back.
 */
public final class PenaltyWriter {

  /** What a write did: the notice of the penalty it created, if it created one. */
  public record Outcome(Optional<Outbox.Notice> notice) {
  }

  private final Pool pg;
  private final PenaltyLadder ladder;
  private final Outbox outbox;
  private final BallotArchive ballots;
  private final JurorStore jurors;

  public PenaltyWriter(Pool pg, PenaltyLadder ladder, Outbox outbox, BallotArchive ballots, JurorStore jurors) {
    this.pg = pg;
    this.ladder = ladder;
    this.outbox = outbox;
    this.ballots = ballots;
    this.jurors = jurors;
  }

  public Future<Outcome> record(Verdict verdict) {
    return pg.withTransaction(conn -> conn.preparedQuery(Sql.INSERT_VERDICT.text()).execute(Tuple.from(new Object[] {
            verdict.id(), verdict.promptId(), verdict.roomId(), verdict.streamerId(), verdict.merchantId(),
            verdict.kind(), verdict.question(), verdict.claim(), verdict.outcome(),
            new JsonObject(new java.util.LinkedHashMap<>(verdict.counts())), verdict.total(), verdict.confidence(),
            OffsetDateTime.parse(verdict.decidedAt()), verdict.reviewStatus(),
            json(verdict.trigger()), json(verdict.jury()), json(verdict.calibration()), json(verdict.stop())}))
        .compose(inserted -> {
          if (inserted.rowCount() == 0) {
            return Future.succeededFuture(new Outcome(Optional.empty())); // recorded before: nothing to do
          }
          Future<Void> counted = verdict.jury() == null ? Future.succeededFuture() : ballots.copy(conn, verdict);
          if (verdict.calibration() != null) {
            return counted.compose(v -> verdict.calibration().get("answer") instanceof String answer
                    ? jurors.scoreCalibration(conn, verdict.id(), answer, PromptKinds.get(verdict.kind()))
                    : Future.<Void>succeededFuture())
                .map(new Outcome(Optional.empty()));
          }
          // A vote an emergency stop cut short is evidence, not a finding: the stop itself was staff's action.
          if (!ladder.isOffence(verdict.outcome()) || verdict.stop() != null) {
            return counted.map(new Outcome(Optional.empty()));
          }
          return counted.compose(v -> penalise(conn, verdict, JuryReport.doubtsCondemnation(verdict.jury(),
                  PromptKinds.find(verdict.kind()).map(PromptKind::condemning).orElse(null))))
              .compose(penalty -> penalty.isEmpty()
                  ? Future.succeededFuture(new Outcome(Optional.empty()))
                  : outbox.write(conn, verdict.roomId(), penalty.get()).map(n -> new Outcome(Optional.of(n))));
        }));
  }

  private static JsonObject json(java.util.Map<String, Object> map) {
    return map == null ? null : new JsonObject(map);
  }

  /** {@code flagged}: the verdict's flags cast doubt on it, so staff decide even a step that needs no review. */
  private Future<Optional<Penalty>> penalise(SqlConnection conn, Verdict verdict, boolean flagged) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    return conn.preparedQuery(Sql.LOCK_SUBJECT.text()).execute(Tuple.of(verdict.streamerId()))
        .compose(locked -> conn.preparedQuery(Sql.COUNT_OFFENCES.text()).execute(Tuple.of(verdict.streamerId(),
            ladder.offenceOutcomes().toArray(String[]::new), now.minusDays(ladder.windowDays()))))
        .compose(counted -> {
          int offence = counted.iterator().next().getLong("offences").intValue();
          PenaltyLadder.Step step = ladder.step(offence);
          boolean immediate = !step.needsReview() && !flagged;
          OffsetDateTime endsAt = immediate && step.days() != null ? now.plusDays(step.days()) : null;
          return conn.preparedQuery(Sql.INSERT_PENALTY.text()).execute(Tuple.from(new Object[] {
              Penalty.idFor(verdict.id()), verdict.id(), verdict.streamerId(), step.level(), offence,
              immediate ? Penalty.ACTIVE : Penalty.PENDING_REVIEW, immediate ? now : null, endsAt}));
        })
        .map(rows -> rows.rowCount() == 0 ? Optional.<Penalty>empty() : Optional.of(Rows.penalty(rows.iterator().next())));
  }
}
