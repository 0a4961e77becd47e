package app

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"synthreview/marking/watermark"
	"synthreview/store/keys"
)

// watermarkFile is the provider's watermark keyring: keys/watermark.json in
// a workspace, or synthreview/watermark.json in the user's config folder
// when no workspace is named (issue 6).
const watermarkFile = "watermark.json"

// userKeyDir is where mark and scan keep the keyring outside a workspace.
func userKeyDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "synthreview"), nil
}

// loadKeyring reads dir's keyring; a missing one gives an error wrapping
// fs.ErrNotExist.
func loadKeyring(dir string) (*watermark.Keyring, error) {
	p := filepath.Join(dir, watermarkFile)
	b, err := keys.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var ring watermark.Keyring
	if err := json.Unmarshal(b, &ring); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return &ring, nil
}

// ensureKeyring returns dir's keyring, creating it with a first key.
func ensureKeyring(dir string, now time.Time) (*watermark.Keyring, error) {
	ring, err := loadKeyring(dir)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return ring, err
	}
	ring = &watermark.Keyring{}
	if _, err := ring.Rotate(now, rand.Reader); err != nil {
		return nil, err
	}
	return ring, saveKeyring(dir, ring)
}

func saveKeyring(dir string, ring *watermark.Keyring) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(ring)
	if err != nil {
		return err
	}
	return keys.WriteFile(filepath.Join(dir, watermarkFile), b)
}

// rotateKeyring adds a new current key; past keys stay so old marks read.
func rotateKeyring(dir string, now time.Time) (watermark.Key, error) {
	ring, err := ensureKeyring(dir, now)
	if err != nil {
		return watermark.Key{}, err
	}
	k, err := ring.Rotate(now, rand.Reader)
	if err != nil {
		return k, err
	}
	return k, saveKeyring(dir, ring)
}
