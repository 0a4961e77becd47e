package ui

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// trainingService is the fake trainer as the session's training service:
// the media of gold items are the test gradient.
type trainingService struct{ *fakeTrainer }

func (trainingService) Preview(ctx context.Context, _ review.Account, itemID int64) (review.Preview, error) {
	return trainingPreview(ctx, itemID)
}

// hiddenGoldPause is reviewer's certification for queue, revoked by hidden
// gold at 70 % over the last 10 answers under a 90 % gate, two hours
// before the fixed now.
func hiddenGoldPause(id int64, reviewer, queue string) review.Certification {
	return review.Certification{ID: id, Reviewer: reviewer, Queue: queue, CertifiedBy: "trainer",
		CertifiedAt: fixedNow().Add(-72 * time.Hour), Accuracy: 93, Items: 30, MinAccuracy: 90, MinItems: 30,
		Revoked: true, RevokedAt: fixedNow().Add(-2 * time.Hour), RevokedBy: review.PauseActor,
		Reason: review.PauseReason(70, 10, 90)}
}

// newTrainingSessionWindow signs name in on a main window whose training
// service is f.
func newTrainingSessionWindow(t *testing.T, f *fakeTrainer, name string) *mainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	m := newMainWindow(a, Deps{Status: &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}, Run: runNow,
		Accounts: testAccounts, Training: trainingService{f}})
	m.now = fixedNow
	m.win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(m.win.Close)
	signIn(t, m, name, "correct horse battery")
	if m.session == nil {
		t.Fatalf("%s could not sign in: %q", name, m.signin.message.Text)
	}
	return m
}

// selectScreen brings the tab whose title is title to the front.
func selectScreen(t *testing.T, m *mainWindow, title string) {
	t.Helper()
	for _, it := range m.session.tabs.Items {
		if it.Text == title {
			m.session.tabs.Select(it)
			return
		}
	}
	t.Fatalf("no %q screen", title)
}

func TestSessionBarCountsPausedByHiddenGold(t *testing.T) {
	t.Run("a trainer sees the count as the session starts, and it goes once re-certified", func(t *testing.T) {
		f := newFakeTrainer()
		f.certs = []review.Certification{hiddenGoldPause(1, "reviewer1", review.QueueLive)}
		m := newTrainingSessionWindow(t, f, "trainer")
		p := m.session.paused
		if !p.Visible() || p.Text != "1 paused by hidden gold" || p.Importance != widget.DangerImportance {
			t.Fatalf("bar: %q (shown %v, importance %v); want 1 paused by hidden gold, in red", p.Text, p.Visible(), p.Importance)
		}
		// A trainer certifies reviewer1 again (elsewhere): the gold sets
		// screen reads the certifications when it comes to the front.
		f.certs = append(f.certs, review.Certification{ID: 2, Reviewer: "reviewer1", Queue: review.QueueLive,
			CertifiedBy: "trainer", CertifiedAt: fixedNow(), Accuracy: 95, Items: 40})
		selectScreen(t, m, "Gold sets")
		if m.session.paused.Visible() {
			t.Errorf("the bar still shows %q after the re-certification", m.session.paused.Text)
		}
	})
	t.Run("a manager sees it too, and it survives a language switch", func(t *testing.T) {
		restoreLocale(t)
		f := newFakeTrainer()
		f.certs = []review.Certification{hiddenGoldPause(1, "reviewer1", review.QueueLive),
			hiddenGoldPause(2, "senior1", review.QueueEscalation)}
		m := newTrainingSessionWindow(t, f, "manager")
		if p := m.session.paused; !p.Visible() || p.Text != "2 paused by hidden gold" {
			t.Fatalf("manager's bar: %q (shown %v)", p.Text, p.Visible())
		}
		f.certs = nil // a rebuild takes the count over without reading
		m.onLanguage(langZH)
		if p := m.session.paused; !p.Visible() || p.Text != "2 人因隐藏金标准暂停" {
			t.Errorf("Chinese bar: %q (shown %v)", p.Text, p.Visible())
		}
	})
	t.Run("a reviewer sees nothing", func(t *testing.T) {
		f := newFakeTrainer()
		f.certs = []review.Certification{hiddenGoldPause(1, "reviewer1", review.QueueLive)}
		m := newTrainingSessionWindow(t, f, "reviewer1")
		if p := m.session.paused; p.Visible() || p.Text != "" || m.session.refreshPaused != nil {
			t.Errorf("a reviewer's bar shows %q (shown %v)", p.Text, p.Visible())
		}
	})
}

func TestGoldSetsListPausedAndRecertify(t *testing.T) {
	f := newFakeTrainer()
	f.certs = []review.Certification{hiddenGoldPause(1, "reviewer1", review.QueueLive)}
	v, w := newGoldWindow(t, f)
	var counted []int
	v.onCerts = func(cs []review.Certification) { counted = append(counted, len(review.Paused(cs))) }
	v.tabs.SelectIndex(1)

	if len(v.paused) != 1 || len(v.recertify) != 1 {
		t.Fatalf("%d paused listed, %d buttons; want 1", len(v.paused), len(v.recertify))
	}
	since := fixedNow().Add(-2 * time.Hour).Local().Format("2006-01-02 15:04")
	for _, want := range []string{"reviewer1", "Live", since, "70% over the last 10, gate 90%"} {
		if !hasLabel(v.pausedList, want) {
			t.Errorf("the paused row has no %q", want)
		}
	}
	if hasLabel(v.pausedList, "Nobody is paused") {
		t.Error("the list says nobody is paused beside a pause")
	}

	// The service refuses without training since the pause: the refusal
	// shows as any other, and the pause stays listed.
	f.certifyErr = review.Errorf(review.ECONFLICT, "reviewer1 is not ready for the live queue: 0 %% over 0 items since the certification was revoked")
	test.Tap(v.recertify[0])
	if !strings.Contains(v.certMsg.Text, "since the certification was revoked") || v.certMsg.Importance != widget.DangerImportance {
		t.Errorf("refusal %q", v.certMsg.Text)
	}
	if w.Canvas().Overlays().Top() == nil {
		t.Error("the refusal has no dialog")
	}
	v.dialogs.closeAll()
	if len(v.paused) != 1 || len(f.certs) != 1 {
		t.Fatalf("after a refusal: %d listed, %d certifications", len(v.paused), len(f.certs))
	}

	f.certifyErr = nil
	test.Tap(v.recertify[0])
	if len(f.certs) != 2 {
		t.Fatalf("Re-certify did not certify: %+v", f.certs)
	}
	if c := f.certs[1]; c.Reviewer != "reviewer1" || c.Queue != review.QueueLive {
		t.Errorf("certified %s for %s; want reviewer1 for live", c.Reviewer, c.Queue)
	}
	if v.certReviewer.Text != "reviewer1" || v.certQueue.SelectedIndex() != 0 {
		t.Errorf("the form shows %q, queue %d", v.certReviewer.Text, v.certQueue.SelectedIndex())
	}
	if !strings.Contains(v.certMsg.Text, "Certified: reviewer1") {
		t.Errorf("message %q", v.certMsg.Text)
	}
	if len(v.paused) != 0 || len(v.recertify) != 0 || !hasLabel(v.pausedList, "Nobody is paused by hidden gold.") {
		t.Errorf("the list still holds %d paused after the re-certification", len(v.paused))
	}
	if len(counted) == 0 || counted[len(counted)-1] != 0 {
		t.Errorf("the session's count was told %v; want 0 last", counted)
	}
}

func TestGoldSetsRecertifiesTheEscalationQueue(t *testing.T) {
	f := newFakeTrainer()
	f.certs = []review.Certification{hiddenGoldPause(1, "senior1", review.QueueEscalation)}
	v, _ := newGoldWindow(t, f)
	v.certReviewer.SetText("someone else")
	test.Tap(v.recertify[0])
	if len(f.certs) != 2 || f.certs[1].Reviewer != "senior1" || f.certs[1].Queue != review.QueueEscalation {
		t.Fatalf("certified %+v; want senior1 for escalation", f.certs[len(f.certs)-1])
	}
	if len(v.paused) != 0 {
		t.Errorf("%d still listed", len(v.paused))
	}
}

// importWindow is the gold sets screen of a trainer with an importer over
// f, the set numbered 1 chosen.
func importWindow(t *testing.T, f *fakeTrainer) (*goldSetsView, fyne.Window, *fakeImporter) {
	t.Helper()
	v, w := newGoldWindow(t, f)
	imp := &fakeImporter{f: f}
	v.setImporter(imp)
	if !v.importGold.Visible() || !v.importGold.Disabled() {
		t.Fatalf("with no set chosen, Import is shown %v, off %v; want shown and off", v.importGold.Visible(), v.importGold.Disabled())
	}
	v.setList.Select(0)
	if v.importGold.Disabled() {
		t.Fatal("Import is off with a set chosen")
	}
	return v, w, imp
}

// writeJPEG writes a small JPEG into the test's folder and returns its
// path and bytes.
func writeJPEG(t *testing.T, name string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p, b.Bytes()
}

func TestGoldSetImportsAFile(t *testing.T) {
	f := newFakeTrainer().withSet("Known deepfakes")
	v, w, imp := importWindow(t, f)
	p, data := writeJPEG(t, "deepfake-example.jpg")

	test.Tap(v.importGold)
	form := v.importForm
	if form == nil {
		t.Fatal("no import dialog")
	}
	form.submit()
	if len(imp.files) != 0 || form.message.Text != "Enter the path of the file to import." {
		t.Fatalf("imported without a file; message %q", form.message.Text)
	}
	test.Type(form.path, p)
	test.Type(form.reasons.filter, "consent-missing")
	form.reasons.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(form.explanation, "A face swapped without a separate consent, and no label.")
	form.submit()
	if len(imp.files) != 0 || !strings.Contains(form.message.Text, "service category") {
		t.Fatalf("imported without a category or sidecar; message %q", form.message.Text)
	}
	form.category.SetSelected(lang.L("category.face_swap"))
	form.submit()
	if len(imp.files) != 1 {
		t.Fatalf("the importer was not called; message %q", form.message.Text)
	}
	got := imp.files[0]
	if got.Name != "deepfake-example.jpg" || !bytes.Equal(got.Data, data) || got.Sidecar != nil || got.Category != "face_swap" {
		t.Errorf("the importer got %s (%d bytes, sidecar %q, category %q)", got.Name, len(got.Data), got.Sidecar, got.Category)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stayed open")
	}
	if len(v.items) != 1 || v.items[0].ProduceID != "deepfake-example.jpg" || v.items[0].Expected != review.OutcomeReject {
		t.Errorf("items listed %+v", v.items)
	}
	if v.message.Text != "deepfake-example.jpg imported as gold item deepfake-example.jpg." || !strings.Contains(v.setTitle.Text, "version 2") {
		t.Errorf("message %q, title %q", v.message.Text, v.setTitle.Text)
	}

	// With a sidecar, its category counts: the select is off and none is sent.
	sc := filepath.Join(t.TempDir(), "example.json")
	if err := os.WriteFile(sc, []byte(`{"schema":"synthreview.generation/v1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	test.Tap(v.importGold)
	form = v.importForm
	test.Type(form.path, p)
	test.Type(form.sidecar, sc)
	if !form.category.Disabled() {
		t.Error("the category is offered beside a sidecar")
	}
	form.expected.SetSelectedIndex(0)
	if form.reasonsBox.Visible() {
		t.Error("reason codes are offered for an approval")
	}
	test.Type(form.explanation, "Both labels present and readable.")
	imp.err = review.Errorf(review.EINVALID, "example.jpg: sidecar: produce_id: missing")
	form.submit()
	if len(imp.files) != 2 || imp.files[1].Category != "" || string(imp.files[1].Sidecar) != `{"schema":"synthreview.generation/v1"}` {
		t.Fatalf("second import %+v", imp.files[1:])
	}
	if form.message.Text != "example.jpg: sidecar: produce_id: missing" || w.Canvas().Overlays().Top() == nil || form.busy || v.importGold.Disabled() {
		t.Errorf("a refusal shows %q (dialog open %v, busy %v)", form.message.Text, w.Canvas().Overlays().Top() != nil, form.busy)
	}
}

func TestGoldSetImportRefusesOversizeFilesBeforeReading(t *testing.T) {
	f := newFakeTrainer().withSet("Known deepfakes")
	v, _, imp := importWindow(t, f)
	dir := t.TempDir()
	// A sparse file far larger than the limit: reading it would not end
	// in a test's time, and only its size, read first, can say how large.
	huge := filepath.Join(dir, "huge.mp4")
	size := int64(1 << 40)
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, size); err != nil {
		size = review.MaxMedia + 1
		if err := os.Truncate(huge, size); err != nil {
			t.Fatal(err)
		}
	}
	test.Tap(v.importGold)
	form := v.importForm
	test.Type(form.path, huge)
	form.category.SetSelected(lang.L("category.video_generation"))
	form.expected.SetSelectedIndex(0)
	test.Type(form.explanation, "Both labels present and readable.")
	form.submit()
	want := huge + " is " + strconv.FormatInt(size, 10) + " bytes, over the " + strconv.Itoa(review.MaxMedia) + "-byte limit."
	if len(imp.files) != 0 || form.message.Text != want {
		t.Errorf("%d imports; message %q, want %q", len(imp.files), form.message.Text, want)
	}

	// The sidecar too, with its own limit.
	p, _ := writeJPEG(t, "example.jpg")
	sc := filepath.Join(dir, "example.json")
	if err := os.WriteFile(sc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sc, review.MaxSidecarBytes+1); err != nil {
		t.Fatal(err)
	}
	form.path.SetText(p)
	form.sidecar.SetText(sc)
	form.submit()
	if len(imp.files) != 0 || !strings.Contains(form.message.Text, "example.json is 1048577 bytes, over the 1048576-byte limit") {
		t.Errorf("%d imports; message %q", len(imp.files), form.message.Text)
	}
	form.sidecar.SetText(filepath.Join(dir, "missing.json"))
	form.submit()
	if len(imp.files) != 0 || !strings.Contains(form.message.Text, "There is no file at") {
		t.Errorf("%d imports; message %q", len(imp.files), form.message.Text)
	}
}

func TestGoldSetImportNeedsAnImporter(t *testing.T) {
	f := newFakeTrainer().withSet("Known deepfakes")
	t.Run("without one the screen offers live items only", func(t *testing.T) {
		v, _ := newGoldWindow(t, f)
		v.setList.Select(0)
		if v.importGold.Visible() {
			t.Error("Import a file is shown without an importer")
		}
		v.showImportDialog()
		if v.importForm != nil {
			t.Error("the import dialog opened without an importer")
		}
	})
	t.Run("the session gives the screen the window's importer", func(t *testing.T) {
		a := test.NewTempApp(t)
		m := newMainWindow(a, Deps{Status: &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}, Run: runNow,
			Accounts: testAccounts, Training: trainingService{f}, GoldImport: &fakeImporter{f: f}})
		m.now = fixedNow
		m.win.Resize(fyne.NewSize(1280, 800))
		t.Cleanup(m.win.Close)
		signIn(t, m, "trainer", "correct horse battery")
		if m.session == nil {
			t.Fatal("the trainer could not sign in")
		}
		selectScreen(t, m, "Gold sets")
		b := findButton(t, m.win.Content(), "Import a file")
		if !b.Visible() {
			t.Error("Import a file is hidden on the trainer's screen")
		}
	})
}
