package visible

import (
	"image"
	"image/color"
	"math"
	"sort"
)

// RuleHeightRatio is the legal minimum: text height at least 5 % of the
// shorter side (GB 45438-2025 5.2, LM Art. 4(3)). A Detection below it is an
// explicit-too-small finding for the reader.
const RuleHeightRatio = 0.05

// Detection is one visible label found in an image.
type Detection struct {
	// Text is the label text of the matched template ("" for a crop whose
	// text is unknown).
	Text string
	// Box is the label's enclosing rectangle (the plate for SynthReview's
	// labels, the matched crop area otherwise) in image coordinates.
	Box image.Rectangle
	// HeightRatio is the measured ink height over the image's shorter side
	// (the enclosing rectangle's height for a crop), for the 5 % rule.
	HeightRatio float64
	// Source names the template: "template:<name>".
	Source string
	// Score is the normalised cross-correlation, -1…1.
	Score float64
}

// TooSmall reports whether the label fails the 5 % rule.
func (d Detection) TooSmall() bool { return d.HeightRatio < RuleHeightRatio }

// bandFrac is the share of the shorter side searched from the top and the
// bottom edge: the largest plate (16 % ink, padding, margin, slack) fits.
const bandFrac = 0.34

// plane is the luma of the image's border bands on the working grid.
type plane struct {
	w, h     int
	band     int // rows [0, band) and [h-band, h) are filled
	pix      []float32
	ii, ii2  []float64 // integral images, (w+1)×(h+1)
	f        float64   // plane pixels per image pixel
	src      image.Rectangle
	srcShort int

	plateThr, cropThr float64
}

// MaxDetectPixels bounds the images Detect looks at (the reader's own
// MaxPixels applies first).
const MaxDetectPixels = 200_000_000

func newPlane(img image.Image) *plane {
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	short := min(W, H)
	if short < 16 || int64(W)*int64(H) > MaxDetectPixels {
		return nil
	}
	f := float64(planeShort) / float64(short)
	w, h := int(float64(W)*f+0.5), int(float64(H)*f+0.5)
	if w < 1 || h < 1 || w > 64*planeShort || h > 64*planeShort {
		return nil
	}
	p := &plane{w: w, h: h, f: f, src: b, srcShort: short}
	p.band = min(h, int(bandFrac*planeShort)+2)
	p.fill(img)
	p.integrate()
	return p
}

// fill box-averages the image's luma into the plane's border bands.
func (p *plane) fill(img image.Image) {
	b := p.src
	W, H := b.Dx(), b.Dy()
	w, h := p.w, p.h
	p.pix = make([]float32, w*h)
	xs := make([]int, w+1)
	for x := 0; x <= w; x++ {
		xs[x] = min(W, x*W/w)
	}
	rowBuf := make([]uint8, W)
	acc := make([]float32, w)
	for y := 0; y < h; y++ {
		if y >= p.band && y < h-p.band {
			continue
		}
		y0 := y * H / h
		y1 := max(y0+1, (y+1)*H/h)
		clear(acc)
		for sy := y0; sy < y1; sy++ {
			lumaRow(img, b.Min.Y+sy, rowBuf)
			for x := 0; x < w; x++ {
				x0, x1 := xs[x], max(xs[x]+1, xs[x+1])
				var s int
				for _, v := range rowBuf[x0:min(x1, W)] {
					s += int(v)
				}
				acc[x] += float32(s) / float32(x1-x0)
			}
		}
		for x := 0; x < w; x++ {
			p.pix[y*w+x] = acc[x] / float32(y1-y0)
		}
	}
}

// integrate builds the integral images of the plane and of its squares.
func (p *plane) integrate() {
	w, h := p.w, p.h
	p.ii = make([]float64, (w+1)*(h+1))
	p.ii2 = make([]float64, (w+1)*(h+1))
	for y := 0; y < h; y++ {
		var rs, rs2 float64
		for x := 0; x < w; x++ {
			v := float64(p.pix[y*w+x])
			rs += v
			rs2 += v * v
			p.ii[(y+1)*(w+1)+x+1] = p.ii[y*(w+1)+x+1] + rs
			p.ii2[(y+1)*(w+1)+x+1] = p.ii2[y*(w+1)+x+1] + rs2
		}
	}
}

// lumaRow fills buf with the luma of image row y.
func lumaRow(img image.Image, y int, buf []uint8) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		i := m.YOffset(b.Min.X, y)
		copy(buf, m.Y[i:i+len(buf)])
		return
	case *image.Gray:
		i := m.PixOffset(b.Min.X, y)
		copy(buf, m.Pix[i:i+len(buf)])
		return
	case *image.NRGBA:
		row := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range buf {
			buf[x] = luma8(row[4*x], row[4*x+1], row[4*x+2])
		}
		return
	case *image.RGBA:
		row := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range buf {
			buf[x] = luma8(row[4*x], row[4*x+1], row[4*x+2])
		}
		return
	case *image.Paletted:
		var lut [256]uint8
		for i, c := range m.Palette {
			lut[i] = color.GrayModel.Convert(c).(color.Gray).Y
		}
		row := m.Pix[m.PixOffset(b.Min.X, y):]
		for x := range buf {
			buf[x] = lut[row[x]]
		}
		return
	}
	for x := range buf {
		buf[x] = lumaAt(img, b.Min.X+x, y)
	}
}

// rect returns sum and sum of squares over [x0,x1)×[y0,y1).
func (p *plane) rect(x0, y0, x1, y1 int) (s, s2 float64, n int) {
	W := p.w + 1
	a, b, c, d := y0*W+x0, y0*W+x1, y1*W+x0, y1*W+x1
	return p.ii[d] - p.ii[b] - p.ii[c] + p.ii[a], p.ii2[d] - p.ii2[b] - p.ii2[c] + p.ii2[a], (x1 - x0) * (y1 - y0)
}

func (p *plane) meanSD(x0, y0, x1, y1 int) (float64, float64) {
	s, s2, n := p.rect(x0, y0, x1, y1)
	if n <= 0 {
		return 0, 0
	}
	m := s / float64(n)
	return m, math.Sqrt(math.Max(0, s2/float64(n)-m*m))
}

// inBands reports whether rows [y, y+h) were filled.
func (p *plane) inBands(y, h int) bool {
	return y >= 0 && y+h <= p.h && (y+h <= p.band || y >= p.h-p.band)
}

// ncc scores template s at (x, y).
func (p *plane) ncc(s *scaled, x, y int) float64 {
	_, _, n := p.rect(x, y, x+s.w, y+s.h)
	sum, sum2, _ := p.rect(x, y, x+s.w, y+s.h)
	v := sum2 - sum*sum/float64(n)
	if v < 1e-3*float64(n) || s.norm == 0 {
		return -1
	}
	var cross float32
	for ty := 0; ty < s.h; ty++ {
		row := p.pix[(y+ty)*p.w+x : (y+ty)*p.w+x+s.w]
		tr := s.tz[ty*s.w : ty*s.w+s.w]
		for i, t := range tr {
			cross += t * row[i]
		}
	}
	return float64(cross) / (s.norm * math.Sqrt(v))
}

// plateScreen is a cheap test with integral images: the plate's padding
// ring is dark and even, and the text area is brighter than the ring.
func (p *plane) plateScreen(s *scaled, x, y int) bool {
	pad := max(1, s.pad)
	t := max(1, pad/2)
	in := pad / 4
	x0, y0, x1, y1 := x+in, y+in, x+s.w-in, y+s.h-in
	strips := [4][4]int{
		{x0, y0, x1, y0 + t}, {x0, y1 - t, x1, y1},
		{x0, y0, x0 + t, y1}, {x1 - t, y0, x1, y1},
	}
	var ms [4]float64
	for i, r := range strips {
		s, s2, n := p.rect(r[0], r[1], r[2], r[3])
		m := s / float64(n)
		if m > 100 || s2/float64(n)-m*m > 40*40 {
			return false
		}
		ms[i] = m
	}
	lo, hi := ms[0], ms[0]
	for _, m := range ms[1:] {
		lo, hi = math.Min(lo, m), math.Max(hi, m)
	}
	if hi-lo > 45 {
		return false
	}
	im, _ := p.meanSD(x+s.ink.Min.X, y+s.ink.Min.Y, x+s.ink.Max.X, y+s.ink.Max.Y)
	return im > hi+20
}

type candidate struct {
	t     *Template
	s     *scaled
	x, y  int
	score float64
}

// Detect finds visible labels in img: SynthReview's own plate labels at any
// size (3–16 % ink height), on any corner or on the top or bottom edge, and
// the bank's crop templates within 10 % of a corner. It works on the luma
// of the top and bottom border bands resampled to a 200-pixel shorter side,
// so its cost hardly depends on the image size. It never panics; an image
// too small or too large to search gives no detections.
func Detect(img image.Image, bank *Bank) []Detection {
	return detectWith(img, bank, PlateThreshold, CropThreshold)
}

// detectWith is Detect with explicit score thresholds (the calibration test
// lowers them to see the scores of non-labels).
func detectWith(img image.Image, bank *Bank, plateThr, cropThr float64) []Detection {
	if img == nil || bank == nil {
		return nil
	}
	p := newPlane(img)
	if p == nil {
		return nil
	}
	p.plateThr, p.cropThr = plateThr, cropThr
	var cands []candidate
	for _, t := range bank.templates {
		if t.plate {
			cands = append(cands, p.searchPlate(t)...)
		} else {
			cands = append(cands, p.searchCrop(t)...)
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	var out []Detection
	var kept []image.Rectangle
	for _, c := range cands {
		r := image.Rect(c.x, c.y, c.x+c.s.w, c.y+c.s.h)
		overlap := false
		for _, k := range kept {
			if k.Overlaps(r) {
				overlap = true
				break
			}
		}
		if overlap {
			continue
		}
		kept = append(kept, r)
		out = append(out, p.detection(img, c, r, cands))
	}
	return out
}

func (p *plane) searchPlate(t *Template) []candidate {
	slack := int(math.Round(anchorSlk * planeShort))
	var best [6]candidate
	for i := range t.scales {
		s := &t.scales[i]
		for a, an := range p.plateAnchors(s) {
			p.bestNear(t, s, an, slack, &best[a])
		}
	}
	// The grid's 8 % steps leave a long text (人工智能生成) misaligned by up
	// to 4 % of its width at its far end, enough to halve its score on a
	// small picture: near a promising grid scale, finer scales are tried.
	pre := max(refineFloor, p.plateThr-refineMargin)
	for a := range best {
		if c := best[a]; c.s != nil && c.score >= pre && c.score < refineEnough {
			best[a] = p.refinePlate(t, a, slack, c)
		}
	}
	var out []candidate
	for _, c := range best {
		if c.s != nil && c.score >= p.plateThr {
			out = append(out, c)
		}
	}
	return out
}

// Scale refinement of plate candidates (searchPlate): candidates scoring at
// least refineFloor (or plateThr-refineMargin, when higher) and under
// refineEnough are searched again at scales refineStep apart between the
// grid's neighbouring scales.
const (
	refineFloor  = 0.35
	refineMargin = 0.3
	refineEnough = 0.95
	refineStep   = 1.01
)

// plateAnchors are the six places a plate of size s sits on the plane:
// the four corners and the middle of the top and bottom edges, plateMargin
// from the edges.
func (p *plane) plateAnchors(s *scaled) [6][2]int {
	mp := int(math.Round(plateMargin * planeShort))
	return [6][2]int{
		{mp, mp}, {p.w - mp - s.w, mp}, {mp, p.h - mp - s.h}, {p.w - mp - s.w, p.h - mp - s.h},
		{(p.w - s.w) / 2, mp}, {(p.w - s.w) / 2, p.h - mp - s.h},
	}
}

// bestNear scores s at every position within slack of anchor an that
// passes the ring screen, keeping the best in *best.
func (p *plane) bestNear(t *Template, s *scaled, an [2]int, slack int, best *candidate) {
	for dy := -slack; dy <= slack; dy++ {
		y := an[1] + dy
		if !p.inBands(y, s.h) {
			continue
		}
		for dx := -slack; dx <= slack; dx++ {
			x := an[0] + dx
			if x < 0 || x+s.w > p.w || !p.plateScreen(s, x, y) {
				continue
			}
			if sc := p.ncc(s, x, y); sc > best.score {
				*best = candidate{t: t, s: s, x: x, y: y, score: sc}
			}
		}
	}
}

// refinePlate searches anchor a again at scales refineStep apart between
// the grid scales on either side of c's, rendering each from the
// template's canonical image, and returns the best of them and c.
func (p *plane) refinePlate(t *Template, a, slack int, c candidate) candidate {
	best := c
	for r := c.s.ratio / scaleStep; r <= c.s.ratio*scaleStep*1.0001; r *= refineStep {
		if math.Abs(r/c.s.ratio-1) < refineStep-1 {
			continue // the grid scale itself, searched already
		}
		f := r * planeShort / float64(t.ink.Dy())
		s := makeScaled(t.base, t.ink, f)
		s.ratio, s.pad = r, int(float64(t.ink.Min.Y)*f+0.5)
		if s.w < 4 || s.h < 4 || s.norm == 0 {
			continue
		}
		p.bestNear(t, &s, p.plateAnchors(&s)[a], slack, &best)
	}
	return best
}

func (p *plane) searchCrop(t *Template) []candidate {
	reach := int(math.Round(cropReach * planeShort))
	var best [4]candidate
	for i := range t.scales {
		s := &t.scales[i]
		starts := [4][2]int{{0, 0}, {p.w - s.w - reach, 0}, {0, p.h - s.h - reach}, {p.w - s.w - reach, p.h - s.h - reach}}
		for c, st := range starts {
			bx, by, bs := p.coarseCrop(s, max(0, st[0]), max(0, st[1]), reach)
			if bs < p.cropThr-0.35 { // a 2-pixel grid can miss a sharp peak by a lot
				continue
			}
			for y := by - 1; y <= by+1; y++ {
				for x := bx - 1; x <= bx+1; x++ {
					if x < 0 || x+s.w > p.w || !p.inBands(y, s.h) {
						continue
					}
					if sc := p.ncc(s, x, y); sc > best[c].score {
						best[c] = candidate{t: t, s: s, x: x, y: y, score: sc}
					}
				}
			}
		}
	}
	var out []candidate
	for _, c := range best {
		if c.s != nil && c.score >= p.cropThr {
			out = append(out, c)
		}
	}
	return out
}

// coarseCrop scans a corner region on a 2-pixel grid, skipping flat
// windows, and returns the best position and score.
func (p *plane) coarseCrop(s *scaled, x0, y0, reach int) (int, int, float64) {
	bx, by, bs := 0, 0, -2.0
	for y := y0; y <= y0+reach; y += 2 {
		if !p.inBands(y, s.h) {
			continue
		}
		for x := x0; x <= x0+reach && x+s.w <= p.w; x += 2 {
			if _, sd := p.meanSD(x, y, x+s.w, y+s.h); sd < 4 {
				continue
			}
			if sc := p.ncc(s, x, y); sc > bs {
				bx, by, bs = x, y, sc
			}
		}
	}
	return bx, by, bs
}

// detection maps a candidate back to image coordinates and measures it.
func (p *plane) detection(img image.Image, c candidate, r image.Rectangle, cands []candidate) Detection {
	box := p.toImage(r)
	if !c.t.plate {
		return Detection{Text: c.t.Text, Box: box, Source: "template:" + c.t.Name, Score: c.score,
			HeightRatio: float64(box.Dy()) / float64(p.srcShort)}
	}
	ratio := c.s.ratio
	inset := int(float64(c.s.pad) / p.f / 2)
	ink := measureInk(img, box.Inset(inset))
	if !ink.Empty() {
		ratio = float64(ink.Dy()) / float64(p.srcShort)
		c = p.chooseText(img, c, ink, cands)
		box = p.toImage(image.Rect(c.x, c.y, c.x+c.s.w, c.y+c.s.h))
	}
	return Detection{Text: c.t.Text, Box: box, Source: "template:" + c.t.Name, Score: c.score, HeightRatio: ratio}
}

// toImage maps a plane rectangle to image coordinates.
func (p *plane) toImage(r image.Rectangle) image.Rectangle {
	return image.Rect(
		p.src.Min.X+int(float64(r.Min.X)/p.f), p.src.Min.Y+int(float64(r.Min.Y)/p.f),
		p.src.Min.X+int(math.Ceil(float64(r.Max.X)/p.f)), p.src.Min.Y+int(math.Ceil(float64(r.Max.Y)/p.f)),
	).Intersect(p.src)
}

// measureInk returns the box of the bright text inside a plate region at
// full resolution: the pixels above the midpoint between the plate and the
// text levels. It samples at most about 1 M pixels.
func measureInk(img image.Image, r image.Rectangle) image.Rectangle {
	if r.Empty() {
		return image.Rectangle{}
	}
	step := 1
	for r.Dx()*r.Dy()/(step*step) > 1<<20 {
		step++
	}
	var hist [256]int
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y += step {
		for x := r.Min.X; x < r.Max.X; x += step {
			hist[lumaAt(img, x, y)]++
			n++
		}
	}
	lo, hi := pct(hist[:], n, 0.10), pct(hist[:], n, 0.995)
	if hi-lo < 40 {
		return image.Rectangle{}
	}
	thr := uint8((lo + hi) / 2)
	ink := image.Rectangle{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x += step {
			if lumaAt(img, x, y) > thr {
				ink = ink.Union(image.Rect(x, y, x+step, y+1))
			}
		}
	}
	return ink
}

func pct(hist []int, n int, q float64) int {
	want := int(q * float64(n))
	acc := 0
	for v, c := range hist {
		acc += c
		if acc > want {
			return v
		}
	}
	return 255
}

// chooseText settles which of the bank's texts a plate label shows. On the
// 200-pixel plane texts with as many glyphs score alike (AI生成, AI合成), so
// the text's ink box is measured on the image itself and compared with each
// overlapping candidate's ink, both resampled to the same size: aligning on
// the measured ink removes the plane's position and scale error.
func (p *plane) chooseText(img image.Image, win candidate, ink image.Rectangle, cands []candidate) candidate {
	if ink.Dx() < 4 || ink.Dy() < 4 || ink.Dx()*ink.Dy() > 4<<20 {
		return win
	}
	wr := image.Rect(win.x, win.y, win.x+win.s.w, win.y+win.s.h)
	crop := image.NewGray(ink)
	for y := ink.Min.Y; y < ink.Max.Y; y++ {
		for x := ink.Min.X; x < ink.Max.X; x++ {
			crop.Pix[crop.PixOffset(x, y)] = lumaAt(img, x, y)
		}
	}
	best, bestScore := win, -2.0
	seen := map[*Template]bool{}
	for _, c := range cands {
		if !c.t.plate || seen[c.t] || !image.Rect(c.x, c.y, c.x+c.s.w, c.y+c.s.h).Overlaps(wr) {
			continue
		}
		seen[c.t] = true
		ta := float64(c.t.ink.Dx()) / float64(c.t.ink.Dy())
		ia := float64(ink.Dx()) / float64(ink.Dy())
		if ia/ta > 1.2 || ta/ia > 1.2 {
			continue
		}
		h := fineInk
		w := max(4, int(float64(h)*ta+0.5))
		tv := resampleGray(c.t.base.SubImage(c.t.ink).(*image.Gray), w, h)
		if sc := nccVec(tv, resampleGray(crop, w, h)); sc > bestScore {
			best, bestScore = c, sc
		}
	}
	return best
}

const fineInk = 48

func nccVec(a, b []float32) float64 {
	var ma, mb float64
	for i := range a {
		ma += float64(a[i])
		mb += float64(b[i])
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		da, db := float64(a[i])-ma, float64(b[i])-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		return -1
	}
	return sab / math.Sqrt(saa*sbb)
}
