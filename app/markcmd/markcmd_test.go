package markcmd_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"synthreview/app/markcmd"
	"synthreview/marking"
	"synthreview/marking/visible"
)

const (
	producer = "001191110108MA01ABCD5T10007"
	platform = "001191440300708461136T1XGW3"
)

func photo(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	return img
}

func writePNG(t *testing.T, dir string) string {
	var b bytes.Buffer
	if err := png.Encode(&b, photo(640, 480)); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "in.png")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeJPEGWithExif writes a JPEG carrying an EXIF Make tag "SynthCam".
func writeJPEGWithExif(t *testing.T, dir string) string {
	return writeJPEGOriented(t, dir, 0)
}

// writeJPEGOriented adds an EXIF Orientation tag when orientation > 0.
func writeJPEGOriented(t *testing.T, dir string, orientation byte) string {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, photo(800, 600), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	j := b.Bytes()
	tiffB := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x0F, 0, 2, 0, 0, 0, 9, 0, 0, 0, 26, 0, 0, 0, 0}
	if orientation > 0 {
		tiffB = []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 2,
			0x01, 0x0F, 0, 2, 0, 0, 0, 9, 0, 0, 0, 38,
			0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0,
			0, 0, 0, 0}
	}
	tiffB = append(tiffB, "SynthCam\x00"...)
	app1 := append([]byte{0xFF, 0xE1, 0, 0}, "Exif\x00\x00"...)
	app1 = append(app1, tiffB...)
	binary.BigEndian.PutUint16(app1[2:], uint16(len(app1)-2))
	out := append([]byte{0xFF, 0xD8}, app1...)
	out = append(out, j[2:]...)
	p := filepath.Join(dir, "in.jpg")
	if err := os.WriteFile(p, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := markcmd.Run(context.Background(), args, strings.NewReader(""), &out, &errb, nil)
	return code, out.String(), errb.String()
}

// scanWithVisible is marking.Scan with the visible-label detector plugged
// in the way the lead wires it: ScanOptions.Pixels runs visible.Detect and
// adds explicit labels (and explicit-too-small under 5 %).
func scanWithVisible(t *testing.T, data []byte) marking.Report {
	bank, err := visible.NewBank()
	if err != nil {
		t.Fatal(err)
	}
	rep := marking.Scan(data, marking.ScanOptions{Pixels: func(img image.Image, rep *marking.Report) {
		for _, d := range visible.Detect(img, bank) {
			rep.Explicit = append(rep.Explicit, marking.Explicit{Text: d.Text, Source: d.Source, HeightRatio: d.HeightRatio,
				Box: [4]int{d.Box.Min.X, d.Box.Min.Y, d.Box.Dx(), d.Box.Dy()}})
		}
	}})
	return rep
}

func TestMarkPNGWithVisibleLabel(t *testing.T) {
	dir := t.TempDir()
	in := writePNG(t, dir)
	out := filepath.Join(dir, "out.png")
	code, stdout, stderr := run(t, "--produce-id", "IMG20251128000123", "--producer", producer, "--visible", "AI生成", "--json", in, out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res markcmd.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("report: %v\n%s", err, stdout)
	}
	if res.Verdict != "conforming" || res.Visible == nil || !res.Visible.Detected || res.Visible.HeightRatio < 0.06 {
		t.Errorf("report %+v", res)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rep := scanWithVisible(t, data)
	if rep.Verdict != "conforming" || rep.LabelState != "confirmed" {
		t.Errorf("scan: %s %s %+v", rep.Verdict, rep.LabelState, rep.Findings)
	}
	if len(rep.Explicit) != 1 || rep.Explicit[0].Text != "AI生成" || rep.Explicit[0].HeightRatio < 0.05 || rep.Explicit[0].Source != "template:default" {
		t.Errorf("explicit labels %+v", rep.Explicit)
	}
	// PNG stays lossless: outside the plate every pixel is unchanged.
	orig, _ := png.Decode(bytes.NewReader(mustRead(t, in)))
	got, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	plate := image.Rect(res.Visible.Box[0], res.Visible.Box[1], res.Visible.Box[0]+res.Visible.Box[2], res.Visible.Box[1]+res.Visible.Box[3])
	for y := 0; y < 480; y += 3 {
		for x := 0; x < 640; x += 3 {
			if !image.Pt(x, y).In(plate) && orig.At(x, y) != color.Color(got.At(x, y)) {
				r1, g1, b1, _ := orig.At(x, y).RGBA()
				r2, g2, b2, _ := got.At(x, y).RGBA()
				if r1 != r2 || g1 != g2 || b1 != b2 {
					t.Fatalf("pixel %d,%d changed outside the label", x, y)
				}
			}
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMarkJPEGKeepsExifAndReencodes(t *testing.T) {
	dir := t.TempDir()
	in := writeJPEGWithExif(t, dir)
	out := filepath.Join(dir, "out.jpg")
	code, _, stderr := run(t, "--produce-id", "IMG7", "--producer", producer, "--visible", "人工智能合成", "--position", "tl", in, out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data := mustRead(t, out)
	if !bytes.Contains(data, []byte("SynthCam")) {
		t.Error("EXIF Make lost")
	}
	// Quality 95: the luminance table is the standard one scaled by 0.1
	// (zigzag order 16 11 12 14 12 10 16 14 → 2 1 1 1 1 1 2 1).
	dqt := bytes.Index(data, []byte{0xFF, 0xDB})
	if dqt < 0 || !bytes.Equal(data[dqt+5:dqt+13], []byte{2, 1, 1, 1, 1, 1, 2, 1}) {
		t.Errorf("JPEG not re-encoded at quality 95: DQT starts % x", data[dqt:dqt+13])
	}
	rep := scanWithVisible(t, data)
	if rep.Verdict != "conforming" || len(rep.Explicit) != 1 || rep.Explicit[0].Text != "人工智能合成" {
		t.Errorf("scan: %s %+v %+v", rep.Verdict, rep.Explicit, rep.Findings)
	}
	if rep.Explicit[0].Box[0] > 60 || rep.Explicit[0].Box[1] > 60 {
		t.Errorf("label not at top left: %v", rep.Explicit[0].Box)
	}
}

func TestMarkMetadataOnlyKeepsMedia(t *testing.T) {
	dir := t.TempDir()
	in := writeJPEGWithExif(t, dir)
	out := filepath.Join(dir, "out.jpg")
	if code, _, stderr := run(t, "--produce-id", "IMG8", "--producer", producer, in, out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	a, b := mustRead(t, in), mustRead(t, out)
	sos := func(x []byte) []byte { return x[bytes.Index(x, []byte{0xFF, 0xDA}):] }
	if !bytes.Equal(sos(a), sos(b)) {
		t.Error("scan data changed by a metadata-only mark")
	}
}

func TestMarkConvertsPNGToJPEG(t *testing.T) {
	dir := t.TempDir()
	in := writePNG(t, dir)
	out := filepath.Join(dir, "out.jpg")
	if code, _, stderr := run(t, "--produce-id", "IMG9", "--producer", producer, in, out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data := mustRead(t, out)
	if marking.Sniff(data) != "jpeg" {
		t.Fatalf("output is %s", marking.Sniff(data))
	}
	if rep := marking.Scan(data, marking.ScanOptions{Fast: true}); rep.Verdict != "conforming" {
		t.Errorf("verdict %s", rep.Verdict)
	}
}

func TestMarkRefusesWeakening(t *testing.T) {
	dir := t.TempDir()
	in := writePNG(t, dir)
	labelled := filepath.Join(dir, "l.png")
	if code, _, stderr := run(t, "--produce-id", "IMG1", "--producer", producer, in, labelled); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cases := []struct {
		name string
		args []string
		rule string
	}{
		{"lower Label", []string{"--produce-id", "IMG1", "--producer", producer, "--label", "2"}, "LM Art. 10"},
		{"lower Label to 3", []string{"--produce-id", "IMG1", "--producer", producer, "--label", "3"}, "DSP Art. 18"},
		{"other producer", []string{"--produce-id", "IMG1", "--producer", platform}, "names producer"},
		{"other ProduceID", []string{"--produce-id", "IMG2", "--producer", producer}, "ProduceID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "refused.png")
			code, stdout, stderr := run(t, append(c.args, labelled, out)...)
			if code != markcmd.ExitFailed || !strings.Contains(stderr, "refused") || !strings.Contains(stderr, c.rule) {
				t.Errorf("exit %d, stderr %q; want a refusal naming %q", code, stderr, c.rule)
			}
			if stdout != "" {
				t.Errorf("stdout on refusal: %q", stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("OUT was written despite the refusal")
			}
		})
	}
	// The platform fills its propagation fields in place, once.
	prop := filepath.Join(dir, "p.png")
	if code, _, stderr := run(t, "--produce-id", "IMG1", "--producer", producer, "--propagator", platform, "--propagate-id", "P-1", labelled, prop); code != 0 {
		t.Fatalf("propagate: exit %d: %s", code, stderr)
	}
	rep := marking.Scan(mustRead(t, prop), marking.ScanOptions{Fast: true})
	if len(rep.Implicit) != 1 || rep.Implicit[0].Fields["ContentPropagator"] != platform || rep.Implicit[0].Fields["PropagateID"] != "P-1" || rep.Implicit[0].Fields["ProduceID"] != "IMG1" {
		t.Errorf("after propagation: %+v", rep.Implicit)
	}
	code, _, stderr := run(t, "--produce-id", "IMG1", "--producer", producer, "--propagator", producer, "--propagate-id", "P-2", prop, filepath.Join(dir, "p2.png"))
	if code != markcmd.ExitFailed || !strings.Contains(stderr, "LM Art. 6") {
		t.Errorf("overwriting another platform's record: exit %d %q", code, stderr)
	}
}

func TestMarkReplacesNonconformingWithEvidence(t *testing.T) {
	in := "../../testdata/labels/et_badcode.jpg"
	if _, err := os.Stat(in); err != nil {
		t.Skip("shared fixture missing")
	}
	out := filepath.Join(t.TempDir(), "out.jpg")
	code, stdout, stderr := run(t, "--json", "--produce-id", "IMG3", "--producer", producer, in, out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res markcmd.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Action != "replace" || len(res.Replaced) == 0 || res.Replaced[0].Raw == "" || res.Verdict != "conforming" {
		t.Errorf("result %+v", res)
	}
}

func TestMarkUsageErrors(t *testing.T) {
	dir := t.TempDir()
	in := writePNG(t, dir)
	out := filepath.Join(dir, "o.png")
	wav := filepath.Join(dir, "a.wav")
	if err := os.WriteFile(wav, []byte("RIFF\x04\x00\x00\x00WAVE"), 0o600); err != nil {
		t.Fatal(err)
	}
	gifPath := filepath.Join(dir, "a.gif")
	var gb bytes.Buffer
	if err := gif.Encode(&gb, photo(200, 150), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gifPath, gb.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	txt := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(txt, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--producer", producer, in, out}, 2, "--produce-id is required"},
		{[]string{"--produce-id", "A", in, out}, 2, "--producer is required"},
		{[]string{"--produce-id", "A", "--producer", "Doubao", in, out}, 2, "not a valid provider code"},
		{[]string{"--produce-id", "A", "--producer", producer, "--watermark", in, out}, 2, "workspace wiring"},
		{[]string{"--produce-id", "A", "--producer", producer, "--workspace", dir, in, out}, 2, "--as USER"},
		{[]string{"--produce-id", "A", "--producer", producer, "--as", "admin", in, out}, 2, "--as goes with --workspace"},
		{[]string{"--produce-id", "A", "--producer", producer, in}, 2, "needs IN and OUT"},
		{[]string{"--produce-id", "A", "--producer", producer, "--visible", "Hello", in, out}, 2, "AI element"},
		{[]string{"--produce-id", "A", "--producer", producer, "--position", "middle", in, out}, 2, "position"},
		{[]string{"--produce-id", "A", "--producer", producer, "--label", "AIGC", in, out}, 1, "must be 1, 2 or 3"},
		{[]string{"--produce-id", "A", "--producer", producer, "--propagator", platform, in, out}, 1, "go together"},
		{[]string{"--produce-id", "A", "--producer", producer, "--visible", "AI生成", wav, filepath.Join(dir, "o.wav")}, 2, "draws on images"},
		{[]string{"--produce-id", "A", "--producer", producer, in, filepath.Join(dir, "o.webp")}, 2, "encodes only PNG and JPEG"},
		{[]string{"--produce-id", "A", "--producer", producer, "--visible", "AI生成", gifPath, filepath.Join(dir, "o.gif")}, 2, "name OUT .png or .jpg"},
		{[]string{"--produce-id", "A", "--producer", producer, txt, filepath.Join(dir, "o.txt")}, 1, "mark writes labels into"},
		{[]string{"--produce-id", "A", "--producer", producer, filepath.Join(dir, "missing.png"), out}, 1, "missing.png"},
		{[]string{"--produce-id", "A\x01", "--producer", producer, in, out}, 1, "control character"},
	}
	for _, c := range cases {
		code, _, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, stderr, c.code, c.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("OUT written by a failed command")
	}
}

func TestMarkHelp(t *testing.T) {
	code, stdout, stderr := run(t, "-h")
	if code != 0 || stdout != "" || !strings.Contains(stderr, "--produce-id") {
		t.Errorf("help: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestMarkFlagsAfterFiles(t *testing.T) {
	dir := t.TempDir()
	in := writePNG(t, dir)
	out := filepath.Join(dir, "o.png")
	if code, _, stderr := run(t, in, out, "--produce-id", "A1", "--producer", producer); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// A phone photo stored sideways (EXIF orientation 6) gets its label upright
// where viewers show it: the pixels are turned upright and the tag reset.
func TestMarkTurnsOrientedJPEGUpright(t *testing.T) {
	dir := t.TempDir()
	in := writeJPEGOriented(t, dir, 6)
	out := filepath.Join(dir, "out.jpg")
	if code, _, stderr := run(t, "--produce-id", "IMG6", "--producer", producer, "--visible", "AI生成", in, out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data := mustRead(t, out)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 600 || cfg.Height != 800 {
		t.Errorf("output is %dx%d, want the upright 600x800", cfg.Width, cfg.Height)
	}
	if !bytes.Contains(data, []byte{0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1}) || !bytes.Contains(data, []byte("SynthCam")) {
		t.Error("EXIF orientation not reset to 1, or EXIF lost")
	}
	rep := scanWithVisible(t, data)
	if len(rep.Explicit) != 1 || rep.Explicit[0].Box[0] < 300 || rep.Explicit[0].Box[1] < 600 {
		t.Errorf("label not at the bottom right of the upright picture: %+v", rep.Explicit)
	}
}

// Converting to another format carries the EXIF block (upright) and the
// label; the EXIF orientation of an upright-turned picture becomes 1.
func TestMarkConvertCarriesExif(t *testing.T) {
	dir := t.TempDir()
	in := writeJPEGOriented(t, dir, 8)
	out := filepath.Join(dir, "out.png")
	if code, _, stderr := run(t, "--produce-id", "IMG11", "--producer", producer, "--visible", "AI生成", in, out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data := mustRead(t, out)
	if !bytes.Contains(data, []byte("eXIf")) || !bytes.Contains(data, []byte("SynthCam")) {
		t.Error("EXIF not carried into the PNG")
	}
	if !bytes.Contains(data, []byte{0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1}) {
		t.Error("carried EXIF orientation not reset to 1")
	}
	rep := scanWithVisible(t, data)
	if rep.Verdict != "conforming" || len(rep.Explicit) != 1 {
		t.Errorf("scan: %s %+v", rep.Verdict, rep.Explicit)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != 600 || cfg.Height != 800 {
		t.Errorf("PNG is %dx%d (%v), want upright 600x800", cfg.Width, cfg.Height, err)
	}
}
