package ui

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
	"synthreview/ui/widgets"
)

// dashboardTimeout bounds one read of the dashboard's figures.
const dashboardTimeout = 60 * time.Second

// dashTile is a big-number tile: a title, the number, a line saying what
// it counts.
type dashTile struct {
	value   *widget.Label
	caption *widget.Label
	card    *widget.Card
}

func newDashTile(title string) *dashTile {
	t := &dashTile{
		value:   widget.NewLabelWithStyle("—", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		caption: widget.NewLabel(""),
	}
	t.value.SizeName = theme.SizeNameHeadingText
	t.caption.Wrapping = fyne.TextWrapWord
	// The title goes in the card's smaller subtitle line, so the number is
	// the biggest thing on the tile.
	t.card = widget.NewCard("", title, container.NewVBox(t.value, t.caption))
	return t
}

// set shows a value and its caption; danger paints the value red (a
// figure past a legal or agreed limit).
func (t *dashTile) set(value, caption string, danger bool) {
	t.value.Importance = widget.MediumImportance
	if danger {
		t.value.Importance = widget.DangerImportance
	}
	t.value.SetText(value)
	t.caption.SetText(caption)
}

// dashboardView is the manager's dashboard (issue 9): the backlog and its
// age, decisions per day and per reviewer, how often seniors overturn,
// label compliance, how much of what arrives a person sees, complaints
// past due and unacknowledged outbox actions, over 7, 30 or 90 days.
type dashboardView struct {
	svc     review.DashboardReader
	acct    review.Account
	win     fyne.Window
	run     func(job func())
	now     func() time.Time
	dialogs *dialogStack // the window's, so Escape closes the error dialog

	days     int
	daysPick *widget.RadioGroup
	dayOpts  []string
	refresh  *widget.Button
	progress *widget.ProgressBarInfinite
	busy     *fyne.Container
	note     *widget.Label

	oldest, overturn, sampling, complaints, outbox, undone *dashTile

	perDayCard, backlogCard, reviewersCard, complianceCard *widget.Card

	perDay     *widgets.LineChart
	backlog    *widgets.BarChart
	reviewers  *widgets.BarChart
	compliance *widgets.BarChart

	last    review.Dashboard // the figures shown
	lastAt  time.Time        // when they were read; zero before the first read
	loading bool
	again   bool  // reload when the running read ends (the window changed meanwhile)
	failed  error // the last read's error, nil after a success
	root    fyne.CanvasObject
}

// newDashboardView builds the dashboard for acct. It reads nothing until
// reload is called (when its tab is chosen, and on F5).
func newDashboardView(svc review.DashboardReader, acct review.Account, win fyne.Window, run func(job func())) *dashboardView {
	v := &dashboardView{svc: svc, acct: acct, win: win, run: run, now: time.Now, dialogs: &dialogStack{},
		days: review.DashboardDays[0]}
	for _, d := range review.DashboardDays {
		v.dayOpts = append(v.dayOpts, lang.L("dashboard.days", map[string]any{"N": d}))
	}
	v.daysPick = widget.NewRadioGroup(v.dayOpts, nil)
	v.daysPick.Horizontal = true
	v.daysPick.Required = true
	v.daysPick.Selected = v.dayOpts[0]
	v.daysPick.OnChanged = func(s string) {
		if i := slices.Index(v.dayOpts, s); i >= 0 && review.DashboardDays[i] != v.days {
			v.days = review.DashboardDays[i]
			v.reload()
		}
	}
	v.refresh = widget.NewButtonWithIcon(lang.L("dashboard.refresh"), theme.ViewRefreshIcon(), v.reload)
	v.progress = widget.NewProgressBarInfinite()
	v.progress.Stop()
	v.busy = container.NewGridWrap(fyne.NewSize(120, v.refresh.MinSize().Height), v.progress)
	v.busy.Hide()
	v.note = widget.NewLabel("")
	v.note.Truncation = fyne.TextTruncateEllipsis

	v.oldest = newDashTile(lang.L("dashboard.oldest"))
	v.overturn = newDashTile(lang.L("dashboard.overturn"))
	v.sampling = newDashTile(lang.L("dashboard.sampling"))
	v.complaints = newDashTile(lang.L("dashboard.complaints"))
	v.outbox = newDashTile(lang.L("dashboard.outbox"))
	v.undone = newDashTile(lang.L("dashboard.undone"))

	v.perDay = widgets.NewLineChart()
	v.perDay.SetPlaceholder(lang.L("dashboard.perday.none"))
	v.backlog = widgets.NewBarChart(nil)
	v.reviewers = widgets.NewBarChart(nil)
	v.compliance = widgets.NewBarChart(nil)
	v.perDayCard = widget.NewCard(lang.L("dashboard.perday"), "", container.New(&dashMinHeight{h: 220}, v.perDay))
	v.backlogCard = widget.NewCard(lang.L("dashboard.backlog"), "", v.backlog)
	v.reviewersCard = widget.NewCard(lang.L("dashboard.reviewers"), "", v.reviewers)
	v.complianceCard = widget.NewCard(lang.L("dashboard.compliance"), "", v.compliance)
	v.show()
	return v
}

// content returns the screen's layout: the window choice, six number
// tiles, the decisions-per-day chart, and three bar charts.
func (v *dashboardView) content() fyne.CanvasObject {
	if v.root != nil {
		return v.root
	}
	title := widget.NewLabelWithStyle(lang.L("dashboard.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	header := container.NewBorder(nil, nil, container.NewHBox(title, v.daysPick, v.refresh, v.busy), nil, v.note)
	tiles := container.NewGridWithColumns(3, v.oldest.card, v.overturn.card, v.sampling.card,
		v.complaints.card, v.outbox.card, v.undone.card)
	charts := container.NewGridWithColumns(3, v.backlogCard, v.reviewersCard, v.complianceCard)
	v.root = container.NewPadded(container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.NewVBox(tiles, v.perDayCard, charts))))
	return v.root
}

// takeOver shows the figures and the window another dashboardView shows
// (the one this replaces after a language switch), without reading again.
func (v *dashboardView) takeOver(old *dashboardView) {
	v.days, v.last, v.lastAt, v.failed, v.now = old.days, old.last, old.lastAt, old.failed, old.now
	if i := slices.Index(review.DashboardDays, v.days); i >= 0 {
		v.daysPick.Selected = v.dayOpts[i] // not SetSelected: that would read
		v.daysPick.Refresh()
	}
	v.show()
	if old.loading { // its result will land in old; read again here
		v.reload()
	}
}

// reload reads the figures again in the background for the chosen
// window. While a read runs the button is disabled; a reload asked for
// meanwhile (another window chosen) runs when it ends.
func (v *dashboardView) reload() {
	if v.loading {
		v.again = true
		return
	}
	v.loading, v.again = true, false
	v.refresh.Disable()
	v.busy.Show()
	v.progress.Start()
	v.note.SetText(lang.L("dashboard.loading"))
	v.note.Importance = widget.LowImportance
	v.note.Refresh()
	days := v.days
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), dashboardTimeout)
		d, err := v.svc.Read(ctx, v.acct, days)
		cancel()
		fyne.Do(func() { v.finish(days, d, err) })
	})
}

// finish shows a read's result on the UI goroutine. An error keeps the
// figures shown and says when they were read.
func (v *dashboardView) finish(days int, d review.Dashboard, err error) {
	v.loading = false
	v.progress.Stop()
	v.busy.Hide()
	v.refresh.Enable()
	if v.again || days != v.days {
		v.reload()
		return
	}
	if err != nil {
		v.failed = err
		v.show()
		showError(v.win, v.dialogs, lang.L("dashboard.error"), err)
		return
	}
	v.last, v.lastAt, v.failed = d, v.now(), nil
	v.show()
}

func (v *dashboardView) haveData() bool { return !v.lastAt.IsZero() }

// show puts v.last into the widgets; before the first read every figure
// is a dash, so a failed read never looks like an idle workspace.
func (v *dashboardView) show() {
	v.note.SetText(v.noteText())
	v.note.Importance = widget.LowImportance
	if v.failed != nil {
		v.note.Importance = widget.DangerImportance
	}
	v.note.Refresh()
	if !v.haveData() {
		for _, t := range []*dashTile{v.oldest, v.overturn, v.sampling, v.complaints, v.outbox, v.undone} {
			t.set("—", "", false)
		}
		v.perDay.SetData(nil, nil)
		for _, c := range []*widget.Card{v.perDayCard, v.backlogCard, v.reviewersCard, v.complianceCard} {
			c.SetSubTitle("")
		}
		return
	}
	d := v.last
	v.showTiles(d)
	v.showPerDay(d)
	v.showBacklog(d)
	v.showReviewers(d)
	v.showCompliance(d)
}

func (v *dashboardView) noteText() string {
	at := func() string { return v.lastAt.Local().Format("15:04:05") }
	switch {
	case v.loading:
		return lang.L("dashboard.loading")
	case v.failed != nil && v.haveData():
		return lang.L("dashboard.error") + " " + lang.L("dashboard.stale", map[string]any{"Time": at()})
	case v.failed != nil:
		return lang.L("dashboard.error")
	case v.haveData():
		return lang.L("dashboard.updated", map[string]any{"Time": at(), "Since": v.last.Since.Local().Format("2006-01-02")})
	}
	return ""
}

// dashPercent writes a rate as "12.5 %", or a dash when there is none.
func dashPercent(r float64, ok bool) string {
	if !ok || math.IsNaN(r) || math.IsInf(r, 0) {
		return "—"
	}
	return strconv.FormatFloat(math.Max(0, math.Min(1, r))*100, 'f', 1, 64) + " %"
}

func dashCount(n int) string { return groupDigits(int64(n)) }

// dashAge words a waiting time in days and hours, or hours and minutes.
func dashAge(d time.Duration) string {
	d = max(d, 0)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return lang.L("dashboard.age.days", map[string]any{"D": days, "H": hours})
	case hours > 0:
		return lang.L("dashboard.age.hours", map[string]any{"H": hours, "M": mins})
	}
	return lang.L("dashboard.age.minutes", map[string]any{"M": mins})
}

func (v *dashboardView) showTiles(d review.Dashboard) {
	var oldest time.Duration
	var parts []string
	for _, q := range d.Backlog {
		if q.Oldest.IsZero() {
			continue
		}
		a := q.OldestAge(d.Until)
		oldest = max(oldest, a)
		parts = append(parts, lang.L("dashboard.oldest.queue", map[string]any{"Queue": lang.L("queue." + q.Queue), "Age": dashAge(a)}))
	}
	if len(parts) == 0 {
		v.oldest.set("—", lang.L("dashboard.oldest.none"), false)
	} else {
		v.oldest.set(dashAge(oldest), strings.Join(parts, "\n"), false)
	}

	r, ok := d.Overturns.Rate()
	if ok {
		v.overturn.set(dashPercent(r, ok), lang.L("dashboard.overturn.caption", map[string]any{
			"N": dashCount(d.Overturns.Overturned), "Of": dashCount(d.Overturns.Redecided)}), false)
	} else {
		v.overturn.set("—", lang.L("dashboard.overturn.none"), false)
	}

	r, ok = d.Routing.Rate()
	if ok {
		v.sampling.set(dashPercent(r, ok), lang.L("dashboard.sampling.caption", map[string]any{
			"N": dashCount(d.Routing.Routed), "Of": dashCount(d.Routing.Received), "Cleared": dashCount(d.Routing.Cleared)}), false)
	} else {
		v.sampling.set("—", lang.L("dashboard.received.none"), false)
	}

	v.complaints.set(dashCount(d.ComplaintsOverdue), lang.L("dashboard.complaints.caption", map[string]any{"Open": dashCount(d.ComplaintsOpen)}),
		d.ComplaintsOverdue > 0)

	caption := lang.L("dashboard.outbox.ok", map[string]any{"Hours": int(review.OutboxAckLimit.Hours())})
	if d.OutboxOverdue > 0 {
		caption = lang.L("dashboard.outbox.overdue", map[string]any{"N": dashCount(d.OutboxOverdue), "Hours": int(review.OutboxAckLimit.Hours())})
	}
	v.outbox.set(dashCount(d.OutboxUnacked), caption, d.OutboxOverdue > 0)
	v.outbox.caption.Importance = widget.MediumImportance
	if d.OutboxOverdue > 0 {
		v.outbox.caption.Importance = widget.DangerImportance
	}
	v.outbox.caption.Refresh()

	v.undone.set(dashCount(d.Undone), lang.L("dashboard.undone.caption"), false)
}

// showPerDay draws the decisions of each day: all of them, approvals
// (with relabels), rejections, and escalations and holds.
func (v *dashboardView) showPerDay(d review.Dashboard) {
	labels := make([]string, len(d.PerDay))
	all, approved, rejected, other := make([]float64, len(d.PerDay)), make([]float64, len(d.PerDay)),
		make([]float64, len(d.PerDay)), make([]float64, len(d.PerDay))
	total := 0
	for i, day := range d.PerDay {
		labels[i] = day.Day.Format("01-02")
		all[i] = float64(day.Total())
		approved[i] = float64(day.ByOutcome[review.OutcomeApprove] + day.ByOutcome[review.OutcomeApproveRelabel])
		rejected[i] = float64(day.ByOutcome[review.OutcomeReject])
		other[i] = float64(day.ByOutcome[review.OutcomeEscalate] + day.ByOutcome[review.OutcomeHold])
		total += day.Total()
	}
	series := []widgets.Series{
		{Label: lang.L("dashboard.perday.all"), Values: all, Color: theme.ColorNamePrimary},
		{Label: lang.L("dashboard.perday.approved"), Values: approved, Color: theme.ColorNameSuccess},
		{Label: lang.L("dashboard.perday.rejected"), Values: rejected, Color: theme.ColorNameError},
		{Label: lang.L("dashboard.perday.other"), Values: other, Color: theme.ColorNameWarning},
	}
	if total == 0 {
		series = nil // the placeholder says there were none
	}
	v.perDay.SetData(labels, series)
	v.perDayCard.SetSubTitle(lang.L("dashboard.perday.caption", map[string]any{"N": dashCount(total), "Days": d.Days}))
}

func (v *dashboardView) showBacklog(d review.Dashboard) {
	var bars []widgets.Bar
	waiting := 0
	for _, q := range d.Backlog {
		name := lang.L("queue." + q.Queue)
		color := theme.ColorNamePrimary
		if q.Queue == review.QueueEscalation {
			color = theme.ColorNameWarning
		}
		bars = append(bars,
			widgets.Bar{Label: lang.L("dashboard.backlog.waiting", map[string]any{"Queue": name}), Value: q.Waiting, Color: color,
				Text: dashCount(q.Waiting)},
			widgets.Bar{Label: lang.L("dashboard.backlog.inreview", map[string]any{"Queue": name}), Value: q.InReview,
				Color: theme.ColorNameForeground, Text: dashCount(q.InReview)},
			widgets.Bar{Label: lang.L("dashboard.backlog.held", map[string]any{"Queue": name}), Value: q.Held,
				Color: theme.ColorNamePlaceHolder, Text: dashCount(q.Held)})
		waiting += q.Waiting
	}
	v.backlog.SetBars(bars)
	v.backlogCard.SetSubTitle(lang.L("dashboard.backlog.caption", map[string]any{"N": dashCount(waiting)}))
}

// maxReviewerBars bounds the per-reviewer chart; the rest are summed in
// one bar.
const maxReviewerBars = 20

func (v *dashboardView) showReviewers(d review.Dashboard) {
	rs := slices.Clone(d.Reviewers)
	slices.SortStableFunc(rs, func(a, b review.ReviewerDecisions) int { return cmp.Compare(b.Total(), a.Total()) })
	var bars []widgets.Bar
	total, rest, restN := 0, review.ReviewerDecisions{ByOutcome: map[review.Outcome]int{}}, 0
	for i, r := range rs {
		total += r.Total()
		if i >= maxReviewerBars {
			for o, n := range r.ByOutcome {
				rest.ByOutcome[o] += n
			}
			restN++
			continue
		}
		bars = append(bars, reviewerBar(cleanText(r.Actor), r))
	}
	if restN > 0 {
		bars = append(bars, reviewerBar(lang.L("dashboard.reviewers.rest", map[string]any{"N": restN}), rest))
	}
	v.reviewers.SetBars(bars)
	v.reviewersCard.SetSubTitle(lang.L("dashboard.reviewers.caption", map[string]any{"N": dashCount(total), "People": len(rs)}))
}

func reviewerBar(label string, r review.ReviewerDecisions) widgets.Bar {
	approved := r.ByOutcome[review.OutcomeApprove] + r.ByOutcome[review.OutcomeApproveRelabel]
	rejected := r.ByOutcome[review.OutcomeReject]
	return widgets.Bar{Label: label, Value: r.Total(), Color: theme.ColorNamePrimary,
		Text: lang.L("dashboard.reviewers.value", map[string]any{"N": dashCount(r.Total()), "Approved": dashCount(approved),
			"Rejected": dashCount(rejected), "Other": dashCount(r.Total() - approved - rejected)})}
}

// showCompliance draws the three label-compliance rates as bars against
// a full-length bar for 100 %, so a bar's length is its rate, not its
// size next to the others.
func (v *dashboardView) showCompliance(d review.Dashboard) {
	c := d.Compliance
	bar := func(key string, s review.Share, color fyne.ThemeColorName) widgets.Bar {
		r, ok := s.Rate()
		b := widgets.Bar{Label: lang.L(key), Color: color}
		if !ok {
			b.Text = lang.L("dashboard.compliance.none")
			return b
		}
		b.Value = int(math.Round(r * 1000))
		b.Text = lang.L("dashboard.compliance.value", map[string]any{"Percent": dashPercent(r, ok), "N": dashCount(s.N), "Of": dashCount(s.Of)})
		return b
	}
	v.compliance.SetBars([]widgets.Bar{
		bar("dashboard.compliance.implicit", c.Implicit, theme.ColorNameSuccess),
		bar("dashboard.compliance.explicit", c.Explicit, theme.ColorNameSuccess),
		bar("dashboard.compliance.watermark", c.Watermark, theme.ColorNameSuccess),
		{Label: lang.L("dashboard.compliance.full"), Value: 1000, Text: "100 %", Color: theme.ColorNamePlaceHolder},
	})
	v.complianceCard.SetSubTitle(lang.L("dashboard.compliance.caption", map[string]any{"N": dashCount(c.Received)}))
}

// dashMinHeight lays its objects over each other and asks for at least h in
// height, so a chart in a scrolled column keeps a readable size.
type dashMinHeight struct{ h float32 }

func (l *dashMinHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *dashMinHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(0, l.h)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}
