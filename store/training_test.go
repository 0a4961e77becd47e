package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"synthreview/review"
	"synthreview/store"
)

// trainingDB is a database with four items and the demo's accounts, and
// the training service over it on a clock the test moves.
func trainingDB(t *testing.T) (*store.DB, review.Training, *time.Time) {
	t.Helper()
	ctx := context.Background()
	db := openDB(t)
	for i := 1; i <= 4; i++ {
		n := newItem(i)
		if i == 3 {
			n.Item.Category = "face_swap"
		}
		if _, err := db.CreateItem(ctx, "system", n); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []review.Account{{Name: "trainer", Role: review.RoleTrainer}, {Name: "reviewer1", Role: review.RoleReviewer},
		{Name: "reviewer2", Role: review.RoleReviewer}, {Name: "senior1", Role: review.RoleSenior}} {
		if _, err := db.CreateAccount(ctx, "system", a, "x"); err != nil {
			t.Fatal(err)
		}
	}
	clock := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	return db, review.Training{Store: db, Now: func() time.Time { return clock }}, &clock
}

var (
	stTrainer   = review.Account{Name: "trainer", Role: review.RoleTrainer}
	stReviewer1 = review.Account{Name: "reviewer1", Role: review.RoleReviewer}
	stReviewer2 = review.Account{Name: "reviewer2", Role: review.RoleReviewer}
)

// liveGold makes a live gold set of items 1–4: reject (two codes),
// approve, approve and relabel, reject (one code).
func liveGold(t *testing.T, tr review.Training) review.GoldSet {
	t.Helper()
	ctx := context.Background()
	set, err := tr.CreateGoldSet(ctx, stTrainer, "实时队列", review.QueueLive, "")
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range []review.GoldItem{
		{Expected: review.OutcomeReject, Reasons: []string{"risk-a1g", "explicit-label-missing"}, Explanation: "特征库命中虚假新闻图，缺显式标识。"},
		{Expected: review.OutcomeApprove, Explanation: "标识齐全，无规则命中，应通过。"},
		{Expected: review.OutcomeApproveRelabel, Explanation: "同意有效，只缺显式标识：通过并补标。"},
		{Expected: review.OutcomeReject, Reasons: []string{"implicit-label-missing"}, Explanation: "没有隐式标识且不可补写。"},
	} {
		g.ItemID = int64(i + 1)
		if _, err := tr.AddGold(ctx, stTrainer, set.ID, g); err != nil {
			t.Fatal(err)
		}
	}
	set, err = tr.Store.GoldSet(ctx, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestGoldSetsKeepTheirVersions(t *testing.T) {
	ctx := context.Background()
	db, tr, _ := trainingDB(t)
	set := liveGold(t, tr)
	if set.Version != 4 || set.Items != 4 || set.CreatedBy != "trainer" || set.Queue != review.QueueLive {
		t.Fatalf("set %+v; want version 4 with 4 items", set)
	}
	t.Run("names are unique", func(t *testing.T) {
		if _, err := tr.CreateGoldSet(ctx, stTrainer, "实时队列", review.QueueEscalation, ""); review.ErrorCode(err) != review.ECONFLICT {
			t.Errorf("a second set of the same name: %v, want ECONFLICT", err)
		}
	})
	t.Run("an item is active gold of a set once", func(t *testing.T) {
		_, err := db.AddGold(ctx, "trainer", review.GoldItem{SetID: set.ID, ItemID: 1, ProduceID: "IMG00000001",
			Category: "image_generation", Expected: review.OutcomeApprove, Explanation: "再加一次。"})
		if review.ErrorCode(err) != review.ECONFLICT {
			t.Errorf("the same item twice: %v, want ECONFLICT", err)
		}
		if _, err := db.AddGold(ctx, "trainer", review.GoldItem{SetID: 99, ItemID: 1, Expected: review.OutcomeApprove,
			Explanation: "没有这个集。"}); review.ErrorCode(err) != review.ENOTFOUND {
			t.Errorf("an unknown set: %v, want ENOTFOUND", err)
		}
		if _, err := db.AddGold(ctx, "trainer", review.GoldItem{SetID: set.ID, ItemID: 99, Expected: review.OutcomeApprove,
			Explanation: "没有这个条目。"}); review.ErrorCode(err) != review.ENOTFOUND {
			t.Errorf("an unknown item: %v, want ENOTFOUND", err)
		}
	})
	t.Run("retiring makes the next version and frees the item", func(t *testing.T) {
		if err := tr.RetireGold(ctx, stTrainer, 2); err != nil {
			t.Fatal(err)
		}
		if err := tr.RetireGold(ctx, stTrainer, 2); review.ErrorCode(err) != review.ECONFLICT {
			t.Errorf("retiring twice: %v, want ECONFLICT", err)
		}
		got, err := db.GoldSet(ctx, set.ID)
		if err != nil || got.Version != 5 || got.Items != 3 {
			t.Fatalf("after retiring: %+v, %v; want version 5 with 3 items", got, err)
		}
		g, err := db.GoldItem(ctx, 2)
		if err != nil || !g.Retired || g.RetiredVersion != 5 || g.ActiveIn(5) || !g.ActiveIn(4) {
			t.Errorf("retired gold %+v, %v", g, err)
		}
		again, err := tr.AddGold(ctx, stTrainer, set.ID, review.GoldItem{ItemID: 2, Expected: review.OutcomeApproveRelabel,
			Explanation: "重新评估：应补标后通过。"})
		if err != nil || again.AddedVersion != 6 {
			t.Errorf("making a retired item gold again: %+v, %v", again, err)
		}
		all, err := db.GoldItems(ctx, set.ID)
		if err != nil || len(all) != 5 || !slices.Equal(all[0].Reasons, []string{"risk-a1g", "explicit-label-missing"}) {
			t.Errorf("gold items %+v, %v", all, err)
		}
	})
	t.Run("events name the set and codes, never the explanation", func(t *testing.T) {
		evs, err := db.EventsFor(ctx, "gold_set:1")
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
			if strings.Contains(e.Payload, "标识") {
				t.Errorf("event %s carries the explanation: %s", e.Kind, e.Payload)
			}
		}
		want := []string{"training.set_created", "training.gold_added", "training.gold_added", "training.gold_added",
			"training.gold_added", "training.gold_retired", "training.gold_added"}
		if !slices.Equal(kinds, want) {
			t.Errorf("events %v, want %v", kinds, want)
		}
	})
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestSessionsRecordAnswersOnce(t *testing.T) {
	ctx := context.Background()
	db, tr, _ := trainingDB(t)
	set := liveGold(t, tr)
	s, err := tr.StartSession(ctx, stReviewer1, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := tr.Answer(ctx, stReviewer1, s.ID, 1, review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"risk-a1g"}}, 12345*time.Millisecond)
	if err != nil || fb.Answer.Correct || !slices.Equal(fb.Missing, []string{"explicit-label-missing"}) {
		t.Fatalf("feedback %+v, %v", fb, err)
	}
	if _, err := db.RecordAnswer(ctx, "reviewer1", review.Answer{SessionID: s.ID, GoldID: 1, Outcome: review.OutcomeApprove}); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("a second answer to the same gold: %v, want ECONFLICT", err)
	}
	if _, err := tr.Answer(ctx, stReviewer1, s.ID, 2, review.Decision{Outcome: review.OutcomeApprove}, time.Second); err != nil {
		t.Fatal(err)
	}
	answers, err := db.SessionAnswers(ctx, s.ID)
	if err != nil || len(answers) != 2 || answers[0].Took != 12345*time.Millisecond || !slices.Equal(answers[0].Reasons, []string{"risk-a1g"}) {
		t.Fatalf("answers %+v, %v", answers, err)
	}
	done, err := tr.FinishSession(ctx, stReviewer1, s.ID)
	if err != nil || done.Answered != 2 || done.Correct != 1 || done.FinishedAt.IsZero() {
		t.Fatalf("finished %+v, %v", done, err)
	}
	if _, err := db.RecordAnswer(ctx, "reviewer1", review.Answer{SessionID: s.ID, GoldID: 3, Outcome: review.OutcomeApprove}); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("an answer in a finished session: %v, want ECONFLICT", err)
	}
	again, err := db.FinishSession(ctx, "reviewer1", s.ID, time.Now())
	if err != nil || !again.FinishedAt.Equal(done.FinishedAt) {
		t.Errorf("finishing again moved the end: %+v, %v", again, err)
	}
	if _, err := db.Session(ctx, 99); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("an unknown session: %v, want ENOTFOUND", err)
	}
	var kinds []string
	evs, err := db.EventsFor(ctx, "training_session:1")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	if !slices.Equal(kinds, []string{"training.session_started", "training.answered", "training.answered", "training.session_finished"}) {
		t.Errorf("session events %v", kinds)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestScoresFromTheStore: scores worked out by hand from answers given on
// two days, with a hidden-gold answer kept apart.
func TestScoresFromTheStore(t *testing.T) {
	ctx := context.Background()
	db, tr, clock := trainingDB(t)
	set := liveGold(t, tr)
	esc, err := tr.CreateGoldSet(ctx, stTrainer, "升级队列", review.QueueEscalation, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.AddGold(ctx, stTrainer, esc.ID, review.GoldItem{ItemID: 3, Expected: review.OutcomeReject,
		Reasons: []string{"consent-missing"}, Explanation: "没有单独同意，驳回。"}); err != nil {
		t.Fatal(err)
	}
	answer := func(who review.Account, sessionID, goldID int64, o review.Outcome, reasons []string, took time.Duration) {
		t.Helper()
		if _, err := tr.Answer(ctx, who, sessionID, goldID, review.Decision{Outcome: o, Reasons: reasons}, took); err != nil {
			t.Fatal(err)
		}
		*clock = clock.Add(took)
	}
	// Day 1: 3 of 4 on the live set.
	s1, err := tr.StartSession(ctx, stReviewer1, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	answer(stReviewer1, s1.ID, 1, review.OutcomeReject, []string{"risk-a1g", "explicit-label-missing"}, 20*time.Second)
	answer(stReviewer1, s1.ID, 2, review.OutcomeApprove, nil, 10*time.Second)
	answer(stReviewer1, s1.ID, 3, review.OutcomeApprove, nil, 30*time.Second) // should relabel
	answer(stReviewer1, s1.ID, 4, review.OutcomeReject, []string{"implicit-label-missing"}, 20*time.Second)
	// Day 2: 1 of 2 on the escalation set and the live set.
	*clock = clock.Add(24 * time.Hour)
	s2, err := tr.StartSession(ctx, stReviewer1, esc.ID)
	if err != nil {
		t.Fatal(err)
	}
	answer(stReviewer1, s2.ID, 5, review.OutcomeApprove, nil, 40*time.Second)
	s3, err := tr.StartSession(ctx, stReviewer1, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	answer(stReviewer1, s3.ID, 1, review.OutcomeReject, []string{"risk-a1g", "explicit-label-missing", "rumour"}, 60*time.Second)
	// Hidden gold (recorded straight in the store) and another reviewer.
	hg, err := db.CreateSession(ctx, review.TrainingSession{Kind: review.SessionHiddenGold, Reviewer: "reviewer1", SetID: set.ID, SetVersion: set.Version})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordAnswer(ctx, "reviewer1", review.Answer{SessionID: hg.ID, GoldID: 2, Outcome: review.OutcomeReject,
		Reasons: []string{"rumour"}, At: *clock}); err != nil {
		t.Fatal(err)
	}
	s4, err := tr.StartSession(ctx, stReviewer2, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	answer(stReviewer2, s4.ID, 2, review.OutcomeApprove, nil, 5*time.Second)

	sc, err := tr.Scores(ctx, stReviewer1, "reviewer1")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Overall != (review.Ratio{Correct: 4, Total: 6}) {
		t.Errorf("overall %+v; want 4 of 6 training answers", sc.Overall)
	}
	if sc.ByCategory["image_generation"] != (review.Ratio{Correct: 4, Total: 4}) || sc.ByCategory["face_swap"] != (review.Ratio{Correct: 0, Total: 2}) {
		t.Errorf("by category %+v", sc.ByCategory)
	}
	if sc.ByReason["risk-a1g"] != (review.Ratio{Correct: 2, Total: 2}) || sc.ByReason["consent-missing"] != (review.Ratio{Correct: 0, Total: 1}) ||
		sc.ByReason["implicit-label-missing"] != (review.Ratio{Correct: 1, Total: 1}) {
		t.Errorf("by reason %+v", sc.ByReason)
	}
	if sc.Confusion[review.OutcomeApproveRelabel][review.OutcomeApprove] != 1 || sc.Confusion[review.OutcomeReject][review.OutcomeApprove] != 1 ||
		sc.Confusion[review.OutcomeReject][review.OutcomeReject] != 3 {
		t.Errorf("confusion %+v", sc.Confusion)
	}
	if len(sc.Trend) != 2 || sc.Trend[0].Ratio != (review.Ratio{Correct: 3, Total: 4}) || sc.Trend[1].Ratio != (review.Ratio{Correct: 1, Total: 2}) {
		t.Errorf("trend %+v; want 3 of 4, then 1 of 2", sc.Trend)
	}
	if sc.AvgTook != 30*time.Second || len(sc.Sessions) != 3 || sc.Sessions[0].Answered != 4 || sc.Sessions[0].Correct != 3 {
		t.Errorf("average %v over sessions %+v; want 30s over 3 training sessions", sc.AvgTook, sc.Sessions)
	}
	if sc.ByKind[review.SessionHiddenGold] != (review.Ratio{Correct: 0, Total: 1}) {
		t.Errorf("hidden gold %+v, want reported apart", sc.ByKind)
	}
	team, err := tr.Scores(ctx, stTrainer, "")
	if err != nil || team.Overall != (review.Ratio{Correct: 5, Total: 7}) || len(team.Sessions) != 4 {
		t.Errorf("team scores %+v, %v; want 5 of 7 over 4 sessions", team.Overall, err)
	}
	live, err := db.ScoredAnswers(ctx, review.AnswerFilter{Reviewer: "reviewer1", Kind: review.SessionTraining, Queue: review.QueueLive,
		Since: time.Date(2025, 11, 4, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(live) != 1 || live[0].GoldID != 1 || !live[0].Correct || live[0].Expected != review.OutcomeReject {
		t.Errorf("reviewer1's live answers since day 2: %+v, %v", live, err)
	}
}

func TestCertifiedFollowsGatesAndCertifications(t *testing.T) {
	ctx := context.Background()
	db, tr, clk := trainingDB(t)
	certified := func(who, queue string) bool {
		t.Helper()
		ok, err := db.Certified(ctx, who, queue)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !certified("reviewer1", review.QueueLive) {
		t.Error("a queue without a gate asks for no certification")
	}
	if err := tr.SetGate(ctx, stTrainer, review.Gate{Queue: review.QueueLive, MinAccuracy: 75, MinItems: 4}); err != nil {
		t.Fatal(err)
	}
	if certified("reviewer1", review.QueueLive) || !certified("reviewer1", review.QueueEscalation) {
		t.Error("the live gate should hold reviewer1 back from live, not from escalation")
	}
	set := liveGold(t, tr)
	// trainAll has reviewer1 answer every item of the set right.
	trainAll := func() {
		t.Helper()
		s, err := tr.StartSession(ctx, stReviewer1, set.ID)
		if err != nil {
			t.Fatal(err)
		}
		for {
			g, _, err := tr.NextGold(ctx, stReviewer1, s.ID)
			if review.ErrorCode(err) == review.ENOTFOUND {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			full, err := db.GoldItem(ctx, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Answer(ctx, stReviewer1, s.ID, g.ID, review.Decision{Outcome: full.Expected, Reasons: full.Reasons}, time.Second); err != nil {
				t.Fatal(err)
			}
		}
	}
	trainAll()
	c, err := tr.Certify(ctx, stTrainer, "reviewer1", review.QueueLive)
	if err != nil || c.ID == 0 || c.Accuracy != 100 || c.Items != 4 || c.MinAccuracy != 75 {
		t.Fatalf("Certify = %+v, %v", c, err)
	}
	if !certified("reviewer1", review.QueueLive) || certified("reviewer2", review.QueueLive) {
		t.Error("only reviewer1 is certified for live")
	}
	if _, err := db.RecordCertification(ctx, "trainer", review.Certification{Reviewer: "ghost", Queue: review.QueueLive}); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("certifying an unknown account: %v, want ENOTFOUND", err)
	}
	if err := db.RevokeCertification(ctx, "system", "reviewer1", review.QueueLive, "hidden gold below 85 %"); err != nil {
		t.Fatal(err)
	}
	if certified("reviewer1", review.QueueLive) {
		t.Error("a revoked certification still certifies")
	}
	if err := db.RevokeCertification(ctx, "system", "reviewer1", review.QueueLive, "again"); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("revoking twice: %v, want ENOTFOUND", err)
	}
	// Re-certification asks for training after the revocation: the
	// answers that certified reviewer1 before do not count again.
	if _, err := tr.Certify(ctx, stTrainer, "reviewer1", review.QueueLive); review.ErrorCode(err) != review.ECONFLICT ||
		!strings.Contains(review.ErrorMessage(err), "since the certification was revoked") {
		t.Errorf("re-certifying without training since the revocation: %v, want ECONFLICT", err)
	}
	*clk = time.Now().UTC().Add(time.Minute) // the revocation was stamped by the store's clock
	trainAll()
	if _, err := tr.Certify(ctx, stTrainer, "reviewer1", review.QueueLive); err != nil || !certified("reviewer1", review.QueueLive) {
		t.Errorf("re-certifying after training again: %v", err)
	}
	hist, err := tr.Certifications(ctx, stReviewer1, "reviewer1")
	if err != nil || len(hist) != 2 || !hist[0].Revoked || hist[0].Reason != "hidden gold below 85 %" || hist[0].RevokedBy != "system" || hist[1].Revoked {
		t.Errorf("history %+v, %v; want the revoked one, then the new one", hist, err)
	}
	if err := tr.SetGate(ctx, stTrainer, review.Gate{Queue: review.QueueLive}); err != nil || !certified("reviewer2", review.QueueLive) {
		t.Errorf("after removing the gate reviewer2 may claim again: %v", err)
	}
	evs, err := db.EventsFor(ctx, "certification:1")
	if err != nil || len(evs) != 2 || evs[0].Kind != "training.certified" || evs[1].Kind != "training.certification_revoked" ||
		strings.Contains(evs[1].Payload, "hidden gold") {
		t.Errorf("certification events %+v, %v", evs, err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCertified is the check every claim makes, with a history of
// certifications in place.
func BenchmarkCertified(b *testing.B) {
	ctx := context.Background()
	db := openDB(b)
	if _, err := db.CreateAccount(ctx, "system", review.Account{Name: "reviewer1", Role: review.RoleReviewer}, "x"); err != nil {
		b.Fatal(err)
	}
	if err := db.SetGate(ctx, "trainer", review.Gate{Queue: review.QueueLive, MinAccuracy: 90, MinItems: 30}); err != nil {
		b.Fatal(err)
	}
	for range 200 {
		if _, err := db.RecordCertification(ctx, "trainer", review.Certification{Reviewer: "reviewer1", Queue: review.QueueLive}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		if ok, err := db.Certified(ctx, "reviewer1", review.QueueLive); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}
