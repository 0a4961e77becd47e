package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

// bulkItems inserts n queued items in one transaction (benchmark set-up).
func bulkItems(tb testing.TB, s *DB, n int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO items (produce_id, format, object_sha256, size, category,
		created_at, received_at, state, queue, updated_at) VALUES (?, 'png', ?, 1, 'image_generation', ?, ?, 'queued', 'live', ?)`)
	if err != nil {
		tb.Fatal(err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	sum := strings.Repeat("ab", 32)
	for i := 0; i < n; i++ {
		at := review.FormatTime(base.Add(time.Duration(i) * time.Second))
		if _, err := st.ExecContext(ctx, fmt.Sprintf("IMG%09d", i), sum, at, at, at); err != nil {
			tb.Fatal(err)
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

func benchDB(b *testing.B) *DB {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), DBName), Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkAppendEvent: one event per transaction, as every state change does.
func BenchmarkAppendEvent(b *testing.B) {
	s := benchDB(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.AppendEvent(ctx, "system", "bench", "item:1", map[string]int{"n": 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClaimFromMillion claims (and writes the claim event for) the next
// item of a live queue holding 1,000,000 waiting items.
func BenchmarkClaimFromMillion(b *testing.B) {
	s := benchDB(b)
	bulkItems(b, s, 1_000_000)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Claim(ctx, "reviewer1", review.QueueLive, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyMillion recomputes a chain of 1,000,000 events.
func BenchmarkVerifyMillion(b *testing.B) {
	s := benchDB(b)
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 1_000_000; i++ {
		if _, err := appendEvent(ctx, tx, now, "system", "item.received", fmt.Sprintf("item:%d", i),
			map[string]any{"produce_id": fmt.Sprintf("IMG%09d", i), "state": "queued", "queue": "live"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		n, _, err := s.Verify(ctx, nil)
		if err != nil || n != 1_000_000 {
			b.Fatal(n, err)
		}
	}
}

// seeded100k opens a database holding 100,000 waiting items (SeedSynthetic),
// a third of them with a critical "face-no-consent" hit and a third with a
// warning "keyword" hit.
func seeded100k(b *testing.B) *DB {
	b.Helper()
	s := benchDB(b)
	tmpl := review.NewItem{Item: review.Item{ProduceID: "BENCH", Format: "png", ObjectSHA256: strings.Repeat("ab", 32), Size: 1}}
	hits := []review.RuleHit{{RuleID: "face-no-consent", RuleVersion: "1", Severity: "critical"},
		{RuleID: "keyword", RuleVersion: "1", Severity: "warning"}}
	if err := s.SeedSynthetic(context.Background(), 100_000, tmpl, hits); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkQueuePage100k reads one page of 500 rows and the total, as the
// queue list does, from a live queue of 100,000 waiting items.
func BenchmarkQueuePage100k(b *testing.B) {
	s := seeded100k(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    review.QueueFilter
	}{
		{"first page", review.QueueFilter{}},
		{"offset 50000", review.QueueFilter{Offset: 50_000}},
		{"category", review.QueueFilter{Category: "face_swap"}},
		{"rule", review.QueueFilter{RuleID: "face-no-consent"}},
		{"severity offset 20000", review.QueueFilter{Severity: "warning", Offset: 20_000}},
	} {
		b.Run(c.name, func(b *testing.B) {
			c.f.Queue, c.f.Limit = review.QueueLive, review.MaxPage
			for b.Loop() {
				rows, err := s.QueuePage(ctx, c.f)
				if err != nil || len(rows) != review.MaxPage {
					b.Fatal(len(rows), err)
				}
				if _, err := s.QueueTotal(ctx, c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQueueCounts100k counts both queues with 100,000 waiting items.
func BenchmarkQueueCounts100k(b *testing.B) {
	s := seeded100k(b)
	ctx := context.Background()
	for b.Loop() {
		c, err := s.QueueCounts(ctx)
		if err != nil || c[0].Waiting == 0 {
			b.Fatal(c, err)
		}
	}
}

// BenchmarkClaimApply100k claims the next item and approves it (two
// transactions, with their events and outbox entry), with 100,000 waiting.
func BenchmarkClaimApply100k(b *testing.B) {
	s := seeded100k(b)
	ctx := context.Background()
	for b.Loop() {
		it, err := s.Claim(ctx, "reviewer1", review.QueueLive, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Apply(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeApprove}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHiddenGoldClaimAnswer100k: one hidden gold round as the desk
// makes it — serve a gold item (candidate choice over the queue's gold and
// the reviewer's answers), answer it, read the reviewer's rolling window —
// with 100,000 live items, a gold set of 500 and 5,000 earlier hidden gold
// answers by 50 reviewers.
func BenchmarkHiddenGoldClaimAnswer100k(b *testing.B) {
	s := benchDB(b)
	ctx := context.Background()
	bulkItems(b, s, 100_000)
	if _, err := s.db.ExecContext(ctx, `UPDATE items SET state = 'approved' WHERE id <= 500`); err != nil {
		b.Fatal(err)
	}
	set, err := s.CreateGoldSet(ctx, "trainer", review.GoldSet{Name: "bench", Queue: review.QueueLive, CreatedBy: "trainer", CreatedAt: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	for id := int64(1); id <= 500; id++ {
		g := review.GoldItem{SetID: set.ID, ItemID: id, ProduceID: fmt.Sprintf("IMG%09d", id-1), Category: "image_generation",
			Expected: review.OutcomeApprove, Explanation: "bench gold item", CreatedBy: "trainer", CreatedAt: time.Now()}
		if _, err := s.AddGold(ctx, "trainer", g); err != nil {
			b.Fatal(err)
		}
	}
	round := func(i int) {
		who := fmt.Sprintf("reviewer%d", i%50)
		c, err := s.ServeGold(ctx, who, review.QueueLive, time.Hour, uint64(i))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.AnswerShadow(ctx, who, c.ID, review.ShadowAnswer{Outcome: review.OutcomeApprove, Correct: i%7 != 0,
			Took: time.Second, At: time.Now()}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.HiddenGoldResults(ctx, who, review.QueueLive, time.Time{}, review.DefaultHiddenGoldWindow); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 5000 {
		round(i)
	}
	i := 5000
	for b.Loop() {
		round(i)
		i++
	}
}
