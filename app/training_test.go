package app

import (
	"context"
	"encoding/json"
	"fyne.io/fyne/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

// TestDemoTrainsAndCertifies: the demo workspace has gold sets whose
// expected decisions agree with their evidence, reviewer1 at 92.5 % over
// several days and certified for the live queue like reviewer2 (senior1
// for both queues); a reviewer added afterwards with `user add` is refused
// a live claim until they have trained and a trainer has certified them;
// the audit chain verifies throughout.
func TestDemoTrainsAndCertifies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo workspace")
	}
	ctx := context.Background()
	dir := demoWorkspace(t)
	if code, _, stderr := runCLI(t, DemoPassword+"\n"+DemoPassword+"\n"+DemoPassword+"\n", "user", "add", "--workspace", dir,
		"--as", "admin", "--role", "reviewer", "reviewer3"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	w, err := OpenWorkspace(ctx, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	signIn := func(name, pw string) review.Account {
		t.Helper()
		a, err := w.Accounts().Authenticate(ctx, name, pw)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	trainer, manager := signIn("trainer", DemoPassword), signIn("manager", DemoPassword)
	tr := w.Training()

	t.Run("the demo's reviewers are certified for their queues", func(t *testing.T) {
		for _, c := range []struct {
			who, queue string
			want       bool
		}{
			{"reviewer1", review.QueueLive, true}, {"reviewer2", review.QueueLive, true},
			{"senior1", review.QueueLive, true}, {"senior1", review.QueueEscalation, true},
			{"reviewer3", review.QueueLive, false}, {"reviewer2", review.QueueEscalation, false},
			{"manager", review.QueueLive, true}, {"manager", review.QueueEscalation, true},
		} {
			if ok, err := w.DB.Certified(ctx, c.who, c.queue); err != nil || ok != c.want {
				t.Errorf("%s certified for %s: %v, %v; want %v", c.who, c.queue, ok, err, c.want)
			}
		}
		certs, err := tr.Certifications(ctx, manager, "")
		if err != nil || len(certs) != 6 {
			t.Fatalf("certifications %+v, %v; want six", certs, err)
		}
		gates, err := tr.Gates(ctx, signIn("reviewer1", DemoPassword))
		if err != nil || len(gates) != 2 || gates[0].Queue != review.QueueLive || gates[0].MinAccuracy != 90 || gates[0].MinItems != 10 {
			t.Errorf("gates %+v, %v", gates, err)
		}
	})

	t.Run("reviewer1's scores are 92.5 % with a trend over days, reviewer2's lower but above the gate", func(t *testing.T) {
		r1, err := tr.Scores(ctx, signIn("reviewer1", DemoPassword), "reviewer1")
		if err != nil {
			t.Fatal(err)
		}
		if r1.Overall != (review.Ratio{Correct: 37, Total: 40}) || r1.Overall.Percent() != 92.5 || len(r1.Sessions) != 3 || len(r1.Trend) != 3 {
			t.Errorf("reviewer1: %+v over %d sessions, trend %+v; want 37 of 40 over 3 sessions on 3 days", r1.Overall, len(r1.Sessions), r1.Trend)
		}
		if len(r1.ByCategory) < 3 || len(r1.ByReason) < 4 || r1.AvgTook < 20*time.Second || r1.AvgTook > 90*time.Second {
			t.Errorf("reviewer1: categories %v, reasons %v, average %v", r1.ByCategory, r1.ByReason, r1.AvgTook)
		}
		if r1.Confusion[review.OutcomeApproveRelabel][review.OutcomeReject] != 1 {
			t.Errorf("reviewer1's confusion %v; want the relabel rejected once", r1.Confusion)
		}
		r2, err := tr.Scores(ctx, trainer, "reviewer2")
		if p := r2.Overall.Percent(); err != nil || p < 90 || p >= r1.Overall.Percent() {
			t.Errorf("reviewer2: %+v (%.1f %%), %v; want at least 90 %% and below reviewer1", r2.Overall, p, err)
		}
		for _, s := range append(r1.Sessions, r2.Sessions...) {
			if s.FinishedAt.IsZero() || s.Kind != review.SessionTraining {
				t.Errorf("session %+v is not a finished training session", s)
			}
		}
	})

	t.Run("every gold item agrees with its evidence and none was decided by the demo", func(t *testing.T) {
		sets, err := tr.GoldSets(ctx, trainer)
		if err != nil || len(sets) != 2 {
			t.Fatalf("gold sets %+v, %v", sets, err)
		}
		han := regexp.MustCompile(`\p{Han}`)
		counts := map[string]int{}
		for _, set := range sets {
			golds, err := tr.GoldItems(ctx, trainer, set.ID)
			if err != nil {
				t.Fatal(err)
			}
			counts[set.Queue] = len(golds)
			for _, g := range golds {
				ev, err := w.DB.Evidence(ctx, g.ItemID)
				if err != nil {
					t.Fatal(err)
				}
				if len(ev.Decisions) != 0 {
					t.Errorf("%s: gold, but the demo decided it: %+v", g.ProduceID, ev.Decisions)
				}
				if !han.MatchString(g.Explanation) || strings.ContainsAny(g.Explanation, "→←⇒") {
					t.Errorf("%s: explanation %q; want Chinese, no arrows", g.ProduceID, g.Explanation)
				}
				if msg := goldDisagrees(g, ev); msg != "" {
					t.Errorf("%s (%s %v): %s", g.ProduceID, g.Expected, g.Reasons, msg)
				}
			}
		}
		if counts[review.QueueLive] < 12 || counts[review.QueueEscalation] < 5 {
			t.Errorf("gold items by queue %v; want about 14 live and 6 escalation", counts)
		}
	})

	t.Run("a reviewer added later trains before claiming live items", func(t *testing.T) {
		// Claims here must be live items: two of the demo's live gold items
		// were cleared by the rules, so hidden gold could be served.
		desk := w.Desk()
		desk.Quality.Rand = func() float64 { return 0.9999 }
		newcomer := signIn("reviewer3", DemoPassword)
		// At the desk (the real window, test driver): N is refused, and
		// the desk says why.
		t.Setenv("XDG_CONFIG_HOME", t.TempDir())
		win := deskSessionAs(t, w, desk, "reviewer3", func(job func()) { job() })
		defer win.Close()
		pressKeys(win, "n")
		if texts := windowTexts(win); !strings.Contains(texts, "reviewer3 is not certified for the live queue") {
			t.Errorf("the desk does not say why N was refused:\n%s", texts)
		}
		if n := heldBy(t, w, "reviewer3"); n != 0 {
			t.Fatalf("reviewer3 holds %d items before certification", n)
		}
		_, err := desk.Next(ctx, newcomer, review.QueueLive)
		if review.ErrorCode(err) != review.EFORBIDDEN || !strings.Contains(review.ErrorMessage(err), "reviewer3 is not certified for the live queue") {
			t.Fatalf("reviewer3's first claim: %v; want refused as not certified", err)
		}
		if _, err := desk.Peek(ctx, newcomer, review.QueueLive, 0); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Errorf("reviewer3's prefetch: %v, want EFORBIDDEN", err)
		}
		reviewer1 := signIn("reviewer1", DemoPassword)
		it, err := desk.Next(ctx, reviewer1, review.QueueLive)
		if err != nil {
			t.Fatalf("reviewer1's claim: %v", err)
		}
		if err := desk.Release(ctx, reviewer1, it.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Certify(ctx, trainer, "reviewer3", review.QueueLive); review.ErrorCode(err) != review.ECONFLICT ||
			!strings.Contains(review.ErrorMessage(err), "0 % over 0 items; the gate asks 90 % over at least 10") {
			t.Errorf("certifying reviewer3 untrained: %v", err)
		}

		sets, err := tr.GoldSets(ctx, newcomer)
		if err != nil {
			t.Fatal(err)
		}
		live := sets[slices.IndexFunc(sets, func(s review.GoldSet) bool { return s.Queue == review.QueueLive })]
		golds, err := tr.GoldItems(ctx, trainer, live.ID)
		if err != nil {
			t.Fatal(err)
		}
		s, err := tr.StartSession(ctx, newcomer, live.ID)
		if err != nil {
			t.Fatal(err)
		}
		for {
			g, ev, err := tr.NextGold(ctx, newcomer, s.ID)
			if review.ErrorCode(err) == review.ENOTFOUND {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if len(ev.Decisions) != 0 || ev.Item.State != "" || g.Explanation != "" {
				t.Fatalf("the trainee sees the answer or the live handling: %+v / %+v", g, ev.Item)
			}
			full := golds[slices.IndexFunc(golds, func(x review.GoldItem) bool { return x.ID == g.ID })]
			fb, err := tr.Answer(ctx, newcomer, s.ID, g.ID, review.Decision{Outcome: full.Expected, Reasons: full.Reasons}, 30*time.Second)
			if err != nil || !fb.Answer.Correct || fb.Explanation != full.Explanation {
				t.Fatalf("feedback %+v, %v", fb, err)
			}
		}
		if _, err := tr.FinishSession(ctx, newcomer, s.ID); err != nil {
			t.Fatal(err)
		}
		if c, err := tr.Certify(ctx, trainer, "reviewer3", review.QueueLive); err != nil || c.Accuracy != 100 || c.Items != len(golds) {
			t.Fatalf("certifying reviewer3 after training: %+v, %v", c, err)
		}
		// Certified, reviewer3 claims at the desk with N.
		win.Canvas().Unfocus()
		win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) // closes the refusal
		pressKeys(win, "n")
		if n := heldBy(t, w, "reviewer3"); n != 1 {
			t.Errorf("after certification N gave reviewer3 %d items, want 1; the window shows:\n%s", n, windowTexts(win))
		}
	})

	if _, _, err := w.DB.Verify(ctx, nil); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	evs, err := w.DB.EventsFor(ctx, "gold_set:1")
	if err != nil || len(evs) < 2 || evs[0].Kind != "training.set_created" {
		t.Errorf("the live set's events: %d, %v", len(evs), err)
	}
}

// goldDisagrees says how a gold item's expected decision contradicts the
// rule hits of its evidence, "" when it does not: an approval has no hit
// of error severity or worse; an approve-and-relabel only label hits; a
// rejection a hit behind each reason code.
func goldDisagrees(g review.GoldItem, ev review.Evidence) string {
	serious := func(h review.RuleHit) bool { return review.SeverityRank(h.Severity) >= review.SeverityRank("error") }
	switch g.Expected {
	case review.OutcomeApprove:
		for _, h := range ev.RuleHits {
			if serious(h) {
				return "approved despite the " + h.RuleID + " hit"
			}
		}
	case review.OutcomeApproveRelabel:
		labels := 0
		for _, h := range ev.RuleHits {
			if serious(h) && h.RuleID != "implicit-label" && h.RuleID != "explicit-label" {
				return "relabelled despite the " + h.RuleID + " hit"
			}
			if serious(h) {
				labels++
			}
		}
		if labels == 0 {
			return "nothing to relabel"
		}
	case review.OutcomeReject:
		for _, r := range g.Reasons {
			if !slices.ContainsFunc(ev.RuleHits, func(h review.RuleHit) bool { return hitBacks(h, r) }) {
				return "no rule hit backs " + r
			}
		}
	}
	return ""
}

// goldHitEvidence is what hitBacks reads of a rule hit's evidence: a
// keyword hit's categories, a feature-bank match's entry category.
type goldHitEvidence struct {
	Categories []string `json:"categories"`
	Matches    []struct {
		Entry struct {
			Category string `json:"category"`
		} `json:"entry"`
	} `json:"matches"`
}

// hitBacks reports whether a rule hit is evidence for reason code r.
func hitBacks(h review.RuleHit, r string) bool {
	var e goldHitEvidence
	if err := json.Unmarshal([]byte(h.Evidence), &e); err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(r, "risk-"):
		for _, m := range e.Matches {
			e.Categories = append(e.Categories, m.Entry.Category)
		}
		return slices.Contains(e.Categories, r)
	case r == "consent-missing":
		return h.RuleID == "biometric-consent"
	case r == "unassessed-model":
		return h.RuleID == "security-assessment"
	case r == "explicit-label-too-small":
		return h.RuleID == "explicit-label" && strings.Contains(h.Evidence, `"problem":"too-small"`)
	}
	return false
}

// heldBy counts the live items account holds now.
func heldBy(t *testing.T, w *Workspace, account string) int {
	t.Helper()
	rows, err := w.DB.QueuePage(context.Background(), review.QueueFilter{Queue: review.QueueLive, Limit: review.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.State == review.StateInReview && r.ClaimedBy == account {
			n++
		}
	}
	return n
}
