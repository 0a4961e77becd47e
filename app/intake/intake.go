// Package intake takes generated outputs from the inbox into the workspace:
// a complete pair (sidecar parses, output present and no longer growing) is
// copied into objects/ by SHA-256, scanned by marking, judged by the rules,
// and recorded — item, scan report, rule hits and event — in one
// transaction; only then do its files move to inbox/done/. A restart at any
// point reconciles: the object store is idempotent and a ProduceID already
// recorded with the same bytes is recognised as a redelivery, so nothing is
// lost and nothing is recorded twice. Bad deliveries become intake errors
// with their files kept under inbox/rejected/ beside a note.
package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"synthreview/marking"
	"synthreview/review"
	"synthreview/store"
	"synthreview/store/inbox"
	"synthreview/store/objects"
)

// Rules judges an item at intake. The rule engine (review/rules) implements
// it; nil means no rule runs.
type Rules interface {
	Evaluate(ctx context.Context, g review.Generation, rep marking.Report) (hits []review.RuleHit, queue string, priority int, clear bool, version string)
}

// Intake is the intake path of one workspace.
type Intake struct {
	DB      *store.DB
	Objects objects.Store
	Inbox   inbox.Inbox
	Rules   Rules
	// ScanOptions configures the marking scan (detectors wired by app).
	ScanOptions marking.ScanOptions
	// Digest maps a ProduceID to its watermark payload digest, recorded so
	// a watermark read later resolves to the item; nil records none.
	Digest func(produceID string) string
	// Settle is how long an output must keep its size and time before it is
	// taken (default 1 s); Grace how long a lone file or a sidecar without
	// its output may wait before it is an intake error (default 10 min).
	Settle, Grace time.Duration
	// MaxOutput bounds an output file (default 1 GiB).
	MaxOutput int64
	Now       func() time.Time
	// Log receives one line per delivery handled.
	Log func(string)
}

// Result counts what one pass did.
type Result struct {
	Taken, Redelivered, Rejected, Waiting int
}

func (r *Result) add(o Result) {
	r.Taken += o.Taken
	r.Redelivered += o.Redelivered
	r.Rejected += o.Rejected
	r.Waiting += o.Waiting
}

func (x *Intake) defaults() {
	if x.Settle == 0 {
		x.Settle = time.Second
	}
	if x.Grace == 0 {
		x.Grace = 10 * time.Minute
	}
	if x.MaxOutput == 0 {
		x.MaxOutput = 1 << 30
	}
	if x.Now == nil {
		x.Now = time.Now
	}
	if x.Log == nil {
		x.Log = func(string) {}
	}
}

func outputName(sidecar []byte) string {
	var g struct {
		Output struct {
			File string `json:"file"`
		} `json:"output"`
	}
	if json.Unmarshal(sidecar, &g) != nil || g.Output.File != filepath.Base(g.Output.File) || strings.HasPrefix(g.Output.File, ".") {
		return ""
	}
	return g.Output.File
}

// RunOnce handles every delivery now in the inbox folder.
func (x *Intake) RunOnce(ctx context.Context) (Result, error) {
	x.defaults()
	return x.runDir(ctx, x.Inbox, true)
}

// Ingest handles the given paths: sidecars, outputs or folders (for
// instance inbox/rejected/ after an admin fixed a delivery).
func (x *Intake) Ingest(ctx context.Context, paths []string) (Result, error) {
	x.defaults()
	var total Result
	dirs := map[string]bool{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return total, fmt.Errorf("ingest %s: %w", p, err)
		}
		if st.IsDir() {
			dirs[p] = true
		} else {
			dirs[filepath.Dir(p)] = true
		}
	}
	for d := range dirs {
		r, err := x.runDir(ctx, inbox.Inbox{Dir: d}, false)
		total.add(r)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// runDir handles the deliveries of one folder; orphans are judged only in
// the watched inbox itself.
func (x *Intake) runDir(ctx context.Context, dir inbox.Inbox, orphansToo bool) (Result, error) {
	var res Result
	deliveries, orphans, err := dir.Candidates(review.MaxSidecarBytes, outputName)
	if err != nil {
		return res, err
	}
	jobs := make(chan inbox.Delivery)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for i := 0; i < runtime.NumCPU(); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range jobs {
				r, err := x.handle(ctx, dir, d)
				mu.Lock()
				res.add(r)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, d := range deliveries {
		if ctx.Err() != nil {
			break
		}
		jobs <- d
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
	}
	if orphansToo {
		for _, o := range orphans {
			ok, _, err := inbox.Stable(o, x.Grace, x.Now())
			if err != nil || !ok {
				continue
			}
			if err := x.reject(ctx, dir, filepath.Base(o), fmt.Sprintf("%s has had no sidecar for %s", filepath.Base(o), x.Grace), o); err != nil {
				return res, err
			}
			res.Rejected++
		}
	}
	return res, ctx.Err()
}

// handle takes one delivery. It returns an error only for failures of the
// workspace itself (disk, database), never for a bad delivery.
func (x *Intake) handle(ctx context.Context, dir inbox.Inbox, d inbox.Delivery) (Result, error) {
	name := filepath.Base(d.Sidecar)
	// A sidecar still being written is not judged yet.
	if ok, _, err := inbox.Stable(d.Sidecar, x.Settle, x.Now()); errors.Is(err, fs.ErrNotExist) {
		return Result{}, nil // taken by another pass meanwhile
	} else if err != nil || !ok {
		return Result{Waiting: 1}, nil
	}
	if d.Data == nil {
		return Result{Rejected: 1}, x.reject(ctx, dir, name, fmt.Sprintf("sidecar %s is unreadable or larger than %d bytes", name, review.MaxSidecarBytes), d.Sidecar, d.Output)
	}
	g, err := review.ParseGeneration(d.Data)
	if err != nil {
		return Result{Rejected: 1}, x.reject(ctx, dir, name, fmt.Sprintf("%s: %s", name, review.ErrorMessage(err)), d.Sidecar, d.Output)
	}
	ok, size, err := inbox.Stable(d.Output, x.Settle, x.Now())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if old, _, _ := inbox.Stable(d.Sidecar, x.Grace, x.Now()); old {
			return Result{Rejected: 1}, x.reject(ctx, dir, name, fmt.Sprintf("%s: output file %s is missing", name, g.Output.File), d.Sidecar)
		}
		return Result{Waiting: 1}, nil
	case err != nil:
		return Result{Rejected: 1}, x.reject(ctx, dir, name, fmt.Sprintf("%s: output %s: %v", name, g.Output.File, err), d.Sidecar, d.Output)
	case size > x.MaxOutput:
		return Result{Rejected: 1}, x.reject(ctx, dir, name, fmt.Sprintf("%s: output %s is %d bytes, over the %d-byte limit", name, g.Output.File, size, x.MaxOutput), d.Sidecar, d.Output)
	case !ok:
		return Result{Waiting: 1}, nil
	}
	f, err := os.Open(d.Output)
	if err != nil {
		return Result{Waiting: 1}, nil
	}
	sum, n, err := x.Objects.Put(f, x.MaxOutput)
	f.Close()
	if err != nil {
		return Result{}, fmt.Errorf("store %s: %w", d.Output, err)
	}
	if g.Output.SHA256 != "" && !strings.EqualFold(g.Output.SHA256, sum) {
		return Result{Rejected: 1}, x.reject(ctx, dir, name, fmt.Sprintf("%s: output %s has SHA-256 %s, the sidecar says %s", name, g.Output.File, sum, g.Output.SHA256), d.Sidecar, d.Output)
	}
	if it, err := x.DB.ItemByProduceID(ctx, g.ProduceID); err == nil {
		return x.redelivered(ctx, dir, name, g, it, sum, d)
	} else if review.ErrorCode(err) != review.ENOTFOUND {
		return Result{}, err
	}
	rep := marking.ScanFile(x.Objects.Path(sum), x.ScanOptions)
	rep.Path = g.Output.File
	item := review.Item{ProduceID: g.ProduceID, Format: rep.Format, ObjectSHA256: sum, Size: n,
		Category: review.Category(g.Service.Category), Service: g.Service.Name, Model: g.Service.Model,
		Filing: g.Service.AlgorithmFiling, UserID: g.User.ID, Prompt: g.Prompt, CreatedAt: g.Created(),
		LabelState: rep.LabelState, Verdict: rep.Verdict, State: review.StateQueued, Queue: review.QueueLive}
	var hits []review.RuleHit
	if x.Rules != nil {
		var queue string
		var clear bool
		hits, queue, item.Priority, clear, _ = x.Rules.Evaluate(ctx, g, rep)
		if queue == review.QueueEscalation {
			item.Queue, item.State = review.QueueEscalation, review.StateEscalated
		}
		if clear {
			item.State = review.StateCleared
		}
	}
	reportJSON, err := json.Marshal(rep)
	if err != nil {
		return Result{}, err
	}
	sidecar := g
	sidecar.Prompt = "" // personal data may be in the prompt: it lives in items.prompt only
	sidecarJSON, _ := json.Marshal(sidecar)
	rec := review.NewItem{Item: item, ScanReport: string(reportJSON), RuleHits: hits, ConsentIDs: g.ConsentIDs(), Sidecar: string(sidecarJSON)}
	if x.Digest != nil {
		rec.WatermarkDigest = x.Digest(g.ProduceID)
	}
	created, err := x.DB.CreateItem(ctx, "system", rec)
	if review.ErrorCode(err) == review.ECONFLICT {
		// Another worker recorded the same ProduceID meanwhile.
		if it, err2 := x.DB.ItemByProduceID(ctx, g.ProduceID); err2 == nil {
			return x.redelivered(ctx, dir, name, g, it, sum, d)
		}
	}
	if err != nil {
		if review.ErrorCode(err) == review.EINVALID {
			return Result{Rejected: 1}, x.reject(ctx, dir, name, fmt.Sprintf("%s: %s", name, review.ErrorMessage(err)), d.Sidecar, d.Output)
		}
		return Result{}, err
	}
	if err := x.done(dir, d); err != nil {
		return Result{}, err
	}
	if err := x.DB.ResolveIntakeError(ctx, name, created.ID); err != nil {
		return Result{}, err
	}
	x.Log(fmt.Sprintf("took %s as item %d (%s, %s)", g.ProduceID, created.ID, rep.Format, rep.Verdict))
	return Result{Taken: 1}, nil
}

// done moves a taken delivery to the inbox's done/ folder, and drops the
// rejection note of a delivery that was fixed and re-run.
func (x *Intake) done(dir inbox.Inbox, d inbox.Delivery) error {
	if err := x.Inbox.MoveDone(d.Output, d.Sidecar); err != nil {
		return err
	}
	if filepath.Base(dir.Dir) == inbox.RejectedDir {
		base := strings.TrimSuffix(filepath.Base(d.Sidecar), ".json")
		if err := os.Remove(filepath.Join(dir.Dir, base+".reason.txt")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// redelivered handles a ProduceID that is already recorded: the same bytes
// are a redelivery (or a re-run after a crash between commit and move); other
// bytes are a conflict an admin must see.
func (x *Intake) redelivered(ctx context.Context, dir inbox.Inbox, name string, g review.Generation, it review.Item, sum string, d inbox.Delivery) (Result, error) {
	if it.ObjectSHA256 != sum {
		return Result{Rejected: 1}, x.reject(ctx, dir, name, fmt.Sprintf("%s: ProduceID %s is already recorded as item %d with different bytes (SHA-256 %s, now %s): a conflict for an admin",
			name, g.ProduceID, it.ID, it.ObjectSHA256, sum), d.Sidecar, d.Output)
	}
	if err := x.done(dir, d); err != nil {
		return Result{}, err
	}
	if err := x.DB.ResolveIntakeError(ctx, name, it.ID); err != nil {
		return Result{}, err
	}
	x.Log(fmt.Sprintf("%s was delivered again: already item %d", g.ProduceID, it.ID))
	return Result{Redelivered: 1}, nil
}

// reject records the intake error first, then moves the files: a crash in
// between leaves the delivery in the inbox, and the next pass records the
// same error (idempotently) and moves it.
func (x *Intake) reject(ctx context.Context, dir inbox.Inbox, name, reason string, paths ...string) error {
	if err := x.DB.RecordIntakeError(ctx, name, reason); err != nil {
		return err
	}
	x.Log("rejected: " + reason)
	if filepath.Base(dir.Dir) == inbox.RejectedDir {
		return nil // re-run of a rejected delivery that is still bad: it stays where it is
	}
	return x.Inbox.Reject(reason, paths...)
}

// Watch runs the watcher until ctx ends: fsnotify plus a periodic rescan,
// coalescing pokes so one pass runs at a time.
func (x *Intake) Watch(ctx context.Context, rescan time.Duration, onPass func(Result, error)) error {
	x.defaults()
	poke := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-poke:
				r, err := x.RunOnce(ctx)
				if onPass != nil {
					onPass(r, err)
				}
				if r.Waiting > 0 {
					// Something is still being written: look again soon.
					time.AfterFunc(x.Settle, func() {
						select {
						case poke <- struct{}{}:
						default:
						}
					})
				}
			}
		}
	}()
	err := x.Inbox.Watch(ctx, rescan, func() {
		select {
		case poke <- struct{}{}:
		default:
		}
	})
	<-done
	return err
}
