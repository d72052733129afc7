-- Verdicts decided by the audience, one per prompt: the prompt id is the idempotency key of the hand-off
-- from the Redis verdict stream, so a redelivered entry finds its row already there.
CREATE TABLE verdicts (
  id            text PRIMARY KEY,
  prompt_id     text NOT NULL UNIQUE,
  room_id       text NOT NULL,
  streamer_id   text NOT NULL,
  merchant_id   text NOT NULL,
  kind          text NOT NULL,
  question      text NOT NULL,
  claim         text,
  outcome       text NOT NULL,
  counts        jsonb NOT NULL,
  total         bigint NOT NULL,
  confidence    double precision NOT NULL,
  decided_at    timestamptz NOT NULL,
  -- none | pending | confirmed | overturned | appealed
  review_status text NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verdicts_newest ON verdicts (decided_at DESC, id DESC);
CREATE INDEX verdicts_room_newest ON verdicts (room_id, decided_at DESC, id DESC);
CREATE INDEX verdicts_status_newest ON verdicts (review_status, decided_at DESC, id DESC);
CREATE INDEX verdicts_subject ON verdicts (streamer_id, decided_at);

-- One penalty per verdict at most.
CREATE TABLE penalties (
  id          text PRIMARY KEY,
  verdict_id  text NOT NULL UNIQUE REFERENCES verdicts (id),
  subject     text NOT NULL,
  level       text NOT NULL,
  -- how many offences the subject had when it was set, this one included
  offence     integer NOT NULL,
  -- pending_review | active | lifted | expired
  status      text NOT NULL,
  starts_at   timestamptz,
  ends_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX penalties_subject ON penalties (subject, created_at DESC);
CREATE INDEX penalties_running ON penalties (ends_at) WHERE status = 'active';

-- The audit trail: every staff action and every appeal, with the state before and after.
CREATE TABLE reviews (
  id          text PRIMARY KEY,
  verdict_id  text NOT NULL REFERENCES verdicts (id),
  action      text NOT NULL,
  reason      text NOT NULL,
  by_user     text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  before      jsonb,
  after       jsonb
);
CREATE INDEX reviews_verdict ON reviews (verdict_id, at);

-- A streamer may appeal a penalty once.
CREATE TABLE appeals (
  id          text PRIMARY KEY,
  penalty_id  text NOT NULL UNIQUE REFERENCES penalties (id),
  reason      text NOT NULL,
  by_user     text NOT NULL,
  -- open | upheld | granted
  status      text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  decided_at  timestamptz
);
