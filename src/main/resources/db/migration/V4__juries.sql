-- Juries: what a verdict's jury was (eligible, voted, excluded by reason, weighted counts, flags), the known
-- answer of a calibration prompt, every counted ballot, and each juror's record.
ALTER TABLE verdicts ADD COLUMN jury jsonb;
ALTER TABLE verdicts ADD COLUMN calibration jsonb;

-- The counted ballots of each verdict, recorded with it: what a staff decision or a calibration answer
-- scores each juror by, and the audit of who decided.
CREATE TABLE ballots (
  verdict_id text NOT NULL REFERENCES verdicts (id),
  user_id    text NOT NULL,
  option     text NOT NULL,
  cast_at    timestamptz NOT NULL,
  net        text,
  weight     double precision NOT NULL,
  PRIMARY KEY (verdict_id, user_id)
);
CREATE INDEX ballots_user ON ballots (user_id);

-- A juror's record: ballots on verdicts staff confirmed or overturned (decided) and how many agreed with
-- staff, and calibration answers; reputation and weight follow from it (ReputationRule).
CREATE TABLE jurors (
  user_id            text PRIMARY KEY,
  decided            bigint NOT NULL DEFAULT 0,
  agreed             bigint NOT NULL DEFAULT 0,
  calib_answered     bigint NOT NULL DEFAULT 0,
  calib_correct      bigint NOT NULL DEFAULT 0,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
