package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"synthreview/review"
)

// This file holds the reads of the register screens (issue 9): the consent
// and real-name lists, the logged unmask, what personal data is held for a
// person and who is past the retention period. Writes reuse
// WithdrawConsent and ErasePersonal.

var (
	_ review.ConsentStore  = (*DB)(nil)
	_ review.RealNameStore = (*DB)(nil)
	_ review.PersonalStore = (*DB)(nil)
)

// consentWhere builds the WHERE clause of a consent filter. The state is
// taken at f.At: withdrawn once withdrawn_at has come, expired once
// expires_at has passed (review.ConsentStateAt says the same in Go).
func consentWhere(f review.ConsentFilter) (string, []any) {
	var conds []string
	var args []any
	if q := strings.ToLower(f.Query); q != "" {
		conds = append(conds, `(instr(lower(c.id), ?) > 0 OR instr(lower(c.subject_id), ?) > 0)`)
		args = append(args, q, q)
	}
	if f.Scope != "" {
		conds = append(conds, `c.scope = ?`)
		args = append(args, f.Scope)
	}
	at := review.FormatTime(f.At)
	const withdrawn = `(c.withdrawn_at <> '' AND c.withdrawn_at <= ?)`
	const expired = `(c.expires_at <> '' AND c.expires_at <= ?)`
	switch f.State {
	case review.ConsentWithdrawn:
		conds = append(conds, withdrawn)
		args = append(args, at)
	case review.ConsentExpired:
		conds = append(conds, `NOT `+withdrawn+` AND `+expired)
		args = append(args, at, at)
	case review.ConsentValid:
		conds = append(conds, `NOT `+withdrawn+` AND NOT `+expired)
		args = append(args, at, at)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ConsentPage returns one page of consent records, newest grant first, and
// how many the filter selects. The subject's name comes masked.
func (s *DB) ConsentPage(ctx context.Context, f review.ConsentFilter) ([]review.ConsentRow, int, error) {
	where, args := consentWhere(f)
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM consents c`+where, args...).Scan(&total); err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("consent list"), err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.subject_id, c.subject_name, c.scope, c.granted_at, c.expires_at,
		c.withdrawn_at, (SELECT count(*) FROM item_consents ic WHERE ic.consent_id = c.id)
		FROM consents c`+where+` ORDER BY c.granted_at DESC, c.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("consent list"), err)
	}
	defer rows.Close()
	var out []review.ConsentRow
	for rows.Next() {
		var r review.ConsentRow
		var name, granted, expires, withdrawn string
		if err := rows.Scan(&r.ID, &r.SubjectID, &name, &r.Scope, &granted, &expires, &withdrawn, &r.Items); err != nil {
			return nil, 0, s.mapErr(fmt.Errorf("consent list"), err)
		}
		r.SubjectMasked = review.Mask(name, 1)
		r.GrantedAt, r.ExpiresAt, r.WithdrawnAt = parseOpt(granted), parseOpt(expires), parseOpt(withdrawn)
		r.State = review.ConsentStateAt(review.Consent{GrantedAt: r.GrantedAt, ExpiresAt: r.ExpiresAt, WithdrawnAt: r.WithdrawnAt}, f.At)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("consent list"), err)
	}
	return out, total, nil
}

// ConsentDetail returns a consent record (subject name as stored: the
// service masks it), its state at at, and the items that relied on it
// (at most review.MaxPage, by id, with their number), or ENOTFOUND. The
// evidence file is the service's to read.
func (s *DB) ConsentDetail(ctx context.Context, id string, at time.Time) (review.ConsentDetail, error) {
	var d review.ConsentDetail
	c, err := s.Consent(ctx, id)
	if err != nil {
		return d, err
	}
	d.Consent, d.State = c, review.ConsentStateAt(c, at)
	d.Evidence = review.EvidenceFile{SHA256: c.EvidenceSHA256}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM item_consents WHERE consent_id = ?`, id).Scan(&d.ItemsTotal); err != nil {
		return d, s.mapErr(fmt.Errorf("items of consent %s", id), err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.produce_id, i.state, i.queue FROM item_consents ic
		JOIN items i ON i.id = ic.item_id WHERE ic.consent_id = ? ORDER BY i.id LIMIT ?`, id, review.MaxPage)
	if err != nil {
		return d, s.mapErr(fmt.Errorf("items of consent %s", id), err)
	}
	defer rows.Close()
	for rows.Next() {
		var it review.ConsentItem
		var state string
		if err := rows.Scan(&it.ID, &it.ProduceID, &state, &it.Queue); err != nil {
			return d, s.mapErr(fmt.Errorf("items of consent %s", id), err)
		}
		it.State = review.State(state)
		d.Items = append(d.Items, it)
	}
	return d, s.mapErr(fmt.Errorf("items of consent %s", id), rows.Err())
}

// RealNamePage returns one page of real-name records, newest verification
// first, and how many the filter selects. Identifiers come masked as
// stored; Erased says the user's personal data was erased.
func (s *DB) RealNamePage(ctx context.Context, f review.RealNameFilter) ([]review.RealNameRow, int, error) {
	var conds []string
	var args []any
	if q := strings.ToLower(f.Query); q != "" {
		conds = append(conds, `instr(lower(r.user_id), ?) > 0`)
		args = append(args, q)
	}
	if f.Method != "" {
		conds = append(conds, `r.method = ?`)
		args = append(args, f.Method)
	}
	if f.Result != "" {
		conds = append(conds, `r.result = ?`)
		args = append(args, f.Result)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM real_names r`+where, args...).Scan(&total); err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("real-name list"), err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.user_id, r.method, r.result, r.verified_at, r.masked_id, r.id_hash,
		coalesce(p.erased_at, '') FROM real_names r LEFT JOIN platform_users p ON p.id = r.user_id`+where+`
		ORDER BY r.verified_at DESC, r.user_id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("real-name list"), err)
	}
	defer rows.Close()
	var out []review.RealNameRow
	for rows.Next() {
		var r review.RealNameRow
		var at, erased string
		if err := rows.Scan(&r.UserID, &r.Method, &r.Result, &at, &r.MaskedID, &r.IDHash, &erased); err != nil {
			return nil, 0, s.mapErr(fmt.Errorf("real-name list"), err)
		}
		r.VerifiedAt, r.Erased = parseOpt(at), erased != ""
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("real-name list"), err)
	}
	return out, total, nil
}

// UnmaskRealName reads what the workspace holds in the clear for a
// platform user — the display name and phone number (the real-name
// identifier itself is never stored) — and appends a "personal.unmasked"
// event in the same transaction: the actor, the user, the fields shown and
// their keyed hashes (review.PersonalHash), never a value (PIPL Art. 51:
// access to personal data is controlled and recorded). ENOTFOUND, with
// nothing logged, when nothing is held in the clear.
func (s *DB) UnmaskRealName(ctx context.Context, actor, userID string) (review.Unmasked, error) {
	u := review.Unmasked{UserID: userID}
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		var erased sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT display_name, phone, erased_at FROM platform_users WHERE id = ?`, userID).
			Scan(&u.DisplayName, &u.Phone, &erased)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT masked_id FROM real_names WHERE user_id = ?`, userID).Scan(&u.MaskedID)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if u.DisplayName == "" && u.Phone == "" {
			if erased.Valid && erased.String != "" {
				return review.Errorf(review.ENOTFOUND, "the personal data of %s was erased at %s: nothing to unmask", userID, erased.String)
			}
			return review.Errorf(review.ENOTFOUND, "no personal data of %s is held in the clear: nothing to unmask", userID)
		}
		payload := map[string]any{"basis": "PIPL 51"}
		if u.DisplayName != "" {
			u.Fields = append(u.Fields, "display_name")
			payload["display_name_hash"] = s.phash("display_name", u.DisplayName)
		}
		if u.Phone != "" {
			u.Fields = append(u.Fields, "phone")
			payload["phone_hash"] = s.phash("phone", u.Phone)
		}
		payload["fields"] = u.Fields
		u.At = now
		_, err = appendEvent(ctx, tx, now, actor, "personal.unmasked", "user:"+userID, payload)
		return err
	})
	if err != nil {
		return review.Unmasked{UserID: userID}, err
	}
	return u, nil
}

// PersonalHeld counts the personal data still held for a person, in the
// places ErasePersonal clears. An unknown id counts nothing.
func (s *DB) PersonalHeld(ctx context.Context, personID string) (review.PersonalHeld, error) {
	h := review.PersonalHeld{PersonID: personID}
	var profile, realName int
	var erased string
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM platform_users WHERE id = ?1 AND (display_name <> '' OR phone <> '')),
		(SELECT count(*) FROM real_names WHERE user_id = ?1 AND (masked_id <> '' OR id_hash <> '')),
		(SELECT count(*) FROM items WHERE user_id = ?1 AND prompt <> ''),
		(SELECT count(*) FROM complaints WHERE reporter_id = ?1 AND (contact <> '' OR text <> '[erased]')),
		(SELECT count(*) FROM consents WHERE subject_id = ?1 AND subject_name <> ''),
		coalesce((SELECT erased_at FROM platform_users WHERE id = ?1), '')`, personID).
		Scan(&profile, &realName, &h.ItemPrompts, &h.Complaints, &h.ConsentNames, &erased)
	if err != nil {
		return h, s.mapErr(fmt.Errorf("personal data of %s", personID), err)
	}
	h.Profile, h.RealName, h.Erased = profile > 0, realName > 0, parseOpt(erased)
	return h, nil
}

// ErasePersonalRequest carries out a deletion request (PIPL Art. 47): it
// first records the request — "personal.erase_requested" with the reason
// code and reference, which hold no personal data — then clears the data
// with ErasePersonal (its own "personal.erased" event). The two are two
// transactions: an erasure never happens without its logged request, and
// a request whose erasure failed stays in the log as asked but not done.
func (s *DB) ErasePersonalRequest(ctx context.Context, actor string, r review.ErasureRequest) (map[string]int64, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if _, err := s.AppendEvent(ctx, actor, "personal.erase_requested", "person:"+r.PersonID, map[string]any{
		"reason": r.Reason, "reference": r.Reference, "basis": "PIPL 47"}); err != nil {
		return nil, err
	}
	return s.ErasePersonal(ctx, actor, r.PersonID)
}

// personalActivity is each person's processing by time: items they
// generated, complaints they made, their real-name verification, and for
// a consent subject the end of each consent (a consent still in force
// counts as processing now and far ahead) and the items that relied on it.
const personalActivity = `
	SELECT user_id AS person, received_at AS at FROM items WHERE user_id <> ''
	UNION ALL SELECT reporter_id, received_at FROM complaints WHERE reporter_id <> ''
	UNION ALL SELECT user_id, verified_at FROM real_names
	UNION ALL SELECT subject_id, CASE WHEN withdrawn_at <> '' THEN withdrawn_at
		WHEN expires_at <> '' THEN expires_at ELSE '9999-12-31T23:59:59.999Z' END FROM consents
	UNION ALL SELECT c.subject_id, i.received_at FROM item_consents ic
		JOIN consents c ON c.id = ic.consent_id JOIN items i ON i.id = ic.item_id`

// personalHeldIDs is every person with personal data still held.
const personalHeldIDs = `
	SELECT id AS person FROM platform_users WHERE display_name <> '' OR phone <> ''
	UNION SELECT user_id FROM real_names WHERE masked_id <> '' OR id_hash <> ''
	UNION SELECT user_id FROM items WHERE prompt <> '' AND user_id <> ''
	UNION SELECT reporter_id FROM complaints WHERE reporter_id <> '' AND (contact <> '' OR text <> '[erased]')
	UNION SELECT subject_id FROM consents WHERE subject_name <> ''`

// PastRetention lists the persons whose last processing was before cutoff
// and whose personal data is still held, longest-idle first, with how many
// there are. A person with no dated processing (a profile alone) is not
// listed: their period cannot be computed; a request erases them.
func (s *DB) PastRetention(ctx context.Context, cutoff time.Time, offset, limit int) ([]review.RetentionRow, int, error) {
	base := `WITH activity AS (` + personalActivity + `), held AS (` + personalHeldIDs + `)
		SELECT a.person, max(a.at) AS last FROM activity a JOIN held h ON h.person = a.person
		GROUP BY a.person HAVING max(a.at) < ?`
	c := review.FormatTime(cutoff)
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (`+base+`)`, c).Scan(&total); err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("retention list"), err)
	}
	rows, err := s.db.QueryContext(ctx, base+` ORDER BY last, a.person LIMIT ? OFFSET ?`, c, limit, offset)
	if err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("retention list"), err)
	}
	defer rows.Close()
	var out []review.RetentionRow
	for rows.Next() {
		var r review.RetentionRow
		var last string
		if err := rows.Scan(&r.PersonID, &last); err != nil {
			return nil, 0, s.mapErr(fmt.Errorf("retention list"), err)
		}
		r.LastActivity = parseOpt(last)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.mapErr(fmt.Errorf("retention list"), err)
	}
	return out, total, nil
}
