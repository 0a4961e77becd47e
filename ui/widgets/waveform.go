package widgets

import (
	"image"
	"image/color"
	"math"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

const (
	waveTickLen  = 4   // length of a time-axis tick in widget units
	waveMaxTicks = 200 // ticks drawn at most, whatever the duration
)

// waveIntervals are the tick spacings the time axis chooses from, smallest
// first; beyond the last it keeps doubling.
var waveIntervals = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second,
	30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
	15 * time.Minute, 30 * time.Minute, time.Hour,
}

// Waveform draws an audio clip's loudness over time: one bar per column,
// mirrored around a centre line, with a time axis labelled m:ss below. The
// caller computes the peaks (0 silent … 1 full scale) at any resolution;
// the widget resamples them to its width, keeping each column's maximum so
// short bursts stay visible. Methods must be called on the Fyne goroutine.
type Waveform struct {
	widget.BaseWidget

	peaks    []float32 // clamped to [0, 1]; never changed in place
	duration time.Duration
	empty    string
}

// NewWaveform returns an empty waveform; call SetPeaks and SetPlaceholder.
func NewWaveform() *Waveform {
	w := &Waveform{}
	w.ExtendBaseWidget(w)
	return w
}

// SetPeaks shows peaks (each 0–1; NaN and negative values count as 0,
// values above 1 as 1) spread evenly over duration. No peaks shows the
// placeholder; a duration of zero or less leaves the time axis unlabelled.
func (w *Waveform) SetPeaks(peaks []float32, duration time.Duration) {
	clean := make([]float32, len(peaks))
	for i, p := range peaks {
		switch {
		case p > 1: // +Inf too
			clean[i] = 1
		case p > 0:
			clean[i] = p
		} // NaN, negative and -Inf stay 0
	}
	w.peaks, w.duration = clean, duration
	w.Refresh()
}

// SetPlaceholder sets the text shown when there are no peaks, for example
// "No audio".
func (w *Waveform) SetPlaceholder(text string) {
	w.empty = text
	w.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (w *Waveform) CreateRenderer() fyne.WidgetRenderer {
	r := &waveformRenderer{
		w:           w,
		axis:        canvas.NewRectangle(color.Transparent),
		placeholder: widget.NewLabel(""),
	}
	r.bars = canvas.NewRaster(r.draw)
	r.bars.ScaleMode = canvas.ImageScalePixels
	r.placeholder.Alignment = fyne.TextAlignCenter
	r.placeholder.Wrapping = fyne.TextWrapWord
	r.update()
	return r
}

// resamplePeaks returns n columns, each the largest of the peaks that fall
// into it (or the nearest peak when there are fewer peaks than columns).
func resamplePeaks(peaks []float32, n int) []float32 {
	if n <= 0 || len(peaks) == 0 {
		return nil
	}
	cols := make([]float32, n)
	total := int64(len(peaks))
	for i := range cols {
		lo := int(int64(i) * total / int64(n))
		hi := max(int(int64(i+1)*total/int64(n)), lo+1)
		m := float32(0)
		for _, p := range peaks[lo:hi] {
			m = max(m, p)
		}
		cols[i] = m
	}
	return cols
}

// formatClock writes d as m:ss, minutes unbounded ("75:03").
func formatClock(d time.Duration) string {
	s := max(int64(0), int64(d/time.Second))
	sec := s % 60
	out := strconv.FormatInt(s/60, 10) + ":"
	if sec < 10 {
		out += "0"
	}
	return out + strconv.FormatInt(sec, 10)
}

// tickInterval returns the smallest spacing at which ticks over duration
// sit at least minGap units apart on a width-unit axis, or 0 when nothing
// can be drawn.
func tickInterval(duration time.Duration, width, minGap float32) time.Duration {
	if duration <= 0 || width <= 0 || !finite(width) || !finite(minGap) {
		return 0
	}
	perSecond := float64(width) / duration.Seconds()
	gap := func(d time.Duration) bool { return d.Seconds()*perSecond >= float64(minGap) }
	for _, d := range waveIntervals {
		if gap(d) {
			return d
		}
	}
	d := waveIntervals[len(waveIntervals)-1]
	for !gap(d) && d < math.MaxInt64/2 {
		d *= 2
	}
	return d
}

// waveformRenderer draws the bars into one raster at the screen's pixel
// size (a column per pixel, one texture however wide) and the time axis as
// plain canvas objects.
type waveformRenderer struct {
	w *Waveform

	bars        *canvas.Raster
	axis        *canvas.Rectangle
	ticks       []*canvas.Rectangle
	labels      []*canvas.Text
	placeholder *widget.Label
	objects     []fyne.CanvasObject

	// read by draw, set by update
	peaks     []float32
	barColor  color.Color
	lineColor color.Color
}

func (r *waveformRenderer) Layout(fyne.Size) { r.update() }

func (r *waveformRenderer) MinSize() fyne.Size {
	return fyne.NewSize(200, 80)
}

func (r *waveformRenderer) Refresh() {
	r.update()
	r.bars.Refresh()
	canvas.Refresh(r.w)
}

func (r *waveformRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *waveformRenderer) Destroy() {}

func (r *waveformRenderer) update() {
	w := r.w
	th := w.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	size := w.Size()
	r.peaks = w.peaks
	r.barColor = th.Color(theme.ColorNamePrimary, variant)
	r.lineColor = th.Color(theme.ColorNameDisabled, variant)

	empty := len(w.peaks) == 0
	r.placeholder.Hidden = !empty || w.empty == ""
	if !r.placeholder.Hidden {
		r.placeholder.SetText(w.empty)
		centreLabel(r.placeholder, size)
	}
	r.bars.Hidden, r.axis.Hidden = empty, empty

	text := func(s string) *canvas.Text {
		t := canvas.NewText(s, th.Color(theme.ColorNameForeground, variant))
		t.TextSize = th.Size(theme.SizeNameCaptionText)
		return t
	}
	waveH := max(0, size.Height-waveTickLen-text("0:00").MinSize().Height)
	r.bars.Move(fyne.NewPos(0, 0))
	r.bars.Resize(fyne.NewSize(size.Width, waveH))
	r.axis.FillColor = r.lineColor
	r.axis.Move(fyne.NewPos(0, waveH))
	r.axis.Resize(fyne.NewSize(size.Width, 1))

	r.ticks, r.labels = r.ticks[:0], r.labels[:0]
	if !empty {
		r.layoutTicks(size.Width, waveH, text)
	}
	objs := []fyne.CanvasObject{r.bars, r.axis}
	for i := range r.ticks {
		objs = append(objs, r.ticks[i], r.labels[i])
	}
	r.objects = append(objs, r.placeholder)
}

// layoutTicks puts a tick and an m:ss label at every multiple of an
// interval wide enough that the labels do not touch, even the first and
// last, which are pushed inside the axis by up to half their width.
func (r *waveformRenderer) layoutTicks(width, top float32, text func(string) *canvas.Text) {
	dur := r.w.duration
	widest := text(formatClock(dur)).MinSize().Width
	step := tickInterval(dur, width, 1.5*widest+2*theme.Padding())
	if step <= 0 {
		return
	}
	perSecond := float64(width) / dur.Seconds()
	for at := time.Duration(0); at <= dur && len(r.ticks) < waveMaxTicks; at += step {
		x := float32(at.Seconds() * perSecond)
		tick := canvas.NewRectangle(r.lineColor)
		tick.Move(fyne.NewPos(min(x, width-1), top))
		tick.Resize(fyne.NewSize(1, waveTickLen))
		label := text(formatClock(at))
		ls := label.MinSize()
		label.Move(fyne.NewPos(max(0, min(x-ls.Width/2, width-ls.Width)), top+waveTickLen))
		label.Resize(ls)
		r.ticks = append(r.ticks, tick)
		r.labels = append(r.labels, label)
		if at > dur-step { // the next one would overflow time.Duration or pass the end
			break
		}
	}
}

// draw renders the bars at width×height pixels: each column's peak as a
// bar mirrored around the centre line, which stays visible in silence.
func (r *waveformRenderer) draw(width, height int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, max(width, 0), max(height, 0)))
	if width <= 0 || height <= 0 {
		return img
	}
	bar := color.NRGBAModel.Convert(r.barColor).(color.NRGBA)
	line := color.NRGBAModel.Convert(r.lineColor).(color.NRGBA)
	mid := height / 2
	for x := range width {
		img.SetNRGBA(x, mid, line)
	}
	half := float64(height) / 2
	for x, p := range resamplePeaks(r.peaks, width) {
		if p <= 0 {
			continue
		}
		ext := max(1, int(math.Round(float64(p)*half)))
		for y := max(0, mid-ext); y < min(height, mid+ext); y++ {
			img.SetNRGBA(x, y, bar)
		}
	}
	return img
}
