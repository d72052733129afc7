-- A jury verdict's ballots are written only by the transaction that inserts their verdict, with that verdict's
-- id (PenaltyWriter, BallotArchive): the foreign key could never fail, and its check, a trigger per row, cost
-- about a quarter of Postgres's CPU time in a round of `scripts/bench jury` (20 verdicts of 500 ballots). The
-- primary key and the user index stay.
ALTER TABLE ballots DROP CONSTRAINT ballots_verdict_id_fkey;
