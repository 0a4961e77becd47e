package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fmtChunk returns a plain 16-byte fmt body.
func fmtChunk(tag, channels, rate, bits int) []byte {
	b := make([]byte, 16)
	le := binary.LittleEndian
	align := channels * bits / 8
	le.PutUint16(b[0:], uint16(tag))
	le.PutUint16(b[2:], uint16(channels))
	le.PutUint32(b[4:], uint32(rate))
	le.PutUint32(b[8:], uint32(rate*align))
	le.PutUint16(b[12:], uint16(align))
	le.PutUint16(b[14:], uint16(bits))
	return b
}

type chunk struct {
	id   string
	body []byte
	size int64 // declared size; -1: len(body)
}

// riff assembles a RIFF/WAVE file from chunks, padding odd bodies.
func riff(chunks ...chunk) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF\x00\x00\x00\x00WAVE")
	for _, c := range chunks {
		b.WriteString(c.id)
		size := c.size
		if size < 0 {
			size = int64(len(c.body))
		}
		binary.Write(&b, binary.LittleEndian, uint32(size))
		b.Write(c.body)
		if len(c.body)%2 == 1 {
			b.WriteByte(0)
		}
	}
	out := b.Bytes()
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func c(id string, body []byte) chunk { return chunk{id, body, -1} }

// floatSamples encodes values as little-endian float32 or float64.
func floatSamples(bits int, v ...float64) []byte {
	var b bytes.Buffer
	for _, x := range v {
		if bits == 32 {
			binary.Write(&b, binary.LittleEndian, float32(x))
		} else {
			binary.Write(&b, binary.LittleEndian, x)
		}
	}
	return b.Bytes()
}

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

// checkHalfSilent: the fixtures are silent for their first half and a
// sine of amplitude 0.5 for the second.
func checkHalfSilent(t *testing.T, p []float32, eps float64) {
	t.Helper()
	if len(p) != 10 {
		t.Fatalf("%d peaks, want 10", len(p))
	}
	for i, v := range p {
		want := 0.0
		if i >= 5 {
			want = 0.5
		}
		if !near(float64(v), want, eps) {
			t.Fatalf("peak %d = %v, want %v (all: %v)", i, v, want, p)
		}
	}
}

func TestWAVFixturesMadeByFFmpeg(t *testing.T) {
	for _, tc := range []struct {
		file        string
		codec       string
		rate, ch    int
		bits        int
		dur         time.Duration
		halfSilent  bool
		flatLevel   float64
		bitRate     int
		description string
	}{
		{"s16_mono_8k.wav", "pcm_s16le", 8000, 1, 16, time.Second, true, 0, 128000, "plain PCM"},
		{"u8_mono_8k.wav", "pcm_u8", 8000, 1, 8, time.Second, true, 0, 64000, "unsigned 8-bit"},
		{"s24_stereo_8k.wav", "pcm_s24le", 8000, 2, 24, 500 * time.Millisecond, false, 0.75, 384000, "EXTENSIBLE 24-bit, louder right channel"},
		{"s32_mono_8k.wav", "pcm_s32le", 8000, 1, 32, time.Second, true, 0, 256000, "EXTENSIBLE 32-bit"},
		{"f32_mono_8k.wav", "pcm_f32le", 8000, 1, 32, time.Second, true, 0, 256000, "EXTENSIBLE float with a fact chunk"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			s, err := Summarize(mustRead(t, tc.file), "wav", 10)
			if err != nil {
				t.Fatal(err)
			}
			if s.Codec != tc.codec || s.SampleRate != tc.rate || s.Channels != tc.ch || s.BitsPerSample != tc.bits ||
				s.Duration != tc.dur || s.BitRate != tc.bitRate || s.Note != "" {
				t.Fatalf("%s: got %+v", tc.description, s)
			}
			if tc.halfSilent {
				checkHalfSilent(t, s.Peaks, 0.01)
				return
			}
			for i, v := range s.Peaks {
				if !near(float64(v), tc.flatLevel, 0.01) {
					t.Fatalf("peak %d = %v, want %v", i, v, tc.flatLevel)
				}
			}
		})
	}
}

func TestWAVGenerated(t *testing.T) {
	t.Run("plain IEEE float 32 with a LIST chunk and an odd chunk first", func(t *testing.T) {
		data := floatSamples(32, 0, -0.25, 0.5, 2, math.NaN(), -1)
		wav := riff(c("LIST", []byte("INFOabc")), c("fmt ", fmtChunk(waveFloat, 1, 6, 32)), c("data", data))
		s, err := Summarize(wav, "", 3)
		if err != nil {
			t.Fatal(err)
		}
		// Columns of two samples: {0, 0.25}, {0.5, 2 → clipped 1}, {NaN → 0, 1}.
		want := []float32{0.25, 1, 1}
		if s.Codec != "pcm_f32le" || s.Duration != time.Second || len(s.Peaks) != 3 ||
			s.Peaks[0] != want[0] || s.Peaks[1] != want[1] || s.Peaks[2] != want[2] {
			t.Fatalf("got %+v, want peaks %v", s, want)
		}
	})
	t.Run("float 64 stereo", func(t *testing.T) {
		wav := riff(c("fmt ", fmtChunk(waveFloat, 2, 2, 64)), c("data", floatSamples(64, 0.1, -0.2, 0.3, 0.05)))
		s, err := Summarize(wav, "wav", 800)
		if err != nil {
			t.Fatal(err)
		}
		if s.Codec != "pcm_f64le" || len(s.Peaks) != 2 || !near(float64(s.Peaks[0]), 0.2, 1e-6) || !near(float64(s.Peaks[1]), 0.3, 1e-6) {
			t.Fatalf("fewer frames than columns gives one column per frame, max over channels: %+v", s)
		}
	})
	t.Run("a data chunk claiming more than the file holds is read as far as it goes", func(t *testing.T) {
		body := make([]byte, 800) // 400 frames of silence at 8 kHz: 50 ms
		wav := riff(c("fmt ", fmtChunk(wavePCM, 1, 8000, 16)), chunk{"data", body, 0xFFFFFFFF})
		s, err := Summarize(wav, "wav", 10)
		if err != nil {
			t.Fatal(err)
		}
		if s.Duration != 50*time.Millisecond || !strings.Contains(s.Note, "shorter than its header") || len(s.Peaks) != 10 {
			t.Fatalf("got %+v", s)
		}
	})
	t.Run("compressed WAV: timing from the byte rate, no waveform", func(t *testing.T) {
		f := fmtChunk(0x0011, 1, 8000, 4) // IMA ADPCM
		binary.LittleEndian.PutUint32(f[8:], 4000)
		binary.LittleEndian.PutUint16(f[12:], 256)
		s, err := Summarize(riff(c("fmt ", f), c("data", make([]byte, 8000))), "wav", 10)
		if err != nil {
			t.Fatal(err)
		}
		if s.Duration != 2*time.Second || len(s.Peaks) != 0 || !strings.Contains(s.Note, "no waveform") || s.Codec != "wav format 0x0011" {
			t.Fatalf("got %+v", s)
		}
	})
	t.Run("zero columns: no waveform, no note", func(t *testing.T) {
		s, err := Summarize(mustRead(t, "s16_mono_8k.wav"), "wav", 0)
		if err != nil || s.Peaks != nil || s.Duration != time.Second {
			t.Fatalf("got %+v, %v", s, err)
		}
	})
}

func extensible(bits int, guid []byte) []byte {
	f := fmtChunk(waveExtensible, 1, 8000, bits)
	ext := make([]byte, 24)
	binary.LittleEndian.PutUint16(ext[0:], 22)
	binary.LittleEndian.PutUint16(ext[2:], uint16(bits))
	copy(ext[8:], guid)
	return append(f, ext...)
}

func TestWAVHostile(t *testing.T) {
	pcm := func(ch, rate, bits int) []byte {
		return riff(c("fmt ", fmtChunk(wavePCM, ch, rate, bits)), c("data", make([]byte, 64)))
	}
	badAlign := fmtChunk(wavePCM, 2, 8000, 16)
	binary.LittleEndian.PutUint16(badAlign[12:], 2)
	vendor := append([]byte{1, 0}, bytes.Repeat([]byte{0xEE}, 14)...)
	pcmGUID := append([]byte{1, 0}, ksSubformatTail[:]...)
	for _, tc := range []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"truncated header", []byte("RIFF\x00\x00"), ErrFormat, "no RIFF/WAVE"},
		{"only the RIFF header", []byte("RIFF\x04\x00\x00\x00WAVE"), ErrMalformed, "without a fmt"},
		{"data before fmt", riff(c("data", make([]byte, 4)), c("fmt ", fmtChunk(wavePCM, 1, 8000, 16))), ErrMalformed, "before its fmt"},
		{"no data chunk", riff(c("fmt ", fmtChunk(wavePCM, 1, 8000, 16))), ErrMalformed, "without a data"},
		{"zero channels", pcm(0, 8000, 16), ErrMalformed, "zero channels"},
		{"0 Hz", pcm(1, 0, 16), ErrMalformed, "0 Hz"},
		{"absurd channel count", pcm(4000, 8000, 16), ErrMalformed, "4000 channels"},
		{"absurd sample rate", pcm(1, 0x7FFFFFFF, 16), ErrMalformed, "Hz (limit"},
		{"block size 0", riff(c("fmt ", fmtChunk(wavePCM, 0, 8000, 16)[:12]), c("data", nil)), ErrMalformed, "at least 16"},
		{"block smaller than a frame", riff(c("fmt ", badAlign), c("data", make([]byte, 8))), ErrMalformed, "smaller than 2 channels"},
		{"fmt chunk running past the end", riff(chunk{"fmt ", fmtChunk(wavePCM, 1, 8000, 16), 0x7FFFFFF0}), ErrMalformed, "without a fmt"},
		{"short EXTENSIBLE", riff(c("fmt ", fmtChunk(waveExtensible, 1, 8000, 16)), c("data", nil)), ErrMalformed, "EXTENSIBLE fmt chunk too short"},
		{"vendor EXTENSIBLE GUID", riff(c("fmt ", extensible(16, vendor)), c("data", nil)), ErrUnsupported, "vendor subformat"},
		{"not WAV at all", []byte("hello"), ErrUnsupported, "WAV and MP3 only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			format := "wav"
			if tc.want == ErrUnsupported && tc.msg == "WAV and MP3 only" {
				format = "" // tell from the bytes
			}
			_, err := Summarize(tc.data, format, 800)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
		})
	}
	t.Run("EXTENSIBLE with the PCM GUID reads", func(t *testing.T) {
		s, err := Summarize(riff(c("fmt ", extensible(16, pcmGUID)), c("data", make([]byte, 16))), "wav", 4)
		if err != nil || s.Codec != "pcm_s16le" || len(s.Peaks) != 4 {
			t.Fatalf("got %+v, %v", s, err)
		}
	})
}

func TestColumnsOutOfRange(t *testing.T) {
	for _, n := range []int{-1, MaxColumns + 1} {
		if _, err := Summarize(mustRead(t, "s16_mono_8k.wav"), "wav", n); !errors.Is(err, ErrUnsupported) {
			t.Fatalf("%d columns: %v", n, err)
		}
	}
}

func TestMP3FixturesMadeByFFmpeg(t *testing.T) {
	for _, tc := range []struct {
		file     string
		rate, ch int
		min, max time.Duration // gapless length where a LAME tag gives it
		bitRate  int
	}{
		{"cbr_mono_22k.mp3", 22050, 1, time.Second, time.Second, 32000},                          // Info + LAME tag, ID3v2 first
		{"vbr_stereo_44k.mp3", 44100, 2, time.Second, time.Second, 40000},                        // Xing + LAME tag
		{"noxing_mono_22k.mp3", 22050, 1, time.Second, time.Second + 80*time.Millisecond, 32000}, // no tag: frames walked
	} {
		t.Run(tc.file, func(t *testing.T) {
			s, err := Summarize(mustRead(t, tc.file), "mp3", 10)
			if err != nil {
				t.Fatal(err)
			}
			if s.Codec != "mp3" || s.SampleRate != tc.rate || s.Channels != tc.ch || s.BitsPerSample != 0 ||
				s.Duration < tc.min || s.Duration > tc.max || !near(float64(s.BitRate), float64(tc.bitRate), 0.05*float64(tc.bitRate)) {
				t.Fatalf("got %+v", s)
			}
			if !MP3Waveform && (s.Peaks != nil || !strings.Contains(s.Note, "no MP3 decoder")) {
				t.Fatalf("without a decoder the summary must say so: %+v", s)
			}
			// The built-in decoder reads MPEG-1 (32–48 kHz) only.
			if MP3Waveform && (tc.rate == 44100) != (len(s.Peaks) == 10) {
				t.Fatalf("waveform %v, note %q", s.Peaks, s.Note)
			}
		})
	}
}

// frame returns one MPEG-1 Layer III frame at 128 kbit/s, 44.1 kHz (417
// bytes), mono or stereo, its body zero.
func frame(mono bool) []byte {
	f := make([]byte, 417)
	copy(f, []byte{0xFF, 0xFB, 0x90, 0x00})
	if mono {
		f[3] = 0xC0
	}
	return f
}

func frames(n int) []byte { return bytes.Repeat(frame(false), n) }

// xingFrame returns a stereo frame carrying a Xing header with count.
func xingFrame(id string, count uint32) []byte {
	f := frame(false)
	off := 4 + 32
	copy(f[off:], id)
	binary.BigEndian.PutUint32(f[off+4:], 1)
	binary.BigEndian.PutUint32(f[off+8:], count)
	return f
}

func TestMP3Generated(t *testing.T) {
	const perFrame = 1152 * time.Second / 44100
	t.Run("walked frames: 100 frames", func(t *testing.T) {
		s, err := Summarize(frames(100), "", 10)
		// 417-byte frames (the exact 417.96 is rounded down without padding).
		if err != nil || s.Duration != 100*1152*time.Second/44100 || s.BitRate != 417*8*44100/1152 {
			t.Fatalf("got %+v, %v", s, err)
		}
	})
	t.Run("a VBRI header gives the frame count", func(t *testing.T) {
		f := frame(false)
		copy(f[36:], "VBRI")
		binary.BigEndian.PutUint32(f[36+10:], 417*50)
		binary.BigEndian.PutUint32(f[36+14:], 50)
		s, err := Summarize(append(f, frames(50)...), "mp3", 0)
		if err != nil || s.Duration != 50*1152*time.Second/44100 {
			t.Fatalf("got %+v, %v (want %v)", s, err, 50*perFrame)
		}
	})
	t.Run("a Xing header that claims four billion frames is not believed", func(t *testing.T) {
		s, err := Summarize(append(xingFrame("Xing", 0xFFFFFFFF), frames(20)...), "mp3", 0)
		if err != nil || s.Duration != 20*1152*time.Second/44100 || !strings.Contains(s.Note, "impossible") {
			t.Fatalf("got %+v, %v", s, err)
		}
	})
	t.Run("a cut last frame and junk between frames are noted", func(t *testing.T) {
		data := append(frames(10), []byte("some junk here")...)
		data = append(data, frames(10)...)
		data = append(data, frame(false)[:100]...)
		s, err := Summarize(data, "mp3", 0)
		if err != nil || s.Duration != 20*1152*time.Second/44100 || !strings.Contains(s.Note, "cut short") || !strings.Contains(s.Note, "skipped") {
			t.Fatalf("got %+v, %v", s, err)
		}
	})
	t.Run("ID3v1 tag at the end ends the audio quietly", func(t *testing.T) {
		data := append(frames(5), append([]byte("TAG"), make([]byte, 125)...)...)
		s, err := Summarize(data, "mp3", 0)
		if err != nil || s.Duration != 5*1152*time.Second/44100 || s.Note != "" {
			t.Fatalf("got %+v, %v", s, err)
		}
	})
	t.Run("mono", func(t *testing.T) {
		s, err := Summarize(bytes.Repeat(frame(true), 3), "mp3", 0)
		if err != nil || s.Channels != 1 {
			t.Fatalf("got %+v, %v", s, err)
		}
	})
}

func TestMP3Hostile(t *testing.T) {
	id3 := func(size [4]byte) []byte {
		return append([]byte{'I', 'D', '3', 4, 0, 0, size[0], size[1], size[2], size[3]}, frames(2)...)
	}
	free := frame(false)
	free[2] = 0x00 // bit-rate index 0: free format, no frame length
	for _, tc := range []struct {
		name, format string
		data         []byte
		want         error
		msg          string
	}{
		{"ID3v2 tag larger than the file", "", id3([4]byte{0x7F, 0x7F, 0x7F, 0x7F}), ErrMalformed, "claims"},
		{"ID3v2 size not syncsafe", "", id3([4]byte{0xFF, 0, 0, 0}), ErrMalformed, "syncsafe"},
		{"only an ID3v2 tag", "", []byte{'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0}, ErrFormat, "no MPEG audio frame"},
		{"sync-like bytes after a tag", "", append([]byte{'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0}, bytes.Repeat([]byte{0xFF, 0xFB}, 1000)...), ErrFormat, "no MPEG audio frame"},
		{"free-format frames", "", bytes.Repeat(free, 3), ErrFormat, "no MPEG audio frame"},
		{"a WAV file named mp3", "mp3", mustRead(t, "s16_mono_8k.wav"), ErrFormat, "no MPEG audio frame"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Summarize(tc.data, tc.format, 800)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
		})
	}
}

func TestDurationSaturates(t *testing.T) {
	if d := duration(math.MaxInt64, 1); d != time.Duration(math.MaxInt64) {
		t.Fatalf("got %v", d)
	}
	if d := duration(3, 2); d != 1500*time.Millisecond {
		t.Fatalf("got %v", d)
	}
	if d := duration(5, 0); d != 0 {
		t.Fatalf("0 Hz gave %v", d)
	}
}

// pcm16 returns stereo 16-bit PCM: frames frames, the left channel at
// level(i) for frame i, the right silent.
func pcm16(frames int, level func(i int) float64) []byte {
	b := make([]byte, frames*4)
	for i := 0; i < frames; i++ {
		binary.LittleEndian.PutUint16(b[i*4:], uint16(int16(-level(i)*32767)))
	}
	return b
}

func TestStereo16Peaks(t *testing.T) {
	const n = 100_000
	// Four quarters at 0.1, 0.2, 0.4 and 0.8.
	data := pcm16(n, func(i int) float64 { return 0.1 * math.Pow(2, float64(i*4/n)) })
	for _, tc := range []struct {
		name    string
		budget  int64
		sampled bool
	}{
		{"read whole", int64(len(data)), false},
		{"sampled in windows", 4000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, sampled, err := stereo16Peaks(bytes.NewReader(data), int64(len(data)), 8, tc.budget)
			if err != nil || sampled != tc.sampled || len(p) != 8 {
				t.Fatalf("%v, sampled %v, %d peaks", err, sampled, len(p))
			}
			for i, v := range p {
				want := 0.1 * math.Pow(2, float64(i/2))
				if !near(float64(v), want, 0.001) {
					t.Fatalf("column %d = %v, want %v (%v)", i, v, want, p)
				}
			}
		})
	}
	t.Run("a decoder that ends early leaves the rest silent", func(t *testing.T) {
		p, _, err := stereo16Peaks(bytes.NewReader(data[:len(data)/2]), int64(len(data)), 4, int64(len(data)))
		if err != nil || p[0] == 0 || p[3] != 0 {
			t.Fatalf("%v %v", p, err)
		}
	})
}
