package review

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestCohenKappa(t *testing.T) {
	a, r, e := OutcomeApprove, OutcomeReject, OutcomeEscalate
	for _, c := range []struct {
		name    string
		pairs   [][2]Outcome
		kappa   float64
		defined bool
	}{
		{"perfect agreement on two outcomes", [][2]Outcome{{a, a}, {r, r}, {a, a}, {r, r}}, 1, true},
		{"agreement no better than chance", [][2]Outcome{{a, a}, {r, r}, {a, r}, {r, a}}, 0, true},
		// Textbook example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no:
		// po 0.7, pe 0.5, kappa 0.4.
		{"textbook 50 items", append(append(append(rep(20, a, a), rep(5, a, r)...), rep(10, r, a)...), rep(15, r, r)...), 0.4, true},
		{"systematic disagreement", [][2]Outcome{{a, r}, {r, a}}, -1, true},
		{"one outcome throughout has no kappa", [][2]Outcome{{a, a}, {a, a}}, 0, false},
		{"three outcomes", [][2]Outcome{{a, a}, {r, r}, {e, e}, {a, r}}, (0.75 - (2.0/4*1.0/4 + 1.0/4*2.0/4 + 1.0/4*1.0/4)) / (1 - (2.0/4*1.0/4 + 1.0/4*2.0/4 + 1.0/4*1.0/4)), true},
	} {
		k := CohenKappa(c.pairs)
		if k.Defined != c.defined || math.Abs(k.Kappa-c.kappa) > 1e-9 {
			t.Errorf("%s: kappa %v (defined %v), want %v (%v)", c.name, k.Kappa, k.Defined, c.kappa, c.defined)
		}
		if k.N != len(c.pairs) {
			t.Errorf("%s: N %d, want %d", c.name, k.N, len(c.pairs))
		}
	}
	if k := CohenKappa(nil); k.Defined || k.N != 0 {
		t.Errorf("no pairs: %+v", k)
	}
}

func rep(n int, x, y Outcome) [][2]Outcome {
	out := make([][2]Outcome, n)
	for i := range out {
		out[i] = [2]Outcome{x, y}
	}
	return out
}

func TestAgreementOfPairsAndCategories(t *testing.T) {
	a, r := OutcomeApprove, OutcomeReject
	s := func(first string, fo Outcome, second string, so Outcome, cat Category) CalibrationSample {
		return CalibrationSample{First: first, FirstOutcome: fo, Second: second, SecondOutcome: so, Category: cat}
	}
	got := AgreementOf([]CalibrationSample{
		// bob and ann agree both ways round: the pair is (ann, bob).
		s("bob", a, "ann", a, "text-generation"),
		s("ann", r, "bob", r, "text-generation"),
		s("ann", a, "cid", r, "image-generation"),
		s("cid", r, "ann", a, "image-generation"),
		s("ann", a, "", "", "image-generation"), // waiting: not counted
	})
	if got.Overall.N != 4 || got.Overall.Agreed != 2 {
		t.Errorf("overall %+v", got.Overall)
	}
	if len(got.Pairs) != 2 || got.Pairs[0].A != "ann" || got.Pairs[0].B != "bob" || got.Pairs[0].Kappa.Kappa != 1 ||
		got.Pairs[1].B != "cid" || got.Pairs[1].Agreed != 0 {
		t.Errorf("pairs %+v", got.Pairs)
	}
	if k := got.ByCategory["image-generation"]; k.N != 2 || k.Agreed != 0 {
		t.Errorf("image-generation %+v", k)
	}
	if got.Confusion[a][r] != 1 || got.Confusion[r][a] != 1 || got.Confusion[a][a] != 1 {
		t.Errorf("confusion %v", got.Confusion)
	}
}

func TestPauseReasonReadsBack(t *testing.T) {
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	c := Certification{Reviewer: "reviewer1", Queue: QueueLive, Revoked: true, RevokedBy: PauseActor, RevokedAt: at,
		Reason: PauseReason(66.6, 12, 90)}
	p := PausedFrom(c)
	if p == nil || p.Accuracy != 66.6 || p.Answers != 12 || p.Gate != 90 || p.Queue != QueueLive || !p.Since.Equal(at) {
		t.Fatalf("PausedFrom(%q) = %+v", c.Reason, p)
	}
	if ErrorCode(p) != EFORBIDDEN || !strings.Contains(ErrorMessage(p), "66.6 %") {
		t.Errorf("code %s, message %q", ErrorCode(p), ErrorMessage(p))
	}
	c.RevokedBy = "trainer"
	if PausedFrom(c) != nil {
		t.Error("a revocation by a trainer is not a pause")
	}
}

func TestQualitySettings(t *testing.T) {
	meta := func(m map[string]string) func(context.Context, string) (string, error) {
		return func(_ context.Context, k string) (string, error) { return m[k], nil }
	}
	s, err := ReadQualitySettings(context.Background(), meta(nil))
	if err != nil || s.HiddenGoldPercent != DefaultHiddenGoldPercent || s.Window != DefaultHiddenGoldWindow || s.MinAnswers != DefaultHiddenGoldMin {
		t.Errorf("defaults: %+v %v", s, err)
	}
	s, err = ReadQualitySettings(context.Background(), meta(map[string]string{HiddenGoldWindowKey: "5", HiddenGoldMinKey: "8"}))
	if err != nil || s.MinAnswers != 5 {
		t.Errorf("a minimum above the window is capped at it: %+v %v", s, err)
	}
	for _, bad := range []map[string]string{{HiddenGoldPercentKey: "51"}, {CalibrationPercentKey: "-1"}, {HiddenGoldPercentKey: "NaN"},
		{HiddenGoldWindowKey: "0"}, {HiddenGoldMinKey: "x"}} {
		if _, err := ReadQualitySettings(context.Background(), meta(bad)); ErrorCode(err) != EINVALID {
			t.Errorf("%v: %v, want EINVALID", bad, err)
		}
	}
}

// fakeQuality is a QualityDeps port in memory for the pause rules: one
// reviewer's certification and hidden gold results.
type fakeQuality struct {
	QualityStore // unused methods panic
	settings     map[string]string
	gates        []Gate
	certs        []Certification
	results      []bool // newest first
	sinceAsked   time.Time
	revoked      string
}

func (f *fakeQuality) Gates(context.Context) ([]Gate, error) { return f.gates, nil }
func (f *fakeQuality) Certifications(context.Context, string) ([]Certification, error) {
	return f.certs, nil
}
func (f *fakeQuality) RevokeCertification(_ context.Context, actor, reviewer, queue, reason string) error {
	f.revoked = reason
	last := &f.certs[len(f.certs)-1]
	last.Revoked, last.RevokedBy, last.Reason, last.RevokedAt = true, actor, reason, time.Now()
	return nil
}
func (f *fakeQuality) GoldItem(context.Context, int64) (GoldItem, error) { return GoldItem{}, nil }
func (f *fakeQuality) Item(context.Context, int64) (Item, error)         { return Item{}, nil }
func (f *fakeQuality) Evidence(context.Context, int64) (Evidence, error) { return Evidence{}, nil }
func (f *fakeQuality) Meta(_ context.Context, k string) (string, error)  { return f.settings[k], nil }
func (f *fakeQuality) HiddenGoldResults(_ context.Context, _, _ string, since time.Time, n int) ([]bool, error) {
	f.sinceAsked = since
	return f.results[:min(n, len(f.results))], nil
}

func TestCheckPause(t *testing.T) {
	certAt := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	mk := func(results ...bool) *fakeQuality {
		return &fakeQuality{settings: map[string]string{HiddenGoldWindowKey: "5", HiddenGoldMinKey: "4"},
			gates: []Gate{{Queue: QueueLive, MinAccuracy: 80, MinItems: 10}},
			certs: []Certification{{ID: 1, Reviewer: "r", Queue: QueueLive, CertifiedAt: certAt}}, results: results}
	}
	for _, c := range []struct {
		name    string
		f       *fakeQuality
		paused  bool
		percent string
	}{
		{"under the minimum of answers", mk(false, false, false), false, ""},
		{"at the gate", mk(true, true, true, true, false), false, ""},       // 80 % over 5
		{"under the gate", mk(true, true, true, false, false), true, "60 "}, // 60 % over 5
		// The window is the latest 5: older misses do not count.
		{"old misses out of the window", mk(true, true, true, true, true, false, false, false), false, ""},
	} {
		q := Quality{Store: c.f}
		if err := q.checkPause(context.Background(), "r", QueueLive); err != nil {
			t.Fatal(err)
		}
		if (c.f.revoked != "") != c.paused || !strings.Contains(c.f.revoked, c.percent) {
			t.Errorf("%s: revoked %q, want paused %v", c.name, c.f.revoked, c.paused)
		}
		if !c.f.sinceAsked.IsZero() && !c.f.sinceAsked.Equal(certAt) {
			t.Errorf("%s: results since %v, want since the certification %v", c.name, c.f.sinceAsked, certAt)
		}
	}
	f := mk(false, false, false, false)
	f.gates = nil
	if err := (Quality{Store: f}).checkPause(context.Background(), "r", QueueLive); err != nil || f.revoked != "" {
		t.Errorf("a queue without a gate pauses nobody: %v %q", err, f.revoked)
	}
	// A paused reviewer's next claim is refused with the figures.
	f = mk(false, false, false, false)
	if err := (Quality{Store: f}).checkPause(context.Background(), "r", QueueLive); err != nil {
		t.Fatal(err)
	}
	err := requireCertified(context.Background(), pauseCerts{f}, Account{Name: "r", Role: RoleReviewer}, QueueLive)
	var p *PausedError
	if !errors.As(err, &p) || p.Answers != 4 || p.Accuracy != 0 || p.Gate != 80 {
		t.Errorf("claim after the pause: %v", err)
	}
}

// pauseCerts is a Certifier with the history of a fakeQuality.
type pauseCerts struct{ f *fakeQuality }

func (c pauseCerts) Certified(context.Context, string, string) (bool, error) {
	last := c.f.certs[len(c.f.certs)-1]
	return !last.Revoked, nil
}
func (c pauseCerts) Certifications(ctx context.Context, r string) ([]Certification, error) {
	return c.f.Certifications(ctx, r)
}
