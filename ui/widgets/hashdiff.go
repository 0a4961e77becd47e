package widgets

import (
	"encoding/hex"
	"image"
	"image/color"
	"math/bits"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// HashDiff shows two 256-bit perceptual hashes (PDQ) side by side as 16×16
// bit grids — the item's and a feature-library entry's — with the bits
// that differ marked in both, so a reviewer sees what the distance counts
// (Meta HMA's match debugger shows the same).
type HashDiff struct {
	widget.BaseWidget
	a, b       [32]byte
	ok         bool
	labelA     string
	labelB     string
	cell       float32
	rasterA    *canvas.Raster
	rasterB    *canvas.Raster
	captionA   *canvas.Text
	captionB   *canvas.Text
	onlyLabels bool
}

// NewHashDiff makes the widget for hashes given as 64 hex digits; labels
// name them under the grids (the caller translates). Hashes that do not
// parse show nothing but the labels.
func NewHashDiff(hexA, hexB, labelA, labelB string) *HashDiff {
	h := &HashDiff{labelA: labelA, labelB: labelB, cell: 5}
	a, errA := hex.DecodeString(hexA)
	b, errB := hex.DecodeString(hexB)
	if errA == nil && errB == nil && len(a) == 32 && len(b) == 32 {
		copy(h.a[:], a)
		copy(h.b[:], b)
		h.ok = true
	}
	h.ExtendBaseWidget(h)
	return h
}

// Distance is the number of bits that differ (-1 when a hash did not
// parse).
func (h *HashDiff) Distance() int {
	if !h.ok {
		return -1
	}
	d := 0
	for i := range h.a {
		d += bits.OnesCount8(h.a[i] ^ h.b[i])
	}
	return d
}

// bit reports bit i (0–255, row-major in the 16×16 grid) of x.
func bit(x *[32]byte, i int) bool { return x[i/8]>>(7-uint(i%8))&1 == 1 }

func (h *HashDiff) draw(x *[32]byte, other *[32]byte) func(w, hgt int) image.Image {
	return func(w, hgt int) image.Image {
		img := image.NewRGBA(image.Rect(0, 0, 16, 16))
		on := color.NRGBA{0xe8, 0xe8, 0xe8, 0xff}
		off := color.NRGBA{0x30, 0x30, 0x30, 0xff}
		diffOn := color.NRGBA{0xff, 0x8a, 0x3d, 0xff}
		diffOff := color.NRGBA{0xa0, 0x30, 0x10, 0xff}
		for i := 0; i < 256; i++ {
			c := off
			mine, theirs := bit(x, i), bit(other, i)
			switch {
			case mine != theirs && mine:
				c = diffOn
			case mine != theirs:
				c = diffOff
			case mine:
				c = on
			}
			img.Set(i%16, i/16, c)
		}
		return img
	}
}

// CreateRenderer lays the two grids out with their captions.
func (h *HashDiff) CreateRenderer() fyne.WidgetRenderer {
	h.captionA = canvas.NewText(h.labelA, theme.Color(theme.ColorNameForeground))
	h.captionB = canvas.NewText(h.labelB, theme.Color(theme.ColorNameForeground))
	h.captionA.TextSize = theme.CaptionTextSize()
	h.captionB.TextSize = theme.CaptionTextSize()
	side := fyne.NewSize(16*h.cell, 16*h.cell)
	if !h.ok {
		return widget.NewSimpleRenderer(container.NewHBox(h.captionA, h.captionB))
	}
	h.rasterA = canvas.NewRaster(h.draw(&h.a, &h.b))
	h.rasterB = canvas.NewRaster(h.draw(&h.b, &h.a))
	for _, r := range []*canvas.Raster{h.rasterA, h.rasterB} {
		r.ScaleMode = canvas.ImageScalePixels
		r.SetMinSize(side)
	}
	col := func(r *canvas.Raster, t *canvas.Text) fyne.CanvasObject {
		return container.NewVBox(container.NewGridWrap(side, r), t)
	}
	return widget.NewSimpleRenderer(container.NewHBox(col(h.rasterA, h.captionA), col(h.rasterB, h.captionB)))
}
