// Package widgets holds SynthReview's custom Fyne widgets. Like ui it may
// import Fyne (never fyne.io/fyne/v2/app), and must not import database/sql,
// synthreview/store/... or synthreview/app (style.md §2). Widgets take plain
// values: callers translate their text.
package widgets

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Bar is one row of a BarChart.
type Bar struct {
	Label string              // shown left of the bar, already translated
	Value int                 // the count; negative values draw as zero
	Text  string              // shown instead of Value when not empty, e.g. "—" for unknown
	Color fyne.ThemeColorName // fill colour of the bar, from the theme; "" is the foreground colour
}

// BarChart is a horizontal bar chart: one row per Bar with its label, a bar
// whose length is proportional to its value (the longest bar fills the
// row), and the value. It draws with plain rectangles so it needs no
// charting library and follows the theme's colours.
type BarChart struct {
	widget.BaseWidget

	bars  []Bar
	rows  *fyne.Container
	rects []*canvas.Rectangle
}

// NewBarChart returns a chart showing bars.
func NewBarChart(bars []Bar) *BarChart {
	c := &BarChart{rows: container.New(&chartLayout{})}
	c.ExtendBaseWidget(c)
	c.SetBars(bars)
	return c
}

// Bars returns a copy of the rows the chart shows.
func (c *BarChart) Bars() []Bar {
	return append([]Bar(nil), c.bars...)
}

// SetBars replaces the rows and redraws the chart.
func (c *BarChart) SetBars(bars []Bar) {
	c.bars = append([]Bar(nil), bars...)
	maxV := 0
	for i, b := range c.bars {
		maxV = max(maxV, b.Value)
		if b.Color == "" {
			c.bars[i].Color = theme.ColorNameForeground
		}
	}
	objs := make([]fyne.CanvasObject, 0, 2*len(c.bars))
	c.rects = c.rects[:0]
	for _, b := range c.bars {
		rect := canvas.NewRectangle(c.Theme().Color(b.Color, fyne.CurrentApp().Settings().ThemeVariant()))
		rect.CornerRadius = theme.InputRadiusSize()
		frac := float32(0)
		if maxV > 0 && b.Value > 0 {
			frac = float32(b.Value) / float32(maxV)
		}
		rect.Hidden = frac == 0 // a zero-width rounded rectangle still draws a sliver
		c.rects = append(c.rects, rect)
		text := b.Text
		if text == "" {
			text = strconv.Itoa(b.Value)
		}
		value := widget.NewLabel(text)
		value.Alignment = fyne.TextAlignTrailing
		bar := container.New(&fractionLayout{frac: frac}, rect)
		objs = append(objs, widget.NewLabel(b.Label), bar, value)
	}
	c.rows.Objects = objs
	c.rows.Refresh()
	c.Refresh()
}

// Refresh re-reads the theme colours of the bars.
func (c *BarChart) Refresh() {
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	for i, r := range c.rects {
		r.FillColor = th.Color(c.bars[i].Color, v)
		r.Refresh()
	}
	c.BaseWidget.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (c *BarChart) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(c.rows)
}

// chartLayout lays out objects in threes (label, bar, value) as rows of a
// table: the label and value columns are as wide as their widest cell and
// every bar gets the same width in between, so bar lengths compare.
type chartLayout struct{}

func (l *chartLayout) columns(objs []fyne.CanvasObject) (lw, bw, vw float32, rowH []float32) {
	for i := 0; i+2 < len(objs); i += 3 {
		lw = max(lw, objs[i].MinSize().Width)
		bw = max(bw, objs[i+1].MinSize().Width)
		vw = max(vw, objs[i+2].MinSize().Width)
		h := max(objs[i].MinSize().Height, objs[i+1].MinSize().Height, objs[i+2].MinSize().Height)
		rowH = append(rowH, h)
	}
	return lw, bw, vw, rowH
}

func (l *chartLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	lw, _, vw, rowH := l.columns(objs)
	pad := theme.Padding()
	barW := max(size.Width-lw-vw-2*pad, 0)
	y := float32(0)
	for i, h := range rowH {
		label, bar, value := objs[3*i], objs[3*i+1], objs[3*i+2]
		label.Move(fyne.NewPos(0, y))
		label.Resize(fyne.NewSize(lw, h))
		bar.Move(fyne.NewPos(lw+pad, y))
		bar.Resize(fyne.NewSize(barW, h))
		value.Move(fyne.NewPos(lw+pad+barW+pad, y))
		value.Resize(fyne.NewSize(vw, h))
		y += h + pad
	}
}

func (l *chartLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	lw, bw, vw, rowH := l.columns(objs)
	pad := theme.Padding()
	h := float32(0)
	for i, rh := range rowH {
		if i > 0 {
			h += pad
		}
		h += rh
	}
	return fyne.NewSize(lw+bw+vw+2*pad, h)
}

// fractionLayout gives its only object frac of the available width, at
// most the text height tall and centred vertically.
type fractionLayout struct {
	frac float32
}

func (l *fractionLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	h := min(size.Height, theme.TextSize())
	for _, o := range objs {
		w := size.Width * l.frac
		if l.frac > 0 {
			w = max(w, 2) // a count of 1 among thousands stays visible
		}
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(0, (size.Height-h)/2))
	}
}

func (l *fractionLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(theme.TextSize()*6, theme.TextSize())
}
