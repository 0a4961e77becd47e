package watermark

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"

	"synthreview/marking/raster"
)

// Embedding parameters.
const (
	// baseCell is the cell size in pixels at the canonical level (the
	// pyramid level whose shorter side is at most canonicalSide); at full
	// resolution a cell is baseCell·2^level pixels.
	baseCell      = 2
	canonicalSide = 1200
	// targetRMS is the root-mean-square luma change. PSNR = 20·log10(255/
	// RMS) ≈ 39.2 dB at 2.8 before rounding and clipping, above the 38 dB
	// invisibility target.
	targetRMS = 2.8
	// Masking: the per-pixel strength follows local contrast (standard
	// deviation over 7×7 pixels of the canonical level), relative to the
	// picture's mean, clamped so flat sky still carries some mark and edges
	// do not carry too much.
	maskMin, maskMax = 0.3, 2.5
	maskRadius       = 3

	// MinSide is the shortest side Embed accepts: detection needs two
	// tiles (2 × 128 px) along each side to see the period. MaxPixels bounds
	// the work on hostile input.
	MinSide   = 256
	MaxPixels = 1 << 26 // 67 megapixels: about 0.4 GB of working memory
)

// ErrImageSize reports a picture too small to carry the mark or too large
// to process.
var ErrImageSize = errors.New("watermark: unsupported image size")

// canonicalLevel is the number of 2× halvings that bring the shorter side to
// at most canonicalSide.
func canonicalLevel(w, h int) int {
	m, l := min(w, h), 0
	for m > canonicalSide {
		m /= 2
		l++
	}
	return l
}

// Embed returns a copy of img carrying p under key: a keyed tile of
// 64×64 cells (sync chips and the convolutionally coded payload with its
// 40-bit keyed check), repeated over the picture, added to luma (the same
// amount to R, G and B, so chroma is unchanged) with strength following the
// local contrast. Alpha is kept. Errors: an empty key, an invalid literal
// payload, or a picture whose shorter side is under MinSide or with more
// than MaxPixels pixels (ErrImageSize).
func Embed(img image.Image, key Key, p Payload) (*image.NRGBA, error) {
	if len(key.Secret) == 0 {
		return nil, errors.New("watermark: key has no secret")
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < MinSide || h < MinSide || w > MaxPixels || h > MaxPixels || int64(w)*int64(h) > MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d (need both sides ≥ %d and ≤ %d pixels)", ErrImageSize, w, h, MinSide, MaxPixels)
	}
	msg, err := p.bits()
	if err != nil {
		return nil, err
	}
	coded := codeword(key.Secret, msg)
	pat := newPattern(key.Secret)
	tile := pat.tile(coded)

	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	// The mask is computed at the canonical level (a 2^level box
	// downscale), where the 7×7 window spans the same share of a cell at
	// every picture size, and it keeps the memory of large pictures small.
	level := canonicalLevel(w, h)
	pyr := raster.FromImage(out).Pyramid(1)
	ml := pyr[min(level, len(pyr)-1)]
	shift := min(level, len(pyr)-1)
	weight := maskWeights(ml)

	cell := baseCell << level
	cellX := make([]int, w)
	maskX := make([]int, w)
	for x := range cellX {
		cellX[x] = (x / cell) % tileCells
		maskX[x] = min(x>>shift, ml.W-1)
	}
	// Scale so that the mean squared change over the full-size picture is
	// targetRMS².
	var sum2 float64
	for y := 0; y < h; y++ {
		wrow := weight[min(y>>shift, ml.H-1)*ml.W:]
		for x := 0; x < w; x++ {
			v := float64(wrow[maskX[x]])
			sum2 += v * v
		}
	}
	alpha := targetRMS / math.Sqrt(sum2/float64(w*h))
	for y := 0; y < h; y++ {
		trow := tile[((y/cell)%tileCells)*tileCells:]
		row := out.Pix[y*out.Stride : y*out.Stride+4*w]
		wrow := weight[min(y>>shift, ml.H-1)*ml.W:]
		for x := 0; x < w; x++ {
			d := alpha * float64(wrow[maskX[x]]) * float64(trow[cellX[x]])
			px := row[4*x : 4*x+3 : 4*x+3]
			for c := range px {
				px[c] = clamp8(float64(px[c]) + d)
			}
		}
	}
	return out, nil
}

// codeword appends the keyed check to the message and encodes it.
func codeword(secret []byte, msg []uint8) []uint8 {
	info := make([]uint8, 0, infoBits)
	info = append(info, msg...)
	m := mac(secret, msg)
	for i := macBits - 1; i >= 0; i-- {
		info = append(info, uint8(m>>i&1))
	}
	return convEncode(info)
}

func clamp8(v float64) uint8 {
	v = math.Round(v)
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// maskWeights returns the per-pixel embedding weight: local standard
// deviation over a (2·maskRadius+1)² window divided by its picture mean,
// clamped to [maskMin, maskMax].
func maskWeights(l *raster.Luma) []float32 {
	w, h := l.W, l.H
	mean := make([]float32, w*h)
	sq := make([]float32, w*h)
	for i, v := range l.Pix[:w*h] {
		mean[i] = float32(v)
		sq[i] = float32(v) * float32(v)
	}
	boxBlur(mean, w, h, maskRadius)
	boxBlur(sq, w, h, maskRadius)
	var total float64
	for i := range mean {
		v := sq[i] - mean[i]*mean[i]
		if v < 0 {
			v = 0
		}
		s := float32(math.Sqrt(float64(v)))
		sq[i] = s
		total += float64(s)
	}
	avg := float32(max(total/float64(w*h), 1))
	for i, s := range sq {
		sq[i] = min(max(s/avg, maskMin), maskMax)
	}
	return sq
}

// boxBlur replaces a (w×h) with its mean over a (2r+1)² window clipped at
// the borders.
func boxBlur(a []float32, w, h, r int) {
	tmp := make([]float32, max(w, h))
	pre := make([]float64, max(w, h)+1)
	blur1 := func(get func(i int) float32, set func(i int, v float32), n int) {
		for i := 0; i < n; i++ {
			pre[i+1] = pre[i] + float64(get(i))
		}
		for i := 0; i < n; i++ {
			lo, hi := max(i-r, 0), min(i+r, n-1)
			tmp[i] = float32((pre[hi+1] - pre[lo]) / float64(hi-lo+1))
		}
		for i := 0; i < n; i++ {
			set(i, tmp[i])
		}
	}
	for y := 0; y < h; y++ {
		row := a[y*w : (y+1)*w]
		blur1(func(i int) float32 { return row[i] }, func(i int, v float32) { row[i] = v }, w)
	}
	for x := 0; x < w; x++ {
		blur1(func(i int) float32 { return a[i*w+x] }, func(i int, v float32) { a[i*w+x] = v }, h)
	}
}
