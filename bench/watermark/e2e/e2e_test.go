// Package e2e checks the done-criterion of issue 6 through the scanner of
// package marking: a watermarked JPEG whose metadata was stripped scans with
// the payload and the watermark-without-label finding. The Pixels hook below
// is the wiring the app uses (one decode, one luma plane shared by the
// watermark and PDQ).
package e2e

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"synthreview/marking"
	"synthreview/marking/pdq"
	"synthreview/marking/raster"
	"synthreview/marking/watermark"
)

// pixels is the ScanOptions.Pixels hook: watermark (when keys exist) and
// PDQ from one shared luma plane.
func pixels(ring *watermark.Keyring, hashes *[]pdq.Hash256) func(image.Image, *marking.Report) {
	return func(img image.Image, rep *marking.Report) {
		l := raster.FromImage(img)
		if r := watermark.Detect(l, ring); r.Checked {
			det := r.Detected
			status := "absent"
			if det {
				status = "detected"
			}
			rep.Watermark = &marking.Watermark{Status: status, Detected: &det, Payload: r.Payload, PayloadDigest: r.PayloadDigest, Confidence: r.Confidence}
		}
		h, _ := pdq.Hash(l)
		*hashes = append(*hashes, h)
	}
}

type seeded struct{ r *rand.Rand }

func (s seeded) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(s.r.Uint32())
	}
	return len(p), nil
}

func TestStrippedCopyReportsWatermarkWithoutLabel(t *testing.T) {
	src, err := imaging.Open("../../../testdata/photos/freshflower.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var ring watermark.Keyring
	key, err := ring.Rotate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), seeded{rand.New(rand.NewPCG(1, 1))})
	if err != nil {
		t.Fatal(err)
	}
	marked, err := watermark.Embed(src, key, watermark.EncodeProduceID("IMG000123"))
	if err != nil {
		t.Fatal(err)
	}
	// image/jpeg writes no metadata: this is the stripped re-upload.
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, marked, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	var hashes []pdq.Hash256
	rep := marking.Scan(buf.Bytes(), marking.ScanOptions{Pixels: pixels(&ring, &hashes)})
	rep.Judge()
	if rep.Watermark == nil || rep.Watermark.Detected == nil || !*rep.Watermark.Detected || rep.Watermark.Payload != "IMG000123" {
		t.Fatalf("watermark: %+v", rep.Watermark)
	}
	if !rep.HasFinding(marking.CodeWatermarkWithoutLabel) {
		t.Fatalf("findings %+v lack %s", rep.Findings, marking.CodeWatermarkWithoutLabel)
	}
	if len(hashes) != 1 {
		t.Fatalf("pixels decoded %d times, want once", len(hashes))
	}
	if d := pdq.Distance(hashes[0], func() pdq.Hash256 { h, _ := pdq.Hash(raster.FromImage(src)); return h }()); d > pdq.MatchThreshold {
		t.Errorf("PDQ of the marked copy is %d bits from the original", d)
	}

	// Without keys the watermark stays not-checked, never absent.
	var none watermark.Keyring
	rep = marking.Scan(buf.Bytes(), marking.ScanOptions{Pixels: pixels(&none, &hashes)})
	if rep.Watermark == nil || rep.Watermark.Status != "not-checked" || rep.Watermark.Detected != nil {
		t.Fatalf("no keys: %+v", rep.Watermark)
	}
}
