package report

import (
	"context"
	"fmt"
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
			{Reviewer: "reviewer1", Queue: review.QueueLive, CertifiedBy: "trainer", CertifiedAt: day(24, 11), Accuracy: 92.5, Items: 40,
				MinAccuracy: 90, MinItems: 30},
		},
		Gates: []review.Gate{{Queue: review.QueueLive, MinAccuracy: 90, MinItems: 30, SetBy: "trainer", SetAt: day(15, 10)}},
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
		len(f.Sessions) != 3 || f.Sessions[0].Set != "换脸标识基础" || len(f.Certifications) != 2 || len(f.Trend) != 3 {
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
	// The head alone proves nothing was left out after it; no checkpoint.
	a.Events, a.Checkpoints = nil, nil
	pdf := signPackage(t, buildAssessment(t, a, "en"), ws)
	if res, err := Verify(pdf, nil); err != nil || !res.OK {
		t.Fatalf("Verify: %v %+v", err, res.Checks)
	}
	text := pdftotext(t, pdf, 0, 0)
	for _, want := range []string{"Accuracy –", "no training sessions", "No certifications.", "No requirements set"} {
		if !strings.Contains(text, want) {
			t.Errorf("an untrained reviewer's assessment lacks %q:\n%s", want, text)
		}
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
