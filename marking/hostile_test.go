package marking

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"image"
	"strings"
	"testing"
)

func hbDocx(t testing.TB, inner string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, part := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"word/document.xml", `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`},
		{"docProps/custom.xml", `<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="AIGC"><vt:lpwstr>` + xmlEscape(inner) + `</vt:lpwstr></property></Properties>`},
	} {
		w, err := z.Create(part[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(part[1]))
	}
	z.Close()
	return buf.Bytes()
}

// zipBomb is an OOXML package whose custom.xml inflates to 20 MiB of spaces
// (its header honestly declares the size, or lies and declares 100 bytes).
func zipBomb(t testing.TB, lie bool) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create("[Content_Types].xml")
	w.Write([]byte("<Types/>"))
	w, _ = z.Create("word/document.xml")
	w.Write([]byte("<w/>"))
	w, _ = z.Create("docProps/custom.xml")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < 20; i++ {
		w.Write(chunk)
	}
	z.Close()
	b := buf.Bytes()
	if lie {
		// Patch the central-directory uncompressed size of custom.xml.
		i := bytes.LastIndex(b, []byte("PK\x01\x02"))
		binary.LittleEndian.PutUint32(b[i+24:], 100)
	}
	return b
}

func ztxtBomb(size int) []byte { // size past maxInflate: a bomb
	return pngFile([][]byte{pngChunk("zTXt", append([]byte("AIGC\x00\x00"), zl(make([]byte, size))...))}, nil)
}

func deepMP4(n int) []byte {
	b := []byte{}
	for i := 0; i < n; i++ {
		b = mp4Box("meta", []byte{0, 0, 0, 0}, b)
	}
	return append(mp4Box("ftyp", []byte("isom\x00\x00\x00\x00")), mp4Box("moov", mp4Box("udta", b))...)
}

func deepMKV(n int) []byte {
	inner := ebml(ebmlTagName, []byte("AIGC"))
	for i := 0; i < n; i++ {
		inner = ebml(ebmlSimpleTag, inner)
	}
	return append(ebml(0x1A45DFA3, nil), ebml(ebmlSegment, ebml(ebmlTags, ebml(ebmlTag, inner)))...)
}

func deepRIFF(n int) []byte {
	b := []byte{}
	for i := 0; i < n; i++ {
		b = riffChunk("LIST", append([]byte("hdrl"), b...))
	}
	return riffFile("AVI ", b)
}

func deepXMP(n int) []byte {
	x := xmpWith(`<rdf:Description rdf:about="">` + strings.Repeat("<a:b xmlns:a=\"u\">", n) + strings.Repeat("</a:b>", n) + `</rdf:Description>`)
	return pngFile([][]byte{iTXt("XML:com.adobe.xmp", x, false)}, nil)
}

func tiffLoop() []byte {
	b := []byte("II*\x00\x08\x00\x00\x00")
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 0x0100)
	b = binary.LittleEndian.AppendUint16(b, 3)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint32(b, 16)
	return binary.LittleEndian.AppendUint32(b, 8) // next IFD = itself
}

// hostileCases are files built to hurt a reader. Each must give its finding
// (and no panic); BenchmarkHostile measures that each is quick.
var hostileCases = []struct {
	name string
	data func(testing.TB) []byte
	want string
}{
	{"png pixel bomb", func(testing.TB) []byte {
		return append([]byte("\x89PNG\r\n\x1a\n"), append(pngIHDR(0x7fffffff, 0x7fffffff), pngChunk("IEND", nil)...)...)
	}, CodeFileTooLarge},
	{"jpeg pixel bomb", func(testing.TB) []byte {
		return []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0xFF, 0xFF, 0xFF, 0xFF, 1, 1, 0x11, 0, 0xFF, 0xD9}
	}, CodeFileTooLarge},
	{"gif pixel bomb", func(testing.TB) []byte { return []byte("GIF89a\xff\xff\xff\xff\x00\x00\x00;") }, CodeFileTooLarge},
	{"webp pixel bomb", func(testing.TB) []byte {
		return riffFile("WEBP", riffChunk("VP8X", []byte{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}))
	}, CodeFileTooLarge},
	{"ztxt bomb", func(testing.TB) []byte { return ztxtBomb(maxInflate + 4<<20) }, CodeFileTooLarge},
	{"itxt bomb", func(testing.TB) []byte {
		return pngFile([][]byte{iTXt("XML:com.adobe.xmp", make([]byte, maxInflate+4<<20), true)}, nil)
	}, CodeFileTooLarge},
	{"docx zip bomb", func(t testing.TB) []byte { return zipBomb(t, false) }, CodeFileTooLarge},
	{"docx zip bomb lying size", func(t testing.TB) []byte { return zipBomb(t, true) }, CodeFileMalformed},
	{"mp4 deep nesting", func(testing.TB) []byte { return deepMP4(5000) }, CodeFileTooDeep},
	{"mkv deep nesting", func(testing.TB) []byte { return deepMKV(5000) }, CodeFileTooDeep},
	{"riff deep nesting", func(testing.TB) []byte { return deepRIFF(5000) }, CodeFileTooDeep},
	{"xmp deep nesting", func(testing.TB) []byte { return deepXMP(5000) }, CodeFileTooDeep},
	{"tiff ifd loop", func(testing.TB) []byte { return tiffLoop() }, CodeFileMalformed},
	{"png length past end", func(testing.TB) []byte {
		b := pngFile([][]byte{tEXt("AIGC", wrap(goodInner))}, nil)
		binary.BigEndian.PutUint32(b[33:], 0x7fffffff)
		return b
	}, CodeFileTruncated},
	{"jpeg length past end", func(testing.TB) []byte {
		return []byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xF0, 'E', 'x', 'i', 'f'}
	}, CodeFileTruncated},
	{"jpeg extendedxmp bad offset", func(testing.TB) []byte {
		p := append([]byte(extXMPHeader), strings.Repeat("A", 32)...)
		p = binary.BigEndian.AppendUint32(p, 10)
		p = binary.BigEndian.AppendUint32(p, 0xFFFFFFF0)
		return jpegFile(jpegSeg(0xE1, append(p, "abcdefghij"...)))
	}, CodeFileMalformed},
	{"jpeg extendedxmp huge", func(testing.TB) []byte {
		p := append([]byte(extXMPHeader), strings.Repeat("A", 32)...)
		p = binary.BigEndian.AppendUint32(p, 0xFFFFFFFF)
		p = binary.BigEndian.AppendUint32(p, 0)
		return jpegFile(jpegSeg(0xE1, append(p, "abcdefghij"...)))
	}, CodeFileTooLarge},
	{"riff chunk past end", func(testing.TB) []byte {
		b := riffFile("WAVE", riffChunk("AIGC", []byte(goodInner)))
		binary.LittleEndian.PutUint32(b[16:], 0x7ffffff0)
		return b
	}, CodeFileTruncated},
	{"id3 frame past end", func(testing.TB) []byte {
		b := id3Tag(4, "AIGC", goodInner, false)
		copy(b[14:], syncsafeBytes(0x0fffffff))
		return b
	}, CodeFileTruncated},
	{"mp4 box past end", func(testing.TB) []byte {
		b := mp4Label("AIGC", goodInner)
		binary.BigEndian.PutUint32(b[28:], 0x7fffffff) // the moov box
		return b
	}, CodeFileTruncated},
	{"mkv element past end", func(testing.TB) []byte {
		return append(ebml(0x1A45DFA3, nil), 0x12, 0x54, 0xC3, 0x67, 0x01, 0, 0, 0, 0, 0, 0x10, 0, 0xA3)
	}, CodeFileTruncated},
	{"gif truncated", func(testing.TB) []byte { return []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xFF\x0BXMP DataXMP<x:") }, CodeFileTruncated},
	{"tiff truncated", func(testing.TB) []byte { return []byte("MM\x00*\x00\x00\x10\x00") }, CodeFileTruncated},
	{"docx truncated", func(t testing.TB) []byte { b := hbDocx(t, goodInner); return b[:len(b)/2] }, CodeFileTruncated},
	{"invalid utf-8 label", func(testing.TB) []byte {
		return pngFile([][]byte{tEXt("AIGC", strings.Replace(wrap(goodInner), "IMG", "\xff\xfe", 1))}, nil)
	}, CodeImplicitCharset},
	{"deep json", func(testing.TB) []byte {
		return pngFile([][]byte{tEXt("AIGC", `{"AIGC":`+strings.Repeat("[", 100000)+`}`)}, nil)
	}, CodeImplicitInvalidJSON},
}

func TestHostile(t *testing.T) {
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			for _, fast := range []bool{true, false} {
				called := false
				rep := Scan(data, ScanOptions{Fast: fast, Pixels: func(img image.Image, rep *Report) { called = true }})
				if !codes(rep)[tc.want] {
					t.Errorf("fast=%v: want %s, got %+v", fast, tc.want, rep.Findings)
				}
				if rep.HasFinding(CodeScanInternal) {
					t.Errorf("reader panicked: %+v", rep.Findings)
				}
				if called && tc.want == CodeFileTooLarge && strings.Contains(tc.name, "pixel") {
					t.Errorf("pixel bomb was decoded")
				}
			}
		})
	}
}
