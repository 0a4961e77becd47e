-- Feature-library proposals (DSP Art. 10, issue 7): a reviewer proposes an
-- entry from a decision, a manager (not the proposer) approves or rejects
-- it, and publishing writes a new bank version into the rules folder.
CREATE TABLE bank_proposals (
  id                INTEGER PRIMARY KEY,
  bank              TEXT NOT NULL,
  action            TEXT NOT NULL CHECK (action IN ('add','remove')),
  entry_id          TEXT NOT NULL,
  hash              TEXT NOT NULL DEFAULT '',
  category          TEXT NOT NULL DEFAULT '',
  source            TEXT NOT NULL DEFAULT '',
  reason            TEXT NOT NULL DEFAULT '',
  produce_id        TEXT NOT NULL DEFAULT '',
  proposed_by       TEXT NOT NULL,
  proposed_at       TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('proposed','approved','rejected','published')),
  decided_by        TEXT NOT NULL DEFAULT '',
  decided_at        TEXT NOT NULL DEFAULT '',
  published_version INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX bank_proposals_bank ON bank_proposals (bank, status);
