package marking

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// gif walks GIF blocks: the XMP application extension ("XMP DataXMP", whose
// packet is stored raw with a 258-byte "magic trailer" so that the bytes also
// read as sub-blocks), comment extensions, and the screen size.
func (s *scanner) gif() {
	b := s.data
	if len(b) < 13 {
		s.truncated("gif: logical screen descriptor")
		return
	}
	s.dims(int(binary.LittleEndian.Uint16(b[6:])), int(binary.LittleEndian.Uint16(b[8:])), "gif: screen")
	off := 13
	if b[10]&0x80 != 0 {
		off += 3 << (int(b[10]&7) + 1)
	}
	for n := 0; ; n++ {
		if n > 1_000_000 {
			s.find(CodeFileMalformed, "gif: more than a million blocks")
			return
		}
		if off >= len(b) {
			s.truncated("gif: no trailer (0x3B)")
			return
		}
		switch b[off] {
		case 0x3B: // trailer
			if !s.opts.Fast && off+1 < len(b) {
				s.trailing("gif: after the trailer", b[off+1:])
			}
			return
		case 0x21: // extension
			if off+2 > len(b) {
				s.truncated("gif: extension header")
				return
			}
			label := b[off+1]
			start := off + 2
			end, ok := gifSubBlocks(b, start)
			if !ok {
				s.truncated(fmt.Sprintf("gif: extension 0x%02X at offset %d", label, off))
				return
			}
			switch label {
			case 0xFF:
				if start+12 <= len(b) && b[start] == 11 && string(b[start+1:start+12]) == "XMP DataXMP" {
					raw := b[start+12 : end]
					// Strip the magic trailer: 0x01, 0xFF … 0x00, then the
					// terminator.
					if i := bytes.Index(raw, []byte{0x01, 0xFF, 0xFE}); i >= 0 {
						raw = raw[:i]
					}
					s.xmp("gif:AppExt:XMP", raw)
				} else if start+12 <= len(b) && b[start] == 11 && indexFoldASCII(b[start+1:start+12], "AIGC") >= 0 {
					s.addLabel(candidate{carrier: CarrierOther, location: "gif:AppExt:" + safeType(string(b[start+1:start+12])), named: true,
						payload: joinSubBlocks(b, start+12), nonstandard: "label in a GIF application extension that is not XMP"})
				}
			case 0xFE:
				text := joinSubBlocks(b, start)
				s.otherField(CarrierOther, "gif:Comment", text, "label JSON in a GIF comment extension, not XMP")
			}
			off = end
		case 0x2C: // image descriptor
			if off+10 > len(b) {
				s.truncated("gif: image descriptor")
				return
			}
			flags := b[off+9]
			off += 10
			if flags&0x80 != 0 {
				off += 3 << (int(flags&7) + 1)
			}
			off++ // LZW minimum code size
			end, ok := gifSubBlocks(b, off)
			if !ok {
				s.truncated("gif: image data")
				return
			}
			off = end
		default:
			s.find(CodeFileMalformed, fmt.Sprintf("gif: unknown block 0x%02X at offset %d", b[off], off))
			return
		}
	}
}

// gifSubBlocks returns the offset after the block terminator of the
// sub-blocks starting at off.
func gifSubBlocks(b []byte, off int) (int, bool) {
	for off < len(b) {
		n := int(b[off])
		if n == 0 {
			return off + 1, true
		}
		off += 1 + n
	}
	return 0, false
}

func joinSubBlocks(b []byte, off int) []byte {
	var out []byte
	for off < len(b) && len(out) < maxXMP {
		n := int(b[off])
		if n == 0 || off+1+n > len(b) {
			break
		}
		out = append(out, b[off+1:off+1+n]...)
		off += 1 + n
	}
	return out
}
