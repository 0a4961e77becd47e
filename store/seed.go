package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"synthreview/review"
)

// seedBatch is how many items one SeedSynthetic transaction writes, so the
// write lock is never held long enough to make other processes wait past
// their busy timeout.
const seedBatch = 2000

// seedSpan is how far back the received times of seeded items reach.
const seedSpan = 72 * time.Hour

// SeedSynthetic inserts n synthetic waiting items quickly, for benchmarks
// and load tests (and load demos) only: never for real deliveries, which
// go through CreateItem with one "item.received" event each.
//
// Every item copies tmpl (its scan report, sidecar, consent links and rule
// hits too) except: ProduceID is tmpl.Item.ProduceID, "-" and the index
// (0 … n-1, seven digits at least); categories cycle through
// review.Categories; received (and created) times spread evenly over the
// last three days by the store's clock, oldest first. hits are spread
// over the items: item i also gets hits[i % (len(hits)+1)], and none when
// that index is len(hits), so filters by rule or severity select a part
// of the queue. State and queue default to queued and live.
//
// Items are written in batches of 2,000 per transaction; the call records
// one "items.seeded" event (count, first and last id) in the last batch,
// so the audit chain stays valid without an event per item. If a batch
// fails after others were committed, the event still records what was
// stored before the error is returned. A ProduceID already stored is
// ECONFLICT.
func (s *DB) SeedSynthetic(ctx context.Context, n int, tmpl review.NewItem, hits []review.RuleHit) error {
	if n < 0 {
		return review.Errorf(review.EINVALID, "cannot seed %d items", n)
	}
	if n == 0 {
		return nil
	}
	base, err := seedTemplate(tmpl, n, hits)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	step := seedSpan / time.Duration(n)
	var first, last int64
	stored := 0
	for start := 0; start < n; start += seedBatch {
		end := min(start+seedBatch, n)
		var ids []int64
		err := s.inTx(ctx, func(tx *sql.Tx, txNow time.Time) error {
			var err error
			ids, err = seedBatchTx(ctx, tx, txNow, base, tmpl, hits, start, end, now.Add(-seedSpan), step)
			if err != nil || end < n {
				return err
			}
			f := first
			if f == 0 {
				f = ids[0]
			}
			return seededEventTx(ctx, tx, txNow, base.ProduceID, n, f, ids[len(ids)-1])
		})
		if err != nil {
			if stored > 0 {
				if e2 := s.inTx(ctx, func(tx *sql.Tx, txNow time.Time) error {
					return seededEventTx(ctx, tx, txNow, base.ProduceID, stored, first, last)
				}); e2 != nil {
					return fmt.Errorf("seed: %w (and the event of the %d items stored failed: %v)", err, stored, e2)
				}
			}
			return fmt.Errorf("seed: %w", err)
		}
		if first == 0 {
			first = ids[0]
		}
		last, stored = ids[len(ids)-1], end
	}
	return nil
}

// seedTemplate fills tmpl's defaults and checks that the items it makes
// (the longest ProduceID included) and hits are valid.
func seedTemplate(tmpl review.NewItem, n int, hits []review.RuleHit) (review.Item, error) {
	it := tmpl.Item
	if it.State == "" {
		it.State = review.StateQueued
	}
	if it.Queue == "" {
		it.Queue = review.QueueLive
	}
	if it.LabelState == "" {
		it.LabelState = "none"
	}
	if it.Verdict == "" {
		it.Verdict = "unlabelled"
	}
	if it.State != review.StateQueued && it.State != review.StateEscalated {
		return it, review.Errorf(review.EINVALID, "seeded items wait in a queue; state %q is not a waiting state", it.State)
	}
	check := it
	check.ProduceID = seedID(it.ProduceID, n-1)
	check.Category = review.Categories[0]
	if err := check.Validate(); err != nil {
		return it, err
	}
	for _, h := range append(append([]review.RuleHit{}, tmpl.RuleHits...), hits...) {
		if h.RuleID == "" || review.SeverityRank(h.Severity) == 0 {
			return it, review.Errorf(review.EINVALID, "rule hit %q: a rule id and a known severity are needed", h.RuleID)
		}
	}
	return it, nil
}

func seedID(prefix string, i int) string { return fmt.Sprintf("%s-%07d", prefix, i) }

// seedBatchTx inserts items start … end-1 and returns their ids.
func seedBatchTx(ctx context.Context, tx *sql.Tx, now time.Time, it review.Item, tmpl review.NewItem, hits []review.RuleHit,
	start, end int, from time.Time, step time.Duration) ([]int64, error) {
	var st [4]*sql.Stmt
	defer func() {
		for _, x := range st {
			if x != nil {
				x.Close()
			}
		}
	}()
	for i, q := range []string{
		`INSERT INTO items (produce_id, format, object_sha256, size, category, service, model,
		filing, user_id, prompt, created_at, received_at, state, queue, priority, label_state, verdict, updated_at, sidecar,
		hit_count, hit_rank)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		`INSERT INTO scan_reports (item_id, report) VALUES (?, ?)`,
		`INSERT INTO rule_hits (item_id, rule_id, rule_version, severity, evidence) VALUES (?, ?, ?, ?, ?)`,
		`INSERT OR IGNORE INTO item_consents (item_id, consent_id) VALUES (?, ?)`,
	} {
		var err error
		if st[i], err = tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
	}
	insItem, insReport, insHit, insConsent := st[0], st[1], st[2], st[3]
	report := tmpl.ScanReport
	if report == "" {
		report = "{}"
	}
	sidecar, updated := sidecarOrEmpty(tmpl.Sidecar), review.FormatTime(now)
	ids := make([]int64, 0, end-start)
	for i := start; i < end; i++ {
		at := review.FormatTime(from.Add(time.Duration(i) * step))
		its := tmpl.RuleHits
		if j := i % (len(hits) + 1); j < len(hits) {
			its = append(its[:len(its):len(its)], hits[j])
		}
		res, err := insItem.ExecContext(ctx, seedID(it.ProduceID, i), it.Format, it.ObjectSHA256, it.Size,
			string(review.Categories[i%len(review.Categories)]), it.Service, it.Model, it.Filing, it.UserID, it.Prompt,
			at, at, string(it.State), it.Queue, it.Priority, it.LabelState, it.Verdict, updated, sidecar, len(its), hitRank(its))
		if err != nil {
			return nil, fmt.Errorf("item %s: %w", seedID(it.ProduceID, i), err)
		}
		id, _ := res.LastInsertId()
		ids = append(ids, id)
		if _, err := insReport.ExecContext(ctx, id, report); err != nil {
			return nil, err
		}
		for _, h := range its {
			ev := h.Evidence
			if ev == "" {
				ev = "{}"
			}
			if _, err := insHit.ExecContext(ctx, id, h.RuleID, h.RuleVersion, h.Severity, ev); err != nil {
				return nil, err
			}
		}
		for _, c := range tmpl.ConsentIDs {
			if _, err := insConsent.ExecContext(ctx, id, c); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}

func seededEventTx(ctx context.Context, tx *sql.Tx, now time.Time, prefix string, count int, first, last int64) error {
	_, err := appendEvent(ctx, tx, now, "system", "items.seeded", "items", map[string]any{
		"count": count, "first_id": first, "last_id": last, "produce_id_prefix": prefix, "synthetic": true})
	return err
}
