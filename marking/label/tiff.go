package label

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"unicode/utf16"
)

const (
	tagXMP         = 700    // 0x02BC, XMP packet (requirements.md §3.4)
	tagExifIFD     = 0x8769 // pointer to the EXIF IFD
	tagUserComment = 0x9286 // EXIF UserComment, the alternative carrier
	maxIFDEntries  = 4096
)

// tiffEntry is one 12-byte IFD entry, kept raw so that values and offsets
// are copied untouched.
type tiffEntry struct {
	tag   uint16
	typ   uint16
	count uint32
	raw   [12]byte
}

// byteOrder reads and appends in one byte order.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

type tiffFile struct {
	bo   byteOrder
	data []byte
}

func openTIFF(data []byte) (*tiffFile, error) {
	if len(data) > MaxInput {
		return nil, fmt.Errorf("TIFF is %d bytes, over the %d-byte limit", len(data), MaxInput)
	}
	if len(data) < 8 {
		return nil, errors.New("TIFF truncated: header is 8 bytes")
	}
	var bo byteOrder
	switch string(data[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil, errors.New("not a TIFF: bad byte-order mark")
	}
	switch bo.Uint16(data[2:]) {
	case 42:
	case 43:
		return nil, errors.New("BigTIFF is not supported")
	default:
		return nil, errors.New("not a TIFF: bad magic number")
	}
	return &tiffFile{bo: bo, data: data}, nil
}

func typeSize(t uint16) int {
	switch t {
	case 1, 2, 6, 7:
		return 1
	case 3, 8:
		return 2
	case 4, 9, 11, 13:
		return 4
	case 5, 10, 12:
		return 8
	}
	return 0
}

// readIFD reads the IFD at off: its entries and the next-IFD offset.
func (t *tiffFile) readIFD(off uint32) ([]tiffEntry, uint32, error) {
	d := t.data
	if uint64(off)+2 > uint64(len(d)) {
		return nil, 0, fmt.Errorf("TIFF truncated: IFD offset %d past the end of the file", off)
	}
	n := int(t.bo.Uint16(d[off:]))
	if n > maxIFDEntries {
		return nil, 0, fmt.Errorf("TIFF IFD at %d declares %d entries, over the %d limit", off, n, maxIFDEntries)
	}
	end := uint64(off) + 2 + uint64(n)*12 + 4
	if end > uint64(len(d)) {
		return nil, 0, fmt.Errorf("TIFF truncated: IFD at %d runs past the end of the file", off)
	}
	es := make([]tiffEntry, n)
	for i := range es {
		p := int(off) + 2 + i*12
		copy(es[i].raw[:], d[p:p+12])
		es[i].tag = t.bo.Uint16(d[p:])
		es[i].typ = t.bo.Uint16(d[p+2:])
		es[i].count = t.bo.Uint32(d[p+4:])
	}
	return es, t.bo.Uint32(d[end-4:]), nil
}

// value returns the bytes of an entry's value and their offset in the file
// (-1 when stored inline).
func (t *tiffFile) value(e tiffEntry) ([]byte, int, error) {
	sz := typeSize(e.typ)
	if sz == 0 {
		return nil, 0, fmt.Errorf("TIFF tag %d has unknown type %d", e.tag, e.typ)
	}
	total := uint64(sz) * uint64(e.count)
	if total <= 4 {
		return e.raw[8 : 8+total], -1, nil
	}
	off := uint64(t.bo.Uint32(e.raw[8:]))
	if off+total > uint64(len(t.data)) {
		return nil, 0, fmt.Errorf("TIFF truncated: tag %d value at %d (%d bytes) runs past the end of the file", e.tag, off, total)
	}
	return t.data[off : off+total], int(off), nil
}

func find(es []tiffEntry, tag uint16) int {
	for i, e := range es {
		if e.tag == tag {
			return i
		}
	}
	return -1
}

// WriteTIFF writes the label as XMP in tag 700 of IFD0 (requirements.md
// §3.4). It never moves existing data: the XMP packet and a copy of IFD0 with
// tag 700 set are appended at the end of the file and the header points at
// the new IFD0, whose next-IFD link is the old one's. An old XMP value is
// blanked with spaces so that no stale label is left in the file. Image
// strips, tiles and every other tag stay byte for byte.
func WriteTIFF(data []byte, f Fields) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	t, err := openTIFF(data)
	if err != nil {
		return nil, err
	}
	// The EXIF UserComment copy of a label, if any, is updated first.
	buf, _, err := exifRelabel(data, f)
	if err != nil {
		return nil, err
	}
	t = &tiffFile{bo: t.bo, data: buf}
	ifd0 := t.bo.Uint32(buf[4:])
	es, next, err := t.readIFD(ifd0)
	if err != nil {
		return nil, err
	}
	var packet []byte
	out := append([]byte(nil), buf...)
	if i := find(es, tagXMP); i >= 0 {
		old, off, err := t.value(es[i])
		if err != nil {
			return nil, err
		}
		if packet, _, err = editXMP(old, &f); err != nil {
			return nil, fmt.Errorf("TIFF tag 700: %w", err)
		}
		if off >= 0 {
			for j := off; j < off+len(old); j++ {
				out[j] = ' '
			}
		}
		es = append(es[:i], es[i+1:]...)
	} else {
		packet = NewXMP(f)
	}
	if len(out)%2 == 1 {
		out = append(out, 0)
	}
	xmpOff := len(out)
	out = append(out, packet...)
	if len(out)%2 == 1 {
		out = append(out, 0)
	}
	var e tiffEntry
	e.tag, e.typ, e.count = tagXMP, 1, uint32(len(packet))
	t.bo.PutUint16(e.raw[0:], tagXMP)
	t.bo.PutUint16(e.raw[2:], 1)
	t.bo.PutUint32(e.raw[4:], uint32(len(packet)))
	t.bo.PutUint32(e.raw[8:], uint32(xmpOff))
	es = append(es, e)
	sort.SliceStable(es, func(a, b int) bool { return es[a].tag < es[b].tag })
	newIFD := len(out)
	if uint64(newIFD)+2+uint64(len(es))*12+4 > 1<<32-1 {
		return nil, errors.New("TIFF with the label would exceed 4 GiB")
	}
	out = t.bo.AppendUint16(out, uint16(len(es)))
	for _, e := range es {
		out = append(out, e.raw[:]...)
	}
	out = t.bo.AppendUint32(out, next)
	t.bo.PutUint32(out[4:], uint32(newIFD))
	return out, nil
}

// exifRelabel finds EXIF UserComment in the TIFF structure tiff (an EXIF
// block or a whole TIFF file) and, when it holds an AIGC label, rewrites it
// with f in the wrapped form (the alternative carrier of requirements.md
// §3.4). It returns the possibly changed bytes and whether they changed.
// A block without IFD0 or without UserComment is returned unchanged.
func exifRelabel(tiff []byte, f Fields) ([]byte, bool, error) {
	t, err := openTIFF(tiff)
	if err != nil {
		return tiff, false, nil // not our business: the EXIF block is kept as is
	}
	es, _, err := t.readIFD(t.bo.Uint32(tiff[4:]))
	if err != nil {
		return tiff, false, nil
	}
	i := find(es, tagExifIFD)
	if i < 0 {
		return tiff, false, nil
	}
	exifOff := t.bo.Uint32(es[i].raw[8:])
	xes, _, err := t.readIFD(exifOff)
	if err != nil {
		return tiff, false, nil
	}
	j := find(xes, tagUserComment)
	if j < 0 {
		return tiff, false, nil
	}
	old, off, err := t.value(xes[j])
	if err != nil || off < 0 || len(old) < 8 || !bytes.Contains(old[8:], []byte("AIGC")) {
		return tiff, false, nil
	}
	nv := userComment(f, t.bo)
	out := append([]byte(nil), tiff...)
	entry := int(exifOff) + 2 + j*12
	for k := off; k < off+len(old); k++ {
		out[k] = 0
	}
	newOff := off
	if len(nv) > len(old) {
		if len(out)%2 == 1 {
			out = append(out, 0)
		}
		newOff = len(out)
		out = append(out, nv...)
	} else {
		copy(out[off:], nv)
	}
	t.bo.PutUint16(out[entry+2:], 7)
	t.bo.PutUint32(out[entry+4:], uint32(len(nv)))
	t.bo.PutUint32(out[entry+8:], uint32(newOff))
	return out, true, nil
}

// userComment encodes the wrapped label with the EXIF charset prefix:
// ASCII when it is plain ASCII, else UNICODE (UTF-16 in the file's order).
func userComment(f Fields, bo byteOrder) []byte {
	w := f.WrappedJSON()
	ascii := true
	for _, c := range w {
		if c >= 0x80 {
			ascii = false
		}
	}
	if ascii {
		return append([]byte("ASCII\x00\x00\x00"), w...)
	}
	out := []byte("UNICODE\x00")
	for _, u := range utf16.Encode([]rune(string(w))) {
		out = bo.AppendUint16(out, u)
	}
	return out
}
