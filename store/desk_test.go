package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"synthreview/review"
	"synthreview/store"
	"synthreview/store/objects"
	"synthreview/store/outbox"
)

// clock is a settable store clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func withClock(db *store.DB) *clock {
	c := &clock{now: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	db.Now = c.Now
	return c
}

func mustVerify(t *testing.T, db *store.DB) {
	t.Helper()
	if _, _, err := db.Verify(context.Background(), nil); err != nil {
		t.Fatalf("audit verify: %v", err)
	}
}

// deskItem is one item of the queue-list fixture.
type deskItem struct {
	priority int
	category review.Category
	label    string
	hits     []review.RuleHit
}

var (
	hitFace     = review.RuleHit{RuleID: "face-no-consent", RuleVersion: "1", Severity: "critical", Evidence: `{"box":[1,2,3,4]}`}
	hitLabel    = review.RuleHit{RuleID: "implicit-label", RuleVersion: "2", Severity: "error"}
	hitKeyword  = review.RuleHit{RuleID: "keyword", RuleVersion: "1", Severity: "warning"}
	hitInfoOnly = review.RuleHit{RuleID: "keyword", RuleVersion: "1", Severity: "info"}
)

// queueFixture stores twelve items with mixed priorities, categories,
// label states and hits (received one minute apart), and has reviewer9
// claim the first in claim order. It returns the items by id.
func queueFixture(t *testing.T, db *store.DB) (map[int64]review.Item, map[int64]deskItem, int64) {
	t.Helper()
	ctx := context.Background()
	spec := []deskItem{
		{0, "image_generation", "none", nil},
		{0, "face_swap", "none", []review.RuleHit{hitFace}},
		{5, "image_generation", "confirmed", []review.RuleHit{hitKeyword}},
		{0, "text_writing", "suspected", []review.RuleHit{hitLabel, hitKeyword}},
		{5, "face_swap", "none", []review.RuleHit{hitInfoOnly}},
		{0, "image_generation", "suspected", []review.RuleHit{hitLabel}},
		{10, "text_writing", "none", nil},
		{0, "face_swap", "confirmed", []review.RuleHit{hitFace, hitLabel}},
		{5, "image_generation", "none", []review.RuleHit{hitKeyword}},
		{0, "text_writing", "none", []review.RuleHit{hitInfoOnly}},
		{0, "image_generation", "none", nil},
		{5, "face_swap", "suspected", []review.RuleHit{hitLabel}},
	}
	items := map[int64]review.Item{}
	specs := map[int64]deskItem{}
	// Stored out of received order, so id order differs from age order.
	for k, i := range []int{3, 0, 7, 1, 11, 5, 9, 2, 4, 10, 6, 8} {
		n := newItem(i)
		n.Item.ProduceID = fmt.Sprintf("Q%02d", k)
		n.Item.Priority, n.Item.Category, n.Item.LabelState = spec[k].priority, spec[k].category, spec[k].label
		n.RuleHits = spec[k].hits
		it, err := db.CreateItem(ctx, "system", n)
		if err != nil {
			t.Fatal(err)
		}
		items[it.ID], specs[it.ID] = it, spec[k]
	}
	held, err := db.Claim(ctx, "reviewer9", review.QueueLive, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return items, specs, held.ID
}

// claimOrder sorts ids the way Claim hands items out.
func claimOrder(items map[int64]review.Item, ids []int64) []int64 {
	sort.Slice(ids, func(a, b int) bool {
		x, y := items[ids[a]], items[ids[b]]
		if x.Priority != y.Priority {
			return x.Priority > y.Priority
		}
		if !x.ReceivedAt.Equal(y.ReceivedAt) {
			return x.ReceivedAt.Before(y.ReceivedAt)
		}
		return x.ID < y.ID
	})
	return ids
}

func rowIDs(rows []review.QueueRow) []int64 {
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestQueueLists(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	items, specs, held := queueFixture(t, db)
	want := func(keep func(deskItem) bool) []int64 {
		var ids []int64
		for id, sp := range specs {
			if id != held && keep(sp) {
				ids = append(ids, id)
			}
		}
		ids = claimOrder(items, ids)
		if keep(specs[held]) {
			ids = append([]int64{held}, ids...)
		}
		return ids
	}
	hasHit := func(sp deskItem, ok func(review.RuleHit) bool) bool { return slices.ContainsFunc(sp.hits, ok) }
	cases := []struct {
		name string
		f    review.QueueFilter
		keep func(deskItem) bool
	}{
		{"the whole queue lists the item in review first, then the waiting items in claim order",
			review.QueueFilter{}, func(deskItem) bool { return true }},
		{"a category keeps only that category",
			review.QueueFilter{Category: "face_swap"}, func(sp deskItem) bool { return sp.category == "face_swap" }},
		{"a rule keeps only items it fired on",
			review.QueueFilter{RuleID: "implicit-label"},
			func(sp deskItem) bool {
				return hasHit(sp, func(h review.RuleHit) bool { return h.RuleID == "implicit-label" })
			}},
		{"a label state keeps only that label state",
			review.QueueFilter{LabelState: "suspected"}, func(sp deskItem) bool { return sp.label == "suspected" }},
		{"a severity keeps items with a hit at least that severe",
			review.QueueFilter{Severity: "error"},
			func(sp deskItem) bool {
				return hasHit(sp, func(h review.RuleHit) bool { return review.SeverityRank(h.Severity) >= 3 })
			}},
		{"filters combine",
			review.QueueFilter{Category: "face_swap", Severity: "warning"},
			func(sp deskItem) bool {
				return sp.category == "face_swap" && hasHit(sp, func(h review.RuleHit) bool { return review.SeverityRank(h.Severity) >= 2 })
			}},
		{"a filter nothing matches gives an empty list",
			review.QueueFilter{RuleID: "no-such-rule"}, func(deskItem) bool { return false }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.f.Queue = review.QueueLive
			rows, err := db.QueuePage(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			w := want(c.keep)
			if got := rowIDs(rows); !slices.Equal(got, w) {
				t.Fatalf("rows %v, want %v", got, w)
			}
			total, err := db.QueueTotal(ctx, c.f)
			if err != nil || total != len(w) {
				t.Fatalf("total %d, %v; want %d", total, err, len(w))
			}
		})
	}
	t.Run("each row shows its highest severity, hit count and who holds it", func(t *testing.T) {
		rows, err := db.QueuePage(ctx, review.QueueFilter{Queue: review.QueueLive})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			sp, it := specs[r.ID], items[r.ID]
			best := ""
			for _, h := range sp.hits {
				if review.SeverityRank(h.Severity) > review.SeverityRank(best) {
					best = h.Severity
				}
			}
			if r.Severity != best || r.Hits != len(sp.hits) || r.ProduceID != it.ProduceID || r.Category != sp.category ||
				r.Priority != sp.priority || !r.ReceivedAt.Equal(it.ReceivedAt) {
				t.Errorf("row %+v; item %+v, hits %v", r, it, sp.hits)
			}
			if (r.ID == held) != (r.ClaimedBy == "reviewer9" && r.State == review.StateInReview) {
				t.Errorf("row %d: state %s, claimed by %q", r.ID, r.State, r.ClaimedBy)
			}
		}
	})
	t.Run("pages follow on from each other across the item in review", func(t *testing.T) {
		all := want(func(deskItem) bool { return true })
		var got []int64
		for off := 0; off < len(all)+5; off += 5 {
			rows, err := db.QueuePage(ctx, review.QueueFilter{Queue: review.QueueLive, Offset: off, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) > 5 {
				t.Fatalf("page of %d rows with limit 5", len(rows))
			}
			got = append(got, rowIDs(rows)...)
		}
		if !slices.Equal(got, all) {
			t.Fatalf("pages %v, want %v", got, all)
		}
	})
	t.Run("the escalation queue holds none of them", func(t *testing.T) {
		rows, err := db.QueuePage(ctx, review.QueueFilter{Queue: review.QueueEscalation})
		if err != nil || len(rows) != 0 {
			t.Fatalf("escalation rows %v, %v", rowIDs(rows), err)
		}
	})
	t.Run("an unknown queue, category or severity is refused", func(t *testing.T) {
		for _, f := range []review.QueueFilter{{Queue: "later"}, {Queue: review.QueueLive, Category: "cats"},
			{Queue: review.QueueLive, Severity: "dire"}} {
			if _, err := db.QueuePage(ctx, f); review.ErrorCode(err) != review.EINVALID {
				t.Errorf("page %+v: %v", f, err)
			}
			if _, err := db.QueueTotal(ctx, f); review.ErrorCode(err) != review.EINVALID {
				t.Errorf("total %+v: %v", f, err)
			}
		}
	})
}

func TestQueuePagesAreBounded(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := db.SeedSynthetic(ctx, review.MaxPage+20, synthTemplate(), nil); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, review.MaxPage + 1, 10_000} {
		rows, err := db.QueuePage(ctx, review.QueueFilter{Queue: review.QueueLive, Limit: limit})
		if err != nil || len(rows) != review.MaxPage {
			t.Errorf("limit %d gave %d rows, %v; want %d", limit, len(rows), err, review.MaxPage)
		}
	}
	rows, err := db.QueuePage(ctx, review.QueueFilter{Queue: review.QueueLive, Offset: review.MaxPage})
	if err != nil || len(rows) != 20 {
		t.Errorf("the last page has %d rows, %v; want 20", len(rows), err)
	}
}

func TestQueueCounts(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	items, _, _ := queueFixture(t, db)
	// One item goes to the escalation queue.
	it, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeEscalate, Note: "a senior should look"}); err != nil {
		t.Fatal(err)
	}
	var oldest time.Time
	for id := range items {
		cur, err := db.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if cur.State == review.StateQueued && (oldest.IsZero() || cur.ReceivedAt.Before(oldest)) {
			oldest = cur.ReceivedAt
		}
	}
	counts, err := db.QueueCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []review.QueueCount{
		{Queue: review.QueueLive, Waiting: 10, InReview: 1, Oldest: oldest},
		{Queue: review.QueueEscalation, Waiting: 1, InReview: 0, Oldest: items[it.ID].ReceivedAt},
	}
	if len(counts) != 2 {
		t.Fatalf("counts %+v", counts)
	}
	for i, c := range counts {
		if c.Queue != want[i].Queue || c.Waiting != want[i].Waiting || c.InReview != want[i].InReview || !c.Oldest.Equal(want[i].Oldest) {
			t.Errorf("counts[%d] = %+v, want %+v", i, c, want[i])
		}
	}
	t.Run("an empty queue has no oldest item", func(t *testing.T) {
		db := openDB(t)
		counts, err := db.QueueCounts(ctx)
		if err != nil || len(counts) != 2 || counts[0].Waiting != 0 || !counts[0].Oldest.IsZero() {
			t.Fatalf("counts %+v, %v", counts, err)
		}
	})
}

func TestNextWaitingIsWhatClaimGets(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	queueFixture(t, db)
	t.Run("it names the item the next claim gets, and skips the one asked", func(t *testing.T) {
		next, err := db.NextWaiting(ctx, "nobody", review.QueueLive, 0)
		if err != nil {
			t.Fatal(err)
		}
		after, err := db.NextWaiting(ctx, "nobody", review.QueueLive, next)
		if err != nil || after == next {
			t.Fatalf("skipping %d gave %d, %v", next, after, err)
		}
		it, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute)
		if err != nil || it.ID != next {
			t.Fatalf("claim got %d, %v; NextWaiting said %d", it.ID, err, next)
		}
		again, err := db.NextWaiting(ctx, "nobody", review.QueueLive, 0)
		if err != nil || again != after {
			t.Fatalf("after the claim NextWaiting says %d, %v; want %d", again, err, after)
		}
	})
	t.Run("an item whose lease lapsed is next when Claim would return it", func(t *testing.T) {
		clk.now = clk.now.Add(2 * time.Hour) // both claims so far lapse
		next, err := db.NextWaiting(ctx, "nobody", review.QueueLive, 0)
		if err != nil {
			t.Fatal(err)
		}
		it, err := db.Claim(ctx, "reviewer2", review.QueueLive, time.Minute)
		if err != nil || it.ID != next {
			t.Fatalf("claim got %d, %v; NextWaiting said %d", it.ID, err, next)
		}
	})
	t.Run("an empty or unknown queue has none", func(t *testing.T) {
		if _, err := db.NextWaiting(ctx, "nobody", review.QueueEscalation, 0); review.ErrorCode(err) != review.ENOTFOUND {
			t.Errorf("empty escalation queue: %v", err)
		}
		if _, err := db.NextWaiting(ctx, "nobody", "later", 0); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("unknown queue: %v", err)
		}
	})
}

func TestEvidence(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	if err := db.PutConsent(ctx, "system", review.Consent{ID: "CN-1", SubjectID: "s-1", SubjectName: "李四", Scope: "face",
		GrantedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, "admin", review.ImportBatch{Kind: "services", FileName: "s.csv", FileSHA256: strings.Repeat("0", 64),
		Services: []review.Service{{Name: "HuanLian", Category: "face_swap", Filing: "Beijing-HL-2025", Model: "hl-2"}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutRealName(ctx, "system", review.RealName{UserID: "u-1", Method: "mobile", Result: "verified",
		VerifiedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), MaskedID: "138****8000"}); err != nil {
		t.Fatal(err)
	}
	n := newItem(1)
	n.Item.Category, n.Item.Service = "face_swap", "HuanLian"
	n.ScanReport, n.Sidecar = `{"format":"png","label_state":"none"}`, `{"produce_id":"IMG00000001"}`
	n.RuleHits = []review.RuleHit{hitFace, hitLabel}
	n.ConsentIDs = []string{"CN-1", "CN-404"}
	it, err := db.CreateItem(ctx, "system", n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"consent-missing"},
		Note: "no consent for the second face"}); err != nil {
		t.Fatal(err)
	}
	ev, err := db.Evidence(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("it holds the item, scan report, sidecar and rule hits", func(t *testing.T) {
		if ev.Item.ProduceID != it.ProduceID || ev.Item.State != review.StateRejected || ev.Scan != n.ScanReport || ev.Sidecar != n.Sidecar {
			t.Fatalf("evidence %+v", ev)
		}
		if len(ev.RuleHits) != 2 || ev.RuleHits[0] != hitFace || ev.RuleHits[1].RuleID != "implicit-label" || ev.RuleHits[1].Evidence != "{}" {
			t.Fatalf("rule hits %+v", ev.RuleHits)
		}
	})
	t.Run("a consent on record has its record, a missing one has none", func(t *testing.T) {
		if len(ev.Consents) != 2 || ev.Consents[0].ID != "CN-1" || ev.Consents[0].Record == nil ||
			ev.Consents[0].Record.SubjectID != "s-1" || ev.Consents[0].Record.Scope != "face" ||
			ev.Consents[1].ID != "CN-404" || ev.Consents[1].Record != nil {
			t.Fatalf("consents %+v", ev.Consents)
		}
	})
	t.Run("the service record and the user's real-name record are there", func(t *testing.T) {
		if ev.Service == nil || ev.Service.Filing != "Beijing-HL-2025" || ev.RealName == nil || ev.RealName.Result != "verified" {
			t.Fatalf("service %+v, real name %+v", ev.Service, ev.RealName)
		}
	})
	t.Run("the decision and the item's events come oldest first", func(t *testing.T) {
		if len(ev.Decisions) != 1 || ev.Decisions[0].Outcome != review.OutcomeReject || ev.Decisions[0].Actor != "reviewer1" ||
			!slices.Equal(ev.Decisions[0].Reasons, []string{"consent-missing"}) || !ev.Decisions[0].UndoneAt.IsZero() {
			t.Fatalf("decisions %+v", ev.Decisions)
		}
		var kinds []string
		for _, e := range ev.Events {
			kinds = append(kinds, e.Kind)
		}
		if strings.Join(kinds, ",") != "item.received,item.claimed,item.decided" {
			t.Fatalf("events %v", kinds)
		}
	})
	t.Run("an item of an unknown service and an unverified user has neither record", func(t *testing.T) {
		n := newItem(2)
		n.Item.Service, n.Item.UserID = "Unregistered", "u-2"
		other, err := db.CreateItem(ctx, "system", n)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := db.Evidence(ctx, other.ID)
		if err != nil || ev.Service != nil || ev.RealName != nil || len(ev.Consents) != 0 || len(ev.Decisions) != 0 {
			t.Fatalf("evidence %+v, %v", ev, err)
		}
	})
	t.Run("an unknown item is not found", func(t *testing.T) {
		if _, err := db.Evidence(ctx, 9999); review.ErrorCode(err) != review.ENOTFOUND {
			t.Fatalf("evidence of item 9999: %v", err)
		}
	})
	mustVerify(t, db)
}

// relabelFixture has reviewer1 hold one item and stores a labelled copy of
// it in objects/; it returns the item, the copy and the outbox.
func relabelFixture(t *testing.T, db *store.DB) (review.Item, review.LabelledCopy, outbox.Outbox) {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Dir(db.Path())
	objs := objects.Store{Dir: filepath.Join(dir, "objects")}
	data := []byte("\x89PNG\r\n\x1a\nlabelled copy with AIGC metadata")
	sum, err := objs.PutBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	it, err := db.CreateItem(ctx, "system", newItem(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute); err != nil {
		t.Fatal(err)
	}
	c := review.LabelledCopy{SHA256: sum, Size: int64(len(data)), Format: "png", Marks: []string{"implicit", "explicit"}}
	return it, c, outbox.Outbox{Dir: filepath.Join(dir, "outbox"), DB: db, Objects: objs.Dir}
}

func outboxFiles(t *testing.T, ob outbox.Outbox) map[string]map[string]any {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(ob.Dir, "*.json"))
	out := map[string]map[string]any{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = m
	}
	return out
}

func byKind(files map[string]map[string]any, kind string) (string, map[string]any) {
	for name, m := range files {
		if m["kind"] == kind {
			return name, m
		}
	}
	return "", nil
}

func TestApproveAndRelabel(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	it, c, ob := relabelFixture(t, db)
	done, err := db.ApplyRelabelled(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeApproveRelabel}, c)
	if err != nil || done.State != review.StateRelabelled {
		t.Fatalf("relabel = %+v, %v", done, err)
	}
	t.Run("the copy and its event are recorded with the decision", func(t *testing.T) {
		ev, err := db.Evidence(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Copies) != 1 || ev.Copies[0].SHA256 != c.SHA256 || ev.Copies[0].Size != c.Size || ev.Copies[0].Format != "png" ||
			!slices.Equal(ev.Copies[0].Marks, c.Marks) || len(ev.Decisions) != 1 || ev.Copies[0].DecisionID != ev.Decisions[0].ID {
			t.Fatalf("copies %+v, decisions %+v", ev.Copies, ev.Decisions)
		}
		last := ev.Events[len(ev.Events)-1]
		if last.Kind != "item.relabelled" || !strings.Contains(last.Payload, c.SHA256) || !strings.Contains(last.Payload, `"explicit"`) {
			t.Fatalf("last event %s %s", last.Kind, last.Payload)
		}
	})
	t.Run("the outbox gets the decision and the labelled copy, with its file beside it", func(t *testing.T) {
		n, err := ob.Flush(ctx)
		if err != nil || n != 2 {
			t.Fatalf("flush wrote %d, %v; want the decision and the labelled copy", n, err)
		}
		files := outboxFiles(t, ob)
		_, dec := byKind(files, "decision")
		name, cp := byKind(files, "labelled_copy")
		if dec == nil || dec["action"] != "publish" || dec["outcome"] != "approve_relabel" || cp == nil {
			t.Fatalf("outbox files %v", files)
		}
		want := strings.TrimSuffix(name, ".json") + ".png"
		if cp["labelled_file"] != want || cp["labelled_sha256"] != c.SHA256 || cp["labelled_size"] != float64(c.Size) ||
			cp["labelled_format"] != "png" || fmt.Sprint(cp["marks"]) != "[implicit explicit]" {
			t.Fatalf("labelled_copy entry %v", cp)
		}
		b, err := os.ReadFile(filepath.Join(ob.Dir, want))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != c.SHA256 {
			t.Fatalf("the copied file does not hash to %s", c.SHA256)
		}
	})
	t.Run("another outcome or a malformed copy is refused", func(t *testing.T) {
		for _, bad := range []struct {
			d review.Decision
			c review.LabelledCopy
		}{
			{review.Decision{Outcome: review.OutcomeApprove}, c},
			{review.Decision{Outcome: review.OutcomeApproveRelabel}, review.LabelledCopy{SHA256: "../../etc/passwd", Size: 1, Format: "png"}},
			{review.Decision{Outcome: review.OutcomeApproveRelabel}, review.LabelledCopy{SHA256: c.SHA256, Size: 1, Format: "p/ng"}},
		} {
			if _, err := db.ApplyRelabelled(ctx, "reviewer1", it.ID, bad.d, bad.c); review.ErrorCode(err) != review.EINVALID {
				t.Errorf("%+v: %v", bad, err)
			}
		}
	})
	mustVerify(t, db)
}

func TestAnOutboxWithoutObjectsRefusesACopy(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	it, c, ob := relabelFixture(t, db)
	if _, err := db.ApplyRelabelled(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeApproveRelabel}, c); err != nil {
		t.Fatal(err)
	}
	ob.Objects = ""
	if _, err := ob.Flush(ctx); err == nil || !strings.Contains(err.Error(), "no objects folder") {
		t.Fatalf("flush without objects: %v", err)
	}
	if _, cp := byKind(outboxFiles(t, ob), "labelled_copy"); cp != nil {
		t.Fatal("the labelled_copy JSON was written without its file")
	}
}

func TestUndo(t *testing.T) {
	ctx := context.Background()
	decide := func(t *testing.T, outcome review.Outcome) (*store.DB, *clock, review.Item, int64, outbox.Outbox) {
		t.Helper()
		db := openDB(t)
		clk := withClock(db)
		it, c, ob := relabelFixture(t, db)
		var err error
		d := review.Decision{Outcome: outcome, Note: "why", Reasons: []string{"rumour"}}
		if outcome == review.OutcomeApproveRelabel {
			d.Reasons = nil
			_, err = db.ApplyRelabelled(ctx, "reviewer1", it.ID, d, c)
		} else {
			_, err = db.Apply(ctx, "reviewer1", it.ID, d)
		}
		if err != nil {
			t.Fatal(err)
		}
		ev, err := db.Evidence(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		clk.now = clk.now.Add(5 * time.Second)
		return db, clk, it, ev.Decisions[0].ID, ob
	}
	t.Run("an undo within the window gives the item back and cancels the unwritten files", func(t *testing.T) {
		db, clk, it, dec, ob := decide(t, review.OutcomeApproveRelabel)
		back, err := db.UndoDecision(ctx, "reviewer1", dec, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if back.State != review.StateInReview || back.ClaimedBy != "reviewer1" || back.Queue != review.QueueLive ||
			!back.LeaseUntil.Equal(clk.now.Add(review.DefaultLease)) {
			t.Fatalf("item after undo %+v", back)
		}
		if stored, _ := db.Item(ctx, it.ID); stored.State != review.StateInReview || stored.ClaimedBy != "reviewer1" {
			t.Fatalf("stored item %+v", stored)
		}
		if n, err := ob.Flush(ctx); err != nil || n != 0 {
			t.Fatalf("flush after the undo wrote %d, %v; want nothing", n, err)
		}
		if st, _ := db.Status(ctx); st.OutboxUnacked != 0 {
			t.Fatalf("cancelled entries still count as unacknowledged: %d", st.OutboxUnacked)
		}
		ev, _ := db.Evidence(ctx, it.ID)
		last := ev.Events[len(ev.Events)-1]
		if !ev.Decisions[0].UndoneAt.Equal(clk.now) || last.Kind != "item.decision_undone" ||
			!strings.Contains(last.Payload, ev.Copies[0].SHA256) || len(ev.Copies) != 1 {
			t.Fatalf("decision %+v, copies %+v, last event %s %s", ev.Decisions[0], ev.Copies, last.Kind, last.Payload)
		}
		// The item can be decided again by its holder.
		if _, err := db.Apply(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeApprove}); err != nil {
			t.Fatalf("deciding again after the undo: %v", err)
		}
		mustVerify(t, db)
	})
	t.Run("an undo after the file was written queues its revocation", func(t *testing.T) {
		db, _, _, dec, ob := decide(t, review.OutcomeReject)
		if n, err := ob.Flush(ctx); err != nil || n != 1 {
			t.Fatalf("flush wrote %d, %v", n, err)
		}
		name, _ := byKind(outboxFiles(t, ob), "decision")
		if _, err := db.UndoDecision(ctx, "reviewer1", dec, 30*time.Second); err != nil {
			t.Fatal(err)
		}
		if n, err := ob.Flush(ctx); err != nil || n != 1 {
			t.Fatalf("flush after the undo wrote %d, %v; want the revocation", n, err)
		}
		_, rv := byKind(outboxFiles(t, ob), "revoke")
		if rv == nil || rv["revokes_file"] != name || rv["decision_id"] != float64(dec) || rv["revoked_by"] != "reviewer1" {
			t.Fatalf("revoke entry %v (of %s)", rv, name)
		}
		var id int64
		fmt.Sscanf(name, "%d-", &id)
		if rv["revokes_outbox_id"] != float64(id) {
			t.Fatalf("revoke names outbox id %v, want %d", rv["revokes_outbox_id"], id)
		}
		mustVerify(t, db)
	})
	t.Run("a file written while the undo cancelled it is revoked", func(t *testing.T) {
		db, _, _, dec, _ := decide(t, review.OutcomeReject)
		pending, err := db.UnwrittenOutbox(ctx) // the writer has read its list …
		if err != nil || len(pending) != 1 {
			t.Fatalf("unwritten %+v, %v", pending, err)
		}
		if _, err := db.UndoDecision(ctx, "reviewer1", dec, 30*time.Second); err != nil { // … the undo cancels …
			t.Fatal(err)
		}
		if err := db.MarkOutboxWritten(ctx, pending[0].ID); err != nil { // … and the file lands anyway
			t.Fatal(err)
		}
		next, err := db.UnwrittenOutbox(ctx)
		if err != nil || len(next) != 1 || next[0].Kind != "revoke" || !strings.Contains(next[0].Body, pending[0].FileName) {
			t.Fatalf("after the late write: %+v, %v", next, err)
		}
		mustVerify(t, db)
	})
	t.Run("an undo of an escalation puts the item back in the live queue", func(t *testing.T) {
		db, _, _, dec, _ := decide(t, review.OutcomeEscalate)
		back, err := db.UndoDecision(ctx, "reviewer1", dec, 30*time.Second)
		if err != nil || back.Queue != review.QueueLive || back.State != review.StateInReview {
			t.Fatalf("undo = %+v, %v", back, err)
		}
		if counts, _ := db.QueueCounts(ctx); counts[1].Waiting != 0 || counts[0].InReview != 1 {
			t.Fatalf("counts %+v", counts)
		}
	})
	refusals := []struct {
		name string
		prep func(t *testing.T, db *store.DB, clk *clock, dec int64)
		who  string
	}{
		{"another reviewer cannot undo it", func(*testing.T, *store.DB, *clock, int64) {}, "reviewer2"},
		{"it cannot be undone after the window", func(_ *testing.T, _ *store.DB, clk *clock, _ int64) {
			clk.now = clk.now.Add(30 * time.Second)
		}, "reviewer1"},
		{"it cannot be undone twice", func(t *testing.T, db *store.DB, _ *clock, dec int64) {
			if _, err := db.UndoDecision(ctx, "reviewer1", dec, 30*time.Second); err != nil {
				t.Fatal(err)
			}
		}, "reviewer1"},
		{"it cannot be undone once someone else took the item", func(t *testing.T, db *store.DB, _ *clock, _ int64) {
			if _, err := db.Claim(ctx, "reviewer2", review.QueueLive, time.Minute); err != nil {
				t.Fatal(err)
			}
		}, "reviewer1"},
		{"it cannot be undone once someone else took the item and gave it back", func(t *testing.T, db *store.DB, _ *clock, _ int64) {
			it, err := db.Claim(ctx, "reviewer2", review.QueueLive, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Release(ctx, "reviewer2", it.ID); err != nil {
				t.Fatal(err)
			}
		}, "reviewer1"},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			db, clk, it, dec, _ := decide(t, review.OutcomeSkip)
			r.prep(t, db, clk, dec)
			before, _ := db.Item(ctx, it.ID)
			_, err := db.UndoDecision(ctx, r.who, dec, 30*time.Second)
			if review.ErrorCode(err) != review.ECONFLICT {
				t.Fatalf("undo: %v, want ECONFLICT", err)
			}
			if after, _ := db.Item(ctx, it.ID); after != before {
				t.Fatalf("a refused undo changed the item: %+v → %+v", before, after)
			}
			mustVerify(t, db)
		})
	}
	t.Run("an unknown decision is not found", func(t *testing.T) {
		db := openDB(t)
		if _, err := db.UndoDecision(ctx, "reviewer1", 42, time.Minute); review.ErrorCode(err) != review.ENOTFOUND {
			t.Fatalf("undo of decision 42: %v", err)
		}
	})
}

func TestRelease(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	it, err := db.CreateItem(ctx, "system", newItem(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute); err != nil {
		t.Fatal(err)
	}
	t.Run("someone who does not hold the item cannot release it", func(t *testing.T) {
		if err := db.Release(ctx, "reviewer2", it.ID); review.ErrorCode(err) != review.ECONFLICT {
			t.Fatalf("release by reviewer2: %v", err)
		}
		if err := db.Release(ctx, "reviewer1", 9999); review.ErrorCode(err) != review.ENOTFOUND {
			t.Fatalf("release of item 9999: %v", err)
		}
	})
	t.Run("the holder's release puts the item back in its queue", func(t *testing.T) {
		if err := db.Release(ctx, "reviewer1", it.ID); err != nil {
			t.Fatal(err)
		}
		back, _ := db.Item(ctx, it.ID)
		if back.State != review.StateQueued || back.ClaimedBy != "" || !back.LeaseUntil.IsZero() {
			t.Fatalf("item after release %+v", back)
		}
		evs, _ := db.EventsFor(ctx, fmt.Sprintf("item:%d", it.ID))
		if evs[len(evs)-1].Kind != "item.released" {
			t.Fatalf("last event %s", evs[len(evs)-1].Kind)
		}
		if err := db.Release(ctx, "reviewer1", it.ID); review.ErrorCode(err) != review.ECONFLICT {
			t.Fatalf("second release: %v", err)
		}
		if next, err := db.NextWaiting(ctx, "nobody", review.QueueLive, 0); err != nil || next != it.ID {
			t.Fatalf("next after release %d, %v", next, err)
		}
	})
	mustVerify(t, db)
}

func TestIntakeErrorsForTheDesk(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := db.RecordIntakeError(ctx, "IMG1.json", "no output file"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordIntakeError(ctx, "IMG2.json", "bad JSON"); err != nil {
		t.Fatal(err)
	}
	if err := db.ResolveIntakeError(ctx, "IMG2.json", 0); err != nil {
		t.Fatal(err)
	}
	list, err := db.IntakeErrors(ctx)
	if err != nil || len(list) != 1 || list[0].Path != "IMG1.json" || list[0].Reason != "no output file" || list[0].At.IsZero() {
		t.Fatalf("intake errors %+v, %v", list, err)
	}
}

func TestAWorkspaceFromBeforeTheDeskKeepsItsHits(t *testing.T) {
	ctx := context.Background()
	raw, path := rawAtSchema(t, 7)
	execAll(t, raw, []string{
		`INSERT INTO items (produce_id, format, object_sha256, size, category, created_at, received_at, state, updated_at)
			VALUES ('OLD1', 'png', '` + strings.Repeat("ab", 32) + `', 1, 'face_swap', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'queued', '2026-01-01T00:00:00.000Z')`,
		`INSERT INTO items (produce_id, format, object_sha256, size, category, created_at, received_at, state, updated_at)
			VALUES ('OLD2', 'png', '` + strings.Repeat("ab", 32) + `', 1, 'face_swap', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', 'queued', '2026-01-01T00:00:00.000Z')`,
		`INSERT INTO rule_hits (item_id, rule_id, rule_version, severity) VALUES (1, 'keyword', '1', 'warning'), (1, 'face-no-consent', '1', 'critical')`,
	})
	db := openMigrated(t, raw, path)
	rows, err := db.QueuePage(ctx, review.QueueFilter{Queue: review.QueueLive})
	if err != nil || len(rows) != 2 || rows[0].Hits != 2 || rows[0].Severity != "critical" || rows[1].Hits != 0 || rows[1].Severity != "" {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	if n, err := db.QueueTotal(ctx, review.QueueFilter{Queue: review.QueueLive, Severity: "error"}); err != nil || n != 1 {
		t.Fatalf("items with an error or worse: %d, %v", n, err)
	}
}

func TestASkippedItemGoesToSomeoneElse(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	c := withClock(db)
	items, _, held := queueFixture(t, db)
	if _, err := db.Apply(ctx, "reviewer9", held, review.Decision{Actor: "reviewer9", Outcome: review.OutcomeSkip, Note: "conflict of interest"}); err != nil {
		t.Fatal(err)
	}
	next, err := db.NextWaiting(ctx, "reviewer9", review.QueueLive, 0)
	if err != nil || next == held {
		t.Fatalf("NextWaiting for the skipper: %d, %v; the skipped item is %d", next, err, held)
	}
	again, err := db.Claim(ctx, "reviewer9", review.QueueLive, time.Hour)
	if err != nil || again.ID == held || again.ID != next {
		t.Fatalf("the skipper claimed %d (%v), want %d, not the skipped %s", again.ID, err, next, items[held].ProduceID)
	}
	other, err := db.Claim(ctx, "reviewer2", review.QueueLive, time.Hour)
	if err != nil || other.ID != held {
		t.Fatalf("another reviewer should get the skipped item first: got %d, %v", other.ID, err)
	}
	t.Run("after the skip memory it comes back to the same reviewer", func(t *testing.T) {
		if err := db.Release(ctx, "reviewer2", held); err != nil {
			t.Fatal(err)
		}
		c.now = c.now.Add(review.SkipMemory + time.Minute)
		if next, err := db.NextWaiting(ctx, "reviewer9", review.QueueLive, again.ID); err != nil || next != held {
			t.Errorf("after %s: next %d (%v), want %d", review.SkipMemory, next, err, held)
		}
	})
	mustVerify(t, db)
}
