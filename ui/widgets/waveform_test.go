package widgets

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"regexp"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func waveformRenderer0(t *testing.T, w *Waveform) *waveformRenderer {
	t.Helper()
	r, ok := test.WidgetRenderer(w).(*waveformRenderer)
	if !ok {
		t.Fatalf("renderer is %T", test.WidgetRenderer(w))
	}
	return r
}

// barExtent returns the rows a column's bar covers in the drawn bars: the
// first and one past the last row in the bar colour (0, 0 when none).
func barExtent(img image.Image, x int, r *waveformRenderer) (top, bottom int) {
	want := r.barColor
	b := img.Bounds()
	top, bottom = -1, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if sameColor(img.At(x, y), want) {
			if top < 0 {
				top = y
			}
			bottom = y + 1
		}
	}
	if top < 0 {
		return 0, 0
	}
	return top, bottom
}

func sameColor(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

func TestWaveformBarsFollowThePeaks(t *testing.T) {
	newWidgetTestApp(t)
	w := NewWaveform()
	w.SetPeaks([]float32{0, 0.5, 1, 0.25}, 4*time.Second)
	win := test.NewTempWindow(t, w)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(400, 140))
	r := waveformRenderer0(t, w)

	size := r.bars.Size()
	if size.Width != 400 || size.Height < 60 {
		t.Fatalf("the bars take %v of a 400×140 widget", size)
	}
	const h = 100
	img := r.draw(400, h)
	for _, c := range []struct {
		x      int
		height int
	}{{50, 0}, {150, 50}, {250, 100}, {350, 25}} {
		top, bottom := barExtent(img, c.x, r)
		got := bottom - top
		if math.Abs(float64(got-c.height)) > 2 {
			t.Errorf("column %d: bar %d pixels tall, want about %d", c.x, got, c.height)
		}
		if got > 0 && math.Abs(float64(top+bottom-h)) > 1 {
			t.Errorf("column %d: bar spans %d–%d, not centred on %d", c.x, top, bottom, h/2)
		}
	}
	// Each column is resampled on its own: a lone spike among silence
	// still shows where it is.
	spike := make([]float32, 10000)
	spike[5000] = 1
	w.SetPeaks(spike, time.Minute)
	img = r.draw(400, h)
	for x := range 400 {
		_, b := barExtent(img, x, r)
		if (x == 200) != (b > 0) {
			t.Errorf("column %d has a bar: %v; only column 200 holds the spike", x, b > 0)
		}
	}
	if r.barColor != theme.Color(theme.ColorNamePrimary) {
		t.Error("bars are not in the theme's primary colour")
	}
}

func TestWaveformClampsOddPeaks(t *testing.T) {
	newWidgetTestApp(t)
	w := NewWaveform()
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	w.SetPeaks([]float32{nan, -1, 2, inf, -inf}, time.Second)
	want := []float32{0, 0, 1, 1, 0}
	for i, p := range w.peaks {
		if p != want[i] {
			t.Errorf("peak %d stored as %v, want %v", i, p, want[i])
		}
	}
	r := waveformRenderer0(t, w)
	img := r.draw(5, 40)
	for x, full := range []bool{false, false, true, true, false} {
		top, bottom := barExtent(img, x, r)
		if full != (top == 0 && bottom == 40) || !full && bottom != 0 {
			t.Errorf("column %d spans %d–%d; full height: %v", x, top, bottom, full)
		}
	}
	// Zero and negative sizes, no duration, huge durations: no panic.
	test.WidgetRenderer(w).Layout(fyne.NewSize(0, 0))
	r.draw(0, 0)
	r.draw(-1, 10)
	w.SetPeaks([]float32{0.5}, 0)
	w.Resize(fyne.NewSize(300, 80))
	if len(r.labels) != 0 {
		t.Errorf("%d tick labels without a duration", len(r.labels))
	}
	w.SetPeaks([]float32{0.5}, time.Duration(math.MaxInt64))
	if n := len(r.labels); n == 0 || n > waveMaxTicks {
		t.Errorf("%d tick labels for the longest duration", n)
	}
	w.SetPeaks([]float32{0.5}, -time.Second)
	w.Resize(fyne.NewSize(1, 1))
}

func TestWaveformTimeAxis(t *testing.T) {
	newWidgetTestApp(t)
	w := NewWaveform()
	w.SetPeaks([]float32{0.3, 0.6}, 95*time.Second)
	win := test.NewTempWindow(t, w)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(600, 120))
	r := waveformRenderer0(t, w)

	if len(r.labels) < 3 {
		t.Fatalf("%d tick labels on a 600-wide axis of 1:35", len(r.labels))
	}
	clock := regexp.MustCompile(`^\d+:[0-5]\d$`)
	if r.labels[0].Text != "0:00" {
		t.Errorf("the axis starts at %q, want 0:00", r.labels[0].Text)
	}
	for i, l := range r.labels {
		if !clock.MatchString(l.Text) {
			t.Errorf("tick label %q is not m:ss", l.Text)
		}
		if p := l.Position(); p.X < 0 || p.X+l.Size().Width > 600 || p.Y < r.bars.Size().Height {
			t.Errorf("label %q at %v lies outside the axis", l.Text, p)
		}
		if i > 0 {
			prev := r.labels[i-1]
			if prev.Position().X+prev.Size().Width >= l.Position().X {
				t.Errorf("labels %q and %q overlap", prev.Text, l.Text)
			}
			if d := r.ticks[i].Position().X - r.ticks[i-1].Position().X; math.Abs(float64(d-(r.ticks[1].Position().X-r.ticks[0].Position().X))) > 1.5 {
				t.Errorf("ticks are not evenly spaced: %v between %d and %d", d, i-1, i)
			}
		}
	}
	// The ticks sit where their time falls on the axis.
	last := r.labels[len(r.labels)-1]
	secs := clockSeconds(t, last.Text)
	if x := r.ticks[len(r.ticks)-1].Position().X; math.Abs(float64(x)-secs*600/95) > 1 {
		t.Errorf("tick %q is at x=%v, want %v", last.Text, x, secs*600/95)
	}
}

func clockSeconds(t *testing.T, s string) float64 {
	t.Helper()
	var m, sec int
	if _, err := fmt.Sscanf(s, "%d:%d", &m, &sec); err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return float64(m*60 + sec)
}

func TestFormatClock(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0:00"}, {999 * time.Millisecond, "0:00"}, {65 * time.Second, "1:05"},
		{10 * time.Minute, "10:00"}, {62*time.Minute + 5*time.Second, "62:05"}, {-time.Second, "0:00"},
	} {
		if got := formatClock(c.d); got != c.want {
			t.Errorf("formatClock(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestWaveformPlaceholder(t *testing.T) {
	newWidgetTestApp(t)
	w := NewWaveform()
	w.SetPlaceholder("No audio")
	win := test.NewTempWindow(t, w)
	win.Resize(fyne.NewSize(300, 100))
	r := waveformRenderer0(t, w)
	if !r.placeholder.Visible() || r.placeholder.Text != "No audio" {
		t.Errorf("placeholder %q visible=%v", r.placeholder.Text, r.placeholder.Visible())
	}
	if r.bars.Visible() || len(r.labels) != 0 {
		t.Error("an empty waveform draws bars or ticks")
	}
	w.SetPeaks([]float32{0.5}, time.Second)
	if r.placeholder.Visible() || !r.bars.Visible() {
		t.Error("the placeholder stays over a waveform")
	}
	w.SetPeaks(nil, time.Second)
	if !r.placeholder.Visible() {
		t.Error("clearing the peaks does not bring the placeholder back")
	}
}

func TestWaveformGolden(t *testing.T) {
	newWidgetTestApp(t)
	peaks := make([]float32, 500)
	for i := range peaks {
		x := float64(i) / float64(len(peaks))
		env := math.Sin(math.Pi * x)                                         // swell and fade
		peaks[i] = float32(env * (0.55 + 0.45*math.Sin(40*x)*math.Sin(7*x))) // uneven loudness
		if i > 300 && i < 330 {
			peaks[i] = 0 // a pause
		}
	}
	w := NewWaveform()
	w.SetPeaks(peaks, 83*time.Second)
	win := test.NewTempWindow(t, w)
	win.Resize(fyne.NewSize(360, 110))
	test.AssertImageMatches(t, "waveform.png", win.Canvas().Capture())
}

// FuzzWaveform draws arbitrary peaks at arbitrary sizes and durations:
// resampling and tick placement must never index out of range or loop.
func FuzzWaveform(f *testing.F) {
	f.Add([]byte{0, 128, 255, 7}, 400, 100, int64(4*time.Second))
	f.Add([]byte{}, 0, 0, int64(0))
	f.Add([]byte{1}, 1, 1, int64(math.MaxInt64))
	f.Add([]byte{255, 255}, 3000, 2, int64(-5))
	f.Fuzz(func(t *testing.T, raw []byte, width, height int, dur int64) {
		width, height = width%4096, height%1024
		peaks := make([]float32, 0, len(raw)/4)
		for i := 0; i+4 <= len(raw); i += 4 {
			peaks = append(peaks, math.Float32frombits(uint32(raw[i])|uint32(raw[i+1])<<8|uint32(raw[i+2])<<16|uint32(raw[i+3])<<24))
		}
		for _, b := range raw {
			peaks = append(peaks, float32(b)/200)
		}
		newWidgetTestApp(t)
		w := NewWaveform()
		w.SetPeaks(peaks, time.Duration(dur))
		w.Resize(fyne.NewSize(float32(width), float32(height)))
		r := waveformRenderer0(t, w)
		img := r.draw(width, height)
		if width > 0 && height > 0 && img.Bounds().Size() != image.Pt(width, height) {
			t.Fatalf("drew %v for %d×%d", img.Bounds().Size(), width, height)
		}
		if len(r.ticks) > waveMaxTicks || len(r.ticks) != len(r.labels) {
			t.Fatalf("%d ticks, %d labels", len(r.ticks), len(r.labels))
		}
	})
}
