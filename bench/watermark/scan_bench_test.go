// Package watermark holds the speed benchmark of a full pixel scan (one
// JPEG decode, the shared luma plane and pyramid, watermark detection and
// the PDQ hashes) and, in robust/, the robustness measurement that run.sh
// calls. Forbidden imports as for marking (style.md §2).
package watermark

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/disintegration/imaging"

	"synthreview/marking/pdq"
	"synthreview/marking/raster"
	"synthreview/marking/watermark"
)

// fullHD returns a marked 1920×1080 JPEG (quality 90) made from a project
// photo, and the ring that marked it.
func fullHD(tb testing.TB) ([]byte, *watermark.Keyring) {
	tb.Helper()
	src, err := imaging.Open("../../testdata/photos/dune.jpg")
	if err != nil {
		tb.Fatal(err)
	}
	img := imaging.Fill(src, 1920, 1080, imaging.Center, imaging.Lanczos)
	var ring watermark.Keyring
	if _, err := ring.Rotate(epochTime, bytes.NewReader(bytes.Repeat([]byte{7}, 64))); err != nil {
		tb.Fatal(err)
	}
	key, _ := ring.Current()
	marked, err := watermark.Embed(img, key, watermark.EncodeProduceID("IMG000123"))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, marked, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), &ring
}

// scan is the full pixel scan of one file.
func scan(data []byte, ring *watermark.Keyring) (watermark.Result, pdq.Hash256, error) {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return watermark.Result{}, pdq.Hash256{}, err
	}
	l := raster.FromImage(img)
	_ = l.Pyramid(64) // shared with the visible-label detector
	r := watermark.Detect(l, ring)
	h, _ := pdq.Hash(l)
	return r, h, nil
}

func TestScanFindsMark(t *testing.T) {
	data, ring := fullHD(t)
	r, _, err := scan(data, ring)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Detected || r.Payload != "IMG000123" {
		t.Fatalf("scan of a marked 1920×1080 JPEG: %+v", r)
	}
}

// BenchmarkFullScan1080p is the speed target: under 80 ms per 1920×1080
// JPEG on one core (run with -cpu 1).
func BenchmarkFullScan1080p(b *testing.B) {
	data, ring := fullHD(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		if _, _, err := scan(data, ring); err != nil {
			b.Fatal(err)
		}
	}
	c.report(b)
}

// BenchmarkFullScan1080pUnmarked scans an unmarked picture: every
// hypothesis is tried and rejected, the slow path.
func BenchmarkFullScan1080pUnmarked(b *testing.B) {
	src, err := imaging.Open("../../testdata/photos/dune.jpg")
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, imaging.Fill(src, 1920, 1080, imaging.Center, imaging.Lanczos), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	_, ring := fullHD(b)
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		r, _, err := scan(buf.Bytes(), ring)
		if err != nil || r.Detected {
			b.Fatal("unexpected", err, r.Detected)
		}
	}
	c.report(b)
}

// BenchmarkStages splits the scan into its parts.
func BenchmarkStages(b *testing.B) {
	data, ring := fullHD(b)
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		c := startCPU()
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
		c.report(b)
	})
	b.Run("luma+pyramid", func(b *testing.B) {
		c := startCPU()
		for b.Loop() {
			raster.FromImage(img).Pyramid(64)
		}
		c.report(b)
	})
	l := raster.FromImage(img)
	l.Pyramid(64)
	b.Run("watermark", func(b *testing.B) {
		c := startCPU()
		for b.Loop() {
			watermark.Detect(l, ring)
		}
		c.report(b)
	})
	src, err := imaging.Open("../../testdata/photos/dune.jpg")
	if err != nil {
		b.Fatal(err)
	}
	plain := raster.FromImage(imaging.Fill(src, 1920, 1080, imaging.Center, imaging.Lanczos))
	b.Run("watermark-unmarked", func(b *testing.B) {
		c := startCPU()
		for b.Loop() {
			watermark.Detect(plain, ring)
		}
		c.report(b)
	})
	b.Run("pdq", func(b *testing.B) {
		c := startCPU()
		for b.Loop() {
			pdq.Hash(l)
		}
		c.report(b)
	})

}

var epochTime = mustTime("2026-01-01T00:00:00Z")

// BenchmarkEmbed1080p is the cost of marking a 1920×1080 picture (mask,
// tile and the RGB update; encoding the output file is not included).
func BenchmarkEmbed1080p(b *testing.B) {
	src, err := imaging.Open("../../testdata/photos/dune.jpg")
	if err != nil {
		b.Fatal(err)
	}
	img := imaging.Fill(src, 1920, 1080, imaging.Center, imaging.Lanczos)
	_, ring := fullHD(b)
	key, _ := ring.Current()
	p := watermark.EncodeProduceID("IMG000123")
	b.ReportAllocs()
	c := startCPU()
	for b.Loop() {
		if _, err := watermark.Embed(img, key, p); err != nil {
			b.Fatal(err)
		}
	}
	c.report(b)
}
