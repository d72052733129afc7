-- Emergency stops of live rooms, the audit of each: who stopped which room, why and when. An automatic rule
-- (repeated critical verdicts in a window) only proposes a stop ('pending'): staff confirm it ('confirmed')
-- or let it go ('dismissed'); nothing stops a room without a person.
CREATE TABLE room_stops (
  id            text PRIMARY KEY,
  room_id       text NOT NULL,
  streamer_id   text NOT NULL,
  reason        text NOT NULL,
  -- the staff member who stopped the room, or 'auto' for a proposal by a rule
  by_user       text NOT NULL,
  auto          boolean NOT NULL DEFAULT false,
  -- pending | confirmed | dismissed
  status        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  decided_by    text,
  decided_at    timestamptz
);
CREATE INDEX room_stops_streamer ON room_stops (streamer_id, created_at DESC);
CREATE INDEX room_stops_room ON room_stops (room_id, created_at DESC);

-- A verdict whose vote a stop cut short: {"reason","by","at"}. It is kept as evidence, creates no penalty and
-- counts as no offence.
ALTER TABLE verdicts ADD COLUMN stop jsonb;
