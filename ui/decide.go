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

// newReasonPicker builds the reject dialog's reason list: a filter, the
// codes (those in first come first, ticked), and a line saying what is
// ticked. rows makes the list (reasonIconRows on the desk, tick boxes in
// training: newReasonChooser). Give it keys with reasonKeys.
func newReasonPicker(first []string, rows func(p *reasonPicker) *widget.List) *reasonPicker {
	p := &reasonPicker{checked: map[string]bool{}}
	for _, c := range first {
		if r, ok := review.LookupReason(c); ok && !p.checked[c] {
			p.checked[c] = true
			p.all = append(p.all, r)
		}
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
	p.list = rows(p)
	p.list.OnSelected = func(i widget.ListItemID) { p.cursor = i }
	p.filter.OnChanged = func(string) { p.applyFilter() }
	p.shown = make([]review.Reason, 0, len(p.all))
	p.applyFilter()
	p.updateSummary()
	return p
}

// reasonIconRows are the desk's reason rows: a tick icon and the words;
// Enter ticks the highlighted row.
func reasonIconRows(p *reasonPicker) *widget.List {
	return widget.NewList(func() int { return len(p.shown) },
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
}

// offerSanctions adds the choice of a sanction on the user (DSP Art. 10)
// to the reject dialog; with the filter empty, 0–4 pick it.
func (p *reasonPicker) offerSanctions() {
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
}

// reasonKeys gives a reason chooser's filter the reject dialog's keys:
// Down and Up move, Enter ticks the highlighted code and clears the
// filter (or, with the filter empty and a code ticked, calls submit when
// there is one), Esc calls cancel. With a sanction offered, 0–4 pick it
// while the filter is empty.
func reasonKeys(p *reasonPicker, submit, cancel func()) {
	p.filter.onKey = listKeys(p.list, &p.cursor, func() {
		if submit != nil && strings.TrimSpace(p.filter.Text) == "" && len(p.codes()) > 0 {
			submit()
			return
		}
		p.toggle(p.cursor)
		p.filter.SetText("")
	}, cancel)
	if p.sanc == nil {
		return
	}
	p.filter.onRune = func(r rune) bool {
		if p.filter.Text != "" || r < '0' || r > '4' {
			return false
		}
		p.sanc.SetSelectedIndex(int(r - '0'))
		return true
	}
}

// showRejectDialog asks for the reason codes in p, the sanction when p
// offers one, and an optional note, and gives the decision to decide.
// Keys: type to filter, ↑/↓ to move, Enter to tick the highlighted reason
// (or, with the filter empty, to reject), Esc to cancel. help is the
// dialog's help text. It returns p, for tests.
func showRejectDialog(win fyne.Window, dialogs *dialogStack, it review.Item, p *reasonPicker, help string,
	decide func(review.Decision)) *reasonPicker {
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
		decide(review.Decision{Outcome: review.OutcomeReject, Reasons: codes,
			Note: strings.TrimSpace(p.note.Text), Sanction: p.sanction})
	}
	cancel := func() { d.Hide() }
	reasonKeys(p, submit, cancel)
	p.note.onKey = listKeys(nil, nil, submit, cancel)
	var items []*widget.FormItem
	if p.sanc != nil {
		items = append(items, widget.NewFormItem(lang.L("reject.sanction"), p.sanc))
	}
	items = append(items, widget.NewFormItem(lang.L("reject.note.label"), p.note))
	body := container.New(&fixedSizeLayout{size: fyne.NewSize(640, 460)}, container.NewBorder(
		container.NewVBox(helpLabel(help), p.filter), container.NewVBox(p.summary, widget.NewForm(items...)),
		nil, nil, p.list))
	d = decisionDialog(win, lang.L("reject.title", map[string]any{"Item": cleanText(it.ProduceID)}),
		lang.L("outcome.reject"), theme.CancelIcon(), body, submit)
	dialogs.show(d)
	win.Canvas().Focus(p.filter)
	return p
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

// showNoteDialog asks for the note of an escalation, hold or skip of it
// and gives the decision to decide: pick a template with ↑/↓ (it fills
// the note, which can be edited), Enter to submit, Esc to cancel.
// required: the outcome needs a note. It returns the dialog's state, for
// tests.
func showNoteDialog(win fyne.Window, dialogs *dialogStack, it review.Item, outcome review.Outcome, required bool,
	decide func(review.Decision)) *notePicker {
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
		decide(review.Decision{Outcome: outcome, Note: note})
	}
	p.note.onKey = listKeys(p.list, &p.cursor, submit, func() { d.Hide() })
	body := container.New(&fixedSizeLayout{size: fyne.NewSize(560, 320)},
		container.NewBorder(helpLabel("note.help"), container.NewVBox(p.note, p.message), nil, nil, p.list))
	d = decisionDialog(win, lang.L("note.title."+string(outcome), map[string]any{"Item": cleanText(it.ProduceID)}),
		lang.L("outcome."+string(outcome)), theme.ConfirmIcon(), body, submit)
	dialogs.show(d)
	win.Canvas().Focus(p.note)
	return p
}

// listKeys are the keys of a picker dialog's entry: Down and Up move the
// highlight in list (when there is one; cursor follows it), Enter calls
// enter and Esc calls cancel (when there is one). The result is a
// keyEntry's onKey.
func listKeys(list *widget.List, cursor *int, enter, cancel func()) func(*fyne.KeyEvent) bool {
	return func(ev *fyne.KeyEvent) bool {
		switch ev.Name {
		case fyne.KeyDown, fyne.KeyUp:
			if list == nil {
				return false
			}
			to := *cursor + 1
			if ev.Name == fyne.KeyUp {
				to = *cursor - 1
			}
			if to >= 0 && to < list.Length() {
				*cursor = to
				list.Select(to)
			}
		case fyne.KeyReturn, fyne.KeyEnter:
			enter()
		case fyne.KeyEscape:
			if cancel != nil {
				cancel()
			}
		default:
			return false
		}
		return true
	}
}

// helpLabel is a dialog's help text: small, wrapped.
func helpLabel(key string) *widget.Label {
	help := widget.NewLabel(lang.L(key))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	return help
}

// decisionDialog is a dialog with Cancel and a submit button that runs
// submit without closing first, so submit can refuse (a missing reason)
// and keep the dialog open.
func decisionDialog(win fyne.Window, title, confirm string, icon fyne.Resource, body fyne.CanvasObject, submit func()) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, body, win)
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
