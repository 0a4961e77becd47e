package widgets

import (
	"fmt"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func lineRenderer(t *testing.T, c *LineChart) *lineChartRenderer {
	t.Helper()
	r, ok := test.WidgetRenderer(c).(*lineChartRenderer)
	if !ok {
		t.Fatalf("renderer is %T", test.WidgetRenderer(c))
	}
	return r
}

func lcNear(a, b float32) bool { return math.Abs(float64(a-b)) < 0.51 }

// dotCentre is the centre of a point's dot.
func dotCentre(d *canvas.Circle) fyne.Position {
	return d.Position().Add(fyne.NewPos(d.Size().Width/2, d.Size().Height/2))
}

func TestLineChartPointsFallWhereTheirValuesAre(t *testing.T) {
	newWidgetTestApp(t)
	c := NewLineChart()
	c.SetData([]string{"Mon", "Tue", "Wed", "Thu"}, []Series{
		{Label: "approved", Values: []float64{0, 5, 10, 2.5}, Color: theme.ColorNameSuccess},
		{Label: "rejected", Values: []float64{10, math.NaN(), 0, -3}, Color: theme.ColorNameError},
	})
	win := test.NewTempWindow(t, c)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(400, 240))
	r := lineRenderer(t, c)
	p := r.plot

	if r.yMax != 10 {
		t.Errorf("the value axis tops at %v, want 10 (the largest value, a nice number already)", r.yMax)
	}
	if p.width < 300 || p.height < 120 {
		t.Fatalf("the plot takes %v×%v of a 400×240 chart", p.width, p.height)
	}
	bottom, right := p.top+p.height, p.left+p.width
	want := []fyne.Position{
		{X: p.left, Y: bottom}, {X: p.left + p.width/3, Y: p.top + p.height/2},
		{X: p.left + 2*p.width/3, Y: p.top}, {X: right, Y: p.top + p.height*3/4},
	}
	for i, w := range want {
		d := r.dots[0][i]
		if d == nil {
			t.Fatalf("approved point %d has no dot", i)
		}
		if got := dotCentre(d); !lcNear(got.X, w.X) || !lcNear(got.Y, w.Y) {
			t.Errorf("approved point %d (value %v) at %v, want %v", i, c.series[0].Values[i], got, w)
		}
	}
	// The first segment runs from the first point to the second.
	if l := r.lines[0][0]; !lcNear(l.Position1.X, p.left) || !lcNear(l.Position1.Y, bottom) || !lcNear(l.Position2.Y, p.top+p.height/2) {
		t.Errorf("first segment %v–%v", l.Position1, l.Position2)
	}
	if len(r.lines[0]) != 3 {
		t.Errorf("approved: %d segments, want 3", len(r.lines[0]))
	}
	// NaN leaves a gap: no segment touches Tuesday; -3 draws as 0.
	if len(r.lines[1]) != 1 {
		t.Fatalf("rejected: %d segments, want 1 (Wed–Thu)", len(r.lines[1]))
	}
	if l := r.lines[1][0]; !lcNear(l.Position1.Y, bottom) || !lcNear(l.Position2.Y, bottom) || !lcNear(l.Position2.X, right) {
		t.Errorf("rejected Wed–Thu segment %v–%v, want along the bottom to the right edge", l.Position1, l.Position2)
	}
	if r.dots[1][1] != nil {
		t.Error("a NaN value has a dot")
	}
	if d := r.dots[1][0]; d == nil || !lcNear(dotCentre(d).Y, p.top) {
		t.Error("the lone first rejected value (10) has no dot at the top")
	}
	if got := c.Series()[1].Values[3]; got != 0 {
		t.Errorf("a negative value is kept as %v, want 0", got)
	}
	if r.lines[0][0].StrokeColor != theme.Color(theme.ColorNameSuccess) || r.dots[1][0].FillColor != theme.Color(theme.ColorNameError) {
		t.Error("lines and dots do not take their series' theme colour")
	}
	// Axis labels: 0 … 10 from the bottom up, each beside its grid line.
	var ys []string
	for _, l := range r.yLabels {
		ys = append(ys, l.Text)
	}
	if fmt.Sprint(ys) != "[0 2.5 5 7.5 10]" {
		t.Errorf("value axis labels %v", ys)
	}
	if top := r.yLabels[len(r.yLabels)-1]; !lcNear(top.Position().Y+top.Size().Height/2, p.top) || top.Position().X+top.Size().Width > p.left {
		t.Errorf("the top label %q at %v does not sit left of the top line", top.Text, top.Position())
	}
	var xs []string
	for _, l := range r.xLabels {
		xs = append(xs, l.Text)
		if l.Position().Y < bottom {
			t.Errorf("x label %q is above the axis", l.Text)
		}
	}
	if fmt.Sprint(xs) != "[Mon Tue Wed Thu]" {
		t.Errorf("x labels %v", xs)
	}
	if len(r.legend) != 2 || r.legend[0].Text != "approved" || r.legend[1].Text != "rejected" {
		t.Errorf("legend %v", r.legend)
	}
	if r.legend[0].Position().Y+r.legend[0].Size().Height > p.top {
		t.Error("the legend overlaps the plot")
	}
}

func TestLineChartCountsGetWholeSteps(t *testing.T) {
	newWidgetTestApp(t)
	c := NewLineChart()
	c.SetData(nil, []Series{{Label: "n", Values: []float64{3, 7, 10}}})
	c.Resize(fyne.NewSize(300, 200))
	r := lineRenderer(t, c)
	var ys []string
	for _, l := range r.yLabels {
		ys = append(ys, l.Text)
	}
	if fmt.Sprint(ys) != "[0 3 6 9 12]" {
		t.Errorf("value axis for counts up to 10: %v", ys)
	}
	c.SetData(nil, []Series{{Label: "n", Values: []float64{0, 0}}})
	if r.yMax != 1 || len(r.yLabels) != 2 || !lcNear(dotCentre(r.dots[0][1]).Y, r.plot.top+r.plot.height) {
		t.Errorf("all zeros: axis to %v with %d labels; the line should lie on the bottom", r.yMax, len(r.yLabels))
	}
}

func TestLineChartEmptyShowsThePlaceholder(t *testing.T) {
	newWidgetTestApp(t)
	c := NewLineChart()
	c.SetPlaceholder("No decisions yet")
	win := test.NewTempWindow(t, c)
	win.Resize(fyne.NewSize(300, 160))
	r := lineRenderer(t, c)
	for name, series := range map[string][]Series{
		"no series":       nil,
		"empty series":    {{Label: "a"}, {Label: "b", Values: []float64{}}},
		"only gaps":       {{Label: "a", Values: []float64{math.NaN(), math.Inf(1), math.Inf(-1)}}},
		"labels, no data": nil,
	} {
		labels := []string(nil)
		if name == "labels, no data" {
			labels = []string{"Mon", "Tue"}
		}
		c.SetData(labels, series)
		if !r.placeholder.Visible() || r.placeholder.Text != "No decisions yet" {
			t.Errorf("%s: placeholder %q visible %v", name, r.placeholder.Text, r.placeholder.Visible())
		}
		if len(r.lines) != 0 || len(r.yLabels) != 0 || len(r.legend) != 0 {
			t.Errorf("%s: draws %d series, %d axis labels", name, len(r.lines), len(r.yLabels))
		}
	}
	c.SetData([]string{"Mon"}, []Series{{Label: "a", Values: []float64{4}}})
	if r.placeholder.Visible() || len(r.dots) != 1 || r.dots[0][0] == nil {
		t.Error("one value: the placeholder stays, or the point has no dot")
	}
	if d := dotCentre(r.dots[0][0]); !lcNear(d.X, r.plot.left+r.plot.width/2) {
		t.Errorf("a single point at x=%v, want the middle", d.X)
	}
	// Odd sizes do not panic.
	for _, s := range []fyne.Size{{}, {Width: 1, Height: 1}, {Width: -5, Height: 20}, {Width: 5000, Height: 3}} {
		c.Resize(s)
	}
	c.SetPlaceholder("")
	c.SetData(nil, nil)
	if r.placeholder.Visible() {
		t.Error("an empty placeholder text is shown")
	}
}

func TestLineChartThinsTheXLabels(t *testing.T) {
	newWidgetTestApp(t)
	labels := make([]string, 90)
	vals := make([]float64, 90)
	for i := range labels {
		labels[i] = fmt.Sprintf("11-%02d", i%30+1)
		vals[i] = float64(i % 7)
	}
	c := NewLineChart()
	c.SetData(labels, []Series{{Label: "all", Values: vals}})
	win := test.NewTempWindow(t, c)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(500, 200))
	r := lineRenderer(t, c)
	if n := len(r.xLabels); n < 4 || n >= 90 {
		t.Fatalf("%d of 90 x labels shown on a 500-wide chart", n)
	}
	for i := 1; i < len(r.xLabels); i++ {
		a, b := r.xLabels[i-1], r.xLabels[i]
		if a.Position().X+a.Size().Width >= b.Position().X {
			t.Errorf("x labels %q and %q overlap", a.Text, b.Text)
		}
	}
	if last := r.xLabels[len(r.xLabels)-1]; last.Text != labels[89] || last.Position().X+last.Size().Width > 500 {
		t.Errorf("the last x label is %q at %v; want the newest day, inside the chart", last.Text, last.Position())
	}
	// 90 points 5 pixels apart are too close for dots.
	for i, d := range r.dots[0] {
		if d != nil {
			t.Fatalf("point %d has a dot on a dense chart", i)
		}
	}
	// A series longer than lineMaxPoints shows its last points.
	long := make([]float64, lineMaxPoints+50)
	long[len(long)-1] = 9
	c.SetData(nil, []Series{{Label: "long", Values: long}})
	if len(r.lines[0]) != lineMaxPoints-1 || !lcNear(r.lines[0][lineMaxPoints-2].Position2.Y, r.plot.top) {
		t.Errorf("a long series draws %d segments; its last value should reach the top", len(r.lines[0]))
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct {
		top   float64
		whole bool
		want  float64
	}{
		{10, false, 2.5}, {10, true, 3}, {7, true, 2}, {100, true, 25}, {1, true, 1}, {0.4, false, 0.1},
		{0, true, 1}, {math.NaN(), true, 1}, {math.Inf(1), true, 1}, {1e300, true, 2.5e299},
	} {
		if got := niceStep(c.top, 4, c.whole); math.Abs(got-c.want) > 1e-9*c.want {
			t.Errorf("niceStep(%v, whole %v) = %v, want %v", c.top, c.whole, got, c.want)
		}
	}
}

func TestLineChartGolden(t *testing.T) {
	newWidgetTestApp(t)
	days := []string{"11-15", "11-16", "11-17", "11-18", "11-19", "11-20", "11-21", "11-22", "11-23", "11-24", "11-25", "11-26", "11-27", "11-28"}
	c := NewLineChart()
	c.SetData(days, []Series{
		{Label: "All", Values: []float64{42, 51, 38, 0, 12, 60, 55, 47, 49, 58, 61, 40, 44, 19}, Color: theme.ColorNamePrimary},
		{Label: "Approved", Values: []float64{35, 40, 30, 0, 10, 48, 45, 39, 40, 47, 50, 33, 36, 15}, Color: theme.ColorNameSuccess},
		{Label: "Rejected", Values: []float64{5, 8, 6, 0, math.NaN(), 9, 7, 5, 6, 8, 8, 5, 6, 3}, Color: theme.ColorNameError},
		{Label: "Escalated or held", Values: []float64{2, 3, 2, 0, 2, 3, 3, 3, 3, 3, 3, 2, 2, 1}, Color: theme.ColorNameWarning},
	})
	win := test.NewTempWindow(t, c)
	win.Resize(fyne.NewSize(520, 260))
	test.AssertImageMatches(t, "linechart.png", win.Canvas().Capture())
}

// FuzzLineChart draws arbitrary values at arbitrary sizes: scaling, axis
// steps and label thinning must never panic or loop.
func FuzzLineChart(f *testing.F) {
	f.Add([]byte{0, 128, 255, 7}, 400, 100, 3)
	f.Add([]byte{}, 0, 0, 0)
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f, 0, 0, 0xf0, 0x7f}, 1, 1, 40)
	f.Fuzz(func(t *testing.T, raw []byte, width, height, nLabels int) {
		width, height, nLabels = width%3000, height%1000, nLabels%1000
		vals := make([]float64, 0, len(raw)/8+len(raw))
		for i := 0; i+8 <= len(raw); i += 8 {
			var u uint64
			for k := range 8 {
				u |= uint64(raw[i+k]) << (8 * k)
			}
			vals = append(vals, math.Float64frombits(u))
		}
		for _, b := range raw {
			vals = append(vals, float64(b)-20)
		}
		labels := make([]string, max(nLabels, 0))
		for i := range labels {
			labels[i] = fmt.Sprint(i)
		}
		newWidgetTestApp(t)
		c := NewLineChart()
		c.SetData(labels, []Series{{Label: "a", Values: vals}, {Label: "b", Values: vals[:len(vals)/2]}})
		c.Resize(fyne.NewSize(float32(width), float32(height)))
		r := lineRenderer(t, c)
		if len(r.xLabels) > lineMaxPoints {
			t.Fatalf("%d x labels", len(r.xLabels))
		}
	})
}
