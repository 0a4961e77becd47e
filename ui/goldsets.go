package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// This file is the trainer's screen (issue 11): gold sets and their items
// (made from live items or imported files, with the expected decision,
// its reason codes and an explanation; retired, never deleted), the
// certification gate of each queue, and certifying reviewers, which the
// service refuses below the gate.

// goldQueues are the queues gold sets, gates and certifications are for.
var goldQueues = []string{review.QueueLive, review.QueueEscalation}

// goldOutcomes are the decisions a gold item may expect.
var goldOutcomes = []review.Outcome{review.OutcomeApprove, review.OutcomeApproveRelabel, review.OutcomeReject,
	review.OutcomeEscalate}

// goldItemColumnWidths are the gold-item list's column shares.
var goldItemColumnWidths = []float32{0.15, 0.14, 0.24, 0.27, 0.2}

// certColumnWidths are the certification list's column shares.
var certColumnWidths = []float32{0.16, 0.16, 0.12, 0.1, 0.14, 0.14, 0.18}

// pausedColumnWidths are the paused list's column shares, the last for
// the Re-certify button.
var pausedColumnWidths = []float32{0.18, 0.16, 0.18, 0.3, 0.18}

// goldSetsView is the trainer's gold-set builder, gates and certification.
type goldSetsView struct {
	svc     review.Trainer
	acct    review.Account
	win     fyne.Window
	run     func(job func())
	now     func() time.Time
	dialogs *dialogStack // the window's, so Escape closes the screen's dialogs

	tabs *container.AppTabs

	sets       []review.GoldSet
	setList    *widget.List
	chosen     int64 // the set shown, 0 for none
	newSet     *widget.Button
	setTitle   *widget.Label
	items      []review.GoldItem
	itemList   *widget.List
	itemChosen int // index in items, -1 for none
	addGold    *widget.Button
	importGold *widget.Button // shown only with an importer
	retire     *widget.Button
	message    *widget.Label

	gates        map[string]*gateRow
	certReviewer *widget.SelectEntry
	certQueue    *widget.Select
	certify      *widget.Button
	certMsg      *widget.Label
	certs        []review.Certification
	certList     *fyne.Container
	// onCerts, when set, gets the certification history each time it is
	// read (the session bar counts the reviewers paused by hidden gold).
	onCerts func([]review.Certification)

	paused     []review.Certification // paused by hidden gold, oldest pause first
	pausedList *fyne.Container
	recertify  []*widget.Button // one per paused row

	// importer makes gold of imported files; nil: from live items only.
	importer review.GoldImporter

	busy       bool
	setForm    *goldSetForm    // the open new-set dialog, for tests
	itemForm   *goldItemForm   // the open add-item dialog, for tests
	importForm *goldImportForm // the open import dialog, for tests
	root       fyne.CanvasObject
}

// gateRow is one queue's gate editor.
type gateRow struct {
	accuracy *widget.Entry
	items    *widget.Entry
	save     *widget.Button
	info     *widget.Label
}

// goldSetForm is the state of the new-set dialog.
type goldSetForm struct {
	name     *widget.Entry
	queue    *widget.Select
	category *widget.Select
	message  *widget.Label
	submit   func()
}

// goldItemForm is the state of the add-item dialog.
type goldItemForm struct {
	source *widget.Entry
	*goldAnswer
	submit func()
}

// goldAnswer is what the add-item and import dialogs ask alike: the
// expected decision, its reason codes (the reject dialog's picker, for a
// rejection or an escalation) and the explanation trainees read after
// answering, with the line under them that says what is wrong.
type goldAnswer struct {
	expected    *widget.Select
	reasons     *reasonPicker
	reasonsBox  fyne.CanvasObject // hidden for an approval
	explanation *widget.Entry
	message     *widget.Label
}

// newGoldAnswer builds the fields, a rejection chosen; cancel closes the
// dialog (Esc in the reason filter).
func newGoldAnswer(cancel func()) *goldAnswer {
	a := &goldAnswer{explanation: widget.NewMultiLineEntry(), message: widget.NewLabel("")}
	opts := make([]string, len(goldOutcomes))
	for i, o := range goldOutcomes {
		opts[i] = outcomeWord(o)
	}
	a.expected = widget.NewSelect(opts, nil)
	a.expected.SetSelectedIndex(slices.Index(goldOutcomes, review.OutcomeReject))
	a.reasons = newReasonChooser(nil)
	a.explanation.Wrapping = fyne.TextWrapWord
	a.explanation.SetMinRowsVisible(3)
	a.explanation.SetPlaceHolder(lang.L("training.gold.item.explanation.hint"))
	a.message.Importance = widget.DangerImportance
	a.message.Wrapping = fyne.TextWrapWord
	reasonKeys(a.reasons, nil, cancel)
	box := container.NewBorder(a.reasons.filter, a.reasons.summary, nil, nil, a.reasons.list)
	// Reasons go with a rejection or an escalation; an approval has none.
	a.expected.OnChanged = func(string) {
		o := goldOutcomes[max(a.expected.SelectedIndex(), 0)]
		showIf(box, o == review.OutcomeReject || o == review.OutcomeEscalate)
	}
	a.reasonsBox = box
	return a
}

// layout is a dialog's body of size: intro (if any) and the dialog's own
// fields above the expected decision, the reason codes in the middle,
// the explanation, status lines and the message at the bottom.
func (a *goldAnswer) layout(size fyne.Size, intro fyne.CanvasObject, items []*widget.FormItem, status ...fyne.CanvasObject) fyne.CanvasObject {
	var top fyne.CanvasObject = widget.NewForm(append(items, widget.NewFormItem(lang.L("training.gold.item.expected"), a.expected))...)
	if intro != nil {
		top = container.NewVBox(intro, top)
	}
	bottom := container.NewVBox(widget.NewForm(widget.NewFormItem(lang.L("training.gold.item.explanation"), a.explanation)))
	for _, o := range status {
		bottom.Add(o)
	}
	bottom.Add(a.message)
	return container.New(&fixedSizeLayout{size: size}, container.NewBorder(top, bottom, nil, nil, a.reasonsBox))
}

// gold is the answer as a gold item of set setID, checked; false (and
// the message says why) when it is not a valid one.
func (a *goldAnswer) gold(setID int64) (review.GoldItem, bool) {
	g := review.GoldItem{SetID: setID, Expected: goldOutcomes[max(a.expected.SelectedIndex(), 0)],
		Explanation: strings.TrimSpace(a.explanation.Text)}
	if g.Expected == review.OutcomeReject || g.Expected == review.OutcomeEscalate {
		g.Reasons = a.reasons.codes()
	}
	if err := g.Validate(); err != nil {
		a.message.SetText(trainingErrorText(err, "gold item"))
		return g, false
	}
	return g, true
}

// newGoldSetsView builds the trainer's screen for acct (review.ActBuildGold;
// gates and certification need review.ActCertify). It reads nothing until
// reload. The session sets dialogs to the window's stack.
func newGoldSetsView(svc review.Trainer, acct review.Account, win fyne.Window, run func(job func())) *goldSetsView {
	v := &goldSetsView{svc: svc, acct: acct, win: win, run: run, now: time.Now, dialogs: &dialogStack{},
		itemChosen: -1, gates: map[string]*gateRow{}}
	banner := widget.NewLabel(lang.L("training.gold.note"))
	banner.Wrapping = fyne.TextWrapWord
	banner.Importance = widget.LowImportance
	v.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("training.gold.tab.sets"), theme.StorageIcon(), v.buildSets()),
		container.NewTabItemWithIcon(lang.L("training.gold.tab.gates"), theme.ConfirmIcon(), v.buildGates()))
	v.root = container.NewBorder(banner, nil, nil, nil, v.tabs)
	v.updateButtons()
	return v
}

func (v *goldSetsView) content() fyne.CanvasObject { return v.root }

func (v *goldSetsView) buildSets() fyne.CanvasObject {
	v.setList = widget.NewList(func() int { return len(v.sets) },
		func() fyne.CanvasObject { return newColumns(setColumnWidths, 5) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(v.sets) {
				setColumns(o, setRow(v.sets[i])...)
			}
		})
	v.setList.OnSelected = func(i widget.ListItemID) {
		if i < len(v.sets) && v.sets[i].ID != v.chosen {
			v.chosen = v.sets[i].ID
			v.itemChosen = -1
			v.items = nil
			v.showSetTitle()
			v.itemList.UnselectAll()
			v.itemList.Refresh()
			v.loadItems()
		}
	}
	v.newSet = widget.NewButtonWithIcon(lang.L("training.gold.set.new"), theme.ContentAddIcon(), v.showSetDialog)
	v.newSet.Importance = widget.HighImportance
	refresh := widget.NewButtonWithIcon(lang.L("training.gold.refresh"), theme.ViewRefreshIcon(), v.reload)
	setHeader := columnHeader(setColumnWidths, "training.set.name", "training.set.queue", "training.set.category",
		"training.set.version", "training.set.items")
	left := container.NewBorder(container.NewVBox(container.NewHBox(v.newSet, refresh), setHeader), nil, nil, nil, v.setList)

	v.setTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.setTitle.Wrapping = fyne.TextWrapWord
	v.itemList = widget.NewList(func() int { return len(v.items) },
		func() fyne.CanvasObject { return newColumns(goldItemColumnWidths, 5) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(v.items) {
				setColumns(o, goldItemRow(v.items[i])...)
			}
		})
	v.itemList.OnSelected = func(i widget.ListItemID) { v.itemChosen = i; v.updateButtons() }
	v.itemList.OnUnselected = func(widget.ListItemID) { v.itemChosen = -1; v.updateButtons() }
	v.addGold = widget.NewButtonWithIcon(lang.L("training.gold.item.add"), theme.ContentAddIcon(), v.showItemDialog)
	v.addGold.Importance = widget.HighImportance
	v.importGold = widget.NewButtonWithIcon(lang.L("training.gold.import"), theme.UploadIcon(), v.showImportDialog)
	v.importGold.Hide()
	v.retire = widget.NewButtonWithIcon(lang.L("training.gold.item.retire"), theme.DeleteIcon(), v.onRetire)
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	itemHeader := columnHeader(goldItemColumnWidths, "training.gold.item.produce_id", "training.gold.item.expected",
		"training.gold.item.reasons", "training.gold.item.explanation", "training.gold.item.status")
	right := container.NewBorder(
		container.NewVBox(v.setTitle, container.NewHBox(v.addGold, v.importGold, v.retire), itemHeader),
		container.NewVBox(widget.NewSeparator(), v.message), nil, nil, v.itemList)
	split := container.NewHSplit(left, right)
	split.Offset = 0.4
	v.showSetTitle()
	return split
}

func (v *goldSetsView) buildGates() fyne.CanvasObject {
	gateHelp := widget.NewLabel(lang.L("training.gold.gates.help"))
	gateHelp.Wrapping = fyne.TextWrapWord
	grid := container.NewVBox()
	for _, q := range goldQueues {
		r := &gateRow{accuracy: widget.NewEntry(), items: widget.NewEntry(), info: widget.NewLabel("")}
		r.accuracy.SetPlaceHolder("90")
		r.items.SetPlaceHolder("30")
		r.info.Importance = widget.LowImportance
		r.info.Wrapping = fyne.TextWrapWord
		r.save = widget.NewButtonWithIcon(lang.L("training.gold.gate.save"), theme.DocumentSaveIcon(), func() { v.onSaveGate(q) })
		v.gates[q] = r
		form := widget.NewForm(widget.NewFormItem(lang.L("training.gold.gate.accuracy"), r.accuracy),
			widget.NewFormItem(lang.L("training.gold.gate.items"), r.items))
		grid.Add(widget.NewCard(queueWord(q), "", container.NewVBox(form,
			container.NewBorder(nil, nil, nil, r.save, r.info))))
	}
	gates := container.NewVBox(gateHelp, container.NewGridWithColumns(2, grid.Objects...))

	certHelp := widget.NewLabel(lang.L("training.gold.certify.help"))
	certHelp.Wrapping = fyne.TextWrapWord
	v.certReviewer = widget.NewSelectEntry(nil)
	v.certReviewer.SetPlaceHolder(lang.L("training.gold.certify.reviewer.hint"))
	opts := make([]string, len(goldQueues))
	for i, q := range goldQueues {
		opts[i] = queueWord(q)
	}
	v.certQueue = widget.NewSelect(opts, nil)
	v.certQueue.SetSelectedIndex(0)
	v.certify = widget.NewButtonWithIcon(lang.L("training.gold.certify"), theme.ConfirmIcon(), v.onCertify)
	v.certify.Importance = widget.HighImportance
	v.certMsg = widget.NewLabel("")
	v.certMsg.Wrapping = fyne.TextWrapWord
	v.certList = container.NewVBox()
	certForm := widget.NewForm(widget.NewFormItem(lang.L("training.gold.certify.reviewer"), v.certReviewer),
		widget.NewFormItem(lang.L("training.gold.certify.queue"), v.certQueue))
	certs := widget.NewCard(lang.L("training.gold.certify.title"), "", container.NewVBox(certHelp, certForm,
		container.NewBorder(nil, nil, nil, v.certify, v.certMsg), widget.NewSeparator(),
		certHeader(),
		v.certList))
	return container.NewVScroll(container.NewPadded(container.NewVBox(
		v.buildPaused(), widget.NewCard(lang.L("training.gold.gates.title"), "", gates), certs)))
}

// buildPaused is the card of the reviewers hidden gold paused, each with a
// Re-certify button that runs the certification flow for them.
func (v *goldSetsView) buildPaused() fyne.CanvasObject {
	help := widget.NewLabel(lang.L("training.gold.paused.help"))
	help.Wrapping = fyne.TextWrapWord
	v.pausedList = container.NewVBox()
	v.showPaused(nil)
	header := columnHeader(pausedColumnWidths, "training.gold.cert.reviewer", "training.gold.cert.queue",
		"training.gold.paused.since", "training.gold.paused.figures.header")
	return widget.NewCard(lang.L("training.gold.paused.title"), "", container.NewVBox(help, header, v.pausedList))
}

// mayCertify: the account sets gates and certifies reviewers.
func (v *goldSetsView) mayCertify() bool { return review.Require(v.acct, review.ActCertify) == nil }

func (v *goldSetsView) updateButtons() {
	enable := func(b *widget.Button, on bool) {
		if on && !v.busy {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	enable(v.newSet, true)
	enable(v.addGold, v.chosen != 0)
	enable(v.importGold, v.chosen != 0 && v.importer != nil)
	enable(v.retire, v.itemChosen >= 0 && v.itemChosen < len(v.items) && !v.items[v.itemChosen].Retired)
	for _, r := range v.gates {
		enable(r.save, v.mayCertify())
	}
	enable(v.certify, v.mayCertify())
	for _, b := range v.recertify {
		enable(b, v.mayCertify())
	}
}

// goldItemRow words a gold item for its list.
func goldItemRow(g review.GoldItem) []string {
	status := lang.L("training.gold.item.active", map[string]any{"Version": g.AddedVersion})
	switch {
	case g.Retired && g.RetiredVersion > 0:
		status = lang.L("training.gold.item.retired.in", map[string]any{"Version": g.RetiredVersion})
	case g.Retired:
		status = lang.L("training.gold.item.retired")
	}
	return []string{cleanText(g.ProduceID), outcomeWord(g.Expected), reasonWordList(g.Reasons),
		firstRunes(cleanText(g.Explanation), 200), status}
}

func (v *goldSetsView) chosenSet() (review.GoldSet, bool) {
	for _, s := range v.sets {
		if s.ID == v.chosen {
			return s, true
		}
	}
	return review.GoldSet{}, false
}

func (v *goldSetsView) showSetTitle() {
	s, ok := v.chosenSet()
	if !ok {
		v.setTitle.SetText(lang.L("training.gold.set.none"))
		return
	}
	v.setTitle.SetText(lang.L("training.gold.set.title", map[string]any{"Name": cleanText(s.Name), "Queue": queueWord(s.Queue),
		"Category": categoryWord(s.Category), "Version": s.Version, "N": s.Items}))
}

// reload reads the sets, the chosen set's items, the gates and the
// certifications again (on selection and F5).
func (v *goldSetsView) reload() {
	chosen, certs := v.chosen, v.mayCertify()
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		sets, err := v.svc.GoldSets(ctx, v.acct)
		var (
			items []review.GoldItem
			gates []review.Gate
			cs    []review.Certification
		)
		if err == nil && chosen != 0 {
			items, err = v.svc.GoldItems(ctx, v.acct, chosen)
		}
		if err == nil && certs {
			gates, err = v.svc.Gates(ctx, v.acct)
		}
		if err == nil && certs {
			cs, err = v.svc.Certifications(ctx, v.acct, "")
		}
		fyne.Do(func() {
			if err != nil {
				v.showError(err)
				return
			}
			v.showSets(sets)
			if chosen != 0 && chosen == v.chosen {
				v.showItems(items)
			}
			if certs {
				v.showGates(gates)
				v.showCerts(cs)
			}
			v.root.Refresh() // the wrapped note measures its height at its width
		})
	})
}

func (v *goldSetsView) showSets(sets []review.GoldSet) {
	v.sets = sets
	v.setList.UnselectAll()
	v.setList.Refresh()
	if _, ok := v.chosenSet(); !ok {
		v.chosen = 0
		v.items = nil
		v.itemList.Refresh()
	}
	for i, s := range sets {
		if s.ID == v.chosen {
			v.setList.Select(i)
		}
	}
	v.showSetTitle()
	v.updateButtons()
}

// loadItems reads the chosen set's items.
func (v *goldSetsView) loadItems() {
	id := v.chosen
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		items, err := v.svc.GoldItems(ctx, v.acct, id)
		fyne.Do(func() {
			if err != nil {
				v.showError(err)
				return
			}
			if id == v.chosen {
				v.showItems(items)
			}
		})
	})
}

func (v *goldSetsView) showItems(items []review.GoldItem) {
	v.items = items
	v.itemChosen = -1
	v.itemList.UnselectAll()
	v.itemList.Refresh()
	v.updateButtons()
}

func (v *goldSetsView) showGates(gates []review.Gate) {
	for _, q := range goldQueues {
		r := v.gates[q]
		i := slices.IndexFunc(gates, func(g review.Gate) bool { return g.Queue == q })
		if i < 0 {
			r.accuracy.SetText("")
			r.items.SetText("")
			r.info.SetText(lang.L("training.gold.gate.none"))
			continue
		}
		g := gates[i]
		r.accuracy.SetText(strconv.FormatFloat(g.MinAccuracy, 'f', -1, 64))
		r.items.SetText(strconv.Itoa(g.MinItems))
		r.info.SetText(lang.L("training.gold.gate.set", map[string]any{"By": cleanText(g.SetBy),
			"At": g.SetAt.Local().Format("2006-01-02 15:04")}))
	}
}

func (v *goldSetsView) showCerts(cs []review.Certification) {
	v.certs = cs
	v.certList.RemoveAll()
	var names []string
	for _, c := range cs {
		row := certRow(c)
		v.certList.Add(row)
		if !slices.Contains(names, c.Reviewer) {
			names = append(names, c.Reviewer)
		}
	}
	if len(cs) == 0 {
		none := widget.NewLabel(lang.L("training.gold.cert.none"))
		none.Importance = widget.LowImportance
		v.certList.Add(none)
	}
	slices.Sort(names)
	v.certReviewer.SetOptions(names)
	v.showPaused(review.Paused(cs))
	if v.onCerts != nil {
		v.onCerts(cs)
	}
}

// showPaused lists the reviewers paused by hidden gold: who, which queue,
// since when (local time), the figures, and a Re-certify button.
func (v *goldSetsView) showPaused(paused []review.Certification) {
	v.paused = paused
	v.pausedList.RemoveAll()
	v.recertify = nil
	if len(paused) == 0 {
		none := widget.NewLabel(lang.L("training.gold.paused.none"))
		none.Importance = widget.LowImportance
		v.pausedList.Add(none)
		return
	}
	for _, c := range paused {
		row := newColumns(pausedColumnWidths, 4)
		setColumns(row, cleanText(c.Reviewer), queueWord(c.Queue), c.RevokedAt.Local().Format("2006-01-02 15:04"),
			pausedFigures(c))
		row.Objects[3].(*widget.Label).Importance = widget.DangerImportance
		b := widget.NewButtonWithIcon(lang.L("training.gold.paused.recertify"), theme.ConfirmIcon(), func() { v.onRecertify(c) })
		v.recertify = append(v.recertify, b)
		row.Add(container.NewHBox(b))
		v.pausedList.Add(row)
	}
	v.updateButtons()
}

// pausedFigures words a pause's figures: "70% over the last 10, gate
// 90%"; the stored reason when it cannot be read back.
func pausedFigures(c review.Certification) string {
	p := review.PausedFrom(c)
	if p == nil || p.Answers == 0 {
		return cleanText(c.Reason)
	}
	return lang.L("training.gold.paused.figures", map[string]any{"Accuracy": figure(p.Accuracy),
		"Answers": p.Answers, "Gate": figure(p.Gate)})
}

// onRecertify runs the certification flow for a paused reviewer and
// queue, with the form filled in: the service refuses without training
// since the pause, and the refusal shows as any other.
func (v *goldSetsView) onRecertify(c review.Certification) {
	if v.busy || !v.mayCertify() {
		return
	}
	v.certReviewer.SetText(c.Reviewer)
	if i := slices.Index(goldQueues, c.Queue); i >= 0 {
		v.certQueue.SetSelectedIndex(i)
	}
	v.certifyFor(c.Reviewer, c.Queue)
}

// showSetDialog asks for a new set's name, queue and (optional) category.
func (v *goldSetsView) showSetDialog() {
	f := &goldSetForm{name: widget.NewEntry(), message: widget.NewLabel("")}
	f.name.SetPlaceHolder(lang.L("training.gold.set.name.hint"))
	qOpts := make([]string, len(goldQueues))
	for i, q := range goldQueues {
		qOpts[i] = queueWord(q)
	}
	f.queue = widget.NewSelect(qOpts, nil)
	f.queue.SetSelectedIndex(0)
	cats := append([]review.Category{""}, review.Categories...)
	cOpts := make([]string, len(cats))
	for i, c := range cats {
		cOpts[i] = categoryWord(c)
	}
	f.category = widget.NewSelect(cOpts, nil)
	f.category.SetSelectedIndex(0)
	f.message.Importance = widget.DangerImportance
	f.message.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	f.submit = func() {
		name := strings.TrimSpace(f.name.Text)
		if name == "" {
			f.message.SetText(lang.L("training.gold.set.name.required"))
			return
		}
		queue := goldQueues[max(f.queue.SelectedIndex(), 0)]
		cat := cats[max(f.category.SelectedIndex(), 0)]
		v.run(func() {
			ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
			defer cancel()
			s, err := v.svc.CreateGoldSet(ctx, v.acct, name, queue, cat)
			fyne.Do(func() {
				if err != nil {
					f.message.SetText(trainingErrorText(err, "create gold set"))
					return
				}
				d.Hide()
				v.chosen = s.ID
				v.items = nil
				v.message.SetText(lang.L("training.gold.set.created", map[string]any{"Name": cleanText(s.Name)}))
				v.reload()
			})
		})
	}
	f.name.OnSubmitted = func(string) { f.submit() }
	body := newMinWidth(480, container.NewVBox(widget.NewForm(
		widget.NewFormItem(lang.L("training.gold.set.name"), f.name),
		widget.NewFormItem(lang.L("training.set.queue"), f.queue),
		widget.NewFormItem(lang.L("training.set.category"), f.category)), f.message))
	d = trainingDialog(v.win, lang.L("training.gold.set.new"), lang.L("training.gold.set.create"), theme.ContentAddIcon(), body, f.submit)
	v.dialogs.show(d)
	v.win.Canvas().Focus(f.name)
	v.setForm = f
}

// parseSource reads the add-item dialog's source: "#42" is item number
// 42, anything else a produce ID.
func parseSource(s string) (itemID int64, produceID string, ok bool) {
	s = strings.TrimSpace(s)
	if rest, found := strings.CutPrefix(s, "#"); found {
		n, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
		return n, "", err == nil && n > 0
	}
	return 0, s, s != ""
}

// showItemDialog makes a gold item of a live item: which item, the
// expected decision, its reason codes (the reject dialog's picker) and
// the explanation trainees will read.
func (v *goldSetsView) showItemDialog() {
	set, ok := v.chosenSet()
	if !ok {
		return
	}
	var d *dialog.CustomDialog
	f := &goldItemForm{source: widget.NewEntry(), goldAnswer: newGoldAnswer(func() { d.Hide() })}
	f.source.SetPlaceHolder(lang.L("training.gold.item.source.hint"))
	f.submit = func() {
		itemID, produceID, ok := parseSource(f.source.Text)
		if !ok {
			f.message.SetText(lang.L("training.gold.item.source.required"))
			return
		}
		g, ok := f.gold(set.ID)
		if !ok {
			return
		}
		g.ItemID, g.ProduceID = itemID, produceID
		v.run(func() {
			ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
			defer cancel()
			added, err := v.svc.AddGold(ctx, v.acct, set.ID, g)
			fyne.Do(func() {
				if err != nil {
					f.message.SetText(trainingErrorText(err, "add gold item"))
					return
				}
				d.Hide()
				v.message.SetText(lang.L("training.gold.item.added", map[string]any{"Item": cleanText(added.ProduceID)}))
				v.reload()
			})
		})
	}
	body := f.layout(fyne.NewSize(680, 560), nil, []*widget.FormItem{widget.NewFormItem(lang.L("training.gold.item.source"), f.source)})
	d = trainingDialog(v.win, lang.L("training.gold.item.title", map[string]any{"Set": cleanText(set.Name)}),
		lang.L("training.gold.item.add"), theme.ContentAddIcon(), body, f.submit)
	v.dialogs.show(d)
	v.win.Canvas().Focus(f.source)
	v.itemForm = f
}

// onRetire retires the chosen item after asking: it stays in the record
// and in the versions that had it.
func (v *goldSetsView) onRetire() {
	if v.itemChosen < 0 || v.itemChosen >= len(v.items) || v.busy {
		return
	}
	g := v.items[v.itemChosen]
	d := dialog.NewConfirm(lang.L("training.gold.item.retire"), lang.L("training.gold.item.retire.confirm",
		map[string]any{"Item": cleanText(g.ProduceID)}), func(ok bool) {
		if ok {
			v.retireNow(g)
		}
	}, v.win)
	v.dialogs.show(d)
}

func (v *goldSetsView) retireNow(g review.GoldItem) {
	v.busy = true
	v.updateButtons()
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		err := v.svc.RetireGold(ctx, v.acct, g.ID)
		fyne.Do(func() {
			v.busy = false
			v.updateButtons()
			if err != nil {
				v.showError(err)
				return
			}
			v.message.SetText(lang.L("training.gold.item.retired.done", map[string]any{"Item": cleanText(g.ProduceID)}))
			v.reload()
		})
	})
}

// onSaveGate sets a queue's gate from its row.
func (v *goldSetsView) onSaveGate(queue string) {
	r := v.gates[queue]
	accText := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.accuracy.Text), "%"))
	nText := strings.TrimSpace(r.items.Text)
	g := review.Gate{Queue: queue} // both empty: 0 % over 0 items removes the gate
	if accText != "" || nText != "" {
		acc, err1 := strconv.ParseFloat(accText, 64)
		n, err2 := strconv.Atoi(nText)
		if err1 != nil || err2 != nil || !(acc > 0 && acc <= 100) || n < 1 {
			r.info.Importance = widget.DangerImportance
			r.info.SetText(lang.L("training.gold.gate.invalid"))
			return
		}
		g.MinAccuracy, g.MinItems = acc, n
	}
	r.info.Importance = widget.LowImportance
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		err := v.svc.SetGate(ctx, v.acct, g)
		fyne.Do(func() {
			if err != nil {
				r.info.Importance = widget.DangerImportance
				r.info.SetText(trainingErrorText(err, "set gate"))
				return
			}
			if g.MinItems == 0 {
				r.info.SetText(lang.L("training.gold.gate.removed"))
			} else {
				r.info.SetText(lang.L("training.gold.gate.saved"))
			}
			v.reload()
		})
	})
}

// onCertify asks the service to certify the reviewer for the queue; below
// the gate it refuses, and the screen shows why.
func (v *goldSetsView) onCertify() {
	name := strings.TrimSpace(v.certReviewer.Text)
	if name == "" {
		v.certMsg.Importance = widget.DangerImportance
		v.certMsg.SetText(lang.L("training.gold.certify.reviewer.required"))
		return
	}
	v.certifyFor(name, goldQueues[max(v.certQueue.SelectedIndex(), 0)])
}

// certifyFor asks the service to certify name for queue and shows the
// answer under the form (and a refusal in a dialog too).
func (v *goldSetsView) certifyFor(name, queue string) {
	v.certify.Disable()
	for _, b := range v.recertify {
		b.Disable()
	}
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		c, err := v.svc.Certify(ctx, v.acct, name, queue)
		fyne.Do(func() {
			v.updateButtons()
			if err != nil {
				msg := trainingErrorText(err, "certify")
				v.certMsg.Importance = widget.DangerImportance
				v.certMsg.SetText(lang.L("training.gold.certify.refused", map[string]any{"Reviewer": cleanText(name),
					"Queue": queueWord(queue), "Why": msg}))
				v.dialogs.show(dialog.NewInformation(lang.L("training.gold.certify.refused.title"), v.certMsg.Text, v.win))
				return
			}
			v.certMsg.Importance = widget.SuccessImportance
			v.certMsg.SetText(lang.L("training.gold.certify.done", map[string]any{"Reviewer": cleanText(c.Reviewer),
				"Queue": queueWord(c.Queue), "Accuracy": fmt.Sprintf("%.1f %%", c.Accuracy), "N": c.Items}))
			v.reload()
		})
	})
}

// showError words an error (style.md §7) under the list and in a dialog.
func (v *goldSetsView) showError(err error) {
	msg := trainingErrorText(err, "gold sets")
	v.message.SetText(msg)
	v.dialogs.show(dialog.NewError(errors.New(msg), v.win))
}

// certRow words a certification for the certification lists.
func certRow(c review.Certification) *fyne.Container {
	row := newColumns(certColumnWidths, 7)
	state := lang.L("training.gold.cert.valid")
	if c.Revoked {
		state = lang.L("training.gold.cert.revoked", map[string]any{"Reason": cleanText(c.Reason)})
		row.Objects[6].(*widget.Label).Importance = widget.DangerImportance
	}
	setColumns(row, cleanText(c.Reviewer), queueWord(c.Queue), fmt.Sprintf("%.1f %%", c.Accuracy),
		strconv.Itoa(c.Items), cleanText(c.CertifiedBy), c.CertifiedAt.Local().Format("2006-01-02"), state)
	return row
}

// certHeader is the header over certRow rows.
func certHeader() *fyne.Container {
	return columnHeader(certColumnWidths, "training.gold.cert.reviewer", "training.gold.cert.queue", "training.gold.cert.accuracy",
		"training.gold.cert.items", "training.gold.cert.by", "training.gold.cert.at", "training.gold.cert.state")
}

// ---- Gold from imported files ----

// goldImportTimeout bounds one import: reading, storing and scanning a
// file of up to review.MaxMedia bytes (a long video) takes a while.
const goldImportTimeout = 10 * time.Minute

// goldImportForm is the state of the import dialog.
type goldImportForm struct {
	path          *widget.Entry
	choose        *widget.Button
	sidecar       *widget.Entry
	chooseSidecar *widget.Button
	category      *widget.Select // review.Categories; used without a sidecar
	*goldAnswer
	status *widget.Label // what the background job is doing
	busy   bool
	submit func()
}

// setImporter gives the screen the importer of gold files: with one, the
// set's items pane offers "Import a file…".
func (v *goldSetsView) setImporter(gi review.GoldImporter) {
	v.importer = gi
	showIf(v.importGold, gi != nil)
	v.updateButtons()
}

// showImportDialog makes a gold item of a file that is no live item: the
// file (typed, or chosen with the system's dialog), its generation record
// if there is one, its service category otherwise, and the expected
// decision as in the add-item dialog. The app stores, scans and judges it
// as intake would.
func (v *goldSetsView) showImportDialog() {
	set, ok := v.chosenSet()
	if !ok || v.importer == nil || v.busy {
		return
	}
	var d *dialog.CustomDialog
	f := &goldImportForm{path: widget.NewEntry(), sidecar: widget.NewEntry(), status: widget.NewLabel(""),
		goldAnswer: newGoldAnswer(func() { d.Hide() })}
	f.path.SetPlaceHolder(lang.L("training.gold.import.file.hint"))
	f.sidecar.SetPlaceHolder(lang.L("training.gold.import.sidecar.hint"))
	f.choose = widget.NewButtonWithIcon(lang.L("training.gold.import.choose"), theme.FolderOpenIcon(),
		func() { v.chooseFile(f.path, nil) })
	f.chooseSidecar = widget.NewButtonWithIcon(lang.L("training.gold.import.choose"), theme.FolderOpenIcon(),
		func() { v.chooseFile(f.sidecar, []string{".json"}) })
	cOpts := make([]string, len(review.Categories))
	for i, c := range review.Categories {
		cOpts[i] = categoryWord(c)
	}
	f.category = widget.NewSelect(cOpts, nil)
	f.category.PlaceHolder = lang.L("training.gold.import.category.hint")
	if i := slices.Index(review.Categories, set.Category); i >= 0 {
		f.category.SetSelectedIndex(i)
	}
	// A sidecar names the category itself.
	f.sidecar.OnChanged = func(s string) {
		if strings.TrimSpace(s) == "" {
			f.category.Enable()
		} else {
			f.category.Disable()
		}
	}
	f.status.Importance = widget.LowImportance
	f.status.Wrapping = fyne.TextWrapWord
	f.submit = func() { v.submitImport(set, f, func() { d.Hide() }) }
	f.path.OnSubmitted = func(string) { f.submit() }
	help := widget.NewLabel(lang.L("training.gold.import.help"))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	body := f.layout(fyne.NewSize(720, 680), help, []*widget.FormItem{
		widget.NewFormItem(lang.L("training.gold.import.file"), container.NewBorder(nil, nil, nil, f.choose, f.path)),
		widget.NewFormItem(lang.L("training.gold.import.sidecar"), container.NewBorder(nil, nil, nil, f.chooseSidecar, f.sidecar)),
		widget.NewFormItem(lang.L("training.gold.import.category"), f.category)}, f.status)
	d = trainingDialog(v.win, lang.L("training.gold.import.title", map[string]any{"Set": cleanText(set.Name)}),
		lang.L("training.gold.import.submit"), theme.UploadIcon(), body, f.submit)
	v.dialogs.show(d)
	v.win.Canvas().Focus(f.path)
	v.importForm = f
}

// chooseFile fills entry with a file picked in the system's dialog.
func (v *goldSetsView) chooseFile(entry *widget.Entry, exts []string) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		entry.SetText(r.URI().Path())
		// Only the path is wanted: the import reads the file, bounded.
		if cerr := r.Close(); cerr != nil {
			fyne.LogError("gold import: close the chosen file", cerr)
		}
	}, v.win)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	v.dialogs.show(d)
}

// submitImport checks the import form, then reads the files (bounded) and
// imports them in the background, showing what it does; hide closes the
// dialog once the gold item is made.
func (v *goldSetsView) submitImport(set review.GoldSet, f *goldImportForm, hide func()) {
	if f.busy {
		return
	}
	path, sidecar := strings.TrimSpace(f.path.Text), strings.TrimSpace(f.sidecar.Text)
	if path == "" {
		f.message.SetText(lang.L("training.gold.import.file.required"))
		return
	}
	var cat review.Category
	if sidecar == "" {
		i := f.category.SelectedIndex()
		if i < 0 {
			f.message.SetText(lang.L("training.gold.import.category.required"))
			return
		}
		cat = review.Categories[i]
	}
	g, ok := f.gold(set.ID)
	if !ok {
		return
	}
	name := filepath.Base(path)
	f.busy, v.busy = true, true
	v.updateButtons()
	f.message.SetText("")
	f.status.SetText(lang.L("training.gold.import.running", map[string]any{"File": cleanText(name)}))
	importer := v.importer
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), goldImportTimeout)
		defer cancel()
		file := review.GoldFile{Name: name, Category: cat}
		var (
			added review.GoldItem
			err   error
		)
		file.Data, err = readImportFile(path, review.MaxMedia)
		if err == nil && sidecar != "" {
			file.Sidecar, err = readImportFile(sidecar, review.MaxSidecarBytes)
		}
		if err == nil {
			added, err = importer.ImportGold(ctx, v.acct, set.ID, file, g)
		}
		fyne.Do(func() {
			f.busy, v.busy = false, false
			v.updateButtons()
			f.status.SetText("")
			if err != nil {
				f.message.SetText(trainingErrorText(err, "import gold file"))
				return
			}
			hide()
			v.message.SetText(lang.L("training.gold.import.done", map[string]any{"File": cleanText(name),
				"Item": cleanText(added.ProduceID)}))
			v.reload()
		})
	})
}

// readImportFile reads a file of at most limit bytes, checking its size
// before reading anything, and stopping at the limit should it grow
// meanwhile. Its errors are worded for the trainer (EINVALID, ENOTFOUND).
func readImportFile(path string, limit int64) ([]byte, error) {
	name := cleanText(path)
	r, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, review.Errorf(review.ENOTFOUND, "%s", lang.L("training.gold.import.missing", map[string]any{"File": name}))
	} else if err != nil {
		return nil, review.Errorf(review.EINVALID, "%s", lang.L("training.gold.import.unreadable",
			map[string]any{"File": name, "Error": cleanText(err.Error())}))
	}
	defer r.Close()
	st, err := r.Stat()
	switch {
	case err != nil:
		return nil, review.Errorf(review.EINVALID, "%s", lang.L("training.gold.import.unreadable",
			map[string]any{"File": name, "Error": cleanText(err.Error())}))
	case !st.Mode().IsRegular():
		return nil, review.Errorf(review.EINVALID, "%s", lang.L("training.gold.import.not_file", map[string]any{"File": name}))
	case st.Size() > limit:
		return nil, review.Errorf(review.EINVALID, "%s", lang.L("training.gold.import.too_big",
			map[string]any{"File": name, "Size": st.Size(), "Limit": limit}))
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, review.Errorf(review.EINVALID, "%s", lang.L("training.gold.import.unreadable",
			map[string]any{"File": name, "Error": cleanText(err.Error())}))
	}
	if int64(len(data)) > limit {
		return nil, review.Errorf(review.EINVALID, "%s", lang.L("training.gold.import.too_big",
			map[string]any{"File": name, "Size": len(data), "Limit": limit}))
	}
	return data, nil
}
