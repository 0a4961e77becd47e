package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"synthreview/review"
)

// BankProposal is one stored feature-library proposal.
type BankProposal struct {
	ID                                  int64
	Bank, Action, EntryID, Hash         string
	Category, Source, Reason, ProduceID string
	ProposedBy                          string
	ProposedAt                          time.Time
	Status, DecidedBy                   string
	DecidedAt                           time.Time
	PublishedVersion                    int
}

// ProposeBankEntry stores a proposal and its "bank.proposed" event.
func (s *DB) ProposeBankEntry(ctx context.Context, p BankProposal) (BankProposal, error) {
	err := s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		p.ProposedAt, p.Status = now, "proposed"
		res, err := tx.ExecContext(ctx, `INSERT INTO bank_proposals (bank, action, entry_id, hash, category, source, reason,
			produce_id, proposed_by, proposed_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed')`,
			p.Bank, p.Action, p.EntryID, p.Hash, p.Category, p.Source, p.Reason, p.ProduceID, p.ProposedBy, review.FormatTime(now))
		if err != nil {
			return err
		}
		p.ID, _ = res.LastInsertId()
		_, err = appendEvent(ctx, tx, now, p.ProposedBy, "bank.proposed", fmt.Sprintf("bank_proposal:%d", p.ID), map[string]any{
			"bank": p.Bank, "action": p.Action, "entry": p.EntryID, "pdq": p.Hash, "category": p.Category, "produce_id": p.ProduceID})
		return err
	})
	return p, err
}

const proposalCols = `id, bank, action, entry_id, hash, category, source, reason, produce_id, proposed_by, proposed_at,
	status, decided_by, decided_at, published_version`

func scanProposal(row interface{ Scan(...any) error }) (BankProposal, error) {
	var p BankProposal
	var proposed, decided string
	err := row.Scan(&p.ID, &p.Bank, &p.Action, &p.EntryID, &p.Hash, &p.Category, &p.Source, &p.Reason, &p.ProduceID,
		&p.ProposedBy, &proposed, &p.Status, &p.DecidedBy, &decided, &p.PublishedVersion)
	p.ProposedAt, p.DecidedAt = parseOpt(proposed), parseOpt(decided)
	return p, err
}

// BankProposal returns one proposal, or ENOTFOUND.
func (s *DB) BankProposal(ctx context.Context, id int64) (BankProposal, error) {
	p, err := scanProposal(s.db.QueryRowContext(ctx, `SELECT `+proposalCols+` FROM bank_proposals WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return p, review.Errorf(review.ENOTFOUND, "no feature-library proposal %d", id)
	}
	return p, s.mapErr(fmt.Errorf("proposal %d", id), err)
}

// DecideBankProposal approves or rejects a proposal still open, with its
// event. Four eyes: the proposer may not decide their own proposal.
func (s *DB) DecideBankProposal(ctx context.Context, actor string, id int64, approve bool) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		p, err := scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalCols+` FROM bank_proposals WHERE id = ?`, id))
		if err == sql.ErrNoRows {
			return review.Errorf(review.ENOTFOUND, "no feature-library proposal %d", id)
		} else if err != nil {
			return err
		}
		if p.Status != "proposed" {
			return review.Errorf(review.ECONFLICT, "proposal %d is %s already", id, p.Status)
		}
		if p.ProposedBy == actor {
			return review.Errorf(review.EFORBIDDEN, "%s proposed %d and cannot decide it too (four eyes)", actor, id)
		}
		status, kind := "rejected", "bank.rejected"
		if approve {
			status, kind = "approved", "bank.approved"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bank_proposals SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
			status, actor, review.FormatTime(now), id); err != nil {
			return err
		}
		_, err = appendEvent(ctx, tx, now, actor, kind, fmt.Sprintf("bank_proposal:%d", id), map[string]any{"bank": p.Bank})
		return err
	})
}

// ApprovedBankProposals lists a bank's approved, unpublished proposals in
// the order they were made.
func (s *DB) ApprovedBankProposals(ctx context.Context, bank string) ([]BankProposal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+proposalCols+` FROM bank_proposals WHERE bank = ? AND status = 'approved' ORDER BY id`, bank)
	if err != nil {
		return nil, s.mapErr(fmt.Errorf("proposals of %s", bank), err)
	}
	defer rows.Close()
	var out []BankProposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MarkBankPublished records that the proposals went into version v of
// their bank, with the "bank.published" event.
func (s *DB) MarkBankPublished(ctx context.Context, actor, bank string, ids []int64, v int, listSHA256 string) error {
	return s.inTx(ctx, func(tx *sql.Tx, now time.Time) error {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE bank_proposals SET status = 'published', published_version = ? WHERE id = ? AND status = 'approved'`, v, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return review.Errorf(review.ECONFLICT, "proposal %d is no longer approved and unpublished", id)
			}
		}
		_, err := appendEvent(ctx, tx, now, actor, "bank.published", "bank:"+bank, map[string]any{
			"version": v, "proposals": ids, "list_sha256": listSHA256})
		return err
	})
}
