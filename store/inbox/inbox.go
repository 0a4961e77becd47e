// Package inbox is the watched inbox folder of a workspace and its sidecar
// protocol (design.md, "The inbox contract"): the generation service writes
// NAME.EXT, then NAME.json (last, or renamed into place). A pair is taken
// only when complete; after the database commit that records it, both files
// move to inbox/done/; a bad delivery moves to inbox/rejected/ with a note
// beside it, so nothing vanishes and an admin can fix and re-run it.
//
// It imports the standard library and fsnotify only; never Fyne, ui or app.
package inbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Sub-folders.
const (
	DoneDir     = "done"
	RejectedDir = "rejected"
)

// Inbox is one inbox folder.
type Inbox struct {
	Dir string
}

// Delivery is a sidecar found in the inbox with the output it names.
type Delivery struct {
	Sidecar string // path of NAME.json
	Output  string // path of the output file (may not exist yet)
	Data    []byte // the sidecar's bytes (bounded)
}

// Candidate lists the inbox's sidecars (oldest first by modification time,
// then name) and the other files with no sidecar naming them. It reads at
// most maxSidecar bytes of each sidecar; a larger one is returned with Data
// nil so the caller rejects it.
func (in Inbox) Candidates(maxSidecar int64, outputOf func(sidecar []byte) string) (deliveries []Delivery, orphans []string, err error) {
	entries, err := os.ReadDir(in.Dir)
	if err != nil {
		return nil, nil, fmt.Errorf("read inbox %s: %w", in.Dir, err)
	}
	type ent struct {
		name string
		mod  time.Time
	}
	var files []ent
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // vanished meanwhile
		}
		files = append(files, ent{e.Name(), info.ModTime()})
	}
	sort.Slice(files, func(i, j int) bool {
		if !files[i].mod.Equal(files[j].mod) {
			return files[i].mod.Before(files[j].mod)
		}
		return files[i].name < files[j].name
	})
	named := map[string]bool{}
	for _, f := range files {
		if !strings.HasSuffix(f.name, ".json") {
			continue
		}
		p := filepath.Join(in.Dir, f.name)
		data, err := readBounded(p, maxSidecar)
		d := Delivery{Sidecar: p}
		if err == nil {
			d.Data = data
			if out := outputOf(data); out != "" {
				d.Output = filepath.Join(in.Dir, out)
				named[out] = true
			}
		}
		if d.Output == "" {
			// The sidecar names no usable output: its sibling NAME.* goes
			// with it, so a rejection keeps the pair together.
			base := strings.TrimSuffix(f.name, ".json")
			for _, g := range files {
				if !strings.HasSuffix(g.name, ".json") && strings.TrimSuffix(g.name, filepath.Ext(g.name)) == base {
					d.Output = filepath.Join(in.Dir, g.name)
					named[g.name] = true
					break
				}
			}
		}
		deliveries = append(deliveries, d)
	}
	for _, f := range files {
		if !strings.HasSuffix(f.name, ".json") && !named[f.name] {
			orphans = append(orphans, filepath.Join(in.Dir, f.name))
		}
	}
	return deliveries, orphans, nil
}

// ErrTooLarge marks a file over its size limit.
var ErrTooLarge = errors.New("file too large")

func readBounded(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: %w (more than %d bytes)", p, ErrTooLarge, max)
	}
	return b, nil
}

// Stable reports whether the file at p has kept the same size and
// modification time for at least settle: a file still being written is not
// taken. It returns fs.ErrNotExist when the file is missing.
func Stable(p string, settle time.Duration, now time.Time) (bool, int64, error) {
	st, err := os.Stat(p)
	if err != nil {
		return false, 0, err
	}
	if !st.Mode().IsRegular() {
		return false, 0, fmt.Errorf("%s is not a regular file", p)
	}
	return now.Sub(st.ModTime()) >= settle, st.Size(), nil
}

// MoveDone moves the delivery's files to done/.
func (in Inbox) MoveDone(paths ...string) error {
	return in.moveTo(DoneDir, paths)
}

// Reject moves the delivery's files to rejected/ and writes the reason in
// NAME.reason.txt beside them. It returns the new sidecar path.
func (in Inbox) Reject(reason string, paths ...string) error {
	if err := in.moveTo(RejectedDir, paths); err != nil {
		return err
	}
	if len(paths) == 0 {
		return nil
	}
	base := strings.TrimSuffix(filepath.Base(paths[0]), filepath.Ext(paths[0]))
	note := fmt.Sprintf("%s\nrejected at %s\n\nFix the files and run `synthreview ingest --workspace WS %s` to take them again.\n",
		reason, time.Now().UTC().Format(time.RFC3339), filepath.Join(in.Dir, RejectedDir, filepath.Base(paths[0])))
	return os.WriteFile(filepath.Join(in.Dir, RejectedDir, base+".reason.txt"), []byte(note), 0o640)
}

func (in Inbox) moveTo(sub string, paths []string) error {
	dir := filepath.Join(in.Dir, sub)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			continue // moved already (a re-run after a crash)
		}
		if filepath.Dir(p) == dir {
			continue
		}
		dst := filepath.Join(dir, filepath.Base(p))
		for i := 1; exists(dst); i++ {
			ext := filepath.Ext(p)
			dst = filepath.Join(dir, fmt.Sprintf("%s.%d%s", strings.TrimSuffix(filepath.Base(p), ext), i, ext))
		}
		if err := os.Rename(p, dst); err != nil {
			return fmt.Errorf("move %s to %s: %w", p, sub, err)
		}
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Watch calls poke whenever the inbox may have changed: on fsnotify events
// and on every rescan tick (fsnotify drops events on overflow and sees
// nothing of what arrived while no watcher ran). It returns when ctx ends.
func (in Inbox) Watch(ctx context.Context, rescan time.Duration, poke func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", in.Dir, err)
	}
	defer w.Close()
	if err := w.Add(in.Dir); err != nil {
		return fmt.Errorf("watch %s: %w", in.Dir, err)
	}
	tick := time.NewTicker(rescan)
	defer tick.Stop()
	poke()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.Events:
			poke()
		case err := <-w.Errors:
			_ = err // overflow or similar: the rescan catches up
			poke()
		case <-tick.C:
			poke()
		}
	}
}
