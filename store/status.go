package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"synthreview/review"
)

var _ review.StatusReader = (*DB)(nil)

// Status counts the workspace's records in one read transaction.
func (s *DB) Status(ctx context.Context) (review.Status, error) {
	st := review.Status{ByState: map[review.State]int{}}
	for _, state := range review.States {
		st.ByState[state] = 0
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return st, s.mapErr(fmt.Errorf("status of %s", s.path), err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT state, count(*) FROM items GROUP BY state`)
	if err != nil {
		return st, s.mapErr(fmt.Errorf("status of %s", s.path), err)
	}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			rows.Close()
			return st, err
		}
		st.ByState[review.State(state)] = n
		st.Items += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	counts := []struct {
		q   string
		dst *int
	}{
		{`SELECT count(*) FROM intake_errors WHERE resolved_at = ''`, &st.IntakeErrors},
		{`SELECT count(*) FROM accounts`, &st.Accounts},
		{`SELECT count(*) FROM complaints`, &st.Complaints},
		{`SELECT count(*) FROM consents`, &st.Consents},
	}
	for _, c := range counts {
		if err := tx.QueryRowContext(ctx, c.q).Scan(c.dst); err != nil {
			return st, s.mapErr(fmt.Errorf("status of %s", s.path), err)
		}
	}
	overdue := review.FormatTime(s.Now().Add(-review.OutboxAckLimit))
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(created_at < ?), 0) FROM outbox WHERE acked_at = '' AND cancelled_at = ''`, overdue).
		Scan(&st.OutboxUnacked, &st.OutboxOverdue); err != nil {
		return st, s.mapErr(fmt.Errorf("status of %s", s.path), err)
	}
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1`).Scan(&st.Events, &st.ChainHead)
	if err == sql.ErrNoRows {
		st.ChainHead = review.GenesisHash
	} else if err != nil {
		return st, s.mapErr(fmt.Errorf("status of %s", s.path), err)
	}
	err = tx.QueryRowContext(ctx, `SELECT at FROM events WHERE kind = 'audit.checkpoint' ORDER BY seq DESC LIMIT 1`).Scan(&st.LastCheckpoint)
	if err != nil && err != sql.ErrNoRows {
		return st, s.mapErr(fmt.Errorf("status of %s", s.path), err)
	}
	return st, nil
}

// Meta returns a workspace setting, or "" when unset.
func (s *DB) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, s.mapErr(fmt.Errorf("setting %s", key), err)
}

// SetMeta stores a workspace setting with its event.
func (s *DB) SetMeta(ctx context.Context, actor, key, value string) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
			key, value); err != nil {
			return err
		}
		_, err := appendEvent(ctx, tx, now, actor, "setting.changed", "setting:"+key, map[string]any{"value": value})
		return err
	})
}

// Checkpoint is a signed chain head.
type Checkpoint struct {
	HeadSeq    int64  `json:"head_seq"`
	HeadHash   string `json:"head_hash"`
	Signature  string `json:"signature"`   // base64 ASN.1 ECDSA over CheckpointMessage
	CertSHA256 string `json:"cert_sha256"` // the signing certificate's fingerprint
}

// CheckpointMessage is the text a checkpoint signature covers.
func CheckpointMessage(seq int64, hash string) []byte {
	return fmt.Appendf(nil, "synthreview-checkpoint-v1\n%d\n%s\n", seq, hash)
}

// RecordCheckpoint signs the current chain head with sign and appends the
// "audit.checkpoint" event holding the signature, in one transaction so
// the head cannot move between reading and signing.
func (s *DB) RecordCheckpoint(ctx context.Context, actor string, sign func(msg []byte) (sig, certSHA256 string, err error)) (Checkpoint, error) {
	var cp Checkpoint
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1`).Scan(&cp.HeadSeq, &cp.HeadHash)
		if err == sql.ErrNoRows {
			cp.HeadSeq, cp.HeadHash = 0, review.GenesisHash
		} else if err != nil {
			return err
		}
		cp.Signature, cp.CertSHA256, err = sign(CheckpointMessage(cp.HeadSeq, cp.HeadHash))
		if err != nil {
			return fmt.Errorf("sign chain head: %w", err)
		}
		_, err = appendEvent(ctx, tx, now, actor, "audit.checkpoint", "chain", cp)
		return err
	})
	return cp, err
}

// Checkpoints returns every checkpoint event, oldest first.
func (s *DB) Checkpoints(ctx context.Context) ([]review.Event, error) {
	out, err := queryEvents(ctx, s.db, `WHERE kind = 'audit.checkpoint' ORDER BY seq`)
	return out, s.mapErr(fmt.Errorf("checkpoints"), err)
}
