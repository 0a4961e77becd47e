// Package markcmd implements `synthreview mark`: it writes the implicit
// metadata label (always) and, on request, a visible label into a copy of a
// file, and never weakens a label already there (LM Art. 10, DSP Art. 18).
//
//	synthreview mark --produce-id ID --producer CODE [--label 1] [--visible TEXT]
//	    [--position br|bl|tr|tl|top|bottom] [--watermark]
//	    [--propagator CODE --propagate-id ID] [--json] IN OUT
//
// It is part of the app wiring layer; it uses marking, marking/label and
// marking/visible and no database, store or UI package.
package markcmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"synthreview/marking"
	"synthreview/marking/label"
	"synthreview/marking/visible"
	"synthreview/marking/watermark"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailed  = 1 // refused (would weaken a label), unreadable input, write error
	ExitUsage   = 2 // bad flags or arguments, or a feature not available yet
	jpegQuality = 95
	maxPixels   = 100_000_000
)

// Result is the mark report (printed as JSON with --json).
type Result struct {
	In         string            `json:"in"`
	Out        string            `json:"out"`
	Format     string            `json:"format"`
	Action     string            `json:"action"`
	Label      map[string]string `json:"label"`
	Replaced   []Evidence        `json:"replaced,omitempty"`
	Visible    *VisibleResult    `json:"visible,omitempty"`
	Notes      []string          `json:"notes,omitempty"`
	Verdict    string            `json:"verdict"`
	MediaKept  bool              `json:"media_unchanged"`
	Transcoded bool              `json:"transcoded,omitempty"`
	// Watermark is the key ID and payload digest when a watermark was embedded.
	Watermark *WatermarkResult `json:"watermark,omitempty"`
	// SHA256 is the hash of the written file.
	SHA256      string `json:"sha256"`
	PixelsDrawn bool   `json:"pixels_changed,omitempty"`
}

// WatermarkResult describes an embedded watermark.
type WatermarkResult struct {
	KeyID         string `json:"key_id"`
	Payload       string `json:"payload"`
	PayloadDigest string `json:"payload_digest"`
}

// Evidence is a label that mark replaced, kept for the record.
type Evidence struct {
	Location string            `json:"location"`
	Fields   map[string]string `json:"fields"`
	Raw      string            `json:"raw"`
}

// VisibleResult describes the drawn visible label.
type VisibleResult struct {
	Text        string  `json:"text"`
	Box         [4]int  `json:"box"`
	HeightRatio float64 `json:"height_ratio"`
	Detected    bool    `json:"detected_after_write"`
}

type options struct {
	produceID, producer, labelValue, visibleText, position string
	propagator, propagateID, workspace, as                 string
	watermark, asJSON                                      bool
	// wmKey is the watermark key (set by the Setup hook with --watermark).
	wmKey   *watermark.Key
	in, out string
}

// usageError is a problem with the command line (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("mark", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.produceID, "produce-id", "", "content production ID (ProduceID), required")
	fs.StringVar(&o.producer, "producer", "", "27-character provider code (ContentProducer), required")
	fs.StringVar(&o.labelValue, "label", "1", "Label value: 1 AI-generated, 2 possibly, 3 suspected")
	fs.StringVar(&o.visibleText, "visible", "", "also draw this visible label text, e.g. AI生成")
	fs.StringVar(&o.position, "position", "br", "visible label position: br, bl, tr, tl, top, bottom")
	fs.BoolVar(&o.watermark, "watermark", false, "embed the invisible watermark carrying the ProduceID (the workspace's key with --workspace, else the user's)")
	fs.StringVar(&o.propagator, "propagator", "", "platform code (ContentPropagator), platform role")
	fs.StringVar(&o.propagateID, "propagate-id", "", "platform content ID (PropagateID)")
	fs.StringVar(&o.workspace, "workspace", "", "act for this workspace: its watermark key, and the marking recorded in its log")
	fs.StringVar(&o.as, "as", "", "workspace user")
	fs.BoolVar(&o.asJSON, "json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: synthreview mark --produce-id ID --producer CODE [--label 1] [--visible TEXT] [--position br] [--watermark] [--propagator CODE --propagate-id ID] [--workspace DIR --as USER] [--json] IN OUT")
		fs.PrintDefaults()
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return o, err
			}
			return o, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 2 {
		return o, usageError{fmt.Sprintf("mark needs IN and OUT, got %d file arguments", len(pos))}
	}
	o.in, o.out = pos[0], pos[1]
	return o, o.validate()
}

// validate checks the flags' values before any file is read.
func (o options) validate() error {
	switch {
	case o.workspace != "" && o.as == "":
		return usageError{"mark --workspace acts for a person of the workspace: name them with --as USER"}
	case o.as != "" && o.workspace == "":
		return usageError{"--as goes with --workspace"}
	case o.produceID == "":
		return usageError{"--produce-id is required"}
	case o.producer == "":
		return usageError{"--producer is required"}
	}
	if err := marking.CheckProducerCode(o.producer); err != nil {
		return usageError{fmt.Sprintf("--producer %q is not a valid provider code (网安秘字〔2025〕29号, requirements.md §3.3): %v", o.producer, err)}
	}
	if o.propagator != "" {
		if err := marking.CheckProducerCode(o.propagator); err != nil {
			return usageError{fmt.Sprintf("--propagator %q is not a valid provider code: %v", o.propagator, err)}
		}
	}
	if _, err := visible.ParsePosition(o.position); err != nil {
		return usageError{err.Error()}
	}
	if o.visibleText != "" {
		if err := visible.CheckText(o.visibleText); err != nil {
			return usageError{"--visible: " + err.Error()}
		}
	}
	return nil
}

// Setup opens what --watermark and --workspace need: the watermark key
// (the workspace's, or outside a workspace the one in the user's config
// folder, created on first use) when watermark is set, and a Recorder that
// logs the marking in the workspace. done releases it.
type Setup func(ctx context.Context, workspace, as string, watermark bool) (key *watermark.Key, record Recorder, done func(), err error)

// Recorder records a finished marking (an event, and the watermark digest
// so scan --workspace can resolve it).
type Recorder func(Result) error

// Run runs `synthreview mark` with args (without the word "mark"). The
// report goes to stdout, diagnostics to stderr. It returns 0 on success, 1
// when the file was refused or could not be read or written, 2 for usage
// errors.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, setup Setup) int {
	o, err := parse(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK // usage was printed to stderr
		}
		fmt.Fprintln(stderr, "mark:", err)
		return ExitUsage
	}
	var record Recorder
	if o.watermark || o.workspace != "" {
		if setup == nil {
			fmt.Fprintln(stderr, "mark: --watermark and --workspace need the workspace wiring of the full program")
			return ExitUsage
		}
		key, rec, done, err := setup(ctx, o.workspace, o.as, o.watermark)
		if err != nil {
			fmt.Fprintln(stderr, "mark:", err)
			return ExitFailed
		}
		defer done()
		o.wmKey, record = key, rec
	}
	res, err := mark(ctx, o)
	if err == nil && record != nil {
		err = record(res)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mark:", err)
		var ue usageError
		if errors.As(err, &ue) {
			return ExitUsage
		}
		return ExitFailed
	}
	if o.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(stderr, "mark:", err)
			return ExitFailed
		}
		return ExitOK
	}
	printResult(stdout, res)
	return ExitOK
}

func printResult(w io.Writer, r Result) {
	fmt.Fprintf(w, "wrote %s (%s): %s, verdict %s\n", r.Out, r.Format, r.Action, r.Verdict)
	fmt.Fprintf(w, "  label: Label=%s ContentProducer=%s ProduceID=%s ContentPropagator=%s PropagateID=%s\n",
		r.Label["Label"], r.Label["ContentProducer"], r.Label["ProduceID"], r.Label["ContentPropagator"], r.Label["PropagateID"])
	for _, e := range r.Replaced {
		fmt.Fprintf(w, "  replaced nonconforming label at %s, kept as evidence: %s\n", e.Location, e.Raw)
	}
	if r.Watermark != nil {
		fmt.Fprintf(w, "  watermark embedded with key %s, payload %q, digest %s\n", r.Watermark.KeyID, r.Watermark.Payload, r.Watermark.PayloadDigest)
	}
	if r.Visible != nil {
		fmt.Fprintf(w, "  visible label %q at [%d %d %d %d], ink height %.1f%% of the shorter side\n",
			r.Visible.Text, r.Visible.Box[0], r.Visible.Box[1], r.Visible.Box[2], r.Visible.Box[3], r.Visible.HeightRatio*100)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "  note:", n)
	}
}

// outFormat decides the output format: the input's, unless OUT's extension
// names another image format; mark encodes only PNG and JPEG.
func outFormat(in, out string) (string, error) {
	want := map[string]string{".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp",
		".gif": "gif", ".tif": "tiff", ".tiff": "tiff"}[strings.ToLower(filepath.Ext(out))]
	if want == "" || want == in {
		return in, nil
	}
	if !isImage(in) {
		return "", usageError{fmt.Sprintf("OUT %q names an image format but IN is %s", out, in)}
	}
	if want != "png" && want != "jpeg" {
		return "", usageError{fmt.Sprintf("cannot convert %s to %s: mark encodes only PNG and JPEG (name OUT .png or .jpg)", in, want)}
	}
	return want, nil
}

func isImage(f string) bool {
	switch f {
	case "png", "jpeg", "gif", "webp", "tiff":
		return true
	}
	return false
}

func mark(ctx context.Context, o options) (Result, error) {
	res := Result{In: o.in, Out: o.out}
	data, inFmt, outFmt, err := load(o)
	if err != nil {
		return res, err
	}
	out, res, err := markData(ctx, data, inFmt, outFmt, o)
	res.In, res.Out = o.in, o.out
	if err != nil {
		return res, err
	}
	return res, writeAtomic(o.out, out)
}

// markData writes the label (and the visible label and watermark o asks
// for) into a copy of data, checks the copy reads back as one label, and
// returns it with its report; mark and Relabel share it. o.in names the
// input in messages.
func markData(ctx context.Context, data []byte, inFmt, outFmt string, o options) ([]byte, Result, error) {
	res := Result{Format: outFmt}
	before := marking.Scan(data, marking.ScanOptions{Fast: true})
	plan, err := label.Decide(existing(before), label.Request{
		Label: o.labelValue, Producer: o.producer, ProduceID: o.produceID,
		Propagator: o.propagator, PropagateID: o.propagateID,
	})
	if err != nil {
		return nil, res, err
	}
	if err := ctx.Err(); err != nil {
		return nil, res, err
	}
	body := data
	pixelsChange := o.visibleText != "" || outFmt != inFmt || o.wmKey != nil
	if pixelsChange {
		if body, res.Visible, err = redraw(data, inFmt, outFmt, o); err != nil {
			return nil, res, err
		}
		res.PixelsDrawn = o.visibleText != "" || o.wmKey != nil
		res.Transcoded = outFmt != inFmt
	}
	out, err := label.Write(body, outFmt, plan.Fields)
	if err != nil {
		return nil, res, fmt.Errorf("write the label into %s: %w", o.in, err)
	}
	after := marking.Scan(out, marking.ScanOptions{Fast: true})
	if stale := staleLabels(after, plan.Fields); stale != nil {
		return nil, res, fmt.Errorf("self-check failed, nothing written: the labelled %s does not read back as one label (verdict %s, error %q; other labels at: %s)",
			outFmt, after.Verdict, after.Error, strings.Join(stale, ", "))
	}
	res.Verdict = after.Verdict
	res.MediaKept = !pixelsChange
	res.Action = plan.Action
	res.Label = plan.Fields.Map()
	res.Notes = plan.Notes
	if res.Transcoded {
		res.Notes = append(res.Notes, fmt.Sprintf("converted %s to %s; the XMP packet and EXIF block are carried over, other %s metadata (ICC profile, text chunks, C2PA) is not", inFmt, outFmt, inFmt))
	}
	if res.Visible != nil {
		res.Visible.Detected = redetect(out, outFmt, res.Visible.Box)
		if !res.Visible.Detected {
			res.Notes = append(res.Notes, "the visible-label detector did not find the drawn label again (a text outside its template bank?); it is drawn all the same")
		}
	}
	for _, e := range plan.Replaced {
		res.Replaced = append(res.Replaced, Evidence{Location: e.Location, Fields: e.Fields, Raw: e.Raw})
	}
	if o.wmKey != nil {
		p := watermark.EncodeProduceID(o.produceID)
		res.Watermark = &WatermarkResult{KeyID: o.wmKey.ID, PayloadDigest: watermark.DigestProduceID(o.produceID)}
		if !p.IsDigest {
			res.Watermark.Payload = o.produceID
		}
	}
	sum := sha256.Sum256(out)
	res.SHA256 = hex.EncodeToString(sum[:])
	return out, res, nil
}

// load reads IN and settles the input and output formats.
func load(o options) (data []byte, inFmt, outFmt string, err error) {
	data, err = marking.ReadFile(o.in, label.MaxInput)
	if err != nil {
		return nil, "", "", fmt.Errorf("read %s: %w", o.in, err)
	}
	inFmt = marking.Sniff(data)
	if !supported(inFmt) {
		return nil, "", "", fmt.Errorf("%s is %s: mark writes labels into png, jpeg, webp, gif, tiff, wav, mp3 and mp4/mov files", o.in, inFmt)
	}
	if outFmt, err = outFormat(inFmt, o.out); err != nil {
		return nil, "", "", err
	}
	if o.visibleText != "" && !isImage(inFmt) {
		return nil, "", "", usageError{fmt.Sprintf("--visible draws on images; %s is %s", o.in, inFmt)}
	}
	return data, inFmt, outFmt, nil
}

// redetect runs the visible-label detector on the written file and reports
// whether it finds a label overlapping the drawn plate (box: x, y, w, h).
func redetect(out []byte, format string, box [4]int) bool {
	img, _, err := decode(out, format)
	if err != nil {
		return false
	}
	bank, err := visible.NewBank()
	if err != nil {
		return false
	}
	plate := image.Rect(box[0], box[1], box[0]+box[2], box[1]+box[3])
	for _, d := range visible.Detect(img, bank) {
		if d.Box.Overlaps(plate) {
			return true
		}
	}
	return false
}

func supported(f string) bool {
	for _, s := range label.Formats {
		if s == f {
			return true
		}
	}
	return false
}

// existing turns the reader's report into the policy's input.
func existing(rep marking.Report) []label.Existing {
	var out []label.Existing
	for _, im := range rep.Implicit {
		out = append(out, label.Existing{Location: im.Location, Fields: im.Fields, Valid: im.Valid, Raw: im.Raw})
	}
	return out
}

// staleLabels returns nil when the reader finds the written label, and no
// other, in the output; otherwise the locations that disagree.
func staleLabels(rep marking.Report, f label.Fields) []string {
	if len(rep.Implicit) == 0 {
		return []string{"(no label found)"}
	}
	want := f.Map()
	var bad []string
	for _, im := range rep.Implicit {
		for k, v := range want {
			if im.Fields[k] != v {
				bad = append(bad, im.Location)
				break
			}
		}
	}
	return bad
}

// decode decodes an image after checking its dimensions.
func decode(data []byte, format string) (image.Image, string, error) {
	cfgFn, dec, ok := marking.ImageCodec(format)
	if !ok {
		return nil, "", fmt.Errorf("cannot decode %s pixels", format)
	}
	cfg, err := cfgFn(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("read %s header: %w", format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, "", fmt.Errorf("%s is %d×%d: outside the 1–%d pixel limit", format, cfg.Width, cfg.Height, maxPixels)
	}
	img, err := dec(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("decode %s: %w", format, err)
	}
	return img, format, nil
}

// redraw decodes the pixels, draws the visible label when asked, encodes to
// outFmt (PNG lossless, JPEG at quality 95) and carries the metadata over
// when the format stays the same.
func redraw(data []byte, inFmt, outFmt string, o options) ([]byte, *VisibleResult, error) {
	img, err := decodeForDrawing(data, inFmt, outFmt)
	if err != nil {
		return nil, nil, err
	}
	// A JPEG with an EXIF orientation is turned upright first, so that the
	// label reads upright where viewers show the picture; the orientation
	// tag is then reset to 1.
	orientation := 1
	if inFmt == "jpeg" {
		orientation = label.JPEGOrientation(data)
		img = upright(img, orientation)
	}
	var vr *VisibleResult
	if o.wmKey != nil {
		// The watermark carries the ProduceID (issue 6); it goes in before
		// the visible label, whose plate is drawn over it.
		marked, err := watermark.Embed(img, *o.wmKey, watermark.EncodeProduceID(o.produceID))
		if err != nil {
			return nil, nil, fmt.Errorf("watermark: %w", err)
		}
		img = marked
	}
	if o.visibleText != "" {
		pos, _ := visible.ParsePosition(o.position)
		drawn, pl, err := visible.Draw(img, o.visibleText, visible.Options{Position: pos})
		if err != nil {
			return nil, nil, err
		}
		img = drawn
		vr = &VisibleResult{Text: o.visibleText, Box: [4]int{pl.Plate.Min.X, pl.Plate.Min.Y, pl.Plate.Dx(), pl.Plate.Dy()}, HeightRatio: pl.HeightRatio}
	}
	enc, err := encode(img, outFmt)
	if err != nil {
		return nil, nil, err
	}
	enc, err = carryMetadata(data, enc, inFmt, outFmt, orientation != 1)
	return enc, vr, err
}

// decodeForDrawing checks that the pixels can be redrawn and decodes them.
func decodeForDrawing(data []byte, inFmt, outFmt string) (image.Image, error) {
	if outFmt != "png" && outFmt != "jpeg" {
		return nil, usageError{fmt.Sprintf("cannot re-encode %s with a visible label; name OUT .png or .jpg", outFmt)}
	}
	if inFmt == "png" && label.IsAnimatedPNG(data) {
		return nil, usageError{"animated PNG: a visible label would only reach the first frame; not supported"}
	}
	if inFmt == "gif" {
		if g, err := gif.DecodeAll(bytes.NewReader(data)); err == nil && len(g.Image) > 1 {
			return nil, usageError{"animated GIF: a visible label would only reach the first frame; not supported"}
		}
	}
	img, _, err := decode(data, inFmt)
	if err != nil {
		return nil, err
	}
	if _, ok := img.(*image.CMYK); ok && outFmt == "jpeg" {
		return nil, usageError{"CMYK JPEG: re-encoding would change its colours; not supported"}
	}
	return img, nil
}

// encode writes PNG losslessly or JPEG at quality 95 (design.md).
func encode(img image.Image, format string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// carryMetadata puts the original's metadata into the re-encoded file:
// every metadata segment or chunk within a format, the XMP packet and EXIF
// block across formats.
func carryMetadata(orig, enc []byte, inFmt, outFmt string, turned bool) ([]byte, error) {
	if inFmt != outFmt {
		carried, err := label.ExtractMetadata(orig, inFmt)
		if err != nil {
			return nil, fmt.Errorf("read metadata to carry: %w", err)
		}
		return carried.Insert(enc, outFmt, turned)
	}
	var err error
	switch outFmt {
	case "png":
		enc, err = label.TransplantPNG(orig, enc)
	case "jpeg":
		enc, err = label.TransplantJPEG(orig, enc)
		if err == nil && turned {
			enc, err = label.ResetJPEGOrientation(enc)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("carry metadata over: %w", err)
	}
	return enc, nil
}

// upright applies an EXIF orientation (1–8) to img.
func upright(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := image.NewNRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			out.Set(x, y, img.At(b.Min.X+sx, b.Min.Y+sy))
		}
	}
	return out
}

// writeAtomic writes data to path through a temporary file in the same
// folder and a rename, so OUT is never left half-written.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".mark-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		if rerr := os.Remove(tmp); rerr != nil && !os.IsNotExist(rerr) {
			return fmt.Errorf("write %s: %w (and removing %s: %v)", path, werr, tmp, rerr)
		}
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}
