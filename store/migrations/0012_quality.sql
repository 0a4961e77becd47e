-- Quality control inside live work (issue 11): hidden gold and
-- calibration. GB/T 45654-2025 asks providers to assess their content
-- reviewers and keep the records. Nothing here touches a live item: a
-- shadow claim points at the item whose evidence it shows, hidden gold
-- answers go to training_answers (in a hidden_gold session) and a
-- calibration sample keeps its second review beside the live decision,
-- never in decisions or the outbox. Every change is written with its
-- event (store/quality.go); events name claims, samples, gold items and
-- reason codes, never which live item a hidden gold item shows.

-- A live decision chosen for a blind second review by another reviewer.
-- The first review is copied from the decision when it is sampled; the
-- second is '' (and '[]') while the sample waits. A sample whose decision
-- is undone (decisions.undone_at) is neither served nor reported.
CREATE TABLE calibration_samples (
  id              INTEGER PRIMARY KEY,
  item_id         INTEGER NOT NULL REFERENCES items(id),
  decision_id     INTEGER NOT NULL UNIQUE REFERENCES decisions(id),
  queue           TEXT NOT NULL CHECK (queue IN ('live', 'escalation')),
  category        TEXT NOT NULL,
  first_reviewer  TEXT NOT NULL,
  first_outcome   TEXT NOT NULL CHECK (first_outcome IN ('approve', 'approve_relabel', 'reject', 'escalate')),
  first_reasons   TEXT NOT NULL DEFAULT '[]',
  sampled_at      TEXT NOT NULL,
  second_reviewer TEXT NOT NULL DEFAULT '',
  second_outcome  TEXT NOT NULL DEFAULT '',
  second_reasons  TEXT NOT NULL DEFAULT '[]',
  answered_at     TEXT NOT NULL DEFAULT '',
  took_ms         INTEGER NOT NULL DEFAULT 0 CHECK (took_ms >= 0),
  CHECK ((answered_at = '') = (second_reviewer = ''))
) STRICT;
-- Serving walks the waiting samples of a queue oldest first; the report
-- reads the answered ones by when they were answered.
CREATE INDEX calibration_samples_waiting ON calibration_samples (queue, sampled_at, id) WHERE answered_at = '';
CREATE INDEX calibration_samples_answered ON calibration_samples (answered_at, id) WHERE answered_at <> '';

-- A hidden gold item or a calibration sample served to a reviewer in a
-- live item's place, under a lease like a live claim. Hidden gold names
-- its gold item and the reviewer's hidden_gold session (the answer is a
-- training answer there); calibration names its sample. outcome, reasons,
-- correct and took_ms hold the answer while the claim is answered
-- (correct: hidden gold judged right; always 0 for calibration). A
-- skipped claim keeps its row so the same sample is not served to that
-- reviewer again.
CREATE TABLE shadow_claims (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('hidden_gold', 'calibration')),
  reviewer    TEXT NOT NULL,
  queue       TEXT NOT NULL CHECK (queue IN ('live', 'escalation')),
  item_id     INTEGER NOT NULL REFERENCES items(id),
  gold_id     INTEGER REFERENCES gold_items(id),
  session_id  INTEGER REFERENCES training_sessions(id),
  sample_id   INTEGER REFERENCES calibration_samples(id),
  state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'released', 'skipped')),
  served_at   TEXT NOT NULL,
  lease_until TEXT NOT NULL,
  answered_at TEXT NOT NULL DEFAULT '',
  outcome     TEXT NOT NULL DEFAULT '',
  reasons     TEXT NOT NULL DEFAULT '[]',
  correct     INTEGER NOT NULL DEFAULT 0 CHECK (correct IN (0, 1)),
  took_ms     INTEGER NOT NULL DEFAULT 0 CHECK (took_ms >= 0),
  CHECK (CASE kind
    WHEN 'hidden_gold' THEN gold_id IS NOT NULL AND session_id IS NOT NULL AND sample_id IS NULL
    ELSE sample_id IS NOT NULL AND gold_id IS NULL AND session_id IS NULL END),
  CHECK ((state = 'answered') = (answered_at <> ''))
) STRICT;
-- A reviewer's rolling hidden gold accuracy on a queue reads their latest
-- answers off this index; serving gold reads what they answered recently.
CREATE INDEX shadow_claims_results ON shadow_claims (reviewer, kind, queue, answered_at);
-- Serving a sample asks who holds or skipped it.
CREATE INDEX shadow_claims_sample ON shadow_claims (sample_id, state) WHERE sample_id IS NOT NULL;
-- Open claims, by lease: lapsed ones are released before serving.
CREATE INDEX shadow_claims_open ON shadow_claims (lease_until) WHERE state = 'open';
