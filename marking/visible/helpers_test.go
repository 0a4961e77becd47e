package visible

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	xdraw "golang.org/x/image/draw"
)

// genImage makes a deterministic test image of one of several kinds.
func genImage(kind string, w, h int, seed uint64) *image.NRGBA {
	r := rand.New(rand.NewPCG(seed, 7))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	set := func(x, y int, c color.NRGBA) { img.SetNRGBA(x, y, c) }
	switch kind {
	case "gradient":
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				set(x, y, color.NRGBA{uint8(255 * x / w), uint8(255 * y / h), uint8(128 + 100*math.Sin(float64(x+y)/50)), 255})
			}
		}
	case "noise":
		for i := range img.Pix {
			img.Pix[i] = uint8(r.IntN(256))
		}
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 255
		}
	case "dark":
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := uint8(10 + r.IntN(12))
				set(x, y, color.NRGBA{v, v, v, 255})
			}
		}
	case "white":
		for i := range img.Pix {
			img.Pix[i] = 250
		}
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 255
		}
	case "stripes":
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := uint8(0)
				if (x/7+y/11)%2 == 0 {
					v = 255
				}
				set(x, y, color.NRGBA{v, v, v, 255})
			}
		}
	case "blocks":
		for i := range img.Pix {
			img.Pix[i] = 128
		}
		for i := 3; i < len(img.Pix); i += 4 {
			img.Pix[i] = 255
		}
		for k := 0; k < 60; k++ {
			x0, y0 := r.IntN(w), r.IntN(h)
			bw, bh := 5+r.IntN(w/4), 5+r.IntN(h/4)
			c := color.NRGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
			for y := y0; y < min(h, y0+bh); y++ {
				for x := x0; x < min(w, x0+bw); x++ {
					set(x, y, c)
				}
			}
		}
	}
	return img
}

// textLike draws dark plates with white non-label text (a caption, a
// timestamp, a logo-like word) in every corner: the hardest negatives.
func textLike(t testing.TB, w, h int, seed uint64) *image.NRGBA {
	img := genImage("gradient", w, h, seed)
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"2025-11-28 09:15", "HELLO", "风景照片", "CAM 01", "新闻直播", "WATERMARK"}
	short := min(w, h)
	for i, pos := range []Position{TopLeft, TopRight, BottomLeft, BottomRight} {
		text := texts[(int(seed)+i)%len(texts)]
		runs, err := runsFor(fs, text)
		if err != nil {
			t.Fatal(err)
		}
		ratio := 0.04 + 0.02*float64(i)
		inkPx := int(ratio * float64(short))
		ref, err := renderAt(runs, 100)
		if err != nil {
			t.Fatal(err)
		}
		rr, err := renderAt(runs, 100*float64(inkPx)/float64(ref.ink.Dy()))
		if err != nil {
			t.Fatal(err)
		}
		pad := inkPx / 3
		pw, ph := rr.ink.Dx()+2*pad, rr.ink.Dy()+2*pad
		m := short / 50
		var x, y int
		switch pos {
		case TopLeft:
			x, y = m, m
		case TopRight:
			x, y = w-m-pw, m
		case BottomLeft:
			x, y = m, h-m-ph
		default:
			x, y = w-m-pw, h-m-ph
		}
		for yy := 0; yy < ph; yy++ {
			for xx := 0; xx < pw; xx++ {
				p := image.Pt(xx+rr.ink.Min.X-pad, yy+rr.ink.Min.Y-pad)
				a := 0
				if p.In(rr.mask.Bounds()) {
					a = int(rr.mask.AlphaAt(p.X, p.Y).A)
				}
				v := uint8((16*(255-a) + 255*a) / 255)
				if x+xx >= 0 && x+xx < w && y+yy >= 0 && y+yy < h {
					img.SetNRGBA(x+xx, y+yy, color.NRGBA{v, v, v, 255})
				}
			}
		}
	}
	return img
}

// reencode returns img after JPEG encoding at quality q.
func reencode(t testing.TB, img image.Image, q int) image.Image {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// resize scales img by f with a smooth filter, as image editors do.
func resize(img image.Image, f float64) image.Image {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, int(float64(b.Dx())*f+0.5), int(float64(b.Dy())*f+0.5)))
	xdraw.BiLinear.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
}

// photos loads the shared test photos (testdata/photos), if present.
func photos(t testing.TB) map[string]image.Image {
	out := map[string]image.Image{}
	paths, _ := filepath.Glob("../../testdata/photos/*.jpg")
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[filepath.Base(p)] = img
	}
	return out
}

func mustBank(t testing.TB) *Bank {
	b, err := NewBank()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
