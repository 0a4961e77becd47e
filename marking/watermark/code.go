package watermark

import (
	"crypto/hmac"
	"crypto/sha256"
)

// Channel code: the 112-bit message (72 payload bits + a 40-bit keyed check)
// is protected by the K=7, rate-1/3 convolutional code with generators 133,
// 171, 165 (octal; the code of LTE and many satellite links), terminated
// with 6 zero bits, and decoded by a soft-decision Viterbi decoder.
const (
	msgBits    = 72
	macBits    = 40
	infoBits   = msgBits + macBits // 112
	constraint = 7
	tailBits   = constraint - 1
	codedBits  = 3 * (infoBits + tailBits) // 354
	numStates  = 1 << (constraint - 1)
)

var generators = [3]uint{0o133, 0o171, 0o165}

// convEncode encodes info bits (0/1) into 3·(len+6) coded bits.
func convEncode(info []uint8) []uint8 {
	out := make([]uint8, 0, 3*(len(info)+tailBits))
	var reg uint
	emit := func(b uint8) {
		reg = (reg<<1 | uint(b)) & (1<<constraint - 1)
		for _, g := range generators {
			out = append(out, uint8(parity(reg&g)))
		}
	}
	for _, b := range info {
		emit(b)
	}
	for i := 0; i < tailBits; i++ {
		emit(0)
	}
	return out
}

func parity(x uint) uint {
	x ^= x >> 32
	x ^= x >> 16
	x ^= x >> 8
	x ^= x >> 4
	x ^= x >> 2
	x ^= x >> 1
	return x & 1
}

// branchOut[state][bit] is the 3-bit encoder output (as ±1 signs packed in
// bits) for input bit from the given state (the previous 6 inputs).
var branchOut = func() (t [numStates][2][3]float64) {
	for s := 0; s < numStates; s++ {
		for b := 0; b < 2; b++ {
			reg := uint(s)<<1 | uint(b)
			for k, g := range generators {
				t[s][b][k] = float64(2*int(parity(reg&g)) - 1)
			}
		}
	}
	return t
}()

// viterbi decodes soft values (positive means bit 1; magnitude is
// reliability) of a terminated codeword into nInfo bits, maximising the
// correlation between the codeword and the soft values.
func viterbi(soft []float64, nInfo int) []uint8 {
	steps := nInfo + tailBits
	negInf := -1e300
	metric := make([]float64, numStates)
	next := make([]float64, numStates)
	for i := range metric {
		metric[i] = negInf
	}
	metric[0] = 0
	// decision[t][ns] is the predecessor state's dropped top bit.
	decision := make([][numStates]uint8, steps)
	for t := 0; t < steps; t++ {
		for i := range next {
			next[i] = negInf
		}
		r := soft[3*t : 3*t+3]
		maxBit := 2
		if t >= nInfo {
			maxBit = 1 // tail: zeros only
		}
		for s := 0; s < numStates; s++ {
			m := metric[s]
			if m == negInf {
				continue
			}
			for b := 0; b < maxBit; b++ {
				o := &branchOut[s][b]
				bm := m + o[0]*r[0] + o[1]*r[1] + o[2]*r[2]
				ns := (s<<1 | b) & (numStates - 1)
				if bm > next[ns] {
					next[ns] = bm
					decision[t][ns] = uint8(s >> (constraint - 2))
				}
			}
		}
		metric, next = next, metric
	}
	out := make([]uint8, steps)
	s := 0
	for t := steps - 1; t >= 0; t-- {
		out[t] = uint8(s & 1)
		s = s>>1 | int(decision[t][s])<<(constraint-2)
	}
	return out[:nInfo]
}

// mac is the 40-bit keyed check over the 72 message bits:
// HMAC-SHA-256(secret, "synthreview-wm-mac-v1" ‖ message bytes), first 5
// bytes. A forged or random codeword passes with probability 2⁻⁴⁰.
func mac(secret []byte, msg []uint8) uint64 {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("synthreview-wm-mac-v1"))
	h.Write(packBits(msg))
	s := h.Sum(nil)
	return uint64(s[0])<<32 | uint64(s[1])<<24 | uint64(s[2])<<16 | uint64(s[3])<<8 | uint64(s[4])
}

// packBits packs 0/1 bits MSB-first into bytes.
func packBits(b []uint8) []byte {
	out := make([]byte, (len(b)+7)/8)
	for i, v := range b {
		out[i/8] |= v << (7 - i%8)
	}
	return out
}
