-- Registries imported from the provider's systems of record (issue 7):
-- the provider profile, services' security assessments, and the imports
-- themselves. services (0001) holds name, category, filing and model.

CREATE TABLE provider (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  name        TEXT NOT NULL,
  uscc        TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;

-- The 27-character producer codes the provider writes into labels.
CREATE TABLE producer_codes (
  code    TEXT PRIMARY KEY,
  service TEXT NOT NULL DEFAULT '',
  note    TEXT NOT NULL DEFAULT ''
) STRICT;

-- Security assessments of services and models (DSP Art. 15).
CREATE TABLE assessments (
  id       TEXT PRIMARY KEY,
  service  TEXT NOT NULL,
  model    TEXT NOT NULL DEFAULT '',
  date     TEXT NOT NULL,
  scope    TEXT NOT NULL DEFAULT '',
  status   TEXT NOT NULL CHECK (status IN ('passed','pending','failed','expired'))
) STRICT;
CREATE INDEX assessments_service ON assessments (service, model);

CREATE TABLE imports (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  file_name   TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  records     INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  at          TEXT NOT NULL
) STRICT;
