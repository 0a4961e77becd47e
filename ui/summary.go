package ui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
	"synthreview/ui/widgets"
)

// statusTimeout bounds one read of the summary; a read that takes longer is
// stuck (WAL readers never wait for writers).
const statusTimeout = 30 * time.Second

// maxShownText bounds strings from the workspace shown in a label, so a
// corrupt or hostile record cannot blow up the layout.
const maxShownText = 4096

// summaryView is the workspace summary screen: what the workspace holds and
// where its audit chain stands.
type summaryView struct {
	status review.StatusReader
	win    fyne.Window
	run    func(job func())
	now    func() time.Time
	// dialogs tracks the error dialogs, so Escape closes them
	dialogs *dialogStack

	// onLoaded, if set, runs after every successful read (the window
	// updates its title from it).
	onLoaded func()

	workspacePath *widget.Label
	items         *widget.Label
	noItems       *widget.Label
	chart         *widgets.BarChart
	intakeErrors  *widget.Label
	accounts      *widget.Label
	complaints    *widget.Label
	consents      *widget.Label
	outbox        *widget.Label // actions the platform has not acknowledged (overdue ones stand out)
	events        *widget.Label
	chainHead     *widget.Label
	copyHead      *widget.Button
	checkpoint    *widget.Label
	refresh       *widget.Button
	progress      *widget.ProgressBarInfinite
	busy          *fyne.Container // holds progress; hidden when idle
	note          *widget.Label   // when the numbers were read, or why not

	last     review.Status // the numbers shown
	lastAt   time.Time     // when they were read; zero before the first read
	loading  bool
	failed   error // the last read's error, nil after a success
	rendered fyne.CanvasObject
}

func newSummaryView(status review.StatusReader, win fyne.Window, run func(job func())) *summaryView {
	v := &summaryView{status: status, win: win, run: run, now: time.Now, dialogs: &dialogStack{}}
	v.workspacePath = widget.NewLabel("")
	v.workspacePath.Wrapping = fyne.TextWrapBreak
	v.workspacePath.Selectable = true
	v.items = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.items.SizeName = theme.SizeNameSubHeadingText
	v.noItems = widget.NewLabel(lang.L("summary.no_items"))
	v.noItems.Wrapping = fyne.TextWrapWord
	v.noItems.Hide()
	v.chart = widgets.NewBarChart(nil)
	num := func() *widget.Label {
		return widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	}
	v.intakeErrors, v.accounts, v.complaints, v.consents, v.events = num(), num(), num(), num(), num()
	v.outbox = num()
	v.chainHead = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	v.chainHead.Selectable = true
	v.copyHead = widget.NewButtonWithIcon("", theme.ContentCopyIcon(), v.onCopyHead)
	v.checkpoint = num()
	v.refresh = widget.NewButtonWithIcon(lang.L("summary.refresh"), theme.ViewRefreshIcon(), v.onRefresh)
	v.progress = widget.NewProgressBarInfinite()
	v.progress.Stop()
	v.busy = container.NewGridWrap(fyne.NewSize(160, v.refresh.MinSize().Height), v.progress)
	v.busy.Hide()
	v.note = widget.NewLabel("")
	v.note.Truncation = fyne.TextTruncateEllipsis
	v.show()
	return v
}

// content returns the screen's layout.
func (v *summaryView) content() fyne.CanvasObject {
	if v.rendered != nil {
		return v.rendered
	}
	title := widget.NewLabelWithStyle(lang.L("summary.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	header := container.NewBorder(nil, nil, title, nil)
	ws := container.NewBorder(nil, nil,
		widget.NewLabelWithStyle(lang.L("summary.workspace"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, v.workspacePath)
	toolbar := container.NewBorder(nil, nil, container.NewHBox(v.refresh, v.busy), nil, v.note)

	queue := widget.NewCard(lang.L("summary.section.queue"), "", container.NewVBox(
		v.items,
		widget.NewLabelWithStyle(lang.L("summary.by_state"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true}),
		v.chart,
		v.noItems,
	))
	form := func(rows ...fyne.CanvasObject) fyne.CanvasObject {
		return container.New(layout.NewFormLayout(), rows...)
	}
	label := func(key string) fyne.CanvasObject { return widget.NewLabel(lang.L(key)) }
	records := widget.NewCard(lang.L("summary.section.records"), "", form(
		label("summary.intake_errors"), v.intakeErrors,
		label("summary.accounts"), v.accounts,
		label("summary.complaints"), v.complaints,
		label("summary.consents"), v.consents,
		label("summary.outbox"), v.outbox,
	))
	audit := widget.NewCard(lang.L("summary.section.audit"), "", form(
		label("summary.events"), v.events,
		label("summary.chain_head"), container.NewBorder(nil, nil, nil, v.copyHead, v.chainHead),
		label("summary.last_checkpoint"), v.checkpoint,
	))
	body := container.NewGridWithColumns(2, queue, container.NewVBox(records, audit))
	v.rendered = container.NewPadded(container.NewBorder(
		container.NewVBox(header, ws, toolbar, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(body)))
	return v.rendered
}

// workspace is the path of the workspace shown, or "" before the first read.
func (v *summaryView) workspace() string {
	return v.last.Workspace
}

// takeOver copies the numbers another summaryView shows (the one this
// replaces after a language switch), so nothing needs reloading.
func (v *summaryView) takeOver(old *summaryView) {
	v.last, v.lastAt, v.failed, v.now = old.last, old.lastAt, old.failed, old.now
	v.show()
	if old.loading { // its result will land in old; read again here
		v.onRefresh()
	}
}

// onRefresh reads the summary again in the background. The button is
// disabled and a progress bar runs until the result is shown; a second
// request while one runs is ignored.
func (v *summaryView) onRefresh() {
	if v.loading {
		return
	}
	v.loading = true
	v.refresh.Disable()
	v.busy.Show()
	v.progress.Start()
	v.note.SetText(lang.L("summary.loading"))
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
		st, err := v.status.Status(ctx)
		cancel()
		fyne.Do(func() { v.finish(st, err) })
	})
}

// finish shows a read's result; it runs on the UI goroutine. An error keeps
// the numbers already shown and says when they were read.
func (v *summaryView) finish(st review.Status, err error) {
	v.loading = false
	v.progress.Stop()
	v.busy.Hide()
	v.refresh.Enable()
	if err != nil {
		v.failed = err
		v.show()
		showError(v.win, v.dialogs, lang.L("summary.error"), err)
		return
	}
	v.last, v.lastAt, v.failed = st, v.now(), nil
	v.show()
	if v.onLoaded != nil {
		v.onLoaded()
	}
}

// show puts v.last into the widgets; before the first successful read
// every number is a dash, so a failed first read never looks like an empty
// workspace.
func (v *summaryView) show() {
	st := v.last
	have := v.haveData()
	count := func(n int64) string {
		if !have {
			return "—"
		}
		return groupDigits(n)
	}
	v.workspacePath.SetText(cleanText(st.Workspace))
	v.items.SetText(lang.L("summary.items", map[string]any{"N": count(int64(st.Items))}))
	v.noItems.Hidden = !(have && st.Items == 0)
	v.noItems.Refresh()
	bars := stateBars(st.ByState)
	if !have {
		for i := range bars {
			bars[i].Text = "—"
		}
	}
	v.chart.SetBars(bars)
	v.intakeErrors.SetText(count(int64(st.IntakeErrors)))
	if st.IntakeErrors > 0 {
		v.intakeErrors.Importance = widget.DangerImportance
	} else {
		v.intakeErrors.Importance = widget.MediumImportance
	}
	v.intakeErrors.Refresh()
	v.accounts.SetText(count(int64(st.Accounts)))
	v.complaints.SetText(count(int64(st.Complaints)))
	v.consents.SetText(count(int64(st.Consents)))
	v.outbox.Importance = widget.MediumImportance
	switch {
	case !have:
		v.outbox.SetText("—")
	case st.OutboxOverdue > 0:
		v.outbox.Importance = widget.DangerImportance
		v.outbox.SetText(lang.L("summary.outbox.overdue", map[string]any{"N": st.OutboxUnacked, "Overdue": st.OutboxOverdue,
			"Hours": int(review.OutboxAckLimit.Hours())}))
	default:
		v.outbox.SetText(count(int64(st.OutboxUnacked)))
	}
	v.outbox.Refresh()
	v.events.SetText(count(st.Events))
	head := cleanText(st.ChainHead)
	switch {
	case !have:
		v.chainHead.SetText("—")
		v.copyHead.Disable()
	case head == "":
		v.chainHead.SetText(lang.L("summary.chain_head.none"))
		v.copyHead.Disable()
	default:
		v.chainHead.SetText(shortHash(head))
		v.copyHead.Enable()
	}
	if have {
		v.checkpoint.SetText(formatCheckpoint(st.LastCheckpoint))
	} else {
		v.checkpoint.SetText("—")
	}
	v.note.SetText(v.noteText())
	if v.failed != nil {
		v.note.Importance = widget.DangerImportance
	} else {
		v.note.Importance = widget.LowImportance
	}
	v.note.Refresh()
}

func (v *summaryView) haveData() bool { return !v.lastAt.IsZero() }

func (v *summaryView) noteText() string {
	at := func() string { return v.lastAt.Local().Format("15:04:05") }
	switch {
	case v.loading:
		return lang.L("summary.loading")
	case v.failed != nil && v.haveData():
		return lang.L("summary.error") + " " + lang.L("summary.error.stale", map[string]any{"Time": at()})
	case v.failed != nil:
		return lang.L("summary.error")
	case v.haveData():
		return lang.L("summary.updated", map[string]any{"Time": at()})
	}
	return ""
}

// onCopyHead puts the full chain head on the clipboard, so it can be
// compared with an export or a checkpoint.
func (v *summaryView) onCopyHead() {
	head := cleanText(v.last.ChainHead)
	if head == "" {
		return
	}
	fyne.CurrentApp().Clipboard().SetContent(head)
	v.note.SetText(lang.L("summary.chain_head.copied"))
}

// stateColors gives each state a colour that says how it stands: waiting,
// needing attention, done, taken down.
var stateColors = map[review.State]fyne.ThemeColorName{
	review.StateQueued:     theme.ColorNamePrimary,
	review.StateEscalated:  theme.ColorNameWarning,
	review.StateInReview:   theme.ColorNamePrimary,
	review.StateHeld:       theme.ColorNameWarning,
	review.StateApproved:   theme.ColorNameSuccess,
	review.StateRelabelled: theme.ColorNameSuccess,
	review.StateRejected:   theme.ColorNameError,
	review.StateCleared:    theme.ColorNamePlaceHolder,
}

// stateBars lists every known state in display order, then any state the
// domain reports that this build does not know, by its code.
func stateBars(by map[review.State]int) []widgets.Bar {
	bars := make([]widgets.Bar, 0, len(review.States))
	for _, s := range review.States {
		bars = append(bars, widgets.Bar{Label: lang.L("state." + string(s)), Value: by[s], Color: stateColors[s]})
	}
	var unknown []review.State
	for s := range by {
		if !slices.Contains(review.States, s) {
			unknown = append(unknown, s)
		}
	}
	slices.Sort(unknown)
	for _, s := range unknown {
		bars = append(bars, widgets.Bar{Label: cleanText(string(s)), Value: by[s], Color: theme.ColorNameForeground})
	}
	return bars
}

// showError reports err per style.md §7: logged in full; the user sees what
// failed and, for the domain's user-facing codes, why; internal errors get
// a neutral sentence.
func showError(win fyne.Window, dialogs *dialogStack, what string, err error) {
	fyne.LogError(what, err)
	dialogs.show(dialog.NewError(errors.New(what+"\n"+errorText(err)), win))
}

// errorText words err for a person.
func errorText(err error) string {
	code := review.ErrorCode(err)
	switch code {
	case "", review.EINTERNAL:
		return lang.L("error.internal")
	}
	msg := cleanText(review.ErrorMessage(err))
	key := "error.code." + code
	if text := lang.L(key); text != key {
		return text + "\n" + msg
	}
	return msg
}

// cleanText makes a string from the workspace safe to show: no control
// characters or invalid UTF-8, and at most maxShownText bytes.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if len(s) > maxShownText {
		cut := maxShownText
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// shortHash shows the start and end of a long hash, which is enough to
// compare it by eye; the copy button copies all of it.
func shortHash(h string) string {
	r := []rune(h)
	if len(r) <= 20 {
		return h
	}
	return string(r[:12]) + "…" + string(r[len(r)-8:])
}

// formatCheckpoint shows an RFC 3339 time in local time with its offset;
// a value that does not parse is shown as it is, never dropped.
func formatCheckpoint(s string) string {
	s = cleanText(s)
	if s == "" {
		return lang.L("summary.last_checkpoint.none")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.Local().Format("2006-01-02 15:04:05 -07:00")
}

// groupDigits writes n with thousands separators (1,234,567), the way both
// Chinese and English readers expect large counts.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
