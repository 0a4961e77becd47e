-- synthreview: rebuilds tables (foreign keys off)
-- Gold from imported files (issue 11, item 1: gold sets are made "from any
-- item or imported files"; GB/T 45654-2025 reviewer training). A trainer
-- may import an example that never reached the platform's output (a known
-- deepfake, a file made to exercise a rule): it is stored in objects/,
-- scanned and judged by the rules as intake would, and kept here, apart
-- from live work. It is never an item: no queue, dashboard or audit
-- package counts it, and hidden gold never serves it (hidden gold must
-- look like live work).
--
-- The first line asks the migration runner (store.go) to run this file
-- with foreign keys off, check them before commit and turn them on again:
-- gold_items is rebuilt so that a gold item shows either a live item or a
-- training file, SQLite's documented way to change a column's constraints
-- (training_answers and shadow_claims keep referring to gold_items by
-- name, so they refer to the rebuilt table).
CREATE TABLE training_files (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,                 -- the file's base name as imported
  produce_id    TEXT NOT NULL DEFAULT '',      -- from its generation record or implicit label
  format        TEXT NOT NULL,
  object_sha256 TEXT NOT NULL,
  size          INTEGER NOT NULL CHECK (size >= 0),
  category      TEXT NOT NULL,
  service       TEXT NOT NULL DEFAULT '',
  model         TEXT NOT NULL DEFAULT '',
  label_state   TEXT NOT NULL DEFAULT 'none',
  verdict       TEXT NOT NULL DEFAULT 'unlabelled',
  scan          TEXT NOT NULL,                 -- the scan report, as scan --json prints it
  rule_hits     TEXT NOT NULL DEFAULT '[]',
  sidecar       TEXT NOT NULL DEFAULT '{}',    -- the generation record without the prompt
  imported_by   TEXT NOT NULL,
  imported_at   TEXT NOT NULL
) STRICT;

CREATE TABLE gold_items_new (
  id              INTEGER PRIMARY KEY,
  set_id          INTEGER NOT NULL REFERENCES gold_sets(id),
  item_id         INTEGER REFERENCES items(id),
  file_id         INTEGER REFERENCES training_files(id),
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
  CHECK (retired_version = 0 OR retired_version > added_version),
  CHECK ((item_id IS NULL) <> (file_id IS NULL))
) STRICT;
INSERT INTO gold_items_new (id, set_id, item_id, file_id, produce_id, category, expected, reasons, explanation,
    created_by, created_at, added_version, retired_version, retired_at)
  SELECT id, set_id, item_id, NULL, produce_id, category, expected, reasons, explanation,
    created_by, created_at, added_version, retired_version, retired_at FROM gold_items;
DROP TABLE gold_items;
ALTER TABLE gold_items_new RENAME TO gold_items;
CREATE INDEX gold_items_set ON gold_items (set_id, id);
-- An item (or a file) is gold at most once among a set's active items.
CREATE UNIQUE INDEX gold_items_active ON gold_items (set_id, item_id) WHERE retired_version = 0 AND item_id IS NOT NULL;
CREATE UNIQUE INDEX gold_items_active_file ON gold_items (set_id, file_id) WHERE retired_version = 0 AND file_id IS NOT NULL;
-- IsGoldSource and ServeGold look gold up by its live item.
CREATE INDEX gold_items_item ON gold_items (item_id) WHERE item_id IS NOT NULL;
