package marking

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
)

// Hand-built container bytes for the tests: one small writer per format, so
// that the fixtures made with ExifTool, ffmpeg, Pillow and ImageMagick are
// not the only source.

const (
	validCode = "001191110108MA01ABCD5T10007"
	// specInner is the 215-byte inner JSON of requirements.md §3.5 (its
	// producer code fails both check characters).
	specInner = `{"Label":"1","ContentProducer":"001191110108MA0000000X10001","ProduceID":"IMG20250901000123","ReservedCode1":"","ContentPropagator":"001191110108MA0000000X10001","PropagateID":"IMG20250901000123","ReservedCode2":""}`
)

func labelJSON(label, producer, produceID string) string {
	return `{"Label":"` + label + `","ContentProducer":"` + producer + `","ProduceID":"` + produceID +
		`","ReservedCode1":"","ContentPropagator":"` + producer + `","PropagateID":"` + produceID + `","ReservedCode2":""}`
}

var goodInner = labelJSON("1", validCode, "IMG20251128000123")

func wrap(inner string) string { return `{"AIGC":` + inner + `}` }

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// xmpPacket builds the XMP packet of requirements.md §3.5 with the inner
// JSON as an element (602 bytes for specInner).
func xmpPacket(inner string) []byte {
	return []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC>` +
		xmlEscape(inner) + `</TC260:AIGC></rdf:Description></rdf:RDF></x:xmpmeta>`)
}

func xmpWith(body string) []byte {
	return []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		body + `</rdf:RDF></x:xmpmeta>`)
}

func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

func pngIHDR(w, h uint32) []byte {
	d := make([]byte, 13)
	binary.BigEndian.PutUint32(d, w)
	binary.BigEndian.PutUint32(d[4:], h)
	d[8], d[9] = 8, 2
	return pngChunk("IHDR", d)
}

func zl(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// pngFile builds a 1×1 PNG with extra chunks placed before IDAT (pre) and
// after it (post).
func pngFile(pre, post [][]byte) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngIHDR(1, 1)...)
	for _, c := range pre {
		b = append(b, c...)
	}
	b = append(b, pngChunk("IDAT", zl([]byte{0, 0xff, 0, 0}))...)
	for _, c := range post {
		b = append(b, c...)
	}
	return append(b, pngChunk("IEND", nil)...)
}

func iTXt(kw string, text []byte, compress bool) []byte {
	d := append([]byte(kw), 0)
	if compress {
		d = append(d, 1, 0, 0, 0)
		d = append(d, zl(text)...)
	} else {
		d = append(d, 0, 0, 0, 0)
		d = append(d, text...)
	}
	return pngChunk("iTXt", d)
}

func tEXt(kw, text string) []byte { return pngChunk("tEXt", []byte(kw+"\x00"+text)) }

func jpegSeg(marker byte, payload []byte) []byte {
	b := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(len(payload)+2))
	return append(b, payload...)
}

// jpegFile builds SOI, the given segments, a 1×1 SOF0, an SOS with a few
// entropy bytes, and EOI.
func jpegFile(segs ...[]byte) []byte {
	b := []byte{0xFF, 0xD8}
	for _, s := range segs {
		b = append(b, s...)
	}
	b = append(b, jpegSeg(0xC0, []byte{8, 0, 1, 0, 1, 1, 1, 0x11, 0})...)
	b = append(b, jpegSeg(0xDA, []byte{1, 1, 0, 0, 0x3f, 0})...)
	b = append(b, 0x12, 0x34, 0xFF, 0x00, 0x56)
	return append(b, 0xFF, 0xD9)
}

// tiffUserComment builds a big-endian TIFF/EXIF block whose ExifIFD holds
// UserComment = v (requirements.md §3.5 JPEG (b) layout).
func tiffUserComment(v []byte) []byte {
	var b bytes.Buffer
	b.WriteString("MM\x00*")
	binary.Write(&b, binary.BigEndian, uint32(8))
	// IFD0: one entry, ExifIFD pointer at 26.
	binary.Write(&b, binary.BigEndian, uint16(1))
	binary.Write(&b, binary.BigEndian, []uint16{0x8769, 4})
	binary.Write(&b, binary.BigEndian, []uint32{1, 26})
	binary.Write(&b, binary.BigEndian, uint32(0))
	// ExifIFD at 26: UserComment at 44.
	binary.Write(&b, binary.BigEndian, uint16(1))
	binary.Write(&b, binary.BigEndian, []uint16{0x9286, 7})
	binary.Write(&b, binary.BigEndian, []uint32{uint32(len(v)), 44})
	binary.Write(&b, binary.BigEndian, uint32(0))
	b.Write(v)
	return b.Bytes()
}

func riffChunk(id string, data []byte) []byte {
	b := []byte(id)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func riffFile(form string, chunks ...[]byte) []byte {
	body := []byte(form)
	for _, c := range chunks {
		body = append(body, c...)
	}
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, uint32(len(body)))
	return append(b, body...)
}

func syncsafeBytes(n int) []byte {
	return []byte{byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
}

// id3Tag builds an ID3v2 tag (version 3 or 4) with one TXXX frame. With
// unsynchronise, the text is UTF-16 with a byte-order mark (FF FE), which
// must be unsynchronised (FF 00 FE): whole-tag in v2.3, per frame in v2.4.
func id3Tag(ver byte, desc, value string, unsynchronise bool) []byte {
	data := append([]byte{3}, []byte(desc+"\x00"+value)...)
	var flags byte
	var fflags uint16
	if unsynchronise {
		data = []byte{1}
		data = append(data, utf16LEBOM(desc)...)
		data = append(data, 0, 0)
		data = append(data, utf16LEBOM(value)...)
		data = unsyncEncode(data)
		if ver == 3 {
			flags = 0x80
		} else {
			fflags = 0x0002
		}
	}
	frame := []byte("TXXX")
	if ver == 4 {
		frame = append(frame, syncsafeBytes(len(data))...)
	} else {
		frame = binary.BigEndian.AppendUint32(frame, uint32(len(data)))
	}
	frame = binary.BigEndian.AppendUint16(frame, fflags)
	frame = append(frame, data...)
	tag := []byte{'I', 'D', '3', ver, 0, flags}
	tag = append(tag, syncsafeBytes(len(frame)+16)...)
	tag = append(tag, frame...)
	return append(tag, make([]byte, 16)...) // padding
}

func utf16LEBOM(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, r := range s {
		b = binary.LittleEndian.AppendUint16(b, uint16(r))
	}
	return b
}

func unsyncEncode(b []byte) []byte {
	var out []byte
	for i, c := range b {
		out = append(out, c)
		if c == 0xFF && (i+1 == len(b) || b[i+1]&0xE0 == 0xE0 || b[i+1] == 0) {
			out = append(out, 0)
		}
	}
	return out
}

func mp4Box(typ string, payload ...[]byte) []byte {
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

// mp4Label builds ftyp + moov/udta/meta(hdlr mdta, keys, ilst) with the
// given key and value, as ffmpeg's use_metadata_tags does.
func mp4Label(key, value string) []byte {
	hdlr := mp4Box("hdlr", make([]byte, 8), []byte("mdta"), make([]byte, 13))
	entry := mp4Box("mdta", []byte(key))
	keys := mp4Box("keys", []byte{0, 0, 0, 0, 0, 0, 0, 1}, entry)
	data := mp4Box("data", []byte{0, 0, 0, 1, 0, 0, 0, 0}, []byte(value))
	item := mp4Box("\x00\x00\x00\x01", data)
	ilst := mp4Box("ilst", item)
	meta := mp4Box("meta", []byte{0, 0, 0, 0}, hdlr, keys, ilst)
	moov := mp4Box("moov", mp4Box("udta", meta))
	ftyp := mp4Box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41"))
	return append(ftyp, moov...)
}

func ebml(id uint32, payload []byte) []byte {
	var b []byte
	switch {
	case id > 0xFFFFFF:
		b = binary.BigEndian.AppendUint32(nil, id)
	case id > 0xFFFF:
		b = []byte{byte(id >> 16), byte(id >> 8), byte(id)}
	case id > 0xFF:
		b = []byte{byte(id >> 8), byte(id)}
	default:
		b = []byte{byte(id)}
	}
	// 8-byte size vint.
	b = append(b, 0x01)
	b = append(b, binary.BigEndian.AppendUint64(nil, uint64(len(payload)))[1:]...)
	return append(b, payload...)
}

func ebmlUnknown(id uint32) []byte {
	b := binary.BigEndian.AppendUint32(nil, id)
	return append(b, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
}

// mkvLabel builds EBML header + Segment (unknown size) + Cluster (unknown
// size) + Tags with a SimpleTag.
func mkvLabel(name, value string) []byte {
	head := ebml(0x1A45DFA3, ebml(0x4282, []byte("webm")))
	st := ebml(ebmlSimpleTag, append(ebml(ebmlTagName, []byte(name)), ebml(ebmlTagString, []byte(value))...))
	tags := ebml(ebmlTags, ebml(ebmlTag, st))
	cluster := append(ebmlUnknown(ebmlCluster), ebml(0xE7, []byte{0})...)
	cluster = append(cluster, ebml(0xA3, make([]byte, 40))...)
	b := append(head, ebmlUnknown(ebmlSegment)...)
	b = append(b, cluster...)
	return append(b, tags...)
}

func mustScan(t testing.TB, data []byte, opts ScanOptions) Report {
	t.Helper()
	return scan(data, opts)
}

func codes(r Report) map[string]bool {
	m := map[string]bool{}
	for _, f := range r.Findings {
		m[f.Code] = true
	}
	return m
}
