package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"synthreview/review"
)

// This file keeps complaints and appeals (issue 9, DSP Art. 12): the case
// list, the workflow moves, the reply with its outbox entry, the appeal
// that re-opens its item, and the resolution a senior's decision records.
// Every change is written with its event in one transaction; events name
// the case and carry keyed hashes of what a person wrote, never the text.

var _ review.CaseStore = (*DB)(nil)

// OutboxComplaintReply is the outbox kind of a reply to a complainant.
const OutboxComplaintReply = "complaint_reply"

// caseCols reads a case from complaints c, with the resolving decision d
// (LEFT JOIN): a resolution whose decision was undone does not count. A
// case recorded answered (an import, the demo) without answered_at is
// answered at its first event.
const caseCols = `c.id, c.kind, c.channel, c.contact, c.reporter_id, c.category, coalesce(c.item_id, 0), c.produce_id,
	c.text, c.received_at, c.due_at, c.status, c.reply, c.handler,
	CASE WHEN c.answered_at = '' AND c.status IN ('answered', 'closed')
		THEN coalesce((SELECT min(e.at) FROM events e WHERE e.subject = 'complaint:' || c.id), c.received_at)
		ELSE c.answered_at END,
	c.answered_by, c.closed_at, c.appealed_at, c.contested_state,
	CASE WHEN d.undone_at = '' THEN c.resolution ELSE '' END,
	coalesce(CASE WHEN d.undone_at = '' THEN d.actor END, ''),
	coalesce(CASE WHEN d.undone_at = '' THEN d.at END, ''),
	coalesce(CASE WHEN d.undone_at = '' THEN d.id END, 0)`

const caseFrom = ` FROM complaints c LEFT JOIN decisions d ON d.id = c.resolving_decision`

// caseRow is a case as read, with the id of the decision that resolved
// it (0 when none counts).
type caseRow struct {
	review.Case
	resolvingDecision int64
}

func scanCase(row interface{ Scan(...any) error }) (caseRow, error) {
	var r caseRow
	c := &r.Case
	var received, due, answered, closed, appealed, contested, resolvedAt string
	err := row.Scan(&c.ID, &c.Kind, &c.Channel, &c.Contact, &c.ReporterID, &c.Category, &c.ItemID, &c.ProduceID,
		&c.Text, &received, &due, &c.Status, &c.Reply, &c.Handler, &answered, &c.AnsweredBy, &closed, &appealed,
		&contested, &c.Resolution, &c.ResolvedBy, &resolvedAt, &r.resolvingDecision)
	if err != nil {
		return r, err
	}
	c.ReceivedAt, c.DueAt, c.AnsweredAt, c.ClosedAt = parseOpt(received), parseOpt(due), parseOpt(answered), parseOpt(closed)
	c.AppealedAt, c.Contested, c.ResolvedAt = parseOpt(appealed), review.State(contested), parseOpt(resolvedAt)
	return r, nil
}

func complaintSubject(id int64) string { return fmt.Sprintf("complaint:%d", id) }

// caseWhere is the case list's filter (arguments: status, kind, overdue
// flag, now).
const caseWhere = ` WHERE (?1 = '' OR c.status = ?1) AND (?2 = '' OR c.kind = ?2)
	AND (?3 = 0 OR (c.status IN ('open', 'in_progress') AND c.due_at < ?4))`

// CasePage returns one page of cases and how many the filter selects:
// unanswered cases first, soonest due first; then the answered and closed
// ones, newest first. Each comes with its linked item.
func (s *DB) CasePage(ctx context.Context, f review.CaseFilter) ([]review.Case, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > review.MaxPage {
		f.Limit = review.MaxPage
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("case list"), err)
	}
	defer tx.Rollback()
	overdue := 0
	if f.Overdue {
		overdue = 1
	}
	args := []any{f.Status, f.Kind, overdue, review.FormatTime(f.Now)}
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM complaints c`+caseWhere, args...).Scan(&total); err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("case list"), err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+caseCols+caseFrom+caseWhere+`
		ORDER BY CASE WHEN c.status IN ('open', 'in_progress') THEN 0 ELSE 1 END,
			CASE WHEN c.status IN ('open', 'in_progress') THEN c.due_at ELSE '' END,
			c.received_at DESC, c.id DESC
		LIMIT ?5 OFFSET ?6`, append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("case list"), err)
	}
	var out []review.Case
	for rows.Next() {
		r, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, r.Case)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("case list"), err)
	}
	items := map[int64]*review.Item{}
	for i := range out {
		id := out[i].ItemID
		if id == 0 {
			continue
		}
		if _, ok := items[id]; !ok {
			it, err := scanItem(tx.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = ?`, id))
			if err != nil {
				return nil, 0, s.mapErr(fmt.Errorf("item %d of a case", id), err)
			}
			items[id] = &it
		}
		out[i].Item = items[id]
	}
	return out, total, nil
}

// CaseCounts counts the unanswered cases, those past their due time at
// now, and the appeals waiting for a senior's decision.
func (s *DB) CaseCounts(ctx context.Context, now time.Time) (review.CaseCounts, error) {
	var n review.CaseCounts
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(due_at < ?), 0) FROM complaints
		WHERE status IN ('open', 'in_progress')`, review.FormatTime(now)).Scan(&n.Open, &n.Overdue)
	if err != nil {
		return n, s.mapErr(fmt.Errorf("case counts"), err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT count(*)`+caseFrom+` WHERE c.kind = 'appeal' AND c.appealed_at <> ''
		AND c.status IN ('open', 'in_progress') AND (c.resolution = '' OR d.undone_at <> '')`).Scan(&n.Appeals)
	return n, s.mapErr(fmt.Errorf("case counts"), err)
}

// Case returns one case with its linked item and its events, or
// ENOTFOUND.
func (s *DB) Case(ctx context.Context, id int64) (review.Case, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return review.Case{}, s.mapErr(fmt.Errorf("case %d", id), err)
	}
	defer tx.Rollback()
	r, err := caseTx(ctx, tx, id)
	if err != nil {
		return review.Case{}, s.mapErr(fmt.Errorf("case %d", id), err)
	}
	if r.Events, err = eventsOf(ctx, tx, complaintSubject(id)); err != nil {
		return review.Case{}, s.mapErr(fmt.Errorf("events of case %d", id), err)
	}
	return r.Case, nil
}

// caseTx reads a case and its linked item.
func caseTx(ctx context.Context, q querier, id int64) (caseRow, error) {
	r, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.id = ?`, id))
	if err == sql.ErrNoRows {
		return r, review.Errorf(review.ENOTFOUND, "no complaint or appeal %d", id)
	} else if err != nil {
		return r, err
	}
	if r.ItemID != 0 {
		it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = ?`, r.ItemID))
		if err != nil {
			return r, fmt.Errorf("item %d: %w", r.ItemID, err)
		}
		r.Item = &it
	}
	return r, nil
}

// ComplaintDays returns the published reply time limit set for the
// workspace (review.ComplaintDaysKey), 0 when none is set.
func (s *DB) ComplaintDays(ctx context.Context) (int, error) {
	v, err := s.Meta(ctx, review.ComplaintDaysKey)
	if err != nil {
		return 0, err
	}
	return review.ParseComplaintDays(v)
}

// SetComplaintDays publishes a reply time limit of days for complaints
// received from now on (EINVALID outside 1–review.MaxComplaintDays).
func (s *DB) SetComplaintDays(ctx context.Context, actor string, days int) error {
	if _, err := review.ParseComplaintDays(strconv.Itoa(days)); err != nil {
		return err
	}
	return s.SetMeta(ctx, actor, review.ComplaintDaysKey, strconv.Itoa(days))
}

// MoveCase applies review.CaseStart (the actor becomes the handler) or
// review.CaseFinish to a case, with its event.
func (s *DB) MoveCase(ctx context.Context, actor string, id int64, m review.CaseMove) (review.Case, error) {
	kinds := map[review.CaseMove]string{review.CaseStart: "complaint.started", review.CaseFinish: "complaint.closed"}
	kind, ok := kinds[m]
	if !ok {
		return review.Case{}, review.Errorf(review.EINVALID, "MoveCase takes start or close, not %q", m)
	}
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		r, err := caseTx(ctx, tx, id)
		if err != nil {
			return err
		}
		next, err := review.NextCaseStatus(r.Status, m)
		if err != nil {
			return err
		}
		at := review.FormatTime(now)
		var res sql.Result
		if m == review.CaseStart {
			res, err = tx.ExecContext(ctx, `UPDATE complaints SET status = ?, handler = ? WHERE id = ? AND status = ?`,
				next, actor, id, r.Status)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE complaints SET status = ?, closed_at = ? WHERE id = ? AND status = ?`,
				next, at, id, r.Status)
		}
		if err := changedOne(res, err, id); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, kind, complaintSubject(id), map[string]any{"from": r.Status, "status": next})
		return err
	})
	if err != nil {
		return review.Case{}, err
	}
	return s.Case(ctx, id)
}

// changedOne checks that an update hit the one case it meant to.
func changedOne(res sql.Result, err error, id int64) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return review.Errorf(review.ECONFLICT, "case %d changed meanwhile; look at it again", id)
	}
	return nil
}

// ReplyCase records the reply to a case, answers it, and queues the
// "complaint_reply" outbox entry the platform delivers, all in one
// transaction with the "complaint.answered" event (the reply hashed, as
// it may name the person). An appeal is answered only once resolved: the
// entry carries the resolution.
func (s *DB) ReplyCase(ctx context.Context, actor string, id int64, reply string) (review.Case, error) {
	if err := review.ValidateReply(reply); err != nil {
		return review.Case{}, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		r, err := caseTx(ctx, tx, id)
		if err != nil {
			return err
		}
		next, err := review.NextCaseStatus(r.Status, review.CaseReply)
		if err != nil {
			return err
		}
		if r.IsAppeal() && r.Resolution == "" {
			return review.Errorf(review.EINVALID, "appeal %d has no resolution yet: a senior reviewer decides its item first", id)
		}
		at := review.FormatTime(now)
		res, err := tx.ExecContext(ctx, `UPDATE complaints SET status = ?, reply = ?, answered_at = ?, answered_by = ?,
			handler = CASE handler WHEN '' THEN ? ELSE handler END WHERE id = ? AND status = ?`,
			next, reply, at, actor, actor, id, r.Status)
		if err := changedOne(res, err, id); err != nil {
			return err
		}
		from := r.Status
		r.Status, r.Reply, r.AnsweredAt, r.AnsweredBy = next, reply, now, actor
		file, err := s.queueReplyTx(ctx, tx, now, actor, r)
		if err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, "complaint.answered", complaintSubject(id), map[string]any{
			"from": from, "status": next, "reply_hash": s.phash("reply", reply), "resolution": r.Resolution,
			"on_time": !now.After(r.DueAt), "outbox_file": file})
		return err
	})
	if err != nil {
		return review.Case{}, err
	}
	return s.Case(ctx, id)
}

// queueReplyTx records a case's "complaint_reply" outbox entry with its
// "outbox.queued" event and returns its file name,
// <8-digit id>-complaint_reply-<ProduceID>.json (complaint<case id> for a
// case about no item). The contact stays in the workspace: the platform
// reaches its user by reporter_id, and personal data that an erasure
// (PIPL Art. 47) clears must not sit in files that leave it.
func (s *DB) queueReplyTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, r caseRow) (string, error) {
	var item any
	var object string
	if r.Item != nil {
		item, object = r.Item.ID, r.Item.ObjectSHA256
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (kind, item_id, produce_id, file_name, body, created_at)
		VALUES (?, ?, ?, '', '{}', ?)`, OutboxComplaintReply, item, r.ProduceID, review.FormatTime(now))
	if err != nil {
		return "", err
	}
	id, _ := res.LastInsertId()
	ref := r.ProduceID
	if ref == "" {
		ref = fmt.Sprintf("complaint%d", r.ID)
	}
	name := fmt.Sprintf("%08d-%s-%s.json", id, OutboxComplaintReply, ref)
	body := map[string]any{
		"schema": OutboxSchema, "outbox_id": id, "kind": OutboxComplaintReply, "produce_id": r.ProduceID,
		"object_sha256": object, "decision_id": r.resolvingDecision,
		"complaint_id": r.ID, "case_kind": r.Kind, "channel": r.Channel, "category": r.Category,
		"reporter_id": r.ReporterID, "received_at": review.FormatTime(r.ReceivedAt), "due_at": review.FormatTime(r.DueAt),
		"reply": r.Reply, "answered_by": actor, "answered_at": review.FormatTime(now), "on_time": !now.After(r.DueAt),
		"resolution": r.Resolution, "contested_state": string(r.Contested),
	}
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET file_name = ?, body = ? WHERE id = ?`, name, string(b), id); err != nil {
		return "", err
	}
	_, err = appendEvent(ctx, tx, now, actor, "outbox.queued", fmt.Sprintf("outbox:%d", id),
		map[string]any{"kind": OutboxComplaintReply, "item": r.ItemID, "complaint": r.ID, "file": name,
			"body_sha256": sha256Hex(string(b))})
	return name, err
}

// AppealCase sends an appeal to a senior reviewer in one transaction: its
// item moves to the escalation queue (review.MoveAppeal) at
// review.AppealPriority with an "item.appealed" event, and the appeal
// records when, the state it contests and the decision behind it, with a
// "complaint.appealed" event.
func (s *DB) AppealCase(ctx context.Context, actor string, id int64) (review.Case, error) {
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		r, err := caseTx(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case !r.IsAppeal():
			return review.Errorf(review.EINVALID, "case %d is a complaint, not an appeal", id)
		case !r.AppealedAt.IsZero():
			return review.Errorf(review.ECONFLICT, "appeal %d went to a senior reviewer already, at %s", id, review.FormatTime(r.AppealedAt))
		case r.Item == nil:
			return review.Errorf(review.EINVALID, "appeal %d names no item to re-open", id)
		}
		status, err := review.NextCaseStatus(r.Status, review.CaseSend)
		if err != nil {
			return err
		}
		it := *r.Item
		next, err := review.Next(it.State, it.Queue, review.MoveAppeal)
		if err != nil {
			return err
		}
		queue := review.QueueAfter(it.Queue, review.MoveAppeal)
		var contested sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT id FROM decisions WHERE item_id = ? AND undone_at = ''
			AND outcome IN ('approve', 'approve_relabel', 'reject') ORDER BY id DESC LIMIT 1`, it.ID).Scan(&contested)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		prio := max(it.Priority, review.AppealPriority)
		if _, err := tx.ExecContext(ctx, `UPDATE items SET state = ?, queue = ?, priority = ?, claimed_by = '', lease_until = '',
			updated_at = ? WHERE id = ?`, string(next), queue, prio, review.FormatTime(now), it.ID); err != nil {
			return err
		}
		if _, err := appendEvent(ctx, tx, now, actor, "item.appealed", itemSubject(it.ID), map[string]any{
			"complaint": id, "from": it.State, "to": next, "from_queue": it.Queue, "queue": queue,
			"priority": prio, "contested_decision": contested.Int64}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE complaints SET status = ?, appealed_at = ?, contested_state = ?,
			contested_decision = ?, handler = CASE handler WHEN '' THEN ? ELSE handler END WHERE id = ? AND status = ?`,
			status, review.FormatTime(now), string(it.State), contested, actor, id, r.Status)
		if err := changedOne(res, err, id); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, "complaint.appealed", complaintSubject(id), map[string]any{
			"item": it.ID, "produce_id": it.ProduceID, "contested_state": it.State,
			"contested_decision": contested.Int64, "from": r.Status, "status": status})
		return err
	})
	if err != nil {
		return review.Case{}, err
	}
	return s.Case(ctx, id)
}

// resolveAppealsTx records, in a decision's transaction, what the decision
// means for the appeals of its item: when a senior reviewer decides an
// item that an appeal sent to the escalation queue (approve, approve and
// relabel, or reject), each such appeal still waiting — or whose earlier
// resolution was undone — is upheld or overturned (review.Resolve), with a
// "complaint.resolved" event. from is the item before the decision, to its
// state after.
func resolveAppealsTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, from review.Item, to review.State, decID int64) error {
	if from.Queue != review.QueueEscalation || (!review.Approving(to) && to != review.StateRejected) {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.contested_state`+caseFrom+` WHERE c.kind = 'appeal' AND c.item_id = ?
		AND c.appealed_at <> '' AND c.status IN ('open', 'in_progress') AND (c.resolution = '' OR d.undone_at <> '')
		ORDER BY c.id`, from.ID)
	if err != nil {
		return err
	}
	type appeal struct {
		id        int64
		contested review.State
	}
	var list []appeal
	for rows.Next() {
		var a appeal
		var st string
		if err := rows.Scan(&a.id, &st); err != nil {
			rows.Close()
			return err
		}
		a.contested = review.State(st)
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, a := range list {
		res := review.Resolve(a.contested, to)
		if _, err := tx.ExecContext(ctx, `UPDATE complaints SET resolution = ?, resolving_decision = ? WHERE id = ?`,
			res, decID, a.id); err != nil {
			return err
		}
		if _, err := appendEvent(ctx, tx, now, actor, "complaint.resolved", complaintSubject(a.id), map[string]any{
			"item": from.ID, "decision": decID, "contested_state": a.contested, "state": to, "resolution": res}); err != nil {
			return err
		}
	}
	return nil
}

// itemComplaintsOf lists the complaints and appeals linked to an item, oldest
// first, for its evidence. The contact is left out: the evidence view has
// no use for it.
func itemComplaintsOf(ctx context.Context, q querier, itemID int64) ([]review.Complaint, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, channel, reporter_id, category, produce_id, text, received_at,
		due_at, status, reply FROM complaints WHERE item_id = ? ORDER BY received_at, id`, itemID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []review.Complaint
	for rows.Next() {
		c := review.Complaint{ItemID: itemID}
		var received, due string
		if err := rows.Scan(&c.ID, &c.Kind, &c.Channel, &c.ReporterID, &c.Category, &c.ProduceID, &c.Text, &received,
			&due, &c.Status, &c.Reply); err != nil {
			return nil, err
		}
		c.ReceivedAt, c.DueAt = parseOpt(received), parseOpt(due)
		out = append(out, c)
	}
	return out, rows.Err()
}
