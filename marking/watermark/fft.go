package watermark

import (
	"math"
	"math/bits"
)

// fftPlan holds the twiddle factors and bit-reversal table of an n-point
// radix-2 FFT (n a power of two).
type fftPlan struct {
	n   int
	tw  []complex128 // e^{-2πik/n}, k < n/2
	itw []complex128 // conjugates, for the inverse
	rev []int32
}

func newFFTPlan(n int) *fftPlan {
	if n < 2 || n&(n-1) != 0 {
		panic("watermark: FFT size must be a power of two")
	}
	p := &fftPlan{n: n, tw: make([]complex128, n/2), itw: make([]complex128, n/2), rev: make([]int32, n)}
	for k := range p.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		p.tw[k] = complex(c, s)
		p.itw[k] = complex(c, -s)
	}
	shift := 64 - bits.TrailingZeros(uint(n))
	for i := range p.rev {
		p.rev[i] = int32(bits.Reverse64(uint64(i)) >> shift)
	}
	return p
}

// transform runs an in-place FFT of x (len n); inverse uses conjugate
// twiddles and does not scale.
func (p *fftPlan) transform(x []complex128, inverse bool) {
	n := p.n
	for i, r := range p.rev {
		if int(r) > i {
			x[i], x[r] = x[r], x[i]
		}
	}
	tw := p.tw
	if inverse {
		tw = p.itw
	}
	for size := 2; size <= n; size <<= 1 {
		half := size >> 1
		step := n / size
		for start := 0; start < n; start += size {
			a := x[start : start+half]
			b := x[start+half : start+size]
			for j := range a {
				t := tw[j*step] * b[j]
				b[j] = a[j] - t
				a[j] += t
			}
		}
	}
}

// fft2 runs an in-place 2-D FFT of the n×n row-major array a.
func (p *fftPlan) fft2(a []complex128, inverse bool) {
	n := p.n
	for r := 0; r < n; r++ {
		p.transform(a[r*n:(r+1)*n], inverse)
	}
	col := make([]complex128, n)
	for c := 0; c < n; c++ {
		for r := 0; r < n; r++ {
			col[r] = a[r*n+c]
		}
		p.transform(col, inverse)
		for r := 0; r < n; r++ {
			a[r*n+c] = col[r]
		}
	}
}
