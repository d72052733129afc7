-- Example sentences staff taught the detector: a confirmed false claim added to its category's sheet, or the
-- sentence of a wrong warning added to the allowed sheet. Every node's sheets are the files plus the rows in
-- force here. Undoing keeps the row (removed_by / removed_at): who taught what, and who took it back, stays.
CREATE TABLE taught_examples (
  id          text PRIMARY KEY,
  -- a violation category, or 'allowed'
  sheet       text NOT NULL,
  -- as staff or the source said it
  text        text NOT NULL,
  -- as the sheets compare it: one example per sheet and normalised text while in force
  normalised  text NOT NULL,
  -- verdict | warning | staff
  source_type text NOT NULL,
  -- the verdict id or warning id; null for a sentence staff typed
  source_id   text,
  -- the rule id or category that flagged the source, when it had one
  source_rule text,
  taught_by   text NOT NULL,
  taught_at   timestamptz NOT NULL DEFAULT now(),
  removed_by  text,
  removed_at  timestamptz
);
CREATE UNIQUE INDEX taught_examples_in_force ON taught_examples (sheet, normalised) WHERE removed_at IS NULL;
CREATE INDEX taught_examples_newest ON taught_examples (taught_at DESC, id DESC);
