package visible

import (
	"bytes"
	"image"
	"image/gif"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// inkRowsIn measures, independently of Draw, the rows inside plate that
// hold near-white text pixels.
func inkRowsIn(img image.Image, plate image.Rectangle) int {
	first, last := -1, -1
	for y := plate.Min.Y; y < plate.Max.Y; y++ {
		for x := plate.Min.X; x < plate.Max.X; x++ {
			if lumaAt(img, x, y) >= 136 { // ≥ half coverage of white over the plate
				if first < 0 {
					first = y
				}
				last = y
				break
			}
		}
	}
	if first < 0 {
		return 0
	}
	return last - first + 1
}

func TestDrawSizesByMeasuredInk(t *testing.T) {
	cases := []struct {
		w, h int
		pos  Position
		text string
	}{
		{640, 480, BottomRight, "AI生成"},
		{480, 640, TopLeft, "人工智能合成"},
		{1920, 1080, Top, "AI生成"},
		{300, 300, Bottom, "AI合成"},
		{1000, 200, TopRight, "由AI生成"},
		{200, 900, BottomLeft, "AI生成"},
	}
	for _, c := range cases {
		img := genImage("gradient", c.w, c.h, 1)
		out, pl, err := Draw(img, c.text, Options{Position: c.pos})
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		short := min(c.w, c.h)
		ink := inkRowsIn(out, pl.Plate)
		if got := float64(ink) / float64(short); got < MinHeightRatio {
			t.Errorf("%dx%d %s: measured ink height %d px = %.4f of the shorter side, want ≥ %.2f", c.w, c.h, c.pos, ink, got, MinHeightRatio)
		}
		if pl.HeightRatio < MinHeightRatio || math.Abs(pl.HeightRatio-float64(ink)/float64(short)) > 2.0/float64(short) {
			t.Errorf("%dx%d: reported ratio %.4f, measured %d px", c.w, c.h, pl.HeightRatio, ink)
		}
		if !pl.Plate.In(out.Bounds()) {
			t.Errorf("plate %v outside the image", pl.Plate)
		}
		m := int(plateMargin*float64(short) + 0.5)
		b := out.Bounds()
		var onEdge bool
		switch c.pos {
		case TopLeft:
			onEdge = pl.Plate.Min == image.Pt(m, m)
		case TopRight:
			onEdge = pl.Plate.Max.X == b.Max.X-m && pl.Plate.Min.Y == m
		case BottomLeft:
			onEdge = pl.Plate.Min.X == m && pl.Plate.Max.Y == b.Max.Y-m
		case BottomRight:
			onEdge = pl.Plate.Max == b.Max.Sub(image.Pt(m, m))
		case Top:
			onEdge = pl.Plate.Min.Y == m
		case Bottom:
			onEdge = pl.Plate.Max.Y == b.Max.Y-m
		}
		if !onEdge {
			t.Errorf("%s: plate %v is not at the %s edge of %v", c.text, pl.Plate, c.pos, b)
		}
		// Readable on any background: the plate is opaque, so contrast is
		// the same on white and on black.
		if lumaAt(out, pl.Plate.Min.X+1, pl.Plate.Min.Y+1) > 40 {
			t.Errorf("plate corner is not dark")
		}
	}
}

func TestDrawRefusesBadInput(t *testing.T) {
	img := genImage("white", 400, 300, 1)
	cases := []struct {
		text string
		opts Options
		want string
	}{
		{"Hello", Options{}, "AI element"},
		{"AI", Options{}, "generation element"},
		{"生成", Options{}, "AI element"},
		{"AI生成\x01", Options{}, "control character"},
		{string([]byte{0xff, 'A', 'I'}), Options{}, "UTF-8"},
		{strings.Repeat("AI生成", 10), Options{}, "over the 32 limit"},
		{"AI生成", Options{HeightRatio: 0.04}, "between 0.06"},
		{"AI生成", Options{Position: "middle"}, "position"},
		{"AI生成\U0001F600", Options{}, "glyph"},
		{"人工智能生成合成人工智能生成合成人工智能生成合成", Options{}, "needs"},
	}
	for _, c := range cases {
		_, _, err := Draw(img, c.text, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Draw(%q, %+v) = %v, want an error about %q", c.text, c.opts, err, c.want)
		}
	}
	if _, _, err := Draw(genImage("white", 60, 60, 1), "AI生成", Options{}); err == nil {
		t.Error("a 60×60 image should be too small for a legible label")
	}
}

type transform struct {
	name string
	f    func(t testing.TB, img image.Image) image.Image
}

var transforms = []transform{
	{"as drawn", func(t testing.TB, img image.Image) image.Image { return img }},
	{"jpeg q70", func(t testing.TB, img image.Image) image.Image { return reencode(t, img, 70) }},
	{"resize 50% + jpeg q70", func(t testing.TB, img image.Image) image.Image { return reencode(t, resize(img, 0.5), 70) }},
	{"jpeg q70 + resize 75%", func(t testing.TB, img image.Image) image.Image { return resize(reencode(t, img, 70), 0.75) }},
}

func TestDetectFindsDrawnLabels(t *testing.T) {
	bank := mustBank(t)
	bgs := map[string]image.Image{
		"gradient": genImage("gradient", 640, 480, 2),
		"dark":     genImage("dark", 360, 480, 2),
		"white":    genImage("white", 640, 360, 2),
		"noise":    genImage("noise", 400, 400, 2),
	}
	for n, p := range photos(t) {
		bgs[n] = p
		break
	}
	texts := []string{"AI生成", "人工智能合成", "AI合成", "人工智能生成"}
	names := map[string]string{"AI生成": "default", "AI合成": "ai-synthesised", "人工智能生成": "zh-generated", "人工智能合成": "zh-synthesised"}
	positions := []Position{BottomRight, TopLeft, TopRight, BottomLeft, Top, Bottom}
	i := 0
	keys := make([]string, 0, len(bgs))
	for k := range bgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, bgName := range keys {
		bg := bgs[bgName]
		for _, ratio := range []float64{0.06, 0.1} {
			i++
			pos := positions[i%len(positions)]
			text := texts[i%len(texts)]
			marked, pl, err := Draw(bg, text, Options{Position: pos, HeightRatio: ratio})
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range transforms {
				img := tr.f(t, marked)
				scale := float64(img.Bounds().Dx()) / float64(marked.Bounds().Dx())
				ds := Detect(img, bank)
				if len(ds) != 1 {
					t.Errorf("%s %s %.2f %s: %d detections, want 1: %+v", bgName, pos, ratio, tr.name, len(ds), ds)
					continue
				}
				d := ds[0]
				if d.Text != text || d.Source != "template:"+names[text] {
					t.Errorf("%s %s %s: text %q source %q, want %q", bgName, pos, tr.name, d.Text, d.Source, text)
				}
				want := image.Rect(int(float64(pl.Plate.Min.X)*scale), int(float64(pl.Plate.Min.Y)*scale), int(float64(pl.Plate.Max.X)*scale), int(float64(pl.Plate.Max.Y)*scale))
				if iou(d.Box, want) < 0.6 {
					t.Errorf("%s %s %s: box %v, want about %v", bgName, pos, tr.name, d.Box, want)
				}
				if math.Abs(d.HeightRatio-pl.HeightRatio) > 0.006 {
					t.Errorf("%s %s %s: height ratio %.4f, drawn %.4f", bgName, pos, tr.name, d.HeightRatio, pl.HeightRatio)
				}
			}
		}
	}
}

func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	ia := float64(in.Dx() * in.Dy())
	return ia / (float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - ia)
}

// A label too small for the 5 % rule is still found, and its ratio says so,
// so the reader can report explicit-too-small.
func TestDetectMeasuresSmallLabel(t *testing.T) {
	bank := mustBank(t)
	img := genImage("gradient", 1000, 800, 4)
	lbl, ink, err := labelImage("AI生成", 32) // 4 % of 800
	if err != nil {
		t.Fatal(err)
	}
	at := image.Pt(1000-16-lbl.Bounds().Dx(), 800-16-lbl.Bounds().Dy())
	for y := 0; y < lbl.Bounds().Dy(); y++ {
		for x := 0; x < lbl.Bounds().Dx(); x++ {
			v := lbl.GrayAt(x, y).Y
			i := img.PixOffset(at.X+x, at.Y+y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2] = v, v, v
		}
	}
	for _, tr := range transforms {
		ds := Detect(tr.f(t, img), bank)
		if len(ds) != 1 {
			t.Fatalf("%s: %d detections", tr.name, len(ds))
		}
		want := float64(ink.Dy()) / 800
		if ds[0].HeightRatio >= 0.05 || math.Abs(ds[0].HeightRatio-want) > 0.005 {
			t.Errorf("%s: ratio %.4f, want %.4f (under 5 %%)", tr.name, ds[0].HeightRatio, want)
		}
	}
}

// Never report a label in an image without one: generated textures,
// gradients, dark and white fields, text-like plates in every corner, and
// the shared photos, each also re-encoded and resized.
func TestDetectNoFalsePositives(t *testing.T) {
	bank := mustBank(t)
	var imgs []image.Image
	var names []string
	for _, k := range []string{"gradient", "noise", "dark", "white", "stripes", "blocks"} {
		for s, sz := range [][2]int{{480, 320}, {240, 360}} {
			imgs = append(imgs, genImage(k, sz[0], sz[1], uint64(s)))
			names = append(names, k)
		}
	}
	for s := uint64(0); s < 4; s++ {
		imgs = append(imgs, textLike(t, 640, 400, s))
		names = append(names, "text-like")
	}
	ph := photos(t)
	if len(ph) == 0 {
		t.Log("testdata/photos is empty: photos not checked")
	}
	for n, p := range ph {
		imgs = append(imgs, p)
		names = append(names, n)
	}
	// As drawn, and the harshest transform (resize + q70); the other two
	// transforms add nothing here but time.
	negTransforms := []transform{transforms[0], transforms[2]}
	for i, img := range imgs {
		for _, tr := range negTransforms {
			if ds := Detect(tr.f(t, img), bank); len(ds) != 0 {
				t.Errorf("%s (%s): false detection %+v", names[i], tr.name, ds)
			}
		}
	}
}

func TestBankCropTemplate(t *testing.T) {
	// A vendor-style mark: outlined white text without a plate.
	mark := func(img *image.NRGBA, h int, margin int) image.Rectangle {
		lbl, _, err := labelImage("AI合成", h)
		if err != nil {
			t.Fatal(err)
		}
		at := img.Bounds().Max.Sub(lbl.Bounds().Size()).Sub(image.Pt(margin, margin))
		r := lbl.Bounds().Add(at)
		for y := 0; y < lbl.Bounds().Dy(); y++ {
			for x := 0; x < lbl.Bounds().Dx(); x++ {
				v := lbl.GrayAt(x, y).Y
				if v < 100 { // no plate: only the glyphs, in orange
					continue
				}
				i := img.PixOffset(at.X+x, at.Y+y)
				img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 255, 140, 0
			}
		}
		return r
	}
	src := genImage("white", 800, 600, 5)
	r := mark(src, 40, 20)
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := png.Encode(&buf, src.SubImage(r)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vendor-x.png"), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o600); err != nil {
		t.Fatal(err)
	}
	bank, err := LoadBank(dir)
	if err != nil {
		t.Fatal(err)
	}
	target := genImage("white", 1200, 900, 6)
	want := mark(target, 60, 30)
	ds := Detect(reencode(t, target, 70), bank)
	if len(ds) != 1 || ds[0].Source != "template:vendor-x.png" {
		t.Fatalf("detections %+v, want one from template:vendor-x.png", ds)
	}
	if !ds[0].Box.Overlaps(want) {
		t.Errorf("box %v, mark at %v", ds[0].Box, want)
	}
	for _, k := range []string{"gradient", "blocks", "noise"} {
		if ds := Detect(genImage(k, 800, 600, 9), bank); len(ds) != 0 {
			t.Errorf("%s: false detection with the crop bank: %+v", k, ds)
		}
	}
	// Bad crops are refused with a reason.
	if err := os.WriteFile(filepath.Join(dir, "bad.png"), []byte("not a png"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBank(dir); err == nil || !strings.Contains(err.Error(), "bad.png") {
		t.Errorf("LoadBank with a broken PNG: %v", err)
	}
}

func TestDetectHostileImages(t *testing.T) {
	bank := mustBank(t)
	if ds := Detect(nil, bank); ds != nil {
		t.Error("nil image")
	}
	if ds := Detect(image.NewGray(image.Rect(0, 0, 1, 1)), bank); ds != nil {
		t.Error("1×1 image")
	}
	if ds := Detect(image.NewGray(image.Rect(0, 0, 5000, 3)), bank); ds != nil {
		t.Error("5000×3 image")
	}
	if ds := Detect(image.NewUniform(nil), bank); ds != nil {
		t.Error("unbounded image")
	}
	// An image whose bounds do not start at the origin.
	img := genImage("gradient", 700, 500, 3)
	m, pl, err := Draw(img.SubImage(image.Rect(50, 40, 650, 480)), "AI生成", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ds := Detect(m, bank); len(ds) != 1 || !ds[0].Box.Overlaps(pl.Plate) {
		t.Errorf("offset image: %+v, plate %v", ds, pl.Plate)
	}
}

func FuzzLoadCrop(f *testing.F) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, genImage("blocks", 40, 20, 1)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := decodeCrop(bytes.NewReader(data))
		if err != nil {
			return
		}
		b := &Bank{}
		if err := b.AddCrop("fuzz", img); err == nil {
			Detect(genImage("white", 64, 64, 1), b)
		}
	})
}

// Paletted images (GIF) are read through their palette.
func TestDetectPalettedImage(t *testing.T) {
	bank := mustBank(t)
	m, pl, err := Draw(genImage("gradient", 480, 360, 8), "AI生成", Options{Position: BottomLeft})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := gif.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	g, err := gif.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	ds := Detect(g, bank)
	if len(ds) != 1 || !ds[0].Box.Overlaps(pl.Plate) || ds[0].Text != "AI生成" {
		t.Errorf("paletted: %+v, plate %v", ds, pl.Plate)
	}
}

// A long text on a small picture is found at every size, not only near the
// search grid's scales: 人工智能生成 at 6–10 % of 320×240 scored 0.48–0.80
// on the grid alone (between grid scales its far end is misaligned) and is
// found after the scale refinement, as drawn, re-encoded, and halved and
// re-encoded. Not yet: re-encoded and then shrunk to 75 %, where the
// plate's two-pixel ring blurs past the ring screen for the six-character
// texts at 6 % of 320×240 and 8 % of 400×300 (4 of 45; the README's
// benchmarks say so).
func TestDetectFindsLongLabelsOnSmallPictures(t *testing.T) {
	bank := mustBank(t)
	names := map[string]string{"AI生成": "default", "人工智能生成": "zh-generated", "人工智能合成": "zh-synthesised"}
	for _, sz := range [][2]int{{320, 240}, {240, 320}, {400, 300}} {
		bg := genImage("gradient", sz[0], sz[1], 2)
		for _, text := range []string{"AI生成", "人工智能生成", "人工智能合成"} {
			for _, ratio := range []float64{0.06, 0.07, 0.08, 0.09, 0.10} {
				marked, pl, err := Draw(bg, text, Options{Position: BottomRight, HeightRatio: ratio})
				if err != nil {
					t.Fatal(err)
				}
				for _, tr := range transforms[:3] {
					img := tr.f(t, marked)
					ds := Detect(img, bank)
					if len(ds) != 1 || ds[0].Source != "template:"+names[text] {
						t.Errorf("%dx%d %s at %.2f (%s): %+v, want one %s", sz[0], sz[1], text, ratio, tr.name, ds, names[text])
						continue
					}
					// The ink is measured on the picture as it is: within two
					// of its pixels once halved to 120 pixels, else 0.8 %.
					short := min(img.Bounds().Dx(), img.Bounds().Dy())
					if tol := max(0.008, 2/float64(short)); math.Abs(ds[0].HeightRatio-pl.HeightRatio) > tol {
						t.Errorf("%dx%d %s at %.2f (%s): height ratio %.4f, drawn %.4f", sz[0], sz[1], text, ratio, tr.name, ds[0].HeightRatio, pl.HeightRatio)
					}
				}
			}
		}
	}
}
