-- The manager's dashboard (issue 9) counts what happened in a window of
-- days. Without these indexes each figure read every decision, item or
-- scan report of the workspace (seconds at 100,000 items); with them it
-- reads the window's range of one index, and never an item row or a
-- report's JSON.

-- Decisions by time, covering the per-day and per-reviewer counts.
CREATE INDEX decisions_at ON decisions (at, undone_at, outcome, actor);

-- Items by received time, covering routing (state), implicit labels
-- (verdict) and the categories that need an explicit label.
CREATE INDEX items_received ON items (received_at, state, verdict, category);

-- Each scan report's watermark status (scan --json watermark.status:
-- detected, not-detected, not-checked), so the watermark rate is read off
-- this index instead of parsing every report. A report that is not JSON
-- indexes as NULL (never an error on insert). The dashboard's query
-- repeats this expression exactly, or SQLite would not use the index.
CREATE INDEX scan_reports_watermark ON scan_reports
  (item_id, (CASE WHEN json_valid(report) THEN json_extract(report, '$.watermark.status') END));

-- The rule filter's index (0007) gains the hit's severity, so the
-- explicit-label rate probes each item's hit from the index alone. Same
-- name and leading columns: the queue filter uses it as before.
DROP INDEX rule_hits_rule;
CREATE INDEX rule_hits_rule ON rule_hits (rule_id, item_id, severity);
