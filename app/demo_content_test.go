package app

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"synthreview/marking"
	"synthreview/review"
)

// demoKeywordEvidence is the part of a keyword hit's evidence the desk
// highlights from (docs/rules.md).
type demoKeywordEvidence struct {
	Categories []string `json:"categories"`
	Matches    []struct {
		Field     string `json:"field"`
		Term      string `json:"term"`
		Category  string `json:"category"`
		Text      string `json:"text"`
		ByteStart int    `json:"byte_start"`
		ByteEnd   int    `json:"byte_end"`
		RuneStart int    `json:"rune_start"`
		RuneEnd   int    `json:"rune_end"`
	} `json:"matches"`
}

// demoBankEvidence is the part of a feature-bank hit's evidence the desk
// shows: the entry and its distance.
type demoBankEvidence struct {
	Problem string `json:"problem"`
	Matches []struct {
		Bank     string `json:"bank"`
		Distance int    `json:"distance"`
		Entry    struct {
			ID       string `json:"id"`
			Category string `json:"category"`
		} `json:"entry"`
	} `json:"matches"`
}

// TestDemoShowsEveryKindOfEvidence: a new reviewer signing in to the demo
// workspace meets keyword hits whose span is in the prompt, feature-library
// matches (one a near copy, at a distance), visible labels with their
// boxes (one too small), items the desk blurs, and a live queue with work
// left; the rules in force are the demo's, approved by the manager; the
// progress lines tell the truth; the audit chain verifies.
func TestDemoShowsEveryKindOfEvidence(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo workspace")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	var lines []string
	if err := Demo(ctx, dir, func(s string) { lines = append(lines, s) }); err != nil {
		t.Fatal(err)
	}
	w, err := OpenWorkspace(ctx, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	rs, err := w.DB.ApprovedRuleSet(ctx)
	if err != nil || rs.ApprovedBy != "manager" || !strings.HasPrefix(rs.Version, "1.0.0+sha256:") {
		t.Fatalf("rules in force: %+v, %v; want the demo's version approved by manager", rs, err)
	}
	st, err := w.DB.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var (
		keywordItems          int
		keywordServices       = map[string]bool{}
		latin, han            bool
		exact, near           int
		labelled, tooSmall    int
		tooSmallHit           bool
		blurredLive           = map[string]bool{} // "keyword", "feature-bank"
		imageItems            int
		liveWaiting, escWait  int
		keywordCategoryIsRisk bool
	)
	for id := int64(1); id <= int64(st.Items); id++ {
		ev, err := w.DB.Evidence(ctx, id)
		if err != nil {
			t.Fatalf("evidence of item %d: %v", id, err)
		}
		it := ev.Item
		waitingLive := it.Queue == review.QueueLive && it.State == review.StateQueued
		switch {
		case waitingLive:
			liveWaiting++
		case it.State == review.StateEscalated:
			escWait++
		}
		var rep marking.Report
		if err := json.Unmarshal([]byte(ev.Scan), &rep); err != nil {
			t.Fatalf("item %d: scan report: %v", id, err)
		}
		if rep.Format == "png" || rep.Format == "jpeg" {
			imageItems++
			if len(rep.Explicit) > 0 {
				labelled++
				for _, e := range rep.Explicit {
					if e.Box[2] <= 0 || e.Box[3] <= 0 || e.Box[0]+e.Box[2] > 320 || e.Box[1]+e.Box[3] > 240 {
						t.Errorf("%s: visible label box %v is not inside the 320×240 picture", it.ProduceID, e.Box)
					}
					if e.HeightRatio < 0.05 {
						tooSmall++
					}
				}
			}
		}
		for _, h := range ev.RuleHits {
			switch h.RuleID {
			case "keyword":
				var e demoKeywordEvidence
				if err := json.Unmarshal([]byte(h.Evidence), &e); err != nil {
					t.Fatalf("%s: keyword evidence: %v", it.ProduceID, err)
				}
				keywordItems++
				keywordServices[it.Service] = true
				for _, m := range e.Matches {
					if m.Field != "prompt" {
						t.Errorf("%s: keyword match in the %s, want the prompt", it.ProduceID, m.Field)
						continue
					}
					if m.ByteEnd > len(it.Prompt) || m.ByteStart < 0 || m.ByteStart >= m.ByteEnd ||
						it.Prompt[m.ByteStart:m.ByteEnd] != m.Text || !strings.EqualFold(m.Text, m.Term) {
						t.Errorf("%s: match %+v does not mark %q in the prompt %q", it.ProduceID, m, m.Term, it.Prompt)
					}
					if r := []rune(it.Prompt); m.RuneEnd > len(r) || string(r[m.RuneStart:m.RuneEnd]) != m.Text {
						t.Errorf("%s: rune offsets %d–%d do not hold %q", it.ProduceID, m.RuneStart, m.RuneEnd, m.Text)
					}
					if _, ok := review.LookupReason(m.Category); !ok {
						t.Errorf("%s: keyword category %q is not a reason code", it.ProduceID, m.Category)
					}
					latin = latin || regexp.MustCompile(`^[A-Za-z ]+$`).MatchString(m.Term)
					han = han || regexp.MustCompile(`\p{Han}`).MatchString(m.Term)
				}
				if slices.ContainsFunc(e.Categories, func(c string) bool { return strings.HasPrefix(c, "risk-a") }) {
					keywordCategoryIsRisk = true
					if waitingLive {
						blurredLive["keyword"] = true
					}
				}
			case "feature-bank":
				var e demoBankEvidence
				if err := json.Unmarshal([]byte(h.Evidence), &e); err != nil {
					t.Fatalf("%s: bank evidence: %v", it.ProduceID, err)
				}
				if e.Problem != "bank-match" || len(e.Matches) == 0 || e.Matches[0].Entry.ID == "" || e.Matches[0].Bank != demoBank {
					t.Errorf("%s: bank hit %s names no entry of %s", it.ProduceID, h.Evidence, demoBank)
					continue
				}
				switch d := e.Matches[0].Distance; {
				case d == 0:
					exact++
				case d > 0 && d <= 31:
					near++
				default:
					t.Errorf("%s: bank match at distance %d, beyond the threshold", it.ProduceID, d)
				}
				if h.Severity == "critical" && waitingLive {
					blurredLive["feature-bank"] = true
				}
			case "explicit-label":
				tooSmallHit = tooSmallHit || strings.Contains(h.Evidence, `"problem":"too-small"`)
			}
		}
	}

	if keywordItems < 4 || len(keywordServices) < 3 || !latin || !han || !keywordCategoryIsRisk {
		t.Errorf("keyword hits on %d items of %d services (Latin term %v, Chinese term %v, risk category %v); want ≥ 4 items, ≥ 3 services, both scripts, a risk-a* category",
			keywordItems, len(keywordServices), latin, han, keywordCategoryIsRisk)
	}
	if exact < 2 || near < 1 {
		t.Errorf("feature-library matches: %d exact, %d near; want ≥ 2 exact and a near copy at a non-zero distance", exact, near)
	}
	if labelled*4 < imageItems || tooSmall != 1 || !tooSmallHit {
		t.Errorf("%d of %d pictures with a visible label found (%d too small, explicit-label too-small hit %v); want about a third, exactly one too small",
			labelled, imageItems, tooSmall, tooSmallHit)
	}
	if !blurredLive["keyword"] || !blurredLive["feature-bank"] {
		t.Errorf("items the desk blurs waiting in the live queue: %v; want a keyword and a feature-library one", blurredLive)
	}

	counts, err := w.DB.QueueCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Queue == review.QueueLive && (c.Waiting < 25 || c.Waiting != liveWaiting) {
			t.Errorf("live queue: %d waiting (items say %d); want ≥ 25 for reviewer1", c.Waiting, liveWaiting)
		}
	}
	rows, err := w.DB.QueuePage(ctx, review.QueueFilter{Queue: review.QueueLive})
	if err != nil || len(rows) != liveWaiting {
		t.Errorf("live queue page: %d rows, %v; want %d", len(rows), err, liveWaiting)
	}

	// The progress lines tell the truth.
	delivered := 0
	for _, l := range lines {
		if m := regexp.MustCompile(`^(\d+) (?:more )?items delivered`).FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			delivered += n
		}
	}
	if delivered != st.Items || st.Items != 60 {
		t.Errorf("progress says %d items delivered, the store holds %d; want 60", delivered, st.Items)
	}
	summary := lines[len(lines)-1]
	want := regexp.MustCompile(`^waiting: (\d+) in the live queue .*, (\d+) in the escalation queue$`).FindStringSubmatch(summary)
	if want == nil || want[1] != strconv.Itoa(liveWaiting) || want[2] != strconv.Itoa(escWait) {
		t.Errorf("progress %q; the store has %d live and %d escalated waiting", summary, liveWaiting, escWait)
	}

	if _, _, err := w.DB.Verify(ctx, nil); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, rulesDir, "banks", demoBank+".tsv"))
	if err != nil || bytes.Count(b, []byte("\tkh-")) < 2 {
		t.Errorf("the feature bank's list in rules/: %q, %v", b, err)
	}
}

// TestDemoOutputsAreDeterministic: two runs make the same files, the same
// sidecars and the same feature bank.
func TestDemoOutputsAreDeterministic(t *testing.T) {
	now := time.Date(2025, 11, 28, 9, 15, 0, 0, time.UTC)
	build := func() ([]demoOutput, string) {
		outs, entries, err := demoOutputs(rand.New(rand.NewPCG(20251128, 1)), now)
		if err != nil {
			t.Fatal(err)
		}
		var bank strings.Builder
		for _, e := range entries {
			bank.WriteString(e.Hash.String() + " " + e.ID + " " + e.Category + "\n")
		}
		return outs, bank.String()
	}
	a, bankA := build()
	b, bankB := build()
	if len(a) != 60 || len(a) != len(b) || bankA != bankB || bankA == "" {
		t.Fatalf("two runs: %d and %d outputs, banks %q and %q", len(a), len(b), bankA, bankB)
	}
	for i := range a {
		if !bytes.Equal(a[i].data, b[i].data) || !bytes.Equal(a[i].sidecar, b[i].sidecar) || a[i].produceID != b[i].produceID {
			t.Errorf("output %s differs between two runs", a[i].produceID)
		}
	}
}
