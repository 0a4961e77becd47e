package label

const tagOrientation = 0x0112

// tiffOrientation finds the orientation entry in IFD0 of a TIFF block: the
// offset of its 2-byte value and the value (0, 1 when absent).
func tiffOrientation(b []byte) (int, int) {
	t, err := openTIFF(b)
	if err != nil {
		return 0, 1
	}
	ifd := t.bo.Uint32(b[4:])
	es, _, err := t.readIFD(ifd)
	if err != nil {
		return 0, 1
	}
	i := find(es, tagOrientation)
	if i < 0 || es[i].typ != 3 || es[i].count != 1 {
		return 0, 1
	}
	return int(ifd) + 2 + i*12 + 8, int(t.bo.Uint16(es[i].raw[8:]))
}

// resetTIFFOrientation returns b with its IFD0 orientation set to 1.
func resetTIFFOrientation(b []byte) []byte {
	off, v := tiffOrientation(b)
	if off == 0 || v == 1 || off+2 > len(b) {
		return b
	}
	out := append([]byte(nil), b...)
	// A SHORT in the block's byte order: 00 0v (MM) or 0v 00 (II).
	if string(out[:2]) == "MM" {
		out[off], out[off+1] = 0, 1
	} else {
		out[off], out[off+1] = 1, 0
	}
	return out
}

// exifBlock returns the index of a JPEG's EXIF segment and its TIFF block.
func exifBlock(segs []jpegSeg) (int, []byte) {
	for i, s := range segs {
		if isJPEGExif(s) {
			return i, s.data[len(jpegExifHeader):]
		}
	}
	return -1, nil
}

// JPEGOrientation returns the EXIF orientation (1–8) of a JPEG, or 1 when
// it has none or an invalid one.
func JPEGOrientation(data []byte) int {
	segs, _, err := parseJPEG(data)
	if err != nil {
		return 1
	}
	_, b := exifBlock(segs)
	if b == nil {
		return 1
	}
	_, v := tiffOrientation(b)
	if v < 1 || v > 8 {
		return 1
	}
	return v
}

// ResetJPEGOrientation sets the EXIF orientation of a JPEG to 1 (upright),
// for pixels that have been turned upright; every other byte stays.
func ResetJPEGOrientation(data []byte) ([]byte, error) {
	segs, rest, err := parseJPEG(data)
	if err != nil {
		return nil, err
	}
	i, b := exifBlock(segs)
	if b == nil {
		return data, nil
	}
	nb := resetTIFFOrientation(b)
	var out []byte
	out = append(out, 0xFF, 0xD8)
	for j, s := range segs {
		if j == i {
			seg, err := jpegSegBytes(0xE1, append(append([]byte{}, jpegExifHeader...), nb...))
			if err != nil {
				return nil, err
			}
			out = append(out, seg...)
			continue
		}
		out = append(out, s.raw...)
	}
	return append(out, rest...), nil
}
