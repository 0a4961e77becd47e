package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// This file is the complaints screen (issue 9, DSP Art. 12): the cases
// with their due dates, overdue ones in red wherever they appear; a case's
// details and history; and the workflow — record, start, reply (from
// templates in the user's language), send an appeal to a senior reviewer,
// close — each on a button with its key.

// casePageSize is how many cases the list reads at a time (see
// queuePageSize).
const casePageSize = 100

// caseAction is something the complaints screen does on a key.
type caseAction string

// The screen's actions.
const (
	caseNew    caseAction = "new"    // record a complaint or appeal
	caseStart  caseAction = "start"  // start work on it
	caseReply  caseAction = "reply"  // record the reply
	caseAppeal caseAction = "appeal" // send an appeal to a senior reviewer
	caseClose  caseAction = "close"  // close an answered case
)

// caseActions lists the actions in the order of the button bar.
var caseActions = []caseAction{caseNew, caseStart, caseReply, caseAppeal, caseClose}

// caseKeys are the actions' keys: the screen's own letters, used while it
// is in front and no dialog is open.
var caseKeys = map[caseAction]fyne.KeyName{caseNew: fyne.KeyN, caseStart: fyne.KeyS,
	caseReply: fyne.KeyR, caseAppeal: fyne.KeyE, caseClose: fyne.KeyC}

// complaintsView lists complaints and appeals and works them.
type complaintsView struct {
	svc     review.CaseService
	acct    review.Account
	win     fyne.Window
	run     func(job func())
	now     func() time.Time
	dialogs *dialogStack
	// onCounts, when set, is told the counts after each read (the session
	// bar's overdue badge).
	onCounts func(review.CaseCounts)

	filter      review.CaseFilter
	status      *widget.Select
	kind        *widget.Select
	overdueOnly *widget.Check
	total       *widget.Label
	list        *widget.List
	title       *widget.Label
	badge       *widget.Label // "N days overdue" beside the title
	head        *fyne.Container
	detail      *fyne.Container
	detailPane  *container.Scroll
	message     *widget.Label
	buttons     map[caseAction]*widget.Button
	root        fyne.CanvasObject

	generation int
	count      int
	pages      map[int][]review.Case
	loading    map[int]bool
	counts     review.CaseCounts
	shown      *review.Case // the case in the detail pane
	busy       bool

	record *caseForm    // the open record dialog, for tests
	reply  *replyPicker // the open reply dialog, for tests
}

// caseStatuses and caseKinds are the filters' choices ("" = any).
var (
	caseStatuses = append([]string{""}, review.ComplaintStatuses...)
	caseKinds    = []string{"", review.CaseComplaint, review.CaseAppeal}
)

func newComplaintsView(svc review.CaseService, acct review.Account, win fyne.Window, run func(job func())) *complaintsView {
	v := &complaintsView{svc: svc, acct: acct, win: win, run: run, now: time.Now, dialogs: &dialogStack{},
		pages: map[int][]review.Case{}, loading: map[int]bool{}, buttons: map[caseAction]*widget.Button{}}
	v.status = anySelect(caseStatuses[1:], func(s string) string { return lang.L("complaint.status." + s) },
		func(s string) { v.filter.Status = s; v.reload() })
	v.kind = anySelect(caseKinds[1:], func(k string) string { return lang.L("cases.kind." + k) },
		func(k string) { v.filter.Kind = k; v.reload() })
	v.overdueOnly = widget.NewCheck(lang.L("cases.filter.overdue"), func(on bool) {
		v.filter.Overdue = on
		v.reload()
	})
	v.total = widget.NewLabel("")
	v.list = widget.NewList(func() int { return v.count }, v.newRow, v.updateRow)
	v.list.OnSelected = v.onSelect

	v.title = widget.NewLabelWithStyle(lang.L("cases.none_selected"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Wrapping = fyne.TextWrapWord
	v.badge = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	v.badge.Importance = widget.DangerImportance
	v.badge.Hide()
	v.detail = container.NewVBox()
	v.detailPane = container.NewVScroll(v.detail)
	v.message = widget.NewLabel("")
	v.message.Truncation = fyne.TextTruncateEllipsis

	bar := container.NewHBox()
	icons := caseIcons()
	for _, a := range caseActions {
		b := widget.NewButtonWithIcon(v.keyed(a), icons[a], func() { v.onAction(a) })
		b.Importance = caseImportance[a]
		v.buttons[a] = b
		bar.Add(b)
	}
	header := container.New(caseRowLayout{})
	for _, c := range caseColumns {
		header.Add(widget.NewLabelWithStyle(lang.L(c), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	refresh := widget.NewButtonWithIcon(lang.L("summary.refresh"), theme.ViewRefreshIcon(), v.reload)
	filters := container.NewGridWithColumns(3, labelled(lang.L("cases.filter.status"), v.status),
		labelled(lang.L("cases.filter.kind"), v.kind), container.NewVBox(widget.NewLabel(""), v.overdueOnly))
	listPane := container.NewBorder(header, nil, nil, nil, v.list)
	v.head = container.NewBorder(nil, nil, nil, v.badge, v.title)
	detailPane := container.NewBorder(v.head, nil, nil, nil, v.detailPane)
	split := container.NewHSplit(listPane, detailPane)
	split.Offset = 0.64
	top := container.NewVBox(filters, container.NewBorder(nil, nil, nil, refresh, v.total))
	footer := container.NewVBox(widget.NewSeparator(), container.NewHScroll(bar), v.message)
	v.root = container.NewBorder(top, footer, nil, nil, split)
	v.showCase(nil)
	return v
}

// caseIcons is a function, not a table built at start: theme icons ask the
// running app for its theme, and the command line has none.
func caseIcons() map[caseAction]fyne.Resource {
	return map[caseAction]fyne.Resource{caseNew: theme.ContentAddIcon(), caseStart: theme.MediaPlayIcon(),
		caseReply: theme.MailReplyIcon(), caseAppeal: theme.UploadIcon(), caseClose: theme.ConfirmIcon()}
}

var caseImportance = map[caseAction]widget.Importance{caseNew: widget.MediumImportance, caseStart: widget.MediumImportance,
	caseReply: widget.HighImportance, caseAppeal: widget.WarningImportance, caseClose: widget.LowImportance}

func (v *complaintsView) content() fyne.CanvasObject { return v.root }

// keyed words an action's button with its key: "Reply (R)".
func (v *complaintsView) keyed(a caseAction) string {
	return lang.L("desk.keyed", map[string]any{"Label": lang.L("cases.action." + string(a)), "Key": keyName(caseKeys[a])})
}

// overdue is how many unanswered cases are past their due time, as last
// read: the session bar shows it as a badge.
func (v *complaintsView) overdue() int { return v.counts.Overdue }

// onRune runs the action whose key r is, and reports whether it was one.
// The window calls it while this screen is in front and no dialog is
// open.
func (v *complaintsView) onRune(r rune) bool {
	k := runeKey(r)
	for _, a := range caseActions {
		if caseKeys[a] == k {
			v.onAction(a)
			return true
		}
	}
	return false
}

// onKey moves through the list with ↑ and ↓ (the window calls it as
// onRune).
func (v *complaintsView) onKey(n fyne.KeyName) bool {
	if v.count == 0 {
		return false
	}
	cur := -1
	if v.shown != nil {
		cur = v.indexOf(v.shown.ID)
	}
	switch n {
	case fyne.KeyDown:
		v.list.Select(min(cur+1, v.count-1))
	case fyne.KeyUp:
		v.list.Select(max(cur-1, 0))
	default:
		return false
	}
	return true
}

func (v *complaintsView) indexOf(id int64) int {
	for p, rows := range v.pages {
		for i, c := range rows {
			if c.ID == id {
				return p*casePageSize + i
			}
		}
	}
	return -1
}

func (v *complaintsView) onAction(a caseAction) {
	if v.busy || len(v.dialogs.open) > 0 || v.buttons[a].Disabled() {
		return
	}
	switch a {
	case caseNew:
		v.showRecordDialog()
	case caseStart:
		v.act(func(ctx context.Context, id int64) (review.Case, error) { return v.svc.Start(ctx, v.acct, id) }, "cases.done.start")
	case caseReply:
		v.showReplyDialog()
	case caseAppeal:
		v.act(func(ctx context.Context, id int64) (review.Case, error) { return v.svc.Appeal(ctx, v.acct, id) }, "cases.done.appeal")
	case caseClose:
		v.act(func(ctx context.Context, id int64) (review.Case, error) { return v.svc.Close(ctx, v.acct, id) }, "cases.done.close")
	}
}

// caseColumns are the list's columns (translation keys) and their shares
// of a row's width.
var (
	caseColumns       = []string{"cases.col.id", "cases.col.kind", "cases.col.status", "cases.col.category", "cases.col.item", "cases.col.received", "cases.col.due"}
	caseColumnWeights = []float32{0.45, 1, 1, 1.5, 1.4, 1, 1.65}
)

// caseRowLayout lays a header or a row out in the weighted columns.
type caseRowLayout struct{}

func (caseRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var total float32
	for _, w := range caseColumnWeights {
		total += w
	}
	x := float32(0)
	for i, o := range objs {
		w := size.Width * caseColumnWeights[min(i, len(caseColumnWeights)-1)] / total
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (caseRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*40, h)
}

func (v *complaintsView) newRow() fyne.CanvasObject {
	row := container.New(caseRowLayout{})
	for range caseColumns {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		row.Add(l)
	}
	return row
}

func (v *complaintsView) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	c, ok := v.row(i)
	if !ok {
		for j, cell := range cells {
			t := ""
			if j == 0 {
				t = "…"
			}
			cell.(*widget.Label).SetText(t)
		}
		v.loadPage(i / casePageSize)
		return
	}
	item := "—"
	if c.ProduceID != "" {
		item = cleanText(c.ProduceID)
	}
	due, imp := caseDue(c, v.now())
	texts := []string{fmt.Sprintf("%d", c.ID), caseKindWord(c.Kind), caseStatusWord(c.Status),
		caseCategoryWord(c.Category), item, caseDate(c.ReceivedAt), due}
	for j, cell := range cells {
		l := cell.(*widget.Label)
		l.Text = texts[j]
		l.Importance = widget.MediumImportance
		if j == len(cells)-1 {
			l.Importance = imp
		}
		l.Refresh()
	}
}

// caseDue words a case's due cell: "3 days overdue" in red, "due
// 2025-12-13" while it runs, "answered 2025-12-01" once answered (in
// warning colours when that was late).
func caseDue(c review.Case, now time.Time) (string, widget.Importance) {
	if n := c.DaysOverdue(now); n > 0 {
		return lang.L("cases.overdue", map[string]any{"N": n}), widget.DangerImportance
	}
	if c.Status == review.CaseOpen || c.Status == review.CaseInProgress {
		return lang.L("cases.due", map[string]any{"Date": caseDate(c.DueAt)}), widget.MediumImportance
	}
	if c.AnsweredAt.IsZero() {
		return lang.L("cases.due", map[string]any{"Date": caseDate(c.DueAt)}), widget.LowImportance
	}
	if c.AnsweredAt.After(c.DueAt) {
		return lang.L("cases.answered_late", map[string]any{"Date": caseDate(c.AnsweredAt)}), widget.WarningImportance
	}
	return lang.L("cases.answered_on", map[string]any{"Date": caseDate(c.AnsweredAt)}), widget.LowImportance
}

func caseDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02")
}

func caseKindWord(k string) string       { return evWord("cases.kind.", k) }
func caseStatusWord(s string) string     { return evWord("complaint.status.", s) }
func caseChannelWord(ch string) string   { return evWord("cases.channel.", ch) }
func caseResolutionWord(r string) string { return evWord("cases.resolution.", r) }

// caseCategoryWord words a category: a reason code's wording, or "other".
func caseCategoryWord(c string) string {
	if c == review.CategoryOther {
		return lang.L("cases.category.other")
	}
	return evWord("reason.", c)
}

func (v *complaintsView) row(i int) (review.Case, bool) {
	p, ok := v.pages[i/casePageSize]
	if !ok || i%casePageSize >= len(p) {
		return review.Case{}, false
	}
	return p[i%casePageSize], true
}

// reload drops every page, reads the first one again with the current
// filter, and the counts.
func (v *complaintsView) reload() {
	v.generation++
	v.pages = map[int][]review.Case{}
	v.loading = map[int]bool{}
	v.list.UnselectAll()
	v.loadPage(0)
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		n, err := v.svc.Counts(ctx, v.acct)
		if err != nil {
			fyne.LogError("case counts", err)
			return
		}
		fyne.Do(func() {
			v.counts = n
			v.showTotal()
			if v.onCounts != nil {
				v.onCounts(n)
			}
		})
	})
}

func (v *complaintsView) loadPage(p int) {
	if v.loading[p] {
		return
	}
	v.loading[p] = true
	gen, f := v.generation, v.filter
	f.Offset, f.Limit = p*casePageSize, casePageSize
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		rows, total, err := v.svc.List(ctx, v.acct, f)
		fyne.Do(func() {
			if gen != v.generation {
				return
			}
			if err != nil {
				delete(v.loading, p)
				v.message.SetText(cleanText(review.ErrorMessage(err)))
				return
			}
			v.pages[p] = rows
			if total != v.count {
				v.count = total
				v.list.Refresh()
			} else {
				for i := range rows {
					v.list.RefreshItem(p*casePageSize + i)
				}
			}
			v.showTotal()
		})
	})
}

func (v *complaintsView) showTotal() {
	v.total.SetText(lang.L("cases.total", map[string]any{"N": v.count, "Open": v.counts.Open,
		"Overdue": v.counts.Overdue, "Appeals": v.counts.Appeals}))
	if v.counts.Overdue > 0 {
		v.total.Importance = widget.DangerImportance
	} else {
		v.total.Importance = widget.MediumImportance
	}
	v.total.Refresh()
}

// onSelect loads the chosen case with its history.
func (v *complaintsView) onSelect(i widget.ListItemID) {
	c, ok := v.row(i)
	if !ok {
		return
	}
	v.load(c.ID)
}

// load reads case id and shows it.
func (v *complaintsView) load(id int64) {
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		c, err := v.svc.Get(ctx, v.acct, id)
		fyne.Do(func() {
			if err != nil {
				v.showError(err)
				return
			}
			v.showCase(&c)
		})
	})
}

// showCase fills the detail pane with c (nil: nothing chosen) and enables
// what c allows.
func (v *complaintsView) showCase(c *review.Case) {
	v.shown = c
	v.updateButtons()
	if c == nil {
		v.title.SetText(lang.L("cases.none_selected"))
		v.badge.Hide()
		v.head.Refresh()
		v.detail.Objects = []fyne.CanvasObject{evNote(lang.L("cases.pick"))}
		v.detail.Refresh()
		return
	}
	now := v.now()
	v.title.SetText(lang.L("cases.title", map[string]any{"Kind": caseKindWord(c.Kind), "ID": c.ID}))
	if n := c.DaysOverdue(now); n > 0 {
		v.badge.SetText(lang.L("cases.overdue", map[string]any{"N": n}))
		v.badge.Show()
	} else {
		v.badge.Hide()
	}
	v.head.Refresh() // the badge's space comes and goes
	v.detail.Objects = caseDetail(*c, now)
	v.detail.Refresh()
	v.detailPane.ScrollToTop()
}

// caseDetail is what the detail pane shows of a case.
func caseDetail(c review.Case, now time.Time) []fyne.CanvasObject {
	var f evForm
	f.text(lang.L("cases.field.status"), caseStatusWord(c.Status))
	f.text(lang.L("cases.field.channel"), caseChannelWord(c.Channel))
	contact := review.MaskContact(c.Contact)
	if contact == "" {
		contact = "—"
	}
	f.text(lang.L("cases.field.contact"), contact)
	f.text(lang.L("cases.field.reporter"), evShortOr(c.ReporterID))
	f.text(lang.L("cases.field.category"), caseCategoryWord(c.Category))
	f.text(lang.L("cases.field.received"), evTime(c.ReceivedAt))
	dueText, imp := evTime(c.DueAt), widget.MediumImportance
	if c.Overdue(now) || !c.AnsweredAt.IsZero() {
		var word string
		word, imp = caseDue(c, now)
		dueText += "  ·  " + word
	}
	dueLabel := evValue(dueText)
	dueLabel.Importance = imp
	f.add(lang.L("cases.field.due"), dueLabel)
	f.add(lang.L("cases.field.item"), caseItemValue(c))
	f.text(lang.L("cases.field.handler"), evShortOr(c.Handler))
	if c.IsAppeal() {
		f.add(lang.L("cases.field.appeal"), appealValue(c))
	}
	out := []fyne.CanvasObject{f.box(), evHeading(lang.L("cases.field.text")), evValue(caseText(c.Text))}
	if c.Reply != "" {
		out = append(out, evHeading(lang.L("cases.field.reply")), evValue(caseText(c.Reply)))
		if !c.AnsweredAt.IsZero() {
			out = append(out, evNote(lang.L("cases.answered_by", map[string]any{"Actor": wordActor(c.AnsweredBy),
				"Time": evTime(c.AnsweredAt)})))
		}
	}
	out = append(out, evHeading(lang.L("evidence.events.heading")))
	if len(c.Events) == 0 {
		return append(out, evNote(lang.L("evidence.events.none")))
	}
	var ev evForm
	for i, e := range c.Events {
		if i == evMaxEvents {
			ev.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(c.Events) - i})))
			break
		}
		ev.text(evTime(e.At), lang.L("evidence.events.row", map[string]any{
			"Kind": evWord("evidence.event.", e.Kind), "Actor": wordActor(e.Actor)}))
	}
	return append(out, ev.box())
}

// caseText is a person's text, cleaned and bounded for the screen.
func caseText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > review.MaxComplaintText {
		s = s[:review.MaxComplaintText]
		s = strings.ToValidUTF8(s, "") + "…"
	}
	return cleanLong(s)
}

func caseItemValue(c review.Case) fyne.CanvasObject {
	switch {
	case c.Item != nil:
		return evValue(lang.L("cases.item", map[string]any{"Item": evShort(c.Item.ProduceID),
			"State": evWord("state.", string(c.Item.State)), "Queue": evWord("queue.", c.Item.Queue)}))
	case c.ProduceID != "":
		return evNote(lang.L("cases.item.unknown", map[string]any{"Item": evShort(c.ProduceID)}))
	}
	return evNote(lang.L("cases.item.none"))
}

// appealValue says where an appeal stands: not sent, waiting for a senior
// reviewer, or upheld / overturned.
func appealValue(c review.Case) fyne.CanvasObject {
	switch {
	case c.AppealedAt.IsZero():
		return evNote(lang.L("cases.appeal.not_sent"))
	case c.Resolution == "":
		return evValue(lang.L("cases.appeal.waiting", map[string]any{"Time": evTime(c.AppealedAt),
			"Contested": evWord("state.", string(c.Contested))}))
	}
	l := evValue(lang.L("cases.appeal.resolved", map[string]any{"Resolution": caseResolutionWord(c.Resolution),
		"Actor": wordActor(c.ResolvedBy), "Time": evTime(c.ResolvedAt), "Contested": evWord("state.", string(c.Contested))}))
	l.TextStyle.Bold = true
	if c.Resolution == review.ResolutionOverturned {
		l.Importance = widget.WarningImportance
	} else {
		l.Importance = widget.SuccessImportance
	}
	return l
}

// may reports whether the account may work on c: appeals need a senior
// reviewer or a manager (review.ActResolveAppeal).
func (v *complaintsView) may(c *review.Case) bool {
	if c != nil && c.IsAppeal() {
		return review.Require(v.acct, review.ActResolveAppeal) == nil
	}
	return review.Require(v.acct, review.ActRecordComplaint) == nil
}

// updateButtons enables what the shown case and the role allow.
func (v *complaintsView) updateButtons() {
	c := v.shown
	on := map[caseAction]bool{caseNew: review.Require(v.acct, review.ActRecordComplaint) == nil}
	if c != nil && v.may(c) {
		on[caseStart] = c.Status == review.CaseOpen
		on[caseReply] = c.CanReply()
		on[caseAppeal] = c.CanAppeal()
		on[caseClose] = c.Status == review.CaseAnswered
	}
	for a, b := range v.buttons {
		if on[a] && !v.busy {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// act runs a workflow step on the shown case in the background, then
// shows the case as it now is.
func (v *complaintsView) act(fn func(ctx context.Context, id int64) (review.Case, error), done string) {
	if v.shown == nil || v.busy {
		return
	}
	id := v.shown.ID
	v.busy = true
	v.updateButtons()
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		c, err := fn(ctx, id)
		if err == nil {
			c, err = v.svc.Get(ctx, v.acct, id)
		}
		fyne.Do(func() {
			v.busy = false
			if err != nil {
				v.updateButtons()
				v.showError(err)
				return
			}
			v.message.SetText(lang.L(done, map[string]any{"ID": id}))
			v.reload()
			v.showCase(&c)
		})
	})
}

// showError words an error (style.md §7) in the status line and a dialog.
func (v *complaintsView) showError(err error) {
	msg := review.ErrorMessage(err)
	if code := review.ErrorCode(err); code == review.EINTERNAL || code == "" {
		fyne.LogError("complaints", err)
		msg = lang.L("error.internal")
	}
	v.message.SetText(cleanText(msg))
	v.dialogs.show(dialog.NewError(errors.New(cleanText(msg)), v.win))
}

// ---- Record ----

// caseForm is the state of the record dialog.
type caseForm struct {
	kind      *widget.Select
	channel   *widget.Select
	contact   *widget.Entry
	reporter  *widget.Entry
	category  *widget.Select
	produceID *widget.Entry
	received  *widget.Entry
	text      *widget.Entry
	message   *widget.Label
	submit    func()
}

// caseCategories are the record form's categories: "other" first, then
// every reason code.
func caseCategories() []string {
	out := []string{review.CategoryOther}
	for _, r := range review.Reasons {
		out = append(out, r.Code)
	}
	return out
}

// showRecordDialog asks for a new complaint or appeal. Its due date comes
// from the published time limit; the dialog says which.
func (v *complaintsView) showRecordDialog() {
	f := &caseForm{}
	kinds := caseKinds[1:]
	f.kind = widget.NewSelect(wordAll(kinds, caseKindWord), nil)
	f.kind.SetSelectedIndex(0)
	f.channel = widget.NewSelect(wordAll(review.ComplaintChannels, caseChannelWord), nil)
	f.channel.SetSelectedIndex(0)
	cats := caseCategories()
	f.category = widget.NewSelect(wordAll(cats, caseCategoryWord), nil)
	f.category.SetSelectedIndex(0)
	f.contact, f.reporter, f.produceID, f.received = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	f.contact.SetPlaceHolder(lang.L("cases.record.contact.hint"))
	f.produceID.SetPlaceHolder(lang.L("cases.record.item.hint"))
	f.received.SetPlaceHolder(lang.L("cases.record.received.hint"))
	f.text = widget.NewMultiLineEntry()
	f.text.Wrapping = fyne.TextWrapWord
	f.text.SetMinRowsVisible(4)
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapWord
	f.message.Importance = widget.DangerImportance
	f.message.Hide()
	limit := widget.NewLabel("")
	limit.Wrapping = fyne.TextWrapWord
	limit.Importance = widget.LowImportance
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		days, err := v.svc.TimeLimit(ctx, v.acct)
		fyne.Do(func() {
			if err == nil {
				limit.SetText(lang.L("cases.record.limit", map[string]any{"Days": days}))
			}
		})
	})
	form := widget.NewForm(
		widget.NewFormItem(lang.L("cases.field.kind"), f.kind),
		widget.NewFormItem(lang.L("cases.field.channel"), f.channel),
		widget.NewFormItem(lang.L("cases.field.contact"), f.contact),
		widget.NewFormItem(lang.L("cases.field.reporter"), f.reporter),
		widget.NewFormItem(lang.L("cases.field.category"), f.category),
		widget.NewFormItem(lang.L("cases.field.item"), f.produceID),
		widget.NewFormItem(lang.L("cases.field.received"), f.received),
		widget.NewFormItem(lang.L("cases.field.text"), f.text),
	)
	var d *dialog.CustomDialog
	f.submit = func() {
		c, err := f.complaint(kinds, cats, v.now())
		if err != nil {
			f.fail(err)
			return
		}
		v.run(func() {
			ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
			defer cancel()
			rec, err := v.svc.Record(ctx, v.acct, c)
			fyne.Do(func() {
				if err != nil {
					if code := review.ErrorCode(err); code == review.EINTERNAL || code == "" {
						fyne.LogError("record complaint", err)
					}
					f.fail(err)
					return
				}
				d.Hide()
				v.message.SetText(lang.L("cases.done.record", map[string]any{"ID": rec.ID,
					"Due": caseDate(rec.DueAt)}))
				v.reload()
				v.showCase(&rec)
			})
		})
	}
	body := container.New(&fixedSizeLayout{size: fyne.NewSize(600, 520)},
		container.NewVScroll(container.NewVBox(limit, form, f.message)))
	d = dialog.NewCustomWithoutButtons(lang.L("cases.record.title"), body, v.win)
	cancel := widget.NewButtonWithIcon(lang.L("action.cancel"), theme.CancelIcon(), d.Hide)
	ok := widget.NewButtonWithIcon(lang.L("cases.record.save"), theme.DocumentSaveIcon(), f.submit)
	ok.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{cancel, ok})
	v.dialogs.show(d)
	v.win.Canvas().Focus(f.contact)
	v.record = f
}

// fail shows why the form was not saved.
func (f *caseForm) fail(err error) {
	msg := review.ErrorMessage(err)
	if code := review.ErrorCode(err); code == review.EINTERNAL || code == "" {
		msg = lang.L("error.internal")
	}
	f.message.SetText(cleanText(msg))
	f.message.Show()
}

// complaint reads the form. The received time is optional: a date
// (2006-01-02) or a date and time (2006-01-02 15:04), local time.
func (f *caseForm) complaint(kinds, cats []string, now time.Time) (review.Complaint, error) {
	c := review.Complaint{
		Kind:       kinds[max(f.kind.SelectedIndex(), 0)],
		Channel:    review.ComplaintChannels[max(f.channel.SelectedIndex(), 0)],
		Contact:    strings.TrimSpace(f.contact.Text),
		ReporterID: strings.TrimSpace(f.reporter.Text),
		Category:   cats[max(f.category.SelectedIndex(), 0)],
		ProduceID:  strings.TrimSpace(f.produceID.Text),
		Text:       strings.TrimSpace(f.text.Text),
	}
	if s := strings.TrimSpace(f.received.Text); s != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, time.Local)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02", s, time.Local)
		}
		if err != nil {
			return c, review.Errorf(review.EINVALID, "%s", lang.L("cases.record.received.bad"))
		}
		if t.After(now) {
			return c, review.Errorf(review.EINVALID, "%s", lang.L("cases.record.received.future"))
		}
		c.ReceivedAt = t
	}
	if c.Text == "" {
		return c, review.Errorf(review.EINVALID, "%s", lang.L("cases.record.text.required"))
	}
	return c, nil
}

func wordAll(codes []string, word func(string) string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = word(c)
	}
	return out
}

// ---- Reply ----

// replyTemplates are the ready-made replies to a complaint (translation
// keys): the reply is in the language the user works in.
var replyTemplates = []string{"cases.reply.tpl.removed", "cases.reply.tpl.labelled", "cases.reply.tpl.no_violation",
	"cases.reply.tpl.consent", "cases.reply.tpl.sanctioned", "cases.reply.tpl.more_info"}

// appealTemplates are the replies to an appeal, by resolution: the reply
// states it.
var appealTemplates = map[string][]string{
	review.ResolutionUpheld:     {"cases.reply.tpl.upheld"},
	review.ResolutionOverturned: {"cases.reply.tpl.overturned"},
}

// replyPicker is the state of the reply dialog.
type replyPicker struct {
	templates []string
	cursor    int
	list      *widget.List
	text      *keyEntry
	message   *widget.Label
	submit    func()
}

// showReplyDialog asks for the reply: pick a template with ↑/↓ (it fills
// the reply, which can be edited), Enter to send, Esc to cancel. An
// appeal's reply starts from its resolution's template.
func (v *complaintsView) showReplyDialog() {
	if v.shown == nil || !v.shown.CanReply() {
		return
	}
	c := *v.shown
	p := &replyPicker{templates: replyTemplates, cursor: -1}
	if c.IsAppeal() {
		p.templates = appealTemplates[c.Resolution]
	}
	p.text = newKeyEntry()
	p.text.MultiLine = true
	p.text.Wrapping = fyne.TextWrapWord
	p.text.SetMinRowsVisible(4)
	p.text.SetPlaceHolder(lang.L("cases.reply.placeholder"))
	p.message = widget.NewLabel("")
	p.message.Importance = widget.DangerImportance
	p.message.Wrapping = fyne.TextWrapWord
	p.message.Hide()
	p.list = widget.NewList(func() int { return len(p.templates) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(lang.L(p.templates[i])) })
	p.list.OnSelected = func(i widget.ListItemID) {
		p.cursor = i
		p.text.SetText(lang.L(p.templates[i]))
	}
	var d *dialog.CustomDialog
	p.submit = func() {
		text := strings.TrimSpace(p.text.Text)
		if err := review.ValidateReply(text); err != nil {
			p.message.SetText(lang.L("cases.reply.required"))
			p.message.Show()
			return
		}
		d.Hide()
		v.act(func(ctx context.Context, id int64) (review.Case, error) { return v.svc.Reply(ctx, v.acct, id, text) },
			"cases.done.reply")
	}
	p.text.onKey = listKeys(p.list, &p.cursor, func() { p.submit() }, func() { d.Hide() })
	top := container.NewVBox(helpLabel("cases.reply.help"))
	if c.IsAppeal() {
		top.Add(appealValue(c))
	}
	body := container.New(&fixedSizeLayout{size: fyne.NewSize(600, 380)},
		container.NewBorder(top, container.NewVBox(p.text, p.message), nil, nil, p.list))
	d = decisionDialog(v.win, lang.L("cases.reply.title", map[string]any{"Kind": caseKindWord(c.Kind), "ID": c.ID}),
		lang.L("cases.reply.send"), theme.MailSendIcon(), body, p.submit)
	v.dialogs.show(d)
	if len(p.templates) > 0 && c.IsAppeal() {
		p.list.Select(0)
	}
	v.win.Canvas().Focus(p.text)
	v.reply = p
}

// ---- In the evidence ----

// complaintsBlock is the evidence panel's short "Complaints and appeals"
// block (provenance section): each case linked to the item, with its
// status and, when unanswered past its due time, how late it is. nil
// when the item has none.
func complaintsBlock(ev review.Evidence, now time.Time) fyne.CanvasObject {
	if len(ev.Complaints) == 0 {
		return nil
	}
	var f evForm
	for i, c := range ev.Complaints {
		if i == evMaxListed {
			f.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(ev.Complaints) - i})))
			break
		}
		rows := container.NewVBox(evValue(lang.L("cases.evidence.row", map[string]any{
			"Status": caseStatusWord(c.Status), "Category": caseCategoryWord(c.Category),
			"Received": caseDate(c.ReceivedAt)})))
		if n := c.DaysOverdue(now); n > 0 {
			rows.Add(evWarn(lang.L("cases.overdue", map[string]any{"N": n})))
		} else if c.Status == review.CaseOpen || c.Status == review.CaseInProgress {
			rows.Add(evNote(lang.L("cases.due", map[string]any{"Date": caseDate(c.DueAt)})))
		}
		if t := evInline(c.Text, 120); t != "" {
			rows.Add(evNote(t))
		}
		f.add(lang.L("cases.title", map[string]any{"Kind": caseKindWord(c.Kind), "ID": c.ID}), rows)
	}
	return container.NewVBox(evHeading(lang.L("cases.evidence.heading", map[string]any{"N": len(ev.Complaints)})), f.box())
}
