package audio

import (
	"encoding/binary"
	"fmt"
)

// frameHeader is one MPEG audio frame header.
type frameHeader struct {
	version  int // 1, 2 (MPEG-2) or 25 (MPEG-2.5)
	layer    int // 1, 2 or 3
	bitrate  int // bits per second; 0 for free format
	rate     int // Hz
	padding  bool
	channels int
	crc      bool
}

// Bit rates in kbit/s by [version row][layer-1][index].
var (
	bitratesV1 = [3][16]int{
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
	}
	bitratesV2 = [3][16]int{
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
	}
	sampleRates = map[int][3]int{1: {44100, 48000, 32000}, 2: {22050, 24000, 16000}, 25: {11025, 12000, 8000}}
)

// parseFrameHeader reads the four header bytes at the start of b.
func parseFrameHeader(b []byte) (frameHeader, bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return frameHeader{}, false
	}
	var h frameHeader
	switch (b[1] >> 3) & 3 {
	case 0:
		h.version = 25
	case 2:
		h.version = 2
	case 3:
		h.version = 1
	default:
		return h, false // reserved
	}
	h.layer = 4 - int((b[1]>>1)&3)
	if h.layer == 4 {
		return h, false // reserved
	}
	h.crc = b[1]&1 == 0
	bi, ri := int(b[2]>>4), int((b[2]>>2)&3)
	if bi == 15 || ri == 3 {
		return h, false
	}
	if h.version == 1 {
		h.bitrate = bitratesV1[h.layer-1][bi] * 1000
	} else {
		h.bitrate = bitratesV2[h.layer-1][bi] * 1000
	}
	h.rate = sampleRates[h.version][ri]
	h.padding = b[2]&2 != 0
	h.channels = 2
	if b[3]>>6 == 3 {
		h.channels = 1
	}
	return h, true
}

// samples returns the samples per channel in one frame.
func (h frameHeader) samples() int {
	switch {
	case h.layer == 1:
		return 384
	case h.layer == 3 && h.version != 1:
		return 576
	}
	return 1152
}

// size returns the frame's length in bytes, header included; 0 for free
// format, whose length the header does not give.
func (h frameHeader) size() int {
	if h.bitrate == 0 {
		return 0
	}
	pad := 0
	if h.padding {
		pad = 1
	}
	if h.layer == 1 {
		return (12*h.bitrate/h.rate + pad) * 4
	}
	return h.samples()/8*h.bitrate/h.rate + pad
}

// sideInfo returns the Layer III side-information size after the header.
func (h frameHeader) sideInfo() int {
	switch {
	case h.version == 1 && h.channels == 1:
		return 17
	case h.version == 1:
		return 32
	case h.channels == 1:
		return 9
	}
	return 17
}

func (h frameHeader) codec() string {
	return [...]string{"mp1", "mp2", "mp3"}[h.layer-1]
}

// maxResync bounds how far the reader looks for the first frame, or for
// the next one after junk.
const maxResync = 64 << 10

// skipID3v2 returns the offset after the ID3v2 tags at the start of data.
func skipID3v2(data []byte) (int, error) {
	pos := 0
	for n := 0; n < 8 && len(data)-pos >= 10 && string(data[pos:pos+3]) == "ID3"; n++ {
		h := data[pos : pos+10]
		if h[6]|h[7]|h[8]|h[9] >= 0x80 {
			return 0, fmt.Errorf("%w: ID3v2 tag size is not syncsafe", ErrMalformed)
		}
		size := int(h[6])<<21 | int(h[7])<<14 | int(h[8])<<7 | int(h[9])
		size += 10
		if h[5]&0x10 != 0 {
			size += 10 // footer
		}
		if size > len(data)-pos {
			return 0, fmt.Errorf("%w: the ID3v2 tag claims %d bytes; the file has %d after it", ErrMalformed, size, len(data)-pos)
		}
		pos += size
	}
	return pos, nil
}

// findFrame returns the offset of the first frame at or after pos whose
// successor (when the file goes on) is a frame too, looking at most
// maxResync bytes ahead; -1 when there is none.
func findFrame(data []byte, pos int) (int, frameHeader) {
	limit := min(len(data)-4, pos+maxResync)
	for i := pos; i <= limit; i++ {
		if data[i] != 0xFF {
			continue
		}
		h, ok := parseFrameHeader(data[i:])
		if !ok || h.size() == 0 {
			continue
		}
		next := i + h.size()
		if next+4 <= len(data) {
			if h2, ok := parseFrameHeader(data[next:]); !ok || h2.version != h.version || h2.layer != h.layer || h2.rate != h.rate {
				continue
			}
		} else if next > len(data) && i != pos {
			continue // a lone, cut-off "frame" found by searching is more likely noise
		}
		return i, h
	}
	return -1, frameHeader{}
}

// vbrTag is what a Xing/Info or VBRI header in the first frame says.
type vbrTag struct {
	kind           string // Xing, Info or VBRI
	frames, bytes  int64
	delay, padding int // encoder delay and padding, in samples (LAME tag)
}

// readVBRTag looks for a Xing/Info or VBRI header in the frame at data[0:].
func readVBRTag(frame []byte, h frameHeader) (vbrTag, bool) {
	be := binary.BigEndian
	for _, off := range []int{4 + h.sideInfo(), 4 + h.sideInfo() + 2} {
		if off+8 > len(frame) {
			break
		}
		id := string(frame[off : off+4])
		if id != "Xing" && id != "Info" {
			continue
		}
		t := vbrTag{kind: id}
		flags := be.Uint32(frame[off+4:])
		p := off + 8
		if flags&1 != 0 {
			if p+4 > len(frame) {
				return vbrTag{}, false
			}
			t.frames = int64(be.Uint32(frame[p:]))
			p += 4
		}
		if flags&2 != 0 {
			if p+4 > len(frame) {
				return vbrTag{}, false
			}
			t.bytes = int64(be.Uint32(frame[p:]))
			p += 4
		}
		if flags&4 != 0 {
			p += 100 // seek table
		}
		if flags&8 != 0 {
			p += 4 // quality
		}
		// The LAME extension: encoder (9), revision (1), lowpass (1),
		// replay gain (8), flags (1), bitrate (1), then delay and padding
		// as two 12-bit numbers.
		if p+24 <= len(frame) && printable(frame[p:p+4]) {
			d := frame[p+21:]
			t.delay = int(d[0])<<4 | int(d[1])>>4
			t.padding = int(d[1]&0x0F)<<8 | int(d[2])
		}
		return t, t.frames > 0
	}
	off := 4 + 32 // VBRI sits 32 bytes after the header, whatever the mode
	if off+18 <= len(frame) && string(frame[off:off+4]) == "VBRI" {
		t := vbrTag{kind: "VBRI", bytes: int64(be.Uint32(frame[off+10:])), frames: int64(be.Uint32(frame[off+14:]))}
		t.delay = int(be.Uint16(frame[off+6:]))
		return t, t.frames > 0
	}
	return vbrTag{}, false
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return true
}

// walk counts the frames from pos to the end of the audio (an ID3v1 or
// APE tag, or junk that does not lead to a frame within maxResync bytes).
type walk struct {
	frames, samples, bytes int64
	end                    int // offset after the last frame
	junk                   bool
	cut                    bool // the last frame runs past the end of the file
}

func walkFrames(data []byte, pos int) walk {
	var w walk
	for pos+4 <= len(data) {
		h, ok := parseFrameHeader(data[pos:])
		if !ok || h.size() == 0 {
			if tail(data[pos:]) {
				break
			}
			next, _ := findFrame(data, pos+1)
			if next < 0 {
				w.junk = true
				break
			}
			w.junk = true
			pos = next
			continue
		}
		n := h.size()
		if pos+n > len(data) {
			w.cut = true
			break
		}
		w.frames++
		w.samples += int64(h.samples())
		w.bytes += int64(n)
		pos += n
		w.end = pos
	}
	return w
}

// tail reports whether b starts a tag that follows the audio.
func tail(b []byte) bool {
	for _, t := range []string{"TAG", "APETAGEX", "LYRICSBEGIN", "ID3"} {
		if len(b) >= len(t) && string(b[:len(t)]) == t {
			return true
		}
	}
	return false
}

// plausibleFrames reports whether a tag's frame count fits the file: more
// frames than audioBytes could hold at the smallest frame size (24 bytes)
// means the tag lies.
func plausibleFrames(frames int64, audioBytes int) bool {
	return frames > 0 && frames <= int64(audioBytes)/24+1
}

// summarizeMP3 reads the MPEG audio frames: timing from a Xing/Info/VBRI
// tag when there is a plausible one, otherwise by walking every frame.
func summarizeMP3(data []byte, columns int) (Summary, error) {
	start, err := skipID3v2(data)
	if err != nil {
		return Summary{}, err
	}
	pos, h := findFrame(data, start)
	if pos < 0 {
		return Summary{}, fmt.Errorf("%w: no MPEG audio frame in the first %d KiB after the tags", ErrFormat, maxResync>>10)
	}
	s := Summary{SampleRate: h.rate, Channels: h.channels, Codec: h.codec()}
	frames, samples, audioBytes, notes := mp3Timing(data, pos, h)
	s.Duration = duration(samples, h.rate)
	// The bit rate is over whole frames, before the encoder's delay and
	// padding are trimmed, so a CBR file reads its nominal rate.
	if secs := float64(frames*int64(h.samples())) / float64(h.rate); secs > 0 && audioBytes > 0 {
		s.BitRate = int(float64(audioBytes*8)/secs + 0.5)
	}
	if frames <= 0 {
		notes = append(notes, "no audio frames")
	}
	if columns > 0 && samples > 0 {
		peaks, note := mp3Peaks(data[pos:], h, samples, columns)
		s.Peaks = peaks
		if note != "" {
			notes = append(notes, note)
		}
	}
	for _, n := range notes {
		s.Note = join(s.Note, n)
	}
	return s, nil
}

// mp3Timing counts the audio frames from the first frame at pos: from a
// plausible Xing/Info/VBRI tag (samples trimmed by the LAME tag's encoder
// delay and padding), else by walking every frame. audioBytes excludes
// the tag frame.
func mp3Timing(data []byte, pos int, h frameHeader) (frames, samples, audioBytes int64, notes []string) {
	first := data[pos:min(len(data), pos+h.size())]
	tag, tagged := readVBRTag(first, h)
	if tagged && plausibleFrames(tag.frames, len(data)-pos) {
		// The tag frame holds no audio; its counts are of the frames after it.
		frames = tag.frames
		samples = tag.frames*int64(h.samples()) - int64(tag.delay) - int64(tag.padding)
		if samples <= 0 {
			samples = tag.frames * int64(h.samples())
		}
		audioBytes = tag.bytes
		if audioBytes <= 0 || audioBytes > int64(len(data)-pos) {
			audioBytes = int64(len(data) - pos)
		}
		return frames, samples, audioBytes - int64(len(first)), nil
	}
	if tagged {
		notes = append(notes, fmt.Sprintf("the %s header's frame count is impossible; timed by walking the frames", tag.kind))
	}
	w := walkFrames(data, pos)
	if tagged || isTagFrame(first, h) {
		w.frames--
		w.samples -= int64(h.samples())
		w.bytes -= int64(h.size())
	}
	if w.cut {
		notes = append(notes, "the last frame is cut short")
	}
	if w.junk {
		notes = append(notes, "bytes that are not MPEG audio frames were skipped")
	}
	return w.frames, w.samples, w.bytes, notes
}

// isTagFrame reports whether a frame is a Xing/Info/VBRI tag frame (even
// one whose counts are missing), which holds no audio.
func isTagFrame(frame []byte, h frameHeader) bool {
	for _, off := range []int{4 + h.sideInfo(), 4 + h.sideInfo() + 2, 36} {
		if off+4 <= len(frame) {
			switch string(frame[off : off+4]) {
			case "Xing", "Info", "VBRI":
				return true
			}
		}
	}
	return false
}
