package widgets

import (
	"image"
	"image/color"
	"math"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// newWidgetTestApp starts a headless test app with HOME and the XDG
// folders in a temporary directory, so nothing reads the developer's.
func newWidgetTestApp(t *testing.T) fyne.App {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"} {
		t.Setenv(k, filepath.Join(home, k))
	}
	return test.NewTempApp(t)
}

// showImageView puts v alone in an unpadded test window of the given size,
// so widget and canvas coordinates are the same.
func showImageView(t *testing.T, v fyne.CanvasObject, w, h float32) fyne.Window {
	t.Helper()
	win := test.NewTempWindow(t, v)
	win.SetPadded(false)
	win.Resize(fyne.NewSize(w, h))
	return win
}

// sceneImage is a w×h synthetic picture: a grey-blue gradient, a dark
// "caption" bar and a red square, so boxes and the guide have something to
// point at and a blur visibly changes it.
func sceneImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: uint8(120 + 80*x/w), G: uint8(150 + 60*y/h), B: 220, A: 255}
			if (x/4+y/4)%2 == 0 {
				c.R, c.G = c.R-30, c.G-30
			}
			img.SetNRGBA(x, y, c)
		}
	}
	fill := func(r image.Rectangle, c color.NRGBA) {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				img.SetNRGBA(x, y, c)
			}
		}
	}
	fill(image.Rect(w/8, h*3/4, w*5/8, h*3/4+h/12), color.NRGBA{R: 30, G: 30, B: 40, A: 255})
	fill(image.Rect(w*5/8, h/6, w*7/8, h/2), color.NRGBA{R: 210, G: 40, B: 40, A: 255})
	return img
}

// imageViewOf returns a view showing img.
func imageViewOf(img image.Image) *ImageView {
	v := NewImageView()
	v.SetImage(img)
	return v
}

func imageViewRenderer0(t *testing.T, v *ImageView) *imageViewRenderer {
	t.Helper()
	r, ok := test.WidgetRenderer(v).(*imageViewRenderer)
	if !ok {
		t.Fatalf("renderer is %T", test.WidgetRenderer(v))
	}
	return r
}

func near(a, b float32) bool { return math.Abs(float64(a-b)) < 0.01 }

func TestImageViewFitsTheImageToTheView(t *testing.T) {
	newWidgetTestApp(t)
	v := imageViewOf(sceneImage(800, 400))
	showImageView(t, v, 400, 300)

	if z := v.Zoom(); !near(z, 0.5) {
		t.Fatalf("an 800×400 image in a 400×300 view has zoom %v, want 0.5", z)
	}
	img := imageViewRenderer0(t, v).img
	if img.Hidden || img.Position() != fyne.NewPos(0, 50) || img.Size() != fyne.NewSize(400, 200) {
		t.Errorf("image drawn at %v size %v (hidden %v), want centred at 0,50 size 400×200", img.Position(), img.Size(), img.Hidden)
	}
	// A fitted image stays fitted when the view grows.
	v.Resize(fyne.NewSize(800, 600))
	if z := v.Zoom(); !near(z, 1) {
		t.Errorf("after resizing to 800×600 the zoom is %v, want 1 (still fitted)", z)
	}
	// A small image is fitted too, by enlarging it.
	v.SetImage(sceneImage(100, 100))
	if z := v.Zoom(); !near(z, 6) {
		t.Errorf("a 100×100 image in an 800×600 view has zoom %v, want 6", z)
	}
}

func TestImageViewZoomKeepsThePointUnderThePointer(t *testing.T) {
	newWidgetTestApp(t)
	v := imageViewOf(sceneImage(800, 600))
	showImageView(t, v, 400, 300)
	var reported []float32
	v.OnZoomChanged = func(z float32) { reported = append(reported, z) }

	pointer := fyne.NewPos(100, 75)
	bx, by := v.toImage(pointer)
	if !near(bx, 200) || !near(by, 150) {
		t.Fatalf("at fit the pointer is over image point %v,%v, want 200,150", bx, by)
	}
	for range 3 {
		v.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pointer}, Scrolled: fyne.NewDelta(0, imageScrollStep)})
		if x, y := v.toImage(pointer); !near(x, bx) || !near(y, by) {
			t.Errorf("after zooming to %v the pointer is over image point %v,%v, want %v,%v", v.Zoom(), x, y, bx, by)
		}
	}
	if z := v.Zoom(); !near(z, 0.5*imageZoomStep*imageZoomStep*imageZoomStep) {
		t.Errorf("three wheel notches zoomed to %v, want three steps of %v from 0.5", z, imageZoomStep)
	}
	if len(reported) != 3 || reported[2] != v.Zoom() {
		t.Errorf("OnZoomChanged reported %v", reported)
	}

	v.ZoomActual()
	if z := v.Zoom(); z != 1 {
		t.Errorf("ZoomActual gives %v, want 1", z)
	}
	v.ZoomIn()
	if z := v.Zoom(); !near(z, imageZoomStep) {
		t.Errorf("ZoomIn from 1 gives %v", z)
	}
	for range 40 {
		v.ZoomIn()
	}
	if z := v.Zoom(); z != imageMaxZoom {
		t.Errorf("zooming in forever stops at %v, want %v", z, float32(imageMaxZoom))
	}
	for range 40 {
		v.ZoomOut()
	}
	if z := v.Zoom(); !near(z, 0.5) {
		t.Errorf("zooming out forever stops at %v, want the fitted 0.5", z)
	}
	v.ZoomActual()
	v.ZoomFit()
	if z := v.Zoom(); !near(z, 0.5) {
		t.Errorf("ZoomFit gives %v, want 0.5", z)
	}
	// Scrolling down zooms out, never below fit.
	v.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pointer}, Scrolled: fyne.NewDelta(0, -imageScrollStep)})
	if z := v.Zoom(); !near(z, 0.5) {
		t.Errorf("scrolling down at fit gives zoom %v", z)
	}
}

func TestImageViewPanIsClamped(t *testing.T) {
	newWidgetTestApp(t)
	v := imageViewOf(sceneImage(800, 600))
	win := showImageView(t, v, 400, 300)
	r := imageViewRenderer0(t, v)

	// Fitted, the image cannot move.
	v.Pan(50, 50)
	if p := r.img.Position(); p != fyne.NewPos(0, 0) {
		t.Errorf("a fitted image moved to %v", p)
	}
	v.ZoomActual()
	v.Pan(1e6, 1e6)
	if v.off != fyne.NewPos(0, 0) {
		t.Errorf("panning far right and down leaves the image's corner at %v, want the view's top-left", v.off)
	}
	v.Pan(-1e6, -1e6)
	if v.off != fyne.NewPos(-400, -300) {
		t.Errorf("panning far left and up leaves the image's corner at %v, want -400,-300 (bottom-right in view)", v.off)
	}
	v.Pan(float32(math.NaN()), float32(math.Inf(1)))
	if v.off != fyne.NewPos(-400, -300) {
		t.Errorf("a NaN pan moved the image to %v", v.off)
	}
	// The drawn part matches: the image's bottom-right pixel is at the view's bottom-right.
	if p, s := r.img.Position(), r.img.Size(); !near(p.X+s.Width, 400) || !near(p.Y+s.Height, 300) {
		t.Errorf("visible part drawn at %v size %v; it should end at 400,300", p, s)
	}
	// Dragging moves the image with the pointer.
	test.Drag(win.Canvas(), fyne.NewPos(200, 150), 30, 20)
	if v.off != fyne.NewPos(-370, -280) {
		t.Errorf("dragging by 30,20 put the corner at %v, want -370,-280", v.off)
	}
	// Only as much of the image as the view shows is copied for drawing.
	if b := r.img.Image.Bounds(); b.Dx() > 402 || b.Dy() > 302 {
		t.Errorf("the drawn image is %v pixels for a 400×300 view at 1:1", b.Size())
	}
}

func TestImageViewBoxesFollowZoomAndPan(t *testing.T) {
	newWidgetTestApp(t)
	v := imageViewOf(sceneImage(800, 600))
	showImageView(t, v, 400, 300)
	v.SetBoxes([]Box{
		{Rect: image.Rect(100, 100, 300, 200), Label: "label", OK: true},
		{Rect: image.Rect(700, 500, 600, 400), Label: "too small"}, // corners swapped
	})
	r := imageViewRenderer0(t, v)
	objs := test.WidgetRenderer(v).Objects()
	find := func(rect *canvas.Rectangle) bool {
		for _, o := range objs {
			if o == rect {
				return true
			}
		}
		return false
	}
	if len(r.boxes) != 2 || !find(r.boxes[0]) || !find(r.boxes[1]) {
		t.Fatalf("the renderer's objects do not hold two box outlines")
	}
	ok, bad := r.boxes[0], r.boxes[1]
	if ok.Position() != fyne.NewPos(50, 50) || ok.Size() != fyne.NewSize(100, 50) {
		t.Errorf("at zoom 0.5 the OK box is at %v size %v, want 50,50 size 100×50", ok.Position(), ok.Size())
	}
	if bad.Position() != fyne.NewPos(300, 200) || bad.Size() != fyne.NewSize(50, 50) {
		t.Errorf("the swapped-corner box is at %v size %v, want 300,200 size 50×50", bad.Position(), bad.Size())
	}
	if ok.StrokeColor != theme.Color(theme.ColorNameSuccess) || bad.StrokeColor != theme.Color(theme.ColorNameError) {
		t.Error("an OK box should be outlined in the success colour and a failed one in the error colour")
	}
	if r.labels[1].Text != "too small" || r.labels[1].Hidden {
		t.Errorf("box label %q hidden=%v", r.labels[1].Text, r.labels[1].Hidden)
	}
	if l := r.labels[0]; l.Position().Y+l.Size().Height > ok.Position().Y || l.Position().X < ok.Position().X-3 {
		t.Errorf("the label of the OK box is at %v, want just above the box at %v", l.Position(), ok.Position())
	}

	v.ZoomActual()
	v.Pan(1e6, 1e6) // the image's top-left corner at the view's
	if ok.Position() != fyne.NewPos(100, 100) || ok.Size() != fyne.NewSize(200, 100) {
		t.Errorf("at 1:1 the OK box is at %v size %v, want 100,100 size 200×100", ok.Position(), ok.Size())
	}
	if bad.Visible() {
		t.Errorf("a box entirely out of view is drawn at %v", bad.Position())
	}
	v.Pan(-250, 0)
	if p, s := ok.Position(), ok.Size(); p.X >= 0 || p.X+s.Width != 50 {
		t.Errorf("a box half out of view is drawn at %v size %v; it should be cut just outside the left edge", p, s)
	}
	if l := r.labels[0]; l.Position().X < 0 {
		t.Errorf("the label of a box half out of view starts at x=%v, outside the view", l.Position().X)
	}
}

func TestImageViewGuideIsFivePercentOfTheShorterSide(t *testing.T) {
	newWidgetTestApp(t)
	v := imageViewOf(sceneImage(800, 600))
	showImageView(t, v, 400, 300)
	r := imageViewRenderer0(t, v)
	if r.guideBar.Visible() {
		t.Error("the guide shows before SetGuide")
	}
	v.SetGuide(true, "5 %")
	if h := r.guideBar.Size().Height; !near(h, 15) { // 5 % of 600 px at zoom 0.5
		t.Errorf("guide bar is %v tall, want 15", h)
	}
	if x := r.guideBar.Position().X; x != 0 {
		t.Errorf("guide bar at x=%v, want the image's left edge", x)
	}
	if r.guideText.Text != "5 %" || !r.guideText.Visible() {
		t.Errorf("guide label %q visible=%v", r.guideText.Text, r.guideText.Visible())
	}
	v.ZoomActual()
	if h := r.guideBar.Size().Height; !near(h, 30) {
		t.Errorf("at 1:1 the guide bar is %v tall, want 30", h)
	}
	v.SetGuide(false, "")
	if r.guideBar.Visible() || r.guideText.Visible() {
		t.Error("the guide still shows after SetGuide(false)")
	}
}

func TestImageViewConcealAndReveal(t *testing.T) {
	newWidgetTestApp(t)
	v := NewImageView()
	v.SetConcealed(true, "Flagged as harmful")
	v.SetImage(sceneImage(160, 120))
	win := showImageView(t, v, 160, 120)
	r := imageViewRenderer0(t, v)

	if !v.Concealed() {
		t.Fatal("Concealed() is false after SetConcealed(true)")
	}
	if r.note.Hidden || r.note.Text != "Flagged as harmful" {
		t.Errorf("note %q hidden=%v", r.note.Text, r.note.Hidden)
	}
	// Sample a row through the red square (x 100–140, y 20–60), away from the note.
	shot := win.Canvas().Capture()
	if !isGrey(shot.At(120, 30)) {
		t.Errorf("the concealed image shows colour %v at the red square", shot.At(120, 30))
	}
	// Row 10 crosses only the 4-pixel checks of the background: blurred
	// away when concealed, sharp when revealed.
	if d := rowContrast(shot, 10, 10, 90); d > 4 {
		t.Errorf("the concealed image keeps sharp edges (neighbour difference %d)", d)
	}

	v.Reveal()
	if v.Concealed() || r.note.Visible() {
		t.Error("Reveal left the view concealed")
	}
	shot = win.Canvas().Capture()
	if cr, cg, _, _ := shot.At(120, 30).RGBA(); cr>>8 < 180 || cg>>8 > 80 {
		t.Errorf("after Reveal the red square shows %v", shot.At(120, 30))
	}
	if d := rowContrast(shot, 10, 10, 90); d < 25 {
		t.Errorf("after Reveal the image is still soft (neighbour difference %d)", d)
	}
}

// isGrey reports whether c has (almost) no colour.
func isGrey(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	hi, lo := max(r, g, b)>>8, min(r, g, b)>>8
	return hi-lo <= 4
}

// rowContrast is the largest difference in any channel between horizontal
// neighbours on row y from x0 to x1.
func rowContrast(img image.Image, y, x0, x1 int) int {
	best := 0
	for x := x0; x < x1; x++ {
		a := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
		b := color.NRGBAModel.Convert(img.At(x+1, y)).(color.NRGBA)
		for _, d := range []int{int(a.R) - int(b.R), int(a.G) - int(b.G), int(a.B) - int(b.B)} {
			best = max(best, d, -d)
		}
	}
	return best
}

func TestImageViewPlaceholder(t *testing.T) {
	newWidgetTestApp(t)
	v := NewImageView()
	v.SetPlaceholder("No image")
	showImageView(t, v, 300, 200)
	r := imageViewRenderer0(t, v)
	if !r.placeholder.Visible() || r.placeholder.Text != "No image" {
		t.Errorf("placeholder %q visible=%v", r.placeholder.Text, r.placeholder.Visible())
	}
	if r.img.Visible() {
		t.Error("an empty view draws an image")
	}
	v.SetImage(sceneImage(30, 20))
	if r.placeholder.Visible() || !r.img.Visible() {
		t.Error("the placeholder stays over an image")
	}
	v.SetImage(image.NewNRGBA(image.Rect(5, 5, 5, 9)))
	if !r.placeholder.Visible() {
		t.Error("a zero-width image does not show the placeholder")
	}
	v.SetImage(image.NewUniform(color.White)) // bounds of ±1e9 pixels
	if !r.placeholder.Visible() {
		t.Error("an endless image does not show the placeholder")
	}
	if m := v.MinSize(); m.Width > 200 || m.Height > 150 {
		t.Errorf("MinSize %v is too large for a split pane", m)
	}
}

// TestImageViewOddInput feeds what a broken caller might: no size, a
// one-pixel image, an image whose bounds do not start at 0,0, boxes outside
// the image, a huge zoom request. Nothing may panic or produce NaN.
func TestImageViewOddInput(t *testing.T) {
	newWidgetTestApp(t)
	v := imageViewOf(sceneImage(1, 1))
	test.WidgetRenderer(v) // rendered at zero size
	v.ZoomIn()
	v.Pan(3, 3)
	v.SetGuide(true, "5 %")
	v.SetConcealed(true, "x")
	v.SetBoxes([]Box{{Rect: image.Rect(-1e9, -1e9, 1e9, 1e9), Label: "huge"}, {}})
	if z := v.Zoom(); !finite(z) || z <= 0 {
		t.Fatalf("zoom %v at zero size", z)
	}
	v.Reveal()
	showImageView(t, v, 200, 150)
	if z := v.Zoom(); z > 200 || z <= 0 {
		t.Errorf("zoom of a 1×1 image is %v", z)
	}

	offset := sceneImage(100, 100).SubImage(image.Rect(50, 50, 100, 100))
	v.SetImage(offset)
	v.SetBoxes([]Box{{Rect: image.Rect(50, 50, 60, 60), OK: true}})
	v.ZoomFit()
	r := imageViewRenderer0(t, v)
	if p := r.boxes[0].Position(); p != r.img.Position() {
		t.Errorf("a box at the Bounds().Min of a sub-image is drawn at %v, the image at %v", p, r.img.Position())
	}
	v.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, float32(math.Inf(1)))})
	v.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, 1e9)})
	v.Scrolled(nil)
	v.Dragged(nil)
	if z := v.Zoom(); !finite(z) || z > v.maxZoom() {
		t.Errorf("zoom %v after huge scrolls", z)
	}
	v.Resize(fyne.NewSize(0, 0))
	v.Refresh()
	v.SetImage(nil)
	v.Refresh()
}

// TestImageViewLargeImageUsesReducedCopies checks that a fitted large image
// is drawn from a reduced copy, not scaled from all its pixels every frame.
func TestImageViewLargeImageUsesReducedCopies(t *testing.T) {
	newWidgetTestApp(t)
	v := imageViewOf(sceneImage(2048, 1536))
	showImageView(t, v, 400, 300)
	r := imageViewRenderer0(t, v)
	if b := r.img.Image.Bounds(); b.Dx() > 800 || b.Dx() < 400 {
		t.Errorf("a 2048 px image fitted into 400 is drawn from a %d px copy, want 400–800", b.Dx())
	}
}

func TestImageViewGolden(t *testing.T) {
	newWidgetTestApp(t)
	v := imageViewOf(sceneImage(160, 120))
	v.SetBoxes([]Box{
		{Rect: image.Rect(100, 20, 140, 60), Label: "OK", OK: true},
		{Rect: image.Rect(20, 90, 100, 100), Label: "3.1 %"},
	})
	v.SetGuide(true, "5 %")
	win := showImageView(t, v, 320, 240)
	test.AssertImageMatches(t, "imageview.png", win.Canvas().Capture())

	v.SetConcealed(true, "Flagged as harmful: hidden")
	test.AssertImageMatches(t, "imageview_concealed.png", win.Canvas().Capture())
}

// BenchmarkImageViewPan measures one drag step at 1:1 over a 2048 px
// image in a 1000×700 view: the visible part is copied for drawing again.
func BenchmarkImageViewPan(b *testing.B) {
	test.NewTempApp(b)
	v := imageViewOf(sceneImage(2048, 2048))
	win := test.NewTempWindow(b, v)
	win.Resize(fyne.NewSize(1000, 700))
	v.ZoomActual()
	b.ResetTimer()
	for i := range b.N {
		v.Pan(float32(1-2*(i%2))*7, 3)
	}
}

// BenchmarkImageViewZoomStep measures one wheel notch near the fitted
// zoom, where reduced copies are used.
func BenchmarkImageViewZoomStep(b *testing.B) {
	test.NewTempApp(b)
	v := imageViewOf(sceneImage(2048, 2048))
	win := test.NewTempWindow(b, v)
	win.Resize(fyne.NewSize(1000, 700))
	at := fyne.NewPos(400, 300)
	b.ResetTimer()
	for i := range b.N {
		dy := float32(imageScrollStep)
		if i%2 == 1 {
			dy = -dy
		}
		v.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: at}, Scrolled: fyne.NewDelta(0, dy)})
	}
}

// BenchmarkImageViewSetImage measures loading a 2048 px image, concealed.
func BenchmarkImageViewSetImage(b *testing.B) {
	test.NewTempApp(b)
	img := sceneImage(2048, 1536)
	v := NewImageView()
	v.SetConcealed(true, "x")
	win := test.NewTempWindow(b, v)
	win.Resize(fyne.NewSize(1000, 700))
	b.ResetTimer()
	for range b.N {
		v.SetImage(img)
	}
}
