package store_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"synthreview/review"
	"synthreview/store"
)

// nov is a time on a day of November 2026, at 09:00 UTC.
func nov(day int) time.Time { return time.Date(2026, 11, day, 9, 0, 0, 0, time.UTC) }

// auditFixture builds a small workspace whose audit figures for the
// period 10–19 November 2026 can be counted by hand:
//
//	A face_swap        received 5 Nov (before), approve-and-relabel 13 Nov: in scope by its decision
//	B image_generation received 12 Nov, conforming, visible label 6 %, watermark; rejected (risk-a1a, implicit-label-missing)
//	C face_swap        received 12 Nov, visible label 3 % (too small); rejected then undone
//	D text_dialogue    received 12 Nov, conforming, text label; cleared by the machine
//	E speech_synthesis received 12 Nov, escalated; scan report not JSON
//	F image_generation received 25 Nov (after), approved 26 Nov: out of scope
//
// plus four complaints in the period (one answered in time, one late, one
// open, one overdue) and one after it, and five consent records.
func auditFixture(t *testing.T, db *store.DB) (ids map[string]int64, copySHA string) {
	t.Helper()
	ctx := context.Background()
	clk := withClock(db)
	ids = map[string]int64{}

	clk.now = nov(1)
	consents := []review.Consent{
		{ID: "C1", SubjectID: "s-1", SubjectName: "张三", Scope: "face", GrantedAt: nov(1)},
		{ID: "C2", SubjectID: "s-2", SubjectName: "李四", Scope: "voice", GrantedAt: nov(1), ExpiresAt: nov(15)},
		{ID: "C3", SubjectID: "s-3", SubjectName: "王五", Scope: "face", GrantedAt: nov(1), WithdrawnAt: nov(18)},
		{ID: "C4", SubjectID: "s-4", SubjectName: "赵六", Scope: "face", GrantedAt: nov(25)},
		{ID: "C5", SubjectID: "s-5", SubjectName: "孙七", Scope: "face+voice", GrantedAt: nov(1), WithdrawnAt: nov(25)},
	}
	for _, c := range consents {
		if err := db.PutConsent(ctx, "admin", c); err != nil {
			t.Fatal(err)
		}
	}

	add := func(name string, at time.Time, cat review.Category, verdict, report string, state review.State, hits ...review.RuleHit) {
		t.Helper()
		clk.now = at
		n := review.NewItem{Item: review.Item{ProduceID: "P-" + name, Format: "png", ObjectSHA256: strings.Repeat(name, 64),
			Size: 10, Category: cat, Verdict: verdict, State: state, ReceivedAt: at}, ScanReport: report, RuleHits: hits}
		if state == review.StateEscalated {
			n.Item.Queue = review.QueueEscalation
		}
		if name == "f" {
			n.Item.Priority = 5 // claimed before C, whose lease after the undo has lapsed
		}
		it, err := db.CreateItem(ctx, "system", n)
		if err != nil {
			t.Fatalf("item %s: %v", name, err)
		}
		ids[name] = it.ID
	}
	add("a", nov(5), "face_swap", "conforming", `{}`, review.StateQueued)
	add("b", nov(12), "image_generation", "conforming",
		`{"explicit":[{"text":"AI生成","height_ratio":0.06,"source":"detector"}],"watermark":{"detected":true}}`, review.StateQueued, hitFace)
	add("c", nov(12).Add(time.Minute), "face_swap", "unlabelled",
		`{"explicit":[{"text":"AI","height_ratio":0.03,"source":"detector"}],"watermark":{"detected":false}}`, review.StateQueued, hitLabel)
	add("d", nov(12).Add(2*time.Minute), "text_dialogue", "conforming",
		`{"explicit":[{"text":"本内容由AI生成","height_ratio":0,"source":"text:start"}]}`, review.StateCleared)
	add("e", nov(12).Add(3*time.Minute), "speech_synthesis", "nonconforming", `not json`, review.StateEscalated, hitLabel, hitKeyword)

	clk.now = nov(13)
	claim := func(want string) {
		t.Helper()
		it, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Hour)
		if err != nil || it.ID != ids[want] {
			t.Fatalf("claim: got item %d (%v), want %s", it.ID, err, want)
		}
	}
	claim("a")
	copySHA = strings.Repeat("c0", 32)
	if _, err := db.ApplyRelabelled(ctx, "reviewer1", ids["a"], review.Decision{Outcome: review.OutcomeApproveRelabel},
		review.LabelledCopy{SHA256: copySHA, Size: 12, Format: "png", Marks: []string{"implicit"}}); err != nil {
		t.Fatal(err)
	}
	claim("b")
	if _, err := db.Apply(ctx, "reviewer1", ids["b"], review.Decision{Outcome: review.OutcomeReject,
		Reasons: []string{"risk-a1a", "implicit-label-missing"}}); err != nil {
		t.Fatal(err)
	}
	claim("c")
	if _, err := db.Apply(ctx, "reviewer1", ids["c"], review.Decision{Outcome: review.OutcomeReject,
		Reasons: []string{"explicit-label-too-small"}}); err != nil {
		t.Fatal(err)
	}
	ev, err := db.Evidence(ctx, ids["c"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UndoDecision(ctx, "reviewer1", ev.Decisions[0].ID, time.Minute); err != nil {
		t.Fatal(err)
	}

	complaint := func(at, received, due time.Time, status string) {
		t.Helper()
		clk.now = at
		if _, err := db.RecordComplaint(ctx, "reviewer1", review.Complaint{Kind: "complaint", Channel: "app",
			Contact: "13800138000", Category: "other", Text: "投诉内容", ReceivedAt: received, DueAt: due, Status: status}); err != nil {
			t.Fatal(err)
		}
	}
	complaint(nov(11), nov(11), nov(26), "open")        // overdue on 28 Nov
	complaint(nov(15), nov(15), nov(30), "open")        // open, not yet due
	complaint(nov(13), nov(12), nov(14), "answered")    // answered in time
	complaint(nov(16), nov(12), nov(13), "answered")    // answered late
	complaint(nov(21), nov(21), nov(30), "in_progress") // after the period

	clk.now = nov(21)
	if _, err := db.RecordCheckpoint(ctx, "system", func([]byte) (string, string, error) { return "c2ln", "ab", nil }); err != nil {
		t.Fatal(err)
	}
	add("f", nov(25), "image_generation", "unlabelled", `{}`, review.StateQueued, hitKeyword)
	clk.now = nov(26)
	claim("f")
	if _, err := db.Apply(ctx, "reviewer1", ids["f"], review.Decision{Outcome: review.OutcomeApprove}); err != nil {
		t.Fatal(err)
	}
	clk.now = nov(28)
	return ids, copySHA
}

func TestAuditData(t *testing.T) {
	db := openDB(t)
	ids, copySHA := auditFixture(t, db)
	ctx := context.Background()
	from, to := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	var pickedHead review.Event
	var pickedScope []store.AuditFile
	var progress []int
	d, err := db.AuditData(ctx, store.AuditQuery{From: from, To: to, AsOf: nov(28),
		Pick: func(head review.Event, scope []store.AuditFile) []int64 {
			pickedHead, pickedScope = head, scope
			return []int64{ids["c"], ids["a"]}
		},
		Progress: func(done, total int) { progress = append(progress, done, total) },
	})
	if err != nil {
		t.Fatal(err)
	}
	seq, hash, err := db.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the head is the last event and the sample is drawn knowing it", func(t *testing.T) {
		if d.Head.Seq != seq || d.Head.Hash != hash || pickedHead.Hash != hash {
			t.Errorf("head %d %s (pick saw %s), want %d %s", d.Head.Seq, d.Head.Hash, pickedHead.Hash, seq, hash)
		}
		if len(pickedScope) != 5 {
			t.Errorf("pick saw %d items in scope, want 5", len(pickedScope))
		}
	})

	t.Run("scope is the items received or decided in the period, with their files", func(t *testing.T) {
		var got []int64
		for _, f := range d.Scope {
			got = append(got, f.ItemID)
		}
		want := []int64{ids["a"], ids["b"], ids["c"], ids["d"], ids["e"]}
		if !slices.Equal(got, want) {
			t.Fatalf("scope %v, want %v", got, want)
		}
		a := d.Scope[0]
		if a.ProduceID != "P-a" || a.ObjectSHA256 != strings.Repeat("a", 64) || !slices.Equal(a.Labelled, []string{copySHA}) ||
			a.State != review.StateRelabelled {
			t.Errorf("item A in scope: %+v", a)
		}
		if len(d.Scope[1].Labelled) != 0 {
			t.Errorf("item B has labelled copies %v", d.Scope[1].Labelled)
		}
	})

	t.Run("the picked items come with their evidence, in id order", func(t *testing.T) {
		if len(d.Items) != 2 || d.Items[0].Item.ID != ids["a"] || d.Items[1].Item.ID != ids["c"] {
			t.Fatalf("items %+v", d.Items)
		}
		a, c := d.Items[0], d.Items[1]
		if len(a.Copies) != 1 || a.Copies[0].SHA256 != copySHA || len(a.Decisions) != 1 || a.Scan != "{}" {
			t.Errorf("item A evidence: %+v", a)
		}
		if len(c.Decisions) != 1 || c.Decisions[0].UndoneAt.IsZero() || len(c.RuleHits) != 1 || c.RuleHits[0].RuleID != "implicit-label" {
			t.Errorf("item C evidence: decisions %+v, hits %+v", c.Decisions, c.RuleHits)
		}
		if !slices.Equal(progress, []int{1, 2, 2, 2}) {
			t.Errorf("progress %v", progress)
		}
	})

	t.Run("summary counts", func(t *testing.T) {
		s := d.Summary
		wantCat := map[review.Category]int{"face_swap": 2, "image_generation": 1, "text_dialogue": 1, "speech_synthesis": 1}
		if !maps.Equal(s.ItemsByCategory, wantCat) {
			t.Errorf("by category %v, want %v", s.ItemsByCategory, wantCat)
		}
		wantOut := map[review.Outcome]int{review.OutcomeApproveRelabel: 1, review.OutcomeReject: 1}
		if !maps.Equal(s.DecisionsByOutcome, wantOut) {
			t.Errorf("by outcome %v, want %v (the undone rejection does not count)", s.DecisionsByOutcome, wantOut)
		}
		wantReason := map[string]int{"risk-a1a": 1, "implicit-label-missing": 1}
		if !maps.Equal(s.DecisionsByReason, wantReason) {
			t.Errorf("by reason %v, want %v", s.DecisionsByReason, wantReason)
		}
		if s.Routed != 3 || s.Cleared != 1 {
			t.Errorf("routed %d, cleared %d; want 3 and 1", s.Routed, s.Cleared)
		}
		wantLabels := store.AuditLabels{Total: 5, Implicit: 3, ExplicitRequired: 4, Explicit: 1, Watermark: 1}
		if s.Labels != wantLabels {
			t.Errorf("labels %+v, want %+v", s.Labels, wantLabels)
		}
		wantHits := []store.AuditRuleCount{
			{RuleID: "implicit-label", Version: "2", Severity: "error", Hits: 2},
			{RuleID: "face-no-consent", Version: "1", Severity: "critical", Hits: 1},
			{RuleID: "keyword", Version: "1", Severity: "warning", Hits: 1},
		}
		if !slices.Equal(s.RuleHits, wantHits) {
			t.Errorf("rule hits %+v, want %+v", s.RuleHits, wantHits)
		}
		wantComplaints := store.AuditComplaintCounts{Received: 4, OnTime: 1, Late: 1, Open: 1, Overdue: 1}
		if s.Complaints != wantComplaints {
			t.Errorf("complaints %+v, want %+v", s.Complaints, wantComplaints)
		}
		wantConsents := map[string]int{"valid": 2, "expired": 1, "withdrawn": 1}
		if !maps.Equal(s.ConsentsByState, wantConsents) {
			t.Errorf("consents %v, want %v", s.ConsentsByState, wantConsents)
		}
	})

	t.Run("the registers hold the period's complaints and the consents granted before its end", func(t *testing.T) {
		if len(d.Complaints) != 4 {
			t.Fatalf("%d complaints, want 4", len(d.Complaints))
		}
		answered := 0
		for _, c := range d.Complaints {
			if !c.AnsweredAt.IsZero() {
				answered++
			}
		}
		if answered != 2 {
			t.Errorf("%d complaints with an answer time, want 2", answered)
		}
		var cids []string
		for _, c := range d.Consents {
			cids = append(cids, c.ID)
		}
		if !slices.Equal(cids, []string{"C1", "C2", "C3", "C5"}) {
			t.Errorf("consents %v", cids)
		}
	})

	t.Run("the events chain from the period's first to the head", func(t *testing.T) {
		if len(d.Events) == 0 || len(d.After) == 0 {
			t.Fatalf("%d events in the period, %d after", len(d.Events), len(d.After))
		}
		if d.Events[0].At.Before(from) || !d.Events[len(d.Events)-1].At.Before(to) {
			t.Errorf("period events run from %s to %s", d.Events[0].At, d.Events[len(d.Events)-1].At)
		}
		all := append(slices.Clone(d.Events), d.After...)
		for i := 1; i < len(all); i++ {
			if all[i].Seq != all[i-1].Seq+1 || all[i].PrevHash != all[i-1].Hash {
				t.Fatalf("event %d does not follow event %d", all[i].Seq, all[i-1].Seq)
			}
		}
		if last := all[len(all)-1]; last.Seq != seq || last.Hash != hash {
			t.Errorf("the events end at %d, the head is %d", last.Seq, seq)
		}
		if !d.After[0].At.After(to) && !d.After[0].At.Equal(to) {
			t.Errorf("the first event after the period is at %s", d.After[0].At)
		}
		if len(d.Checkpoints) != 1 || d.Checkpoints[0].Kind != "audit.checkpoint" {
			t.Errorf("checkpoints %+v", d.Checkpoints)
		}
	})

	t.Run("an empty period reads no items and chains its head", func(t *testing.T) {
		e, err := db.AuditData(ctx, store.AuditQuery{From: nov(2), To: nov(3), AsOf: nov(28)})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Scope) != 0 || len(e.Items) != 0 || e.Summary.Labels.Total != 0 || e.Summary.Complaints.Received != 0 {
			t.Errorf("empty period: %d in scope, %d items, %+v", len(e.Scope), len(e.Items), e.Summary)
		}
		if len(e.Events) != 0 || len(e.After) == 0 || e.After[len(e.After)-1].Hash != hash {
			t.Errorf("empty period: %d events, %d after", len(e.Events), len(e.After))
		}
	})

	t.Run("a reversed period is refused", func(t *testing.T) {
		if _, err := db.AuditData(ctx, store.AuditQuery{From: to, To: from}); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("reversed period: %v", err)
		}
	})
}
