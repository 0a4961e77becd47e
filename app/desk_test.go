package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"synthreview/app/markcmd"
	"synthreview/marking"
	"synthreview/marking/detect"
	"synthreview/marking/label"
	"synthreview/marking/watermark"
	"synthreview/review"
	"synthreview/store/objects"
)

const (
	testProducer  = "001191110108MA01ABCD5T10007"
	otherProducer = "001191440300708461136T1XGW3"
)

func TestObjectReader(t *testing.T) {
	ctx := context.Background()
	st := objects.Store{Dir: t.TempDir()}
	data := []byte("an original")
	sum, err := st.PutBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	r := objectReader{store: st}
	if got, err := r.Object(ctx, sum, 100); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("%q %v", got, err)
	}
	for _, tc := range []struct {
		name, sum string
		max       int64
		code      string
	}{
		{"larger than the bound", sum, 5, review.EINVALID},
		{"not stored", strings.Repeat("0", 64), 100, review.ENOTFOUND},
		{"a path, not a hash", "../../../etc/passwd" + strings.Repeat("a", 45), 100, review.EINVALID},
		{"upper-case hex", strings.ToUpper(sum), 100, review.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := r.Object(ctx, tc.sum, tc.max); review.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	t.Run("changed on disk", func(t *testing.T) {
		p := st.Path(sum)
		os.Chmod(p, 0o644)
		if err := os.WriteFile(p, []byte("another one"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Object(ctx, sum, 100); review.ErrorCode(err) != review.ECONFLICT || !strings.Contains(err.Error(), "changed on disk") {
			t.Fatalf("got %v", err)
		}
	})
}

func testPhoto(w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// marked writes marks into a test photo with the mark library.
func marked(t *testing.T, data []byte, req markcmd.RelabelRequest) []byte {
	t.Helper()
	if req.Producer == "" {
		req.Producer = testProducer
	}
	out, _, err := markcmd.Relabel(context.Background(), data, req)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type relabelRig struct {
	r       relabeler
	ring    *watermark.Keyring
	asked   []string // services the producer lookup was asked about
	reports map[int64]string
}

// newRig builds a relabeler over a temporary objects folder; withKey gives
// the workspace a watermark key.
func newRig(t *testing.T, withKey bool) *relabelRig {
	t.Helper()
	g := &relabelRig{reports: map[int64]string{}}
	var key *watermark.Key
	if withKey {
		g.ring = &watermark.Keyring{}
		k, err := g.ring.Rotate(time.Now(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key = &k
	}
	g.r = relabeler{
		objects: objects.Store{Dir: t.TempDir()},
		scanReport: func(_ context.Context, id int64) (string, error) {
			if r, ok := g.reports[id]; ok {
				return r, nil
			}
			return "", review.Errorf(review.ENOTFOUND, "no scan report")
		},
		producer: func(_ context.Context, service string) (string, error) {
			g.asked = append(g.asked, service)
			if service == "svc-other" {
				return otherProducer, nil
			}
			return testProducer, nil
		},
		key: func() (*watermark.Key, error) { return key, nil },
		pixels: func(context.Context) (func(image.Image, *marking.Report), error) {
			d, err := detect.New(g.ring, nil, nil)
			if err != nil {
				return nil, err
			}
			return d.Pixels, nil
		},
	}
	return g
}

// stored reads and fully scans the copy the relabeler stored.
func (g *relabelRig) stored(t *testing.T, c review.LabelledCopy) marking.Report {
	t.Helper()
	data, err := objectReader{store: g.r.objects}.Object(context.Background(), c.SHA256, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) != c.Size || marking.Sniff(data) != c.Format {
		t.Fatalf("stored %d bytes of %s, copy says %d of %s", len(data), marking.Sniff(data), c.Size, c.Format)
	}
	d, _ := detect.New(g.ring, nil, nil)
	return marking.Scan(data, marking.ScanOptions{Pixels: d.Pixels})
}

func TestRelabelerWritesWhatIsMissing(t *testing.T) {
	ctx := context.Background()
	photo := testPhoto(640, 480)
	t.Run("an unlabelled face swap: all three marks", func(t *testing.T) {
		g := newRig(t, true)
		it := review.Item{ID: 1, ProduceID: "FACE-1", Category: "face_swap", Service: "svc-other"}
		c, err := g.r.Relabel(ctx, it, photo)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Marks, []string{markImplicit, markExplicit, markWatermark}) || c.Format != "png" {
			t.Fatalf("copy %+v", c)
		}
		rep := g.stored(t, c)
		if rep.Verdict != marking.VerdictConforming || rep.Implicit[0].Fields["ContentProducer"] != otherProducer ||
			rep.Implicit[0].Fields["ProduceID"] != "FACE-1" || len(rep.Explicit) == 0 || rep.Watermark.Status != "detected" {
			t.Fatalf("scan of the copy: %s %+v %+v %+v", rep.Verdict, rep.Implicit, rep.Explicit, rep.Watermark)
		}
		if !slices.Equal(g.asked, []string{"svc-other"}) {
			t.Fatalf("producer asked for %v", g.asked)
		}
	})
	t.Run("an image generation needs no visible label (DSP Art. 17 (5))", func(t *testing.T) {
		g := newRig(t, false)
		c, err := g.r.Relabel(ctx, review.Item{ID: 1, ProduceID: "IMG-1", Category: "image_generation"}, photo)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Marks, []string{markImplicit}) {
			t.Fatalf("copy %+v", c)
		}
		if rep := g.stored(t, c); rep.Verdict != marking.VerdictConforming || len(rep.Explicit) != 0 {
			t.Fatalf("scan of the copy: %s %+v", rep.Verdict, rep.Explicit)
		}
	})
	t.Run("a valid label stays as it is; its producer is kept", func(t *testing.T) {
		g := newRig(t, false)
		in := marked(t, photo, markcmd.RelabelRequest{ProduceID: "FACE-2", Producer: otherProducer})
		c, err := g.r.Relabel(ctx, review.Item{ID: 1, ProduceID: "FACE-2", Category: "face_generation", Service: "svc"}, in)
		if err != nil {
			t.Fatal(err)
		}
		rep := g.stored(t, c)
		if !slices.Equal(c.Marks, []string{markExplicit}) || len(g.asked) != 0 || rep.Implicit[0].Fields["ContentProducer"] != otherProducer {
			t.Fatalf("copy %+v, producer asked %v, label %v", c, g.asked, rep.Implicit[0].Fields)
		}
	})
	t.Run("a nonconforming label is replaced", func(t *testing.T) {
		g := newRig(t, false)
		bad := readFile(t, "../testdata/labels/et_badcode.jpg") // a label whose producer code fails its check
		c, err := g.r.Relabel(ctx, review.Item{ID: 1, ProduceID: "BAD-1", Category: "image_generation"}, bad)
		if err != nil {
			t.Fatal(err)
		}
		if rep := g.stored(t, c); !slices.Equal(c.Marks, []string{markImplicit}) || rep.Verdict != marking.VerdictConforming {
			t.Fatalf("copy %+v, scan %s %+v", c, rep.Verdict, rep.Findings)
		}
	})
	t.Run("sound gets the implicit label only", func(t *testing.T) {
		g := newRig(t, true)
		wav := readFile(t, "../marking/audio/testdata/s16_mono_8k.wav")
		c, err := g.r.Relabel(ctx, review.Item{ID: 1, ProduceID: "TTS-1", Category: "speech_synthesis"}, wav)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Marks, []string{markImplicit}) || c.Format != "wav" {
			t.Fatalf("copy %+v", c)
		}
	})
}

func TestRelabelerRefuses(t *testing.T) {
	ctx := context.Background()
	photo := testPhoto(640, 480)
	t.Run("nothing missing: approve instead", func(t *testing.T) {
		g := newRig(t, true)
		key, _ := g.ring.Current()
		full := marked(t, photo, markcmd.RelabelRequest{ProduceID: "FULL-1", Visible: true, Watermark: &key})
		// The stored report is that of a full scan, which the relabeler trusts.
		d, _ := detect.New(g.ring, nil, nil)
		rep, _ := json.Marshal(marking.Scan(full, marking.ScanOptions{Pixels: d.Pixels}))
		g.reports[7] = string(rep)
		_, err := g.r.Relabel(ctx, review.Item{ID: 7, ProduceID: "FULL-1", Category: "face_generation"}, full)
		if review.ErrorCode(err) != review.EINVALID || review.ErrorMessage(err) != "nothing to relabel: every mark is present; approve instead" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a label of another item is not overwritten", func(t *testing.T) {
		g := newRig(t, false)
		in := marked(t, photo, markcmd.RelabelRequest{ProduceID: "SOMEONE-ELSE"})
		_, err := g.r.Relabel(ctx, review.Item{ID: 1, ProduceID: "MINE-1", Category: "face_generation"}, in)
		if review.ErrorCode(err) != review.EINVALID || !errors.Is(err, label.ErrRefused) || !strings.Contains(err.Error(), "LM Art. 10") {
			t.Fatalf("got %v", err)
		}
		if entries, _ := os.ReadDir(g.r.objects.Dir); len(entries) != 0 {
			t.Fatalf("a refused relabel stored something: %v", entries)
		}
	})
	t.Run("a format mark does not write", func(t *testing.T) {
		g := newRig(t, false)
		_, err := g.r.Relabel(ctx, review.Item{ID: 1, ProduceID: "TXT-1", Category: "text_writing"}, readFile(t, "../testdata/labels/hb_plain.txt"))
		if review.ErrorCode(err) != review.EINVALID || !strings.Contains(err.Error(), "text file") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a metadata-only stored report is checked again with the pixel detectors", func(t *testing.T) {
		g := newRig(t, false)
		in := marked(t, photo, markcmd.RelabelRequest{ProduceID: "FACE-3", Visible: true})
		rep, _ := json.Marshal(marking.Scan(in, marking.ScanOptions{Fast: true}))
		g.reports[3] = string(rep)
		// The fast report shows no visible label; the rescan finds it.
		_, err := g.r.Relabel(ctx, review.Item{ID: 3, ProduceID: "FACE-3", Category: "face_generation"}, in)
		if review.ErrorCode(err) != review.EINVALID || !strings.Contains(err.Error(), "nothing to relabel") {
			t.Fatalf("got %v", err)
		}
	})
}

type fakeRegistry struct {
	p   review.Provider
	err error
}

func (f fakeRegistry) Provider(context.Context) (review.Provider, error) { return f.p, f.err }

func TestProducerFor(t *testing.T) {
	ctx := context.Background()
	reg := fakeRegistry{p: review.Provider{ProducerCodes: []review.ProducerCode{
		{Code: testProducer, Service: "all"}, {Code: otherProducer, Service: "faces"}}}}
	for _, tc := range []struct {
		name, service string
		db            providerReader
		want, msg     string
	}{
		{"the service's own code", "faces", reg, otherProducer, ""},
		{"else the first", "voices", reg, testProducer, ""},
		{"no provider imported", "faces", fakeRegistry{err: review.Errorf(review.ENOTFOUND, "none")}, "", "import provider.json"},
		{"no codes", "faces", fakeRegistry{}, "", "no producer code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := producerFor(ctx, tc.db, tc.service)
			if tc.msg == "" && (err != nil || got != tc.want) {
				t.Fatalf("%q %v, want %q", got, err, tc.want)
			}
			if tc.msg != "" && (review.ErrorCode(err) != review.EINVALID || !strings.Contains(err.Error(), tc.msg)) {
				t.Fatalf("got %v, want EINVALID mentioning %q", err, tc.msg)
			}
		})
	}
}

// TestDeskApproveAndRelabel runs the desk over a real workspace: claim,
// preview, approve-and-relabel, and the copy in the evidence.
func TestDeskApproveAndRelabel(t *testing.T) {
	ctx := context.Background()
	w, err := CreateWorkspace(ctx, filepath.Join(t.TempDir(), "ws"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	root, err := w.Accounts().Bootstrap(ctx, "root", "root-password-1")
	if err != nil {
		t.Fatal(err)
	}
	rev, err := w.Accounts().Add(ctx, root, "rev", review.RoleReviewer, "reviewer-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	d, err := w.detectors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	add := func(produceID string, data []byte) review.Item {
		sum, size, err := w.Objects.Put(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		rep, _ := json.Marshal(marking.Scan(data, marking.ScanOptions{Pixels: d.Pixels}))
		it, err := w.DB.CreateItem(ctx, "system", review.NewItem{Item: review.Item{ProduceID: produceID, Format: "png",
			ObjectSHA256: sum, Size: size, Category: "face_generation", Service: "faces"}, ScanReport: string(rep)})
		if err != nil {
			t.Fatal(err)
		}
		return it
	}
	desk := w.Desk()
	photo := testPhoto(640, 480)
	add("DESK-1", marked(t, photo, markcmd.RelabelRequest{ProduceID: "DESK-1"})) // labelled, no visible label
	it, err := desk.Next(ctx, rev, review.QueueLive)
	if err != nil || it.ProduceID != "DESK-1" {
		t.Fatalf("claim: %+v %v", it, err)
	}
	pv, err := desk.Preview(ctx, rev, it.ID)
	if err != nil || pv.Kind != "image" || pv.Width != 640 || len(pv.Image) == 0 {
		t.Fatalf("preview %+v %v", pv, err)
	}
	done, err := desk.Decide(ctx, rev, it.ID, review.Decision{Outcome: review.OutcomeApproveRelabel})
	if err != nil || done.State != review.StateRelabelled {
		t.Fatalf("decide: %+v %v", done, err)
	}
	ev, err := desk.Evidence(ctx, rev, it.ID)
	if err != nil || len(ev.Copies) != 1 || !slices.Equal(ev.Copies[0].Marks, []string{markExplicit}) {
		t.Fatalf("evidence copies %+v %v", ev.Copies, err)
	}
	copyData, err := desk.Media(ctx, rev, ev.Copies[0].SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if rep := marking.Scan(copyData, marking.ScanOptions{Pixels: d.Pixels}); rep.Verdict != marking.VerdictConforming || len(rep.Explicit) == 0 {
		t.Fatalf("the stored copy: %s %+v", rep.Verdict, rep.Explicit)
	}

	// An unlabelled item needs the provider's producer code.
	add("DESK-2", photo)
	it, err = desk.Next(ctx, rev, review.QueueLive)
	if err != nil {
		t.Fatal(err)
	}
	_, err = desk.Decide(ctx, rev, it.ID, review.Decision{Outcome: review.OutcomeApproveRelabel})
	if review.ErrorCode(err) != review.EINVALID || !strings.Contains(err.Error(), "provider.json") {
		t.Fatalf("before the provider import: %v", err)
	}
	if _, err := w.DB.Import(ctx, "root", review.ImportBatch{Kind: "provider", FileName: "provider.json", FileSHA256: strings.Repeat("b", 64),
		Provider: &review.Provider{Name: "P", USCC: "91110108MA01ABCD5T", ProducerCodes: []review.ProducerCode{{Code: testProducer, Service: "faces"}}}}); err != nil {
		t.Fatal(err)
	}
	if done, err := desk.Decide(ctx, rev, it.ID, review.Decision{Outcome: review.OutcomeApproveRelabel}); err != nil || done.State != review.StateRelabelled {
		t.Fatalf("after the import: %+v %v", done, err)
	}
}
