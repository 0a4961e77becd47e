package marking

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// tiffReader walks TIFF IFDs (a TIFF file, or the EXIF block of a JPEG,
// WebP or PNG) with loop detection and bounds checks.
type tiffReader struct {
	s       *scanner
	b       []byte
	bo      binary.ByteOrder
	where   string
	visited map[uint32]bool
	ifds    int
	isFile  bool
}

// tiffFile reads a TIFF file: XMP tag 0x02BC, EXIF UserComment,
// ImageDescription and the image size.
func (s *scanner) tiffFile() {
	s.tiffWalk("tiff", s.data, true)
}

// exif reads an EXIF TIFF structure (starting at the byte-order mark).
func (s *scanner) exif(where string, b []byte) {
	s.tiffWalk(where, b, false)
}

func (s *scanner) tiffWalk(where string, b []byte, isFile bool) {
	if len(b) < 8 {
		s.truncated(where + ": TIFF header")
		return
	}
	var bo binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		s.find(CodeFileMalformed, where+": no TIFF byte-order header")
		return
	}
	t := &tiffReader{s: s, b: b, bo: bo, where: where, visited: map[uint32]bool{}, isFile: isFile}
	next := bo.Uint32(b[4:])
	for first := true; next != 0; first = false {
		next = t.ifd(next, "IFD0", 0, first)
	}
}

const (
	tagImageWidth   = 0x0100
	tagImageLength  = 0x0101
	tagImageDesc    = 0x010E
	tagXMP          = 0x02BC
	tagExifIFD      = 0x8769
	tagSubIFDs      = 0x014A
	tagUserComment  = 0x9286
	tagXPComment    = 0x9C9C
	tagMakerNoteSkp = 0x927C
)

var typeSize = map[uint16]int{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}

// ifd reads one IFD and returns the offset of the next one (0 at the end or
// on error).
func (t *tiffReader) ifd(off uint32, name string, depth int, first bool) uint32 {
	if depth > 8 {
		t.s.tooDeep(t.where)
		return 0
	}
	if t.visited[off] {
		t.s.find(CodeFileMalformed, fmt.Sprintf("%s: IFD at offset %d is referenced twice (a loop); not read again", t.where, off))
		return 0
	}
	t.visited[off] = true
	t.ifds++
	if t.ifds > 256 {
		t.s.find(CodeFileMalformed, t.where+": more than 256 IFDs")
		return 0
	}
	b := t.b
	if int64(off)+2 > int64(len(b)) {
		t.s.truncated(fmt.Sprintf("%s: %s at offset %d", t.where, name, off))
		return 0
	}
	n := int(t.bo.Uint16(b[off:]))
	start := int(off) + 2
	if start+12*n+4 > len(b) {
		if start+12*n > len(b) {
			t.s.truncated(fmt.Sprintf("%s: %s with %d entries at offset %d", t.where, name, n, off))
			n = (len(b) - start) / 12
		}
	}
	var w, h int
	for i := 0; i < n; i++ {
		e := b[start+12*i : start+12*i+12]
		tag := t.bo.Uint16(e)
		typ := t.bo.Uint16(e[2:])
		count := t.bo.Uint32(e[4:])
		val, ok := t.value(typ, count, e[8:12])
		switch tag {
		case tagImageWidth, tagImageLength:
			v := 0
			if typ == 3 {
				v = int(t.bo.Uint16(e[8:]))
			} else if typ == 4 {
				v = int(t.bo.Uint32(e[8:]))
			}
			if tag == tagImageWidth {
				w = v
			} else {
				h = v
			}
		case tagXMP:
			if ok {
				t.s.xmp(t.where+":XMP", val)
			} else {
				t.bad(tag, name)
			}
		case tagUserComment:
			if ok {
				t.s.userComment(t.where+":ExifIFD:UserComment", val, t.bo)
			} else {
				t.bad(tag, name)
			}
		case tagImageDesc:
			if ok && bytes.Contains(val, []byte("AIGC")) {
				t.s.addLabel(candidate{carrier: CarrierOther, location: t.where + ":ImageDescription", payload: val,
					nonstandard: "label JSON in EXIF ImageDescription (a vendor variant), not UserComment"})
			}
		case tagXPComment:
			if ok {
				u := decodeUTF16(val, binary.LittleEndian)
				if bytes.Contains(u, []byte("AIGC")) {
					t.s.addLabel(candidate{carrier: CarrierOther, location: t.where + ":XPComment", payload: u,
						nonstandard: "label JSON in EXIF XPComment, not UserComment"})
				}
			}
		case tagExifIFD:
			if typ == 4 || typ == 13 {
				t.ifd(t.bo.Uint32(e[8:]), "ExifIFD", depth+1, false)
			}
		case tagSubIFDs:
			if (typ == 4 || typ == 13) && ok {
				for j := 0; j+4 <= len(val) && j < 64*4; j += 4 {
					t.ifd(t.bo.Uint32(val[j:]), "SubIFD", depth+1, false)
				}
			}
		}
	}
	if first && t.isFile {
		t.s.dims(w, h, t.where+": IFD0")
	}
	end := start + 12*n
	if end+4 > len(b) {
		return 0
	}
	return t.bo.Uint32(b[end:])
}

func (t *tiffReader) bad(tag uint16, name string) {
	t.s.truncated(fmt.Sprintf("%s: %s tag 0x%04X value", t.where, name, tag))
}

// value returns the bytes of an entry's value, inline or at its offset.
func (t *tiffReader) value(typ uint16, count uint32, inline []byte) ([]byte, bool) {
	sz, ok := typeSize[typ]
	if !ok {
		return nil, false
	}
	total := int64(sz) * int64(count)
	if total <= 4 {
		return inline[:total], true
	}
	off := int64(t.bo.Uint32(inline))
	if off+total > int64(len(t.b)) {
		return nil, false
	}
	return t.b[off : off+total], true
}

// userComment decodes EXIF UserComment: an 8-byte character code then text
// (requirements.md §3.4: ASCII, UNICODE, undefined), or raw JSON without a
// code (a real-world variant).
func (s *scanner) userComment(loc string, v []byte, bo binary.ByteOrder) {
	var text []byte
	switch {
	case len(v) >= 8 && bytes.Equal(v[:8], []byte("ASCII\x00\x00\x00")):
		text = v[8:]
	case len(v) >= 8 && bytes.Equal(v[:8], []byte("UNICODE\x00")):
		u := v[8:]
		// UCS-2 in the TIFF byte order, unless a BOM says otherwise.
		var order binary.ByteOrder = bo
		if len(u) >= 2 && u[0] == 0xFF && u[1] == 0xFE {
			order, u = binary.LittleEndian, u[2:]
		} else if len(u) >= 2 && u[0] == 0xFE && u[1] == 0xFF {
			order, u = binary.BigEndian, u[2:]
		} else if len(u) >= 2 && u[0] == '{' && u[1] == 0 {
			order = binary.LittleEndian
		} else if len(u) >= 2 && u[0] == 0 && u[1] == '{' {
			order = binary.BigEndian
		}
		text = decodeUTF16(u, order)
	case len(v) >= 8 && bytes.Equal(v[:8], []byte("JIS\x00\x00\x00\x00\x00")):
		text = v[8:]
	case len(v) >= 8 && bytes.Equal(v[:8], make([]byte, 8)):
		text = v[8:]
	default:
		text = v
	}
	t := trimPayload(text)
	if len(t) == 0 {
		return
	}
	if bytes.Contains(t, []byte("AIGC")) || t[0] == '{' {
		s.addLabel(candidate{carrier: CarrierExifUC, location: loc, payload: t, named: bytes.Contains(t, []byte("AIGC"))})
	}
}

func decodeUTF16(b []byte, bo binary.ByteOrder) []byte {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, bo.Uint16(b[i:]))
	}
	return []byte(string(utf16.Decode(u)))
}
