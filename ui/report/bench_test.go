package report

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"synthreview/review"
)

// memPeak samples the heap while f runs and returns the peak of
// HeapInuse and the Sys the runtime had taken from the OS at the end.
func memPeak(f func()) (peakHeap, sys uint64) {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return peak.Load(), ms.Sys
}

// BenchmarkBuild10kDecisions1kPages builds and signs the package of a
// busy period: 10,000 decisions in the summary, 1,000 evidence pages with
// thumbnails, and 12,000 events with their hashes (about 400 pages).
// Target (issue 10): under 60 s and under 1 GB.
func BenchmarkBuild10kDecisions1kPages(b *testing.B) {
	fx := newFixture(b, 1000, 12000)
	// Distinct thumbnails, as real items have: each is embedded on its own.
	for i := range fx.audit.Items {
		if fx.audit.Items[i].Thumbnail != nil {
			fx.audit.Items[i].Thumbnail = thumbnail(b, i, 320, 240)
		}
	}
	s := &fx.audit.Summary
	s.DecisionsByOutcome = map[review.Outcome]int{"approve": 6200, "approve_relabel": 1300, "reject": 1900, "escalate": 450, "hold": 150}
	s.DecisionsByReason = map[string]int{"explicit-label-missing": 900, "implicit-label-missing": 600, "risk-a1g": 300, "consent-missing": 100}
	b.ReportAllocs()
	b.ResetTimer()
	var size int
	for b.Loop() {
		peak, sys := memPeak(func() {
			pdf, err := Build(context.Background(), fx.audit, "zh", nil)
			if err != nil {
				b.Fatal(err)
			}
			signed := signPackage(b, pdf, fx.workspace)
			size = len(signed)
		})
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(sys)/(1<<20), "sys-MB")
	}
	b.ReportMetric(float64(size)/(1<<20), "pdf-MB")
}
