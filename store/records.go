package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"synthreview/review"
)

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func fmtOpt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return review.FormatTime(t)
}

func parseOpt(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// phash is the keyed hash of a personal field for events.
func (s *DB) phash(field, value string) string {
	if value == "" {
		return ""
	}
	return review.PersonalHash(s.PersonalKey, field, value)
}

// PutPlatformUser records or updates a platform user's personal profile.
func (s *DB) PutPlatformUser(ctx context.Context, actor, id, displayName, phone string) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO platform_users (id, display_name, phone) VALUES (?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, phone = excluded.phone, erased_at = NULL`,
			id, displayName, phone); err != nil {
			return err
		}
		_, err := appendEvent(ctx, tx, now, actor, "user.recorded", "user:"+id, map[string]any{
			"display_name_hash": s.phash("display_name", displayName), "phone_hash": s.phash("phone", phone)})
		return err
	})
}

// RecordComplaint stores a complaint and its event (contact and text hashed).
func (s *DB) RecordComplaint(ctx context.Context, actor string, c review.Complaint) (review.Complaint, error) {
	if c.Status == "" {
		c.Status = "open"
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var item any
		if c.ItemID != 0 {
			item = c.ItemID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO complaints (kind, channel, contact, reporter_id, category, item_id, produce_id,
			text, received_at, due_at, status, reply) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Kind, c.Channel, c.Contact, c.ReporterID, c.Category, item, c.ProduceID, c.Text,
			review.FormatTime(c.ReceivedAt), review.FormatTime(c.DueAt), c.Status, c.Reply)
		if err != nil {
			return err
		}
		c.ID, _ = res.LastInsertId()
		_, err = appendEvent(ctx, tx, now, actor, "complaint.recorded", fmt.Sprintf("complaint:%d", c.ID), map[string]any{
			"kind": c.Kind, "channel": c.Channel, "category": c.Category, "item": c.ItemID, "produce_id": c.ProduceID,
			"reporter": c.ReporterID, "received_at": review.FormatTime(c.ReceivedAt), "due_at": review.FormatTime(c.DueAt),
			"status": c.Status, "contact_hash": s.phash("contact", c.Contact), "text_hash": s.phash("text", c.Text)})
		return err
	})
	return c, err
}

// PutConsent records or updates a consent record with its event (subject
// name hashed); a record that arrives withdrawn re-opens dependent items.
func (s *DB) PutConsent(ctx context.Context, actor string, c review.Consent) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error { return s.putConsentTx(ctx, tx, now, actor, c) })
}

func (s *DB) putConsentTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, c review.Consent) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var oldWithdrawn string
	err := tx.QueryRowContext(ctx, `SELECT withdrawn_at FROM consents WHERE id = ?`, c.ID).Scan(&oldWithdrawn)
	exists := err == nil
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO consents (id, subject_id, subject_name, scope, notice_version, channel,
		granted_at, expires_at, evidence_sha256, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '')
		ON CONFLICT(id) DO UPDATE SET subject_id = excluded.subject_id, subject_name = excluded.subject_name,
		scope = excluded.scope, notice_version = excluded.notice_version, channel = excluded.channel,
		granted_at = excluded.granted_at, expires_at = excluded.expires_at, evidence_sha256 = excluded.evidence_sha256`,
		c.ID, c.SubjectID, c.SubjectName, c.Scope, c.NoticeVersion, c.Channel, review.FormatTime(c.GrantedAt),
		fmtOpt(c.ExpiresAt), c.EvidenceSHA256); err != nil {
		return s.mapErr(fmt.Errorf("consent %s", c.ID), err)
	}
	kind := "consent.recorded"
	if exists {
		kind = "consent.updated"
	}
	if _, err := appendEvent(ctx, tx, now, actor, kind, "consent:"+c.ID, map[string]any{
		"subject": c.SubjectID, "scope": c.Scope, "notice_version": c.NoticeVersion, "channel": c.Channel,
		"granted_at": review.FormatTime(c.GrantedAt), "expires_at": fmtOpt(c.ExpiresAt),
		"evidence_sha256": c.EvidenceSHA256, "subject_name_hash": s.phash("subject_name", c.SubjectName)}); err != nil {
		return err
	}
	if !c.WithdrawnAt.IsZero() && oldWithdrawn == "" {
		_, err := s.withdrawTx(ctx, tx, now, actor, c.ID, c.WithdrawnAt)
		return err
	}
	return nil
}

// Consent returns one consent record or ENOTFOUND.
func (s *DB) Consent(ctx context.Context, id string) (review.Consent, error) {
	var c review.Consent
	var granted, expires, withdrawn string
	err := s.db.QueryRowContext(ctx, `SELECT id, subject_id, subject_name, scope, notice_version, channel, granted_at,
		expires_at, evidence_sha256, withdrawn_at FROM consents WHERE id = ?`, id).Scan(&c.ID, &c.SubjectID, &c.SubjectName,
		&c.Scope, &c.NoticeVersion, &c.Channel, &granted, &expires, &c.EvidenceSHA256, &withdrawn)
	if err == sql.ErrNoRows {
		return c, review.Errorf(review.ENOTFOUND, "no consent record %q", id)
	} else if err != nil {
		return c, s.mapErr(fmt.Errorf("consent %s", id), err)
	}
	c.GrantedAt, c.ExpiresAt, c.WithdrawnAt = parseOpt(granted), parseOpt(expires), parseOpt(withdrawn)
	return c, nil
}

// PutRealName records a real-name verification result (DSP Art. 9).
func (s *DB) PutRealName(ctx context.Context, actor string, r review.RealName) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error { return s.putRealNameTx(ctx, tx, now, actor, r) })
}

func (s *DB) putRealNameTx(ctx context.Context, tx *sql.Tx, now time.Time, actor string, r review.RealName) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO real_names (user_id, method, result, verified_at, masked_id, id_hash)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET method = excluded.method, result = excluded.result,
		verified_at = excluded.verified_at, masked_id = excluded.masked_id, id_hash = excluded.id_hash`,
		r.UserID, r.Method, r.Result, review.FormatTime(r.VerifiedAt), r.MaskedID, r.IDHash); err != nil {
		return s.mapErr(fmt.Errorf("real-name record of %s", r.UserID), err)
	}
	_, err := appendEvent(ctx, tx, now, actor, "realname.recorded", "user:"+r.UserID, map[string]any{
		"method": r.Method, "result": r.Result, "verified_at": review.FormatTime(r.VerifiedAt), "id_hash": r.IDHash})
	return err
}

// RecordIntakeError records that the delivery called name (its sidecar or
// output file name) was rejected, with the reason. Recording the same name
// again while its error is open updates the reason instead of adding a row,
// so a re-run after a crash never counts one bad delivery twice.
func (s *DB) RecordIntakeError(ctx context.Context, name, reason string) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var id int64
		var old string
		err := tx.QueryRowContext(ctx, `SELECT id, reason FROM intake_errors WHERE path = ? AND resolved_at = ''`, name).Scan(&id, &old)
		switch {
		case err == sql.ErrNoRows:
			res, err := tx.ExecContext(ctx, `INSERT INTO intake_errors (path, reason, at) VALUES (?, ?, ?)`, name, reason, review.FormatTime(now))
			if err != nil {
				return err
			}
			id, _ = res.LastInsertId()
		case err != nil:
			return err
		case old == reason:
			return nil
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE intake_errors SET reason = ?, at = ? WHERE id = ?`, reason, review.FormatTime(now), id); err != nil {
				return err
			}
		}
		_, err = appendEvent(ctx, tx, now, "system", "intake.error", fmt.Sprintf("intake_error:%d", id),
			map[string]any{"name": name, "reason": reason})
		return err
	})
}

// ResolveIntakeError closes the open intake error of name, if any, after
// the delivery was taken on a re-run.
func (s *DB) ResolveIntakeError(ctx context.Context, name string, itemID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM intake_errors WHERE path = ? AND resolved_at = ''`, name).Scan(&id)
		if err == sql.ErrNoRows {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE intake_errors SET resolved_at = ? WHERE id = ?`, review.FormatTime(now), id); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, "system", "intake.resolved", fmt.Sprintf("intake_error:%d", id),
			map[string]any{"name": name, "item": itemID})
		return err
	})
}

// IntakeError is one rejected delivery.
type IntakeError struct {
	ID     int64
	Name   string
	Reason string
	At     time.Time
}

// OpenIntakeErrors lists the unresolved intake errors, oldest first.
func (s *DB) OpenIntakeErrors(ctx context.Context) ([]IntakeError, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, path, reason, at FROM intake_errors WHERE resolved_at = '' ORDER BY id`)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("intake errors"), err)
	}
	defer rows.Close()
	var out []IntakeError
	for rows.Next() {
		var e IntakeError
		var at string
		if err := rows.Scan(&e.ID, &e.Name, &e.Reason, &at); err != nil {
			return nil, err
		}
		e.At = parseOpt(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ErasePersonal carries out a deletion request (PIPL Art. 47) for the
// platform user or consent subject id: it clears every PERSONAL column that
// belongs to them (profile, real-name identifiers, prompts of their items,
// complaints they made, consent subject names) and records one
// "personal.erased" event that names only the id and what was cleared. The
// events themselves never held the data, so the chain still verifies.
func (s *DB) ErasePersonal(ctx context.Context, actor, personID string) (map[string]int64, error) {
	counts := map[string]int64{}
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		steps := []struct {
			name, sql string
		}{
			{"platform_users", `UPDATE platform_users SET display_name = '', phone = '', erased_at = ?1 WHERE id = ?2`},
			{"real_names", `UPDATE real_names SET masked_id = '', id_hash = '' WHERE user_id = ?2 AND ?1 <> ''`},
			{"item_prompts", `UPDATE items SET prompt = '', updated_at = ?1 WHERE user_id = ?2 AND prompt <> ''`},
			{"complaints", `UPDATE complaints SET contact = '', text = '[erased]' WHERE reporter_id = ?2 AND ?1 <> ''`},
			{"consents", `UPDATE consents SET subject_name = '' WHERE subject_id = ?2 AND ?1 <> ''`},
		}
		var total int64
		for _, st := range steps {
			res, err := tx.ExecContext(ctx, st.sql, review.FormatTime(now), personID)
			if err != nil {
				return fmt.Errorf("erase %s: %w", st.name, err)
			}
			n, _ := res.RowsAffected()
			counts[st.name] = n
			total += n
		}
		if total == 0 {
			return review.Errorf(review.ENOTFOUND, "no personal data stored for %q", personID)
		}
		_, err := appendEvent(ctx, tx, now, actor, "personal.erased", "person:"+personID, map[string]any{"cleared": counts, "basis": "PIPL 47"})
		return err
	})
	return counts, err
}
