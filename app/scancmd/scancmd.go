// Package scancmd implements `synthreview scan [--json] [--fast]
// [--workspace DIR] PATH...`: it reports every mark in files and folders
// (recursive), scanning on all cores and printing one result per file in
// input order (design.md, "scan --json: the output contract").
//
// It must not import Fyne (so it builds without cgo), database/sql or store.
package scancmd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"

	"synthreview/marking"
)

const usage = `usage: synthreview scan [--json] [--fast] [--workspace DIR] PATH...

Reports every mark (GB 45438 implicit label, C2PA, IPTC, explicit text
notice) in the files and folders given (folders recursively, symbolic-link
loops skipped), one result per file in input order.

  --json            print one JSON object per file (JSON Lines) on stdout
  --fast            read metadata only: no pixel decode
  --workspace DIR   use the workspace's watermark keys and resolve watermark
                    digests to ProduceIDs (without it: the keys in the user's
                    config folder, if any; no keys means "not-checked")

Exit status: 0 when every file was read (whatever its verdict), 1 when a file
could not be read, 2 on a usage error.
`

// Setup prepares the pixel detectors of a full scan (watermark keys, the
// visible-label bank, digest resolution with --workspace, which may be "").
// done releases what it opened.
type Setup func(workspace string) (pixels func(image.Image, *marking.Report), done func(), err error)

type config struct {
	json, fast bool
	workspace  string
	paths      []string
}

func parseArgs(args []string) (config, error) {
	var c config
	flags := true
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !flags || a == "-" || !strings.HasPrefix(a, "-") {
			c.paths = append(c.paths, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case a == "--":
			flags = false
		case name == "json" && !hasVal:
			c.json = true
		case name == "fast" && !hasVal:
			c.fast = true
		case name == "workspace":
			if !hasVal {
				if i+1 >= len(args) {
					return c, fmt.Errorf("--workspace needs a folder")
				}
				i++
				val = args[i]
			}
			c.workspace = val
		case name == "h" || name == "help":
			return c, errHelp
		default:
			return c, fmt.Errorf("unknown flag %s", a)
		}
	}
	if len(c.paths) == 0 {
		return c, fmt.Errorf("no PATH given")
	}
	return c, nil
}

var errHelp = fmt.Errorf("help")

// bigFile is the size above which files are scanned one at a time.
const bigFile = 256 << 20

// job is one file to scan; res receives its report.
type job struct {
	path string
	err  error // set when the path could not be walked; no scan then
	res  chan marking.Report
}

// Run runs the scan command with args (without the word "scan") and returns
// the exit status: 0 when every file was read, 1 when one could not be read
// (its line still printed, with `error` set), 2 on a usage error.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, setup Setup) int {
	cfg, err := parseArgs(args)
	if err == errHelp {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "scan: %v\n%s", err, usage)
		return 2
	}
	if cfg.workspace != "" {
		if st, err := os.Stat(cfg.workspace); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "scan: --workspace %s is not a folder\n", cfg.workspace)
			return 2
		}
	}
	var pixels func(image.Image, *marking.Report)
	if setup != nil && !cfg.fast {
		p, done, err := setup(cfg.workspace)
		if err != nil {
			fmt.Fprintf(stderr, "scan: %v\n", err)
			return 1
		}
		defer done()
		pixels = p
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	workers := runtime.GOMAXPROCS(0)
	opts := marking.ScanOptions{Fast: cfg.fast, Pixels: pixels}
	jobs := make(chan job, workers)
	bigSem := make(chan struct{}, 1)
	// order holds jobs in input order; its capacity bounds how far the
	// scanners may run ahead of the writer (the reorder buffer).
	order := make(chan job, 4*workers)

	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				// Files over bigFile are read one at a time, so that the
				// workers together never hold more than about
				// workers×bigFile + MaxFileSize bytes.
				big := false
				if st, err := os.Stat(j.path); err == nil && st.Size() > bigFile {
					big = true
					bigSem <- struct{}{}
				}
				j.res <- marking.ScanFile(j.path, opts)
				if big {
					<-bigSem
				}
			}
		}()
	}
	go func() {
		defer close(order)
		defer close(jobs)
		emit := func(j job) bool {
			select {
			case order <- j:
			case <-ctx.Done():
				return false
			}
			if j.err != nil {
				return true
			}
			select {
			case jobs <- j:
				return true
			case <-ctx.Done():
				// Already promised to the writer: give it a line.
				j.res <- errorReport(j.path, fmt.Errorf("scan cancelled: %w", ctx.Err()))
				return false
			}
		}
		w := walker{emit: emit, stderr: stderr, seen: map[fileID]bool{}}
		for _, p := range cfg.paths {
			if !w.arg(p) {
				return
			}
		}
	}()

	out := bufio.NewWriterSize(stdout, 64<<10)
	status := 0
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for j := range order {
		var rep marking.Report
		if j.err != nil {
			rep = errorReport(j.path, j.err)
		} else {
			rep = <-j.res
		}
		if rep.Error != "" {
			status = 1
			fmt.Fprintf(stderr, "scan: %s: %s\n", rep.Path, rep.Error)
		}
		if cfg.json {
			if err := enc.Encode(&rep); err != nil {
				fmt.Fprintf(stderr, "scan: writing output: %v\n", err)
				cancel()
				status = 1
				break
			}
		} else {
			writeHuman(out, &rep)
		}
		if len(order) == 0 {
			// Flush when the writer has caught up, so lines stream.
			if err := out.Flush(); err != nil {
				fmt.Fprintf(stderr, "scan: writing output: %v\n", err)
				cancel()
				status = 1
				break
			}
		}
	}
	cancel()
	for range order { // drain after a write error
	}
	wg.Wait()
	if err := out.Flush(); err != nil && status == 0 {
		fmt.Fprintf(stderr, "scan: writing output: %v\n", err)
		status = 1
	}
	if parent.Err() != nil {
		fmt.Fprintf(stderr, "scan: cancelled: %v\n", parent.Err())
		status = 1
	}
	return status
}

func errorReport(path string, err error) marking.Report {
	rep := marking.Report{Path: path, Format: "unknown", Implicit: []marking.Implicit{}, Explicit: []marking.Explicit{},
		Findings: []marking.Finding{}, Watermark: &marking.Watermark{Status: "not-checked"}}
	rep.Error = err.Error()
	rep.AddFinding(marking.CodeFileUnreadable, err.Error())
	rep.Judge()
	return rep
}

type fileID struct{ dev, ino uint64 }

// walker expands arguments into files, in order: a file as given, a folder
// recursively in name order. Symbolic links are followed; a folder already
// visited (a symlink loop, or the same folder reached twice) is skipped.
type walker struct {
	emit   func(job) bool
	stderr io.Writer
	seen   map[fileID]bool
}

func (w *walker) arg(p string) bool {
	st, err := os.Stat(p)
	if err != nil {
		return w.emit(job{path: p, err: err})
	}
	if st.IsDir() {
		return w.dir(p, st)
	}
	if !st.Mode().IsRegular() {
		return w.emit(job{path: p, err: fmt.Errorf("%s is not a regular file", p)})
	}
	return w.emit(job{path: p, res: make(chan marking.Report, 1)})
}

func idOf(st os.FileInfo) (fileID, bool) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return fileID{uint64(s.Dev), uint64(s.Ino)}, true
	}
	return fileID{}, false
}

func (w *walker) dir(p string, st os.FileInfo) bool {
	if id, ok := idOf(st); ok {
		if w.seen[id] {
			fmt.Fprintf(w.stderr, "scan: %s: folder already visited (symbolic-link loop?); skipped\n", p)
			return true
		}
		w.seen[id] = true
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return w.emit(job{path: p, err: fmt.Errorf("cannot read folder: %w", err)})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		full := filepath.Join(p, e.Name())
		t := e.Type()
		if t&os.ModeSymlink != 0 {
			st, err := os.Stat(full)
			if err != nil {
				fmt.Fprintf(w.stderr, "scan: %s: broken symbolic link; skipped\n", full)
				continue
			}
			if st.IsDir() {
				if !w.dir(full, st) {
					return false
				}
				continue
			}
			t = st.Mode().Type()
		}
		switch {
		case t.IsDir():
			st, err := os.Stat(full)
			if err != nil {
				if !w.emit(job{path: full, err: err}) {
					return false
				}
				continue
			}
			if !w.dir(full, st) {
				return false
			}
		case t.IsRegular():
			if !w.emit(job{path: full, res: make(chan marking.Report, 1)}) {
				return false
			}
		default:
			fmt.Fprintf(w.stderr, "scan: %s: not a regular file; skipped\n", full)
		}
	}
	return true
}

// fact words a tri-state fact: valid, invalid or unknown.
func fact(b *bool) string {
	switch {
	case b == nil:
		return "unknown"
	case *b:
		return "valid"
	}
	return "INVALID"
}

// writeHuman prints one concise block per file.
func writeHuman(w io.Writer, r *marking.Report) {
	fmt.Fprintf(w, "%s\n  format %s · verdict %s · label %s\n", r.Path, r.Format, r.Verdict, r.LabelState)
	if r.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", r.Error)
	}
	for _, im := range r.Implicit {
		fmt.Fprintf(w, "  implicit %s at %s (%s)", im.Carrier, im.Location, im.Form)
		if im.Namespace != "" && im.Namespace != marking.TC260Namespace {
			fmt.Fprintf(w, " namespace %s", im.Namespace)
		}
		fmt.Fprintln(w)
		var parts []string
		for _, k := range marking.LabelKeys {
			if v, ok := im.Fields[k]; ok && v != "" {
				parts = append(parts, k+"="+v)
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "    %s\n", strings.Join(parts, " "))
		}
	}
	if c := r.C2PA; c != nil && c.Present {
		fmt.Fprintf(w, "  c2pa at %s, claim generator %q, signer %q\n", c.Location, c.ClaimGenerator, c.Signer)
		if len(c.Actions) > 0 {
			fmt.Fprintf(w, "    actions %s", strings.Join(c.Actions, ", "))
			if c.DigitalSourceType != "" {
				fmt.Fprintf(w, "; digital source type %s", c.DigitalSourceType)
			}
			fmt.Fprintln(w)
		}
		// Four separate facts, never one verdict (requirements.md §4).
		fmt.Fprintf(w, "    signature %s · content binding %s · timestamp %s · signer trusted %s\n",
			fact(c.SignatureValid), fact(c.BindingValid), fact(c.TimestampValid), fact(c.SignerTrusted))
	} else if c != nil && c.RemoteReference != "" {
		fmt.Fprintf(w, "  c2pa reference %s with no embedded manifest\n", c.RemoteReference)
	}
	if wm := r.Watermark; wm != nil {
		switch {
		case wm.Detected != nil && *wm.Detected:
			fmt.Fprintf(w, "  watermark present: payload %q digest %s (confidence %.2f)\n", wm.Payload, wm.PayloadDigest, wm.Confidence)
		case wm.Status != "":
			fmt.Fprintf(w, "  watermark %s\n", wm.Status)
		}
	}
	if r.IPTCDigitalSourceType != "" {
		fmt.Fprintf(w, "  iptc digital source type %s\n", r.IPTCDigitalSourceType)
	}
	for _, e := range r.Explicit {
		if e.HeightRatio > 0 {
			fmt.Fprintf(w, "  explicit %q (%s) at %v, text height %.1f %% of the shorter side\n", e.Text, e.Source, e.Box, 100*e.HeightRatio)
		} else {
			fmt.Fprintf(w, "  explicit %q (%s)\n", e.Text, e.Source)
		}
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  [%s] %s: %s\n", f.Severity, f.Code, f.Message)
	}
	fmt.Fprintln(w)
}
