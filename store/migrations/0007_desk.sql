-- The review desk (issue 8): undoing decisions, labelled copies made by
-- approve-and-relabel, outbox rows tied to their decision (so an undo can
-- cancel or revoke them), and the indexes that keep the queue lists fast
-- with 100,000 waiting items whatever the filter.

-- A decision taken back within the undo window keeps its row; undone_at
-- says when ('' while it stands). The undo itself is an event.
ALTER TABLE decisions ADD COLUMN undone_at TEXT NOT NULL DEFAULT '';

-- Copies of an item's original with the missing marks written
-- (approve-and-relabel). The file is in objects/ under sha256 and is never
-- deleted, not even when its decision is undone.
CREATE TABLE labelled_copies (
  id          INTEGER PRIMARY KEY,
  item_id     INTEGER NOT NULL REFERENCES items(id),
  decision_id INTEGER NOT NULL REFERENCES decisions(id),
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
  size        INTEGER NOT NULL,
  format      TEXT NOT NULL,
  marks       TEXT NOT NULL DEFAULT '[]',   -- JSON array: implicit, explicit, watermark …
  at          TEXT NOT NULL
) STRICT;
CREATE INDEX labelled_copies_item ON labelled_copies (item_id);

-- The decision an outbox row comes from (NULL for rows of no decision), and
-- when an undo cancelled it before its file was written ('' otherwise).
-- A cancelled row is never written; a row already written when its decision
-- is undone is followed by a "revoke" row instead.
ALTER TABLE outbox ADD COLUMN decision_id INTEGER REFERENCES decisions(id);
ALTER TABLE outbox ADD COLUMN cancelled_at TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_decision ON outbox (decision_id) WHERE decision_id IS NOT NULL;

-- Each item's rule hits in brief, so the queue list filters and shows
-- them from the items' indexes alone: hit_count is how many rules fired,
-- hit_rank the highest severity among them (review.SeverityRank: 1 info
-- … 4 critical, 0 without hits). Rule hits are written only with their
-- item (CreateItem, SeedSynthetic), which sets both in the same insert.
ALTER TABLE items ADD COLUMN hit_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN hit_rank INTEGER NOT NULL DEFAULT 0;
UPDATE items SET
  hit_count = (SELECT count(*) FROM rule_hits h WHERE h.item_id = items.id),
  hit_rank = (SELECT max(CASE h.severity WHEN 'info' THEN 1 WHEN 'warning' THEN 2 WHEN 'error' THEN 3
                                         WHEN 'critical' THEN 4 ELSE 0 END)
              FROM rule_hits h WHERE h.item_id = items.id)
WHERE id IN (SELECT item_id FROM rule_hits);

-- Queue lists by filter, each walked in claim order (priority DESC,
-- received_at, id) so a page is read off the index without sorting, with
-- hit_rank last so the severity filter is answered from the index too.
-- items_waiting is rebuilt with it; the claim query and the queue counts
-- use it as before. The category and label-state filters get their own.
DROP INDEX items_waiting;
CREATE INDEX items_waiting ON items (state, priority DESC, received_at, id, hit_rank);
CREATE INDEX items_waiting_category ON items (state, category, priority DESC, received_at, id, hit_rank);
CREATE INDEX items_waiting_label ON items (state, label_state, priority DESC, received_at, id, hit_rank);

-- The rule filter finds the items a rule fired on.
CREATE INDEX rule_hits_rule ON rule_hits (rule_id, item_id);
