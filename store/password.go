package store

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"synthreview/review"
)

// Argon2id hashes passwords with argon2id (RFC 9106) in the PHC string
// format: $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>.
type Argon2id struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultArgon2id follows RFC 9106's second recommended option (64 MiB).
var DefaultArgon2id = Argon2id{Memory: 64 * 1024, Time: 3, Threads: 2}

var _ review.PasswordHasher = Argon2id{}

// Hash returns the encoded hash of pw with a fresh 16-byte salt.
func (a Argon2id) Hash(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, a.Time, a.Memory, a.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", a.Memory, a.Time, a.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Check compares pw with an encoded hash in constant time, using the
// parameters stored in the hash (bounded, so a doctored row cannot make a
// sign-in allocate gigabytes).
func (Argon2id) Check(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" {
		return false, fmt.Errorf("password hash: unknown format")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("password hash: bad parameters: %w", err)
	}
	if m < 8 || m > 1<<20 || t < 1 || t > 16 || p < 1 {
		return false, fmt.Errorf("password hash: parameters out of range")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("password hash: bad salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, fmt.Errorf("password hash: bad key")
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
