-- The outbox (issue 8): every decision, labelled copy, takedown and
-- sanction becomes one JSON file in outbox/ for the provider's platform.
-- The row is written in the decision's own transaction (so no decision is
-- ever without its outbox entry); the file is written after the commit and
-- re-written identically after a crash. Acknowledgements dropped back by the
-- platform are recorded here.
CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,           -- decision, sanction, takedown, relabelled_copy
  item_id      INTEGER REFERENCES items(id),
  produce_id   TEXT NOT NULL DEFAULT '',
  file_name    TEXT NOT NULL UNIQUE,
  body         TEXT NOT NULL,           -- the JSON written to the file
  created_at   TEXT NOT NULL,
  written_at   TEXT NOT NULL DEFAULT '',
  acked_at     TEXT NOT NULL DEFAULT '',
  ack_status   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_unwritten ON outbox (id) WHERE written_at = '';
CREATE INDEX outbox_unacked ON outbox (created_at) WHERE acked_at = '';
