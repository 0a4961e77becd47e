package watermark

import (
	"fmt"
	"math"
	"slices"

	"synthreview/marking/raster"
)

// Result is what Detect reports; its JSON form has the keys of the scan
// contract (design.md: detected, payload, payload_digest, confidence). A
// Result with Checked false means no key was available: the caller reports
// the watermark as "not-checked", never as absent.
type Result struct {
	// Detected is true only when a payload decoded and passed its 40-bit
	// keyed check under KeyID.
	Detected bool `json:"detected"`
	// KeyID is the ID of the key that verified the mark.
	KeyID string `json:"key_id,omitempty"`
	// Payload is the ProduceID when it travelled whole.
	Payload string `json:"payload"`
	// PayloadDigest is the 16-hex-digit digest when the ProduceID was too
	// long or used other characters (see DigestProduceID).
	PayloadDigest string `json:"payload_digest"`
	// Confidence is the soft agreement between the received cells and the
	// decoded codeword, from 0 (marginal read) to 1 (clean read). It
	// grades how much of the mark survived; the keyed check, not this
	// number, is what makes a detection trustworthy.
	Confidence float64 `json:"confidence"`
	// Checked is true when at least one key was tried.
	Checked bool `json:"-"`
	// Sync is the best synchronisation score seen (standard deviations of
	// the sync correlation peak over its background); diagnostic.
	Sync float64 `json:"-"`
}

// Detection parameters and the false-positive arithmetic.
//
// A detection needs (a) a sync correlation peak at least syncGate standard
// deviations above the mean of the 16 384 (4 sub-cell phases × 4096
// shifts) correlation values, and (b) a Viterbi-decoded message whose 40-bit
// keyed check matches. On an unmarked picture the decoded message is
// independent of the check, which therefore matches with probability
// 2⁻⁴⁰ ≈ 9.1·10⁻¹³ per decode attempt. At most maxHypotheses decode attempts
// are made per key, so the false-positive rate is at most
// maxHypotheses · 2⁻⁴⁰ ≈ 2.7·10⁻¹² per image and key, far below the 10⁻⁹
// target (a ring of 300 rotated keys still stays under it),
// without counting the sync gate at all (which, on the robustness script's
// unmarked pictures, lets only a small fraction through to a decode: it
// prints that fraction). With k keys in the ring multiply by k.
const (
	syncGate      = 5.0
	refineGate    = 3.5 // a weaker peak is not worth refining the period for
	refoldGate    = 4.5 // nor, below this after re-aligning, a second fold
	maxHypotheses = 3
	foldBins      = 4 * tileCells // sub-bins per tile side: 4 per cell
	whitenClip    = 24            // luma levels
	whitenScale   = 4
)

// Detect looks for a mark of any key in ring (newest first) in the luma
// plane. It shares the plane's pyramid with the other detectors and never
// panics on odd sizes; invalid planes and planes with a side under 64 pixels
// report not detected (Checked still true when the ring has keys). It is
// safe for concurrent use.
func Detect(l *raster.Luma, ring *Keyring) Result {
	if ring == nil || len(ring.Keys) == 0 {
		return Result{}
	}
	res := Result{Checked: true}
	if !l.Valid() || min(l.W, l.H) < 64 {
		return res
	}
	pats := make([]*pattern, len(ring.Keys))
	for i, k := range ring.Keys {
		if len(k.Secret) > 0 {
			pats[i] = newPattern(k.Secret)
		}
	}
	d := &detector{levels: l.Pyramid(32)}
	d.analysis = min(canonicalLevel(l.W, l.H), len(d.levels)-1)
	tried := make([]int, len(ring.Keys))
	for _, c := range d.periods() {
		lvl, px, py := d.decodeLevel(c)
		r := d.whitened(lvl)
		quads := fold(r, px, py, true)
		for i, pat := range pats {
			if pat == nil || tried[i] >= maxHypotheses {
				continue
			}
			s := syncSearch(quads.total, pat)
			res.Sync = max(res.Sync, s.z)
			if s.z < refineGate {
				continue
			}
			if npx, npy, aligned, ok := refine(quads, pat, s, r.w, r.h, px, py); ok {
				// The quadrants re-aligned on their own offsets are a
				// cheap preview of a fold with the corrected period; only
				// a promising preview pays for that second pass.
				if sa := syncSearch(aligned, pat); sa.z > s.z {
					s = sa
				}
				if s.z >= refoldGate && drift(px, npx, r.w)+drift(py, npy, r.h) > 0.5 {
					f2 := fold(r, npx, npy, false)
					if s2 := syncSearch(f2.total, pat); s2.z > s.z {
						s = s2
					}
				}
				res.Sync = max(res.Sync, s.z)
			}
			if s.z < syncGate {
				continue
			}
			tried[i]++
			if p, conf, ok := decode(s, pat, ring.Keys[i].Secret); ok {
				res.Detected = true
				res.KeyID = ring.Keys[i].ID
				res.Confidence = conf
				if p.IsDigest {
					res.PayloadDigest = fmt.Sprintf("%016x", p.Digest)
				} else {
					res.Payload = p.Literal
				}
				return res
			}
		}
	}
	return res
}

type detector struct {
	levels   []*raster.Luma
	analysis int
	white    map[int]*plane
}

// plane is a whitened luma level: whitenScale·(Y − 5×5 mean), clipped.
type plane struct {
	w, h int
	pix  []int16
}

func (d *detector) whitened(level int) *plane {
	if d.white == nil {
		d.white = map[int]*plane{}
	}
	if p, ok := d.white[level]; ok {
		return p
	}
	p := whiten(d.levels[level])
	d.white[level] = p
	return p
}

// whiten removes the picture's low frequencies (which dominate natural
// images and hide the mark) with a 5×5 mean subtraction, and clips strong
// edges so that they cannot outvote the mark.
func whiten(l *raster.Luma) *plane {
	w, h := l.W, l.H
	p := &plane{w: w, h: h, pix: make([]int16, w*h)}
	if w < 5 || h < 5 {
		return p
	}
	// col[x] is the sum of the 5 rows centred on y at column x.
	col := make([]int32, w)
	for y := 0; y < 4; y++ {
		for x, v := range l.Row(y) {
			col[x] += int32(v)
		}
	}
	const lim = whitenClip * whitenScale
	for y := 2; y < h-2; y++ {
		for x, v := range l.Row(y + 2) {
			col[x] += int32(v)
		}
		row := l.Row(y)[2 : w-2]
		out := p.pix[y*w+2 : (y+1)*w-2]
		ahead, behind := col[4:], col[:w-4]
		s := col[0] + col[1] + col[2] + col[3]
		for x := range row {
			s += ahead[x]
			// whitenScale·(Y − s/25) in 16-bit fixed point.
			v := ((int32(row[x])*25 - s) * (whitenScale * 65536 / 25)) >> 16
			if v > lim {
				v = lim
			} else if v < -lim {
				v = -lim
			}
			out[x] = int16(v)
			s -= behind[x]
		}
		for x, v := range l.Row(y - 2) {
			col[x] -= int32(v)
		}
	}
	return p
}

// period is a candidate tile period (pixels at the analysis level).
type period struct{ px, py, score float64 }

// maxCandidates bounds the periods folded per picture.
const maxCandidates = 3

// periods estimates the tile period from the autocorrelation of the
// whitened analysis level along rows and along columns: the repeated tile
// makes a peak at its period where a natural picture has none. Candidates
// are the strongest peaks of each axis, paired when they agree and also
// taken as square periods (the tile is square, and ordinary resizing keeps
// the aspect ratio), scored by the prominence on both axes.
func (d *detector) periods() []period {
	r := d.whitened(d.analysis)
	ax := newAxis(r, false)
	ay := newAxis(r, true)
	if ax == nil || ay == nil {
		return nil
	}
	xs, ys := ax.peaks(), ay.peaks()
	var out []period
	add := func(px, py float64) {
		for _, o := range out {
			if math.Abs(o.px-px) < 1 && math.Abs(o.py-py) < 1 {
				return
			}
		}
		if px < minLag || py < minLag || px > float64(ax.maxLag) || py > float64(ay.maxLag) {
			return
		}
		out = append(out, period{px, py, ax.prominence(px) + ay.prominence(py)})
	}
	for _, a := range xs {
		for _, b := range ys {
			if math.Abs(a.lag-b.lag) <= 0.1*max(a.lag, b.lag) {
				add(a.lag, b.lag)
			}
		}
	}
	for _, a := range xs {
		add(a.lag, ay.refineNear(a.lag))
	}
	for _, b := range ys {
		add(ax.refineNear(b.lag), b.lag)
	}
	slices.SortFunc(out, func(a, b period) int { return cmpDesc(a.score, b.score) })
	if len(out) > maxCandidates {
		out = out[:maxCandidates]
	}
	return out
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

type peak struct{ lag, score float64 }

const (
	maxAxisLines = 320
	maxAxisLen   = 512
	minLag       = 24
)

// axis is the spectrally whitened autocorrelation of a plane along x (or y).
type axis struct {
	ac     []float64
	maxLag int
	spread float64
}

// newAxis sums the power spectra of up to maxAxisLines evenly spaced lines
// (at most maxAxisLen central pixels each, zero-padded so the correlation
// is linear), flattens the summed spectrum by its local mean (so the
// tile's comb of harmonics counts line by line, not by the picture's
// colour of noise), removes the harmonics of a JPEG 8-pixel block grid, and
// transforms back.
func newAxis(r *plane, vertical bool) *axis {
	n, lines := r.w, r.h
	if vertical {
		n, lines = r.h, r.w
	}
	length := min(n, maxAxisLen)
	maxLag := length / 2
	if maxLag < minLag+16 {
		return nil
	}
	start := (n - length) / 2
	size := 1
	for size < 2*length {
		size <<= 1
	}
	plan := planFor(size)
	power := make([]float64, size)
	buf := make([]complex128, size)
	count := min(lines, maxAxisLines)
	for k := 0; k+1 < count; k += 2 {
		a := (k*lines)/count + lines/(2*count)
		b := ((k+1)*lines)/count + lines/(2*count)
		clear(buf)
		if vertical {
			for i := 0; i < length; i++ {
				o := (start + i) * r.w
				buf[i] = complex(float64(r.pix[o+a]), float64(r.pix[o+b]))
			}
		} else {
			ra, rb := r.pix[a*r.w+start:], r.pix[b*r.w+start:]
			for i := 0; i < length; i++ {
				buf[i] = complex(float64(ra[i]), float64(rb[i]))
			}
		}
		plan.transform(buf, false)
		for f := 0; f < size; f++ {
			z1, z2 := buf[f], buf[(size-f)&(size-1)]
			power[f] += (real(z1)*real(z1) + imag(z1)*imag(z1) + real(z2)*real(z2) + imag(z2)*imag(z2)) / 2
		}
	}
	// Flatten: divide by the mean over ±16 bins (prefix sums, cyclic).
	const win = 16
	pre := make([]float64, 3*size+1)
	for i := 0; i < 3*size; i++ {
		pre[i+1] = pre[i] + power[i&(size-1)]
	}
	grid := size / 8
	for f := 0; f < size; f++ {
		lo, hi := f-win+size, f+win+size
		m := (pre[hi+1] - pre[lo]) / float64(2*win+1)
		v := 0.0
		if m > 0 {
			v = power[f]/m - 1
		}
		if d := f % grid; f < 2 || d <= 1 || d >= grid-1 {
			v = 0 // DC and the JPEG 8-pixel grid's harmonics
		}
		buf[f] = complex(v, 0)
	}
	plan.transform(buf, true)
	ax := &axis{ac: make([]float64, maxLag+12), maxLag: maxLag}
	for lag := range ax.ac {
		ax.ac[lag] = real(buf[lag])
	}
	for lag := minLag; lag < maxLag; lag++ {
		ax.spread += math.Abs(ax.ac[lag] - ax.ac[lag-1])
	}
	ax.spread /= float64(maxLag - minLag)
	if ax.spread == 0 {
		return nil
	}
	return ax
}

// prominence is the autocorrelation at (the nearest integer to) lag over
// its local background (lags 4–8 away on both sides), in units of the
// curve's mean local difference.
func (a *axis) prominence(lag float64) float64 {
	l := int(math.Round(lag))
	if l < minLag || l > a.maxLag {
		return 0
	}
	bg := 0.0
	for o := 4; o <= 8; o++ {
		bg += a.ac[l-o] + a.ac[l+o]
	}
	return (a.ac[l] - bg/10) / a.spread
}

// peaks returns the three most prominent local maxima, harmonically refined.
func (a *axis) peaks() []peak {
	var ps []peak
	for lag := minLag; lag <= a.maxLag; lag++ {
		v := a.ac[lag]
		if v < a.ac[lag-1] || v < a.ac[lag+1] {
			continue
		}
		ps = append(ps, peak{float64(lag), a.prominence(float64(lag))})
	}
	slices.SortFunc(ps, func(x, y peak) int { return cmpDesc(x.score, y.score) })
	if len(ps) > 3 {
		ps = ps[:3]
	}
	for i := range ps {
		ps[i].lag = a.harmonicFit(a.parabola(int(ps[i].lag)))
	}
	return ps
}

// refineNear returns the harmonically refined local maximum within ±3 of
// lag, or lag itself when there is none.
func (a *axis) refineNear(lag float64) float64 {
	c := int(math.Round(lag))
	if c-3 < minLag || c+3 > a.maxLag {
		return lag
	}
	best := c
	for d := -3; d <= 3; d++ {
		if a.ac[c+d] > a.ac[best] {
			best = c + d
		}
	}
	return a.harmonicFit(a.parabola(best))
}

// parabola refines an integer local maximum to sub-sample precision.
// Anything but a strict local maximum stays at l.
func (a *axis) parabola(l int) float64 {
	lo, mid, hi := a.ac[l-1], a.ac[l], a.ac[l+1]
	if mid < lo || mid < hi {
		return float64(l)
	}
	den := lo - 2*mid + hi
	if den >= 0 {
		return float64(l)
	}
	return float64(l) + min(max(0.5*(lo-hi)/den, -0.5), 0.5)
}

// harmonicFit refines period p from the autocorrelation peaks nearest to
// its multiples k·p up to maxLag: a least-squares fit of lag_k = k·p
// through the origin, k times more precise than the first peak alone.
func (a *axis) harmonicFit(p float64) float64 {
	if !(p >= minLag) {
		return p
	}
	num, den := p, 1.0
	for k := 2; float64(k)*p+4 < float64(a.maxLag); k++ {
		c := int(math.Round(float64(k) * p))
		best := c
		for d := -2; d <= 2; d++ {
			if a.ac[c+d] > a.ac[best] {
				best = c + d
			}
		}
		if a.ac[best] < a.ac[best-1] || a.ac[best] < a.ac[best+1] {
			continue
		}
		num += float64(k) * a.parabola(best)
		den += float64(k * k)
	}
	return num / den
}

// plans holds the FFT plans for the sizes the detector uses; built once, read
// only afterwards (so concurrent Detect calls are safe).
var plans = func() map[int]*fftPlan {
	m := map[int]*fftPlan{}
	for n := 64; n <= 2048; n <<= 1 {
		m[n] = newFFTPlan(n)
	}
	return m
}()

// planFor returns the cached plan for n, or a new one for another size.
func planFor(n int) *fftPlan {
	if p, ok := plans[n]; ok {
		return p
	}
	return newFFTPlan(n)
}

// decodeLevel moves to a finer pyramid level while a cell would be under
// 1.5 pixels at the analysis level, so that the fold sees whole cells.
func (d *detector) decodeLevel(c period) (int, float64, float64) {
	lvl, px, py := d.analysis, c.px, c.py
	for lvl > 0 && min(px, py) < 1.5*tileCells {
		lvl--
		px, py = 2*px, 2*py
	}
	return lvl, px, py
}

// folded holds a whitened level folded modulo the tile period into
// foldBins² sub-bins: the total and, optionally, each quadrant of the
// picture (for measuring drift).
type folded struct {
	total []float32
	quad  [4][]float32
}

// fold sums every pixel of r into the sub-bin of its position modulo the
// period (px, py).
func fold(r *plane, px, py float64, quads bool) *folded {
	f := &folded{total: make([]float32, foldBins*foldBins)}
	bx := make([]uint8, r.w) // foldBins == 256: a uint8 is a bin index
	for x := range bx {
		bx[x] = uint8(int(float64(x) * foldBins / px))
	}
	nq := 1
	if quads {
		nq = 4
	}
	acc := make([][foldBins * foldBins]int32, nq)
	hw, hh := r.w, r.h
	if quads {
		hw, hh = r.w/2, r.h/2
	}
	for y := 0; y < r.h; y++ {
		by := int(uint8(int(float64(y) * foldBins / py)))
		q := 0
		if y >= hh && quads {
			q = 2
		}
		row := r.pix[y*r.w : (y+1)*r.w]
		left := (*[foldBins]int32)(acc[q][by*foldBins:])
		lrow, lbx := row[:hw], bx[:hw]
		for x, v := range lrow {
			left[lbx[x]] += int32(v)
		}
		if quads {
			right := (*[foldBins]int32)(acc[q+1][by*foldBins:])
			rrow, rbx := row[hw:], bx[hw:len(row)]
			for x, v := range rrow {
				right[rbx[x]] += int32(v)
			}
		}
	}
	for q := range acc {
		qf := f.total
		if quads {
			f.quad[q] = make([]float32, foldBins*foldBins)
			qf = f.quad[q]
		}
		for i, v := range acc[q] {
			qf[i] = float32(v)
		}
		if quads {
			for i, v := range qf {
				f.total[i] += v
			}
		}
	}
	return f
}

// blockSums returns, for every sub-bin, the cyclic sum of the 4×4 sub-bins
// starting there: the value of a cell whose corner sits at that sub-bin.
func blockSums(a []float32) []float32 {
	const n = foldBins
	h := make([]float32, n*n)
	for y := 0; y < n; y++ {
		row := a[y*n : (y+1)*n]
		for x := 0; x < n; x++ {
			h[y*n+x] = row[x] + row[(x+1)&(n-1)] + row[(x+2)&(n-1)] + row[(x+3)&(n-1)]
		}
	}
	out := make([]float32, n*n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			out[y*n+x] = h[y*n+x] + h[((y+1)&(n-1))*n+x] + h[((y+2)&(n-1))*n+x] + h[((y+3)&(n-1))*n+x]
		}
	}
	return out
}

// align is the best alignment of a key's sync chips with a fold: pattern cell
// (cx, cy) sits at sub-bin (4cx+ox, 4cy+oy).
type align struct {
	ox, oy int
	z      float64
	cells  []float32 // block sums of the fold
}

// syncSearch correlates the sync chips with the fold at all 4096 cell shifts
// and four sub-cell phases (half a cell apart, by FFT), then settles the
// phase to the nearest sub-bin directly, and scores the peak as standard
// deviations above the mean of the 16 384 FFT correlation values.
func syncSearch(fold []float32, pat *pattern) align {
	cells := blockSums(fold)
	v := make([]complex128, numCells)
	var sum, sum2 float64
	best := align{z: math.Inf(-1), cells: cells}
	bestV := math.Inf(-1)
	for fy := 0; fy < 4; fy += 2 {
		for fx := 0; fx < 4; fx += 2 {
			for cy := 0; cy < tileCells; cy++ {
				for cx := 0; cx < tileCells; cx++ {
					v[cy*tileCells+cx] = complex(float64(cells[(4*cy+fy)*foldBins+4*cx+fx]), 0)
				}
			}
			plan64.fft2(v, false)
			for i, s := range pat.syncFFT {
				v[i] *= complex(real(s), -imag(s))
			}
			plan64.fft2(v, true)
			for i, c := range v {
				x := real(c)
				sum += x
				sum2 += x * x
				if x > bestV {
					bestV = x
					best.ox = 4*(i%tileCells) + fx
					best.oy = 4*(i/tileCells) + fy
				}
			}
		}
	}
	n := float64(4 * numCells)
	mean := sum / n
	sd := math.Sqrt(max(sum2/n-mean*mean, 0))
	// The FFT values are unnormalised by numCells; syncAt is the same sum.
	ox, oy := best.ox, best.oy
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			if dx == 0 && dy == 0 {
				continue
			}
			if v := syncAt(cells, pat, ox+dx, oy+dy); v > bestV {
				bestV, best.ox, best.oy = v, ox+dx, oy+dy
			}
		}
	}
	if sd > 0 {
		best.z = (bestV - mean) / sd
	}
	return best
}

// syncAt is the sync correlation of block sums at sub-bin offset (ox, oy).
func syncAt(cells []float32, pat *pattern, ox, oy int) float64 {
	s := 0.0
	for c := 0; c < numCells; c++ {
		if !pat.isSync[c] {
			continue
		}
		x := (4*(c%tileCells) + ox) & (foldBins - 1)
		y := (4*(c/tileCells) + oy) & (foldBins - 1)
		s += pat.chip[c] * float64(cells[y*foldBins+x])
	}
	return s
}

// subBinPeak refines an integer offset to a fractional one by a parabola
// through the correlation one sub-bin either side (along x or y).
func subBinPeak(cells []float32, pat *pattern, ox, oy int, vertical bool) (float64, bool) {
	at := func(d int) float64 {
		if vertical {
			return syncAt(cells, pat, ox, oy+d)
		}
		return syncAt(cells, pat, ox+d, oy)
	}
	best, bv := 0, at(0)
	for _, d := range []int{-2, -1, 1, 2} {
		if v := at(d); v > bv {
			best, bv = d, v
		}
	}
	if bv <= 0 {
		return 0, false
	}
	l, r := at(best-1), at(best+1)
	den := l - 2*bv + r
	frac := 0.0
	if den < 0 {
		frac = 0.5 * (l - r) / den
	}
	base := ox
	if vertical {
		base = oy
	}
	return float64(base+best) + frac, true
}

// refine corrects the period from the drift of the sync offset between the
// picture's left and right halves (and top and bottom): a period off by ε
// shifts the folded pattern by foldBins·D·ε/p² sub-bins over a distance D.
func refine(f *folded, pat *pattern, s align, w, h int, px, py float64) (npx, npy float64, aligned []float32, ok bool) {
	var ox, oy [4]float64
	for q := range f.quad {
		cells := blockSums(f.quad[q])
		var ok1, ok2 bool
		ox[q], ok1 = subBinPeak(cells, pat, s.ox, s.oy, false)
		oy[q], ok2 = subBinPeak(cells, pat, s.ox, s.oy, true)
		if !ok1 || !ok2 {
			return 0, 0, nil, false
		}
	}
	dx := ((ox[1] + ox[3]) - (ox[0] + ox[2])) / 2
	dy := ((oy[2] + oy[3]) - (oy[0] + oy[1])) / 2
	npx = 1 / (1/px - dx/(foldBins*float64(w)/2))
	npy = 1 / (1/py - dy/(foldBins*float64(h)/2))
	if math.IsNaN(npx) || math.IsNaN(npy) || math.Abs(npx-px) > 0.05*px || math.Abs(npy-py) > 0.05*py {
		return 0, 0, nil, false
	}
	// Sum the quadrants, each shifted so its own peak lands on the global
	// offset.
	aligned = make([]float32, foldBins*foldBins)
	for q, quad := range f.quad {
		sx := int(math.Round(ox[q])) - s.ox
		sy := int(math.Round(oy[q])) - s.oy
		for y := 0; y < foldBins; y++ {
			src := quad[((y+sy)&(foldBins-1))*foldBins:]
			dst := aligned[y*foldBins : (y+1)*foldBins]
			for x := range dst {
				dst[x] += src[(x+sx)&(foldBins-1)]
			}
		}
	}
	return npx, npy, aligned, true
}

// decode reads the data cells at the sync alignment, Viterbi-decodes and
// verifies the keyed check.
func decode(s align, pat *pattern, secret []byte) (Payload, float64, bool) {
	soft := make([]float64, codedBits)
	for c := 0; c < numCells; c++ {
		if pat.isSync[c] {
			continue
		}
		x := (4*(c%tileCells) + s.ox) & (foldBins - 1)
		y := (4*(c/tileCells) + s.oy) & (foldBins - 1)
		soft[pat.bitOf[c]] += pat.chip[c] * float64(s.cells[y*foldBins+x])
	}
	info := viterbi(soft, infoBits)
	msg := info[:msgBits]
	var got uint64
	for _, b := range info[msgBits:] {
		got = got<<1 | uint64(b)
	}
	if got != mac(secret, msg) {
		return Payload{}, 0, false
	}
	p, ok := payloadFromBits(msg)
	if !ok {
		return Payload{}, 0, false
	}
	coded := convEncode(info)
	var agree, total float64
	for i, v := range soft {
		total += math.Abs(v)
		if coded[i] == 1 {
			agree += v
		} else {
			agree -= v
		}
	}
	conf := 0.0
	if total > 0 {
		conf = max(agree/total, 0)
	}
	return p, conf, true
}

// drift is how many sub-bins a period error of |p−q| accumulates over n
// pixels: below half a sub-bin a new fold cannot improve the alignment.
func drift(p, q float64, n int) float64 {
	return math.Abs(1/p-1/q) * float64(n) * foldBins
}
