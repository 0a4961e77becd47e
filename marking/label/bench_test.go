package label_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"synthreview/marking/label"
)

// BenchmarkWriteJPEG12MP labels a 4000×3000 JPEG (metadata only: the scan
// data is copied, never decoded).
func BenchmarkWriteJPEG12MP(b *testing.B) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 4000, 3000)), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	in := buf.Bytes()
	f := testFields("IMG1")
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := label.WriteJPEG(in, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteMP4 labels a moov-first MP4 (chunk offsets shifted).
func BenchmarkWriteMP4(b *testing.B) {
	in := fixture(b, "faststart.mp4")
	f := testFields("VID1")
	for b.Loop() {
		if _, err := label.WriteMP4(in, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateXMP updates the label in a typical packet.
func BenchmarkUpdateXMP(b *testing.B) {
	p := label.NewXMP(testFields("OLD"))
	f := testFields("NEW")
	for b.Loop() {
		if _, _, err := label.UpdateXMP(p, f); err != nil {
			b.Fatal(err)
		}
	}
}
