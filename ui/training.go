package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// This file is training mode's session screen (issue 11): a reviewer picks
// a gold set and works its items with the live desk's evidence view and
// keys, under a banner saying that nothing here touches live items. Each
// answer is judged at once (correct or not, what was expected and why,
// the reasons missed, the time taken), and the session ends with its
// accuracy. The gold-set builder is goldsets.go; scores are scores.go.

// trainingTimeout bounds one round trip to the workspace.
const trainingTimeout = 60 * time.Second

// trainExplanationRunes bounds the explanation shown under an answer.
const trainExplanationRunes = 1000

// trainState is where a training session stands on the screen.
type trainState int

const (
	trainPick     trainState = iota // choosing a gold set
	trainItem                       // an item is shown, waiting for the decision
	trainFeedback                   // the answer's feedback is shown
	trainDone                       // the session's summary is shown
)

// trainingActions are the desk actions the training screen answers to:
// the same decisions and media keys as live work. Hold, skip and undo
// have no place in training (no gold item expects them).
var trainingActions = []deskAction{actApprove, actRelabel, actReject, actEscalate}

// trainingView is the trainee's screen: pick a gold set, start (N), and
// decide each gold item as on the review desk; the feedback comes at once.
type trainingView struct {
	svc     review.Trainer
	acct    review.Account
	win     fyne.Window
	run     func(job func())
	preview func(ctx context.Context, itemID int64) (review.Preview, error)
	keys    *keymap
	dialogs *dialogStack
	now     func() time.Time

	banner *trainingBanner

	// Choosing a set.
	sets    []review.GoldSet
	setList *widget.List
	chosen  int // index in sets, -1 for none
	start   *widget.Button
	pickMsg *widget.Label
	pick    fyne.CanvasObject

	// Working an item.
	itemTitle *widget.Label
	itemMeta  *widget.Label
	counter   *widget.Label // "Item 2 of 10 · 1 correct so far"
	stop      *widget.Button
	media     *mediaPane
	evidence  *evidencePanel
	buttons   map[deskAction]*widget.Button
	bar       fyne.CanvasObject
	footer    *fyne.Container // the decision bar, or the feedback
	status    *widget.Label
	progress  *widget.ProgressBarInfinite
	work      fyne.CanvasObject

	// The feedback under an answer.
	fbVerdict  *widget.Label
	fbYours    *widget.Label
	fbExpected *widget.Label
	fbReasons  *widget.Label
	fbMissing  *widget.Label
	fbExplain  *widget.Label
	fbTook     *widget.Label
	next       *widget.Button
	feedback   fyne.CanvasObject

	// The summary at the end.
	sumAccuracy *widget.Label
	sumCaption  *widget.Label
	sumSet      *widget.Label
	again       *widget.Button
	summary     fyne.CanvasObject

	body *fyne.Container
	root fyne.CanvasObject

	state     trainState
	session   review.TrainingSession
	set       review.GoldSet
	gold      review.GoldItem
	current   *loaded
	shownAt   time.Time
	last      *review.Feedback
	answered  int
	correct   int
	tookTotal time.Duration
	busy      bool
	reject    *reasonPicker // the open reject dialog's state, for tests
	note      *notePicker   // the open escalate dialog's state, for tests
}

// newTrainingView builds the training screen for acct (any role with
// review.ActTrain). preview makes the picture of a gold item's source
// item (the desk's Preview); keys are the user's desk keys; dialogs is
// the window's stack, so Escape closes the screen's dialogs and single
// keys stay out while one is open. It reads nothing until reload.
func newTrainingView(svc review.Trainer, acct review.Account, win fyne.Window, run func(job func()),
	keys *keymap, dialogs *dialogStack, preview func(ctx context.Context, itemID int64) (review.Preview, error)) *trainingView {
	if keys == nil {
		keys = loadKeymap(nil)
	}
	if dialogs == nil {
		dialogs = &dialogStack{}
	}
	v := &trainingView{svc: svc, acct: acct, win: win, run: run, preview: preview, keys: keys, dialogs: dialogs,
		now: time.Now, chosen: -1, buttons: map[deskAction]*widget.Button{}}
	v.banner = newTrainingBanner(lang.L("training.banner"))
	v.buildPick()
	v.buildWork()
	v.buildFeedback()
	v.buildSummary()
	v.body = container.NewStack(v.pick)
	v.root = container.NewBorder(v.banner, nil, nil, nil, v.body)
	v.setState(trainPick)
	return v
}

func (v *trainingView) content() fyne.CanvasObject { return v.root }

func (v *trainingView) buildPick() {
	title := widget.NewLabelWithStyle(lang.L("training.pick.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	help := widget.NewLabel(lang.L("training.pick.help", map[string]any{"Key": keyName(v.keys.key(actStart))}))
	help.Wrapping = fyne.TextWrapWord
	v.setList = widget.NewList(func() int { return len(v.sets) },
		func() fyne.CanvasObject { return newColumns(setColumnWidths, 5) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(v.sets) {
				setColumns(o, setRow(v.sets[i])...)
			}
		})
	v.setList.OnSelected = func(i widget.ListItemID) {
		v.chosen = i
		v.updatePick()
	}
	v.setList.OnUnselected = func(widget.ListItemID) {
		v.chosen = -1
		v.updatePick()
	}
	v.start = widget.NewButtonWithIcon(v.keyed(actStart, "training.start"), theme.MediaPlayIcon(), v.onStart)
	v.start.Importance = widget.HighImportance
	v.pickMsg = widget.NewLabel("")
	v.pickMsg.Wrapping = fyne.TextWrapWord
	header := columnHeader(setColumnWidths, "training.set.name", "training.set.queue", "training.set.category",
		"training.set.version", "training.set.items")
	top := container.NewVBox(title, help, widget.NewSeparator(), header)
	bottom := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, v.start, v.pickMsg))
	v.pick = container.NewPadded(container.NewBorder(top, bottom, nil, nil, v.setList))
}

func (v *trainingView) buildWork() {
	v.itemTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.itemTitle.Selectable = true
	v.itemMeta = widget.NewLabel("")
	v.itemMeta.Truncation = fyne.TextTruncateEllipsis
	v.counter = widget.NewLabel("")
	v.stop = widget.NewButtonWithIcon(lang.L("training.stop"), theme.MediaStopIcon(), v.onStop)
	v.status = widget.NewLabel("")
	v.status.Truncation = fyne.TextTruncateEllipsis
	v.progress = widget.NewProgressBarInfinite()
	v.progress.Stop()
	v.progress.Hide()

	v.media = newMediaPane(v.keys, v.onReveal)
	v.evidence = newEvidencePanel(v.win)
	split := container.NewHSplit(v.media.content(), v.evidence.content())
	split.Offset = 0.55

	bar := container.NewHBox()
	for _, d := range decisionButtons(trainingActions) {
		b := widget.NewButtonWithIcon(v.keyed(d.act, d.key), d.icon, func() { v.onAction(d.act) })
		b.Importance = d.imp
		v.buttons[d.act] = b
		bar.Add(b)
	}
	v.bar = container.NewHScroll(bar)
	v.footer = container.NewStack(v.bar)
	header := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(v.progress, v.counter, v.stop), v.itemTitle),
		v.itemMeta, widget.NewSeparator())
	v.work = container.NewBorder(header, container.NewVBox(widget.NewSeparator(), v.footer, v.status), nil, nil, split)
}

func (v *trainingView) buildFeedback() {
	v.fbVerdict = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.fbVerdict.SizeName = theme.SizeNameHeadingText
	line := func() *widget.Label {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	v.fbYours, v.fbExpected, v.fbReasons, v.fbMissing, v.fbTook = line(), line(), line(), line(), widget.NewLabel("")
	v.fbExplain = widget.NewLabel("")
	v.fbExplain.Wrapping = fyne.TextWrapWord
	v.fbExpected.TextStyle.Bold = true
	v.fbMissing.Importance = widget.DangerImportance
	v.fbTook.Importance = widget.LowImportance
	v.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), v.onNext)
	v.next.Importance = widget.HighImportance
	head := container.NewBorder(nil, nil, nil, container.NewVBox(v.next), container.NewHBox(v.fbVerdict, v.fbTook))
	v.feedback = container.NewVBox(head, v.fbYours, v.fbExpected, v.fbReasons, v.fbMissing, v.fbExplain)
}

func (v *trainingView) buildSummary() {
	title := widget.NewLabelWithStyle(lang.L("training.summary.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	caption := widget.NewLabelWithStyle(lang.L("training.accuracy"), fyne.TextAlignCenter, fyne.TextStyle{})
	v.sumAccuracy = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	v.sumAccuracy.SizeName = theme.SizeNameHeadingText
	v.sumCaption = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.sumCaption.Wrapping = fyne.TextWrapWord
	v.sumSet = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.sumSet.Importance = widget.LowImportance
	v.again = widget.NewButtonWithIcon(v.keyed(actStart, "training.again"), theme.NavigateBackIcon(), v.onAgain)
	v.again.Importance = widget.HighImportance
	v.summary = container.NewCenter(newMinWidth(480, container.NewVBox(title, caption, v.sumAccuracy,
		v.sumCaption, v.sumSet, container.NewCenter(v.again))))
}

// keyed words a button with its key: "Approve (A)".
func (v *trainingView) keyed(a deskAction, key string) string { return keyedText(v.keys, a, key) }

// setState shows the page of a state and enables what it allows.
func (v *trainingView) setState(s trainState) {
	v.state = s
	page := v.pick
	switch s {
	case trainItem, trainFeedback:
		page = v.work
	case trainDone:
		page = v.summary
	}
	if len(v.body.Objects) != 1 || v.body.Objects[0] != page {
		v.body.Objects = []fyne.CanvasObject{page}
		v.body.Refresh()
	}
	foot := v.bar
	if s == trainFeedback {
		foot = v.feedback
	}
	if len(v.footer.Objects) != 1 || v.footer.Objects[0] != foot {
		v.footer.Objects = []fyne.CanvasObject{foot}
		v.footer.Refresh()
	}
	v.updateButtons()
}

// setBusy shows the spinner and keeps double presses out while a round
// trip runs.
func (v *trainingView) setBusy(on bool) {
	v.busy = on
	if on {
		v.progress.Show()
		v.progress.Start()
	} else {
		v.progress.Stop()
		v.progress.Hide()
	}
	v.updateButtons()
}

func (v *trainingView) updateButtons() {
	enable := func(b *widget.Button, on bool) {
		if on && !v.busy {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	for _, b := range v.buttons {
		enable(b, v.state == trainItem)
	}
	enable(v.start, v.state == trainPick && v.chosen >= 0 && v.chosen < len(v.sets) && v.sets[v.chosen].Items > 0)
	enable(v.next, v.state == trainFeedback)
	enable(v.stop, v.state == trainItem || v.state == trainFeedback)
	enable(v.again, v.state == trainDone)
}

func (v *trainingView) updatePick() {
	switch {
	case len(v.sets) == 0:
		v.pickMsg.SetText(lang.L("training.pick.none"))
	case v.chosen < 0 || v.chosen >= len(v.sets):
		v.pickMsg.SetText(lang.L("training.pick.choose"))
	case v.sets[v.chosen].Items == 0:
		v.pickMsg.SetText(lang.L("training.pick.empty"))
	default:
		s := v.sets[v.chosen]
		v.pickMsg.SetText(lang.L("training.pick.chosen", map[string]any{"Name": cleanText(s.Name), "N": s.Items}))
	}
	v.updateButtons()
}

// reload reads the gold sets again (on selection and F5). A session under
// way stays on screen.
func (v *trainingView) reload() {
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		sets, err := v.svc.GoldSets(ctx, v.acct)
		fyne.Do(func() {
			if err != nil {
				v.showError(err)
				return
			}
			v.showSets(sets)
		})
	})
}

// showSets lists sets, keeping the chosen one chosen.
func (v *trainingView) showSets(sets []review.GoldSet) {
	var keep int64
	if v.chosen >= 0 && v.chosen < len(v.sets) {
		keep = v.sets[v.chosen].ID
	}
	v.sets = sets
	v.chosen = -1
	v.setList.UnselectAll()
	v.setList.Refresh()
	// Keep the chosen set; with none chosen yet, the first is, so N starts
	// at once (keyboard first).
	for i, s := range sets {
		if s.ID == keep || keep == 0 && i == 0 {
			v.setList.Select(i)
			break
		}
	}
	v.updatePick()
}

// onRune runs the desk action on r's key while the screen is in front
// and no dialog is open, and reports whether r was one. The keys are the
// user's desk keys (remapped ones too).
func (v *trainingView) onRune(r rune) bool {
	a, ok := v.keys.action(runeKey(r))
	if !ok {
		return false
	}
	return v.onAction(a)
}

// onKey handles the keys that are not characters: Enter goes on after
// feedback (and starts from the set list), Up and Down choose a set or
// pan the picture, and function keys mapped to desk actions run them.
func (v *trainingView) onKey(n fyne.KeyName) bool {
	switch n {
	case fyne.KeyReturn, fyne.KeyEnter:
		switch v.state {
		case trainPick:
			v.onStart()
		case trainFeedback:
			v.onNext()
		case trainDone:
			v.onAgain()
		default:
			return false
		}
		return true
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyLeft, fyne.KeyRight:
		return v.onArrow(n)
	}
	if len(n) > 1 { // printable keys arrive as runes (onRune)
		if a, ok := v.keys.action(n); ok {
			return v.onAction(a)
		}
	}
	return false
}

func (v *trainingView) onArrow(n fyne.KeyName) bool {
	if v.state == trainPick {
		if len(v.sets) == 0 || n == fyne.KeyLeft || n == fyne.KeyRight {
			return false
		}
		i := v.chosen
		if n == fyne.KeyDown {
			i = min(i+1, len(v.sets)-1)
		} else {
			i = max(i-1, 0)
		}
		v.setList.Select(i)
		v.setList.ScrollTo(i)
		return true
	}
	if v.state != trainItem && v.state != trainFeedback {
		return false
	}
	v.media.pan(n)
	return true
}

// onAction runs a desk action and reports whether the screen used it.
func (v *trainingView) onAction(a deskAction) bool {
	switch a {
	case actStart:
		switch v.state {
		case trainPick:
			v.onStart()
		case trainFeedback:
			v.onNext()
		case trainDone:
			v.onAgain()
		}
		return true
	case actApprove:
		v.answer(review.Decision{Outcome: review.OutcomeApprove})
	case actRelabel:
		v.answer(review.Decision{Outcome: review.OutcomeApproveRelabel})
	case actReject:
		if v.ready() {
			// The reject dialog as on the desk, without the sanction.
			v.reject = showRejectDialog(v.win, v.dialogs, v.current.ev.Item,
				newReasonChooser(suggestReasons(v.current.ev.RuleHits)), "training.reject.help", v.answer)
		}
	case actEscalate:
		if v.ready() {
			v.note = showNoteDialog(v.win, v.dialogs, v.current.ev.Item, review.OutcomeEscalate, true, v.answer)
		}
	case actReveal:
		v.onReveal()
	default:
		return v.media.onAction(a)
	}
	return true
}

// ready: an item waits for its decision, nothing runs, no dialog is open.
func (v *trainingView) ready() bool {
	return v.state == trainItem && v.current != nil && !v.busy && len(v.dialogs.open) == 0
}

// onStart opens a session on the chosen set and shows its first item.
func (v *trainingView) onStart() {
	if v.state != trainPick || v.busy || v.chosen < 0 || v.chosen >= len(v.sets) || v.sets[v.chosen].Items == 0 {
		return
	}
	set := v.sets[v.chosen]
	v.setBusy(true)
	v.pickMsg.SetText(lang.L("training.starting"))
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		sess, err := v.svc.StartSession(ctx, v.acct, set.ID)
		if err != nil {
			fyne.Do(func() { v.setBusy(false); v.updatePick(); v.showError(err) })
			return
		}
		g, l, err := v.loadNext(ctx, sess.ID)
		var fin review.TrainingSession
		empty := review.ErrorCode(err) == review.ENOTFOUND
		if empty { // nothing to answer after all: close the session
			fin, err = v.svc.FinishSession(ctx, v.acct, sess.ID)
		}
		fyne.Do(func() {
			v.setBusy(false)
			if err != nil {
				v.updatePick()
				v.showError(err)
				return
			}
			v.set, v.session, v.answered, v.correct, v.tookTotal, v.last = set, sess, 0, 0, 0, nil
			if empty {
				v.showSummary(fin)
				return
			}
			v.showItem(g, l)
		})
	})
}

// loadNext reads the session's next gold item, its evidence and its
// preview. Runs off the Fyne goroutine.
func (v *trainingView) loadNext(ctx context.Context, sessionID int64) (review.GoldItem, *loaded, error) {
	g, ev, err := v.svc.NextGold(ctx, v.acct, sessionID)
	if err != nil {
		return g, nil, err
	}
	l := &loaded{ev: ev}
	if v.preview == nil {
		l.pv = review.Preview{Kind: "other"}
		return g, l, nil
	}
	pv, err := v.preview(ctx, ev.Item.ID)
	l.setPreview(pv, err, "training preview")
	return g, l, nil
}

// showItem puts a gold item on the screen; its clock starts now.
func (v *trainingView) showItem(g review.GoldItem, l *loaded) {
	v.gold, v.current, v.last = g, l, nil
	it := l.ev.Item
	v.itemTitle.SetText(cleanText(it.ProduceID))
	v.itemMeta.SetText(lang.L("training.item.meta", map[string]any{
		"Category": lang.L("category." + string(it.Category)), "Service": cleanText(it.Service),
		"Format": cleanText(it.Format), "Size": humanBytes(it.Size)}))
	v.counter.SetText(lang.L("training.counter", map[string]any{"N": v.answered + 1, "Total": v.set.Items,
		"Correct": v.correct}))
	v.evidence.show(l.ev, v.now())
	v.media.show(l, harmful(l.ev))
	v.status.SetText(lang.L("training.item.help"))
	v.setState(trainItem)
	v.shownAt = v.now()
}

// onReveal shows media that was blurred because a rule flagged it.
func (v *trainingView) onReveal() {
	if v.current != nil {
		v.media.onReveal()
	}
}

// answer sends the decision on the gold item shown and shows the
// feedback. The time taken runs from the item shown to this call.
func (v *trainingView) answer(d review.Decision) {
	if !v.ready() {
		return
	}
	took := max(v.now().Sub(v.shownAt), 0)
	sessionID, goldID := v.session.ID, v.gold.ID
	v.setBusy(true)
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		fb, err := v.svc.Answer(ctx, v.acct, sessionID, goldID, d, took)
		fyne.Do(func() {
			v.setBusy(false)
			if err != nil {
				v.showError(err)
				return
			}
			if fb.Answer.Took <= 0 {
				fb.Answer.Took = took
			}
			if fb.Answer.Outcome == "" {
				fb.Answer.Outcome, fb.Answer.Reasons = d.Outcome, d.Reasons
			}
			v.answered++
			if fb.Answer.Correct {
				v.correct++
			}
			v.tookTotal += fb.Answer.Took
			v.showFeedback(fb)
		})
	})
}

// showFeedback words an answer's result under the item.
func (v *trainingView) showFeedback(fb review.Feedback) {
	v.last = &fb
	if fb.Answer.Correct {
		v.fbVerdict.SetText(lang.L("training.correct"))
		v.fbVerdict.Importance = widget.SuccessImportance
	} else {
		v.fbVerdict.SetText(lang.L("training.incorrect"))
		v.fbVerdict.Importance = widget.DangerImportance
	}
	v.fbVerdict.Refresh()
	v.fbTook.SetText(lang.L("training.took", map[string]any{"Seconds": seconds(fb.Answer.Took)}))
	if len(fb.Answer.Reasons) > 0 {
		v.fbYours.SetText(lang.L("training.yours.reasons", map[string]any{"Outcome": outcomeWord(fb.Answer.Outcome),
			"Reasons": reasonWordList(fb.Answer.Reasons)}))
	} else {
		v.fbYours.SetText(lang.L("training.yours", map[string]any{"Outcome": outcomeWord(fb.Answer.Outcome)}))
	}
	v.fbExpected.SetText(lang.L("training.expected", map[string]any{"Outcome": outcomeWord(fb.Expected)}))
	v.fbReasons.SetText(lang.L("training.expected.reasons", map[string]any{"Reasons": reasonWordList(fb.Reasons)}))
	showIf(v.fbReasons, len(fb.Reasons) > 0)
	v.fbMissing.SetText(lang.L("training.missing", map[string]any{"Reasons": reasonWordList(fb.Missing)}))
	showIf(v.fbMissing, len(fb.Missing) > 0)
	v.fbExplain.SetText(lang.L("training.explanation", map[string]any{
		"Text": firstRunes(cleanLong(fb.Explanation), trainExplanationRunes)}))
	showIf(v.fbExplain, strings.TrimSpace(fb.Explanation) != "")
	if fb.Done {
		v.next.SetText(lang.L("training.next.done"))
	} else {
		v.next.SetText(lang.L("training.next"))
	}
	v.counter.SetText(lang.L("training.counter.after", map[string]any{"N": v.answered, "Total": v.set.Items,
		"Correct": v.correct}))
	v.status.SetText(lang.L("training.feedback.help", map[string]any{"Key": keyName(v.keys.key(actStart))}))
	v.setState(trainFeedback)
	// A wrapped label knows its height only once it has its width: lay out
	// twice, so the explanation gets the lines it needs.
	for range 2 {
		v.work.Refresh()
	}
}

// onNext shows the next item after the feedback, or the summary when the
// set is done.
func (v *trainingView) onNext() {
	if v.state != trainFeedback || v.busy || len(v.dialogs.open) > 0 {
		return
	}
	done := v.last != nil && v.last.Done
	sessionID := v.session.ID
	v.setBusy(true)
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		var (
			g   review.GoldItem
			l   *loaded
			err error
		)
		if !done {
			g, l, err = v.loadNext(ctx, sessionID)
			done = review.ErrorCode(err) == review.ENOTFOUND
		}
		var fin review.TrainingSession
		if done {
			fin, err = v.svc.FinishSession(ctx, v.acct, sessionID)
		}
		fyne.Do(func() {
			v.setBusy(false)
			if err != nil {
				v.showError(err)
				return
			}
			if done {
				v.showSummary(fin)
				return
			}
			v.showItem(g, l)
		})
	})
}

// onStop ends the session early and shows its summary.
func (v *trainingView) onStop() {
	if (v.state != trainItem && v.state != trainFeedback) || v.busy || len(v.dialogs.open) > 0 {
		return
	}
	sessionID := v.session.ID
	v.setBusy(true)
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		fin, err := v.svc.FinishSession(ctx, v.acct, sessionID)
		fyne.Do(func() {
			v.setBusy(false)
			if err != nil {
				v.showError(err)
				return
			}
			v.showSummary(fin)
		})
	})
}

// showSummary shows the session's accuracy. The service's count is the
// record; the screen's own count stands in when it has none.
func (v *trainingView) showSummary(fin review.TrainingSession) {
	r := review.Ratio{Correct: fin.Correct, Total: fin.Answered}
	if r.Total == 0 && v.answered > 0 {
		r = review.Ratio{Correct: v.correct, Total: v.answered}
	}
	v.session = fin
	v.current = nil
	v.evidence.clear()
	v.sumAccuracy.SetText(percent(r))
	v.sumAccuracy.Importance = widget.MediumImportance
	v.sumAccuracy.Refresh()
	avg := time.Duration(0)
	if v.answered > 0 {
		avg = v.tookTotal / time.Duration(v.answered)
	}
	v.sumCaption.SetText(lang.L("training.summary.caption", map[string]any{"Correct": r.Correct, "Total": r.Total,
		"Seconds": seconds(avg)}))
	v.sumSet.SetText(lang.L("training.summary.set", map[string]any{"Name": cleanText(v.set.Name),
		"Version": fin.SetVersion}))
	v.setState(trainDone)
}

// onAgain goes back to the set list.
func (v *trainingView) onAgain() {
	if v.state != trainDone || v.busy {
		return
	}
	v.setState(trainPick)
	v.updatePick()
	v.reload()
}

// showError words an error for the trainee (style.md §7): user-facing
// codes with their message, anything else as "something went wrong".
func (v *trainingView) showError(err error) {
	msg := trainingErrorText(err, "training")
	v.status.SetText(msg)
	if v.state == trainPick {
		v.pickMsg.SetText(msg)
	}
	v.dialogs.show(dialog.NewError(errors.New(msg), v.win))
}

// takeOver carries a session under way over from the view this one
// replaces (a language switch rebuilds the screens).
func (v *trainingView) takeOver(old *trainingView) {
	v.sets, v.chosen = old.sets, old.chosen
	v.setList.Refresh()
	if v.chosen >= 0 && v.chosen < len(v.sets) {
		v.setList.Select(v.chosen)
	}
	v.updatePick()
	v.set, v.session, v.answered, v.correct, v.tookTotal = old.set, old.session, old.answered, old.correct, old.tookTotal
	switch old.state {
	case trainItem:
		shown := old.shownAt
		v.showItem(old.gold, old.current)
		v.shownAt = shown
		if !old.media.concealed {
			v.onReveal()
		}
	case trainFeedback:
		v.showItem(old.gold, old.current)
		v.showFeedback(*old.last)
	case trainDone:
		v.showSummary(old.session)
	}
}

// ---- Shared by the training screens ----

// trainingErrorText is an error's message for the training screens: the
// service's message of a user-facing code (a refused certification says
// what falls short), or "something went wrong" for EINTERNAL (logged).
func trainingErrorText(err error, where string) string {
	msg := review.ErrorMessage(err)
	if code := review.ErrorCode(err); code == review.EINTERNAL || code == "" {
		fyne.LogError(where, err)
		msg = lang.L("error.internal")
	}
	return cleanText(msg)
}

// trainingDialog is decisionDialog, under the name the gold-set builder
// (goldsets.go) calls it by.
func trainingDialog(win fyne.Window, title, confirm string, icon fyne.Resource, body fyne.CanvasObject, submit func()) *dialog.CustomDialog {
	return decisionDialog(win, title, confirm, icon, body, submit)
}

// newReasonChooser builds the reject dialog's reason list (decide.go's
// newReasonPicker) with tick boxes for rows, which tick with a click too:
// for training and the gold-set builder. Give it keys with reasonKeys.
func newReasonChooser(first []string) *reasonPicker { return newReasonPicker(first, reasonBoxRows) }

// reasonBoxRows are reason rows that are tick boxes.
func reasonBoxRows(p *reasonPicker) *widget.List {
	return widget.NewList(func() int { return len(p.shown) },
		func() fyne.CanvasObject { return widget.NewCheck("", nil) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(p.shown) {
				return
			}
			c := o.(*widget.Check)
			r := p.shown[i]
			c.OnChanged = nil
			c.Text = reasonWords(r)
			c.Checked = p.checked[r.Code]
			c.Refresh()
			c.OnChanged = func(on bool) {
				if on != p.checked[r.Code] {
					if on {
						p.checked[r.Code] = true
					} else {
						delete(p.checked, r.Code)
					}
					p.updateSummary()
				}
			}
		})
}

// percent words a ratio as a percentage with one decimal: "92.5 %"; "—"
// without answers.
func percent(r review.Ratio) string {
	if r.Total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f %%", r.Percent())
}

// seconds words a duration in seconds with one decimal.
func seconds(d time.Duration) string {
	return lang.L("training.seconds", map[string]any{"S": fmt.Sprintf("%.1f", d.Seconds())})
}

// outcomeWord words an outcome; an unknown one shows as its code.
func outcomeWord(o review.Outcome) string {
	if slices.Contains(review.Outcomes, o) {
		return lang.L("outcome." + string(o))
	}
	return cleanText(string(o))
}

// reasonWord words a reason code; an unknown one shows as its code.
func reasonWord(code string) string {
	if _, ok := review.LookupReason(code); ok {
		return lang.L("reason." + code)
	}
	return cleanText(code)
}

// reasonWordList words reason codes, in order.
func reasonWordList(codes []string) string {
	words := make([]string, len(codes))
	for i, c := range codes {
		words[i] = reasonWord(c)
	}
	return strings.Join(words, "  ·  ")
}

// queueWord words a queue name.
func queueWord(q string) string {
	if q == review.QueueLive || q == review.QueueEscalation {
		return lang.L("queue." + q)
	}
	return cleanText(q)
}

// categoryWord words a service category; "" is every category.
func categoryWord(c review.Category) string {
	switch {
	case c == "":
		return lang.L("training.category.any")
	case c.Valid():
		return lang.L("category." + string(c))
	}
	return cleanText(string(c))
}

func showIf(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// setColumnWidths are the gold-set list's column shares.
var setColumnWidths = []float32{0.32, 0.18, 0.22, 0.14, 0.14}

// setRow words a gold set for the set lists.
func setRow(s review.GoldSet) []string {
	return []string{cleanText(s.Name), queueWord(s.Queue), categoryWord(s.Category),
		fmt.Sprint(s.Version), fmt.Sprint(s.Items)}
}

// newColumns is a row of n truncating labels in shares of the width.
func newColumns(shares []float32, n int) *fyne.Container {
	c := container.New(columnsLayout{weights: shares})
	for range n {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		c.Add(l)
	}
	return c
}

// setColumns puts texts in a newColumns row.
func setColumns(o fyne.CanvasObject, texts ...string) {
	c, ok := o.(*fyne.Container)
	if !ok {
		return
	}
	for i, obj := range c.Objects {
		if l, ok := obj.(*widget.Label); ok && i < len(texts) {
			l.SetText(texts[i])
		}
	}
}

// columnHeader is a bold header row over a newColumns list.
func columnHeader(shares []float32, keys ...string) *fyne.Container {
	c := container.New(columnsLayout{weights: shares})
	for _, k := range keys {
		l := widget.NewLabelWithStyle(lang.L(k), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		c.Add(l)
	}
	return c
}

// trainingBanner is the band across the top of the training screen, in
// the theme's warning colour, so that nobody mistakes training for live
// work.
type trainingBanner struct {
	widget.BaseWidget
	text string
}

func newTrainingBanner(text string) *trainingBanner {
	b := &trainingBanner{text: text}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer draws the band and its text.
func (b *trainingBanner) CreateRenderer() fyne.WidgetRenderer {
	r := &bannerRenderer{b: b, bg: canvas.NewRectangle(color.Transparent), text: canvas.NewText(b.text, color.Black)}
	r.text.TextStyle = fyne.TextStyle{Bold: true}
	r.text.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

type bannerRenderer struct {
	b    *trainingBanner
	bg   *canvas.Rectangle
	text *canvas.Text
}

func (r *bannerRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.bg.Move(fyne.NewPos(0, 0))
	ts := r.text.MinSize()
	r.text.Resize(fyne.NewSize(size.Width, ts.Height))
	r.text.Move(fyne.NewPos(0, (size.Height-ts.Height)/2))
}

func (r *bannerRenderer) MinSize() fyne.Size {
	pad := theme.Padding()
	ts := r.text.MinSize()
	return fyne.NewSize(ts.Width+4*pad, ts.Height+3*pad)
}

// Refresh follows the theme (light or dark).
func (r *bannerRenderer) Refresh() {
	r.bg.FillColor = theme.ColorForWidget(theme.ColorNameWarning, r.b)
	r.text.Color = theme.ColorForWidget(theme.ColorNameForegroundOnWarning, r.b)
	r.text.TextSize = theme.SizeForWidget(theme.SizeNameSubHeadingText, r.b)
	r.text.Text = r.b.text
	r.bg.Refresh()
	r.text.Refresh()
}

func (r *bannerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.text} }

func (r *bannerRenderer) Destroy() {}
