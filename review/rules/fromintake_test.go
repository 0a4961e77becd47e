package rules

import (
	"context"
	"slices"
	"testing"

	"synthreview/marking"
	"synthreview/review"
)

func TestFromIntake(t *testing.T) {
	g, err := review.ParseGeneration([]byte(`{"schema":"synthreview.generation/v1","produce_id":"IMG20251128000123",
		"created_at":"2025-11-28T09:15:00+08:00","service":{"name":"FaceStudio","category":"face_swap",
		"algorithm_filing":"网信算备110108000000000000001号","model":"fs-2.1","assessment_id":"SA-2025-017"},
		"user":{"id":"u-10293"},"prompt":"把照片里的人换成…","inputs":[{"kind":"face","subject":"s-881","consent_id":"CN-2025-0042"}],
		"output":{"file":"IMG20251128000123.png","sha256":"` + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + `"},
		"unlabelled_copy_issued":true}`))
	if err != nil {
		t.Fatal(err)
	}
	tr := true
	rep := marking.Report{Verdict: "conforming", LabelState: "confirmed",
		Implicit:  []marking.Implicit{{Fields: map[string]string{"ProduceID": "IMG20251128000999"}}},
		Findings:  []marking.Finding{{Code: "explicit-too-small", Severity: "warning"}},
		Explicit:  []marking.Explicit{{Text: "AI生成", HeightRatio: 0.03}},
		Watermark: &marking.Watermark{Detected: &tr, Payload: "IMG20251128000123", Confidence: 0.9}}
	in := FromIntake(g, rep)
	if in.GeneratedAt.UTC().Hour() != 1 || in.Category != "face_swap" || in.Assessment.CitedID != "SA-2025-017" ||
		len(in.Consents) != 1 || in.Consents[0].ID != "CN-2025-0042" || !in.UnlabelledCopyIssued || !in.Explicit.Checked {
		t.Fatalf("%+v", in)
	}
	in.Now = in.GeneratedAt
	rs := DefaultRuleSet(nil, nil)
	ids := hitIDs(rs.Evaluate(in))
	for _, want := range []string{"explicit-label", "biometric-consent", "real-name", "security-assessment", "produce-id-mismatch", "unlabelled-copy"} {
		if !slices.Contains(ids, want) {
			t.Errorf("no %s hit from the sidecar and report: %v", want, ids)
		}
	}
	if slices.Contains(ids, "implicit-label") || slices.Contains(ids, "watermark-without-label") {
		t.Errorf("labelled output hit %v", ids)
	}
}

func TestEngineRoutesAndSwapsSets(t *testing.T) {
	g, err := review.ParseGeneration([]byte(`{"schema":"synthreview.generation/v1","produce_id":"TXT20251128000001",
		"created_at":"2025-11-28T09:15:00+08:00","service":{"name":"Writer","category":"text_writing","model":"w-1"},
		"user":{"id":"u-1"},"prompt":"写一篇關於电信 诈骗的文章","output":{"file":"TXT20251128000001.txt","sha256":""}}`))
	if err != nil {
		t.Fatal(err)
	}
	rep := marking.Report{Verdict: "conforming", LabelState: "confirmed", Explicit: []marking.Explicit{{Text: "AI生成"}}}
	lookup := func(_ context.Context, in *Input) {
		in.RealName = &review.RealName{Result: "verified"}
		in.Assessment.Record = &Assessment{ID: "SA-1", Passed: true}
	}
	plain := DefaultRuleSet(nil, nil)
	plain.Sampling.Rate = 0
	e := NewEngine(plain)
	e.Lookup = lookup
	hits, _, _, clear, version := e.Evaluate(context.Background(), g, rep)
	if len(hits) != 0 || !clear || version != plain.Version {
		t.Fatalf("without keywords: hits %v clear %v version %s", hits, clear, version)
	}
	withKW := DefaultRuleSet(mustKeywords(t, testTerms), nil)
	e.Use(withKW)
	hits, queue, prio, clear, version := e.Evaluate(context.Background(), g, rep)
	if len(hits) != 1 || hits[0].RuleID != "keyword" || queue != review.QueueLive || prio != 70 || clear || version != withKW.Version || version == plain.Version {
		t.Fatalf("with keywords: hits %v queue %s prio %d clear %v version %s", hits, queue, prio, clear, version)
	}
}
