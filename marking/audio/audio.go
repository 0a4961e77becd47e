// Package audio summarises audio files for the review desk's evidence view:
// duration, sample rate, channels, codec and a waveform of peak levels. It
// reads WAV (PCM 8/16/24/32-bit, IEEE float, WAVE_FORMAT_EXTENSIBLE) and
// MPEG audio (MP3: frame headers, Xing/Info/LAME and VBRI tags). Every read
// is bounded and every length checked: the input is untrusted and a bad
// file gives an error, never a panic.
//
// Role: a file-format reader in marking (bytes in, a report out). Forbidden
// imports (style.md §2): Fyne, database/sql, review, store/..., ui/..., app.
package audio

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Summary describes one audio file.
type Summary struct {
	Duration      time.Duration
	SampleRate    int // Hz
	Channels      int
	BitsPerSample int    // PCM sample size; 0 for compressed audio
	Codec         string // pcm_s16le, pcm_f32le, mp3 … (ffprobe's names)
	BitRate       int    // bits per second, averaged over the file
	// Peaks holds, per column, the largest absolute sample of any channel
	// in that column's stretch of time, normalised to 0–1. It has at most
	// the columns asked for (fewer for shorter files) and is empty when
	// the samples cannot be decoded; Note then says why.
	Peaks []float32
	// Note says in plain words what is missing or approximate.
	Note string
}

// Limits.
const (
	// MaxColumns bounds the columns Summarize accepts.
	MaxColumns = 1 << 16
	// MaxChannels bounds the channel count a header may declare.
	MaxChannels = 64
	// MaxSampleRate bounds the sample rate a header may declare (Hz).
	MaxSampleRate = 1_536_000
)

// Errors. Each error Summarize returns wraps one of them.
var (
	// ErrFormat: the bytes are not a file of the format named.
	ErrFormat = errors.New("audio: not a file of this format")
	// ErrMalformed: a header or length is impossible.
	ErrMalformed = errors.New("audio: malformed file")
	// ErrUnsupported: the format or encoding is not read by this package.
	ErrUnsupported = errors.New("audio: unsupported")
)

// Summarize reads data, an audio file of format ("wav" or "mp3", as
// marking.Sniff names them; "" means tell from the bytes), and returns its
// summary with at most columns peak levels (0: no peaks). It does not
// retain data.
func Summarize(data []byte, format string, columns int) (Summary, error) {
	if columns < 0 || columns > MaxColumns {
		return Summary{}, fmt.Errorf("%w: %d waveform columns, want 0–%d", ErrUnsupported, columns, MaxColumns)
	}
	if format == "" {
		format = sniff(data)
	}
	switch format {
	case "wav":
		return summarizeWAV(data, columns)
	case "mp3":
		return summarizeMP3(data, columns)
	}
	return Summary{}, fmt.Errorf("%w: %q files have no audio summary (WAV and MP3 only)", ErrUnsupported, format)
}

// sniff tells WAV and MP3 apart by their first bytes.
func sniff(data []byte) string {
	switch {
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WAVE":
		return "wav"
	case len(data) >= 3 && string(data[:3]) == "ID3":
		return "mp3"
	case len(data) >= 4:
		if _, ok := parseFrameHeader(data); ok {
			return "mp3"
		}
	}
	return "unknown"
}

// duration returns frames/rate as a Duration, saturating instead of
// overflowing.
func duration(frames int64, rate int) time.Duration {
	if frames <= 0 || rate <= 0 {
		return 0
	}
	sec := frames / int64(rate)
	if sec > math.MaxInt64/int64(time.Second)-1 {
		return time.Duration(math.MaxInt64)
	}
	rem := frames % int64(rate)
	return time.Duration(sec)*time.Second + time.Duration(rem*int64(time.Second)/int64(rate))
}

// peakSink accumulates per-column peaks over a known number of sample
// frames.
type peakSink struct {
	frames  int64 // total sample frames
	columns int
	peaks   []float32
	frame   int64 // frames seen so far
}

func newPeakSink(frames int64, columns int) *peakSink {
	if columns <= 0 || frames <= 0 {
		return nil
	}
	if int64(columns) > frames {
		columns = int(frames)
	}
	return &peakSink{frames: frames, columns: columns, peaks: make([]float32, columns)}
}

// column returns the column of the current frame.
func (p *peakSink) column() int {
	c := int(p.frame * int64(p.columns) / p.frames)
	if c >= p.columns {
		c = p.columns - 1
	}
	return c
}

// add records the level v (0–1) of one sample in the current frame.
func (p *peakSink) add(c int, v float32) {
	if v > p.peaks[c] {
		p.peaks[c] = v
	}
}

// clamp01 turns any value into a level in 0–1 (NaN is silence).
func clamp01(v float64) float32 {
	switch {
	case v != v || v <= 0:
		return 0
	case v >= 1:
		return 1
	}
	return float32(v)
}
