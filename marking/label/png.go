package label

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

var pngSig = []byte("\x89PNG\r\n\x1a\n")

const pngXMPKeyword = "XML:com.adobe.xmp"

// pngChunk is one chunk; raw is the whole chunk as read (length, type,
// data, CRC) so unchanged chunks are written back byte for byte.
type pngChunk struct {
	typ  string
	data []byte
	raw  []byte
}

// parsePNG splits a PNG into chunks, bounds-checking every length. Bytes
// after IEND are returned as trailer and kept.
func parsePNG(data []byte) ([]pngChunk, []byte, error) {
	if len(data) > MaxInput {
		return nil, nil, fmt.Errorf("PNG is %d bytes, over the %d-byte limit", len(data), MaxInput)
	}
	if !bytes.HasPrefix(data, pngSig) {
		return nil, nil, errors.New("not a PNG file: bad signature")
	}
	var chunks []pngChunk
	pos := len(pngSig)
	for {
		if len(data)-pos < 12 {
			return nil, nil, fmt.Errorf("PNG truncated at offset %d: chunk header runs past the end", pos)
		}
		n := binary.BigEndian.Uint32(data[pos:])
		if n > 1<<31-1 || uint64(n) > uint64(len(data)-pos-12) {
			return nil, nil, fmt.Errorf("PNG truncated: chunk at offset %d declares %d bytes, past the end of the file", pos, n)
		}
		typ := string(data[pos+4 : pos+8])
		if !validChunkType(typ) {
			return nil, nil, fmt.Errorf("PNG chunk at offset %d has invalid type %q", pos, typ)
		}
		end := pos + 12 + int(n)
		chunks = append(chunks, pngChunk{typ: typ, data: data[pos+8 : pos+8+int(n)], raw: data[pos:end]})
		pos = end
		if len(chunks) == 1 && typ != "IHDR" {
			return nil, nil, errors.New("PNG does not start with IHDR")
		}
		if typ == "IEND" {
			return chunks, data[pos:], nil
		}
	}
}

// validChunkType reports whether t is four ASCII letters.
func validChunkType(t string) bool {
	for _, c := range []byte(t) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// pngChunkBytes encodes one chunk with its CRC.
func pngChunkBytes(typ string, data []byte) []byte {
	out := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(out, uint32(len(data)))
	copy(out[4:], typ)
	out = append(out, data...)
	crc := crc32.NewIEEE()
	crc.Write(out[4:])
	return binary.BigEndian.AppendUint32(out, crc.Sum32())
}

// pngText decodes a tEXt, zTXt or iTXt chunk into keyword and text.
// compressed tells whether the text was deflated.
func pngText(c pngChunk) (keyword string, text []byte, err error) {
	k := bytes.IndexByte(c.data, 0)
	if k < 0 {
		return "", nil, fmt.Errorf("PNG %s chunk has no keyword terminator", c.typ)
	}
	keyword = string(c.data[:k])
	rest := c.data[k+1:]
	switch c.typ {
	case "tEXt":
		return keyword, rest, nil
	case "zTXt":
		if len(rest) < 1 {
			return keyword, nil, errors.New("PNG zTXt chunk truncated")
		}
		t, err := inflateCapped(rest[1:], maxXMP)
		return keyword, t, err
	case "iTXt":
		if len(rest) < 2 {
			return keyword, nil, errors.New("PNG iTXt chunk truncated")
		}
		flag := rest[0]
		rest = rest[2:]
		for i := 0; i < 2; i++ { // language tag, translated keyword
			z := bytes.IndexByte(rest, 0)
			if z < 0 {
				return keyword, nil, errors.New("PNG iTXt chunk truncated")
			}
			rest = rest[z+1:]
		}
		if flag == 1 {
			t, err := inflateCapped(rest, maxXMP)
			return keyword, t, err
		}
		return keyword, rest, nil
	}
	return "", nil, fmt.Errorf("PNG %s is not a text chunk", c.typ)
}

// inflateCapped inflates zlib data, refusing more than limit bytes.
func inflateCapped(b []byte, limit int64) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("inflated text is over the %d-byte limit", limit)
	}
	return out, nil
}

// iTXtChunk makes an uncompressed iTXt chunk.
func iTXtChunk(keyword string, text []byte) []byte {
	d := make([]byte, 0, len(keyword)+5+len(text))
	d = append(d, keyword...)
	d = append(d, 0, 0, 0, 0, 0) // NUL, no compression, method, empty language, empty translation
	d = append(d, text...)
	return pngChunkBytes("iTXt", d)
}

// isPNGText reports whether a chunk type carries text.
func isPNGText(t string) bool { return t == "tEXt" || t == "zTXt" || t == "iTXt" }

// WritePNG writes the label into a PNG as XMP in an iTXt chunk keyed
// XML:com.adobe.xmp (requirements.md §3.4). An existing XMP packet is
// updated in place (other XMP kept); without one, a new iTXt chunk goes right
// after IHDR. A text chunk keyed AIGC (the alternative carrier) is rewritten
// in place with the same label in the wrapped form, so the file never
// carries two different labels. IDAT and every other chunk are kept byte for
// byte.
func WritePNG(data []byte, f Fields) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	chunks, trailer, err := parsePNG(data)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(data) + 1024)
	out.Write(pngSig)
	hasXMP := hasXMPChunk(chunks)
	wroteXMP := false
	for i, c := range chunks {
		b, isXMP, err := pngRelabelChunk(c, f, wroteXMP)
		if err != nil {
			return nil, fmt.Errorf("PNG chunk %d: %w", i, err)
		}
		wroteXMP = wroteXMP || isXMP
		out.Write(b)
		if c.typ == "IHDR" && !hasXMP {
			out.Write(iTXtChunk(pngXMPKeyword, NewXMP(f)))
			wroteXMP = true
		}
	}
	out.Write(trailer)
	return out.Bytes(), nil
}

// pngRelabelChunk rewrites one chunk: the first XMP packet gets the label,
// later ones lose stale labels, a text chunk keyed AIGC and an eXIf
// UserComment get the same label; anything else is kept byte for byte.
func pngRelabelChunk(c pngChunk, f Fields, wroteXMP bool) ([]byte, bool, error) {
	if c.typ == "eXIf" {
		nd, changed, err := exifRelabel(c.data, f)
		if err != nil || !changed {
			return c.raw, false, err
		}
		return pngChunkBytes("eXIf", nd), false, nil
	}
	if !isPNGText(c.typ) {
		return c.raw, false, nil
	}
	kw, text, terr := pngText(c)
	switch {
	case terr != nil && (kw == pngXMPKeyword || kw == "AIGC"):
		return nil, false, fmt.Errorf("%s %q: %w", c.typ, kw, terr)
	case terr == nil && kw == pngXMPKeyword:
		p, _, err := editXMP(text, xmpTarget(&f, wroteXMP))
		if err != nil {
			return nil, false, fmt.Errorf("XMP: %w", err)
		}
		return iTXtChunk(pngXMPKeyword, p), true, nil
	case kw == "AIGC":
		return pngLabelText(f), false, nil
	}
	return c.raw, false, nil
}

// pngLabelText is the alternative carrier: tEXt keyed AIGC with wrapped JSON,
// or iTXt when a value is not Latin-1-safe ASCII.
func pngLabelText(f Fields) []byte {
	w := f.WrappedJSON()
	for _, c := range w {
		if c >= 0x80 {
			return iTXtChunk("AIGC", w)
		}
	}
	return pngChunkBytes("tEXt", append([]byte("AIGC\x00"), w...))
}

func hasXMPChunk(chunks []pngChunk) bool {
	for _, c := range chunks {
		if isPNGText(c.typ) {
			if kw, _, err := pngText(c); err == nil && kw == pngXMPKeyword {
				return true
			}
		}
	}
	return false
}
