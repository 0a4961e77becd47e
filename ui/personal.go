package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// personalView carries out personal-data requests (PIPL Art. 47): look a
// person up to see what is held, erase it on request — with the reason and
// the person id typed again — and the list of persons whose retention
// period has ended, each with an erase action. The audit log keeps the
// request and what was cleared, never the data, so it still verifies.
type personalView struct {
	svc     review.PersonalRequests
	acct    review.Account
	win     fyne.Window
	run     func(job func())
	dialogs *dialogStack // set by the session; nil shows dialogs alone

	person    *widget.Entry
	lookup    *widget.Button
	heldText  *widget.Label
	erase     *widget.Button
	status    *widget.Label
	retention *widget.Label
	total     *widget.Label
	rows      *pagedList[review.RetentionRow]
	root      fyne.CanvasObject

	held *review.PersonalHeld // the person looked up
	// the open erase dialog's widgets, for tests
	reason    *widget.Select
	reference *widget.Entry
	confirm   *widget.Entry
	doErase   *widget.Button
	busy      bool
}

var (
	retentionColumns = []string{"personal.col.person", "personal.col.last", ""}
	retentionLayout  = columnsLayout{weights: []float32{1.5, 1.5, 1}}
)

// canSeePersonal: managers and admins carry out deletion requests.
func canSeePersonal(a review.Account) bool { return review.Require(a, review.ActErasePersonal) == nil }

func newPersonalView(svc review.PersonalRequests, acct review.Account, win fyne.Window, run func(job func())) *personalView {
	v := &personalView{svc: svc, acct: acct, win: win, run: run}
	v.person = widget.NewEntry()
	v.person.SetPlaceHolder(lang.L("personal.person.placeholder"))
	v.person.OnSubmitted = func(string) { v.onLookup() }
	v.lookup = widget.NewButtonWithIcon(lang.L("personal.lookup"), theme.SearchIcon(), v.onLookup)
	v.heldText = widget.NewLabel(lang.L("personal.pick"))
	v.heldText.Wrapping = fyne.TextWrapWord
	v.erase = widget.NewButtonWithIcon(keyedLabel("personal.erase", scErase), theme.DeleteIcon(), v.onErase)
	v.erase.Importance = widget.DangerImportance
	v.erase.Disable()
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.retention = widget.NewLabel("")
	v.retention.Wrapping = fyne.TextWrapWord
	v.total = widget.NewLabel("")

	v.rows = newPagedList(run, v.newRow, v.showRow, func(o fyne.CanvasObject) {
		objs := o.(*fyne.Container).Objects
		objs[0].(*widget.Label).SetText("…")
		objs[1].(*widget.Label).SetText("")
		objs[2].(*widget.Button).Hide()
	})
	v.rows.fetch = func(offset, limit int) func(context.Context) ([]review.RetentionRow, int, error) {
		return func(ctx context.Context) ([]review.RetentionRow, int, error) {
			rows, total, ret, err := v.svc.PastRetention(ctx, v.acct, offset, limit)
			if err == nil && offset == 0 {
				fyne.Do(func() { v.showRetention(ret) })
			}
			return rows, total, err
		}
	}
	v.rows.loaded = func(total int, err error) {
		if err != nil {
			v.total.SetText(errorText(err))
			return
		}
		v.total.SetText(lang.L("personal.due.total", map[string]any{"N": total}))
	}

	help := widget.NewLabel(lang.L("personal.help"))
	help.Wrapping = fyne.TextWrapWord
	request := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("personal.request"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, v.lookup, v.person),
		v.heldText, container.NewHBox(layout.NewSpacer(), v.erase), v.status)
	refresh := widget.NewButtonWithIcon(lang.L("summary.refresh"), theme.ViewRefreshIcon(), v.reload)
	due := container.NewBorder(container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("personal.due"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		v.retention, container.NewBorder(nil, nil, nil, refresh, v.total), columnsHeader(retentionLayout, retentionColumns)),
		nil, nil, nil, v.rows.list)
	v.root = container.NewBorder(container.NewVBox(help, request), nil, nil, nil, due)
	return v
}

func (v *personalView) content() fyne.CanvasObject { return v.root }

// shortcuts are the screen's keys, for the session to register while the
// screen is in front.
func (v *personalView) shortcuts() []viewShortcut { return []viewShortcut{{scErase, v.onErase}} }

// reload reads the retention list again.
func (v *personalView) reload() { v.rows.reload() }

func (v *personalView) newRow() fyne.CanvasObject {
	id := widget.NewLabel("")
	id.Truncation = fyne.TextTruncateEllipsis
	last := widget.NewLabel("")
	b := widget.NewButtonWithIcon(lang.L("personal.erase.row"), theme.DeleteIcon(), nil)
	b.Importance = widget.DangerImportance
	return container.New(retentionLayout, id, last, b)
}

func (v *personalView) showRow(r review.RetentionRow, o fyne.CanvasObject) {
	objs := o.(*fyne.Container).Objects
	objs[0].(*widget.Label).SetText(cleanText(r.PersonID))
	objs[1].(*widget.Label).SetText(shownDay(r.LastActivity))
	b := objs[2].(*widget.Button)
	id := r.PersonID
	b.OnTapped = func() { v.eraseFromList(id) }
	b.Show()
}

func (v *personalView) showRetention(r review.Retention) {
	if r.Default {
		v.retention.SetText(lang.L("personal.retention.default", map[string]any{"Years": review.DefaultRetentionYears}))
		return
	}
	v.retention.SetText(lang.L("personal.retention.days", map[string]any{"Days": r.Days}))
}

// eraseFromList looks a listed person up and opens the erase dialog.
func (v *personalView) eraseFromList(id string) {
	v.person.SetText(id)
	v.load(id, true)
}

// onLookup shows what is held for the person typed.
func (v *personalView) onLookup() { v.load(strings.TrimSpace(v.person.Text), false) }

func (v *personalView) load(id string, thenErase bool) {
	if id == "" || v.busy {
		return
	}
	v.held = nil
	v.erase.Disable()
	v.status.SetText("")
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		h, err := v.svc.Held(ctx, v.acct, id)
		fyne.Do(func() {
			if err != nil {
				v.heldText.SetText(errorText(err))
				return
			}
			v.showHeld(h)
			if thenErase {
				v.onErase()
			}
		})
	})
}

func (v *personalView) showHeld(h review.PersonalHeld) {
	v.held = &h
	if !h.Any() {
		key := "personal.held.none"
		if !h.Erased.IsZero() {
			key = "personal.held.erased"
		}
		v.heldText.SetText(lang.L(key, map[string]any{"ID": cleanText(h.PersonID), "At": shownDate(h.Erased)}))
		v.erase.Disable()
		return
	}
	v.heldText.SetText(lang.L("personal.held", map[string]any{"ID": cleanText(h.PersonID), "What": heldSummary(h)}))
	v.erase.Enable()
}

// heldSummary words what is held, one kind to a line: "name and phone
// number", "real-name identifiers", "prompts of 3 items".
func heldSummary(h review.PersonalHeld) string {
	var parts []string
	if h.Profile {
		parts = append(parts, lang.L("personal.held.profile"))
	}
	if h.RealName {
		parts = append(parts, lang.L("personal.held.realname"))
	}
	for _, c := range []struct {
		n   int
		key string
	}{{h.ItemPrompts, "personal.held.prompts"}, {h.Complaints, "personal.held.complaints"}, {h.ConsentNames, "personal.held.consents"}} {
		if c.n > 0 {
			parts = append(parts, lang.L(c.key, map[string]any{"N": c.n}))
		}
	}
	return listLines(parts)
}

// listLines shows parts one to a line.
func listLines(parts []string) string {
	return "· " + strings.Join(parts, "\n· ")
}

// onErase opens the confirmation: the reason, the request's reference and
// the person id typed again; Erase stays disabled until they are given.
func (v *personalView) onErase() {
	if v.held == nil || !v.held.Any() || v.busy || v.erase.Disabled() {
		return
	}
	h := *v.held
	text := widget.NewLabel(lang.L("personal.erase.confirm", map[string]any{"ID": cleanText(h.PersonID), "What": heldSummary(h)}))
	text.Wrapping = fyne.TextWrapWord
	reasonOpts := make([]string, len(review.EraseReasons))
	for i, r := range review.EraseReasons {
		reasonOpts[i] = lang.L("personal.reason." + r)
	}
	v.reason = widget.NewSelect(reasonOpts, func(string) { v.checkConfirm(h.PersonID) })
	v.reason.PlaceHolder = lang.L("personal.reason.pick")
	v.reference = widget.NewEntry()
	v.reference.SetPlaceHolder(lang.L("personal.reference.placeholder"))
	v.confirm = widget.NewEntry()
	v.confirm.SetPlaceHolder(cleanText(h.PersonID))
	v.confirm.OnChanged = func(string) { v.checkConfirm(h.PersonID) }
	cancel := widget.NewButton(lang.L("consents.cancel"), nil)
	v.doErase = widget.NewButtonWithIcon(lang.L("personal.erase.do"), theme.DeleteIcon(), nil)
	v.doErase.Importance = widget.DangerImportance
	v.doErase.Disable()
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("personal.reason")), v.reason,
		widget.NewLabel(lang.L("personal.reference")), v.reference,
		widget.NewLabel(lang.L("personal.confirm", map[string]any{"ID": cleanText(h.PersonID)})), v.confirm)
	body := container.NewVBox(newMinWidth(520, text), form, container.NewHBox(layout.NewSpacer(), cancel, v.doErase))
	dg := dialog.NewCustomWithoutButtons(lang.L("personal.erase.title"), body, v.win)
	cancel.OnTapped = dg.Hide
	v.confirm.OnSubmitted = func(string) {
		if !v.doErase.Disabled() {
			v.doErase.OnTapped()
		}
	}
	v.doErase.OnTapped = func() {
		req := review.ErasureRequest{PersonID: h.PersonID, Confirm: v.confirm.Text,
			Reason: review.EraseReasons[max(v.reason.SelectedIndex(), 0)], Reference: strings.TrimSpace(v.reference.Text)}
		dg.Hide()
		v.eraseNow(req)
	}
	registerDialog(v.dialogs, dg)
	v.win.Canvas().Focus(v.confirm)
}

// checkConfirm enables Erase once a reason is chosen and the id typed
// again matches.
func (v *personalView) checkConfirm(id string) {
	if v.doErase == nil {
		return
	}
	if v.reason.SelectedIndex() >= 0 && v.confirm.Text == id {
		v.doErase.Enable()
	} else {
		v.doErase.Disable()
	}
}

func (v *personalView) eraseNow(req review.ErasureRequest) {
	v.busy = true
	v.erase.Disable()
	v.status.SetText(lang.L("personal.erasing"))
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		res, err := v.svc.Erase(ctx, v.acct, req)
		fyne.Do(func() {
			v.busy = false
			if err != nil {
				if review.ErrorCode(err) == review.EINTERNAL {
					fyne.LogError("erase personal data of "+req.PersonID, err)
				}
				v.status.SetText(errorText(err))
				if v.held != nil && v.held.Any() {
					v.erase.Enable()
				}
				return
			}
			msg := lang.L("personal.erased", map[string]any{"ID": cleanText(req.PersonID), "What": clearedSummary(res.Cleared)})
			v.reload()
			v.load(req.PersonID, false)
			v.status.SetText(msg)
		})
	})
}

// clearedSummary words the places cleared, in a fixed order.
func clearedSummary(c map[string]int64) string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if c[k] == 0 {
			continue
		}
		parts = append(parts, lang.L("personal.cleared."+clearedKey(k))+" "+strconv.FormatInt(c[k], 10))
	}
	if len(parts) == 0 {
		return lang.L("personal.cleared.nothing")
	}
	return listLines(parts)
}

// clearedKey names a place store.ErasePersonal clears; unknown places
// (a newer store) are "other".
func clearedKey(k string) string {
	switch k {
	case "platform_users", "real_names", "item_prompts", "complaints", "consents":
		return k
	}
	return "other"
}
