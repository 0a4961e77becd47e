package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"synthreview/review"
)

// This file keeps quality control inside live work (issue 11): shadow
// claims (hidden gold and calibration served in a live item's place) and
// calibration samples. Every change is written with its event in one
// transaction. Nothing here writes items, decisions or the outbox: they are
// only read. Events name claims, samples, gold items and reason codes; the
// "quality.served" event does not say which gold item or live item a claim
// shows.

var _ review.QualityStore = (*DB)(nil)

func shadowSubject(id int64) string { return fmt.Sprintf("shadow_claim:%d", id) }
func sampleSubject(id int64) string { return fmt.Sprintf("calibration_sample:%d", id) }

// qualityActor is the actor of the events quality control writes on its
// own (samples taken, leases lapsed).
const qualityActor = "system"

// unfinishedStates are the item states of live work waiting or being
// worked: a gold item whose source item is in one is not served, so a
// reviewer never meets as hidden gold an item that is live work.
const unfinishedStates = `'queued', 'escalated', 'in_review', 'held'`

const shadowCols = `id, kind, reviewer, queue, item_id, coalesce(gold_id, 0), coalesce(session_id, 0),
	coalesce(sample_id, 0), state, served_at, lease_until, answered_at, outcome, reasons, correct, took_ms`

func scanShadow(row interface{ Scan(...any) error }) (review.ShadowClaim, error) {
	var c review.ShadowClaim
	var served, lease, answered, outcome, reasons string
	var took int64
	err := row.Scan(&c.ID, &c.Kind, &c.Reviewer, &c.Queue, &c.ItemID, &c.GoldID, &c.SessionID, &c.SampleID, &c.State,
		&served, &lease, &answered, &outcome, &reasons, &c.Correct, &took)
	if err != nil {
		return c, err
	}
	c.ServedAt, c.LeaseUntil, c.AnsweredAt = parseOpt(served), parseOpt(lease), parseOpt(answered)
	c.Outcome, c.Took = review.Outcome(outcome), time.Duration(took)*time.Millisecond
	if err := json.Unmarshal([]byte(reasons), &c.Reasons); err != nil {
		return c, fmt.Errorf("shadow claim %d: reasons: %w", c.ID, err)
	}
	if len(c.Reasons) == 0 {
		c.Reasons = nil
	}
	return c, nil
}

func shadowTx(ctx context.Context, q querier, id int64) (review.ShadowClaim, error) {
	c, err := scanShadow(q.QueryRowContext(ctx, `SELECT `+shadowCols+` FROM shadow_claims WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return c, review.Errorf(review.ENOTFOUND, "no shadow claim %d", id)
	}
	return c, err
}

// ShadowClaim returns one shadow claim or ENOTFOUND.
func (s *DB) ShadowClaim(ctx context.Context, id int64) (review.ShadowClaim, error) {
	c, err := shadowTx(ctx, s.db, id)
	return c, s.mapErr(fmt.Errorf("shadow claim %d", id), err)
}

// releaseLapsedShadowsTx releases the open shadow claims whose lease has
// run out, each with its event, as releaseLapsedTx does for live items.
func releaseLapsedShadowsTx(ctx context.Context, tx *sql.Tx, now time.Time) error {
	type lapsed struct {
		id             int64
		kind, reviewer string
	}
	list, err := collectRows(ctx, tx, func(row interface{ Scan(...any) error }) (l lapsed, err error) {
		err = row.Scan(&l.id, &l.kind, &l.reviewer)
		return
	}, `SELECT id, kind, reviewer FROM shadow_claims WHERE state = 'open' AND lease_until < ?`, review.FormatTime(now))
	if err != nil {
		return err
	}
	for _, l := range list {
		if _, err := tx.ExecContext(ctx, `UPDATE shadow_claims SET state = 'released' WHERE id = ?`, l.id); err != nil {
			return err
		}
		if _, err := appendEvent(ctx, tx, now, qualityActor, "quality.lease_lapsed", shadowSubject(l.id),
			map[string]any{"kind": l.kind, "reviewer": l.reviewer}); err != nil {
			return err
		}
	}
	return nil
}

// insertShadowTx records an open claim served now under lease, with its
// "quality.served" event.
func insertShadowTx(ctx context.Context, tx *sql.Tx, now time.Time, lease time.Duration, c review.ShadowClaim) (review.ShadowClaim, error) {
	nullable := func(id int64) any {
		if id == 0 {
			return nil
		}
		return id
	}
	c.State, c.ServedAt, c.LeaseUntil = review.ShadowOpen, now, now.Add(lease)
	res, err := tx.ExecContext(ctx, `INSERT INTO shadow_claims (kind, reviewer, queue, item_id, gold_id, session_id, sample_id,
		state, served_at, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
		c.Kind, c.Reviewer, c.Queue, c.ItemID, nullable(c.GoldID), nullable(c.SessionID), nullable(c.SampleID),
		review.FormatTime(c.ServedAt), review.FormatTime(c.LeaseUntil))
	if err != nil {
		return c, err
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return c, err
	}
	_, err = appendEvent(ctx, tx, now, c.Reviewer, "quality.served", shadowSubject(c.ID), map[string]any{
		"kind": c.Kind, "queue": c.Queue})
	return c, err
}

// goldCandidate is a gold item ServeGold may serve.
type goldCandidate struct {
	id, setID, itemID int64
	version           int
	answered          int
}

// ServeGold serves reviewer a hidden gold item of queue's gold sets (see
// review.QualityStore): the candidate they answered least, ties drawn
// from seed; it opens a hidden_gold session when needed. ENOTFOUND when no
// gold item fits; EINVALID for an unknown queue.
func (s *DB) ServeGold(ctx context.Context, reviewer, queue string, lease time.Duration, seed uint64) (review.ShadowClaim, error) {
	if _, err := waitingState(queue); err != nil {
		return review.ShadowClaim{}, err
	}
	var c review.ShadowClaim
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if err := releaseLapsedShadowsTx(ctx, tx, now); err != nil {
			return err
		}
		cands, err := goldCandidatesTx(ctx, tx, reviewer, queue, now)
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			return review.Errorf(review.ENOTFOUND, "no hidden gold item of the %s queue fits %s now", queue, reviewer)
		}
		// The candidates come least answered first, then by id: draw among
		// the leading tie.
		tie := 1
		for tie < len(cands) && cands[tie].answered == cands[0].answered {
			tie++
		}
		g := cands[rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).IntN(tie)]
		sessionID, err := hiddenGoldSessionTx(ctx, tx, now, reviewer, g)
		if err != nil {
			return err
		}
		c, err = insertShadowTx(ctx, tx, now, lease, review.ShadowClaim{Kind: review.SessionHiddenGold, Reviewer: reviewer,
			Queue: queue, ItemID: g.itemID, GoldID: g.id, SessionID: sessionID})
		return err
	})
	if err != nil {
		return review.ShadowClaim{}, s.mapErr(fmt.Errorf("serve hidden gold of the %s queue to %s", queue, reviewer), err)
	}
	return c, nil
}

// goldCandidatesTx lists the gold items ServeGold may serve reviewer on
// queue, least answered (in any session kind) first, then by id: active
// items of the queue's sets whose source item is not live work, that
// reviewer did not answer or skip as hidden gold in the last
// review.HiddenGoldRepeat and does not hold under an open claim.
func goldCandidatesTx(ctx context.Context, tx *sql.Tx, reviewer, queue string, now time.Time) ([]goldCandidate, error) {
	rows, err := tx.QueryContext(ctx, `SELECT g.id, g.set_id, g.item_id, gs.version,
			(SELECT count(*) FROM training_answers a JOIN training_sessions t ON t.id = a.session_id
				WHERE a.gold_id = g.id AND t.reviewer = ?1) AS answered
		FROM gold_items g
		JOIN gold_sets gs ON gs.id = g.set_id
		JOIN items i ON i.id = g.item_id
		WHERE gs.queue = ?2 AND g.retired_version = 0 AND i.state NOT IN (`+unfinishedStates+`)
			AND g.id NOT IN (SELECT h.gold_id FROM shadow_claims h
				WHERE h.reviewer = ?1 AND h.kind = 'hidden_gold' AND (
					h.state = 'open'
					OR (h.state = 'answered' AND h.answered_at > ?3)
					OR (h.state = 'skipped' AND h.served_at > ?3)))
		ORDER BY answered, g.id`, reviewer, queue, review.FormatTime(now.Add(-review.HiddenGoldRepeat)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []goldCandidate
	for rows.Next() {
		var g goldCandidate
		if err := rows.Scan(&g.id, &g.setID, &g.itemID, &g.version, &g.answered); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// hiddenGoldSessionTx returns reviewer's open hidden_gold session on g's
// set, finishing it and opening a new one (each with its event) when it
// uses another version of the set or answered g already.
func hiddenGoldSessionTx(ctx context.Context, tx *sql.Tx, now time.Time, reviewer string, g goldCandidate) (int64, error) {
	var id int64
	var version, answered int
	err := tx.QueryRowContext(ctx, `SELECT s.id, s.set_version,
			(SELECT count(*) FROM training_answers a WHERE a.session_id = s.id AND a.gold_id = ?3)
		FROM training_sessions s WHERE s.reviewer = ?1 AND s.kind = 'hidden_gold' AND s.set_id = ?2 AND s.finished_at = ''
		ORDER BY s.id DESC LIMIT 1`, reviewer, g.setID, g.id).Scan(&id, &version, &answered)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return 0, err
	case version == g.version && answered == 0:
		return id, nil
	default:
		t, err := sessionTx(ctx, tx, id)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE training_sessions SET finished_at = ? WHERE id = ?`,
			review.FormatTime(now), id); err != nil {
			return 0, err
		}
		if _, err := appendEvent(ctx, tx, now, reviewer, "training.session_finished", sessionSubject(id), map[string]any{
			"answered": t.Answered, "correct": t.Correct}); err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO training_sessions (kind, reviewer, set_id, set_version, started_at)
		VALUES ('hidden_gold', ?, ?, ?, ?)`, reviewer, g.setID, g.version, review.FormatTime(now))
	if err != nil {
		return 0, err
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, err
	}
	_, err = appendEvent(ctx, tx, now, reviewer, "training.session_started", sessionSubject(id), map[string]any{
		"kind": review.SessionHiddenGold, "set_id": g.setID, "set_version": g.version})
	return id, err
}

// ServeCalibration serves reviewer the oldest waiting calibration sample
// of queue they may review blind (see review.QualityStore), releasing
// lapsed claims first. ENOTFOUND when none; EINVALID for an unknown queue.
func (s *DB) ServeCalibration(ctx context.Context, reviewer, queue string, lease time.Duration) (review.ShadowClaim, error) {
	if _, err := waitingState(queue); err != nil {
		return review.ShadowClaim{}, err
	}
	var c review.ShadowClaim
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if err := releaseLapsedShadowsTx(ctx, tx, now); err != nil {
			return err
		}
		var sampleID, itemID int64
		err := tx.QueryRowContext(ctx, `SELECT c.id, c.item_id FROM calibration_samples c
			JOIN decisions d ON d.id = c.decision_id
			WHERE c.queue = ?1 AND c.answered_at = '' AND c.first_reviewer <> ?2 AND d.undone_at = ''
				AND NOT EXISTS (SELECT 1 FROM shadow_claims h WHERE h.sample_id = c.id
					AND ((h.state = 'skipped' AND h.reviewer = ?2) OR (h.state = 'open' AND h.lease_until >= ?3)))
			ORDER BY c.sampled_at, c.id LIMIT 1`, queue, reviewer, review.FormatTime(now)).Scan(&sampleID, &itemID)
		if err == sql.ErrNoRows {
			return review.Errorf(review.ENOTFOUND, "no calibration sample of the %s queue waits for %s", queue, reviewer)
		} else if err != nil {
			return err
		}
		c, err = insertShadowTx(ctx, tx, now, lease, review.ShadowClaim{Kind: review.SessionCalibration, Reviewer: reviewer,
			Queue: queue, ItemID: itemID, SampleID: sampleID})
		return err
	})
	if err != nil {
		return review.ShadowClaim{}, s.mapErr(fmt.Errorf("serve a calibration sample of the %s queue to %s", queue, reviewer), err)
	}
	return c, nil
}

// openShadowTx reads claim id and checks that actor holds it open, under
// its lease when lapsed is false: ENOTFOUND or ECONFLICT.
func openShadowTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, id int64, lapsed bool) (review.ShadowClaim, error) {
	c, err := shadowTx(ctx, tx, id)
	if err != nil {
		return c, err
	}
	switch {
	case c.Reviewer != actor:
		return c, review.Errorf(review.ECONFLICT, "shadow claim %d is %s's, not %s's", id, c.Reviewer, actor)
	case c.State != review.ShadowOpen:
		return c, review.Errorf(review.ECONFLICT, "shadow claim %d is %s, not open; claim again", id, c.State)
	case !lapsed && c.LeaseUntil.Before(now):
		return c, review.Errorf(review.ECONFLICT, "shadow claim %d lapsed at %s; claim again", id, review.FormatTime(c.LeaseUntil))
	}
	return c, nil
}

// AnswerShadow records actor's answer on an open claim they hold under
// its lease: a training answer in the claim's hidden_gold session, or the
// sample's second review. ENOTFOUND for an unknown claim; ECONFLICT when
// the claim is not actor's, not open or lapsed, its session answered the
// gold item already, or its sample was answered already.
func (s *DB) AnswerShadow(ctx context.Context, actor string, claimID int64, a review.ShadowAnswer) (review.ShadowClaim, error) {
	reasons, err := marshalCodes(a.Reasons)
	if err != nil {
		return review.ShadowClaim{}, err
	}
	var c review.ShadowClaim
	err = s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		if c, err = openShadowTx(ctx, tx, now, actor, claimID, false); err != nil {
			return err
		}
		at := review.FormatTime(orNow(a.At, now))
		took := max(a.Took.Milliseconds(), 0)
		correct := 0
		payload := map[string]any{"kind": c.Kind, "outcome": a.Outcome, "reasons": codesOrEmpty(a.Reasons), "took_ms": took}
		switch c.Kind {
		case review.SessionHiddenGold:
			if a.Correct {
				correct = 1
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM training_answers WHERE session_id = ? AND gold_id = ?`,
				c.SessionID, c.GoldID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return review.Errorf(review.ECONFLICT, "hidden gold session %d has answered gold item %d already", c.SessionID, c.GoldID)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_answers (session_id, gold_id, outcome, reasons, correct, took_ms, at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, c.SessionID, c.GoldID, string(a.Outcome), reasons, correct, took, at); err != nil {
				return err
			}
			payload["gold_id"], payload["correct"] = c.GoldID, a.Correct
		case review.SessionCalibration:
			res, err := tx.ExecContext(ctx, `UPDATE calibration_samples SET second_reviewer = ?, second_outcome = ?,
				second_reasons = ?, answered_at = ?, took_ms = ? WHERE id = ? AND answered_at = ''`,
				actor, string(a.Outcome), reasons, at, took, c.SampleID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return review.Errorf(review.ECONFLICT, "calibration sample %d has its second review already", c.SampleID)
			}
			payload["sample_id"] = c.SampleID
		default:
			return fmt.Errorf("shadow claim %d: unknown kind %q", c.ID, c.Kind)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE shadow_claims SET state = 'answered', answered_at = ?, outcome = ?, reasons = ?,
			correct = ?, took_ms = ? WHERE id = ?`, at, string(a.Outcome), reasons, correct, took, c.ID); err != nil {
			return err
		}
		c.State, c.AnsweredAt, c.Outcome, c.Correct = review.ShadowAnswered, parseOpt(at), a.Outcome, correct == 1
		c.Reasons, c.Took = append([]string(nil), a.Reasons...), time.Duration(took)*time.Millisecond
		_, err = appendEvent(ctx, tx, now, actor, "quality.answered", shadowSubject(c.ID), payload)
		return err
	})
	if err != nil {
		return review.ShadowClaim{}, s.mapErr(fmt.Errorf("answer shadow claim %d", claimID), err)
	}
	return c, nil
}

func codesOrEmpty(codes []string) []string {
	if codes == nil {
		return []string{}
	}
	return codes
}

// SkipShadow closes actor's open claim as skipped: its sample is not
// served to actor again (nor its gold item within review.HiddenGoldRepeat).
// ENOTFOUND for an unknown claim; ECONFLICT when it is not open or not
// actor's.
func (s *DB) SkipShadow(ctx context.Context, actor string, claimID int64) error {
	return s.closeShadow(ctx, actor, claimID, review.ShadowSkipped, "quality.skipped", "skip")
}

// ReleaseShadow gives actor's open claim back unanswered. ENOTFOUND for an
// unknown claim; ECONFLICT when it is not open or not actor's.
func (s *DB) ReleaseShadow(ctx context.Context, actor string, claimID int64) error {
	return s.closeShadow(ctx, actor, claimID, review.ShadowReleased, "quality.released", "release")
}

func (s *DB) closeShadow(ctx context.Context, actor string, claimID int64, state, kind, verb string) error {
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		c, err := openShadowTx(ctx, tx, now, actor, claimID, true)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE shadow_claims SET state = ? WHERE id = ?`, state, c.ID); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, kind, shadowSubject(c.ID), map[string]any{"kind": c.Kind})
		return err
	})
	return s.mapErr(fmt.Errorf("%s shadow claim %d", verb, claimID), err)
}

// UndoShadow reopens actor's claim answered less than window ago under a
// new lease and removes its answer: the training answer of hidden gold,
// the sample's second review of calibration (the events keep both).
// ENOTFOUND for an unknown claim; ECONFLICT when it is not answered, not
// actor's, answered too long ago, or its sample's review is no longer its.
func (s *DB) UndoShadow(ctx context.Context, actor string, claimID int64, window, lease time.Duration) (review.ShadowClaim, error) {
	var c review.ShadowClaim
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		if c, err = shadowTx(ctx, tx, claimID); err != nil {
			return err
		}
		switch {
		case c.Reviewer != actor:
			return review.Errorf(review.ECONFLICT, "shadow claim %d is %s's; only they can undo its answer", claimID, c.Reviewer)
		case c.State != review.ShadowAnswered:
			return review.Errorf(review.ECONFLICT, "shadow claim %d is %s, not answered; there is no answer to undo", claimID, c.State)
		case now.Sub(c.AnsweredAt) >= window:
			return review.Errorf(review.ECONFLICT, "shadow claim %d was answered more than %s ago; it can no longer be undone", claimID, window)
		}
		payload := map[string]any{"kind": c.Kind}
		switch c.Kind {
		case review.SessionHiddenGold:
			res, err := tx.ExecContext(ctx, `DELETE FROM training_answers WHERE session_id = ? AND gold_id = ?`, c.SessionID, c.GoldID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return review.Errorf(review.ECONFLICT, "the answer of shadow claim %d is gone from session %d", claimID, c.SessionID)
			}
			payload["gold_id"] = c.GoldID
		case review.SessionCalibration:
			res, err := tx.ExecContext(ctx, `UPDATE calibration_samples SET second_reviewer = '', second_outcome = '',
				second_reasons = '[]', answered_at = '', took_ms = 0
				WHERE id = ? AND second_reviewer = ? AND answered_at = ?`, c.SampleID, actor, review.FormatTime(c.AnsweredAt))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return review.Errorf(review.ECONFLICT, "calibration sample %d no longer holds the answer of shadow claim %d", c.SampleID, claimID)
			}
			payload["sample_id"] = c.SampleID
		default:
			return fmt.Errorf("shadow claim %d: unknown kind %q", c.ID, c.Kind)
		}
		c.State, c.LeaseUntil, c.AnsweredAt = review.ShadowOpen, now.Add(lease), time.Time{}
		c.Outcome, c.Reasons, c.Correct, c.Took = "", nil, false, 0
		if _, err := tx.ExecContext(ctx, `UPDATE shadow_claims SET state = 'open', lease_until = ?, answered_at = '', outcome = '',
			reasons = '[]', correct = 0, took_ms = 0 WHERE id = ?`, review.FormatTime(c.LeaseUntil), c.ID); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, "quality.answer_undone", shadowSubject(c.ID), payload)
		return err
	})
	if err != nil {
		return review.ShadowClaim{}, s.mapErr(fmt.Errorf("undo the answer of shadow claim %d", claimID), err)
	}
	return c, nil
}

// SampleCalibration records item's latest live decision made in queue
// (not undone; approve, approve_relabel, reject or escalate) for a blind
// second review; nothing when it is sampled already. ENOTFOUND when the
// item has no such decision; EINVALID for an unknown queue.
func (s *DB) SampleCalibration(ctx context.Context, itemID int64, queue string) error {
	if _, err := waitingState(queue); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var decisionID, sampled int64
		var actor, outcome, reasons, category string
		err := tx.QueryRowContext(ctx, `SELECT d.id, d.actor, d.outcome, d.reasons, i.category,
				(SELECT count(*) FROM calibration_samples c WHERE c.decision_id = d.id)
			FROM decisions d JOIN items i ON i.id = d.item_id
			WHERE d.item_id = ? AND d.undone_at = '' AND d.outcome IN ('approve', 'approve_relabel', 'reject', 'escalate')
			ORDER BY d.id DESC LIMIT 1`, itemID).Scan(&decisionID, &actor, &outcome, &reasons, &category, &sampled)
		if err == sql.ErrNoRows {
			return review.Errorf(review.ENOTFOUND, "item %d has no standing decision to sample", itemID)
		} else if err != nil {
			return err
		}
		if sampled > 0 {
			return nil
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO calibration_samples (item_id, decision_id, queue, category, first_reviewer,
			first_outcome, first_reasons, sampled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			itemID, decisionID, queue, category, actor, outcome, reasons, review.FormatTime(now))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, qualityActor, "quality.sampled", sampleSubject(id), map[string]any{
			"item_id": itemID, "decision_id": decisionID})
		return err
	})
	return s.mapErr(fmt.Errorf("sample item %d for calibration", itemID), err)
}

// CalibrationSamples returns the samples whose second review was answered
// at or after since (every answered one when since is zero) and whose live
// decision is not undone, oldest answer first.
func (s *DB) CalibrationSamples(ctx context.Context, since time.Time) ([]review.CalibrationSample, error) {
	from := ""
	if !since.IsZero() {
		from = review.FormatTime(since)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.item_id, c.decision_id, c.queue, c.category, c.first_reviewer,
			c.first_outcome, c.first_reasons, c.sampled_at, c.second_reviewer, c.second_outcome, c.second_reasons, c.answered_at
		FROM calibration_samples c JOIN decisions d ON d.id = c.decision_id
		WHERE c.answered_at <> '' AND c.answered_at >= ? AND d.undone_at = ''
		ORDER BY c.answered_at, c.id`, from)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("calibration samples"), err)
	}
	defer rows.Close()
	var out []review.CalibrationSample
	for rows.Next() {
		var c review.CalibrationSample
		var cat, first, firstReasons, sampled, second, secondReasons, answered string
		if err := rows.Scan(&c.ID, &c.ItemID, &c.DecisionID, &c.Queue, &cat, &c.First, &first, &firstReasons, &sampled,
			&c.Second, &second, &secondReasons, &answered); err != nil {
			return nil, s.mapErr(fmt.Errorf("calibration samples"), err)
		}
		c.Category, c.FirstOutcome, c.SecondOutcome = review.Category(cat), review.Outcome(first), review.Outcome(second)
		c.SampledAt, c.AnsweredAt = parseOpt(sampled), parseOpt(answered)
		if err := json.Unmarshal([]byte(firstReasons), &c.FirstReasons); err != nil {
			return nil, fmt.Errorf("calibration sample %d: first reasons: %w", c.ID, err)
		}
		if err := json.Unmarshal([]byte(secondReasons), &c.SecondReasons); err != nil {
			return nil, fmt.Errorf("calibration sample %d: second reasons: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, s.mapErr(fmt.Errorf("calibration samples"), rows.Err())
}

// CalibrationWaiting counts the samples waiting for their second review
// whose live decision is not undone.
func (s *DB) CalibrationWaiting(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM calibration_samples c JOIN decisions d ON d.id = c.decision_id
		WHERE c.answered_at = '' AND d.undone_at = ''`).Scan(&n)
	return n, s.mapErr(fmt.Errorf("calibration samples waiting"), err)
}

// HiddenGoldResults returns whether each of reviewer's latest n hidden gold
// answers on queue given after since (all when since is zero) was correct,
// newest first. n is capped at review.MaxHiddenGoldWindow; n <= 0 reads
// nothing.
func (s *DB) HiddenGoldResults(ctx context.Context, reviewer, queue string, since time.Time, n int) ([]bool, error) {
	if n <= 0 {
		return nil, nil
	}
	n = min(n, review.MaxHiddenGoldWindow)
	after := ""
	if !since.IsZero() {
		after = review.FormatTime(since)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT correct FROM shadow_claims
		WHERE reviewer = ? AND kind = 'hidden_gold' AND queue = ? AND state = 'answered' AND answered_at > ?
		ORDER BY answered_at DESC, id DESC LIMIT ?`, reviewer, queue, after, n)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("hidden gold results of %s on the %s queue", reviewer, queue), err)
	}
	defer rows.Close()
	var out []bool
	for rows.Next() {
		var ok bool
		if err := rows.Scan(&ok); err != nil {
			return nil, s.mapErr(fmt.Errorf("hidden gold results of %s on the %s queue", reviewer, queue), err)
		}
		out = append(out, ok)
	}
	return out, s.mapErr(fmt.Errorf("hidden gold results of %s on the %s queue", reviewer, queue), rows.Err())
}
