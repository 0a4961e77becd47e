package label

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

var (
	jpegXMPHeader  = []byte("http://ns.adobe.com/xap/1.0/\x00")
	jpegExifHeader = []byte("Exif\x00\x00")
)

// jpegSeg is one marker segment before SOS; raw holds marker and length.
type jpegSeg struct {
	marker byte
	data   []byte // payload after the length field
	raw    []byte
}

// parseJPEG splits a JPEG into its segments up to SOS and the rest (SOS,
// entropy-coded data, EOI and anything after), which writers keep byte for
// byte.
func parseJPEG(data []byte) ([]jpegSeg, []byte, error) {
	if len(data) > MaxInput {
		return nil, nil, fmt.Errorf("JPEG is %d bytes, over the %d-byte limit", len(data), MaxInput)
	}
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, nil, errors.New("not a JPEG file: no SOI marker")
	}
	var segs []jpegSeg
	pos := 2
	for {
		start := pos
		var err error
		if pos, err = jpegMarkerAt(data, pos); err != nil {
			return nil, nil, err
		}
		switch m := data[pos+1]; {
		case m == 0xDA:
			return segs, data[start:], nil
		case m == 0xD9:
			return nil, nil, errors.New("JPEG: EOI before any scan (no image data)")
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			segs = append(segs, jpegSeg{marker: m, raw: data[start : pos+2]})
			pos += 2
		default:
			seg, err := jpegSegmentAt(data, start, pos)
			if err != nil {
				return nil, nil, err
			}
			segs = append(segs, seg)
			pos = start + len(seg.raw)
		}
	}
}

// jpegMarkerAt skips fill bytes from pos and returns the offset of the
// next marker.
func jpegMarkerAt(data []byte, pos int) (int, error) {
	for pos+1 < len(data) && data[pos] == 0xFF && data[pos+1] == 0xFF {
		pos++ // fill bytes
	}
	if len(data)-pos < 2 {
		return 0, fmt.Errorf("JPEG truncated at offset %d: no SOS marker", pos)
	}
	if data[pos] != 0xFF {
		return 0, fmt.Errorf("JPEG: expected a marker at offset %d, found 0x%02X", pos, data[pos])
	}
	return pos, nil
}

// jpegSegmentAt reads the length-prefixed segment whose marker is at pos
// (start includes any fill bytes before it).
func jpegSegmentAt(data []byte, start, pos int) (jpegSeg, error) {
	m := data[pos+1]
	if len(data)-pos < 4 {
		return jpegSeg{}, fmt.Errorf("JPEG truncated at offset %d: segment length runs past the end", pos)
	}
	n := int(binary.BigEndian.Uint16(data[pos+2:]))
	if n < 2 || pos+2+n > len(data) {
		return jpegSeg{}, fmt.Errorf("JPEG truncated: segment 0x%02X at offset %d declares %d bytes, past the end of the file", m, pos, n)
	}
	return jpegSeg{marker: m, data: data[pos+4 : pos+2+n], raw: data[start : pos+2+n]}, nil
}

// jpegSegBytes encodes one segment; the payload must fit 65533 bytes.
func jpegSegBytes(marker byte, payload []byte) ([]byte, error) {
	if len(payload) > 65533 {
		return nil, fmt.Errorf("JPEG segment payload is %d bytes, over the 65533-byte limit", len(payload))
	}
	out := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(out[2:], uint16(len(payload)+2))
	return append(out, payload...), nil
}

func isJPEGXMP(s jpegSeg) bool  { return s.marker == 0xE1 && bytes.HasPrefix(s.data, jpegXMPHeader) }
func isJPEGExif(s jpegSeg) bool { return s.marker == 0xE1 && bytes.HasPrefix(s.data, jpegExifHeader) }

// WriteJPEG writes the label as XMP in an APP1 segment (requirements.md
// §3.4). An existing XMP packet is updated in place; otherwise a new APP1 goes
// after SOI and the leading APP0 (JFIF) and APP1 (EXIF) segments. A label in
// EXIF UserComment (the alternative carrier) is rewritten in place with the
// same label. The scan data and every other segment stay byte for byte. A
// packet that would outgrow one segment (ExtendedXMP) is refused.
func WriteJPEG(data []byte, f Fields) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	segs, rest, err := parseJPEG(data)
	if err != nil {
		return nil, err
	}
	return assembleJPEG(segs, rest, f)
}

func assembleJPEG(segs []jpegSeg, rest []byte, f Fields) ([]byte, error) {
	hasXMP := false
	insertAt := 0 // after SOI and the leading APP0 (JFIF) and APP1 (EXIF)
	for i, s := range segs {
		if isJPEGXMP(s) {
			hasXMP = true
		}
		if insertAt == i && (s.marker == 0xE0 || isJPEGExif(s)) {
			insertAt = i + 1
		}
	}
	var out bytes.Buffer
	out.Grow(len(rest) + 4096)
	out.Write([]byte{0xFF, 0xD8})
	wrote := false
	for i := 0; i <= len(segs); i++ {
		if i == insertAt && !hasXMP {
			seg, err := jpegSegBytes(0xE1, append(append([]byte{}, jpegXMPHeader...), NewXMP(f)...))
			if err != nil {
				return nil, err
			}
			out.Write(seg)
			wrote = true
		}
		if i == len(segs) {
			break
		}
		b, isXMP, err := jpegSegment(segs[i], f, wrote)
		if err != nil {
			return nil, err
		}
		wrote = wrote || isXMP
		out.Write(b)
	}
	out.Write(rest)
	return out.Bytes(), nil
}

// jpegSegment rewrites one segment: the first XMP packet gets the label,
// later ones lose stale labels, an EXIF UserComment copy is updated;
// anything else is kept byte for byte.
func jpegSegment(s jpegSeg, f Fields, wrote bool) ([]byte, bool, error) {
	switch {
	case isJPEGXMP(s):
		p, _, err := editXMP(s.data[len(jpegXMPHeader):], xmpTarget(&f, wrote))
		if err != nil {
			return nil, false, fmt.Errorf("JPEG APP1 XMP: %w", err)
		}
		seg, err := jpegSegBytes(0xE1, append(append([]byte{}, jpegXMPHeader...), p...))
		if err != nil {
			return nil, false, fmt.Errorf("JPEG APP1 XMP with the label: %w (ExtendedXMP is not written)", err)
		}
		return seg, true, nil
	case isJPEGExif(s):
		tiff, changed, err := exifRelabel(s.data[len(jpegExifHeader):], f)
		if err != nil {
			return nil, false, fmt.Errorf("JPEG APP1 EXIF: %w", err)
		}
		if !changed {
			return s.raw, false, nil
		}
		seg, err := jpegSegBytes(0xE1, append(append([]byte{}, jpegExifHeader...), tiff...))
		if err != nil {
			return nil, false, fmt.Errorf("JPEG APP1 EXIF with the label: %w", err)
		}
		return seg, false, nil
	}
	return s.raw, false, nil
}
