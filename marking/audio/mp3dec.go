package audio

import (
	"encoding/binary"
	"errors"
	"io"
)

// pcmFrameBytes is the size of one sample frame of the MP3 decoder's
// output: 16-bit little-endian, two channels (mono is doubled).
const pcmFrameBytes = 4

// pcmBudget bounds the decoded audio a waveform reads whole (two minutes
// at 48 kHz, about 1.5 s of pure-Go decoding): longer files are sampled,
// one window at the start of each column, so a long podcast costs little
// more than that.
const pcmBudget = 2 * 60 * 48000 * pcmFrameBytes

// seekWarmup is the decoded output read and dropped after a seek before
// levels count: a Layer III frame may take its data from up to 511 bytes
// of earlier frames (the bit reservoir), and the first frames after a
// seek decode wrongly until the decoder has seen them.
const seekWarmup = 4 * 1152

// stereo16Peaks computes the waveform of length bytes of the decoder's
// output r. When length exceeds budget it reads a window of budget/columns
// bytes at the start of each column (seeking) and reports sampled.
func stereo16Peaks(r io.ReadSeeker, length int64, columns int, budget int64) (peaks []float32, sampled bool, err error) {
	frames := length / pcmFrameBytes
	p := newPeakSink(frames, columns)
	if p == nil {
		return nil, false, nil
	}
	buf := make([]byte, 16<<10)
	if length <= budget {
		return p.peaks, false, readPeaks(r, p, frames, buf)
	}
	window := max(budget/pcmFrameBytes/int64(p.columns), 1)
	for c := 0; c < p.columns; c++ {
		start := int64(c) * frames / int64(p.columns)
		from := max(start-seekWarmup, 0)
		if _, err := r.Seek(from*pcmFrameBytes, io.SeekStart); err != nil {
			return nil, true, err
		}
		if _, err := io.CopyN(io.Discard, r, (start-from)*pcmFrameBytes); err != nil {
			return p.peaks, true, nil // the stream ended early: keep what was read
		}
		p.frame = start
		if err := readPeaks(r, p, min(start+window, frames), buf); err != nil {
			return nil, true, err
		}
	}
	return p.peaks, true, nil
}

// readPeaks feeds r's sample frames to p until p.frame reaches until or r
// ends.
func readPeaks(r io.Reader, p *peakSink, until int64, buf []byte) error {
	for p.frame < until {
		want := min(int64(len(buf)), (until-p.frame)*pcmFrameBytes)
		n, err := io.ReadFull(r, buf[:want])
		for off := 0; off+pcmFrameBytes <= n; off += pcmFrameBytes {
			c := p.column()
			l := int16(binary.LittleEndian.Uint16(buf[off:]))
			rt := int16(binary.LittleEndian.Uint16(buf[off+2:]))
			p.add(c, level16(l))
			p.add(c, level16(rt))
			p.frame++
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
	return nil
}

func level16(v int16) float32 {
	f := float32(v)
	if f < 0 {
		f = -f
	}
	return f / 32768
}
