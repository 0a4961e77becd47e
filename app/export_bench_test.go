//go:build unix

package app

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"synthreview/marking"
	"synthreview/review"
)

// BenchmarkExport10kDecisions measures issue 10's promise: the audit
// package of a period with 10,000 decided items, 1,000 of them with an
// evidence page (a sample), in under 60 s and 1 GB. The workspace holds
// 10,000 items over ten 1920×1080 JPEG photographs (seeded), each claimed
// and decided through the store (a tenth rejected with reasons, one in
// five with a critical hit, so blurred); the timer runs over the whole
// export: checkpoint, reading, thumbnails, layout, signature, writing
// and the export event. peak-heap-MB is the largest heap in use sampled
// every 20 ms during the export, cpu-s/op the CPU time it used; the log
// adds the process's peak RSS.
//
//	go test ./app -run '^$' -bench Export10kDecisions -benchtime 1x
func BenchmarkExport10kDecisions(b *testing.B) {
	ctx := context.Background()
	w, manager := benchExportWorkspace(b, 10_000)
	defer w.Close()
	out := filepath.Join(b.TempDir(), "audit.pdf")
	day := time.Now()
	b.ResetTimer()
	var peak uint64
	var cpu time.Duration
	for range b.N {
		stop := sampleHeap(&peak)
		before := cpuTime()
		res, err := w.ExportAudit(ctx, manager, AuditRequest{From: day, To: day, Lang: "zh", Out: out, MaxPages: 1000})
		cpu += cpuTime() - before
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if res.Items != 10_000 || res.Pages != 1000 || !res.Sampled {
			b.Fatalf("exported %d items with %d pages (sampled %v)", res.Items, res.Pages, res.Sampled)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	// CPU time tells the work apart from waiting when the machine is
	// shared: wall time over CPU time / cores is the share it got.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	if st, err := os.Stat(out); err == nil {
		b.ReportMetric(float64(st.Size())/(1<<20), "pdf-MB")
	}
	if rss := peakRSS(); rss != "" {
		b.Logf("peak RSS of the benchmark process (setup included): %s", rss)
	}
}

// benchExportWorkspace makes a workspace with n items, every one decided.
func benchExportWorkspace(b *testing.B, n int) (*Workspace, review.Account) {
	b.Helper()
	ctx := context.Background()
	w, err := CreateWorkspace(ctx, filepath.Join(b.TempDir(), "bench"))
	if err != nil {
		b.Fatal(err)
	}
	admin, err := w.Accounts().Bootstrap(ctx, "admin", DemoPassword)
	if err != nil {
		b.Fatal(err)
	}
	manager, err := w.Accounts().Add(ctx, admin, "manager", review.RoleManager, DemoPassword)
	if err != nil {
		b.Fatal(err)
	}
	photos, err := filepath.Glob(filepath.Join("..", "testdata", "photos", "*.jpg"))
	if err != nil || len(photos) == 0 {
		b.Fatalf("no photos in testdata/photos: %v", err)
	}
	const batches = 10
	hits := []review.RuleHit{
		{RuleID: "implicit-label", RuleVersion: "1", Severity: "error", Evidence: `{"problem":"missing"}`},
		{RuleID: "explicit-label", RuleVersion: "1", Severity: "warning", Evidence: `{"problem":"missing"}`},
		{RuleID: "keyword", RuleVersion: "1", Severity: "warning", Evidence: `{"categories":["risk-a1a"]}`},
		{RuleID: "feature-bank", RuleVersion: "1", Severity: "critical", Evidence: `{"matches":[{"distance":0}]}`},
	}
	for i := range batches {
		photo, err := imaging.Open(photos[i%len(photos)])
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, imaging.Fill(photo, 1920, 1080, imaging.Center, imaging.Lanczos), &jpeg.Options{Quality: 90}); err != nil {
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
		tmpl := review.NewItem{Item: review.Item{ProduceID: "BENCH" + strconv.Itoa(i), Format: "jpeg", ObjectSHA256: sum,
			Size: int64(buf.Len()), Category: "image_generation", Service: "Huahui ImageGen", LabelState: "none", Verdict: "unlabelled"},
			ScanReport: string(rep), Sidecar: "{}"}
		if err := w.DB.SeedSynthetic(ctx, n/batches, tmpl, hits); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	for i := range n {
		it, err := w.DB.Claim(ctx, "manager", review.QueueLive, time.Hour)
		if err != nil {
			b.Fatalf("claim %d: %v", i, err)
		}
		d := review.Decision{Outcome: review.OutcomeApprove}
		if i%10 == 0 {
			d = review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"implicit-label-missing", "explicit-label-missing"}}
		}
		if _, err := w.DB.Apply(ctx, "manager", it.ID, d); err != nil {
			b.Fatalf("decide %d: %v", i, err)
		}
	}
	st, err := w.DB.Status(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("setup: %d items decided in %s; %d events", n, time.Since(start).Round(time.Second), st.Events)
	return w, manager
}

// sampleHeap records the largest heap in use into peak until stop is
// called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// cpuTime is the CPU time the process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is the process's peak resident set (VmHWM), where Linux says.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
