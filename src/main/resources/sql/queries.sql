-- Every SQL statement LiveJury runs, by name. Loaded once at start-up (see common/Sql.java).

-- name: INSERT_VERDICT
INSERT INTO verdicts (id, prompt_id, room_id, streamer_id, merchant_id, kind, question, claim, outcome, counts,
                      total, confidence, decided_at, review_status, trigger, jury, calibration, stop)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
ON CONFLICT (prompt_id) DO NOTHING
RETURNING id;

-- name: LOCK_SUBJECT
SELECT pg_advisory_xact_lock(hashtext($1));

-- name: COUNT_OFFENCES
-- A calibration verdict measures the jurors, never the streamer: it is no offence; nor is a vote a stop cut short.
SELECT count(*) AS offences FROM verdicts
WHERE streamer_id = $1 AND outcome = ANY($2) AND review_status <> 'overturned' AND decided_at > $3
  AND calibration IS NULL AND stop IS NULL;

-- name: INSERT_PENALTY
INSERT INTO penalties (id, verdict_id, subject, level, offence, status, starts_at, ends_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp())
ON CONFLICT (verdict_id) DO NOTHING
RETURNING *;

-- name: EXPIRE_PENALTIES
UPDATE penalties p SET status = 'expired'
FROM verdicts v
WHERE v.id = p.verdict_id AND p.status = 'active' AND p.ends_at <= now()
RETURNING p.*, v.room_id;

-- name: LIST_VERDICTS
SELECT * FROM verdicts
WHERE ($1::text IS NULL OR review_status = $1)
  AND ($2::text IS NULL OR room_id = $2)
  AND ($3::timestamptz IS NULL OR (decided_at, id) < ($3, $4::text))
ORDER BY decided_at DESC, id DESC
LIMIT $5;

-- name: GET_VERDICT
SELECT * FROM verdicts WHERE id = $1;

-- name: LOCK_VERDICT
SELECT * FROM verdicts WHERE id = $1 FOR UPDATE;

-- name: SET_REVIEW_STATUS
UPDATE verdicts SET review_status = $2 WHERE id = $1;

-- name: PENALTY_OF_VERDICT
SELECT * FROM penalties WHERE verdict_id = $1;

-- name: UPDATE_PENALTY
UPDATE penalties SET level = $2, offence = $3, status = $4, starts_at = $5, ends_at = $6 WHERE id = $1 RETURNING *;

-- name: COUNT_OFFENCES_UNTIL
SELECT count(*) AS offences FROM verdicts
WHERE streamer_id = $1 AND outcome = ANY($2) AND (review_status <> 'overturned' OR id = $5)
  AND decided_at > $3 AND decided_at <= $4 AND calibration IS NULL AND stop IS NULL;

-- name: REVIEWS_OF_VERDICT
SELECT * FROM reviews WHERE verdict_id = $1 ORDER BY at, id;

-- name: INSERT_REVIEW
INSERT INTO reviews (id, verdict_id, action, reason, by_user, before, after)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *;

-- name: PENALTIES_OF_SUBJECT
SELECT * FROM penalties WHERE subject = $1 ORDER BY created_at DESC, id DESC;

-- name: PENALTY_WITH_ROOM
SELECT p.*, v.room_id FROM penalties p JOIN verdicts v ON v.id = p.verdict_id WHERE p.id = $1;

-- name: INSERT_APPEAL
INSERT INTO appeals (id, penalty_id, reason, by_user, status)
VALUES ($1, $2, $3, $4, 'open')
ON CONFLICT (penalty_id) DO NOTHING
RETURNING *;

-- name: APPEAL_OF_PENALTY
SELECT * FROM appeals WHERE penalty_id = $1;

-- name: DECIDE_APPEAL
UPDATE appeals SET status = $2, decided_at = now() WHERE penalty_id = $1 AND status = 'open';

-- name: INSERT_OUTBOX
INSERT INTO outbox (room_id, frame) VALUES ($1, $2) RETURNING id;

-- name: MARK_OUTBOX_SENT
UPDATE outbox SET sent_at = now() WHERE id = $1;

-- name: PURGE_OUTBOX
DELETE FROM outbox
WHERE sent_at < now() - make_interval(secs => $1)
   OR sent_at IS NULL AND created_at < now() - make_interval(hours => $2) - make_interval(secs => $1);

-- name: CLAIM_UNSENT_OUTBOX
SELECT id, room_id, frame FROM outbox
WHERE sent_at IS NULL AND created_at < now() - make_interval(secs => $1)
  AND created_at > now() - make_interval(hours => $2)
ORDER BY id
LIMIT $3
FOR UPDATE SKIP LOCKED;

-- name: INSERT_BALLOTS
-- One page of a verdict's counted ballots, as arrays: $2 users, $3 options, $4 cast times (epoch ms, null when
-- unknown), $5 networks, $6 weights. A ballot listed twice (a page repeated by HSCAN) is written once.
INSERT INTO ballots (verdict_id, user_id, option, cast_at, net, weight)
SELECT $1, b.user_id, b.option, timestamptz 'epoch' + b.cast_at_ms * interval '1 millisecond', b.net, b.weight
FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::float8[]) AS b(user_id, option, cast_at_ms, net, weight)
ON CONFLICT (verdict_id, user_id) DO NOTHING;

-- name: SCORE_CALIBRATION
-- Every counted ballot of a calibration verdict whose option is one of the answers $3 (the decisive options and the
-- known answer; an abstention is not scored) is an answer, right when it is $2. Rows are taken in user order,
-- so transactions scoring the same jurors at once wait for each other instead of deadlocking.
INSERT INTO jurors (user_id, calib_answered, calib_correct)
SELECT user_id, 1, CASE WHEN option = $2 THEN 1 ELSE 0 END FROM ballots
WHERE verdict_id = $1 AND option = ANY($3) ORDER BY user_id
ON CONFLICT (user_id) DO UPDATE SET calib_answered = jurors.calib_answered + 1,
  calib_correct = jurors.calib_correct + EXCLUDED.calib_correct, updated_at = now();

-- name: SCORE_REVIEW
-- The decisive ballots ($3) of a verdict staff decided: decided +$4, agreed +$4 where the option is $2, the one staff
-- found right; $4 is 1 to score a decision, -1 to take its score back.
INSERT INTO jurors (user_id, decided, agreed)
SELECT user_id, $4::int, CASE WHEN option = $2 THEN $4::int ELSE 0 END FROM ballots
WHERE verdict_id = $1 AND option = ANY($3) ORDER BY user_id
ON CONFLICT (user_id) DO UPDATE SET decided = jurors.decided + EXCLUDED.decided,
  agreed = jurors.agreed + EXCLUDED.agreed, updated_at = now();

-- name: SET_JURORS_SCORED
UPDATE verdicts SET jurors_scored = $2 WHERE id = $1;

-- name: GET_JUROR
SELECT * FROM jurors WHERE user_id = $1;

-- name: GET_JURORS
-- The records of many jurors at once (a text array): the weights of the sockets that joined in one event-loop turn.
SELECT * FROM jurors WHERE user_id = ANY($1);

-- name: COUNT_ROOM_CONDEMNED
-- The room's condemned verdicts since a time: one factor of a queue item's risk.
SELECT count(*) AS condemned FROM verdicts
WHERE room_id = $1 AND outcome = ANY($2) AND decided_at > $3 AND calibration IS NULL AND stop IS NULL;

-- name: INSERT_ROOM_STOP
INSERT INTO room_stops (id, room_id, streamer_id, reason, by_user, auto, status, decided_by, decided_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (id) DO NOTHING;

-- name: INSERT_ROOM_STOP_AT
-- A confirmed stop's audit row, dated when the room was marked stopped (a row written late by the sweeper keeps the
-- stop's own time); written once per stop id.
INSERT INTO room_stops (id, room_id, streamer_id, reason, by_user, auto, status, decided_by, decided_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
ON CONFLICT (id) DO NOTHING;

-- name: CONFIRM_PENDING_STOPS
-- A stop confirms the room's pending proposals, but not one a dismissal won in Redis first ($3: their ids), whose
-- dismissed row may still be on its way.
UPDATE room_stops SET status = 'confirmed', decided_by = $2, decided_at = now()
WHERE room_id = $1 AND status = 'pending' AND NOT (id = ANY($3));

-- name: DISMISS_STOP
UPDATE room_stops SET status = 'dismissed', decided_by = $2, decided_at = now()
WHERE id = $1 AND status = 'pending';

-- name: STOPS_OF_STREAMER
SELECT * FROM room_stops WHERE streamer_id = $1 ORDER BY created_at DESC, id DESC;

-- name: INSERT_TAUGHT
-- Nothing is returned when the sheet already holds the normalised sentence (the partial unique index).
INSERT INTO taught_examples (id, sheet, text, normalised, source_type, source_id, source_rule, taught_by, taught_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp())
ON CONFLICT (sheet, normalised) WHERE removed_at IS NULL DO NOTHING
RETURNING *;

-- name: LOCK_SENTENCE
-- Teachings of one normalised sentence $1 take turns until their transaction ends, so two sheets cannot both check
-- that the other does not hold it and then both insert it. Prefixed apart from the subjects' locks.
SELECT pg_advisory_xact_lock(hashtext('taught:' || $1));

-- name: TAUGHT_ELSEWHERE
-- The sheets other than $2 that hold the normalised sentence $1 in force: teaching it to $2 would contradict them.
SELECT sheet FROM taught_examples WHERE normalised = $1 AND sheet <> $2 AND removed_at IS NULL;

-- name: TAUGHT_IN_FORCE
SELECT * FROM taught_examples WHERE removed_at IS NULL ORDER BY taught_at, id;

-- name: LIST_TAUGHT
-- Newest first; $1 a sheet or null for every sheet; $2 true to list undone examples too.
SELECT * FROM taught_examples
WHERE ($1::text IS NULL OR sheet = $1) AND ($2::boolean OR removed_at IS NULL)
ORDER BY taught_at DESC, id DESC
LIMIT $3;

-- name: REMOVE_TAUGHT
UPDATE taught_examples SET removed_by = $2, removed_at = clock_timestamp()
WHERE id = $1 AND removed_at IS NULL
RETURNING *;

-- name: GET_TAUGHT
SELECT * FROM taught_examples WHERE id = $1;
