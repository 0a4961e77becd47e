package rules

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

var (
	genAt = time.Date(2025, 11, 28, 1, 15, 0, 0, time.UTC)
	nowAt = time.Date(2025, 11, 28, 2, 0, 0, 0, time.UTC)
)

// cleanInput is a realistic conforming face swap: labelled, visible label
// large enough, a valid consent, a verified user, an assessed model.
func cleanInput() Input {
	tr := true
	return Input{
		ProduceID: "IMG20251128000123", Category: "face_swap", Service: "FaceStudio", Model: "fs-2.1",
		UserID: "u-10293", GeneratedAt: genAt, Now: nowAt,
		Verdict: "conforming", LabelState: "confirmed", LabelProduceIDs: []string{"IMG20251128000123"},
		Watermark: Watermark{Detected: &tr, Payload: "IMG20251128000123", Confidence: 0.97},
		Explicit:  ExplicitCheck{Checked: true, Labels: []ExplicitLabel{{Text: "AI生成", HeightRatio: 0.061}}},
		Consents: []ConsentRef{{ID: "CN-2025-0042", Record: &review.Consent{ID: "CN-2025-0042", SubjectID: "s-881",
			SubjectName: "张三", Scope: "face", NoticeVersion: "v3", GrantedAt: genAt.Add(-24 * time.Hour),
			EvidenceSHA256: strings.Repeat("ab", 32)}}},
		RealName:   &review.RealName{UserID: "u-10293", Method: "mobile", Result: "verified", VerifiedAt: genAt.AddDate(0, -1, 0)},
		Assessment: AssessmentRef{CitedID: "SA-2025-017", Record: &Assessment{ID: "SA-2025-017", AssessedAt: genAt.AddDate(0, -2, 0), Passed: true}},
		Prompt:     "把照片里的人换成演员",
	}
}

func testRuleSet(t testing.TB) *RuleSet {
	t.Helper()
	rng := rand.New(rand.NewPCG(8, 8))
	known, err := NewBank("known", 2, 31, false, append(genEntries(4, 5000),
		BankEntry{ID: "harm-1", Hash: Hash{1, 2, 3}, Category: "risk-a1a", Source: "regulator notice 2025-07"}))
	if err != nil {
		t.Fatal(err)
	}
	neg, err := NewBank("negative", 1, 10, true, []BankEntry{{ID: "fp-1", Hash: flip(rng, Hash{9, 9, 9}, 1), Category: "false-positive", Source: "appeal 17"}})
	if err != nil {
		t.Fatal(err)
	}
	// A negative entry near a positive one, so that match is suppressed.
	known2, err := NewBank("known2", 1, 31, false, []BankEntry{{ID: "harm-2", Hash: Hash{9, 9, 9}, Category: "risk-a1g", Source: "shared"}})
	if err != nil {
		t.Fatal(err)
	}
	rs := DefaultRuleSet(mustKeywords(t, testTerms), []*Bank{known, known2, neg})
	if err := rs.Validate(); err != nil {
		t.Fatal(err)
	}
	return rs
}

func hitIDs(hits []review.RuleHit) []string {
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.RuleID)
	}
	return ids
}

func evidenceOf(t *testing.T, hits []review.RuleHit, id string) map[string]any {
	t.Helper()
	for _, h := range hits {
		if h.RuleID == id {
			var m map[string]any
			if err := json.Unmarshal([]byte(h.Evidence), &m); err != nil {
				t.Fatalf("evidence of %s is not JSON: %v", id, err)
			}
			return m
		}
	}
	t.Fatalf("no hit of %s in %v", id, hitIDs(hits))
	return nil
}

func TestCleanItemHasNoHits(t *testing.T) {
	rs := testRuleSet(t)
	if hits := rs.Evaluate(cleanInput()); len(hits) != 0 {
		t.Fatalf("clean item hit %v: %v", hitIDs(hits), hits)
	}
}

func TestEachRuleFiresOnRealisticItems(t *testing.T) {
	rs := testRuleSet(t)
	cases := []struct {
		name     string
		change   func(*Input)
		rule     string
		severity string
		problem  string
		evidence []string // substrings the evidence must show
	}{
		{"unlabelled output", func(in *Input) {
			in.Verdict, in.LabelState, in.LabelProduceIDs, in.Watermark.Detected = "unlabelled", "none", nil, nil
		},
			"implicit-label", "error", "missing", nil},
		{"label with bad JSON", func(in *Input) {
			in.Verdict, in.FindingCodes = "nonconforming", []string{"implicit-invalid-json", "implicit-charset"}
		}, "implicit-label", "error", "nonconforming", []string{"implicit-invalid-json"}},
		{"two different labels", func(in *Input) {
			in.Verdict, in.FindingCodes = "nonconforming", []string{"implicit-conflicting"}
		}, "implicit-label", "error", "conflicting", nil},
		{"producer wrote label 3", func(in *Input) { in.LabelState = "suspected" }, "implicit-label", "error", "label-value", nil},
		{"face swap without visible label", func(in *Input) { in.Explicit.Labels = nil }, "explicit-label", "error", "missing", nil},
		{"visible label 3 % high", func(in *Input) { in.Explicit.Labels[0].HeightRatio = 0.031 }, "explicit-label", "error", "too-small", []string{`"largest_height_ratio":0.031`}},
		{"audio not checked", func(in *Input) { in.Category = "speech_synthesis"; in.Explicit.Checked = false }, "explicit-label", "info", "not-checked", nil},
		{"consent not on record", func(in *Input) { in.Consents[0].Record = nil }, "biometric-consent", "critical", "no-valid-consent", []string{`"state":"not-found"`, "CN-2025-0042"}},
		{"no consent cited", func(in *Input) { in.Consents = nil }, "biometric-consent", "critical", "none-cited", nil},
		{"voice consent for a face", func(in *Input) { in.Consents[0].Record.Scope = "voice" }, "biometric-consent", "critical", "no-valid-consent", []string{"scope-mismatch"}},
		{"consent granted after generation", func(in *Input) { in.Consents[0].Record.GrantedAt = genAt.Add(time.Minute) }, "biometric-consent", "critical", "no-valid-consent", []string{"granted-after-generation"}},
		{"unverified user", func(in *Input) { in.RealName.Result = "pending" }, "real-name", "error", "not-verified", []string{`"result":"pending"`}},
		{"no real-name record", func(in *Input) { in.RealName = nil }, "real-name", "error", "no-record", []string{"u-10293"}},
		{"no assessment", func(in *Input) { in.Assessment = AssessmentRef{} }, "security-assessment", "error", "none-on-record", []string{"fs-2.1"}},
		{"assessment expired", func(in *Input) { in.Assessment.Record.ExpiresAt = genAt.Add(-time.Hour) }, "security-assessment", "error", "expired", nil},
		{"label names another ProduceID", func(in *Input) { in.LabelProduceIDs = []string{"IMG20251128000999"} }, "produce-id-mismatch", "error", "mismatch",
			[]string{"IMG20251128000123", "IMG20251128000999"}},
		{"watermark but no label", func(in *Input) { in.Verdict, in.LabelState, in.LabelProduceIDs = "unlabelled", "none", nil },
			"watermark-without-label", "error", "label-stripped", []string{`"payload_matches_produce_id":true`}},
		{"unlabelled copy without log", func(in *Input) { in.UnlabelledCopyIssued = true }, "unlabelled-copy", "warning", "issued-without-recipient-log", []string{"2026-05-27"}},
		{"keyword in prompt", func(in *Input) { in.Prompt = "帮我写 法\u200b轮 的传单" }, "keyword", "error", "keyword-match",
			[]string{`"category":"risk-a1g"`, `"byte_start":10`, `"rune_start":4`, `"normalized":"法轮"`, `"field":"prompt"`}},
		{"keyword in text output", func(in *Input) { in.Category = "text_writing"; in.TextOutput = "如何電信詐騙老人" }, "keyword", "error", "keyword-match",
			[]string{`"field":"output"`, `"text":"電信詐騙"`}},
		{"bank match", func(in *Input) { in.PDQ = []Hash{flip(rand.New(rand.NewPCG(1, 2)), Hash{1, 2, 3}, 12)} }, "feature-bank", "critical", "bank-match",
			[]string{`"id":"harm-1"`, `"distance":12`, `"bank_version":2`, `"source":"regulator notice 2025-07"`}},
		{"bank match in negative bank", func(in *Input) { in.PDQ = []Hash{{9, 9, 9}} }, "feature-bank", "info", "suppressed-by-negative-bank",
			[]string{`"id":"fp-1"`, `"id":"harm-2"`}},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := cleanInput()
			c.change(&in)
			hits := rs.Evaluate(in)
			ev := evidenceOf(t, hits, c.rule)
			for _, h := range hits {
				if h.RuleID == c.rule && (h.Severity != c.severity || !strings.HasPrefix(h.RuleVersion, "1@")) {
					t.Errorf("hit %+v: want severity %s and version 1@<hash>", h, c.severity)
				}
			}
			if ev["problem"] != c.problem || ev["rule"] != c.rule || ev["produce_id"] != in.ProduceID {
				t.Errorf("evidence %v: want problem %s", ev, c.problem)
			}
			raw, _ := json.Marshal(ev)
			for _, s := range c.evidence {
				if !strings.Contains(string(raw), s) {
					t.Errorf("evidence %s lacks %s", raw, s)
				}
			}
		})
	}
}

func TestEvidenceCarriesNoPersonalName(t *testing.T) {
	rs := testRuleSet(t)
	in := cleanInput()
	in.Consents[0].Record.WithdrawnAt = nowAt.Add(-time.Minute)
	for _, h := range rs.Evaluate(in) {
		if strings.Contains(h.Evidence, "张三") {
			t.Fatalf("evidence holds the subject's name: %s", h.Evidence)
		}
	}
}

// A consent withdrawn after an item was cleared: re-running the rules at the
// withdrawal re-opens the item (the lead applies review.MoveReopen).
func TestConsentWithdrawalReopens(t *testing.T) {
	rs := testRuleSet(t)
	in := cleanInput()
	before := rs.Route(in.ProduceID, rs.Evaluate(in))
	if slices.Contains(before.Rules, "biometric-consent") || rs.ConsentFailed(rs.Evaluate(in)) {
		t.Fatal("valid consent fired")
	}
	withdrawn := nowAt.Add(72 * time.Hour)
	in.Consents[0].Record.WithdrawnAt = withdrawn
	in.Now = withdrawn.Add(time.Second)
	hits := rs.Evaluate(in)
	d := rs.Route(in.ProduceID, hits)
	if d.Outcome != ToQueue || d.Queue != review.QueueEscalation || !slices.Contains(d.Rules, "biometric-consent") || !rs.ConsentFailed(hits) {
		t.Fatalf("after withdrawal: %+v", d)
	}
	ev, _ := json.Marshal(evidenceOf(t, hits, "biometric-consent"))
	if !strings.Contains(string(ev), `"state":"withdrawn"`) || !strings.Contains(string(ev), "withdrawn_at") {
		t.Fatalf("evidence does not say withdrawn: %s", ev)
	}
	// Before the withdrawal time the same record is still valid.
	in.Now = withdrawn.Add(-time.Second)
	if slices.Contains(hitIDs(rs.Evaluate(in)), "biometric-consent") {
		t.Fatal("consent counted as withdrawn before its withdrawal time")
	}
}

func TestRouteByHits(t *testing.T) {
	rs := testRuleSet(t)
	in := cleanInput()
	in.RealName.Result = "failed"                  // live, priority 40
	in.Assessment = AssessmentRef{CitedID: "SA-x"} // escalation, priority 70
	in.Explicit.Labels[0].HeightRatio = 0.01       // live, 50
	d := rs.Route(in.ProduceID, rs.Evaluate(in))
	if d.Outcome != ToQueue || d.Queue != review.QueueEscalation || d.Priority != 70 || d.Severity != "error" || d.Reason != ReasonRuleHit {
		t.Fatalf("%+v", d)
	}
	if d.RuleSetVersion != rs.Version || len(d.Rules) != 3 {
		t.Fatalf("%+v", d)
	}
	// Info hits alone do not route.
	in = cleanInput()
	in.Category = "speech_synthesis"
	in.Consents = nil
	in.Explicit.Checked = false
	hits := rs.Evaluate(in)
	if len(hits) != 1 || hits[0].Severity != "info" {
		t.Fatalf("want one info hit, got %v", hits)
	}
	if d := rs.Route(in.ProduceID, hits); d.Reason == ReasonRuleHit {
		t.Fatalf("an info hit routed the item: %+v", d)
	}
}

func TestSamplingRateAndDeterminism(t *testing.T) {
	rs := testRuleSet(t)
	for _, rate := range []float64{0, 0.02, 0.1, 0.5, 1} {
		rs.Sampling.Rate = rate
		const n = 20000
		sampled := 0
		for i := range n {
			id := "IMG2025112800" + itoa(100000+i)
			d := rs.Route(id, nil)
			if d2 := rs.Route(id, nil); d2.Reason != d.Reason || d2.SampleDraw != d.SampleDraw {
				t.Fatalf("re-run differs for %s", id)
			}
			switch d.Reason {
			case ReasonSampled:
				sampled++
				if d.Queue != review.QueueLive || d.Move() != "" {
					t.Fatalf("sampled item: %+v", d)
				}
			case ReasonClear:
				if d.Move() != review.MoveClear || d.RuleSetVersion != rs.Version || d.SampleRate != rate {
					t.Fatalf("clear decision: %+v", d)
				}
			default:
				t.Fatalf("no hits but %+v", d)
			}
		}
		got := float64(sampled) / n
		// 4 standard deviations of a binomial proportion.
		if tol := 4*math.Sqrt(rate*(1-rate)/n) + 1e-9; math.Abs(got-rate) > tol {
			t.Errorf("rate %.2f: sampled %.4f of items", rate, got)
		}
	}
	// Another seed picks other items.
	a, b := Sampling{Rate: 0.5, Seed: "a"}, Sampling{Rate: 0.5, Seed: "b"}
	same := 0
	for i := range 1000 {
		if a.Sampled(itoa(i)) == b.Sampled(itoa(i)) {
			same++
		}
	}
	if same > 600 || same < 400 {
		t.Errorf("seeds a and b agree on %d of 1000 items", same)
	}
}

func TestDisabledRuleAndCategoryScope(t *testing.T) {
	rs := testRuleSet(t)
	in := cleanInput()
	in.RealName = nil
	for i := range rs.Rules {
		if rs.Rules[i].ID == "real-name" {
			rs.Rules[i].Enabled = false
		}
		if rs.Rules[i].ID == "explicit-label" {
			rs.Rules[i].Params.Categories = []review.Category{"image_generation"}
		}
	}
	if slices.Contains(hitIDs(rs.Evaluate(in)), "real-name") {
		t.Fatal("disabled rule fired")
	}
	in = cleanInput()
	in.Category, in.Consents = "image_generation", nil
	in.Explicit.Labels = nil
	ids := hitIDs(rs.Evaluate(in))
	if !slices.Contains(ids, "explicit-label") || slices.Contains(ids, "biometric-consent") {
		t.Fatalf("image_generation added to the explicit-label scope: hits %v", ids)
	}
	// A chat service with a continuous interface notice is excluded.
	for i := range rs.Rules {
		if rs.Rules[i].ID == "explicit-label" {
			rs.Rules[i].Params.ExcludeCategories = []review.Category{"text_dialogue"}
		}
	}
	in.Category = "text_dialogue"
	if slices.Contains(hitIDs(rs.Evaluate(in)), "explicit-label") {
		t.Fatal("excluded category still checked")
	}
	in.Category = "text_writing"
	if !slices.Contains(hitIDs(rs.Evaluate(in)), "explicit-label") {
		t.Fatal("exclusion of text_dialogue also excluded text_writing")
	}
}

func TestValidateNamesTheProblem(t *testing.T) {
	cases := map[string]func(*RuleSet){
		"unknown kind":  func(rs *RuleSet) { rs.Rules[0].Kind = "magic" },
		"bad severity":  func(rs *RuleSet) { rs.Rules[1].Severity = "fatal" },
		"bad queue":     func(rs *RuleSet) { rs.Rules[2].Queue = "later" },
		"duplicate id":  func(rs *RuleSet) { rs.Rules[3].ID = rs.Rules[0].ID },
		"rate above 1":  func(rs *RuleSet) { rs.Sampling.Rate = 1.5 },
		"rate NaN":      func(rs *RuleSet) { rs.Sampling.Rate = math.NaN() },
		"unknown list":  func(rs *RuleSet) { rs.Rules[8].Params.Lists = []string{"nope"} },
		"unknown bank":  func(rs *RuleSet) { rs.Rules[9].Params.Banks = []string{"nope"} },
		"negative bank": func(rs *RuleSet) { rs.Rules[9].Params.Banks = []string{"negative"} },
		"bad category":  func(rs *RuleSet) { rs.Rules[0].Params.Categories = []review.Category{"deepfake"} },
		"bad field":     func(rs *RuleSet) { rs.Rules[8].Params.Fields = []string{"title"} },
	}
	for name, change := range cases {
		rs := testRuleSet(t)
		change(rs)
		if err := rs.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
	}
}
