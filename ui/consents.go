package ui

import (
	"context"
	"fmt"
	"image"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
	"synthreview/ui/widgets"
)

// The register screens' shortcuts, defined once. They carry a modifier, so
// they work while the search entry has the focus; the session registers
// them for the screen in front (viewShortcut). The destructive ones take
// Shift as well, so a slip of one key does not open them.
var (
	scWithdraw = &desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scUnmask   = &desktop.CustomShortcut{KeyName: fyne.KeyU, Modifier: fyne.KeyModifierShortcutDefault}
	scErase    = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// viewShortcut is a screen's shortcut and the named handler it runs.
type viewShortcut struct {
	sc *desktop.CustomShortcut
	do func()
}

// columnsHeader and columnsRow make a list's header and a row template.
func columnsHeader(l columnsLayout, keys []string) *fyne.Container {
	c := container.New(l)
	for _, k := range keys {
		text := ""
		if k != "" {
			text = lang.L(k)
		}
		c.Add(widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	return c
}

func columnsRow(l columnsLayout, n int) fyne.CanvasObject {
	c := container.New(l)
	for range n {
		lb := widget.NewLabel("")
		lb.Truncation = fyne.TextTruncateEllipsis
		c.Add(lb)
	}
	return c
}

// setCells fills a row's labels; a row not read yet shows "…".
func setCells(o fyne.CanvasObject, texts ...string) {
	for i, c := range o.(*fyne.Container).Objects {
		t := ""
		if i < len(texts) {
			t = texts[i]
		}
		c.(*widget.Label).SetText(t)
	}
}

func blankCells(o fyne.CanvasObject) { setCells(o, "…") }

// registerDialog shows d through the window's dialog stack (Escape closes
// it), or on its own when the view has none.
func registerDialog(s *dialogStack, d dialog.Dialog) {
	if s == nil {
		d.Show()
		return
	}
	s.show(d)
}

// shownDate words a time for a register list; zero shows as "".
func shownDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// shownDay words a day for a list column; zero shows as "".
func shownDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02")
}

// keyedLabel words a button with its shortcut: "Withdraw… (Ctrl+Shift+W)".
func keyedLabel(key string, sc *desktop.CustomShortcut) string {
	return lang.L("desk.keyed", map[string]any{"Label": lang.L(key), "Key": keyLabel(sc)})
}

// byteSize words a size: "812 B", "14.2 KB", "3.1 MB".
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// consentsView is the consent registry (DSP Art. 14, PIPL Arts. 29–31):
// search and filter the records, see one with the items that rely on it
// and its evidence file, and — managers — withdraw it, which sends the
// decided items that relied on it back to the queue.
type consentsView struct {
	svc     review.ConsentRegister
	acct    review.Account
	win     fyne.Window
	run     func(job func())
	dialogs *dialogStack // set by the session; nil shows dialogs alone

	filter   review.ConsentFilter
	search   *widget.Entry
	scope    *widget.Select
	state    *widget.Select
	total    *widget.Label
	rows     *pagedList[review.ConsentRow]
	title    *widget.Label
	facts    *widget.Label
	items    *widget.Label
	evidence *widget.Label
	picture  *widgets.ImageView
	picBox   *fyne.Container // the picture at a fixed size; hidden without one
	withdraw *widget.Button  // nil when the role may not withdraw
	status   *widget.Label
	detail   *fyne.Container
	root     fyne.CanvasObject

	current *review.ConsentDetail
	// confirm is the open withdrawal dialog's Withdraw button, for tests.
	confirm *widget.Button
	busy    bool
}

// consentColumns and their weights.
var (
	consentColumns = []string{"consents.col.id", "consents.col.subject", "consents.col.name", "consents.col.scope",
		"consents.col.state", "consents.col.granted", "consents.col.expires", "consents.col.items"}
	consentLayout = columnsLayout{weights: []float32{1.6, 1.2, 1, 1, 1, 1.5, 1.5, 0.6}}
)

// canSeeConsents: the roles that may read the consent register.
func canSeeConsents(a review.Account) bool { return review.CanBrowseRegisters(a) }

func newConsentsView(svc review.ConsentRegister, acct review.Account, win fyne.Window, run func(job func())) *consentsView {
	v := &consentsView{svc: svc, acct: acct, win: win, run: run}
	v.search = widget.NewEntry()
	v.search.SetPlaceHolder(lang.L("consents.search"))
	v.search.OnSubmitted = func(s string) {
		v.filter.Query = strings.TrimSpace(s)
		v.reload()
	}
	v.scope = anySelect(review.ConsentScopes, func(s string) string { return lang.L("consents.scope." + s) },
		func(s string) { v.filter.Scope = s; v.reload() })
	v.state = anySelect(review.ConsentStates, func(s string) string { return lang.L("consents.state." + s) },
		func(s string) { v.filter.State = s; v.reload() })
	v.total = widget.NewLabel("")
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord

	v.rows = newPagedList(run, func() fyne.CanvasObject { return columnsRow(consentLayout, len(consentColumns)) },
		v.showRow, blankCells)
	v.rows.fetch = func(offset, limit int) func(context.Context) ([]review.ConsentRow, int, error) {
		f := v.filter
		f.Offset, f.Limit = offset, limit
		return func(ctx context.Context) ([]review.ConsentRow, int, error) { return v.svc.Consents(ctx, v.acct, f) }
	}
	v.rows.loaded = v.onLoaded
	v.rows.list.OnSelected = v.onSelect

	v.title = widget.NewLabelWithStyle(lang.L("consents.pick"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Selectable = true
	v.facts = widget.NewLabel("")
	v.facts.Wrapping = fyne.TextWrapWord
	v.items = widget.NewLabel("")
	v.items.Wrapping = fyne.TextWrapWord
	v.evidence = widget.NewLabel("")
	v.evidence.Wrapping = fyne.TextWrapWord
	v.picture = widgets.NewImageView()
	v.picture.SetPlaceholder(lang.L("consents.evidence.no_picture"))
	bar := container.NewHBox(layout.NewSpacer())
	if review.Require(acct, review.ActWithdrawConsent) == nil {
		v.withdraw = widget.NewButtonWithIcon(keyedLabel("consents.withdraw", scWithdraw), theme.DeleteIcon(), v.onWithdraw)
		v.withdraw.Importance = widget.DangerImportance
		v.withdraw.Disable()
		bar.Add(v.withdraw)
	}
	v.picBox = container.New(&fixedSizeLayout{size: fyne.NewSize(320, 240)}, v.picture)
	v.picBox.Hide()
	v.detail = container.NewVBox(v.title, v.facts, widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("consents.evidence"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.evidence, v.picBox,
		widget.NewSeparator(), widget.NewLabelWithStyle(lang.L("consents.items"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.items)
	detailPane := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), bar, v.status), nil, nil, container.NewVScroll(v.detail))

	help := widget.NewLabel(lang.L("consents.help"))
	help.Wrapping = fyne.TextWrapWord
	filters := container.NewGridWithColumns(3, labelled(lang.L("consents.search.label"), v.search),
		labelled(lang.L("consents.col.scope"), v.scope), labelled(lang.L("consents.col.state"), v.state))
	refresh := widget.NewButtonWithIcon(lang.L("summary.refresh"), theme.ViewRefreshIcon(), v.reload)
	listPane := container.NewBorder(columnsHeader(consentLayout, consentColumns), nil, nil, nil, v.rows.list)
	split := container.NewHSplit(listPane, detailPane)
	split.Offset = 0.6
	v.root = container.NewBorder(container.NewVBox(help, filters, container.NewBorder(nil, nil, nil, refresh, v.total)), nil, nil, nil, split)
	return v
}

func (v *consentsView) content() fyne.CanvasObject { return v.root }

// shortcuts are the screen's keys, for the session to register while the
// screen is in front.
func (v *consentsView) shortcuts() []viewShortcut {
	if v.withdraw == nil {
		return nil
	}
	return []viewShortcut{{scWithdraw, v.onWithdraw}}
}

// reload reads the list again with the current filter.
func (v *consentsView) reload() { v.rows.reload() }

func (v *consentsView) onLoaded(total int, err error) {
	if err != nil {
		v.total.SetText(errorText(err))
		return
	}
	v.total.SetText(lang.L("consents.total", map[string]any{"N": total}))
}

func (v *consentsView) showRow(r review.ConsentRow, o fyne.CanvasObject) {
	expires := shownDay(r.ExpiresAt)
	if r.ExpiresAt.IsZero() {
		expires = lang.L("consents.never")
	}
	setCells(o, cleanText(r.ID), cleanText(r.SubjectID), cleanText(r.SubjectMasked), lang.L("consents.scope."+r.Scope),
		lang.L("consents.state."+r.State), shownDay(r.GrantedAt), expires, strconv.Itoa(r.Items))
	state := o.(*fyne.Container).Objects[4].(*widget.Label)
	if r.State == review.ConsentValid {
		state.Importance = widget.MediumImportance
	} else {
		state.Importance = widget.DangerImportance
	}
	state.Refresh()
}

func (v *consentsView) onSelect(i widget.ListItemID) {
	r, ok := v.rows.row(i)
	if !ok {
		return
	}
	v.status.SetText("")
	v.open(r.ID)
}

// open reads one record and shows it in the detail pane.
func (v *consentsView) open(id string) {
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		d, err := v.svc.ConsentDetail(ctx, v.acct, id)
		var img image.Image
		if err == nil && d.Evidence.Image != nil {
			if img, err = decodePreview(d.Evidence.Image.Image); err != nil {
				fyne.LogError("consent evidence "+id, err)
				err, d.Evidence.Image = nil, nil
			}
		}
		fyne.Do(func() {
			if err != nil {
				v.status.SetText(errorText(err))
				return
			}
			v.showDetail(d, img)
		})
	})
}

func (v *consentsView) showDetail(d review.ConsentDetail, img image.Image) {
	v.current = &d
	c := d.Consent
	v.title.SetText(lang.L("consents.detail.title", map[string]any{"ID": cleanText(c.ID),
		"State": lang.L("consents.state." + d.State)}))
	expires := lang.L("consents.never")
	if !c.ExpiresAt.IsZero() {
		expires = shownDate(c.ExpiresAt)
	}
	withdrawn := lang.L("consents.not_withdrawn")
	if !c.WithdrawnAt.IsZero() {
		withdrawn = shownDate(c.WithdrawnAt)
	}
	v.facts.SetText(lang.L("consents.detail.facts", map[string]any{
		"Subject": cleanText(c.SubjectID), "Name": cleanText(c.SubjectName), "Scope": lang.L("consents.scope." + c.Scope),
		"Notice": cleanText(c.NoticeVersion), "Channel": cleanText(c.Channel), "Granted": shownDate(c.GrantedAt),
		"Expires": expires, "Withdrawn": withdrawn}))
	v.showEvidence(d.Evidence, img)
	if len(d.Items) == 0 {
		v.items.SetText(lang.L("consents.items.none"))
	} else {
		lines := make([]string, 0, len(d.Items)+1)
		for _, it := range d.Items {
			lines = append(lines, cleanText(it.ProduceID)+"  ·  "+lang.L("state."+string(it.State)))
		}
		if d.ItemsTotal > len(d.Items) {
			lines = append(lines, lang.L("consents.items.more", map[string]any{"N": d.ItemsTotal - len(d.Items)}))
		}
		v.items.SetText(strings.Join(lines, "\n"))
	}
	v.updateButtons()
}

func (v *consentsView) showEvidence(e review.EvidenceFile, img image.Image) {
	v.picBox.Hide()
	switch e.Status {
	case review.EvidenceNone:
		v.evidence.SetText(lang.L("consents.evidence.none"))
		return
	case review.EvidencePresent:
		v.evidence.SetText(lang.L("consents.evidence.present", map[string]any{"SHA": e.SHA256, "Size": byteSize(e.Size),
			"Kind": lang.L("consents.evidence.kind." + kindKey(e.Kind))}))
		if img != nil {
			v.picture.SetImage(img)
			v.picBox.Show()
		}
		return
	}
	v.evidence.SetText(lang.L("consents.evidence."+e.Status, map[string]any{"SHA": cleanText(e.SHA256)}))
}

// kindKey names a preview kind the screen words; others are "other".
func kindKey(k string) string {
	switch k {
	case "image", "audio", "video", "text":
		return k
	}
	return "other"
}

func (v *consentsView) updateButtons() {
	if v.withdraw == nil {
		return
	}
	if v.current != nil && v.current.State != review.ConsentWithdrawn && !v.busy {
		v.withdraw.Enable()
	} else {
		v.withdraw.Disable()
	}
}

// onWithdraw asks for confirmation before withdrawing the record shown.
func (v *consentsView) onWithdraw() {
	if v.withdraw == nil || v.withdraw.Disabled() || v.current == nil {
		return
	}
	d := *v.current
	decided := 0
	for _, it := range d.Items {
		if _, err := review.Next(it.State, it.Queue, review.MoveReopen); err == nil {
			decided++
		}
	}
	text := widget.NewLabel(lang.L("consents.withdraw.confirm", map[string]any{"ID": cleanText(d.Consent.ID),
		"Items": d.ItemsTotal, "Decided": decided}))
	text.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton(lang.L("consents.cancel"), nil)
	v.confirm = widget.NewButtonWithIcon(lang.L("consents.withdraw.do"), theme.DeleteIcon(), nil)
	v.confirm.Importance = widget.DangerImportance
	body := container.NewVBox(newMinWidth(460, text), container.NewHBox(layout.NewSpacer(), cancel, v.confirm))
	dg := dialog.NewCustomWithoutButtons(lang.L("consents.withdraw.title"), body, v.win)
	cancel.OnTapped = dg.Hide
	v.confirm.OnTapped = func() {
		dg.Hide()
		v.doWithdraw(d.Consent.ID)
	}
	registerDialog(v.dialogs, dg)
}

// doWithdraw withdraws id and says how many items went back to the queue.
func (v *consentsView) doWithdraw(id string) {
	v.busy = true
	v.updateButtons()
	v.status.SetText(lang.L("consents.withdrawing"))
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		n, err := v.svc.Withdraw(ctx, v.acct, id)
		fyne.Do(func() {
			v.busy = false
			if err != nil {
				if review.ErrorCode(err) == review.EINTERNAL {
					fyne.LogError("withdraw consent "+id, err)
				}
				v.status.SetText(errorText(err))
				v.updateButtons()
				return
			}
			msg := lang.L("consents.withdrawn", map[string]any{"ID": cleanText(id), "N": n})
			v.status.SetText(msg)
			registerDialog(v.dialogs, dialog.NewInformation(lang.L("consents.withdraw.title"), msg, v.win))
			v.reload()
			v.open(id)
		})
	})
}
