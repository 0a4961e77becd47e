package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// ---- Quality checks in live work (hidden gold and calibration) ----

// sampleQuality is a calibration report: reviewer1 and reviewer2 agree
// little (κ 0.52), reviewer1 and reviewer3 always gave one and the same
// outcome (κ undefined), face swaps are unclear, generated images clear.
func sampleQuality() *fakeQuality {
	return &fakeQuality{
		settings: review.QualitySettings{HiddenGoldPercent: 5, CalibrationPercent: 2.5, Window: 20, MinAnswers: 10},
		agreement: review.Agreement{
			Overall: review.Kappa{N: 40, Agreed: 34, Observed: 0.85, Kappa: 0.71, Defined: true},
			Pairs: []review.PairAgreement{
				{A: "reviewer1", B: "reviewer2", Kappa: review.Kappa{N: 25, Agreed: 19, Observed: 0.76, Kappa: 0.52, Defined: true}},
				{A: "reviewer1", B: "reviewer3", Kappa: review.Kappa{N: 15, Agreed: 15, Observed: 1}},
			},
			ByCategory: map[review.Category]review.Kappa{
				"image_generation": {N: 18, Agreed: 17, Observed: 0.944, Kappa: 0.88, Defined: true},
				"face_swap":        {N: 22, Agreed: 17, Observed: 0.773, Kappa: 0.52, Defined: true},
			},
			Waiting: 3,
		},
	}
}

// pausedCert is reviewer1's live certification, revoked by hidden gold.
func pausedCert() review.Certification {
	return review.Certification{ID: 2, Reviewer: "reviewer1", Queue: review.QueueLive, CertifiedBy: "trainer",
		CertifiedAt: fixedNow().Add(-72 * time.Hour), Accuracy: 95, Items: 40, Revoked: true,
		RevokedBy: review.PauseActor, RevokedAt: fixedNow(), Reason: review.PauseReason(70, 10, 90)}
}

// newQualityScoresWindow shows the scores screen for acct with quality
// control read through q (nil: none), as the session wires it.
func newQualityScoresWindow(t *testing.T, f *fakeTrainer, q review.QualityReader, acct review.Account) *scoresView {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	v := newScoresView(f, acct, w, runNow)
	v.now = fixedNow
	v.quality = q
	w.SetContent(v.content())
	w.Resize(fyne.NewSize(1280, 1600))
	v.reload()
	return v
}

// kappaRow is the calibration table row whose first columns read first
// (and second, when given): its labels, or nil.
func kappaRow(v *scoresView, first, second string) []*widget.Label {
	for _, o := range v.qCalib.Objects {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) < 2 {
			continue
		}
		var ls []*widget.Label
		for _, x := range c.Objects {
			if l, ok := x.(*widget.Label); ok {
				ls = append(ls, l)
			}
		}
		if len(ls) == len(c.Objects) && ls[0].Text == first && (second == "" || ls[1].Text == second) {
			return ls
		}
	}
	return nil
}

func TestScoresShowQualityChecksToTrainers(t *testing.T) {
	f := newFakeTrainer()
	team := sampleScores()
	team.Reviewer = ""
	team.ByKind[review.SessionHiddenGold] = review.Ratio{Correct: 17, Total: 20}
	f.scores[""] = team
	revoked := review.Certification{ID: 1, Reviewer: "reviewer2", Queue: review.QueueLive, CertifiedBy: "trainer",
		CertifiedAt: fixedNow().Add(-48 * time.Hour), Accuracy: 92, Items: 40, Revoked: true, RevokedBy: "trainer",
		RevokedAt: fixedNow(), Reason: "left the team"}
	f.certs = []review.Certification{revoked, pausedCert()}
	q := sampleQuality()
	v := newQualityScoresWindow(t, f, q, trainingAccount("trainer", review.RoleTrainer))

	if !v.qCard.Visible() || v.qCard.Title != "Quality checks in live work" {
		t.Fatalf("quality section visible %v, title %q", v.qCard.Visible(), v.qCard.Title)
	}
	if len(q.since) != 1 || !q.since[0].Equal(fixedNow().Add(-90*24*time.Hour)) {
		t.Errorf("calibration read since %v, want 90 days back", q.since)
	}
	for name, c := range map[string]struct{ got, want string }{
		"settings":    {v.qSettings.Text, "Hidden gold: 5 % of claims · calibration: 2.5 % of live decisions · rolling window: the last 20 answers · a pause needs at least 10 answers"},
		"hidden gold": {v.qGold.Text, "Hidden gold accuracy: 85.0 % (17/20)"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", name, c.got, c.want)
		}
	}
	texts := strings.Join(dashTexts(v.qCalib), "\n")
	for _, want := range []string{"Agreement: κ 0.71 · 85.0 % agreed over 40 samples",
		"Samples waiting for a second review: 3", "By pair of reviewers", "By category"} {
		if !strings.Contains(texts, want) {
			t.Errorf("%q is not in the calibration section:\n%s", want, texts)
		}
	}
	if strings.Contains(texts, "Agreement: κ 0.71 · 85.0 % agreed over 40 samples ·") {
		t.Error("a substantial overall kappa is flagged")
	}

	low := kappaRow(v, "reviewer1", "reviewer2")
	if low == nil {
		t.Fatalf("no row for reviewer1 and reviewer2:\n%s", texts)
	}
	if got := []string{low[2].Text, low[3].Text, low[4].Text}; strings.Join(got, "|") != "25|76.0 %|0.52" {
		t.Errorf("pair row %q, want N 25, 76.0 %% agreed, κ 0.52", got)
	}
	if low[4].Importance != widget.WarningImportance || low[5].Text != "guidelines may be unclear here" {
		t.Errorf("a κ of 0.52 is not flagged: importance %v, note %q", low[4].Importance, low[5].Text)
	}
	undef := kappaRow(v, "reviewer1", "reviewer3")
	if undef == nil || undef[4].Text != "—" || undef[5].Text != "" || undef[4].Importance == widget.WarningImportance {
		t.Errorf("an undefined kappa should read — without a note: %v", undef)
	}
	fs := kappaRow(v, "Face swap", "")
	if fs == nil || fs[3].Text != "0.52" || fs[4].Text != "guidelines may be unclear here" {
		t.Errorf("face swap row %v", fs)
	}
	if ig := kappaRow(v, "Image generation", ""); ig == nil || ig[3].Text != "0.88" || ig[4].Text != "" {
		t.Errorf("image generation row %v", ig)
	}

	// The certification history words the pause; other revocations stay.
	certs := dashTexts(v.certs)
	want := "Paused by hidden gold on " + fixedNow().Local().Format("2006-01-02") +
		": 70% over the last 10 answers, under the gate's 90%"
	var paused *widget.Label
	for _, o := range v.certs.Objects {
		if l, ok := o.(*widget.Label); ok && l.Text == want {
			paused = l
		}
	}
	if paused == nil {
		t.Fatalf("%q is not in the certifications:\n%s", want, strings.Join(certs, "\n"))
	}
	if paused.Importance != widget.DangerImportance {
		t.Error("the pause is not in the error colour")
	}
	joined := strings.Join(certs, "\n")
	if !strings.Contains(joined, "Revoked: left the team") || strings.Count(joined, "Paused by hidden gold") != 2 {
		t.Errorf("certification states:\n%s", joined)
	}
	if strings.Contains(joined, "hidden gold: 70 %") {
		t.Error("the pause's stored reason shows raw")
	}
}

func TestScoresQualityForAReviewerShowsOnlyHiddenGold(t *testing.T) {
	f := newFakeTrainer()
	s := sampleScores()
	f.scores["reviewer1"] = s
	q := sampleQuality()
	v := newQualityScoresWindow(t, f, q, trainingAccount("reviewer1", review.RoleReviewer))
	if !v.qCard.Visible() || v.qGold.Text != "Hidden gold accuracy: 75.0 % (3/4)" {
		t.Errorf("a reviewer's own hidden gold: visible %v, %q", v.qCard.Visible(), v.qGold.Text)
	}
	texts := strings.Join(dashTexts(v.content()), "\n")
	for _, no := range []string{"κ", "Calibration", "Samples waiting", "guidelines", "rolling window"} {
		if strings.Contains(texts, no) {
			t.Errorf("a reviewer sees %q:\n%s", no, texts)
		}
	}
	if len(q.since) != 0 {
		t.Error("the calibration report was read for a reviewer")
	}

	// No hidden gold answers yet.
	delete(s.ByKind, review.SessionHiddenGold)
	f.scores["reviewer1"] = s
	v.reload()
	if v.qGold.Text != "Hidden gold accuracy: no hidden gold answers yet" {
		t.Errorf("without answers: %q", v.qGold.Text)
	}

	// Without quality control wired in, the section is not there.
	nv := newQualityScoresWindow(t, f, nil, trainingAccount("reviewer1", review.RoleReviewer))
	if nv.qCard.Visible() {
		t.Error("the quality section shows without a quality reader")
	}
}

func TestScoresQualityReadErrorSaysSo(t *testing.T) {
	f := newFakeTrainer()
	q := sampleQuality()
	q.err = review.Errorf(review.EINVALID, "setting quality.hidden_gold_window = %q: a whole number from 1 to 500", "0")
	v := newQualityScoresWindow(t, f, q, trainingAccount("manager", review.RoleManager))
	texts := strings.Join(dashTexts(v.qCalib), "\n")
	if !strings.Contains(texts, "The quality checks could not be read.") || strings.Contains(texts, "κ") {
		t.Errorf("calibration section after a failed read:\n%s", texts)
	}
	if v.win.Canvas().Overlays().Top() == nil {
		t.Error("no error dialog")
	}
	if v.overall.Text != "92.5 %" && v.overall.Text != "—" {
		t.Errorf("the training scores did not show: %q", v.overall.Text)
	}
}

func TestScoresQualityInChinese(t *testing.T) {
	restoreLocale(t)
	os.Setenv(localeEnv, "zh_CN.UTF-8")
	applyLanguageNow()
	f := newFakeTrainer()
	team := sampleScores()
	team.Reviewer = ""
	f.scores[""] = team
	f.certs = []review.Certification{pausedCert()}
	v := newQualityScoresWindow(t, f, sampleQuality(), trainingAccount("trainer", review.RoleTrainer))
	if v.qCard.Title != "质量抽检" {
		t.Errorf("title %q", v.qCard.Title)
	}
	texts := dashTexts(v.content())
	joined := strings.Join(texts, "\n")
	for _, want := range []string{"此处审核标准可能不清晰", "0.52", "因隐藏金标准暂停：最近 10 次答题准确率 70%，低于门槛 90%"} {
		if !strings.Contains(joined, want) {
			t.Errorf("%q is not on the Chinese screen", want)
		}
	}
	assertChinese(t, "scores with quality", texts)
}
