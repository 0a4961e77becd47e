package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
	"synthreview/ui/widgets"
)

// This file is the training scores screen (issue 11): a reviewer's own
// results, or, for trainers and managers (review.ActSeeScores), any
// reviewer's or the team's: accuracy overall, per category and per reason
// code, a confusion matrix of expected against given decisions, the trend
// by day, the sessions and the certifications. Training sessions are
// training results only: nothing here counts live decisions.

// scoreColumnWidths are the per-category and per-reason tables' shares.
var scoreColumnWidths = []float32{0.6, 0.22, 0.18}

// sessionColumnWidths are the session list's shares.
var sessionColumnWidths = []float32{0.2, 0.16, 0.16, 0.18, 0.1, 0.1, 0.1}

// maxSessionsShown bounds the session list (newest first).
const maxSessionsShown = 50

// pairColumnWidths and kappaCategoryWidths are the calibration tables'
// shares: per pair of reviewers and per category.
var (
	pairColumnWidths    = []float32{0.18, 0.18, 0.1, 0.12, 0.1, 0.32}
	kappaCategoryWidths = []float32{0.3, 0.1, 0.12, 0.1, 0.38}
)

// calibrationDays is how far back the calibration report reads.
const calibrationDays = 90

// kappaUnclear is the kappa under which the screen warns that the
// guidelines may be unclear: Landis and Koch call 0.61 and over
// substantial agreement.
const kappaUnclear = 0.6

// scoresView shows training scores.
type scoresView struct {
	svc     review.Trainer
	quality review.QualityReader // nil: training only (no quality section)
	acct    review.Account
	win     fyne.Window
	run     func(job func())
	now     func() time.Time
	dialogs *dialogStack // the window's, so Escape closes the error dialog

	reviewer string         // whose scores; "" is the team
	who      *widget.Select // nil without ActSeeScores: a reviewer sees their own
	names    []string       // the who picker's reviewers, after the team

	title      *widget.Label
	overall    *widget.Label
	caption    *widget.Label
	byCategory *fyne.Container
	byReason   *fyne.Container
	matrix     *fyne.Container
	cells      map[[2]review.Outcome]*widget.Label // expected, answered
	diagonal   map[review.Outcome]*canvas.Rectangle
	trend      *widgets.LineChart
	sessions   *fyne.Container
	certs      *fyne.Container
	qCard      *widget.Card    // quality checks in live work; hidden without v.quality
	qSettings  *widget.Label   // the workspace's quality settings (ActSeeScores)
	qGold      *widget.Label   // hidden gold accuracy of the chosen reviewer or the team
	qCalib     *fyne.Container // calibration: agreement, pairs, categories (ActSeeScores)
	qHelp      *widget.Label
	message    *widget.Label
	scroll     *container.Scroll
	root       fyne.CanvasObject

	last    review.Scores
	qread   qualityRead // the latest read of quality control
	loading bool
}

// qualityRead is what reload read of quality control: the settings and
// the calibration report (trainers and managers), or why not.
type qualityRead struct {
	read      bool
	settings  review.QualitySettings
	agreement review.Agreement
	err       error
}

// newScoresView builds the scores screen for acct. Accounts with
// review.ActSeeScores pick a reviewer or the team (the default); others
// see their own scores. It reads nothing until reload.
func newScoresView(svc review.Trainer, acct review.Account, win fyne.Window, run func(job func())) *scoresView {
	v := &scoresView{svc: svc, acct: acct, win: win, run: run, now: time.Now, dialogs: &dialogStack{},
		cells: map[[2]review.Outcome]*widget.Label{}, diagonal: map[review.Outcome]*canvas.Rectangle{}}
	if review.Require(acct, review.ActSeeScores) == nil {
		v.who = widget.NewSelect([]string{lang.L("training.scores.team")}, nil)
		v.who.SetSelectedIndex(0)
		v.who.OnChanged = func(string) {
			i := v.who.SelectedIndex()
			r := ""
			if i > 0 && i-1 < len(v.names) {
				r = v.names[i-1]
			}
			if r != v.reviewer {
				v.reviewer = r
				v.reload()
			}
		}
	} else {
		v.reviewer = acct.Name
	}
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.SizeName = theme.SizeNameSubHeadingText
	v.overall = widget.NewLabelWithStyle("—", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.overall.SizeName = theme.SizeNameHeadingText
	v.caption = widget.NewLabel("")
	v.caption.Wrapping = fyne.TextWrapWord
	v.byCategory, v.byReason = container.NewVBox(), container.NewVBox()
	v.matrix = container.NewVBox()
	v.trend = widgets.NewLineChart()
	v.trend.SetPlaceholder(lang.L("training.scores.trend.none"))
	v.sessions, v.certs = container.NewVBox(), container.NewVBox()
	v.qHelp = widget.NewLabel(lang.L("training.quality.help"))
	v.qHelp.Wrapping = fyne.TextWrapWord
	v.qHelp.Importance = widget.LowImportance
	v.qSettings = widget.NewLabel("")
	v.qSettings.Wrapping = fyne.TextWrapWord
	v.qGold = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.qCalib = container.NewVBox()
	v.message = widget.NewLabel("")
	v.message.Truncation = fyne.TextTruncateEllipsis

	refresh := widget.NewButtonWithIcon(lang.L("training.gold.refresh"), theme.ViewRefreshIcon(), v.reload)
	left := []fyne.CanvasObject{v.title}
	if v.who != nil {
		left = append(left, widget.NewLabel(lang.L("training.scores.who")), v.who)
	}
	header := container.NewBorder(nil, nil, container.NewHBox(left...), refresh, v.message)
	overallCard := widget.NewCard(lang.L("training.accuracy"), "", container.NewVBox(v.overall, v.caption))
	matrixHelp := widget.NewLabel(lang.L("training.scores.matrix.help"))
	matrixHelp.Wrapping = fyne.TextWrapWord
	matrixHelp.Importance = widget.LowImportance
	matrixCard := widget.NewCard(lang.L("training.scores.matrix"), "", container.NewVBox(matrixHelp, v.matrix))
	catCard := widget.NewCard(lang.L("training.scores.by_category"), "", v.byCategory)
	reasonCard := widget.NewCard(lang.L("training.scores.by_reason"), "", v.byReason)
	trendCard := widget.NewCard(lang.L("training.scores.trend"), "", container.New(&dashMinHeight{h: 200}, v.trend))
	sessionsCard := widget.NewCard(lang.L("training.scores.sessions"), "", v.sessions)
	certsCard := widget.NewCard(lang.L("training.scores.certs"), "", v.certs)
	v.qCard = widget.NewCard(lang.L("training.quality"), "", container.NewVBox(v.qHelp, v.qSettings, v.qGold, v.qCalib))
	v.qCard.Hide() // until show finds a quality reader
	body := container.NewVBox(
		container.NewGridWithColumns(2, overallCard, matrixCard),
		container.NewGridWithColumns(2, catCard, reasonCard),
		trendCard, v.qCard, sessionsCard, certsCard)
	v.scroll = container.NewVScroll(container.NewPadded(body))
	v.root = container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil, v.scroll)
	v.show(review.Scores{Reviewer: v.reviewer}, nil, nil)
	return v
}

func (v *scoresView) content() fyne.CanvasObject { return v.root }

// seesQuality reports whether the screen shows quality control's
// settings and calibration: with a quality reader, to trainers and
// managers (review.ActSeeScores).
func (v *scoresView) seesQuality() bool {
	return v.quality != nil && review.Require(v.acct, review.ActSeeScores) == nil
}

// reload reads the chosen reviewer's (or the team's) scores and
// certifications, and quality control's settings and calibration report
// (on selection and F5).
func (v *scoresView) reload() {
	if v.loading {
		return
	}
	v.loading = true
	v.message.SetText(lang.L("training.scores.loading"))
	who := v.reviewer
	quality := v.quality
	if !v.seesQuality() {
		quality = nil
	}
	since := v.now().Add(-calibrationDays * 24 * time.Hour)
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		s, err := v.svc.Scores(ctx, v.acct, who)
		var (
			cs      []review.Certification
			certErr error
			q       qualityRead
		)
		if err == nil {
			cs, certErr = v.svc.Certifications(ctx, v.acct, who)
		}
		if err == nil && quality != nil {
			q.read = true
			q.settings, q.err = quality.Settings(ctx, v.acct)
			if q.err == nil {
				q.agreement, q.err = quality.Agreement(ctx, v.acct, since)
			}
		}
		fyne.Do(func() {
			v.loading = false
			if err != nil {
				v.message.SetText("")
				v.showError(err)
				return
			}
			v.message.SetText(lang.L("training.scores.read", map[string]any{"At": v.now().Local().Format("15:04:05")}))
			if certErr != nil {
				fyne.LogError("training certifications", certErr)
			}
			v.qread = q
			v.show(s, cs, certErr)
			if q.err != nil {
				v.showError(q.err)
			}
			if who != v.reviewer { // chosen while the read ran
				v.reload()
			}
		})
	})
}

// show puts scores and certifications on the screen.
func (v *scoresView) show(s review.Scores, cs []review.Certification, certErr error) {
	v.last = s
	if v.reviewer == "" {
		v.title.SetText(lang.L("training.scores.title.team"))
	} else {
		v.title.SetText(lang.L("training.scores.title", map[string]any{"Name": cleanText(v.reviewer)}))
	}
	v.overall.SetText(percent(s.Overall))
	caption := lang.L("training.scores.caption", map[string]any{"Correct": s.Overall.Correct,
		"Total": s.Overall.Total, "Seconds": seconds(s.AvgTook)})
	// Hidden gold and calibration are reported apart from training.
	for _, k := range []string{review.SessionHiddenGold, review.SessionCalibration} {
		if r, ok := s.ByKind[k]; ok && r.Total > 0 {
			caption += "\n" + lang.L("training.scores.kind", map[string]any{"Kind": kindWord(k), "Accuracy": percent(r),
				"Correct": r.Correct, "Total": r.Total})
		}
	}
	v.caption.SetText(caption)
	v.showRatios(v.byCategory, "training.scores.category", categoryRatios(s.ByCategory))
	v.showRatios(v.byReason, "training.scores.reason", reasonRatios(s.ByReason))
	v.showMatrix(s.Confusion)
	v.showTrend(s.Trend)
	v.showSessions(s.Sessions)
	v.showQuality(s)
	v.showCerts(cs, certErr)
	v.learnNames(s, cs)
	// The tables grew or shrank: lay the column out again (twice, for the
	// wrapped labels; see evidencePanel.relayout).
	for range 2 {
		v.scroll.Content.Refresh()
		v.scroll.Refresh()
	}
}

// namedRatio is one row of a per-category or per-reason table.
type namedRatio struct {
	name string
	r    review.Ratio
}

// categoryRatios are the per-category rows, in review.Categories order.
func categoryRatios(m map[review.Category]review.Ratio) []namedRatio {
	keys := sortedCategories(m)
	out := make([]namedRatio, len(keys))
	for i, c := range keys {
		out[i] = namedRatio{categoryWord(c), m[c]}
	}
	return out
}

// sortedCategories are a map's categories in review.Categories order,
// unknown ones after them by name.
func sortedCategories[V any](m map[review.Category]V) []review.Category {
	keys := make([]review.Category, 0, len(m))
	for c := range m {
		keys = append(keys, c)
	}
	order := func(c review.Category) int {
		if i := slices.Index(review.Categories, c); i >= 0 {
			return i
		}
		return len(review.Categories)
	}
	slices.SortFunc(keys, func(a, b review.Category) int {
		return cmp.Or(cmp.Compare(order(a), order(b)), cmp.Compare(string(a), string(b)))
	})
	return keys
}

// reasonRatios are the per-reason rows, in review.Reasons order.
func reasonRatios(m map[string]review.Ratio) []namedRatio {
	keys := make([]string, 0, len(m))
	for c := range m {
		keys = append(keys, c)
	}
	order := func(c string) int {
		if i := slices.IndexFunc(review.Reasons, func(r review.Reason) bool { return r.Code == c }); i >= 0 {
			return i
		}
		return len(review.Reasons)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := order(a) - order(b); d != 0 {
			return d
		}
		return cmp.Compare(a, b)
	})
	out := make([]namedRatio, len(keys))
	for i, c := range keys {
		out[i] = namedRatio{reasonWord(c), m[c]}
	}
	return out
}

func (v *scoresView) showRatios(c *fyne.Container, nameKey string, rows []namedRatio) {
	c.RemoveAll()
	if len(rows) == 0 {
		none := widget.NewLabel(lang.L("training.scores.none"))
		none.Importance = widget.LowImportance
		c.Add(none)
		return
	}
	c.Add(columnHeader(scoreColumnWidths, nameKey, "training.scores.answers", "training.accuracy"))
	for _, r := range rows {
		row := newColumns(scoreColumnWidths, 3)
		setColumns(row, r.name, lang.L("training.scores.of", map[string]any{"Correct": r.r.Correct, "Total": r.r.Total}),
			percent(r.r))
		c.Add(row)
	}
}

// matrixOutcomes are the matrix's rows or columns: the gold outcomes,
// then any other outcome that has a count.
func matrixOutcomes(m map[review.Outcome]map[review.Outcome]int, answered bool) []review.Outcome {
	out := slices.Clone(goldOutcomes)
	add := func(o review.Outcome) {
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	for exp, row := range m {
		if !answered {
			add(exp)
			continue
		}
		for ans, n := range row {
			if n > 0 {
				add(ans)
			}
		}
	}
	rank := func(o review.Outcome) int {
		if i := slices.Index(review.Outcomes, o); i >= 0 {
			return i
		}
		return len(review.Outcomes)
	}
	slices.SortStableFunc(out, func(a, b review.Outcome) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return cmp.Compare(string(a), string(b))
	})
	return out
}

// showMatrix draws the confusion matrix: expected decisions down, given
// decisions across; the diagonal (correct) is shaded in the success
// colour, mistakes off it are red.
func (v *scoresView) showMatrix(m map[review.Outcome]map[review.Outcome]int) {
	rows, cols := matrixOutcomes(m, false), matrixOutcomes(m, true)
	clear(v.cells)
	clear(v.diagonal)
	grid := container.NewGridWithColumns(len(cols) + 1)
	corner := widget.NewLabelWithStyle(lang.L("training.scores.matrix.corner"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	corner.Truncation = fyne.TextTruncateEllipsis
	grid.Add(corner)
	for _, c := range cols {
		l := widget.NewLabelWithStyle(outcomeWord(c), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		grid.Add(l)
	}
	shade := theme.Color(theme.ColorNameSuccess)
	r, g, b, _ := shade.RGBA()
	shade = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x60}
	for _, e := range rows {
		l := widget.NewLabelWithStyle(outcomeWord(e), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		grid.Add(l)
		for _, a := range cols {
			n := m[e][a]
			cell := widget.NewLabelWithStyle(fmt.Sprint(n), fyne.TextAlignCenter, fyne.TextStyle{})
			bg := canvas.NewRectangle(color.Transparent)
			switch {
			case e == a:
				bg.FillColor = shade
				cell.TextStyle.Bold = true
				v.diagonal[e] = bg
			case n > 0:
				cell.Importance = widget.DangerImportance
			default:
				cell.Importance = widget.LowImportance
			}
			v.cells[[2]review.Outcome{e, a}] = cell
			grid.Add(container.NewStack(bg, cell))
		}
	}
	v.matrix.Objects = []fyne.CanvasObject{grid}
	v.matrix.Refresh()
}

// showTrend draws accuracy per day.
func (v *scoresView) showTrend(points []review.TrendPoint) {
	labels := make([]string, len(points))
	vals := make([]float64, len(points))
	for i, p := range points {
		labels[i] = p.Day.Format("01-02")
		vals[i] = p.Percent()
		if p.Total == 0 {
			vals[i] = math.NaN() // a gap: no answers that day
		}
	}
	if len(points) == 0 {
		v.trend.SetData(nil, nil)
		return
	}
	v.trend.SetData(labels, []widgets.Series{{Label: lang.L("training.accuracy"), Values: vals,
		Color: theme.ColorNameSuccess}})
}

// showSessions lists the sessions, newest first.
func (v *scoresView) showSessions(ss []review.TrainingSession) {
	v.sessions.RemoveAll()
	if len(ss) == 0 {
		none := widget.NewLabel(lang.L("training.scores.sessions.none"))
		none.Importance = widget.LowImportance
		v.sessions.Add(none)
		return
	}
	ss = slices.Clone(ss)
	slices.SortStableFunc(ss, func(a, b review.TrainingSession) int { return b.StartedAt.Compare(a.StartedAt) })
	v.sessions.Add(columnHeader(sessionColumnWidths, "training.scores.session.started", "training.scores.session.reviewer",
		"training.scores.session.kind", "training.scores.session.set", "training.scores.session.answered",
		"training.scores.session.correct", "training.accuracy"))
	for i, s := range ss {
		if i == maxSessionsShown {
			more := widget.NewLabel(lang.L("training.scores.sessions.more", map[string]any{"N": len(ss) - i}))
			more.Importance = widget.LowImportance
			v.sessions.Add(more)
			break
		}
		row := newColumns(sessionColumnWidths, 7)
		started := s.StartedAt.Local().Format("2006-01-02 15:04")
		if s.FinishedAt.IsZero() {
			started = lang.L("training.scores.session.open", map[string]any{"At": started})
		}
		setColumns(row, started, cleanText(s.Reviewer), kindWord(s.Kind),
			lang.L("training.scores.session.set.value", map[string]any{"ID": s.SetID, "Version": s.SetVersion}),
			fmt.Sprint(s.Answered), fmt.Sprint(s.Correct), percent(review.Ratio{Correct: s.Correct, Total: s.Answered}))
		v.sessions.Add(row)
	}
}

// kindWord words a session kind (training, hidden gold, calibration).
func kindWord(k string) string {
	switch k {
	case review.SessionTraining, review.SessionHiddenGold, review.SessionCalibration:
		return lang.L("training.kind." + k)
	}
	return cleanText(k)
}

func (v *scoresView) showCerts(cs []review.Certification, err error) {
	v.certs.RemoveAll()
	if err != nil {
		l := widget.NewLabel(lang.L("training.scores.certs.error"))
		l.Importance = widget.WarningImportance
		v.certs.Add(l)
		return
	}
	if len(cs) == 0 {
		none := widget.NewLabel(lang.L("training.gold.cert.none"))
		none.Importance = widget.LowImportance
		v.certs.Add(none)
		return
	}
	v.certs.Add(certHeader())
	for _, c := range cs {
		row := certRow(c)
		v.certs.Add(row)
		if p := review.PausedFrom(c); p != nil {
			// Paused by hidden gold: the state says so in short, the line
			// under the row gives the figures.
			if state, ok := row.Objects[len(row.Objects)-1].(*widget.Label); ok {
				state.SetText(lang.L("training.quality.paused"))
			}
			l := widget.NewLabel(pausedCertText(p))
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.DangerImportance
			v.certs.Add(l)
		}
	}
}

// pausedCertText words a certification revoked by hidden gold for the
// certification history.
func pausedCertText(p *review.PausedError) string {
	return lang.L("training.quality.paused.detail", map[string]any{"Date": p.Since.Local().Format("2006-01-02"),
		"Accuracy": figure(p.Accuracy), "Answers": p.Answers, "Gate": figure(p.Gate)})
}

// showQuality fills the quality section: hidden gold accuracy of the
// chosen reviewer or the team for anyone who sees these scores, and for
// trainers and managers the settings and the calibration report. The
// section shows only with a quality reader.
func (v *scoresView) showQuality(s review.Scores) {
	showIf(v.qCard, v.quality != nil)
	if v.quality == nil {
		return
	}
	if r := s.ByKind[review.SessionHiddenGold]; r.Total > 0 {
		v.qGold.SetText(lang.L("training.quality.gold", map[string]any{"Accuracy": percent(r),
			"Correct": r.Correct, "Total": r.Total}))
	} else {
		v.qGold.SetText(lang.L("training.quality.gold.none"))
	}
	sees := v.seesQuality()
	q := v.qread
	showIf(v.qSettings, sees && q.read && q.err == nil)
	showIf(v.qCalib, sees)
	v.qCalib.RemoveAll()
	if !sees {
		return
	}
	v.qCalib.Add(widget.NewLabelWithStyle(lang.L("training.quality.calibration", map[string]any{"Days": calibrationDays}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	switch {
	case q.err != nil:
		l := widget.NewLabel(lang.L("training.quality.error"))
		l.Importance = widget.WarningImportance
		v.qCalib.Add(l)
		return
	case !q.read:
		l := widget.NewLabel(lang.L("training.scores.loading"))
		l.Importance = widget.LowImportance
		v.qCalib.Add(l)
		return
	}
	qs := q.settings
	v.qSettings.SetText(lang.L("training.quality.settings", map[string]any{"Gold": figure(qs.HiddenGoldPercent),
		"Calibration": figure(qs.CalibrationPercent), "Window": qs.Window, "Min": qs.MinAnswers}))
	v.showCalibration(q.agreement)
}

// showCalibration adds the calibration report under its heading: overall
// agreement, the samples waiting, and the tables per pair of reviewers and
// per category, low kappas flagged.
func (v *scoresView) showCalibration(a review.Agreement) {
	help := widget.NewLabel(lang.L("training.quality.calibration.help"))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	v.qCalib.Add(help)
	if a.Overall.N == 0 {
		none := widget.NewLabel(lang.L("training.quality.overall.none", map[string]any{"Days": calibrationDays}))
		none.Importance = widget.LowImportance
		v.qCalib.Add(none)
	} else {
		text := lang.L("training.quality.overall", map[string]any{"Kappa": kappaText(a.Overall),
			"Agreed": agreedText(a.Overall), "N": a.Overall.N})
		overall := widget.NewLabel(text)
		overall.Wrapping = fyne.TextWrapWord
		if unclearKappa(a.Overall) {
			overall.SetText(text + " · " + lang.L("training.quality.unclear"))
			overall.Importance = widget.WarningImportance
		}
		v.qCalib.Add(overall)
	}
	v.qCalib.Add(widget.NewLabel(lang.L("training.quality.waiting", map[string]any{"N": a.Waiting})))
	if a.Overall.N == 0 {
		return
	}
	v.qCalib.Add(widget.NewLabelWithStyle(lang.L("training.quality.pairs"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	v.qCalib.Add(columnHeader(pairColumnWidths, "training.quality.reviewer_a", "training.quality.reviewer_b",
		"training.quality.samples", "training.quality.agreed", "training.quality.kappa", "training.quality.note"))
	for _, p := range a.Pairs {
		row := newColumns(pairColumnWidths, 6)
		setColumns(row, cleanText(p.A), cleanText(p.B), strconv.Itoa(p.N), agreedText(p.Kappa), kappaText(p.Kappa), "")
		markKappa(row, p.Kappa, 4)
		v.qCalib.Add(row)
	}
	v.qCalib.Add(widget.NewLabelWithStyle(lang.L("training.quality.categories"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	v.qCalib.Add(columnHeader(kappaCategoryWidths, "training.scores.category", "training.quality.samples",
		"training.quality.agreed", "training.quality.kappa", "training.quality.note"))
	for _, c := range sortedCategories(a.ByCategory) {
		k := a.ByCategory[c]
		row := newColumns(kappaCategoryWidths, 5)
		setColumns(row, categoryWord(c), strconv.Itoa(k.N), agreedText(k), kappaText(k), "")
		markKappa(row, k, 3)
		v.qCalib.Add(row)
	}
}

// kappaText words a kappa with two decimals; "—" when it has no value.
func kappaText(k review.Kappa) string {
	if !k.Defined {
		return "—"
	}
	return strconv.FormatFloat(k.Kappa, 'f', 2, 64)
}

// agreedText words the share of samples agreed on: "85.0 %".
func agreedText(k review.Kappa) string {
	return percent(review.Ratio{Correct: k.Agreed, Total: k.N})
}

// unclearKappa reports a kappa under kappaUnclear as shown (two
// decimals), so a kappa shown as 0.60 is not flagged.
func unclearKappa(k review.Kappa) bool {
	return k.Defined && math.Round(k.Kappa*100)/100 < kappaUnclear
}

// markKappa colours a table row's kappa cell (column i) and puts the
// note in the next one when the kappa is low.
func markKappa(row *fyne.Container, k review.Kappa, i int) {
	if !unclearKappa(k) || i+1 >= len(row.Objects) {
		return
	}
	kc, ok1 := row.Objects[i].(*widget.Label)
	note, ok2 := row.Objects[i+1].(*widget.Label)
	if !ok1 || !ok2 {
		return
	}
	kc.Importance = widget.WarningImportance
	kc.TextStyle.Bold = true
	kc.Refresh()
	note.Importance = widget.WarningImportance
	note.SetText(lang.L("training.quality.unclear"))
}

// learnNames adds the reviewers the team's scores and certifications
// name to the picker.
func (v *scoresView) learnNames(s review.Scores, cs []review.Certification) {
	if v.who == nil {
		return
	}
	names := slices.Clone(v.names)
	add := func(n string) {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, x := range s.Sessions {
		add(x.Reviewer)
	}
	for _, c := range cs {
		add(c.Reviewer)
	}
	if len(names) == len(v.names) {
		return
	}
	slices.Sort(names)
	v.names = names
	opts := append([]string{lang.L("training.scores.team")}, names...)
	cur := v.who.OnChanged
	v.who.OnChanged = nil
	v.who.SetOptions(opts)
	v.who.SetSelectedIndex(slices.Index(names, v.reviewer) + 1) // 0, the team, for ""
	v.who.OnChanged = cur
}

// showError words an error (style.md §7) in a dialog.
func (v *scoresView) showError(err error) {
	msg := trainingErrorText(err, "training scores")
	v.dialogs.show(dialog.NewError(errors.New(msg), v.win))
}
