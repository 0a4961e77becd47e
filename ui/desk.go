package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // previews are PNG or JPEG
	_ "image/png"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// deskTimeout bounds one round trip to the workspace (claim, decide, load).
const deskTimeout = 60 * time.Second

// maxPreviewPixels bounds a preview the screen decodes; the Previewer
// already scales to review.PreviewMaxSide, so anything larger is hostile.
const maxPreviewPixels = (review.PreviewMaxSide + 16) * (review.PreviewMaxSide + 16)

// loaded is an item ready to show: its evidence, its preview and the
// decoded picture. Loading is the slow part of "next item", so the desk
// loads the item a claim will probably return while the reviewer looks at
// the current one (prefetch).
type loaded struct {
	ev  review.Evidence
	pv  review.Preview
	img image.Image
}

// lastDecision is what Undo would take back.
type lastDecision struct {
	itemID    int64
	produceID string
	outcome   review.Outcome
	at        time.Time
}

// deskView is the review screen: pick a queue, start reviewing, see the
// media and its evidence, decide with one key, and the next item appears.
type deskView struct {
	svc        review.Workstation
	acct       review.Account
	win        fyne.Window
	run        func(job func())
	now        func() time.Time
	keys       *keymap
	dialogs    *dialogStack
	undoWindow time.Duration

	queue     string
	queues    *widget.Select
	counts    *widget.Label
	start     *widget.Button
	itemTitle *widget.Label
	itemMeta  *widget.Label
	status    *widget.Label
	progress  *widget.ProgressBarInfinite
	media     *mediaPane
	evidence  *evidencePanel
	buttons   map[deskAction]*widget.Button
	empty     *widget.Label
	body      *fyne.Container
	bodySplit *container.Split
	root      fyne.CanvasObject

	current    *loaded
	prefetched *loaded
	last       *lastDecision
	busy       bool
	queueNames []string
	onActivity func()        // the user did something (idle lock)
	reject     *reasonPicker // the open reject dialog's state, for tests
	note       *notePicker   // the open note dialog's state, for tests
}

func newDeskView(svc review.Workstation, acct review.Account, win fyne.Window, run func(job func()), keys *keymap, dialogs *dialogStack) *deskView {
	v := &deskView{svc: svc, acct: acct, win: win, run: run, now: time.Now, keys: keys, dialogs: dialogs,
		undoWindow: review.DefaultUndoWindow, queue: review.QueueLive, buttons: map[deskAction]*widget.Button{}}
	for _, q := range []string{review.QueueLive, review.QueueEscalation} {
		if review.Require(acct, review.ClaimAction(q)) == nil {
			v.queueNames = append(v.queueNames, q)
		}
	}
	if len(v.queueNames) > 0 {
		v.queue = v.queueNames[0]
	}
	opts := make([]string, len(v.queueNames))
	for i, q := range v.queueNames {
		opts[i] = lang.L("queue." + q)
	}
	v.queues = widget.NewSelect(opts, func(s string) {
		if i := slices.Index(opts, s); i >= 0 && v.queueNames[i] != v.queue {
			v.queue = v.queueNames[i]
			v.prefetched = nil
			v.refreshCounts()
		}
	})
	if len(opts) > 0 {
		v.queues.SetSelectedIndex(0)
	}
	v.counts = widget.NewLabel("")
	v.start = widget.NewButtonWithIcon(v.keyed(actStart, "desk.start"), theme.MediaPlayIcon(), v.onStart)
	v.start.Importance = widget.HighImportance
	v.itemTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.itemTitle.Selectable = true
	v.itemMeta = widget.NewLabel("")
	v.itemMeta.Truncation = fyne.TextTruncateEllipsis
	v.status = widget.NewLabel("")
	v.status.Truncation = fyne.TextTruncateEllipsis
	v.progress = widget.NewProgressBarInfinite()
	v.progress.Stop()
	v.progress.Hide()

	v.media = newMediaPane(keys, v.onReveal)

	v.evidence = newEvidencePanel(win)
	split := container.NewHSplit(v.media.content(), v.evidence.content())
	split.Offset = 0.55

	press := map[deskAction]func(){actApprove: v.onApprove, actRelabel: v.onRelabel, actReject: v.onReject,
		actEscalate: v.onEscalate, actHold: v.onHold, actSkip: v.onSkip, actUndo: v.onUndo}
	bar := container.NewHBox()
	for _, d := range decisionButtons(nil) {
		b := widget.NewButtonWithIcon(v.keyed(d.act, d.key), d.icon, press[d.act])
		b.Importance = d.imp
		b.Disable()
		v.buttons[d.act] = b
		bar.Add(b)
	}
	top := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel(lang.L("desk.queue")), v.queues, v.counts),
		container.NewHBox(v.progress, v.start),
		container.NewVBox(v.itemTitle))
	header := container.NewVBox(top, v.itemMeta, widget.NewSeparator())
	footer := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, nil,
		container.NewHScroll(bar)), v.status)
	v.empty = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	v.empty.Wrapping = fyne.TextWrapWord
	v.body = container.NewStack(container.NewCenter(newMinWidth(480, v.empty)))
	v.showEmpty(lang.L("desk.empty", map[string]any{"Key": keyName(v.keys.key(actStart))}))
	v.root = container.NewBorder(header, footer, nil, nil, v.body)
	v.bodySplit = split
	return v
}

func (v *deskView) content() fyne.CanvasObject { return v.root }

// decisionButton is a button of the decision bar.
type decisionButton struct {
	act  deskAction
	key  string // its words
	icon fyne.Resource
	imp  widget.Importance
}

// decisionButtons are the desk's decision bar, in order; only, when not
// nil, keeps those actions (the training screen's).
func decisionButtons(only []deskAction) []decisionButton {
	all := []decisionButton{
		{actApprove, "outcome.approve", theme.ConfirmIcon(), widget.SuccessImportance},
		{actRelabel, "outcome.approve_relabel", theme.DocumentCreateIcon(), widget.MediumImportance},
		{actReject, "outcome.reject", theme.CancelIcon(), widget.DangerImportance},
		{actEscalate, "outcome.escalate", theme.UploadIcon(), widget.WarningImportance},
		{actHold, "outcome.hold", theme.MediaPauseIcon(), widget.MediumImportance},
		{actSkip, "outcome.skip", theme.MediaSkipNextIcon(), widget.LowImportance},
		{actUndo, "desk.undo", theme.ContentUndoIcon(), widget.LowImportance},
	}
	if only == nil {
		return all
	}
	return slices.DeleteFunc(all, func(d decisionButton) bool { return !slices.Contains(only, d.act) })
}

// keyed words a button with its key: "Approve (A)".
func (v *deskView) keyed(a deskAction, key string) string { return keyedText(v.keys, a, key) }

// relabelKeys re-words every button after the keys were remapped.
func (v *deskView) relabelKeys() {
	for _, d := range decisionButtons(nil) {
		v.buttons[d.act].SetText(v.keyed(d.act, d.key))
	}
	v.start.SetText(v.keyed(actStart, "desk.start"))
	v.media.relabelKeys()
	if v.current == nil {
		v.showEmpty(lang.L("desk.empty", map[string]any{"Key": keyName(v.keys.key(actStart))}))
	}
}

// onAction runs the desk action bound to a key. It reports whether the
// key was the desk's.
func (v *deskView) onAction(a deskAction) {
	if v.onActivity != nil {
		v.onActivity()
	}
	switch a {
	case actStart:
		if v.current == nil {
			v.onStart()
		}
	case actApprove:
		v.onApprove()
	case actRelabel:
		v.onRelabel()
	case actReject:
		v.onReject()
	case actEscalate:
		v.onEscalate()
	case actHold:
		v.onHold()
	case actSkip:
		v.onSkip()
	case actUndo:
		v.onUndo()
	case actReveal:
		v.onReveal()
	case actQueue:
		if v.current == nil && len(v.queueNames) > 1 {
			v.queues.SetSelectedIndex((slices.Index(v.queueNames, v.queue) + 1) % len(v.queueNames))
		}
	default:
		v.media.onAction(a)
	}
}

// onArrow pans the picture.
func (v *deskView) onArrow(n fyne.KeyName) { v.media.pan(n) }

// takeOver carries the item on screen, the prefetched one and the undo
// over from the view this one replaces (a language switch rebuilds the
// screens).
func (v *deskView) takeOver(old *deskView) {
	v.queue, v.last, v.prefetched = old.queue, old.last, old.prefetched
	if i := slices.Index(v.queueNames, v.queue); i >= 0 {
		v.queues.SetSelectedIndex(i)
	}
	if old.current != nil {
		v.show(old.current)
		if !old.media.concealed {
			v.onReveal()
		}
	}
	v.status.SetText(old.status.Text)
	v.updateButtons()
}

// refreshCounts reads the queue sizes in the background.
func (v *deskView) refreshCounts() {
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		counts, err := v.svc.Queues(ctx, v.acct)
		fyne.Do(func() {
			if err != nil {
				v.counts.SetText("")
				return
			}
			v.showCounts(counts)
		})
	})
}

func (v *deskView) showCounts(counts []review.QueueCount) {
	for _, c := range counts {
		if c.Queue != v.queue {
			continue
		}
		if c.Waiting == 0 {
			v.counts.SetText(lang.L("desk.counts.empty", map[string]any{"InReview": c.InReview}))
			return
		}
		v.counts.SetText(lang.L("desk.counts", map[string]any{"Waiting": c.Waiting, "InReview": c.InReview,
			"Oldest": humanAge(v.now().Sub(c.Oldest))}))
		return
	}
	v.counts.SetText("")
}

// humanAge words a duration the way a queue shows age: "5 min", "3 h",
// "2 d".
func humanAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return lang.L("age.now")
	case d < time.Hour:
		return lang.L("age.minutes", map[string]any{"N": int(d.Minutes())})
	case d < 48*time.Hour:
		return lang.L("age.hours", map[string]any{"N": int(d.Hours())})
	}
	return lang.L("age.days", map[string]any{"N": int(d.Hours() / 24)})
}

// setBusy shows the spinner and keeps double presses out while a round
// trip runs.
func (v *deskView) setBusy(on bool) {
	v.busy = on
	if on {
		v.progress.Show()
		v.progress.Start()
		v.start.Disable()
		for _, b := range v.buttons {
			b.Disable()
		}
		return
	}
	v.progress.Stop()
	v.progress.Hide()
	v.updateButtons()
}

// updateButtons enables what the current state allows.
func (v *deskView) updateButtons() {
	has := v.current != nil && v.current.ev.Item.State == review.StateInReview
	for a, b := range v.buttons {
		on := has
		switch a {
		case actUndo:
			on = v.canUndo()
		case actEscalate:
			on = has && v.queue != review.QueueEscalation && review.Require(v.acct, review.ActEscalate) == nil
		}
		if on && !v.busy {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if v.current == nil && !v.busy && len(v.queueNames) > 0 {
		v.start.Enable()
	} else {
		v.start.Disable()
	}
}

func (v *deskView) canUndo() bool {
	return v.last != nil && v.now().Sub(v.last.at) < v.undoWindow
}

// onStart claims the next item of the chosen queue.
func (v *deskView) onStart() {
	if v.busy || v.current != nil || len(v.queueNames) == 0 {
		return
	}
	v.setBusy(true)
	v.status.SetText(lang.L("desk.claiming"))
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		l, err := v.claimNext(ctx)
		fyne.Do(func() { v.finish(l, err, "") })
	})
}

// claimNext claims the next item and loads it, using the prefetched load
// when the claim returned the item prefetched (the usual case). Runs off
// the Fyne goroutine; reads v.prefetched, which only the Fyne goroutine
// writes while no job runs (v.busy).
func (v *deskView) claimNext(ctx context.Context) (*loaded, error) {
	it, err := v.svc.Next(ctx, v.acct, v.queue)
	if err != nil {
		return nil, err
	}
	if p := v.prefetched; p != nil && p.ev.Item.ID == it.ID {
		ev, err := v.svc.Evidence(ctx, v.acct, it.ID)
		if err != nil {
			return nil, err
		}
		return &loaded{ev: ev, pv: p.pv, img: p.img}, nil
	}
	return v.load(ctx, it.ID)
}

// load reads an item's evidence and preview and decodes the picture.
func (v *deskView) load(ctx context.Context, id int64) (*loaded, error) {
	ev, err := v.svc.Evidence(ctx, v.acct, id)
	if err != nil {
		return nil, err
	}
	l := &loaded{ev: ev}
	pv, err := v.svc.Preview(ctx, v.acct, id)
	l.setPreview(pv, err, "preview")
	return l, nil
}

// setPreview puts the preview made for l's item (or, when making it
// failed with err, a note why there is none) in l, with its picture
// decoded. where names the screen in the log.
func (l *loaded) setPreview(pv review.Preview, err error, where string) {
	if err != nil {
		// The evidence still shows; the media pane says why it cannot.
		fyne.LogError(where, err)
		l.pv = review.Preview{Kind: "other", NoteCode: "no-preview", Note: review.ErrorMessage(err)}
		return
	}
	l.pv = pv
	if pv.Note != "" {
		// The English detail goes to the log once per item loaded; the
		// pane words the note in the user's language (mediaNote).
		fyne.LogError(where+" of item "+cleanText(l.ev.Item.ProduceID)+": "+pv.NoteCode, errors.New(cleanText(pv.Note)))
	}
	if len(pv.Image) > 0 {
		img, err := decodePreview(pv.Image)
		if err != nil {
			fyne.LogError(where+" of item "+l.ev.Item.ProduceID, err)
			l.pv.NoteCode, l.pv.Note = "not-decodable", err.Error()
		} else {
			l.img = img
		}
	}
}

// decodePreview decodes a preview picture after checking its size.
func decodePreview(b []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPreviewPixels {
		return nil, fmt.Errorf("preview: %d×%d pixels is out of bounds", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	return img, nil
}

// finish shows the result of a claim or a decision: the next item, an
// empty queue, or the error.
func (v *deskView) finish(l *loaded, err error, done string) {
	v.busy = false
	if err != nil && review.ErrorCode(err) != review.ENOTFOUND {
		v.setBusy(false)
		v.showError(err)
		return
	}
	if l == nil {
		v.current = nil
		v.prefetched = nil
		v.showEmpty(lang.L("desk.queue_empty", map[string]any{"Queue": lang.L("queue." + v.queue)}))
		if done != "" {
			v.status.SetText(done)
		} else {
			v.status.SetText(lang.L("desk.queue_empty.status"))
		}
		v.setBusy(false)
		v.refreshCounts()
		return
	}
	v.show(l)
	if done != "" {
		v.status.SetText(done)
	} else {
		v.status.SetText(lang.L("desk.claimed", map[string]any{"Until": l.ev.Item.LeaseUntil.Local().Format("15:04")}))
	}
	v.setBusy(false)
	v.refreshCounts()
	v.prefetch()
}

// show puts a loaded item on the screen.
func (v *deskView) show(l *loaded) {
	v.current = l
	it := l.ev.Item
	v.itemTitle.SetText(cleanText(it.ProduceID))
	v.itemMeta.SetText(lang.L("desk.item.meta", map[string]any{
		"Category": lang.L("category." + string(it.Category)), "Service": cleanText(it.Service),
		"Format": cleanText(it.Format), "Size": humanBytes(it.Size), "State": lang.L("state." + string(it.State)),
		"Received": it.ReceivedAt.Local().Format("2006-01-02 15:04")}))
	v.evidence.show(l.ev, v.now())
	v.media.show(l, harmful(l.ev))
	v.body.Objects = []fyne.CanvasObject{v.bodySplit}
	v.body.Refresh()
}

func (v *deskView) showEmpty(msg string) {
	v.itemTitle.SetText("")
	v.itemMeta.SetText("")
	v.empty.SetText(msg)
	if v.body != nil {
		v.body.Objects = []fyne.CanvasObject{container.NewCenter(newMinWidth(480, v.empty))}
		v.body.Refresh()
	}
	if v.evidence != nil {
		v.evidence.clear()
	}
}

// onReveal shows media that was blurred because a rule flagged it.
func (v *deskView) onReveal() {
	if v.current != nil {
		v.media.onReveal()
	}
}

// prefetch loads, in the background, the item a claim will probably
// return next, so that it appears at once after the decision.
func (v *deskView) prefetch() {
	if v.current == nil {
		return
	}
	skip := v.current.ev.Item.ID
	if p := v.prefetched; p != nil && p.ev.Item.ID != skip {
		return // still good: the claim re-checks the id
	}
	v.prefetched = nil
	queue := v.queue
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		id, err := v.svc.Peek(ctx, v.acct, queue, skip)
		if err != nil {
			return
		}
		l, err := v.load(ctx, id)
		if err != nil {
			return
		}
		fyne.Do(func() {
			if v.queue == queue && !v.busy {
				v.prefetched = l
			}
		})
	})
}

// decide records a decision on the current item and shows the next one.
func (v *deskView) decide(d review.Decision) {
	if v.busy || v.current == nil {
		return
	}
	cur := v.current.ev.Item
	v.setBusy(true)
	if d.Outcome == review.OutcomeApproveRelabel {
		v.status.SetText(lang.L("desk.relabelling"))
	}
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		_, err := v.svc.Decide(ctx, v.acct, cur.ID, d)
		if err != nil {
			fyne.Do(func() { v.setBusy(false); v.showError(err) })
			return
		}
		done := lang.L("desk.decided", map[string]any{"Outcome": lang.L("outcome." + string(d.Outcome)),
			"Item": cleanText(cur.ProduceID), "Key": keyName(v.keys.key(actUndo)), "Seconds": int(v.undoWindow.Seconds())})
		l, err := v.claimNext(ctx)
		fyne.Do(func() {
			if d.Outcome != review.OutcomeSkip {
				v.last = &lastDecision{itemID: cur.ID, produceID: cur.ProduceID, outcome: d.Outcome, at: v.now()}
			}
			v.current = nil
			v.finish(l, err, done)
		})
	})
}

func (v *deskView) onApprove() {
	if v.ready() {
		v.decide(review.Decision{Outcome: review.OutcomeApprove})
	}
}

func (v *deskView) onRelabel() {
	if v.ready() {
		v.decide(review.Decision{Outcome: review.OutcomeApproveRelabel})
	}
}

func (v *deskView) onReject() {
	if v.ready() {
		p := newReasonPicker(suggestReasons(v.current.ev.RuleHits), reasonIconRows)
		p.offerSanctions()
		v.reject = showRejectDialog(v.win, v.dialogs, v.current.ev.Item, p, "reject.help", v.decide)
	}
}

func (v *deskView) onEscalate() {
	if v.ready() && v.queue != review.QueueEscalation && review.Require(v.acct, review.ActEscalate) == nil {
		v.note = showNoteDialog(v.win, v.dialogs, v.current.ev.Item, review.OutcomeEscalate, true, v.decide)
	}
}

func (v *deskView) onHold() {
	if v.ready() {
		v.note = showNoteDialog(v.win, v.dialogs, v.current.ev.Item, review.OutcomeHold, false, v.decide)
	}
}

func (v *deskView) onSkip() {
	if v.ready() {
		v.note = showNoteDialog(v.win, v.dialogs, v.current.ev.Item, review.OutcomeSkip, true, v.decide)
	}
}

// ready: an item is shown, nothing runs, and no dialog is open over it.
func (v *deskView) ready() bool {
	return v.current != nil && !v.busy && len(v.dialogs.open) == 0
}

// onUndo takes back the last decision: the item returns to this reviewer
// (and the item claimed after it goes back to the queue).
func (v *deskView) onUndo() {
	if v.busy || !v.canUndo() || len(v.dialogs.open) > 0 {
		return
	}
	last := *v.last
	var holding int64
	if v.current != nil {
		holding = v.current.ev.Item.ID
	}
	v.setBusy(true)
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		if holding != 0 {
			if err := v.svc.Release(ctx, v.acct, holding); err != nil && review.ErrorCode(err) != review.ECONFLICT {
				fyne.Do(func() { v.setBusy(false); v.showError(err) })
				return
			}
		}
		_, err := v.svc.Undo(ctx, v.acct, last.itemID)
		var l *loaded
		if err == nil {
			l, err = v.load(ctx, last.itemID)
		}
		fyne.Do(func() {
			v.last = nil
			if err != nil {
				v.current = nil
				v.setBusy(false)
				v.showError(err)
				v.finish(nil, nil, "")
				return
			}
			v.prefetched = v.current // the item given back is next in line again
			v.current = nil
			v.finish(l, nil, lang.L("desk.undone", map[string]any{"Item": cleanText(last.produceID)}))
		})
	})
}

// release gives back the item held (sign-out, closing the window).
func (v *deskView) release() {
	if v.current == nil {
		return
	}
	id := v.current.ev.Item.ID
	v.current = nil
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := v.svc.Release(ctx, v.acct, id); err != nil && review.ErrorCode(err) != review.ECONFLICT {
		fyne.LogError("release item", err)
	}
}

// showError words an error for the reviewer: user-facing codes with their
// message, anything else as "something went wrong" (style.md §7). A lost
// lease clears the screen, since the item is no longer this reviewer's.
// A pause by hidden gold is worded from its figures, in the screen's
// language.
func (v *deskView) showError(err error) {
	var p *review.PausedError
	if errors.As(err, &p) {
		msg := pausedText(p)
		v.status.SetText(msg)
		v.dialogs.show(dialog.NewInformation(lang.L("desk.paused.title"), msg, v.win))
		return
	}
	code := review.ErrorCode(err)
	if code == review.ECONFLICT && v.current != nil {
		v.current = nil
		v.showEmpty(lang.L("desk.lost", map[string]any{"Key": keyName(v.keys.key(actStart))}))
		v.updateButtons()
	}
	msg := review.ErrorMessage(err)
	if code == review.EINTERNAL || code == "" {
		fyne.LogError("review desk", err)
		msg = lang.L("error.internal")
	}
	v.status.SetText(cleanText(msg))
	v.dialogs.show(dialog.NewError(errors.New(cleanText(msg)), v.win))
}

// pausedText words a refusal of a claim by hidden gold: the queue, since
// when, the figures and what to do next.
func pausedText(p *review.PausedError) string {
	return lang.L("desk.paused", map[string]any{"Queue": queueWord(p.Queue),
		"Since": p.Since.Local().Format("2006-01-02 15:04"), "Accuracy": figure(p.Accuracy),
		"Answers": p.Answers, "Gate": figure(p.Gate)})
}

// figure words a percentage as its shortest decimal: 70, 92.5.
func figure(x float64) string {
	return fmt.Sprintf("%g", x) // percentages: never large enough for an exponent
}

// humanBytes words a size: 512 B, 3.4 KB, 12.0 MB.
func humanBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// cleanLong is cleanText for the body of a text output: line breaks stay.
func cleanLong(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 2000 {
		lines = lines[:2000]
	}
	for i, l := range lines {
		lines[i] = cleanText(l)
	}
	return strings.Join(lines, "\n")
}
