package widgets

import (
	"image/color"
	"math"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

const (
	lineTickLen    = 4   // length of an x-axis tick in widget units
	lineStroke     = 2   // width of a series' line
	lineDot        = 5   // diameter of a point's dot
	lineMinDotGap  = 10  // points closer than this get no dots (the line says enough)
	lineYTicks     = 4   // intervals on the value axis at most
	lineMaxPoints  = 400 // points per series drawn at most; a longer series shows its last ones
	lineSwatchSide = 10  // side of a legend's colour square
)

// Series is one line of a LineChart.
type Series struct {
	Label string // the legend's text, already translated
	// Values holds one value per x position. NaN and infinities leave a
	// gap; negative values draw as 0 (the chart counts things).
	Values []float64
	Color  fyne.ThemeColorName // "" is the foreground colour
}

// LineChart draws one or more series over the same x positions (days, for
// example) with a value axis starting at 0, x labels under the axis
// (thinned so they never overlap), and a legend. It draws with plain
// canvas lines, circles and texts, so it needs no charting library and
// follows the theme's colours. Methods must be called on the Fyne
// goroutine.
type LineChart struct {
	widget.BaseWidget

	xLabels []string
	series  []Series // values cleaned: negative → 0, non-finite → NaN
	empty   string
}

// NewLineChart returns an empty chart; call SetData and SetPlaceholder.
func NewLineChart() *LineChart {
	c := &LineChart{}
	c.ExtendBaseWidget(c)
	return c
}

// SetData shows series over x positions labelled xLabels. A series
// longer than xLabels has unlabelled positions at the end; at most
// lineMaxPoints positions are drawn (the last ones). No finite value in
// any series shows the placeholder.
func (c *LineChart) SetData(xLabels []string, series []Series) {
	c.xLabels = append([]string(nil), xLabels...)
	c.series = make([]Series, len(series))
	for i, s := range series {
		vals := make([]float64, len(s.Values))
		for j, v := range s.Values {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				vals[j] = math.NaN()
			case v > 0:
				vals[j] = v
			} // negative values stay 0
		}
		s.Values = vals
		if s.Color == "" {
			s.Color = theme.ColorNameForeground
		}
		c.series[i] = s
	}
	c.Refresh()
}

// Series returns a copy of the series shown, with their cleaned values.
func (c *LineChart) Series() []Series {
	out := make([]Series, len(c.series))
	for i, s := range c.series {
		s.Values = append([]float64(nil), s.Values...)
		out[i] = s
	}
	return out
}

// SetPlaceholder sets the text shown when there is nothing to draw, for
// example "No decisions yet".
func (c *LineChart) SetPlaceholder(text string) {
	c.empty = text
	c.Refresh()
}

// points is the number of x positions drawn and the index of the first.
func (c *LineChart) points() (n, first int) {
	for _, s := range c.series {
		n = max(n, len(s.Values))
	}
	n = max(n, len(c.xLabels))
	if n > lineMaxPoints {
		return lineMaxPoints, n - lineMaxPoints
	}
	return n, 0
}

// maxValue is the largest finite value drawn, and false when there is none.
func (c *LineChart) maxValue(first int) (float64, bool) {
	m, have := 0.0, false
	for _, s := range c.series {
		for _, v := range s.Values[min(first, len(s.Values)):] {
			if !math.IsNaN(v) {
				m, have = max(m, v), true
			}
		}
	}
	return m, have
}

// whole reports whether every value drawn is a whole number (counts), so
// the value axis steps by whole numbers too.
func (c *LineChart) whole(first int) bool {
	for _, s := range c.series {
		for _, v := range s.Values[min(first, len(s.Values)):] {
			if !math.IsNaN(v) && v != math.Trunc(v) {
				return false
			}
		}
	}
	return true
}

// CreateRenderer implements fyne.Widget.
func (c *LineChart) CreateRenderer() fyne.WidgetRenderer {
	r := &lineChartRenderer{c: c, placeholder: widget.NewLabel("")}
	r.placeholder.Alignment = fyne.TextAlignCenter
	r.placeholder.Wrapping = fyne.TextWrapWord
	r.update()
	return r
}

// niceStep returns the smallest "nice" step (1, 2, 2.5, 3, 4, 5, 6 or 8
// times a power of ten; a whole number when whole is set) with
// steps×step ≥ top.
func niceStep(top float64, steps int, whole bool) float64 {
	if !(top > 0) || math.IsInf(top, 0) || steps <= 0 {
		return 1
	}
	raw := top / float64(steps)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		s := m * mag
		if whole && s != math.Trunc(s) {
			continue
		}
		if s >= raw {
			return s
		}
	}
	return 10 * mag
}

// formatTick writes an axis value: whole numbers plainly, others with up
// to three significant digits.
func formatTick(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// plotArea is where the lines go, in widget coordinates.
type plotArea struct {
	left, top, width, height float32
}

// pointPos is where value v at position i of n falls in the plot, scaled
// so that yMax is the top.
func (p plotArea) pointPos(i, n int, v, yMax float64) fyne.Position {
	x := p.left + p.width/2
	if n > 1 {
		x = p.left + p.width*float32(i)/float32(n-1)
	}
	frac := float32(0)
	if yMax > 0 {
		frac = float32(math.Min(v/yMax, 1))
	}
	return fyne.NewPos(x, p.top+p.height*(1-frac))
}

// lineChartRenderer rebuilds its canvas objects on every layout or
// refresh: a few hundred lines at most.
type lineChartRenderer struct {
	c *LineChart

	placeholder *widget.Label
	objects     []fyne.CanvasObject

	// kept for tests
	plot    plotArea
	yMax    float64
	dots    [][]*canvas.Circle // per series, per drawn position (nil in a gap or without dots)
	lines   [][]*canvas.Line   // per series, the segments drawn
	yLabels []*canvas.Text
	xLabels []*canvas.Text
	legend  []*canvas.Text
}

func (r *lineChartRenderer) Layout(fyne.Size) { r.update() }

func (r *lineChartRenderer) MinSize() fyne.Size { return fyne.NewSize(240, 140) }

func (r *lineChartRenderer) Refresh() {
	r.update()
	canvas.Refresh(r.c)
}

func (r *lineChartRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *lineChartRenderer) Destroy() {}

func (r *lineChartRenderer) update() {
	c := r.c
	th := c.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	size := c.Size()
	fg := th.Color(theme.ColorNameForeground, variant)
	grid := th.Color(theme.ColorNameDisabled, variant)
	text := func(s string) *canvas.Text {
		t := canvas.NewText(s, fg)
		t.TextSize = th.Size(theme.SizeNameCaptionText)
		return t
	}
	r.dots, r.lines, r.yLabels, r.xLabels, r.legend = nil, nil, nil, nil, nil
	n, first := c.points()
	top, have := c.maxValue(first)
	r.objects = r.objects[:0]
	if !have || n == 0 {
		r.placeholder.Hidden = true
		if c.empty != "" {
			r.placeholder.SetText(c.empty)
			centreLabel(r.placeholder, size)
		}
		r.objects = append(r.objects, r.placeholder)
		return
	}
	r.placeholder.Hidden = true
	pad := theme.Padding()

	legendH := r.layoutLegend(size.Width, text, th, variant)

	step := niceStep(top, lineYTicks, c.whole(first))
	intervals := max(1, min(lineYTicks, int(math.Ceil(top/step-1e-9))))
	r.yMax = step * float64(intervals)
	if math.IsInf(r.yMax, 0) {
		r.yMax, step = top, top/float64(intervals)
	}
	yw := float32(0)
	ticks := make([]*canvas.Text, 0, intervals+1)
	for k := 0; k <= intervals; k++ {
		t := text(formatTick(step * float64(k)))
		yw = max(yw, t.MinSize().Width)
		ticks = append(ticks, t)
	}
	lh := text("0").MinSize().Height
	r.plot = plotArea{left: yw + pad, top: legendH + lh/2}
	r.plot.width = max(0, size.Width-r.plot.left-pad)
	r.plot.height = max(0, size.Height-r.plot.top-lineTickLen-lh)

	for k, t := range ticks {
		y := r.plot.top + r.plot.height*(1-float32(k)/float32(intervals))
		line := canvas.NewRectangle(grid)
		line.Move(fyne.NewPos(r.plot.left, y))
		line.Resize(fyne.NewSize(r.plot.width, 1))
		if k > 0 {
			line.FillColor = withAlpha(grid, 0x40) // the baseline stays solid
		}
		ts := t.MinSize()
		t.Move(fyne.NewPos(yw-ts.Width, y-ts.Height/2))
		t.Resize(ts)
		r.objects = append(r.objects, line, t)
		r.yLabels = append(r.yLabels, t)
	}
	r.layoutXLabels(n, first, text, grid)
	r.layoutSeries(n, first, th, variant)
}

// layoutLegend puts a colour square and the label of each series in rows
// across the top, wrapping when a row is full, and returns its height.
func (r *lineChartRenderer) layoutLegend(width float32, text func(string) *canvas.Text, th fyne.Theme, v fyne.ThemeVariant) float32 {
	pad := theme.Padding()
	x, y, rowH := float32(0), float32(0), float32(0)
	for _, s := range r.c.series {
		t := text(s.Label)
		ts := t.MinSize()
		w := lineSwatchSide + pad + ts.Width
		if x > 0 && x+w > width {
			x, y = 0, y+rowH+pad/2
		}
		sw := canvas.NewRectangle(th.Color(s.Color, v))
		sw.CornerRadius = 2
		sw.Move(fyne.NewPos(x, y+(ts.Height-lineSwatchSide)/2))
		sw.Resize(fyne.NewSize(lineSwatchSide, lineSwatchSide))
		t.Move(fyne.NewPos(x+lineSwatchSide+pad, y))
		t.Resize(ts)
		r.objects = append(r.objects, sw, t)
		r.legend = append(r.legend, t)
		rowH = max(rowH, ts.Height)
		x += w + 2*pad
	}
	if len(r.c.series) == 0 {
		return 0
	}
	return y + rowH + pad
}

// layoutXLabels puts a tick and a label under every k-th position counted
// back from the last, k the smallest step at which the widest label fits
// between ticks.
func (r *lineChartRenderer) layoutXLabels(n, first int, text func(string) *canvas.Text, grid color.Color) {
	labels := r.c.xLabels
	if len(labels) == 0 {
		return
	}
	pad := theme.Padding()
	widest := float32(0)
	for i := first; i < min(first+n, len(labels)); i++ {
		widest = max(widest, text(labels[i]).MinSize().Width)
	}
	step := 1
	if n > 1 && r.plot.width > 0 {
		gap := r.plot.width / float32(n-1)
		step = max(1, int(math.Ceil(float64((widest+2*pad)/gap))))
	}
	y := r.plot.top + r.plot.height
	// Place from the newest position back, so it is always labelled; a
	// label that would touch the one to its right is left out.
	right := float32(math.Inf(1))
	var placed []*canvas.Text
	last := first + n - 1
	for i := last; i >= first; i -= step {
		if i >= len(labels) {
			continue
		}
		x := r.plot.pointPos(i-first, n, 0, 1).X
		t := text(labels[i])
		ts := t.MinSize()
		lx := max(0, min(x-ts.Width/2, r.plot.left+r.plot.width+pad-ts.Width))
		if lx+ts.Width+pad > right {
			continue
		}
		tick := canvas.NewRectangle(grid)
		tick.Move(fyne.NewPos(x, y))
		tick.Resize(fyne.NewSize(1, lineTickLen))
		t.Move(fyne.NewPos(lx, y+lineTickLen))
		t.Resize(ts)
		r.objects = append(r.objects, tick, t)
		placed = append(placed, t)
		right = lx
	}
	slices.Reverse(placed)
	r.xLabels = placed
}

// layoutSeries draws each series as segments between neighbouring finite
// values, with a dot on each point when points are far enough apart, and
// on any point standing alone between gaps.
func (r *lineChartRenderer) layoutSeries(n, first int, th fyne.Theme, v fyne.ThemeVariant) {
	gap := r.plot.width
	if n > 1 {
		gap = r.plot.width / float32(n-1)
	}
	for _, s := range r.c.series {
		col := th.Color(s.Color, v)
		vals := s.Values[min(first, len(s.Values)):]
		dots := make([]*canvas.Circle, n)
		var lines []*canvas.Line
		finite := func(i int) bool { return i >= 0 && i < len(vals) && !math.IsNaN(vals[i]) }
		for i := range min(n, len(vals)) {
			if !finite(i) {
				continue
			}
			p := r.plot.pointPos(i, n, vals[i], r.yMax)
			if finite(i + 1) {
				q := r.plot.pointPos(i+1, n, vals[i+1], r.yMax)
				l := canvas.NewLine(col)
				l.StrokeWidth = lineStroke
				l.Position1, l.Position2 = p, q
				lines = append(lines, l)
				r.objects = append(r.objects, l)
			}
			if gap >= lineMinDotGap || (!finite(i-1) && !finite(i+1)) {
				d := canvas.NewCircle(col)
				d.Move(fyne.NewPos(p.X-lineDot/2, p.Y-lineDot/2))
				d.Resize(fyne.NewSize(lineDot, lineDot))
				dots[i] = d
				r.objects = append(r.objects, d)
			}
		}
		r.dots = append(r.dots, dots)
		r.lines = append(r.lines, lines)
	}
}

// withAlpha returns c with its alpha scaled to a/255.
func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = uint8(uint16(n.A) * uint16(a) / 255)
	return n
}
