package report

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"synthreview/review"
)

// This file is the reviewer assessment (issue 11): a reviewer's (or the
// team's) training results, sessions and certification history as a
// signed PDF. It is signed and checked exactly like the audit package: the
// same manifest schema (kind "assessment"), the same chain-head proof
// (events up to the head and the signed checkpoints), the same Sign and
// Verify.

// ManifestKindAssessment is the manifest's kind for an assessment.
const ManifestKindAssessment = "assessment"

// Assessment is everything an assessment shows, gathered by the caller
// (app) through the training service.
type Assessment struct {
	Provider review.Provider
	// Reviewer is the reviewer assessed; "" for the team assessment.
	Reviewer string
	Zone     *time.Location // the workspace's time zone (dates on the pages)

	ExportedBy string    // the trainer or manager who exports
	ExportedAt time.Time // when; the figures are as of this time
	Workspace  string    // the workspace's name (folder base name)

	// Head is the chain head read after the figures: the assessment proves
	// the log up to here. The export's own event (recorded after the file
	// is written) holds the file's SHA-256.
	Head review.Event

	// Scores are the reviewer's, or the team's (Reviewer "") for a team
	// assessment; Reviewers then holds each reviewer's.
	Scores    review.Scores
	Reviewers []review.Scores
	// Sets name the sessions' gold sets (by ID); a set not listed is shown
	// by its number.
	Sets []review.GoldSet
	// SessionTook is the average time per answered item of each session
	// (by session ID), when known.
	SessionTook map[int64]time.Duration

	Certifications []review.Certification // every certification and revocation, oldest first
	Gates          []review.Gate          // the queues' certification requirements at export

	// Agreement is the calibration report (review.Agreement) the quality
	// section states: a team assessment shows all of it, a reviewer's the
	// pairs that include the reviewer. Its Since is the first day it
	// covers; zero covers every sample (all time, like the scores).
	// Hidden gold accuracy is Scores.ByKind[review.SessionHiddenGold] (each
	// reviewer's in Reviewers), and pauses are the certifications revoked
	// by review.PauseActor.
	Agreement review.Agreement

	// Events link a signed checkpoint to Head: consecutive events ending
	// at Head (the head alone is enough; it is added when missing).
	// Checkpoints are the signed chain heads among or before them, with
	// their certificates.
	Events      []review.Event
	Checkpoints []Checkpoint
}

// AssessmentManifest is the manifest of an assessment: the audit
// package's manifest (schema, kind "assessment", head, events, checkpoints,
// which Verify checks) and the figures the pages show.
type AssessmentManifest struct {
	Manifest
	// Summary hides the audit package's live-work summary, which an
	// assessment does not have (always nil, so left out of the JSON).
	Summary    *struct{}          `json:"summary,omitempty"`
	Assessment ManifestAssessment `json:"assessment"`
}

// ManifestAssessment is an assessment's figures.
type ManifestAssessment struct {
	Reviewer  string        `json:"reviewer,omitempty"` // "" for the team
	Team      bool          `json:"team"`
	Overall   ManifestRatio `json:"overall"`     // training sessions only
	AvgTookMS int64         `json:"avg_took_ms"` // average time per answered item
	// ByKind is every session kind's overall ratio (training, hidden
	// gold, calibration): the kinds are reported apart.
	ByKind     map[string]ManifestRatio  `json:"by_kind,omitempty"`
	ByCategory map[string]ManifestRatio  `json:"by_category"`
	ByReason   map[string]ManifestRatio  `json:"by_reason"`
	Confusion  map[string]map[string]int `json:"confusion"` // expected → answered → count
	Trend      []ManifestTrend           `json:"trend"`
	Sessions   []ManifestSession         `json:"sessions"`
	// Reviewers are each reviewer's figures in a team assessment.
	Reviewers      []ManifestReviewer      `json:"reviewers,omitempty"`
	Certifications []ManifestCertification `json:"certifications"`
	Gates          []ManifestGate          `json:"gates"`
	// Quality is the quality checks in live work: hidden gold, the pauses
	// it made and calibration agreement.
	Quality ManifestQuality `json:"quality"`
}

// ManifestQuality is an assessment's quality checks in live work.
type ManifestQuality struct {
	// HiddenGold is the reviewer's (the team's) accuracy on hidden gold,
	// the same figure as ByKind["hidden_gold"] (zero when none).
	HiddenGold  ManifestRatio       `json:"hidden_gold"`
	Pauses      []ManifestPause     `json:"pauses"`
	Calibration ManifestCalibration `json:"calibration"`
}

// ManifestPause is a certification that hidden gold revoked.
type ManifestPause struct {
	CertificationID int64   `json:"certification_id,omitempty"`
	Reviewer        string  `json:"reviewer"`
	Queue           string  `json:"queue"`
	PausedAt        string  `json:"paused_at"`
	Accuracy        float64 `json:"accuracy"` // percent over the last Answers hidden gold answers
	Answers         int     `json:"answers"`  // 0 when the reason could not be read
	Gate            float64 `json:"gate"`     // the gate's minimum accuracy, percent
	Reason          string  `json:"reason"`
	// RecertifiedAt is the next certification for the queue, "" while
	// the pause stands.
	RecertifiedAt string `json:"recertified_at,omitempty"`
}

// ManifestCalibration is calibration agreement: for a team the whole
// report, for a reviewer the pairs that include the reviewer.
type ManifestCalibration struct {
	// Since is the first day the samples cover; "" is every sample (all
	// time up to the assessment's time).
	Since      string                   `json:"since,omitempty"`
	Overall    *ManifestKappa           `json:"overall,omitempty"` // team only
	Pairs      []ManifestPairKappa      `json:"pairs"`
	ByCategory map[string]ManifestKappa `json:"by_category,omitempty"` // team only
	Waiting    *int                     `json:"waiting,omitempty"`     // team only: samples waiting
}

// ManifestKappa is agreement over N samples: how many agreed, the share in
// percent (one decimal) and Cohen's kappa as the pages print it (two
// decimals), null when kappa has no value.
type ManifestKappa struct {
	N       int      `json:"n"`
	Agreed  int      `json:"agreed"`
	Percent float64  `json:"percent"`
	Kappa   *float64 `json:"kappa"`
}

// ManifestPairKappa is the agreement of two reviewers (A before B by name).
type ManifestPairKappa struct {
	A string `json:"a"`
	B string `json:"b"`
	ManifestKappa
}

// ManifestRatio is correct answers over answers, with the percentage as
// the pages print it (one decimal).
type ManifestRatio struct {
	Correct int     `json:"correct"`
	Total   int     `json:"total"`
	Percent float64 `json:"percent"`
}

// ManifestTrend is one day's answers.
type ManifestTrend struct {
	Day string `json:"day"` // YYYY-MM-DD, the calendar day the scores counted
	ManifestRatio
}

// ManifestSession is one training session.
type ManifestSession struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Reviewer   string `json:"reviewer"`
	SetID      int64  `json:"set_id"`
	Set        string `json:"set,omitempty"`
	SetVersion int    `json:"set_version"`
	StartedAt  string `json:"started_at"`
	FinishedAt string `json:"finished_at,omitempty"`
	Answered   int    `json:"answered"`
	Correct    int    `json:"correct"`
	AvgTookMS  int64  `json:"avg_took_ms,omitempty"`
}

// ManifestReviewer is one reviewer's figures in a team assessment.
type ManifestReviewer struct {
	Reviewer   string                   `json:"reviewer"`
	Overall    ManifestRatio            `json:"overall"`
	AvgTookMS  int64                    `json:"avg_took_ms"`
	Sessions   int                      `json:"sessions"`
	ByCategory map[string]ManifestRatio `json:"by_category"`
	HiddenGold ManifestRatio            `json:"hidden_gold"` // accuracy on hidden gold in live work
}

// ManifestCertification is one certification, revoked or in force.
type ManifestCertification struct {
	ID          int64   `json:"id,omitempty"`
	Reviewer    string  `json:"reviewer"`
	Queue       string  `json:"queue"`
	CertifiedBy string  `json:"certified_by"`
	CertifiedAt string  `json:"certified_at"`
	Accuracy    float64 `json:"accuracy"`
	Items       int     `json:"items"`
	MinAccuracy float64 `json:"min_accuracy,omitempty"` // the gate met
	MinItems    int     `json:"min_items,omitempty"`
	Revoked     bool    `json:"revoked,omitempty"`
	RevokedAt   string  `json:"revoked_at,omitempty"`
	RevokedBy   string  `json:"revoked_by,omitempty"`
	Reason      string  `json:"reason,omitempty"`
}

// ManifestGate is a queue's certification requirement.
type ManifestGate struct {
	Queue       string  `json:"queue"`
	MinAccuracy float64 `json:"min_accuracy"`
	MinItems    int     `json:"min_items"`
	SetBy       string  `json:"set_by,omitempty"`
	SetAt       string  `json:"set_at,omitempty"`
}

// BuildAssessment lays out the unsigned assessment of a in lang ("zh" or
// "en"): the cover with the accuracy, the results per category, per reason
// code and as a confusion matrix, the trend per day, the sessions, the
// certification history and gates, for a team each reviewer's results,
// and the chain head with its signed checkpoints, with the JSON manifest
// (ManifestName, kind "assessment") attached. Sign it with Sign before
// handing it out; Verify checks it like an audit package.
//
// BuildAssessment checks the events and checkpoints the way Verify will
// and refuses, with EINVALID naming the first problem, an assessment that
// would fail; an unknown lang is EINVALID too. It stops with ctx's error
// when ctx is cancelled; progress, when not nil, is called from its
// goroutine as the work advances.
func BuildAssessment(ctx context.Context, a Assessment, lang string, progress func(done, total int)) ([]byte, error) {
	lang, err := normLang(lang)
	if err != nil {
		return nil, err
	}
	if a.Zone == nil {
		a.Zone = time.UTC
	}
	// Sessions in the order they began, on the pages and in the manifest
	// alike (a team's come from several reviewers).
	a.Scores.Sessions = slices.Clone(a.Scores.Sessions)
	slices.SortStableFunc(a.Scores.Sessions, func(x, y review.TrainingSession) int {
		if c := x.StartedAt.Compare(y.StartedAt); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	m := newAssessmentManifest(&a, lang)
	if _, err := checkEventHashes(&m.Manifest); err != nil {
		return nil, review.Errorf(review.EINVALID, "audit log: %v", err)
	}
	l := listEvents(&m.Manifest)
	if err := checkChain(&m.Manifest, l); err != nil {
		return nil, review.Errorf(review.EINVALID, "audit log: %v", err)
	}
	if err := checkCheckpoints(&m.Manifest, l); err != nil {
		return nil, review.Errorf(review.EINVALID, "audit log: %v", err)
	}
	return renderAssessment(ctx, &a, &m, lang, progress)
}

// ReadAssessment returns the manifest of an assessment PDF with its
// figures. It does not verify the signature (Verify does); EINVALID when
// the file holds no assessment manifest.
func ReadAssessment(pdf []byte) (m AssessmentManifest, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = review.Errorf(review.EINVALID, "unreadable PDF: %v", p)
		}
	}()
	doc, err := openPDF(pdf)
	if err != nil {
		return m, review.Errorf(review.EINVALID, "not a readable PDF: %v", err)
	}
	raw, err := doc.embeddedFile(ManifestName)
	if err != nil {
		return m, review.Errorf(review.EINVALID, "%v", err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, review.Errorf(review.EINVALID, "%s does not parse: %v", ManifestName, err)
	}
	if m.Schema != ManifestSchema || m.Kind != ManifestKindAssessment {
		return m, review.Errorf(review.EINVALID, "%s is a %q of schema %q, not an assessment", ManifestName, m.Kind, m.Schema)
	}
	return m, nil
}

// ratioOf gives a ratio its printed percentage.
func ratioOf(r review.Ratio) ManifestRatio {
	return ManifestRatio{Correct: r.Correct, Total: r.Total, Percent: math.Round(r.Percent()*10) / 10}
}

func ratiosOf[K ~string](m map[K]review.Ratio) map[string]ManifestRatio {
	out := make(map[string]ManifestRatio, len(m))
	for k, r := range m {
		out[string(k)] = ratioOf(r)
	}
	return out
}

// newAssessmentManifest gathers the manifest of a: the audit package's
// fields (the chain-head proof among them) and the figures.
func newAssessmentManifest(a *Assessment, lang string) AssessmentManifest {
	au := Audit{Provider: a.Provider, Zone: a.Zone, ExportedBy: a.ExportedBy, ExportedAt: a.ExportedAt,
		Workspace: a.Workspace, Head: a.Head, After: a.Events, Checkpoints: a.Checkpoints}
	m := AssessmentManifest{Manifest: newManifest(&au, lang)}
	m.Kind = ManifestKindAssessment
	if first, last := sessionSpan(a.Scores.Sessions); !first.IsZero() {
		m.From, m.To = first.In(a.Zone).Format(dateFormat), last.In(a.Zone).Format(dateFormat)
	}
	s := a.Scores
	f := ManifestAssessment{
		Reviewer: a.Reviewer, Team: a.Reviewer == "", Overall: ratioOf(s.Overall), AvgTookMS: s.AvgTook.Milliseconds(),
		ByCategory: ratiosOf(s.ByCategory), ByReason: ratiosOf(s.ByReason), ByKind: ratiosOf(s.ByKind),
		Confusion: map[string]map[string]int{}, Trend: []ManifestTrend{}, Sessions: []ManifestSession{},
		Certifications: []ManifestCertification{}, Gates: []ManifestGate{},
	}
	for exp, row := range s.Confusion {
		r := map[string]int{}
		for got, n := range row {
			r[string(got)] = n
		}
		f.Confusion[string(exp)] = r
	}
	for _, p := range s.Trend {
		f.Trend = append(f.Trend, ManifestTrend{Day: p.Day.Format(dateFormat), ManifestRatio: ratioOf(p.Ratio)})
	}
	names := setNames(a.Sets)
	for _, ss := range s.Sessions {
		f.Sessions = append(f.Sessions, ManifestSession{ID: ss.ID, Kind: ss.Kind, Reviewer: ss.Reviewer, SetID: ss.SetID,
			Set: names[ss.SetID], SetVersion: ss.SetVersion, StartedAt: timeText(ss.StartedAt), FinishedAt: timeText(ss.FinishedAt),
			Answered: ss.Answered, Correct: ss.Correct, AvgTookMS: a.SessionTook[ss.ID].Milliseconds()})
	}
	for _, rs := range a.Reviewers {
		f.Reviewers = append(f.Reviewers, ManifestReviewer{Reviewer: rs.Reviewer, Overall: ratioOf(rs.Overall),
			AvgTookMS: rs.AvgTook.Milliseconds(), Sessions: len(rs.Sessions), ByCategory: ratiosOf(rs.ByCategory),
			HiddenGold: ratioOf(rs.ByKind[review.SessionHiddenGold])})
	}
	for _, c := range a.Certifications {
		f.Certifications = append(f.Certifications, ManifestCertification{ID: c.ID, Reviewer: c.Reviewer, Queue: c.Queue,
			CertifiedBy: c.CertifiedBy, CertifiedAt: timeText(c.CertifiedAt), Accuracy: c.Accuracy, Items: c.Items,
			MinAccuracy: c.MinAccuracy, MinItems: c.MinItems, Revoked: c.Revoked, RevokedAt: timeText(c.RevokedAt),
			RevokedBy: c.RevokedBy, Reason: c.Reason})
	}
	for _, g := range a.Gates {
		f.Gates = append(f.Gates, ManifestGate{Queue: g.Queue, MinAccuracy: g.MinAccuracy, MinItems: g.MinItems,
			SetBy: g.SetBy, SetAt: timeText(g.SetAt)})
	}
	f.Quality = manifestQuality(a)
	m.Assessment = f
	return m
}

// sessionSpan is the first session's start and the last one's start.
func sessionSpan(ss []review.TrainingSession) (first, last time.Time) {
	for _, s := range ss {
		if s.StartedAt.IsZero() {
			continue
		}
		if first.IsZero() || s.StartedAt.Before(first) {
			first = s.StartedAt
		}
		if s.StartedAt.After(last) {
			last = s.StartedAt
		}
	}
	return first, last
}

func setNames(sets []review.GoldSet) map[int64]string {
	out := make(map[int64]string, len(sets))
	for _, s := range sets {
		out[s.ID] = s.Name
	}
	return out
}

// assessor lays out one assessment; it reuses the audit package's
// renderer for the page furniture, dates and the chain-head tables.
type assessor struct {
	*renderer
	as *Assessment
	am *AssessmentManifest
}

func renderAssessment(ctx context.Context, a *Assessment, m *AssessmentManifest, lang string, progress func(done, total int)) ([]byte, error) {
	d, manifest, err := startDoc(lang, m)
	if err != nil {
		return nil, err
	}
	first, last := sessionSpan(a.Scores.Sessions)
	au := &Audit{Provider: a.Provider, Zone: a.Zone, From: first, To: last, ExportedBy: a.ExportedBy,
		ExportedAt: a.ExportedAt, Workspace: a.Workspace, Head: a.Head}
	r := &assessor{renderer: &renderer{doc: d, a: au, m: &m.Manifest, ctx: ctx, progress: progress}, as: a, am: m}
	r.total = 9 + len(a.Scores.Sessions) + len(a.Reviewers) + len(m.After) + len(m.Checkpoints)
	info := docInfo{title: r.title() + " " + a.Provider.Name + " " + r.subject(),
		header: r.title() + " · " + a.Provider.Name + " · " + r.subject(), author: a.ExportedBy, at: a.ExportedAt,
		manifest: manifest, attachment: "SynthReview " + ManifestSchema + " (assessment)", what: "the assessment"}
	steps := []func(){r.cover, r.results, r.quality, r.sessions, r.certifications, r.reviewers, r.chainHead, r.checkpoints, d.footers}
	return d.layOut(ctx, info, steps, func() { r.tick(1) })
}

func (r *assessor) team() bool { return r.as.Reviewer == "" }

func (r *assessor) title() string {
	if r.team() {
		return r.w.L("as.title.team")
	}
	return r.w.L("as.title")
}

// subject names who is assessed: the reviewer, or the team.
func (r *assessor) subject() string {
	if r.team() {
		return r.w.F("as.team", len(r.as.Reviewers))
	}
	return r.as.Reviewer
}

// accuracy writes a ratio's percentage with one decimal, "92.5%".
func accuracy(x review.Ratio) string {
	if x.Total <= 0 {
		return "–"
	}
	return strconv.FormatFloat(x.Percent(), 'f', 1, 64) + "%"
}

// took writes an average time per item in seconds.
func (r *assessor) took(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	return r.w.F("as.seconds", d.Seconds())
}

func (r *assessor) cover() {
	d, w, a := r.doc, r.w, r.as
	d.coverTitle(r.title(), w.L("as.subtitle"))
	d.paraAt(marginL, contentW, orDash(a.Provider.Name), true, sizeH1, colText)
	d.y += 4

	// The headline: the accuracy, in one run of text so that it reads
	// "准确率 92.5%" wherever the text is extracted.
	s := a.Scores.Overall
	boxH := lineH(sizeTitle) + lineH(sizeBody) + 8
	d.setFill(colHeadFill)
	d.f.Rect(marginL, d.y, contentW, boxH, "F")
	d.text(marginL+6, d.y+3, w.L("as.accuracy")+" "+accuracy(s), true, sizeTitle, colText)
	d.text(marginL+6, d.y+4+lineH(sizeTitle), w.F("as.accuracy.of", s.Correct, s.Total), false, sizeBody, colMuted)
	d.y += boxH + 5

	period := w.L("as.nosessions")
	if first, last := sessionSpan(a.Scores.Sessions); !first.IsZero() {
		period = w.F("period.value", r.day(first), r.day(last), r.zoneName())
	}
	who := w.L("as.who")
	if r.team() {
		who = w.L("as.who.team")
	}
	pairs := [][2]string{
		{w.L("uscc"), orDash(a.Provider.USCC)},
		{who, r.subject()},
		{w.L("as.period"), period},
		{w.L("as.asof"), r.local(a.ExportedAt, true)},
		{w.L("exported.by"), orDash(a.ExportedBy)},
		{w.L("workspace"), orDash(a.Workspace)},
		{w.L("head"), w.F("head.seq", a.Head.Seq) + "\n" + orDash(a.Head.Hash)},
	}
	d.kv(marginL, contentW, 46, pairs, sizeBody)
	d.y += 1
	d.paraAt(marginL+46, contentW-46, w.L("head.note"), false, sizeTable, colMuted)
	d.y += 8
	d.noteBox(w.L("as.sign.note"))
}

// ratioCols are the columns answered, correct and accuracy after a first
// column of width first.
func (r *assessor) ratioCols(firstTitle string, first float64) []column {
	w := r.w
	rest := (contentW - first) / 3
	return []column{{title: firstTitle, width: first}, {title: w.L("as.col.answered"), width: rest, right: true},
		{title: w.L("as.col.correct"), width: rest, right: true}, {title: w.L("as.accuracy"), width: rest, right: true}}
}

func ratioCells(label string, x review.Ratio) []string {
	return []string{label, itoa(x.Total), itoa(x.Correct), accuracy(x)}
}

func (r *assessor) results() {
	d, w, s := r.doc, r.w, r.as.Scores
	d.h1(w.L("as.sec.results"), true)
	inForce := 0
	for _, c := range r.as.Certifications {
		if !c.Revoked && (r.team() || c.Reviewer == r.as.Reviewer) {
			inForce++
		}
	}
	d.kvGrid([][2]string{
		{w.L("as.accuracy"), accuracy(s.Overall)},
		{w.L("as.fig.answered"), itoa(s.Overall.Total)},
		{w.L("as.fig.correct"), itoa(s.Overall.Correct)},
		{w.L("as.fig.took"), r.took(s.AvgTook)},
		{w.L("as.fig.sessions"), itoa(len(s.Sessions))},
		{w.L("as.fig.certified"), itoa(inForce)},
	}, sizeBody)
	d.y += 2
	d.para(w.L("as.apart"), false, sizeTable, colMuted)
	if line := r.apartLine(); line != "" {
		d.para(line, false, sizeTable, colMuted)
	}
	r.categoryTable(w.L("as.by.category"), s.ByCategory)

	d.h2(w.L("as.by.reason"), 14)
	d.para(w.L("as.by.reason.note"), false, sizeTable, colMuted)
	if len(s.ByReason) == 0 {
		d.para(w.L("none"), false, sizeTable, colMuted)
	} else {
		codes := sortedKeys(s.ByReason)
		slices.SortStableFunc(codes, func(x, y string) int { return s.ByReason[y].Total - s.ByReason[x].Total })
		rest := (contentW - 70 - 36) / 3
		cols := []column{{title: w.L("as.col.reason"), width: 70}, {title: w.L("col.code"), width: 36},
			{title: w.L("as.col.answered"), width: rest, right: true}, {title: w.L("as.col.correct"), width: rest, right: true},
			{title: w.L("as.accuracy"), width: rest, right: true}}
		d.table(cols, len(codes), sizeTable, func(i int) []string {
			c, x := codes[i], s.ByReason[codes[i]]
			return []string{w.code("reason.", c), c, itoa(x.Total), itoa(x.Correct), accuracy(x)}
		}, nil)
	}
	r.confusion()
	r.trend()
}

// apartLine states the results of hidden gold and calibration, which
// are reported apart from training ("" when there are none).
func (r *assessor) apartLine() string {
	w, by := r.w, r.as.Scores.ByKind
	var parts []string
	for _, k := range sortedKeys(by) {
		if x := by[k]; k != review.SessionTraining && x.Total > 0 {
			parts = append(parts, w.opt("as.kind.", k)+" "+accuracy(x)+" ("+w.F("label.of", x.Correct, x.Total)+")")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return w.F("as.kinds", strings.Join(parts, w.L("as.sep")))
}

// categoryTable is a table of results per service category.
func (r *assessor) categoryTable(title string, by map[review.Category]review.Ratio) {
	d, w := r.doc, r.w
	d.h2(title, 14)
	if len(by) == 0 {
		d.para(w.L("none"), false, sizeTable, colMuted)
		return
	}
	var cats []review.Category
	for _, c := range review.Categories {
		if _, ok := by[c]; ok {
			cats = append(cats, c)
		}
	}
	for _, c := range sortedKeys(by) { // codes outside the known list
		if !review.Category(c).Valid() {
			cats = append(cats, review.Category(c))
		}
	}
	d.table(r.ratioCols(w.L("col.category"), 70), len(cats), sizeTable, func(i int) []string {
		return ratioCells(w.code("category.", string(cats[i])), by[cats[i]])
	}, nil)
}

func sortedKeys[K ~string, V any](m map[K]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

// outcomesIn lists the outcomes of a confusion matrix, rows and columns
// alike, in the decision bar's order (unknown codes last).
func outcomesIn(cm map[review.Outcome]map[review.Outcome]int) []review.Outcome {
	seen := map[review.Outcome]bool{}
	for exp, row := range cm {
		seen[exp] = true
		for got := range row {
			seen[got] = true
		}
	}
	var out []review.Outcome
	for _, o := range review.Outcomes {
		if seen[o] {
			out = append(out, o)
			delete(seen, o)
		}
	}
	for _, o := range sortedKeys(seen) {
		out = append(out, review.Outcome(o))
	}
	return out
}

func (r *assessor) confusion() {
	d, w, cm := r.doc, r.w, r.as.Scores.Confusion
	d.h2(w.L("as.confusion"), 20)
	d.para(w.L("as.confusion.note"), false, sizeTable, colMuted)
	outs := outcomesIn(cm)
	if len(outs) == 0 {
		d.para(w.L("none"), false, sizeTable, colMuted)
		return
	}
	const first = 36.0
	cw := (contentW - first) / float64(len(outs)+2)
	cols := []column{{title: w.L("as.confusion.corner"), width: first}}
	for _, o := range outs {
		cols = append(cols, column{title: w.code("outcome.", string(o)), width: cw, right: true})
	}
	cols = append(cols, column{title: w.L("as.col.total"), width: cw, right: true}, column{title: w.L("as.col.agree"), width: cw, right: true})
	var rows []review.Outcome
	for _, o := range outs {
		if len(cm[o]) > 0 {
			rows = append(rows, o)
		}
	}
	d.table(cols, len(rows), sizeTable, func(i int) []string {
		exp := rows[i]
		cells := []string{w.code("outcome.", string(exp))}
		total := 0
		for _, got := range outs {
			n := cm[exp][got]
			total += n
			cells = append(cells, itoa(n))
		}
		return append(cells, itoa(total), accuracy(review.Ratio{Correct: cm[exp][exp], Total: total}))
	}, nil)
}

func (r *assessor) trend() {
	d, w, tr := r.doc, r.w, r.as.Scores.Trend
	d.h2(w.L("as.trend"), 50)
	if len(tr) == 0 {
		d.para(w.L("none"), false, sizeTable, colMuted)
		return
	}
	bs := make([]bar, len(tr))
	for i, p := range tr {
		bs[i] = bar{label: p.Day.Format("01-02"), value: p.Percent(), text: accuracy(p.Ratio)}
	}
	d.percentColumns(bs, 38)
	d.para(w.F("as.trend.note", tr[0].Day.Format(dateFormat), tr[len(tr)-1].Day.Format(dateFormat)), false, sizeTable, colMuted)
}

// percentColumns draws a column chart of percentages, h millimetres high:
// one column per bar, its value above it and its label under it where
// there is room, with grid lines at 0, 50 and 100 %.
func (d *doc) percentColumns(bs []bar, h float64) {
	const axisW = 11.0
	size := sizeSmall
	lh := lineH(size)
	d.ensure(h + 2*lh + 4)
	top := d.y + lh + 0.5
	x0, width := marginL+axisW, contentW-axisW
	slot := width / float64(len(bs))
	colW := math.Min(slot*0.7, 12)
	d.f.SetLineWidth(0.1)
	d.setDraw(colRule)
	for _, g := range []float64{0, 50, 100} {
		y := top + h - h*g/100
		d.f.Line(x0, y, x0+width, y)
		d.textRight(x0-1.5, y-lh/2, strconv.Itoa(int(g))+"%", false, size, colMuted)
	}
	labelW, valueW := 0.0, 0.0
	for _, b := range bs {
		labelW = math.Max(labelW, d.fonts.width1(b.label, false, size))
		valueW = math.Max(valueW, d.fonts.width1(b.text, false, size))
	}
	every := max(1, int(math.Ceil((labelW+1.5)/slot)))
	for i, b := range bs {
		cx := x0 + slot*(float64(i)+0.5)
		bh := h * math.Max(0, math.Min(b.value/100, 1))
		if bh > 0 {
			d.setFill(colBar)
			d.f.Rect(cx-colW/2, top+h-bh, colW, bh, "F")
		}
		if valueW+1 <= slot {
			d.textCenter(cx, top+h-bh-lh, b.text, false, size, colText)
		}
		if i%every == 0 {
			d.textCenter(cx, top+h+0.6, b.label, false, size, colMuted)
		}
	}
	d.y = top + h + lh + 3
}

func (r *assessor) sessions() {
	d, w, ss := r.doc, r.w, r.as.Scores.Sessions
	d.h1(w.L("as.sec.sessions"), false)
	if len(ss) == 0 {
		d.para(w.L("as.nosessions"), false, sizeBody, colMuted)
		return
	}
	kinds := slices.ContainsFunc(ss, func(s review.TrainingSession) bool { return s.Kind != "" && s.Kind != review.SessionTraining })
	cols := []column{{title: w.L("as.col.started"), width: 26}}
	if r.team() {
		cols = append(cols, column{title: w.L("col.reviewer"), width: 22})
	}
	setCol := len(cols)
	cols = append(cols, column{title: w.L("as.col.set")})
	if kinds {
		cols = append(cols, column{title: w.L("col.kind"), width: 18})
	}
	cols = append(cols, column{title: w.L("col.version"), width: 15, right: true},
		column{title: w.L("as.col.answered"), width: 17, right: true}, column{title: w.L("as.col.correct"), width: 15, right: true},
		column{title: w.L("as.accuracy"), width: 17, right: true}, column{title: w.L("as.col.took"), width: 20, right: true})
	cols[setCol].width = contentW - tableW(cols)
	names := setNames(r.as.Sets)
	d.table(cols, len(ss), sizeTable, func(i int) []string {
		s := ss[i]
		started := r.local(s.StartedAt, false)
		if s.FinishedAt.IsZero() {
			started += "\n" + w.L("as.open")
		}
		cells := []string{started}
		if r.team() {
			cells = append(cells, s.Reviewer)
		}
		set := names[s.SetID]
		if set == "" {
			set = w.F("as.set.id", s.SetID)
		}
		cells = append(cells, set)
		if kinds {
			cells = append(cells, w.opt("as.kind.", s.Kind))
		}
		took := "–"
		if t, ok := r.as.SessionTook[s.ID]; ok {
			took = r.took(t)
		}
		return append(cells, "v"+strconv.Itoa(s.SetVersion), itoa(s.Answered), itoa(s.Correct),
			accuracy(review.Ratio{Correct: s.Correct, Total: s.Answered}), took)
	}, func() bool { return r.tick(1) })
}

func (r *assessor) certifications() {
	d, w, a := r.doc, r.w, r.as
	d.h1(w.L("as.sec.certs"), false)
	if len(a.Certifications) == 0 {
		d.para(w.L("as.certs.none"), false, sizeBody, colMuted)
	} else {
		cols := []column{{title: w.L("col.reviewer"), width: 20}, {title: w.L("as.col.queue"), width: 18},
			{title: w.L("as.col.certby"), width: 18}, {title: w.L("as.col.certat"), width: 24},
			{title: w.L("as.accuracy"), width: 16, right: true}, {title: w.L("as.col.items"), width: 12, right: true},
			{title: w.L("as.col.gate"), width: 24}, {title: w.L("col.status"), width: 46}}
		d.table(cols, len(a.Certifications), sizeTable, func(i int) []string {
			c := a.Certifications[i]
			gate := "–"
			if c.MinItems > 0 {
				gate = w.F("as.gate.value", percentText(c.MinAccuracy), c.MinItems)
			}
			return []string{c.Reviewer, w.code("queue.", c.Queue), c.CertifiedBy, r.local(c.CertifiedAt, false),
				percentText(c.Accuracy), itoa(c.Items), gate, r.certStatus(c)}
		}, nil)
	}
	d.h2(w.L("as.gates"), 14)
	if len(a.Gates) == 0 {
		d.para(w.L("as.gates.none"), false, sizeTable, colMuted)
		return
	}
	cols := []column{{title: w.L("as.col.queue"), width: 40}, {title: w.L("as.col.minacc"), width: 30, right: true},
		{title: w.L("as.col.minitems"), width: 30, right: true}, {title: w.L("as.col.setby"), width: 38},
		{title: w.L("as.col.setat"), width: 40}}
	d.table(cols, len(a.Gates), sizeTable, func(i int) []string {
		g := a.Gates[i]
		return []string{w.code("queue.", g.Queue), percentText(g.MinAccuracy), itoa(g.MinItems),
			orDash(g.SetBy), r.local(g.SetAt, false)}
	}, nil)
}

// percentText writes a percentage with one decimal.
func percentText(p float64) string { return strconv.FormatFloat(p, 'f', 1, 64) + "%" }

// certStatus words whether a certification is in force, or when, by whom
// and why it was revoked.
func (r *assessor) certStatus(c review.Certification) string {
	w := r.w
	if !c.Revoked {
		return w.L("as.cert.inforce")
	}
	// A pause by hidden gold reads as a pause, with its figures.
	if p := review.PausedFrom(c); p != nil && p.Answers > 0 {
		return w.T("quality.as.pause.status", "Date", r.local(c.RevokedAt, false), "Accuracy", percentText(p.Accuracy),
			"Answers", p.Answers, "Gate", percentText(p.Gate))
	} else if p != nil {
		return w.T("quality.as.pause.plain", "Date", r.local(c.RevokedAt, false)) + w.L("as.sep") + c.Reason
	}
	status := w.F("as.cert.revoked", r.local(c.RevokedAt, false))
	if c.RevokedBy != "" {
		status = w.F("as.cert.revokedby", r.local(c.RevokedAt, false), c.RevokedBy)
	}
	if c.Reason != "" {
		status += w.L("as.sep") + c.Reason
	}
	return status
}

// reviewers is the team assessment's part: a row per reviewer, then each
// reviewer's results per category.
func (r *assessor) reviewers() {
	if !r.team() {
		return
	}
	d, w, rs := r.doc, r.w, r.as.Reviewers
	d.h1(w.L("as.sec.reviewers"), true)
	if len(rs) == 0 {
		d.para(w.L("none"), false, sizeBody, colMuted)
		return
	}
	certified := map[string][]string{}
	for _, c := range r.as.Certifications {
		if !c.Revoked {
			certified[c.Reviewer] = append(certified[c.Reviewer], w.code("queue.", c.Queue))
		}
	}
	cols := []column{{title: w.L("col.reviewer"), width: 26}, {title: w.L("as.fig.sessions"), width: 16, right: true},
		{title: w.L("as.col.answered"), width: 18, right: true}, {title: w.L("as.col.correct"), width: 18, right: true},
		{title: w.L("as.accuracy"), width: 20, right: true}, {title: w.L("as.col.took"), width: 22, right: true},
		{title: w.T("quality.as.gold"), width: 25, right: true}, {title: w.L("as.col.certified"), width: 33}}
	d.table(cols, len(rs), sizeTable, func(i int) []string {
		s := rs[i]
		gold := w.T("quality.as.gold.none")
		if x := s.ByKind[review.SessionHiddenGold]; x.Total > 0 {
			gold = accuracy(x) + "\n" + w.F("label.of", x.Correct, x.Total)
		}
		return []string{s.Reviewer, itoa(len(s.Sessions)), itoa(s.Overall.Total), itoa(s.Overall.Correct),
			accuracy(s.Overall), r.took(s.AvgTook), gold, orDash(strings.Join(certified[s.Reviewer], w.L("as.sep")))}
	}, nil)
	for _, s := range rs {
		r.categoryTable(s.Reviewer+" · "+w.L("as.accuracy")+" "+accuracy(s.Overall), s.ByCategory)
		if r.tick(1) {
			return
		}
	}
}

// chainHead lists the events from a signed checkpoint to the head.
func (r *assessor) chainHead() {
	d, w := r.doc, r.w
	d.h1(w.L("as.sec.chain"), true)
	d.para(w.L("as.chain.note"), false, sizeTable, colMuted)
	d.para(w.L("events.note"), false, sizeTable, colMuted)
	d.y += 2
	r.eventTable(r.m.After, w.L("after.none"))
}

// T words a key of the translation files, which the screens share,
// filling its {{.Name}} placeholders from args given as name, value
// pairs; it gives the key itself when no file has it. The quality section
// keeps its words there (quality.*.json) rather than in labels.
func (w *words) T(key string, args ...any) string {
	s, ok := w.tr[key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.ReplaceAll(s, "{{."+fmt.Sprint(args[i])+"}}", fmt.Sprint(args[i+1]))
	}
	return s
}

// kappaUnclear is the kappa under which the pages flag a pair or a
// category: the guidelines may be unclear there (the scores screen's
// threshold).
const kappaUnclear = 0.6

// roundKappa is a kappa as printed: two decimals, never "-0.00".
func roundKappa(k float64) float64 {
	v := math.Round(k*100) / 100
	if v == 0 {
		return 0
	}
	return v
}

// kappaText writes a kappa with two decimals; "—" when it has no value.
func kappaText(k review.Kappa) string {
	if !k.Defined {
		return "—"
	}
	return strconv.FormatFloat(roundKappa(k.Kappa), 'f', 2, 64)
}

func unclearKappa(k review.Kappa) bool { return k.Defined && roundKappa(k.Kappa) < kappaUnclear }

func agreedOf(k review.Kappa) review.Ratio { return review.Ratio{Correct: k.Agreed, Total: k.N} }

func manifestKappa(k review.Kappa) ManifestKappa {
	m := ManifestKappa{N: k.N, Agreed: k.Agreed, Percent: ratioOf(agreedOf(k)).Percent}
	if k.Defined {
		v := roundKappa(k.Kappa)
		m.Kappa = &v
	}
	return m
}

// pause is a certification hidden gold revoked, with its figures and the
// certification that ended it (zero while it stands).
type pause struct {
	cert        review.Certification
	figures     *review.PausedError
	recertified time.Time
}

// pausesOf lists the pauses among certs of reviewer ("" for everyone), in
// the order they happened.
func pausesOf(certs []review.Certification, reviewer string) []pause {
	var out []pause
	for _, c := range certs {
		p := review.PausedFrom(c)
		if p == nil || (reviewer != "" && c.Reviewer != reviewer) {
			continue
		}
		ps := pause{cert: c, figures: p}
		for _, n := range certs {
			if n.Reviewer == c.Reviewer && n.Queue == c.Queue && n.CertifiedAt.After(c.RevokedAt) &&
				(ps.recertified.IsZero() || n.CertifiedAt.Before(ps.recertified)) {
				ps.recertified = n.CertifiedAt
			}
		}
		out = append(out, ps)
	}
	slices.SortStableFunc(out, func(x, y pause) int { return x.cert.RevokedAt.Compare(y.cert.RevokedAt) })
	return out
}

// calibrationPairs are the pairs of reviewers a assesses: every pair for
// the team, the pairs that include the reviewer otherwise.
func calibrationPairs(a *Assessment) []review.PairAgreement {
	if a.Reviewer == "" {
		return a.Agreement.Pairs
	}
	var out []review.PairAgreement
	for _, p := range a.Agreement.Pairs {
		if p.A == a.Reviewer || p.B == a.Reviewer {
			out = append(out, p)
		}
	}
	return out
}

// pooled adds up the samples and agreements of pairs (each sample is in
// one pair, so the share agreed adds up; kappa does not).
func pooled(pairs []review.PairAgreement) review.Kappa {
	var k review.Kappa
	for _, p := range pairs {
		k.N += p.N
		k.Agreed += p.Agreed
	}
	return k
}

// manifestQuality gathers the quality section's figures for the manifest.
func manifestQuality(a *Assessment) ManifestQuality {
	q := ManifestQuality{HiddenGold: ratioOf(a.Scores.ByKind[review.SessionHiddenGold]), Pauses: []ManifestPause{},
		Calibration: ManifestCalibration{Pairs: []ManifestPairKappa{}}}
	for _, p := range pausesOf(a.Certifications, a.Reviewer) {
		c := p.cert
		q.Pauses = append(q.Pauses, ManifestPause{CertificationID: c.ID, Reviewer: c.Reviewer, Queue: c.Queue,
			PausedAt: timeText(c.RevokedAt), Accuracy: p.figures.Accuracy, Answers: p.figures.Answers, Gate: p.figures.Gate,
			Reason: c.Reason, RecertifiedAt: timeText(p.recertified)})
	}
	ag, cal := a.Agreement, &q.Calibration
	if !ag.Since.IsZero() {
		cal.Since = ag.Since.In(a.Zone).Format(dateFormat)
	}
	for _, p := range calibrationPairs(a) {
		cal.Pairs = append(cal.Pairs, ManifestPairKappa{A: p.A, B: p.B, ManifestKappa: manifestKappa(p.Kappa)})
	}
	if a.Reviewer == "" {
		overall, waiting := manifestKappa(ag.Overall), ag.Waiting
		cal.Overall, cal.Waiting = &overall, &waiting
		cal.ByCategory = make(map[string]ManifestKappa, len(ag.ByCategory))
		for c, k := range ag.ByCategory {
			cal.ByCategory[string(c)] = manifestKappa(k)
		}
	}
	return q
}

// goldText writes a hidden gold accuracy with its counts, or says there
// are no answers yet.
func (r *assessor) goldText(x review.Ratio) string {
	if x.Total <= 0 {
		return r.w.T("quality.as.gold.none")
	}
	return accuracy(x) + " (" + r.w.F("label.of", x.Correct, x.Total) + ")"
}

// agreedText writes the share of samples agreed on with its counts.
func (r *assessor) agreedText(k review.Kappa) string {
	if k.N <= 0 {
		return "–"
	}
	return accuracy(agreedOf(k)) + " (" + r.w.F("label.of", k.Agreed, k.N) + ")"
}

// quality is the section on quality checks in live work: hidden gold
// accuracy, the pauses hidden gold made, and calibration agreement (the
// whole report for a team, the reviewer's pairs for a reviewer).
func (r *assessor) quality() {
	d, w, a := r.doc, r.w, r.as
	d.h1(w.T("quality.as.section"), false)
	d.para(w.T("quality.as.note"), false, sizeTable, colMuted)
	if a.Agreement.Since.IsZero() {
		d.para(w.T("quality.as.period.all", "AsOf", r.local(a.ExportedAt, false)), false, sizeTable, colMuted)
	} else {
		d.para(w.T("quality.as.period.since", "Since", r.day(a.Agreement.Since), "AsOf", r.local(a.ExportedAt, false)),
			false, sizeTable, colMuted)
	}
	d.y += 2
	pauses := pausesOf(a.Certifications, a.Reviewer)
	pairs := calibrationPairs(a)
	grid := [][2]string{
		{w.T("quality.as.gold.accuracy"), r.goldText(a.Scores.ByKind[review.SessionHiddenGold])},
		{w.T("quality.as.pauses"), itoa(len(pauses))},
	}
	if r.team() {
		grid = append(grid, [2]string{w.T("quality.as.kappa"), kappaText(a.Agreement.Overall)},
			[2]string{w.T("quality.as.agreed"), r.agreedText(a.Agreement.Overall)},
			[2]string{w.T("quality.as.waiting"), itoa(a.Agreement.Waiting)})
	} else {
		grid = append(grid, [2]string{w.T("quality.as.agreed"), r.agreedText(pooled(pairs))},
			[2]string{w.T("quality.as.pairs.n"), itoa(len(pairs))})
	}
	d.kvGrid(grid, sizeBody)
	r.pauseTable(pauses)
	r.calibration(pairs)
}

// pauseTable lists the pauses with their figures and re-certification.
func (r *assessor) pauseTable(pauses []pause) {
	d, w := r.doc, r.w
	d.h2(w.T("quality.as.pauses"), 14)
	d.para(w.T("quality.as.pauses.note"), false, sizeTable, colMuted)
	if len(pauses) == 0 {
		d.para(w.T("quality.as.pauses.none"), false, sizeTable, colMuted)
		return
	}
	cols := []column{{title: w.L("col.reviewer"), width: 24}, {title: w.L("as.col.queue"), width: 20},
		{title: w.T("quality.as.col.paused"), width: 27}, {title: w.T("quality.as.col.accuracy"), width: 42},
		{title: w.T("quality.as.col.gate"), width: 25, right: true}, {title: w.T("quality.as.col.recertified")}}
	cols[len(cols)-1].width = contentW - tableW(cols)
	d.table(cols, len(pauses), sizeTable, func(i int) []string {
		p := pauses[i]
		figures, gate := p.cert.Reason, "–"
		if f := p.figures; f.Answers > 0 {
			figures = w.T("quality.as.pause.figures", "Accuracy", percentText(f.Accuracy), "Answers", f.Answers)
			gate = percentText(f.Gate)
		}
		recert := w.T("quality.as.recertified.not")
		if !p.recertified.IsZero() {
			recert = r.local(p.recertified, false)
		}
		return []string{p.cert.Reviewer, w.code("queue.", p.cert.Queue), r.local(p.cert.RevokedAt, false), figures, gate, recert}
	}, nil)
}

// calibration states calibration agreement: for a team overall, per pair
// and per category; for a reviewer the pairs that include them.
func (r *assessor) calibration(pairs []review.PairAgreement) {
	d, w, ag := r.doc, r.w, r.as.Agreement
	d.h2(w.T("quality.as.calibration"), 14)
	d.para(w.T("quality.as.calibration.note"), false, sizeTable, colMuted)
	if r.team() {
		if ag.Overall.N == 0 {
			d.para(w.T("quality.as.overall.none"), false, sizeBody, colMuted)
			return
		}
		d.y += 1
		d.para(w.T("quality.as.overall", "Kappa", kappaText(ag.Overall), "Percent", accuracy(agreedOf(ag.Overall)),
			"Agreed", ag.Overall.Agreed, "N", ag.Overall.N), true, sizeBody, colText)
	} else if len(pairs) == 0 {
		d.para(w.T("quality.as.reviewer.none", "Reviewer", r.as.Reviewer), false, sizeBody, colMuted)
		return
	}
	title := w.T("quality.as.pairs")
	if !r.team() {
		title = w.T("quality.as.pairs.of", "Reviewer", r.as.Reviewer)
	}
	d.h2(title, 10)
	cols := []column{{title: w.T("quality.as.col.a"), width: 30}, {title: w.T("quality.as.col.b"), width: 30}}
	cols = append(cols, r.kappaCols()...)
	d.table(cols, len(pairs), sizeTable, func(i int) []string {
		p := pairs[i]
		return append([]string{p.A, p.B}, r.kappaCells(p.Kappa)...)
	}, nil)
	if !r.team() || len(ag.ByCategory) == 0 {
		return
	}
	var cats []review.Category
	for _, c := range review.Categories {
		if _, ok := ag.ByCategory[c]; ok {
			cats = append(cats, c)
		}
	}
	for _, c := range sortedKeys(ag.ByCategory) { // codes outside the known list
		if !review.Category(c).Valid() {
			cats = append(cats, review.Category(c))
		}
	}
	d.h2(w.T("quality.as.categories"), 10)
	cols = append([]column{{title: w.L("col.category"), width: 60}}, r.kappaCols()...)
	d.table(cols, len(cats), sizeTable, func(i int) []string {
		return append([]string{w.code("category.", string(cats[i]))}, r.kappaCells(ag.ByCategory[cats[i]])...)
	}, nil)
}

// kappaCols are the columns samples, agreed, share agreed, kappa and
// note, which fill the width left of 60 millimetres.
func (r *assessor) kappaCols() []column {
	w := r.w
	return []column{{title: w.T("quality.as.col.samples"), width: 18, right: true},
		{title: w.T("quality.as.col.agreed"), width: 18, right: true}, {title: w.T("quality.as.col.percent"), width: 20, right: true},
		{title: w.T("quality.as.col.kappa"), width: 16, right: true}, {title: w.T("quality.as.col.note"), width: contentW - 60 - 72}}
}

func (r *assessor) kappaCells(k review.Kappa) []string {
	note := ""
	if unclearKappa(k) {
		note = r.w.T("quality.as.unclear")
	}
	return []string{itoa(k.N), itoa(k.Agreed), accuracy(agreedOf(k)), kappaText(k), note}
}
