package widgets

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/disintegration/imaging"
)

const (
	imageZoomStep   = 1.25    // factor of one ZoomIn, ZoomOut or wheel notch
	imageMaxZoom    = 32      // screen units per image pixel at the deepest zoom
	imageScrollStep = 25      // ScrollEvent units of one wheel notch (GLFW default; macOS sends 10)
	imageMaxSide    = 4096    // longer side kept in memory; larger images are reduced once
	imageRefuseSide = 1 << 15 // images with a longer side are not shown at all
	imageMinLevel   = 16      // reduced copies stop when the longer side gets this small
	imageGuideFrac  = 0.05    // the guide: 5 % of the shorter side (GB 45438 / 标识办法 Art. 4)
	imageGuideWidth = 6       // width of the guide bar in widget units
	imageBoxStroke  = 2       // outline width of a Box in widget units
	concealSide     = 96      // longer side of the concealed copy, in pixels
	concealSigma    = 6       // blur radius on that copy: shapes go, rough tones stay
	concealContrast = -40     // flatter contrast on top of the blur and the grey
)

// Box is a rectangle drawn over an ImageView's image, for instance where a
// visible label was found.
type Box struct {
	Rect  image.Rectangle // in the image's pixels, in the coordinates of the image's Bounds
	Label string          // drawn small beside the box, already translated; "" draws none
	OK    bool            // outline in the theme's success colour when true, its error colour otherwise
}

// ImageView shows a decoded image for review: fitted to the view at first,
// zoomed around the pointer with the scroll wheel, panned by dragging, with
// boxes, the 5 % text-height guide and a concealed mode for harmful media
// drawn over it. Methods must be called on the Fyne goroutine.
//
// Zoom is in widget units per image pixel: 1 is ZoomActual, smaller values
// shrink the image. The view never lets the image leave it completely: an
// image larger than the view always covers it, a smaller one is centred.
type ImageView struct {
	widget.BaseWidget

	// OnZoomChanged, if not nil, is called after the zoom changed (by a
	// method, the wheel, or a resize while fitted) with the new zoom, so a
	// caller can show it as a percentage.
	OnZoomChanged func(zoom float32)

	imgSize  image.Point  // the image's size in its own pixels; zero when there is none
	origin   image.Point  // the image's Bounds().Min, subtracted from box coordinates
	levels   []imageLevel // levels[0] is the image, each next one half as large
	conceal  *imageLevel  // blurred grey copy, made when first needed
	boxes    []Box
	guide    bool
	guideTxt string
	hidden   bool // concealed
	note     string
	empty    string // placeholder

	fit  bool          // follow the view's size
	zoom float32       // widget units per image pixel, always finite and > 0
	off  fyne.Position // where the image's top-left corner is drawn, in widget coordinates
	size fyne.Size     // the size zoom and off were computed for
}

// imageLevel is the image, or a reduced or blurred copy of it, with its
// scale in copy pixels per image pixel. Copies are premultiplied RGBA, the
// form Fyne's painters upload as is, so showing a part of one is a plain
// copy of rows.
type imageLevel struct {
	img    *image.RGBA // Bounds().Min is 0,0
	sx, sy float64
}

var (
	_ fyne.Scrollable = (*ImageView)(nil)
	_ fyne.Draggable  = (*ImageView)(nil)
)

// NewImageView returns an empty view; SetImage gives it an image and
// SetPlaceholder the text it shows until then.
func NewImageView() *ImageView {
	v := &ImageView{fit: true, zoom: 1}
	v.ExtendBaseWidget(v)
	return v
}

// SetImage shows img fitted to the view. A nil or empty image, or one
// with a side over 32768 pixels (no decoder the caller uses makes one; an
// image.Uniform does), shows the placeholder. Boxes, the guide and concealment stay as they were, so a
// caller can conceal before the image arrives and it is never shown.
func (v *ImageView) SetImage(img image.Image) {
	v.imgSize, v.origin, v.levels, v.conceal = image.Point{}, image.Point{}, nil, nil
	if img != nil && !img.Bounds().Empty() && max(img.Bounds().Dx(), img.Bounds().Dy()) <= imageRefuseSide {
		b := img.Bounds()
		v.imgSize, v.origin = b.Size(), b.Min
		var first image.Image = img
		if w, h := fitDims(b.Dx(), b.Dy(), imageMaxSide); w < b.Dx() || h < b.Dy() {
			first = imaging.Resize(img, w, h, imaging.Box)
		}
		v.levels = []imageLevel{newLevel(first, v.imgSize)}
		if v.hidden {
			v.makeConcealed()
		}
	}
	old := v.zoom
	v.size = v.Size()
	v.fit = true
	v.zoom = v.fitZoom()
	v.clampPan()
	v.changed(old)
}

// SetPlaceholder sets the text shown when there is no image.
func (v *ImageView) SetPlaceholder(text string) {
	v.empty = text
	v.Refresh()
}

// SetBoxes replaces the boxes drawn over the image.
func (v *ImageView) SetBoxes(boxes []Box) {
	v.boxes = append([]Box(nil), boxes...)
	v.Refresh()
}

// SetGuide shows or hides the guide: a bar as tall as 5 % of the image's
// shorter side (scaled with the zoom) at the image's left edge, labelled
// label, against which a reviewer compares the height of a visible label's
// text (GB 45438 and Art. 4 of the labelling measures ask for at least 5 %).
func (v *ImageView) SetGuide(on bool, label string) {
	v.guide, v.guideTxt = on, label
	v.Refresh()
}

// SetConcealed hides the image behind a heavily blurred grey copy with note
// centred over it (on), or shows the image again (off). Use it for media
// flagged as harmful; the reviewer reveals it on purpose with Reveal.
func (v *ImageView) SetConcealed(on bool, note string) {
	v.hidden, v.note = on, note
	if on && v.conceal == nil && len(v.levels) > 0 {
		v.makeConcealed()
	}
	v.Refresh()
}

// Reveal shows the real image of a concealed view.
func (v *ImageView) Reveal() {
	v.SetConcealed(false, v.note)
}

// Concealed reports whether the image is hidden behind the blurred copy.
func (v *ImageView) Concealed() bool {
	return v.hidden
}

// Zoom returns the current zoom in widget units per image pixel (1 is 1:1).
func (v *ImageView) Zoom() float32 {
	v.sync()
	return v.zoom
}

// ZoomIn enlarges the image one step around the centre of the view.
func (v *ImageView) ZoomIn() {
	v.sync()
	v.zoomAt(v.zoom*imageZoomStep, v.centre())
}

// ZoomOut shrinks the image one step around the centre of the view, down
// to the fitted size (or 1:1 for an image smaller than the view).
func (v *ImageView) ZoomOut() {
	v.sync()
	v.zoomAt(v.zoom/imageZoomStep, v.centre())
}

// ZoomActual shows one image pixel per widget unit, keeping the image
// point at the centre of the view in place.
func (v *ImageView) ZoomActual() {
	v.sync()
	v.zoomAt(1, v.centre())
}

// ZoomFit fits the whole image into the view and keeps it fitted when the
// view is resized.
func (v *ImageView) ZoomFit() {
	v.sync()
	old := v.zoom
	v.fit = true
	v.zoom = v.fitZoom()
	v.clampPan()
	v.changed(old)
}

// Pan moves the image by dx, dy widget units (positive is right and down,
// the way a drag moves it), as far as the image still covers the view.
func (v *ImageView) Pan(dx, dy float32) {
	if !finite(dx) || !finite(dy) {
		return
	}
	v.sync()
	v.off = v.off.AddXY(dx, dy)
	v.clampPan()
	v.Refresh()
}

// Scrolled implements fyne.Scrollable: the vertical wheel zooms around the
// pointer, a horizontal wheel or swipe pans.
func (v *ImageView) Scrolled(ev *fyne.ScrollEvent) {
	if ev == nil || !finite(ev.Scrolled.DX) || !finite(ev.Scrolled.DY) {
		return
	}
	v.sync()
	if dy := ev.Scrolled.DY; dy != 0 {
		steps := max(-3, min(3, float64(dy)/imageScrollStep))
		v.zoomAt(v.zoom*float32(math.Pow(imageZoomStep, steps)), ev.Position)
	}
	if dx := ev.Scrolled.DX; dx != 0 {
		v.Pan(dx, 0)
	}
}

// Dragged implements fyne.Draggable: the image follows the pointer.
func (v *ImageView) Dragged(ev *fyne.DragEvent) {
	if ev != nil {
		v.Pan(ev.Dragged.DX, ev.Dragged.DY)
	}
}

// DragEnd implements fyne.Draggable.
func (v *ImageView) DragEnd() {}

// CreateRenderer implements fyne.Widget.
func (v *ImageView) CreateRenderer() fyne.WidgetRenderer {
	r := &imageViewRenderer{
		v:           v,
		img:         &canvas.Image{FillMode: canvas.ImageFillStretch},
		guideBar:    canvas.NewRectangle(color.Transparent),
		guideBg:     canvas.NewRectangle(color.Transparent),
		guideText:   canvas.NewText("", color.Black),
		noteBg:      canvas.NewRectangle(color.Transparent),
		note:        widget.NewLabel(""),
		placeholder: widget.NewLabel(""),
	}
	for _, l := range []*widget.Label{r.note, r.placeholder} {
		l.Alignment = fyne.TextAlignCenter
		l.Wrapping = fyne.TextWrapWord
	}
	r.update()
	return r
}

// sync brings zoom and offset up to date with the widget's size, which may
// have changed before the renderer was laid out.
func (v *ImageView) sync() {
	v.sizeChanged(v.Size())
}

// sizeChanged keeps a fitted image fitted and otherwise keeps the image
// point at the centre of the view in place.
func (v *ImageView) sizeChanged(size fyne.Size) {
	if size == v.size {
		return
	}
	old, oldZoom := v.size, v.zoom
	v.size = size
	if len(v.levels) == 0 {
		return
	}
	if v.fit {
		v.zoom = v.fitZoom()
	} else {
		v.off = v.off.AddXY((size.Width-old.Width)/2, (size.Height-old.Height)/2)
		v.zoom = max(v.minZoom(), min(v.maxZoom(), v.zoom))
	}
	v.clampPan()
	if v.zoom != oldZoom && v.OnZoomChanged != nil {
		v.OnZoomChanged(v.zoom)
	}
}

func (v *ImageView) centre() fyne.Position {
	return fyne.NewPos(v.size.Width/2, v.size.Height/2)
}

// fitZoom is the zoom at which the whole image fills the view along one axis.
func (v *ImageView) fitZoom() float32 {
	if v.imgSize.X <= 0 || v.imgSize.Y <= 0 || v.size.Width <= 0 || v.size.Height <= 0 {
		return 1
	}
	return min(v.size.Width/float32(v.imgSize.X), v.size.Height/float32(v.imgSize.Y))
}

func (v *ImageView) minZoom() float32 { return min(v.fitZoom(), 1) }
func (v *ImageView) maxZoom() float32 { return max(v.fitZoom(), imageMaxZoom) }

// zoomAt sets the zoom to z (within limits), keeping the image point under
// p, a position in the view, where it was.
func (v *ImageView) zoomAt(z float32, p fyne.Position) {
	if len(v.levels) == 0 || !finite(z) || !finite(p.X) || !finite(p.Y) {
		return
	}
	fit := v.fitZoom()
	z = max(v.minZoom(), min(v.maxZoom(), z))
	ix, iy := v.toImage(p)
	v.off = fyne.NewPos(p.X-ix*z, p.Y-iy*z)
	old := v.zoom
	v.zoom = z
	v.fit = z == fit
	v.clampPan()
	v.changed(old)
}

// toImage returns the image coordinates (relative to the image's top-left
// pixel) under p, a position in the view.
func (v *ImageView) toImage(p fyne.Position) (x, y float32) {
	return (p.X - v.off.X) / v.zoom, (p.Y - v.off.Y) / v.zoom
}

// clampPan centres an image smaller than the view along that axis and
// otherwise keeps it covering the view.
func (v *ImageView) clampPan() {
	clamp := func(off, img, view float32) float32 {
		if img <= view {
			return (view - img) / 2
		}
		return max(view-img, min(0, off))
	}
	v.off.X = clamp(v.off.X, float32(v.imgSize.X)*v.zoom, v.size.Width)
	v.off.Y = clamp(v.off.Y, float32(v.imgSize.Y)*v.zoom, v.size.Height)
}

func (v *ImageView) changed(oldZoom float32) {
	v.Refresh()
	if v.zoom != oldZoom && v.OnZoomChanged != nil {
		v.OnZoomChanged(v.zoom)
	}
}

func (v *ImageView) makeConcealed() {
	src := v.levels[0].img
	w, h := fitDims(src.Bounds().Dx(), src.Bounds().Dy(), concealSide)
	small := imaging.Resize(src, w, h, imaging.Box)
	grey := imaging.AdjustContrast(imaging.Grayscale(small), concealContrast)
	lv := newLevel(imaging.Blur(grey, concealSigma), v.imgSize)
	v.conceal = &lv
}

// level returns the smallest copy with at least target pixels per image
// pixel, reducing the image further when first needed.
func (v *ImageView) level(target float64) imageLevel {
	i := 0
	for {
		lv := v.levels[i]
		b := lv.img.Bounds()
		if min(lv.sx, lv.sy)/2 < target || max(b.Dx(), b.Dy()) <= imageMinLevel {
			return lv
		}
		if i+1 == len(v.levels) {
			half := imaging.Resize(lv.img, max(1, (b.Dx()+1)/2), max(1, (b.Dy()+1)/2), imaging.Box)
			v.levels = append(v.levels, newLevel(half, v.imgSize))
		}
		i++
	}
}

// newLevel copies img as the level of an image full pixels large.
func newLevel(img image.Image, full image.Point) imageLevel {
	b := img.Bounds()
	return imageLevel{img: toRGBA(img), sx: float64(b.Dx()) / float64(full.X), sy: float64(b.Dy()) / float64(full.Y)}
}

// toRGBA copies img into a premultiplied RGBA image at 0,0. Decoded PNGs
// are mostly NRGBA and opaque, where premultiplying changes nothing, so
// those rows are copied as bytes and only translucent pixels are converted.
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	src, ok := img.(*image.NRGBA)
	if !ok {
		draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
		return dst
	}
	for y := range b.Dy() {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*b.Dx()]
		copy(row, src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):])
		for i := 0; i < len(row); i += 4 {
			if a := uint32(row[i+3]); a != 0xff {
				row[i] = uint8(uint32(row[i]) * a / 0xff)
				row[i+1] = uint8(uint32(row[i+1]) * a / 0xff)
				row[i+2] = uint8(uint32(row[i+2]) * a / 0xff)
			}
		}
	}
	return dst
}

// fitDims scales w×h to fit a side×side square, keeping at least 1 pixel.
func fitDims(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, int(math.Round(float64(h)*float64(side)/float64(w))))
	}
	return max(1, int(math.Round(float64(w)*float64(side)/float64(h)))), side
}

func finite(f float32) bool {
	return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0)
}

// imageViewRenderer draws the visible part of the image (or of its
// concealed copy) as one canvas.Image, so the texture never grows beyond the
// view whatever the zoom, and the overlays as plain canvas objects. The view
// is fyne.Scrollable, which makes Fyne clip what it draws to its bounds.
type imageViewRenderer struct {
	v *ImageView

	img       *canvas.Image
	shown     cropKey // what img holds now, to skip copying it again
	guideBar  *canvas.Rectangle
	guideBg   *canvas.Rectangle
	guideText *canvas.Text

	boxes    []*canvas.Rectangle
	labelBgs []*canvas.Rectangle
	labels   []*canvas.Text

	noteBg      *canvas.Rectangle
	note        *widget.Label
	placeholder *widget.Label

	objects []fyne.CanvasObject
}

type cropKey struct {
	src  *image.RGBA
	rect image.Rectangle
	mode canvas.ImageScale
}

func (r *imageViewRenderer) Layout(size fyne.Size) {
	r.v.sizeChanged(size)
	r.update()
}

func (r *imageViewRenderer) MinSize() fyne.Size {
	return fyne.NewSize(200, 150)
}

func (r *imageViewRenderer) Refresh() {
	r.v.sync()
	r.update()
	canvas.Refresh(r.v)
}

func (r *imageViewRenderer) Objects() []fyne.CanvasObject {
	return r.objects
}

func (r *imageViewRenderer) Destroy() {}

// update places every object for the current state.
func (r *imageViewRenderer) update() {
	v := r.v
	th := v.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	r.ensureBoxes(len(v.boxes))
	size := v.size
	hasImage := len(v.levels) > 0 && size.Width > 0 && size.Height > 0

	r.placeholder.Hidden = len(v.levels) > 0 || v.empty == ""
	if !r.placeholder.Hidden {
		if r.placeholder.Text != v.empty {
			r.placeholder.SetText(v.empty)
		}
		centreLabel(r.placeholder, size)
	}
	if !hasImage {
		r.img.Hide()
		r.hideOverlays()
		return
	}
	r.updateImage()
	r.updateGuide(th, variant)
	r.updateBoxes(th, variant)

	r.note.Hidden = !v.hidden || v.note == ""
	r.noteBg.Hidden = r.note.Hidden
	if !r.note.Hidden {
		if r.note.Text != v.note {
			r.note.SetText(v.note)
		}
		centreLabel(r.note, size)
		r.noteBg.FillColor = scrim(th, variant)
		r.noteBg.Move(fyne.NewPos(0, r.note.Position().Y))
		r.noteBg.Resize(fyne.NewSize(size.Width, r.note.Size().Height))
		r.noteBg.Refresh()
	}
}

func (r *imageViewRenderer) hideOverlays() {
	r.guideBar.Hide()
	r.guideBg.Hide()
	r.guideText.Hide()
	for i := range r.boxes {
		r.boxes[i].Hide()
		r.labelBgs[i].Hide()
		r.labels[i].Hide()
	}
	r.noteBg.Hide()
	r.note.Hide()
}

// ensureBoxes keeps one outline, label and label background per box and
// rebuilds the object list when their number changes.
func (r *imageViewRenderer) ensureBoxes(n int) {
	if len(r.boxes) == n && r.objects != nil {
		return
	}
	for len(r.boxes) < n {
		rect := canvas.NewRectangle(color.Transparent)
		rect.StrokeWidth = imageBoxStroke
		r.boxes = append(r.boxes, rect)
		r.labelBgs = append(r.labelBgs, canvas.NewRectangle(color.Transparent))
		r.labels = append(r.labels, canvas.NewText("", color.Black))
	}
	r.boxes, r.labelBgs, r.labels = r.boxes[:n], r.labelBgs[:n], r.labels[:n]
	objs := []fyne.CanvasObject{r.img, r.guideBar, r.guideBg, r.guideText}
	for _, b := range r.boxes {
		objs = append(objs, b)
	}
	for i := range r.labels {
		objs = append(objs, r.labelBgs[i], r.labels[i])
	}
	r.objects = append(objs, r.noteBg, r.note, r.placeholder)
}

// updateImage shows the part of the image inside the view, taken from the
// smallest copy that still has a pixel per screen pixel (or the concealed
// copy), and drawn over exactly the area those pixels cover.
func (r *imageViewRenderer) updateImage() {
	v := r.v
	z := float64(v.zoom)
	pixels := z * float64(canvasScale(v))
	var lv imageLevel
	mode := canvas.ImageScaleFastest // GPU-smoothed; the copy is at most twice too large
	switch {
	case v.hidden && v.conceal != nil:
		lv = *v.conceal
	case pixels >= 2:
		lv, mode = v.levels[0], canvas.ImageScalePixels // deep zoom: show crisp pixels
	default:
		lv = v.level(pixels)
	}
	b := lv.img.Bounds()
	span := func(off, view float32, full int, s float64, n int) (int, int) {
		lo := max(0, min(float64(full), -float64(off)/z))
		hi := max(0, min(float64(full), float64(view-off)/z))
		return max(0, min(n, int(math.Floor(lo*s)))), max(0, min(n, int(math.Ceil(hi*s))))
	}
	x0, x1 := span(v.off.X, v.size.Width, v.imgSize.X, lv.sx, b.Dx())
	y0, y1 := span(v.off.Y, v.size.Height, v.imgSize.Y, lv.sy, b.Dy())
	if x1 <= x0 || y1 <= y0 {
		r.img.Hide()
		return
	}
	key := cropKey{src: lv.img, rect: image.Rect(x0, y0, x1, y1), mode: mode}
	if key != r.shown {
		dst := image.NewRGBA(image.Rect(0, 0, x1-x0, y1-y0))
		draw.Draw(dst, dst.Bounds(), lv.img, key.rect.Min, draw.Src)
		r.img.Image = dst
		r.img.ScaleMode = mode
		r.img.Refresh()
		r.shown = key
	}
	r.img.Move(fyne.NewPos(v.off.X+float32(float64(x0)/lv.sx*z), v.off.Y+float32(float64(y0)/lv.sy*z)))
	r.img.Resize(fyne.NewSize(float32(float64(x1-x0)/lv.sx*z), float32(float64(y1-y0)/lv.sy*z)))
	r.img.Show()
}

// updateGuide draws the 5 % bar at the image's left edge (or the view's,
// once the edge is panned out), centred on the visible part of the image.
func (r *imageViewRenderer) updateGuide(th fyne.Theme, variant fyne.ThemeVariant) {
	v := r.v
	if !v.guide {
		r.guideBar.Hide()
		r.guideBg.Hide()
		r.guideText.Hide()
		return
	}
	h := max(1, imageGuideFrac*float32(min(v.imgSize.X, v.imgSize.Y))*v.zoom)
	top := max(0, v.off.Y)
	bottom := min(v.size.Height, v.off.Y+float32(v.imgSize.Y)*v.zoom)
	y := top + max(0, (bottom-top-h)/2)
	x := max(0, v.off.X)
	r.guideBar.FillColor = th.Color(theme.ColorNamePrimary, variant)
	r.guideBar.StrokeColor = th.Color(theme.ColorNameBackground, variant)
	r.guideBar.StrokeWidth = 1
	r.guideBar.Move(fyne.NewPos(x, y))
	r.guideBar.Resize(fyne.NewSize(imageGuideWidth, h))
	r.guideBar.Show()
	r.guideBar.Refresh()

	r.guideText.Hidden = v.guideTxt == ""
	r.guideBg.Hidden = r.guideText.Hidden
	if r.guideText.Hidden {
		return
	}
	r.guideText.Text = v.guideTxt
	r.guideText.TextSize = th.Size(theme.SizeNameCaptionText)
	r.guideText.Color = th.Color(theme.ColorNameForeground, variant)
	ts := r.guideText.MinSize()
	pos := fyne.NewPos(x+imageGuideWidth+4, y+(h-ts.Height)/2)
	placeLabel(r.guideText, r.guideBg, pos, v.size, scrim(th, variant))
}

// updateBoxes outlines each box where its pixels are drawn, in the theme's
// success or error colour, with its label beside it.
func (r *imageViewRenderer) updateBoxes(th fyne.Theme, variant fyne.ThemeVariant) {
	v := r.v
	for i, b := range v.boxes {
		rect, bg, label := r.boxes[i], r.labelBgs[i], r.labels[i]
		full, shown, ok := v.boxOnScreen(b.Rect)
		if !ok {
			rect.Hide()
			bg.Hide()
			label.Hide()
			continue
		}
		col := th.Color(theme.ColorNameError, variant)
		if b.OK {
			col = th.Color(theme.ColorNameSuccess, variant)
		}
		rect.StrokeColor = col
		rect.Move(fyne.NewPos(shown.x0, shown.y0))
		rect.Resize(fyne.NewSize(shown.x1-shown.x0, shown.y1-shown.y0))
		rect.Show()
		rect.Refresh()

		if b.Label == "" {
			bg.Hide()
			label.Hide()
			continue
		}
		label.Text = b.Label
		label.TextSize = th.Size(theme.SizeNameCaptionText)
		label.Color = col
		placeLabel(label, bg, v.labelPos(full, label.MinSize()), v.size, scrim(th, variant))
	}
}

// screenRect is a rectangle in widget coordinates.
type screenRect struct{ x0, y0, x1, y1 float32 }

// boxOnScreen returns where box r is drawn (at least one unit wide and
// tall) and the part of it to outline: cut a little outside the view, so a
// box partly out of view gets no false edge along the view's border. ok is
// false when no part of it is in view.
func (v *ImageView) boxOnScreen(r image.Rectangle) (full, shown screenRect, ok bool) {
	c := r.Canon().Sub(v.origin)
	full.x0 = v.off.X + float32(c.Min.X)*v.zoom
	full.y0 = v.off.Y + float32(c.Min.Y)*v.zoom
	full.x1 = max(v.off.X+float32(c.Max.X)*v.zoom, full.x0+1)
	full.y1 = max(v.off.Y+float32(c.Max.Y)*v.zoom, full.y0+1)
	const m = imageBoxStroke + 1
	shown = screenRect{max(full.x0, -m), max(full.y0, -m), min(full.x1, v.size.Width+m), min(full.y1, v.size.Height+m)}
	ok = full.x1 > 0 && full.y1 > 0 && full.x0 < v.size.Width && full.y0 < v.size.Height
	return full, shown, ok
}

// labelPos puts a label of size ts above the box, or below it, or inside
// its top edge, whichever first stays in view.
func (v *ImageView) labelPos(box screenRect, ts fyne.Size) fyne.Position {
	y := box.y0 - ts.Height - imageBoxStroke
	if y < 0 {
		y = box.y1 + imageBoxStroke
		if y+ts.Height > v.size.Height {
			y = max(box.y0, 0) + imageBoxStroke
		}
	}
	return fyne.NewPos(box.x0, y)
}

// placeLabel puts text at pos, moved into view (a size) as far as it fits,
// on a background rectangle that keeps it legible over any image.
func placeLabel(text *canvas.Text, bg *canvas.Rectangle, pos fyne.Position, view fyne.Size, fill color.Color) {
	const pad = 2
	size := text.MinSize()
	pos.X = max(pad, min(pos.X, view.Width-size.Width-pad))
	pos.Y = max(0, min(pos.Y, view.Height-size.Height))
	text.Move(pos)
	text.Resize(size)
	text.Show()
	text.Refresh()
	bg.FillColor = fill
	bg.CornerRadius = pad
	bg.Move(pos.SubtractXY(pad, 0))
	bg.Resize(size.AddWidthHeight(2*pad, 0))
	bg.Show()
	bg.Refresh()
}

// centreLabel makes a wrapping label as wide as area less padding, as tall
// as its wrapped text, and centres it.
func centreLabel(l *widget.Label, area fyne.Size) {
	w := max(0, area.Width-2*theme.Padding())
	l.Resize(fyne.NewSize(w, l.MinSize().Height))
	h := l.MinSize().Height
	l.Resize(fyne.NewSize(w, h))
	l.Move(fyne.NewPos((area.Width-w)/2, (area.Height-h)/2))
	l.Show()
}

// scrim is the translucent background behind text drawn over the image.
func scrim(th fyne.Theme, variant fyne.ThemeVariant) color.Color {
	r, g, b, _ := th.Color(theme.ColorNameOverlayBackground, variant).RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0xd0}
}

func canvasScale(o fyne.CanvasObject) float32 {
	if c := fyne.CurrentApp().Driver().CanvasForObject(o); c != nil && c.Scale() > 0 {
		return c.Scale()
	}
	return 1
}
