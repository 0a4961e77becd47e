// Package pdq computes PDQ perceptual hashes (the published algorithm of
// facebook/ThreatExchange, hashing/hashing.pdf) for the feature library:
// luma → two passes of Jarosz box filters (a tent filter) → 64×64
// decimation at block centres → the 16×16 low-frequency DCT coefficients
// (DC excluded) → one bit per coefficient above their median. Quality is the
// reference's gradient heuristic (0–100; the reference suggests ignoring
// hashes of quality below 50 for matching).
//
// It reads the shared luma plane of marking/raster, so a scan decodes once.
// Forbidden imports (style.md §2): Fyne, database/sql, review, store/...,
// ui/..., app.
package pdq

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"synthreview/marking/raster"
)

// Hash256 is a 256-bit PDQ hash. Bit k (k = 16·row + column of the 16×16
// DCT output) has value 2^k of the big-endian number stored in the array,
// so Hex prints the same string as the reference implementations.
type Hash256 [32]byte

// Bit reports bit k (0–255).
func (h Hash256) Bit(k int) bool { return h[31-k/8]>>(k%8)&1 == 1 }

func (h *Hash256) setBit(k int) { h[31-k/8] |= 1 << (k % 8) }

// Hex returns the 64-character lower-case hex form used by ThreatExchange.
func (h Hash256) Hex() string { return hex.EncodeToString(h[:]) }

// String is Hex.
func (h Hash256) String() string { return h.Hex() }

// ErrHex reports a malformed hex hash.
var ErrHex = errors.New("pdq: hash must be 64 hex digits")

// ParseHex parses the 64-hex-digit form (either case, surrounding space
// ignored). Anything else returns an error wrapping ErrHex.
func ParseHex(s string) (Hash256, error) {
	var h Hash256
	s = strings.TrimSpace(s)
	if len(s) != 64 {
		return h, fmt.Errorf("%w: got %d characters", ErrHex, len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return Hash256{}, fmt.Errorf("%w: %v", ErrHex, err)
	}
	return h, nil
}

// Distance is the Hamming distance between two hashes (0–256). The
// reference treats ≤ 31 as a match for near-duplicate photos.
func Distance(a, b Hash256) int {
	n := 0
	for i := range a {
		n += bits.OnesCount8(a[i] ^ b[i])
	}
	return n
}

// MatchThreshold is the distance at or below which ThreatExchange's
// reference tooling treats two photo hashes as the same picture.
const MatchThreshold = 31

// Dihedral names the eight rotations and flips of an image. The names follow
// the reference: FlipX mirrors top to bottom (about the x axis), FlipY left
// to right, FlipPlus1 transposes (about the main diagonal), FlipMinus1
// reflects about the anti-diagonal; rotations are counter-clockwise.
type Dihedral int

// The eight dihedral transforms, in the order Hashes returns them.
const (
	Original Dihedral = iota
	Rotate90
	Rotate180
	Rotate270
	FlipX
	FlipY
	FlipPlus1
	FlipMinus1
)

// Hash returns the PDQ hash and quality of a luma plane. An empty or
// invalid plane (see raster.Luma.Valid) gives the zero hash and quality 0.
func Hash(l *raster.Luma) (Hash256, int) {
	d, q := dct(l)
	return threshold(&d), q
}

// Hashes returns the hashes of the eight dihedral transforms of the image
// (indexed by Dihedral) from one DCT, as the reference does: a rotation or
// flip of the picture only permutes and negates DCT coefficients. The hash of
// an actually transformed picture equals these up to the reference's
// off-centre decimation (a few bits at most).
func Hashes(l *raster.Luma) ([8]Hash256, int) {
	d, q := dct(l)
	var out [8]Hash256
	for t := Original; t <= FlipMinus1; t++ {
		td := transform(&d, t)
		out[t] = threshold(&td)
	}
	return out, q
}

type block16 [16][16]float64

// transform maps the DCT of a picture to the DCT of its dihedral transform
// (the reference's sign tables). Coefficient (i, j) has vertical frequency
// i+1 and horizontal frequency j+1; mirroring an axis maps the basis
// cos(π·u·(2x+1)/128) to (−1)^u times itself (x → 63−x), so the terms with
// even i (odd u) change sign; a transpose swaps i and j.
func transform(a *block16, t Dihedral) block16 {
	var b block16
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			v := a[i][j]
			switch t {
			case Original:
				b[i][j] = v
			case Rotate90:
				b[j][i] = sign(j&1 == 1, v)
			case Rotate180:
				b[i][j] = sign((i+j)&1 == 0, v)
			case Rotate270:
				b[j][i] = sign(i&1 == 1, v)
			case FlipX:
				b[i][j] = sign(i&1 == 1, v)
			case FlipY:
				b[i][j] = sign(j&1 == 1, v)
			case FlipPlus1:
				b[j][i] = v
			case FlipMinus1:
				b[j][i] = sign((i+j)&1 == 0, v)
			}
		}
	}
	return b
}

func sign(keep bool, v float64) float64 {
	if keep {
		return v
	}
	return -v
}

// threshold sets bit k where coefficient k exceeds the median (the 128th
// smallest of the 256, as in the reference).
func threshold(d *block16) Hash256 {
	flat := make([]float64, 0, 256)
	for i := range d {
		flat = append(flat, d[i][:]...)
	}
	sorted := slices.Clone(flat)
	slices.Sort(sorted)
	median := sorted[127]
	var h Hash256
	for k, v := range flat {
		if v > median {
			h.setBit(k)
		}
	}
	return h
}

// dctMatrix is the 16×64 DCT-II basis for frequencies 1–16.
var dctMatrix = func() (m [16][64]float64) {
	s := math.Sqrt(2.0 / 64.0)
	for i := 0; i < 16; i++ {
		for j := 0; j < 64; j++ {
			m[i][j] = s * math.Cos(math.Pi/2/64*float64(i+1)*float64(2*j+1))
		}
	}
	return m
}()

// dct runs the filter, decimation, quality metric and DCT.
func dct(l *raster.Luma) (block16, int) {
	var out block16
	if !l.Valid() || l.W == 0 || l.H == 0 {
		return out, 0
	}
	a := downsample64(l)
	q := quality(&a)
	var t [16][64]float64
	for i := 0; i < 16; i++ {
		for j := 0; j < 64; j++ {
			s := 0.0
			for k := 0; k < 64; k++ {
				s += dctMatrix[i][k] * a[k][j]
			}
			t[i][j] = s
		}
	}
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			s := 0.0
			for k := 0; k < 64; k++ {
				s += t[i][k] * dctMatrix[j][k]
			}
			out[i][j] = s
		}
	}
	return out, q
}

// jaroszWindow is the reference's per-pass box size: ⌈dim/128⌉.
func jaroszWindow(dim int) int { return (dim + 127) / 128 }

// boxBounds gives the inclusive input range the reference's box filter of
// width w averages for output i of n: it is centred with (w+2)/2−1 samples
// after and the rest before, clipped at the edges (where it averages fewer).
func boxBounds(i, n, w int) (lo, hi int) {
	half := (w + 2) / 2
	lo, hi = i-(w-half), i+half-1
	return max(lo, 0), min(hi, n-1)
}

// downsample64 applies the reference's two X-then-Y box passes and samples
// the 64×64 block centres. The passes are linear and act on separate axes, so
// they are applied as both horizontal passes, then both vertical ones, and
// the second pass of each axis is evaluated only where a sample is taken:
// the result equals the reference's full-frame filter, without its
// full-frame float buffers.
func downsample64(l *raster.Luma) [64][64]float64 {
	w, h := l.W, l.H
	wr, wc := jaroszWindow(w), jaroszWindow(h)
	var cols, rows [64]int
	for j := range cols {
		cols[j] = int((float64(j) + 0.5) * float64(w) / 64)
	}
	for i := range rows {
		rows[i] = int((float64(i) + 0.5) * float64(h) / 64)
	}
	// Horizontal passes: hz[y][j] is row y filtered twice, at column
	// cols[j]. The first pass is needed only inside the second pass's
	// windows, so it is evaluated there from the row's prefix sums.
	hz := make([][64]float64, h)
	prefix := make([]float64, w+1)
	for y := 0; y < h; y++ {
		row := l.Row(y)
		acc := 0.0
		for x, v := range row {
			acc += float64(v)
			prefix[x+1] = acc
		}
		for j, c := range cols {
			lo2, hi2 := boxBounds(c, w, wr)
			s := 0.0
			for x := lo2; x <= hi2; x++ {
				lo, hi := boxBounds(x, w, wr)
				s += (prefix[hi+1] - prefix[lo]) / float64(hi-lo+1)
			}
			hz[y][j] = s / float64(hi2-lo2+1)
		}
	}
	// Vertical passes on the 64 sampled columns.
	var out [64][64]float64
	vp := make([]float64, h+1)
	vfirst := make([]float64, h)
	vp2 := make([]float64, h+1)
	for j := 0; j < 64; j++ {
		for y := 0; y < h; y++ {
			vp[y+1] = vp[y] + hz[y][j]
		}
		for y := range vfirst {
			lo, hi := boxBounds(y, h, wc)
			vfirst[y] = (vp[hi+1] - vp[lo]) / float64(hi-lo+1)
		}
		for y, v := range vfirst {
			vp2[y+1] = vp2[y] + v
		}
		for i, r := range rows {
			lo, hi := boxBounds(r, h, wc)
			out[i][j] = (vp2[hi+1] - vp2[lo]) / float64(hi-lo+1)
		}
	}
	return out
}

// quality is the reference's heuristic: the sum of quantised absolute
// gradients of the 64×64 block image, scaled, capped at 100.
func quality(a *[64][64]float64) int {
	sum := 0
	for i := 0; i < 63; i++ {
		for j := 0; j < 64; j++ {
			d := int((a[i][j] - a[i+1][j]) * 100 / 255)
			sum += abs(d)
		}
	}
	for i := 0; i < 64; i++ {
		for j := 0; j < 63; j++ {
			d := int((a[i][j] - a[i][j+1]) * 100 / 255)
			sum += abs(d)
		}
	}
	return min(sum/90, 100)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
