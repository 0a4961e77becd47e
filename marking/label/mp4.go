package label

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// mp4Box is one ISOBMFF box. A box whose children were parsed (parsed) is
// re-serialised from them; any other box is written back from raw, byte for
// byte.
type mp4Box struct {
	typ      string
	raw      []byte // whole box as read
	payload  []byte // after the header
	prefix   []byte // version/flags of a parsed full box (meta)
	children []*mp4Box
	parsed   bool
	dirty    bool // payload replaced (leaf)
}

// mp4Containers are the boxes walked to reach stco/co64 and udta/meta.
var mp4Containers = map[string]bool{
	"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true,
	"udta": true, "edts": true, "dinf": true, "meta": true,
}

const maxMP4Depth = 16

// parseBoxes splits b into boxes; top reports whether a final size-0 box
// (to the end of the file) is allowed.
func parseBoxes(b []byte, base int, top bool) ([]*mp4Box, error) {
	var out []*mp4Box
	pos := 0
	for pos < len(b) {
		if len(b)-pos < 8 {
			return nil, fmt.Errorf("MP4 truncated: box header at offset %d runs past the end", base+pos)
		}
		size := uint64(binary.BigEndian.Uint32(b[pos:]))
		typ := string(b[pos+4 : pos+8])
		hdr := 8
		switch size {
		case 1:
			if len(b)-pos < 16 {
				return nil, fmt.Errorf("MP4 truncated: 64-bit box header at offset %d", base+pos)
			}
			size = binary.BigEndian.Uint64(b[pos+8:])
			hdr = 16
		case 0:
			if !top {
				return nil, fmt.Errorf("MP4 box %q at offset %d has size 0 inside a container", typ, base+pos)
			}
			size = uint64(len(b) - pos)
		}
		if size < uint64(hdr) || size > uint64(len(b)-pos) {
			return nil, fmt.Errorf("MP4 truncated: box %q at offset %d declares %d bytes, past the end", typ, base+pos, size)
		}
		end := pos + int(size)
		out = append(out, &mp4Box{typ: typ, raw: b[pos:end], payload: b[pos+hdr : end]})
		pos = end
	}
	return out, nil
}

// expand parses the children of container boxes, recursively.
func expand(bx *mp4Box, base, depth int) error {
	if depth > maxMP4Depth {
		return errors.New("MP4 boxes nested too deeply")
	}
	if !mp4Containers[bx.typ] {
		return nil
	}
	p := bx.payload
	if bx.typ == "meta" {
		// ISO meta is a full box; QuickTime's is not (hdlr follows at once).
		if len(p) >= 8 && string(p[4:8]) != "hdlr" {
			bx.prefix, p = p[:4], p[4:]
		}
	}
	kids, err := parseBoxes(p, base, false)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if err := expand(k, base, depth+1); err != nil {
			return err
		}
	}
	bx.children, bx.parsed = kids, true
	return nil
}

func (bx *mp4Box) bytes() []byte {
	if !bx.parsed && !bx.dirty {
		return bx.raw
	}
	var body bytes.Buffer
	body.Write(bx.prefix)
	if bx.parsed {
		for _, k := range bx.children {
			body.Write(k.bytes())
		}
	} else {
		body.Write(bx.payload)
	}
	return boxBytes(bx.typ, body.Bytes())
}

func boxBytes(typ string, payload []byte) []byte {
	n := 8 + len(payload)
	if uint64(n) > 1<<32-1 {
		out := make([]byte, 16, 16+len(payload))
		binary.BigEndian.PutUint32(out, 1)
		copy(out[4:], typ)
		binary.BigEndian.PutUint64(out[8:], uint64(n+8))
		return append(out, payload...)
	}
	out := make([]byte, 8, n)
	binary.BigEndian.PutUint32(out, uint32(n))
	copy(out[4:], typ)
	return append(out, payload...)
}

func child(bx *mp4Box, typ string) *mp4Box {
	for _, k := range bx.children {
		if k.typ == typ {
			return k
		}
	}
	return nil
}

// handlerType returns the handler_type of a meta box's hdlr.
func handlerType(meta *mp4Box) string {
	h := child(meta, "hdlr")
	if h == nil || len(h.payload) < 12 {
		return ""
	}
	return string(h.payload[8:12])
}

// mdtaMeta builds a fresh meta box (full box, hdlr mdta, keys, ilst) holding
// only the label, in the layout ffmpeg writes with use_metadata_tags.
func mdtaMeta(label []byte) *mp4Box {
	hdlr := make([]byte, 0, 25)
	hdlr = append(hdlr, 0, 0, 0, 0, 0, 0, 0, 0)
	hdlr = append(hdlr, "mdta"...)
	hdlr = append(hdlr, make([]byte, 13)...) // reserved ×3, empty name
	keys := []byte{0, 0, 0, 0, 0, 0, 0, 1}
	keys = binary.BigEndian.AppendUint32(keys, 12)
	keys = append(keys, "mdtaAIGC"...)
	ilst := boxBytes(string([]byte{0, 0, 0, 1}), dataBox(label))
	return &mp4Box{typ: "meta", prefix: []byte{0, 0, 0, 0}, parsed: true, children: []*mp4Box{
		{typ: "hdlr", payload: hdlr, dirty: true},
		{typ: "keys", payload: keys, dirty: true},
		{typ: "ilst", payload: ilst, dirty: true},
	}}
}

// dataBox is an ilst value: type 1 (UTF-8), locale 0.
func dataBox(v []byte) []byte {
	p := []byte{0, 0, 0, 1, 0, 0, 0, 0}
	return boxBytes("data", append(p, v...))
}

// setMdtaLabel sets the AIGC key in an mdta meta box, replacing its value
// or appending a key and an ilst item.
func setMdtaLabel(meta *mp4Box, label []byte) error {
	keys, ilst := child(meta, "keys"), child(meta, "ilst")
	if keys == nil || ilst == nil || len(keys.payload) < 8 {
		return errors.New("MP4 mdta meta box lacks keys or ilst")
	}
	idx, n, end, err := findKey(keys.payload, "AIGC")
	if err != nil {
		return err
	}
	items, err := parseBoxes(ilst.payload, 0, false)
	if err != nil {
		return fmt.Errorf("MP4 ilst: %w", err)
	}
	if idx == 0 {
		kp := keys.payload
		nk := append([]byte(nil), kp[:end]...)
		binary.BigEndian.PutUint32(nk[4:], n+1)
		nk = binary.BigEndian.AppendUint32(nk, 12)
		nk = append(nk, "mdtaAIGC"...)
		nk = append(nk, kp[end:]...)
		keys.payload, keys.dirty = nk, true
		idx = n + 1
	}
	var nb bytes.Buffer
	done := false
	want := string(binary.BigEndian.AppendUint32(nil, idx))
	for _, it := range items {
		if it.typ != want {
			nb.Write(it.raw)
		} else if !done {
			nb.Write(boxBytes(want, dataBox(label)))
			done = true
		}
	}
	if !done {
		nb.Write(boxBytes(want, dataBox(label)))
	}
	ilst.payload, ilst.dirty = nb.Bytes(), true
	return nil
}

// findKey looks name up in a keys box payload: its 1-based index (0 when
// absent), the entry count and the end offset of the entries.
func findKey(kp []byte, name string) (idx, n uint32, end int, err error) {
	n = binary.BigEndian.Uint32(kp[4:])
	if n > 65535 {
		return 0, 0, 0, fmt.Errorf("MP4 keys box declares %d keys", n)
	}
	pos := 8
	for i := uint32(1); i <= n; i++ {
		if len(kp)-pos < 8 {
			return 0, 0, 0, errors.New("MP4 keys box truncated")
		}
		ks := int(binary.BigEndian.Uint32(kp[pos:]))
		if ks < 8 || ks > len(kp)-pos {
			return 0, 0, 0, errors.New("MP4 keys entry has a bad size")
		}
		if idx == 0 && string(kp[pos+4:pos+8]) == "mdta" && string(kp[pos+8:pos+ks]) == name {
			idx = i
		}
		pos += ks
	}
	return idx, n, pos, nil
}

// WriteMP4 writes the label into an MP4 or MOV file as the key AIGC of a
// moov/udta/meta box with handler mdta, its value (the inner JSON, UTF-8) in
// the matching ilst item (requirements.md §3.4; the layout ffmpeg writes
// with -movflags use_metadata_tags). An existing mdta meta is updated in
// place; an iTunes-style (mdir) meta is kept and a separate mdta meta is
// added beside it. mdat stays byte for byte and no media moves when moov
// comes last. When moov comes before the media, the change in its size is
// absorbed by a free box right after it when there is one; otherwise the
// stco/co64 chunk offsets are shifted. Fragmented files are refused.
func WriteMP4(data []byte, f Fields) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if len(data) > MaxInput {
		return nil, fmt.Errorf("MP4 is %d bytes, over the %d-byte limit", len(data), MaxInput)
	}
	top, err := parseBoxes(data, 0, true)
	if err != nil {
		return nil, err
	}
	mi, moovStart, err := findMoov(top)
	if err != nil {
		return nil, err
	}
	moov := top[mi]
	if err := expand(moov, moovStart, 0); err != nil {
		return nil, err
	}
	if err := labelMoov(moov, f.InnerJSON()); err != nil {
		return nil, err
	}
	newMoov := moov.bytes()
	delta := len(newMoov) - len(moov.raw)
	after := top[mi+1:]
	if delta != 0 && len(after) > 0 {
		var adjusted bool
		after, adjusted = absorbInFree(after, delta)
		if !adjusted {
			oldEnd := uint64(moovStart + len(moov.raw))
			if err := shiftOffsets(moov, oldEnd, int64(delta)); err != nil {
				return nil, err
			}
			newMoov = moov.bytes()
		}
	}
	var out bytes.Buffer
	out.Grow(len(data) + len(newMoov) - len(moov.raw))
	for _, b := range top[:mi] {
		out.Write(b.raw)
	}
	out.Write(newMoov)
	for _, b := range after {
		out.Write(b.bytes())
	}
	return out.Bytes(), nil
}

// hasAIGCKey reports whether an mdta meta box declares the key AIGC.
func hasAIGCKey(meta *mp4Box) bool {
	keys := child(meta, "keys")
	if keys == nil || len(keys.payload) < 8 {
		return false
	}
	idx, _, _, err := findKey(keys.payload, "AIGC")
	return err == nil && idx != 0
}

// findMoov returns the index and file offset of the one moov box,
// refusing fragmented files.
func findMoov(top []*mp4Box) (int, int, error) {
	mi, moovStart, off := -1, 0, 0
	for i, b := range top {
		switch b.typ {
		case "moov":
			if mi >= 0 {
				return 0, 0, errors.New("MP4 has more than one moov box")
			}
			mi, moovStart = i, off
		case "moof":
			return 0, 0, errors.New("fragmented MP4 (moof boxes) is not supported")
		}
		off += len(b.raw)
	}
	if mi < 0 {
		return 0, 0, errors.New("MP4 has no moov box")
	}
	return mi, moovStart, nil
}

// labelMoov puts the label in moov/udta/meta (mdta). A QuickTime-style
// moov/meta that already holds an AIGC key gets the same label, so the file
// never carries two different ones.
func labelMoov(moov *mp4Box, label []byte) error {
	for _, k := range moov.children {
		if k.typ == "meta" && handlerType(k) == "mdta" && hasAIGCKey(k) {
			if err := setMdtaLabel(k, label); err != nil {
				return err
			}
		}
	}
	udta := child(moov, "udta")
	if udta == nil {
		udta = &mp4Box{typ: "udta", parsed: true}
		moov.children = append(moov.children, udta)
	}
	for _, k := range udta.children {
		if k.typ == "meta" && handlerType(k) == "mdta" {
			return setMdtaLabel(k, label)
		}
	}
	udta.children = append(udta.children, mdtaMeta(label))
	return nil
}

// absorbInFree lets a free or skip box right after moov take up the change
// in moov's size, so no chunk offset moves.
func absorbInFree(after []*mp4Box, delta int) ([]*mp4Box, bool) {
	fb := after[0]
	if fb.typ != "free" && fb.typ != "skip" {
		if delta <= -8 { // moov shrank: fill the gap with a new free box
			pad := &mp4Box{typ: "free", payload: make([]byte, -delta-8), dirty: true}
			return append([]*mp4Box{pad}, after...), true
		}
		return after, false
	}
	n := len(fb.raw) - delta
	if n < 8 || len(fb.raw) > 1<<31 {
		return after, false
	}
	nb := &mp4Box{typ: fb.typ, payload: make([]byte, n-8), dirty: true}
	return append([]*mp4Box{nb}, after[1:]...), true
}

// shiftOffsets adds delta to every stco/co64 chunk offset at or past from.
func shiftOffsets(bx *mp4Box, from uint64, delta int64) error {
	for _, k := range bx.children {
		var err error
		switch {
		case k.parsed:
			err = shiftOffsets(k, from, delta)
		case k.typ == "saio":
			err = errors.New("MP4 with sample auxiliary offsets (saio) before its media is not supported")
		case k.typ == "stco" || k.typ == "co64":
			err = shiftTable(k, from, delta)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// shiftTable shifts the entries of one stco or co64 box.
func shiftTable(k *mp4Box, from uint64, delta int64) error {
	p := append([]byte(nil), k.payload...)
	if len(p) < 8 {
		return fmt.Errorf("MP4 %s box truncated", k.typ)
	}
	n := uint64(binary.BigEndian.Uint32(p[4:]))
	w := uint64(4)
	if k.typ == "co64" {
		w = 8
	}
	if n*w > uint64(len(p)-8) {
		return fmt.Errorf("MP4 %s declares %d entries, past the end of the box", k.typ, n)
	}
	for i := uint64(0); i < n; i++ {
		q := p[8+i*w:]
		if w == 8 {
			if v := binary.BigEndian.Uint64(q); v >= from {
				binary.BigEndian.PutUint64(q, uint64(int64(v)+delta))
			}
			continue
		}
		v := uint64(binary.BigEndian.Uint32(q))
		if v < from {
			continue
		}
		nv := int64(v) + delta
		if nv < 0 || nv > 1<<32-1 {
			return errors.New("MP4 chunk offset does not fit stco after the label (needs co64)")
		}
		binary.BigEndian.PutUint32(q, uint32(nv))
	}
	k.payload, k.dirty = p, true
	return nil
}
