// Package objects keeps content-addressed files on disk: the originals of
// items, labelled derivatives and evidence files, each stored once under
// objects/ab/cdef… by its SHA-256 and never modified in place.
//
// It imports only the standard library.
package objects

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Store is an objects/ folder.
type Store struct{ Dir string }

// ErrTooLarge is returned when a file exceeds the size limit given to Put.
var ErrTooLarge = errors.New("object too large")

// Path returns where the object with hex digest sum lives.
func (s Store) Path(sum string) string {
	return filepath.Join(s.Dir, sum[:2], sum[2:])
}

// Has reports whether the object exists.
func (s Store) Has(sum string) bool {
	if len(sum) != 64 {
		return false
	}
	_, err := os.Stat(s.Path(sum))
	return err == nil
}

// Put copies at most limit bytes of r into the store: a temporary file,
// fsync, then rename, so a crash never leaves a partial object under its
// name. It returns the hex SHA-256 and the size.
func (s Store) Put(r io.Reader, limit int64) (string, int64, error) {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return "", 0, err
	}
	tmp, err := os.CreateTemp(s.Dir, ".incoming-*")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, limit+1))
	if err != nil {
		tmp.Close()
		return "", 0, fmt.Errorf("store object: %w", err)
	}
	if n > limit {
		tmp.Close()
		return "", 0, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", 0, err
	}
	if err := tmp.Close(); err != nil {
		return "", 0, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := s.Path(sum)
	if _, err := os.Stat(dst); err == nil {
		return sum, n, nil // already stored: content addressing makes this a no-op
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", 0, err
	}
	if err := os.Chmod(tmp.Name(), 0o444); err != nil {
		return "", 0, err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, err
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return sum, n, nil
}

// PutBytes stores b.
func (s Store) PutBytes(b []byte) (string, error) {
	sum, _, err := s.Put(bytes.NewReader(b), int64(len(b)))
	return sum, err
}

// Verify re-hashes an object and reports whether it still matches its name.
func (s Store) Verify(sum string) (bool, error) {
	f, err := os.Open(s.Path(sum))
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == sum, nil
}
