package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"synthreview/review"
)

// This file keeps training mode (issue 11): gold sets and items,
// training sessions and answers, gates and certifications. Every change is
// written with its event in one transaction; events name sets, sessions,
// queues and reason codes, never an explanation's words. Rows carry the
// times the service gives (its clock), events the store's.

var _ review.TrainingStore = (*DB)(nil)

func goldSetSubject(id int64) string { return fmt.Sprintf("gold_set:%d", id) }
func sessionSubject(id int64) string { return fmt.Sprintf("training_session:%d", id) }

// orNow returns t, or now when t is zero.
func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}

func marshalCodes(codes []string) (string, error) {
	if codes == nil {
		codes = []string{}
	}
	b, err := json.Marshal(codes)
	return string(b), err
}

const goldSetCols = `s.id, s.name, s.queue, s.category, s.version, s.created_by, s.created_at,
	(SELECT count(*) FROM gold_items g WHERE g.set_id = s.id AND g.retired_version = 0)`

func scanGoldSet(row interface{ Scan(...any) error }) (review.GoldSet, error) {
	var g review.GoldSet
	var cat, at string
	err := row.Scan(&g.ID, &g.Name, &g.Queue, &cat, &g.Version, &g.CreatedBy, &at, &g.Items)
	g.Category, g.CreatedAt = review.Category(cat), parseOpt(at)
	return g, err
}

// GoldSets returns every gold set, by queue and name.
func (s *DB) GoldSets(ctx context.Context) ([]review.GoldSet, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+goldSetCols+` FROM gold_sets s ORDER BY s.queue DESC, s.name, s.id`)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("gold sets"), err)
	}
	defer rows.Close()
	var out []review.GoldSet
	for rows.Next() {
		g, err := scanGoldSet(rows)
		if err != nil {
			return nil, s.mapErr(fmt.Errorf("gold sets"), err)
		}
		out = append(out, g)
	}
	return out, s.mapErr(fmt.Errorf("gold sets"), rows.Err())
}

// GoldSet returns one gold set or ENOTFOUND.
func (s *DB) GoldSet(ctx context.Context, id int64) (review.GoldSet, error) {
	g, err := goldSetTx(ctx, s.db, id)
	return g, s.mapErr(fmt.Errorf("gold set %d", id), err)
}

func goldSetTx(ctx context.Context, q querier, id int64) (review.GoldSet, error) {
	g, err := scanGoldSet(q.QueryRowContext(ctx, `SELECT `+goldSetCols+` FROM gold_sets s WHERE s.id = ?`, id))
	if err == sql.ErrNoRows {
		return g, review.Errorf(review.ENOTFOUND, "no gold set %d", id)
	}
	return g, err
}

// CreateGoldSet stores a new, empty gold set (version 0); ECONFLICT when
// the name is taken.
func (s *DB) CreateGoldSet(ctx context.Context, actor string, g review.GoldSet) (review.GoldSet, error) {
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM gold_sets WHERE name = ?`, g.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return review.Errorf(review.ECONFLICT, "a gold set named %q exists already", g.Name)
		}
		g.CreatedAt, g.Version, g.Items = orNow(g.CreatedAt, now), 0, 0
		res, err := tx.ExecContext(ctx, `INSERT INTO gold_sets (name, queue, category, version, created_by, created_at)
			VALUES (?, ?, ?, 0, ?, ?)`, g.Name, g.Queue, string(g.Category), actor, review.FormatTime(g.CreatedAt))
		if err != nil {
			return err
		}
		if g.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		g.CreatedBy = actor
		_, err = appendEvent(ctx, tx, now, actor, "training.set_created", goldSetSubject(g.ID), map[string]any{
			"name": g.Name, "queue": g.Queue, "category": g.Category})
		return err
	})
	if err != nil {
		return review.GoldSet{}, s.mapErr(fmt.Errorf("create gold set %q", g.Name), err)
	}
	return g, nil
}

const goldCols = `id, set_id, coalesce(item_id, 0), coalesce(file_id, 0), produce_id, category, expected, reasons,
	explanation, created_by, created_at, added_version, retired_version`

func scanGold(row interface{ Scan(...any) error }) (review.GoldItem, error) {
	var g review.GoldItem
	var cat, expected, reasons, at string
	err := row.Scan(&g.ID, &g.SetID, &g.ItemID, &g.FileID, &g.ProduceID, &cat, &expected, &reasons, &g.Explanation,
		&g.CreatedBy, &at, &g.AddedVersion, &g.RetiredVersion)
	if err != nil {
		return g, err
	}
	g.Category, g.Expected, g.CreatedAt, g.Retired = review.Category(cat), review.Outcome(expected), parseOpt(at), g.RetiredVersion != 0
	if err := json.Unmarshal([]byte(reasons), &g.Reasons); err != nil {
		return g, fmt.Errorf("gold item %d: reasons: %w", g.ID, err)
	}
	return g, nil
}

// AddGold stores g as the next version of its set (in one transaction
// with the set's version and the event). ENOTFOUND for an unknown set or
// item; ECONFLICT when the item is active gold of the set already.
func (s *DB) AddGold(ctx context.Context, actor string, g review.GoldItem) (review.GoldItem, error) {
	reasons, err := marshalCodes(g.Reasons)
	if err != nil {
		return review.GoldItem{}, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		set, err := goldSetTx(ctx, tx, g.SetID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE id = ?`, g.ItemID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return review.Errorf(review.ENOTFOUND, "no item %d", g.ItemID)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM gold_items WHERE set_id = ? AND item_id = ? AND retired_version = 0`,
			g.SetID, g.ItemID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return review.Errorf(review.ECONFLICT, "item %s is gold in set %q already", g.ProduceID, set.Name)
		}
		g.FileID = 0
		g, err = insertGoldTx(ctx, tx, now, actor, set, g, reasons, map[string]any{"item_id": g.ItemID, "produce_id": g.ProduceID})
		return err
	})
	if err != nil {
		return review.GoldItem{}, s.mapErr(fmt.Errorf("add gold item to set %d", g.SetID), err)
	}
	return g, nil
}

// insertGoldTx stores g as set's next version, with its event: g shows
// g.ItemID's live item or g.FileID's training file; source names it in the
// event.
func insertGoldTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, set review.GoldSet, g review.GoldItem,
	reasons string, source map[string]any) (review.GoldItem, error) {
	v := set.Version + 1
	if _, err := tx.ExecContext(ctx, `UPDATE gold_sets SET version = ? WHERE id = ?`, v, set.ID); err != nil {
		return g, err
	}
	var itemID, fileID any // NULL unless set
	if g.FileID != 0 {
		fileID = g.FileID
	} else {
		itemID = g.ItemID
	}
	g.CreatedBy, g.CreatedAt, g.AddedVersion, g.RetiredVersion, g.Retired = actor, orNow(g.CreatedAt, now), v, 0, false
	res, err := tx.ExecContext(ctx, `INSERT INTO gold_items (set_id, item_id, file_id, produce_id, category, expected, reasons,
		explanation, created_by, created_at, added_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.SetID, itemID, fileID, g.ProduceID, string(g.Category), string(g.Expected), reasons, g.Explanation, actor,
		review.FormatTime(g.CreatedAt), v)
	if err != nil {
		return g, err
	}
	if g.ID, err = res.LastInsertId(); err != nil {
		return g, err
	}
	payload := map[string]any{"gold_id": g.ID, "expected": g.Expected, "reasons": g.Reasons, "version": v}
	for k, x := range source {
		payload[k] = x
	}
	_, err = appendEvent(ctx, tx, now, actor, "training.gold_added", goldSetSubject(set.ID), payload)
	return g, err
}

// AddFileGold stores an imported training file and a gold item showing it
// as the set's next version, in one transaction with the set's version and
// the event. ENOTFOUND for an unknown set.
func (s *DB) AddFileGold(ctx context.Context, actor string, f review.TrainingFile, g review.GoldItem) (review.GoldItem, error) {
	reasons, err := marshalCodes(g.Reasons)
	if err != nil {
		return review.GoldItem{}, err
	}
	hits, err := json.Marshal(f.RuleHits)
	if err != nil {
		return review.GoldItem{}, err
	}
	if f.RuleHits == nil {
		hits = []byte("[]")
	}
	if f.Sidecar == "" {
		f.Sidecar = "{}"
	}
	err = s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		set, err := goldSetTx(ctx, tx, g.SetID)
		if err != nil {
			return err
		}
		f.ImportedBy, f.ImportedAt = actor, orNow(f.ImportedAt, now)
		res, err := tx.ExecContext(ctx, `INSERT INTO training_files (name, produce_id, format, object_sha256, size, category,
			service, model, label_state, verdict, scan, rule_hits, sidecar, imported_by, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.Name, f.ProduceID, f.Format, f.ObjectSHA256, f.Size, string(f.Category), f.Service, f.Model, f.LabelState,
			f.Verdict, f.Scan, string(hits), f.Sidecar, actor, review.FormatTime(f.ImportedAt))
		if err != nil {
			return err
		}
		if f.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		g.ItemID, g.FileID = 0, f.ID
		g, err = insertGoldTx(ctx, tx, now, actor, set, g, reasons,
			map[string]any{"file_id": f.ID, "file": f.Name, "object_sha256": f.ObjectSHA256})
		return err
	})
	if err != nil {
		return review.GoldItem{}, s.mapErr(fmt.Errorf("add imported file %s to gold set %d", f.Name, g.SetID), err)
	}
	return g, nil
}

// TrainingFile returns an imported training file or ENOTFOUND.
func (s *DB) TrainingFile(ctx context.Context, id int64) (review.TrainingFile, error) {
	var f review.TrainingFile
	var cat, hits, at string
	err := s.db.QueryRowContext(ctx, `SELECT id, name, produce_id, format, object_sha256, size, category, service, model,
			label_state, verdict, scan, rule_hits, sidecar, imported_by, imported_at FROM training_files WHERE id = ?`, id).
		Scan(&f.ID, &f.Name, &f.ProduceID, &f.Format, &f.ObjectSHA256, &f.Size, &cat, &f.Service, &f.Model,
			&f.LabelState, &f.Verdict, &f.Scan, &hits, &f.Sidecar, &f.ImportedBy, &at)
	if err == sql.ErrNoRows {
		return f, review.Errorf(review.ENOTFOUND, "no training file %d", id)
	} else if err != nil {
		return f, s.mapErr(fmt.Errorf("training file %d", id), err)
	}
	f.Category, f.ImportedAt = review.Category(cat), parseOpt(at)
	if err := json.Unmarshal([]byte(hits), &f.RuleHits); err != nil {
		return f, fmt.Errorf("training file %d: rule hits: %w", id, err)
	}
	return f, nil
}

// GoldItems returns every gold item a set ever had, retired ones too, by
// id.
func (s *DB) GoldItems(ctx context.Context, setID int64) ([]review.GoldItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+goldCols+` FROM gold_items WHERE set_id = ? ORDER BY id`, setID)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("gold items of set %d", setID), err)
	}
	defer rows.Close()
	var out []review.GoldItem
	for rows.Next() {
		g, err := scanGold(rows)
		if err != nil {
			return nil, s.mapErr(fmt.Errorf("gold items of set %d", setID), err)
		}
		out = append(out, g)
	}
	return out, s.mapErr(fmt.Errorf("gold items of set %d", setID), rows.Err())
}

// GoldItem returns one gold item or ENOTFOUND.
func (s *DB) GoldItem(ctx context.Context, id int64) (review.GoldItem, error) {
	g, err := goldTx(ctx, s.db, id)
	return g, s.mapErr(fmt.Errorf("gold item %d", id), err)
}

func goldTx(ctx context.Context, q querier, id int64) (review.GoldItem, error) {
	g, err := scanGold(q.QueryRowContext(ctx, `SELECT `+goldCols+` FROM gold_items WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return g, review.Errorf(review.ENOTFOUND, "no gold item %d", id)
	}
	return g, err
}

// RetireGold retires a gold item in its set's next version; ENOTFOUND for
// an unknown item, ECONFLICT when it is retired already.
func (s *DB) RetireGold(ctx context.Context, actor string, id int64, at time.Time) (review.GoldItem, error) {
	var g review.GoldItem
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		if g, err = goldTx(ctx, tx, id); err != nil {
			return err
		}
		if g.Retired {
			return review.Errorf(review.ECONFLICT, "gold item %d is retired already", id)
		}
		set, err := goldSetTx(ctx, tx, g.SetID)
		if err != nil {
			return err
		}
		v := set.Version + 1
		if _, err := tx.ExecContext(ctx, `UPDATE gold_sets SET version = ? WHERE id = ?`, v, set.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE gold_items SET retired_version = ?, retired_at = ? WHERE id = ?`,
			v, review.FormatTime(orNow(at, now)), id); err != nil {
			return err
		}
		g.Retired, g.RetiredVersion = true, v
		_, err = appendEvent(ctx, tx, now, actor, "training.gold_retired", goldSetSubject(set.ID), map[string]any{
			"gold_id": id, "version": v})
		return err
	})
	if err != nil {
		return review.GoldItem{}, s.mapErr(fmt.Errorf("retire gold item %d", id), err)
	}
	return g, nil
}

// sessionCols reads a session of training_sessions s with its counts.
const sessionCols = `s.id, s.kind, s.reviewer, coalesce(s.set_id, 0), s.set_version, s.started_at, s.finished_at,
	(SELECT count(*) FROM training_answers a WHERE a.session_id = s.id),
	(SELECT coalesce(sum(a.correct), 0) FROM training_answers a WHERE a.session_id = s.id)`

func scanSession(row interface{ Scan(...any) error }) (review.TrainingSession, error) {
	var t review.TrainingSession
	var started, finished string
	err := row.Scan(&t.ID, &t.Kind, &t.Reviewer, &t.SetID, &t.SetVersion, &started, &finished, &t.Answered, &t.Correct)
	t.StartedAt, t.FinishedAt = parseOpt(started), parseOpt(finished)
	return t, err
}

func sessionTx(ctx context.Context, q querier, id int64) (review.TrainingSession, error) {
	t, err := scanSession(q.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM training_sessions s WHERE s.id = ?`, id))
	if err == sql.ErrNoRows {
		return t, review.Errorf(review.ENOTFOUND, "no training session %d", id)
	}
	return t, err
}

// CreateSession opens a session for t.Reviewer (ENOTFOUND for an unknown
// set).
func (s *DB) CreateSession(ctx context.Context, t review.TrainingSession) (review.TrainingSession, error) {
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var setID any
		if t.SetID != 0 {
			if _, err := goldSetTx(ctx, tx, t.SetID); err != nil {
				return err
			}
			setID = t.SetID
		}
		t.StartedAt, t.FinishedAt, t.Answered, t.Correct = orNow(t.StartedAt, now), time.Time{}, 0, 0
		res, err := tx.ExecContext(ctx, `INSERT INTO training_sessions (kind, reviewer, set_id, set_version, started_at)
			VALUES (?, ?, ?, ?, ?)`, t.Kind, t.Reviewer, setID, t.SetVersion, review.FormatTime(t.StartedAt))
		if err != nil {
			return err
		}
		if t.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, t.Reviewer, "training.session_started", sessionSubject(t.ID), map[string]any{
			"kind": t.Kind, "set_id": t.SetID, "set_version": t.SetVersion})
		return err
	})
	if err != nil {
		return review.TrainingSession{}, s.mapErr(fmt.Errorf("start a training session"), err)
	}
	return t, nil
}

// Session returns one session with its counts, or ENOTFOUND.
func (s *DB) Session(ctx context.Context, id int64) (review.TrainingSession, error) {
	t, err := sessionTx(ctx, s.db, id)
	return t, s.mapErr(fmt.Errorf("training session %d", id), err)
}

// SessionAnswers returns a session's answers in the order given.
func (s *DB) SessionAnswers(ctx context.Context, id int64) ([]review.Answer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT session_id, gold_id, outcome, reasons, correct, took_ms, at
		FROM training_answers WHERE session_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("answers of training session %d", id), err)
	}
	defer rows.Close()
	var out []review.Answer
	for rows.Next() {
		var a review.Answer
		var outcome, reasons, at string
		var took int64
		if err := rows.Scan(&a.SessionID, &a.GoldID, &outcome, &reasons, &a.Correct, &took, &at); err != nil {
			return nil, s.mapErr(fmt.Errorf("answers of training session %d", id), err)
		}
		a.Outcome, a.Took, a.At = review.Outcome(outcome), time.Duration(took)*time.Millisecond, parseOpt(at)
		if err := json.Unmarshal([]byte(reasons), &a.Reasons); err != nil {
			return nil, fmt.Errorf("training session %d: answer reasons: %w", id, err)
		}
		out = append(out, a)
	}
	return out, s.mapErr(fmt.Errorf("answers of training session %d", id), rows.Err())
}

// RecordAnswer stores an answer and returns its session with the new
// counts. ENOTFOUND for an unknown session; ECONFLICT for a finished
// session or a gold item it answered already.
func (s *DB) RecordAnswer(ctx context.Context, actor string, a review.Answer) (review.TrainingSession, error) {
	reasons, err := marshalCodes(a.Reasons)
	if err != nil {
		return review.TrainingSession{}, err
	}
	var t review.TrainingSession
	err = s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		if t, err = sessionTx(ctx, tx, a.SessionID); err != nil {
			return err
		}
		if !t.FinishedAt.IsZero() {
			return review.Errorf(review.ECONFLICT, "training session %d is finished; start a new one", t.ID)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM training_answers WHERE session_id = ? AND gold_id = ?`,
			a.SessionID, a.GoldID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return review.Errorf(review.ECONFLICT, "training session %d has answered gold item %d already", t.ID, a.GoldID)
		}
		correct := 0
		if a.Correct {
			correct = 1
		}
		took := max(a.Took.Milliseconds(), 0)
		if _, err := tx.ExecContext(ctx, `INSERT INTO training_answers (session_id, gold_id, outcome, reasons, correct, took_ms, at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.SessionID, a.GoldID, string(a.Outcome), reasons, correct, took,
			review.FormatTime(orNow(a.At, now))); err != nil {
			return err
		}
		t.Answered++
		t.Correct += correct
		_, err = appendEvent(ctx, tx, now, actor, "training.answered", sessionSubject(t.ID), map[string]any{
			"gold_id": a.GoldID, "outcome": a.Outcome, "reasons": a.Reasons, "correct": a.Correct, "took_ms": took})
		return err
	})
	if err != nil {
		return review.TrainingSession{}, s.mapErr(fmt.Errorf("record an answer in training session %d", a.SessionID), err)
	}
	return t, nil
}

// FinishSession closes a session at at; a finished session is returned
// as it is. ENOTFOUND for an unknown session.
func (s *DB) FinishSession(ctx context.Context, actor string, id int64, at time.Time) (review.TrainingSession, error) {
	var t review.TrainingSession
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		if t, err = sessionTx(ctx, tx, id); err != nil || !t.FinishedAt.IsZero() {
			return err
		}
		t.FinishedAt = orNow(at, now)
		if _, err := tx.ExecContext(ctx, `UPDATE training_sessions SET finished_at = ? WHERE id = ?`,
			review.FormatTime(t.FinishedAt), id); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, "training.session_finished", sessionSubject(id), map[string]any{
			"answered": t.Answered, "correct": t.Correct})
		return err
	})
	if err != nil {
		return review.TrainingSession{}, s.mapErr(fmt.Errorf("finish training session %d", id), err)
	}
	return t, nil
}

// answerWhere builds the filter of scored answers and sessions over
// training_sessions s and gold_sets gs.
func answerWhere(f review.AnswerFilter, at string) (string, []any) {
	var conds []string
	var args []any
	if f.Reviewer != "" {
		conds, args = append(conds, "s.reviewer = ?"), append(args, f.Reviewer)
	}
	if f.Kind != "" {
		conds, args = append(conds, "s.kind = ?"), append(args, f.Kind)
	}
	if f.Queue != "" {
		conds, args = append(conds, "gs.queue = ?"), append(args, f.Queue)
	}
	if !f.Since.IsZero() {
		conds, args = append(conds, at+" >= ?"), append(args, review.FormatTime(f.Since))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ScoredAnswers returns the answers f selects with the gold they were
// judged against, oldest first: one indexed read of the reviewer's
// sessions and their answers.
func (s *DB) ScoredAnswers(ctx context.Context, f review.AnswerFilter) ([]review.ScoredAnswer, error) {
	where, args := answerWhere(f, "a.at")
	rows, err := s.db.QueryContext(ctx, `SELECT a.session_id, a.gold_id, a.outcome, a.reasons, a.correct, a.took_ms, a.at,
			s.reviewer, s.kind, gs.queue, g.category, g.expected, g.reasons
		FROM training_answers a
		JOIN training_sessions s ON s.id = a.session_id
		JOIN gold_items g ON g.id = a.gold_id
		JOIN gold_sets gs ON gs.id = g.set_id`+where+` ORDER BY a.at, a.id`, args...)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("training answers"), err)
	}
	defer rows.Close()
	var out []review.ScoredAnswer
	for rows.Next() {
		var a review.ScoredAnswer
		var outcome, reasons, at, cat, expected, expReasons string
		var took int64
		if err := rows.Scan(&a.SessionID, &a.GoldID, &outcome, &reasons, &a.Correct, &took, &at,
			&a.Reviewer, &a.Kind, &a.Queue, &cat, &expected, &expReasons); err != nil {
			return nil, s.mapErr(fmt.Errorf("training answers"), err)
		}
		a.Outcome, a.Took, a.At = review.Outcome(outcome), time.Duration(took)*time.Millisecond, parseOpt(at)
		a.Category, a.Expected = review.Category(cat), review.Outcome(expected)
		if err := json.Unmarshal([]byte(reasons), &a.Reasons); err != nil {
			return nil, fmt.Errorf("training answer reasons: %w", err)
		}
		if err := json.Unmarshal([]byte(expReasons), &a.ExpectedReasons); err != nil {
			return nil, fmt.Errorf("gold item %d reasons: %w", a.GoldID, err)
		}
		out = append(out, a)
	}
	return out, s.mapErr(fmt.Errorf("training answers"), rows.Err())
}

// TrainingSessions returns the sessions f selects (Since on their start),
// oldest first, with their counts.
func (s *DB) TrainingSessions(ctx context.Context, f review.AnswerFilter) ([]review.TrainingSession, error) {
	where, args := answerWhere(f, "s.started_at")
	rows, err := s.db.QueryContext(ctx, `SELECT `+sessionCols+` FROM training_sessions s
		LEFT JOIN gold_sets gs ON gs.id = s.set_id`+where+` ORDER BY s.started_at, s.id`, args...)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("training sessions"), err)
	}
	defer rows.Close()
	var out []review.TrainingSession
	for rows.Next() {
		t, err := scanSession(rows)
		if err != nil {
			return nil, s.mapErr(fmt.Errorf("training sessions"), err)
		}
		out = append(out, t)
	}
	return out, s.mapErr(fmt.Errorf("training sessions"), rows.Err())
}

// Gates returns the certification gates, by queue.
func (s *DB) Gates(ctx context.Context) ([]review.Gate, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT queue, min_accuracy, min_items, set_by, set_at FROM gates ORDER BY queue DESC`)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("gates"), err)
	}
	defer rows.Close()
	var out []review.Gate
	for rows.Next() {
		var g review.Gate
		var at string
		if err := rows.Scan(&g.Queue, &g.MinAccuracy, &g.MinItems, &g.SetBy, &at); err != nil {
			return nil, s.mapErr(fmt.Errorf("gates"), err)
		}
		g.SetAt = parseOpt(at)
		out = append(out, g)
	}
	return out, s.mapErr(fmt.Errorf("gates"), rows.Err())
}

// SetGate sets (or replaces) a queue's gate.
func (s *DB) SetGate(ctx context.Context, actor string, g review.Gate) error {
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO gates (queue, min_accuracy, min_items, set_by, set_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (queue) DO UPDATE SET min_accuracy = excluded.min_accuracy, min_items = excluded.min_items,
				set_by = excluded.set_by, set_at = excluded.set_at`,
			g.Queue, g.MinAccuracy, g.MinItems, actor, review.FormatTime(orNow(g.SetAt, now)))
		if err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, "training.gate_set", "gate:"+g.Queue, map[string]any{
			"min_accuracy": g.MinAccuracy, "min_items": g.MinItems})
		return err
	})
	return s.mapErr(fmt.Errorf("set the %s queue's gate", g.Queue), err)
}

// RemoveGate removes a queue's gate; ENOTFOUND when it has none.
func (s *DB) RemoveGate(ctx context.Context, actor, queue string) error {
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM gates WHERE queue = ?`, queue)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return review.Errorf(review.ENOTFOUND, "the %s queue has no gate", queue)
		}
		_, err = appendEvent(ctx, tx, now, actor, "training.gate_removed", "gate:"+queue, nil)
		return err
	})
	return s.mapErr(fmt.Errorf("remove the %s queue's gate", queue), err)
}

// RecordCertification adds a certification to the history; ENOTFOUND for
// an unknown reviewer.
func (s *DB) RecordCertification(ctx context.Context, actor string, c review.Certification) (review.Certification, error) {
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE name = ?`, c.Reviewer).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return review.Errorf(review.ENOTFOUND, "no account %q", c.Reviewer)
		}
		c.CertifiedBy, c.CertifiedAt = actor, orNow(c.CertifiedAt, now)
		c.Revoked, c.RevokedAt, c.RevokedBy, c.Reason = false, time.Time{}, "", ""
		res, err := tx.ExecContext(ctx, `INSERT INTO certifications (reviewer, queue, certified_by, certified_at, accuracy, items,
			min_accuracy, min_items) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.Reviewer, c.Queue, actor,
			review.FormatTime(c.CertifiedAt), c.Accuracy, c.Items, c.MinAccuracy, c.MinItems)
		if err != nil {
			return err
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, "training.certified", fmt.Sprintf("certification:%d", c.ID), map[string]any{
			"reviewer": c.Reviewer, "queue": c.Queue, "accuracy": c.Accuracy, "items": c.Items,
			"min_accuracy": c.MinAccuracy, "min_items": c.MinItems})
		return err
	})
	if err != nil {
		return review.Certification{}, s.mapErr(fmt.Errorf("certify %s for the %s queue", c.Reviewer, c.Queue), err)
	}
	return c, nil
}

// RevokeCertification revokes reviewer's current certification for queue
// (hidden gold will pause reviewers with it); reason stays in the row, not
// in the event. ENOTFOUND when the reviewer holds none.
func (s *DB) RevokeCertification(ctx context.Context, actor, reviewer, queue, reason string) error {
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM certifications WHERE reviewer = ? AND queue = ?
			ORDER BY id DESC LIMIT 1`, reviewer, queue).Scan(&id)
		if err == sql.ErrNoRows {
			return review.Errorf(review.ENOTFOUND, "%s holds no certification for the %s queue", reviewer, queue)
		} else if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE certifications SET revoked_at = ?, revoked_by = ?, reason = ?
			WHERE id = ? AND revoked_at = ''`, review.FormatTime(now), actor, reason, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return review.Errorf(review.ENOTFOUND, "%s holds no certification for the %s queue", reviewer, queue)
		}
		_, err = appendEvent(ctx, tx, now, actor, "training.certification_revoked", fmt.Sprintf("certification:%d", id),
			map[string]any{"reviewer": reviewer, "queue": queue})
		return err
	})
	return s.mapErr(fmt.Errorf("revoke %s's certification for the %s queue", reviewer, queue), err)
}

// Certifications returns reviewer's certification history (everyone's for
// ""), oldest first.
func (s *DB) Certifications(ctx context.Context, reviewer string) ([]review.Certification, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, reviewer, queue, certified_by, certified_at, accuracy, items,
			min_accuracy, min_items, revoked_at, revoked_by, reason
		FROM certifications WHERE ?1 = '' OR reviewer = ?1 ORDER BY certified_at, id`, reviewer)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("certifications"), err)
	}
	defer rows.Close()
	var out []review.Certification
	for rows.Next() {
		var c review.Certification
		var at, revoked string
		if err := rows.Scan(&c.ID, &c.Reviewer, &c.Queue, &c.CertifiedBy, &at, &c.Accuracy, &c.Items,
			&c.MinAccuracy, &c.MinItems, &revoked, &c.RevokedBy, &c.Reason); err != nil {
			return nil, s.mapErr(fmt.Errorf("certifications"), err)
		}
		c.CertifiedAt, c.RevokedAt, c.Revoked = parseOpt(at), parseOpt(revoked), revoked != ""
		out = append(out, c)
	}
	return out, s.mapErr(fmt.Errorf("certifications"), rows.Err())
}

// Certified reports whether reviewer may claim queue's live items: the
// queue has no gate, or the reviewer's latest certification for it is not
// revoked. It runs on every claim: one probe of the gates' key and one of
// certifications_current.
func (s *DB) Certified(ctx context.Context, reviewer, queue string) (bool, error) {
	var ok bool
	err := s.db.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM gates WHERE queue = ?1)
		OR coalesce((SELECT revoked_at = '' FROM certifications WHERE reviewer = ?2 AND queue = ?1
			ORDER BY id DESC LIMIT 1), 0)`, queue, reviewer).Scan(&ok)
	if err != nil {
		return false, s.mapErr(fmt.Errorf("certification of %s for the %s queue", reviewer, queue), err)
	}
	return ok, nil
}

// IsGoldSource reports whether an item is the source of any gold item.
func (s *DB) IsGoldSource(ctx context.Context, itemID int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM gold_items WHERE item_id = ?`, itemID).Scan(&n)
	return n > 0, s.mapErr(fmt.Errorf("gold source %d", itemID), err)
}
