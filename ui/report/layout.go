package report

import (
	"fmt"
	"math"
	"strconv"

	"github.com/go-pdf/fpdf"

	"synthreview/assets"
)

// Page geometry, in millimetres (A4 portrait).
const (
	pageW        = 210.0
	pageH        = 297.0
	marginL      = 16.0
	marginR      = 16.0
	marginTop    = 20.0
	marginBottom = 15.0
	contentW     = pageW - marginL - marginR
	bottomY      = pageH - marginBottom
)

// Type sizes, in points.
const (
	sizeTitle = 22.0
	sizeH1    = 14.0
	sizeH2    = 10.5
	sizeBody  = 9.0
	sizeTable = 7.5
	sizeSmall = 6.5
)

type rgb struct{ r, g, b int }

var (
	colText      = rgb{33, 37, 41}
	colMuted     = rgb{108, 117, 125}
	colRule      = rgb{206, 212, 218}
	colHeadFill  = rgb{233, 238, 244}
	colZebra     = rgb{248, 249, 251}
	colBar       = rgb{52, 101, 164}
	colBarAlt    = rgb{120, 160, 205}
	colBarTrack  = rgb{236, 239, 243}
	colWarn      = rgb{176, 58, 46}
	colThumbBack = rgb{241, 243, 245}
)

// doc is one document being laid out: the fpdf document, the fonts that
// measure its text, its words, and the cursor.
type doc struct {
	f     *fpdf.Fpdf
	fonts *fontSet
	w     *words
	y     float64
	// header is the running head of every page but the first.
	header string
	noHead bool
}

func newDoc(w *words) (*doc, error) {
	fonts, err := newFontSet()
	if err != nil {
		return nil, err
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(marginL, marginTop, marginR)
	f.SetAutoPageBreak(false, 0)
	f.SetCompression(true)
	f.AddUTF8FontFromBytes(faceFamily[faceLatin], "", assets.LatinFont)
	f.AddUTF8FontFromBytes(faceFamily[faceLatinBold], "", assets.LatinFontBold)
	f.AddUTF8FontFromBytes(faceFamily[faceCJK], "", assets.CJKFont)
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("load fonts: %w", err)
	}
	d := &doc{f: f, fonts: fonts, w: w}
	f.SetHeaderFunc(d.drawHeader)
	return d, nil
}

func (d *doc) setColor(c rgb)      { d.f.SetTextColor(c.r, c.g, c.b) }
func (d *doc) setFill(c rgb)       { d.f.SetFillColor(c.r, c.g, c.b) }
func (d *doc) setDraw(c rgb)       { d.f.SetDrawColor(c.r, c.g, c.b) }
func lineH(size float64) float64   { return size * ptToMM * 1.32 }
func (d *doc) newPage()            { d.f.AddPage(); d.y = marginTop }
func (d *doc) room(h float64) bool { return d.y+h <= bottomY }

// ensure starts a new page unless h millimetres still fit.
func (d *doc) ensure(h float64) {
	if !d.room(h) {
		d.newPage()
	}
}

// text draws one line of s with its left edge at x and its top at top,
// splitting it into runs of one font each.
func (d *doc) text(x, top float64, s string, bold bool, size float64, c rgb) {
	baseline := top + lineH(size)*0.5 + size*ptToMM*0.35
	d.setColor(c)
	for _, r := range d.fonts.runs(s, bold) {
		fam := faceFamily[r.face]
		d.f.SetFont(fam, "", size)
		if bold && r.face == faceCJK {
			// Droid Sans Fallback has one weight: fill and stroke the
			// glyphs for a bold look (text rendering mode 2).
			d.f.SetLineWidth(size * 0.03 * ptToMM)
			d.setDraw(c)
			d.f.SetTextRenderingMode(2)
			d.f.Text(x, baseline, r.text)
			d.f.SetTextRenderingMode(0)
		} else {
			d.f.Text(x, baseline, r.text)
		}
		x += d.fonts.width1(r.text, bold, size)
	}
}

// textRight draws s ending at x.
func (d *doc) textRight(x, top float64, s string, bold bool, size float64, c rgb) {
	d.text(x-d.fonts.width1(s, bold, size), top, s, bold, size, c)
}

// textCenter draws s centred on x.
func (d *doc) textCenter(x, top float64, s string, bold bool, size float64, c rgb) {
	d.text(x-d.fonts.width1(s, bold, size)/2, top, s, bold, size, c)
}

// para draws wrapped text across width w from the cursor, breaking pages
// as needed, and moves the cursor below it.
func (d *doc) para(s string, bold bool, size float64, c rgb) {
	d.paraAt(marginL, contentW, s, bold, size, c)
}

func (d *doc) paraAt(x, w float64, s string, bold bool, size float64, c rgb) {
	lh := lineH(size)
	for _, line := range d.fonts.wrap(s, bold, size, w, 0) {
		d.ensure(lh)
		d.text(x, d.y, line, bold, size, c)
		d.y += lh
	}
}

// h1 starts a section: a heading and an outline entry, on a new page when
// newPage is set or less than a third of a page is left.
func (d *doc) h1(s string, newPage bool) {
	if newPage || d.f.PageNo() == 0 || !d.room(90) {
		d.newPage()
	} else {
		d.y += 6
	}
	d.f.SetFont(faceFamily[faceLatin], "", sizeH1)
	d.f.Bookmark(s, 0, -1)
	d.text(marginL, d.y, s, true, sizeH1, colText)
	d.y += lineH(sizeH1) + 1
	d.setDraw(colBar)
	d.f.SetLineWidth(0.5)
	d.f.Line(marginL, d.y, marginL+contentW, d.y)
	d.y += 4
}

// h2 is a sub-heading, kept with at least keep millimetres below it.
func (d *doc) h2(s string, keep float64) {
	d.y += 2
	d.ensure(lineH(sizeH2) + 2 + keep)
	d.text(marginL, d.y, s, true, sizeH2, colText)
	d.y += lineH(sizeH2) + 1.5
}

func (d *doc) drawHeader() {
	if d.noHead || d.f.PageNo() == 1 {
		return
	}
	y := 9.0
	d.text(marginL, y, d.fonts.ellipsize(d.header, false, sizeSmall, contentW), false, sizeSmall, colMuted)
	d.setDraw(colRule)
	d.f.SetLineWidth(0.2)
	d.f.Line(marginL, y+lineH(sizeSmall)+0.8, pageW-marginR, y+lineH(sizeSmall)+0.8)
}

// footers numbers every page "page X of Y", once the page count is known
// (going back to each page, rather than fpdf's alias for the count, keeps
// centred text centred).
func (d *doc) footers() {
	n := d.f.PageNo()
	for i := 1; i <= n; i++ {
		d.f.SetPage(i)
		s := d.w.F("page", i, n)
		d.textCenter(pageW/2, pageH-11, s, false, sizeSmall, colMuted)
	}
	d.f.SetPage(n)
}

// column is one column of a table.
type column struct {
	title string
	width float64 // millimetres
	right bool    // right-aligned (numbers)
	max   int     // at most this many lines in a cell (0: 8)
}

// table draws rows under a header that repeats on every page the table
// reaches. row(i) returns the cells of row i, so that long tables are
// laid out row by row rather than built whole in memory first. tick, when
// set, is called after every row; the table stops early when it returns
// true (the work was cancelled).
func (d *doc) table(cols []column, n int, size float64, row func(i int) []string, tick func() bool) {
	const pad = 1.2
	lh := lineH(size)
	// cells writes one line of cells, each wrapped already, at d.y.
	cells := func(lines [][]string, bold bool) {
		x := marginL
		for j, c := range cols {
			for k, line := range lines[j] {
				top := d.y + pad + float64(k)*lh
				if c.right {
					d.textRight(x+c.width-pad, top, line, bold, size, colText)
				} else {
					d.text(x+pad, top, line, bold, size, colText)
				}
			}
			x += c.width
		}
	}
	header := func() {
		h := 0.0
		wrapped := make([][]string, len(cols))
		for j, c := range cols {
			wrapped[j] = d.fonts.wrap(c.title, true, size, c.width-2*pad, 3)
			h = math.Max(h, float64(len(wrapped[j]))*lh+2*pad)
		}
		d.setFill(colHeadFill)
		d.f.Rect(marginL, d.y, tableW(cols), h, "F")
		cells(wrapped, true)
		d.y += h
	}
	d.ensure(3 * lh)
	header()
	wrapped := make([][]string, len(cols))
	for i := range n {
		vals := row(i)
		h := 0.0
		for j, c := range cols {
			v := ""
			if j < len(vals) {
				v = vals[j]
			}
			maxl := c.max
			if maxl == 0 {
				maxl = 8
			}
			wrapped[j] = d.fonts.wrap(v, false, size, c.width-2*pad, maxl)
			h = math.Max(h, float64(len(wrapped[j]))*lh+2*pad)
		}
		if !d.room(h) {
			d.newPage()
			header()
		}
		if i%2 == 1 {
			d.setFill(colZebra)
			d.f.Rect(marginL, d.y, tableW(cols), h, "F")
		}
		cells(wrapped, false)
		d.y += h
		d.setDraw(colRule)
		d.f.SetLineWidth(0.1)
		d.f.Line(marginL, d.y, marginL+tableW(cols), d.y)
		if tick != nil && tick() {
			break
		}
	}
	d.y += 3
}

func tableW(cols []column) float64 {
	w := 0.0
	for _, c := range cols {
		w += c.width
	}
	return w
}

// kv draws label–value pairs in two columns at x, width w.
func (d *doc) kv(x, w, labelW float64, pairs [][2]string, size float64) {
	lh := lineH(size)
	for _, p := range pairs {
		lines := d.fonts.wrap(p[1], false, size, w-labelW, 6)
		h := float64(len(lines))*lh + 0.8
		d.ensure(h)
		d.text(x, d.y, d.fonts.ellipsize(p[0], false, size, labelW-2), false, size, colMuted)
		for k, line := range lines {
			d.text(x+labelW, d.y+float64(k)*lh, line, false, size, colText)
		}
		d.y += h
	}
}

// kvGrid draws short label–value pairs two to a row.
func (d *doc) kvGrid(pairs [][2]string, size float64) {
	const labelW = 44.0
	lh := lineH(size) + 0.8
	half := contentW / 2
	for i := 0; i < len(pairs); i += 2 {
		d.ensure(lh)
		for j := i; j < i+2 && j < len(pairs); j++ {
			x := marginL + float64(j-i)*half
			d.text(x, d.y, d.fonts.ellipsize(pairs[j][0], false, size, labelW-2), false, size, colMuted)
			d.text(x+labelW, d.y, d.fonts.ellipsize(pairs[j][1], true, size, half-labelW-4), true, size, colText)
		}
		d.y += lh
	}
}

// bar is one bar of a chart.
type bar struct {
	label string
	value float64
	text  string // the value as printed
}

// bars draws a horizontal bar chart; full is the value of a full-width
// bar (0: the largest value).
func (d *doc) bars(bs []bar, full float64) {
	const labelW, valueW, gap = 62.0, 24.0, 2.0
	trackW := contentW - labelW - valueW - 2*gap
	size := sizeTable
	rowH := lineH(size) + 1.0
	if full <= 0 {
		for _, b := range bs {
			full = math.Max(full, b.value)
		}
	}
	for i, b := range bs {
		d.ensure(rowH)
		d.text(marginL, d.y+0.5, d.fonts.ellipsize(b.label, false, size, labelW-gap), false, size, colText)
		x := marginL + labelW
		d.setFill(colBarTrack)
		d.f.Rect(x, d.y+0.8, trackW, rowH-1.6, "F")
		if full > 0 && b.value > 0 {
			c := colBar
			if i%2 == 1 {
				c = colBarAlt
			}
			d.setFill(c)
			d.f.Rect(x, d.y+0.8, math.Max(0.4, trackW*math.Min(b.value/full, 1)), rowH-1.6, "F")
		}
		d.textRight(marginL+contentW, d.y+0.5, b.text, false, size, colText)
		d.y += rowH
	}
	d.y += 2
}

// itoa formats n with thousands separators.
func itoa(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// pct formats part of whole as a percentage with one decimal.
func pct(part, whole int) string {
	if whole <= 0 {
		return "–"
	}
	return strconv.FormatFloat(100*float64(part)/float64(whole), 'f', 1, 64) + "%"
}
