package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"synthreview/review"
)

// RuleSetRecord is one version of the workspace's rules.
type RuleSetRecord struct {
	Version, Bundle, Status, ApprovedBy string
	SeenAt, ApprovedAt                  time.Time
}

// NoteRuleSet records a rules version seen on disk as pending (once, with
// its "rules.pending" event) and returns its record.
func (s *DB) NoteRuleSet(ctx context.Context, version, bundle string) (RuleSetRecord, error) {
	var r RuleSetRecord
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		r, err = ruleSetTx(ctx, tx, version)
		if err == nil {
			return nil
		} else if err != sql.ErrNoRows {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rule_sets (version, bundle, status, seen_at) VALUES (?, ?, 'pending', ?)`,
			version, bundle, review.FormatTime(now)); err != nil {
			return err
		}
		r = RuleSetRecord{Version: version, Bundle: bundle, Status: "pending", SeenAt: now}
		_, err = appendEvent(ctx, tx, now, "system", "rules.pending", "rules:"+version, map[string]any{"bundle_sha256": bundle})
		return err
	})
	return r, err
}

func ruleSetTx(ctx context.Context, tx *sql.Tx, version string) (RuleSetRecord, error) {
	var r RuleSetRecord
	var seen, appr string
	err := tx.QueryRowContext(ctx, `SELECT version, bundle, status, seen_at, approved_by, approved_at FROM rule_sets WHERE version = ?`, version).
		Scan(&r.Version, &r.Bundle, &r.Status, &seen, &r.ApprovedBy, &appr)
	r.SeenAt, r.ApprovedAt = parseOpt(seen), parseOpt(appr)
	return r, err
}

// ApproveRuleSet makes a pending version the approved one (the previous
// approved version becomes superseded), with its "rules.approved" event.
func (s *DB) ApproveRuleSet(ctx context.Context, actor, version string) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		r, err := ruleSetTx(ctx, tx, version)
		if err == sql.ErrNoRows {
			return review.Errorf(review.ENOTFOUND, "no rules version %s has been seen", version)
		} else if err != nil {
			return err
		}
		if r.Status == "approved" {
			return review.Errorf(review.ECONFLICT, "rules version %s is already approved", version)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rule_sets SET status = 'superseded' WHERE status = 'approved'`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rule_sets SET status = 'approved', approved_by = ?, approved_at = ? WHERE version = ?`,
			actor, review.FormatTime(now), version); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, "rules.approved", "rules:"+version, map[string]any{"bundle_sha256": r.Bundle})
		return err
	})
}

// ApprovedRuleSet returns the approved version, or ENOTFOUND.
func (s *DB) ApprovedRuleSet(ctx context.Context) (RuleSetRecord, error) {
	var r RuleSetRecord
	var seen, appr string
	err := s.db.QueryRowContext(ctx, `SELECT version, bundle, status, seen_at, approved_by, approved_at FROM rule_sets WHERE status = 'approved'`).
		Scan(&r.Version, &r.Bundle, &r.Status, &seen, &r.ApprovedBy, &appr)
	if err == sql.ErrNoRows {
		return r, review.Errorf(review.ENOTFOUND, "no approved rules version")
	}
	r.SeenAt, r.ApprovedAt = parseOpt(seen), parseOpt(appr)
	return r, s.mapErr(fmt.Errorf("approved rules"), err)
}

// AssessmentFor returns the newest assessment of a service (for the model,
// or one covering every model), or ENOTFOUND.
func (s *DB) AssessmentFor(ctx context.Context, service, model string) (review.Assessment, error) {
	var a review.Assessment
	var date string
	err := s.db.QueryRowContext(ctx, `SELECT id, service, model, date, scope, status FROM assessments
		WHERE service = ? AND (model = '' OR model = ?) ORDER BY (status = 'passed') DESC, date DESC LIMIT 1`, service, model).
		Scan(&a.ID, &a.Service, &a.Model, &date, &a.Scope, &a.Status)
	if err == sql.ErrNoRows {
		return a, review.Errorf(review.ENOTFOUND, "no assessment of %s", service)
	}
	a.Date = parseOpt(date)
	return a, s.mapErr(fmt.Errorf("assessment of %s", service), err)
}
