package app

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"synthreview/marking/watermark"
	"synthreview/review"
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

// cmdKeys rotates the workspace's watermark key (admins, design.md): new
// marks use the new key, and detection keeps trying every past key.
func cmdKeys(ctx context.Context, c *cli, args []string) error {
	if len(args) > 0 && args[0] == "import-cert" {
		return cmdKeysImportCert(ctx, c, args[1:])
	}
	if len(args) == 0 || args[0] != "rotate-watermark" {
		return usageError{"say rotate-watermark or import-cert"}
	}
	fl := c.flags("keys rotate-watermark")
	ws := c.workspaceFlag(fl)
	as := fl.String("as", "", "admin acting")
	if _, err := parse(fl, args[1:]); err != nil {
		return err
	}
	w, actor, err := c.actAs(ctx, newPasswords(c.io.In, c.io.Err), c.dir(ws), *as, review.ActRotateKey)
	if err != nil {
		return err
	}
	defer w.Close()
	k, err := rotateKeyring(w.keysDir(), w.Now())
	if err != nil {
		return err
	}
	if _, err := w.DB.AppendEvent(ctx, actor.Name, "keys.watermark_rotated", "keys:watermark", map[string]any{"key_id": k.ID}); err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "watermark key rotated: new marks use %s; marks made with earlier keys are still detected\n", k.ID)
	return nil
}
