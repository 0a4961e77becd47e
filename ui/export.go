package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// exportDateLayout is how the screen writes a day.
const exportDateLayout = "2006-01-02"

// exportLangs are the package languages offered, in the order shown.
var exportLangs = []string{"zh", "en"}

// exportView is the audit-package screen (issue 10): a manager or admin
// picks a period, a language and where to save, and exports a signed PDF
// with a progress bar and a Cancel button.
type exportView struct {
	svc  review.Exporter
	acct review.Account
	win  fyne.Window
	run  func(job func())
	now  func() time.Time
	// dialogs tracks the error dialogs, so Escape closes them
	dialogs *dialogStack

	from, to  *widget.Entry
	lang      *widget.RadioGroup
	out       *widget.Entry
	browse    *widget.Button
	export    *widget.Button
	cancelBtn *widget.Button
	bar       *widget.ProgressBar
	progress  binding.Float
	status    *widget.Label

	body     *fyne.Container    // re-laid out when the bar shows or hides
	cancel   context.CancelFunc // of the export running; nil when idle
	lastPct  int                // the last whole percent shown
	rendered fyne.CanvasObject
}

// newExportView builds the export screen for acct, who should be a
// manager or an admin (the exporter checks the role again and refuses
// anyone else).
func newExportView(svc review.Exporter, acct review.Account, win fyne.Window, run func(job func())) *exportView {
	v := &exportView{svc: svc, acct: acct, win: win, run: run, now: time.Now, dialogs: &dialogStack{}}
	v.from = widget.NewEntry()
	v.to = widget.NewEntry()
	for _, e := range []*widget.Entry{v.from, v.to} {
		e.SetPlaceHolder("YYYY-MM-DD")
		e.Validator = validDay
	}
	v.lang = widget.NewRadioGroup([]string{lang.L("export.lang.zh"), lang.L("export.lang.en")}, nil)
	v.lang.Horizontal = true
	v.lang.Required = true
	v.out = widget.NewEntry()
	v.out.SetPlaceHolder(lang.L("export.out.placeholder"))
	v.browse = widget.NewButtonWithIcon(lang.L("export.browse"), theme.FolderOpenIcon(), v.onBrowse)
	v.export = widget.NewButtonWithIcon(lang.L("export.start"), theme.DocumentSaveIcon(), v.onExport)
	v.export.Importance = widget.HighImportance
	v.cancelBtn = widget.NewButtonWithIcon(lang.L("export.cancel"), theme.CancelIcon(), v.onCancel)
	v.cancelBtn.Disable()
	v.progress = binding.NewFloat()
	v.bar = widget.NewProgressBarWithData(v.progress)
	v.bar.Hide()
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapBreak
	v.status.Selectable = true
	v.reset()
	return v
}

// reset fills the form's defaults: today for both days, Chinese.
func (v *exportView) reset() {
	today := v.now().Format(exportDateLayout)
	v.from.SetText(today)
	v.to.SetText(today)
	v.lang.SetSelected(v.lang.Options[0])
}

// content returns the screen's layout.
func (v *exportView) content() fyne.CanvasObject {
	if v.rendered != nil {
		return v.rendered
	}
	title := widget.NewLabelWithStyle(lang.L("export.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	intro := widget.NewLabel(lang.L("export.intro"))
	intro.Wrapping = fyne.TextWrapWord
	bold := func(key string) *widget.Label {
		return widget.NewLabelWithStyle(lang.L(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	form := container.New(layout.NewFormLayout(),
		bold("export.from"), v.from,
		bold("export.to"), v.to,
		bold("export.lang"), v.lang,
		bold("export.out"), container.NewBorder(nil, nil, nil, v.browse, v.out),
	)
	buttons := container.NewHBox(v.export, v.cancelBtn)
	v.body = container.NewVBox(title, intro, widget.NewSeparator(), form, buttons, v.bar, v.status)
	v.rendered = v.body
	return v.rendered
}

// showBar shows or hides the progress bar, laying the screen out again.
func (v *exportView) showBar(show bool) {
	if show == v.bar.Visible() {
		return
	}
	if show {
		v.bar.Show()
	} else {
		v.bar.Hide()
	}
	if v.body != nil {
		v.body.Refresh()
	}
}

// validDay accepts a day written YYYY-MM-DD.
func validDay(s string) error {
	if _, err := time.Parse(exportDateLayout, strings.TrimSpace(s)); err != nil {
		return errors.New(lang.L("export.bad_date"))
	}
	return nil
}

// selectedLang is the package language picked ("zh" or "en").
func (v *exportView) selectedLang() string {
	for i, o := range v.lang.Options {
		if o == v.lang.Selected {
			return exportLangs[i]
		}
	}
	return exportLangs[0]
}

// onBrowse picks the file to save with the system's save dialog.
func (v *exportView) onBrowse() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		// The exporter writes the file itself (atomically): the empty
		// file the dialog made is replaced.
		if cerr := w.Close(); cerr != nil {
			fyne.LogError("export: close the chosen file", cerr)
		}
		v.out.SetText(path)
	}, v.win)
	d.SetFileName("audit-" + strings.TrimSpace(v.from.Text) + "-" + strings.TrimSpace(v.to.Text) + ".pdf")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	v.dialogs.show(d)
}

// onExport checks the form and starts the export in the background.
func (v *exportView) onExport() {
	if v.cancel != nil {
		return
	}
	from, ferr := time.Parse(exportDateLayout, strings.TrimSpace(v.from.Text))
	to, terr := time.Parse(exportDateLayout, strings.TrimSpace(v.to.Text))
	switch {
	case ferr != nil || terr != nil:
		v.dialogs.show(dialog.NewInformation(lang.L("export.title"), lang.L("export.bad_date"), v.win))
		return
	case to.Before(from):
		v.dialogs.show(dialog.NewInformation(lang.L("export.title"), lang.L("export.reversed"), v.win))
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	v.lastPct = -1
	v.setProgress(0)
	v.showBar(true)
	v.export.Disable()
	v.browse.Disable()
	v.cancelBtn.Enable()
	v.status.SetText(lang.L("export.running"))
	pkgLang, out := v.selectedLang(), strings.TrimSpace(v.out.Text)
	v.run(func() {
		path, sum, err := v.svc.ExportAudit(ctx, v.acct, from, to, pkgLang, out, v.onProgress)
		fyne.Do(func() { v.finish(path, sum, err) })
	})
}

// onProgress sets the bar, at most once per whole percent. It may run on
// any goroutine: it touches only the binding and its own counter, which
// the exporter calls one at a time.
func (v *exportView) onProgress(done, total int) {
	if total <= 0 {
		return
	}
	pct := 100 * min(done, total) / total
	if pct == v.lastPct {
		return
	}
	v.lastPct = pct
	v.setProgress(float64(pct) / 100)
}

func (v *exportView) setProgress(f float64) {
	if err := v.progress.Set(f); err != nil {
		fyne.LogError("export progress", err)
	}
}

// onCancel stops the running export; nothing is written.
func (v *exportView) onCancel() {
	if v.cancel != nil {
		v.cancel()
		v.cancelBtn.Disable()
	}
}

// finish shows how the export ended and makes the form usable again.
func (v *exportView) finish(path, sum string, err error) {
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	v.export.Enable()
	v.browse.Enable()
	v.cancelBtn.Disable()
	switch {
	case errors.Is(err, context.Canceled):
		v.showBar(false)
		v.status.SetText(lang.L("export.cancelled"))
	case err != nil:
		v.showBar(false)
		v.status.SetText(lang.L("export.failed"))
		showError(v.win, v.dialogs, lang.L("export.failed"), err)
	default:
		v.setProgress(1)
		v.status.SetText(lang.L("export.done", map[string]any{"Path": cleanText(path), "SHA256": cleanText(sum)}))
	}
}
