package marking

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const fixtureDir = "../testdata/labels"

// The fixtures come from several independent writers (README.md beside them):
// et_ = ExifTool, ff_ = ffmpeg, pil_ = Pillow, im_ = ImageMagick, hb_ =
// hand-built bytes from make.sh.
var fixtureCases = []struct {
	file, format, carrier, locPrefix, form, verdict, state string
	xmpForm                                                string
	want                                                   []string // finding codes that must be there
	iptc                                                   string
	labels                                                 int
}{
	{file: "et_xmp.jpg", format: "jpeg", carrier: CarrierXMP, locPrefix: "jpeg:APP1:XMP", form: "inner", xmpForm: "element", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_xmp_attr.jpg", format: "jpeg", carrier: CarrierXMP, locPrefix: "jpeg:APP1:XMP", form: "inner", xmpForm: "attribute", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_usercomment.jpg", format: "jpeg", carrier: CarrierExifUC, locPrefix: "jpeg:APP1:Exif", form: "wrapped", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_iptc.jpg", format: "jpeg", carrier: CarrierXMP, locPrefix: "jpeg:APP1:XMP", form: "inner", verdict: VerdictConforming, state: StateConfirmed,
		iptc: "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"},
	{file: "et_badcode.jpg", format: "jpeg", carrier: CarrierXMP, form: "inner", verdict: VerdictNonconforming, state: StateConfirmed, want: []string{CodeProducerCodeFormat}},
	{file: "et_extended.jpg", format: "jpeg", carrier: CarrierXMP, form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_conflict.jpg", format: "jpeg", verdict: VerdictNonconforming, state: StateConfirmed, labels: 2, want: []string{CodeImplicitConflicting, CodeProducerCodeFormat}},
	{file: "et_xmp.png", format: "png", carrier: CarrierXMP, locPrefix: "png:iTXt:XML:com.adobe.xmp", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_text.png", format: "png", carrier: CarrierPNGText, locPrefix: "png:tEXt:AIGC", form: "wrapped", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_xmp.gif", format: "gif", carrier: CarrierXMP, locPrefix: "gif:AppExt:XMP", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_xmp.tif", format: "tiff", carrier: CarrierXMP, locPrefix: "tiff:XMP", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_xmp.webp", format: "webp", carrier: CarrierXMP, locPrefix: "riff:WEBP:XMP", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_usercomment.webp", format: "webp", carrier: CarrierExifUC, locPrefix: "riff:WEBP:EXIF", form: "wrapped", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_xmp.mp4", format: "mp4", carrier: CarrierXMP, locPrefix: "mp4:uuid:XMP", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_xmp.pdf", format: "pdf", carrier: CarrierXMP, locPrefix: "pdf:xmpmeta", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "et_info.pdf", format: "pdf", carrier: CarrierOther, locPrefix: "pdf:Info:AIGC", form: "inner", verdict: VerdictConforming, state: StateConfirmed, want: []string{CodeImplicitNonstandardCarrier}},
	{file: "ff_udta.mp4", format: "mp4", carrier: CarrierMP4, locPrefix: "mp4:moov:udta:meta:ilst:AIGC", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "ff_udta.mov", format: "mp4", carrier: CarrierMP4, locPrefix: "mp4:moov:udta:meta", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "ff_tag.mkv", format: "mkv", carrier: CarrierMKV, locPrefix: "mkv:Tags", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "ff_tag.mka", format: "mkv", carrier: CarrierMKV, locPrefix: "mkv:Tags", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "ff_txxx_v24.mp3", format: "mp3", carrier: CarrierID3, locPrefix: "mp3:ID3v2.4:TXXX:AIGC", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "ff_txxx_v23.mp3", format: "mp3", carrier: CarrierID3, locPrefix: "mp3:ID3v2.3:TXXX:AIGC", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "ff_meta.flv", format: "flv", carrier: CarrierOther, locPrefix: "flv:onMetaData:AIGC", form: "inner", verdict: VerdictConforming, state: StateConfirmed, want: []string{CodeImplicitNonstandardCarrier}},
	{file: "ff_nolabel.mp4", format: "mp4", verdict: VerdictUnlabelled, state: StateNone, want: []string{CodeImplicitMissing}},
	{file: "pil_text.png", format: "png", carrier: CarrierPNGText, locPrefix: "png:tEXt:AIGC", form: "wrapped", verdict: VerdictConforming, state: StateConfirmed},
	{file: "pil_ztxt.png", format: "png", carrier: CarrierPNGText, locPrefix: "png:zTXt:AIGC", form: "wrapped", verdict: VerdictConforming, state: StateConfirmed},
	{file: "pil_itxt_zip.png", format: "png", carrier: CarrierXMP, locPrefix: "png:iTXt:XML:com.adobe.xmp", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "pil_xmp.webp", format: "webp", carrier: CarrierXMP, locPrefix: "riff:WEBP:XMP", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "pil_usercomment.jpg", format: "jpeg", carrier: CarrierExifUC, form: "wrapped", verdict: VerdictConforming, state: StateConfirmed},
	{file: "pil_rawjson.jpg", format: "jpeg", carrier: CarrierExifUC, form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "pil_xmp.tif", format: "tiff", carrier: CarrierXMP, locPrefix: "tiff:XMP", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "pil_comment.gif", format: "gif", carrier: CarrierOther, locPrefix: "gif:Comment", form: "inner", verdict: VerdictConforming, state: StateConfirmed, want: []string{CodeImplicitNonstandardCarrier}},
	{file: "pil_nolabel.png", format: "png", verdict: VerdictUnlabelled, state: StateNone, want: []string{CodeImplicitMissing}},
	{file: "im_text.png", format: "png", carrier: CarrierPNGText, locPrefix: "png:zTXt:AIGC", form: "wrapped", verdict: VerdictConforming, state: StateConfirmed},
	{file: "im_from_jpeg.png", format: "png", carrier: CarrierXMP, locPrefix: "png:zTXt:Raw profile type xmp", form: "inner", verdict: VerdictConforming, state: StateConfirmed, labels: 2},
	{file: "im_comment.jpg", format: "jpeg", carrier: CarrierOther, locPrefix: "jpeg:COM", form: "inner", verdict: VerdictConforming, state: StateConfirmed, want: []string{CodeImplicitNonstandardCarrier}},
	{file: "hb_aigc_chunk.wav", format: "wav", carrier: CarrierRIFF, locPrefix: "riff:WAVE:AIGC", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "hb_list_info.wav", format: "wav", carrier: CarrierRIFF, locPrefix: "riff:WAVE:LIST:INFO:AIGC", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "hb_text_after_idat.png", format: "png", carrier: CarrierPNGText, locPrefix: "png:tEXt:AIGC", form: "wrapped", verdict: VerdictConforming, state: StateConfirmed},
	{file: "hb_wrong_ns.png", format: "png", carrier: CarrierXMP, form: "inner", xmpForm: "attribute", verdict: VerdictNonconforming, state: StateConfirmed, want: []string{CodeImplicitNonconformingNS}},
	{file: "hb_custom.docx", format: "docx", carrier: CarrierDOCXCustom, locPrefix: "docx:docProps/custom.xml:AIGC", form: "inner", verdict: VerdictConforming, state: StateConfirmed},
	{file: "hb_front_matter.md", format: "text", carrier: CarrierOther, locPrefix: "text:front-matter:AIGC", form: "struct", verdict: VerdictConforming, state: StateConfirmed, want: []string{CodeImplicitNonstandardCarrier}},
	{file: "hb_notice_start.txt", format: "text", verdict: VerdictUnlabelled, state: StateNone},
	{file: "hb_notice_end.md", format: "text", verdict: VerdictUnlabelled, state: StateNone},
	{file: "hb_plain.txt", format: "text", verdict: VerdictUnlabelled, state: StateNone, want: []string{CodeExplicitMissing, CodeImplicitMissing}},
}

func TestFixtures(t *testing.T) {
	for _, tc := range fixtureCases {
		t.Run(tc.file, func(t *testing.T) {
			for _, fast := range []bool{false, true} {
				rep := ScanFile(filepath.Join(fixtureDir, tc.file), ScanOptions{Fast: fast})
				if rep.Error != "" {
					t.Fatalf("error: %s", rep.Error)
				}
				if rep.Format != tc.format {
					t.Errorf("format = %q, want %q", rep.Format, tc.format)
				}
				if rep.Verdict != tc.verdict || rep.LabelState != tc.state {
					t.Errorf("fast=%v verdict/state = %s/%s, want %s/%s; findings %+v", fast, rep.Verdict, rep.LabelState, tc.verdict, tc.state, rep.Findings)
				}
				n := tc.labels
				if n == 0 && tc.carrier != "" {
					n = 1
				}
				if len(rep.Implicit) != n {
					t.Fatalf("%d labels, want %d: %+v", len(rep.Implicit), n, rep.Implicit)
				}
				if tc.carrier != "" {
					im := rep.Implicit[0]
					if im.Carrier != tc.carrier || im.Form != tc.form || !strings.HasPrefix(im.Location, tc.locPrefix) {
						t.Errorf("label = %s/%s at %s, want %s/%s at %s…", im.Carrier, im.Form, im.Location, tc.carrier, tc.form, tc.locPrefix)
					}
					if tc.xmpForm != "" && im.XMPForm != tc.xmpForm {
						t.Errorf("xmp form = %q, want %q", im.XMPForm, tc.xmpForm)
					}
					if len(im.Fields) != 7 || im.Fields["Label"] != "1" || im.Fields["ProduceID"] == "" {
						t.Errorf("fields = %v", im.Fields)
					}
				}
				got := codes(rep)
				for _, c := range tc.want {
					if !got[c] {
						t.Errorf("missing finding %s; have %+v", c, rep.Findings)
					}
				}
				if rep.IPTCDigitalSourceType != tc.iptc {
					t.Errorf("iptc = %q, want %q", rep.IPTCDigitalSourceType, tc.iptc)
				}
				if len(rep.SHA256) != 64 {
					t.Errorf("sha256 = %q", rep.SHA256)
				}
			}
		})
	}
}

func TestTextExplicitNotices(t *testing.T) {
	for file, want := range map[string]Explicit{
		"hb_notice_start.txt": {Text: "【AI生成】以下内容由人工智能生成。", Source: "text:start"},
		"hb_notice_end.md":    {Text: "本文由人工智能合成", Source: "text:end"},
	} {
		rep := ScanFile(filepath.Join(fixtureDir, file), ScanOptions{})
		if len(rep.Explicit) != 1 || rep.Explicit[0] != want {
			t.Errorf("%s: explicit = %+v, want %+v", file, rep.Explicit, want)
		}
		if rep.HasFinding(CodeExplicitMissing) {
			t.Errorf("%s: explicit-missing reported although a notice is there", file)
		}
	}
}

// TestExifToolAgrees reads every fixture with ExifTool too and checks that
// each label ExifTool shows is the one Scan reports (field for field).
func TestExifToolAgrees(t *testing.T) {
	if _, err := exec.LookPath("exiftool"); err != nil {
		t.Skip("exiftool not installed; the cross-check needs it (apt-get install libimage-exiftool-perl)")
	}
	entries, err := os.ReadDir(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if n := e.Name(); !strings.HasSuffix(n, ".sh") && !strings.HasSuffix(n, ".md") && !strings.HasSuffix(n, ".txt") {
			files = append(files, filepath.Join(fixtureDir, n))
		}
	}
	out, err := exec.Command("exiftool", append([]string{"-j", "-G1", "-a"}, files...)...).Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("exiftool: %v", err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(out, &recs); err != nil {
		t.Fatalf("exiftool output: %v", err)
	}
	checked := 0
	for _, rec := range recs {
		path, _ := rec["SourceFile"].(string)
		rep := ScanFile(path, ScanOptions{})
		for tag, v := range rec {
			s, ok := v.(string)
			if !ok || !strings.Contains(s, `"Label"`) {
				continue
			}
			s = strings.TrimPrefix(s, "(AIGC) ")
			if i := strings.Index(s, "{"); i > 0 {
				s = s[i:] // "AIGC{…}" in a comment
			}
			obj, err := parseObject([]byte(s), false)
			if err != nil {
				continue
			}
			if w, ok := obj.wrapped(); ok {
				obj, _ = parseObject(w, false)
			}
			want := map[string]string{}
			for k, raw := range obj.vals {
				var str string
				json.Unmarshal(raw, &str)
				want[k] = str
			}
			found := false
			for _, im := range rep.Implicit {
				if sameFields(im.Fields, want) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: ExifTool shows %s = %v, Scan found %+v", path, tag, want, rep.Implicit)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Errorf("ExifTool showed only %d labels across the fixtures; expected at least 20", checked)
	}
}
