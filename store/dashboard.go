package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"synthreview/review"
)

// This file is the store side of the manager's dashboard (issue 9): every
// figure of review.Dashboard, counted in SQL in one read transaction, so
// the numbers agree with each other. Each query walks an index over the
// window (or a small table or partial index): reading the dashboard costs
// about the number of decisions and items in the window, not the whole
// workspace (BenchmarkDashboard100k). Migration 0010_dashboard adds the
// indexes the window needs; queries name them with INDEXED BY where
// SQLite, which has no ANALYZE statistics here, would otherwise prefer
// reading rows (every scan report's JSON, every hit of a rule).

var _ review.DashboardStore = (*DB)(nil)

// Dashboard counts the dashboard's figures for q (see review.Dashboard and
// review.DashboardQuery for what each means). The window runs from
// q.DayStarts[0] to the last of q.DayStarts; fewer than two day starts is
// EINVALID.
func (s *DB) Dashboard(ctx context.Context, q review.DashboardQuery) (review.Dashboard, error) {
	var d review.Dashboard
	if len(q.DayStarts) < 2 {
		return d, review.Errorf(review.EINVALID, "the dashboard needs a window of at least one day")
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return d, s.mapErr(fmt.Errorf("dashboard"), err)
	}
	defer tx.Rollback()
	w := dashWindow{
		from: review.FormatTime(q.DayStarts[0]),
		to:   review.FormatTime(q.DayStarts[len(q.DayStarts)-1]),
		now:  review.FormatTime(q.Now),
	}
	for _, step := range []struct {
		what string
		fn   func() error
	}{
		{"backlog", func() (err error) { d.Backlog, err = dashBacklog(ctx, tx); return err }},
		{"decisions", func() error { return dashDecisions(ctx, tx, q, &d) }},
		{"overturns", func() (err error) { d.Overturns, err = dashOverturns(ctx, tx, w, q.OverturnRoles); return err }},
		{"items received", func() error { return dashReceived(ctx, tx, w, &d) }},
		{"explicit labels", func() (err error) { d.Compliance.Explicit, err = dashExplicit(ctx, tx, w, q); return err }},
		{"watermarks", func() (err error) { d.Compliance.Watermark, err = dashWatermark(ctx, tx, w); return err }},
		{"complaints", func() error {
			// review.Complaint.Overdue: not answered or closed, and now after the due time.
			return tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(due_at < ?), 0) FROM complaints
				WHERE status NOT IN ('answered', 'closed')`, w.now).Scan(&d.ComplaintsOpen, &d.ComplaintsOverdue)
		}},
		{"outbox", func() error {
			// As Status; the partial index outbox_unacked holds the unacknowledged rows.
			overdue := review.FormatTime(q.Now.Add(-review.OutboxAckLimit))
			return tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(created_at < ?), 0) FROM outbox
				WHERE acked_at = '' AND cancelled_at = ''`, overdue).Scan(&d.OutboxUnacked, &d.OutboxOverdue)
		}},
	} {
		if err := step.fn(); err != nil {
			return review.Dashboard{}, s.mapErr(fmt.Errorf("dashboard: %s", step.what), err)
		}
	}
	return d, nil
}

// dashWindow is the window's bounds and the time of reading, as stored
// text (review.TimeFormat compares in time order).
type dashWindow struct{ from, to, now string }

// dashBacklog counts each queue's waiting items (with the oldest's
// received time, read off items_waiting) and its items in review and on
// hold (few: looked up by state).
func dashBacklog(ctx context.Context, tx *sql.Tx) ([]review.QueueBacklog, error) {
	out := []review.QueueBacklog{{Queue: review.QueueLive}, {Queue: review.QueueEscalation}}
	for i := range out {
		waiting, err := waitingState(out[i].Queue)
		if err != nil {
			return nil, err
		}
		var oldest sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT count(*), min(received_at) FROM items WHERE state = ?`, string(waiting)).
			Scan(&out[i].Waiting, &oldest); err != nil {
			return nil, err
		}
		out[i].Oldest = parseOpt(oldest.String)
	}
	rows, err := tx.QueryContext(ctx, `SELECT state, queue, count(*) FROM items WHERE state IN ('in_review', 'held') GROUP BY state, queue`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var state, queue string
		var n int
		if err := rows.Scan(&state, &queue, &n); err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].Queue != queue {
				continue
			}
			if state == string(review.StateInReview) {
				out[i].InReview += n
			} else {
				out[i].Held += n
			}
		}
	}
	return out, rows.Err()
}

// dashDecisions counts the window's decisions in one walk of the
// decisions_at index, a range per day: standing ones by day and outcome
// (the per-day chart) and by actor and outcome, undone ones by actor and
// in all. Actors come in name order.
func dashDecisions(ctx context.Context, tx *sql.Tx, q review.DashboardQuery, d *review.Dashboard) error {
	days := len(q.DayStarts) - 1
	d.PerDay = make([]review.DayDecisions, days)
	var values strings.Builder
	args := make([]any, 0, 3*days)
	for i := range d.PerDay {
		d.PerDay[i] = review.DayDecisions{Day: q.DayStarts[i], ByOutcome: map[review.Outcome]int{}}
		if i > 0 {
			values.WriteString(", ")
		}
		values.WriteString("(?, ?, ?)")
		args = append(args, i, review.FormatTime(q.DayStarts[i]), review.FormatTime(q.DayStarts[i+1]))
	}
	rows, err := tx.QueryContext(ctx, `WITH day(i, lo, hi) AS (VALUES `+values.String()+`)
		SELECT day.i, d.actor, d.outcome, d.undone_at <> '', count(*) FROM day JOIN decisions d ON d.at >= day.lo AND d.at < day.hi
		GROUP BY day.i, d.actor, d.outcome, d.undone_at <> ''`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	by := map[string]*review.ReviewerDecisions{}
	for rows.Next() {
		var i, n int
		var actor, outcome string
		var undone bool
		if err := rows.Scan(&i, &actor, &outcome, &undone, &n); err != nil {
			return err
		}
		r := by[actor]
		if r == nil {
			r = &review.ReviewerDecisions{Actor: actor, ByOutcome: map[review.Outcome]int{}}
			by[actor] = r
		}
		switch {
		case undone:
			r.Undone += n
			d.Undone += n
		case i >= 0 && i < days:
			r.ByOutcome[review.Outcome(outcome)] += n
			d.PerDay[i].ByOutcome[review.Outcome(outcome)] += n
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	d.Reviewers = make([]review.ReviewerDecisions, 0, len(by))
	for _, r := range by {
		d.Reviewers = append(d.Reviewers, *r)
	}
	sort.Slice(d.Reviewers, func(i, j int) bool { return d.Reviewers[i].Actor < d.Reviewers[j].Actor })
	return nil
}

// dashFinalOutcomes returns the outcomes that are final decisions (approve
// class and reject class) as SQL string literals, for IN lists: they are
// the domain's constants, never input.
func dashFinalOutcomes() (all, rejects string) {
	var a, r []string
	for _, o := range review.Outcomes {
		class, ok := o.Final()
		if !ok {
			continue
		}
		a = append(a, "'"+string(o)+"'")
		if class == "reject" {
			r = append(r, "'"+string(o)+"'")
		}
	}
	return strings.Join(a, ", "), strings.Join(r, ", ")
}

// dashPlaceholders returns "?, ?, …" for n values (at least one, so an empty
// list is a valid IN () that matches nothing when given a NULL).
func dashPlaceholders(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// dashOverturns counts the re-decisions in the window and those that
// overturn (review.Overturns): for each live final decision in the window
// by an account of one of roles, the item's latest earlier live final
// decision is found through decisions_item, or else its machine clear in
// its "item.received" event (through events_subject).
func dashOverturns(ctx context.Context, tx *sql.Tx, w dashWindow, roles []review.Role) (review.Overturns, error) {
	var o review.Overturns
	final, rejects := dashFinalOutcomes()
	args := []any{w.from, w.to}
	for _, r := range roles {
		args = append(args, string(r))
	}
	// MATERIALIZED: the correlated subquery runs once per re-decision,
	// not once for each place prev_rej is used. The actor test comes
	// before the row is read: decisions_at carries actor.
	err := tx.QueryRowContext(ctx, `WITH r AS MATERIALIZED (
		SELECT d.outcome IN (`+rejects+`) AS rej,
			coalesce((SELECT p.outcome IN (`+rejects+`) FROM decisions p
			 WHERE p.item_id = d.item_id AND p.id < d.id AND p.undone_at = '' AND p.outcome IN (`+final+`)
			 ORDER BY p.id DESC LIMIT 1),
			 (SELECT 0 FROM events e WHERE e.subject = 'item:' || d.item_id AND e.kind = 'item.received'
			  AND json_valid(e.payload) AND json_extract(e.payload, '$.state') = 'cleared' LIMIT 1)) AS prev_rej
		FROM decisions d INDEXED BY decisions_at
		WHERE d.at >= ? AND d.at < ? AND d.undone_at = '' AND d.outcome IN (`+final+`)
		  AND d.actor IN (SELECT name FROM accounts WHERE role IN (`+dashPlaceholders(len(roles))+`)))
		SELECT count(*), coalesce(sum(rej <> prev_rej), 0) FROM r WHERE prev_rej IS NOT NULL`, args...).Scan(&o.Redecided, &o.Overturned)
	return o, err
}

// dashReceived counts the items received in the window: routed or
// cleared, and with a conforming implicit label. items_received covers
// the query, so no item row is read.
func dashReceived(ctx context.Context, tx *sql.Tx, w dashWindow, d *review.Dashboard) error {
	var cleared, conforming int
	err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(state = 'cleared'), 0), coalesce(sum(verdict = 'conforming'), 0)
		FROM items WHERE received_at >= ? AND received_at < ?`, w.from, w.to).Scan(&d.Routing.Received, &cleared, &conforming)
	if err != nil {
		return err
	}
	d.Routing.Cleared, d.Routing.Routed = cleared, d.Routing.Received-cleared
	d.Compliance.Received = d.Routing.Received
	d.Compliance.Implicit = review.Share{N: conforming, Of: d.Routing.Received}
	return nil
}

// dashExplicit counts, among the items received in the window whose
// category needs a visible label, those whose label was checked and those
// without an explicit-label hit above info (review.Compliance). It walks
// the window's items off items_received and probes each one's hit of the
// rule through rule_hits_rule (which carries the severity), so its cost
// follows the window, not the workspace's history of hits. The
// explicit-label rule fires at most once per item (review/rules: one
// finding per rule and item), so the join adds no row.
func dashExplicit(ctx context.Context, tx *sql.Tx, w dashWindow, q review.DashboardQuery) (review.Share, error) {
	var sh review.Share
	if len(q.ExplicitCategories) == 0 {
		return sh, nil
	}
	args := []any{q.ExplicitRule, w.from, w.to}
	for _, c := range q.ExplicitCategories {
		args = append(args, string(c))
	}
	var scope, missing, unchecked int
	err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(h.severity <> 'info'), 0), coalesce(sum(h.severity = 'info'), 0)
		FROM items i INDEXED BY items_received
		LEFT JOIN rule_hits h INDEXED BY rule_hits_rule ON h.rule_id = ? AND h.item_id = i.id
		WHERE i.received_at >= ? AND i.received_at < ? AND i.category IN (`+dashPlaceholders(len(q.ExplicitCategories))+`)`,
		args...).Scan(&scope, &missing, &unchecked)
	if err != nil {
		return sh, err
	}
	sh.Of = scope - unchecked
	sh.N = sh.Of - missing
	return sh, nil
}

// dashWatermark counts, among the items received in the window, those
// whose scan checked for a watermark and those where one was detected. It
// reads the scan reports of the window's items: the one figure whose cost
// grows with the report size (a report that is not JSON counts as not
// checked).
func dashWatermark(ctx context.Context, tx *sql.Tx, w dashWindow) (review.Share, error) {
	var sh review.Share
	err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(st = 'detected'), 0), coalesce(sum(st IN ('detected', 'not-detected')), 0) FROM (
		SELECT CASE WHEN json_valid(r.report) THEN json_extract(r.report, '$.watermark.status') END AS st
		FROM items i JOIN scan_reports r INDEXED BY scan_reports_watermark ON r.item_id = i.id
		WHERE i.received_at >= ? AND i.received_at < ?)`, w.from, w.to).Scan(&sh.N, &sh.Of)
	return sh, err
}
