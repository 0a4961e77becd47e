package label

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// id3Frame is one ID3v2.3/2.4 frame, kept raw.
type id3Frame struct {
	id    string
	flags uint16
	data  []byte
	raw   []byte
}

func syncsafe(b []byte) (int, bool) {
	v := 0
	for _, c := range b[:4] {
		if c&0x80 != 0 {
			return 0, false
		}
		v = v<<7 | int(c)
	}
	return v, true
}

func putSyncsafe(b []byte, v int) {
	b[0], b[1], b[2], b[3] = byte(v>>21&0x7f), byte(v>>14&0x7f), byte(v>>7&0x7f), byte(v&0x7f)
}

// deunsync reverses ID3 unsynchronisation (0xFF 0x00 → 0xFF).
func deunsync(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		out = append(out, b[i])
		if b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0 {
			i++
		}
	}
	return out
}

// txxxDescription decodes the description of a TXXX frame body.
func txxxDescription(d []byte) (string, bool) {
	if len(d) < 1 {
		return "", false
	}
	enc, rest := d[0], d[1:]
	switch enc {
	case 0, 3:
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return "", false
		}
		return string(rest[:i]), true
	case 1, 2:
		var bo binary.ByteOrder = binary.BigEndian
		if len(rest) >= 2 && rest[0] == 0xFF && rest[1] == 0xFE {
			bo, rest = binary.LittleEndian, rest[2:]
		} else if len(rest) >= 2 && rest[0] == 0xFE && rest[1] == 0xFF {
			rest = rest[2:]
		}
		var u []uint16
		for i := 0; i+1 < len(rest); i += 2 {
			c := bo.Uint16(rest[i:])
			if c == 0 {
				return string(utf16.Decode(u)), true
			}
			u = append(u, c)
		}
	}
	return "", false
}

// txxxBody is the TXXX body for the label: UTF-8 in v2.4; Latin-1 or UTF-16
// (with BOM) in v2.3, which has no UTF-8.
func txxxBody(f Fields, major byte) []byte {
	j := f.InnerJSON()
	ascii := true
	for _, c := range j {
		if c >= 0x80 {
			ascii = false
		}
	}
	switch {
	case major == 4:
		return append(append([]byte{3}, "AIGC\x00"...), j...)
	case ascii:
		return append(append([]byte{0}, "AIGC\x00"...), j...)
	}
	out := []byte{1, 0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune("AIGC\x00" + string(j))) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

func id3FrameBytes(id string, body []byte, major byte, flags uint16) []byte {
	out := make([]byte, 10, 10+len(body))
	copy(out, id)
	if major == 4 {
		putSyncsafe(out[4:], len(body))
	} else {
		binary.BigEndian.PutUint32(out[4:], uint32(len(body)))
	}
	binary.BigEndian.PutUint16(out[8:], flags)
	return append(out, body...)
}

// WriteMP3 writes the label as an ID3v2 TXXX frame with description AIGC
// and the inner JSON (requirements.md §3.4). An ID3v2.3 or 2.4 tag is kept
// with all its other frames; an earlier AIGC TXXX is replaced. Without a tag,
// an ID3v2.4 tag is prepended. When the new frames fit the old tag's padding
// the tag keeps its size, so the audio does not even move; the audio frames
// stay byte for byte either way. ID3v2.2 and tags with a CRC are refused.
func WriteMP3(data []byte, f Fields) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if len(data) > MaxInput {
		return nil, fmt.Errorf("MP3 is %d bytes, over the %d-byte limit", len(data), MaxInput)
	}
	if len(data) < 10 || string(data[:3]) != "ID3" {
		if len(data) < 2 || data[0] != 0xFF || data[1]&0xE0 != 0xE0 {
			return nil, errors.New("not an MP3 file: no ID3 tag and no frame sync")
		}
		frame := id3FrameBytes("TXXX", txxxBody(f, 4), 4, 0)
		head := []byte{'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0}
		putSyncsafe(head[6:], len(frame))
		return append(append(head, frame...), data...), nil
	}
	tag, err := parseID3(data)
	if err != nil {
		return nil, err
	}
	frames, err := parseID3Frames(tag.body, tag.major)
	if err != nil {
		return nil, err
	}
	fb := id3WithLabel(frames, tag, f)
	content := len(tag.ext) + len(fb)
	newSize := content
	if !tag.footer {
		if content <= tag.size {
			newSize = tag.size // reuse the padding: the audio keeps its offset
		} else {
			newSize = content + 256
		}
	}
	if newSize >= 1<<28 {
		return nil, errors.New("ID3 tag with the label would exceed 256 MiB")
	}
	out := make([]byte, 0, len(data)+len(fb)+256)
	out = append(out, 'I', 'D', '3', tag.major, data[4], tag.flags, 0, 0, 0, 0)
	putSyncsafe(out[6:], newSize)
	out = append(out, tag.ext...)
	out = append(out, fb...)
	out = append(out, make([]byte, newSize-content)...)
	if tag.footer {
		out = append(out, append([]byte("3DI"), out[3:10]...)...)
	}
	return append(out, data[tag.end:]...), nil
}

// id3Tag is a parsed ID3v2.3/2.4 tag header.
type id3Tag struct {
	major, flags byte
	size, end    int // declared size; offset of the audio after the tag
	footer       bool
	ext, body    []byte // extended header; frames and padding
}

// parseID3 reads the tag header, undoes v2.3 tag-level unsynchronisation
// and splits off the extended header.
func parseID3(data []byte) (id3Tag, error) {
	t := id3Tag{major: data[3], flags: data[5]}
	if t.major != 3 && t.major != 4 {
		return t, fmt.Errorf("ID3v2.%d tag is not supported (only 2.3 and 2.4)", t.major)
	}
	size, ok := syncsafe(data[6:])
	if !ok {
		return t, errors.New("ID3 tag size is not syncsafe")
	}
	t.size = size
	t.footer = t.major == 4 && t.flags&0x10 != 0
	t.end = 10 + size
	if t.footer {
		t.end += 10
	}
	if t.end > len(data) {
		return t, fmt.Errorf("ID3 tag truncated: declares %d bytes, the file has %d", t.end, len(data))
	}
	t.body = data[10 : 10+size]
	if t.major == 3 && t.flags&0x80 != 0 {
		t.body = deunsync(t.body)
		t.flags &^= 0x80
	}
	if t.flags&0x40 == 0 {
		return t, nil
	}
	n, err := id3ExtHeaderLen(t.body, t.major)
	if err != nil {
		return t, err
	}
	t.ext, t.body = t.body[:n], t.body[n:]
	return t, nil
}

// id3ExtHeaderLen checks the extended header and returns its length.
func id3ExtHeaderLen(body []byte, major byte) (int, error) {
	if len(body) < 6 {
		return 0, errors.New("ID3 extended header truncated")
	}
	if major == 4 {
		n, ok := syncsafe(body)
		if !ok || n < 6 || n > len(body) {
			return 0, errors.New("ID3 extended header has a bad size")
		}
		if body[5]&0x20 != 0 {
			return 0, errors.New("ID3 tag with a CRC in its extended header is not supported")
		}
		return n, nil
	}
	n := int(binary.BigEndian.Uint32(body)) + 4
	if n < 10 || n > len(body) {
		return 0, errors.New("ID3 extended header has a bad size")
	}
	if body[4]&0x80 != 0 {
		return 0, errors.New("ID3 tag with a CRC in its extended header is not supported")
	}
	return n, nil
}

// id3WithLabel returns the frames with the AIGC TXXX replaced (or added).
func id3WithLabel(frames []id3Frame, tag id3Tag, f Fields) []byte {
	var newFlags uint16
	if tag.major == 4 && tag.flags&0x80 != 0 {
		newFlags = 0x0002 // frame unsynchronised, as the tag says; the text has no 0xFF
	}
	newFrame := id3FrameBytes("TXXX", txxxBody(f, tag.major), tag.major, newFlags)
	var fb bytes.Buffer
	placed := false
	for _, fr := range frames {
		if isAIGCFrame(fr) {
			if !placed {
				fb.Write(newFrame)
				placed = true
			}
			continue
		}
		fb.Write(fr.raw)
	}
	if !placed {
		fb.Write(newFrame)
	}
	return fb.Bytes()
}

// isAIGCFrame reports whether fr is a readable TXXX frame described AIGC.
func isAIGCFrame(fr id3Frame) bool {
	if fr.id != "TXXX" || fr.flags&0x00FF != fr.flags&0x0002 {
		return false
	}
	desc, ok := txxxDescription(fr.data)
	return ok && desc == "AIGC"
}

// parseID3Frames splits a tag body into frames, stopping at padding.
func parseID3Frames(b []byte, major byte) ([]id3Frame, error) {
	var out []id3Frame
	pos := 0
	for pos+10 <= len(b) && b[pos] != 0 {
		id := string(b[pos : pos+4])
		for _, c := range []byte(id) {
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return nil, fmt.Errorf("ID3 frame at offset %d has invalid id %q", pos, id)
			}
		}
		var n int
		if major == 4 {
			var ok bool
			if n, ok = syncsafe(b[pos+4:]); !ok {
				return nil, fmt.Errorf("ID3 frame %s size is not syncsafe", id)
			}
		} else {
			n = int(binary.BigEndian.Uint32(b[pos+4:]))
		}
		if n < 0 || n > len(b)-pos-10 {
			return nil, fmt.Errorf("ID3 frame %s at offset %d declares %d bytes, past the end of the tag", id, pos, n)
		}
		out = append(out, id3Frame{id: id, flags: binary.BigEndian.Uint16(b[pos+8:]), data: b[pos+10 : pos+10+n], raw: b[pos : pos+10+n]})
		pos += 10 + n
	}
	return out, nil
}
