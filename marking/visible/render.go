// Package visible draws the visible (explicit) AI label on images and finds
// and measures visible labels in images (GB 45438-2025 §5.2, LM Art. 4(3),
// requirements.md §2: text on an edge or corner, text height at least 5 % of
// the shorter side).
//
// Draw renders the label text with the shipped CJK font (assets.CJKFont)
// and a Latin font (Go Bold) on an opaque backing plate, sized by the
// measured ink height of the text. Detect finds labels SynthReview draws —
// at any size, on any corner or edge, after JPEG re-encoding and resizing —
// and corner marks from a Bank that a manager can extend with PNG crops.
//
// Package visible must not import Fyne, database/sql, review, store, ui or
// app (style.md §2), nor the top-level marking package, which calls Detect
// through ScanOptions.Pixels.
package visible

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"synthreview/assets"
)

// MaxTextRunes bounds the label text.
const MaxTextRunes = 32

// inkThreshold is the coverage (of 255) from which a pixel counts as inked
// when measuring text height: half coverage, the edge a reader sees.
const inkThreshold = 128

type fontSet struct {
	cjk, latin *opentype.Font
}

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	cjk, err := opentype.Parse(assets.CJKFont)
	if err != nil {
		return nil, fmt.Errorf("parse CJK font: %w", err)
	}
	latin, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse Latin font: %w", err)
	}
	return &fontSet{cjk: cjk, latin: latin}, nil
})

func hasGlyph(f *opentype.Font, r rune) bool {
	var b sfnt.Buffer
	i, err := f.GlyphIndex(&b, r)
	return err == nil && i != 0
}

// CheckText checks a label text: valid UTF-8, at most MaxTextRunes runes,
// no control characters, and the GB 45438-2025 §5.1 common rule — an AI
// element ("AI" or "人工智能") and a generation element ("生成" or "合成").
func CheckText(text string) error {
	if !utf8.ValidString(text) {
		return errors.New("visible label text is not valid UTF-8")
	}
	n := utf8.RuneCountInString(text)
	if n == 0 {
		return errors.New("visible label text is empty")
	}
	if n > MaxTextRunes {
		return fmt.Errorf("visible label text has %d characters, over the %d limit", n, MaxTextRunes)
	}
	for _, r := range text {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("visible label text contains control character %U", r)
		}
	}
	ai := strings.Contains(strings.ToUpper(text), "AI") || strings.Contains(text, "人工智能")
	gen := strings.Contains(text, "生成") || strings.Contains(text, "合成")
	if !ai || !gen {
		return fmt.Errorf("visible label text %q lacks an AI element (\"AI\" or \"人工智能\") and a generation element (\"生成\" or \"合成\"), GB 45438-2025 5.1", text)
	}
	return nil
}

// glyphRun is a rune and the font chosen for it.
type glyphRun struct {
	r    rune
	font *opentype.Font
}

func runsFor(fs *fontSet, text string) ([]glyphRun, error) {
	var out []glyphRun
	for _, r := range text {
		var f *opentype.Font
		switch {
		case r < 0x2E80 && hasGlyph(fs.latin, r):
			f = fs.latin
		case hasGlyph(fs.cjk, r):
			f = fs.cjk
		case hasGlyph(fs.latin, r):
			f = fs.latin
		default:
			return nil, fmt.Errorf("no shipped font has a glyph for %q (%U)", r, r)
		}
		out = append(out, glyphRun{r: r, font: f})
	}
	return out, nil
}

// rendered is text drawn as coverage with its measured ink box.
type rendered struct {
	mask *image.Alpha
	ink  image.Rectangle // pixels with coverage ≥ inkThreshold
}

// renderAt draws text at font size px (pixels per em).
func renderAt(runs []glyphRun, px float64) (rendered, error) {
	faces := map[*opentype.Font]font.Face{}
	defer func() {
		for _, f := range faces {
			f.Close()
		}
	}()
	face := func(f *opentype.Font) (font.Face, error) {
		if fc, ok := faces[f]; ok {
			return fc, nil
		}
		fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return nil, err
		}
		faces[f] = fc
		return fc, nil
	}
	var adv fixed.Int26_6
	asc, desc := fixed.Int26_6(0), fixed.Int26_6(0)
	for _, g := range runs {
		fc, err := face(g.font)
		if err != nil {
			return rendered{}, err
		}
		a, _ := fc.GlyphAdvance(g.r)
		adv += a
		m := fc.Metrics()
		asc, desc = max(asc, m.Ascent), max(desc, m.Descent)
	}
	pad := int(px/4) + 2
	w, h := adv.Ceil()+2*pad, (asc+desc).Ceil()+2*pad
	if w <= 0 || h <= 0 || w*h > 64<<20 {
		return rendered{}, errors.New("label text renders to an impossible size")
	}
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	dot := fixed.Point26_6{X: fixed.I(pad), Y: fixed.I(pad) + asc}
	for _, g := range runs {
		fc, _ := face(g.font)
		d := font.Drawer{Dst: mask, Src: image.Opaque, Face: fc, Dot: dot}
		d.DrawString(string(g.r))
		dot = d.Dot
	}
	return rendered{mask: mask, ink: inkBox(mask)}, nil
}

// inkBox is the bounding box of pixels at or above inkThreshold.
func inkBox(m *image.Alpha) image.Rectangle {
	b := m.Bounds()
	r := image.Rectangle{Min: b.Max, Max: b.Min}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[(y-b.Min.Y)*m.Stride:]
		for x := 0; x < b.Dx(); x++ {
			if row[x] >= inkThreshold {
				r = r.Union(image.Rect(b.Min.X+x, y, b.Min.X+x+1, y+1))
			}
		}
	}
	if r.Empty() {
		return image.Rectangle{}
	}
	return r
}

// renderInk draws text so that its measured ink height is at least inkPx
// (and as close to it as the font allows).
func renderInk(text string, inkPx int) (rendered, error) {
	if inkPx < 4 || inkPx > 4096 {
		return rendered{}, fmt.Errorf("ink height %d px is out of range (4–4096)", inkPx)
	}
	fs, err := loadFonts()
	if err != nil {
		return rendered{}, err
	}
	runs, err := runsFor(fs, text)
	if err != nil {
		return rendered{}, err
	}
	ref, err := renderAt(runs, 100)
	if err != nil {
		return rendered{}, err
	}
	if ref.ink.Dy() == 0 {
		return rendered{}, fmt.Errorf("label text %q draws no ink", text)
	}
	px := 100 * float64(inkPx) / float64(ref.ink.Dy())
	var r rendered
	for i := 0; i < 8; i++ {
		if r, err = renderAt(runs, px); err != nil {
			return rendered{}, err
		}
		if r.ink.Dy() >= inkPx {
			return r, nil
		}
		px *= 1 + 0.5/float64(inkPx) + 0.01
	}
	return rendered{}, fmt.Errorf("could not reach an ink height of %d px", inkPx)
}

// plate geometry, in units of the ink height, shared by Draw and the
// templates so that detection matches what mark draws.
const (
	platePad    = 0.35 // padding around the ink box
	plateMargin = 0.02 // distance from the image edges, of the shorter side
	plateLuma   = 16   // plate grey level (opaque), text is white
)

// labelImage is the label as drawn: plate with white text, as grey levels,
// and the ink box inside it.
func labelImage(text string, inkPx int) (*image.Gray, image.Rectangle, error) {
	r, err := renderInk(text, inkPx)
	if err != nil {
		return nil, image.Rectangle{}, err
	}
	pad := int(platePad*float64(r.ink.Dy()) + 0.5)
	pw, ph := r.ink.Dx()+2*pad, r.ink.Dy()+2*pad
	g := image.NewGray(image.Rect(0, 0, pw, ph))
	off := r.ink.Min.Sub(image.Pt(pad, pad))
	for y := 0; y < ph; y++ {
		for x := 0; x < pw; x++ {
			a := 0
			if p := image.Pt(x, y).Add(off); p.In(r.mask.Bounds()) {
				a = int(r.mask.AlphaAt(p.X, p.Y).A)
			}
			g.Pix[y*g.Stride+x] = uint8((plateLuma*(255-a) + 255*a) / 255)
		}
	}
	return g, image.Rect(pad, pad, pad+r.ink.Dx(), pad+r.ink.Dy()), nil
}

// Position names where the label goes.
type Position string

// Positions Draw accepts (the mark command's --position values).
const (
	BottomRight Position = "br"
	BottomLeft  Position = "bl"
	TopRight    Position = "tr"
	TopLeft     Position = "tl"
	Top         Position = "top"
	Bottom      Position = "bottom"
)

// ParsePosition accepts br, bl, tr, tl, top, bottom (and the long forms
// bottom-right etc.).
func ParsePosition(s string) (Position, error) {
	switch strings.ToLower(s) {
	case "", "br", "bottom-right":
		return BottomRight, nil
	case "bl", "bottom-left":
		return BottomLeft, nil
	case "tr", "top-right":
		return TopRight, nil
	case "tl", "top-left":
		return TopLeft, nil
	case "top":
		return Top, nil
	case "bottom":
		return Bottom, nil
	}
	return "", fmt.Errorf("position %q: use br, bl, tr, tl, top or bottom", s)
}

// MinHeightRatio is the ink height Draw uses by default: 6 % of the shorter
// side, so the label still passes the 5 % rule (GB 45438-2025 5.2) after
// moderate resizing and re-encoding.
const MinHeightRatio = 0.06

// Options tunes Draw.
type Options struct {
	Position Position
	// HeightRatio is the ink height over the shorter side; 0 means
	// MinHeightRatio. Values below MinHeightRatio are refused.
	HeightRatio float64
}

// Placement says where Draw put the label.
type Placement struct {
	Plate       image.Rectangle // the backing plate
	Ink         image.Rectangle // the measured ink box of the text
	HeightRatio float64         // ink height / shorter side
}

// placeAt returns the top-left corner of an lw×lh label at pos in a w×h
// image, m pixels from the edges.
func placeAt(pos Position, w, h, lw, lh, m int) (int, int, error) {
	switch pos {
	case TopLeft:
		return m, m, nil
	case TopRight:
		return w - m - lw, m, nil
	case BottomLeft:
		return m, h - m - lh, nil
	case BottomRight:
		return w - m - lw, h - m - lh, nil
	case Top:
		return (w - lw) / 2, m, nil
	case Bottom:
		return (w - lw) / 2, h - m - lh, nil
	}
	return 0, 0, fmt.Errorf("position %q: use br, bl, tr, tl, top or bottom", pos)
}

// blankLike allocates the output: 16-bit when img has 16 bits per channel.
func blankLike(img image.Image, w, h int) draw.Image {
	switch img.(type) {
	case *image.RGBA64, *image.NRGBA64, *image.Gray16:
		return image.NewNRGBA64(image.Rect(0, 0, w, h))
	}
	return image.NewNRGBA(image.Rect(0, 0, w, h))
}

// MaxDrawPixels bounds the images Draw accepts (100 megapixels).
const MaxDrawPixels = 100_000_000

// Draw returns a copy of img with the label text drawn on a backing plate at
// the chosen corner or edge. The ink height (measured on the rendered glyphs,
// not the font size) is at least HeightRatio × the shorter side. The copy
// keeps 16-bit depth when img has it; otherwise it is NRGBA.
func Draw(img image.Image, text string, opts Options) (draw.Image, Placement, error) {
	if err := CheckText(text); err != nil {
		return nil, Placement{}, err
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 || int64(w)*int64(h) > MaxDrawPixels {
		return nil, Placement{}, fmt.Errorf("image is %d×%d: outside the 1–%d pixel range for drawing", w, h, MaxDrawPixels)
	}
	ratio := opts.HeightRatio
	if ratio == 0 {
		ratio = MinHeightRatio
	}
	if ratio < MinHeightRatio || ratio > 0.5 {
		return nil, Placement{}, fmt.Errorf("label height ratio %.3f: must be between %.2f and 0.5", ratio, MinHeightRatio)
	}
	pos := opts.Position
	if pos == "" {
		pos = BottomRight
	}
	short := min(w, h)
	inkPx := int(ratio*float64(short) + 0.999)
	if inkPx < 8 {
		return nil, Placement{}, fmt.Errorf("image is %d×%d: too small for a legible label (ink height would be %d px, need 8)", w, h, inkPx)
	}
	label, ink, err := labelImage(text, inkPx)
	if err != nil {
		return nil, Placement{}, err
	}
	lw, lh := label.Bounds().Dx(), label.Bounds().Dy()
	m := int(plateMargin*float64(short) + 0.5)
	if lw+2*m > w || lh+2*m > h {
		return nil, Placement{}, fmt.Errorf("label %q at %.0f%% ink height needs %d×%d px, the image is %d×%d", text, ratio*100, lw+2*m, lh+2*m, w, h)
	}
	x, y, err := placeAt(pos, w, h, lw, lh, m)
	if err != nil {
		return nil, Placement{}, err
	}
	out := blankLike(img, w, h)
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	plate := image.Rect(x, y, x+lw, y+lh)
	draw.Draw(out, plate, label, image.Point{}, draw.Src)
	inkAt := ink.Add(plate.Min)
	return out, Placement{Plate: plate, Ink: inkAt, HeightRatio: float64(ink.Dy()) / float64(short)}, nil
}
