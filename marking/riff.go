package marking

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// riff walks a RIFF file (WebP, WAV, AVI): chunks are a 4-byte id, a
// little-endian 32-bit size and data padded to an even length. It reads the
// `AIGC` chunk, LIST/INFO `AIGC` entries, `XMP ` and `_PMX` (XMP), `EXIF`
// and `id3 ` chunks, and the WebP canvas size.
func (s *scanner) riff() {
	b := s.data
	size := int64(binary.LittleEndian.Uint32(b[4:]))
	end := int64(len(b))
	if size+8 > end {
		s.truncated(fmt.Sprintf("riff: RIFF header declares %d bytes, file has %d", size+8, len(b)))
	} else {
		end = size + 8
		if end < int64(len(b)) && len(b)-int(end) > 1 {
			s.trailing("riff: after the RIFF chunk", b[end:])
		}
	}
	s.riffChunks(b[:end], 12, "riff:"+strings.TrimSpace(string(b[8:12])), 0)
}

func (s *scanner) riffChunks(b []byte, off int, where string, depth int) {
	if depth > maxDepth {
		s.tooDeep(where)
		return
	}
	for n := 0; off < len(b); n++ {
		if n > 100000 {
			s.find(CodeFileMalformed, where+": more than 100000 chunks")
			return
		}
		if off+8 > len(b) {
			if len(b)-off == 1 && b[off] == 0 {
				return // final pad byte
			}
			s.truncated(fmt.Sprintf("%s: chunk header at offset %d", where, off))
			return
		}
		id := string(b[off : off+4])
		size := int64(binary.LittleEndian.Uint32(b[off+4:]))
		data := b[off+8:]
		if size > int64(len(data)) {
			s.truncated(fmt.Sprintf("%s: %q chunk at offset %d declares %d bytes", where, safeType(id), off, size))
			if id != "data" && id != "movi" && id != "LIST" {
				return
			}
			// A streaming WAV or AVI often leaves the data size unset;
			// metadata may still be read from what is there.
			size = int64(len(data))
		}
		data = data[:size]
		loc := where + ":" + strings.TrimRight(safeType(id), " ")
		switch id {
		case "AIGC", "aigc":
			s.addLabel(candidate{carrier: CarrierRIFF, location: loc, named: true, payload: data})
		case "LIST":
			if len(data) >= 4 {
				kind := string(data[:4])
				switch kind {
				case "INFO":
					s.riffInfo(data, loc+":INFO")
				case "movi":
					// media data: not walked
				default:
					s.riffChunks(data, 4, loc+":"+strings.TrimSpace(safeType(kind)), depth+1)
				}
			}
		case "XMP ", "_PMX":
			s.xmp(loc, data)
		case "EXIF":
			if bytes.HasPrefix(data, []byte("Exif\x00\x00")) {
				data = data[6:]
			}
			s.exif(loc, data)
		case "id3 ", "ID3 ":
			s.id3(loc, data)
		case "VP8X":
			if len(data) >= 10 {
				w := int(data[4]) | int(data[5])<<8 | int(data[6])<<16
				h := int(data[7]) | int(data[8])<<8 | int(data[9])<<16
				s.dims(w+1, h+1, "webp: VP8X")
			}
		case "VP8 ":
			if len(data) >= 10 && data[3] == 0x9d && data[4] == 0x01 && data[5] == 0x2a {
				s.dims(int(binary.LittleEndian.Uint16(data[6:])&0x3fff), int(binary.LittleEndian.Uint16(data[8:])&0x3fff), "webp: VP8")
			}
		case "VP8L":
			if len(data) >= 5 && data[0] == 0x2f {
				v := binary.LittleEndian.Uint32(data[1:])
				s.dims(int(v&0x3fff)+1, int(v>>14&0x3fff)+1, "webp: VP8L")
			}
		}
		off += 8 + int(size)
		if size%2 == 1 {
			off++ // RIFF pads odd-sized chunks
		}
	}
}

// riffInfo reads a LIST/INFO chunk: sub-chunks of text. An `AIGC` entry is
// the label; other entries are looked at for a wrapped label.
func (s *scanner) riffInfo(data []byte, where string) {
	off := 4
	for n := 0; off+8 <= len(data) && n < 10000; n++ {
		id := string(data[off : off+4])
		size := int64(binary.LittleEndian.Uint32(data[off+4:]))
		if size > int64(len(data)-off-8) {
			s.truncated(fmt.Sprintf("%s: %q entry declares %d bytes", where, safeType(id), size))
			return
		}
		v := data[off+8 : off+8+int(size)]
		loc := where + ":" + strings.TrimRight(safeType(id), " ")
		if strings.EqualFold(id, "AIGC") {
			s.addLabel(candidate{carrier: CarrierRIFF, location: loc, named: true, payload: v})
		} else {
			s.otherField(CarrierRIFF, loc, v, "label JSON in LIST/INFO entry "+safeType(id)+", not AIGC")
		}
		off += 8 + int(size) + int(size%2)
	}
}
