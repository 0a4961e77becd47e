package ui

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
	"synthreview/ui/widgets"
)

// fakeDashboards is a review.DashboardReader whose answers a test scripts.
type fakeDashboards struct {
	answers []dashAnswer // returned in turn; the last one repeats
	days    []int        // the window of each call
}

type dashAnswer struct {
	d   review.Dashboard
	err error
}

var _ review.DashboardReader = (*fakeDashboards)(nil)

func (f *fakeDashboards) Read(_ context.Context, a review.Account, days int) (review.Dashboard, error) {
	if err := review.Require(a, review.ActSeeAll); err != nil {
		return review.Dashboard{}, err
	}
	ans := f.answers[min(len(f.days), len(f.answers)-1)]
	f.days = append(f.days, days)
	if ans.err == nil {
		ans.d.Days = days
	}
	return ans.d, ans.err
}

var dashManager = review.Account{ID: 2, Name: "manager", Role: review.RoleManager}

// sampleDashboard is a busy week ending at fixedNow (28 Nov 2025 09:30 UTC).
func sampleDashboard() review.Dashboard {
	now := fixedNow()
	start := time.Date(2025, 11, 22, 0, 0, 0, 0, time.UTC)
	d := review.Dashboard{
		Days: 7, Since: start, Until: now,
		Backlog: []review.QueueBacklog{
			{Queue: review.QueueLive, Waiting: 214, InReview: 6, Held: 9, Oldest: time.Date(2025, 11, 25, 7, 10, 0, 0, time.UTC)},
			{Queue: review.QueueEscalation, Waiting: 17, InReview: 1, Oldest: time.Date(2025, 11, 27, 21, 0, 0, 0, time.UTC)},
		},
		Overturns:      review.Overturns{Redecided: 24, Overturned: 3},
		Compliance:     review.Compliance{Received: 1000, Implicit: review.Share{N: 934, Of: 1000}, Explicit: review.Share{N: 412, Of: 450}},
		Routing:        review.Routing{Received: 1000, Routed: 352, Cleared: 648},
		ComplaintsOpen: 5, ComplaintsOverdue: 2,
		OutboxUnacked: 7, OutboxOverdue: 2,
		Reviewers: []review.ReviewerDecisions{
			{Actor: "reviewer1", ByOutcome: map[review.Outcome]int{review.OutcomeApprove: 120, review.OutcomeReject: 30, review.OutcomeHold: 4}},
			{Actor: "reviewer2", ByOutcome: map[review.Outcome]int{review.OutcomeApprove: 80, review.OutcomeApproveRelabel: 10,
				review.OutcomeReject: 12, review.OutcomeSkip: 3}, Undone: 2},
			{Actor: "senior1", ByOutcome: map[review.Outcome]int{review.OutcomeReject: 9, review.OutcomeApprove: 15}, Undone: 1},
		},
		Undone: 3,
	}
	perDay := [][4]int{{40, 6, 2, 1}, {0, 0, 0, 0}, {35, 8, 3, 0}, {52, 9, 1, 2}, {44, 7, 2, 0}, {38, 11, 0, 1}, {16, 4, 1, 0}}
	for i, p := range perDay {
		d.PerDay = append(d.PerDay, review.DayDecisions{Day: start.AddDate(0, 0, i), ByOutcome: map[review.Outcome]int{
			review.OutcomeApprove: p[0], review.OutcomeReject: p[1], review.OutcomeEscalate: p[2], review.OutcomeSkip: p[3]}})
	}
	return d
}

// newDashWindow shows a dashboard over f in a test window, without its
// first read.
func newDashWindow(t *testing.T, f *fakeDashboards, acct review.Account, run func(func())) (*dashboardView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	win := test.NewTempWindow(t, widget.NewLabel(""))
	v := newDashboardView(f, acct, win, run)
	v.now = fixedNow
	win.SetContent(v.content())
	win.Resize(fyne.NewSize(1280, 1000))
	return v, win
}

func barTexts(c *widgets.BarChart) []string {
	var out []string
	for _, b := range c.Bars() {
		out = append(out, b.Label+" = "+b.Text)
	}
	return out
}

func TestDashboardShowsTheFigures(t *testing.T) {
	f := &fakeDashboards{answers: []dashAnswer{{d: sampleDashboard()}}}
	v, win := newDashWindow(t, f, dashManager, runNow)
	if len(f.days) != 0 || v.oldest.value.Text != "—" {
		t.Fatalf("the dashboard read %v before it was shown, or shows %q", f.days, v.oldest.value.Text)
	}
	v.reload()

	if len(f.days) != 1 || f.days[0] != 7 {
		t.Fatalf("read windows %v, want one read of 7 days", f.days)
	}
	tiles := map[string]struct {
		tile           *dashTile
		value, caption string
		red            bool
	}{
		"oldest":     {v.oldest, "3 d 2 h", "Live queue: waiting 3 d 2 h\nEscalation queue: waiting 12 h 30 min", false},
		"overturn":   {v.overturn, "12.5 %", "3 of 24 senior re-decisions changed approve to reject or back", false},
		"sampling":   {v.sampling, "35.2 %", "352 of 1,000 items received went to a queue; 648 cleared by the machine", false},
		"complaints": {v.complaints, "2", "5 not yet answered in all", true},
		"outbox":     {v.outbox, "7", "2 older than 24 h", true},
		"undone":     {v.undone, "3", "taken back by their reviewer within the undo window", false},
	}
	for name, c := range tiles {
		if c.tile.value.Text != c.value || c.tile.caption.Text != c.caption {
			t.Errorf("%s tile: %q / %q, want %q / %q", name, c.tile.value.Text, c.tile.caption.Text, c.value, c.caption)
		}
		if red := c.tile.value.Importance == widget.DangerImportance; red != c.red {
			t.Errorf("%s tile red: %v, want %v", name, red, c.red)
		}
	}
	if got := strings.Join(barTexts(v.backlog), "; "); got != "Live queue: waiting = 214; Live queue: in review = 6; Live queue: on hold = 9; "+
		"Escalation queue: waiting = 17; Escalation queue: in review = 1; Escalation queue: on hold = 0" {
		t.Errorf("backlog bars: %s", got)
	}
	if v.backlogCard.Subtitle != "231 waiting" {
		t.Errorf("backlog number %q", v.backlogCard.Subtitle)
	}
	// Busiest reviewer first, with the outcomes in words.
	if got := strings.Join(barTexts(v.reviewers), "; "); got != "reviewer1 = 154: 120 approved, 30 rejected, 4 other; "+
		"reviewer2 = 105: 90 approved, 12 rejected, 3 other; senior1 = 24: 15 approved, 9 rejected, 0 other" {
		t.Errorf("reviewer bars: %s", got)
	}
	if v.reviewersCard.Subtitle != "283 decisions by 3 accounts" {
		t.Errorf("reviewers number %q", v.reviewersCard.Subtitle)
	}
	// Compliance bars measure against 100 %: 93.4 % is 934 of 1000 long.
	bars := v.compliance.Bars()
	if got := strings.Join(barTexts(v.compliance), "; "); got != "Implicit label = 93.4 % (934 of 1,000); Explicit label = 91.6 % (412 of 450); "+
		"Watermark = — (none checked); All items = 100 %" {
		t.Errorf("compliance bars: %s", got)
	}
	if bars[0].Value != 934 || bars[1].Value != 916 || bars[2].Value != 0 || bars[3].Value != 1000 {
		t.Errorf("compliance bar lengths %d, %d, %d against %d", bars[0].Value, bars[1].Value, bars[2].Value, bars[3].Value)
	}
	if v.complianceCard.Subtitle != "of 1,000 items received" {
		t.Errorf("compliance number %q", v.complianceCard.Subtitle)
	}
	series := v.perDay.Series()
	if len(series) != 4 || series[0].Label != "All" || series[1].Label != "Approved" {
		t.Fatalf("per-day series %+v", series)
	}
	wantAll := []float64{49, 0, 46, 64, 53, 50, 21}
	for i, w := range wantAll {
		if series[0].Values[i] != w {
			t.Errorf("day %d: %v decisions drawn, want %v", i, series[0].Values[i], w)
		}
	}
	if series[2].Values[5] != 11 || series[3].Values[0] != 2 {
		t.Errorf("rejected on day 5 = %v (want 11), escalated or held on day 0 = %v (want 2)", series[2].Values[5], series[3].Values[0])
	}
	if v.perDayCard.Subtitle != "283 decisions in 7 days" {
		t.Errorf("per-day number %q", v.perDayCard.Subtitle)
	}
	if v.note.Text != "Since 2025-11-22, updated at 09:30:00" {
		t.Errorf("note %q", v.note.Text)
	}
	test.AssertRendersToMarkup(t, "dashboard_en.xml", win.Canvas())
}

func TestDashboardDaysSelectorRereads(t *testing.T) {
	f := &fakeDashboards{answers: []dashAnswer{{d: sampleDashboard()}}}
	v, _ := newDashWindow(t, f, dashManager, runNow)
	v.reload()
	if got := v.daysPick.Options; strings.Join(got, "|") != "7 days|30 days|90 days" {
		t.Errorf("window options %v", got)
	}
	v.daysPick.SetSelected("30 days")
	v.daysPick.SetSelected("90 days")
	v.daysPick.SetSelected("90 days") // the same again reads nothing
	test.Tap(v.refresh)
	if got := f.days; len(got) != 4 || got[1] != 30 || got[2] != 90 || got[3] != 90 {
		t.Errorf("read windows %v, want 7, 30, 90, then 90 again on Refresh", got)
	}
}

func TestDashboardTakeOverKeepsTheFiguresAndWindow(t *testing.T) {
	f := &fakeDashboards{answers: []dashAnswer{{d: sampleDashboard()}}}
	old, win := newDashWindow(t, f, dashManager, runNow)
	old.daysPick.SetSelected("30 days")
	v := newDashboardView(f, dashManager, win, runNow)
	v.takeOver(old)
	if len(f.days) != 1 || v.days != 30 || v.daysPick.Selected != "30 days" || v.oldest.value.Text != "3 d 2 h" {
		t.Errorf("after taking over: %d reads, %d days (%q selected), oldest %q", len(f.days), v.days, v.daysPick.Selected, v.oldest.value.Text)
	}
}

func TestDashboardReloadWhileReading(t *testing.T) {
	f := &fakeDashboards{answers: []dashAnswer{{d: sampleDashboard()}}}
	var jobs []func()
	v, _ := newDashWindow(t, f, dashManager, func(job func()) { jobs = append(jobs, job) })
	v.reload()
	v.reload()
	if len(jobs) != 1 || !v.refresh.Disabled() || v.busy.Hidden || v.note.Text != "Counting…" {
		t.Fatalf("%d reads started; refresh disabled %v, progress hidden %v, note %q", len(jobs), v.refresh.Disabled(), v.busy.Hidden, v.note.Text)
	}
	v.daysPick.SetSelected("30 days") // while the 7-day read runs
	jobs[0]()
	if len(jobs) != 2 {
		t.Fatalf("%d reads after the first ended; the 30-day window should be read next", len(jobs))
	}
	if v.haveData() {
		t.Error("the 7-day figures were shown although 30 days were chosen meanwhile")
	}
	jobs[1]()
	if f.days[1] != 30 || v.last.Days != 30 || v.refresh.Disabled() || !v.busy.Hidden {
		t.Errorf("reads %v, showing %d days; refresh disabled %v", f.days, v.last.Days, v.refresh.Disabled())
	}
}

func TestDashboardQuietWorkspace(t *testing.T) {
	d := review.Dashboard{Days: 7, Since: time.Date(2025, 11, 22, 0, 0, 0, 0, time.UTC), Until: fixedNow(),
		Backlog: []review.QueueBacklog{{Queue: review.QueueLive}, {Queue: review.QueueEscalation}}}
	for i := range 7 {
		d.PerDay = append(d.PerDay, review.DayDecisions{Day: d.Since.AddDate(0, 0, i), ByOutcome: map[review.Outcome]int{}})
	}
	f := &fakeDashboards{answers: []dashAnswer{{d: d}}}
	v, _ := newDashWindow(t, f, dashManager, runNow)
	v.reload()
	for name, c := range map[string]struct{ got, want string }{
		"oldest":           {v.oldest.caption.Text, "Nothing is waiting."},
		"overturn":         {v.overturn.value.Text + " " + v.overturn.caption.Text, "— No senior re-decisions in this period."},
		"sampling":         {v.sampling.value.Text + " " + v.sampling.caption.Text, "— No items received in this period."},
		"complaints":       {v.complaints.value.Text, "0"},
		"outbox":           {v.outbox.value.Text + " " + v.outbox.caption.Text, "0 none older than 24 h"},
		"implicit":         {v.compliance.Bars()[0].Text, "— (none checked)"},
		"per-day subtitle": {v.perDayCard.Subtitle, "0 decisions in 7 days"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", name, c.got, c.want)
		}
	}
	if v.complaints.value.Importance == widget.DangerImportance || v.outbox.value.Importance == widget.DangerImportance {
		t.Error("zero complaints or outbox actions past due shown in red")
	}
	if len(v.perDay.Series()) != 0 {
		t.Error("a week without decisions draws lines instead of saying so")
	}
}

func TestDashboardErrorKeepsTheFigures(t *testing.T) {
	f := &fakeDashboards{answers: []dashAnswer{{err: review.Errorf(review.EBUSY, "database is locked")}, {d: sampleDashboard()},
		{err: review.Errorf(review.EBUSY, "database is locked")}}}
	v, win := newDashWindow(t, f, dashManager, runNow)
	v.reload()
	if v.oldest.value.Text != "—" || v.note.Text != "Could not read the dashboard." || v.note.Importance != widget.DangerImportance {
		t.Errorf("after a failed first read: oldest %q, note %q", v.oldest.value.Text, v.note.Text)
	}
	if len(v.dialogs.open) != 1 {
		t.Fatalf("%d dialogs open, want the error", len(v.dialogs.open))
	}
	if texts := strings.Join(dashTexts(win.Canvas().Overlays().Top()), "\n"); !strings.Contains(texts, "database is locked") {
		t.Errorf("the error dialog does not say why:\n%s", texts)
	}
	v.dialogs.closeAll()
	v.reload()
	v.reload()
	if v.oldest.value.Text != "3 d 2 h" || !strings.HasPrefix(v.note.Text, "Could not read the dashboard. The figures shown are from 09:30:00") {
		t.Errorf("after a failed re-read: oldest %q, note %q", v.oldest.value.Text, v.note.Text)
	}
}

func TestDashboardIsForManagers(t *testing.T) {
	f := &fakeDashboards{answers: []dashAnswer{{d: sampleDashboard()}}}
	v, win := newDashWindow(t, f, review.Account{Name: "reviewer1", Role: review.RoleReviewer}, runNow)
	v.reload()
	if v.haveData() || v.oldest.value.Text != "—" {
		t.Error("a reviewer sees the dashboard's figures")
	}
	if texts := strings.Join(dashTexts(win.Canvas().Overlays().Top()), "\n"); !strings.Contains(texts, "may not see_all") {
		t.Errorf("the refusal does not say why:\n%s", texts)
	}
}

func TestDashboardInChinese(t *testing.T) {
	restoreLocale(t)
	os.Setenv(localeEnv, "zh_CN.UTF-8")
	applyLanguageNow()
	f := &fakeDashboards{answers: []dashAnswer{{d: sampleDashboard()}}}
	v, win := newDashWindow(t, f, dashManager, runNow)
	test.ApplyTheme(t, Theme())
	v.reload()

	for name, c := range map[string]struct{ got, want string }{
		"title":      {v.oldest.card.Subtitle, "最久待审内容"},
		"oldest":     {v.oldest.value.Text, "3 天 2 小时"},
		"complaints": {v.complaints.caption.Text, "未答复投诉共 5 件"},
		"compliance": {v.compliance.Bars()[0].Label + " " + v.compliance.Bars()[0].Text, "隐式标识 93.4 %（1,000 条中 934 条）"},
		"explicit":   {v.compliance.Bars()[1].Label, "显式标识"},
		"watermark":  {v.compliance.Bars()[2].Label, "数字水印"},
		"days":       {strings.Join(v.daysPick.Options, "|"), "7 天|30 天|90 天"},
		"legend":     {v.perDay.Series()[3].Label, "升级或暂缓"},
		"note":       {v.note.Text, "自 2025-11-22 起，更新于 09:30:00"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", name, c.got, c.want)
		}
	}
	// Every text on screen has Chinese in it, or is a number, a date, a
	// time, or an account name from the data.
	numeric := regexp.MustCompile(`^[-—0-9.,:% ()]*$`)
	names := []string{"reviewer1", "reviewer2", "senior1"}
	for _, s := range dashTexts(v.content()) {
		if strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 || numeric.MatchString(s) {
			continue
		}
		rest := s
		for _, n := range names {
			rest = strings.ReplaceAll(rest, n, "")
		}
		if strings.IndexFunc(rest, unicode.IsLetter) >= 0 {
			t.Errorf("English left in the Chinese dashboard: %q", s)
		}
	}
	test.AssertRendersToMarkup(t, "dashboard_zh.xml", win.Canvas())
}

// dashTexts collects every text a screen shows: labels, rich text, card
// titles, radio options and the texts charts draw.
func dashTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
			return
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Card:
			out = append(out, x.Title, x.Subtitle)
			walk(x.Content)
			return
		case *widget.RadioGroup:
			out = append(out, x.Options...)
			return
		case *widget.Button:
			out = append(out, x.Text)
			return
		case *widget.RichText:
			for _, s := range x.Segments {
				out = append(out, s.Textual())
			}
			return
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
			return
		case *container.Scroll:
			walk(x.Content)
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}
