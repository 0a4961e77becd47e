-- A claim passes over the items the claiming reviewer skipped recently
-- (review.SkipMemory): a skip hands the item to someone else, not back to
-- the same reviewer. This partial index answers "what did this reviewer
-- skip since …" without reading every decision.
CREATE INDEX decisions_skips ON decisions (actor, at) WHERE outcome = 'skip';
