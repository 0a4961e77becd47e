package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

func TestSummaryShowsTheWorkspaceCounts(t *testing.T) {
	f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}
	m, _ := newTestWindow(t, f)
	v := m.summary
	v.onRefresh()

	if f.calls != 1 {
		t.Fatalf("Status called %d times, want 1", f.calls)
	}
	checks := map[string]struct{ got, want string }{
		"workspace":     {v.workspacePath.Text, "/srv/synthreview/ws1"},
		"items":         {v.items.Text, "1,288 items in all"},
		"intake errors": {v.intakeErrors.Text, "3"},
		"accounts":      {v.accounts.Text, "6"},
		"complaints":    {v.complaints.Text, "12"},
		"consents":      {v.consents.Text, "35"},
		"events":        {v.events.Text, "48,213"},
		"chain head":    {v.chainHead.Text, "9f2c4e1ab07d…e6f09a17"},
		"checkpoint":    {v.checkpoint.Text, "2025-11-28 01:00:00 +00:00"},
		"note":          {v.note.Text, "Updated at 09:30:00"},
		"title":         {m.win.Title(), "SynthReview — ws1"},
	}
	for name, c := range checks {
		if c.got != c.want {
			t.Errorf("%s shows %q, want %q", name, c.got, c.want)
		}
	}
	if v.intakeErrors.Importance != widget.DangerImportance {
		t.Error("intake errors > 0 are not shown as a danger")
	}
	if !v.noItems.Hidden {
		t.Error("the no-items hint shows although there are items")
	}
	bars := v.chart.Bars()
	if len(bars) != len(review.States) {
		t.Fatalf("chart has %d bars, want one per state (%d)", len(bars), len(review.States))
	}
	for i, s := range review.States {
		if bars[i].Value != sampleStatus().ByState[s] {
			t.Errorf("bar %d (%s) = %d, want %d", i, s, bars[i].Value, sampleStatus().ByState[s])
		}
	}
	if bars[0].Label != "Queued" || bars[6].Label != "Rejected" {
		t.Errorf("bar labels %q, %q: want the translated state names", bars[0].Label, bars[6].Label)
	}
	test.AssertRendersToMarkup(t, "summary_full.xml", m.win.Canvas())
}

func TestSummaryEmptyWorkspaceSaysSo(t *testing.T) {
	f := &fakeStatus{answers: []statusAnswer{{st: review.Status{Workspace: "/tmp/new"}}}}
	m, _ := newTestWindow(t, f)
	m.summary.onRefresh()
	v := m.summary
	if v.noItems.Hidden {
		t.Error("an empty workspace does not show the no-items hint")
	}
	if v.chainHead.Text != "none yet" || !v.copyHead.Disabled() {
		t.Errorf("chain head %q (copy disabled %v), want \"none yet\" and a disabled copy button", v.chainHead.Text, v.copyHead.Disabled())
	}
	if v.checkpoint.Text != "none yet" {
		t.Errorf("checkpoint %q, want \"none yet\"", v.checkpoint.Text)
	}
	test.AssertRendersToMarkup(t, "summary_empty.xml", m.win.Canvas())
}

func TestSummaryRefreshReloads(t *testing.T) {
	second := sampleStatus()
	second.Items, second.Events = 1300, 48300
	second.ByState[review.StateQueued] = 226
	third := second
	third.Items = 1301
	f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}, {st: second}, {st: third}, {st: third}}}
	m, _ := newTestWindow(t, f)
	v := m.summary
	v.onRefresh()

	test.Tap(v.refresh)
	if f.calls != 2 || v.items.Text != "1,300 items in all" || v.events.Text != "48,300" {
		t.Fatalf("after Refresh: %d reads, items %q, events %q; want 2, 1,300, 48,300", f.calls, v.items.Text, v.events.Text)
	}
	if got := v.chart.Bars()[0].Value; got != 226 {
		t.Errorf("queued bar = %d after refresh, want 226", got)
	}

	m.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF5})
	if f.calls != 3 || v.items.Text != "1,301 items in all" {
		t.Errorf("F5: %d reads, items %q; want 3 and 1,301", f.calls, v.items.Text)
	}
	m.win.Canvas().(fyne.Shortcutable).TypedShortcut(scRefresh)
	if f.calls != 4 {
		t.Errorf("Ctrl+R: %d reads, want 4", f.calls)
	}
}

func TestSummaryRefreshShowsProgressAndIgnoresRepeats(t *testing.T) {
	f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}
	a := test.NewTempApp(t)
	var jobs []func()
	m := newMainWindow(a, Deps{Status: f, Run: func(job func()) { jobs = append(jobs, job) }})
	t.Cleanup(m.win.Close)
	v := m.summary

	v.onRefresh()
	v.onRefresh()
	test.Tap(v.refresh)
	if len(jobs) != 1 {
		t.Fatalf("%d background jobs started, want 1 while one runs", len(jobs))
	}
	if !v.refresh.Disabled() || v.busy.Hidden || v.note.Text != "Reading the workspace…" {
		t.Errorf("while loading: refresh disabled %v, progress hidden %v, note %q", v.refresh.Disabled(), v.busy.Hidden, v.note.Text)
	}
	if v.items.Text != "— items in all" {
		t.Errorf("before the first read items shows %q, want a dash", v.items.Text)
	}
	jobs[0]()
	if v.refresh.Disabled() || !v.busy.Hidden || v.items.Text != "1,288 items in all" {
		t.Errorf("after loading: refresh disabled %v, progress hidden %v, items %q", v.refresh.Disabled(), v.busy.Hidden, v.items.Text)
	}
}

func TestSummaryErrorKeepsTheNumbers(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		golden string
		want   []string // in the error dialog
		reject []string // never in the error dialog
	}{
		{
			"busy workspace", review.Errorf(review.EBUSY, "database is locked"), "summary_error_busy.xml",
			[]string{"Could not read the workspace summary.", "The workspace is busy; try again shortly.", "database is locked"},
			nil,
		},
		{
			"internal error", fmt.Errorf("query items: %w", errors.New("disk I/O error at page 7")), "summary_error_internal.xml",
			[]string{"Could not read the workspace summary.", "Something went wrong. The details are in the log."},
			[]string{"disk I/O", "page 7"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}, {err: c.err}}}
			m, _ := newTestWindow(t, f)
			v := m.summary
			v.onRefresh()
			v.onRefresh()

			if v.items.Text != "1,288 items in all" || v.events.Text != "48,213" || v.chart.Bars()[4].Value != 702 {
				t.Errorf("after a failed read the numbers changed: items %q, events %q", v.items.Text, v.events.Text)
			}
			if v.note.Importance != widget.DangerImportance || !strings.Contains(v.note.Text, "from 09:30:00") {
				t.Errorf("note %q (importance %v): want a danger note saying the numbers are from 09:30:00", v.note.Text, v.note.Importance)
			}
			if v.refresh.Disabled() {
				t.Error("refresh stays disabled after a failed read")
			}
			top := m.win.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("no error dialog shown")
			}
			text := strings.Join(labelTexts(top), "\n")
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("error dialog %q lacks %q", text, w)
				}
			}
			for _, r := range c.reject {
				if strings.Contains(text, r) {
					t.Errorf("error dialog %q shows internal detail %q", text, r)
				}
			}
			test.AssertRendersToMarkup(t, c.golden, m.win.Canvas())
		})
	}
}

func TestSummaryFirstReadFailingShowsNoNumbers(t *testing.T) {
	f := &fakeStatus{answers: []statusAnswer{{err: errors.New("no such file")}}}
	m, _ := newTestWindow(t, f)
	v := m.summary
	v.onRefresh()
	if v.events.Text != "—" || v.accounts.Text != "—" || v.chainHead.Text != "—" {
		t.Errorf("failed first read shows events %q accounts %q head %q, want dashes", v.events.Text, v.accounts.Text, v.chainHead.Text)
	}
	if !v.noItems.Hidden {
		t.Error("failed first read claims the workspace is empty")
	}
	if v.note.Text != "Could not read the workspace summary." {
		t.Errorf("note %q", v.note.Text)
	}
}

func TestSummaryCopiesTheFullChainHead(t *testing.T) {
	f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}
	m, a := newTestWindow(t, f)
	m.summary.onRefresh()
	test.Tap(m.summary.copyHead)
	if got := a.Clipboard().Content(); got != sampleStatus().ChainHead {
		t.Errorf("clipboard holds %q, want the full chain head", got)
	}
	if m.summary.note.Text != "Chain head copied" {
		t.Errorf("note %q after copying", m.summary.note.Text)
	}
}

func TestSummaryShowsHostileStringsSafely(t *testing.T) {
	st := sampleStatus()
	st.Workspace = "/ws\x00\x1b[31m\xff" + strings.Repeat("a", 10000)
	st.ChainHead = "abc\ndef"
	st.LastCheckpoint = "yesterday\x07"
	st.ByState["mystery\x00"] = 4
	f := &fakeStatus{answers: []statusAnswer{{st: st}}}
	m, _ := newTestWindow(t, f)
	v := m.summary
	v.onRefresh()
	for name, s := range map[string]string{"workspace": v.workspacePath.Text, "head": v.chainHead.Text, "checkpoint": v.checkpoint.Text} {
		if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
			t.Errorf("%s shows control characters or invalid UTF-8: %q", name, s)
		}
	}
	if len(v.workspacePath.Text) > maxShownText+len("…") {
		t.Errorf("workspace path shown with %d bytes, want at most %d", len(v.workspacePath.Text), maxShownText)
	}
	if v.chainHead.Text != "abcdef" || v.checkpoint.Text != "yesterday" {
		t.Errorf("head %q, checkpoint %q", v.chainHead.Text, v.checkpoint.Text)
	}
	bars := v.chart.Bars()
	if last := bars[len(bars)-1]; last.Label != "mystery" || last.Value != 4 {
		t.Errorf("unknown state shown as %+v, want its cleaned code and count", last)
	}
}

func TestGroupDigits(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1,000"},
		{48213, "48,213"},
		{1234567, "1,234,567"},
		{-1234, "-1,234"},
		{-9223372036854775808, "-9,223,372,036,854,775,808"},
	} {
		if got := groupDigits(c.in); got != c.want {
			t.Errorf("groupDigits(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFormatCheckpoint(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "none yet"},
		{"2025-11-28T01:00:00.000Z", "2025-11-28 01:00:00 +00:00"},
		{"2025-11-28T09:15:00+08:00", "2025-11-28 01:15:00 +00:00"},
		{"not a time", "not a time"},
	} {
		if got := formatCheckpoint(c.in); got != c.want {
			t.Errorf("formatCheckpoint(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// labelTexts collects the text of every label and rich text under o.
func labelTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.RichText:
			out = append(out, w.String())
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
			return
		}
		if wid, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(wid).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}
