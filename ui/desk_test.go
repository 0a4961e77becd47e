package ui

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// newDeskWindow builds a main window with sign-in over a fake desk and
// signs name in through the form, as a user would.
func newDeskWindow(t *testing.T, f *fakeDesk, name string) *mainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	m := newMainWindow(a, Deps{Status: &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}, Run: runNow,
		Accounts: testAccounts, Desk: f})
	m.now = fixedNow
	m.win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(m.win.Close)
	signIn(t, m, name, "correct horse battery")
	if m.session == nil {
		t.Fatalf("%s could not sign in: %q", name, m.signin.message.Text)
	}
	if d := m.session.desk; d != nil {
		d.now = fixedNow
	}
	return m
}

func signIn(t *testing.T, m *mainWindow, name, pw string) {
	t.Helper()
	if m.signin == nil {
		t.Fatal("no sign-in form on screen")
	}
	test.Type(m.signin.name, name)
	test.Type(m.signin.password, pw)
	test.Tap(m.signin.submit)
}

// press types keys on the window as a reviewer does (no widget focused).
func press(m *mainWindow, keys string) {
	m.win.Canvas().Unfocus()
	test.TypeOnCanvas(m.win.Canvas(), keys)
}

func TestSignIn(t *testing.T) {
	t.Run("a wrong password keeps the user out and says so", func(t *testing.T) {
		a := test.NewTempApp(t)
		m := newMainWindow(a, Deps{Status: &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}, Run: runNow,
			Accounts: testAccounts, Desk: newFakeDesk(1)})
		defer m.win.Close()
		signIn(t, m, "reviewer1", "wrong password!")
		if m.session != nil {
			t.Fatal("signed in with a wrong password")
		}
		if !strings.Contains(m.signin.message.Text, "wrong") || m.signin.password.Text != "" {
			t.Errorf("message %q, password left %q", m.signin.message.Text, m.signin.password.Text)
		}
		press(m, "n") // desk keys do nothing before sign-in
	})
	t.Run("the user's name and role show once signed in", func(t *testing.T) {
		m := newDeskWindow(t, newFakeDesk(1), "reviewer1")
		if !hasLabel(m.win.Canvas().Content(), "reviewer1 · Reviewer") {
			t.Error("the session bar does not name the user and role")
		}
	})
}

func TestClaimDecideNext(t *testing.T) {
	f := newFakeDesk(3)
	m := newDeskWindow(t, f, "reviewer1")
	d := m.session.desk
	if d.current != nil {
		t.Fatal("an item is shown before the reviewer asked for one")
	}
	press(m, "n")
	if d.current == nil || d.current.ev.Item.ID != 1 {
		t.Fatalf("N did not claim the oldest item: %+v", d.current)
	}
	if d.itemTitle.Text != f.items[0].ProduceID {
		t.Errorf("title %q", d.itemTitle.Text)
	}
	if d.prefetched == nil || d.prefetched.ev.Item.ID != 2 {
		t.Fatalf("the next item was not prefetched: %+v", d.prefetched)
	}
	previews := f.previews
	press(m, "a")
	dec, ok := f.lastDecision()
	if !ok || dec.ItemID != 1 || dec.Outcome != review.OutcomeApprove || dec.Actor != "reviewer1" {
		t.Fatalf("A did not approve item 1: %+v", dec)
	}
	if d.current == nil || d.current.ev.Item.ID != 2 {
		t.Fatalf("item 2 is not shown after the decision: %+v", d.current)
	}
	if f.previews != previews+1 { // only the prefetch of item 3, none for item 2
		t.Errorf("item 2's preview was read again: %d reads, want %d", f.previews, previews+1)
	}
	if !strings.Contains(d.status.Text, "Approve") || !strings.Contains(d.status.Text, "U") {
		t.Errorf("status %q does not say what was decided and how to undo it", d.status.Text)
	}
	press(m, "a")
	press(m, "a")
	if d.current != nil || !strings.Contains(d.empty.Text, "empty") {
		t.Errorf("after the last item the desk should say the queue is empty, got %q", d.empty.Text)
	}
	if d.buttons[actApprove].Disabled() == false {
		t.Error("Approve is enabled with no item")
	}
}

func TestRelabel(t *testing.T) {
	f := newFakeDesk(2)
	m := newDeskWindow(t, f, "reviewer1")
	press(m, "nl")
	dec, ok := f.lastDecision()
	if !ok || dec.Outcome != review.OutcomeApproveRelabel || dec.ItemID != 1 {
		t.Fatalf("L did not approve and relabel item 1: %+v", dec)
	}
	if f.items[0].State != review.StateRelabelled {
		t.Errorf("item 1 is %s", f.items[0].State)
	}
}

func TestUndo(t *testing.T) {
	f := newFakeDesk(3)
	m := newDeskWindow(t, f, "reviewer1")
	d := m.session.desk
	press(m, "na")
	if d.current.ev.Item.ID != 2 {
		t.Fatal("setup: item 2 not shown")
	}
	if d.buttons[actUndo].Disabled() {
		t.Fatal("Undo is not offered right after a decision")
	}
	press(m, "u")
	if len(f.undone) != 1 || f.undone[0] != 1 {
		t.Fatalf("U did not undo item 1's decision: %v", f.undone)
	}
	if len(f.released) != 1 || f.released[0] != 2 {
		t.Errorf("item 2, claimed after the decision, was not given back: %v", f.released)
	}
	if d.current == nil || d.current.ev.Item.ID != 1 || f.items[0].State != review.StateInReview {
		t.Fatalf("item 1 is not back on screen in review: %+v", d.current)
	}
	if !strings.Contains(d.status.Text, "undone") {
		t.Errorf("status %q", d.status.Text)
	}
	t.Run("the window closes after the undo time", func(t *testing.T) {
		press(m, "a")
		d.now = func() time.Time { return fixedNow().Add(d.undoWindow + time.Second) }
		d.updateButtons()
		if !d.buttons[actUndo].Disabled() {
			t.Error("Undo still offered after the window")
		}
		n := len(f.undone)
		press(m, "u")
		if len(f.undone) != n {
			t.Error("U undid a decision after the window")
		}
	})
}

func TestRejectNeedsReasons(t *testing.T) {
	f := newFakeDesk(2)
	f.hits[1] = []review.RuleHit{{RuleID: "implicit-label", Severity: "error",
		Evidence: `{"kind":"implicit-label","problem":"missing"}`}}
	m := newDeskWindow(t, f, "reviewer1")
	d := m.session.desk
	press(m, "nr")
	p := d.reject
	if p == nil || len(m.dialogs.open) != 1 {
		t.Fatal("R did not open the reject dialog")
	}
	if got := p.codes(); len(got) != 1 || got[0] != "implicit-label-missing" {
		t.Fatalf("the rule hit's reason is not pre-ticked: %v", got)
	}
	press(m, "a") // keys on the window do nothing while the dialog is open
	if _, ok := f.lastDecision(); ok {
		t.Fatal("a decision went through under the open dialog")
	}
	// Filter, tick a second reason, pick a sanction, submit with Enter.
	test.Type(p.filter, "consent")
	if len(p.shown) == 0 || p.shown[0].Code != "consent-missing" {
		t.Fatalf("filter shows %v", p.shown)
	}
	p.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if p.filter.Text != "" || !p.checked["consent-missing"] {
		t.Fatal("Enter did not tick the highlighted reason and clear the filter")
	}
	p.filter.TypedRune('1')
	p.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	dec, ok := f.lastDecision()
	if !ok || dec.Outcome != review.OutcomeReject || dec.Sanction != review.SanctionWarn ||
		strings.Join(dec.Reasons, ",") != "implicit-label-missing,consent-missing" {
		t.Fatalf("decision %+v", dec)
	}
	if len(m.dialogs.open) != 0 {
		t.Error("the dialog stayed open")
	}
	t.Run("without a reason it refuses and stays open", func(t *testing.T) {
		press(m, "r")
		p := d.reject
		p.checked = map[string]bool{}
		n := len(f.decisions)
		p.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if len(f.decisions) != n || len(m.dialogs.open) != 1 || !strings.Contains(p.summary.Text, "at least one") {
			t.Errorf("a rejection without reason: decisions %d→%d, summary %q", n, len(f.decisions), p.summary.Text)
		}
		p.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if len(m.dialogs.open) != 0 {
			t.Error("Esc did not close the dialog")
		}
	})
}

func TestEscalateHoldSkipNotes(t *testing.T) {
	f := newFakeDesk(4)
	m := newDeskWindow(t, f, "reviewer1")
	d := m.session.desk
	press(m, "ne")
	p := d.note
	if p == nil {
		t.Fatal("E did not open the note dialog")
	}
	p.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if _, ok := f.lastDecision(); ok || p.message.Hidden {
		t.Fatal("an escalation without a note went through, or no message")
	}
	p.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	p.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	dec, _ := f.lastDecision()
	if dec.Outcome != review.OutcomeEscalate || dec.Note != "The guidelines do not settle this case." {
		t.Fatalf("decision %+v", dec)
	}
	if f.items[0].Queue != review.QueueEscalation {
		t.Error("the item did not move to the escalation queue")
	}
	press(m, "h")
	d.note.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // a hold needs no note
	if dec, _ := f.lastDecision(); dec.Outcome != review.OutcomeHold {
		t.Fatalf("H then Enter: %+v", dec)
	}
	press(m, "s")
	test.Type(d.note.note, "my own words")
	d.note.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if dec, _ := f.lastDecision(); dec.Outcome != review.OutcomeSkip || dec.Note != "my own words" {
		t.Fatalf("S with a typed note: %+v", dec)
	}
}

func TestRolesSeeOnlyTheirScreens(t *testing.T) {
	tabs := func(m *mainWindow) []string {
		var out []string
		for _, it := range m.session.tabs.Items {
			out = append(out, it.Text)
		}
		return out
	}
	for _, c := range []struct {
		name string
		want string
	}{
		{"reviewer1", "Review,Queues,Summary"},
		{"senior1", "Review,Queues,Summary"},
		{"manager", "Review,Queues,Summary"},
		{"trainer", "Summary"},
		{"admin", "Intake errors,Summary"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeDesk(2)
			m := newDeskWindow(t, f, c.name)
			if got := strings.Join(tabs(m), ","); got != c.want {
				t.Errorf("tabs %q, want %q", got, c.want)
			}
			press(m, "na")
			if c.name == "trainer" || c.name == "admin" {
				if _, ok := f.lastDecision(); ok || f.items[0].State != review.StateQueued {
					t.Errorf("%s decided an item", c.name)
				}
			}
		})
	}
	t.Run("a reviewer cannot pick the escalation queue", func(t *testing.T) {
		m := newDeskWindow(t, newFakeDesk(1), "reviewer1")
		if got := m.session.desk.queues.Options; len(got) != 1 {
			t.Errorf("queues offered %v", got)
		}
		m2 := newDeskWindow(t, newFakeDesk(1), "senior1")
		if got := m2.session.desk.queues.Options; len(got) != 2 {
			t.Errorf("senior's queues %v", got)
		}
	})
	t.Run("the service refuses what the screen would not offer", func(t *testing.T) {
		f := newFakeDesk(1)
		f.items[0].Queue, f.items[0].State = review.QueueEscalation, review.StateEscalated
		m := newDeskWindow(t, f, "reviewer1")
		d := m.session.desk
		d.queue = review.QueueEscalation // as if a bug let it through
		press(m, "n")
		if d.current != nil || !strings.Contains(d.status.Text, "may not") {
			t.Errorf("reviewer claimed from escalation: status %q", d.status.Text)
		}
	})
}

func TestIdleLock(t *testing.T) {
	f := newFakeDesk(2)
	m := newDeskWindow(t, f, "reviewer1")
	clock := fixedNow()
	m.now = func() time.Time { return clock }
	m.idle = 5 * time.Minute
	press(m, "n")
	clock = clock.Add(4 * time.Minute)
	m.checkIdle()
	if m.locked {
		t.Fatal("locked before the idle time")
	}
	clock = clock.Add(6 * time.Minute)
	m.checkIdle()
	if !m.locked || m.signin == nil || m.signin.locked != "reviewer1" {
		t.Fatal("not locked after the idle time")
	}
	press(m, "a")
	if _, ok := f.lastDecision(); ok {
		t.Fatal("a key decided behind the lock screen")
	}
	test.Type(m.signin.password, "wrong password!")
	test.Tap(m.signin.submit)
	if !m.locked {
		t.Fatal("a wrong password unlocked")
	}
	test.Type(m.signin.password, "correct horse battery")
	test.Tap(m.signin.submit)
	if m.locked || m.session.desk.current == nil || m.session.desk.current.ev.Item.ID != 1 {
		t.Fatal("unlocking did not bring back the item being reviewed")
	}
	t.Run("signing out gives the item back", func(t *testing.T) {
		m.onLock()
		test.Tap(findButton(t, m.win.Canvas().Content(), "Sign out"))
		if m.session != nil || len(f.released) != 1 || f.released[0] != 1 {
			t.Errorf("sign-out: session %v, released %v", m.session != nil, f.released)
		}
	})
}

func TestRemapKeys(t *testing.T) {
	f := newFakeDesk(3)
	m := newDeskWindow(t, f, "reviewer1")
	d := m.session.desk
	if swapped, ok := m.keys.set(actApprove, fyne.KeyK); !ok || swapped != "" {
		t.Fatalf("set K: %v %v", swapped, ok)
	}
	d.relabelKeys()
	if !strings.Contains(d.buttons[actApprove].Text, "(K)") {
		t.Errorf("button %q does not show the new key", d.buttons[actApprove].Text)
	}
	press(m, "na")
	if _, ok := f.lastDecision(); ok {
		t.Fatal("the old key still approves")
	}
	press(m, "k")
	if dec, ok := f.lastDecision(); !ok || dec.Outcome != review.OutcomeApprove {
		t.Fatal("the new key does not approve")
	}
	t.Run("the mapping survives a restart", func(t *testing.T) {
		k := loadKeymap(m.app.Preferences())
		if k.key(actApprove) != fyne.KeyK {
			t.Errorf("approve is %q after reload", k.key(actApprove))
		}
	})
	t.Run("taking another action's key swaps them", func(t *testing.T) {
		swapped, ok := m.keys.set(actApprove, fyne.KeyR)
		if !ok || swapped != actReject || m.keys.key(actReject) != fyne.KeyK {
			t.Errorf("swap: %v %v reject=%q", swapped, ok, m.keys.key(actReject))
		}
	})
	t.Run("window keys are refused", func(t *testing.T) {
		for _, k := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyF1, fyne.KeyReturn, fyne.KeySpace, "Ω", ""} {
			if _, ok := m.keys.set(actHold, k); ok {
				t.Errorf("%q accepted", k)
			}
		}
	})
	t.Run("the help overlay lists the keys as mapped", func(t *testing.T) {
		press(m, "?")
		if len(m.dialogs.open) != 1 || !hasLabel(m.shortcutsContent, "Approve") {
			t.Error("? did not show the desk keys")
		}
	})
}

func TestQueueList(t *testing.T) {
	f := newFakeDesk(450)
	m := newDeskWindow(t, f, "manager")
	q := m.session.queues
	m.selectTab(q.content())
	if q.rows.count != 450 {
		t.Fatalf("count %d", q.rows.count)
	}
	if len(q.rows.pages) != 1 {
		t.Errorf("%d pages read for the first screen, want 1", len(q.rows.pages))
	}
	if !strings.Contains(q.total.Text, "450") {
		t.Errorf("total %q", q.total.Text)
	}
	q.rows.list.ScrollToBottom()
	if _, ok := q.rows.row(449); !ok {
		t.Error("scrolling to the end did not read the last page")
	}
	if len(q.rows.pages) > 2 {
		t.Errorf("%d pages read; the list should read only what it shows", len(q.rows.pages))
	}
	q.category.SetSelectedIndex(slicesIndex(review.Categories, "face_swap") + 1)
	if q.rows.count != 225 {
		t.Errorf("face_swap filter: %d rows", q.rows.count)
	}
	q.rows.list.Select(0)
	if q.detail.shown == nil {
		t.Error("selecting a row did not show its evidence")
	}
}

func slicesIndex(cs []review.Category, c review.Category) int {
	for i, x := range cs {
		if x == c {
			return i
		}
	}
	return -1
}

// hasLabel reports whether a label or button with exactly text is in the
// tree under o.
func hasLabel(o fyne.CanvasObject, text string) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			found = found || w.Text == text || strings.Contains(w.Text, text)
		case *widget.Button:
			found = found || strings.Contains(w.Text, text)
		}
	})
	return found
}

func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var b *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if w, ok := o.(*widget.Button); ok && b == nil && strings.Contains(w.Text, text) {
			b = w
		}
	})
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	return b
}

func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(w)
		if r == nil {
			return
		}
		for _, c := range r.Objects() {
			walk(c, fn)
		}
	}
}

func TestBrokenPreviewSaysSo(t *testing.T) {
	f := newFakeDesk(1)
	f.broken = map[int64]bool{1: true}
	m := newDeskWindow(t, f, "reviewer1")
	d := m.session.desk
	press(m, "n")
	if d.current == nil || d.current.img != nil {
		t.Fatal("the item should show, without a picture")
	}
	if d.media.note.Hidden || !strings.Contains(d.media.note.Text, "do not decode") {
		t.Errorf("media note %q", d.media.note.Text)
	}
	if d.buttons[actApprove].Disabled() {
		t.Error("a broken picture must not stop the decision")
	}
}

func TestSuggestReasons(t *testing.T) {
	for _, c := range []struct {
		name string
		hits []review.RuleHit
		want string
	}{
		{"keyword hits give their categories", []review.RuleHit{{RuleID: "keyword", Evidence: `{"kind":"keyword","categories":["risk-a1h"],"matches":[{"category":"risk-a1h"}]}`}}, "risk-a1h"},
		{"a bank match gives its entry's category", []review.RuleHit{{RuleID: "feature-bank", Evidence: `{"kind":"feature-bank","problem":"bank-match","matches":[{"entry":{"id":"kh-1","category":"risk-a3a"},"distance":4}]}`}}, "risk-a3a"},
		{"a suppressed bank match gives nothing", []review.RuleHit{{RuleID: "feature-bank", Evidence: `{"kind":"feature-bank","problem":"suppressed-by-negative-bank","matches":[{"entry":{"category":"risk-a3a"}}]}`}}, ""},
		{"label and consent hits map by kind", []review.RuleHit{
			{Evidence: `{"kind":"explicit-label","problem":"too-small"}`}, {Evidence: `{"kind":"biometric-consent","category":"face_swap"}`}},
			"explicit-label-too-small,consent-missing"},
		{"hostile evidence is ignored", []review.RuleHit{{Evidence: `{"kind":`}, {Evidence: `{"categories":["not-a-code","risk-zz"]}`}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := strings.Join(suggestReasons(c.hits), ","); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestPauseNoticeOnTheDesk(t *testing.T) {
	paused := review.PausedFrom(review.Certification{Reviewer: "reviewer1", Queue: review.QueueLive, Revoked: true,
		RevokedBy: review.PauseActor, RevokedAt: fixedNow(), Reason: review.PauseReason(70, 10, 90)})
	since := fixedNow().Local().Format("2006-01-02 15:04")
	for _, c := range []struct {
		locale string
		want   []string
	}{
		{"en_US.UTF-8", []string{"You are paused from the Live queue since " + since, "70% on quality checks over the last 10 answers",
			"under the gate's 90%", "a trainer re-certifies you"}},
		{"zh_CN.UTF-8", []string{"自 " + since + " 起", "待审队列", "最近 10 次质量抽检的准确率为 70%", "低于门槛要求的 90%", "培训员"}},
	} {
		t.Run(c.locale, func(t *testing.T) {
			restoreLocale(t)
			os.Setenv(localeEnv, c.locale)
			applyLanguageNow()
			f := newFakeDesk(2)
			f.failNext = fmt.Errorf("claim: %w", paused)
			m := newDeskWindow(t, f, "reviewer1")
			d := m.session.desk
			press(m, "n")
			if d.current != nil {
				t.Fatal("an item is shown to a paused reviewer")
			}
			for _, w := range c.want {
				if !strings.Contains(d.status.Text, w) {
					t.Errorf("status %q lacks %q", d.status.Text, w)
				}
			}
			if strings.Contains(d.status.Text, "hidden gold:") || strings.Contains(d.status.Text, "UTC") {
				t.Errorf("the service's English message shows: %q", d.status.Text)
			}
			top := m.win.Canvas().Overlays().Top()
			if top == nil || !hasLabel(top, c.want[1]) {
				t.Error("the error dialog does not carry the pause notice")
			}
		})
	}
}
