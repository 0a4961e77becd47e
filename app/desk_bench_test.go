package app

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"

	"synthreview/marking"
	"synthreview/review"
)

// BenchmarkDecisionKeyToNextItem measures issue 8's promise: from the
// reviewer's decision key to the next item on screen, with 100,000 items
// waiting. It drives the real window (test driver) over the real store: a
// key press records the decision, claims the next item and shows its
// evidence and its 1920×1080 JPEG preview. The screen's background jobs
// are queued; the timer runs until the next item is shown, and the
// prefetch of the one after (which runs while the reviewer looks) runs
// with the timer stopped. The sub-benchmark without prefetch shows what
// the prefetch saves.
//
//	go test ./app -run '^$' -bench DecisionKeyToNextItem -benchtime 200x
func BenchmarkDecisionKeyToNextItem(b *testing.B) {
	b.Setenv("XDG_CONFIG_HOME", b.TempDir())
	ctx := context.Background()
	w, err := CreateWorkspace(ctx, filepath.Join(b.TempDir(), "bench"))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Accounts().Bootstrap(ctx, "admin", "correct horse battery"); err != nil {
		b.Fatal(err)
	}
	admin, err := w.Accounts().Authenticate(ctx, "admin", "correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.Accounts().Add(ctx, admin, "reviewer1", review.RoleReviewer, DemoPassword); err != nil {
		b.Fatal(err)
	}
	photo, err := imaging.Open(filepath.Join("..", "testdata", "photos", "dune.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, imaging.Resize(photo, 1920, 1080, imaging.Lanczos), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	sum, err := w.Objects.PutBytes(buf.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	rep, err := json.Marshal(marking.Scan(buf.Bytes(), marking.ScanOptions{}))
	if err != nil {
		b.Fatal(err)
	}
	tmpl := review.NewItem{Item: review.Item{ProduceID: "BENCH", Format: "jpeg", ObjectSHA256: sum,
		Size: int64(buf.Len()), Category: "image_generation", Service: "Huahui ImageGen",
		State: review.StateQueued, Queue: review.QueueLive, LabelState: "none", Verdict: "unlabelled"},
		ScanReport: string(rep), Sidecar: "{}"}
	hits := []review.RuleHit{{RuleID: "implicit-label", RuleVersion: "1", Severity: "error",
		Evidence: `{"kind":"implicit-label","problem":"missing"}`}}
	const queued = 100_000
	if err := w.DB.SeedSynthetic(ctx, queued, tmpl, hits); err != nil {
		b.Fatal(err)
	}

	for _, c := range []struct {
		name     string
		prefetch bool
	}{{"prefetch", true}, {"no-prefetch", false}} {
		b.Run(c.name, func(b *testing.B) {
			var jobs []func()
			win := deskSession(b, w, func(job func()) { jobs = append(jobs, job) })
			defer win.Close()
			drain := func() {
				for len(jobs) > 0 {
					j := jobs[0]
					jobs = jobs[1:]
					j()
				}
			}
			drain() // sign-in
			pressKeys(win, "n")
			drain() // the first claim, and its prefetch
			b.ResetTimer()
			for range b.N {
				pressKeys(win, "a")
				if len(jobs) != 1 {
					b.Fatalf("the key queued %d jobs, want the decision's one", len(jobs))
				}
				decide := jobs[0]
				jobs = jobs[1:]
				decide() // decide, claim, show: the next item is on screen after this
				b.StopTimer()
				if !c.prefetch {
					jobs = nil // drop the prefetch: the next decision loads its item itself
				}
				drain()
				b.StartTimer()
			}
		})
	}
	if st, err := os.Stat(filepath.Join(w.Dir, "synthreview.db")); err == nil {
		b.Logf("database %.0f MB with %d items", float64(st.Size())/(1<<20), queued)
	}
}
