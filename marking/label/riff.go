package label

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// riffChunk is one chunk of a RIFF form; raw includes header and pad byte.
type riffChunk struct {
	id   string
	data []byte
	raw  []byte
}

// parseRIFF splits a RIFF file of the given form type into its top-level
// chunks. Bytes after the declared RIFF size are returned as trailer.
func parseRIFF(data []byte, form string) ([]riffChunk, []byte, error) {
	if len(data) > MaxInput {
		return nil, nil, fmt.Errorf("RIFF file is %d bytes, over the %d-byte limit", len(data), MaxInput)
	}
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != form {
		return nil, nil, fmt.Errorf("not a RIFF %s file", form)
	}
	size := uint64(binary.LittleEndian.Uint32(data[4:]))
	if size < 4 {
		return nil, nil, fmt.Errorf("RIFF header declares %d bytes, too few for its form type", size)
	}
	if 8+size > uint64(len(data)) {
		return nil, nil, fmt.Errorf("RIFF truncated: header declares %d bytes, the file has %d", 8+size, len(data))
	}
	end := int(8 + size)
	chunks, err := splitChunks(data[12:end], 12)
	if err != nil {
		return nil, nil, err
	}
	return chunks, data[end:], nil
}

// splitChunks walks RIFF chunks in b; base is b's offset in the file, for
// error messages.
func splitChunks(b []byte, base int) ([]riffChunk, error) {
	var out []riffChunk
	pos := 0
	for pos < len(b) {
		if len(b)-pos < 8 {
			return nil, fmt.Errorf("RIFF truncated: chunk header at offset %d runs past the end", base+pos)
		}
		n := uint64(binary.LittleEndian.Uint32(b[pos+4:]))
		if n > uint64(len(b)-pos-8) {
			return nil, fmt.Errorf("RIFF truncated: chunk %q at offset %d declares %d bytes, past the end", b[pos:pos+4], base+pos, n)
		}
		end := pos + 8 + int(n)
		rawEnd := end
		if n%2 == 1 && rawEnd < len(b) {
			rawEnd++
		}
		out = append(out, riffChunk{id: string(b[pos : pos+4]), data: b[pos+8 : end], raw: b[pos:rawEnd]})
		pos = rawEnd
	}
	return out, nil
}

// riffChunkBytes encodes a chunk with its pad byte.
func riffChunkBytes(id string, data []byte) []byte {
	out := make([]byte, 8, 9+len(data))
	copy(out, id)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(data)))
	out = append(out, data...)
	if len(data)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

// riffRaw returns a chunk's raw bytes, adding the pad byte a final odd chunk
// may lack.
func riffRaw(c riffChunk) []byte {
	if len(c.data)%2 == 1 && len(c.raw) == 8+len(c.data) {
		return append(append([]byte(nil), c.raw...), 0)
	}
	return c.raw
}

// finishRIFF assembles the form and sets the RIFF size.
func finishRIFF(form string, body [][]byte, trailer []byte) ([]byte, error) {
	n := 4
	for _, b := range body {
		n += len(b)
	}
	if uint64(n) > 1<<32-1 {
		return nil, errors.New("RIFF file with the label would exceed 4 GiB")
	}
	out := make([]byte, 0, 8+n+len(trailer))
	out = append(out, "RIFF"...)
	out = binary.LittleEndian.AppendUint32(out, uint32(n))
	out = append(out, form...)
	for _, b := range body {
		out = append(out, b...)
	}
	return append(out, trailer...), nil
}

// WriteWAV writes the label as a RIFF sub-chunk "AIGC" holding the inner
// JSON (requirements.md §3.4). Existing AIGC chunks, and AIGC entries in a
// LIST/INFO chunk, are rewritten in place; otherwise the chunk is appended
// after the last chunk. The RIFF size is updated; the fmt and data chunks
// stay byte for byte.
func WriteWAV(data []byte, f Fields) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	chunks, trailer, err := parseRIFF(data, "WAVE")
	if err != nil {
		return nil, err
	}
	label := f.InnerJSON()
	var body [][]byte
	found := false
	for _, c := range chunks {
		switch {
		case c.id == "AIGC":
			body = append(body, riffChunkBytes("AIGC", label))
			found = true
		case c.id == "LIST" && len(c.data) >= 4 && string(c.data[:4]) == "INFO":
			subs, err := splitChunks(c.data[4:], 0)
			if err != nil {
				return nil, fmt.Errorf("WAV LIST/INFO: %w", err)
			}
			changed := false
			var lb bytes.Buffer
			lb.WriteString("INFO")
			for _, s := range subs {
				if s.id == "AIGC" {
					lb.Write(riffChunkBytes("AIGC", label))
					changed = true
					continue
				}
				lb.Write(riffRaw(s))
			}
			if changed {
				body = append(body, riffChunkBytes("LIST", lb.Bytes()))
				found = true
			} else {
				body = append(body, riffRaw(c))
			}
		default:
			body = append(body, riffRaw(c))
		}
	}
	if !found {
		body = append(body, riffChunkBytes("AIGC", label))
	}
	return finishRIFF("WAVE", body, trailer)
}

// VP8X flag bits (WebP container specification).
const (
	vp8xXMP   = 0x04
	vp8xAlpha = 0x10
)

// WriteWebP writes the label as XMP in a "XMP " chunk of the extended WebP
// format (requirements.md §3.4) and sets the VP8X XMP flag. A simple (VP8 or
// VP8L) file is converted to the extended format: a VP8X chunk with the
// canvas size read from the bitstream header goes first. An existing XMP
// chunk is updated in place; the image chunks stay byte for byte.
func WriteWebP(data []byte, f Fields) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	chunks, trailer, err := parseRIFF(data, "WEBP")
	if err != nil {
		return nil, err
	}
	if len(chunks) == 0 {
		return nil, errors.New("WebP has no chunks")
	}
	body, err := webpHead(chunks[0])
	if err != nil {
		return nil, err
	}
	hasXMP := false
	insertAfter := 0
	for i, c := range chunks {
		switch c.id {
		case "XMP ":
			hasXMP = true
		case "VP8X", "ICCP", "ANIM", "ANMF", "ALPH", "VP8 ", "VP8L", "EXIF":
			insertAfter = i
		}
	}
	wrote := false
	for i, c := range chunks {
		if i > 0 {
			b, isXMP, err := webpChunk(c, f, wrote)
			if err != nil {
				return nil, err
			}
			wrote = wrote || isXMP
			body = append(body, b)
		}
		if i == insertAfter && !hasXMP {
			body = append(body, riffChunkBytes("XMP ", NewXMP(f)))
			wrote = true
		}
	}
	return finishRIFF("WEBP", body, trailer)
}

// webpHead returns the VP8X chunk with the XMP flag set, converting a
// simple (VP8 or VP8L) file to the extended format: VP8X with the canvas
// size from the bitstream header, then the image chunk.
func webpHead(first riffChunk) ([][]byte, error) {
	switch first.id {
	case "VP8X":
		if len(first.data) < 10 {
			return nil, errors.New("WebP VP8X chunk is shorter than 10 bytes")
		}
		vx := append([]byte(nil), first.data...)
		vx[0] |= vp8xXMP
		return [][]byte{riffChunkBytes("VP8X", vx)}, nil
	case "VP8 ", "VP8L":
		w, h, alpha, err := webpSize(first)
		if err != nil {
			return nil, err
		}
		vx := make([]byte, 10)
		vx[0] = vp8xXMP
		if alpha {
			vx[0] |= vp8xAlpha
		}
		putUint24(vx[4:], w-1)
		putUint24(vx[7:], h-1)
		return [][]byte{riffChunkBytes("VP8X", vx), riffRaw(first)}, nil
	}
	return nil, fmt.Errorf("WebP first chunk is %q, expected VP8X, VP8 or VP8L", first.id)
}

// webpChunk rewrites one chunk after the first: the XMP packet gets the
// label (or loses a stale one once the label is written), an EXIF
// UserComment copy of a label is updated; anything else is kept.
func webpChunk(c riffChunk, f Fields, wrote bool) ([]byte, bool, error) {
	switch c.id {
	case "XMP ":
		p, _, err := editXMP(c.data, xmpTarget(&f, wrote))
		if err != nil {
			return nil, false, fmt.Errorf("WebP XMP chunk: %w", err)
		}
		return riffChunkBytes("XMP ", p), true, nil
	case "EXIF":
		d, pre := c.data, []byte(nil)
		if bytes.HasPrefix(d, jpegExifHeader) {
			pre, d = jpegExifHeader, d[len(jpegExifHeader):]
		}
		nd, changed, err := exifRelabel(d, f)
		if err != nil {
			return nil, false, fmt.Errorf("WebP EXIF chunk: %w", err)
		}
		if changed {
			return riffChunkBytes("EXIF", append(append([]byte(nil), pre...), nd...)), false, nil
		}
	}
	return riffRaw(c), false, nil
}

// xmpTarget gives the label to the first packet only; later packets just
// lose their label property, so the file carries one label.
func xmpTarget(f *Fields, wrote bool) *Fields {
	if wrote {
		return nil
	}
	return f
}

func putUint24(b []byte, v int) {
	b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16)
}

// webpSize reads the canvas size from a simple WebP's VP8 or VP8L header.
func webpSize(c riffChunk) (w, h int, alpha bool, err error) {
	d := c.data
	if c.id == "VP8 " {
		if len(d) < 10 || d[3] != 0x9d || d[4] != 0x01 || d[5] != 0x2a {
			return 0, 0, false, errors.New("WebP VP8 chunk has no valid frame header")
		}
		w = int(binary.LittleEndian.Uint16(d[6:]) & 0x3fff)
		h = int(binary.LittleEndian.Uint16(d[8:]) & 0x3fff)
	} else {
		if len(d) < 5 || d[0] != 0x2f {
			return 0, 0, false, errors.New("WebP VP8L chunk has no valid signature")
		}
		bits := binary.LittleEndian.Uint32(d[1:])
		w = int(bits&0x3fff) + 1
		h = int(bits>>14&0x3fff) + 1
		alpha = bits>>28&1 == 1
	}
	if w == 0 || h == 0 {
		return 0, 0, false, errors.New("WebP bitstream declares a zero dimension")
	}
	return w, h, alpha, nil
}
