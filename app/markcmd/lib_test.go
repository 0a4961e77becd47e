package markcmd_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"image/gif"
	"image/png"
	"strings"
	"testing"
	"time"

	"synthreview/app/markcmd"
	"synthreview/marking"
	"synthreview/marking/detect"
	"synthreview/marking/label"
	"synthreview/marking/watermark"
	"synthreview/review"
)

const labelledID = "IMG20251128000123" // the ProduceID in testdata/labels

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, photo(640, 480)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func newKey(t *testing.T) (*watermark.Keyring, watermark.Key) {
	t.Helper()
	ring := &watermark.Keyring{}
	k, err := ring.Rotate(time.Now(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return ring, k
}

// fullScan scans with the pixel detectors (watermark and visible label).
func fullScan(t *testing.T, data []byte, ring *watermark.Keyring) marking.Report {
	t.Helper()
	d, err := detect.New(ring, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return marking.Scan(data, marking.ScanOptions{Pixels: d.Pixels})
}

func TestRelabelWritesAllThreeMarks(t *testing.T) {
	in := pngBytes(t)
	orig := bytes.Clone(in)
	ring, key := newKey(t)
	out, res, err := markcmd.Relabel(context.Background(), in, markcmd.RelabelRequest{
		ProduceID: "IMG-RELABEL-1", Producer: producer, Visible: true, Watermark: &key})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(in, orig) {
		t.Fatal("Relabel changed the original's bytes")
	}
	if res.Format != "png" || res.Action != label.ActionWrite || res.Visible == nil || res.Visible.Text != "AI生成" ||
		res.Watermark == nil || res.Watermark.KeyID != key.ID || res.In != "" || res.Out != "" || len(res.SHA256) != 64 {
		t.Fatalf("report %+v", res)
	}
	rep := fullScan(t, out, ring)
	if rep.Verdict != marking.VerdictConforming || len(rep.Implicit) != 1 {
		t.Fatalf("scan of the copy: %s %+v", rep.Verdict, rep.Findings)
	}
	f := rep.Implicit[0].Fields
	if f["Label"] != "1" || f["ContentProducer"] != producer || f["ProduceID"] != "IMG-RELABEL-1" {
		t.Fatalf("label %v", f)
	}
	if len(rep.Explicit) == 0 || rep.Explicit[0].Text != "AI生成" {
		t.Fatalf("no visible label found in the copy: %+v", rep.Explicit)
	}
	// A ProduceID this long travels as its digest.
	if rep.Watermark.Status != "detected" || rep.Watermark.PayloadDigest != watermark.DigestProduceID("IMG-RELABEL-1") {
		t.Fatalf("watermark %+v", rep.Watermark)
	}
}

func TestRelabelKeepsAValidLabelAndAddsTheVisibleOne(t *testing.T) {
	ctx := context.Background()
	labelled, _, err := markcmd.Relabel(ctx, pngBytes(t), markcmd.RelabelRequest{ProduceID: labelledID, Producer: producer, Label: "2"})
	if err != nil {
		t.Fatal(err)
	}
	out, res, err := markcmd.Relabel(ctx, labelled, markcmd.RelabelRequest{
		ProduceID: labelledID, Producer: producer, Visible: true, VisibleText: "人工智能生成", Position: "tl"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != label.ActionStrengthen || res.Visible == nil || res.Visible.Text != "人工智能生成" || res.Visible.Box[0] > 100 || res.Visible.Box[1] > 100 {
		t.Fatalf("report %+v", res)
	}
	rep := marking.Scan(out, marking.ScanOptions{Fast: true})
	if rep.Verdict != marking.VerdictConforming || len(rep.Implicit) != 1 || rep.Implicit[0].Fields["ProduceID"] != labelledID || rep.Implicit[0].Fields["Label"] != "1" {
		t.Fatalf("scan %s %+v", rep.Verdict, rep.Implicit)
	}
}

func TestRelabelNeverWeakens(t *testing.T) {
	in := mustRead(t, "../../testdata/labels/et_xmp.png")
	for name, req := range map[string]markcmd.RelabelRequest{
		"another ProduceID": {ProduceID: "OTHER-1", Producer: producer},
		"a lower Label":     {ProduceID: labelledID, Producer: producer, Label: "3"},
		"another producer":  {ProduceID: labelledID, Producer: platform},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := markcmd.Relabel(context.Background(), in, req)
			var refusal *label.RefusalError
			if !errors.As(err, &refusal) || !errors.Is(err, label.ErrRefused) || out != nil {
				t.Fatalf("want the policy's refusal, got %v (%d bytes)", err, len(out))
			}
		})
	}
}

func TestRelabelFormats(t *testing.T) {
	ctx := context.Background()
	t.Run("GIF with a visible label becomes PNG", func(t *testing.T) {
		var g bytes.Buffer
		if err := gif.Encode(&g, photo(400, 300), nil); err != nil {
			t.Fatal(err)
		}
		out, res, err := markcmd.Relabel(ctx, g.Bytes(), markcmd.RelabelRequest{ProduceID: "GIF-1", Producer: producer, Visible: true})
		if err != nil {
			t.Fatal(err)
		}
		rep := marking.Scan(out, marking.ScanOptions{Fast: true})
		if res.Format != "png" || !res.Transcoded || marking.Sniff(out) != "png" || rep.Verdict != marking.VerdictConforming {
			t.Fatalf("report %+v, scan %s", res, rep.Verdict)
		}
	})
	t.Run("WAV gets the implicit label, bytes of sound untouched", func(t *testing.T) {
		in := mustRead(t, "../../marking/audio/testdata/s16_mono_8k.wav")
		out, res, err := markcmd.Relabel(ctx, in, markcmd.RelabelRequest{ProduceID: "AUD-1", Producer: producer})
		if err != nil {
			t.Fatal(err)
		}
		rep := marking.Scan(out, marking.ScanOptions{Fast: true})
		if res.Format != "wav" || !res.MediaKept || rep.Verdict != marking.VerdictConforming || rep.Implicit[0].Fields["ProduceID"] != "AUD-1" {
			t.Fatalf("report %+v, scan %s", res, rep.Verdict)
		}
	})
	for _, tc := range []struct {
		name, file string
		req        markcmd.RelabelRequest
		msg        string
	}{
		{"text is not a format mark writes", "../../testdata/labels/hb_plain.txt", markcmd.RelabelRequest{ProduceID: "T1", Producer: producer}, "cannot relabel a text file"},
		{"PDF neither", "../../testdata/labels/et_xmp.pdf", markcmd.RelabelRequest{ProduceID: "T1", Producer: producer}, "cannot relabel a pdf file"},
		{"no visible label on sound", "../../marking/audio/testdata/s16_mono_8k.wav", markcmd.RelabelRequest{ProduceID: "A1", Producer: producer, Visible: true}, "this is a wav file"},
		{"a bad producer code", "../../testdata/labels/pil_nolabel.png", markcmd.RelabelRequest{ProduceID: "A1", Producer: "NOT-A-PROVIDER-CODE"}, "not a valid provider code"},
		{"no ProduceID", "../../testdata/labels/pil_nolabel.png", markcmd.RelabelRequest{Producer: producer}, "no ProduceID"},
		{"a bad position", "../../testdata/labels/pil_nolabel.png", markcmd.RelabelRequest{ProduceID: "A1", Producer: producer, Visible: true, Position: "middle"}, "middle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := markcmd.Relabel(ctx, mustRead(t, tc.file), tc.req)
			if review.ErrorCode(err) != review.EINVALID || !strings.Contains(review.ErrorMessage(err), tc.msg) || strings.Contains(err.Error(), "--") || out != nil {
				t.Fatalf("got %v, want EINVALID mentioning %q", err, tc.msg)
			}
		})
	}
}
