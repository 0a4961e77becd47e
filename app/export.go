package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the time_zone setting works on machines without the system's zone files

	"github.com/disintegration/imaging"
	"software.sslmate.com/src/go-pkcs12"

	"synthreview/marking"
	"synthreview/review"
	"synthreview/review/rules"
	"synthreview/store"
	"synthreview/store/keys"
	"synthreview/ui/report"
)

// This file is the workspace side of the signed audit package (issue 10):
// gathering a period's data from the store, thumbnails of the evidence,
// the `export`, `verify` and `keys import-cert` commands, and the
// review.Exporter the GUI's export screen calls. The PDF itself (layout,
// manifest, signature, checks) is ui/report's.

// Export limits and defaults.
const (
	// DefaultMaxPages is how many items get an evidence page before the
	// package shows a sample instead (`export --max-pages`).
	DefaultMaxPages = 1000
	// thumbSide is the longer side of an evidence thumbnail, in pixels.
	thumbSide = 320
	// thumbQuality is the thumbnails' JPEG quality.
	thumbQuality = 70
	// thumbBlur is the Gaussian blur (sigma, in thumbnail pixels) over a
	// harmful item's thumbnail.
	thumbBlur = 8
	// thumbMaxPixels bounds the pictures decoded for a thumbnail; larger
	// ones get a page without one.
	thumbMaxPixels = 64_000_000
	// thumbMaxBytes bounds the file read for a thumbnail.
	thumbMaxBytes = 256 << 20
	// thumbWorkers bounds how many pictures are decoded at once (memory:
	// each may hold a decoded picture of up to thumbMaxPixels).
	thumbWorkers = 4
	// metaTimeZone is the workspace setting naming its time zone (an IANA
	// name such as Asia/Shanghai); without it, dates are in the local zone.
	metaTimeZone = "time_zone"
	// Company signing certificate imported with `keys import-cert`, in
	// keys/: it signs audit packages instead of the workspace key.
	companyKeyFile  = "company.key"
	companyCertFile = "company.crt"
	// dateLayout is how the command line and the screen write a day.
	dateLayout = "2006-01-02"
)

// ExportLangs are the languages an audit package can be written in.
var ExportLangs = []string{"zh", "en"}

// AuditRequest is one audit package to export.
type AuditRequest struct {
	// From and To are the first and last day of the period, both
	// included; only their calendar dates count, read in the workspace's
	// time zone.
	From, To time.Time
	Lang     string // "zh" or "en"
	// Out is the file to write; "" writes exports/audit-FROM-TO.pdf in
	// the workspace (with -2, -3 … when that exists).
	Out string
	// MaxPages bounds the evidence pages (0: DefaultMaxPages); a period
	// with more items in scope shows a deterministic sample.
	MaxPages int
	// Progress, if set, is told how far the export is, from any goroutine
	// but never from two at once.
	Progress func(done, total int)
}

// AuditExported is what an export wrote.
type AuditExported struct {
	Path, SHA256 string
	Head         review.Event // the chain head the package proves
	Items        int          // items in scope
	Pages        int          // of them, with an evidence page
	Sampled      bool
	Event        review.Event // the export.audit event recorded after the file
}

// Zone returns the workspace's time zone: the IANA zone its time_zone
// setting names, or the local zone when it names none.
func (w *Workspace) Zone(ctx context.Context) (*time.Location, error) {
	name, err := w.DB.Meta(ctx, metaTimeZone)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, review.Errorf(review.EINVALID, "the workspace's time zone %q is not known here: %v", name, err)
	}
	return loc, nil
}

// period turns the request's days into instants in zone: the first day's
// midnight and the midnight after the last day.
func period(from, to time.Time, zone *time.Location) (time.Time, time.Time, error) {
	f := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, zone)
	t := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, zone)
	if t.Before(f) {
		return f, t, review.Errorf(review.EINVALID, "the period ends (%s) before it begins (%s)", t.Format(dateLayout), f.Format(dateLayout))
	}
	return f, t.AddDate(0, 0, 1), nil
}

// progressMeter turns the export's phases into one count out of
// progressTotal, calling the caller's function one call at a time.
type progressMeter struct {
	mu   sync.Mutex
	fn   func(done, total int)
	last int
}

const progressTotal = 1000

// phase reports done/total of a phase that spans [lo, hi) of the whole.
func (p *progressMeter) phase(lo, hi int) func(done, total int) {
	return func(done, total int) {
		if p.fn == nil || total <= 0 {
			return
		}
		v := lo + (hi-lo)*min(done, total)/total
		p.mu.Lock()
		defer p.mu.Unlock()
		if v <= p.last && v != progressTotal {
			return
		}
		p.last = v
		p.fn(v, progressTotal)
	}
}

// ExportAudit writes the signed audit package of a period (issue 10): it
// checks the actor's role, signs the chain head (design.md: "at every
// export"), reads the period in one transaction at that head, makes the
// thumbnails, has ui/report lay out and sign the PDF, writes it
// atomically, and only then records the export.audit event with the
// file's SHA-256. EFORBIDDEN for a role that may not export, EINVALID for
// a bad period, language or output path.
func (w *Workspace) ExportAudit(ctx context.Context, actor review.Account, req AuditRequest) (AuditExported, error) {
	var res AuditExported
	if err := review.Require(actor, review.ActExportAudit); err != nil {
		return res, err
	}
	if !slices.Contains(ExportLangs, req.Lang) {
		return res, review.Errorf(review.EINVALID, "the package's language must be zh or en, not %q", req.Lang)
	}
	if req.MaxPages < 0 {
		return res, review.Errorf(review.EINVALID, "--max-pages must be positive")
	} else if req.MaxPages == 0 {
		req.MaxPages = DefaultMaxPages
	}
	zone, err := w.Zone(ctx)
	if err != nil {
		return res, err
	}
	from, to, err := period(req.From, req.To, zone)
	if err != nil {
		return res, err
	}
	out, err := w.exportPath(req.Out, fmt.Sprintf("audit-%s-%s", from.Format(dateLayout), to.AddDate(0, 0, -1).Format(dateLayout)))
	if err != nil {
		return res, err
	}
	pm := &progressMeter{fn: req.Progress}
	if _, err := w.Checkpoint(ctx, actor.Name); err != nil {
		return res, fmt.Errorf("sign the chain head before the export: %w", err)
	}
	a, err := w.gatherAudit(ctx, actor, from, to, zone, req.Lang, req.MaxPages, pm)
	if err != nil {
		return res, err
	}
	pdf, err := report.Build(ctx, a, req.Lang, pm.phase(850, 980))
	if err != nil {
		return res, err
	}
	reason := fmt.Sprintf("SynthReview audit package %s to %s", from.Format(dateLayout), to.AddDate(0, 0, -1).Format(dateLayout))
	sum, ev, err := w.signWriteRecord(ctx, actor.Name, pdf, signedExport{noun: "package", reason: reason, out: out,
		kind: "export.audit", payload: map[string]any{
			"from": from.Format(dateLayout), "to": to.AddDate(0, 0, -1).Format(dateLayout), "time_zone": zone.String(),
			"lang": req.Lang, "head_seq": a.Head.Seq, "head_hash": a.Head.Hash, "items": a.ItemsTotal, "pages": len(a.Items),
			"sampled": a.Sampled,
		}})
	if sum != "" {
		res = AuditExported{Path: out, SHA256: sum, Head: a.Head, Items: a.ItemsTotal, Pages: len(a.Items), Sampled: a.Sampled, Event: ev}
	}
	if err != nil {
		return res, err
	}
	pm.phase(980, progressTotal)(1, 1)
	return res, nil
}

// exportPath checks the output path, or names one in exports/: base.pdf,
// or base-2.pdf, base-3.pdf … when that exists.
func (w *Workspace) exportPath(out, base string) (string, error) {
	if out != "" {
		if st, err := os.Stat(out); err == nil && st.IsDir() {
			return "", review.Errorf(review.EINVALID, "%s is a folder; name the PDF file to write", out)
		}
		dir := filepath.Dir(out)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", review.Errorf(review.EINVALID, "the folder %s does not exist", dir)
		}
		return out, nil
	}
	dir := filepath.Join(w.Dir, "exports")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	for i := 1; ; i++ {
		name := base + ".pdf"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.pdf", base, i)
		}
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
	}
}

// signedExport is a laid-out PDF export to sign, write and record.
type signedExport struct {
	noun   string // "package", "assessment": names the file in errors
	reason string // the signature's reason
	out    string // the file to write
	// kind is the event's kind, "export.audit"; its subject is
	// "export:audit".
	kind string
	// payload is the event's figures; signWriteRecord adds file, sha256
	// and signer_cert_sha256.
	payload map[string]any
}

// signWriteRecord signs pdf with the company certificate or the
// workspace key, writes it atomically and only then records the export
// event with the file's SHA-256, which it returns (hex) with the event.
// The SHA-256 is "" when nothing was written; with it and an error, the
// file was written but its event not recorded.
func (w *Workspace) signWriteRecord(ctx context.Context, actor string, pdf []byte, e signedExport) (string, review.Event, error) {
	key, chain, err := w.packageSigner()
	if err != nil {
		return "", review.Event{}, err
	}
	signed, err := report.Sign(pdf, key, chain, w.Now(), e.reason)
	if err != nil {
		return "", review.Event{}, fmt.Errorf("sign the %s: %w", e.noun, err)
	}
	if err := ctx.Err(); err != nil {
		return "", review.Event{}, err
	}
	if err := writeAtomic(e.out, signed); err != nil {
		return "", review.Event{}, err
	}
	sum := sha256.Sum256(signed)
	certSum := sha256.Sum256(chain[0].Raw)
	payload := maps.Clone(e.payload)
	if payload == nil {
		payload = map[string]any{}
	}
	payload["file"], payload["sha256"] = filepath.Base(e.out), hex.EncodeToString(sum[:])
	payload["signer_cert_sha256"] = hex.EncodeToString(certSum[:])
	ev, err := w.DB.AppendEvent(ctx, actor, e.kind, "export:"+strings.TrimPrefix(e.kind, "export."), payload)
	if err != nil {
		return hex.EncodeToString(sum[:]), ev, fmt.Errorf("the %s %s was written, but its export event was not recorded: %w", e.noun, e.out, err)
	}
	return hex.EncodeToString(sum[:]), ev, nil
}

// writeAtomic writes data to a temporary file beside p, syncs it and
// renames it over p, so p is never seen half written.
func writeAtomic(p string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p, err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o640); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// gatherAudit reads the period at the chain head and fills the package's
// data: personal fields masked, thumbnails made, a sample drawn when the
// period has more than maxPages items.
func (w *Workspace) gatherAudit(ctx context.Context, actor review.Account, from, to time.Time, zone *time.Location,
	lang string, maxPages int, pm *progressMeter) (report.Audit, error) {
	now := w.Now()
	d, err := w.DB.AuditData(ctx, store.AuditQuery{From: from, To: to, AsOf: now,
		Pick: func(head review.Event, scope []store.AuditFile) []int64 {
			return sampleItems(head.Hash, scope, maxPages)
		},
		Progress: pm.phase(0, 50),
	})
	if err != nil {
		return report.Audit{}, err
	}
	rate, err := w.samplingRate(ctx)
	if err != nil {
		return report.Audit{}, err
	}
	a := report.Audit{
		Provider: d.Provider, Services: d.Services, From: from, To: to.AddDate(0, 0, -1), Zone: zone,
		ExportedBy: actor.Name, ExportedAt: now, Workspace: filepath.Base(filepath.Clean(w.Dir)),
		Head: d.Head, Summary: reportSummary(d.Summary, rate), ItemsTotal: len(d.Scope),
		Events: d.Events, After: d.After,
	}
	for _, f := range d.Scope {
		a.Scope = append(a.Scope, report.ScopeFile{ProduceID: f.ProduceID, ObjectSHA256: f.ObjectSHA256,
			LabelledSHA256: f.Labelled, State: string(f.State)})
	}
	a.Sampled = len(d.Items) < len(d.Scope)
	if a.Sampled {
		a.SampleNote = sampleNote(lang, len(d.Items), len(d.Scope), d.Head)
	}
	for _, c := range d.Complaints {
		a.Complaints = append(a.Complaints, maskComplaint(c.Complaint))
	}
	for _, c := range d.Consents {
		c.SubjectName = review.Mask(c.SubjectName, 1)
		a.Consents = append(a.Consents, c)
	}
	a.Checkpoints, err = w.checkpointsWithCerts(d.Checkpoints)
	if err != nil {
		return a, err
	}
	a.Items, err = w.evidencePages(ctx, d.Items, pm.phase(50, 850))
	return a, err
}

// reportSummary copies the store's figures into the package's.
func reportSummary(s store.AuditSummary, rate float64) report.Summary {
	r := report.Summary{
		ItemsByCategory: s.ItemsByCategory, DecisionsByOutcome: s.DecisionsByOutcome, DecisionsByReason: s.DecisionsByReason,
		Routed: s.Routed, Cleared: s.Cleared, SamplingRate: rate,
		Labels: report.LabelCompliance{Total: s.Labels.Total, Implicit: s.Labels.Implicit,
			ExplicitRequired: s.Labels.ExplicitRequired, Explicit: s.Labels.Explicit, Watermark: s.Labels.Watermark},
		Complaints: report.ComplaintCounts{Received: s.Complaints.Received, OnTime: s.Complaints.OnTime,
			Late: s.Complaints.Late, Open: s.Complaints.Open, Overdue: s.Complaints.Overdue},
		ConsentsByState: s.ConsentsByState,
	}
	for _, h := range s.RuleHits {
		r.RuleHits = append(r.RuleHits, report.RuleCount{RuleID: h.RuleID, Version: h.Version, Severity: h.Severity, Hits: h.Hits})
	}
	return r
}

// samplingRate is the sampling rate of the rules in force: the approved
// rules version, or the built-in rules when none was ever approved. It
// reads only (a changed rules folder is intake's business).
func (w *Workspace) samplingRate(ctx context.Context) (float64, error) {
	approved, err := w.DB.ApprovedRuleSet(ctx)
	if review.ErrorCode(err) == review.ENOTFOUND {
		return rules.DefaultRuleSet(nil, nil).Sampling.Rate, nil
	} else if err != nil {
		return 0, err
	}
	rs, err := w.loadBundle(approved.Bundle)
	if err != nil {
		return 0, err
	}
	return rs.Sampling.Rate, nil
}

// sampleItems draws the items that get an evidence page: all of them when
// they are at most n, otherwise the n whose SHA-256(head hash, newline,
// ProduceID) is smallest. Anyone holding the package can redo the draw
// from the head hash and the ProduceIDs.
func sampleItems(headHash string, scope []store.AuditFile, n int) []int64 {
	ids := make([]int64, 0, min(len(scope), n))
	if len(scope) <= n {
		for _, f := range scope {
			ids = append(ids, f.ItemID)
		}
		return ids
	}
	type draw struct {
		key [32]byte
		id  int64
	}
	draws := make([]draw, len(scope))
	for i, f := range scope {
		draws[i] = draw{sha256.Sum256([]byte(headHash + "\n" + f.ProduceID)), f.ItemID}
	}
	sort.Slice(draws, func(i, j int) bool { return bytes.Compare(draws[i].key[:], draws[j].key[:]) < 0 })
	for _, d := range draws[:n] {
		ids = append(ids, d.id)
	}
	slices.Sort(ids)
	return ids
}

// sampleNote says how the evidence pages were drawn, in the package's
// language.
func sampleNote(lang string, n, total int, head review.Event) string {
	if lang == "zh" {
		return fmt.Sprintf("本期共 %d 项，证据页为其中 %d 项的抽样：取 SHA-256(链头哈希 ‖ 换行 ‖ ProduceID) 最小的 %d 项；链头为第 %d 号事件 %s，任何人均可据清单复核抽样。",
			total, n, n, head.Seq, head.Hash)
	}
	return fmt.Sprintf("%d items are in scope; evidence pages show a sample of %d: the %d with the smallest SHA-256(chain head hash ‖ newline ‖ ProduceID), head event %d %s, so anyone can redo the draw from the manifest.",
		total, n, n, head.Seq, head.Hash)
}

// maskComplaint masks a complaint's personal fields (design.md: personal
// data is shown masked): the contact keeps its first and last three
// characters, free text its first and last two of at most 24.
func maskComplaint(c review.Complaint) review.Complaint {
	c.Contact = review.Mask(c.Contact, 3)
	c.Text = maskText(c.Text)
	c.Reply = maskText(c.Reply)
	return c
}

// maskText masks free text a person wrote, which may hold personal data
// anywhere: at most 24 characters, all but the first and last two starred.
func maskText(s string) string {
	r := []rune(s)
	if len(r) > 24 {
		r = r[:24]
	}
	return review.Mask(string(r), 2)
}

// checkpointsWithCerts attaches to each checkpoint the certificate that
// signed it, when the workspace still holds it.
func (w *Workspace) checkpointsWithCerts(evs []review.Event) ([]report.Checkpoint, error) {
	certs := map[string][]byte{}
	if sg, err := keys.LoadSigner(w.keysDir()); err == nil {
		certs[sg.CertSHA256()] = sg.CertDER
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	out := make([]report.Checkpoint, 0, len(evs))
	for _, e := range evs {
		var cp store.Checkpoint
		cpk := report.Checkpoint{Event: e}
		if json.Unmarshal([]byte(e.Payload), &cp) == nil {
			cpk.Certificate = certs[cp.CertSHA256]
		}
		out = append(out, cpk)
	}
	return out, nil
}

// evidencePages makes the evidence pages' data: each item with its
// thumbnail, blurred where the item is harmful. Thumbnails are made by a
// few workers at once; the prompt (personal data may be inside) and
// reviewers' notes are not carried into the package.
func (w *Workspace) evidencePages(ctx context.Context, items []store.AuditItem, progress func(done, total int)) ([]report.AuditItem, error) {
	out := make([]report.AuditItem, len(items))
	for i, it := range items {
		it.Item.Prompt = ""
		decs := make([]review.Decision, len(it.Decisions))
		for j, d := range it.Decisions {
			d.Note = maskText(d.Note)
			decs[j] = d
		}
		out[i] = report.AuditItem{Item: it.Item, Scan: it.Scan, RuleHits: it.RuleHits, Decisions: decs,
			Copies: it.Copies, Harmful: harmfulItem(it.RuleHits, it.Decisions)}
	}
	var (
		next, done int
		mu         sync.Mutex
		wg         sync.WaitGroup
	)
	workers := min(runtime.GOMAXPROCS(0), thumbWorkers, max(len(items), 1))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(out) || ctx.Err() != nil {
					return
				}
				out[i].Thumbnail = w.thumbnail(out[i].Item, out[i].Harmful)
				mu.Lock()
				done++
				n := done
				mu.Unlock()
				if progress != nil {
					progress(n, len(out))
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// thumbnail makes an item's evidence thumbnail: a JPEG at most thumbSide
// pixels on its longer side, blurred and grey when harmful. Items that are
// not pictures, and pictures that are too large or do not decode, get
// none (nil): the page says what the scan found.
func (w *Workspace) thumbnail(it review.Item, harmful bool) []byte {
	cfgFn, dec, ok := marking.ImageCodec(it.Format)
	if !ok || !isSHA256Hex(it.ObjectSHA256) {
		return nil
	}
	f, err := os.Open(w.Objects.Path(it.ObjectSHA256))
	if err != nil {
		return nil
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() > thumbMaxBytes {
		return nil
	}
	cfg, err := cfgFn(bufio.NewReader(f))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > thumbMaxPixels {
		return nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil
	}
	img, err := decodeGuarded(dec, bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil
	}
	small := imaging.Fit(shrink(img, thumbSide), thumbSide, thumbSide, imaging.Box)
	var pic image.Image = small
	if harmful {
		pic = imaging.Grayscale(imaging.Blur(small, thumbBlur))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, pic, &jpeg.Options{Quality: thumbQuality}); err != nil {
		return nil
	}
	return buf.Bytes()
}

// shrink scales a picture down by a whole factor, averaging each k×k block
// (a box filter), so that its longer side stays at least side: the cheap
// first step to a thumbnail, which imaging.Fit then finishes on far fewer
// pixels. Decoders' usual pixel layouts (YCbCr for JPEG, NRGBA, RGBA and
// Gray for PNG) are read directly; any other picture is returned as it is.
func shrink(img image.Image, side int) image.Image {
	b := img.Bounds()
	k := max(b.Dx(), b.Dy()) / side
	if k < 2 {
		return img
	}
	w, h := b.Dx()/k, b.Dy()/k
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	n := uint32(k * k)
	switch m := img.(type) {
	case *image.YCbCr:
		shrinkYCbCr(out, m, k)
	case *image.Gray:
		for y := range h {
			for x := range w {
				var s uint32
				for py := b.Min.Y + y*k; py < b.Min.Y+(y+1)*k; py++ {
					i := m.PixOffset(b.Min.X+x*k, py)
					for range k {
						s += uint32(m.Pix[i])
						i++
					}
				}
				o := out.PixOffset(x, y)
				v := uint8(s / n)
				out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = v, v, v, 0xff
			}
		}
	case *image.NRGBA:
		shrinkRGBA(out, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y), k, false)
	case *image.RGBA:
		shrinkRGBA(out, m.Pix, m.Stride, m.PixOffset(b.Min.X, b.Min.Y), k, true)
	default:
		return img
	}
	return out
}

// shrinkYCbCr box-averages a YCbCr picture (any chroma subsampling) into
// out. Averaging Y, Cb and Cr and then converting equals converting and
// averaging, as the conversion is affine.
func shrinkYCbCr(out *image.NRGBA, m *image.YCbCr, k int) {
	hs, vs := 1, 1
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		hs = 2
	case image.YCbCrSubsampleRatio420:
		hs, vs = 2, 2
	case image.YCbCrSubsampleRatio440:
		vs = 2
	case image.YCbCrSubsampleRatio411:
		hs = 4
	case image.YCbCrSubsampleRatio410:
		hs, vs = 4, 2
	}
	r := m.Rect
	n := uint32(k * k)
	w, h := out.Rect.Dx(), out.Rect.Dy()
	// cx[i] is the chroma column of the i-th luma column of the picture.
	cx := make([]int, w*k)
	for i := range cx {
		cx[i] = (r.Min.X+i)/hs - r.Min.X/hs
	}
	sy := make([]uint32, w)
	scb := make([]uint32, w)
	scr := make([]uint32, w)
	for y := range h {
		clear(sy)
		clear(scb)
		clear(scr)
		for py := r.Min.Y + y*k; py < r.Min.Y+(y+1)*k; py++ {
			yrow := m.Y[(py-r.Min.Y)*m.YStride:]
			crow := (py/vs - r.Min.Y/vs) * m.CStride
			cb, cr := m.Cb[crow:], m.Cr[crow:]
			for x := range w {
				var a, b2, c uint32
				for i := x * k; i < (x+1)*k; i++ {
					a += uint32(yrow[i])
					b2 += uint32(cb[cx[i]])
					c += uint32(cr[cx[i]])
				}
				sy[x] += a
				scb[x] += b2
				scr[x] += c
			}
		}
		for x := range w {
			rr, g, bl := color.YCbCrToRGB(uint8(sy[x]/n), uint8(scb[x]/n), uint8(scr[x]/n))
			o := out.PixOffset(x, y)
			out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = rr, g, bl, 0xff
		}
	}
}

// shrinkRGBA box-averages 4-byte pixels (from origin, stride apart) into
// out, un-premultiplying them when premul.
func shrinkRGBA(out *image.NRGBA, pix []byte, stride, origin, k int, premul bool) {
	n := uint32(k * k)
	w, h := out.Rect.Dx(), out.Rect.Dy()
	for y := range h {
		for x := range w {
			var s [4]uint32
			for dy := range k {
				i := origin + (y*k+dy)*stride + x*k*4
				for range k {
					if premul {
						s[0] += uint32(pix[i])
						s[1] += uint32(pix[i+1])
						s[2] += uint32(pix[i+2])
					} else {
						a := uint32(pix[i+3])
						s[0] += uint32(pix[i]) * a / 0xff
						s[1] += uint32(pix[i+1]) * a / 0xff
						s[2] += uint32(pix[i+2]) * a / 0xff
					}
					s[3] += uint32(pix[i+3])
					i += 4
				}
			}
			o := out.PixOffset(x, y)
			a := s[3] / n
			out.Pix[o+3] = uint8(a)
			for c := range 3 {
				v := s[c] / n // premultiplied average
				if a > 0 {
					v = min(v*0xff/a, 0xff)
				}
				out.Pix[o+c] = uint8(v)
			}
		}
	}
}

// decodeGuarded decodes a picture, turning a decoder panic into an error.
func decodeGuarded(dec func(io.Reader) (image.Image, error), r io.Reader) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decoder failed: %v", p)
		}
	}()
	return dec(r)
}

// maxHitEvidence bounds the rule-hit evidence read for the harm check.
const maxHitEvidence = 1 << 20

// harmfulItem is the evidence screen's rule (ui/evidence.go, harmful) for
// blurring an item's picture: a critical rule hit; a hit of a GB/T 45654
// Appendix A content risk (its rule id, or the category of a keyword or
// of a bank entry it matched, is a risk-a* reason code — a bank match a
// negative bank suppressed does not count); or a standing decision that
// cites such a reason.
func harmfulItem(hits []review.RuleHit, decisions []review.Decision) bool {
	for _, d := range decisions {
		if d.UndoneAt.IsZero() && slices.ContainsFunc(d.Reasons, isRiskCode) {
			return true
		}
	}
	for _, h := range hits {
		if h.Severity == "critical" || isRiskCode(h.RuleID) {
			return true
		}
		if len(h.Evidence) > maxHitEvidence {
			continue
		}
		var e hitEvidence
		if json.Unmarshal([]byte(h.Evidence), &e) != nil {
			continue
		}
		if slices.ContainsFunc(e.categories(), isRiskCode) {
			return true
		}
	}
	return false
}

func isRiskCode(s string) bool { return strings.HasPrefix(s, "risk-a") }

// hitEvidence is the part of a rule hit's evidence the harm check reads.
type hitEvidence struct {
	Categories []any  `json:"categories"`
	Problem    string `json:"problem"`
	Matches    []struct {
		Category any `json:"category"`
		Entry    struct {
			Category any `json:"category"`
		} `json:"entry"`
	} `json:"matches"`
}

func (e hitEvidence) categories() []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	for _, c := range e.Categories {
		add(c)
	}
	for _, m := range e.Matches {
		add(m.Category)
		if e.Problem != "suppressed-by-negative-bank" {
			add(m.Entry.Category)
		}
	}
	return out
}

// packageSigner returns the key and certificate chain that sign audit
// packages: the company certificate imported with `keys import-cert`, or
// else the workspace signing key.
func (w *Workspace) packageSigner() (crypto.Signer, []*x509.Certificate, error) {
	key, chain, err := loadCompanySigner(w.keysDir())
	if err == nil {
		return key, chain, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	sg, err := w.Signer()
	if err != nil {
		return nil, nil, err
	}
	return sg.Key, []*x509.Certificate{sg.Cert}, nil
}

// loadCompanySigner reads the imported company key and certificate chain
// (leaf first). Without one, the error wraps fs.ErrNotExist.
func loadCompanySigner(dir string) (crypto.Signer, []*x509.Certificate, error) {
	kp, cp := filepath.Join(dir, companyKeyFile), filepath.Join(dir, companyCertFile)
	keyPEM, err := keys.ReadFile(kp)
	if err != nil {
		return nil, nil, err
	}
	certPEM, err := keys.ReadFile(cp)
	if err != nil {
		return nil, nil, err
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, nil, fmt.Errorf("%s: not a PEM key", kp)
	}
	key, err := parsePrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", kp, err)
	}
	var chain []*x509.Certificate
	for rest := certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", cp, err)
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return nil, nil, fmt.Errorf("%s holds no certificate", cp)
	}
	if !publicKeyMatches(key, chain[0]) {
		return nil, nil, fmt.Errorf("%s does not belong to %s", cp, kp)
	}
	return key, chain, nil
}

// parsePrivateKey reads an RSA or ECDSA key in PKCS#8, PKCS#1 or SEC 1.
func parsePrivateKey(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		switch k := k.(type) {
		case *rsa.PrivateKey:
			return k, nil
		case *ecdsa.PrivateKey:
			return k, nil
		}
		return nil, review.Errorf(review.EINVALID, "the key is a %T; PDF signatures need an RSA or ECDSA key", k)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, review.Errorf(review.EINVALID, "the private key is not an RSA or ECDSA key")
}

func publicKeyMatches(key crypto.Signer, cert *x509.Certificate) bool {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(cert.PublicKey)
}

// maxP12 bounds a PKCS#12 file read.
const maxP12 = 1 << 20

// ImportCertificate stores a company signing certificate and its key,
// read from a PKCS#12 file, in keys/: audit packages are then signed with
// it instead of the workspace key. Only roles that may rotate keys
// (admins) may import one (EFORBIDDEN). The certificate must fit the key,
// be valid now and allow signing (EINVALID otherwise). The event
// "keys.cert_imported" records its fingerprint, subject and validity.
func (w *Workspace) ImportCertificate(ctx context.Context, actor review.Account, p12 []byte, password string) (*x509.Certificate, error) {
	if err := review.Require(actor, review.ActRotateKey); err != nil {
		return nil, err
	}
	key, chain, err := parseP12(p12, password)
	if err != nil {
		return nil, err
	}
	leaf, now := chain[0], w.Now()
	switch {
	case now.Before(leaf.NotBefore) || now.After(leaf.NotAfter):
		return nil, review.Errorf(review.EINVALID, "the certificate %q is valid from %s to %s, not now",
			leaf.Subject.CommonName, leaf.NotBefore.Format(dateLayout), leaf.NotAfter.Format(dateLayout))
	case leaf.KeyUsage != 0 && leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0:
		return nil, review.Errorf(review.EINVALID, "the certificate %q does not allow digital signatures", leaf.Subject.CommonName)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	var certs bytes.Buffer
	for _, c := range chain {
		if err := pem.Encode(&certs, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}); err != nil {
			return nil, err
		}
	}
	if err := keys.WriteFile(filepath.Join(w.keysDir(), companyKeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})); err != nil {
		return nil, err
	}
	if err := keys.WriteFile(filepath.Join(w.keysDir(), companyCertFile), certs.Bytes()); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(leaf.Raw)
	_, err = w.DB.AppendEvent(ctx, actor.Name, "keys.cert_imported", "keys:company", map[string]any{
		"cert_sha256": hex.EncodeToString(sum[:]), "subject": leaf.Subject.String(), "issuer": leaf.Issuer.String(),
		"not_before": review.FormatTime(leaf.NotBefore), "not_after": review.FormatTime(leaf.NotAfter), "chain": len(chain),
	})
	return leaf, err
}

// parseP12 reads the key and the certificates of a PKCS#12 file, the
// certificate of the key first. Both the legacy encryption (3DES, RC2) and
// OpenSSL 3's default (PBES2 with AES-256 and PBKDF2) are read.
func parseP12(p12 []byte, password string) (crypto.Signer, []*x509.Certificate, error) {
	k, leaf, cas, err := pkcs12.DecodeChain(p12, password)
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, nil, review.Errorf(review.EINVALID, "wrong password for the PKCS#12 file")
	} else if err != nil {
		return nil, nil, review.Errorf(review.EINVALID, "the PKCS#12 file cannot be read: %v (it must hold one private key and its certificate)", err)
	}
	key, ok := k.(crypto.Signer)
	if !ok || key == nil || leaf == nil {
		return nil, nil, review.Errorf(review.EINVALID, "the PKCS#12 file must hold a private key (RSA, ECDSA or Ed25519) and its certificate")
	}
	certs := append([]*x509.Certificate{leaf}, cas...)
	i := slices.IndexFunc(certs, func(c *x509.Certificate) bool { return publicKeyMatches(key, c) })
	if i < 0 {
		return nil, nil, review.Errorf(review.EINVALID, "no certificate in the PKCS#12 file belongs to its key")
	}
	chain := append([]*x509.Certificate{certs[i]}, slices.Delete(slices.Clone(certs), i, i+1)...)
	return key, chain, nil
}

// auditExporter is the review.Exporter of a workspace, for the GUI.
type auditExporter struct{ w *Workspace }

var _ review.Exporter = auditExporter{}

// Exporter returns the workspace's review.Exporter (the GUI's export
// screen).
func (w *Workspace) Exporter() review.Exporter { return auditExporter{w} }

// ExportAudit writes the package with DefaultMaxPages evidence pages.
func (e auditExporter) ExportAudit(ctx context.Context, actor review.Account, from, to time.Time, lang, out string,
	progress func(done, total int)) (string, string, error) {
	r, err := e.w.ExportAudit(ctx, actor, AuditRequest{From: from, To: to, Lang: lang, Out: out, Progress: progress})
	return r.Path, r.SHA256, err
}

// ---- Commands ----

func cmdExport(ctx context.Context, c *cli, args []string) error {
	if exportKindIs(args, "assessment") {
		return cmdExportAssessment(ctx, c, args)
	}
	ec := c.exportCommand("audit", "manager or admin exporting", "audit (assessment is handled by cmdExportAssessment)",
		"language of the package: zh or en")
	fromS := ec.fl.String("from", "", "first day of the period, YYYY-MM-DD")
	toS := ec.fl.String("to", "", "last day of the period, YYYY-MM-DD (included)")
	maxPages := ec.fl.Int("max-pages", DefaultMaxPages, "at most this many evidence pages; larger periods show a sample")
	if err := ec.parse(args); err != nil {
		return err
	}
	if *maxPages < 1 {
		return usageError{"--max-pages must be at least 1"}
	}
	from, err := time.Parse(dateLayout, *fromS)
	if err != nil {
		return usageError{fmt.Sprintf("--from %q: write the day as YYYY-MM-DD", *fromS)}
	}
	to, err := time.Parse(dateLayout, *toS)
	if err != nil {
		return usageError{fmt.Sprintf("--to %q: write the day as YYYY-MM-DD", *toS)}
	}
	if to.Before(from) {
		return usageError{fmt.Sprintf("--to %s is before --from %s", *toS, *fromS)}
	}
	w, actor, err := c.actAsExporter(ctx, c.dir(ec.ws), *ec.as, review.ActExportAudit, "only managers and admins may export audit packages")
	if err != nil {
		return err
	}
	defer w.Close()
	res, err := w.ExportAudit(ctx, actor, AuditRequest{From: from, To: to, Lang: *ec.lang, Out: *ec.out, MaxPages: *maxPages,
		Progress: c.exportProgress()})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.io.Out, "wrote %s\nsha256 %s\nperiod %s to %s: %d items, %d evidence pages", res.Path, res.SHA256,
		*fromS, *toS, res.Items, res.Pages)
	if res.Sampled {
		fmt.Fprint(c.io.Out, " (a sample)")
	}
	fmt.Fprintf(c.io.Out, "\nchain head %d %s\nrecorded as event %d\n", res.Head.Seq, res.Head.Hash, res.Event.Seq)
	return nil
}

// exportCmd is the command line every export kind has: the workspace,
// who exports, the kind, the file to write and the language.
type exportCmd struct {
	fl                    *flag.FlagSet
	kind                  string // the kind this command line is for
	ws, as, kindFlag, out *string
	lang                  *string
}

// exportCommand defines the flags every export kind has; the kind's own
// are added to fl before parse.
func (c *cli) exportCommand(kind, asHelp, kindHelp, langHelp string) exportCmd {
	fl := c.flags("export")
	return exportCmd{fl: fl, kind: kind, ws: c.workspaceFlag(fl), as: fl.String("as", "", asHelp),
		kindFlag: fl.String("kind", kind, kindHelp), out: fl.String("o", "", "the PDF file to write"),
		lang: fl.String("lang", "zh", langHelp)}
}

// parse parses args and refuses, as usage errors, a positional argument,
// another kind, a missing -o and an unknown language.
func (e exportCmd) parse(args []string) error {
	pos, err := parse(e.fl, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	case *e.kindFlag != e.kind:
		return usageError{fmt.Sprintf("--kind must be %s, not %q", e.kind, *e.kindFlag)}
	case *e.out == "":
		return usageError{"-o F.pdf names the file to write"}
	case !slices.Contains(ExportLangs, *e.lang):
		return usageError{fmt.Sprintf("--lang must be zh or en, not %q", *e.lang)}
	}
	return nil
}

// exportProgress prints an export's progress to stderr every ten percent.
func (c *cli) exportProgress() func(done, total int) {
	last := -1
	return func(done, total int) {
		if pct := 100 * done / total; pct/10 > last/10 || pct == 100 && last != 100 {
			last = pct
			fmt.Fprintf(c.io.Err, "export: %d %%\n", pct)
		}
	}
}

// actAsExporter signs in the account that exports, as actAs does, and
// says plainly who may export (refusal, followed by the account and its
// role) when its role may not act.
func (c *cli) actAsExporter(ctx context.Context, dir, as string, act review.Action, refusal string) (*Workspace, review.Account, error) {
	w, err := OpenWorkspace(ctx, dir, false)
	if err != nil {
		return nil, review.Account{}, err
	}
	actor, err := c.signIn(ctx, w, newPasswords(c.io.In, c.io.Err), as)
	if err == nil && !actor.Disabled && !actor.Role.Can(act) {
		err = review.Errorf(review.EFORBIDDEN, "%s; %s is a %s", refusal, actor.Name, actor.Role)
	} else if err == nil {
		err = review.Require(actor, act)
	}
	if err != nil {
		w.Close()
		return nil, review.Account{}, err
	}
	return w, actor, nil
}

// maxVerifyPDF bounds the file `verify` reads.
const maxVerifyPDF = 2 << 30

func cmdVerify(ctx context.Context, c *cli, args []string) error {
	fl := c.flags("verify")
	trustPath := fl.String("trust", "", "PEM file of the certificates to trust (signer trust is then required)")
	pos, err := parse(fl, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"name exactly one PDF file"}
	}
	var trust []*x509.Certificate
	if *trustPath != "" {
		if trust, err = readCertificates(*trustPath); err != nil {
			return err
		}
	}
	pdf, err := readBoundedFile(pos[0], maxVerifyPDF)
	if err != nil {
		return err
	}
	// Verify's error (not a PDF at all) comes with that failed check in
	// res, which is printed like any other.
	res, err := report.Verify(pdf, trust)
	if err != nil && len(res.Checks) == 0 {
		return err
	}
	return printVerify(c.io.Out, res)
}

// readCertificates reads every CERTIFICATE block of a PEM file.
func readCertificates(p string) ([]*x509.Certificate, error) {
	b, err := readBoundedFile(p, 16<<20)
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, review.Errorf(review.EINVALID, "%s: a certificate does not parse: %v", p, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, review.Errorf(review.EINVALID, "%s holds no PEM certificate", p)
	}
	return out, nil
}

// readBoundedFile reads a file of at most limit bytes.
func readBoundedFile(p string, limit int64) ([]byte, error) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, review.Errorf(review.ENOTFOUND, "%s does not exist", p)
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, review.Errorf(review.EINVALID, "%s is not a file", p)
	}
	if st.Size() > limit {
		return nil, review.Errorf(review.EINVALID, "%s is %d bytes, more than the %d this command reads", p, st.Size(), limit)
	}
	return io.ReadAll(io.LimitReader(f, limit))
}

func cmdKeysImportCert(ctx context.Context, c *cli, args []string) error {
	fl := c.flags("keys import-cert")
	ws := c.workspaceFlag(fl)
	as := fl.String("as", "", "admin acting")
	p12Path := fl.String("p12", "", "PKCS#12 file with the company certificate and its key")
	pos, err := parse(fl, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if *p12Path == "" {
		return usageError{"--p12 FILE names the PKCS#12 file"}
	}
	p12, err := readBoundedFile(*p12Path, maxP12)
	if err != nil {
		return err
	}
	pw := newPasswords(c.io.In, c.io.Err)
	w, actor, err := c.actAs(ctx, pw, c.dir(ws), *as, review.ActRotateKey)
	if err != nil {
		return err
	}
	defer w.Close()
	filePW, err := pw.read(fmt.Sprintf("Password of %s: ", filepath.Base(*p12Path)))
	if err != nil {
		return err
	}
	leaf, err := w.ImportCertificate(ctx, actor, p12, filePW)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(leaf.Raw)
	fmt.Fprintf(c.io.Out, "imported %q (issued by %q, valid until %s, SHA-256 %s): audit packages are now signed with it\n",
		leaf.Subject.CommonName, leaf.Issuer.CommonName, leaf.NotAfter.Format(dateLayout), hex.EncodeToString(sum[:]))
	return nil
}

// printVerify prints each check of a verification, then the signer, and
// fails when any check failed.
func printVerify(w io.Writer, r report.Result) error {
	for _, c := range r.Checks {
		fmt.Fprintf(w, "%-4s  %-12s  %s\n", strings.ToUpper(string(c.Status)), c.Name, c.Message)
	}
	if r.Signer.SHA256 != "" {
		fmt.Fprintf(w, "signer  %s (SHA-256 %s)", r.Signer.Subject, r.Signer.SHA256)
		if !r.SignedAt.IsZero() {
			fmt.Fprintf(w, ", signed %s", review.FormatTime(r.SignedAt))
		}
		fmt.Fprintln(w)
	}
	switch {
	case !r.TrustChecked:
		fmt.Fprintln(w, "trust   not checked: name the certificates to trust with --trust")
	case r.Trusted:
		fmt.Fprintln(w, "trust   the signer chains to a trusted certificate")
	default:
		fmt.Fprintln(w, "trust   the signer does not chain to any certificate given with --trust")
	}
	if !r.OK {
		failed := 0
		for _, c := range r.Checks {
			if c.Status == report.StatusFail {
				failed++
			}
		}
		return review.Errorf(review.EINVALID, "the package does not verify: %d of %d checks failed", failed, len(r.Checks))
	}
	fmt.Fprintln(w, "the package verifies")
	return nil
}
