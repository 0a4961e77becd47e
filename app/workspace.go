package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"synthreview/review"
	"synthreview/store"
	"synthreview/store/keys"
	"synthreview/store/objects"
	"synthreview/store/outbox"
)

// Workspace is one open workspace folder (design.md): synthreview.db,
// objects/, inbox/, outbox/, keys/, exports/.
type Workspace struct {
	Dir     string
	DB      *store.DB
	Objects objects.Store
	Now     func() time.Time
	// lastRulesNote is the last rules note logged, so a pending version is
	// reported once, not on every intake pass.
	lastRulesNote    string
	rulesFingerprint string
}

// Folders every workspace has.
var workspaceDirs = []string{"objects", "inbox", "outbox", "keys", "exports", templatesDir, rulesDir}

func (w *Workspace) keysDir() string { return filepath.Join(w.Dir, "keys") }

// CreateWorkspace makes a new workspace in dir (which must not hold one):
// the folders, the database, the personal-data key and the signing key.
func CreateWorkspace(ctx context.Context, dir string) (*Workspace, error) {
	if dir == "" {
		return nil, review.Errorf(review.EINVALID, "no workspace folder given")
	}
	if _, err := os.Stat(filepath.Join(dir, store.DBName)); err == nil {
		return nil, review.Errorf(review.ECONFLICT, "%s is already a workspace", dir)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create workspace %s: %w", dir, err)
	}
	for _, d := range workspaceDirs {
		mode := os.FileMode(0o750)
		if d == "keys" {
			mode = 0o700
		}
		if err := os.MkdirAll(filepath.Join(dir, d), mode); err != nil {
			return nil, fmt.Errorf("create workspace %s: %w", dir, err)
		}
	}
	db, err := store.Open(ctx, filepath.Join(dir, store.DBName), store.Options{Create: true})
	if err != nil {
		return nil, err
	}
	w := &Workspace{Dir: dir, DB: db, Objects: objects.Store{Dir: filepath.Join(dir, "objects")}, Now: time.Now}
	if err := w.loadKeys(); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := keys.EnsureSigner(w.keysDir(), "", w.Now()); err != nil {
		db.Close()
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	if _, err := db.AppendEvent(ctx, "system", "workspace.created", "workspace", map[string]any{"schema": 1}); err != nil {
		db.Close()
		return nil, err
	}
	return w, nil
}

// OpenWorkspace opens an existing workspace. It refuses a folder that is
// not one, with a message that says how to make one.
func OpenWorkspace(ctx context.Context, dir string, readOnly bool) (*Workspace, error) {
	if dir == "" {
		return nil, review.Errorf(review.EINVALID, "no workspace folder given (use --workspace DIR)")
	}
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, review.Errorf(review.ENOTFOUND, "workspace folder %s does not exist; create one with `synthreview init` or `synthreview demo`", dir)
	} else if err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, review.Errorf(review.EINVALID, "%s is not a folder", dir)
	}
	dbPath := filepath.Join(dir, store.DBName)
	if _, err := os.Stat(dbPath); errors.Is(err, fs.ErrNotExist) {
		return nil, review.Errorf(review.EINVALID, "%s is not a SynthReview workspace (no %s); create one with `synthreview init` or `synthreview demo`", dir, store.DBName)
	}
	db, err := store.Open(ctx, dbPath, store.Options{ReadOnly: readOnly})
	if err != nil {
		return nil, err
	}
	w := &Workspace{Dir: dir, DB: db, Objects: objects.Store{Dir: filepath.Join(dir, "objects")}, Now: time.Now}
	if !readOnly {
		if err := w.loadKeys(); err != nil {
			db.Close()
			return nil, err
		}
		// A writing process signs the chain head when the last signature is
		// more than a day old (design.md, "once a day").
		if err := w.MaybeCheckpoint(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return w, nil
}

func (w *Workspace) loadKeys() error {
	k, err := keys.EnsurePersonalKey(w.keysDir())
	if err != nil {
		return fmt.Errorf("personal-data key: %w", err)
	}
	w.DB.PersonalKey = k
	return nil
}

// Close closes the database.
func (w *Workspace) Close() error { return w.DB.Close() }

// Signer returns the workspace signing key, creating it on first need.
func (w *Workspace) Signer() (*keys.Signer, error) {
	return keys.EnsureSigner(w.keysDir(), "", w.Now())
}

// Checkpoint signs the chain head now.
func (w *Workspace) Checkpoint(ctx context.Context, actor string) (store.Checkpoint, error) {
	sg, err := w.Signer()
	if err != nil {
		return store.Checkpoint{}, err
	}
	return w.DB.RecordCheckpoint(ctx, actor, sg.SignBase64)
}

// MaybeCheckpoint signs the chain head when the newest checkpoint is older
// than a day (design.md: "once a day"); every writing process calls it when
// it opens a workspace.
func (w *Workspace) MaybeCheckpoint(ctx context.Context) error {
	st, err := w.DB.Status(ctx)
	if err != nil {
		return err
	}
	if st.LastCheckpoint != "" {
		t, err := time.Parse(time.RFC3339Nano, st.LastCheckpoint)
		if err == nil && w.Now().Sub(t) < 24*time.Hour {
			return nil
		}
	}
	_, err = w.Checkpoint(ctx, "system")
	return err
}

// outbox returns the workspace's outbox folder.
func (w *Workspace) outbox() outbox.Outbox {
	return outbox.Outbox{Dir: filepath.Join(w.Dir, "outbox"), DB: w.DB, Objects: w.Objects.Dir}
}

// syncOutbox writes the files of new actions and records the platform's
// acknowledgements; the watcher and the GUI call it on every pass.
func (w *Workspace) syncOutbox(ctx context.Context) error {
	ob := w.outbox()
	if _, err := ob.Flush(ctx); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if _, err := ob.CollectAcks(ctx); err != nil {
		return fmt.Errorf("outbox acknowledgements: %w", err)
	}
	return nil
}

// Accounts returns the account service.
func (w *Workspace) Accounts() review.Accounts {
	return review.Accounts{Store: w.DB, Hasher: store.DefaultArgon2id}
}
