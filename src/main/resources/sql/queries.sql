-- Every SQL statement LiveJury runs, by name. Loaded once at start-up (see common/Sql.java).

-- name: INSERT_VERDICT
INSERT INTO verdicts (id, prompt_id, room_id, streamer_id, merchant_id, kind, question, claim, outcome, counts,
                      total, confidence, decided_at, review_status, trigger, jury, calibration)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
ON CONFLICT (prompt_id) DO NOTHING
RETURNING id;

-- name: LOCK_SUBJECT
SELECT pg_advisory_xact_lock(hashtext($1));

-- name: COUNT_OFFENCES
SELECT count(*) AS offences FROM verdicts
WHERE streamer_id = $1 AND outcome = ANY($2) AND review_status <> 'overturned' AND decided_at > $3;

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
  AND decided_at > $3 AND decided_at <= $4;

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
