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
