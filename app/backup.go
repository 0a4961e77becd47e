package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"synthreview/review"
	"synthreview/store"
)

// Backup copies a live workspace to dest (a new folder): first a consistent
// snapshot of the database (store.BackupTo), then every other file. Objects
// are immutable and written before the database commit that names them, so
// copying them after the snapshot captures every object it refers to.
func Backup(ctx context.Context, w *Workspace, dest string) (int, error) {
	if _, err := os.Stat(dest); err == nil {
		return 0, review.Errorf(review.ECONFLICT, "backup destination %s exists already", dest)
	}
	if err := os.MkdirAll(dest, 0o750); err != nil {
		return 0, err
	}
	if err := w.DB.BackupTo(ctx, filepath.Join(dest, store.DBName)); err != nil {
		return 0, err
	}
	files := 0
	err := filepath.WalkDir(w.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, err := filepath.Rel(w.Dir, p)
		if err != nil || rel == "." {
			return err
		}
		if strings.HasPrefix(rel, store.DBName) { // the database, its -wal and -shm
			return nil
		}
		if strings.HasPrefix(filepath.Base(rel), ".incoming-") {
			return nil // a half-written object: never part of the state
		}
		target := filepath.Join(dest, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm())
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		files++
		return copyFile(p, target, info.Mode().Perm())
	})
	if err != nil {
		return files, fmt.Errorf("backup %s: %w", w.Dir, err)
	}
	manifest, _ := json.MarshalIndent(map[string]any{"source": w.Dir, "files": files + 1,
		"made_at": review.FormatTime(w.Now())}, "", "  ")
	return files, os.WriteFile(filepath.Join(dest, "BACKUP.json"), manifest, 0o640)
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Restore copies the backup folder src into dest, a new workspace folder,
// then checks the database's integrity and the audit chain.
func Restore(ctx context.Context, src, dest string) (AuditResult, error) {
	if _, err := os.Stat(filepath.Join(src, store.DBName)); err != nil {
		return AuditResult{}, review.Errorf(review.EINVALID, "%s is not a SynthReview backup (no %s)", src, store.DBName)
	}
	if _, err := os.Stat(dest); err == nil {
		entries, _ := os.ReadDir(dest)
		if len(entries) > 0 {
			return AuditResult{}, review.Errorf(review.ECONFLICT, "restore target %s exists and is not empty", dest)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return AuditResult{}, err
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel == "BACKUP.json" {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		target := filepath.Join(dest, rel)
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		return copyFile(p, target, info.Mode().Perm())
	})
	if err != nil {
		return AuditResult{}, fmt.Errorf("restore %s: %w", src, err)
	}
	w, err := OpenWorkspace(ctx, dest, false)
	if err != nil {
		return AuditResult{}, err
	}
	defer w.Close()
	if err := w.DB.IntegrityCheck(ctx); err != nil {
		return AuditResult{}, err
	}
	return VerifyAudit(ctx, w, nil)
}

func cmdBackup(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("backup")
	ws := c.workspaceFlag(fs)
	out := fs.String("o", "", "destination folder (must not exist)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"-o DEST names the backup folder"}
	}
	w, err := OpenWorkspace(ctx, c.dir(ws), true)
	if err != nil {
		return err
	}
	defer w.Close()
	n, err := Backup(ctx, w, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "backed up %s to %s (database snapshot and %d files)\n", w.Dir, *out, n)
	return nil
}

func cmdRestore(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("restore")
	ws := fs.String("workspace", "", "new workspace folder to restore into")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *ws == "" {
		return usageError{"name one backup folder and --workspace NEWDIR"}
	}
	r, err := Restore(ctx, pos[0], *ws)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "restored %s into %s: audit chain OK, %d events, head %s\n", pos[0], *ws, r.Events, r.Head)
	return nil
}
