package c2pa

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Container walking: just far enough to find the manifest store, with every
// length checked against the bytes that are really there (requirements.md §4,
// "C2PA" table).

const (
	// maxWalk caps how many segments, chunks, boxes or frames a walker visits.
	maxWalk = 1 << 16
	// maxProvenanceRefs caps how many dcterms:provenance values are collected.
	maxProvenanceRefs = 8
)

// bmffC2PAUUID is the ISOBMFF `uuid` box user type of a C2PA manifest
// (requirements.md §4): D8FEC3D6-1B0E-483C-9297-5828877EC481.
var bmffC2PAUUID = []byte{0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81}

// located is what a container walker found.
type located struct {
	store    []byte // JUMBF bytes of the manifest store (reassembled), nil when none
	location string // where it was, e.g. "jpeg:APP11"
	// dedicated is true when the carrier exists only for C2PA (caBX, the C2PA
	// uuid box, a RIFF C2PA chunk, a c2pa GEOB): an unreadable store there is
	// still a present manifest. A JPEG APP11 JUMBF only counts when its
	// description box names the C2PA store type.
	dedicated bool
	// err is a structural problem met while walking; the walk keeps what it
	// found before the problem.
	err error
}

// locate finds the manifest store in data. format is the caller's sniffed
// container name; when it is unknown the magic bytes decide.
func locate(data []byte, format string) located {
	switch containerOf(data, format) {
	case "jpeg":
		return locateJPEG(data)
	case "png":
		return locatePNG(data)
	case "bmff":
		return locateBMFF(data)
	case "riff":
		return locateRIFF(data)
	case "id3":
		return locateID3(data)
	}
	return located{}
}

// containerOf maps a sniffed format name (design.md `format`) to the walker
// that reads it, falling back to magic bytes.
func containerOf(data []byte, format string) string {
	switch format {
	case "jpeg", "jpg":
		return "jpeg"
	case "png":
		return "png"
	case "mp4", "mov", "m4a", "m4v", "heif", "heic", "avif", "3gp", "isobmff":
		return "bmff"
	case "webp", "wav", "avi":
		return "riff"
	case "mp3", "flac":
		if bytes.HasPrefix(data, []byte("ID3")) {
			return "id3"
		}
		return ""
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		return "bmff"
	case bytes.HasPrefix(data, []byte("RIFF")):
		return "riff"
	case bytes.HasPrefix(data, []byte("ID3")):
		return "id3"
	}
	return ""
}

// isStoreJUMBF reports whether b starts with a `jumb` box whose description
// carries the C2PA manifest-store type UUID.
func isStoreJUMBF(b []byte) bool {
	typ, hdr, _, err := readBoxHeader(b)
	if err != nil || typ != "jumb" {
		return false
	}
	d := b[hdr:]
	if len(d) < 8+16 || string(d[4:8]) != "jumd" {
		return false
	}
	return bytes.Equal(d[8:24], uuidStore[:])
}

// app11Seg is one JPEG XT (APP11) marker segment carrying part of a JUMBF box.
type app11Seg struct {
	seq     uint32
	payload []byte // bytes after CI, En and Z
}

// locateJPEG walks the marker segments up to the first SOS and reassembles
// the APP11 JUMBF boxes. ISO/IEC 19566-5 (JPEG XT box transport): each APP11
// segment carries CI "JP", a 2-byte box instance En, a 4-byte sequence Z from
// 1, then box bytes; segments after the first repeat the box's LBox/TBox
// (and XLBox) header, which the reassembly drops.
func locateJPEG(data []byte) located {
	out := located{location: "jpeg:APP11"}
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return located{}
	}
	groups := map[uint16][]app11Seg{}
	var order []uint16
	pos := 2
	for n := 0; n < maxWalk; n++ {
		if pos+4 > len(data) {
			break
		}
		if data[pos] != 0xFF {
			out.err = fmt.Errorf("JPEG: expected a marker at offset %d", pos)
			break
		}
		m := data[pos+1]
		if m == 0xFF { // fill byte
			pos++
			continue
		}
		if m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			pos += 2
			continue
		}
		if m == 0xDA || m == 0xD9 { // start of scan or end of image
			break
		}
		segLen := int(binary.BigEndian.Uint16(data[pos+2 : pos+4]))
		if segLen < 2 || pos+2+segLen > len(data) {
			out.err = fmt.Errorf("JPEG: segment 0x%02X at offset %d declares %d bytes, past the end of the file", m, pos, segLen)
			break
		}
		seg := data[pos+4 : pos+2+segLen]
		if m == 0xEB && len(seg) >= 8 && seg[0] == 'J' && seg[1] == 'P' {
			en := binary.BigEndian.Uint16(seg[2:4])
			z := binary.BigEndian.Uint32(seg[4:8])
			if _, ok := groups[en]; !ok {
				order = append(order, en)
			}
			groups[en] = append(groups[en], app11Seg{seq: z, payload: seg[8:]})
		}
		pos += 2 + segLen
	}
	for _, en := range order {
		store, err := reassembleAPP11(groups[en])
		if err != nil {
			if out.err == nil {
				out.err = err
			}
			continue
		}
		if isStoreJUMBF(store) {
			out.store = store
			out.err = nil
			return out
		}
	}
	if out.store == nil && out.err != nil {
		// A broken walk only matters when it hid a manifest; report it
		// through the located value but without a store.
		return located{err: out.err}
	}
	return located{}
}

// reassembleAPP11 joins one box instance's segments in sequence order.
func reassembleAPP11(segs []app11Seg) ([]byte, error) {
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].seq < segs[j].seq })
	if len(segs) == 0 || len(segs[0].payload) < 8 {
		return nil, fmt.Errorf("JPEG APP11: first segment too short for a box header")
	}
	hdr := 8
	if binary.BigEndian.Uint32(segs[0].payload[0:4]) == 1 {
		hdr = 16
	}
	total := 0
	for i, s := range segs {
		if s.seq != uint32(i+1) {
			return nil, fmt.Errorf("JPEG APP11: segment sequence %d where %d was expected (missing or duplicated segment)", s.seq, i+1)
		}
		total += len(s.payload)
	}
	out := make([]byte, 0, total) // bounded by the file size
	out = append(out, segs[0].payload...)
	for _, s := range segs[1:] {
		if len(s.payload) < hdr {
			return nil, fmt.Errorf("JPEG APP11: continuation segment %d shorter than the repeated box header", s.seq)
		}
		out = append(out, s.payload[hdr:]...)
	}
	return out, nil
}

// locatePNG finds the `caBX` chunk.
func locatePNG(data []byte) located {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(sig)) {
		return located{}
	}
	pos := len(sig)
	for n := 0; n < maxWalk && pos+8 <= len(data); n++ {
		l := uint64(binary.BigEndian.Uint32(data[pos : pos+4]))
		typ := string(data[pos+4 : pos+8])
		if l > uint64(len(data)-pos-8) {
			return located{err: fmt.Errorf("PNG: chunk %q at offset %d declares %d bytes, past the end of the file", typ, pos, l)}
		}
		body := data[pos+8 : pos+8+int(l)]
		if typ == "caBX" {
			return located{store: body, location: "png:caBX", dedicated: true}
		}
		if typ == "IEND" {
			break
		}
		pos += 12 + int(l) // length, type, data, CRC
	}
	return located{}
}

// locateBMFF finds the top-level C2PA `uuid` box: user type, FullBox
// version and flags, the purpose "manifest\0", an 8-byte offset to a merkle
// box, then the JUMBF manifest store.
func locateBMFF(data []byte) located {
	pos := 0
	for n := 0; n < maxWalk && pos+8 <= len(data); n++ {
		size := uint64(binary.BigEndian.Uint32(data[pos : pos+4]))
		typ := string(data[pos+4 : pos+8])
		hdr := 8
		switch size {
		case 0:
			size = uint64(len(data) - pos)
		case 1:
			if pos+16 > len(data) {
				return located{err: fmt.Errorf("ISOBMFF: box %q at offset %d: truncated 64-bit size", typ, pos)}
			}
			size = binary.BigEndian.Uint64(data[pos+8 : pos+16])
			hdr = 16
		}
		if size < uint64(hdr) || size > uint64(len(data)-pos) {
			return located{err: fmt.Errorf("ISOBMFF: box %q at offset %d declares %d bytes, past the end of the file", typ, pos, size)}
		}
		body := data[pos+hdr : pos+int(size)]
		if typ == "uuid" && len(body) >= 16 && bytes.Equal(body[:16], bmffC2PAUUID) {
			p := body[16:]
			if len(p) < 4 {
				return located{location: "mp4:uuid", dedicated: true, err: fmt.Errorf("ISOBMFF: C2PA uuid box too short")}
			}
			p = p[4:] // version and flags
			end := bytes.IndexByte(p, 0)
			if end < 0 {
				return located{location: "mp4:uuid", dedicated: true, err: fmt.Errorf("ISOBMFF: C2PA uuid box purpose has no terminating NUL")}
			}
			purpose := string(p[:end])
			p = p[end+1:]
			if purpose == "manifest" {
				if len(p) < 8 {
					return located{location: "mp4:uuid", dedicated: true, err: fmt.Errorf("ISOBMFF: C2PA uuid box lacks its merkle offset")}
				}
				return located{store: p[8:], location: "mp4:uuid", dedicated: true}
			}
			// "merkle" boxes and others hold no manifest store.
		}
		pos += int(size)
	}
	return located{}
}

// locateRIFF finds the top-level `C2PA` chunk of a RIFF file (WebP, WAV, AVI).
func locateRIFF(data []byte) located {
	if len(data) < 12 || string(data[0:4]) != "RIFF" {
		return located{}
	}
	end := len(data)
	if declared := uint64(binary.LittleEndian.Uint32(data[4:8])) + 8; declared < uint64(end) {
		end = int(declared)
	}
	pos := 12
	for n := 0; n < maxWalk && pos+8 <= end; n++ {
		id := string(data[pos : pos+4])
		l := uint64(binary.LittleEndian.Uint32(data[pos+4 : pos+8]))
		if l > uint64(end-pos-8) {
			return located{err: fmt.Errorf("RIFF: chunk %q at offset %d declares %d bytes, past the end of the file", id, pos, l)}
		}
		if id == "C2PA" {
			form := strings.TrimSpace(string(data[8:12]))
			return located{store: data[pos+8 : pos+8+int(l)], location: "riff:" + form + ":C2PA", dedicated: true}
		}
		pos += 8 + int(l) + int(l&1) // chunks are padded to an even length
	}
	return located{}
}

// locateID3 finds a GEOB frame with MIME type application/c2pa (or the older
// application/x-c2pa-manifest-store) in an ID3v2.3/2.4 tag.
func locateID3(data []byte) located {
	if len(data) < 10 || string(data[0:3]) != "ID3" {
		return located{}
	}
	major := data[3]
	flags := data[5]
	size := syncsafe(data[6:10])
	if major < 3 || major > 4 {
		return located{} // ID3v2.2 has no GEOB frame ("GEO" carries no C2PA)
	}
	if uint64(size) > uint64(len(data)-10) {
		return located{err: fmt.Errorf("ID3: tag declares %d bytes, past the end of the file", size)}
	}
	tag := data[10 : 10+int(size)]
	if flags&0x80 != 0 { // unsynchronisation over the whole tag
		tag = deunsync(tag)
	}
	pos := 0
	if flags&0x40 != 0 && len(tag) >= 4 { // extended header
		var ext int
		if major == 4 {
			ext = int(syncsafe(tag[0:4]))
		} else {
			ext = int(binary.BigEndian.Uint32(tag[0:4])) + 4
		}
		if ext < 0 || ext > len(tag) {
			return located{err: fmt.Errorf("ID3: extended header declares %d bytes, past the end of the tag", ext)}
		}
		pos = ext
	}
	for n := 0; n < maxWalk && pos+10 <= len(tag); n++ {
		id := string(tag[pos : pos+4])
		if tag[pos] == 0 { // padding
			break
		}
		var fl uint64
		if major == 4 {
			fl = uint64(syncsafe(tag[pos+4 : pos+8]))
		} else {
			fl = uint64(binary.BigEndian.Uint32(tag[pos+4 : pos+8]))
		}
		if fl > uint64(len(tag)-pos-10) {
			return located{err: fmt.Errorf("ID3: frame %q declares %d bytes, past the end of the tag", id, fl)}
		}
		body := tag[pos+10 : pos+10+int(fl)]
		if id == "GEOB" {
			if mime, obj, ok := parseGEOB(body); ok && (mime == "application/c2pa" || mime == "application/x-c2pa-manifest-store") {
				return located{store: obj, location: fmt.Sprintf("mp3:ID3v2.%d:GEOB", major), dedicated: true}
			}
		}
		pos += 10 + int(fl)
	}
	return located{}
}

func syncsafe(b []byte) uint32 {
	return uint32(b[0]&0x7F)<<21 | uint32(b[1]&0x7F)<<14 | uint32(b[2]&0x7F)<<7 | uint32(b[3]&0x7F)
}

// deunsync undoes ID3 unsynchronisation: every FF 00 becomes FF.
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

// parseGEOB splits a GEOB frame body: text encoding, MIME type (Latin-1,
// NUL-terminated), file name and description (terminated per encoding),
// then the object.
func parseGEOB(b []byte) (mime string, obj []byte, ok bool) {
	if len(b) < 2 {
		return "", nil, false
	}
	enc := b[0]
	rest := b[1:]
	end := bytes.IndexByte(rest, 0)
	if end < 0 {
		return "", nil, false
	}
	mime = string(rest[:end])
	rest = rest[end+1:]
	for i := 0; i < 2; i++ { // file name, then description
		var ok bool
		rest, ok = skipID3String(rest, enc)
		if !ok {
			return "", nil, false
		}
	}
	return mime, rest, true
}

// skipID3String drops one terminated string in the given text encoding.
func skipID3String(b []byte, enc byte) ([]byte, bool) {
	if enc == 1 || enc == 2 { // UTF-16: a 2-byte NUL on an even offset
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				return b[i+2:], true
			}
		}
		return nil, false
	}
	end := bytes.IndexByte(b, 0)
	if end < 0 {
		return nil, false
	}
	return b[end+1:], true
}

// provenanceRE matches XMP dcterms:provenance in attribute or element form.
var provenanceRE = regexp.MustCompile(`^dcterms:provenance(?:\s*=\s*["']([^"'<>]{1,1000})["']|\s*>\s*([^<>]{1,1000}?)\s*</dcterms:provenance>)`)

// findProvenance scans data for XMP dcterms:provenance references. XMP
// packets may be scanned for in any file (XMP spec part 3, "packet
// scanning"), so this needs no container walk; compressed XMP (a zTXt or a
// compressed iTXt in PNG) is not seen.
func findProvenance(data []byte) []string {
	var refs []string
	rest := data
	// Both the number of values and the number of candidate places looked
	// at are capped, so a file stuffed with the word costs linear time.
	for tries := 0; len(refs) < maxProvenanceRefs && tries < 8*maxProvenanceRefs; tries++ {
		i := bytes.Index(rest, []byte("dcterms:provenance"))
		if i < 0 {
			break
		}
		window := rest[i:]
		if len(window) > 4200 {
			window = window[:4200]
		}
		if m := provenanceRE.FindSubmatch(window); m != nil {
			v := m[1]
			if v == nil {
				v = m[2]
			}
			if s := xmlUnescape(string(bytes.TrimSpace(v))); s != "" {
				refs = append(refs, s)
			}
		}
		rest = rest[i+len("dcterms:provenance"):]
	}
	return refs
}

var xmlUnescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", "\"", "&apos;", "'")

func xmlUnescape(s string) string { return xmlUnescaper.Replace(s) }
