package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

// goldJPEG is a small JPEG of its own (seed makes the bytes differ).
func goldJPEG(t *testing.T, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 48; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 5), uint8(y * 7), seed, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// cliByState is `status --json`'s count of items by state.
func cliByState(t *testing.T, dir string) map[string]int {
	t.Helper()
	code, out, stderr := runCLI(t, "", "status", "--workspace", dir, "--json")
	if code != 0 {
		t.Fatalf("status: %s", stderr)
	}
	var st struct {
		Items   int            `json:"items"`
		ByState map[string]int `json:"by_state"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	st.ByState["items"] = st.Items
	return st.ByState
}

// TestGoldImport: a trainer makes gold of files that are no live work —
// a labelled JPEG with only a category, and one with its generation
// record; a reviewer's session on the set shows the file's own evidence
// and preview; live work is untouched; refusals name the file and store
// nothing; the command line does the same.
func TestGoldImport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo workspace")
	}
	ctx := context.Background()
	w, signIn := openDemo(t)
	dir := w.Dir
	trainer, reviewer, manager := signIn("trainer"), signIn("reviewer1"), signIn("manager")
	tr, gi := w.Training(), w.GoldImporter()
	set, err := tr.CreateGoldSet(ctx, trainer, "Imported examples", review.QueueLive, "image_generation")
	if err != nil {
		t.Fatal(err)
	}
	queuesBefore, err := w.Desk().Queues(ctx, manager)
	if err != nil {
		t.Fatal(err)
	}
	statusBefore := cliByState(t, dir)
	approve := review.GoldItem{Expected: review.OutcomeApproveRelabel,
		Explanation: "The implicit label is present and conforming; the visible label is missing, so relabel."}

	t.Run("refusals name the file and store nothing", func(t *testing.T) {
		data := goldJPEG(t, 1)
		for _, c := range []struct {
			name string
			who  review.Account
			f    review.GoldFile
			code string
			want []string
		}{
			{"a reviewer", reviewer, review.GoldFile{Name: "example.jpg", Data: data, Category: "image_generation"}, review.EFORBIDDEN, nil},
			{"an oversize sidecar", trainer, review.GoldFile{Name: "example.jpg", Data: data, Sidecar: make([]byte, review.MaxSidecarBytes+1)},
				review.EINVALID, []string{"example.jpg", "sidecar", "over the 1048576-byte limit"}},
			{"no category and no sidecar", trainer, review.GoldFile{Name: "example.jpg", Data: data},
				review.EINVALID, []string{"example.jpg", "service category"}},
			{"an empty file", trainer, review.GoldFile{Name: "empty.jpg", Category: "image_generation"},
				review.EINVALID, []string{"empty.jpg is empty"}},
			{"a sidecar that does not parse", trainer, review.GoldFile{Name: "example.jpg", Data: data, Sidecar: []byte(`{"schema":"x"}`)},
				review.EINVALID, []string{"example.jpg: sidecar: schema"}},
			{"a file of another category than the set's", trainer, review.GoldFile{Name: "example.jpg", Data: data, Category: "face_swap"},
				review.EINVALID, []string{"example.jpg is face_swap"}},
		} {
			_, err := gi.ImportGold(ctx, c.who, set.ID, c.f, approve)
			if review.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			for _, s := range c.want {
				if !strings.Contains(review.ErrorMessage(err), s) {
					t.Errorf("%s: %q does not say %q", c.name, review.ErrorMessage(err), s)
				}
			}
		}
		if _, err := gi.ImportGold(ctx, trainer, set.ID, review.GoldFile{Name: "example.jpg", Data: data, Category: "image_generation"},
			review.GoldItem{Expected: review.OutcomeApprove}); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("a gold item without an explanation: %v, want EINVALID", err)
		}
		if w.Objects.Has(sha256Hex(data)) {
			t.Error("a refused file was stored")
		}
		if golds, err := tr.GoldItems(ctx, trainer, set.ID); err != nil || len(golds) != 0 {
			t.Errorf("the set holds %d items after refusals (%v)", len(golds), err)
		}
	})

	var added review.GoldItem
	t.Run("a labelled JPEG with a category and no sidecar", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "labels", "et_xmp.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		added, err = gi.ImportGold(ctx, trainer, set.ID, review.GoldFile{Name: "/somewhere/et_xmp.jpg", Data: data, Category: "image_generation"}, approve)
		if err != nil {
			t.Fatal(err)
		}
		if added.FileID == 0 || added.ItemID != 0 || added.ProduceID != "IMG20251128000123" || added.AddedVersion != 1 {
			t.Errorf("gold item %+v; want a file, the label's ProduceID, version 1", added)
		}
		f, err := w.DB.TrainingFile(ctx, added.FileID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name != "et_xmp.jpg" || f.Format != "jpeg" || f.Verdict != "conforming" || f.LabelState != "confirmed" ||
			f.Sidecar != "{}" || f.Category != "image_generation" || f.ObjectSHA256 != sha256Hex(data) || f.ImportedBy != "trainer" {
			t.Errorf("training file %+v", f)
		}
		if !strings.Contains(f.Scan, `"path":"et_xmp.jpg"`) || !strings.Contains(f.Scan, "IMG20251128000123") {
			t.Errorf("scan report %s", f.Scan)
		}
	})

	t.Run("a reviewer's session shows the file's evidence and preview", func(t *testing.T) {
		s, err := tr.StartSession(ctx, reviewer, set.ID)
		if err != nil {
			t.Fatal(err)
		}
		g, ev, err := tr.NextGold(ctx, reviewer, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if g.ID != added.ID || ev.Item.ID != -added.FileID || ev.Item.ID >= 0 || ev.Scan == "" || ev.Item.Format != "jpeg" ||
			ev.Item.ProduceID != "IMG20251128000123" || g.Explanation != "" {
			t.Fatalf("served %+v with %+v (scan %d bytes)", g, ev.Item, len(ev.Scan))
		}
		pv, err := tr.Preview(ctx, reviewer, ev.Item.ID)
		if err != nil || pv.Kind != "image" || len(pv.Image) == 0 {
			t.Errorf("preview %s (%d bytes), %v; want an image", pv.Kind, len(pv.Image), err)
		}
		fb, err := tr.Answer(ctx, reviewer, s.ID, g.ID, review.Decision{Outcome: review.OutcomeApproveRelabel}, time.Second)
		if err != nil || !fb.Answer.Correct {
			t.Errorf("the expected answer: %+v, %v", fb, err)
		}
	})

	t.Run("with a sidecar, whose prompt is not kept", func(t *testing.T) {
		data := goldJPEG(t, 2)
		side := func(sum string) []byte {
			return []byte(`{"schema":"synthreview.generation/v1","produce_id":"TRAIN-0001","created_at":"2025-11-28T08:00:00Z",
				"service":{"name":"PicStudio","category":"image_generation","model":"pic-2"},"prompt":"a private prompt",
				"output":{"file":"made.jpg","sha256":"` + sum + `"}}`)
		}
		_, err := gi.ImportGold(ctx, trainer, set.ID, review.GoldFile{Name: "made.jpg", Data: data, Sidecar: side(strings.Repeat("0", 64))}, approve)
		if review.ErrorCode(err) != review.EINVALID || !strings.Contains(review.ErrorMessage(err), "made.jpg has SHA-256") {
			t.Errorf("another file's sidecar: %v", err)
		}
		g, err := gi.ImportGold(ctx, trainer, set.ID, review.GoldFile{Name: "made.jpg", Data: data, Sidecar: side(sha256Hex(data))}, approve)
		if err != nil {
			t.Fatal(err)
		}
		f, err := w.DB.TrainingFile(ctx, g.FileID)
		if err != nil {
			t.Fatal(err)
		}
		if g.ProduceID != "TRAIN-0001" || f.Service != "PicStudio" || f.Model != "pic-2" || f.Verdict != "unlabelled" ||
			!strings.Contains(f.Sidecar, "TRAIN-0001") || strings.Contains(f.Sidecar, "a private prompt") {
			t.Errorf("gold %+v, file %+v", g, f)
		}
		if len(f.RuleHits) == 0 {
			t.Errorf("the rules in force found nothing in an unlabelled image: %+v", f)
		}
	})

	t.Run("the command line", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "unlabelled.jpg")
		if err := os.WriteFile(p, goldJPEG(t, 3), 0o600); err != nil {
			t.Fatal(err)
		}
		args := []string{"gold", "import", "--workspace", dir, "--as", "trainer", "--set", "Imported examples", "--expected", "reject",
			"--reasons", "implicit-label-missing, explicit-label-missing", "--explanation", "Neither label: reject until labelled.",
			"--category", "image_generation", p}
		code, out, stderr := runCLI(t, DemoPassword+"\n", args...)
		if code != 0 || !strings.Contains(out, `(unlabelled.jpg) added to "Imported examples", now version 3; scan verdict unlabelled`) {
			t.Fatalf("gold import: %d, %q, %q", code, out, stderr)
		}
		code, _, stderr = runCLI(t, DemoPassword+"\n", append([]string{"gold", "import", "--workspace", w.Dir, "--as", "reviewer1"}, args[6:]...)...)
		if code != 1 || !strings.Contains(stderr, "reviewer1") {
			t.Errorf("a reviewer's import: %d, %q", code, stderr)
		}
		golds, err := tr.GoldItems(ctx, trainer, set.ID)
		if err != nil || len(golds) != 3 || golds[2].Expected != review.OutcomeReject || len(golds[2].Reasons) != 2 {
			t.Errorf("the set's items %+v, %v", golds, err)
		}
	})

	t.Run("live work is untouched", func(t *testing.T) {
		queues, err := w.Desk().Queues(ctx, manager)
		if err != nil || !reflect.DeepEqual(queues, queuesBefore) {
			t.Errorf("queues %+v, %v; before %+v", queues, err, queuesBefore)
		}
		if after := cliByState(t, dir); !reflect.DeepEqual(after, statusBefore) {
			t.Errorf("status by state %v; before %v", after, statusBefore)
		}
	})
}
