package raster

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

func TestFromImageFastPathsAgree(t *testing.T) {
	n := image.NewNRGBA(image.Rect(0, 0, 37, 21))
	for y := 0; y < 21; y++ {
		for x := 0; x < 37; x++ {
			n.SetNRGBA(x, y, color.NRGBA{uint8(x * 7), uint8(y * 11), uint8(x * y), 255})
		}
	}
	a := FromImage(n)
	// The generic path (via draw) must agree with the NRGBA fast path.
	b := FromImage(image.Image(struct{ image.Image }{n}))
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Fatal("generic and NRGBA paths differ")
	}
	// Against the standard library's YCbCr conversion, within rounding.
	for y := 0; y < 21; y++ {
		for x := 0; x < 37; x++ {
			c := n.NRGBAAt(x, y)
			yy, _, _ := color.RGBToYCbCr(c.R, c.G, c.B)
			if d := int(a.At(x, y)) - int(yy); d < -1 || d > 1 {
				t.Fatalf("(%d,%d): luma %d, stdlib %d", x, y, a.At(x, y), yy)
			}
		}
	}
}

func TestFromImageYCbCrTakesYPlane(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 50, 30))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 13)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	yc := img.(*image.YCbCr)
	sub := yc.SubImage(image.Rect(3, 4, 20, 25)).(*image.YCbCr)
	l := FromImage(sub)
	if l.W != 17 || l.H != 21 {
		t.Fatalf("size %dx%d", l.W, l.H)
	}
	if got, want := l.At(5, 6), yc.Y[yc.YOffset(8, 10)]; got != want {
		t.Fatalf("sub-image luma %d, want %d", got, want)
	}
}

func TestPyramid(t *testing.T) {
	l := New(100, 41)
	for i := range l.Pix {
		l.Pix[i] = uint8(i % 251)
	}
	p := l.Pyramid(10)
	if len(p) != 3 || p[0] != l || p[1].W != 50 || p[1].H != 20 || p[2].W != 25 || p[2].H != 10 {
		t.Fatalf("levels: %d", len(p))
	}
	want := (int(l.At(2, 2)) + int(l.At(3, 2)) + int(l.At(2, 3)) + int(l.At(3, 3)) + 2) / 4
	if int(p[1].At(1, 1)) != want {
		t.Fatalf("box mean %d, want %d", p[1].At(1, 1), want)
	}
	if q := l.Pyramid(10); q[1] != p[1] {
		t.Fatal("pyramid not cached")
	}
	if q := l.Pyramid(1000); len(q) != 1 || q[0] != l {
		t.Fatal("a too-large minSide must still return the plane")
	}
}

func TestCheckSize(t *testing.T) {
	for _, c := range []struct {
		w, h int
		ok   bool
	}{{1920, 1080, true}, {8192, 8192, true}, {8193, 8192, false}, {-1, 5, false}, {1 << 40, 1 << 40, false}} {
		err := CheckSize(c.w, c.h)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrTooLarge)) {
			t.Errorf("%d×%d: %v", c.w, c.h, err)
		}
	}
}

func TestValid(t *testing.T) {
	if !New(3, 2).Valid() || (&Luma{W: 3, H: 2, Pix: make([]uint8, 5)}).Valid() || (*Luma)(nil).Valid() || (&Luma{W: -1}).Valid() {
		t.Fatal("Valid misjudges a plane")
	}
}
