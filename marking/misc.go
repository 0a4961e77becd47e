package marking

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// flv reads FLV script-data tags: the AMF0 onMetaData ECMA array key AIGC
// (requirements.md §3.4, FLV row).
func (s *scanner) flv() {
	b := s.data
	if len(b) < 9 {
		s.truncated("flv: header")
		return
	}
	off := int(binary.BigEndian.Uint32(b[5:]))
	if off < 9 || off > len(b) {
		s.truncated("flv: header offset")
		return
	}
	for n := 0; off+4 <= len(b) && n < 1_000_000; n++ {
		off += 4 // previous tag size
		if off == len(b) {
			return
		}
		if off+11 > len(b) {
			s.truncated(fmt.Sprintf("flv: tag header at offset %d", off))
			return
		}
		typ := b[off] & 0x1f
		size := int(b[off+1])<<16 | int(b[off+2])<<8 | int(b[off+3])
		start := off + 11
		if size > len(b)-start {
			s.truncated(fmt.Sprintf("flv: tag at offset %d declares %d bytes", off, size))
			return
		}
		if typ == 18 {
			s.amfScript(b[start : start+size])
			if s.opts.Fast {
				return // the script tag comes first; media tags follow
			}
		}
		off = start + size
	}
}

// amfScript reads name (string) + value pairs of an AMF0 script tag.
func (s *scanner) amfScript(b []byte) {
	a := &amf{b: b}
	name, ok := a.value(0)
	if !ok {
		s.find(CodeFileMalformed, "flv: script tag is not AMF0")
		return
	}
	nm, _ := name.(string)
	val, ok := a.value(0)
	if a.deep {
		s.tooDeep("flv:" + nm)
	}
	if !ok {
		s.truncated("flv: script data " + clip(nm, 40))
	}
	obj, _ := val.(map[string]any)
	for k, v := range obj {
		if !strings.EqualFold(k, "AIGC") {
			continue
		}
		loc := "flv:" + clip(nm, 40) + ":" + k
		switch t := v.(type) {
		case string:
			s.addLabel(candidate{carrier: CarrierOther, location: loc, named: true, payload: []byte(t),
				nonstandard: "label in FLV onMetaData (guide-defined, not in design.md's carrier list)"})
		default:
			j, err := json.Marshal(t)
			if err != nil {
				j = []byte(fmt.Sprintf("%v", t))
			}
			s.addLabel(candidate{carrier: CarrierOther, location: loc, named: true, payload: j,
				nonstandard: "label in FLV onMetaData as an AMF object, not a JSON string"})
		}
	}
}

type amf struct {
	b    []byte
	off  int
	deep bool
	n    int
}

func (a *amf) str(long bool) (string, bool) {
	var n int
	if long {
		if a.off+4 > len(a.b) {
			return "", false
		}
		n = int(binary.BigEndian.Uint32(a.b[a.off:]))
		a.off += 4
	} else {
		if a.off+2 > len(a.b) {
			return "", false
		}
		n = int(binary.BigEndian.Uint16(a.b[a.off:]))
		a.off += 2
	}
	if n < 0 || n > len(a.b)-a.off {
		return "", false
	}
	v := string(a.b[a.off : a.off+n])
	a.off += n
	return v, true
}

// value decodes one AMF0 value, bounded in depth and count.
func (a *amf) value(depth int) (any, bool) {
	a.n++
	if depth > maxDepth {
		a.deep = true
		return nil, false
	}
	if a.off >= len(a.b) || a.n > 100000 {
		return nil, false
	}
	m := a.b[a.off]
	a.off++
	switch m {
	case 0x00:
		if a.off+8 > len(a.b) {
			return nil, false
		}
		v := math.Float64frombits(binary.BigEndian.Uint64(a.b[a.off:]))
		a.off += 8
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, true
		}
		return v, true
	case 0x01:
		if a.off >= len(a.b) {
			return nil, false
		}
		a.off++
		return a.b[a.off-1] != 0, true
	case 0x02:
		return a.str(false)
	case 0x0C:
		return a.str(true)
	case 0x05, 0x06:
		return nil, true
	case 0x03, 0x08:
		if m == 0x08 {
			if a.off+4 > len(a.b) {
				return nil, false
			}
			a.off += 4 // approximate count; the end marker ends the array
		}
		obj := map[string]any{}
		for {
			if a.off+3 <= len(a.b) && a.b[a.off] == 0 && a.b[a.off+1] == 0 && a.b[a.off+2] == 9 {
				a.off += 3
				return obj, true
			}
			k, ok := a.str(false)
			if !ok {
				return obj, false
			}
			v, ok := a.value(depth + 1)
			if !ok {
				return obj, false
			}
			obj[k] = v
		}
	case 0x0A:
		if a.off+4 > len(a.b) {
			return nil, false
		}
		n := int(binary.BigEndian.Uint32(a.b[a.off:]))
		a.off += 4
		var arr []any
		for i := 0; i < n; i++ {
			v, ok := a.value(depth + 1)
			if !ok {
				return arr, false
			}
			arr = append(arr, v)
		}
		return arr, true
	case 0x0B:
		if a.off+10 > len(a.b) {
			return nil, false
		}
		a.off += 10
		return nil, true
	}
	return nil, false
}

// flac reads metadata blocks: VORBIS_COMMENT (AIGC=…) and APPLICATION
// blocks are looked at.
func (s *scanner) flac() {
	b := s.data
	off := 4
	for n := 0; n < 1000; n++ {
		if off+4 > len(b) {
			s.truncated("flac: metadata block header")
			return
		}
		last := b[off]&0x80 != 0
		typ := b[off] & 0x7f
		size := int(b[off+1])<<16 | int(b[off+2])<<8 | int(b[off+3])
		start := off + 4
		if size > len(b)-start {
			s.truncated(fmt.Sprintf("flac: metadata block %d declares %d bytes", typ, size))
			return
		}
		if typ == 4 {
			s.vorbisComments("flac:VORBIS_COMMENT", b[start:start+size])
		}
		off = start + size
		if last {
			return
		}
	}
}

// vorbisComments reads a Vorbis comment list (little-endian lengths).
func (s *scanner) vorbisComments(where string, b []byte) {
	if len(b) < 8 {
		s.truncated(where)
		return
	}
	vl := int(binary.LittleEndian.Uint32(b))
	if vl < 0 || vl > len(b)-8 {
		s.truncated(where + ": vendor string")
		return
	}
	off := 4 + vl
	n := int(binary.LittleEndian.Uint32(b[off:]))
	off += 4
	for i := 0; i < n && i < 10000; i++ {
		if off+4 > len(b) {
			s.truncated(where + ": comment length")
			return
		}
		l := int(binary.LittleEndian.Uint32(b[off:]))
		off += 4
		if l < 0 || l > len(b)-off {
			s.truncated(where + ": comment")
			return
		}
		c := b[off : off+l]
		off += l
		k, v, ok := bytes.Cut(c, []byte("="))
		if ok && strings.EqualFold(string(k), "AIGC") {
			s.addLabel(candidate{carrier: CarrierOther, location: where + ":AIGC", named: true, payload: v,
				nonstandard: "label in a Vorbis comment (carrier not confirmed by the guides)"})
		}
	}
}

// ogg looks for an AIGC Vorbis/Opus comment in the first pages (the comment
// header is the second packet), by its text.
func (s *scanner) ogg() {
	b := s.data
	if len(b) > 1<<20 {
		b = b[:1<<20]
	}
	for i, n := 0, 0; n < 4; n++ {
		j := indexFoldASCII(b[i:], "AIGC=")
		if j < 0 {
			return
		}
		at := i + j + 5
		if at >= 9 {
			l := int(binary.LittleEndian.Uint32(b[at-9:]))
			if at-5+l <= len(b) && l >= 5 {
				s.addLabel(candidate{carrier: CarrierOther, location: "ogg:comment:AIGC", named: true, payload: b[at : at-5+l],
					nonstandard: "label in an Ogg comment (carrier not confirmed by the guides)"})
			}
		}
		i = at
	}
}

// pdf reads the Info dictionary key /AIGC (one implementation's carrier,
// requirements.md §3.4) and uncompressed XMP metadata streams.
func (s *scanner) pdf() {
	b := s.data
	for i, n := 0, 0; n < 8; n++ {
		j := bytes.Index(b[i:], []byte("/AIGC"))
		if j < 0 {
			break
		}
		at := i + j + 5
		i = at
		v, ok := pdfString(b[at:])
		if !ok {
			continue
		}
		s.addLabel(candidate{carrier: CarrierOther, location: "pdf:Info:AIGC", named: true, payload: v,
			nonstandard: "label in the PDF Info dictionary (one implementation's carrier, not confirmed by the guides)"})
	}
	s.rawXMPScan("pdf")
}

// pdfString reads a PDF literal (…) or hex <…> string after optional space.
func pdfString(b []byte) ([]byte, bool) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\r' || b[i] == '\n' || b[i] == '\t') {
		i++
	}
	if i >= len(b) {
		return nil, false
	}
	switch b[i] {
	case '(':
		var out []byte
		depth := 0
		for j := i + 1; j < len(b) && len(out) < maxXMP; j++ {
			c := b[j]
			switch c {
			case '\\':
				if j+1 >= len(b) {
					return nil, false
				}
				j++
				switch e := b[j]; e {
				case 'n':
					out = append(out, '\n')
				case 'r':
					out = append(out, '\r')
				case 't':
					out = append(out, '\t')
				case 'b':
					out = append(out, '\b')
				case 'f':
					out = append(out, '\f')
				case '\r', '\n':
				default:
					if e >= '0' && e <= '7' {
						k := j
						for k < len(b) && k < j+3 && b[k] >= '0' && b[k] <= '7' {
							k++
						}
						// At most three octal digits: cannot fail; PDF
						// ignores overflow past one byte.
						v, err := strconv.ParseUint(string(b[j:k]), 8, 16)
						if err != nil {
							return nil, false
						}
						out = append(out, byte(v))
						j = k - 1
					} else {
						out = append(out, e)
					}
				}
			case '(':
				depth++
				out = append(out, c)
			case ')':
				if depth == 0 {
					return pdfText(out), true
				}
				depth--
				out = append(out, c)
			default:
				out = append(out, c)
			}
		}
		return nil, false
	case '<':
		end := bytes.IndexByte(b[i:], '>')
		if end < 0 {
			return nil, false
		}
		hex := bytes.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
				return -1
			}
			return r
		}, b[i+1:i+end])
		if len(hex)%2 == 1 {
			hex = append(hex, '0')
		}
		out := make([]byte, len(hex)/2)
		for k := range out {
			hi, ok1 := unhex(hex[2*k])
			lo, ok2 := unhex(hex[2*k+1])
			if !ok1 || !ok2 {
				return nil, false
			}
			out[k] = hi<<4 | lo
		}
		return pdfText(out), true
	}
	return nil, false
}

// pdfText decodes UTF-16BE text strings (with BOM); others are kept.
func pdfText(b []byte) []byte {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		return decodeUTF16(b[2:], binary.BigEndian)
	}
	return b
}

func utf8Valid(b []byte) bool { return utf8.Valid(b) }

// indexFoldASCII finds an ASCII pattern in binary data, ignoring ASCII case
// (bytes.ToUpper would rewrite invalid UTF-8 and shift offsets).
func indexFoldASCII(b []byte, pat string) int {
	for i := 0; i+len(pat) <= len(b); i++ {
		j := 0
		for j < len(pat) && asciiUpper(b[i+j]) == pat[j] {
			j++
		}
		if j == len(pat) {
			return i
		}
	}
	return -1
}

func asciiUpper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 32
	}
	return c
}

// looksTextual reports whether b has no NUL and few control bytes, i.e. is
// meant as text in some encoding.
func looksTextual(b []byte) bool {
	if len(b) > 4096 {
		b = b[:4096]
	}
	ctl := 0
	for _, c := range b {
		if c == 0 {
			return false
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			ctl++
		}
	}
	return ctl*20 < len(b)
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}
