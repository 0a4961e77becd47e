package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

// synthTemplate is the item every seeded item copies.
func synthTemplate() review.NewItem {
	return review.NewItem{Item: review.Item{ProduceID: "SYN", Format: "png", ObjectSHA256: strings.Repeat("cd", 32), Size: 1},
		ScanReport: `{"format":"png"}`}
}

func TestSeedSynthetic(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	const n = 4321 // more than two batches
	hits := []review.RuleHit{{RuleID: "r-a", RuleVersion: "1", Severity: "info"}, {RuleID: "r-b", RuleVersion: "1", Severity: "critical"}}
	if err := db.SeedSynthetic(ctx, n, synthTemplate(), hits); err != nil {
		t.Fatal(err)
	}
	t.Run("every item waits in the live queue, oldest within the last three days", func(t *testing.T) {
		counts, err := db.QueueCounts(ctx)
		if err != nil || counts[0].Waiting != n || counts[0].Oldest.Before(clk.now.Add(-72*time.Hour)) || !counts[0].Oldest.Before(clk.now) {
			t.Fatalf("counts %+v, %v", counts, err)
		}
	})
	t.Run("ProduceIDs are unique and categories cycle", func(t *testing.T) {
		rows, err := db.QueuePage(ctx, review.QueueFilter{Queue: review.QueueLive, Limit: len(review.Categories) + 1})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if r.Category != review.Categories[i%len(review.Categories)] {
				t.Errorf("row %d: category %s", i, r.Category)
			}
			if i > 0 && r.ProduceID == rows[i-1].ProduceID {
				t.Errorf("row %d repeats ProduceID %s", i, r.ProduceID)
			}
		}
		if rows[0].ProduceID != "SYN-0000000" {
			t.Errorf("first ProduceID %s", rows[0].ProduceID)
		}
	})
	t.Run("hits are spread, one slot in three without any", func(t *testing.T) {
		for _, c := range []struct {
			f    review.QueueFilter
			want int
		}{
			{review.QueueFilter{RuleID: "r-a"}, 1441},
			{review.QueueFilter{Severity: "critical"}, 1440},
			{review.QueueFilter{Severity: "info"}, 2881},
		} {
			c.f.Queue = review.QueueLive
			if got, err := db.QueueTotal(ctx, c.f); err != nil || got != c.want {
				t.Errorf("%+v: %d, %v; want %d", c.f, got, err, c.want)
			}
		}
	})
	t.Run("one event records the whole seeding and the chain verifies", func(t *testing.T) {
		st, err := db.Status(ctx)
		if err != nil || st.Events != 1 || st.Items != n {
			t.Fatalf("status %+v, %v", st, err)
		}
		evs, err := db.EventsFor(ctx, "items")
		if err != nil || len(evs) != 1 || evs[0].Kind != "items.seeded" {
			t.Fatalf("events %+v, %v", evs, err)
		}
		var p struct {
			Count   int64 `json:"count"`
			FirstID int64 `json:"first_id"`
			LastID  int64 `json:"last_id"`
		}
		if err := json.Unmarshal([]byte(evs[0].Payload), &p); err != nil ||
			p.Count != n || p.LastID-p.FirstID != n-1 {
			t.Fatalf("payload %s", evs[0].Payload)
		}
		mustVerify(t, db)
	})
	t.Run("seeding the same ProduceIDs again is a conflict and stores nothing", func(t *testing.T) {
		err := db.SeedSynthetic(ctx, 10, synthTemplate(), nil)
		if review.ErrorCode(err) != review.ECONFLICT {
			t.Fatalf("second seed: %v", err)
		}
		if st, _ := db.Status(ctx); st.Items != n || st.Events != 1 {
			t.Fatalf("status after a failed seed %+v", st)
		}
	})
	t.Run("a bad template or count is refused", func(t *testing.T) {
		bad := synthTemplate()
		bad.Item.ObjectSHA256 = "short"
		for _, err := range []error{
			db.SeedSynthetic(ctx, -1, synthTemplate(), nil),
			db.SeedSynthetic(ctx, 1, bad, nil),
			db.SeedSynthetic(ctx, 1, synthTemplate(), []review.RuleHit{{RuleID: "x", Severity: "dire"}}),
		} {
			if review.ErrorCode(err) != review.EINVALID {
				t.Errorf("got %v, want EINVALID", err)
			}
		}
	})
}
