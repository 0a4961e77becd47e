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
}

// queueOutboxTx records the outbox entries a decision makes, in the
// decision's transaction: the decision itself (for every outcome the
// platform acts on), and the sanction on the user when there is one.
// Holds, escalations and skips stay inside the workstation.
func queueOutboxTx(ctx context.Context, tx *sql.Tx, now time.Time, it review.Item, decID int64, d review.Decision) error {
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
	if d.Sanction != review.SanctionNone {
		entries = append(entries, out{"sanction", map[string]any{"user": it.UserID, "sanction": d.Sanction,
			"reasons": append([]string{}, d.Reasons...), "basis": "DSP 10"}})
	}
	for _, e := range entries {
		body := map[string]any{"schema": OutboxSchema, "kind": e.kind, "produce_id": it.ProduceID,
			"decision_id": decID, "decided_by": d.Actor, "decided_at": review.FormatTime(now),
			"object_sha256": it.ObjectSHA256}
		for k, v := range e.body {
			body[k] = v
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO outbox (kind, item_id, produce_id, file_name, body, created_at)
			VALUES (?, ?, ?, '', '{}', ?)`, e.kind, it.ID, it.ProduceID, review.FormatTime(now))
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		body["outbox_id"] = id
		name := fmt.Sprintf("%08d-%s-%s.json", id, e.kind, it.ProduceID)
		b, err := json.MarshalIndent(body, "", "  ")
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET file_name = ?, body = ? WHERE id = ?`, name, string(b), id); err != nil {
			return err
		}
		if _, err := appendEvent(ctx, tx, now, d.Actor, "outbox.queued", fmt.Sprintf("outbox:%d", id),
			map[string]any{"kind": e.kind, "item": it.ID, "file": name, "body_sha256": sha256Hex(string(b))}); err != nil {
			return err
		}
	}
	return nil
}

// UnwrittenOutbox lists entries whose file is not written yet.
func (s *DB) UnwrittenOutbox(ctx context.Context) ([]OutboxEntry, error) {
	return s.outboxWhere(ctx, `written_at = ''`)
}

// UnackedOutbox lists written entries the platform has not acknowledged,
// oldest first.
func (s *DB) UnackedOutbox(ctx context.Context) ([]OutboxEntry, error) {
	return s.outboxWhere(ctx, `acked_at = ''`)
}

func (s *DB) outboxWhere(ctx context.Context, where string) ([]OutboxEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, coalesce(item_id, 0), produce_id, file_name, body, created_at, written_at,
		acked_at, ack_status FROM outbox WHERE `+where+` ORDER BY id`)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("outbox"), err)
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var created, written, acked string
		if err := rows.Scan(&e.ID, &e.Kind, &e.ItemID, &e.ProduceID, &e.FileName, &e.Body, &created, &written, &acked, &e.AckStatus); err != nil {
			return nil, err
		}
		e.CreatedAt, e.WrittenAt, e.AckedAt = parseOpt(created), parseOpt(written), parseOpt(acked)
		out = append(out, e)
	}
	return out, rows.Err()
}

// MarkOutboxWritten records that an entry's file is on disk.
func (s *DB) MarkOutboxWritten(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET written_at = ? WHERE id = ? AND written_at = ''`, review.FormatTime(now), id)
		return err
	})
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
