package marking

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

var uuidXMP = []byte{0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC}

type box struct {
	typ  string
	data []byte // payload after the header
	off  int    // offset of the box in its parent slice
}

// boxes splits b into ISOBMFF boxes; truncated reports a size past the end.
func (s *scanner) boxes(b []byte, where string) []box {
	var out []box
	off := 0
	for n := 0; off+8 <= len(b); n++ {
		if n > 100000 {
			s.find(CodeFileMalformed, where+": more than 100000 boxes")
			break
		}
		size := int64(binary.BigEndian.Uint32(b[off:]))
		typ := string(b[off+4 : off+8])
		hdr := int64(8)
		switch size {
		case 0:
			size = int64(len(b) - off)
		case 1:
			if off+16 > len(b) {
				s.truncated(fmt.Sprintf("%s: %q box 64-bit size", where, safeType(typ)))
				return out
			}
			size = int64(binary.BigEndian.Uint64(b[off+8:]))
			hdr = 16
		}
		if size < hdr || size > int64(len(b)-off) {
			s.truncated(fmt.Sprintf("%s: %q box at offset %d declares %d bytes", where, safeType(typ), off, size))
			if size >= hdr {
				out = append(out, box{typ: typ, data: b[off+int(hdr):], off: off}) // read what is there
			}
			return out
		}
		out = append(out, box{typ: typ, data: b[off+int(hdr) : off+int(size)], off: off})
		off += int(size)
	}
	if off < len(b) && len(b)-off < 8 && bytes.Count(b[off:], []byte{0}) != len(b)-off {
		s.truncated(fmt.Sprintf("%s: box header at offset %d", where, off))
	}
	return out
}

// mp4 walks an ISOBMFF/QuickTime file: moov/udta/meta and moov/meta (mdta
// keys + ilst, requirements.md §3.4), trak/udta, iTunes freeform `----`
// items, XMP in the uuid box or udta/XMP_, and, for HEIF/AVIF, XMP items
// found by their packet.
func (s *scanner) mp4() {
	where := "mp4"
	for _, bx := range s.boxes(s.data, where) {
		switch bx.typ {
		case "moov":
			s.mp4Container(bx.data, where+":moov", 1)
		case "meta":
			s.mp4Meta(bx.data, where+":meta", 1)
		case "uuid":
			if len(bx.data) >= 16 && bytes.Equal(bx.data[:16], uuidXMP) {
				s.xmp(where+":uuid:XMP", bx.data[16:])
			}
		case "udta":
			s.mp4Container(bx.data, where+":udta", 1)
		}
	}
	if s.rep.Format == "heif" || s.rep.Format == "avif" {
		if s.xmpPackets == 0 {
			s.rawXMPScan(s.rep.Format)
		}
	}
}

// mp4Container walks moov, trak and udta children.
func (s *scanner) mp4Container(b []byte, where string, depth int) {
	if depth > maxDepth {
		s.tooDeep(where)
		return
	}
	for _, bx := range s.boxes(b, where) {
		loc := where + ":" + safeType(bx.typ)
		switch bx.typ {
		case "udta", "trak", "moov":
			s.mp4Container(bx.data, loc, depth+1)
		case "meta":
			s.mp4Meta(bx.data, loc, depth+1)
		case "XMP_":
			s.xmp(loc, bx.data)
		case "AIGC", "aigc":
			s.addLabel(candidate{carrier: CarrierMP4, location: loc, named: true, payload: bx.data})
		case "uuid":
			if len(bx.data) >= 16 && bytes.Equal(bx.data[:16], uuidXMP) {
				s.xmp(loc+":XMP", bx.data[16:])
			}
		}
	}
}

// mp4Meta reads a meta box (ISO full box, or QuickTime's plain box whose
// first child is hdlr): its keys and ilst.
func (s *scanner) mp4Meta(b []byte, where string, depth int) {
	if depth > maxDepth {
		s.tooDeep(where)
		return
	}
	if len(b) >= 8 && string(b[4:8]) != "hdlr" && len(b) >= 4 {
		b = b[4:] // version and flags
	}
	var keys []string
	var ilst []byte
	for _, bx := range s.boxes(b, where) {
		switch bx.typ {
		case "keys":
			keys = s.mp4Keys(bx.data, where+":keys")
		case "ilst":
			ilst = bx.data
		case "meta":
			s.mp4Meta(bx.data, where+":meta", depth+1)
		case "xml ":
			if len(bx.data) > 4 {
				s.xmp(where+":xml", bx.data[4:])
			}
		}
	}
	if ilst != nil {
		s.mp4Ilst(ilst, keys, where+":ilst")
	}
}

func (s *scanner) mp4Keys(b []byte, where string) []string {
	if len(b) < 8 {
		s.truncated(where)
		return nil
	}
	n := int(binary.BigEndian.Uint32(b[4:]))
	off := 8
	var keys []string
	for i := 0; i < n && i < 10000; i++ {
		if off+8 > len(b) {
			s.truncated(fmt.Sprintf("%s: entry %d", where, i+1))
			break
		}
		size := int(binary.BigEndian.Uint32(b[off:]))
		if size < 8 || size > len(b)-off {
			s.truncated(fmt.Sprintf("%s: entry %d declares %d bytes", where, i+1, size))
			break
		}
		keys = append(keys, string(b[off+8:off+size]))
		off += size
	}
	return keys
}

// mp4Ilst reads ilst items: an item's type is a 1-based index into keys
// (mdta), or a four-character code; `----` items carry mean/name/data.
func (s *scanner) mp4Ilst(b []byte, keys []string, where string) {
	for _, item := range s.boxes(b, where) {
		name := ""
		idx := binary.BigEndian.Uint32([]byte(item.typ))
		if idx >= 1 && int(idx) <= len(keys) {
			name = keys[idx-1]
		}
		var values [][]byte
		for _, c := range s.boxes(item.data, where) {
			switch c.typ {
			case "data":
				if len(c.data) >= 8 {
					values = append(values, c.data[8:])
				} else {
					s.truncated(where + ": data box")
				}
			case "name":
				if len(c.data) >= 4 {
					name = string(c.data[4:])
				}
			}
		}
		key := name
		if key == "" {
			key = safeType(item.typ)
		}
		// ffmpeg writes keys as "mdta" namespace entries named e.g. "AIGC";
		// some writers prefix a reverse-DNS name (com.example.AIGC).
		short := key
		if i := strings.LastIndexAny(short, ".:"); i >= 0 {
			short = short[i+1:]
		}
		loc := where + ":" + clip(key, 60)
		for _, v := range values {
			switch {
			case strings.EqualFold(short, "AIGC"):
				s.addLabel(candidate{carrier: CarrierMP4, location: loc, named: true, payload: v})
			default:
				s.otherField(CarrierMP4, loc, v, "label JSON in MP4 metadata item "+clip(key, 40)+", not key AIGC")
			}
		}
	}
}
