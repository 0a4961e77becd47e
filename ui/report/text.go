package report

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"synthreview/assets"
)

// face is one of the fonts a run of text is drawn in. Droid Sans Fallback
// has no Latin glyphs and Noto Sans no CJK ones, so mixed text such as
// "AI生成" is split into runs, each drawn in the font that has its glyphs.
type face uint8

const (
	faceLatin face = iota
	faceLatinBold
	faceCJK
	nFaces
)

// fpdf family names of the faces.
var faceFamily = [nFaces]string{"notosans", "notosansbold", "droidsansfallback"}

// run is a stretch of text drawn in one face.
type run struct {
	face face
	text string
}

// fontSet measures text from the fonts' own tables, so that measuring never
// touches the PDF (fpdf's GetStringWidth needs the font selected, which
// writes to the page). Widths follow fpdf's rounding exactly: 1/1000 em,
// rounded.
type fontSet struct {
	fonts [nFaces]*sfnt.Font
	upem  [nFaces]float64
	buf   sfnt.Buffer
	// cover caches which face draws a rune: 0 unknown, 1+face, or
	// noGlyph when no face has it (it is drawn as "?").
	cover map[rune]uint8
	width [nFaces]map[rune]float64
}

const noGlyph = 0xff

func newFontSet() (*fontSet, error) {
	fs := &fontSet{cover: make(map[rune]uint8, 512)}
	for i, b := range [nFaces][]byte{assets.LatinFont, assets.LatinFontBold, assets.CJKFont} {
		f, err := sfnt.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("parse font %s: %w", faceFamily[i], err)
		}
		fs.fonts[i] = f
		fs.upem[i] = float64(f.UnitsPerEm())
		fs.width[i] = make(map[rune]float64, 256)
	}
	return fs, nil
}

func (fs *fontSet) has(f face, r rune) bool {
	gi, err := fs.fonts[f].GlyphIndex(&fs.buf, r)
	return err == nil && gi != 0
}

// clean maps a rune to what is drawn: control characters become spaces,
// and runes outside the Basic Multilingual Plane (fpdf's UTF-8 fonts map
// 16-bit codes only) or in no font become "?".
func (fs *fontSet) clean(r rune) (rune, face) {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return ' ', faceLatin
	case r < 0x20 || (r >= 0x7f && r < 0xa0) || r == utf8.RuneError || r > 0xffff:
		return '?', faceLatin
	}
	c := fs.cover[r]
	if c == 0 {
		switch {
		case fs.has(faceLatin, r):
			c = 1 + uint8(faceLatin)
		case fs.has(faceCJK, r):
			c = 1 + uint8(faceCJK)
		default:
			c = noGlyph
		}
		fs.cover[r] = c
	}
	if c == noGlyph {
		return '?', faceLatin
	}
	return r, face(c - 1)
}

// runs splits s into runs of one face each; bold picks the bold Latin face
// (the CJK font has one weight: bold CJK is drawn with a stroke instead).
func (fs *fontSet) runs(s string, bold bool) []run {
	var out []run
	var b strings.Builder
	cur := face(nFaces)
	for _, r := range s {
		r, f := fs.clean(r)
		if bold && f == faceLatin {
			f = faceLatinBold
		}
		if f != cur && b.Len() > 0 {
			out = append(out, run{cur, b.String()})
			b.Reset()
		}
		cur = f
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{cur, b.String()})
	}
	return out
}

// runeWidth is the advance of r in f, in 1/1000 em, rounded as fpdf does.
func (fs *fontSet) runeWidth(f face, r rune) float64 {
	if w, ok := fs.width[f][r]; ok {
		return w
	}
	var w float64
	gi, err := fs.fonts[f].GlyphIndex(&fs.buf, r)
	if err == nil && gi != 0 {
		adv, err := fs.fonts[f].GlyphAdvance(&fs.buf, gi, fixed.I(int(fs.upem[f])), font.HintingNone)
		if err == nil {
			w = math.Round(float64(adv) / 64 * 1000 / fs.upem[f])
		}
	}
	fs.width[f][r] = w
	return w
}

// ptToMM converts points to millimetres.
const ptToMM = 25.4 / 72

// width1 is the width of one line of s in millimetres at size points.
func (fs *fontSet) width1(s string, bold bool, size float64) float64 {
	var w float64
	for _, r := range s {
		r, f := fs.clean(r)
		if bold && f == faceLatin {
			f = faceLatinBold
		}
		w += fs.runeWidth(f, r)
	}
	return w * size / 1000 * ptToMM
}

// breakAfter reports whether a line may break after r: after spaces and
// hyphens, and between CJK characters (Chinese has no spaces).
func breakAfter(r, next rune) bool {
	switch {
	case r == ' ' || r == '-' || r == '/' || r == ',' || r == ';' || r == '_':
		return true
	case isCJK(r) || isCJK(next):
		// CJK closing punctuation must not start a line.
		return !strings.ContainsRune("，。、；：！？）》」』”’", next)
	}
	return false
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// wrap breaks s into lines no wider than maxW millimetres at size points.
// It breaks at spaces and between CJK characters, and inside a word only
// when the word alone is too wide (hashes, long ids). Hard line breaks in s
// are kept. At most maxLines lines are returned (0: no limit); a cut text
// ends in "…".
func (fs *fontSet) wrap(s string, bold bool, size, maxW float64, maxLines int) []string {
	if maxW <= 0 {
		return []string{s}
	}
	scale := size / 1000 * ptToMM
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		if maxLines > 0 && len(lines) > maxLines {
			break
		}
		rs := []rune(para)
		if len(rs) == 0 {
			lines = append(lines, "")
			continue
		}
		for start := 0; start < len(rs); {
			if maxLines > 0 && len(lines) > maxLines {
				break
			}
			w := 0.0
			end := start
			lastBreak := -1
			for end < len(rs) {
				r, f := fs.clean(rs[end])
				if bold && f == faceLatin {
					f = faceLatinBold
				}
				rw := fs.runeWidth(f, r) * scale
				if w+rw > maxW && end > start {
					break
				}
				w += rw
				var next rune
				if end+1 < len(rs) {
					next = rs[end+1]
				}
				if breakAfter(rs[end], next) {
					lastBreak = end + 1
				}
				end++
			}
			if end < len(rs) && lastBreak > start {
				end = lastBreak
			}
			lines = append(lines, strings.TrimRight(string(rs[start:end]), " "))
			start = end
			for start < len(rs) && rs[start] == ' ' {
				start++
			}
		}
	}
	if maxLines > 0 && len(lines) > maxLines {
		lines = lines[:maxLines]
		last := []rune(lines[maxLines-1])
		for len(last) > 0 && fs.width1(string(last)+"…", bold, size) > maxW {
			last = last[:len(last)-1]
		}
		lines[maxLines-1] = string(last) + "…"
	}
	return lines
}

// ellipsize cuts s to fit maxW millimetres, ending in "…".
func (fs *fontSet) ellipsize(s string, bold bool, size, maxW float64) string {
	if fs.width1(s, bold, size) <= maxW {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && fs.width1(string(rs)+"…", bold, size) > maxW {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// abbrev shortens s to at most n runes, ending in "…".
func abbrev(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}
