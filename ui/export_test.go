package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"synthreview/review"
)

// fakeExporter is a review.Exporter whose answer a test scripts. It
// reports progress in 1,000 steps before answering, and answers the
// context's error when the context is cancelled.
type fakeExporter struct {
	calls    int
	from, to time.Time
	lang     string
	out      string
	actor    review.Account
	path     string
	err      error
}

var _ review.Exporter = (*fakeExporter)(nil)

func (f *fakeExporter) ExportAudit(ctx context.Context, actor review.Account, from, to time.Time, lang, out string,
	progress func(done, total int)) (string, string, error) {
	f.calls++
	f.actor, f.from, f.to, f.lang, f.out = actor, from, to, lang, out
	for i := range 1000 {
		if ctx.Err() != nil {
			return "", "", ctx.Err()
		}
		progress(i+1, 1000)
	}
	if f.err != nil {
		return "", "", f.err
	}
	return f.path, strings.Repeat("ab", 32), nil
}

var exportManager = review.Account{ID: 2, Name: "manager", Role: review.RoleManager}

// newTestExport builds the export screen in a window on a fresh test app,
// with today fixed and run as the runner.
func newTestExport(t *testing.T, f *fakeExporter, run func(func())) (*exportView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	win := test.NewTempWindow(t, nil)
	v := newExportView(f, exportManager, win, run)
	v.now = fixedNow
	v.reset()
	win.SetContent(v.content())
	win.Resize(fyne.NewSize(720, 520))
	return v, win
}

func TestExportFormDefaults(t *testing.T) {
	v, win := newTestExport(t, &fakeExporter{}, runNow)
	if v.from.Text != "2025-11-28" || v.to.Text != "2025-11-28" || v.selectedLang() != "zh" {
		t.Errorf("defaults: from %q to %q lang %q; want today for both and Chinese", v.from.Text, v.to.Text, v.selectedLang())
	}
	if v.export.Disabled() || !v.cancelBtn.Disabled() || v.bar.Visible() {
		t.Errorf("idle: export disabled %v, cancel disabled %v, bar visible %v", v.export.Disabled(), v.cancelBtn.Disabled(), v.bar.Visible())
	}
	test.AssertRendersToMarkup(t, "export_form.xml", win.Canvas())
}

func TestExportWritesThePackage(t *testing.T) {
	f := &fakeExporter{path: "/srv/ws/exports/audit-2025-11-01-2025-11-28.pdf"}
	v, win := newTestExport(t, f, runNow)
	v.from.SetText("2025-11-01")
	v.lang.SetSelected(v.lang.Options[1])
	test.Type(v.out, "/tmp/audit.pdf")
	test.Tap(v.export)

	if f.calls != 1 || f.actor.Name != "manager" || f.lang != "en" || f.out != "/tmp/audit.pdf" ||
		f.from.Format(exportDateLayout) != "2025-11-01" || f.to.Format(exportDateLayout) != "2025-11-28" {
		t.Fatalf("exporter called %d times with %s %s–%s %q %q", f.calls, f.actor.Name, f.from, f.to, f.lang, f.out)
	}
	if p, _ := v.progress.Get(); p != 1 {
		t.Errorf("progress %v after the export, want 1", p)
	}
	if !strings.Contains(v.status.Text, f.path) || !strings.Contains(v.status.Text, strings.Repeat("ab", 32)) {
		t.Errorf("status %q does not name the file and its SHA-256", v.status.Text)
	}
	if v.export.Disabled() || !v.cancelBtn.Disabled() {
		t.Error("after the export the form is not usable again")
	}
	test.AssertRendersToMarkup(t, "export_done.xml", win.Canvas())
}

func TestExportRefusesBadDays(t *testing.T) {
	for name, c := range map[string]struct{ from, to, want string }{
		"not a day": {"2025-13-01", "2025-11-28", "Write the day as YYYY-MM-DD"},
		"reversed":  {"2025-11-28", "2025-11-01", "before the first day"},
	} {
		t.Run(name, func(t *testing.T) {
			f := &fakeExporter{}
			v, win := newTestExport(t, f, runNow)
			v.from.SetText(c.from)
			v.to.SetText(c.to)
			test.Tap(v.export)
			if f.calls != 0 {
				t.Error("the exporter was called")
			}
			top := win.Canvas().Overlays().Top()
			if top == nil || !strings.Contains(strings.Join(labelTexts(top), "\n"), c.want) {
				t.Errorf("no message saying %q", c.want)
			}
		})
	}
}

func TestExportCancel(t *testing.T) {
	var jobs []func()
	f := &fakeExporter{path: "/tmp/x.pdf"}
	v, _ := newTestExport(t, f, func(job func()) { jobs = append(jobs, job) })
	test.Tap(v.export)
	if len(jobs) != 1 || !v.export.Disabled() || v.cancelBtn.Disabled() || !v.bar.Visible() {
		t.Fatalf("while exporting: %d jobs, export disabled %v, cancel disabled %v, bar visible %v",
			len(jobs), v.export.Disabled(), v.cancelBtn.Disabled(), v.bar.Visible())
	}
	test.Tap(v.export) // a second press while one runs does nothing
	test.Tap(v.cancelBtn)
	jobs[0]()
	if f.calls != 1 || !strings.Contains(v.status.Text, "cancelled") || v.export.Disabled() || !v.cancelBtn.Disabled() {
		t.Errorf("after cancel: %d calls, status %q, export disabled %v", f.calls, v.status.Text, v.export.Disabled())
	}
}

func TestExportRefusedForAReviewer(t *testing.T) {
	f := &fakeExporter{err: review.Errorf(review.EFORBIDDEN, `reviewer "reviewer1" may not export_audit`)}
	v, win := newTestExport(t, f, runNow)
	test.Tap(v.export)
	top := win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no error dialog")
	}
	text := strings.Join(labelTexts(top), "\n")
	if !strings.Contains(text, "could not be exported") || !strings.Contains(text, "may not export_audit") {
		t.Errorf("error dialog: %q", text)
	}
	if v.bar.Visible() || v.export.Disabled() {
		t.Error("after a refusal the bar stays or the button stays disabled")
	}
}
