package ui

import (
	"encoding/json"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// keyEntry is an entry that lets its dialog handle some keys first (the
// arrows move a pick list, Enter picks or submits, Escape cancels), so a
// decision dialog works without the mouse.
type keyEntry struct {
	widget.Entry
	onKey  func(*fyne.KeyEvent) bool // true: handled, the entry does not see it
	onRune func(rune) bool
}

func newKeyEntry() *keyEntry {
	e := &keyEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives the dialog the first look at a key.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(ev) {
		return
	}
	e.Entry.TypedKey(ev)
}

// TypedRune gives the dialog the first look at a character.
func (e *keyEntry) TypedRune(r rune) {
	if e.onRune != nil && e.onRune(r) {
		return
	}
	e.Entry.TypedRune(r)
}

// reasonPicker is the reject dialog's state: the reason codes checked, the
// filter, the highlighted row and the sanction.
type reasonPicker struct {
	all      []review.Reason
	shown    []review.Reason // after the filter
	checked  map[string]bool
	cursor   int
	sanction review.Sanction
	filter   *keyEntry
	list     *widget.List
	note     *keyEntry
	sanc     *widget.Select
	summary  *widget.Label
}

// reasonWords is a reason code's wording with its articles.
func reasonWords(r review.Reason) string {
	return lang.L("reason."+r.Code) + "  ·  " + strings.Join(r.Articles, ", ")
}

func (p *reasonPicker) applyFilter() {
	q := strings.ToLower(strings.TrimSpace(p.filter.Text))
	p.shown = p.shown[:0]
	for _, r := range p.all {
		if q == "" || strings.Contains(strings.ToLower(lang.L("reason."+r.Code)), q) ||
			strings.Contains(r.Code, q) || strings.Contains(strings.ToLower(strings.Join(r.Articles, " ")), q) {
			p.shown = append(p.shown, r)
		}
	}
	p.cursor = min(p.cursor, max(len(p.shown)-1, 0))
	p.list.Refresh()
	if len(p.shown) > 0 {
		p.list.Select(p.cursor)
		p.list.ScrollTo(p.cursor)
	}
}

func (p *reasonPicker) toggle(i int) {
	if i < 0 || i >= len(p.shown) {
		return
	}
	c := p.shown[i].Code
	p.checked[c] = !p.checked[c]
	if !p.checked[c] {
		delete(p.checked, c)
	}
	p.list.RefreshItem(i)
	p.updateSummary()
}

func (p *reasonPicker) codes() []string {
	var out []string
	for _, r := range p.all { // in the list's order
		if p.checked[r.Code] {
			out = append(out, r.Code)
		}
	}
	return out
}

func (p *reasonPicker) updateSummary() {
	codes := p.codes()
	if len(codes) == 0 {
		p.summary.SetText(lang.L("reject.none"))
		return
	}
	words := make([]string, len(codes))
	for i, c := range codes {
		words[i] = lang.L("reason." + c)
	}
	p.summary.SetText(lang.L("reject.chosen", map[string]any{"Reasons": strings.Join(words, "；")}))
}

// showRejectDialog asks for the reason codes (the rule hits' reasons come
// pre-checked), an optional sanction on the user (DSP Art. 10) and an
// optional note. Keys: type to filter, ↑/↓ to move, Enter to check the
// highlighted reason (or, with the filter empty, to reject), 0–4 with the
// filter empty to pick the sanction, Esc to cancel.
func (v *deskView) showRejectDialog() {
	it := v.current.ev.Item
	// The suggested reasons come first, ticked; then every other code.
	p := &reasonPicker{checked: map[string]bool{}}
	for _, c := range suggestReasons(v.current.ev.RuleHits) {
		p.checked[c] = true
		r, _ := review.LookupReason(c)
		p.all = append(p.all, r)
	}
	for _, r := range review.Reasons {
		if !p.checked[r.Code] {
			p.all = append(p.all, r)
		}
	}
	p.filter = newKeyEntry()
	p.filter.SetPlaceHolder(lang.L("reject.filter"))
	p.summary = widget.NewLabel("")
	p.summary.Wrapping = fyne.TextWrapWord
	p.list = widget.NewList(func() int { return len(p.shown) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.CheckButtonIcon()), nil, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(p.shown) {
				return
			}
			c := o.(*fyne.Container)
			r := p.shown[i]
			icon := theme.CheckButtonIcon()
			if p.checked[r.Code] {
				icon = theme.CheckButtonCheckedIcon()
			}
			for _, obj := range c.Objects {
				switch w := obj.(type) {
				case *widget.Icon:
					w.SetResource(icon)
				case *widget.Label:
					w.SetText(reasonWords(r))
				}
			}
		})
	p.list.OnSelected = func(i widget.ListItemID) { p.cursor = i }
	sancOpts := []string{lang.L("sanction.none")}
	for _, s := range review.Sanctions {
		sancOpts = append(sancOpts, lang.L("sanction."+string(s)))
	}
	p.sanc = widget.NewSelect(sancOpts, func(s string) {
		i := slices.Index(sancOpts, s)
		p.sanction = review.SanctionNone
		if i > 0 {
			p.sanction = review.Sanctions[i-1]
		}
	})
	p.sanc.SetSelectedIndex(0)
	p.note = newKeyEntry()
	p.note.SetPlaceHolder(lang.L("reject.note"))

	var d *dialog.CustomDialog
	submit := func() {
		codes := p.codes()
		if len(codes) == 0 {
			p.summary.SetText(lang.L("reject.need_reason"))
			return
		}
		d.Hide()
		v.decide(review.Decision{Outcome: review.OutcomeReject, Reasons: codes,
			Note: strings.TrimSpace(p.note.Text), Sanction: p.sanction})
	}
	p.filter.OnChanged = func(string) { p.applyFilter() }
	p.filter.onKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyDown:
			if p.cursor < len(p.shown)-1 {
				p.cursor++
				p.list.Select(p.cursor)
			}
			return true
		case fyne.KeyUp:
			if p.cursor > 0 {
				p.cursor--
				p.list.Select(p.cursor)
			}
			return true
		case fyne.KeyReturn, fyne.KeyEnter:
			if strings.TrimSpace(p.filter.Text) == "" && len(p.codes()) > 0 && !p.list.Hidden {
				submit()
				return true
			}
			p.toggle(p.cursor)
			p.filter.SetText("")
			return true
		case fyne.KeyEscape:
			d.Hide()
			return true
		}
		return false
	}
	p.filter.onRune = func(r rune) bool {
		if p.filter.Text != "" || r < '0' || r > '4' {
			return false
		}
		p.sanc.SetSelectedIndex(int(r - '0'))
		return true
	}
	p.note.onKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			submit()
			return true
		case fyne.KeyEscape:
			d.Hide()
			return true
		}
		return false
	}
	help := widget.NewLabel(lang.L("reject.help"))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	form := container.NewBorder(
		container.NewVBox(help, p.filter),
		container.NewVBox(p.summary, widget.NewForm(
			widget.NewFormItem(lang.L("reject.sanction"), p.sanc),
			widget.NewFormItem(lang.L("reject.note.label"), p.note))),
		nil, nil, p.list)
	body := container.New(&fixedSizeLayout{size: fyne.NewSize(640, 460)}, form)
	d = v.decisionDialog(lang.L("reject.title", map[string]any{"Item": cleanText(it.ProduceID)}),
		lang.L("outcome.reject"), theme.CancelIcon(), body, submit)
	p.shown = make([]review.Reason, 0, len(p.all))
	p.applyFilter()
	p.updateSummary()
	v.dialogs.show(d)
	v.win.Canvas().Focus(p.filter)
	v.reject = p
}

// noteTemplates are the ready-made notes for each outcome that needs or
// takes one, so routine work needs no typing (Chinese input on Linux is
// limited: README).
var noteTemplates = map[review.Outcome][]string{
	review.OutcomeEscalate: {"note.escalate.unclear", "note.escalate.serious", "note.escalate.public_figure",
		"note.escalate.consent", "note.escalate.language"},
	review.OutcomeHold: {"note.hold.consent", "note.hold.provider", "note.hold.realname", "note.hold.legal"},
	review.OutcomeSkip: {"note.skip.conflict", "note.skip.media", "note.skip.language", "note.skip.break"},
}

// notePicker is the state of the escalate / hold / skip dialog.
type notePicker struct {
	templates []string
	cursor    int
	list      *widget.List
	note      *keyEntry
	message   *widget.Label
}

// showNoteDialog asks for the note of an escalation, hold or skip: pick a
// template with ↑/↓ (it fills the note, which can be edited), Enter to
// submit, Esc to cancel. required: the outcome needs a note.
func (v *deskView) showNoteDialog(outcome review.Outcome, required bool) {
	it := v.current.ev.Item
	p := &notePicker{templates: noteTemplates[outcome], cursor: -1}
	p.note = newKeyEntry()
	p.note.SetPlaceHolder(lang.L("note.placeholder"))
	p.message = widget.NewLabel("")
	p.message.Importance = widget.DangerImportance
	p.message.Hide()
	p.list = widget.NewList(func() int { return len(p.templates) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(lang.L(p.templates[i]))
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		p.cursor = i
		p.note.SetText(lang.L(p.templates[i]))
	}
	var d *dialog.CustomDialog
	submit := func() {
		note := strings.TrimSpace(p.note.Text)
		if required && note == "" {
			p.message.SetText(lang.L("note.required"))
			p.message.Show()
			return
		}
		d.Hide()
		v.decide(review.Decision{Outcome: outcome, Note: note})
	}
	p.note.onKey = func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyDown:
			if p.cursor < len(p.templates)-1 {
				p.list.Select(p.cursor + 1)
			}
			return true
		case fyne.KeyUp:
			if p.cursor > 0 {
				p.list.Select(p.cursor - 1)
			}
			return true
		case fyne.KeyReturn, fyne.KeyEnter:
			submit()
			return true
		case fyne.KeyEscape:
			d.Hide()
			return true
		}
		return false
	}
	help := widget.NewLabel(lang.L("note.help"))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	body := container.New(&fixedSizeLayout{size: fyne.NewSize(560, 320)},
		container.NewBorder(help, container.NewVBox(p.note, p.message), nil, nil, p.list))
	d = v.decisionDialog(lang.L("note.title."+string(outcome), map[string]any{"Item": cleanText(it.ProduceID)}),
		lang.L("outcome."+string(outcome)), theme.ConfirmIcon(), body, submit)
	v.dialogs.show(d)
	v.win.Canvas().Focus(p.note)
	v.note = p
}

// decisionDialog is a dialog with Cancel and a submit button that runs
// submit without closing first, so submit can refuse (a missing reason)
// and keep the dialog open.
func (v *deskView) decisionDialog(title, confirm string, icon fyne.Resource, body fyne.CanvasObject, submit func()) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, body, v.win)
	cancel := widget.NewButtonWithIcon(lang.L("action.cancel"), theme.CancelIcon(), d.Hide)
	ok := widget.NewButtonWithIcon(confirm+" (Enter)", icon, submit)
	ok.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{cancel, ok})
	return d
}

// suggestReasons maps rule hits to the reason codes a rejection would
// most likely rest on, so they come pre-checked. Keyword and feature-library
// hits carry their reason code as "category"; the built-in label, consent,
// real-name and assessment rules map by kind and problem.
func suggestReasons(hits []review.RuleHit) []string {
	var out []string
	add := func(c string) {
		if _, ok := review.LookupReason(c); ok && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, h := range hits {
		var e struct {
			Kind       string   `json:"kind"`
			Problem    string   `json:"problem"`
			Category   string   `json:"category"`
			Reason     string   `json:"reason"`
			Categories []string `json:"categories"`
			Matches    []struct {
				Category string `json:"category"`
				Entry    struct {
					Category string `json:"category"`
				} `json:"entry"`
			} `json:"matches"`
		}
		if json.Unmarshal([]byte(h.Evidence), &e) != nil {
			continue
		}
		for _, c := range e.Categories {
			add(c)
		}
		if e.Problem == "suppressed-by-negative-bank" {
			continue // a known false positive: nothing to reject for
		}
		for _, m := range e.Matches {
			add(m.Category)
			add(m.Entry.Category)
		}
		kind := e.Kind
		if kind == "" {
			kind = h.RuleID
		}
		switch kind {
		case "implicit-label":
			if e.Problem == "missing" {
				add("implicit-label-missing")
			} else {
				add("implicit-label-nonconforming")
			}
		case "explicit-label":
			if e.Problem == "too-small" {
				add("explicit-label-too-small")
			} else {
				add("explicit-label-missing")
			}
		case "biometric-consent":
			add("consent-missing")
		case "real-name":
			add("real-name-unverified")
		case "security-assessment":
			add("unassessed-model")
		}
		add(e.Category) // a reason code for keyword and bank hits; a service category otherwise (ignored)
		add(e.Reason)
	}
	return out
}

// fixedSizeLayout gives a dialog's body a steady size, so a filtered list
// does not make the dialog jump.
type fixedSizeLayout struct{ size fyne.Size }

func (l *fixedSizeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *fixedSizeLayout) MinSize([]fyne.CanvasObject) fyne.Size { return l.size }
