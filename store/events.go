package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"synthreview/review"
)

// appendEvent writes one event in tx, chained to the last one. payload is
// marshalled to JSON; it must hold no personal data (use PersonalHash).
func appendEvent(ctx context.Context, tx *sql.Tx, now time.Time, actor, kind, subject string, payload any) (review.Event, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return review.Event{}, fmt.Errorf("event %s: %w", kind, err)
	}
	if len(body) == 0 || string(body) == "null" {
		body = []byte("{}")
	}
	var seq int64
	prev := review.GenesisHash
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if err != nil && err != sql.ErrNoRows {
		return review.Event{}, err
	}
	if err == sql.ErrNoRows {
		prev = review.GenesisHash
	}
	e := review.Event{Seq: seq + 1, At: now, Actor: actor, Kind: kind, Subject: subject, Payload: string(body), PrevHash: prev}
	at := review.FormatTime(now)
	e.Hash = review.EventHash(e.Seq, at, actor, kind, subject, e.Payload, prev)
	_, err = tx.ExecContext(ctx, `INSERT INTO events (seq, at, actor, kind, subject, payload, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, at, actor, kind, subject, e.Payload, prev, e.Hash)
	if err != nil {
		return review.Event{}, fmt.Errorf("append event %s: %w", kind, err)
	}
	return e, nil
}

// AppendEvent records a standalone event (one transaction).
func (s *DB) AppendEvent(ctx context.Context, actor, kind, subject string, payload any) (review.Event, error) {
	var e review.Event
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var err error
		e, err = appendEvent(ctx, tx, now, actor, kind, subject, payload)
		return err
	})
	return e, err
}

// Verify recomputes the whole chain, streaming rows in seq order, and returns
// the number of events and the head hash. A bad row gives a
// *review.ChainError naming its seq. It reads in one transaction, so it sees
// a consistent snapshot while other processes append.
func (s *DB) Verify(ctx context.Context, progress func(done, total int64)) (int64, string, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, "", s.mapErr(fmt.Errorf("verify %s", s.path), err)
	}
	defer tx.Rollback()
	var total int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&total); err != nil {
		return 0, "", s.mapErr(fmt.Errorf("verify %s", s.path), err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor, kind, subject, payload, prev_hash, hash FROM events ORDER BY seq`)
	if err != nil {
		return 0, "", s.mapErr(fmt.Errorf("verify %s", s.path), err)
	}
	defer rows.Close()
	v := review.NewChainVerifier()
	var seq int64
	var at, actor, kind, subject, payload, prev, hash string
	var done int64
	for rows.Next() {
		if err := rows.Scan(&seq, &at, &actor, &kind, &subject, &payload, &prev, &hash); err != nil {
			return 0, "", fmt.Errorf("verify: read event after %d: %w", done, err)
		}
		if err := v.Add(seq, at, actor, kind, subject, payload, prev, hash); err != nil {
			return done, "", err
		}
		done++
		if progress != nil && done%65536 == 0 {
			progress(done, total)
		}
	}
	if err := rows.Err(); err != nil {
		return done, "", s.mapErr(fmt.Errorf("verify %s", s.path), err)
	}
	if progress != nil {
		progress(done, total)
	}
	n, head := v.Head()
	return n, head, nil
}

// EventsFor returns the events of one subject, oldest first.
func (s *DB) EventsFor(ctx context.Context, subject string) ([]review.Event, error) {
	out, err := eventsOf(ctx, s.db, subject)
	return out, s.mapErr(fmt.Errorf("events of %s", subject), err)
}

// Head returns the last event's seq and hash (0 and the genesis hash when
// the log is empty).
func (s *DB) Head(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	err := s.db.QueryRowContext(ctx, `SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if err == sql.ErrNoRows {
		return 0, review.GenesisHash, nil
	}
	return seq, hash, s.mapErr(fmt.Errorf("read chain head of %s", s.path), err)
}

// HashAt returns the stored hash of event seq, or ENOTFOUND.
func (s *DB) HashAt(ctx context.Context, seq int64) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT hash FROM events WHERE seq = ?`, seq).Scan(&h)
	if err == sql.ErrNoRows {
		return "", review.Errorf(review.ENOTFOUND, "no event %d", seq)
	}
	return h, s.mapErr(fmt.Errorf("event %d", seq), err)
}

// queryEvents reads events, every column, with the given WHERE/ORDER
// clause (the one place that scans event rows).
func queryEvents(ctx context.Context, q querier, clause string, args ...any) ([]review.Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, at, actor, kind, subject, payload, prev_hash, hash FROM events `+clause, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []review.Event
	for rows.Next() {
		var e review.Event
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Kind, &e.Subject, &e.Payload, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.At = parseOpt(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
