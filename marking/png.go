package marking

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

var errInflateCap = errors.New("inflates past the size limit")

// inflate decompresses zlib data, stopping at limit bytes of output (a
// decompression bomb stops there, quickly).
func inflate(b []byte, limit int) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return out, err
	}
	if len(out) > limit {
		return nil, errInflateCap
	}
	return out, nil
}

// png walks every chunk to IEND (text chunks may follow IDAT, requirements.md
// §3.5 reader notes), reading tEXt, zTXt, iTXt and eXIf. A bad CRC is
// reported and the chunk is still read.
func (s *scanner) png() {
	b := s.data
	off := 8
	for n := 0; ; n++ {
		if off == len(b) {
			s.truncated("png: no IEND chunk")
			return
		}
		if off+12 > len(b) {
			s.truncated(fmt.Sprintf("png: chunk header at offset %d", off))
			return
		}
		length := int64(binary.BigEndian.Uint32(b[off:]))
		typ := string(b[off+4 : off+8])
		if length > int64(len(b)-off-12) {
			s.truncated(fmt.Sprintf("png: %q chunk at offset %d declares %d bytes", safeType(typ), off, length))
			return
		}
		data := b[off+8 : off+8+int(length)]
		crcAt := off + 8 + int(length)
		isMeta := typ == "tEXt" || typ == "zTXt" || typ == "iTXt" || typ == "eXIf" || typ == "IHDR"
		if isMeta && crc32.ChecksumIEEE(b[off+4:crcAt]) != binary.BigEndian.Uint32(b[crcAt:]) {
			s.find(CodeFileCRC, fmt.Sprintf("png: %s chunk at offset %d has a bad CRC; read anyway", typ, off))
		}
		where := fmt.Sprintf("png:%s", typ)
		switch typ {
		case "IHDR":
			if len(data) >= 8 {
				s.dims(int(binary.BigEndian.Uint32(data)), int(binary.BigEndian.Uint32(data[4:])), "png: IHDR")
			}
		case "tEXt":
			kw, text, ok := cutNul(data)
			if ok {
				s.pngText(where, kw, text)
			} else {
				s.find(CodeFileMalformed, fmt.Sprintf("png: tEXt chunk at offset %d has no keyword separator", off))
			}
		case "zTXt":
			kw, rest, ok := cutNul(data)
			if !ok || len(rest) < 1 {
				s.find(CodeFileMalformed, fmt.Sprintf("png: zTXt chunk at offset %d is malformed", off))
				break
			}
			text, err := inflate(rest[1:], s.inflateCap())
			if err != nil {
				s.inflateErr(where+":"+string(kw), err)
				break
			}
			s.pngText(where, kw, text)
		case "iTXt":
			s.pngITXt(where, off, data)
		case "eXIf":
			s.exif("png:eXIf", data)
		case "IEND":
			if crcAt+4 < len(b) {
				s.trailing("png: after IEND", b[crcAt+4:])
			}
			return
		}
		off = crcAt + 4
	}
}

func (s *scanner) inflateErr(where string, err error) {
	if errors.Is(err, errInflateCap) {
		s.find(CodeFileTooLarge, fmt.Sprintf("%s: compressed text inflates past %d bytes; not read", where, s.inflateCap()))
		return
	}
	s.find(CodeFileMalformed, fmt.Sprintf("%s: compressed text does not inflate: %v", where, err))
}

func safeType(t string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, t)
}

func cutNul(b []byte) (key, rest []byte, ok bool) {
	i := bytes.IndexByte(b, 0)
	if i < 0 || i > 79 {
		return nil, nil, false
	}
	return b[:i], b[i+1:], true
}

func (s *scanner) pngITXt(where string, off int, data []byte) {
	kw, rest, ok := cutNul(data)
	if !ok || len(rest) < 2 {
		s.find(CodeFileMalformed, fmt.Sprintf("png: iTXt chunk at offset %d is malformed", off))
		return
	}
	compressed := rest[0] == 1
	rest = rest[2:]
	// language tag and translated keyword, each NUL-terminated
	for i := 0; i < 2; i++ {
		j := bytes.IndexByte(rest, 0)
		if j < 0 {
			s.find(CodeFileMalformed, fmt.Sprintf("png: iTXt chunk at offset %d is malformed", off))
			return
		}
		rest = rest[j+1:]
	}
	text := rest
	if compressed {
		var err error
		text, err = inflate(rest, s.inflateCap())
		if err != nil {
			s.inflateErr(where+":"+string(kw), err)
			return
		}
	}
	s.pngText(where, kw, text)
}

// pngText handles the text of a tEXt, zTXt or iTXt chunk.
func (s *scanner) pngText(where string, kw, text []byte) {
	loc := where + ":" + string(kw)
	k := string(kw)
	switch {
	case k == "XML:com.adobe.xmp":
		s.xmp(loc, text)
	case strings.EqualFold(k, "AIGC") || strings.Contains(strings.ToUpper(k), "AIGC"):
		s.addLabel(candidate{carrier: CarrierPNGText, location: loc, named: true, payload: text})
	case k == "Raw profile type xmp" || k == "Raw profile type APP1":
		// ImageMagick's hex-encoded profile: "\nxmp\n   LEN\nHEX…"
		if raw := decodeRawProfile(text); raw != nil {
			if k == "Raw profile type xmp" {
				s.xmp(loc, raw)
			} else {
				s.exifOrXMP(loc, raw)
			}
		}
	default:
		t := trimPayload(text)
		if len(t) > 0 && (t[0] == '{' || indexFoldASCII(t[:min(4, len(t))], "AIGC") == 0) {
			s.addLabel(candidate{carrier: CarrierPNGText, location: loc, payload: text,
				nonstandard: "label JSON in a PNG text chunk keyed " + clip(k, 40) + ", not AIGC"})
		} else if bytes.Contains(text, []byte("<x:xmpmeta")) {
			s.xmp(loc, text)
		}
	}
}

// decodeRawProfile decodes ImageMagick's "Raw profile type" text: a name
// line, a decimal length, then hex digits.
func decodeRawProfile(t []byte) []byte {
	f := bytes.Fields(t)
	if len(f) < 3 {
		return nil
	}
	var n int
	if _, err := fmt.Sscanf(string(f[1]), "%d", &n); err != nil || n <= 0 || n > maxXMP {
		return nil
	}
	hex := bytes.Join(f[2:], nil)
	if len(hex) < 2*n {
		return nil
	}
	out := make([]byte, n)
	for i := 0; i < n; i++ {
		hi, ok1 := unhex(hex[2*i])
		lo, ok2 := unhex(hex[2*i+1])
		if !ok1 || !ok2 {
			return nil
		}
		out[i] = hi<<4 | lo
	}
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// exifOrXMP handles an APP1-style payload ("Exif\0\0" + TIFF, or XMP).
func (s *scanner) exifOrXMP(loc string, b []byte) {
	switch {
	case bytes.HasPrefix(b, []byte("Exif\x00\x00")):
		s.exif(loc, b[6:])
	case bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*")):
		s.exif(loc, b)
	case bytes.Contains(b, []byte("<x:xmpmeta")) || bytes.Contains(b, []byte("<rdf:RDF")):
		s.xmp(loc, b)
	}
}

// trailing looks for labels in bytes after the end of a file's own
// structure (after IEND, after EOI): a nonstandard place.
func (s *scanner) trailing(where string, b []byte) {
	if len(b) > 4<<20 {
		b = b[:4<<20]
	}
	s.bareLabels(where, b, CarrierOther, "label found "+where+", outside the file's metadata structure")
	if i := bytes.Index(b, []byte("<x:xmpmeta")); i >= 0 {
		if j := bytes.Index(b[i:], []byte("</x:xmpmeta>")); j >= 0 {
			s.xmp(where+":xmp", b[i:i+j+len("</x:xmpmeta>")])
		}
	}
}

// otherField looks at a metadata value whose key does not name AIGC: a JSON
// object that is a label (wrapped, or with at least two of the seven keys)
// or AIGC{…} blobs inside it are reported, with an info finding that the
// carrier is not the standard one.
func (s *scanner) otherField(carrier, where string, v []byte, note string) {
	t := trimPayload(v)
	if len(t) > 0 && t[0] == '{' {
		if s.addLabel(candidate{carrier: carrier, location: where, payload: t, nonstandard: note}) {
			return
		}
	}
	if bytes.Contains(v, []byte("AIGC")) {
		s.bareLabels(where, v, carrier, note)
	}
}

// bareLabels adds every AIGC{…} or {"AIGC":…} blob inside b.
func (s *scanner) bareLabels(where string, b []byte, carrier, nonstandard string) int {
	return s.bareLabelsMode(where, b, carrier, nonstandard, false)
}

func (s *scanner) bareLabelsMode(where string, b []byte, carrier, nonstandard string, lenient bool) int {
	n := 0
	for _, at := range findBareLabels(b) {
		span := objectSpan(b[at:])
		var payload []byte
		if span < 0 {
			payload = b[at:min(len(b), at+4096)]
		} else {
			payload = b[at : at+span]
		}
		if s.addLabel(candidate{carrier: carrier, location: where, named: true, payload: payload, nonstandard: nonstandard, lenient: lenient}) {
			n++
		}
	}
	return n
}
