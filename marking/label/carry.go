package label

import (
	"bytes"
	"fmt"
)

// Carried is the metadata mark carries from one image format to another
// when it converts (design.md: OUT's extension may name another format).
type Carried struct {
	XMP  []byte // the first XMP packet, or nil
	EXIF []byte // the EXIF TIFF block, or nil
}

// ExtractMetadata reads the XMP packet and the EXIF block of an image file
// (png, jpeg, webp, gif; tiff gives its XMP only). A file without them gives
// an empty Carried.
func ExtractMetadata(data []byte, format string) (Carried, error) {
	switch format {
	case "png":
		return pngMetadata(data)
	case "jpeg":
		segs, _, err := parseJPEG(data)
		if err != nil {
			return Carried{}, err
		}
		var c Carried
		for _, s := range segs {
			if isJPEGXMP(s) && c.XMP == nil {
				c.XMP = s.data[len(jpegXMPHeader):]
			}
		}
		_, c.EXIF = exifBlock(segs)
		return c, nil
	case "webp":
		return webpMetadata(data)
	case "gif":
		_, blocks, _, err := parseGIF(data)
		if err != nil {
			return Carried{}, err
		}
		for _, b := range blocks {
			if b.xmp != nil {
				return Carried{XMP: b.xmp}, nil
			}
		}
		return Carried{}, nil
	case "tiff":
		return tiffMetadata(data)
	}
	return Carried{}, fmt.Errorf("no metadata to carry from %s", format)
}

func pngMetadata(data []byte) (Carried, error) {
	var c Carried
	chunks, _, err := parsePNG(data)
	if err != nil {
		return c, err
	}
	for _, ch := range chunks {
		if isPNGText(ch.typ) && c.XMP == nil {
			if kw, text, err := pngText(ch); err == nil && kw == pngXMPKeyword {
				c.XMP = text
			}
		}
		if ch.typ == "eXIf" && c.EXIF == nil {
			c.EXIF = ch.data
		}
	}
	return c, nil
}

func webpMetadata(data []byte) (Carried, error) {
	var c Carried
	chunks, _, err := parseRIFF(data, "WEBP")
	if err != nil {
		return c, err
	}
	for _, ch := range chunks {
		switch ch.id {
		case "XMP ":
			c.XMP = ch.data
		case "EXIF":
			c.EXIF = bytes.TrimPrefix(ch.data, jpegExifHeader)
		}
	}
	return c, nil
}

func tiffMetadata(data []byte) (Carried, error) {
	t, err := openTIFF(data)
	if err != nil {
		return Carried{}, err
	}
	es, _, err := t.readIFD(t.bo.Uint32(data[4:]))
	if err != nil {
		return Carried{}, err
	}
	if i := find(es, tagXMP); i >= 0 {
		if v, _, err := t.value(es[i]); err == nil {
			return Carried{XMP: v}, nil
		}
	}
	return Carried{}, nil
}

// Insert adds the carried XMP packet and EXIF block to a freshly encoded
// PNG or JPEG that has neither. With upright set, the EXIF orientation is
// reset to 1 because the pixels were already turned upright.
func (c Carried) Insert(data []byte, format string, upright bool) ([]byte, error) {
	exif := c.EXIF
	if upright && exif != nil {
		exif = resetTIFFOrientation(exif)
	}
	switch format {
	case "png":
		return insertPNG(data, exif, c.XMP)
	case "jpeg":
		return insertJPEG(data, exif, c.XMP)
	}
	return nil, fmt.Errorf("cannot carry metadata into %s", format)
}

// insertPNG puts eXIf and an XMP iTXt right after IHDR.
func insertPNG(data, exif, xmp []byte) ([]byte, error) {
	chunks, trailer, err := parsePNG(data)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Write(pngSig)
	for _, ch := range chunks {
		out.Write(ch.raw)
		if ch.typ != "IHDR" {
			continue
		}
		if exif != nil {
			out.Write(pngChunkBytes("eXIf", exif))
		}
		if xmp != nil {
			out.Write(iTXtChunk(pngXMPKeyword, xmp))
		}
	}
	out.Write(trailer)
	return out.Bytes(), nil
}

// insertJPEG puts APP1 EXIF and APP1 XMP right after SOI.
func insertJPEG(data, exif, xmp []byte) ([]byte, error) {
	segs, rest, err := parseJPEG(data)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Write([]byte{0xFF, 0xD8})
	for _, p := range []struct {
		head, body []byte
		what       string
	}{{jpegExifHeader, exif, "EXIF"}, {jpegXMPHeader, xmp, "XMP"}} {
		if p.body == nil {
			continue
		}
		seg, err := jpegSegBytes(0xE1, append(append([]byte{}, p.head...), p.body...))
		if err != nil {
			return nil, fmt.Errorf("carry %s: %w", p.what, err)
		}
		out.Write(seg)
	}
	for _, s := range segs {
		out.Write(s.raw)
	}
	out.Write(rest)
	return out.Bytes(), nil
}
