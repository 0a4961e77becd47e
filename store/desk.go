package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"synthreview/review"
)

// This file is the store side of the review desk (issue 8): queue lists
// and counts, the evidence of one item, approve-and-relabel, undo and
// release.

var _ review.DeskStore = (*DB)(nil)

// querier is what read helpers need: the database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// waitingState is the state items wait in on queue q; EINVALID for an
// unknown queue.
func waitingState(q string) (review.State, error) {
	switch q {
	case review.QueueLive:
		return review.StateQueued, nil
	case review.QueueEscalation:
		return review.StateEscalated, nil
	}
	return "", review.Errorf(review.EINVALID, "unknown queue %q", q)
}

// QueueCounts returns, for the live and the escalation queue, how many
// items wait, how many are in review and when the oldest waiting item was
// received. The waiting figures come from one walk of the items_waiting
// index each. An item whose lease lapsed counts as in review until the
// next claim returns it to its queue.
func (s *DB) QueueCounts(ctx context.Context) ([]review.QueueCount, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("queue counts"), err)
	}
	defer tx.Rollback()
	var out []review.QueueCount
	for _, q := range []string{review.QueueLive, review.QueueEscalation} {
		waiting, err := waitingState(q)
		if err != nil {
			return nil, err
		}
		c := review.QueueCount{Queue: q}
		var oldest sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT count(*), min(received_at) FROM items WHERE state = ?`, string(waiting)).
			Scan(&c.Waiting, &oldest); err != nil {
			return nil, s.mapErr(fmt.Errorf("count the %s queue", q), err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE state = 'in_review' AND queue = ?`, q).
			Scan(&c.InReview); err != nil {
			return nil, s.mapErr(fmt.Errorf("count the %s queue", q), err)
		}
		c.Oldest = parseOpt(oldest.String)
		out = append(out, c)
	}
	return out, nil
}

// queueFilterSQL turns a filter's optional fields into conditions on items
// i (each starting with " AND ") and their arguments. An unknown category
// or severity is EINVALID. The rule filter reads the matching item ids off
// rule_hits once (fast over a whole queue); with few set (the items in
// review, a handful) it probes each item's hits instead. The severity
// filter reads the item's hit_rank, which the indexes carry.
func queueFilterSQL(f review.QueueFilter, few bool) (string, []any, error) {
	var b strings.Builder
	var args []any
	if f.Category != "" {
		if !f.Category.Valid() {
			return "", nil, review.Errorf(review.EINVALID, "unknown service category %q", f.Category)
		}
		b.WriteString(` AND i.category = ?`)
		args = append(args, string(f.Category))
	}
	if f.LabelState != "" {
		b.WriteString(` AND i.label_state = ?`)
		args = append(args, f.LabelState)
	}
	if f.RuleID != "" {
		if few {
			b.WriteString(` AND EXISTS (SELECT 1 FROM rule_hits h WHERE h.item_id = i.id AND h.rule_id = ?)`)
		} else {
			b.WriteString(` AND i.id IN (SELECT item_id FROM rule_hits WHERE rule_id = ?)`)
		}
		args = append(args, f.RuleID)
	}
	if f.Severity != "" {
		rank := review.SeverityRank(f.Severity)
		if rank == 0 {
			return "", nil, review.Errorf(review.EINVALID, "unknown severity %q (one of %s)", f.Severity, strings.Join(review.Severities, ", "))
		}
		b.WriteString(` AND i.hit_rank >= ?`)
		args = append(args, rank)
	}
	return b.String(), args, nil
}

// queueScope is the part of a queue list one query reads: the items in
// review of the queue, or those waiting in it.
type queueScope struct {
	where string
	args  []any
}

func queueScopes(f review.QueueFilter) (inReview, waiting queueScope, err error) {
	state, err := waitingState(f.Queue)
	if err != nil {
		return inReview, waiting, err
	}
	few, fewArgs, err := queueFilterSQL(f, true)
	if err != nil {
		return inReview, waiting, err
	}
	all, allArgs, err := queueFilterSQL(f, false)
	if err != nil {
		return inReview, waiting, err
	}
	inReview = queueScope{`i.state = 'in_review' AND i.queue = ?` + few, append([]any{f.Queue}, fewArgs...)}
	waiting = queueScope{`i.state = ?` + all, append([]any{string(state)}, allArgs...)}
	return inReview, waiting, nil
}

// QueuePage returns one page of a queue list: first the queue's items in
// review (claimed by someone, so a reviewer sees who holds what), then
// its waiting items; each part in claim order (priority, then oldest
// first, then id), so the first waiting row is the item the next claim
// gets. Offset counts over both parts; Limit is bounded to
// review.MaxPage (0 means MaxPage). An unknown queue, category or
// severity is EINVALID.
func (s *DB) QueuePage(ctx context.Context, f review.QueueFilter) ([]review.QueueRow, error) {
	inReview, waiting, err := queueScopes(f)
	if err != nil {
		return nil, err
	}
	limit, offset := f.Limit, max(f.Offset, 0)
	if limit <= 0 || limit > review.MaxPage {
		limit = review.MaxPage
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("%s queue", f.Queue), err)
	}
	defer tx.Rollback()
	held, err := countScope(ctx, tx, inReview)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("%s queue", f.Queue), err)
	}
	out := []review.QueueRow{}
	if offset < held {
		if out, err = queueRows(ctx, tx, inReview, limit, offset, out); err != nil {
			return nil, s.mapErr(fmt.Errorf("%s queue", f.Queue), err)
		}
	}
	if len(out) < limit {
		if out, err = queueRows(ctx, tx, waiting, limit-len(out), max(offset-held, 0), out); err != nil {
			return nil, s.mapErr(fmt.Errorf("%s queue", f.Queue), err)
		}
	}
	return out, nil
}

// QueueTotal returns how many rows the filter selects over all pages (the
// queue's items in review and its waiting items). EINVALID like QueuePage.
func (s *DB) QueueTotal(ctx context.Context, f review.QueueFilter) (int, error) {
	inReview, waiting, err := queueScopes(f)
	if err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, s.mapErr(fmt.Errorf("%s queue", f.Queue), err)
	}
	defer tx.Rollback()
	total := 0
	for _, sc := range []queueScope{inReview, waiting} {
		n, err := countScope(ctx, tx, sc)
		if err != nil {
			return 0, s.mapErr(fmt.Errorf("%s queue", f.Queue), err)
		}
		total += n
	}
	return total, nil
}

func countScope(ctx context.Context, q querier, sc queueScope) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM items i WHERE `+sc.where, sc.args...).Scan(&n)
	return n, err
}

// queueRows appends one part of a page to out: first the ids in claim
// order (read off a covering index, so skipping to a deep offset reads
// no table rows; or sorted, should the planner drive a rule filter from
// rule_hits), then the rows of just those ids.
func queueRows(ctx context.Context, q querier, sc queueScope, limit, offset int, out []review.QueueRow) ([]review.QueueRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.id FROM items i WHERE `+sc.where+`
		ORDER BY i.priority DESC, i.received_at, i.id LIMIT ? OFFSET ?`, append(append([]any{}, sc.args...), limit, offset)...)
	if err != nil {
		return out, err
	}
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return out, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return out, err
	}
	rows, err = q.QueryContext(ctx, `SELECT i.id, i.produce_id, i.category, i.service, i.state, i.label_state, i.verdict,
		i.received_at, i.claimed_by, i.priority, i.hit_count, i.hit_rank FROM items i WHERE i.id IN (?`+strings.Repeat(`, ?`, len(ids)-1)+`)`, ids...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	byID := make(map[int64]review.QueueRow, len(ids))
	for rows.Next() {
		var r review.QueueRow
		var cat, state, received string
		var rank int
		if err := rows.Scan(&r.ID, &r.ProduceID, &cat, &r.Service, &state, &r.LabelState, &r.Verdict, &received,
			&r.ClaimedBy, &r.Priority, &r.Hits, &rank); err != nil {
			return out, err
		}
		r.Category, r.State, r.ReceivedAt = review.Category(cat), review.State(state), parseOpt(received)
		if rank > 0 && rank <= len(review.Severities) {
			r.Severity = review.Severities[rank-1]
		}
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	for _, id := range ids {
		out = append(out, byID[id.(int64)])
	}
	return out, nil
}

// claimCandidate is an item Claim might hand out, with its sort keys.
type claimCandidate struct {
	id       int64
	priority int
	received string
}

// before reports whether Claim takes c before d (priority DESC,
// received_at, id).
func (c claimCandidate) before(d claimCandidate) bool {
	if c.priority != d.priority {
		return c.priority > d.priority
	}
	if c.received != d.received {
		return c.received < d.received
	}
	return c.id < d.id
}

// NextWaiting returns the id of the item Claim on queue would hand out now
// (counting items whose lease lapsed, which Claim first returns), other
// than skip, without claiming it. ENOTFOUND when there is none; EINVALID
// for an unknown queue.
func (s *DB) NextWaiting(ctx context.Context, actor, queue string, skip int64) (int64, error) {
	state, err := waitingState(queue)
	if err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, s.mapErr(fmt.Errorf("%s queue", queue), err)
	}
	defer tx.Rollback()
	var best *claimCandidate
	since := review.FormatTime(s.Now().Add(-review.SkipMemory))
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SELECT id, priority, received_at FROM items WHERE state = ? AND id <> ? AND id NOT IN (` + skippedBy + `)
			ORDER BY priority DESC, received_at, id LIMIT 1`, []any{string(state), skip, actor, since}},
		{`SELECT id, priority, received_at FROM items WHERE state = 'in_review' AND queue = ? AND lease_until < ? AND id <> ?
			ORDER BY priority DESC, received_at, id LIMIT 1`, []any{queue, review.FormatTime(s.Now()), skip}},
	} {
		var c claimCandidate
		err := tx.QueryRowContext(ctx, q.sql, q.args...).Scan(&c.id, &c.priority, &c.received)
		if err == sql.ErrNoRows {
			continue
		} else if err != nil {
			return 0, s.mapErr(fmt.Errorf("%s queue", queue), err)
		}
		if best == nil || c.before(*best) {
			best = &c
		}
	}
	if best == nil {
		return 0, review.Errorf(review.ENOTFOUND, "the %s queue is empty", queue)
	}
	return best.id, nil
}

// Evidence returns everything the evidence view shows of an item, read
// in one transaction: the item, its scan report, rule hits, sidecar, the
// service's registry record and its user's real-name record (nil when
// none), the consents it relied on (Record nil when the registry has
// none), its decisions, labelled copies and events. ENOTFOUND for an
// unknown item.
func (s *DB) Evidence(ctx context.Context, id int64) (review.Evidence, error) {
	var ev review.Evidence
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return ev, s.mapErr(fmt.Errorf("evidence of item %d", id), err)
	}
	defer tx.Rollback()
	ev.Item, err = scanItem(tx.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return ev, review.Errorf(review.ENOTFOUND, "no item %d", id)
	} else if err != nil {
		return ev, s.mapErr(fmt.Errorf("item %d", id), err)
	}
	steps := []struct {
		what string
		fn   func() error
	}{
		{"sidecar", func() error {
			return tx.QueryRowContext(ctx, `SELECT i.sidecar, coalesce(r.report, '') FROM items i
				LEFT JOIN scan_reports r ON r.item_id = i.id WHERE i.id = ?`, id).Scan(&ev.Sidecar, &ev.Scan)
		}},
		{"rule hits", func() (err error) { ev.RuleHits, err = ruleHitsOf(ctx, tx, id); return err }},
		{"service", func() (err error) { ev.Service, err = serviceOf(ctx, tx, ev.Item.Service); return err }},
		{"real-name record", func() (err error) { ev.RealName, err = realNameOf(ctx, tx, ev.Item.UserID); return err }},
		{"consents", func() (err error) { ev.Consents, err = consentLinksOf(ctx, tx, id); return err }},
		{"decisions", func() (err error) { ev.Decisions, err = decisionsOf(ctx, tx, id); return err }},
		{"labelled copies", func() (err error) { ev.Copies, err = copiesOf(ctx, tx, id); return err }},
		{"events", func() (err error) { ev.Events, err = eventsOf(ctx, tx, itemSubject(id)); return err }},
		{"complaints", func() (err error) { ev.Complaints, err = itemComplaintsOf(ctx, tx, id); return err }},
	}
	for _, st := range steps {
		if err := st.fn(); err != nil {
			return ev, s.mapErr(fmt.Errorf("%s of item %d", st.what, id), err)
		}
	}
	return ev, nil
}

func ruleHitsOf(ctx context.Context, q querier, id int64) ([]review.RuleHit, error) {
	rows, err := q.QueryContext(ctx, `SELECT rule_id, rule_version, severity, evidence FROM rule_hits WHERE item_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []review.RuleHit
	for rows.Next() {
		var h review.RuleHit
		if err := rows.Scan(&h.RuleID, &h.RuleVersion, &h.Severity, &h.Evidence); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func serviceOf(ctx context.Context, q querier, name string) (*review.Service, error) {
	if name == "" {
		return nil, nil
	}
	var sv review.Service
	var cat string
	err := q.QueryRowContext(ctx, `SELECT name, category, algorithm_filing, model FROM services WHERE name = ?`, name).
		Scan(&sv.Name, &cat, &sv.Filing, &sv.Model)
	if err == sql.ErrNoRows {
		return nil, nil // not imported: the view says the registry has no record
	} else if err != nil {
		return nil, err
	}
	sv.Category = review.Category(cat)
	return &sv, nil
}

func realNameOf(ctx context.Context, q querier, userID string) (*review.RealName, error) {
	if userID == "" {
		return nil, nil
	}
	var r review.RealName
	var at string
	err := q.QueryRowContext(ctx, `SELECT user_id, method, result, verified_at, masked_id, id_hash FROM real_names WHERE user_id = ?`, userID).
		Scan(&r.UserID, &r.Method, &r.Result, &at, &r.MaskedID, &r.IDHash)
	if err == sql.ErrNoRows {
		return nil, nil // no verification on record
	} else if err != nil {
		return nil, err
	}
	r.VerifiedAt = parseOpt(at)
	return &r, nil
}

func consentLinksOf(ctx context.Context, q querier, id int64) ([]review.ConsentLink, error) {
	rows, err := q.QueryContext(ctx, `SELECT ic.consent_id, c.id IS NOT NULL, coalesce(c.subject_id, ''), coalesce(c.subject_name, ''),
		coalesce(c.scope, ''), coalesce(c.notice_version, ''), coalesce(c.channel, ''), coalesce(c.granted_at, ''),
		coalesce(c.expires_at, ''), coalesce(c.evidence_sha256, ''), coalesce(c.withdrawn_at, '')
		FROM item_consents ic LEFT JOIN consents c ON c.id = ic.consent_id WHERE ic.item_id = ? ORDER BY ic.consent_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []review.ConsentLink
	for rows.Next() {
		var l review.ConsentLink
		var found bool
		var c review.Consent
		var granted, expires, withdrawn string
		if err := rows.Scan(&l.ID, &found, &c.SubjectID, &c.SubjectName, &c.Scope, &c.NoticeVersion, &c.Channel,
			&granted, &expires, &c.EvidenceSHA256, &withdrawn); err != nil {
			return nil, err
		}
		if found {
			c.ID = l.ID
			c.GrantedAt, c.ExpiresAt, c.WithdrawnAt = parseOpt(granted), parseOpt(expires), parseOpt(withdrawn)
			l.Record = &c
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func decisionsOf(ctx context.Context, q querier, id int64) ([]review.Decision, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, item_id, actor, outcome, reasons, note, sanction, at, undone_at
		FROM decisions WHERE item_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []review.Decision
	for rows.Next() {
		var d review.Decision
		var outcome, reasons, sanction, at, undone string
		if err := rows.Scan(&d.ID, &d.ItemID, &d.Actor, &outcome, &reasons, &d.Note, &sanction, &at, &undone); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(reasons), &d.Reasons); err != nil {
			return nil, fmt.Errorf("decision %d: reasons: %w", d.ID, err)
		}
		d.Outcome, d.Sanction, d.At, d.UndoneAt = review.Outcome(outcome), review.Sanction(sanction), parseOpt(at), parseOpt(undone)
		out = append(out, d)
	}
	return out, rows.Err()
}

func copiesOf(ctx context.Context, q querier, id int64) ([]review.LabelledCopy, error) {
	rows, err := q.QueryContext(ctx, `SELECT sha256, size, format, marks, decision_id, at FROM labelled_copies
		WHERE item_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []review.LabelledCopy
	for rows.Next() {
		var c review.LabelledCopy
		var marks, at string
		if err := rows.Scan(&c.SHA256, &c.Size, &c.Format, &marks, &c.DecisionID, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(marks), &c.Marks); err != nil {
			return nil, fmt.Errorf("labelled copy %s: marks: %w", c.SHA256, err)
		}
		c.At = parseOpt(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

func eventsOf(ctx context.Context, q querier, subject string) ([]review.Event, error) {
	return queryEvents(ctx, q, `WHERE subject = ? ORDER BY seq`, subject)
}

var (
	markName   = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)
	formatName = regexp.MustCompile(`^[a-z0-9]{1,8}$`)
)

// validateCopy checks a labelled copy before it is recorded.
func validateCopy(c review.LabelledCopy) error {
	if b, err := hex.DecodeString(c.SHA256); err != nil || len(b) != 32 || strings.ToLower(c.SHA256) != c.SHA256 {
		return review.Errorf(review.EINVALID, "labelled copy: %q is not a SHA-256 in lower-case hex", c.SHA256)
	}
	if c.Size <= 0 {
		return review.Errorf(review.EINVALID, "labelled copy %s: size must be positive", c.SHA256)
	}
	if !formatName.MatchString(c.Format) || c.Format == "unknown" {
		return review.Errorf(review.EINVALID, "labelled copy %s: unknown format %q", c.SHA256, c.Format)
	}
	for _, m := range c.Marks {
		if !markName.MatchString(m) {
			return review.Errorf(review.EINVALID, "labelled copy %s: bad mark name %q", c.SHA256, m)
		}
	}
	return nil
}

// ApplyRelabelled records an approve-and-relabel decision on an item
// actor holds, like Apply, with the labelled copy c (already stored in
// objects/): the copy's row, an "item.relabelled" event, and besides the
// decision's outbox entry a "labelled_copy" entry whose file the outbox
// writer copies beside it. All in one transaction. EINVALID for another
// outcome or a malformed copy; ECONFLICT when actor does not hold the item.
func (s *DB) ApplyRelabelled(ctx context.Context, actor string, itemID int64, d review.Decision, c review.LabelledCopy) (review.Item, error) {
	if d.Outcome != review.OutcomeApproveRelabel {
		return review.Item{}, review.Errorf(review.EINVALID, "a labelled copy goes only with %s, not %s", review.OutcomeApproveRelabel, d.Outcome)
	}
	if err := validateCopy(c); err != nil {
		return review.Item{}, err
	}
	var it review.Item
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		it, err = applyTx(ctx, tx, now, actor, itemID, d, &c)
		return err
	})
	return it, err
}

// addCopyTx records a labelled copy of item made for decision decID, with
// its "item.relabelled" event.
func addCopyTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, itemID, decID int64, c review.LabelledCopy) error {
	marks, err := json.Marshal(append([]string{}, c.Marks...))
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO labelled_copies (item_id, decision_id, sha256, size, format, marks, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, itemID, decID, c.SHA256, c.Size, c.Format, string(marks), review.FormatTime(now)); err != nil {
		return err
	}
	_, err = appendEvent(ctx, tx, now, actor, "item.relabelled", itemSubject(itemID), map[string]any{
		"decision": decID, "labelled_sha256": c.SHA256, "labelled_size": c.Size, "labelled_format": c.Format,
		"marks": append([]string{}, c.Marks...)})
	return err
}

// decidedPayload is what UndoDecision reads back from "item.decided".
type decidedPayload struct {
	From      review.State `json:"from"`
	To        review.State `json:"to"`
	FromQueue string       `json:"from_queue"`
	Queue     string       `json:"queue"`
}

// UndoDecision takes back decision decisionID for actor: only its own
// actor may, only while it is the item's latest decision, not undone yet,
// younger than window by the store's clock, and while the item has not
// moved since (still in the state the decision left it in, no event of
// the item after the decision's). The decision row stays, marked undone;
// the item returns to actor in review under a fresh lease of
// review.DefaultLease, in the queue it was claimed from; the
// "item.decision_undone" event names the outbox entries cancelled and
// revoked and the labelled copies, which stay in objects/. Outbox entries
// not written yet are cancelled; those written are followed by a "revoke"
// entry each. ENOTFOUND for an unknown decision, ECONFLICT otherwise.
func (s *DB) UndoDecision(ctx context.Context, actor string, decisionID int64, window time.Duration) (review.Item, error) {
	var it review.Item
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		var p decidedPayload
		it, p, err = checkUndoTx(ctx, tx, now, actor, decisionID, window)
		if err != nil {
			return err
		}
		if err := undoTx(ctx, tx, now, actor, decisionID, it, p); err != nil {
			return err
		}
		it.State, it.Queue, it.ClaimedBy, it.LeaseUntil = review.StateInReview, p.FromQueue, actor, now.Add(review.DefaultLease)
		return nil
	})
	if err != nil {
		return review.Item{}, err
	}
	return it, nil
}

// checkUndoTx applies UndoDecision's conditions and returns the item and
// what its decision did.
func checkUndoTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, decisionID int64, window time.Duration) (it review.Item, p decidedPayload, err error) {
	var itemID, latest int64
	var by, at, undone string
	err = tx.QueryRowContext(ctx, `SELECT item_id, actor, at, undone_at,
		(SELECT max(id) FROM decisions l WHERE l.item_id = d.item_id) FROM decisions d WHERE id = ?`, decisionID).
		Scan(&itemID, &by, &at, &undone, &latest)
	if err == sql.ErrNoRows {
		return review.Item{}, p, review.Errorf(review.ENOTFOUND, "no decision %d", decisionID)
	} else if err != nil {
		return review.Item{}, p, err
	}
	it, err = scanItem(tx.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = ?`, itemID))
	if err != nil {
		return it, p, err
	}
	switch {
	case by != actor:
		return it, p, review.Errorf(review.ECONFLICT, "the decision on %s was made by %s; only they can undo it", it.ProduceID, by)
	case undone != "":
		return it, p, review.Errorf(review.ECONFLICT, "the decision on %s was undone already", it.ProduceID)
	case latest != decisionID:
		return it, p, review.Errorf(review.ECONFLICT, "the decision on %s is no longer its latest; it cannot be undone", it.ProduceID)
	case now.Sub(parseOpt(at)) >= window:
		return it, p, review.Errorf(review.ECONFLICT, "the decision on %s was made more than %s ago; it can no longer be undone", it.ProduceID, window)
	}
	p, err = unmovedSinceTx(ctx, tx, it, decisionID)
	return it, p, err
}

// unmovedSinceTx reads what decision decisionID did to it from its
// "item.decided" event, and returns ECONFLICT when the item has moved
// since: another state or queue, or any later event of the item but the
// decision's own "item.relabelled".
func unmovedSinceTx(ctx context.Context, tx *sql.Tx, it review.Item, decisionID int64) (decidedPayload, error) {
	var p decidedPayload
	var seq int64
	var payload string
	err := tx.QueryRowContext(ctx, `SELECT seq, payload FROM events WHERE subject = ? AND kind = 'item.decided'
		AND json_extract(payload, '$.decision') = ? ORDER BY seq DESC LIMIT 1`, itemSubject(it.ID), decisionID).Scan(&seq, &payload)
	if err != nil {
		return p, fmt.Errorf("the event of decision %d: %w", decisionID, err)
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return p, fmt.Errorf("the event of decision %d: %w", decisionID, err)
	}
	var later int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE subject = ? AND seq > ? AND kind <> 'item.relabelled'`,
		itemSubject(it.ID), seq).Scan(&later); err != nil {
		return p, err
	}
	if it.State != p.To || it.Queue != p.Queue || later > 0 {
		return p, review.Errorf(review.ECONFLICT, "%s has moved since the decision (it is %s now); it cannot be undone", it.ProduceID, it.State)
	}
	if p.FromQueue == "" {
		// Decided before "from_queue" was recorded: the queue it was
		// claimed from.
		err := tx.QueryRowContext(ctx, `SELECT coalesce(json_extract(payload, '$.queue'), '') FROM events
			WHERE subject = ? AND kind = 'item.claimed' AND seq < ? ORDER BY seq DESC LIMIT 1`, itemSubject(it.ID), seq).Scan(&p.FromQueue)
		if err != nil && err != sql.ErrNoRows {
			return p, err
		}
	}
	if p.FromQueue != review.QueueLive && p.FromQueue != review.QueueEscalation {
		p.FromQueue = it.Queue
	}
	return p, nil
}

// undoTx carries out a checked undo (see UndoDecision).
func undoTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, decisionID int64, it review.Item, p decidedPayload) error {
	until := now.Add(review.DefaultLease)
	if _, err := tx.ExecContext(ctx, `UPDATE decisions SET undone_at = ? WHERE id = ?`, review.FormatTime(now), decisionID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET state = 'in_review', queue = ?, claimed_by = ?, lease_until = ?, updated_at = ?
		WHERE id = ?`, p.FromQueue, actor, review.FormatTime(until), review.FormatTime(now), it.ID); err != nil {
		return err
	}
	cancel, revoke, err := decisionOutboxTx(ctx, tx, decisionID)
	if err != nil {
		return err
	}
	copies, err := copiesOf(ctx, tx, it.ID)
	if err != nil {
		return err
	}
	kept := []string{}
	for _, c := range copies {
		if c.DecisionID == decisionID {
			kept = append(kept, c.SHA256)
		}
	}
	if _, err := appendEvent(ctx, tx, now, actor, "item.decision_undone", itemSubject(it.ID), map[string]any{
		"decision": decisionID, "from": it.State, "to": review.StateInReview, "queue": p.FromQueue,
		"lease_until": review.FormatTime(until), "cancelled_outbox": cancel, "revoked_outbox": revoke,
		"labelled_copies_kept": kept,
	}); err != nil {
		return err
	}
	for _, id := range cancel {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET cancelled_at = ? WHERE id = ?`, review.FormatTime(now), id); err != nil {
			return err
		}
		if _, err := appendEvent(ctx, tx, now, actor, "outbox.cancelled", fmt.Sprintf("outbox:%d", id),
			map[string]any{"decision": decisionID, "reason": "decision undone"}); err != nil {
			return err
		}
	}
	for _, id := range revoke {
		if _, err := revokeOutboxTx(ctx, tx, now, actor, id); err != nil {
			return err
		}
	}
	return nil
}

// decisionOutboxTx splits a decision's live outbox entries into those
// not written yet (to cancel) and those written (to revoke).
func decisionOutboxTx(ctx context.Context, tx *sql.Tx, decisionID int64) (cancel, revoke []int64, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, written_at FROM outbox WHERE decision_id = ? AND cancelled_at = '' ORDER BY id`, decisionID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cancel, revoke = []int64{}, []int64{}
	for rows.Next() {
		var id int64
		var written string
		if err := rows.Scan(&id, &written); err != nil {
			return nil, nil, err
		}
		if written == "" {
			cancel = append(cancel, id)
		} else {
			revoke = append(revoke, id)
		}
	}
	return cancel, revoke, rows.Err()
}

// Release returns an item actor holds to its queue without a decision
// (sign-out, lock, closing the window), with its "item.released" event.
// ENOTFOUND for an unknown item; ECONFLICT when actor does not hold it.
func (s *DB) Release(ctx context.Context, actor string, itemID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = ?`, itemID))
		if err == sql.ErrNoRows {
			return review.Errorf(review.ENOTFOUND, "no item %d", itemID)
		} else if err != nil {
			return err
		}
		if it.State != review.StateInReview || it.ClaimedBy != actor {
			return review.Errorf(review.ECONFLICT, "%s is not held by %s; there is nothing to release", it.ProduceID, actor)
		}
		back, err := review.Next(it.State, it.Queue, review.MoveRelease)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET state = ?, claimed_by = '', lease_until = '', updated_at = ? WHERE id = ?`,
			string(back), review.FormatTime(now), it.ID); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, "item.released", itemSubject(it.ID),
			map[string]any{"queue": it.Queue, "from": it.State, "to": back})
		return err
	})
}

// IntakeErrors lists the open intake errors, oldest first, for the
// admin's list (OpenIntakeErrors in the review's words).
func (s *DB) IntakeErrors(ctx context.Context) ([]review.IntakeError, error) {
	list, err := s.OpenIntakeErrors(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]review.IntakeError, 0, len(list))
	for _, e := range list {
		out = append(out, review.IntakeError{ID: e.ID, Path: e.Name, Reason: e.Reason, At: e.At})
	}
	return out, nil
}
