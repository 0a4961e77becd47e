package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"synthreview/review"
)

var (
	_ review.ItemStore  = (*DB)(nil)
	_ review.QueueStore = (*DB)(nil)
)

const itemCols = `id, produce_id, format, object_sha256, size, category, service, model, filing, user_id, prompt,
	created_at, received_at, state, queue, priority, label_state, verdict, claimed_by, lease_until`

func scanItem(row interface{ Scan(...any) error }) (review.Item, error) {
	var it review.Item
	var cat, state, created, received, lease string
	err := row.Scan(&it.ID, &it.ProduceID, &it.Format, &it.ObjectSHA256, &it.Size, &cat, &it.Service, &it.Model,
		&it.Filing, &it.UserID, &it.Prompt, &created, &received, &state, &it.Queue, &it.Priority, &it.LabelState,
		&it.Verdict, &it.ClaimedBy, &lease)
	if err != nil {
		return it, err
	}
	it.Category, it.State = review.Category(cat), review.State(state)
	it.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	it.ReceivedAt, _ = time.Parse(time.RFC3339Nano, received)
	if lease != "" {
		it.LeaseUntil, _ = time.Parse(time.RFC3339Nano, lease)
	}
	return it, nil
}

// CreateItem records an item with its scan report, rule hits, consent links
// and its "item.received" event, in one transaction.
func (s *DB) CreateItem(ctx context.Context, actor string, n review.NewItem) (review.Item, error) {
	it := n.Item
	if it.State == "" {
		it.State = review.StateQueued
	}
	if it.Queue == "" {
		it.Queue = review.QueueLive
	}
	if err := it.Validate(); err != nil {
		return it, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		it, err = createItemTx(ctx, tx, now, actor, n, it)
		return err
	})
	return it, err
}

func createItemTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, n review.NewItem, it review.Item) (review.Item, error) {
	if it.ReceivedAt.IsZero() {
		it.ReceivedAt = now
	}
	if it.CreatedAt.IsZero() {
		it.CreatedAt = it.ReceivedAt
	}
	if it.LabelState == "" {
		it.LabelState = "none"
	}
	if it.Verdict == "" {
		it.Verdict = "unlabelled"
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO items (produce_id, format, object_sha256, size, category, service, model,
		filing, user_id, prompt, created_at, received_at, state, queue, priority, label_state, verdict, updated_at, sidecar,
		hit_count, hit_rank)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ProduceID, it.Format, it.ObjectSHA256, it.Size, string(it.Category), it.Service, it.Model, it.Filing,
		it.UserID, it.Prompt, review.FormatTime(it.CreatedAt), review.FormatTime(it.ReceivedAt), string(it.State),
		it.Queue, it.Priority, it.LabelState, it.Verdict, review.FormatTime(now), sidecarOrEmpty(n.Sidecar),
		len(n.RuleHits), hitRank(n.RuleHits))
	if err != nil {
		return it, fmt.Errorf("item %s: %w", it.ProduceID, err)
	}
	it.ID, _ = res.LastInsertId()
	report := n.ScanReport
	if report == "" {
		report = "{}"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO scan_reports (item_id, report) VALUES (?, ?)`, it.ID, report); err != nil {
		return it, err
	}
	var hits []string
	for _, h := range n.RuleHits {
		ev := h.Evidence
		if ev == "" {
			ev = "{}"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rule_hits (item_id, rule_id, rule_version, severity, evidence) VALUES (?, ?, ?, ?, ?)`,
			it.ID, h.RuleID, h.RuleVersion, h.Severity, ev); err != nil {
			return it, fmt.Errorf("rule hit %s on %s: %w", h.RuleID, it.ProduceID, err)
		}
		hits = append(hits, h.RuleID+"@"+h.RuleVersion)
	}
	if n.WatermarkDigest != "" {
		if err := putDigestTx(ctx, tx, n.WatermarkDigest, it.ProduceID); err != nil {
			return it, err
		}
	}
	for _, c := range n.ConsentIDs {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO item_consents (item_id, consent_id) VALUES (?, ?)`, it.ID, c); err != nil {
			return it, err
		}
	}
	_, err = appendEvent(ctx, tx, now, actor, "item.received", itemSubject(it.ID), map[string]any{
		"produce_id": it.ProduceID, "object_sha256": it.ObjectSHA256, "category": it.Category,
		"format": it.Format, "state": it.State, "queue": it.Queue, "label_state": it.LabelState,
		"verdict": it.Verdict, "rule_hits": hits, "consents": n.ConsentIDs,
	})
	return it, err
}

// hitRank is the highest review.SeverityRank among hits (0 without any),
// stored with the item for the queue list.
func hitRank(hits []review.RuleHit) int {
	r := 0
	for _, h := range hits {
		r = max(r, review.SeverityRank(h.Severity))
	}
	return r
}

func putDigestTx(ctx context.Context, tx *sql.Tx, digest, produceID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO watermark_digests (digest, produce_id) VALUES (?, ?)
		ON CONFLICT(digest) DO NOTHING`, digest, produceID)
	return err
}

// PutWatermarkDigest records that digest stands for produceID (mark
// --workspace writes watermarks for outputs that intake may never see).
func (s *DB) PutWatermarkDigest(ctx context.Context, digest, produceID string) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error { return putDigestTx(ctx, tx, digest, produceID) })
}

// ProduceIDForDigest resolves a watermark digest, or ENOTFOUND.
func (s *DB) ProduceIDForDigest(ctx context.Context, digest string) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT produce_id FROM watermark_digests WHERE digest = ?`, digest).Scan(&id)
	if err == sql.ErrNoRows {
		return "", review.Errorf(review.ENOTFOUND, "no ProduceID for watermark digest %s", digest)
	}
	return id, s.mapErr(fmt.Errorf("watermark digest %s", digest), err)
}

func sidecarOrEmpty(s string) string {
	if s == "" {
		return "{}"
	}
	return s
}

func itemSubject(id int64) string { return fmt.Sprintf("item:%d", id) }

// Item returns one item or ENOTFOUND.
func (s *DB) Item(ctx context.Context, id int64) (review.Item, error) {
	it, err := scanItem(s.db.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return it, review.Errorf(review.ENOTFOUND, "no item %d", id)
	}
	return it, s.mapErr(fmt.Errorf("item %d", id), err)
}

// ItemByProduceID returns the item with a ProduceID, or ENOTFOUND.
func (s *DB) ItemByProduceID(ctx context.Context, produceID string) (review.Item, error) {
	it, err := scanItem(s.db.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE produce_id = ?`, produceID))
	if err == sql.ErrNoRows {
		return it, review.Errorf(review.ENOTFOUND, "no item with ProduceID %s", produceID)
	}
	return it, s.mapErr(fmt.Errorf("item %s", produceID), err)
}

// Claim gives actor the next waiting item of queue (highest priority, then
// oldest) under a lease, first returning lapsed claims to their queues. The
// item and its "item.claimed" event are written in one transaction, so two
// reviewers never get the same item. ENOTFOUND when the queue is empty.
func (s *DB) Claim(ctx context.Context, actor, queue string, lease time.Duration) (review.Item, error) {
	waiting := review.StateQueued
	if queue == review.QueueEscalation {
		waiting = review.StateEscalated
	} else if queue != review.QueueLive {
		return review.Item{}, review.Errorf(review.EINVALID, "unknown queue %q", queue)
	}
	var it review.Item
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if err := releaseLapsedTx(ctx, tx, now); err != nil {
			return err
		}
		var err error
		it, err = scanItem(tx.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items
			WHERE state = ? AND id NOT IN (`+skippedBy+`)
			ORDER BY priority DESC, received_at, id LIMIT 1`,
			string(waiting), actor, review.FormatTime(now.Add(-review.SkipMemory))))
		if err == sql.ErrNoRows {
			return review.Errorf(review.ENOTFOUND, "the %s queue is empty", queue)
		} else if err != nil {
			return err
		}
		next, err := review.Next(it.State, it.Queue, review.MoveClaim)
		if err != nil {
			return err
		}
		until := now.Add(lease)
		if _, err := tx.ExecContext(ctx, `UPDATE items SET state = ?, claimed_by = ?, lease_until = ?, updated_at = ? WHERE id = ?`,
			string(next), actor, review.FormatTime(until), review.FormatTime(now), it.ID); err != nil {
			return err
		}
		it.State, it.ClaimedBy, it.LeaseUntil = next, actor, until
		_, err = appendEvent(ctx, tx, now, actor, "item.claimed", itemSubject(it.ID),
			map[string]any{"queue": queue, "lease_until": review.FormatTime(until)})
		return err
	})
	return it, err
}

// skippedBy selects the items an actor skipped since a time (arguments:
// actor, since): a claim does not hand a reviewer back what they just
// skipped (review.SkipMemory). The partial index decisions_skips keeps it
// cheap.
const skippedBy = `SELECT item_id FROM decisions WHERE outcome = 'skip' AND actor = ? AND at > ? AND undone_at = ''`

// collectRows reads every row a query selects, each through scan, and
// closes the rows before it returns, so a caller in a transaction can then
// change what it read (a transaction holds one connection).
func collectRows[T any](ctx context.Context, q querier, scan func(row interface{ Scan(...any) error }) (T, error),
	query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// releaseLapsedTx returns items whose lease has run out to their queues.
func releaseLapsedTx(ctx context.Context, tx *sql.Tx, now time.Time) error {
	type lapsed struct {
		id      int64
		queue   string
		claimer string
	}
	list, err := collectRows(ctx, tx, func(row interface{ Scan(...any) error }) (l lapsed, err error) {
		err = row.Scan(&l.id, &l.queue, &l.claimer)
		return
	}, `SELECT id, queue, claimed_by FROM items WHERE state = 'in_review' AND lease_until < ?`, review.FormatTime(now))
	if err != nil {
		return err
	}
	for _, l := range list {
		back, err := review.Next(review.StateInReview, l.queue, review.MoveRelease)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET state = ?, claimed_by = '', lease_until = '', updated_at = ? WHERE id = ?`,
			string(back), review.FormatTime(now), l.id); err != nil {
			return err
		}
		if _, err := appendEvent(ctx, tx, now, "system", "item.lease_lapsed", itemSubject(l.id),
			map[string]any{"claimed_by": l.claimer}); err != nil {
			return err
		}
	}
	return nil
}

// Apply records a decision on an item that actor holds under a live lease,
// moving its state, in one transaction with its "item.decided" event.
func (s *DB) Apply(ctx context.Context, actor string, itemID int64, d review.Decision) (review.Item, error) {
	var it review.Item
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		it, err = applyTx(ctx, tx, now, actor, itemID, d, nil)
		return err
	})
	return it, err
}

// applyTx records d on the item actor holds (Apply, ApplyRelabelled): the
// state move, the decision row, its "item.decided" event, the labelled
// copy with its "item.relabelled" event when c is not nil, and the outbox
// entries.
func applyTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, itemID int64, d review.Decision, c *review.LabelledCopy) (review.Item, error) {
	it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = ?`, itemID))
	if err == sql.ErrNoRows {
		return it, review.Errorf(review.ENOTFOUND, "no item %d", itemID)
	} else if err != nil {
		return it, err
	}
	if it.State != review.StateInReview || it.ClaimedBy != actor || it.LeaseUntil.Before(now) {
		return it, review.Errorf(review.ECONFLICT, "item %s is not claimed by %s any more; claim it again", it.ProduceID, actor)
	}
	d.Actor = actor
	move := d.Outcome.Move()
	next, err := review.Next(it.State, it.Queue, move)
	if err != nil {
		return it, err
	}
	queue := review.QueueAfter(it.Queue, move)
	if _, err := tx.ExecContext(ctx, `UPDATE items SET state = ?, queue = ?, claimed_by = '', lease_until = '', updated_at = ? WHERE id = ?`,
		string(next), queue, review.FormatTime(now), it.ID); err != nil {
		return it, err
	}
	reasons, _ := json.Marshal(append([]string{}, d.Reasons...))
	res, err := tx.ExecContext(ctx, `INSERT INTO decisions (item_id, actor, outcome, reasons, note, sanction, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		it.ID, actor, string(d.Outcome), string(reasons), d.Note, string(d.Sanction), review.FormatTime(now))
	if err != nil {
		return it, err
	}
	decID, _ := res.LastInsertId()
	if _, err = appendEvent(ctx, tx, now, actor, "item.decided", itemSubject(it.ID), map[string]any{
		"decision": decID, "outcome": d.Outcome, "reasons": d.Reasons, "sanction": d.Sanction,
		"from": it.State, "to": next, "from_queue": it.Queue, "queue": queue, "note_sha256": sha256Hex(d.Note),
	}); err != nil {
		return it, err
	}
	if c != nil {
		if err := addCopyTx(ctx, tx, now, actor, it.ID, decID, *c); err != nil {
			return it, err
		}
	}
	// A senior's decision on an appealed item resolves the appeal (DSP Art. 12).
	if err := resolveAppealsTx(ctx, tx, now, actor, it, next, decID); err != nil {
		return it, err
	}
	it.State, it.Queue, it.ClaimedBy, it.LeaseUntil = next, queue, "", time.Time{}
	return it, queueOutboxTx(ctx, tx, now, it, decID, d, c)
}

// ScanReport returns the stored scan report (JSON) of an item.
func (s *DB) ScanReport(ctx context.Context, itemID int64) (string, error) {
	var r string
	err := s.db.QueryRowContext(ctx, `SELECT report FROM scan_reports WHERE item_id = ?`, itemID).Scan(&r)
	if err == sql.ErrNoRows {
		return "", review.Errorf(review.ENOTFOUND, "no scan report for item %d", itemID)
	}
	return r, s.mapErr(fmt.Errorf("scan report of item %d", itemID), err)
}
