package watermark

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
)

// literalAlphabet lists the characters a ProduceID may use to travel whole;
// symbol values are 1–37 (0 is padding), so 12 symbols fit in 64 bits
// (38¹² ≈ 9.6·10¹⁸ < 2⁶⁴).
const literalAlphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// MaxLiteral is the longest ProduceID that travels whole.
const MaxLiteral = 12

// Payload is what a watermark carries: either a ProduceID of up to 12
// characters from [A-Z0-9-], whole, or the 64-bit digest of a longer or
// otherwise-spelled one (DigestProduceID), which a workspace resolves back
// to its ProduceID.
type Payload struct {
	// Literal is the ProduceID when it travels whole; empty otherwise.
	Literal string
	// Digest is the 64-bit digest when the ProduceID does not fit.
	Digest uint64
	// IsDigest says which of the two is carried.
	IsDigest bool
}

// EncodeProduceID returns the payload for a ProduceID: itself when it is
// 1–12 characters of [A-Z0-9-], else its 64-bit digest.
func EncodeProduceID(id string) Payload {
	if fitsLiteral(id) {
		return Payload{Literal: id}
	}
	return Payload{Digest: digest64(id), IsDigest: true}
}

// DigestProduceID returns the 16-hex-digit digest under which a ProduceID
// that does not travel whole appears in Result.PayloadDigest: the first 8
// bytes of SHA-256 of its UTF-8 bytes. A workspace resolves a digest by
// comparing it with the digests of its known ProduceIDs.
func DigestProduceID(id string) string { return fmt.Sprintf("%016x", digest64(id)) }

func digest64(id string) uint64 {
	s := sha256.Sum256([]byte(id))
	return binary.BigEndian.Uint64(s[:8])
}

func fitsLiteral(id string) bool {
	if len(id) == 0 || len(id) > MaxLiteral {
		return false
	}
	for i := 0; i < len(id); i++ {
		if strings.IndexByte(literalAlphabet, id[i]) < 0 {
			return false
		}
	}
	return true
}

// String returns the literal ProduceID or "digest:" and the hex digest.
func (p Payload) String() string {
	if p.IsDigest {
		return fmt.Sprintf("digest:%016x", p.Digest)
	}
	return p.Literal
}

// bits returns the 72 message bits: mode (0 literal, 1 digest), the 64-bit
// value MSB first, then 7 version bits (0 for this format).
func (p Payload) bits() ([]uint8, error) {
	var v uint64
	mode := uint8(0)
	if p.IsDigest {
		mode, v = 1, p.Digest
	} else {
		if !fitsLiteral(p.Literal) {
			return nil, fmt.Errorf("watermark: literal payload %q is not 1–12 characters of [A-Z0-9-]", p.Literal)
		}
		for i := len(p.Literal) - 1; i >= 0; i-- {
			v = v*38 + uint64(strings.IndexByte(literalAlphabet, p.Literal[i])+1)
		}
	}
	out := make([]uint8, msgBits)
	out[0] = mode
	for i := 0; i < 64; i++ {
		out[1+i] = uint8(v >> (63 - i) & 1)
	}
	return out, nil
}

// payloadFromBits reverses bits; ok is false for a version other than 0 or a
// literal value that no 12-character ID produces.
func payloadFromBits(b []uint8) (Payload, bool) {
	var v uint64
	for i := 0; i < 64; i++ {
		v = v<<1 | uint64(b[1+i])
	}
	for i := 65; i < msgBits; i++ {
		if b[i] != 0 {
			return Payload{}, false
		}
	}
	if b[0] == 1 {
		return Payload{Digest: v, IsDigest: true}, true
	}
	var sb strings.Builder
	for v > 0 {
		d := v % 38
		v /= 38
		if d == 0 || sb.Len() >= MaxLiteral {
			return Payload{}, false
		}
		sb.WriteByte(literalAlphabet[d-1])
	}
	if sb.Len() == 0 {
		return Payload{}, false
	}
	return Payload{Literal: sb.String()}, true
}
