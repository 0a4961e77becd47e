// Package detect joins the pixel detectors to the label reader: after
// marking decodes an image once, it builds one shared luma plane and runs the
// provider's watermark detector, the visible-label detector and PDQ on it,
// filling the scan report's watermark and explicit keys (design.md) and
// their findings. It holds no keys itself: the caller passes the keyring
// (from the workspace or the user's config folder) and the template bank.
//
// Like all of marking it must not import Fyne, database/sql, review, store,
// ui or app.
package detect

import (
	"fmt"
	"image"

	"synthreview/marking"
	"synthreview/marking/pdq"
	"synthreview/marking/raster"
	"synthreview/marking/visible"
	"synthreview/marking/watermark"
)

// MinHeightRatio is the explicit-label rule: text height at least 5 % of
// the image's shorter side (GB 45438 §5.2, LM Art. 4(3)).
const MinHeightRatio = 0.05

// Detectors are the pixel detectors of a full scan.
type Detectors struct {
	// Keyring holds the provider's watermark keys; nil or empty means the
	// watermark is reported "not-checked", never "absent".
	Keyring *watermark.Keyring
	// Bank is the visible-label template bank; nil uses the built-in one.
	Bank *visible.Bank
	// Resolve maps a 64-bit payload digest to the ProduceID it stands for
	// (scan --workspace); nil leaves the digest unresolved.
	Resolve func(digest string) (string, bool)
}

// New returns detectors with the built-in template bank when bank is nil.
// The result is safe for concurrent use by several scanning goroutines.
func New(ring *watermark.Keyring, bank *visible.Bank, resolve func(string) (string, bool)) (*Detectors, error) {
	if bank == nil {
		b, err := visible.NewBank()
		if err != nil {
			return nil, fmt.Errorf("visible-label templates: %w", err)
		}
		bank = b
	}
	return &Detectors{Keyring: ring, Bank: bank, Resolve: resolve}, nil
}

// Pixels is a marking.ScanOptions.Pixels hook.
func (d *Detectors) Pixels(img image.Image, rep *marking.Report) {
	l := raster.FromImage(img)
	d.watermark(l, rep)
	d.visible(img, rep)
	if h, q := pdq.Hash(l); q >= 0 {
		rep.PDQ = &marking.PDQ{Hash: h.Hex(), Quality: q}
	}
}

func (d *Detectors) watermark(l *raster.Luma, rep *marking.Report) {
	res := watermark.Detect(l, d.Keyring)
	// Without a key the watermark is "not-checked"; a checked miss is
	// "not-detected", which is not proof of absence (anchors.md: a failed
	// decode is unknown, never "no watermark").
	w := &marking.Watermark{Status: "not-checked"}
	if res.Checked {
		found := res.Detected
		w.Detected = &found
		w.Status = "not-detected"
		if found {
			w.Status = "detected"
			w.Payload, w.PayloadDigest, w.Confidence = res.Payload, res.PayloadDigest, res.Confidence
			if w.Payload == "" && w.PayloadDigest != "" && d.Resolve != nil {
				if id, ok := d.Resolve(w.PayloadDigest); ok {
					w.Payload = id
				}
			}
		}
	}
	rep.Watermark = w
}

func (d *Detectors) visible(img image.Image, rep *marking.Report) {
	if d.Bank == nil {
		return // built without New: no templates, no visible-label verdict
	}
	dets := visible.Detect(img, d.Bank)
	if len(dets) == 0 {
		rep.AddFinding(marking.CodeExplicitMissing, "no visible label (such as \"AI生成\") found on an edge or corner; a warning because a plain scan does not know whether the service category needs one (DSP Art. 17)")
	}
	for _, det := range dets {
		r := det.Box
		rep.Explicit = append(rep.Explicit, marking.Explicit{Text: det.Text, Box: [4]int{r.Min.X, r.Min.Y, r.Dx(), r.Dy()},
			HeightRatio: det.HeightRatio, Source: det.Source})
		if det.HeightRatio < MinHeightRatio {
			rep.AddFinding(marking.CodeExplicitTooSmall, fmt.Sprintf("visible label %q at %v is %.1f %% of the shorter side; GB 45438 §5.2 asks for at least 5 %%",
				det.Text, r, 100*det.HeightRatio))
		}
	}
}
