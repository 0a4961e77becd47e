package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"synthreview/review"
	"synthreview/store"
)

const shadowLease = 10 * time.Minute

// qualityDB is a database on a clock the test moves, with items 1–4
// decided in the live queue by reviewer1 (approve, reject, approve,
// approve), item 5 waiting, a live gold set of items 1, 2, 3 and 5 (gold
// items 1–4, gold 4 on the waiting item) and an escalation set of item 4
// (gold item 5).
func qualityDB(t *testing.T) (*store.DB, *clock, review.GoldSet) {
	t.Helper()
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	for i, o := range []review.Outcome{review.OutcomeApprove, review.OutcomeReject, review.OutcomeApprove, review.OutcomeApprove} {
		decidedItem(t, db, i+1, o)
	}
	if _, err := db.CreateItem(ctx, "system", newItem(5)); err != nil {
		t.Fatal(err)
	}
	live, err := db.CreateGoldSet(ctx, "trainer", review.GoldSet{Name: "实时", Queue: review.QueueLive})
	if err != nil {
		t.Fatal(err)
	}
	esc, err := db.CreateGoldSet(ctx, "trainer", review.GoldSet{Name: "升级", Queue: review.QueueEscalation})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []review.GoldItem{
		{SetID: live.ID, ItemID: 1, Expected: review.OutcomeApprove},
		{SetID: live.ID, ItemID: 2, Expected: review.OutcomeReject, Reasons: []string{"implicit-label-missing"}},
		{SetID: live.ID, ItemID: 3, Expected: review.OutcomeApprove},
		{SetID: live.ID, ItemID: 5, Expected: review.OutcomeApprove},
		{SetID: esc.ID, ItemID: 4, Expected: review.OutcomeApprove},
	} {
		g.ProduceID, g.Category, g.Explanation = fmt.Sprintf("IMG%08d", g.ItemID), "image_generation", "标识齐全，应通过。"
		if _, err := db.AddGold(ctx, "trainer", g); err != nil {
			t.Fatal(err)
		}
	}
	if live, err = db.GoldSet(ctx, live.ID); err != nil {
		t.Fatal(err)
	}
	return db, clk, live
}

func serveGold(t *testing.T, db *store.DB, reviewer string, seed uint64) review.ShadowClaim {
	t.Helper()
	c, err := db.ServeGold(context.Background(), reviewer, review.QueueLive, shadowLease, seed)
	if err != nil {
		t.Fatalf("serve gold to %s: %v", reviewer, err)
	}
	return c
}

func answerShadow(t *testing.T, db *store.DB, c review.ShadowClaim, correct bool) review.ShadowClaim {
	t.Helper()
	got, err := db.AnswerShadow(context.Background(), c.Reviewer, c.ID, review.ShadowAnswer{Outcome: review.OutcomeApprove,
		Correct: correct, Took: 4200 * time.Millisecond})
	if err != nil {
		t.Fatalf("answer shadow claim %d: %v", c.ID, err)
	}
	return got
}

// trainedOn records reviewer's training answers on gold items.
func trainedOn(t *testing.T, db *store.DB, set review.GoldSet, reviewer string, gold ...int64) {
	t.Helper()
	ctx := context.Background()
	sess, err := db.CreateSession(ctx, review.TrainingSession{Kind: review.SessionTraining, Reviewer: reviewer,
		SetID: set.ID, SetVersion: set.Version})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gold {
		if _, err := db.RecordAnswer(ctx, reviewer, review.Answer{SessionID: sess.ID, GoldID: g,
			Outcome: review.OutcomeApprove, Correct: true}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestServeGoldPicksTheLeastAnsweredFinishedGold(t *testing.T) {
	ctx := context.Background()
	db, clk, set := qualityDB(t)
	trainedOn(t, db, set, "reviewer2", 1, 3)
	for seed := range uint64(8) {
		c := serveGold(t, db, "reviewer2", seed)
		if c.GoldID != 2 || c.ItemID != 2 || c.Kind != review.SessionHiddenGold || c.Reviewer != "reviewer2" ||
			c.Queue != review.QueueLive || c.State != review.ShadowOpen || c.SessionID == 0 ||
			!c.LeaseUntil.Equal(clk.now.Add(shadowLease)) {
			t.Fatalf("seed %d served %+v; want gold item 2 (never answered; gold 4's item waits), open under lease", seed, c)
		}
		got, err := db.ShadowClaim(ctx, c.ID)
		if err != nil || got.GoldID != 2 || got.State != review.ShadowOpen || !got.ServedAt.Equal(clk.now) {
			t.Fatalf("stored claim %+v, %v", got, err)
		}
		if err := db.ReleaseShadow(ctx, "reviewer2", c.ID); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("gold held under an open claim is not served again", func(t *testing.T) {
		held := serveGold(t, db, "reviewer2", 1)
		next := serveGold(t, db, "reviewer2", 1)
		if next.GoldID == held.GoldID || next.GoldID == 4 || next.GoldID == 5 {
			t.Errorf("served gold %d while gold %d is held; want 1 or 3", next.GoldID, held.GoldID)
		}
	})
	if _, err := db.ShadowClaim(ctx, 999); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("an unknown claim: %v, want ENOTFOUND", err)
	}
	if _, err := db.ServeGold(ctx, "reviewer2", "nowhere", shadowLease, 1); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("an unknown queue: %v, want EINVALID", err)
	}
	if _, err := db.ServeGold(ctx, "reviewer2", review.QueueEscalation, shadowLease, 1); err != nil {
		t.Errorf("the escalation set's gold: %v", err)
	}
}

func TestServeGoldDrawsTiesFromTheSeed(t *testing.T) {
	ctx := context.Background()
	db, _, _ := qualityDB(t)
	seen := map[int64]bool{}
	for seed := range uint64(24) {
		var golds [2]int64
		for i := range golds {
			c := serveGold(t, db, "reviewer3", seed)
			golds[i] = c.GoldID
			if err := db.ReleaseShadow(ctx, "reviewer3", c.ID); err != nil {
				t.Fatal(err)
			}
		}
		if golds[0] != golds[1] {
			t.Errorf("seed %d served gold %d then %d", seed, golds[0], golds[1])
		}
		seen[golds[0]] = true
	}
	if len(seen) != 3 || seen[4] {
		t.Errorf("over 24 seeds served gold items %v; want each of 1, 2 and 3", seen)
	}
}

func TestHiddenGoldIsATrainingAnswerOutOfRepeat(t *testing.T) {
	ctx := context.Background()
	db, clk, set := qualityDB(t)
	var claims []review.ShadowClaim
	for i := range 3 {
		c := serveGold(t, db, "reviewer3", uint64(i))
		if slices.ContainsFunc(claims, func(p review.ShadowClaim) bool { return p.GoldID == c.GoldID }) {
			t.Fatalf("gold item %d served again within the repeat while others were left", c.GoldID)
		}
		c = answerShadow(t, db, c, i != 1)
		if c.State != review.ShadowAnswered || !c.AnsweredAt.Equal(clk.now) || c.Took != 4200*time.Millisecond {
			t.Errorf("answered claim %+v", c)
		}
		claims = append(claims, c)
		clk.now = clk.now.Add(time.Minute)
	}
	if _, err := db.ServeGold(ctx, "reviewer3", review.QueueLive, shadowLease, 9); review.ErrorCode(err) != review.ENOTFOUND {
		t.Fatalf("every finished gold answered within the repeat: %v, want ENOTFOUND (gold 4's item waits)", err)
	}
	if claims[0].SessionID != claims[1].SessionID || claims[1].SessionID != claims[2].SessionID {
		t.Errorf("sessions %d %d %d; want one hidden_gold session", claims[0].SessionID, claims[1].SessionID, claims[2].SessionID)
	}
	sess, err := db.Session(ctx, claims[0].SessionID)
	if err != nil || sess.Kind != review.SessionHiddenGold || sess.SetID != set.ID || sess.SetVersion != set.Version ||
		sess.Answered != 3 || sess.Correct != 2 || !sess.FinishedAt.IsZero() {
		t.Fatalf("session %+v, %v", sess, err)
	}

	t.Run("the answers score as hidden gold, apart from training", func(t *testing.T) {
		hidden, err := db.ScoredAnswers(ctx, review.AnswerFilter{Reviewer: "reviewer3", Kind: review.SessionHiddenGold})
		if err != nil || len(hidden) != 3 {
			t.Fatalf("hidden gold answers %+v, %v", hidden, err)
		}
		for i, a := range hidden {
			if a.GoldID != claims[i].GoldID || a.Queue != review.QueueLive || a.Correct != (i != 1) ||
				a.Outcome != review.OutcomeApprove || a.Took != 4200*time.Millisecond {
				t.Errorf("answer %d: %+v", i, a)
			}
		}
		training, err := db.ScoredAnswers(ctx, review.AnswerFilter{Reviewer: "reviewer3", Kind: review.SessionTraining})
		if err != nil || len(training) != 0 {
			t.Errorf("training answers %+v, %v; want none", training, err)
		}
	})
	t.Run("events name the claim, and no training answer is logged twice", func(t *testing.T) {
		if got := eventKinds(t, db, fmt.Sprintf("shadow_claim:%d", claims[0].ID)); !slices.Equal(got, []string{"quality.served", "quality.answered"}) {
			t.Errorf("claim events %v", got)
		}
		if got := eventKinds(t, db, fmt.Sprintf("training_session:%d", sess.ID)); !slices.Equal(got, []string{"training.session_started"}) {
			t.Errorf("session events %v", got)
		}
		evs, err := db.EventsFor(ctx, fmt.Sprintf("shadow_claim:%d", claims[0].ID))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(evs[0].Payload, "gold_id") || strings.Contains(evs[0].Payload, "item_id") {
			t.Errorf("the served event tells what it shows: %s", evs[0].Payload)
		}
	})
	t.Run("after the repeat the gold comes back in a new session", func(t *testing.T) {
		clk.now = clk.now.Add(review.HiddenGoldRepeat)
		c := serveGold(t, db, "reviewer3", 1)
		if c.SessionID == sess.ID || c.GoldID == 4 {
			t.Fatalf("served %+v; want gold answered a repeat ago, in a new session", c)
		}
		old, err := db.Session(ctx, sess.ID)
		if err != nil || old.FinishedAt.IsZero() {
			t.Errorf("the old session %+v, %v; want finished", old, err)
		}
	})
	t.Run("a new version of the set starts a new session", func(t *testing.T) {
		g, err := db.AddGold(ctx, "trainer", review.GoldItem{SetID: set.ID, ItemID: 4, ProduceID: "IMG00000004",
			Category: "image_generation", Expected: review.OutcomeApprove, Explanation: "标识齐全，应通过。"})
		if err != nil {
			t.Fatal(err)
		}
		c := serveGold(t, db, "reviewer3", 1)
		if c.GoldID != g.ID {
			t.Fatalf("served gold %d; want the new, never answered gold %d", c.GoldID, g.ID)
		}
		s, err := db.Session(ctx, c.SessionID)
		if err != nil || s.SetVersion != set.Version+1 || s.Kind != review.SessionHiddenGold {
			t.Errorf("session %+v, %v; want one at version %d", s, err, set.Version+1)
		}
	})
	mustVerify(t, db)
}

func TestShadowClaimsAreTheirReviewersUnderLease(t *testing.T) {
	ctx := context.Background()
	db, clk, _ := qualityDB(t)
	c := serveGold(t, db, "reviewer2", 1)
	a := review.ShadowAnswer{Outcome: review.OutcomeApprove, Correct: true}
	if _, err := db.AnswerShadow(ctx, "reviewer3", c.ID, a); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("answering someone else's claim: %v, want ECONFLICT", err)
	}
	if err := db.SkipShadow(ctx, "reviewer3", c.ID); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("skipping someone else's claim: %v, want ECONFLICT", err)
	}
	if err := db.ReleaseShadow(ctx, "reviewer3", c.ID); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("releasing someone else's claim: %v, want ECONFLICT", err)
	}
	if _, err := db.AnswerShadow(ctx, "reviewer2", 999, a); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("answering an unknown claim: %v, want ENOTFOUND", err)
	}
	answerShadow(t, db, c, true)
	if _, err := db.AnswerShadow(ctx, "reviewer2", c.ID, a); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("answering twice: %v, want ECONFLICT", err)
	}
	if err := db.ReleaseShadow(ctx, "reviewer2", c.ID); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("releasing an answered claim: %v, want ECONFLICT", err)
	}
	t.Run("a lapsed claim takes no answer and is released on the next serve", func(t *testing.T) {
		c := serveGold(t, db, "reviewer2", 1)
		clk.now = clk.now.Add(shadowLease + time.Second)
		if _, err := db.AnswerShadow(ctx, "reviewer2", c.ID, a); review.ErrorCode(err) != review.ECONFLICT {
			t.Errorf("answering a lapsed claim: %v, want ECONFLICT", err)
		}
		serveGold(t, db, "reviewer3", 1)
		if got, err := db.ShadowClaim(ctx, c.ID); err != nil || got.State != review.ShadowReleased {
			t.Errorf("the lapsed claim %+v, %v; want released", got, err)
		}
		if got := eventKinds(t, db, fmt.Sprintf("shadow_claim:%d", c.ID)); !slices.Equal(got, []string{"quality.served", "quality.lease_lapsed"}) {
			t.Errorf("events %v", got)
		}
	})
}

func TestUndoShadowWithinTheWindow(t *testing.T) {
	ctx := context.Background()
	db, clk, _ := qualityDB(t)
	c := serveGold(t, db, "reviewer2", 1)
	if _, err := db.UndoShadow(ctx, "reviewer2", c.ID, time.Minute, shadowLease); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("undoing an unanswered claim: %v, want ECONFLICT", err)
	}
	answerShadow(t, db, c, true)
	clk.now = clk.now.Add(10 * time.Second)
	if _, err := db.UndoShadow(ctx, "reviewer3", c.ID, time.Minute, shadowLease); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("undoing someone else's answer: %v, want ECONFLICT", err)
	}
	back, err := db.UndoShadow(ctx, "reviewer2", c.ID, time.Minute, shadowLease)
	if err != nil || back.State != review.ShadowOpen || back.Outcome != "" || !back.AnsweredAt.IsZero() ||
		!back.LeaseUntil.Equal(clk.now.Add(shadowLease)) {
		t.Fatalf("undone claim %+v, %v; want open under a new lease", back, err)
	}
	if got, err := db.ShadowClaim(ctx, c.ID); err != nil || got.State != review.ShadowOpen || got.Outcome != "" || got.Correct {
		t.Errorf("stored %+v, %v", got, err)
	}
	if answers, err := db.SessionAnswers(ctx, c.SessionID); err != nil || len(answers) != 0 {
		t.Errorf("session answers after the undo %+v, %v; want none", answers, err)
	}
	if r, err := db.HiddenGoldResults(ctx, "reviewer2", review.QueueLive, time.Time{}, 10); err != nil || len(r) != 0 {
		t.Errorf("results after the undo %v, %v; want none", r, err)
	}
	answerShadow(t, db, c, false)
	clk.now = clk.now.Add(time.Minute)
	if _, err := db.UndoShadow(ctx, "reviewer2", c.ID, time.Minute, shadowLease); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("undoing after the window: %v, want ECONFLICT", err)
	}
	if answers, err := db.SessionAnswers(ctx, c.SessionID); err != nil || len(answers) != 1 || answers[0].Correct {
		t.Errorf("session answers %+v, %v; want the second answer", answers, err)
	}
	want := []string{"quality.served", "quality.answered", "quality.answer_undone", "quality.answered"}
	if got := eventKinds(t, db, fmt.Sprintf("shadow_claim:%d", c.ID)); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	mustVerify(t, db)
}

// decisionOf is the id of item's latest decision.
func decisionOf(t *testing.T, db *store.DB, itemID int64) int64 {
	t.Helper()
	ev, err := db.Evidence(context.Background(), itemID)
	if err != nil || len(ev.Decisions) == 0 {
		t.Fatalf("decisions of item %d: %+v, %v", itemID, ev.Decisions, err)
	}
	return ev.Decisions[len(ev.Decisions)-1].ID
}

func TestCalibrationSecondReview(t *testing.T) {
	ctx := context.Background()
	db, clk, _ := qualityDB(t)
	sampled := clk.now
	if err := db.SampleCalibration(ctx, 2, review.QueueLive); err != nil {
		t.Fatal(err)
	}
	if err := db.SampleCalibration(ctx, 2, review.QueueLive); err != nil {
		t.Errorf("sampling a decision twice: %v, want nothing", err)
	}
	if err := db.SampleCalibration(ctx, 5, review.QueueLive); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("sampling a waiting item: %v, want ENOTFOUND", err)
	}
	if err := db.SampleCalibration(ctx, 2, "nowhere"); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("an unknown queue: %v, want EINVALID", err)
	}
	if n, err := db.CalibrationWaiting(ctx); err != nil || n != 1 {
		t.Fatalf("waiting %d, %v; want 1", n, err)
	}
	if got := eventKinds(t, db, "calibration_sample:1"); !slices.Equal(got, []string{"quality.sampled"}) {
		t.Errorf("sample events %v", got)
	}
	if _, err := db.ServeCalibration(ctx, "reviewer1", review.QueueLive, shadowLease); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("serving the first reviewer their own decision: %v, want ENOTFOUND", err)
	}
	if _, err := db.ServeCalibration(ctx, "reviewer2", review.QueueEscalation, shadowLease); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("serving a live sample on the escalation queue: %v, want ENOTFOUND", err)
	}
	c, err := db.ServeCalibration(ctx, "reviewer2", review.QueueLive, shadowLease)
	if err != nil || c.Kind != review.SessionCalibration || c.ItemID != 2 || c.SampleID != 1 || c.GoldID != 0 ||
		c.State != review.ShadowOpen {
		t.Fatalf("served %+v, %v", c, err)
	}
	if _, err := db.ServeCalibration(ctx, "reviewer3", review.QueueLive, shadowLease); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("serving a sample someone holds: %v, want ENOTFOUND", err)
	}
	clk.now = clk.now.Add(time.Minute)
	got, err := db.AnswerShadow(ctx, "reviewer2", c.ID, review.ShadowAnswer{Outcome: review.OutcomeReject,
		Reasons: []string{"risk-a1g"}, Took: 3 * time.Second})
	if err != nil || got.State != review.ShadowAnswered || got.Outcome != review.OutcomeReject || got.Correct {
		t.Fatalf("answered %+v, %v", got, err)
	}
	samples, err := db.CalibrationSamples(ctx, time.Time{})
	if err != nil || len(samples) != 1 {
		t.Fatalf("samples %+v, %v", samples, err)
	}
	s := samples[0]
	if s.ItemID != 2 || s.DecisionID != decisionOf(t, db, 2) || s.Queue != review.QueueLive || s.Category != "image_generation" ||
		s.First != "reviewer1" || s.FirstOutcome != review.OutcomeReject || !slices.Equal(s.FirstReasons, []string{"implicit-label-missing"}) ||
		!s.SampledAt.Equal(sampled) || s.Second != "reviewer2" || s.SecondOutcome != review.OutcomeReject ||
		!slices.Equal(s.SecondReasons, []string{"risk-a1g"}) || !s.AnsweredAt.Equal(clk.now) {
		t.Errorf("sample %+v", s)
	}
	if n, err := db.CalibrationWaiting(ctx); err != nil || n != 0 {
		t.Errorf("waiting %d, %v; want 0", n, err)
	}
	if later, err := db.CalibrationSamples(ctx, clk.now.Add(time.Millisecond)); err != nil || len(later) != 0 {
		t.Errorf("samples answered after the answer: %+v, %v", later, err)
	}
	if since, err := db.CalibrationSamples(ctx, clk.now); err != nil || len(since) != 1 {
		t.Errorf("samples answered at or after the answer: %+v, %v", since, err)
	}

	t.Run("an undone second review waits again", func(t *testing.T) {
		if _, err := db.UndoShadow(ctx, "reviewer2", c.ID, time.Minute, shadowLease); err != nil {
			t.Fatal(err)
		}
		if n, err := db.CalibrationWaiting(ctx); err != nil || n != 1 {
			t.Errorf("waiting %d, %v; want 1", n, err)
		}
		if samples, err := db.CalibrationSamples(ctx, time.Time{}); err != nil || len(samples) != 0 {
			t.Errorf("samples %+v, %v; want none answered", samples, err)
		}
	})
	t.Run("a lapsed claim hands the sample to someone else", func(t *testing.T) {
		clk.now = clk.now.Add(shadowLease + time.Second)
		other, err := db.ServeCalibration(ctx, "reviewer3", review.QueueLive, shadowLease)
		if err != nil || other.SampleID != 1 {
			t.Fatalf("served %+v, %v", other, err)
		}
		if old, err := db.ShadowClaim(ctx, c.ID); err != nil || old.State != review.ShadowReleased {
			t.Errorf("the lapsed claim %+v, %v; want released", old, err)
		}
		if _, err := db.AnswerShadow(ctx, "reviewer2", c.ID, review.ShadowAnswer{Outcome: review.OutcomeApprove}); review.ErrorCode(err) != review.ECONFLICT {
			t.Errorf("answering the released claim: %v, want ECONFLICT", err)
		}
	})
	mustVerify(t, db)
}

func TestASkippedShadowIsNotServedAgain(t *testing.T) {
	ctx := context.Background()
	db, _, _ := qualityDB(t)
	if err := db.SampleCalibration(ctx, 1, review.QueueLive); err != nil {
		t.Fatal(err)
	}
	c, err := db.ServeCalibration(ctx, "reviewer2", review.QueueLive, shadowLease)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SkipShadow(ctx, "reviewer2", c.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.SkipShadow(ctx, "reviewer2", c.ID); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("skipping twice: %v, want ECONFLICT", err)
	}
	if _, err := db.ServeCalibration(ctx, "reviewer2", review.QueueLive, shadowLease); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("serving the skipper the sample again: %v, want ENOTFOUND", err)
	}
	if other, err := db.ServeCalibration(ctx, "reviewer3", review.QueueLive, shadowLease); err != nil || other.SampleID != c.SampleID {
		t.Errorf("someone else: %+v, %v; want the skipped sample", other, err)
	}
	t.Run("hidden gold skipped stays away within the repeat", func(t *testing.T) {
		g := serveGold(t, db, "reviewer2", 1)
		if err := db.SkipShadow(ctx, "reviewer2", g.ID); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			next := serveGold(t, db, "reviewer2", 1)
			if next.GoldID == g.GoldID {
				t.Fatalf("skipped gold %d served again", g.GoldID)
			}
			answerShadow(t, db, next, true)
		}
		if _, err := db.ServeGold(ctx, "reviewer2", review.QueueLive, shadowLease, 1); review.ErrorCode(err) != review.ENOTFOUND {
			t.Errorf("only the skipped gold is left: %v, want ENOTFOUND", err)
		}
	})
	if got := eventKinds(t, db, fmt.Sprintf("shadow_claim:%d", c.ID)); !slices.Equal(got, []string{"quality.served", "quality.skipped"}) {
		t.Errorf("events %v", got)
	}
}

func TestAnUndoneDecisionDropsItsSample(t *testing.T) {
	ctx := context.Background()
	db, clk, _ := qualityDB(t)
	for _, id := range []int64{1, 3} {
		if err := db.SampleCalibration(ctx, id, review.QueueLive); err != nil {
			t.Fatal(err)
		}
	}
	c, err := db.ServeCalibration(ctx, "reviewer2", review.QueueLive, shadowLease)
	if err != nil || c.ItemID != 1 {
		t.Fatalf("served %+v, %v; want the oldest sample, item 1's", c, err)
	}
	answerShadow(t, db, c, false)
	clk.now = clk.now.Add(time.Second)
	// Sampling and second reviews leave the item unmoved: its decision
	// can still be undone.
	for _, id := range []int64{1, 3} {
		if _, err := db.UndoDecision(ctx, "reviewer1", decisionOf(t, db, id), time.Hour); err != nil {
			t.Fatalf("undo the decision on item %d: %v", id, err)
		}
	}
	if samples, err := db.CalibrationSamples(ctx, time.Time{}); err != nil || len(samples) != 0 {
		t.Errorf("samples %+v, %v; want none (the decision is undone)", samples, err)
	}
	if n, err := db.CalibrationWaiting(ctx); err != nil || n != 0 {
		t.Errorf("waiting %d, %v; want 0", n, err)
	}
	if _, err := db.ServeCalibration(ctx, "reviewer3", review.QueueLive, shadowLease); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("serving a sample of an undone decision: %v, want ENOTFOUND", err)
	}
	if err := db.SampleCalibration(ctx, 1, review.QueueLive); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("sampling an item whose decision is undone: %v, want ENOTFOUND", err)
	}
	mustVerify(t, db)
}

func TestHiddenGoldResultsNewestFirst(t *testing.T) {
	ctx := context.Background()
	db, clk, _ := qualityDB(t)
	var first time.Time
	for i, correct := range []bool{true, true, false} {
		c := answerShadow(t, db, serveGold(t, db, "reviewer2", uint64(i)), correct)
		if i == 0 {
			first = c.AnsweredAt
		}
		clk.now = clk.now.Add(time.Minute)
	}
	// An open, unanswered claim gives no result.
	if _, err := db.ServeGold(ctx, "reviewer2", review.QueueEscalation, shadowLease, 1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name            string
		reviewer, queue string
		since           time.Time
		n               int
		want            []bool
	}{
		{"every answer", "reviewer2", review.QueueLive, time.Time{}, 10, []bool{false, true, true}},
		{"after the first", "reviewer2", review.QueueLive, first, 10, []bool{false, true}},
		{"the latest", "reviewer2", review.QueueLive, time.Time{}, 1, []bool{false}},
		{"another queue", "reviewer2", review.QueueEscalation, time.Time{}, 10, nil},
		{"another reviewer", "reviewer3", review.QueueLive, time.Time{}, 10, nil},
	} {
		got, err := db.HiddenGoldResults(ctx, tc.reviewer, tc.queue, tc.since, tc.n)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
}

// liveRows renders every row of the live tables, to compare before and
// after shadow work.
func liveRows(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	out := map[string][]string{}
	for _, table := range []string{"items", "decisions", "outbox", "labelled_copies", "complaints"} {
		rows, err := raw.Query(`SELECT * FROM ` + table + ` ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprint(vals...))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

func TestShadowWorkLeavesLiveWorkAlone(t *testing.T) {
	ctx := context.Background()
	db, clk, _ := qualityDB(t)
	before := liveRows(t, db)
	if len(before["items"]) != 5 || len(before["decisions"]) != 4 || len(before["outbox"]) == 0 {
		t.Fatalf("fixture %d items, %d decisions, %d outbox rows", len(before["items"]), len(before["decisions"]), len(before["outbox"]))
	}
	g := serveGold(t, db, "reviewer2", 1)
	answerShadow(t, db, g, true)
	if _, err := db.UndoShadow(ctx, "reviewer2", g.ID, time.Minute, shadowLease); err != nil {
		t.Fatal(err)
	}
	answerShadow(t, db, g, false)
	if err := db.ReleaseShadow(ctx, "reviewer2", serveGold(t, db, "reviewer2", 2).ID); err != nil {
		t.Fatal(err)
	}
	if err := db.SkipShadow(ctx, "reviewer3", serveGold(t, db, "reviewer3", 3).ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1, 2, 3, 4} {
		if err := db.SampleCalibration(ctx, id, review.QueueLive); err != nil {
			t.Fatal(err)
		}
	}
	c, err := db.ServeCalibration(ctx, "reviewer2", review.QueueLive, shadowLease)
	if err != nil {
		t.Fatal(err)
	}
	answerShadow(t, db, c, false)
	if _, err := db.UndoShadow(ctx, "reviewer2", c.ID, time.Minute, shadowLease); err != nil {
		t.Fatal(err)
	}
	if err := db.ReleaseShadow(ctx, "reviewer2", c.ID); err != nil {
		t.Fatal(err)
	}
	c, err = db.ServeCalibration(ctx, "reviewer3", review.QueueLive, shadowLease)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SkipShadow(ctx, "reviewer3", c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ServeCalibration(ctx, "reviewer2", review.QueueLive, shadowLease); err != nil {
		t.Fatal(err)
	}
	clk.now = clk.now.Add(shadowLease + time.Second)
	c, err = db.ServeCalibration(ctx, "reviewer3", review.QueueLive, shadowLease) // releases reviewer2's lapsed claim
	if err != nil {
		t.Fatal(err)
	}
	answerShadow(t, db, c, false)

	after := liveRows(t, db)
	for table, rows := range before {
		if !slices.Equal(rows, after[table]) {
			t.Errorf("shadow work changed %s:\nbefore %q\nafter  %q", table, rows, after[table])
		}
	}
	mustVerify(t, db)
}

// TestQualityMigratesFromTheTrainingSchema opens a workspace at schema 11
// holding a gold set and a decided item: quality control works on it.
func TestQualityMigratesFromTheTrainingSchema(t *testing.T) {
	ctx := context.Background()
	raw, path := rawAtSchema(t, 12)
	const at = `'2026-01-01T00:00:00.000Z'`
	execAll(t, raw, []string{
		`INSERT INTO items (produce_id, format, object_sha256, size, category, created_at, received_at, state, updated_at)
			VALUES ('IMG1', 'png', '` + strings.Repeat("ab", 32) + `', 10, 'image_generation', ` + at + `, ` + at + `, 'approved', ` + at + `)`,
		`INSERT INTO decisions (item_id, actor, outcome, at) VALUES (1, 'reviewer1', 'approve', ` + at + `)`,
		`INSERT INTO gold_sets (name, queue, version, created_by, created_at) VALUES ('旧集', 'live', 1, 'trainer', ` + at + `)`,
		`INSERT INTO gold_items (set_id, item_id, produce_id, category, expected, explanation, created_by, created_at, added_version)
			VALUES (1, 1, 'IMG1', 'image_generation', 'approve', '标识齐全，应通过。', 'trainer', ` + at + `, 1)`,
	})
	db := openMigrated(t, raw, path)
	if c, err := db.ServeGold(ctx, "reviewer2", review.QueueLive, shadowLease, 1); err != nil || c.GoldID != 1 {
		t.Errorf("serve the old set's gold: %+v, %v", c, err)
	}
	if err := db.SampleCalibration(ctx, 1, review.QueueLive); err != nil {
		t.Errorf("sample the old decision: %v", err)
	}
	mustVerify(t, db)
}
