package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// realNamesView is the real-name register (DSP Art. 9): each platform
// user's verification — method, time, result — with the identifier masked.
// A manager may unmask a user (design.md: "unmasking is a logged action for
// managers only"): the clear values show for review.UnmaskFor and are
// masked again; every unmask is in the audit log. Other roles have no
// unmask button at all, and the service refuses them anyway.
type realNamesView struct {
	svc  review.RealNameRegister
	acct review.Account
	win  fyne.Window
	run  func(job func())
	// after runs f on the Fyne goroutine once d has passed and returns a
	// function that cancels it; tests replace it to fire at will.
	after func(d time.Duration, f func()) (stop func())

	filter  review.RealNameFilter
	search  *widget.Entry
	method  *widget.Select
	result  *widget.Select
	total   *widget.Label
	rows    *pagedList[review.RealNameRow]
	title   *widget.Label
	facts   *widget.Label
	clear   *widget.Label // the unmasked values while they show
	unmask  *widget.Button
	status  *widget.Label
	root    fyne.CanvasObject
	current *review.RealNameRow

	shown     *review.Unmasked // the values in the clear, while they show
	stopTimer func()
}

var (
	realNameColumns = []string{"realnames.col.user", "realnames.col.method", "realnames.col.result",
		"realnames.col.time", "realnames.col.masked"}
	realNameLayout = columnsLayout{weights: []float32{1.2, 1.8, 0.9, 1.3, 1.6}}
	// realNameResults are the verification results, as the filter offers them.
	realNameResults = []string{"verified", "failed", "pending"}
)

// canSeeRealNames: the roles that may read the real-name register.
func canSeeRealNames(a review.Account) bool { return review.CanBrowseRegisters(a) }

func newRealNamesView(svc review.RealNameRegister, acct review.Account, win fyne.Window, run func(job func())) *realNamesView {
	v := &realNamesView{svc: svc, acct: acct, win: win, run: run, after: afterOnUI}
	v.search = widget.NewEntry()
	v.search.SetPlaceHolder(lang.L("realnames.search"))
	v.search.OnSubmitted = func(s string) {
		v.filter.Query = strings.TrimSpace(s)
		v.reload()
	}
	v.method = anySelect(review.RealNameMethods, func(m string) string { return lang.L("realname.method." + m) },
		func(m string) { v.filter.Method = m; v.reload() })
	v.result = anySelect(realNameResults, func(r string) string { return lang.L("realnames.result." + r) },
		func(r string) { v.filter.Result = r; v.reload() })
	v.total = widget.NewLabel("")
	v.rows = newPagedList(run, func() fyne.CanvasObject { return columnsRow(realNameLayout, len(realNameColumns)) },
		v.showRow, blankCells)
	v.rows.fetch = func(offset, limit int) func(context.Context) ([]review.RealNameRow, int, error) {
		f := v.filter
		f.Offset, f.Limit = offset, limit
		return func(ctx context.Context) ([]review.RealNameRow, int, error) { return v.svc.RealNames(ctx, v.acct, f) }
	}
	v.rows.loaded = func(total int, err error) {
		if err != nil {
			v.total.SetText(errorText(err))
			return
		}
		v.total.SetText(lang.L("realnames.total", map[string]any{"N": total}))
	}
	v.rows.list.OnSelected = v.onSelect

	v.title = widget.NewLabelWithStyle(lang.L("realnames.pick"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Selectable = true
	v.facts = widget.NewLabel("")
	v.facts.Wrapping = fyne.TextWrapWord
	v.clear = widget.NewLabel("")
	v.clear.Wrapping = fyne.TextWrapWord
	v.clear.Selectable = true
	v.clear.Importance = widget.WarningImportance
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	bar := container.NewHBox(layout.NewSpacer())
	if review.Require(acct, review.ActUnmask) == nil {
		v.unmask = widget.NewButtonWithIcon(keyedLabel("realnames.unmask", scUnmask), theme.VisibilityIcon(), v.onUnmask)
		v.unmask.Importance = widget.WarningImportance
		v.unmask.Disable()
		bar.Add(v.unmask)
	}
	note := widget.NewLabel(lang.L("realnames.stored"))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	detail := container.NewVBox(v.title, v.facts, note, v.clear)
	detailPane := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), bar, v.status), nil, nil, container.NewVScroll(detail))

	help := widget.NewLabel(lang.L("realnames.help"))
	help.Wrapping = fyne.TextWrapWord
	filters := container.NewGridWithColumns(3, labelled(lang.L("realnames.search.label"), v.search),
		labelled(lang.L("realnames.col.method"), v.method), labelled(lang.L("realnames.col.result"), v.result))
	refresh := widget.NewButtonWithIcon(lang.L("summary.refresh"), theme.ViewRefreshIcon(), v.reload)
	listPane := container.NewBorder(columnsHeader(realNameLayout, realNameColumns), nil, nil, nil, v.rows.list)
	split := container.NewHSplit(listPane, detailPane)
	split.Offset = 0.6
	v.root = container.NewBorder(container.NewVBox(help, filters, container.NewBorder(nil, nil, nil, refresh, v.total)), nil, nil, nil, split)
	return v
}

// afterOnUI runs f on the Fyne goroutine after d.
func afterOnUI(d time.Duration, f func()) func() {
	t := time.AfterFunc(d, func() { fyne.Do(f) })
	return func() { t.Stop() }
}

func (v *realNamesView) content() fyne.CanvasObject { return v.root }

// shortcuts are the screen's keys, for the session to register while the
// screen is in front.
func (v *realNamesView) shortcuts() []viewShortcut {
	if v.unmask == nil {
		return nil
	}
	return []viewShortcut{{scUnmask, v.onUnmask}}
}

// reload reads the list again with the current filter.
func (v *realNamesView) reload() { v.rows.reload() }

func (v *realNamesView) showRow(r review.RealNameRow, o fyne.CanvasObject) {
	masked := cleanText(r.MaskedID)
	if r.Erased || masked == "" {
		masked = lang.L("realnames.erased")
	}
	setCells(o, cleanText(r.UserID), lang.L("realname.method."+r.Method), lang.L("realnames.result."+r.Result),
		shownDay(r.VerifiedAt), masked)
	res := o.(*fyne.Container).Objects[2].(*widget.Label)
	if r.Result == "verified" {
		res.Importance = widget.MediumImportance
	} else {
		res.Importance = widget.WarningImportance
	}
	res.Refresh()
}

func (v *realNamesView) onSelect(i widget.ListItemID) {
	r, ok := v.rows.row(i)
	if !ok {
		return
	}
	v.remask()
	v.current = &r
	v.title.SetText(cleanText(r.UserID))
	masked := cleanText(r.MaskedID)
	if r.Erased || masked == "" {
		masked = lang.L("realnames.erased")
	}
	v.facts.SetText(lang.L("realnames.detail", map[string]any{"Method": lang.L("realname.method." + r.Method),
		"Result": lang.L("realnames.result." + r.Result), "Time": shownDate(r.VerifiedAt), "Masked": masked}))
	v.status.SetText("")
	if v.unmask != nil {
		if r.Erased {
			v.unmask.Disable()
		} else {
			v.unmask.Enable()
		}
	}
}

// onUnmask shows the selected user's personal data in the clear for
// review.UnmaskFor. The service refuses every role but the manager's and
// logs every unmask it carries out.
func (v *realNamesView) onUnmask() {
	if v.unmask == nil || v.unmask.Disabled() || v.current == nil {
		return
	}
	id := v.current.UserID
	v.unmask.Disable()
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		u, err := v.svc.Unmask(ctx, v.acct, id)
		fyne.Do(func() {
			if v.current == nil || v.current.UserID != id {
				return // another user was chosen meanwhile: show nothing
			}
			if err != nil {
				if review.ErrorCode(err) == review.EINTERNAL {
					fyne.LogError("unmask "+id, err)
				}
				v.status.SetText(errorText(err))
				v.unmask.Enable()
				return
			}
			v.showClear(u)
		})
	})
}

func (v *realNamesView) showClear(u review.Unmasked) {
	v.shown = &u
	name, phone := cleanText(u.DisplayName), cleanText(u.Phone)
	if name == "" {
		name = lang.L("realnames.not_held")
	}
	if phone == "" {
		phone = lang.L("realnames.not_held")
	}
	v.clear.SetText(lang.L("realnames.clear", map[string]any{"Name": name, "Phone": phone}))
	v.status.SetText(lang.L("realnames.logged", map[string]any{"Seconds": int(review.UnmaskFor.Seconds()),
		"Actor": cleanText(v.acct.Name)}))
	v.stopTimer = v.after(review.UnmaskFor, v.remask)
}

// remask hides the clear values again (time is up, or another user was
// chosen).
func (v *realNamesView) remask() {
	if v.stopTimer != nil {
		v.stopTimer()
		v.stopTimer = nil
	}
	if v.shown == nil {
		return
	}
	v.shown = nil
	v.clear.SetText("")
	v.status.SetText(lang.L("realnames.masked_again"))
	if v.unmask != nil && v.current != nil && !v.current.Erased {
		v.unmask.Enable()
	}
}
