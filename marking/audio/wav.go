package audio

import (
	"encoding/binary"
	"fmt"
	"math"
)

// WAVE format tags.
const (
	wavePCM        = 0x0001
	waveFloat      = 0x0003
	waveALaw       = 0x0006
	waveMuLaw      = 0x0007
	waveExtensible = 0xFFFE
)

// ksSubformatTail is the fixed tail of a KSDATAFORMAT_SUBTYPE GUID: the
// first two bytes of the GUID carry the format tag.
var ksSubformatTail = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// wavFormat is the fmt chunk, reduced to what the summary needs.
type wavFormat struct {
	tag        int // wavePCM, waveFloat … after resolving EXTENSIBLE
	channels   int
	rate       int
	byteRate   int
	blockAlign int
	bits       int // container bits per sample
	valid      int // meaningful bits (EXTENSIBLE), else bits
}

// codec names the encoding as ffprobe does.
func (f wavFormat) codec() string {
	switch {
	case f.tag == wavePCM && f.bits == 8:
		return "pcm_u8"
	case f.tag == wavePCM:
		return fmt.Sprintf("pcm_s%dle", f.bits)
	case f.tag == waveFloat:
		return fmt.Sprintf("pcm_f%dle", f.bits)
	case f.tag == waveALaw:
		return "pcm_alaw"
	case f.tag == waveMuLaw:
		return "pcm_mulaw"
	}
	return fmt.Sprintf("wav format 0x%04X", f.tag)
}

// decodable reports whether peaks can be read from the samples.
func (f wavFormat) decodable() bool {
	switch f.tag {
	case wavePCM:
		return f.bits == 8 || f.bits == 16 || f.bits == 24 || f.bits == 32
	case waveFloat:
		return f.bits == 32 || f.bits == 64
	}
	return false
}

// parseFmt reads a fmt chunk body.
func parseFmt(b []byte) (wavFormat, error) {
	if len(b) < 16 {
		return wavFormat{}, fmt.Errorf("%w: WAV fmt chunk of %d bytes, want at least 16", ErrMalformed, len(b))
	}
	le := binary.LittleEndian
	f := wavFormat{
		tag:        int(le.Uint16(b[0:])),
		channels:   int(le.Uint16(b[2:])),
		rate:       int(le.Uint32(b[4:])),
		byteRate:   int(le.Uint32(b[8:])),
		blockAlign: int(le.Uint16(b[12:])),
		bits:       int(le.Uint16(b[14:])),
	}
	f.valid = f.bits
	if f.tag == waveExtensible {
		// cbSize(2) validBits(2) channelMask(4) subformat GUID(16).
		if len(b) < 40 || le.Uint16(b[16:]) < 22 {
			return f, fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE fmt chunk too short (%d bytes)", ErrMalformed, len(b))
		}
		if v := int(le.Uint16(b[18:])); v > 0 && v <= f.bits {
			f.valid = v
		}
		guid := b[24:40]
		if [14]byte(guid[2:]) != ksSubformatTail {
			return f, fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE with a vendor subformat GUID", ErrUnsupported)
		}
		f.tag = int(le.Uint16(guid))
	}
	switch {
	case f.channels == 0:
		return f, fmt.Errorf("%w: WAV header declares zero channels", ErrMalformed)
	case f.channels > MaxChannels:
		return f, fmt.Errorf("%w: WAV header declares %d channels (limit %d)", ErrMalformed, f.channels, MaxChannels)
	case f.rate == 0:
		return f, fmt.Errorf("%w: WAV header declares a sample rate of 0 Hz", ErrMalformed)
	case f.rate > MaxSampleRate:
		return f, fmt.Errorf("%w: WAV header declares %d Hz (limit %d)", ErrMalformed, f.rate, MaxSampleRate)
	case f.blockAlign == 0:
		return f, fmt.Errorf("%w: WAV header declares a block size of 0 bytes", ErrMalformed)
	}
	if f.decodable() && f.blockAlign < f.channels*f.bits/8 {
		return f, fmt.Errorf("%w: WAV block size %d is smaller than %d channels of %d bits", ErrMalformed, f.blockAlign, f.channels, f.bits)
	}
	return f, nil
}

// summarizeWAV reads the fmt and data chunks and the samples.
func summarizeWAV(data []byte, columns int) (Summary, error) {
	f, body, cut, err := wavChunks(data)
	if err != nil {
		return Summary{}, err
	}
	s := Summary{SampleRate: f.rate, Channels: f.channels, BitsPerSample: f.valid, Codec: f.codec()}
	frames := int64(len(body) / f.blockAlign)
	if f.decodable() || f.tag == waveALaw || f.tag == waveMuLaw {
		s.Duration = duration(frames, f.rate)
		s.BitRate = f.rate * f.blockAlign * 8
	} else if f.byteRate > 0 {
		// Compressed WAV (ADPCM, GSM …): time from the average byte rate.
		s.Duration = duration(int64(len(body)), f.byteRate)
		s.BitRate = f.byteRate * 8
		s.BitsPerSample = 0
	}
	if cut {
		s.Note = "the file is shorter than its header says (cut short?): summarised as far as it goes"
	}
	if !f.decodable() {
		s.Note = join(s.Note, fmt.Sprintf("no waveform for %s audio", s.Codec))
		return s, nil
	}
	if p := newPeakSink(frames, columns); p != nil {
		wavPeaks(body[:frames*int64(f.blockAlign)], f, p)
		s.Peaks = p.peaks
	}
	return s, nil
}

// wavChunks walks the RIFF chunks to fmt and data. A data chunk that
// claims more bytes than the file holds (a recording cut short, or a
// streaming writer's placeholder size) is read as far as the file goes,
// and cut is set.
func wavChunks(data []byte) (f wavFormat, body []byte, cut bool, err error) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return f, nil, false, fmt.Errorf("%w: no RIFF/WAVE header", ErrFormat)
	}
	haveFmt := false
	for pos := 12; pos+8 <= len(data); {
		id := string(data[pos : pos+4])
		start := int64(pos + 8)
		end := start + int64(binary.LittleEndian.Uint32(data[pos+4:]))
		if id == "data" {
			if !haveFmt {
				return f, nil, false, fmt.Errorf("%w: WAV data chunk before its fmt chunk", ErrMalformed)
			}
			if end > int64(len(data)) {
				end, cut = int64(len(data)), true
			}
			return f, data[start:end], cut, nil
		}
		if end > int64(len(data)) {
			break // a chunk runs past the end: nothing after it is readable
		}
		if id == "fmt " && !haveFmt {
			if f, err = parseFmt(data[start:end]); err != nil {
				return f, nil, false, err
			}
			haveFmt = true
		}
		pos = int(end + end&1) // chunks are padded to even sizes
	}
	if !haveFmt {
		return f, nil, false, fmt.Errorf("%w: WAV file without a fmt chunk", ErrMalformed)
	}
	return f, nil, false, fmt.Errorf("%w: WAV file without a data chunk", ErrMalformed)
}

// wavPeaks feeds every sample of body (whole frames) to p.
func wavPeaks(body []byte, f wavFormat, p *peakSink) {
	size := f.bits / 8
	level := sampleLevel(f)
	for off := 0; off+f.blockAlign <= len(body); off += f.blockAlign {
		c := p.column()
		for ch := 0; ch < f.channels; ch++ {
			i := off + ch*size
			p.add(c, level(body[i:i+size]))
		}
		p.frame++
	}
}

// sampleLevel returns the function that turns one little-endian sample
// into its absolute level, 0–1.
func sampleLevel(f wavFormat) func([]byte) float32 {
	le := binary.LittleEndian
	switch {
	case f.tag == waveFloat && f.bits == 32:
		return func(b []byte) float32 { return clamp01(math.Abs(float64(math.Float32frombits(le.Uint32(b))))) }
	case f.tag == waveFloat:
		return func(b []byte) float32 { return clamp01(math.Abs(math.Float64frombits(le.Uint64(b)))) }
	case f.bits == 8: // unsigned, 128 is silence
		return func(b []byte) float32 { return clamp01(math.Abs(float64(int(b[0])-128)) / 128) }
	case f.bits == 16:
		return func(b []byte) float32 { return clamp01(math.Abs(float64(int16(le.Uint16(b)))) / 32768) }
	case f.bits == 24:
		return func(b []byte) float32 {
			v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
			return clamp01(math.Abs(float64(v)) / (1 << 23))
		}
	}
	return func(b []byte) float32 { return clamp01(math.Abs(float64(int32(le.Uint32(b)))) / (1 << 31)) }
}

// join joins two notes with "; ".
func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
