package ui

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// testClock is a clock a test moves by hand, so the time an answer took
// is known without waiting.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time          { return c.t }
func (c *testClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newTestClock() *testClock               { return &testClock{t: fixedNow()} }

// trainingAccount is a signed-in account of a role.
func trainingAccount(name string, r review.Role) review.Account {
	return review.Account{Name: name, Role: r}
}

// faceSwapGold is a set of two: a face swap to reject (no consent, no
// visible label) and a labelled image to approve.
func faceSwapGold() *fakeTrainer {
	return newFakeTrainer().withSet("Face swaps",
		review.GoldItem{ItemID: 1, Expected: review.OutcomeReject,
			Reasons:     []string{"consent-missing", "explicit-label-missing"},
			Explanation: "No separate consent on file for the face swapped, and no visible label."},
		review.GoldItem{ItemID: 2, Expected: review.OutcomeApprove,
			Explanation: "Labelled as the rules ask: implicit and visible marks present."})
}

// newTrainingWindow shows the training screen over f for a reviewer, with
// the sets read.
func newTrainingWindow(t *testing.T, f *fakeTrainer, keys *keymap) (*trainingView, fyne.Window, *testClock) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	v := newTrainingView(f, trainingAccount("reviewer1", review.RoleReviewer), w, runNow, keys, &dialogStack{}, trainingPreview)
	clk := newTestClock()
	v.now = clk.now
	w.SetContent(v.content())
	w.Resize(fyne.NewSize(1280, 800))
	v.reload()
	return v, w, clk
}

func TestTrainingSessionGivesFeedbackAtOnce(t *testing.T) {
	f := faceSwapGold()
	v, w, clk := newTrainingWindow(t, f, nil)

	if v.banner.text != "TRAINING — nothing here touches live items" || !v.banner.Visible() {
		t.Errorf("banner %q", v.banner.text)
	}
	if v.chosen != 0 || v.start.Disabled() {
		t.Fatalf("the only set is not chosen, or Start is off: chosen %d", v.chosen)
	}
	test.AssertRendersToMarkup(t, "training_pick.xml", w.Canvas())

	if !v.onRune('n') || v.state != trainItem {
		t.Fatalf("N did not start the session: state %d", v.state)
	}
	if v.itemTitle.Text != "IMGA0001" || v.current.img == nil {
		t.Fatalf("item 1 and its picture are not shown: %q", v.itemTitle.Text)
	}
	if !strings.Contains(v.counter.Text, "Item 1 of 2") {
		t.Errorf("counter %q", v.counter.Text)
	}

	// A wrong answer: approve where the trainer rejected.
	clk.advance(12 * time.Second)
	v.onRune('a')
	a, ok := f.lastAnswer()
	if !ok || a.decision.Outcome != review.OutcomeApprove || a.gold != 1 {
		t.Fatalf("A did not answer approve on gold 1: %+v", a)
	}
	if a.took != 12*time.Second {
		t.Errorf("took %v, want the 12 s from showing the item to the key", a.took)
	}
	if v.state != trainFeedback {
		t.Fatal("no feedback after the answer")
	}
	for name, c := range map[string]struct {
		got  string
		want string
	}{
		"verdict":     {v.fbVerdict.Text, "Incorrect"},
		"expected":    {v.fbExpected.Text, "Expected: Reject"},
		"reasons":     {v.fbReasons.Text, "Expected reasons: " + lang.L("reason.consent-missing")},
		"missed":      {v.fbMissing.Text, lang.L("reason.explicit-label-missing")},
		"explanation": {v.fbExplain.Text, "No separate consent on file"},
		"took":        {v.fbTook.Text, "12.0 s"},
		"yours":       {v.fbYours.Text, "Your decision: Approve"},
	} {
		if !strings.Contains(c.got, c.want) {
			t.Errorf("%s: %q does not contain %q", name, c.got, c.want)
		}
	}
	if v.fbVerdict.Importance != widget.DangerImportance || v.fbVerdict.SizeName == "" {
		t.Error("a wrong answer is not big and red")
	}
	if !v.buttons[actApprove].Disabled() {
		t.Error("the decision buttons still work on an answered item")
	}
	v.onRune('a') // a second key on the answered item does nothing
	if len(f.answers) != 1 {
		t.Fatalf("%d answers recorded, want 1", len(f.answers))
	}
	test.AssertRendersToMarkup(t, "training_feedback.xml", w.Canvas())

	// Enter goes on; a right answer.
	if !v.onKey(fyne.KeyReturn) || v.itemTitle.Text != "IMGB0001" || v.state != trainItem {
		t.Fatalf("Enter did not show item 2: %q", v.itemTitle.Text)
	}
	clk.advance(3 * time.Second)
	v.onRune('A')
	if v.fbVerdict.Text != "Correct" || v.fbVerdict.Importance != widget.SuccessImportance {
		t.Errorf("verdict %q", v.fbVerdict.Text)
	}
	if v.fbMissing.Visible() {
		t.Error("missed reasons shown for a right approval")
	}
	if !strings.Contains(v.next.Text, "summary") {
		t.Errorf("the last item's button says %q", v.next.Text)
	}

	// N after the last feedback ends the session.
	v.onRune('n')
	if v.state != trainDone {
		t.Fatalf("no summary after the last item: state %d", v.state)
	}
	if v.sumAccuracy.Text != "50.0 %" {
		t.Errorf("accuracy %q, want 50.0 %%", v.sumAccuracy.Text)
	}
	if !strings.Contains(v.sumCaption.Text, "1 of 2 correct") || !strings.Contains(v.sumCaption.Text, "7.5 s") {
		t.Errorf("caption %q", v.sumCaption.Text)
	}
	if f.sessions[0].FinishedAt.IsZero() {
		t.Error("the session was not finished")
	}
	test.AssertRendersToMarkup(t, "training_summary.xml", w.Canvas())
	if !v.banner.Visible() {
		t.Error("the banner went away")
	}

	v.onRune('n')
	if v.state != trainPick {
		t.Error("N on the summary does not go back to the sets")
	}
}

func TestTrainingRejectWithReasonsByKeyboard(t *testing.T) {
	f := faceSwapGold()
	v, w, clk := newTrainingWindow(t, f, nil)
	v.onRune('n')
	clk.advance(4 * time.Second)
	v.onRune('r')
	p := v.reject
	if p == nil || len(v.dialogs.open) != 1 {
		t.Fatal("R did not open the reason picker")
	}
	v.onRune('a')
	if len(f.answers) != 0 {
		t.Fatal("a decision key acted under the open dialog")
	}
	enter := func() { p.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }
	enter() // nothing ticked, filter empty: ticks the highlighted row, does not answer
	p.toggle(p.cursor)
	test.Type(p.filter, "consent-missing")
	if len(p.shown) != 1 {
		t.Fatalf("the filter shows %d codes", len(p.shown))
	}
	enter()
	test.Type(p.filter, "explicit-label-missing")
	enter()
	if got := p.codes(); len(got) != 2 {
		t.Fatalf("ticked %v", got)
	}
	enter() // filter empty, reasons ticked: answer
	a, ok := f.lastAnswer()
	if !ok || a.decision.Outcome != review.OutcomeReject || len(a.decision.Reasons) != 2 {
		t.Fatalf("answer %+v", a)
	}
	if v.fbVerdict.Text != "Correct" || a.took != 4*time.Second {
		t.Errorf("verdict %q, took %v", v.fbVerdict.Text, a.took)
	}
	if len(v.dialogs.open) != 0 || w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stayed open")
	}
}

func TestTrainingEscalateNeedsANote(t *testing.T) {
	f := faceSwapGold()
	v, _, _ := newTrainingWindow(t, f, nil)
	v.onRune('n')
	v.onRune('e')
	p := v.note
	if p == nil {
		t.Fatal("E did not open the note dialog")
	}
	p.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(f.answers) != 0 || !p.message.Visible() {
		t.Fatal("an escalation without a note was sent")
	}
	p.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	p.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	a, ok := f.lastAnswer()
	if !ok || a.decision.Outcome != review.OutcomeEscalate || a.decision.Note == "" {
		t.Fatalf("answer %+v", a)
	}
	if v.fbVerdict.Text != "Incorrect" || !strings.Contains(v.fbExpected.Text, "Reject") {
		t.Errorf("verdict %q, expected %q", v.fbVerdict.Text, v.fbExpected.Text)
	}
}

func TestTrainingUsesTheRemappedKeys(t *testing.T) {
	k := loadKeymap(nil)
	if _, ok := k.set(actApprove, fyne.KeyY); !ok {
		t.Fatal("setup: remap")
	}
	f := faceSwapGold()
	v, _, _ := newTrainingWindow(t, f, k)
	v.onRune('n')
	if v.onRune('a') && len(f.answers) > 0 {
		t.Fatal("A still approves after approve moved to Y")
	}
	v.onRune('y')
	if a, ok := f.lastAnswer(); !ok || a.decision.Outcome != review.OutcomeApprove {
		t.Fatalf("Y did not approve: %+v", a)
	}
	if !strings.Contains(v.buttons[actApprove].Text, "(Y)") {
		t.Errorf("the button says %q", v.buttons[actApprove].Text)
	}
}

func TestTrainingEmptyListAndErrors(t *testing.T) {
	f := newFakeTrainer()
	v, w, _ := newTrainingWindow(t, f, nil)
	if !strings.Contains(v.pickMsg.Text, "No gold sets") || !v.start.Disabled() {
		t.Errorf("empty list: %q, start enabled %v", v.pickMsg.Text, !v.start.Disabled())
	}
	// A manager may not train: the service refuses, the screen says so.
	v2 := newTrainingView(f, review.Account{Name: "admin", Role: review.RoleAdmin}, w, runNow, nil, nil, nil)
	w.SetContent(v2.content())
	v2.reload()
	if !strings.Contains(v2.pickMsg.Text, "may not") {
		t.Errorf("refusal not shown: %q", v2.pickMsg.Text)
	}
	if w.Canvas().Overlays().Top() == nil {
		t.Error("no error dialog")
	}
}

func TestTrainingLanguageSwitchKeepsTheSession(t *testing.T) {
	f := faceSwapGold()
	v, w, _ := newTrainingWindow(t, f, nil)
	v.onRune('n')
	v.onRune('a')
	nv := newTrainingView(f, v.acct, w, runNow, v.keys, v.dialogs, trainingPreview)
	nv.takeOver(v)
	if nv.state != trainFeedback || nv.itemTitle.Text != "IMGA0001" || nv.fbVerdict.Text != "Incorrect" {
		t.Fatalf("state %d, item %q, verdict %q", nv.state, nv.itemTitle.Text, nv.fbVerdict.Text)
	}
	nv.onKey(fyne.KeyEnter)
	if nv.itemTitle.Text != "IMGB0001" {
		t.Errorf("the rebuilt screen did not go on: %q", nv.itemTitle.Text)
	}
}

// ---- Gold sets ----

func newGoldWindow(t *testing.T, f *fakeTrainer) (*goldSetsView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	v := newGoldSetsView(f, trainingAccount("trainer", review.RoleTrainer), w, runNow)
	v.now = fixedNow
	w.SetContent(v.content())
	w.Resize(fyne.NewSize(1280, 800))
	v.reload()
	return v, w
}

func TestTrainerBuildsAGoldSet(t *testing.T) {
	f := newFakeTrainer()
	v, w := newGoldWindow(t, f)

	test.Tap(v.newSet)
	sf := v.setForm
	if sf == nil {
		t.Fatal("no new-set dialog")
	}
	sf.submit()
	if len(f.created) != 0 || sf.message.Text == "" {
		t.Fatal("a set without a name was created")
	}
	test.Type(sf.name, "Face swaps without consent")
	sf.category.SetSelected(lang.L("category.face_swap"))
	sf.submit()
	if len(f.created) != 1 {
		t.Fatalf("created %+v", f.created)
	}
	if c := f.created[0]; c.Name != "Face swaps without consent" || c.Queue != review.QueueLive || c.Category != "face_swap" {
		t.Errorf("created %+v", c)
	}
	if v.chosen != 1 || !strings.Contains(v.setTitle.Text, "Face swaps without consent") {
		t.Errorf("the new set is not shown: %q", v.setTitle.Text)
	}

	// First gold item: a rejection, by produce ID, with a reason ticked.
	test.Tap(v.addGold)
	itf := v.itemForm
	if itf == nil {
		t.Fatal("no add-item dialog")
	}
	test.Type(itf.source, "IMGA0001")
	test.Type(itf.explanation, "No separate consent for the face swapped.")
	itf.submit()
	if len(f.added) != 0 || !strings.Contains(itf.message.Text, "reason") {
		t.Fatalf("a rejection without reasons was sent; message %q", itf.message.Text)
	}
	test.Type(itf.reasons.filter, "consent-missing")
	itf.reasons.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	itf.submit()
	if len(f.added) != 1 {
		t.Fatalf("added %+v; message %q", f.added, itf.message.Text)
	}
	g := f.added[0]
	if g.ProduceID != "IMGA0001" || g.Expected != review.OutcomeReject || len(g.Reasons) != 1 ||
		g.Reasons[0] != "consent-missing" || !strings.HasPrefix(g.Explanation, "No separate consent") {
		t.Errorf("gold item %+v", g)
	}

	// Second: an approval, by item number.
	test.Tap(v.addGold)
	itf = v.itemForm
	test.Type(itf.source, "#2")
	itf.expected.SetSelectedIndex(0)
	if itf.reasonsBox.Visible() {
		t.Error("the reason codes are offered for an approval")
	}
	test.Type(itf.explanation, "Both labels present and readable.")
	itf.submit()
	if len(f.added) != 2 || f.added[1].ItemID != 2 || f.added[1].Expected != review.OutcomeApprove || len(f.added[1].Reasons) != 0 {
		t.Fatalf("second item %+v", f.added)
	}
	if len(v.items) != 2 || !strings.Contains(v.setTitle.Text, "version 3") {
		t.Errorf("%d items listed; title %q", len(v.items), v.setTitle.Text)
	}
	if w.Canvas().Overlays().Top() != nil {
		t.Error("a dialog stayed open")
	}
	test.AssertRendersToMarkup(t, "training_goldsets.xml", w.Canvas())

	v.itemList.Select(1)
	if v.retire.Disabled() {
		t.Fatal("Retire is off with an item chosen")
	}
	v.retireNow(v.items[1])
	if len(f.retired) != 1 || !v.items[1].Retired || goldItemRow(v.items[1])[4] != "Retired" {
		t.Errorf("retired %v; row %v", f.retired, goldItemRow(v.items[1]))
	}
}

func TestCertifyIsRefusedBelowTheGate(t *testing.T) {
	f := newFakeTrainer()
	v, w := newGoldWindow(t, f)
	r := v.gates[review.QueueLive]
	r.accuracy.SetText("150")
	r.items.SetText("30")
	test.Tap(r.save)
	if len(f.gates) != 0 || !strings.Contains(r.info.Text, "at most 100") {
		t.Fatalf("an accuracy of 150 %% was saved; info %q", r.info.Text)
	}
	r.accuracy.SetText("90")
	test.Tap(r.save)
	if len(f.gates) != 1 || f.gates[0].MinAccuracy != 90 || f.gates[0].MinItems != 30 {
		t.Fatalf("gates %+v", f.gates)
	}
	if !strings.Contains(r.info.Text, "trainer") {
		t.Errorf("gate info %q", r.info.Text)
	}

	f.certifyErr = review.Errorf(review.ECONFLICT, "reviewer1 has 80.0 %% over 12 items of live gold; the gate is 90 %% over 30")
	v.certReviewer.SetText("reviewer1")
	test.Tap(v.certify)
	if !strings.Contains(v.certMsg.Text, "80.0 % over 12 items") || v.certMsg.Importance != widget.DangerImportance {
		t.Errorf("refusal %q", v.certMsg.Text)
	}
	if w.Canvas().Overlays().Top() == nil {
		t.Error("the refusal has no dialog")
	}
	v.dialogs.closeAll()
	f.certifyErr = nil
	test.Tap(v.certify)
	if !strings.Contains(v.certMsg.Text, "Certified: reviewer1") || len(v.certs) != 1 {
		t.Errorf("certify: %q, %d listed", v.certMsg.Text, len(v.certs))
	}
}

// ---- Scores ----

func sampleScores() review.Scores {
	day := func(n int) time.Time { return fixedNow().Truncate(24*time.Hour).AddDate(0, 0, n) }
	return review.Scores{
		Reviewer: "reviewer1",
		Overall:  review.Ratio{Correct: 37, Total: 40},
		ByCategory: map[review.Category]review.Ratio{
			"face_swap": {Correct: 20, Total: 22}, "image_generation": {Correct: 17, Total: 18}},
		ByReason: map[string]review.Ratio{"consent-missing": {Correct: 9, Total: 10},
			"explicit-label-missing": {Correct: 11, Total: 12}},
		Confusion: map[review.Outcome]map[review.Outcome]int{
			review.OutcomeReject:  {review.OutcomeReject: 20, review.OutcomeApprove: 2},
			review.OutcomeApprove: {review.OutcomeApprove: 17, review.OutcomeReject: 1},
		},
		Trend: []review.TrendPoint{{Day: day(-2), Ratio: review.Ratio{Correct: 8, Total: 10}},
			{Day: day(-1), Ratio: review.Ratio{Correct: 14, Total: 15}}, {Day: day(0), Ratio: review.Ratio{Correct: 15, Total: 15}}},
		Sessions: []review.TrainingSession{
			{ID: 1, Kind: review.SessionTraining, Reviewer: "reviewer1", SetID: 1, SetVersion: 2, StartedAt: day(-2),
				FinishedAt: day(-2).Add(time.Hour), Answered: 10, Correct: 8},
			{ID: 2, Kind: review.SessionTraining, Reviewer: "reviewer1", SetID: 1, SetVersion: 3, StartedAt: day(0),
				FinishedAt: day(0).Add(time.Hour), Answered: 30, Correct: 29},
		},
		AvgTook: 8200 * time.Millisecond,
		ByKind: map[string]review.Ratio{review.SessionTraining: {Correct: 37, Total: 40},
			review.SessionHiddenGold: {Correct: 3, Total: 4}},
	}
}

func newScoresWindow(t *testing.T, f *fakeTrainer, acct review.Account) (*scoresView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	v := newScoresView(f, acct, w, runNow)
	v.now = fixedNow
	w.SetContent(v.content())
	w.Resize(fyne.NewSize(1280, 1400))
	v.reload()
	return v, w
}

func TestScoresShowAccuracyAndConfusion(t *testing.T) {
	f := newFakeTrainer()
	f.scores["reviewer1"] = sampleScores()
	f.certs = []review.Certification{{Reviewer: "reviewer1", Queue: review.QueueLive, CertifiedBy: "trainer",
		CertifiedAt: fixedNow(), Accuracy: 92.5, Items: 40}}
	v, w := newScoresWindow(t, f, trainingAccount("reviewer1", review.RoleReviewer))
	if v.who != nil {
		t.Error("a reviewer may pick whose scores to see")
	}
	if v.overall.Text != "92.5 %" {
		t.Errorf("overall %q, want 92.5 %%", v.overall.Text)
	}
	cell := func(e, a review.Outcome) *widget.Label { return v.cells[[2]review.Outcome{e, a}] }
	for _, c := range []struct {
		e, a review.Outcome
		want string
	}{
		{review.OutcomeReject, review.OutcomeReject, "20"},
		{review.OutcomeReject, review.OutcomeApprove, "2"},
		{review.OutcomeApprove, review.OutcomeApprove, "17"},
		{review.OutcomeApprove, review.OutcomeReject, "1"},
		{review.OutcomeEscalate, review.OutcomeEscalate, "0"},
	} {
		if l := cell(c.e, c.a); l == nil || l.Text != c.want {
			t.Errorf("expected %s, answered %s: %v, want %s", c.e, c.a, l, c.want)
		}
	}
	if cell(review.OutcomeReject, review.OutcomeApprove).Importance != widget.DangerImportance {
		t.Error("a mistake is not red")
	}
	if d := v.diagonal[review.OutcomeReject]; d == nil || d.FillColor == nil {
		t.Error("the diagonal is not shaded")
	} else if _, _, _, a := d.FillColor.RGBA(); a == 0 {
		t.Error("the diagonal's shade is transparent")
	}
	if len(v.diagonal) != len(goldOutcomes) {
		t.Errorf("%d diagonal cells shaded", len(v.diagonal))
	}
	texts := strings.Join(dashTexts(v.content()), "\n")
	for _, want := range []string{"90.0 %", "20 of 22", "94.4 %", "Set 1, version 3", "8.2 s", "37 of 40",
		"Hidden gold, reported apart: 75.0 % (3 of 4)"} {
		if !strings.Contains(texts, want) {
			t.Errorf("%q is not on screen", want)
		}
	}
	if s := v.trend.Series(); len(s) != 1 || len(s[0].Values) != 3 || s[0].Values[2] != 100 {
		t.Errorf("trend %+v", s)
	}
	test.AssertRendersToMarkup(t, "training_scores.xml", w.Canvas())
}

func TestScoresForTrainersPickAReviewer(t *testing.T) {
	f := newFakeTrainer()
	team := sampleScores()
	team.Reviewer = ""
	team.Sessions = append(team.Sessions, review.TrainingSession{ID: 3, Kind: review.SessionTraining,
		Reviewer: "reviewer2", SetID: 1, StartedAt: fixedNow(), Answered: 5, Correct: 5})
	f.scores[""] = team
	f.scores["reviewer2"] = review.Scores{Overall: review.Ratio{Correct: 5, Total: 5}}
	v, _ := newScoresWindow(t, f, trainingAccount("manager", review.RoleManager))
	if v.who == nil || f.scoresAsks[0] != "" || !strings.Contains(v.title.Text, "team") {
		t.Fatalf("a manager does not start with the team: asks %v, title %q", f.scoresAsks, v.title.Text)
	}
	if got := strings.Join(v.who.Options, "|"); got != "The team|reviewer1|reviewer2" {
		t.Fatalf("picker %q", got)
	}
	v.who.SetSelected("reviewer2")
	if last := f.scoresAsks[len(f.scoresAsks)-1]; last != "reviewer2" || v.overall.Text != "100.0 %" {
		t.Errorf("asked %q, overall %q", last, v.overall.Text)
	}
	if !strings.Contains(v.title.Text, "reviewer2") {
		t.Errorf("title %q", v.title.Text)
	}
}

// ---- Chinese ----

func TestTrainingScreensInChinese(t *testing.T) {
	restoreLocale(t)
	os.Setenv(localeEnv, "zh_CN.UTF-8")
	applyLanguageNow()
	f := faceSwapGold()
	f.scores["reviewer1"] = sampleScores()
	v, w, _ := newTrainingWindow(t, f, nil)
	if v.banner.text != "训练模式 — 不影响线上内容" {
		t.Errorf("banner %q", v.banner.text)
	}
	v.onRune('n')
	v.onRune('a')
	if v.fbVerdict.Text != "错误" {
		t.Errorf("verdict %q", v.fbVerdict.Text)
	}
	assertChinese(t, "training", dashTexts(v.content()))
	test.AssertRendersToMarkup(t, "training_feedback_zh.xml", w.Canvas())

	s, _ := newScoresWindow(t, f, trainingAccount("reviewer1", review.RoleReviewer))
	if !strings.Contains(strings.Join(dashTexts(s.content()), "\n"), "准确率") {
		t.Error("no 准确率 on the scores screen")
	}
	assertChinese(t, "scores", dashTexts(s.content()))
	g, _ := newGoldWindow(t, f)
	assertChinese(t, "gold sets", dashTexts(g.content()))
}

// assertChinese fails on a text with English words left in it: every
// text has Chinese, or only data (produce IDs, names, numbers, key names,
// units) once those are taken out.
func assertChinese(t *testing.T, screen string, texts []string) {
	t.Helper()
	data := regexp.MustCompile(`IMG[A-Z]\d+|FaceStudio|reviewer\d|trainer|Face swaps|png|px|KB|Enter|\([A-Z0-9=-]\)|\b[A-Z]\b`)
	for _, s := range texts {
		if strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
			continue
		}
		if strings.IndexFunc(data.ReplaceAllString(s, ""), unicode.IsLetter) >= 0 {
			t.Errorf("%s: English left in the Chinese screen: %q", screen, s)
		}
	}
}
