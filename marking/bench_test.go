package marking

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkHostile measures how quickly each hostile file gets its finding
// (the issue asks for a pixel bomb within a second; expect microseconds to
// milliseconds).
func BenchmarkHostile(b *testing.B) {
	for _, tc := range hostileCases {
		data := tc.data(b)
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				Scan(data, ScanOptions{})
			}
		})
	}
}

// BenchmarkScanFast scans labelled fixtures with Fast, as `scan --fast` does.
func BenchmarkScanFast(b *testing.B) {
	for _, name := range []string{"et_xmp.jpg", "et_usercomment.jpg", "et_xmp.png", "pil_text.png", "ff_udta.mp4", "ff_txxx_v24.mp3"} {
		data, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				Scan(data, ScanOptions{Fast: true})
			}
		})
	}
}
