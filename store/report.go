package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"synthreview/review"
)

// This file reads what a signed audit package shows (issue 10): the items
// in a period with their evidence, the period's figures, the complaint and
// consent registers, and the events with the signed checkpoints that let a
// reader check the chain. Everything is read in one read transaction, so
// the package is one consistent picture of the workspace at its chain head.

// AuditQuery selects an audit package's data.
type AuditQuery struct {
	// From and To are the period as instants: From included, To excluded
	// (the caller turns "both days included, in the workspace's time zone"
	// into these).
	From, To time.Time
	// AsOf is when unanswered complaints are judged against their time
	// limit (normally the export's time).
	AsOf time.Time
	// Pick chooses the items whose evidence is read, from every item in
	// scope (ascending id), and returns their ids. It runs inside the read,
	// after the head is read, so a sample can be seeded by the head. Nil
	// picks every item.
	Pick func(head review.Event, scope []AuditFile) []int64
	// Progress, if set, is told how many picked items have been read.
	Progress func(done, total int)
}

// AuditData is what AuditData reads: the raw records, personal fields
// included (the caller masks them before they leave the program).
type AuditData struct {
	// Head is the last event when the read began: every record read is
	// the state of the workspace at this event.
	Head     review.Event
	Provider review.Provider // empty before a provider import
	Services []review.Service
	// Scope lists every item in scope (received or decided in the
	// period), ascending id, with the hashes of its files.
	Scope []AuditFile
	// Items are the picked items with their evidence, ascending id.
	Items   []AuditItem
	Summary AuditSummary
	// Complaints are the complaints and appeals received in the period.
	Complaints []AuditComplaint
	// Consents are the consent records granted before the period's end,
	// by id.
	Consents []review.Consent
	// Events run from the period's first event to its last one (by at),
	// every event between included, so their hashes chain; After runs from
	// the one after that up to Head.
	Events, After []review.Event
	// Checkpoints are the audit.checkpoint events up to Head.
	Checkpoints []review.Event
}

// AuditFile is one item in scope and the SHA-256 of its files.
type AuditFile struct {
	ItemID       int64
	ProduceID    string
	ObjectSHA256 string
	Labelled     []string // labelled copies, oldest first
	State        review.State
}

// AuditItem is one item's evidence.
type AuditItem struct {
	Item      review.Item
	Scan      string // the scan report, as `scan --json` prints it
	RuleHits  []review.RuleHit
	Decisions []review.Decision // every decision, undone ones included
	Copies    []review.LabelledCopy
}

// AuditComplaint is a complaint with the time it was answered (zero while
// it is not).
type AuditComplaint struct {
	review.Complaint
	// AnsweredAt is the time of the complaint's first event that answers
	// or closes it: a "complaint.answered", "complaint.replied" or
	// "complaint.closed" event, or an event whose payload status is
	// answered or closed (a complaint recorded already answered).
	AnsweredAt time.Time
}

// AuditSummary holds the period's figures.
type AuditSummary struct {
	// ItemsByCategory counts the items in scope by service category.
	ItemsByCategory map[review.Category]int
	// DecisionsByOutcome and DecisionsByReason count the decisions taken
	// in the period that still stand (an undone decision is not counted);
	// a decision citing two reasons counts once for each.
	DecisionsByOutcome map[review.Outcome]int
	DecisionsByReason  map[string]int
	// Routed and Cleared split the items received in the period by where
	// intake's rules sent them: to people (a queue), or cleared by the
	// machine (the state recorded in their "item.received" event, or an
	// "item.cleared" event; items without that event count by their
	// present state).
	Routed, Cleared int
	Labels          AuditLabels
	RuleHits        []AuditRuleCount
	Complaints      AuditComplaintCounts
	// ConsentsByState counts the consent records granted before the
	// period's end by their state at the end: valid, expired or withdrawn.
	ConsentsByState map[string]int
}

// AuditLabels counts marks over the items in scope.
type AuditLabels struct {
	Total int
	// Implicit counts items whose scan found a conforming implicit label.
	Implicit int
	// ExplicitRequired counts items whose category needs a visible label
	// (review.Category.NeedsExplicitLabel); Explicit those of them where
	// the scan found one: text at the start or end of a text output, or a
	// visible label at least 5 % of the shorter side high.
	ExplicitRequired, Explicit int
	// Watermark counts items whose scan detected the watermark.
	Watermark int
}

// AuditRuleCount is how often one rule of one rule-set version fired on
// the items in scope.
type AuditRuleCount struct {
	RuleID, Version, Severity string
	Hits                      int
}

// AuditComplaintCounts sorts the complaints received in the period into
// four disjoint groups against their time limit (DSP Art. 12): answered
// in time, answered late, unanswered but not yet due at AsOf (Open), and
// unanswered past their due time at AsOf (Overdue). Received is their
// sum.
type AuditComplaintCounts struct {
	Received, OnTime, Late, Open, Overdue int
}

// Consent states at a period's end.
const (
	ConsentValid     = "valid"
	ConsentExpired   = "expired"
	ConsentWithdrawn = "withdrawn"
)

// auditExplicitMinRatio is GB 45438 §5.2's minimum text height, as a share of
// the shorter side.
const auditExplicitMinRatio = 0.05

// auditScope selects the items in scope: received in the period, or with
// a decision taken in it (arguments: from, to).
const auditScope = `SELECT id FROM items WHERE received_at >= ?1 AND received_at < ?2
	UNION SELECT item_id FROM decisions WHERE at >= ?1 AND at < ?2`

// AuditData reads an audit package's data in one read transaction. It
// returns EINVALID when the period is empty or reversed.
func (s *DB) AuditData(ctx context.Context, q AuditQuery) (AuditData, error) {
	var d AuditData
	if !q.From.Before(q.To) {
		return d, review.Errorf(review.EINVALID, "the period must end after it begins")
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return d, s.mapErr(fmt.Errorf("audit data of %s", s.path), err)
	}
	defer tx.Rollback()
	from, to := review.FormatTime(q.From), review.FormatTime(q.To)
	steps := []struct {
		what string
		fn   func() error
	}{
		{"chain head", func() (err error) { d.Head, err = auditHeadTx(ctx, tx); return err }},
		{"provider", func() (err error) { d.Provider, d.Services, err = auditRegistry(ctx, tx); return err }},
		{"items in scope", func() (err error) { d.Scope, err = auditScopeOf(ctx, tx, from, to); return err }},
		{"evidence", func() error { return d.readItems(ctx, tx, q) }},
		{"summary", func() (err error) { d.Summary, err = auditSummaryOf(ctx, tx, from, to); return err }},
		{"complaints", func() (err error) {
			d.Complaints, d.Summary.Complaints, err = auditComplaintsOf(ctx, tx, from, to, q.AsOf)
			return err
		}},
		{"consents", func() (err error) {
			d.Consents, d.Summary.ConsentsByState, err = auditConsentsAt(ctx, tx, q.To)
			return err
		}},
		{"events", func() (err error) {
			d.Events, d.After, err = auditPeriodEvents(ctx, tx, from, to, d.Head.Seq)
			return err
		}},
		{"checkpoints", func() (err error) {
			d.Checkpoints, err = queryEvents(ctx, tx, `WHERE kind = 'audit.checkpoint' AND seq <= ? ORDER BY seq`, d.Head.Seq)
			return err
		}},
	}
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return d, err
		}
		if err := st.fn(); err != nil {
			return d, s.mapErr(fmt.Errorf("audit package: %s", st.what), err)
		}
	}
	return d, nil
}

// auditHeadTx reads the last event (the genesis hash at seq 0 when the log is
// empty).
func auditHeadTx(ctx context.Context, q querier) (review.Event, error) {
	evs, err := queryEvents(ctx, q, `ORDER BY seq DESC LIMIT 1`)
	if err != nil || len(evs) == 0 {
		return review.Event{Hash: review.GenesisHash}, err
	}
	return evs[0], nil
}

// auditRegistry reads the provider profile (empty before an import) and the
// services.
func auditRegistry(ctx context.Context, q querier) (review.Provider, []review.Service, error) {
	var p review.Provider
	err := q.QueryRowContext(ctx, `SELECT name, uscc FROM provider WHERE id = 1`).Scan(&p.Name, &p.USCC)
	if err != nil && err != sql.ErrNoRows {
		return p, nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT code, service, note FROM producer_codes ORDER BY code`)
	if err != nil {
		return p, nil, err
	}
	for rows.Next() {
		var c review.ProducerCode
		if err := rows.Scan(&c.Code, &c.Service, &c.Note); err != nil {
			rows.Close()
			return p, nil, err
		}
		p.ProducerCodes = append(p.ProducerCodes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT name, category, algorithm_filing, model FROM services ORDER BY name`)
	if err != nil {
		return p, nil, err
	}
	defer rows.Close()
	var svcs []review.Service
	for rows.Next() {
		var sv review.Service
		var cat string
		if err := rows.Scan(&sv.Name, &cat, &sv.Filing, &sv.Model); err != nil {
			return p, nil, err
		}
		sv.Category = review.Category(cat)
		svcs = append(svcs, sv)
	}
	return p, svcs, rows.Err()
}

// auditScopeOf lists the items in scope with their files' hashes.
func auditScopeOf(ctx context.Context, q querier, from, to string) ([]AuditFile, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.id, i.produce_id, i.object_sha256, i.state, coalesce(c.sha256, '')
		FROM items i LEFT JOIN labelled_copies c ON c.item_id = i.id
		WHERE i.id IN (`+auditScope+`) ORDER BY i.id, c.id`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditFile
	for rows.Next() {
		var f AuditFile
		var state, copySum string
		if err := rows.Scan(&f.ItemID, &f.ProduceID, &f.ObjectSHA256, &state, &copySum); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].ItemID == f.ItemID {
			out[n-1].Labelled = append(out[n-1].Labelled, copySum)
			continue
		}
		f.State = review.State(state)
		if copySum != "" {
			f.Labelled = []string{copySum}
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// readItems reads the evidence of the picked items.
func (d *AuditData) readItems(ctx context.Context, tx *sql.Tx, q AuditQuery) error {
	var ids []int64
	if q.Pick != nil {
		ids = q.Pick(d.Head, d.Scope)
	} else {
		ids = make([]int64, len(d.Scope))
		for i, f := range d.Scope {
			ids[i] = f.ItemID
		}
	}
	ids = append([]int64(nil), ids...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	d.Items = make([]AuditItem, 0, len(ids))
	for i, id := range ids {
		if i > 0 && id == ids[i-1] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		it, err := auditItemOf(ctx, tx, id)
		if err != nil {
			return fmt.Errorf("item %d: %w", id, err)
		}
		d.Items = append(d.Items, it)
		if q.Progress != nil {
			q.Progress(i+1, len(ids))
		}
	}
	return nil
}

func auditItemOf(ctx context.Context, q querier, id int64) (AuditItem, error) {
	var a AuditItem
	var err error
	a.Item, err = scanItem(q.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return a, review.Errorf(review.ENOTFOUND, "no item %d", id)
	} else if err != nil {
		return a, err
	}
	err = q.QueryRowContext(ctx, `SELECT report FROM scan_reports WHERE item_id = ?`, id).Scan(&a.Scan)
	if err != nil && err != sql.ErrNoRows {
		return a, err
	}
	if a.RuleHits, err = ruleHitsOf(ctx, q, id); err != nil {
		return a, err
	}
	if a.Decisions, err = decisionsOf(ctx, q, id); err != nil {
		return a, err
	}
	a.Copies, err = copiesOf(ctx, q, id)
	return a, err
}

// auditSummaryOf counts the period's items, decisions, routing, labels and
// rule hits. Complaints and consents are counted with their registers.
func auditSummaryOf(ctx context.Context, q querier, from, to string) (AuditSummary, error) {
	sm := AuditSummary{
		ItemsByCategory:    map[review.Category]int{},
		DecisionsByOutcome: map[review.Outcome]int{},
		DecisionsByReason:  map[string]int{},
	}
	for _, fn := range []func() error{
		func() error { return auditLabelCounts(ctx, q, from, to, &sm) },
		func() error { return auditDecisionCounts(ctx, q, from, to, &sm) },
		func() error { return auditRoutingCounts(ctx, q, from, to, &sm) },
		func() (err error) { sm.RuleHits, err = auditRuleCounts(ctx, q, from, to); return err },
	} {
		if err := fn(); err != nil {
			return sm, err
		}
	}
	return sm, nil
}

// auditLabelCounts counts the items in scope by category with their marks.
// A scan report that is not valid JSON counts as finding no mark.
func auditLabelCounts(ctx context.Context, q querier, from, to string, sm *AuditSummary) error {
	rows, err := q.QueryContext(ctx, `SELECT i.category, count(*), coalesce(sum(i.verdict = 'conforming'), 0),
		coalesce(sum(CASE WHEN json_valid(r.report) THEN EXISTS (SELECT 1 FROM json_each(r.report, '$.explicit') x
			WHERE json_type(x.value) = 'object' AND (json_extract(x.value, '$.source') LIKE 'text:%'
				OR json_extract(x.value, '$.height_ratio') >= ?3)) ELSE 0 END), 0),
		coalesce(sum(CASE WHEN json_valid(r.report) THEN json_extract(r.report, '$.watermark.detected') IS 1 ELSE 0 END), 0)
		FROM items i LEFT JOIN scan_reports r ON r.item_id = i.id
		WHERE i.id IN (`+auditScope+`) GROUP BY i.category`, from, to, auditExplicitMinRatio)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var cat string
		var n, implicit, explicit, wm int
		if err := rows.Scan(&cat, &n, &implicit, &explicit, &wm); err != nil {
			return err
		}
		c := review.Category(cat)
		sm.ItemsByCategory[c] += n
		sm.Labels.Total += n
		sm.Labels.Implicit += implicit
		sm.Labels.Watermark += wm
		if c.NeedsExplicitLabel() {
			sm.Labels.ExplicitRequired += n
			sm.Labels.Explicit += explicit
		}
	}
	return rows.Err()
}

// auditDecisionCounts counts the standing decisions taken in the period by
// outcome and by reason code.
func auditDecisionCounts(ctx context.Context, q querier, from, to string, sm *AuditSummary) error {
	rows, err := q.QueryContext(ctx, `SELECT id, outcome, reasons FROM decisions
		WHERE at >= ? AND at < ? AND undone_at = ''`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var outcome, reasons string
		if err := rows.Scan(&id, &outcome, &reasons); err != nil {
			return err
		}
		sm.DecisionsByOutcome[review.Outcome(outcome)]++
		var codes []string
		if err := json.Unmarshal([]byte(reasons), &codes); err != nil {
			return fmt.Errorf("decision %d: reasons: %w", id, err)
		}
		for _, c := range codes {
			sm.DecisionsByReason[c]++
		}
	}
	return rows.Err()
}

// auditRoutingCounts splits the items received in the period into routed and
// cleared.
func auditRoutingCounts(ctx context.Context, q querier, from, to string, sm *AuditSummary) error {
	err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(cleared), 0) FROM (
		SELECT EXISTS (SELECT 1 FROM events e WHERE e.subject = 'item:' || i.id AND e.kind = 'item.cleared')
			OR coalesce((SELECT json_extract(e.payload, '$.state') FROM events e
				WHERE e.subject = 'item:' || i.id AND e.kind = 'item.received' AND json_valid(e.payload)
				ORDER BY e.seq LIMIT 1), i.state) = 'cleared' AS cleared
		FROM items i WHERE i.received_at >= ? AND i.received_at < ?)`, from, to).Scan(&sm.Routed, &sm.Cleared)
	sm.Routed -= sm.Cleared
	return err
}

// auditRuleCounts counts the rule hits on the items in scope by rule,
// rule-set version and severity, most frequent first.
func auditRuleCounts(ctx context.Context, q querier, from, to string) ([]AuditRuleCount, error) {
	rows, err := q.QueryContext(ctx, `SELECT rule_id, rule_version, severity, count(*) FROM rule_hits
		WHERE item_id IN (`+auditScope+`) GROUP BY rule_id, rule_version, severity
		ORDER BY count(*) DESC, rule_id, rule_version, severity`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditRuleCount
	for rows.Next() {
		var c AuditRuleCount
		if err := rows.Scan(&c.RuleID, &c.Version, &c.Severity, &c.Hits); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// auditAnsweredAt finds when a complaint was answered (argument: its id).
const auditAnsweredAt = `SELECT min(at) FROM events WHERE subject = 'complaint:' || ?
	AND (kind IN ('complaint.answered', 'complaint.replied', 'complaint.closed')
		OR (json_valid(payload) AND json_extract(payload, '$.status') IN ('answered', 'closed')))`

// auditComplaintsOf reads the complaints received in the period, with the time
// each was answered, and counts them against their time limit at asOf.
func auditComplaintsOf(ctx context.Context, q querier, from, to string, asOf time.Time) ([]AuditComplaint, AuditComplaintCounts, error) {
	var n AuditComplaintCounts
	rows, err := q.QueryContext(ctx, `SELECT id, kind, channel, contact, reporter_id, category, coalesce(item_id, 0),
		produce_id, text, received_at, due_at, status, reply FROM complaints
		WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id`, from, to)
	if err != nil {
		return nil, n, err
	}
	var out []AuditComplaint
	for rows.Next() {
		var c AuditComplaint
		var received, due string
		if err := rows.Scan(&c.ID, &c.Kind, &c.Channel, &c.Contact, &c.ReporterID, &c.Category, &c.ItemID,
			&c.ProduceID, &c.Text, &received, &due, &c.Status, &c.Reply); err != nil {
			rows.Close()
			return nil, n, err
		}
		c.ReceivedAt, c.DueAt = parseOpt(received), parseOpt(due)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, n, err
	}
	for i := range out {
		c := &out[i]
		var at sql.NullString
		if err := q.QueryRowContext(ctx, auditAnsweredAt, c.ID).Scan(&at); err != nil {
			return nil, n, fmt.Errorf("complaint %d: %w", c.ID, err)
		}
		c.AnsweredAt = parseOpt(at.String)
		n.Received++
		switch {
		case !c.AnsweredAt.IsZero() && !c.AnsweredAt.After(c.DueAt):
			n.OnTime++
		case !c.AnsweredAt.IsZero():
			n.Late++
		case asOf.After(c.DueAt):
			n.Overdue++
		default:
			n.Open++
		}
	}
	return out, n, nil
}

// auditConsentsAt reads the consent records granted before end and counts them
// by their state at end.
func auditConsentsAt(ctx context.Context, q querier, end time.Time) ([]review.Consent, map[string]int, error) {
	byState := map[string]int{ConsentValid: 0, ConsentExpired: 0, ConsentWithdrawn: 0}
	rows, err := q.QueryContext(ctx, `SELECT id, subject_id, subject_name, scope, notice_version, channel, granted_at,
		expires_at, evidence_sha256, withdrawn_at FROM consents WHERE granted_at < ? ORDER BY id`, review.FormatTime(end))
	if err != nil {
		return nil, byState, err
	}
	defer rows.Close()
	var out []review.Consent
	for rows.Next() {
		var c review.Consent
		var granted, expires, withdrawn string
		if err := rows.Scan(&c.ID, &c.SubjectID, &c.SubjectName, &c.Scope, &c.NoticeVersion, &c.Channel, &granted,
			&expires, &c.EvidenceSHA256, &withdrawn); err != nil {
			return nil, byState, err
		}
		c.GrantedAt, c.ExpiresAt, c.WithdrawnAt = parseOpt(granted), parseOpt(expires), parseOpt(withdrawn)
		byState[ConsentStateAt(c, end)]++
		out = append(out, c)
	}
	return out, byState, rows.Err()
}

// ConsentStateAt is a consent record's state at t: withdrawn once its
// withdrawal took effect, expired once its expiry passed, valid otherwise.
func ConsentStateAt(c review.Consent, t time.Time) string {
	switch {
	case !c.WithdrawnAt.IsZero() && !t.Before(c.WithdrawnAt):
		return ConsentWithdrawn
	case !c.ExpiresAt.IsZero() && !t.Before(c.ExpiresAt):
		return ConsentExpired
	}
	return ConsentValid
}

// auditPeriodEvents reads the period's events — from the first whose at is in
// the period to the last, every event between included so their hashes
// chain — and those after them up to head.
func auditPeriodEvents(ctx context.Context, q querier, from, to string, head int64) (period, after []review.Event, err error) {
	var first, last sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT min(seq) FROM events WHERE at >= ? AND at < ? AND seq <= ?`, from, to, head).Scan(&first); err != nil {
		return nil, nil, err
	}
	if err := q.QueryRowContext(ctx, `SELECT max(seq) FROM events WHERE at < ? AND seq <= ?`, to, head).Scan(&last); err != nil {
		return nil, nil, err
	}
	if first.Valid && last.Valid && first.Int64 <= last.Int64 {
		if period, err = queryEvents(ctx, q, `WHERE seq BETWEEN ? AND ? ORDER BY seq`, first.Int64, last.Int64); err != nil {
			return nil, nil, err
		}
	}
	after, err = queryEvents(ctx, q, `WHERE seq > ? AND seq <= ? ORDER BY seq`, last.Int64, head)
	return period, after, err
}
