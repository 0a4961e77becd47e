// Package raster holds the decoded 8-bit luma plane and its 2× box-filtered
// pyramid that the pixel detectors (invisible watermark, PDQ hash, visible
// label) share, so that a scan decodes each file exactly once.
//
// Role: pure pixel plumbing, no file formats. Forbidden imports (style.md §2):
// Fyne, database/sql, review, store/..., ui/..., app.
package raster

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"sync"
)

// MaxPixels is the largest picture a scan should decode: 2²⁶ ≈ 67
// megapixels (an 8192×8192 image), about 200 MB as decoded RGBA.
const MaxPixels = 1 << 26

// ErrTooLarge reports dimensions over MaxPixels (or negative ones).
var ErrTooLarge = errors.New("raster: image too large")

// CheckSize is the guard to run on image.DecodeConfig's answer before
// decoding outside input: it rejects negative sizes and more than
// MaxPixels pixels with an error wrapping ErrTooLarge.
func CheckSize(w, h int) error {
	if w < 0 || h < 0 || w > MaxPixels || h > MaxPixels || int64(w)*int64(h) > MaxPixels {
		return fmt.Errorf("%w: %d×%d pixels (limit %d)", ErrTooLarge, w, h, MaxPixels)
	}
	return nil
}

// Luma is an 8-bit luma plane (BT.601 / JFIF Y, 0–255), row-major, W bytes
// per row. 8 bits keep the plane as small as the JPEG Y component it usually
// comes from; detectors that need float precision convert locally. A Luma
// must not be copied after first use (it holds the pyramid cache).
type Luma struct {
	W, H int
	Pix  []uint8

	mu     sync.Mutex
	levels []*Luma // levels[0] is the receiver; filled lazily by Pyramid
}

// New returns a zeroed w×h plane. It panics on negative sizes (a programmer
// error).
func New(w, h int) *Luma {
	if w < 0 || h < 0 {
		panic("raster: negative size")
	}
	return &Luma{W: w, H: h, Pix: make([]uint8, w*h)}
}

// At returns the luma value at (x, y); the caller keeps x, y in range.
func (l *Luma) At(x, y int) uint8 { return l.Pix[y*l.W+x] }

// Row returns row y as a slice of length W.
func (l *Luma) Row(y int) []uint8 { return l.Pix[y*l.W : (y+1)*l.W] }

// Valid reports whether the plane is usable: non-negative sizes within
// MaxPixels and at least W·H bytes of pixels. Detectors return an empty
// result for an invalid plane instead of panicking.
func (l *Luma) Valid() bool {
	return l != nil && CheckSize(l.W, l.H) == nil && len(l.Pix) >= l.W*l.H
}

// FromImage returns the luma plane of img. *image.YCbCr (decoded JPEG) takes
// the Y plane directly; *image.Gray likewise; *image.NRGBA and *image.RGBA use
// the JFIF integer weights (0.299, 0.587, 0.114), the same Y a JPEG encoder
// would store. Any other type goes through a conversion to NRGBA. Alpha is
// ignored (colour channels as stored).
func FromImage(img image.Image) *Luma {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	l := New(w, h)
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			off := (b.Min.Y+y-m.Rect.Min.Y)*m.YStride + (b.Min.X - m.Rect.Min.X)
			copy(l.Pix[y*w:(y+1)*w], m.Y[off:off+w])
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(l.Pix[y*w:(y+1)*w], m.Pix[off:off+w])
		}
	case *image.NRGBA:
		rgbRows(l, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y))
	case *image.RGBA:
		rgbRows(l, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y))
	default:
		n := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(n, n.Rect, img, b.Min, draw.Src)
		rgbRows(l, n.Pix, n.Stride, 0)
	}
	return l
}

// rgbRows fills l from 4-byte-per-pixel RGBx rows starting at off.
func rgbRows(l *Luma, pix []uint8, stride, off int) {
	for y := 0; y < l.H; y++ {
		src := pix[off+y*stride : off+y*stride+4*l.W]
		dst := l.Pix[y*l.W : (y+1)*l.W]
		for x := range dst {
			s := src[4*x : 4*x+3 : 4*x+3]
			// JFIF: Y = 0.299 R + 0.587 G + 0.114 B, 16-bit fixed point.
			dst[x] = uint8((19595*uint32(s[0]) + 38470*uint32(s[1]) + 7471*uint32(s[2]) + 1<<15) >> 16)
		}
	}
}

// Pyramid returns the plane followed by successive 2× box downscales
// (each output pixel the rounded mean of a 2×2 block; an odd last row or
// column is dropped), stopping before a level whose shorter side would fall
// below minSide. The levels are computed once and cached, so the watermark,
// PDQ and visible-label detectors share them. It is safe for concurrent use.
func (l *Luma) Pyramid(minSide int) []*Luma {
	if minSide < 1 {
		minSide = 1
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.levels) == 0 {
		l.levels = []*Luma{l}
	}
	for {
		last := l.levels[len(l.levels)-1]
		if min(last.W, last.H)/2 < minSide {
			break
		}
		l.levels = append(l.levels, last.half())
	}
	n := 0
	for n < len(l.levels) && min(l.levels[n].W, l.levels[n].H) >= minSide {
		n++
	}
	if n == 0 {
		n = 1 // the plane itself is always returned
	}
	out := make([]*Luma, n)
	copy(out, l.levels[:n])
	return out
}

// half returns the 2× box-downscaled plane.
func (l *Luma) half() *Luma {
	o := New(l.W/2, l.H/2)
	for y := 0; y < o.H; y++ {
		r0 := l.Row(2 * y)
		r1 := l.Row(2*y + 1)
		dst := o.Pix[y*o.W : (y+1)*o.W]
		for x := range dst {
			s := uint32(r0[2*x]) + uint32(r0[2*x+1]) + uint32(r1[2*x]) + uint32(r1[2*x+1])
			dst[x] = uint8((s + 2) >> 2)
		}
	}
	return o
}
