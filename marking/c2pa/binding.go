package c2pa

import (
	"bytes"
	"crypto"
	_ "crypto/sha1" // registers SHA-1 for old time-stamp tokens
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/binary"
	"fmt"
	"sort"
)

// Hard bindings tie the claim to the asset's bytes (C2PA spec §9,
// "Binding to content"). c2pa.hash.data hashes the whole file minus excluded
// ranges (the manifest store itself); c2pa.hash.boxes hashes the file's
// "boxes" (for JPEG: marker segments) one by one; c2pa.hash.bmff hashes
// ISOBMFF boxes selected by XPath-like exclusions, possibly per fragment with
// Merkle trees.

// hashByName maps C2PA algorithm names to hashes.
func hashByName(name string) (crypto.Hash, bool) {
	switch name {
	case "sha256", "":
		return crypto.SHA256, true
	case "sha384":
		return crypto.SHA384, true
	case "sha512":
		return crypto.SHA512, true
	}
	return 0, false
}

type exclusion struct {
	Start  uint64 `cbor:"start"`
	Length uint64 `cbor:"length"`
}

type dataHashCBOR struct {
	Exclusions []exclusion `cbor:"exclusions"`
	Name       string      `cbor:"name"`
	Alg        string      `cbor:"alg"`
	Hash       []byte      `cbor:"hash"`
	// Pad fills the assertion so the store keeps its size when the real
	// exclusion and hash are written after a first pass; it is part of the
	// assertion (covered by the assertion's hashed URI), never of the asset
	// hash, so verification ignores it.
	Pad []byte `cbor:"pad"`
	URL string `cbor:"url"` // a remote asset: not ours to hash
}

type boxHashCBOR struct {
	Alg   string         `cbor:"alg"`
	Boxes []boxHashEntry `cbor:"boxes"`
}

type boxHashEntry struct {
	Names    []string `cbor:"names"`
	Alg      string   `cbor:"alg"`
	Hash     []byte   `cbor:"hash"`
	Excluded bool     `cbor:"excluded"`
}

// bindingResult is the outcome of checking the hard binding.
type bindingResult struct {
	label   string // assertion label of the hard binding
	valid   *bool
	reason  string // why valid is false or nil
	infoMsg string // an info finding (binding not checkable)
}

// verifyDataHash recomputes a c2pa.hash.data assertion over data.
func verifyDataHash(payload []byte, claimAlg string, data []byte) (bool, string) {
	var dh dataHashCBOR
	if err := decMode.Unmarshal(payload, &dh); err != nil {
		return false, fmt.Sprintf("the data-hash assertion cannot be decoded: %v", err)
	}
	if dh.URL != "" {
		return false, "the data hash names a remote asset (url), not this file"
	}
	alg := dh.Alg
	if alg == "" {
		alg = claimAlg
	}
	h, ok := hashByName(alg)
	if !ok {
		return false, fmt.Sprintf("the data hash uses the unsupported algorithm %q", alg)
	}
	sum, err := hashExcluding(h, data, dh.Exclusions)
	if err != nil {
		return false, err.Error()
	}
	if !bytes.Equal(sum, dh.Hash) {
		return false, "the file's bytes no longer match the signed data hash: the content was changed after signing"
	}
	return true, ""
}

// hashExcluding hashes data minus the exclusion ranges, which must lie inside
// data and not overlap.
func hashExcluding(h crypto.Hash, data []byte, excl []exclusion) ([]byte, error) {
	ex := append([]exclusion(nil), excl...)
	sort.Slice(ex, func(i, j int) bool { return ex[i].Start < ex[j].Start })
	hh := h.New()
	pos := uint64(0)
	n := uint64(len(data))
	for _, e := range ex {
		if e.Start > n || e.Length > n-e.Start {
			return nil, fmt.Errorf("a data-hash exclusion (%d+%d) runs past the end of the file (%d bytes)", e.Start, e.Length, n)
		}
		if e.Start < pos {
			return nil, fmt.Errorf("data-hash exclusions overlap at offset %d", e.Start)
		}
		hh.Write(data[pos:e.Start])
		pos = e.Start + e.Length
	}
	hh.Write(data[pos:])
	return hh.Sum(nil), nil
}

// jpegBox is one named JPEG "box" for c2pa.hash.boxes: a marker segment
// (SOS includes its entropy-coded data; consecutive C2PA APP11 segments form
// one box named "C2PA").
type jpegBox struct {
	name       string
	start, end int
}

var jpegMarkerNames = func() map[byte]string {
	m := map[byte]string{
		0xD8: "SOI", 0xD9: "EOI", 0xDA: "SOS", 0xDB: "DQT", 0xC4: "DHT", 0xCC: "DAC",
		0xDD: "DRI", 0xFE: "COM", 0xDC: "DNL", 0xDE: "DHP", 0xDF: "EXP",
	}
	for i := byte(0); i < 16; i++ {
		m[0xE0+i] = fmt.Sprintf("APP%d", i)
	}
	for i := byte(0); i < 16; i++ {
		if i == 4 || i == 8 || i == 12 {
			continue // DHT, JPG, DAC
		}
		m[0xC0+i] = fmt.Sprintf("SOF%d", i)
	}
	for i := byte(0); i < 8; i++ {
		m[0xD0+i] = fmt.Sprintf("RST%d", i)
	}
	return m
}()

// jpegBoxes splits a JPEG into named boxes the way c2pa-rs does for box
// hashing.
func jpegBoxes(data []byte) ([]jpegBox, error) {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, fmt.Errorf("not a JPEG")
	}
	boxes := []jpegBox{{"SOI", 0, 2}}
	pos := 2
	for n := 0; n < maxWalk*4; n++ {
		if pos+2 > len(data) {
			return boxes, nil
		}
		if data[pos] != 0xFF {
			return nil, fmt.Errorf("JPEG: expected a marker at offset %d", pos)
		}
		m := data[pos+1]
		if m == 0xFF {
			pos++
			continue
		}
		name, known := jpegMarkerNames[m]
		if !known {
			name = fmt.Sprintf("0x%02X", m)
		}
		if m == 0xD9 {
			boxes = append(boxes, jpegBox{name, pos, pos + 2})
			return boxes, nil
		}
		if m >= 0xD0 && m <= 0xD7 || m == 0x01 {
			boxes = append(boxes, jpegBox{name, pos, pos + 2})
			pos += 2
			continue
		}
		if pos+4 > len(data) {
			return nil, fmt.Errorf("JPEG: truncated segment at offset %d", pos)
		}
		l := int(binary.BigEndian.Uint16(data[pos+2 : pos+4]))
		end := pos + 2 + l
		if l < 2 || end > len(data) {
			return nil, fmt.Errorf("JPEG: segment %s at offset %d runs past the end of the file", name, pos)
		}
		if m == 0xDA { // entropy-coded data runs to the next non-RST marker
			for end+1 < len(data) {
				if data[end] == 0xFF && data[end+1] != 0 && (data[end+1] < 0xD0 || data[end+1] > 0xD7) {
					break
				}
				end++
			}
			if end+1 >= len(data) {
				end = len(data)
			}
		}
		seg := data[pos+4 : pos+2+l]
		if m == 0xEB && len(seg) >= 2 && seg[0] == 'J' && seg[1] == 'P' && isC2PAAPP11(seg) {
			if last := len(boxes) - 1; boxes[last].name == "C2PA" && boxes[last].end == pos {
				boxes[last].end = end
			} else {
				boxes = append(boxes, jpegBox{"C2PA", pos, end})
			}
		} else {
			boxes = append(boxes, jpegBox{name, pos, end})
		}
		pos = end
	}
	return nil, fmt.Errorf("JPEG: too many segments")
}

// isC2PAAPP11 reports whether an APP11 segment body belongs to a C2PA
// manifest store: the first segment's box names the store type; continuation
// segments repeat the header, so the store UUID check is done on the first
// and later ones are matched by their `jumb` type.
func isC2PAAPP11(seg []byte) bool {
	if len(seg) < 16 {
		return false
	}
	payload := seg[8:]
	if binary.BigEndian.Uint32(seg[4:8]) == 1 {
		return isStoreJUMBFPrefix(payload)
	}
	return string(payload[4:8]) == "jumb"
}

// isStoreJUMBFPrefix is isStoreJUMBF for a first segment, whose box is
// usually longer than the segment.
func isStoreJUMBFPrefix(b []byte) bool {
	if len(b) < 8+8+16 || string(b[4:8]) != "jumb" {
		return false
	}
	d := b[8:]
	if binary.BigEndian.Uint32(b[0:4]) == 1 {
		if len(b) < 16+8+16 {
			return false
		}
		d = b[16:]
	}
	return string(d[4:8]) == "jumd" && bytes.Equal(d[8:24], uuidStore[:])
}

// verifyBoxHash recomputes a c2pa.hash.boxes assertion. Only JPEG box maps
// are built; other containers return nil (not checked).
func verifyBoxHash(payload []byte, claimAlg string, data []byte, container string) (*bool, string) {
	if container != "jpeg" {
		return nil, "box hashes are checked for JPEG only; this file's box hash was not verified"
	}
	var bh boxHashCBOR
	if err := decMode.Unmarshal(payload, &bh); err != nil {
		return ptr(false), fmt.Sprintf("the box-hash assertion cannot be decoded: %v", err)
	}
	boxes, err := jpegBoxes(data)
	if err != nil {
		return ptr(false), fmt.Sprintf("the file's boxes cannot be listed: %v", err)
	}
	i := 0
	for _, e := range bh.Boxes {
		if len(e.Names) == 0 {
			return ptr(false), "a box-hash entry names no box"
		}
		if e.Names[0] == "C2PA" || e.Excluded {
			if i < len(boxes) && boxes[i].name == e.Names[0] {
				i += len(e.Names)
			}
			continue
		}
		if i+len(e.Names) > len(boxes) {
			return ptr(false), fmt.Sprintf("the box hash names %v, but the file has no such boxes there", e.Names)
		}
		for k, n := range e.Names {
			if boxes[i+k].name != n {
				return ptr(false), fmt.Sprintf("the box hash expects box %q where the file has %q: boxes were added, removed or reordered", n, boxes[i+k].name)
			}
		}
		alg := e.Alg
		if alg == "" {
			alg = bh.Alg
		}
		if alg == "" {
			alg = claimAlg
		}
		h, ok := hashByName(alg)
		if !ok {
			return ptr(false), fmt.Sprintf("the box hash uses the unsupported algorithm %q", alg)
		}
		hh := h.New()
		for k := range e.Names {
			b := boxes[i+k]
			hh.Write(data[b.start:b.end])
		}
		if !bytes.Equal(hh.Sum(nil), e.Hash) {
			return ptr(false), fmt.Sprintf("box %v no longer matches its signed hash: the content was changed after signing", e.Names)
		}
		i += len(e.Names)
	}
	if i < len(boxes) {
		return ptr(false), fmt.Sprintf("the file has %d box(es) after the last hashed one (starting with %q) that the box hash does not cover", len(boxes)-i, boxes[i].name)
	}
	return ptr(true), ""
}

func ptr(b bool) *bool { return &b }
