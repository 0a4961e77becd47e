package marking

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf16"
)

// mp3 reads the ID3v2 tags at the start of the file (several may follow one
// another) and an ID3v2 tag with a footer at the end.
func (s *scanner) mp3() {
	b := s.data
	off := 0
	for n := 0; n < 8 && off+10 <= len(b) && string(b[off:off+3]) == "ID3"; n++ {
		used := s.id3(fmt.Sprintf("mp3:ID3v2.%d", b[off+3]), b[off:])
		if used <= 0 {
			return
		}
		off += used
	}
	if len(b) >= 10 && off < len(b)-10 && string(b[len(b)-10:len(b)-7]) == "3DI" {
		size := syncsafe(b[len(b)-4:])
		start := len(b) - 20 - size
		if size >= 0 && start >= off && string(b[start:start+3]) == "ID3" {
			s.id3("mp3:ID3v2(appended)", b[start:])
		}
	}
}

func syncsafe(b []byte) int {
	return int(b[0]&0x7f)<<21 | int(b[1]&0x7f)<<14 | int(b[2]&0x7f)<<7 | int(b[3]&0x7f)
}

// unsync removes ID3 unsynchronisation (FF 00 → FF).
func unsync(b []byte) []byte {
	if !bytes.Contains(b, []byte{0xFF, 0x00}) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		out = append(out, b[i])
		if b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0x00 {
			i++
		}
	}
	return out
}

// id3 reads one ID3v2 tag (v2.2, v2.3 or v2.4) at b[0] and returns its total
// length, or 0 when the header is unusable. TXXX (TXX in v2.2) frames with
// the description AIGC are the label; COMM frames and other TXXX values
// holding a wrapped label are read as nonstandard carriers.
func (s *scanner) id3(where string, b []byte) int {
	if len(b) < 10 || string(b[:3]) != "ID3" {
		s.find(CodeFileMalformed, where+": no ID3 header")
		return 0
	}
	ver := b[3]
	flags := b[5]
	size := syncsafe(b[6:10])
	total := 10 + size
	if flags&0x10 != 0 && ver == 4 {
		total += 10 // footer
	}
	if ver < 2 || ver > 4 {
		s.find(CodeFileUnsupported, fmt.Sprintf("%s: ID3v2.%d is not a known version", where, ver))
		return total
	}
	body := b[10:]
	if size > len(body) {
		s.truncated(fmt.Sprintf("%s: tag declares %d bytes", where, size))
		size = len(body)
	}
	body = body[:size]
	if flags&0x80 != 0 && ver < 4 {
		body = unsync(body) // v2.2/v2.3: the whole tag is unsynchronised
	}
	off := 0
	if flags&0x40 != 0 && ver >= 3 { // extended header
		if len(body) < 4 {
			s.truncated(where + ": extended header")
			return total
		}
		var ext int
		if ver == 4 {
			ext = syncsafe(body) // includes its own size field
		} else {
			ext = int(binary.BigEndian.Uint32(body)) + 4
		}
		if ext < 0 || ext > len(body) {
			s.truncated(where + ": extended header")
			return total
		}
		off = ext
	}
	idLen, hdrLen := 4, 10
	if ver == 2 {
		idLen, hdrLen = 3, 6
	}
	for n := 0; off+hdrLen <= len(body) && n < 10000; n++ {
		if body[off] == 0 {
			break // padding
		}
		id := string(body[off : off+idLen])
		var fsize int
		var fflags uint16
		switch ver {
		case 2:
			fsize = int(body[off+3])<<16 | int(body[off+4])<<8 | int(body[off+5])
		case 3:
			fsize = int(binary.BigEndian.Uint32(body[off+4:]))
			fflags = binary.BigEndian.Uint16(body[off+8:])
		case 4:
			fsize = syncsafe(body[off+4:])
			fflags = binary.BigEndian.Uint16(body[off+8:])
		}
		if fsize < 0 || fsize > len(body)-off-hdrLen {
			s.truncated(fmt.Sprintf("%s: frame %q declares %d bytes", where, safeType(id), fsize))
			break
		}
		data := body[off+hdrLen : off+hdrLen+fsize]
		off += hdrLen + fsize
		if ver == 4 {
			if fflags&0x0040 != 0 && len(data) >= 1 { // grouping identity
				data = data[1:]
			}
			if fflags&0x0002 != 0 || flags&0x80 != 0 { // per-frame unsynchronisation
				data = unsync(data)
			}
			if fflags&0x0001 != 0 && len(data) >= 4 { // data length indicator
				data = data[4:]
			}
			if fflags&0x000C != 0 { // compressed or encrypted: not read
				continue
			}
		} else if ver == 3 && fflags&0x00C0 != 0 {
			continue
		}
		loc := where + ":" + safeType(id)
		switch id {
		case "TXXX", "TXX":
			if len(data) < 1 {
				continue
			}
			desc, val := splitEncoded(data[0], data[1:])
			if strings.EqualFold(strings.TrimSpace(desc), "AIGC") {
				s.addLabel(candidate{carrier: CarrierID3, location: loc + ":AIGC", named: true, payload: []byte(val)})
			} else {
				s.otherField(CarrierID3, loc+":"+clip(desc, 40), []byte(val), "label JSON in ID3 TXXX "+clip(desc, 40)+", not TXXX AIGC")
			}
		case "COMM", "COM":
			if len(data) < 4 {
				continue
			}
			desc, val := splitEncoded(data[0], data[4:])
			if strings.EqualFold(strings.TrimSpace(desc), "AIGC") {
				s.addLabel(candidate{carrier: CarrierOther, location: loc + ":AIGC", named: true, payload: []byte(val),
					nonstandard: "label in an ID3 COMM frame, not TXXX"})
			} else {
				s.otherField(CarrierOther, loc, []byte(val), "label JSON in an ID3 COMM frame, not TXXX")
			}
		case "PRIV":
			if i := bytes.IndexByte(data, 0); i >= 0 && strings.EqualFold(string(data[:i]), "AIGC") {
				s.addLabel(candidate{carrier: CarrierOther, location: loc + ":AIGC", named: true, payload: data[i+1:],
					nonstandard: "label in an ID3 PRIV frame, not TXXX"})
			} else if i >= 0 && string(data[:i]) == "XMP" {
				s.xmp(loc+":XMP", data[i+1:])
			}
		}
	}
	return total
}

// splitEncoded splits an ID3 "description NUL value" pair in the given text
// encoding (0 ISO-8859-1, 1 UTF-16 with BOM, 2 UTF-16BE, 3 UTF-8).
func splitEncoded(enc byte, b []byte) (string, string) {
	switch enc {
	case 1, 2:
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				return decodeID3UTF16(b[:i], enc), decodeID3UTF16(b[i+2:], enc)
			}
		}
		return decodeID3UTF16(b, enc), ""
	default:
		i := bytes.IndexByte(b, 0)
		var d, v []byte
		if i < 0 {
			d = b
		} else {
			d, v = b[:i], b[i+1:]
		}
		v = bytes.TrimRight(v, "\x00")
		if enc == 0 {
			return latin1(d), latin1(v)
		}
		return string(d), string(v)
	}
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func decodeID3UTF16(b []byte, enc byte) string {
	var bo binary.ByteOrder = binary.BigEndian
	if enc == 1 && len(b) >= 2 {
		if b[0] == 0xFF && b[1] == 0xFE {
			bo, b = binary.LittleEndian, b[2:]
		} else if b[0] == 0xFE && b[1] == 0xFF {
			b = b[2:]
		}
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, bo.Uint16(b[i:]))
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}
