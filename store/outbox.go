package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"synthreview/review"
)

// OutboxSchema names the outbox file format (README, "The outbox").
const OutboxSchema = "synthreview.action/v1"

// OutboxEntry is one action for the provider's platform.
type OutboxEntry struct {
	ID        int64
	Kind      string
	ItemID    int64
	ProduceID string
	FileName  string
	Body      string
	CreatedAt time.Time
	WrittenAt time.Time
	AckedAt   time.Time
	AckStatus string
	// CopySHA256 and CopyFile name the labelled copy (in objects/) that a
	// "labelled_copy" entry hands over, and the outbox file name it gets;
	// both are empty for other kinds.
	CopySHA256 string
	CopyFile   string
}

// queueOutboxTx records the outbox entries a decision makes, in the
// decision's transaction: the decision itself (for every outcome the
// platform acts on), the labelled copy when c is not nil (approve and
// relabel), and the sanction on the user when there is one. Holds,
// escalations and skips stay inside the workstation.
func queueOutboxTx(ctx context.Context, tx *sql.Tx, now time.Time, it review.Item, decID int64, d review.Decision, c *review.LabelledCopy) error {
	var action string
	switch d.Outcome {
	case review.OutcomeApprove, review.OutcomeApproveRelabel:
		action = "publish"
	case review.OutcomeReject:
		action = "takedown"
	default:
		return nil
	}
	type out struct {
		kind string
		body map[string]any
	}
	entries := []out{{"decision", map[string]any{"action": action, "outcome": d.Outcome, "reasons": append([]string{}, d.Reasons...)}}}
	if c != nil {
		entries = append(entries, out{"labelled_copy", map[string]any{"labelled_sha256": c.SHA256, "labelled_size": c.Size,
			"labelled_format": c.Format, "marks": append([]string{}, c.Marks...)}})
	}
	if d.Sanction != review.SanctionNone {
		entries = append(entries, out{"sanction", map[string]any{"user": it.UserID, "sanction": d.Sanction,
			"reasons": append([]string{}, d.Reasons...), "basis": "DSP 10"}})
	}
	for _, e := range entries {
		body := map[string]any{"decided_by": d.Actor, "decided_at": review.FormatTime(now)}
		for k, v := range e.body {
			body[k] = v
		}
		if _, err := insertOutboxTx(ctx, tx, now, d.Actor, e.kind, it, decID, body); err != nil {
			return err
		}
	}
	return nil
}

// insertOutboxTx records one outbox entry of an item with its
// "outbox.queued" event. body gets the common fields (schema, kind,
// produce_id, object_sha256, decision_id, outbox_id); a "labelled_copy"
// entry also gets labelled_file, the name its copy takes in outbox/.
func insertOutboxTx(ctx context.Context, tx *sql.Tx, now time.Time, actor, kind string, it review.Item, decID int64, body map[string]any) (int64, error) {
	var decision, item any
	if decID != 0 {
		decision = decID
	}
	if it.ID != 0 {
		item = it.ID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (kind, item_id, produce_id, file_name, body, created_at, decision_id)
		VALUES (?, ?, ?, '', '{}', ?, ?)`, kind, item, it.ProduceID, review.FormatTime(now), decision)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	base := fmt.Sprintf("%08d-%s-%s", id, kind, it.ProduceID)
	body["schema"], body["kind"], body["produce_id"] = OutboxSchema, kind, it.ProduceID
	body["object_sha256"], body["decision_id"], body["outbox_id"] = it.ObjectSHA256, decID, id
	if kind == "labelled_copy" {
		format, _ := body["labelled_format"].(string)
		body["labelled_file"] = base + "." + fileExt(format)
	}
	name := base + ".json"
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET file_name = ?, body = ? WHERE id = ?`, name, string(b), id); err != nil {
		return 0, err
	}
	_, err = appendEvent(ctx, tx, now, actor, "outbox.queued", fmt.Sprintf("outbox:%d", id),
		map[string]any{"kind": kind, "item": it.ID, "file": name, "body_sha256": sha256Hex(string(b))})
	return id, err
}

// fileExt is the file name extension of a sniffed format (marking.Sniff).
func fileExt(format string) string {
	switch format {
	case "jpeg":
		return "jpg"
	case "text":
		return "txt"
	case "", "unknown":
		return "bin"
	}
	for _, r := range format {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return "bin"
		}
	}
	if len(format) > 8 {
		return "bin"
	}
	return format
}

// UnwrittenOutbox lists entries whose file is not written yet, leaving
// out those an undo cancelled.
func (s *DB) UnwrittenOutbox(ctx context.Context) ([]OutboxEntry, error) {
	return s.outboxWhere(ctx, `written_at = '' AND cancelled_at = ''`)
}

// UnackedOutbox lists written entries the platform has not acknowledged,
// oldest first, leaving out those an undo cancelled.
func (s *DB) UnackedOutbox(ctx context.Context) ([]OutboxEntry, error) {
	return s.outboxWhere(ctx, `acked_at = '' AND cancelled_at = ''`)
}

func (s *DB) outboxWhere(ctx context.Context, where string) ([]OutboxEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, coalesce(item_id, 0), produce_id, file_name, body, created_at, written_at,
		acked_at, ack_status, CASE kind WHEN 'labelled_copy' THEN coalesce(json_extract(body, '$.labelled_sha256'), '') ELSE '' END,
		CASE kind WHEN 'labelled_copy' THEN coalesce(json_extract(body, '$.labelled_file'), '') ELSE '' END
		FROM outbox WHERE `+where+` ORDER BY id`)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("outbox"), err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var created, written, acked string
		if err := rows.Scan(&e.ID, &e.Kind, &e.ItemID, &e.ProduceID, &e.FileName, &e.Body, &created, &written, &acked, &e.AckStatus,
			&e.CopySHA256, &e.CopyFile); err != nil {
			return nil, err
		}
		e.CreatedAt, e.WrittenAt, e.AckedAt = parseOpt(created), parseOpt(written), parseOpt(acked)
		out = append(out, e)
	}
	return out, rows.Err()
}

// MarkOutboxWritten records that an entry's file is on disk. When an undo
// cancelled the entry while its file was being written, the file is out
// all the same, so a "revoke" entry follows it.
func (s *DB) MarkOutboxWritten(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET written_at = ? WHERE id = ? AND written_at = ''`, review.FormatTime(now), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		var cancelled, actor string
		err = tx.QueryRowContext(ctx, `SELECT o.cancelled_at, coalesce(d.actor, 'system') FROM outbox o
			LEFT JOIN decisions d ON d.id = o.decision_id WHERE o.id = ?`, id).Scan(&cancelled, &actor)
		if err != nil || cancelled == "" {
			return err
		}
		_, err = revokeOutboxTx(ctx, tx, now, actor, id)
		return err
	})
}

// revokeOutboxTx queues a "revoke" entry for the written entry id: the
// platform is to undo what that file asked for.
func revokeOutboxTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, id int64) (int64, error) {
	var kind, name string
	var decID int64
	var itemID sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT kind, file_name, item_id, coalesce(decision_id, 0) FROM outbox WHERE id = ?`, id).
		Scan(&kind, &name, &itemID, &decID)
	if err != nil {
		return 0, err
	}
	var it review.Item
	if itemID.Valid {
		if it, err = scanItem(tx.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = ?`, itemID.Int64)); err != nil {
			return 0, err
		}
	}
	return insertOutboxTx(ctx, tx, now, actor, "revoke", it, decID, map[string]any{
		"revokes_file": name, "revokes_outbox_id": id, "revokes_kind": kind,
		"revoked_by": actor, "revoked_at": review.FormatTime(now), "reason": "decision undone"})
}

// AckOutbox records the platform's acknowledgement of the entry whose file
// is name, with its "outbox.acked" event. An unknown name is ENOTFOUND; a
// second acknowledgement is ECONFLICT.
func (s *DB) AckOutbox(ctx context.Context, name, status string) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var id int64
		var acked string
		err := tx.QueryRowContext(ctx, `SELECT id, acked_at FROM outbox WHERE file_name = ?`, name).Scan(&id, &acked)
		if err == sql.ErrNoRows {
			return review.Errorf(review.ENOTFOUND, "acknowledgement for %s, which the outbox never held", name)
		} else if err != nil {
			return err
		}
		if acked != "" {
			return review.Errorf(review.ECONFLICT, "%s was acknowledged already at %s", name, acked)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET acked_at = ?, ack_status = ? WHERE id = ?`, review.FormatTime(now), status, id); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, "system", "outbox.acked", fmt.Sprintf("outbox:%d", id), map[string]any{"status": status})
		return err
	})
}
