-- Training mode (issue 11): gold sets and their items, training sessions
-- and their answers, certification gates per queue and the certifications
-- of reviewers. GB/T 45654-2025 asks providers to train and assess their
-- content reviewers and keep the records. Nothing here touches a live
-- item: a gold item points at the item whose evidence it shows, and
-- answers are kept apart from decisions. Every change is written with its
-- event (store/training.go); events name records and codes, never text a
-- person wrote about someone.

-- A gold set is versioned: adding or retiring an item makes the next
-- version, and a session keeps the version it used. A new set is version
-- 0 and empty.
CREATE TABLE gold_sets (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  queue      TEXT NOT NULL CHECK (queue IN ('live', 'escalation')),
  category   TEXT NOT NULL DEFAULT '',
  version    INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- A gold item is active in the versions from added_version up to, not
-- including, retired_version (0: still active). produce_id and category
-- are copied from the item when it was made gold.
CREATE TABLE gold_items (
  id              INTEGER PRIMARY KEY,
  set_id          INTEGER NOT NULL REFERENCES gold_sets(id),
  item_id         INTEGER NOT NULL REFERENCES items(id),
  produce_id      TEXT NOT NULL,
  category        TEXT NOT NULL,
  expected        TEXT NOT NULL CHECK (expected IN ('approve', 'approve_relabel', 'reject', 'escalate')),
  reasons         TEXT NOT NULL DEFAULT '[]',
  explanation     TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  added_version   INTEGER NOT NULL CHECK (added_version >= 1),
  retired_version INTEGER NOT NULL DEFAULT 0,
  retired_at      TEXT NOT NULL DEFAULT '',
  CHECK (retired_version = 0 OR retired_version > added_version)
) STRICT;
CREATE INDEX gold_items_set ON gold_items (set_id, id);
-- An item is gold at most once among a set's active items.
CREATE UNIQUE INDEX gold_items_active ON gold_items (set_id, item_id) WHERE retired_version = 0;

-- A sitting of a reviewer. kind: a training session the reviewer chose,
-- gold hidden in a live queue, a blind second review (calibration, which
-- has no gold set). Scores report the kinds apart.
CREATE TABLE training_sessions (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('training', 'hidden_gold', 'calibration')),
  reviewer    TEXT NOT NULL,
  set_id      INTEGER REFERENCES gold_sets(id),
  set_version INTEGER NOT NULL DEFAULT 0,
  started_at  TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX training_sessions_reviewer ON training_sessions (reviewer, kind, started_at);

-- One answer per gold item and session, judged when given.
CREATE TABLE training_answers (
  id         INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES training_sessions(id),
  gold_id    INTEGER NOT NULL REFERENCES gold_items(id),
  outcome    TEXT NOT NULL,
  reasons    TEXT NOT NULL DEFAULT '[]',
  correct    INTEGER NOT NULL CHECK (correct IN (0, 1)),
  took_ms    INTEGER NOT NULL DEFAULT 0 CHECK (took_ms >= 0),
  at         TEXT NOT NULL,
  UNIQUE (session_id, gold_id)
) STRICT;
CREATE INDEX training_answers_gold ON training_answers (gold_id);

-- A queue's certification requirement. A queue without a row needs no
-- certification.
CREATE TABLE gates (
  queue        TEXT PRIMARY KEY CHECK (queue IN ('live', 'escalation')),
  min_accuracy REAL NOT NULL CHECK (min_accuracy > 0 AND min_accuracy <= 100),
  min_items    INTEGER NOT NULL CHECK (min_items >= 1),
  set_by       TEXT NOT NULL,
  set_at       TEXT NOT NULL
) STRICT;

-- The certification history: a reviewer is certified for a queue when the
-- latest row of the pair is not revoked. min_accuracy and min_items are
-- the gate the reviewer met.
CREATE TABLE certifications (
  id           INTEGER PRIMARY KEY,
  reviewer     TEXT NOT NULL,
  queue        TEXT NOT NULL CHECK (queue IN ('live', 'escalation')),
  certified_by TEXT NOT NULL,
  certified_at TEXT NOT NULL,
  accuracy     REAL NOT NULL,
  items        INTEGER NOT NULL,
  min_accuracy REAL NOT NULL,
  min_items    INTEGER NOT NULL,
  revoked_at   TEXT NOT NULL DEFAULT '',
  revoked_by   TEXT NOT NULL DEFAULT '',
  reason       TEXT NOT NULL DEFAULT ''
) STRICT;
-- Every claim asks whether its reviewer is certified: one probe of this
-- index for the pair's latest row.
CREATE INDEX certifications_current ON certifications (reviewer, queue, id);
