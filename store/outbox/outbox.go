// Package outbox writes the workspace's outbox/ folder: one JSON file per
// action for the provider's platform (schema synthreview.action/v1, in the
// README), mirroring the inbox contract, and reads the acknowledgements the
// platform drops back into outbox/acks/. The database row of each action is
// written in the decision's transaction; this package only materialises and
// reconciles files, so a crash at any point loses nothing.
//
// It imports the standard library and store; never Fyne, ui or app.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"synthreview/review"
	"synthreview/store"
)

// DB is what the outbox needs of the store.
type DB interface {
	UnwrittenOutbox(ctx context.Context) ([]store.OutboxEntry, error)
	MarkOutboxWritten(ctx context.Context, id int64) error
	AckOutbox(ctx context.Context, name, status string) error
}

// Outbox is one outbox folder.
type Outbox struct {
	Dir string
	DB  DB
}

// Folders inside outbox/.
const (
	AcksDir     = "acks"
	AckDoneDir  = "acks/done"
	AckRejected = "acks/rejected"
	maxAckBytes = 64 << 10
)

// Flush writes the file of every action not yet on disk (temporary file,
// fsync, rename) and records it written. It returns how many it wrote.
func (o Outbox) Flush(ctx context.Context) (int, error) {
	list, err := o.DB.UnwrittenOutbox(ctx)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return 0, err
	}
	for i, e := range list {
		if ctx.Err() != nil {
			return i, ctx.Err()
		}
		if err := writeDurably(filepath.Join(o.Dir, e.FileName), []byte(e.Body)); err != nil {
			return i, err
		}
		if err := o.DB.MarkOutboxWritten(ctx, e.ID); err != nil {
			return i, err
		}
	}
	return len(list), nil
}

func writeDurably(p string, b []byte) error {
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// Ack is an acknowledgement file the platform drops in outbox/acks/:
// {"file": "<outbox file name>", "status": "done" | "failed", "message": "…"}.
type Ack struct {
	File    string `json:"file"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// AckResult counts what CollectAcks did.
type AckResult struct{ Recorded, Rejected int }

// CollectAcks records every acknowledgement in outbox/acks/ and moves its
// file to acks/done/; a file that does not parse, names no outbox file or
// repeats an acknowledgement moves to acks/rejected/ with a .reason.txt
// note, so nothing the platform sent vanishes.
func (o Outbox) CollectAcks(ctx context.Context) (AckResult, error) {
	var r AckResult
	dir := filepath.Join(o.Dir, AcksDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	} else if err != nil {
		return r, err
	}
	for _, d := range entries {
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, d.Name())
		ack, perr := readAck(p)
		if perr == nil {
			perr = o.DB.AckOutbox(ctx, ack.File, ack.Status)
			if perr != nil && review.ErrorCode(perr) != review.ENOTFOUND && review.ErrorCode(perr) != review.ECONFLICT {
				return r, perr // the workspace itself failed
			}
		}
		if perr != nil {
			r.Rejected++
			if err := moveWithNote(p, filepath.Join(o.Dir, AckRejected), review.ErrorMessage(perr)); err != nil {
				return r, err
			}
			continue
		}
		r.Recorded++
		if err := moveWithNote(p, filepath.Join(o.Dir, AckDoneDir), ""); err != nil {
			return r, err
		}
	}
	return r, nil
}

func readAck(p string) (Ack, error) {
	var a Ack
	f, err := os.Open(p)
	if err != nil {
		return a, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxAckBytes+1))
	if err != nil {
		return a, err
	}
	if len(b) > maxAckBytes {
		return a, review.Errorf(review.EINVALID, "%s is larger than %d bytes", filepath.Base(p), maxAckBytes)
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return a, review.Errorf(review.EINVALID, "%s is not an acknowledgement: %v", filepath.Base(p), err)
	}
	if a.File == "" || a.File != filepath.Base(a.File) {
		return a, review.Errorf(review.EINVALID, "%s: \"file\" must name an outbox file", filepath.Base(p))
	}
	if a.Status != "done" && a.Status != "failed" {
		return a, review.Errorf(review.EINVALID, "%s: \"status\" must be done or failed", filepath.Base(p))
	}
	return a, nil
}

func moveWithNote(p, dir, note string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	dst := filepath.Join(dir, filepath.Base(p))
	if _, err := os.Stat(dst); err == nil {
		dst = filepath.Join(dir, fmt.Sprintf("%d-%s", time.Now().UnixNano(), filepath.Base(p)))
	}
	if err := os.Rename(p, dst); err != nil {
		return err
	}
	if note == "" {
		return nil
	}
	return os.WriteFile(dst+".reason.txt", []byte(note+"\n"), 0o640)
}
