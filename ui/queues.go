package ui

import (
	"context"
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
)

// queueView lists the items of a queue with filters, for a reviewer who
// wants to see what is waiting, or a manager watching the backlog.
type queueView struct {
	svc  review.Workstation
	acct review.Account
	win  fyne.Window
	run  func(job func())
	now  func() time.Time

	queueNames []string
	filter     review.QueueFilter
	queue      *widget.Select
	category   *widget.Select
	labelState *widget.Select
	severity   *widget.Select
	rule       *widget.Entry
	total      *widget.Label
	rows       *pagedList[review.QueueRow]
	detail     *evidencePanel
	root       fyne.CanvasObject
	counts     map[string]review.QueueCount // queue → its counts
}

// labelStates and the severities, as the filters offer them ("" = any).
var labelStates = []string{"", "confirmed", "possible", "suspected", "none", "invalid"}

func newQueueView(svc review.Workstation, acct review.Account, win fyne.Window, run func(job func())) *queueView {
	v := &queueView{svc: svc, acct: acct, win: win, run: run, now: time.Now, counts: map[string]review.QueueCount{}}
	for _, q := range []string{review.QueueLive, review.QueueEscalation} {
		if review.Require(acct, review.ClaimAction(q)) == nil || review.Require(acct, review.ActSeeAll) == nil {
			v.queueNames = append(v.queueNames, q)
		}
	}
	v.filter.Queue = review.QueueLive
	if len(v.queueNames) > 0 {
		v.filter.Queue = v.queueNames[0]
	}
	qOpts := make([]string, len(v.queueNames))
	for i, q := range v.queueNames {
		qOpts[i] = lang.L("queue." + q)
	}
	v.queue = widget.NewSelect(qOpts, func(s string) {
		if i := slices.Index(qOpts, s); i >= 0 {
			v.filter.Queue = v.queueNames[i]
			v.reload()
		}
	})
	// The filters start at "any" without reading anything; the queue's
	// selection below reads the first page once.
	v.category = anySelect(review.Categories, func(c review.Category) string { return lang.L("category." + string(c)) },
		func(c review.Category) { v.filter.Category = c; v.reload() })
	v.labelState = anySelect(labelStates[1:], func(ls string) string { return lang.L("labelstate." + ls) },
		func(ls string) { v.filter.LabelState = ls; v.reload() })
	v.severity = anySelect(review.Severities, func(sv string) string { return lang.L("severity.atleast." + sv) },
		func(sv string) { v.filter.Severity = sv; v.reload() })
	v.rule = widget.NewEntry()
	v.rule.SetPlaceHolder(lang.L("filter.rule"))
	v.rule.OnSubmitted = func(s string) {
		v.filter.RuleID = strings.TrimSpace(s)
		v.reload()
	}
	v.total = widget.NewLabel("")
	v.rows = newPagedList(run, v.newRow, v.showRow, v.blankRow)
	v.rows.fetch = func(offset, limit int) func(ctx context.Context) ([]review.QueueRow, int, error) {
		f := v.filter
		f.Offset, f.Limit = offset, limit
		return func(ctx context.Context) ([]review.QueueRow, int, error) { return v.svc.List(ctx, v.acct, f) }
	}
	v.rows.loaded = func(_ int, err error) {
		if err != nil {
			v.total.SetText(cleanText(review.ErrorMessage(err)))
			return
		}
		v.showTotal()
	}
	v.rows.list.OnSelected = v.onSelect
	v.detail = newEvidencePanel(win)

	filters := container.NewGridWithColumns(5,
		labelled(lang.L("filter.queue"), v.queue), labelled(lang.L("filter.category"), v.category),
		labelled(lang.L("filter.labelstate"), v.labelState), labelled(lang.L("filter.severity"), v.severity),
		labelled(lang.L("filter.rule.label"), v.rule))
	header := container.New(queueLayout())
	for _, c := range queueColumns {
		header.Add(widget.NewLabelWithStyle(lang.L(c), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	refresh := widget.NewButtonWithIcon(lang.L("summary.refresh"), theme.ViewRefreshIcon(), v.reload)
	listPane := container.NewBorder(header, nil, nil, nil, v.rows.list)
	split := container.NewHSplit(listPane, v.detail.content())
	split.Offset = 0.6
	v.root = container.NewBorder(container.NewVBox(filters, container.NewBorder(nil, nil, nil, refresh, v.total)), nil, nil, nil, split)
	if len(qOpts) > 0 {
		v.queue.SetSelectedIndex(0)
	}
	return v
}

// queueColumns are the list's columns (translation keys).
var queueColumns = []string{"col.produce_id", "col.category", "col.state", "col.label", "col.severity", "col.hits", "col.age", "col.claimed"}

// queueColumnWeights share a row's width among the columns: the
// ProduceID and the label state need the most.
var queueColumnWeights = []float32{2.4, 1.2, 1, 1.6, 0.9, 0.6, 0.8, 1.1}

func queueLayout() fyne.Layout { return columnsLayout{weights: queueColumnWeights} }

func labelled(label string, o fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel(label)
	l.Importance = widget.LowImportance
	return container.NewVBox(l, o)
}

func (v *queueView) content() fyne.CanvasObject { return v.root }

func (v *queueView) newRow() fyne.CanvasObject {
	row := container.New(queueLayout())
	for range queueColumns {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		row.Add(l)
	}
	return row
}

// blankRow shows a row whose page is still being read.
func (v *queueView) blankRow(o fyne.CanvasObject) {
	for j, c := range o.(*fyne.Container).Objects {
		t := ""
		if j == 0 {
			t = "…"
		}
		c.(*widget.Label).SetText(t)
	}
}

// showRow fills a row.
func (v *queueView) showRow(r review.QueueRow, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	sev := ""
	if r.Severity != "" {
		sev = lang.L("severity." + r.Severity)
	}
	texts := []string{cleanText(r.ProduceID), lang.L("category." + string(r.Category)), lang.L("state." + string(r.State)),
		lang.L("labelstate." + r.LabelState), sev, strconv.Itoa(r.Hits), humanAge(v.now().Sub(r.ReceivedAt)), cleanText(r.ClaimedBy)}
	for j, c := range cells {
		l := c.(*widget.Label)
		l.SetText(texts[j])
		if j == 4 && (r.Severity == "critical" || r.Severity == "error") {
			l.Importance = widget.DangerImportance
		} else {
			l.Importance = widget.MediumImportance
		}
	}
}

// reload drops every page and reads the first one again with the
// current filter, and the queue's counts.
func (v *queueView) reload() {
	v.rows.reload()
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		counts, err := v.svc.Queues(ctx, v.acct)
		if err != nil {
			return
		}
		fyne.Do(func() {
			for _, c := range counts {
				v.counts[c.Queue] = c
			}
			v.showTotal()
		})
	})
}

func (v *queueView) showTotal() {
	c, ok := v.counts[v.filter.Queue]
	if !ok || c.Oldest.IsZero() {
		v.total.SetText(lang.L("queues.total", map[string]any{"N": v.rows.count}))
		return
	}
	v.total.SetText(lang.L("queues.total.oldest", map[string]any{"N": v.rows.count,
		"Waiting": c.Waiting, "InReview": c.InReview, "Oldest": humanAge(v.now().Sub(c.Oldest))}))
}

// onSelect shows the chosen item's evidence beside the list (read only:
// deciding happens on the review screen, under a claim).
func (v *queueView) onSelect(i widget.ListItemID) {
	r, ok := v.rows.row(i)
	if !ok {
		return
	}
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		ev, err := v.svc.Evidence(ctx, v.acct, r.ID)
		fyne.Do(func() {
			if err != nil {
				v.total.SetText(cleanText(review.ErrorMessage(err)))
				return
			}
			v.detail.show(ev, v.now())
		})
	})
}

// intakeErrorsView lists the files intake could not take, for the admin
// who fixes the sidecar and drops the file back into the inbox.
type intakeErrorsView struct {
	svc  review.Workstation
	acct review.Account
	run  func(job func())
	rows []review.IntakeError
	list *widget.List
	note *widget.Label
	root fyne.CanvasObject
}

func newIntakeErrorsView(svc review.Workstation, acct review.Account, _ fyne.Window, run func(job func())) *intakeErrorsView {
	v := &intakeErrorsView{svc: svc, acct: acct, run: run}
	v.note = widget.NewLabel("")
	v.note.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.rows) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			why := widget.NewLabel("")
			why.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(name, why)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.rows) {
				return
			}
			r := v.rows[i]
			objs := o.(*fyne.Container).Objects
			objs[0].(*widget.Label).SetText(r.At.Local().Format("2006-01-02 15:04") + "  " + cleanText(r.Path))
			objs[1].(*widget.Label).SetText(cleanText(r.Reason))
		})
	help := widget.NewLabel(lang.L("intake.help"))
	help.Wrapping = fyne.TextWrapWord
	refresh := widget.NewButtonWithIcon(lang.L("summary.refresh"), theme.ViewRefreshIcon(), v.reload)
	v.root = container.NewBorder(container.NewVBox(help, container.NewBorder(nil, nil, nil, refresh, v.note)), nil, nil, nil, v.list)
	return v
}

func (v *intakeErrorsView) content() fyne.CanvasObject { return v.root }

func (v *intakeErrorsView) reload() {
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), deskTimeout)
		defer cancel()
		rows, err := v.svc.IntakeErrors(ctx, v.acct)
		fyne.Do(func() {
			if err != nil {
				v.note.SetText(cleanText(review.ErrorMessage(err)))
				return
			}
			v.rows = rows
			v.note.SetText(lang.L("intake.count", map[string]any{"N": len(rows)}))
			v.list.Refresh()
		})
	})
}
