-- Which staff decision a verdict's jurors are currently scored by in their records ('confirm' | 'overturn'; null:
-- none), so that a re-review, or the decision on an appeal, takes back exactly what the previous decision gave.
ALTER TABLE verdicts ADD COLUMN jurors_scored text;

-- A ballot counted by a node without jury rules (during a rolling upgrade) carries no time: unknown, not invented.
ALTER TABLE ballots ALTER COLUMN cast_at DROP NOT NULL;
