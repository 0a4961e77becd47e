package label

import (
	"bytes"
	"errors"
	"fmt"
)

var gifXMPAppID = []byte("XMP DataXMP")

// gifMagicTrailer is the 257-byte ramp (0x01, 0xFF … 0x00) that follows a
// raw XMP packet in a GIF application extension so that a decoder reading
// the packet as sub-blocks lands on the block terminator (XMP specification
// part 3, GIF).
var gifMagicTrailer = func() []byte {
	b := make([]byte, 257)
	b[0] = 0x01
	for i := 1; i < 257; i++ {
		b[i] = byte(0xFF - (i - 1))
	}
	return b
}()

// gifSkipSubBlocks returns the offset just past the block terminator of the
// sub-blocks starting at pos.
func gifSkipSubBlocks(d []byte, pos int) (int, error) {
	for {
		if pos >= len(d) {
			return 0, errors.New("GIF truncated: data sub-blocks run past the end of the file")
		}
		n := int(d[pos])
		pos++
		if n == 0 {
			return pos, nil
		}
		pos += n
	}
}

// gifBlock is one extension or image with its raw bytes.
type gifBlock struct {
	kind byte // 0x21 extension, 0x2C image
	ext  byte // extension label
	raw  []byte
	xmp  []byte // the packet, for an XMP application extension
}

func parseGIF(d []byte) (head []byte, blocks []gifBlock, tail []byte, err error) {
	if len(d) > MaxInput {
		return nil, nil, nil, fmt.Errorf("GIF is %d bytes, over the %d-byte limit", len(d), MaxInput)
	}
	if len(d) < 13 || (string(d[:6]) != "GIF87a" && string(d[:6]) != "GIF89a") {
		return nil, nil, nil, errors.New("not a GIF file: bad signature")
	}
	pos := 13
	if d[10]&0x80 != 0 {
		pos += 3 << ((d[10] & 7) + 1)
	}
	if pos > len(d) {
		return nil, nil, nil, errors.New("GIF truncated: global colour table runs past the end of the file")
	}
	head = d[:pos]
	for {
		if pos >= len(d) {
			return nil, nil, nil, errors.New("GIF truncated: no trailer (0x3B)")
		}
		var b gifBlock
		switch d[pos] {
		case 0x3B:
			return head, blocks, d[pos:], nil
		case 0x21:
			b, err = gifExtension(d, pos)
		case 0x2C:
			b, err = gifImage(d, pos)
		default:
			err = fmt.Errorf("GIF: unknown block 0x%02X at offset %d", d[pos], pos)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		blocks = append(blocks, b)
		pos += len(b.raw)
	}
}

// gifExtension reads the extension at pos; an XMP application extension
// gets its packet, checked against the magic trailer.
func gifExtension(d []byte, pos int) (gifBlock, error) {
	if pos+2 > len(d) {
		return gifBlock{}, errors.New("GIF truncated in an extension")
	}
	label := d[pos+1]
	end, err := gifSkipSubBlocks(d, pos+2)
	if err != nil {
		return gifBlock{}, err
	}
	b := gifBlock{kind: 0x21, ext: label, raw: d[pos:end]}
	if label != 0xFF || end-pos < 3+11 || d[pos+2] != 11 || !bytes.Equal(d[pos+3:pos+14], gifXMPAppID) {
		return b, nil
	}
	body := d[pos+14 : end-1]
	if len(body) < len(gifMagicTrailer) || !bytes.Equal(body[len(body)-len(gifMagicTrailer):], gifMagicTrailer) {
		return gifBlock{}, errors.New("GIF XMP extension lacks the magic trailer")
	}
	b.xmp = body[:len(body)-len(gifMagicTrailer)]
	return b, nil
}

// gifImage reads the image descriptor, local colour table and image data at
// pos.
func gifImage(d []byte, pos int) (gifBlock, error) {
	if pos+10 > len(d) {
		return gifBlock{}, errors.New("GIF truncated in an image descriptor")
	}
	p := pos + 10
	if d[pos+9]&0x80 != 0 {
		p += 3 << ((d[pos+9] & 7) + 1)
	}
	p++ // LZW minimum code size
	if p > len(d) {
		return gifBlock{}, errors.New("GIF truncated in an image descriptor")
	}
	end, err := gifSkipSubBlocks(d, p)
	if err != nil {
		return gifBlock{}, err
	}
	return gifBlock{kind: 0x2C, raw: d[pos:end]}, nil
}

// gifXMPExtension builds the XMP application extension for packet.
func gifXMPExtension(packet []byte) ([]byte, error) {
	if bytes.IndexByte(packet, 0) >= 0 {
		return nil, errors.New("XMP packet contains a NUL byte, which GIF cannot carry")
	}
	out := make([]byte, 0, 14+len(packet)+len(gifMagicTrailer)+1)
	out = append(out, 0x21, 0xFF, 11)
	out = append(out, gifXMPAppID...)
	out = append(out, packet...)
	out = append(out, gifMagicTrailer...)
	return append(out, 0), nil
}

// WriteGIF writes the label as XMP in the "XMP DataXMP" application
// extension with its magic trailer (requirements.md §3.4). An existing XMP
// extension is updated in place; otherwise a new one goes before the first
// graphic control extension or image. Image data stays byte for byte.
func WriteGIF(data []byte, f Fields) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	head, blocks, tail, err := parseGIF(data)
	if err != nil {
		return nil, err
	}
	// The new extension goes before the first graphic control extension or
	// image, or before the trailer; an existing one is updated instead.
	insertAt := len(blocks)
	for i := len(blocks) - 1; i >= 0; i-- {
		if blocks[i].kind == 0x2C || blocks[i].ext == 0xF9 {
			insertAt = i
		}
	}
	for _, b := range blocks {
		if b.xmp != nil {
			insertAt = -1
		}
	}
	var out bytes.Buffer
	out.Grow(len(data) + 1024)
	// Extensions are a GIF89a feature: a GIF87a header is raised to 89a,
	// which every decoder reads.
	out.WriteString("GIF89a")
	out.Write(head[6:])
	wrote := false
	for i := 0; i <= len(blocks); i++ {
		if i == insertAt {
			ext, err := gifXMPExtension(NewXMP(f))
			if err != nil {
				return nil, err
			}
			out.Write(ext)
			wrote = true
		}
		if i == len(blocks) {
			break
		}
		b, err := gifRelabelBlock(blocks[i], f, wrote)
		if err != nil {
			return nil, err
		}
		wrote = wrote || blocks[i].xmp != nil
		out.Write(b)
	}
	out.Write(tail)
	return out.Bytes(), nil
}

// gifRelabelBlock rewrites an XMP extension (the first gets the label,
// later ones lose stale labels) and keeps any other block byte for byte.
func gifRelabelBlock(b gifBlock, f Fields, wrote bool) ([]byte, error) {
	if b.xmp == nil {
		return b.raw, nil
	}
	p, _, err := editXMP(b.xmp, xmpTarget(&f, wrote))
	if err != nil {
		return nil, fmt.Errorf("GIF XMP extension: %w", err)
	}
	return gifXMPExtension(p)
}
