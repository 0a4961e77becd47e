package report

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

// assessmentFixture is reviewer1's assessment after three days of
// training: 37 of 40 gold items right (92.5 %), with a signed checkpoint
// made at export and the events from it to the head. team makes it the
// team assessment, with reviewer2 too.
func assessmentFixture(tb testing.TB, team bool) (Assessment, signer) {
	tb.Helper()
	ws := newSigner(tb, "星河智能 audit signing")
	day := func(d, h int) time.Time { return time.Date(2025, 11, d, h, 0, 0, 0, cst) }
	r1 := review.Scores{
		Reviewer: "reviewer1",
		Overall:  review.Ratio{Correct: 37, Total: 40},
		ByCategory: map[review.Category]review.Ratio{
			"face_swap": {Correct: 18, Total: 20}, "image_generation": {Correct: 12, Total: 12}, "voice_clone": {Correct: 7, Total: 8},
		},
		ByReason: map[string]review.Ratio{"explicit-label-missing": {Correct: 9, Total: 10}, "risk-a1g": {Correct: 5, Total: 6}},
		Confusion: map[review.Outcome]map[review.Outcome]int{
			review.OutcomeApprove:  {review.OutcomeApprove: 15, review.OutcomeReject: 1},
			review.OutcomeReject:   {review.OutcomeReject: 14, review.OutcomeApprove: 1},
			review.OutcomeEscalate: {review.OutcomeEscalate: 8, review.OutcomeApprove: 1},
		},
		Trend: []review.TrendPoint{
			{Day: day(20, 0), Ratio: review.Ratio{Correct: 12, Total: 14}},
			{Day: day(21, 0), Ratio: review.Ratio{Correct: 13, Total: 13}},
			{Day: day(24, 0), Ratio: review.Ratio{Correct: 12, Total: 13}},
		},
		Sessions: []review.TrainingSession{
			{ID: 1, Kind: review.SessionTraining, Reviewer: "reviewer1", SetID: 1, SetVersion: 2, StartedAt: day(20, 9), FinishedAt: day(20, 10), Answered: 14, Correct: 12},
			{ID: 3, Kind: review.SessionTraining, Reviewer: "reviewer1", SetID: 2, SetVersion: 1, StartedAt: day(21, 14), FinishedAt: day(21, 15), Answered: 13, Correct: 13},
			{ID: 4, Kind: review.SessionTraining, Reviewer: "reviewer1", SetID: 1, SetVersion: 3, StartedAt: day(24, 9), FinishedAt: day(24, 10), Answered: 13, Correct: 12},
		},
		AvgTook: 14200 * time.Millisecond,
		ByKind: map[string]review.Ratio{review.SessionTraining: {Correct: 37, Total: 40},
			review.SessionHiddenGold: {Correct: 4, Total: 5}},
	}
	a := Assessment{
		Provider:   review.Provider{Name: fixtureCompany, USCC: fixtureUSCC},
		Reviewer:   "reviewer1",
		Zone:       cst,
		ExportedBy: "trainer", ExportedAt: day(25, 16), Workspace: "xinghe-review",
		Scores: r1,
		Sets: []review.GoldSet{{ID: 1, Name: "换脸标识基础", Queue: review.QueueLive, Version: 3},
			{ID: 2, Name: "Escalation basics", Queue: review.QueueEscalation, Version: 1}},
		SessionTook: map[int64]time.Duration{1: 15 * time.Second, 3: 13500 * time.Millisecond, 4: 14 * time.Second},
		Certifications: []review.Certification{
			{Reviewer: "reviewer1", Queue: review.QueueEscalation, CertifiedBy: "trainer", CertifiedAt: day(18, 11), Accuracy: 90, Items: 30,
				MinAccuracy: 90, MinItems: 30, Revoked: true, RevokedAt: day(22, 9), RevokedBy: "manager", Reason: "paused by hidden gold"},
			// Paused by hidden gold on the 23rd, re-certified on the 24th.
			{Reviewer: "reviewer1", Queue: review.QueueLive, CertifiedBy: "trainer", CertifiedAt: day(19, 11), Accuracy: 91, Items: 32,
				MinAccuracy: 90, MinItems: 30, Revoked: true, RevokedAt: day(23, 10), RevokedBy: review.PauseActor,
				Reason: review.PauseReason(70, 20, 90)},
			{Reviewer: "reviewer1", Queue: review.QueueLive, CertifiedBy: "trainer", CertifiedAt: day(24, 11), Accuracy: 92.5, Items: 40,
				MinAccuracy: 90, MinItems: 30},
		},
		Agreement: calibrationFixture(),
		Gates:     []review.Gate{{Queue: review.QueueLive, MinAccuracy: 90, MinItems: 30, SetBy: "trainer", SetAt: day(15, 10)}},
	}
	if team {
		r2 := review.Scores{Reviewer: "reviewer2", Overall: review.Ratio{Correct: 20, Total: 25},
			ByCategory: map[review.Category]review.Ratio{"face_swap": {Correct: 15, Total: 18}, "text_dialogue": {Correct: 5, Total: 7}},
			Sessions: []review.TrainingSession{{ID: 2, Kind: review.SessionTraining, Reviewer: "reviewer2", SetID: 1, SetVersion: 2,
				StartedAt: day(20, 15), FinishedAt: day(20, 16), Answered: 25, Correct: 20}},
			AvgTook: 21 * time.Second}
		a.Reviewer = ""
		a.Reviewers = []review.Scores{r1, r2}
		a.Scores.Reviewer = ""
		a.Scores.Overall = review.Ratio{Correct: 57, Total: 65}
		a.Scores.Sessions = append(a.Scores.Sessions, r2.Sessions...)
	}

	cb := &chainBuilder{at: time.Date(2025, 11, 20, 1, 0, 0, 0, time.UTC)}
	for i := range 30 {
		cb.add("reviewer1", "training.answered", fmt.Sprintf("session:%d", 1+i/14), `{"correct":true}`)
	}
	signed := len(cb.events) - 1
	cp := cb.checkpoint(tb, ws)
	cb.add("trainer", "training.certified", "account:reviewer1", `{"queue":"live"}`)
	a.Head = cb.events[len(cb.events)-1]
	a.Events = cb.events[signed:]
	a.Checkpoints = []Checkpoint{cp}
	return a, ws
}

// calibrationFixture is the calibration report of nine second reviews:
// reviewer1 and reviewer2 agree on 6 of 8 (κ 0.56), reviewer2 and senior1
// on their one (κ has no value), 7 of 9 overall (κ 0.61); by category
// face swaps 3 of 4 (κ 0.56), image generation 2 of 3 (κ 0.40, flagged).
func calibrationFixture() review.Agreement {
	type s struct {
		first  string
		fo     review.Outcome
		second string
		so     review.Outcome
		cat    review.Category
	}
	const ap, rj, es = review.OutcomeApprove, review.OutcomeReject, review.OutcomeEscalate
	var samples []review.CalibrationSample
	for _, x := range []s{
		{"reviewer1", ap, "reviewer2", ap, "face_swap"}, {"reviewer1", ap, "reviewer2", ap, "face_swap"},
		{"reviewer1", ap, "reviewer2", rj, "face_swap"}, {"reviewer1", es, "reviewer2", es, "face_swap"},
		{"reviewer1", ap, "reviewer2", ap, "image_generation"}, {"reviewer2", rj, "reviewer1", rj, "image_generation"},
		{"reviewer2", rj, "reviewer1", ap, "image_generation"}, {"reviewer2", ap, "reviewer1", ap, "voice_clone"},
		{"reviewer2", rj, "senior1", rj, "text_dialogue"},
	} {
		samples = append(samples, review.CalibrationSample{First: x.first, FirstOutcome: x.fo, Second: x.second,
			SecondOutcome: x.so, Category: x.cat})
	}
	a := review.AgreementOf(samples)
	a.Waiting = 2
	return a
}

func buildAssessment(t *testing.T, a Assessment, lang string) []byte {
	t.Helper()
	pdf, err := BuildAssessment(context.Background(), a, lang, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

func TestAssessmentStatesTheAccuracyAsAPercentage(t *testing.T) {
	a, _ := assessmentFixture(t, false)
	for _, tc := range []struct {
		lang  string
		want  *regexp.Regexp
		words []string
	}{
		{"zh", regexp.MustCompile(`准确率\s*92\.5%`), []string{"审核员考核报告", "reviewer1", "换脸标识基础", "决定混淆矩阵", "上岗认证记录", "paused by", "14.2 秒"}},
		{"en", regexp.MustCompile(`Accuracy\s*92\.5%`), []string{"Reviewer assessment", "reviewer1", "Escalation basics", "Confusion matrix", "Certification history", "revoked 2025-11-22", "14.2 s",
			"at least 90.0%", "Reported apart, not counted above: hidden gold 80.0% (4 of 5)."}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			text := pdftotext(t, buildAssessment(t, a, tc.lang), 0, 0)
			if !tc.want.MatchString(text) {
				t.Errorf("the text does not state %v:\n%s", tc.want, text)
			}
			// The cover states it before anything else.
			cover := pdftotext(t, buildAssessment(t, a, tc.lang), 1, 1)
			if !tc.want.MatchString(cover) {
				t.Errorf("the cover does not state %v:\n%s", tc.want, cover)
			}
			for _, w := range tc.words {
				if !strings.Contains(text, w) {
					t.Errorf("the text lacks %q", w)
				}
			}
			// Per-category accuracy, one decimal: voice clones 7 of 8.
			if !strings.Contains(text, "87.5%") {
				t.Errorf("the per-category table lacks 87.5%% (7 of 8)")
			}
		})
	}
}

func TestTeamAssessmentHasATablePerReviewer(t *testing.T) {
	a, _ := assessmentFixture(t, true)
	pdf := buildAssessment(t, a, "en")
	m, err := ReadAssessment(pdf)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, s := range m.Assessment.Sessions {
		ids = append(ids, s.ID)
	}
	if fmt.Sprint(ids) != "[1 2 3 4]" || len(m.Assessment.Reviewers) != 2 || !m.Assessment.Team {
		t.Errorf("sessions %v (want them in the order they began), %d reviewers", ids, len(m.Assessment.Reviewers))
	}
	if a.Scores.Sessions[3].ID != 2 {
		t.Error("BuildAssessment reordered the caller's sessions")
	}
	text := pdftotext(t, pdf, 0, 0)
	for _, want := range []string{"Team assessment", "all reviewers (2)", "By reviewer", "reviewer2 · Accuracy 80.0%", "reviewer1 · Accuracy 92.5%"} {
		if !strings.Contains(text, want) {
			t.Errorf("the team assessment lacks %q:\n%s", want, text)
		}
	}
	if !regexp.MustCompile(`Accuracy\s*87\.7%`).MatchString(text) { // 57 of 65
		t.Errorf("the team's accuracy 87.7%% is not stated")
	}
}

func TestSignedAssessmentVerifiesLikeAnAuditPackage(t *testing.T) {
	a, ws := assessmentFixture(t, false)
	pdf := signPackage(t, buildAssessment(t, a, "zh"), ws)

	out := pdfsig(t, pdf)
	for _, want := range []string{"Signature is Valid.", "Total document signed"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig does not say %q:\n%s", want, out)
		}
	}
	res, err := Verify(pdf, nil)
	if err != nil || !res.OK {
		t.Fatalf("Verify: %v %+v", err, res.Checks)
	}
	for _, name := range []string{CheckByteRange, CheckSignature, CheckManifest, CheckEventHashes, CheckChain, CheckCheckpoints} {
		if c := checkOf(res, name); c.Status != StatusPass {
			t.Errorf("%s: %s %s", name, c.Status, c.Message)
		}
	}
	if res.Manifest.Kind != "assessment" || res.Manifest.Head.Hash != a.Head.Hash || len(res.Manifest.Checkpoints) != 1 {
		t.Errorf("manifest: kind %q head %+v, %d checkpoints", res.Manifest.Kind, res.Manifest.Head, len(res.Manifest.Checkpoints))
	}

	m, err := ReadAssessment(pdf)
	if err != nil {
		t.Fatal(err)
	}
	f := m.Assessment
	if f.Reviewer != "reviewer1" || f.Overall != (ManifestRatio{Correct: 37, Total: 40, Percent: 92.5}) ||
		f.ByCategory["voice_clone"].Percent != 87.5 || f.Confusion["reject"]["approve"] != 1 ||
		len(f.Sessions) != 3 || f.Sessions[0].Set != "换脸标识基础" || len(f.Certifications) != 3 || len(f.Trend) != 3 {
		t.Errorf("the manifest's figures are not the pages': %+v", f)
	}
	if m.From != "2025-11-20" || m.To != "2025-11-24" {
		t.Errorf("manifest period %s to %s, want the sessions' days", m.From, m.To)
	}

	t.Run("one flipped byte fails", func(t *testing.T) {
		sig, err := mustSignature(t, pdf)
		if err != nil {
			t.Fatal(err)
		}
		bad := append([]byte(nil), pdf...)
		bad[sig.byteRange[1]/2] ^= 0x01
		if out := pdfsig(t, bad); strings.Contains(out, "Signature is Valid.") {
			t.Errorf("pdfsig still says the signature is valid:\n%s", out)
		}
		if res, _ := Verify(bad, nil); res.OK || checkOf(res, CheckSignature).Status != StatusFail {
			t.Errorf("Verify passes a changed assessment: %+v", res.Checks)
		}
	})

	t.Run("an audit package is not an assessment", func(t *testing.T) {
		fx := newFixture(t, 1, 10)
		if _, err := ReadAssessment(build(t, fx.audit, "en")); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("ReadAssessment of an audit package: %v, want EINVALID", err)
		}
	})
}

func mustSignature(t *testing.T, pdf []byte) (*sigField, error) {
	t.Helper()
	doc, err := openPDF(pdf)
	if err != nil {
		return nil, err
	}
	return doc.signature()
}

func TestAssessmentWithoutSessions(t *testing.T) {
	a, ws := assessmentFixture(t, false)
	a.Scores = review.Scores{Reviewer: "reviewer2"}
	a.Reviewer, a.Certifications, a.Gates = "reviewer2", nil, nil
	a.Agreement = review.Agreement{}
	// The head alone proves nothing was left out after it; no checkpoint.
	a.Events, a.Checkpoints = nil, nil
	pdf := signPackage(t, buildAssessment(t, a, "en"), ws)
	if res, err := Verify(pdf, nil); err != nil || !res.OK {
		t.Fatalf("Verify: %v %+v", err, res.Checks)
	}
	text := pdftotext(t, pdf, 0, 0)
	for _, want := range []string{"Accuracy –", "no training sessions", "No certifications.", "No requirements set",
		"No pauses.", "No calibration sample of reviewer2's has had its second review yet."} {
		if !strings.Contains(text, want) {
			t.Errorf("an untrained reviewer's assessment lacks %q:\n%s", want, text)
		}
	}
	if !regexp.MustCompile(`Hidden gold accuracy\s*none yet`).MatchString(text) {
		t.Error("an untrained reviewer's assessment does not say there is no hidden gold answer yet")
	}
}

func TestBuildAssessmentRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(a *Assessment)
		lang string
	}{
		{"an unknown language", func(*Assessment) {}, "fr"},
		{"a head that is not the last event", func(a *Assessment) { a.Head.Hash = strings.Repeat("0", 64) }, "en"},
		{"an edited event", func(a *Assessment) {
			a.Events = append([]review.Event(nil), a.Events...)
			a.Events[1].Payload = `{"queue":"escalation"}`
		}, "en"},
		{"a checkpoint without its certificate", func(a *Assessment) {
			a.Checkpoints = []Checkpoint{{Event: a.Checkpoints[0].Event}}
		}, "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := assessmentFixture(t, false)
			tc.edit(&a)
			if _, err := BuildAssessment(context.Background(), a, tc.lang, nil); review.ErrorCode(err) != review.EINVALID {
				t.Errorf("BuildAssessment: %v, want EINVALID", err)
			}
		})
	}
}

func TestBuildAssessmentStopsWhenCancelled(t *testing.T) {
	a, _ := assessmentFixture(t, true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := BuildAssessment(ctx, a, "en", nil); err != context.Canceled {
		t.Errorf("BuildAssessment on a cancelled context: %v", err)
	}
	var last, total int
	if _, err := BuildAssessment(context.Background(), a, "en", func(d, n int) { last, total = d, n }); err != nil {
		t.Fatal(err)
	}
	if total == 0 || last != total {
		t.Errorf("progress ended at %d of %d", last, total)
	}
}

// pdftotextLayout returns the text of pdf laid out as on the page, a
// table row on one line.
func pdftotextLayout(t *testing.T, pdf []byte) string {
	t.Helper()
	out, err := exec.Command(tool(t, "pdftotext"), "-layout", "-enc", "UTF-8", writeTemp(t, "p.pdf", pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// unspaced drops white space, so that text wrapped in a table cell (where
// Chinese breaks between any two characters) compares whole.
func unspaced(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func TestAssessmentStatesTheQualityChecks(t *testing.T) {
	for _, tc := range []struct {
		name, lang string
		team       bool
		want       []*regexp.Regexp // in the text
		rows       []*regexp.Regexp // in the laid-out text: table rows
		words      []string         // in the text, white space aside
		not        []string
	}{
		{name: "a reviewer in English", lang: "en",
			want: []*regexp.Regexp{regexp.MustCompile(`Hidden gold accuracy\s*80\.0% \(4 of 5\)`),
				regexp.MustCompile(`Calibration agreed\s*75\.0% \(6 of 8\)`)},
			rows: []*regexp.Regexp{regexp.MustCompile(`reviewer1\s+reviewer2\s+8\s+6\s+75\.0%\s+0\.56\s+guidelines may be unclear`),
				regexp.MustCompile(`reviewer1\s+Live queue\s+2025-11-23 10:00\s+70\.0% over the last 20 answers\s+90\.0%\s+2025-11-24 11:00`)},
			words: []string{"Quality checks in live work", "(all time)", "Calibration: the pairs that include reviewer1",
				"paused by hidden gold 2025-11-23 10:00: 70.0% over the last 20 answers, under the gate's 90.0%"},
			not: []string{"senior1", "revoked 2025-11-23", "system:hidden-gold"}},
		{name: "a reviewer in Chinese", lang: "zh",
			want: []*regexp.Regexp{regexp.MustCompile(`隐藏金标准准确率\s*80\.0% \(4 / 5\)`),
				regexp.MustCompile(`校准一致率\s*75\.0% \(6 / 8\)`)},
			rows: []*regexp.Regexp{regexp.MustCompile(`reviewer1\s+reviewer2\s+8\s+6\s+75\.0%\s+0\.56\s+规范可能不清楚`)},
			words: []string{"在线质量抽检", "不限起始时间", "校准：包含 reviewer1 的审核员组合",
				"2025-11-23 10:00 因隐藏金标准暂停：最近 20 题准确率 70.0%，低于认证要求 90.0%"},
			not: []string{"senior1", "system:hidden-gold"}},
		{name: "the team in English", lang: "en", team: true,
			want: []*regexp.Regexp{regexp.MustCompile(`Calibration κ\s*0\.61`), regexp.MustCompile(`Hidden gold accuracy\s*80\.0% \(4 of 5\)`)},
			rows: []*regexp.Regexp{regexp.MustCompile(`reviewer2\s+senior1\s+1\s+1\s+100\.0%\s+—`),
				regexp.MustCompile(`Image generation\s+3\s+2\s+66\.7%\s+0\.40\s+guidelines may be unclear`),
				// The reviewers table's hidden gold column.
				regexp.MustCompile(`reviewer1\s+3\s+40\s+37\s+92\.5%\s+14\.2 s\s+80\.0%\s+Live queue`),
				regexp.MustCompile(`reviewer2\s+1\s+25\s+20\s+80\.0%\s+21\.0 s\s+none yet`)},
			words: []string{"Agreement: κ 0.61 · 77.8% agreed (7 of 9 samples)", "Calibration by service category", "Samples waiting 2"}},
		{name: "the team in Chinese", lang: "zh", team: true,
			want:  []*regexp.Regexp{regexp.MustCompile(`校准 κ 值\s*0\.61`)},
			rows:  []*regexp.Regexp{regexp.MustCompile(`reviewer1\s+reviewer2\s+8\s+6\s+75\.0%\s+0\.56`)},
			words: []string{"一致性：κ 值 0.61 · 一致率 77.8%（9 个样本中 7 个一致）", "按服务类别的校准"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := assessmentFixture(t, tc.team)
			pdf := buildAssessment(t, a, tc.lang)
			text, layout := pdftotext(t, pdf, 0, 0), pdftotextLayout(t, pdf)
			for _, re := range tc.want {
				if !re.MatchString(text) {
					t.Errorf("the text does not state %v:\n%s", re, text)
				}
			}
			for _, re := range tc.rows {
				if !re.MatchString(layout) {
					t.Errorf("no row matches %v:\n%s", re, layout)
				}
			}
			for _, w := range tc.words {
				if !strings.Contains(unspaced(text), unspaced(w)) {
					t.Errorf("the text lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(text, w) {
					t.Errorf("the text has %q", w)
				}
			}
		})
	}
}

func TestAssessmentManifestHasTheQualityChecks(t *testing.T) {
	a, ws := assessmentFixture(t, true)
	pdf := signPackage(t, buildAssessment(t, a, "zh"), ws)
	if out := pdfsig(t, pdf); !strings.Contains(out, "Signature is Valid.") {
		t.Errorf("pdfsig:\n%s", out)
	}
	m, err := ReadAssessment(pdf)
	if err != nil {
		t.Fatal(err)
	}
	q := m.Assessment.Quality
	if q.HiddenGold != (ManifestRatio{Correct: 4, Total: 5, Percent: 80}) || len(q.Pauses) != 1 {
		t.Fatalf("hidden gold %+v, pauses %+v", q.HiddenGold, q.Pauses)
	}
	if p := q.Pauses[0]; p.Reviewer != "reviewer1" || p.Queue != review.QueueLive || p.Accuracy != 70 || p.Answers != 20 ||
		p.Gate != 90 || p.PausedAt != "2025-11-23T02:00:00.000Z" || p.RecertifiedAt != "2025-11-24T03:00:00.000Z" {
		t.Errorf("pause %+v", p)
	}
	c := q.Calibration
	if c.Since != "" || c.Overall == nil || c.Overall.N != 9 || c.Overall.Agreed != 7 || c.Overall.Kappa == nil || *c.Overall.Kappa != 0.61 ||
		c.Waiting == nil || *c.Waiting != 2 {
		t.Errorf("calibration %+v", c)
	}
	if len(c.Pairs) != 2 || c.Pairs[1].B != "senior1" || c.Pairs[1].Kappa != nil || c.ByCategory["image_generation"].Percent != 66.7 {
		t.Errorf("pairs %+v, by category %+v", c.Pairs, c.ByCategory)
	}
	if r := m.Assessment.Reviewers; len(r) != 2 || r[0].HiddenGold.Total != 5 || r[1].HiddenGold.Total != 0 {
		t.Errorf("reviewers %+v", r)
	}

	// A reviewer's: only the pairs that include the reviewer.
	a, _ = assessmentFixture(t, false)
	m, err = ReadAssessment(buildAssessment(t, a, "en"))
	if err != nil {
		t.Fatal(err)
	}
	c = m.Assessment.Quality.Calibration
	if c.Overall != nil || c.Waiting != nil || len(c.ByCategory) != 0 || len(c.Pairs) != 1 || *c.Pairs[0].Kappa != 0.56 {
		t.Errorf("reviewer1's calibration %+v", c)
	}
}
