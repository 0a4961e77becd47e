package watermark

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// Tile geometry: the mark is a 64×64-cell tile repeated over the picture.
// Half of the cells (chosen by the key) carry a fixed keyed ±1 synchronisation
// chip; the other half carry the 354 coded bits, each spread over 5 or 6
// cells with a keyed ±1 chip.
const (
	tileCells = 64
	numCells  = tileCells * tileCells
	syncCells = numCells / 2
)

// pattern is everything a key fixes about the tile.
type pattern struct {
	chip    [numCells]float64 // ±1
	isSync  [numCells]bool
	bitOf   [numCells]int16 // coded-bit index of a data cell
	syncFFT []complex128    // FFT of the sync-only tile (64×64)
}

// newPattern derives the tile layout from the secret. The layout is part of
// the mark's format, so it is derived with nothing that may change between Go
// releases: a SHA-256 counter-mode stream keyed by
// HMAC-SHA-256(secret, "synthreview-wm-pattern-v1"), a Fisher–Yates shuffle
// of the 4096 cells (the first 2048 become sync cells, the rest are dealt to
// the coded bits in turn), then one chip bit per cell.
func newPattern(secret []byte) *pattern {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("synthreview-wm-pattern-v1"))
	st := newStream(m.Sum(nil))
	p := &pattern{}
	perm := make([]int, numCells)
	for i := range perm {
		perm[i] = i
	}
	for i := numCells - 1; i > 0; i-- {
		j := int(st.uint64() % uint64(i+1)) // bias < 2⁻⁵⁰: irrelevant here
		perm[i], perm[j] = perm[j], perm[i]
	}
	for i, c := range perm {
		if i < syncCells {
			p.isSync[c] = true
		} else {
			p.bitOf[c] = int16((i - syncCells) % codedBits)
		}
	}
	for c := range p.chip {
		p.chip[c] = float64(2*int(st.uint64()&1) - 1)
	}
	s := make([]complex128, numCells)
	for c := range s {
		if p.isSync[c] {
			s[c] = complex(p.chip[c], 0)
		}
	}
	plan64.fft2(s, false)
	p.syncFFT = s
	return p
}

// stream is SHA-256 in counter mode: block i is SHA-256(seed ‖ i), i as 8
// big-endian bytes.
type stream struct {
	in  [40]byte // seed, then the counter
	ctr uint64
	buf [32]byte
	n   int // unread bytes at the end of buf
}

func newStream(seed []byte) *stream {
	s := &stream{}
	copy(s.in[:32], seed)
	return s
}

func (s *stream) uint64() uint64 {
	if s.n < 8 {
		binary.BigEndian.PutUint64(s.in[32:], s.ctr)
		s.ctr++
		s.buf = sha256.Sum256(s.in[:])
		s.n = 32
	}
	v := binary.BigEndian.Uint64(s.buf[32-s.n:])
	s.n -= 8
	return v
}

var plan64 = newFFTPlan(tileCells)

// tile returns the ±1 tile for a coded word: sync cells carry their chip,
// data cells chip × (±1 for the coded bit).
func (p *pattern) tile(coded []uint8) []float32 {
	t := make([]float32, numCells)
	for c := range t {
		v := p.chip[c]
		if !p.isSync[c] && coded[p.bitOf[c]] == 0 {
			v = -v
		}
		t[c] = float32(v)
	}
	return t
}
