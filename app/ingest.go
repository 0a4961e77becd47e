package app

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"synthreview/app/intake"
	"synthreview/marking"
	"synthreview/marking/watermark"
	"synthreview/store/inbox"
)

// newIntake builds the intake path of a workspace, with the full scan's
// pixel detectors (watermark, visible labels, PDQ).
func (w *Workspace) newIntake(ctx context.Context, log func(string)) (*intake.Intake, error) {
	d, err := w.detectors(ctx)
	if err != nil {
		return nil, err
	}
	rs, note, err := w.rules(ctx)
	if err != nil {
		return nil, err
	}
	if note != "" && log != nil {
		log(note)
	}
	return &intake.Intake{DB: w.DB, Objects: w.Objects, Inbox: inbox.Inbox{Dir: filepath.Join(w.Dir, "inbox")},
		ScanOptions: marking.ScanOptions{Pixels: d.Pixels}, Rules: rs, Digest: watermark.DigestProduceID, Now: w.Now, Log: log}, nil
}

func cmdIngest(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("ingest")
	ws := c.workspaceFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"name the files or folders to take in"}
	}
	w, err := OpenWorkspace(ctx, c.dir(ws), false)
	if err != nil {
		return err
	}
	defer w.Close()
	x, err := w.newIntake(ctx, func(s string) { fmt.Fprintln(c.io.Err, s) })
	if err != nil {
		return err
	}
	r, err := x.Ingest(ctx, pos)
	fmt.Fprintf(c.io.Out, "taken %d, delivered again %d, rejected %d, still being written %d\n", r.Taken, r.Redelivered, r.Rejected, r.Waiting)
	return err
}

func cmdWatch(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("watch")
	ws := c.workspaceFlag(fs)
	rescan := fs.Duration("rescan", 5*time.Second, "full rescan interval (fsnotify drops events under load)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	w, err := OpenWorkspace(ctx, c.dir(ws), false)
	if err != nil {
		return err
	}
	defer w.Close()
	x, err := w.newIntake(ctx, func(s string) { fmt.Fprintln(c.io.Err, s) })
	if err != nil {
		return err
	}
	fmt.Fprintf(c.io.Err, "watching %s (Ctrl-C stops)\n", x.Inbox.Dir)
	last := time.Now()
	return x.Watch(ctx, *rescan, func(r intake.Result, err error) {
		if err != nil {
			fmt.Fprintf(c.io.Err, "intake pass failed: %s\n", describe(err))
		}
		w.reloadRules(ctx, x, func(s string) { fmt.Fprintln(c.io.Err, s) })
		if err := w.syncOutbox(ctx); err != nil {
			fmt.Fprintf(c.io.Err, "%s\n", describe(err))
		}
		if time.Since(last) > 24*time.Hour {
			if err := w.MaybeCheckpoint(ctx); err != nil {
				fmt.Fprintf(c.io.Err, "daily checkpoint failed: %s\n", describe(err))
			}
			last = time.Now()
		}
	})
}

// reloadRules picks up an approved change of the rules between two intake
// passes (onPass runs before the next pass starts, so no delivery sees the
// rules change under it).
func (w *Workspace) reloadRules(ctx context.Context, x *intake.Intake, log func(string)) {
	// A cheap fingerprint (names, sizes, times) spares re-reading an
	// unchanged rules folder on every pass.
	fp := folderFingerprint(filepath.Join(w.Dir, rulesDir))
	if a, err := w.DB.ApprovedRuleSet(ctx); err == nil {
		fp += "approved " + a.Version // an approval changes no file
	}
	if fp == w.rulesFingerprint {
		return
	}
	w.rulesFingerprint = fp
	rs, note, err := w.rules(ctx)
	if err != nil {
		log("rules not reloaded: " + describe(err))
		return
	}
	old, _ := x.Rules.(workspaceRules)
	if old.eng == nil || old.eng.Set().Version != rs.eng.Set().Version {
		x.Rules = rs
		log("rules in force: " + rs.eng.Set().Version)
	}
	if note != "" && note != w.lastRulesNote {
		log(note)
		w.lastRulesNote = note
	}
}

func folderFingerprint(dir string) string {
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := d.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}
