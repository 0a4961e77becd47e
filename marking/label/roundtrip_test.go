package label_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"synthreview/marking"
	"synthreview/marking/label"
)

// media extracts the bytes a metadata-only write must not touch.
func media(t testing.TB, format string, b []byte) []byte {
	t.Helper()
	switch format {
	case "png":
		var idat []byte
		for p := 8; p+12 <= len(b); {
			n := int(binary.BigEndian.Uint32(b[p:]))
			if string(b[p+4:p+8]) == "IDAT" {
				idat = append(idat, b[p+8:p+8+n]...)
			}
			p += 12 + n
		}
		return idat
	case "jpeg":
		return b[bytes.Index(b, []byte{0xFF, 0xDA}):]
	case "webp", "wav":
		want := map[string]bool{"VP8 ": true, "VP8L": true, "data": true}
		for p := 12; p+8 <= len(b); {
			n := int(binary.LittleEndian.Uint32(b[p+4:]))
			if want[string(b[p:p+4])] {
				return b[p+8 : p+8+n]
			}
			p += 8 + n + n%2
		}
	case "mp3":
		if string(b[:3]) == "ID3" {
			n := int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9])
			return b[10+n:]
		}
		return b
	case "mp4":
		i := bytes.Index(b, []byte("mdat"))
		n := int(binary.BigEndian.Uint32(b[i-4:]))
		return b[i+4 : i-4+n]
	case "gif":
		gct := 0
		if b[10]&0x80 != 0 {
			gct = 3 << ((b[10] & 7) + 1)
		}
		return b[13+gct:]
	case "tiff":
		return b
	}
	t.Fatalf("no media extractor for %s", format)
	return nil
}

type carrierCase struct {
	name, format, carrier string
	in                    func(t testing.TB) []byte
}

func carrierCases() []carrierCase {
	return []carrierCase{
		{"png", "png", marking.CarrierXMP, genPNG},
		{"jpeg", "jpeg", marking.CarrierXMP, genJPEG},
		{"jpeg with JFIF and EXIF", "jpeg", marking.CarrierXMP, genJPEGWithApp},
		{"webp lossy (VP8)", "webp", marking.CarrierXMP, func(t testing.TB) []byte { return fixture(t, "lossy.webp") }},
		{"webp lossless (VP8L)", "webp", marking.CarrierXMP, func(t testing.TB) []byte { return fixture(t, "lossless.webp") }},
		{"gif", "gif", marking.CarrierXMP, genGIF},
		{"gif87a", "gif", marking.CarrierXMP, func(t testing.TB) []byte { return append([]byte("GIF87a"), genGIF(t)[6:]...) }},
		{"tiff", "tiff", marking.CarrierXMP, genTIFF},
		{"wav", "wav", marking.CarrierRIFF, func(testing.TB) []byte { return genWAV(false) }},
		{"wav odd data", "wav", marking.CarrierRIFF, func(testing.TB) []byte { return genWAV(true) }},
		{"mp3 without tag", "mp3", marking.CarrierID3, func(t testing.TB) []byte { return fixture(t, "plain.mp3") }},
		{"mp3 ID3v2.3", "mp3", marking.CarrierID3, func(t testing.TB) []byte { return fixture(t, "v23.mp3") }},
		{"mp4 moov first", "mp4", marking.CarrierMP4, func(t testing.TB) []byte { return fixture(t, "faststart.mp4") }},
		{"mp4 moov first, reserved space", "mp4", marking.CarrierMP4, func(t testing.TB) []byte { return fixture(t, "reserved.mp4") }},
		{"mp4 moov last", "mp4", marking.CarrierMP4, func(t testing.TB) []byte { return fixture(t, "tail.mp4") }},
		{"mov", "mp4", marking.CarrierMP4, func(t testing.TB) []byte { return fixture(t, "tail.mov") }},
	}
}

// checkOneLabel asserts that the reader finds exactly the label f, and
// that the file is conforming.
func checkOneLabel(t *testing.T, out []byte, f label.Fields, carrier string) marking.Report {
	t.Helper()
	rep := marking.Scan(out, marking.ScanOptions{Fast: true})
	if rep.Verdict != marking.VerdictConforming {
		t.Errorf("verdict %s, findings %+v, error %q", rep.Verdict, rep.Findings, rep.Error)
	}
	if len(rep.Implicit) == 0 {
		t.Fatalf("reader found no label")
	}
	found := false
	for _, im := range rep.Implicit {
		for k, v := range f.Map() {
			if im.Fields[k] != v {
				t.Errorf("label at %s: %s = %q, want %q", im.Location, k, im.Fields[k], v)
			}
		}
		if im.Carrier == carrier {
			found = true
		}
	}
	if !found {
		t.Errorf("no label in carrier %s: %+v", carrier, rep.Implicit)
	}
	return rep
}

func TestRoundTripEveryCarrier(t *testing.T) {
	for _, c := range carrierCases() {
		t.Run(c.name, func(t *testing.T) {
			in := c.in(t)
			if got := label.Detect(in); got != c.format {
				t.Fatalf("Detect = %s, want %s", got, c.format)
			}
			f := testFields("IMG20251128000123")
			out, err := label.Write(in, c.format, f)
			if err != nil {
				t.Fatal(err)
			}
			checkOneLabel(t, out, f, c.carrier)
			if !bytes.Equal(media(t, c.format, in), media(t, c.format, out)) && c.format != "gif" && c.format != "tiff" {
				t.Errorf("media data changed")
			}
			switch c.format {
			case "gif":
				if !bytes.HasSuffix(out, media(t, "gif", in)) || !bytes.HasPrefix(out, []byte("GIF89a")) {
					t.Errorf("GIF image blocks changed, or the header is not GIF89a")
				}
			case "tiff":
				if !bytes.HasPrefix(out, in[8:]) && !bytes.Equal(out[8:len(in)], in[8:]) {
					t.Errorf("TIFF: original bytes after the header changed")
				}
			}
			// Writing again replaces: still one label, now with the platform's fields.
			f2 := f
			f2.ContentPropagator, f2.PropagateID = "001191440300708461136T1XGW3", "P-77"
			out2, err := label.Write(out, c.format, f2)
			if err != nil {
				t.Fatal(err)
			}
			rep := checkOneLabel(t, out2, f2, c.carrier)
			if n := strings.Count(string(out2), "P-77"); n != 1 && c.format != "mp3" {
				t.Errorf("the new label appears %d times in the file, want once (%+v)", n, rep.Implicit)
			}
			if strings.Contains(string(out2), `"PropagateID":"IMG20251128000123"`) || strings.Contains(string(out2), `&quot;PropagateID&quot;:&quot;IMG20251128000123&quot;`) {
				t.Errorf("the old label is still in the file")
			}
			if c.format == "mp4" {
				checkPlayable(t, in, out2)
				if strings.Contains(c.name, "reserved") && bytes.Index(out2, []byte("mdat")) != bytes.Index(in, []byte("mdat")) {
					t.Errorf("the free box did not absorb the new metadata: mdat moved")
				}
			}
			exiftoolReads(t, c.format, out2, "P-77")
		})
	}
}

// checkPlayable compares ffmpeg's per-packet hashes of the input and the
// output: equal hashes prove the chunk offsets still point at the same
// samples. Skipped without ffmpeg.
func checkPlayable(t *testing.T, in, out []byte) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Log("ffmpeg not installed: playback check skipped")
		return
	}
	dir := t.TempDir()
	hash := func(b []byte, name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		o, err := exec.Command("ffmpeg", "-v", "error", "-i", p, "-map", "0", "-c", "copy", "-f", "framemd5", "-").CombinedOutput()
		if err != nil {
			t.Fatalf("ffmpeg cannot read %s: %v\n%s", name, err, o)
		}
		var lines []string
		for _, l := range strings.Split(string(o), "\n") {
			if !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}
	if a, b := hash(in, "in.mp4"), hash(out, "out.mp4"); a != b || a == "" {
		t.Errorf("packets differ after labelling:\n%s\n---\n%s", a, b)
	}
}

// exiftoolReads runs ExifTool on the file and checks that a tag named AIGC
// (any group) holds a value containing want. Skipped without exiftool.
func exiftoolReads(t *testing.T, format string, b []byte, want string) {
	t.Helper()
	if _, err := exec.LookPath("exiftool"); err != nil {
		t.Log("exiftool not installed: check skipped")
		return
	}
	ext := map[string]string{"png": "png", "jpeg": "jpg", "webp": "webp", "gif": "gif", "tiff": "tif", "wav": "wav", "mp3": "mp3", "mp4": "mp4"}[format]
	p := filepath.Join(t.TempDir(), "f."+ext)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := exec.Command("exiftool", "-j", "-G1", "-a", "-u", "-b", p).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	var res []map[string]any
	if err := json.Unmarshal(o, &res); err != nil || len(res) != 1 {
		t.Fatalf("exiftool output: %v\n%s", err, o)
	}
	for k, v := range res[0] {
		s, _ := v.(string)
		if (strings.Contains(strings.ToUpper(k), "AIGC") || strings.Contains(k, "UserDefinedText")) && strings.Contains(s, want) {
			return
		}
	}
	if format == "wav" {
		// ExifTool 12.57 does not name the RIFF AIGC chunk; say so rather
		// than fail, the reader above has checked the chunk.
		t.Logf("exiftool does not read the RIFF AIGC chunk: %s", o)
		return
	}
	t.Errorf("exiftool does not read the label:\n%s", o)
}
