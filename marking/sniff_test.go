package marking

import (
	"encoding/binary"
	"image"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	ftyp := func(brand string) []byte { return mp4Box("ftyp", []byte(brand+"\x00\x00\x00\x00")) }
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"png", pngFile(nil, nil), "png"},
		{"jpeg", jpegFile(), "jpeg"},
		{"gif87", []byte("GIF87a\x01\x00\x01\x00\x00\x00\x00;"), "gif"},
		{"tiff le", []byte("II*\x00\x08\x00\x00\x00"), "tiff"},
		{"tiff be", []byte("MM\x00*\x00\x00\x00\x08"), "tiff"},
		{"webp", riffFile("WEBP"), "webp"},
		{"wav", riffFile("WAVE"), "wav"},
		{"avi", riffFile("AVI "), "avi"},
		{"other riff", riffFile("CDXA"), "unknown"},
		{"mp3 id3", id3Tag(4, "AIGC", "x", false), "mp3"},
		{"mp3 frame", []byte{0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0}, "mp3"},
		{"adts aac is not mp3", []byte{0xFF, 0xF1, 0x50, 0x80, 0, 0, 0, 0}, "unknown"},
		{"mp4", ftyp("isom"), "mp4"},
		{"mov", ftyp("qt  "), "mp4"},
		{"old quicktime", mp4Box("moov", mp4Box("udta")), "mp4"},
		{"heif", ftyp("heic"), "heif"},
		{"avif", ftyp("avif"), "avif"},
		{"mkv", mkvLabel("AIGC", "x"), "mkv"},
		{"flv", []byte("FLV\x01\x05\x00\x00\x00\x09"), "flv"},
		{"flac", flacFile("A=b"), "flac"},
		{"ogg", []byte("OggS\x00\x02"), "ogg"},
		{"pdf", []byte("%PDF-1.7\n"), "pdf"},
		{"docx", hbDocx(t, goodInner), "docx"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x00\x00hello.txt"), "zip"},
		{"text", []byte("人工智能生成的文本\n"), "text"},
		{"text with NUL", []byte("abc\x00def"), "unknown"},
		{"bad utf-8", []byte("abc\xffdef"), "unknown"},
		{"empty", nil, "unknown"},
	} {
		if got := Sniff(tc.data); got != tc.want {
			t.Errorf("%s: Sniff = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestVariantsAndRecovery(t *testing.T) {
	// Malformed XMP still shows its label (lenient reading), with a warning.
	broken := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><a &/><TC260:AIGC>` + xmlEscape(goodInner) + `</TC260:AIGC></x:xmpmeta>`)
	rep := mustScan(t, jpegFile(jpegSeg(0xE1, append([]byte(xmpHeader), broken...))), ScanOptions{})
	if len(rep.Implicit) != 1 || rep.Implicit[0].Fields["Label"] != "1" || !codes(rep)[CodeFileMalformed] || rep.Verdict != VerdictConforming {
		t.Errorf("broken XMP: %+v %+v", rep.Implicit, rep.Findings)
	}
	// Double-encoded wrapped form.
	dbl := `{"AIGC":"` + strings.ReplaceAll(goodInner, `"`, `\"`) + `"}`
	rep = mustScan(t, pngFile([][]byte{tEXt("AIGC", dbl)}, nil), ScanOptions{})
	if len(rep.Implicit) != 1 || rep.Implicit[0].Form != "wrapped" || rep.Verdict != VerdictConforming {
		t.Errorf("double-encoded: %+v", rep)
	}
	// Ogg Vorbis comment.
	c := "AIGC=" + goodInner
	ogg := append([]byte("OggS\x00\x02junk\x03vorbis"), binary.LittleEndian.AppendUint32(nil, uint32(len(c)))...)
	ogg = append(ogg, c...)
	rep = mustScan(t, ogg, ScanOptions{})
	if len(rep.Implicit) != 1 || rep.Implicit[0].Location != "ogg:comment:AIGC" {
		t.Errorf("ogg: %+v", rep)
	}
	// A detector that panics is caught by Scan: the file gets its line.
	rep = Scan(pngFile([][]byte{tEXt("AIGC", wrap(goodInner))}, nil), ScanOptions{Pixels: func(image.Image, *Report) { panic("detector bug") }})
	if !codes(rep)[CodeScanInternal] || rep.Error == "" || rep.Format != "png" {
		t.Errorf("panic not caught as a finding: %+v", rep)
	}
}

func TestTextQuotingXMPIsNotAFinding(t *testing.T) {
	doc := []byte("How to write a label: put <x:xmpmeta> and TC260:AIGC=\"...\" in the header.\nAI生成\n")
	rep := mustScan(t, doc, ScanOptions{})
	for _, f := range rep.Findings {
		if f.Severity != sevI {
			t.Errorf("finding on prose: %+v", f)
		}
	}
}
