package intake_test

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"synthreview/marking"
	"synthreview/marking/detect"
	"synthreview/marking/watermark"
	"synthreview/review"
	"synthreview/review/rules"
)

// photo1080p fits one of the project's photos to 1920×1080 and encodes it
// at JPEG quality 90, as a generator's output would be; seed picks the photo.
func photo1080p(tb testing.TB, seed int) []byte {
	paths, _ := filepath.Glob("../../testdata/photos/*.jpg")
	if len(paths) == 0 {
		tb.Fatal("no photos in testdata/photos")
	}
	img, err := imaging.Open(paths[seed%len(paths)])
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, imaging.Fill(img, 1920, 1080, imaging.Center, imaging.Lanczos), &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkIntake1080p measures intake throughput for 1920×1080 JPEG
// outputs, including the copy into objects/, the full scan (watermark,
// visible labels, PDQ), the built-in rules and
// the transaction, on all cores (target ≥ 20 items/s on 2 cores). It also
// reports the heap in use after the run and the peak RSS, to show memory
// stays flat: compare -benchtime 10x (200 items) with 500x (10,000 items).
func BenchmarkIntake1080p(b *testing.B) {
	e := newEnv(b)
	e.x.MaxOutput = 64 << 20
	ring := &watermark.Keyring{}
	if _, err := ring.Rotate(time.Now(), crand.Reader); err != nil {
		b.Fatal(err)
	}
	d, err := detect.New(ring, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	e.x.ScanOptions = marking.ScanOptions{Pixels: d.Pixels}
	e.x.Rules = rules.NewEngine(rules.DefaultRuleSet(nil, nil))
	photos := [][]byte{photo1080p(b, 0), photo1080p(b, 1), photo1080p(b, 2), photo1080p(b, 3)}
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	total := 0
	for b.Loop() {
		b.StopTimer()
		const batch = 20
		for i := 0; i < batch; i++ {
			id := fmt.Sprintf("IMG%08d", total+i)
			data := append(bytes.Clone(photos[i%len(photos)]), byte(total+i), byte((total+i)>>8)) // distinct bytes
			sum := sha256.Sum256(data)
			side, _ := json.Marshal(map[string]any{"schema": review.GenerationSchema, "produce_id": id,
				"created_at": "2025-11-28T09:15:00+08:00", "service": map[string]string{"name": "Gen", "category": "image_generation"},
				"output": map[string]string{"file": id + ".jpg", "sha256": hex.EncodeToString(sum[:])}})
			os.WriteFile(filepath.Join(e.x.Inbox.Dir, id+".jpg"), data, 0o644)
			os.WriteFile(filepath.Join(e.x.Inbox.Dir, id+".json"), side, 0o644)
		}
		b.StartTimer()
		r, err := e.x.RunOnce(ctx)
		if err != nil || r.Taken != batch {
			b.Fatalf("%+v %v", r, err)
		}
		total += batch
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "items/s")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MiB-heap")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "MiB-peak-rss")
	}
}
