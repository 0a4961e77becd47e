package audio

import (
	"os"
	"path/filepath"
	"testing"
)

// checkSummary holds for every input: no panic (the fuzzer reports one),
// and whatever comes back is sane.
func checkSummary(t *testing.T, s Summary, err error, columns int) {
	if err != nil {
		if len(s.Peaks) != 0 {
			t.Fatalf("an error with peaks: %v", err)
		}
		return
	}
	if s.Duration < 0 || s.SampleRate <= 0 || s.Channels <= 0 || s.BitRate < 0 {
		t.Fatalf("impossible summary: %+v", s)
	}
	if len(s.Peaks) > columns {
		t.Fatalf("%d peaks for %d columns", len(s.Peaks), columns)
	}
	for i, p := range s.Peaks {
		if !(p >= 0 && p <= 1) {
			t.Fatalf("peak %d = %v, outside 0–1", i, p)
		}
	}
}

func seed(f *testing.F, glob string) {
	files, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s: %v", glob, err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, 16)
	}
}

func FuzzWAV(f *testing.F) {
	seed(f, "*.wav")
	f.Add(riff(c("fmt ", fmtChunk(waveFloat, 2, 8000, 32)), c("data", floatSamples(32, 0.5, -2, 0, 1))), 3)
	f.Add(riff(c("fmt ", extensible(24, append([]byte{1, 0}, ksSubformatTail[:]...))), c("data", make([]byte, 9))), 800)
	f.Add(riff(c("fmt ", fmtChunk(wavePCM, 0, 0, 16)), chunk{"data", nil, 0xFFFFFFFF}), 1)
	f.Fuzz(func(t *testing.T, data []byte, columns int) {
		columns = max(0, columns%1000)
		s, err := Summarize(data, "wav", columns)
		checkSummary(t, s, err, columns)
	})
}

func FuzzMP3(f *testing.F) {
	seed(f, "*.mp3")
	f.Add(append(xingFrame("Xing", 0xFFFFFFFF), frames(3)...), 800)
	f.Add(append(xingFrame("Info", 2), frames(2)...), 10)
	f.Add(append([]byte{'I', 'D', '3', 4, 0, 0x10, 0, 0, 0, 0}, frames(2)...), 1)
	f.Fuzz(func(t *testing.T, data []byte, columns int) {
		columns = max(0, columns%1000)
		s, err := Summarize(data, "mp3", columns)
		checkSummary(t, s, err, columns)
	})
}
