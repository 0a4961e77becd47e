package label

import (
	"bytes"
	"errors"
	"fmt"
)

// pngPixelChunks are the chunks a re-encoded PNG brings itself, or that
// describe the old pixel format and would be wrong for the new one.
var pngPixelChunks = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true, "tRNS": true,
	"bKGD": true, "sBIT": true, "hIST": true, "sPLT": true,
	"acTL": true, "fcTL": true, "fdAT": true,
}

// IsAnimatedPNG reports whether a PNG has an acTL chunk (APNG).
func IsAnimatedPNG(data []byte) bool {
	chunks, _, err := parsePNG(data)
	if err != nil {
		return false
	}
	for _, c := range chunks {
		if c.typ == "acTL" {
			return true
		}
	}
	return false
}

// TransplantPNG copies the metadata chunks of orig (text, XMP, EXIF, ICC
// profile, gamma, physical size, C2PA and any unknown ancillary chunk) into
// encoded, a PNG re-encoded from orig's pixels, in their original order:
// those before orig's first IDAT go after encoded's IHDR, the rest before
// IEND. Chunks tied to the old pixel format (palette, transparency,
// background, significant bits, animation) are not carried.
func TransplantPNG(orig, encoded []byte) ([]byte, error) {
	oc, _, err := parsePNG(orig)
	if err != nil {
		return nil, fmt.Errorf("original: %w", err)
	}
	ec, etrail, err := parsePNG(encoded)
	if err != nil {
		return nil, fmt.Errorf("re-encoded: %w", err)
	}
	var pre, post [][]byte
	seenIDAT := false
	for _, c := range oc {
		if c.typ == "IDAT" {
			seenIDAT = true
		}
		if pngPixelChunks[c.typ] {
			continue
		}
		if seenIDAT {
			post = append(post, c.raw)
		} else {
			pre = append(pre, c.raw)
		}
	}
	var out bytes.Buffer
	out.Write(pngSig)
	for _, c := range ec {
		if c.typ == "IEND" {
			for _, p := range post {
				out.Write(p)
			}
		}
		out.Write(c.raw)
		if c.typ == "IHDR" {
			for _, p := range pre {
				out.Write(p)
			}
		}
	}
	out.Write(etrail)
	return out.Bytes(), nil
}

// TransplantJPEG copies the APPn and COM segments of orig (JFIF, EXIF, XMP,
// ICC profile, IPTC, C2PA …) into encoded, a JPEG re-encoded from orig's
// pixels, right after SOI. Adobe APP14, which describes the old colour
// transform, is not carried: the new scan is YCbCr.
func TransplantJPEG(orig, encoded []byte) ([]byte, error) {
	os, _, err := parseJPEG(orig)
	if err != nil {
		return nil, fmt.Errorf("original: %w", err)
	}
	es, erest, err := parseJPEG(encoded)
	if err != nil {
		return nil, fmt.Errorf("re-encoded: %w", err)
	}
	var out bytes.Buffer
	out.Write([]byte{0xFF, 0xD8})
	for _, s := range os {
		if (s.marker >= 0xE0 && s.marker <= 0xEF && s.marker != 0xEE) || s.marker == 0xFE {
			out.Write(s.raw)
		}
	}
	for _, s := range es {
		if s.marker >= 0xE0 && s.marker <= 0xEF {
			continue // the encoder's own APPn, if any, yields to the original's
		}
		out.Write(s.raw)
	}
	out.Write(erest)
	if out.Len() < 4 {
		return nil, errors.New("re-encoded JPEG is empty")
	}
	return out.Bytes(), nil
}
