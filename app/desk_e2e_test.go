package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"synthreview/review"
	"synthreview/ui"
)

// deskSession opens the real workstation window (test driver) on w and
// signs name in through the form, with the keyboard: the name field has
// the focus, Tab moves to the password, Enter submits.
func deskSession(t testing.TB, w *Workspace, run func(func())) fyne.Window {
	t.Helper()
	return deskSessionAs(t, w, w.Desk(), "reviewer1", run)
}

// deskSessionAs is deskSession with a desk of the test's and another
// account.
func deskSessionAs(t testing.TB, w *Workspace, desk review.Desk, name string, run func(func())) fyne.Window {
	t.Helper()
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	win := ui.NewMainWindow(a, ui.Deps{Status: workspaceStatus{w}, Run: run, Accounts: w.Accounts(), Desk: desk})
	win.Resize(fyne.NewSize(1280, 800))
	c := win.Canvas()
	typeInto := func(s string) {
		f := c.Focused()
		if f == nil {
			t.Fatal("nothing has the keyboard focus on the sign-in screen")
		}
		test.Type(f, s)
	}
	typeInto(name)
	c.FocusNext()
	typeInto(DemoPassword)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	return win
}

// pressKeys types on the window with nothing focused, as a reviewer at the desk.
func pressKeys(win fyne.Window, s string) {
	win.Canvas().Unfocus()
	test.TypeOnCanvas(win.Canvas(), s)
}

// dialogKey sends a key to what has the focus (the dialog's entry).
func dialogKey(t *testing.T, win fyne.Window, k fyne.KeyName) {
	t.Helper()
	f := win.Canvas().Focused()
	if f == nil {
		t.Fatal("no dialog field has the focus")
	}
	f.TypedKey(&fyne.KeyEvent{Name: k})
}

// held returns the item reviewer1 holds now.
func held(t *testing.T, w *Workspace) review.Item {
	t.Helper()
	rows, err := w.DB.QueuePage(context.Background(), review.QueueFilter{Queue: review.QueueLive, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.State == review.StateInReview && r.ClaimedBy == "reviewer1" {
			it, err := w.DB.Item(context.Background(), r.ID)
			if err != nil {
				t.Fatal(err)
			}
			return it
		}
	}
	t.Fatal("reviewer1 holds no item")
	return review.Item{}
}

type outboxFile struct {
	Kind           string   `json:"kind"`
	ProduceID      string   `json:"produce_id"`
	Outcome        string   `json:"outcome"`
	Action         string   `json:"action"`
	Reasons        []string `json:"reasons"`
	DecidedBy      string   `json:"decided_by"`
	LabelledSHA256 string   `json:"labelled_sha256"`
	LabelledFile   string   `json:"labelled_file"`
	RevokesFile    string   `json:"revokes_file"`
}

// outboxFiles reads every JSON file in outbox/ by name.
func outboxFiles(t *testing.T, w *Workspace) map[string]outboxFile {
	t.Helper()
	if err := w.syncOutbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	names, err := filepath.Glob(filepath.Join(w.Dir, "outbox", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]outboxFile{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		var f outboxFile
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		out[filepath.Base(n)] = f
	}
	return out
}

// TestReviewerWorksTenItemsWithTheKeyboard is issue 8's "done when" on the
// real store and the real window (test driver): reviewer1 signs in on the
// demo workspace and works ten items with keys alone; every decision the
// platform acts on leaves its file in outbox/, a relabel leaves the
// labelled copy beside it, and an undo cancels or revokes.
func TestReviewerWorksTenItemsWithTheKeyboard(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo workspace")
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	ctx := context.Background()
	dir := demoWorkspace(t)
	w, err := OpenWorkspace(ctx, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// This test counts the outbox files of live decisions: no claim may
	// serve hidden gold (quality_test.go has those).
	if err := w.DB.SetMeta(ctx, "trainer", review.HiddenGoldPercentKey, "0"); err != nil {
		t.Fatal(err)
	}
	before := outboxFiles(t, w)
	win := deskSession(t, w, func(job func()) { job() })
	defer win.Close()

	pressKeys(win, "n")
	type step struct {
		keys   string
		dialog []fyne.KeyName // keys for the dialog's focused field
		want   review.State
	}
	steps := []step{
		{keys: "a", want: review.StateApproved},
		{keys: "r", dialog: []fyne.KeyName{fyne.KeyReturn}, want: review.StateRejected}, // suggested reasons, Enter
		{keys: "a", want: review.StateApproved},
		{keys: "e", dialog: []fyne.KeyName{fyne.KeyDown, fyne.KeyReturn}, want: review.StateEscalated},
		{keys: "h", dialog: []fyne.KeyName{fyne.KeyReturn}, want: review.StateHeld},
		{keys: "a", want: review.StateApproved},
		{keys: "s", dialog: []fyne.KeyName{fyne.KeyDown, fyne.KeyReturn}, want: review.StateQueued},
		{keys: "a", want: review.StateApproved},
		{keys: "a", want: review.StateApproved},
		{keys: "a", want: review.StateApproved},
	}
	var decided []review.Item
	for i, s := range steps {
		it := held(t, w)
		if s.keys == "r" {
			ev, err := w.DB.Evidence(ctx, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.RuleHits) == 0 {
				// No suggestion to reject on: tick the first reason code.
				pressKeys(win, "r")
				dialogKey(t, win, fyne.KeyReturn) // ticks the highlighted reason
				dialogKey(t, win, fyne.KeyReturn) // rejects
				s.keys, s.dialog = "", nil
			}
		}
		if s.keys != "" {
			pressKeys(win, s.keys)
		}
		for _, k := range s.dialog {
			dialogKey(t, win, k)
		}
		got, err := w.DB.Item(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != s.want {
			t.Fatalf("step %d (%q on %s): item is %s, want %s", i+1, s.keys, it.ProduceID, got.State, s.want)
		}
		decided = append(decided, got)
	}
	files := outboxFiles(t, w)
	byItem := map[string][]outboxFile{}
	for name, f := range files {
		if _, old := before[name]; !old {
			byItem[f.ProduceID] = append(byItem[f.ProduceID], f)
		}
	}
	for _, it := range decided {
		fs := byItem[it.ProduceID]
		switch it.State {
		case review.StateApproved, review.StateRejected:
			if len(fs) == 0 || fs[0].Kind != "decision" || fs[0].DecidedBy != "reviewer1" {
				t.Errorf("%s (%s): outbox files %+v, want its decision", it.ProduceID, it.State, fs)
			}
		default:
			if len(fs) != 0 {
				t.Errorf("%s (%s) stays inside the workstation, but the outbox has %+v", it.ProduceID, it.State, fs)
			}
		}
	}

	t.Run("approve and relabel writes the labelled copy beside its file", func(t *testing.T) {
		// Try L on each item in turn: where every mark is there already it
		// is refused with a message (Esc closes it) and the item is approved.
		var it, got review.Item
		for range 25 {
			it = held(t, w)
			pressKeys(win, "l")
			got, _ = w.DB.Item(ctx, it.ID)
			if got.State == review.StateRelabelled {
				break
			}
			win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
			pressKeys(win, "a")
		}
		if got.State != review.StateRelabelled {
			t.Fatalf("L relabelled none of 25 items; last %s (%s, label %s): %s", it.ProduceID, it.Format, it.LabelState, got.State)
		}
		var copyFile outboxFile
		for _, f := range outboxFiles(t, w) {
			if f.ProduceID == it.ProduceID && f.Kind == "labelled_copy" {
				copyFile = f
			}
		}
		if copyFile.LabelledFile == "" {
			t.Fatal("no labelled_copy file in the outbox")
		}
		b, err := os.ReadFile(filepath.Join(w.Dir, "outbox", copyFile.LabelledFile))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != copyFile.LabelledSHA256 {
			t.Error("the labelled file does not match the SHA-256 its JSON gives")
		}
		if hex.EncodeToString(sum[:]) == it.ObjectSHA256 {
			t.Error("the labelled copy is the original")
		}
	})

	t.Run("undo takes the decision back and the platform hears of it", func(t *testing.T) {
		it := held(t, w)
		pressKeys(win, "a")
		outboxFiles(t, w) // the decision's file is written before the undo
		pressKeys(win, "u")
		got, _ := w.DB.Item(ctx, it.ID)
		if got.State != review.StateInReview || got.ClaimedBy != "reviewer1" {
			t.Fatalf("after U: %s by %q", got.State, got.ClaimedBy)
		}
		var revoke bool
		for _, f := range outboxFiles(t, w) {
			revoke = revoke || f.Kind == "revoke" && f.ProduceID == it.ProduceID && f.RevokesFile != ""
		}
		if !revoke {
			t.Error("no revoke file for the undone decision already sent")
		}
	})

	if _, _, err := w.DB.Verify(ctx, nil); err != nil {
		t.Fatalf("audit chain after the session: %v", err)
	}
	var kinds []string
	for _, f := range outboxFiles(t, w) {
		kinds = append(kinds, f.Kind)
	}
	sort.Strings(kinds)
	t.Logf("outbox kinds: %s", strings.Join(kinds, " "))
}
