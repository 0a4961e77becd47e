package markcmd

import (
	"context"
	"errors"
	"strings"

	"synthreview/marking"
	"synthreview/marking/label"
	"synthreview/marking/visible"
	"synthreview/marking/watermark"
	"synthreview/review"
)

// DefaultVisibleText is the visible label Relabel draws when the request
// names none (GB 45438-2025 §5.2: "AI生成").
const DefaultVisibleText = "AI生成"

// RelabelRequest says what Relabel writes into an item's original.
type RelabelRequest struct {
	// ProduceID is the item's content production ID; required.
	ProduceID string
	// Producer is the ContentProducer: the provider's 27-character code
	// for the item's service; required.
	Producer string
	// Label is "1" (AI-generated, the default), "2" or "3".
	Label string
	// Propagator and PropagateID are the platform's fields (LM Art. 6):
	// both or neither. Left empty, the policy's first-write rule applies
	// (propagator = producer, GB 45438 Annex E note 1).
	Propagator, PropagateID string
	// Visible asks for a visible label, VisibleText (default
	// DefaultVisibleText) at Position (default "br"). Images only.
	Visible     bool
	VisibleText string
	Position    string
	// Watermark, when set, embeds the invisible watermark carrying the
	// ProduceID with this key. Images only.
	Watermark *watermark.Key
}

// Relabel writes what an item's original is missing into a copy of data:
// the implicit label always (kept unchanged, strengthened or filled in by
// the no-weakening policy of marking/label), a visible label when
// req.Visible, and the watermark when req.Watermark is set. It returns
// the copy and the mark report (Result.In and Out are empty). The copy
// keeps the original's format, except that a WebP, GIF or TIFF whose
// pixels change is written as PNG (mark encodes PNG and JPEG only;
// Result.Format says which).
//
// A request that would weaken a label already in the file returns the
// policy's *label.RefusalError as it is (errors.Is(err, label.ErrRefused)).
// A bad request, a format mark does not write, or a file that cannot be
// relabelled return an error whose review.ErrorCode is EINVALID.
func Relabel(ctx context.Context, data []byte, req RelabelRequest) (out []byte, res Result, err error) {
	o := options{
		produceID: req.ProduceID, producer: req.Producer, labelValue: req.Label,
		propagator: req.Propagator, propagateID: req.PropagateID,
		position: req.Position, wmKey: req.Watermark, in: "the original",
	}
	if o.labelValue == "" {
		o.labelValue = "1"
	}
	if o.position == "" {
		o.position = "br"
	}
	if req.Visible {
		o.visibleText = req.VisibleText
		if o.visibleText == "" {
			o.visibleText = DefaultVisibleText
		}
	}
	if err := checkRequest(o); err != nil {
		return nil, Result{}, err
	}
	if err := o.validate(); err != nil {
		return nil, Result{}, fileErr(err)
	}
	inFmt, outFmt, err := relabelFormats(data, o)
	if err != nil {
		return nil, Result{}, err
	}
	out, res, err = markData(ctx, data, inFmt, outFmt, o)
	if err != nil {
		var refusal *label.RefusalError
		if errors.As(err, &refusal) || ctx.Err() != nil {
			return nil, res, err
		}
		return nil, res, fileErr(err)
	}
	return out, res, nil
}

// checkRequest says what is wrong with a request in the library's words
// (validate speaks of command-line flags).
func checkRequest(o options) error {
	bad := func(format string, args ...any) error {
		return review.Errorf(review.EINVALID, "cannot relabel: "+format, args...)
	}
	switch {
	case o.produceID == "":
		return bad("no ProduceID given")
	case o.labelValue != "1" && o.labelValue != "2" && o.labelValue != "3":
		return bad("Label %q: must be 1, 2 or 3 (GB 45438-2025 Annex E)", o.labelValue)
	case (o.propagator == "") != (o.propagateID == ""):
		return bad("ContentPropagator and PropagateID go together (LM Art. 6)")
	}
	if err := marking.CheckProducerCode(o.producer); err != nil {
		return bad("ContentProducer %q is not a valid provider code (网安秘字〔2025〕29号): %v", o.producer, err)
	}
	if o.propagator != "" {
		if err := marking.CheckProducerCode(o.propagator); err != nil {
			return bad("ContentPropagator %q is not a valid provider code: %v", o.propagator, err)
		}
	}
	if o.visibleText != "" {
		if err := visible.CheckText(o.visibleText); err != nil {
			return bad("visible label: %v", err)
		}
	}
	if _, err := visible.ParsePosition(o.position); err != nil {
		return bad("%v", err)
	}
	return nil
}

// relabelFormats checks data's format and chooses the copy's.
func relabelFormats(data []byte, o options) (inFmt, outFmt string, err error) {
	if int64(len(data)) > label.MaxInput {
		return "", "", review.Errorf(review.EINVALID, "the file is %d bytes; marks are written into files of at most %d", len(data), label.MaxInput)
	}
	inFmt = marking.Sniff(data)
	if !supported(inFmt) {
		return "", "", review.Errorf(review.EINVALID, "cannot relabel a %s file: marks are written into %s files only", inFmt, strings.Join(label.Formats, ", "))
	}
	pixels := o.visibleText != "" || o.wmKey != nil
	if pixels && !isImage(inFmt) {
		return "", "", review.Errorf(review.EINVALID, "a visible label and a watermark are drawn on images; this is a %s file", inFmt)
	}
	outFmt = inFmt
	if pixels && inFmt != "png" && inFmt != "jpeg" {
		outFmt = "png" // lossless, and a format mark encodes
	}
	return inFmt, outFmt, nil
}

// fileErr gives an error about the file or the request the EINVALID code
// the screens show, keeping the cause for errors.Is and errors.As.
func fileErr(err error) error {
	if review.ErrorCode(err) != review.EINTERNAL {
		return err
	}
	msg := err.Error()
	var ue usageError
	if errors.As(err, &ue) {
		msg = ue.msg
	}
	return &relabelError{code: review.Errorf(review.EINVALID, "cannot relabel: %s", msg), cause: err}
}

// relabelError is an EINVALID review error with its cause.
type relabelError struct {
	code  *review.Error
	cause error
}

func (e *relabelError) Error() string   { return e.code.Error() }
func (e *relabelError) Unwrap() []error { return []error{e.code, e.cause} }
