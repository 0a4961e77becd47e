-- Complaints and appeals (issue 9, DSP Art. 12): who handles a case, when
-- and by whom it was answered and closed, and, for an appeal, when its item
-- was re-opened for a senior reviewer, the item state it contests and the
-- senior's decision that resolved it. The case's history is its events
-- (subject 'complaint:<id>') in the hash chain; these columns are what the
-- case list filters and shows without reading the log.
ALTER TABLE complaints ADD COLUMN handler TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN answered_at TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN answered_by TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN closed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN appealed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN contested_state TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN contested_decision INTEGER REFERENCES decisions(id);
ALTER TABLE complaints ADD COLUMN resolution TEXT NOT NULL DEFAULT ''
  CHECK (resolution IN ('', 'upheld', 'overturned'));
-- The decision that resolved the appeal; when it is undone the resolution
-- no longer counts, and the next decision on the item resolves it again.
ALTER TABLE complaints ADD COLUMN resolving_decision INTEGER REFERENCES decisions(id);

-- Complaints recorded answered or closed before this migration (imports,
-- the demo) keep the time of that event as their answer.
UPDATE complaints SET answered_at = coalesce((SELECT min(e.at) FROM events e
  WHERE e.subject = 'complaint:' || complaints.id), received_at)
WHERE status IN ('answered', 'closed');

-- Unanswered cases by due time (the overdue filter and count), and the
-- appeals of an item (which a decision on it resolves).
CREATE INDEX complaints_due ON complaints (due_at) WHERE status IN ('open', 'in_progress');
CREATE INDEX complaints_item ON complaints (item_id) WHERE item_id IS NOT NULL;
