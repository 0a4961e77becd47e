package marking

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	"strings"
	"testing"
)

// TestSpecExamples rebuilds the four byte-level examples of requirements.md
// §3.5 and checks both the bytes the document gives and what Scan reports
// (its producer code is fictional with wrong check characters).
func TestSpecExamples(t *testing.T) {
	if len(specInner) != 215 || len(wrap(specInner)) != 224 || len(xmpPacket(specInner)) != 602 {
		t.Fatalf("sizes %d/%d/%d, want 215/224/602", len(specInner), len(wrap(specInner)), len(xmpPacket(specInner)))
	}
	pngA := pngFile([][]byte{iTXt("XML:com.adobe.xmp", xmpPacket(specInner), false)}, nil)
	if got := binary.BigEndian.Uint32(pngA[0x21:]); got != 624 || string(pngA[0x25:0x29]) != "iTXt" {
		t.Errorf("PNG (a): length %d type %q at 0x21", got, pngA[0x25:0x29])
	}
	if got := pngA[0x299:0x29D]; !bytes.Equal(got, []byte{0x58, 0xC1, 0x43, 0xE8}) {
		t.Errorf("PNG (a): CRC % X, want 58 C1 43 E8", got)
	}
	pngB := pngFile([][]byte{tEXt("AIGC", wrap(specInner))}, nil)
	if got := pngB[0x21:0x31]; !bytes.Equal(got, []byte("\x00\x00\x00\xE5tEXtAIGC\x00{\"A")) {
		t.Errorf("PNG (b) at 0x21: % X", got)
	}
	if got := pngB[0x10E:0x112]; !bytes.Equal(got, []byte{0x73, 0xC9, 0x18, 0x8E}) {
		t.Errorf("PNG (b): CRC % X, want 73 C9 18 8E", got)
	}
	jpegA := jpegFile(jpegSeg(0xE1, append([]byte(xmpHeader), xmpPacket(specInner)...)))
	if !bytes.Equal(jpegA[:6], []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x02, 0x79}) {
		t.Errorf("JPEG (a) header % X", jpegA[:6])
	}
	uc := append([]byte("ASCII\x00\x00\x00"), wrap(specInner)...)
	jpegB := jpegFile(jpegSeg(0xE1, append([]byte("Exif\x00\x00"), tiffUserComment(uc)...)))
	if len(uc) != 232 {
		t.Errorf("UserComment is %d bytes, want 232", len(uc))
	}
	for _, tc := range []struct {
		name     string
		data     []byte
		carrier  string
		form     string
		location string
	}{
		{"PNG (a)", pngA, CarrierXMP, "inner", "png:iTXt:XML:com.adobe.xmp"},
		{"PNG (b)", pngB, CarrierPNGText, "wrapped", "png:tEXt:AIGC"},
		{"JPEG (a)", jpegA, CarrierXMP, "inner", "jpeg:APP1:XMP"},
		{"JPEG (b)", jpegB, CarrierExifUC, "wrapped", "jpeg:APP1:Exif:ExifIFD:UserComment"},
	} {
		rep := mustScan(t, tc.data, ScanOptions{})
		if len(rep.Implicit) != 1 {
			t.Fatalf("%s: %d labels", tc.name, len(rep.Implicit))
		}
		im := rep.Implicit[0]
		if im.Carrier != tc.carrier || im.Form != tc.form || im.Location != tc.location {
			t.Errorf("%s: %s/%s at %s", tc.name, im.Carrier, im.Form, im.Location)
		}
		if im.Fields["ContentProducer"] != "001191110108MA0000000X10001" {
			t.Errorf("%s: fields %v", tc.name, im.Fields)
		}
		if !codes(rep)[CodeProducerCodeFormat] || rep.Verdict != VerdictNonconforming {
			t.Errorf("%s: want producer-code-format and nonconforming, got %s %+v", tc.name, rep.Verdict, rep.Findings)
		}
	}
}

func TestCheckProducerCode(t *testing.T) {
	for _, tc := range []struct {
		code string
		ok   bool
		want string
	}{
		{"001191110108MA01ABCD5T10007", true, ""},
		{"001191110102MACQD9K64010000", true, ""},
		{"001191110102MAD55U9H0F10002", true, ""},
		{"001191440300708461136T1XGW3", true, ""},
		{"001191110108MA0000000X10001", false, "GB 32100"},
		{"001191110108MA01ABCD5A10007", false, "GB 32100"}, // USCC check char wrong
		{"001191110108MA01ABCD0B10007", false, "GB 11714"}, // USCC check right, organisation-code check wrong
		{"00119111010MA01ABCD5T10007", false, "26 characters"},
		{"001191110108ma01abcd5t10007", false, "uppercase"},
		{"011191110108MA01ABCD5T10007", false, "format number"},
		{"002191110108MA01ABCD5T10007", false, "characters 3–4"},
		{"001191110108MA01ABCD5T30007", false, "service type"},
		{"001191110108MA01ABCD5T00000", true, ""},
		{"001191110108MI01ABCD5T10007", false, "alphabet"},
	} {
		err := CheckProducerCode(tc.code)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.code, err, tc.ok)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.code, err, tc.want)
		}
	}
}

// TestFindingCodes drives each finding code of design.md's vocabulary with a
// small hand-built file.
func TestFindingCodes(t *testing.T) {
	pngLabel := func(kw, text string) []byte { return pngFile([][]byte{tEXt(kw, text)}, nil) }
	fields := func(kv ...string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < len(kv); i += 2 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%s", kv[i], kv[i+1])
		}
		b.WriteString("}")
		return b.String()
	}
	q := func(s string) string { return `"` + s + `"` }
	full := func(label string) []string {
		return []string{"Label", label, "ContentProducer", q(validCode), "ProduceID", q("P1"), "ReservedCode1", q(""),
			"ContentPropagator", q(validCode), "PropagateID", q("P1"), "ReservedCode2", q("")}
	}
	second := pngFile([][]byte{tEXt("AIGC", wrap(goodInner)), iTXt("XML:com.adobe.xmp", xmpPacket(labelJSON("1", validCode, "OTHER")), false)}, nil)
	same := pngFile([][]byte{tEXt("AIGC", wrap(goodInner)), iTXt("XML:com.adobe.xmp", xmpPacket(goodInner), false)}, nil)
	badCRC := pngLabel("AIGC", wrap(goodInner))
	badCRC[len(badCRC)-12-25-4] ^= 0xFF // last byte of the tEXt CRC (before IDAT and IEND)
	for _, tc := range []struct {
		name    string
		data    []byte
		want    string
		verdict string
		state   string
	}{
		{"conforming", pngLabel("AIGC", wrap(goodInner)), "", VerdictConforming, StateConfirmed},
		{"no label", pngFile(nil, nil), CodeImplicitMissing, VerdictUnlabelled, StateNone},
		{"invalid json", pngLabel("AIGC", `{"AIGC":{"Label":"1",`), CodeImplicitInvalidJSON, VerdictNonconforming, StateInvalid},
		{"not json at all", pngLabel("AIGC", `Label=1`), CodeImplicitInvalidJSON, VerdictNonconforming, StateInvalid},
		{"duplicate key", pngLabel("AIGC", fields(append(full(q("1")), "Label", q("2"))...)), CodeImplicitInvalidJSON, VerdictNonconforming, StatePossible},
		{"missing field", pngLabel("AIGC", fields("Label", q("1"), "ContentProducer", q(validCode), "ProduceID", q("P1"))), CodeImplicitMissingField, VerdictNonconforming, StateConfirmed},
		{"case of keys", pngLabel("AIGC", strings.Replace(goodInner, `"Label"`, `"label"`, 1)), CodeImplicitMissingField, VerdictNonconforming, StateInvalid},
		{"label value AIGC", pngLabel("AIGC", fields(full(q("AIGC"))...)), CodeImplicitLabelValue, VerdictNonconforming, StateInvalid},
		{"label value 4", pngLabel("AIGC", fields(full(q("4"))...)), CodeImplicitLabelValue, VerdictNonconforming, StateInvalid},
		{"label number", pngLabel("AIGC", fields(full("1")...)), CodeImplicitFieldType, VerdictNonconforming, StateInvalid},
		{"label 2", pngLabel("AIGC", fields(full(q("2"))...)), "", VerdictConforming, StatePossible},
		{"label 3", pngLabel("AIGC", fields(full(q("3"))...)), "", VerdictConforming, StateSuspected},
		{"charset", pngLabel("AIGC", labelJSON("1", "某某 科技", "P1")), CodeImplicitCharset, VerdictConforming, StateConfirmed},
		{"conflicting", second, CodeImplicitConflicting, VerdictNonconforming, StateConfirmed},
		{"same label twice", same, "", VerdictConforming, StateConfirmed},
		{"propagator", pngLabel("AIGC", strings.Replace(goodInner, `"PropagateID":"IMG20251128000123"`, `"PropagateID":"PLAT-9"`, 1)), CodeImplicitPropagatorMismatch, VerdictConforming, StateConfirmed},
		{"producer code", pngLabel("AIGC", specInner), CodeProducerCodeFormat, VerdictNonconforming, StateConfirmed},
		{"producer name", pngLabel("AIGC", labelJSON("1", "FaceStudio", "P1")), "", VerdictConforming, StateConfirmed},
		{"producer long name", pngLabel("AIGC", labelJSON("1", "Doubao2025ImageService", "P1")), "", VerdictConforming, StateConfirmed},
		{"producer bare uscc", pngLabel("AIGC", labelJSON("1", "91110108MA01ABCD5T", "P1")), CodeProducerCodeFormat, VerdictNonconforming, StateConfirmed},
		{"bad crc", badCRC, CodeFileCRC, VerdictConforming, StateConfirmed},
		{"nonconforming namespace", pngFile([][]byte{iTXt("XML:com.adobe.xmp", xmpWith(`<rdf:Description rdf:about="" xmlns:TC260="http://ns.adobe.com/xap/1.0/tc/"><TC260:AIGC>`+xmlEscape(goodInner)+`</TC260:AIGC></rdf:Description>`), false)}, nil), CodeImplicitNonconformingNS, VerdictNonconforming, StateConfirmed},
		{"truncated", pngLabel("AIGC", wrap(goodInner))[:60], CodeFileTruncated, VerdictUnlabelled, StateNone},
		{"unsupported", []byte("\x00\x01\x02\x03binary"), CodeFileUnsupported, VerdictUnlabelled, StateNone},
		{"invalid utf-8 text", []byte("AI生成 \xff\xfe text"), CodeFileUnsupported, VerdictUnlabelled, StateNone},
		{"too large", append([]byte("\x89PNG\r\n\x1a\n"), append(pngIHDR(100000, 100000), pngChunk("IEND", nil)...)...), CodeFileTooLarge, VerdictUnlabelled, StateNone},
		{"explicit missing", []byte("plain text\n"), CodeExplicitMissing, VerdictUnlabelled, StateNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := mustScan(t, tc.data, ScanOptions{})
			if tc.want != "" && !codes(rep)[tc.want] {
				t.Errorf("want finding %s; got %+v", tc.want, rep.Findings)
			}
			if tc.want == "" {
				for _, f := range rep.Findings {
					if f.Severity != sevI {
						t.Errorf("unexpected finding %+v", f)
					}
				}
			}
			if rep.Verdict != tc.verdict || rep.LabelState != tc.state {
				t.Errorf("verdict/state = %s/%s, want %s/%s; %+v", rep.Verdict, rep.LabelState, tc.verdict, tc.state, rep.Findings)
			}
			for _, f := range rep.Findings {
				if f.Severity != Severity(f.Code) || f.Message == "" {
					t.Errorf("finding %+v: severity or message wrong", f)
				}
			}
		})
	}
}

func TestNonStringFieldsKeepJSONText(t *testing.T) {
	in := `{"Label":1,"ContentProducer":"X","ProduceID":null,"ReservedCode1":{"a":[1,2]},"ContentPropagator":"X","PropagateID":true,"ReservedCode2":""}`
	rep := mustScan(t, pngFile([][]byte{tEXt("AIGC", in)}, nil), ScanOptions{})
	im := rep.Implicit[0]
	want := map[string]string{"Label": "1", "ContentProducer": "X", "ProduceID": "null", "ReservedCode1": `{"a":[1,2]}`,
		"ContentPropagator": "X", "PropagateID": "true", "ReservedCode2": ""}
	if !sameFields(im.Fields, want) {
		t.Errorf("fields = %v, want %v", im.Fields, want)
	}
	if strings.Join(im.NonString, ",") != "Label,ProduceID,ReservedCode1,PropagateID" {
		t.Errorf("non-string = %v", im.NonString)
	}
	if !codes(rep)[CodeImplicitFieldType] || !codes(rep)[CodeImplicitLabelValue] || rep.Verdict != VerdictNonconforming {
		t.Errorf("findings %+v verdict %s", rep.Findings, rep.Verdict)
	}
}

// TestCarriers covers carriers and variants built by hand.
func TestCarriers(t *testing.T) {
	attr := xmpWith(`<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" TC260:AIGC="` + xmlEscape(goodInner) + `"/>`)
	structForm := xmpWith(`<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/"><TC260:AIGC rdf:parseType="Resource">` +
		`<TC260:Label>1</TC260:Label><TC260:ContentProducer>` + validCode + `</TC260:ContentProducer><TC260:ProduceID>P1</TC260:ProduceID>` +
		`<TC260:ReservedCode1/><TC260:ContentPropagator>` + validCode + `</TC260:ContentPropagator><TC260:PropagateID>P1</TC260:PropagateID><TC260:ReservedCode2/>` +
		`</TC260:AIGC></rdf:Description>`)
	iptcHTTPS := xmpWith(`<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"` +
		` Iptc4xmpExt:DigitalSourceType="https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>`)
	iptcResource := xmpWith(`<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">` +
		`<Iptc4xmpExt:DigitalSourceType rdf:resource="http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic"/></rdf:Description>`)

	// ExtendedXMP: the label sits in the extension, split over 3 segments.
	ext := xmpWith(`<rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><TC260:AIGC>` +
		xmlEscape(goodInner) + `</TC260:AIGC><dc:description>` + strings.Repeat("y", 150000) + `</dc:description></rdf:Description>`)
	sum := md5.Sum(ext)
	guid := strings.ToUpper(hex.EncodeToString(sum[:]))
	mainX := xmpWith(`<rdf:Description rdf:about="" xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmpNote:HasExtendedXMP="` + guid + `"/>`)
	segs := [][]byte{jpegSeg(0xE1, append([]byte(xmpHeader), mainX...))}
	for off := 0; off < len(ext); off += 60000 {
		end := min(off+60000, len(ext))
		p := append([]byte(extXMPHeader), guid...)
		p = binary.BigEndian.AppendUint32(p, uint32(len(ext)))
		p = binary.BigEndian.AppendUint32(p, uint32(off))
		segs = append(segs, jpegSeg(0xE1, append(p, ext[off:end]...)))
	}
	// Reverse the extension parts: offsets, not order, place them.
	segs[1], segs[3] = segs[3], segs[1]
	extJPEG := jpegFile(segs...)

	afterEOI := append(jpegFile(), []byte("AIGC"+goodInner)...)
	// An APP segment between two scans (progressive JPEG).
	between := jpegFile()
	between = append(between[:len(between)-2], jpegSeg(0xE1, append([]byte(xmpHeader), xmpPacket(goodInner)...))...)
	between = append(between, jpegSeg(0xDA, []byte{1, 1, 0, 0, 0x3f, 0})...)
	between = append(between, 0x01, 0xFF, 0xD9)

	oddWav := riffFile("WAVE", riffChunk("fmt ", make([]byte, 16)), riffChunk("junk", []byte{1, 2, 3}), riffChunk("AIGC", []byte(goodInner+" ")))
	webpUC := riffFile("WEBP", riffChunk("VP8X", make([]byte, 10)), riffChunk("EXIF", tiffUserComment(append([]byte("UNICODE\x00"), utf16BE(wrap(goodInner))...))))
	aviInfo := riffFile("AVI ", riffChunk("LIST", append([]byte("hdrl"), riffChunk("avih", make([]byte, 56))...)),
		riffChunk("LIST", append([]byte("INFO"), riffChunk("AIGC", []byte(goodInner))...)))

	gifXMP := func() []byte {
		b := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00")
		b = append(b, 0x21, 0xFF, 11)
		b = append(b, "XMP DataXMP"...)
		b = append(b, xmpPacket(goodInner)...)
		b = append(b, 1)
		for i := 0xFF; i >= 0; i-- {
			b = append(b, byte(i))
		}
		b = append(b, 0, 0)
		b = append(b, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0)
		return append(b, 0x3B)
	}()

	docxDeflated := hbDocx(t, goodInner)

	for _, tc := range []struct {
		name, carrier, form, loc string
		data                     []byte
		fast                     bool
		iptc                     string
		want                     string
	}{
		{name: "xmp attribute", data: jpegFile(jpegSeg(0xE1, append([]byte(xmpHeader), attr...))), carrier: CarrierXMP, form: "inner", loc: "jpeg:APP1:XMP"},
		{name: "xmp struct", data: pngFile([][]byte{iTXt("XML:com.adobe.xmp", structForm, true)}, nil), carrier: CarrierXMP, form: "struct"},
		{name: "iptc https", data: jpegFile(jpegSeg(0xE1, append([]byte(xmpHeader), iptcHTTPS...))), iptc: "https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", want: CodeIPTCWithoutLabel},
		{name: "iptc resource", data: jpegFile(jpegSeg(0xE1, append([]byte(xmpHeader), iptcResource...))), iptc: "http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic"},
		{name: "extended xmp", data: extJPEG, carrier: CarrierXMP, form: "inner", loc: "jpeg:APP1:ExtendedXMP"},
		{name: "bare blob in APP15", data: jpegFile(jpegSeg(0xEF, []byte("xyzAIGC"+goodInner))), carrier: CarrierOther, form: "inner", loc: "jpeg:APP15", want: CodeImplicitNonstandardCarrier},
		{name: "after EOI", data: afterEOI, carrier: CarrierOther, form: "inner", loc: "jpeg: after EOI"},
		{name: "between scans", data: between, carrier: CarrierXMP, form: "inner"},
		{name: "text after IDAT, zTXt", data: pngFile(nil, [][]byte{pngChunk("zTXt", append([]byte("AIGC\x00\x00"), zl([]byte(wrap(goodInner)))...))}), carrier: CarrierPNGText, form: "wrapped", loc: "png:zTXt:AIGC"},
		{name: "compressed iTXt AIGC", data: pngFile([][]byte{iTXt("AIGC", []byte(wrap(goodInner)), true)}, nil), carrier: CarrierPNGText, form: "wrapped", loc: "png:iTXt:AIGC"},
		{name: "png raw json other keyword", data: pngFile([][]byte{tEXt("Comment", wrap(goodInner))}, nil), carrier: CarrierPNGText, form: "wrapped", want: CodeImplicitNonstandardCarrier},
		{name: "png eXIf", data: pngFile([][]byte{pngChunk("eXIf", tiffUserComment(append(make([]byte, 8), wrap(goodInner)...)))}, nil), carrier: CarrierExifUC, form: "wrapped", loc: "png:eXIf"},
		{name: "wav odd padding", data: oddWav, carrier: CarrierRIFF, form: "inner", loc: "riff:WAVE:AIGC"},
		{name: "webp unicode usercomment", data: webpUC, carrier: CarrierExifUC, form: "wrapped"},
		{name: "avi list info", data: aviInfo, carrier: CarrierRIFF, form: "inner", loc: "riff:AVI:LIST:INFO:AIGC"},
		{name: "gif xmp", data: gifXMP, carrier: CarrierXMP, form: "inner", loc: "gif:AppExt:XMP"},
		{name: "id3 v2.3 unsync", data: append(id3Tag(3, "AIGC", goodInner, true), 0xFF, 0xFB, 0x90, 0x00), carrier: CarrierID3, form: "inner", loc: "mp3:ID3v2.3:TXXX:AIGC"},
		{name: "id3 v2.4 unsync", data: append(id3Tag(4, "AIGC", goodInner, true), 0xFF, 0xFB, 0x90, 0x00), carrier: CarrierID3, form: "inner", loc: "mp3:ID3v2.4:TXXX:AIGC"},
		{name: "mp4 keys", data: mp4Label("AIGC", goodInner), carrier: CarrierMP4, form: "inner", loc: "mp4:moov:udta:meta:ilst:AIGC"},
		{name: "mp4 reverse-dns key", data: mp4Label("com.example.AIGC", wrap(goodInner)), carrier: CarrierMP4, form: "wrapped"},
		{name: "mkv unknown sizes", data: mkvLabel("AIGC", goodInner), carrier: CarrierMKV, form: "inner", loc: "mkv:Tags:Tag:SimpleTag:AIGC"},
		{name: "docx", data: docxDeflated, carrier: CarrierDOCXCustom, form: "inner"},
		{name: "flac vorbis comment", data: flacFile("AIGC=" + goodInner), carrier: CarrierOther, form: "inner", want: CodeImplicitNonstandardCarrier},
		{name: "pdf info", data: []byte("%PDF-1.4\n1 0 obj << /Title (x) /AIGC (" + strings.ReplaceAll(goodInner, ")", `\)`) + ") >> endobj\n%%EOF\n"), carrier: CarrierOther, form: "inner", loc: "pdf:Info:AIGC"},
		{name: "text front matter inline json", data: []byte("---\nAIGC: " + goodInner + "\n---\nAI生成\n"), carrier: CarrierOther, form: "inner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := mustScan(t, tc.data, ScanOptions{Fast: tc.fast})
			if tc.carrier != "" {
				if len(rep.Implicit) != 1 {
					t.Fatalf("%d labels; findings %+v", len(rep.Implicit), rep.Findings)
				}
				im := rep.Implicit[0]
				if im.Carrier != tc.carrier || im.Form != tc.form || !strings.HasPrefix(im.Location, tc.loc) {
					t.Errorf("got %s/%s at %s, want %s/%s at %s", im.Carrier, im.Form, im.Location, tc.carrier, tc.form, tc.loc)
				}
				if im.Fields["Label"] != "1" || len(im.Fields) != 7 {
					t.Errorf("fields %v", im.Fields)
				}
			}
			if rep.IPTCDigitalSourceType != tc.iptc {
				t.Errorf("iptc %q, want %q", rep.IPTCDigitalSourceType, tc.iptc)
			}
			if tc.want != "" && !codes(rep)[tc.want] {
				t.Errorf("missing %s in %+v", tc.want, rep.Findings)
			}
			for _, f := range rep.Findings {
				if f.Severity == severityError {
					t.Errorf("unexpected error finding %+v", f)
				}
			}
		})
	}
}

// TestFastStopsAtSOS: with Fast, a JPEG label after the first scan is not
// read (metadata area only); without Fast it is.
func TestFastStopsAtSOS(t *testing.T) {
	afterEOI := append(jpegFile(), []byte("AIGC"+goodInner)...)
	if rep := mustScan(t, afterEOI, ScanOptions{Fast: true}); len(rep.Implicit) != 0 {
		t.Errorf("fast scan read past SOS: %+v", rep.Implicit)
	}
	if rep := mustScan(t, afterEOI, ScanOptions{}); len(rep.Implicit) != 1 {
		t.Errorf("full scan missed the trailing label")
	}
}

func TestPixelsCallback(t *testing.T) {
	calls := 0
	yes := true
	opts := ScanOptions{Pixels: func(img image.Image, rep *Report) {
		calls++
		if img.Bounds().Dx() != 1 {
			t.Errorf("decoded %v", img.Bounds())
		}
		rep.Watermark = &Watermark{Status: "checked", Detected: &yes, Payload: "IMG1", Confidence: 0.9}
	}}
	rep := mustScan(t, pngFile(nil, nil), opts)
	if calls != 1 || !codes(rep)[CodeWatermarkWithoutLabel] {
		t.Errorf("calls=%d findings %+v", calls, rep.Findings)
	}
	opts.Fast = true
	calls = 0
	mustScan(t, pngFile(nil, nil), opts)
	if calls != 0 {
		t.Errorf("Fast decoded pixels")
	}
	opts.Fast = false
	bomb := append([]byte("\x89PNG\r\n\x1a\n"), append(pngIHDR(20000, 20000), pngChunk("IEND", nil)...)...)
	rep = mustScan(t, bomb, opts)
	if calls != 0 || !codes(rep)[CodeFileTooLarge] {
		t.Errorf("pixel bomb decoded (calls=%d) or not reported: %+v", calls, rep.Findings)
	}
}

func utf16BE(s string) []byte {
	var b []byte
	for _, r := range s {
		b = binary.BigEndian.AppendUint16(b, uint16(r))
	}
	return b
}

func flacFile(comment string) []byte {
	vc := binary.LittleEndian.AppendUint32(nil, 3)
	vc = append(vc, "gen"...)
	vc = binary.LittleEndian.AppendUint32(vc, 1)
	vc = binary.LittleEndian.AppendUint32(vc, uint32(len(comment)))
	vc = append(vc, comment...)
	b := []byte("fLaC")
	b = append(b, 0, 0, 0, 34)
	b = append(b, make([]byte, 34)...)
	b = append(b, 0x84, byte(len(vc)>>16), byte(len(vc)>>8), byte(len(vc)))
	return append(b, vc...)
}

func TestScanFileLimits(t *testing.T) {
	p := fixtureDir + "/et_xmp.jpg"
	rep := ScanFile(p, ScanOptions{MaxFileSize: 100})
	if rep.Error == "" || !codes(rep)[CodeFileTooLarge] || rep.Path != p {
		t.Errorf("over the size limit: %+v", rep)
	}
	rep = ScanFile(fixtureDir, ScanOptions{})
	if rep.Error == "" || !codes(rep)[CodeFileUnreadable] {
		t.Errorf("a folder: %+v", rep)
	}
	rep = ScanFile(fixtureDir+"/does-not-exist", ScanOptions{})
	if rep.Error == "" || !codes(rep)[CodeFileUnreadable] || rep.Verdict != VerdictUnlabelled {
		t.Errorf("missing file: %+v", rep)
	}
}

func TestXMPPaddingIsNotAnError(t *testing.T) {
	packet := append([]byte(`<?xpacket begin="`+"\uFEFF"+`" id="W5M0MpCehiHzreSzNTczkc9d"?>`), xmpPacket(goodInner)...)
	packet = append(packet, bytes.Repeat([]byte(" "), 100)...)
	packet = append(packet, `<?xpacket end="w"?>`...)
	packet = append(packet, 0, 0, 0)
	rep := mustScan(t, jpegFile(jpegSeg(0xE1, append([]byte(xmpHeader), packet...))), ScanOptions{})
	if len(rep.Findings) != 0 || rep.Verdict != VerdictConforming {
		t.Errorf("findings %+v verdict %s", rep.Findings, rep.Verdict)
	}
}

func TestSVGWithXMP(t *testing.T) {
	svg := append([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><metadata>`), xmpPacket(goodInner)...)
	svg = append(svg, `</metadata><text>AI生成</text></svg>`...)
	rep := mustScan(t, svg, ScanOptions{})
	if rep.Format != "text" || len(rep.Implicit) != 1 || rep.Implicit[0].Carrier != CarrierXMP || rep.Verdict != VerdictConforming {
		t.Errorf("%+v", rep)
	}
}
