package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"synthreview/review"
)

// Import stores one imported file's records and its "import.done" event in
// one transaction. A consent record that arrives withdrawn re-opens the
// items that relied on it.
func (s *DB) Import(ctx context.Context, actor string, b review.ImportBatch) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if p := b.Provider; p != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO provider (id, name, uscc, updated_at) VALUES (1, ?, ?, ?)
				ON CONFLICT(id) DO UPDATE SET name = excluded.name, uscc = excluded.uscc, updated_at = excluded.updated_at`,
				p.Name, p.USCC, review.FormatTime(now)); err != nil {
				return err
			}
			for _, c := range p.ProducerCodes {
				if _, err := tx.ExecContext(ctx, `INSERT INTO producer_codes (code, service, note) VALUES (?, ?, ?)
					ON CONFLICT(code) DO UPDATE SET service = excluded.service, note = excluded.note`, c.Code, c.Service, c.Note); err != nil {
					return err
				}
			}
		}
		for _, sv := range b.Services {
			if _, err := tx.ExecContext(ctx, `INSERT INTO services (name, category, algorithm_filing, model) VALUES (?, ?, ?, ?)
				ON CONFLICT(name) DO UPDATE SET category = excluded.category, algorithm_filing = excluded.algorithm_filing, model = excluded.model`,
				sv.Name, string(sv.Category), sv.Filing, sv.Model); err != nil {
				return err
			}
		}
		for _, a := range b.Assessments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO assessments (id, service, model, date, scope, status) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT(id) DO UPDATE SET service = excluded.service, model = excluded.model, date = excluded.date,
				scope = excluded.scope, status = excluded.status`,
				a.ID, a.Service, a.Model, review.FormatTime(a.Date), a.Scope, a.Status); err != nil {
				return err
			}
		}
		for _, r := range b.RealNames {
			if err := s.putRealNameTx(ctx, tx, now, actor, r); err != nil {
				return err
			}
		}
		for _, c := range b.Consents {
			if err := s.putConsentTx(ctx, tx, now, actor, c); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO imports (kind, file_name, file_sha256, records, actor, at) VALUES (?, ?, ?, ?, ?, ?)`,
			b.Kind, b.FileName, b.FileSHA256, b.Records(), actor, review.FormatTime(now))
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		_, err = appendEvent(ctx, tx, now, actor, "import.done", fmt.Sprintf("import:%d", id), map[string]any{
			"kind": b.Kind, "file_sha256": b.FileSHA256, "records": b.Records(),
			"services": len(b.Services), "assessments": len(b.Assessments), "realname": len(b.RealNames), "consents": len(b.Consents)})
		return err
	})
	return id, err
}

// RealNameOf returns a user's real-name record, or ENOTFOUND.
func (s *DB) RealNameOf(ctx context.Context, userID string) (review.RealName, error) {
	var r review.RealName
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT user_id, method, result, verified_at, masked_id, id_hash FROM real_names WHERE user_id = ?`, userID).
		Scan(&r.UserID, &r.Method, &r.Result, &at, &r.MaskedID, &r.IDHash)
	if err == sql.ErrNoRows {
		return r, review.Errorf(review.ENOTFOUND, "no real-name record for %s", userID)
	}
	r.VerifiedAt = parseOpt(at)
	return r, s.mapErr(fmt.Errorf("real-name record of %s", userID), err)
}

// WithdrawConsent marks a consent record withdrawn at `at` (PIPL Art. 15)
// and re-opens the decided items that relied on it, in one transaction.
func (s *DB) WithdrawConsent(ctx context.Context, actor, id string, at time.Time) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		n, err = s.withdrawTx(ctx, tx, now, actor, id, at)
		return err
	})
	return n, err
}

func (s *DB) withdrawTx(ctx context.Context, tx *sql.Tx, now time.Time, actor, id string, at time.Time) (int, error) {
	var old string
	err := tx.QueryRowContext(ctx, `SELECT withdrawn_at FROM consents WHERE id = ?`, id).Scan(&old)
	if err == sql.ErrNoRows {
		return 0, review.Errorf(review.ENOTFOUND, "no consent record %q", id)
	} else if err != nil {
		return 0, err
	}
	if old != "" {
		return 0, review.Errorf(review.ECONFLICT, "consent %s was already withdrawn at %s", id, old)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE consents SET withdrawn_at = ? WHERE id = ?`, review.FormatTime(at), id); err != nil {
		return 0, err
	}
	if _, err := appendEvent(ctx, tx, now, actor, "consent.withdrawn", "consent:"+id,
		map[string]any{"withdrawn_at": review.FormatTime(at), "basis": "PIPL 15"}); err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.state, i.queue FROM items i JOIN item_consents c ON c.item_id = i.id
		WHERE c.consent_id = ? ORDER BY i.id`, id)
	if err != nil {
		return 0, err
	}
	type dep struct {
		id           int64
		state, queue string
	}
	var deps []dep
	for rows.Next() {
		var d dep
		if err := rows.Scan(&d.id, &d.state, &d.queue); err != nil {
			rows.Close()
			return 0, err
		}
		deps = append(deps, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	reopened := 0
	for _, d := range deps {
		next, err := review.Next(review.State(d.state), d.queue, review.MoveReopen)
		if err != nil {
			continue // not decided yet: it is still waiting for a reviewer, who sees the withdrawal
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET state = ?, queue = ?, priority = max(priority, 10), updated_at = ? WHERE id = ?`,
			string(next), review.QueueAfter(d.queue, review.MoveReopen), review.FormatTime(now), d.id); err != nil {
			return 0, err
		}
		if _, err := appendEvent(ctx, tx, now, actor, "item.reopened", itemSubject(d.id),
			map[string]any{"from": d.state, "to": next, "because": "consent:" + id + " withdrawn"}); err != nil {
			return 0, err
		}
		reopened++
	}
	return reopened, nil
}

// Provider returns the provider profile with its producer codes (ordered
// by code), or ENOTFOUND before a provider import.
func (s *DB) Provider(ctx context.Context) (review.Provider, error) {
	var p review.Provider
	err := s.db.QueryRowContext(ctx, `SELECT name, uscc FROM provider WHERE id = 1`).Scan(&p.Name, &p.USCC)
	if err == sql.ErrNoRows {
		return p, review.Errorf(review.ENOTFOUND, "no provider profile yet: import provider.json first")
	} else if err != nil {
		return p, s.mapErr(fmt.Errorf("provider"), err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT code, service, note FROM producer_codes ORDER BY code`)
	if err != nil {
		return p, s.mapErr(fmt.Errorf("producer codes"), err)
	}
	defer rows.Close()
	for rows.Next() {
		var c review.ProducerCode
		if err := rows.Scan(&c.Code, &c.Service, &c.Note); err != nil {
			return p, s.mapErr(fmt.Errorf("producer codes"), err)
		}
		p.ProducerCodes = append(p.ProducerCodes, c)
	}
	return p, s.mapErr(fmt.Errorf("producer codes"), rows.Err())
}
