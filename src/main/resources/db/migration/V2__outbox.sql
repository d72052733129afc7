-- Real-time notices (penalty frames to a room's streamer) written in the same transaction as the change
-- they announce, then published; a relay republishes any the publishing node did not confirm.
CREATE TABLE outbox (
  id         bigserial PRIMARY KEY,
  room_id    text NOT NULL,
  frame      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
