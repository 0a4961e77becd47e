-- SynthReview workspace schema, version 1. Timestamps are TEXT, UTC,
-- RFC 3339 with milliseconds. Personal data lives only in the columns marked
-- PERSONAL, which a deletion request (PIPL Art. 47) clears; events never
-- hold it.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('reviewer','senior_reviewer','trainer','manager','admin')),
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
  created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE services (
  name             TEXT PRIMARY KEY,
  category         TEXT NOT NULL,
  algorithm_filing TEXT NOT NULL DEFAULT '',
  model            TEXT NOT NULL DEFAULT '',
  assessment_id    TEXT NOT NULL DEFAULT ''
) STRICT;

-- The provider's platform users. display_name and phone are PERSONAL.
CREATE TABLE platform_users (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  phone        TEXT NOT NULL DEFAULT '',
  erased_at    TEXT
) STRICT;

CREATE TABLE items (
  id            INTEGER PRIMARY KEY,
  produce_id    TEXT NOT NULL UNIQUE,
  format        TEXT NOT NULL,
  object_sha256 TEXT NOT NULL,
  size          INTEGER NOT NULL,
  category      TEXT NOT NULL,
  service       TEXT NOT NULL DEFAULT '',
  model         TEXT NOT NULL DEFAULT '',
  filing        TEXT NOT NULL DEFAULT '',
  user_id       TEXT NOT NULL DEFAULT '',
  prompt        TEXT NOT NULL DEFAULT '',           -- PERSONAL (may hold personal data)
  sidecar       TEXT NOT NULL DEFAULT '{}',          -- the generation record, prompt removed
  created_at    TEXT NOT NULL,
  received_at   TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('queued','escalated','in_review','held','approved','relabelled','rejected','cleared')),
  queue         TEXT NOT NULL DEFAULT 'live' CHECK (queue IN ('live','escalation')),
  priority      INTEGER NOT NULL DEFAULT 0,
  label_state   TEXT NOT NULL DEFAULT 'none',
  verdict       TEXT NOT NULL DEFAULT 'unlabelled',
  claimed_by    TEXT NOT NULL DEFAULT '',
  lease_until   TEXT NOT NULL DEFAULT '',
  updated_at    TEXT NOT NULL
) STRICT;
-- The claim query walks this index: waiting items by state, priority, age.
-- (A partial index would not serve it: SQLite cannot prove that
-- state = 'queued' implies state IN ('queued','escalated').)
CREATE INDEX items_waiting ON items (state, priority DESC, received_at, id);
CREATE INDEX items_leases ON items (lease_until) WHERE state = 'in_review';
CREATE INDEX items_user ON items (user_id);

-- The scan report (marking) of an item's original, as JSON.
CREATE TABLE scan_reports (
  item_id INTEGER PRIMARY KEY REFERENCES items(id),
  report  TEXT NOT NULL
) STRICT;

CREATE TABLE rule_hits (
  id           INTEGER PRIMARY KEY,
  item_id      INTEGER NOT NULL REFERENCES items(id),
  rule_id      TEXT NOT NULL,
  rule_version TEXT NOT NULL,
  severity     TEXT NOT NULL CHECK (severity IN ('info','warning','error','critical')),
  evidence     TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX rule_hits_item ON rule_hits (item_id);

CREATE TABLE decisions (
  id       INTEGER PRIMARY KEY,
  item_id  INTEGER NOT NULL REFERENCES items(id),
  actor    TEXT NOT NULL,
  outcome  TEXT NOT NULL,
  reasons  TEXT NOT NULL DEFAULT '[]',
  note     TEXT NOT NULL DEFAULT '',
  sanction TEXT NOT NULL DEFAULT '',
  at       TEXT NOT NULL
) STRICT;
CREATE INDEX decisions_item ON decisions (item_id);

CREATE TABLE complaints (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('complaint','appeal')),
  channel     TEXT NOT NULL,
  contact     TEXT NOT NULL DEFAULT '',   -- PERSONAL
  reporter_id TEXT NOT NULL DEFAULT '',
  category    TEXT NOT NULL,
  item_id     INTEGER REFERENCES items(id),
  produce_id  TEXT NOT NULL DEFAULT '',
  text        TEXT NOT NULL,              -- PERSONAL (free text from a person)
  received_at TEXT NOT NULL,
  due_at      TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('open','in_progress','answered','closed')),
  reply       TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE consents (
  id              TEXT PRIMARY KEY,
  subject_id      TEXT NOT NULL,
  subject_name    TEXT NOT NULL DEFAULT '',  -- PERSONAL
  scope           TEXT NOT NULL CHECK (scope IN ('face','voice','face+voice')),
  notice_version  TEXT NOT NULL DEFAULT '',
  channel         TEXT NOT NULL DEFAULT '',
  granted_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL DEFAULT '',
  evidence_sha256 TEXT NOT NULL DEFAULT '',
  withdrawn_at    TEXT NOT NULL DEFAULT ''
) STRICT;

-- Which items rest on which consent (sidecar inputs[].consent_id).
CREATE TABLE item_consents (
  item_id    INTEGER NOT NULL REFERENCES items(id),
  consent_id TEXT NOT NULL,
  subject_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (item_id, consent_id)
) STRICT;

CREATE TABLE real_names (
  user_id     TEXT PRIMARY KEY,
  method      TEXT NOT NULL,
  result      TEXT NOT NULL CHECK (result IN ('verified','failed','pending')),
  verified_at TEXT NOT NULL,
  masked_id   TEXT NOT NULL DEFAULT '',  -- PERSONAL
  id_hash     TEXT NOT NULL DEFAULT ''   -- PERSONAL (keyed hash)
) STRICT;

CREATE TABLE intake_errors (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  at          TEXT NOT NULL,
  resolved_at TEXT NOT NULL DEFAULT ''
) STRICT;

-- The audit log: see docs/audit-log.md for the canonical hash encoding.
CREATE TABLE events (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  kind      TEXT NOT NULL,
  subject   TEXT NOT NULL,
  payload   TEXT NOT NULL CHECK (payload <> ''),
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX events_subject ON events (subject, seq);
CREATE INDEX events_kind ON events (kind, seq);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
