package c2pa

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// JUMBF (ISO/IEC 19566-5) is a tree of ISO-BMFF-style boxes: a superbox
// `jumb` holds one description box `jumd` (type UUID, toggles, label) and then
// content boxes (`cbor`, `json`, `uuid`, `bidb`, `bfdb`, …) or more superboxes.
// The C2PA manifest store is the superbox whose description carries the C2PA
// type UUID and the label "c2pa" (requirements.md §4).

// Limits against hostile input. A real manifest store has a few dozen boxes,
// four levels deep.
const (
	maxJUMBFDepth = 16
	maxJUMBFBoxes = 4096
	maxLabelLen   = 1024
)

// Type UUIDs of the JUMBF superboxes C2PA uses (C2PA spec, "JUMBF type
// identifiers"). The first four bytes are the ASCII name, the rest is the
// ISO suffix 0011-0010-8000-00AA00389B71.
var (
	uuidStore    = jumbfUUID("c2pa") // manifest store
	uuidManifest = jumbfUUID("c2ma") // standard manifest
	uuidUpdate   = jumbfUUID("c2um") // update manifest
)

func jumbfUUID(name string) [16]byte {
	var u [16]byte
	copy(u[:4], name)
	copy(u[4:], []byte{0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71})
	return u
}

// errJUMBF wraps every structural problem found in JUMBF bytes.
var errJUMBF = errors.New("malformed JUMBF")

// contentBox is a non-superbox child of a JUMBF superbox.
type contentBox struct {
	typ     string
	payload []byte
}

// superbox is one parsed `jumb` box.
type superbox struct {
	typeUUID [16]byte
	label    string
	// raw is the whole box including its LBox/TBox header; hdr is the header
	// length (8, or 16 with an XLBox). C2PA hashes a box without its header.
	raw      []byte
	hdr      int
	children []*superbox
	content  []contentBox
	index    map[string]*superbox // children by label, built by child
}

// hashedBytes is what a C2PA hashed URI covers: the superbox minus its
// LBox/TBox(/XLBox) header, i.e. the jumd box and all content boxes
// (C2PA spec §8.3 "URI references", hashing of JUMBF boxes).
func (s *superbox) hashedBytes() []byte { return s.raw[s.hdr:] }

// child returns the first child superbox with the given label. The index
// is built on first use, so resolving many URIs stays linear.
func (s *superbox) child(label string) *superbox {
	if s.index == nil {
		s.index = make(map[string]*superbox, len(s.children))
		for _, c := range s.children {
			if _, dup := s.index[c.label]; !dup {
				s.index[c.label] = c
			}
		}
	}
	return s.index[label]
}

// firstContent returns the payload of the first content box of type typ.
func (s *superbox) firstContent(typ string) ([]byte, bool) {
	for _, c := range s.content {
		if c.typ == typ {
			return c.payload, true
		}
	}
	return nil, false
}

// readBoxHeader reads one box header at b[0:]. It returns the box type, the
// header length and the total box length, which never exceeds len(b).
func readBoxHeader(b []byte) (typ string, hdr, size int, err error) {
	if len(b) < 8 {
		return "", 0, 0, fmt.Errorf("%w: box header needs 8 bytes, %d left", errJUMBF, len(b))
	}
	lbox := binary.BigEndian.Uint32(b[0:4])
	typ = string(b[4:8])
	hdr = 8
	var n uint64
	switch lbox {
	case 0: // box runs to the end of the enclosing data
		n = uint64(len(b))
	case 1: // 64-bit XLBox follows
		if len(b) < 16 {
			return "", 0, 0, fmt.Errorf("%w: box %q: XLBox needs 16 bytes, %d left", errJUMBF, typ, len(b))
		}
		n = binary.BigEndian.Uint64(b[8:16])
		hdr = 16
	default:
		n = uint64(lbox)
	}
	if n < uint64(hdr) {
		return "", 0, 0, fmt.Errorf("%w: box %q declares %d bytes, less than its header", errJUMBF, typ, n)
	}
	if n > uint64(len(b)) {
		return "", 0, 0, fmt.Errorf("%w: box %q declares %d bytes, only %d left", errJUMBF, typ, n, len(b))
	}
	return typ, hdr, int(n), nil
}

// parseJUMBF parses one `jumb` superbox at the start of b (trailing bytes
// after it are ignored) and returns the tree.
func parseJUMBF(b []byte) (*superbox, error) {
	budget := maxJUMBFBoxes
	return parseSuperbox(b, 0, &budget)
}

func parseSuperbox(b []byte, depth int, budget *int) (*superbox, error) {
	if depth >= maxJUMBFDepth {
		return nil, fmt.Errorf("%w: superboxes nested deeper than %d", errJUMBF, maxJUMBFDepth)
	}
	typ, hdr, size, err := readBoxHeader(b)
	if err != nil {
		return nil, err
	}
	if typ != "jumb" {
		return nil, fmt.Errorf("%w: expected superbox \"jumb\", found %q", errJUMBF, typ)
	}
	s := &superbox{raw: b[:size], hdr: hdr}
	body := b[hdr:size]
	first := true
	for len(body) > 0 {
		*budget--
		if *budget < 0 {
			return nil, fmt.Errorf("%w: more than %d boxes", errJUMBF, maxJUMBFBoxes)
		}
		ctyp, chdr, csize, err := readBoxHeader(body)
		if err != nil {
			return nil, err
		}
		switch {
		case first:
			if ctyp != "jumd" {
				return nil, fmt.Errorf("%w: superbox starts with %q, not a description box \"jumd\"", errJUMBF, ctyp)
			}
			if err := s.parseDescription(body[chdr:csize]); err != nil {
				return nil, err
			}
		case ctyp == "jumb":
			c, err := parseSuperbox(body[:csize], depth+1, budget)
			if err != nil {
				return nil, err
			}
			s.children = append(s.children, c)
		default:
			s.content = append(s.content, contentBox{typ: ctyp, payload: body[chdr:csize]})
		}
		first = false
		body = body[csize:]
	}
	if first {
		return nil, fmt.Errorf("%w: empty superbox", errJUMBF)
	}
	return s, nil
}

// parseDescription reads a jumd payload: 16-byte type UUID, a toggles byte,
// then (toggles bit 1) a NUL-terminated UTF-8 label, (bit 2) a 4-byte ID and
// (bit 3) a 32-byte signature. A private box (bit 4) may follow; it is ignored.
func (s *superbox) parseDescription(p []byte) error {
	if len(p) < 17 {
		return fmt.Errorf("%w: description box has %d bytes, needs 17", errJUMBF, len(p))
	}
	copy(s.typeUUID[:], p[:16])
	toggles := p[16]
	rest := p[17:]
	if toggles&0x02 != 0 {
		end := bytes.IndexByte(rest, 0)
		if end < 0 {
			return fmt.Errorf("%w: description label has no terminating NUL", errJUMBF)
		}
		if end > maxLabelLen {
			return fmt.Errorf("%w: description label is %d bytes long", errJUMBF, end)
		}
		s.label = string(rest[:end])
	}
	return nil
}
