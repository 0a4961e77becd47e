package c2pa

import (
	"bytes"
	"testing"
)

func benchInspect(b *testing.B, data []byte, format string, wantReport bool) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if got := Inspect(data, format, Options{}) != nil; got != wantReport {
			b.Fatalf("report = %v, want %v", got, wantReport)
		}
	}
}

// BenchmarkInspectSample reads and verifies C.jpg: JUMBF, CBOR, PS256
// signature, RFC 3161 time stamp, hashed URIs and the data hash.
func BenchmarkInspectSample(b *testing.B) { benchInspect(b, readSample(b, "C.jpg"), "jpeg", true) }

// BenchmarkInspectNoC2PA is the common case: a JPEG without C2PA.
func BenchmarkInspectNoC2PA(b *testing.B) {
	benchInspect(b, readSample(b, "earth_apollo17.jpg"), "jpeg", false)
}

// BenchmarkInspectLarge verifies a 32 MiB file (C.jpg followed by trailing
// bytes), dominated by the SHA-256 data hash and the provenance scan.
func BenchmarkInspectLarge(b *testing.B) {
	data := append(readSample(b, "C.jpg"), bytes.Repeat([]byte{0x5A}, 32<<20)...)
	benchInspect(b, data, "jpeg", true)
}
