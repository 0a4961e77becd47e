-- Rule-set versions (issue 7): a changed rules folder is pending until a
-- manager approves it; every version seen is kept with the SHA-256 of its
-- bundle (the rules files, stored in objects/), so any decision's rule hits
-- can be traced to the exact rules that produced them.
CREATE TABLE rule_sets (
  version      TEXT PRIMARY KEY,
  bundle       TEXT NOT NULL,              -- object SHA-256 of the files, as JSON {name: content}
  status       TEXT NOT NULL CHECK (status IN ('pending','approved','superseded')),
  seen_at      TEXT NOT NULL,
  approved_by  TEXT NOT NULL DEFAULT '',
  approved_at  TEXT NOT NULL DEFAULT ''
) STRICT;
