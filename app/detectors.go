package app

import (
	"context"
	"errors"
	"image"
	"io/fs"
	"os"
	"path/filepath"

	"synthreview/app/scancmd"
	"synthreview/marking"
	"synthreview/marking/detect"
	"synthreview/marking/visible"
	"synthreview/marking/watermark"
)

// templatesDir is the workspace folder of extra visible-label templates: a
// manager drops PNG crops of other vendors' corner marks there (issue 5).
const templatesDir = "templates"

// detectors builds the pixel detectors of a workspace: its watermark keys,
// its template bank, and digest resolution through its database.
func (w *Workspace) detectors(ctx context.Context) (*detect.Detectors, error) {
	ring, err := loadKeyring(w.keysDir())
	if errors.Is(err, fs.ErrNotExist) {
		ring = nil // no keys yet: watermarks are "not-checked"
	} else if err != nil {
		return nil, err
	}
	bank, err := loadBank(filepath.Join(w.Dir, templatesDir))
	if err != nil {
		return nil, err
	}
	return detect.New(ring, bank, func(digest string) (string, bool) {
		id, err := w.DB.ProduceIDForDigest(ctx, digest)
		return id, err == nil
	})
}

func loadBank(dir string) (*visible.Bank, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return visible.NewBank()
	}
	return visible.LoadBank(dir)
}

// scanSetup gives `scan` its detectors: the workspace's with --workspace,
// otherwise the keys in the user's config folder (if any).
func scanSetup(ctx context.Context) scancmd.Setup {
	return func(ws string) (func(image.Image, *marking.Report), func(), error) {
		if ws != "" {
			w, err := OpenWorkspace(ctx, ws, true)
			if err != nil {
				return nil, nil, err
			}
			d, err := w.detectors(ctx)
			if err != nil {
				w.Close()
				return nil, nil, err
			}
			return d.Pixels, func() { w.Close() }, nil
		}
		var ring *watermark.Keyring
		if dir, err := userKeyDir(); err == nil {
			r, err := loadKeyring(dir)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, nil, err
			}
			ring = r
		}
		d, err := detect.New(ring, nil, nil)
		if err != nil {
			return nil, nil, err
		}
		return d.Pixels, func() {}, nil
	}
}
