package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"slices"

	"synthreview/app/markcmd"
	"synthreview/marking"
	"synthreview/marking/detect"
	"synthreview/marking/label"
	"synthreview/marking/watermark"
	"synthreview/review"
	"synthreview/store/objects"
)

// Desk returns the workspace's review desk (issue 8): the queues and
// decisions in the database, the stored objects read within bounds,
// approve-and-relabel writing the missing marks into a stored copy, and
// previews of the media. Claims need the reviewer certified for the
// queue when it has a certification gate (issue 11).
func (w *Workspace) Desk() review.Desk {
	return review.Desk{
		Store:    w.DB,
		Objects:  objectReader{store: w.Objects},
		Relabel:  w.relabeler(),
		Previews: newPreviewer(w.Objects.Path),
		Certs:    w.DB,
		Quality:  w.Quality(),
	}
}

// Quality is hidden gold and calibration over the workspace (issue 11).
func (w *Workspace) Quality() *review.Quality {
	return &review.Quality{Store: w.DB, Now: w.Now}
}

// objectReader is the review.ObjectReader over objects/.
type objectReader struct{ store objects.Store }

var _ review.ObjectReader = objectReader{}

// Object reads the object named sum: EINVALID for a name that is not a
// SHA-256 or an object larger than max bytes (checked on the open file
// before reading), ENOTFOUND when it is not stored, ECONFLICT when the
// bytes read no longer hash to their name (changed on disk).
func (r objectReader) Object(ctx context.Context, sum string, max int64) ([]byte, error) {
	if !isSHA256Hex(sum) {
		return nil, review.Errorf(review.EINVALID, "%q is not an object name (64 lower-case hex digits)", sum)
	}
	f, err := os.Open(r.store.Path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, review.Errorf(review.ENOTFOUND, "object %s is not in the workspace's objects folder", sum)
	} else if err != nil {
		return nil, fmt.Errorf("open object %s: %w", sum, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", sum, err)
	}
	if !st.Mode().IsRegular() {
		return nil, review.Errorf(review.EINVALID, "object %s is not a regular file", sum)
	}
	if st.Size() > max {
		return nil, review.Errorf(review.EINVALID, "object %s is %d bytes, more than the %d this view loads", sum, st.Size(), max)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The file may grow after the stat: read one byte past max to know.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read object %s: %w", sum, err)
	}
	if int64(len(data)) > max {
		return nil, review.Errorf(review.EINVALID, "object %s is more than the %d bytes this view loads", sum, max)
	}
	got := sha256.Sum256(data)
	if hex.EncodeToString(got[:]) != sum {
		return nil, review.Errorf(review.ECONFLICT, "object %s does not match its SHA-256 any more: the file was changed on disk (run `synthreview verify`)", sum)
	}
	return data, nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Marks named in review.LabelledCopy.Marks.
const (
	markImplicit  = "implicit"
	markExplicit  = "explicit"
	markWatermark = "watermark"
)

// relabeler is the review.Relabeler: it decides from the item and its
// scan report which marks are missing, writes them with the mark command's
// library (which applies the no-weakening policy, LM Art. 10) and stores
// the copy content-addressed.
type relabeler struct {
	objects objects.Store
	// scanReport returns the item's stored scan report (JSON); ENOTFOUND
	// makes the relabeler scan the original itself.
	scanReport func(ctx context.Context, itemID int64) (string, error)
	// producer returns the provider's producer code for a service.
	producer func(ctx context.Context, service string) (string, error)
	// key returns the workspace's current watermark key, nil without one.
	key func() (*watermark.Key, error)
	// pixels returns the full scan's pixel detectors, for a rescan.
	pixels func(ctx context.Context) (func(image.Image, *marking.Report), error)
}

var _ review.Relabeler = relabeler{}

// relabeler wires the relabeler to the workspace.
func (w *Workspace) relabeler() relabeler {
	return relabeler{
		objects:    w.Objects,
		scanReport: w.DB.ScanReport,
		producer: func(ctx context.Context, service string) (string, error) {
			return producerFor(ctx, w.DB, service)
		},
		key: func() (*watermark.Key, error) {
			ring, err := loadKeyring(w.keysDir())
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil // no key yet: no watermark to write
			} else if err != nil {
				return nil, err
			}
			k, ok := ring.Current()
			if !ok {
				return nil, nil
			}
			return &k, nil
		},
		pixels: func(ctx context.Context) (func(image.Image, *marking.Report), error) {
			d, err := w.detectors(ctx)
			if err != nil {
				return nil, err
			}
			return d.Pixels, nil
		},
	}
}

// providerReader reads the provider registry (store.DB does).
type providerReader interface {
	Provider(ctx context.Context) (review.Provider, error)
}

// producerFor returns the producer code registered for service, else the
// provider's first one.
func producerFor(ctx context.Context, db providerReader, service string) (string, error) {
	p, err := db.Provider(ctx)
	if review.ErrorCode(err) == review.ENOTFOUND {
		return "", review.Errorf(review.EINVALID, "no provider registry imported: import provider.json (its producer codes) before relabelling")
	} else if err != nil {
		return "", err
	}
	for _, c := range p.ProducerCodes {
		if c.Service == service && service != "" {
			return c.Code, nil
		}
	}
	if len(p.ProducerCodes) == 0 {
		return "", review.Errorf(review.EINVALID, "the provider registry lists no producer code: import provider.json with producer_codes before relabelling")
	}
	return p.ProducerCodes[0].Code, nil
}

// needs is what a relabel writes.
type needs struct{ implicit, explicit, watermark bool }

// Relabel writes the missing marks into a copy of the item's original and
// stores it. It returns EINVALID when nothing is missing ("approve
// instead"), when the policy refuses (the copy would weaken a label: the
// error also matches label.ErrRefused), or when the file cannot be
// relabelled.
func (r relabeler) Relabel(ctx context.Context, it review.Item, original []byte) (review.LabelledCopy, error) {
	format := marking.Sniff(original)
	key, err := r.key()
	if err != nil {
		return review.LabelledCopy{}, fmt.Errorf("watermark key: %w", err)
	}
	rep, err := r.report(ctx, it, original, format, key != nil)
	if err != nil {
		return review.LabelledCopy{}, err
	}
	n := missing(it, rep, format, key != nil)
	if !n.implicit && !n.explicit && !n.watermark {
		return review.LabelledCopy{}, review.Errorf(review.EINVALID, "nothing to relabel: every mark is present; approve instead")
	}
	req := markcmd.RelabelRequest{ProduceID: it.ProduceID, Visible: n.explicit}
	if n.watermark {
		req.Watermark = key
	}
	// A valid label of this item keeps its producer: the copy must not
	// alter it (LM Art. 10), whatever the registry says now.
	if v, ok := validLabel(rep, it.ProduceID); ok {
		req.Producer = v
	} else if req.Producer, err = r.producer(ctx, it.Service); err != nil {
		return review.LabelledCopy{}, err
	}
	out, res, err := markcmd.Relabel(ctx, original, req)
	if errors.Is(err, label.ErrRefused) {
		return review.LabelledCopy{}, &refusedError{code: review.Errorf(review.EINVALID, "%v", err), cause: err}
	} else if err != nil {
		return review.LabelledCopy{}, err
	}
	sum, size, err := r.objects.Put(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		return review.LabelledCopy{}, fmt.Errorf("store the labelled copy: %w", err)
	}
	c := review.LabelledCopy{SHA256: sum, Size: size, Format: res.Format}
	if res.Action != label.ActionKeep {
		c.Marks = append(c.Marks, markImplicit)
	}
	if res.Visible != nil {
		c.Marks = append(c.Marks, markExplicit)
	}
	if res.Watermark != nil {
		c.Marks = append(c.Marks, markWatermark)
	}
	return c, nil
}

// refusedError is the policy's refusal with the EINVALID code the screens
// show; errors.Is(err, label.ErrRefused) still holds.
type refusedError struct {
	code  *review.Error
	cause error
}

func (e *refusedError) Error() string   { return e.code.Error() }
func (e *refusedError) Unwrap() []error { return []error{e.code, e.cause} }

// report returns the scan report the decision rests on: the stored one,
// unless there is none or, for an image, it does not show the pixel
// detectors ran (a metadata-only scan, or a watermark not checked while
// the workspace now has a key); then the original is scanned again.
func (r relabeler) report(ctx context.Context, it review.Item, original []byte, format string, haveKey bool) (marking.Report, error) {
	var rep marking.Report
	stored, err := r.scanReport(ctx, it.ID)
	switch {
	case err == nil:
		if err := json.Unmarshal([]byte(stored), &rep); err != nil {
			return rep, fmt.Errorf("item %d: stored scan report: %w", it.ID, err)
		}
		if !isImageFormat(format) || pixelsChecked(rep, haveKey) {
			return rep, nil
		}
	case review.ErrorCode(err) != review.ENOTFOUND:
		return rep, err
	}
	pixels, err := r.pixels(ctx)
	if err != nil {
		return rep, err
	}
	return marking.Scan(original, marking.ScanOptions{Pixels: pixels}), nil
}

// pixelsChecked reports whether a report shows the visible-label detector
// ran and, when there is a key, the watermark detector too.
func pixelsChecked(rep marking.Report, haveKey bool) bool {
	visibleRan := len(rep.Explicit) > 0 || rep.HasFinding(marking.CodeExplicitMissing)
	watermarkRan := !haveKey || rep.Watermark != nil && rep.Watermark.Status != "not-checked"
	return visibleRan && watermarkRan
}

// missing decides what to write:
//   - the implicit label when the file has no valid one, or carries a
//     nonconforming one (it is replaced, and kept as evidence);
//   - a visible label when the item's category needs an explicit label
//     (DSP Art. 17 (1)–(4), review.Category.NeedsExplicitLabel) and the
//     scan found none of the required size (GB 45438 §5.2: 5 % of the
//     shorter side). Images only: the scan cannot see a spoken or
//     in-video notice, so for sound and video the reviewer judges it, and
//     mark draws on images only;
//   - the watermark when the workspace has a key and the scan did not
//     detect one (images only).
func missing(it review.Item, rep marking.Report, format string, haveKey bool) needs {
	var n needs
	valid := false
	for _, im := range rep.Implicit {
		valid = valid || im.Valid
		n.implicit = n.implicit || !im.Valid
	}
	n.implicit = n.implicit || !valid
	n.explicit = isImageFormat(format) && it.Category.NeedsExplicitLabel() &&
		!slices.ContainsFunc(rep.Explicit, func(e marking.Explicit) bool { return e.HeightRatio >= detect.MinHeightRatio })
	n.watermark = haveKey && isImageFormat(format) && (rep.Watermark == nil || rep.Watermark.Status != "detected")
	return n
}

// validLabel returns the producer of the file's valid label for produceID.
func validLabel(rep marking.Report, produceID string) (string, bool) {
	for _, im := range rep.Implicit {
		if im.Valid && im.Fields["ProduceID"] == produceID && im.Fields["ContentProducer"] != "" {
			return im.Fields["ContentProducer"], true
		}
	}
	return "", false
}

func isImageFormat(f string) bool {
	switch f {
	case "png", "jpeg", "gif", "webp", "tiff":
		return true
	}
	return false
}
