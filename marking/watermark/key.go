package watermark

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// SecretSize is the length of a new key's secret in bytes.
const SecretSize = 32

// Key is one provider watermark secret. The secret never leaves the
// workspace (or the user's config folder); ID is a public fingerprint
// derived from it, reported with every detection.
type Key struct {
	ID      string
	Secret  []byte
	Created time.Time
}

// String returns the key ID only, so that a key printed by mistake does not
// leak its secret.
func (k Key) String() string { return "watermark key " + k.ID }

// GoString is String, for %#v.
func (k Key) GoString() string { return k.String() }

// NewKey draws a 32-byte secret from rand (crypto/rand.Reader in
// production) and derives its ID. Created is left zero; Rotate sets it.
func NewKey(rand io.Reader) (Key, error) {
	s := make([]byte, SecretSize)
	if _, err := io.ReadFull(rand, s); err != nil {
		return Key{}, fmt.Errorf("watermark: read key secret: %w", err)
	}
	return Key{ID: keyID(s), Secret: s}, nil
}

// keyID is "wm-" and the first 8 bytes of SHA-256 over a domain tag and the
// secret, in hex: public, stable, and useless for recovering the secret.
func keyID(secret []byte) string {
	h := sha256.New()
	h.Write([]byte("synthreview-wm-keyid-v1"))
	h.Write(secret)
	return "wm-" + hex.EncodeToString(h.Sum(nil)[:8])
}

// Keyring is a provider's watermark keys, newest first. Embedding uses the
// current (first) key; detection tries every key, so rotating never orphans
// earlier marks.
type Keyring struct {
	Keys []Key
}

// Limits on a keyring file, which is outside input when read.
const (
	maxKeyringBytes = 1 << 20
	maxKeys         = 1024
)

// Rotate makes a new key (secret from rand, Created = now in UTC) the
// current one and returns it. The ring is unchanged on error.
func (k *Keyring) Rotate(now time.Time, rand io.Reader) (Key, error) {
	if len(k.Keys) >= maxKeys {
		return Key{}, fmt.Errorf("watermark: keyring already holds %d keys", len(k.Keys))
	}
	key, err := NewKey(rand)
	if err != nil {
		return Key{}, err
	}
	key.Created = now.UTC()
	k.Keys = append([]Key{key}, k.Keys...)
	return key, nil
}

// Current returns the newest key; false when the ring is empty.
func (k *Keyring) Current() (Key, bool) {
	if k == nil || len(k.Keys) == 0 {
		return Key{}, false
	}
	return k.Keys[0], true
}

type keyJSON struct {
	ID      string    `json:"id"`
	Secret  []byte    `json:"secret"` // base64
	Created time.Time `json:"created"`
}

type keyringJSON struct {
	Format string    `json:"format"`
	Keys   []keyJSON `json:"keys"`
}

const keyringFormat = "synthreview-watermark-keyring-v1"

// MarshalJSON writes {"format": "synthreview-watermark-keyring-v1",
// "keys": [{"id", "secret" (base64), "created" (RFC 3339)}]}, newest first.
// The output contains the secrets: store it with owner-only permissions.
func (k Keyring) MarshalJSON() ([]byte, error) {
	out := keyringJSON{Format: keyringFormat, Keys: make([]keyJSON, 0, len(k.Keys))}
	for _, key := range k.Keys {
		out.Keys = append(out.Keys, keyJSON{ID: key.ID, Secret: key.Secret, Created: key.Created.UTC()})
	}
	return json.Marshal(out)
}

// ErrKeyring reports a keyring file that is malformed or inconsistent.
var ErrKeyring = errors.New("watermark: invalid keyring")

// UnmarshalJSON reads the MarshalJSON form. It rejects (with an error
// wrapping ErrKeyring that names the problem) input over 1 MiB, another
// format tag, more than 1024 keys, secrets shorter than 16 or longer than
// 64 bytes, an ID that does not match its secret, and duplicate keys.
func (k *Keyring) UnmarshalJSON(data []byte) error {
	if len(data) > maxKeyringBytes {
		return fmt.Errorf("%w: %d bytes is over the 1 MiB limit", ErrKeyring, len(data))
	}
	var in keyringJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("%w: %v", ErrKeyring, err)
	}
	if in.Format != keyringFormat {
		return fmt.Errorf("%w: format %q, want %q", ErrKeyring, in.Format, keyringFormat)
	}
	if len(in.Keys) > maxKeys {
		return fmt.Errorf("%w: %d keys is over the limit of %d", ErrKeyring, len(in.Keys), maxKeys)
	}
	keys := make([]Key, 0, len(in.Keys))
	seen := make(map[string]bool, len(in.Keys))
	for i, kj := range in.Keys {
		if len(kj.Secret) < 16 || len(kj.Secret) > 64 {
			return fmt.Errorf("%w: key %d: secret of %d bytes (want 16–64)", ErrKeyring, i, len(kj.Secret))
		}
		if id := keyID(kj.Secret); kj.ID != id {
			return fmt.Errorf("%w: key %d: id %q does not match its secret", ErrKeyring, i, kj.ID)
		}
		if seen[kj.ID] {
			return fmt.Errorf("%w: key %d: duplicate id %q", ErrKeyring, i, kj.ID)
		}
		seen[kj.ID] = true
		keys = append(keys, Key{ID: kj.ID, Secret: kj.Secret, Created: kj.Created.UTC()})
	}
	k.Keys = keys
	return nil
}
