package marking

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

const (
	xmpHeader    = "http://ns.adobe.com/xap/1.0/\x00"
	extXMPHeader = "http://ns.adobe.com/xmp/extension/\x00"
)

// extXMP collects the parts of one ExtendedXMP GUID. Parts are kept as
// slices of the file and assembled only when they cover the declared length,
// so a small hostile file cannot make the reader allocate the 16 MiB a header
// may claim.
type extXMP struct {
	total int
	parts []extPart
	have  int
	bad   bool
}

type extPart struct {
	off  int
	data []byte
}

// jpeg walks the marker segments. Metadata (APPn, COM) sits before the first
// SOS; in a multi-scan (progressive) file APPn and COM may also sit between
// scans, and some tools append data after EOI. With Fast the walk stops at the
// first SOS; otherwise it follows the entropy-coded data to EOI and looks at
// trailing bytes.
func (s *scanner) jpeg() {
	b := s.data
	off := 2
	ext := map[string]*extXMP{}
	var extOrder []string
	var mainGUID string
	for segs := 0; ; segs++ {
		if segs > 100000 {
			s.find(CodeFileMalformed, "jpeg: more than 100000 segments")
			break
		}
		// Skip fill bytes.
		for off < len(b) && b[off] == 0xFF && off+1 < len(b) && b[off+1] == 0xFF {
			off++
		}
		if off+2 > len(b) {
			s.truncated("jpeg: no EOI marker")
			break
		}
		if b[off] != 0xFF {
			s.find(CodeFileMalformed, fmt.Sprintf("jpeg: expected a marker at offset %d", off))
			break
		}
		m := b[off+1]
		if m == 0xD9 { // EOI
			if !s.opts.Fast && off+2 < len(b) {
				s.trailing("jpeg: after EOI", b[off+2:])
			}
			break
		}
		if m == 0x01 || m >= 0xD0 && m <= 0xD7 || m == 0xD8 { // standalone markers
			off += 2
			continue
		}
		if off+4 > len(b) {
			s.truncated(fmt.Sprintf("jpeg: segment length at offset %d", off))
			break
		}
		l := int(binary.BigEndian.Uint16(b[off+2:]))
		if l < 2 || off+2+l > len(b) {
			s.truncated(fmt.Sprintf("jpeg: marker FF%02X at offset %d declares %d bytes", m, off, l))
			break
		}
		seg := b[off+4 : off+2+l]
		name := fmt.Sprintf("APP%d", m-0xE0)
		switch {
		case m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC: // SOFn
			if len(seg) >= 5 {
				s.dims(int(binary.BigEndian.Uint16(seg[3:])), int(binary.BigEndian.Uint16(seg[1:])), "jpeg: SOF")
			}
		case m == 0xE1 && bytes.HasPrefix(seg, []byte(xmpHeader)):
			r := s.xmp("jpeg:APP1:XMP", seg[len(xmpHeader):])
			if r.extendedGUID != "" && mainGUID == "" {
				mainGUID = r.extendedGUID
			}
		case m == 0xE1 && bytes.HasPrefix(seg, []byte(extXMPHeader)):
			p := seg[len(extXMPHeader):]
			if len(p) < 40 {
				s.find(CodeFileMalformed, "jpeg: ExtendedXMP segment shorter than its 40-byte header")
				break
			}
			guid := string(p[:32])
			total := int(binary.BigEndian.Uint32(p[32:]))
			offset := int(binary.BigEndian.Uint32(p[36:]))
			chunk := p[40:]
			e := ext[guid]
			if e == nil {
				if len(ext) >= 4 {
					s.find(CodeFileMalformed, "jpeg: more than 4 ExtendedXMP GUIDs")
					break
				}
				if total <= 0 || total > maxXMP {
					s.find(CodeFileTooLarge, fmt.Sprintf("jpeg: ExtendedXMP declares %d bytes (limit %d)", total, maxXMP))
					ext[guid] = &extXMP{bad: true}
					extOrder = append(extOrder, guid)
					break
				}
				e = &extXMP{total: total}
				ext[guid] = e
				extOrder = append(extOrder, guid)
			}
			if e.bad {
				break
			}
			if total != e.total || offset < 0 || offset+len(chunk) > e.total {
				s.find(CodeFileMalformed, fmt.Sprintf("jpeg: ExtendedXMP part at offset %d (+%d) does not fit its declared length %d", offset, len(chunk), e.total))
				e.bad = true
				break
			}
			if len(e.parts) >= 1024 {
				s.find(CodeFileMalformed, "jpeg: more than 1024 ExtendedXMP parts")
				e.bad = true
				break
			}
			e.parts = append(e.parts, extPart{offset, chunk})
			e.have += len(chunk)
		case m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00")):
			if len(seg) >= 6 {
				s.exif("jpeg:APP1:Exif", seg[6:])
			}
		case m == 0xEB: // APP11: C2PA JUMBF, read by marking/c2pa
		case m >= 0xE0 && m <= 0xEF || m == 0xFE:
			if m == 0xFE {
				name = "COM"
			}
			if bytes.Contains(seg, []byte("AIGC")) || m == 0xFE {
				s.otherField(CarrierOther, "jpeg:"+name, seg, "label JSON in a JPEG "+name+" segment, not in XMP or EXIF UserComment")
			} else if bytes.Contains(seg, []byte("<x:xmpmeta")) {
				s.trailing("jpeg:"+name, seg)
			}
		}
		off += 2 + l
		if m == 0xDA {
			if s.opts.Fast {
				break
			}
			// Skip entropy-coded data to the next marker that is not a
			// stuffed byte or a restart marker.
			next := skipEntropy(b, off)
			if next < 0 {
				s.truncated("jpeg: entropy-coded data runs to the end without EOI")
				break
			}
			off = next
		}
	}
	for _, guid := range extOrder {
		e := ext[guid]
		if e.bad {
			continue
		}
		loc := "jpeg:APP1:ExtendedXMP"
		if e.have != e.total {
			s.find(CodeFileMalformed, fmt.Sprintf("jpeg: ExtendedXMP %s has %d of %d bytes", guid, e.have, e.total))
			continue
		}
		buf := make([]byte, e.total)
		for _, p := range e.parts {
			copy(buf[p.off:], p.data)
		}
		sum := md5.Sum(buf)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), guid) {
			s.find(CodeFileMalformed, fmt.Sprintf("jpeg: ExtendedXMP GUID %s is not the MD5 of its content", guid))
		}
		if guid != mainGUID {
			s.find(CodeFileMalformed, fmt.Sprintf("jpeg: ExtendedXMP %s is not the one the main XMP names (%q); read anyway", guid, mainGUID))
		}
		s.xmp(loc, buf)
	}
}

func skipEntropy(b []byte, off int) int {
	for {
		i := bytes.IndexByte(b[off:], 0xFF)
		if i < 0 {
			return -1
		}
		p := off + i
		if p+1 >= len(b) {
			return -1
		}
		c := b[p+1]
		if c == 0x00 || c == 0xFF || c >= 0xD0 && c <= 0xD7 {
			off = p + 1
			continue
		}
		return p
	}
}
