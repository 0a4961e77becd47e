package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"synthreview/review"
)

var _ review.AccountStore = (*DB)(nil)

// CreateAccount stores a new account and its "account.created" event. The
// caller has checked the actor's role (review.AccountService does).
func (s *DB) CreateAccount(ctx context.Context, actor string, a review.Account, passwordHash string) (review.Account, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO accounts (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)`,
			a.Name, string(a.Role), passwordHash, review.FormatTime(now))
		if err != nil {
			return s.mapErr(fmt.Errorf("account %q", a.Name), err)
		}
		a.ID, _ = res.LastInsertId()
		a.Created = now
		_, err = appendEvent(ctx, tx, now, actor, "account.created", fmt.Sprintf("account:%d", a.ID),
			map[string]any{"name": a.Name, "role": a.Role})
		return err
	})
	return a, err
}

// AccountByName returns an account and its password hash, or ENOTFOUND.
func (s *DB) AccountByName(ctx context.Context, name string) (review.Account, string, error) {
	var a review.Account
	var role, created, hash string
	var disabled int
	err := s.db.QueryRowContext(ctx, `SELECT id, name, role, disabled, created_at, password_hash FROM accounts WHERE name = ?`, name).
		Scan(&a.ID, &a.Name, &role, &disabled, &created, &hash)
	if err == sql.ErrNoRows {
		return a, "", review.Errorf(review.ENOTFOUND, "no account named %q", name)
	} else if err != nil {
		return a, "", s.mapErr(fmt.Errorf("account %q", name), err)
	}
	a.Role, a.Disabled = review.Role(role), disabled != 0
	a.Created, _ = time.Parse(time.RFC3339Nano, created)
	return a, hash, nil
}

// ListAccounts returns every account, by name.
func (s *DB) ListAccounts(ctx context.Context) ([]review.Account, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, role, disabled, created_at FROM accounts ORDER BY name`)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("list accounts"), err)
	}
	defer rows.Close()
	var out []review.Account
	for rows.Next() {
		var a review.Account
		var role, created string
		var disabled int
		if err := rows.Scan(&a.ID, &a.Name, &role, &disabled, &created); err != nil {
			return nil, err
		}
		a.Role, a.Disabled = review.Role(role), disabled != 0
		a.Created, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, a)
	}
	return out, rows.Err()
}
