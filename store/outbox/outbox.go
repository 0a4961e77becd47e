// Package outbox writes the workspace's outbox/ folder: one JSON file per
// action for the provider's platform (schema synthreview.action/v1, in the
// README), mirroring the inbox contract, and reads the acknowledgements the
// platform drops back into outbox/acks/. The database row of each action is
// written in the decision's transaction; this package only materialises and
// reconciles files, so a crash at any point loses nothing.
//
// It imports the standard library, store and store/objects; never Fyne,
// ui or app.
package outbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	"synthreview/store/objects"
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
	// Objects is the workspace's objects/ folder, where the labelled
	// copies that "labelled_copy" entries hand over are read from. Flush
	// refuses such an entry when it is empty.
	Objects string
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
// A "labelled_copy" action first gets its labelled copy, copied from
// objects/ under the name its JSON gives (labelled_file) and checked
// against its SHA-256, so the JSON never names a missing file.
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
		if e.CopySHA256 != "" {
			if err := o.copyObject(e); err != nil {
				return i, err
			}
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

// copyObject copies the labelled copy of e from objects/ into the outbox
// (temporary file, fsync, rename, then the folder synced so the rename
// lands before the JSON's), refusing it if it does not hash to its name.
func (o Outbox) copyObject(e store.OutboxEntry) error {
	if o.Objects == "" {
		return fmt.Errorf("outbox: %s hands over a labelled copy, but no objects folder was given", e.FileName)
	}
	sum, err := hex.DecodeString(e.CopySHA256)
	if err != nil || len(sum) != sha256.Size || e.CopyFile == "" || e.CopyFile != filepath.Base(e.CopyFile) ||
		strings.HasPrefix(e.CopyFile, ".") {
		return fmt.Errorf("outbox: %s names a malformed labelled copy %q as %q", e.FileName, e.CopySHA256, e.CopyFile)
	}
	src, err := os.Open(objects.Store{Dir: o.Objects}.Path(e.CopySHA256))
	if err != nil {
		return fmt.Errorf("outbox: labelled copy of %s: %w", e.FileName, err)
	}
	defer src.Close()
	tmp := filepath.Join(o.Dir, "."+e.CopyFile+".tmp")
	if err := copyVerified(tmp, src, sum); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("outbox: labelled copy %s of %s: %w", e.CopySHA256, e.FileName, err)
	}
	if err := os.Rename(tmp, filepath.Join(o.Dir, e.CopyFile)); err != nil {
		return err
	}
	d, err := os.Open(o.Dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// copyVerified writes src to path and syncs it, failing when its SHA-256
// is not sum.
func copyVerified(path string, src io.Reader, sum []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), src); err != nil {
		return err
	}
	if !bytes.Equal(h.Sum(nil), sum) {
		return errors.New("the stored file is damaged: its content no longer matches its SHA-256")
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
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
