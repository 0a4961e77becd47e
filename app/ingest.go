package app

import (
	"context"
	"fmt"
	"path/filepath"
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
		if time.Since(last) > 24*time.Hour {
			if err := w.MaybeCheckpoint(ctx); err != nil {
				fmt.Fprintf(c.io.Err, "daily checkpoint failed: %s\n", describe(err))
			}
			last = time.Now()
		}
	})
}
