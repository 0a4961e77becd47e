package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"synthreview/review"
	"synthreview/store"
	"synthreview/store/outbox"
)

// recordCase stores a case as the service would: due after the default
// time limit.
func recordCase(t *testing.T, db *store.DB, c review.Complaint) review.Case {
	t.Helper()
	ctx := context.Background()
	if c.Channel == "" {
		c.Channel = "app"
	}
	if c.Category == "" {
		c.Category = "other"
	}
	if c.Text == "" {
		c.Text = "这张图用了我的照片。"
	}
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = db.Now()
	}
	c.DueAt = c.ReceivedAt.Add(review.DefaultComplaintDays * 24 * time.Hour)
	rec, err := db.RecordComplaint(ctx, "reviewer1", c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Case(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// decidedItem stores item i and has reviewer1 decide it with outcome.
func decidedItem(t *testing.T, db *store.DB, i int, outcome review.Outcome) review.Item {
	t.Helper()
	ctx := context.Background()
	it, err := db.CreateItem(ctx, "system", newItem(i))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute); err != nil {
		t.Fatal(err)
	}
	d := review.Decision{Outcome: outcome}
	if outcome == review.OutcomeReject {
		d.Reasons = []string{"implicit-label-missing"}
	}
	it, err = db.Apply(ctx, "reviewer1", it.ID, d)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func eventKinds(t *testing.T, db *store.DB, subject string) []string {
	t.Helper()
	evs, err := db.EventsFor(context.Background(), subject)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

func TestCaseListFiltersAndCounts(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	now := clk.now
	day := 24 * time.Hour
	late := recordCase(t, db, review.Complaint{Kind: "complaint", ReceivedAt: now.Add(-20 * day)})
	fresh := recordCase(t, db, review.Complaint{Kind: "complaint", ReceivedAt: now.Add(-2 * day)})
	it := decidedItem(t, db, 1, review.OutcomeReject)
	appeal := recordCase(t, db, review.Complaint{Kind: "appeal", ItemID: it.ID, ProduceID: it.ProduceID,
		Category: "implicit-label-missing", ReceivedAt: now.Add(-1 * day)})
	done := recordCase(t, db, review.Complaint{Kind: "complaint", ReceivedAt: now.Add(-30 * day), Status: "answered", Reply: "已处理。"})

	ids := func(cs []review.Case) []int64 {
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    review.CaseFilter
		want []int64
	}{
		{"unanswered cases come first, soonest due first, then the answered ones", review.CaseFilter{},
			[]int64{late.ID, fresh.ID, appeal.ID, done.ID}},
		{"the overdue filter keeps only unanswered cases past their due time", review.CaseFilter{Overdue: true}, []int64{late.ID}},
		{"the kind filter keeps the appeals", review.CaseFilter{Kind: "appeal"}, []int64{appeal.ID}},
		{"the status filter keeps the answered ones", review.CaseFilter{Status: "answered"}, []int64{done.ID}},
		{"a page starts at its offset", review.CaseFilter{Offset: 1, Limit: 2}, []int64{fresh.ID, appeal.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Now = now
			rows, total, err := db.CasePage(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(rows), tc.want) {
				t.Errorf("rows %v, want %v", ids(rows), tc.want)
			}
			if tc.f.Limit == 0 && total != len(tc.want) {
				t.Errorf("total %d, want %d", total, len(tc.want))
			}
		})
	}
	t.Run("an appeal's row carries its item as it is now", func(t *testing.T) {
		rows, _, err := db.CasePage(ctx, review.CaseFilter{Kind: "appeal", Now: now})
		if err != nil || len(rows) != 1 || rows[0].Item == nil || rows[0].Item.State != review.StateRejected {
			t.Fatalf("rows %+v, %v", rows, err)
		}
	})
	t.Run("a case recorded answered is answered at its recording", func(t *testing.T) {
		c, err := db.Case(ctx, done.ID)
		if err != nil || !c.AnsweredAt.Equal(now) {
			t.Errorf("answered at %v, %v; want %v", c.AnsweredAt, err, now)
		}
	})
	t.Run("the counts give open, overdue and waiting appeals", func(t *testing.T) {
		n, err := db.CaseCounts(ctx, now)
		if err != nil || n != (review.CaseCounts{Open: 3, Overdue: 1}) {
			t.Errorf("counts %+v, %v", n, err)
		}
	})
	t.Run("an unknown status is refused", func(t *testing.T) {
		if _, _, err := db.CasePage(ctx, review.CaseFilter{Status: "lost"}); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("err %v", err)
		}
	})
	t.Run("an unknown case is not found", func(t *testing.T) {
		if _, err := db.Case(ctx, 999); review.ErrorCode(err) != review.ENOTFOUND {
			t.Errorf("err %v", err)
		}
	})
}

func TestCaseWorkflow(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	c := recordCase(t, db, review.Complaint{Kind: "complaint", Contact: "13800138000"})

	if _, err := db.MoveCase(ctx, "reviewer1", c.ID, review.CaseFinish); review.ErrorCode(err) != review.EINVALID {
		t.Fatalf("closing an open case: %v, want EINVALID", err)
	}
	got, err := db.MoveCase(ctx, "reviewer2", c.ID, review.CaseStart)
	if err != nil || got.Status != "in_progress" || got.Handler != "reviewer2" {
		t.Fatalf("start = %+v, %v", got, err)
	}
	if _, err := db.MoveCase(ctx, "reviewer1", c.ID, review.CaseStart); review.ErrorCode(err) != review.EINVALID {
		t.Fatalf("starting twice: %v, want EINVALID", err)
	}
	got, err = db.ReplyCase(ctx, "reviewer2", c.ID, "已下架相关内容。")
	if err != nil || got.Status != "answered" || got.Reply != "已下架相关内容。" || got.AnsweredBy != "reviewer2" {
		t.Fatalf("reply = %+v, %v", got, err)
	}
	if _, err := db.ReplyCase(ctx, "reviewer2", c.ID, "again"); review.ErrorCode(err) != review.EINVALID {
		t.Fatalf("replying twice: %v, want EINVALID", err)
	}
	got, err = db.MoveCase(ctx, "reviewer2", c.ID, review.CaseFinish)
	if err != nil || got.Status != "closed" || got.ClosedAt.IsZero() {
		t.Fatalf("close = %+v, %v", got, err)
	}
	want := []string{"complaint.recorded", "complaint.started", "complaint.answered", "complaint.closed"}
	if k := eventKinds(t, db, fmt.Sprintf("complaint:%d", c.ID)); !slices.Equal(k, want) {
		t.Errorf("events %v, want %v", k, want)
	}
	if len(got.Events) != len(want) {
		t.Errorf("Case carries %d events, want %d", len(got.Events), len(want))
	}
	for _, e := range got.Events {
		if strings.Contains(e.Payload, "13800138000") || strings.Contains(e.Payload, "已下架") {
			t.Errorf("event %s holds personal text: %s", e.Kind, e.Payload)
		}
	}
	mustVerify(t, db)
}

func TestReplyWritesItsOutboxEntryWithTheAnswer(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	it := decidedItem(t, db, 1, review.OutcomeApprove)
	c := recordCase(t, db, review.Complaint{Kind: "complaint", ItemID: it.ID, ProduceID: it.ProduceID,
		ReporterID: "u-10301", Contact: "someone@example.com", Category: "explicit-label-missing"})
	unlinked := recordCase(t, db, review.Complaint{Kind: "complaint", Channel: "regulator"})
	before, err := db.UnwrittenOutbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReplyCase(ctx, "reviewer1", c.ID, "已为该内容添加显式标识。"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReplyCase(ctx, "reviewer1", unlinked.ID, "已核查。"); err != nil {
		t.Fatal(err)
	}
	ob := outbox.Outbox{Dir: filepath.Join(t.TempDir(), "outbox"), DB: db}
	if n, err := ob.Flush(ctx); err != nil || n != len(before)+2 {
		t.Fatalf("flush wrote %d, %v; want %d", n, err, len(before)+2)
	}
	files := outboxFiles(t, ob)
	var replies []string
	for name, m := range files {
		if m["kind"] == store.OutboxComplaintReply {
			replies = append(replies, name)
		}
	}
	sort.Strings(replies)
	if len(replies) != 2 || !strings.HasSuffix(replies[0], "-complaint_reply-"+it.ProduceID+".json") ||
		!strings.HasSuffix(replies[1], fmt.Sprintf("-complaint_reply-complaint%d.json", unlinked.ID)) {
		t.Fatalf("reply files %v", replies)
	}
	m := files[replies[0]]
	for k, want := range map[string]any{"schema": store.OutboxSchema, "produce_id": it.ProduceID, "complaint_id": float64(c.ID),
		"case_kind": "complaint", "reply": "已为该内容添加显式标识。", "answered_by": "reviewer1", "resolution": "",
		"reporter_id": "u-10301", "on_time": true, "object_sha256": it.ObjectSHA256} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	for _, v := range m {
		if s, ok := v.(string); ok && strings.Contains(s, "someone@") {
			t.Errorf("the outbox file carries the contact: %v", m)
		}
	}
	kinds := eventKinds(t, db, fmt.Sprintf("complaint:%d", c.ID))
	if kinds[len(kinds)-1] != "complaint.answered" {
		t.Errorf("events %v", kinds)
	}
	mustVerify(t, db)
}

func TestAFailedReplyLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	it := decidedItem(t, db, 1, review.OutcomeReject)
	a := recordCase(t, db, review.Complaint{Kind: "appeal", ItemID: it.ID, ProduceID: it.ProduceID})
	_, headBefore, _ := db.Head(ctx)
	rowsBefore, _ := db.UnwrittenOutbox(ctx)
	if _, err := db.ReplyCase(ctx, "senior1", a.ID, "维持原决定。"); review.ErrorCode(err) != review.EINVALID {
		t.Fatalf("replying to an unresolved appeal: %v, want EINVALID", err)
	}
	_, headAfter, _ := db.Head(ctx)
	rowsAfter, _ := db.UnwrittenOutbox(ctx)
	got, _ := db.Case(ctx, a.ID)
	if headAfter != headBefore || len(rowsAfter) != len(rowsBefore) || got.Status != "open" || got.Reply != "" {
		t.Errorf("a refused reply changed something: head %s → %s, outbox %d → %d, case %+v",
			headBefore, headAfter, len(rowsBefore), len(rowsAfter), got)
	}
}

func TestAppealReopensTheItemAndTheSeniorResolvesIt(t *testing.T) {
	for _, tc := range []struct {
		name      string
		contested review.Outcome
		senior    review.Outcome
		want      string
	}{
		{"approving a rejected item overturns", review.OutcomeReject, review.OutcomeApprove, review.ResolutionOverturned},
		{"rejecting it again upholds", review.OutcomeReject, review.OutcomeReject, review.ResolutionUpheld},
		{"relabelling an approved item upholds", review.OutcomeApprove, review.OutcomeApproveRelabel, review.ResolutionUpheld},
		{"rejecting an approved item overturns", review.OutcomeApprove, review.OutcomeReject, review.ResolutionOverturned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t)
			withClock(db)
			other, err := db.CreateItem(ctx, "system", newItem(9)) // already waiting in escalation
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Claim(ctx, "reviewer2", review.QueueLive, time.Minute); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Apply(ctx, "reviewer2", other.ID, review.Decision{Outcome: review.OutcomeEscalate, Note: "不确定"}); err != nil {
				t.Fatal(err)
			}
			it := decidedItem(t, db, 1, tc.contested)
			a := recordCase(t, db, review.Complaint{Kind: "appeal", ItemID: it.ID, ProduceID: it.ProduceID})

			got, err := db.AppealCase(ctx, "senior1", a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != "in_progress" || got.AppealedAt.IsZero() || got.Contested != it.State ||
				got.Item.State != review.StateEscalated || got.Item.Queue != review.QueueEscalation {
				t.Fatalf("after the appeal: %+v item %+v", got, got.Item)
			}
			if _, err := db.AppealCase(ctx, "senior1", a.ID); review.ErrorCode(err) != review.ECONFLICT {
				t.Errorf("a second appeal: %v, want ECONFLICT", err)
			}
			if n, _ := db.CaseCounts(ctx, db.Now()); n.Appeals != 1 {
				t.Errorf("waiting appeals %d", n.Appeals)
			}
			claimed, err := db.Claim(ctx, "senior1", review.QueueEscalation, time.Minute)
			if err != nil || claimed.ID != it.ID {
				t.Fatalf("the senior's claim got %+v, %v; want the appealed item first", claimed, err)
			}
			d := review.Decision{Outcome: tc.senior}
			if tc.senior == review.OutcomeReject {
				d.Reasons = []string{"implicit-label-missing"}
			}
			var decided review.Item
			if tc.senior == review.OutcomeApproveRelabel {
				decided, err = db.ApplyRelabelled(ctx, "senior1", it.ID, d, labelledCopy())
			} else {
				decided, err = db.Apply(ctx, "senior1", it.ID, d)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err = db.Case(ctx, a.ID)
			if err != nil || got.Resolution != tc.want || got.ResolvedBy != "senior1" || got.Item.State != decided.State {
				t.Fatalf("resolution %q by %q (item %s), %v; want %q by senior1", got.Resolution, got.ResolvedBy, got.Item.State, err, tc.want)
			}
			if k := eventKinds(t, db, fmt.Sprintf("item:%d", it.ID)); !slices.Contains(k, "item.appealed") {
				t.Errorf("item events %v lack item.appealed", k)
			}
			want := []string{"complaint.recorded", "complaint.appealed", "complaint.resolved"}
			if k := eventKinds(t, db, fmt.Sprintf("complaint:%d", a.ID)); !slices.Equal(k, want) {
				t.Errorf("case events %v, want %v", k, want)
			}
			replied, err := db.ReplyCase(ctx, "senior1", a.ID, "复核结果已告知。")
			if err != nil || replied.Status != "answered" {
				t.Fatalf("reply = %+v, %v", replied, err)
			}
			ev, err := db.Evidence(ctx, it.ID)
			if err != nil || len(ev.Complaints) != 1 || ev.Complaints[0].Kind != "appeal" || ev.Complaints[0].Status != "answered" {
				t.Errorf("evidence complaints %+v, %v", ev.Complaints, err)
			}
			mustVerify(t, db)
		})
	}
}

// labelledCopy is the record of a labelled copy (the store does not read
// the file itself).
func labelledCopy() review.LabelledCopy {
	return review.LabelledCopy{SHA256: strings.Repeat("cd", 32), Size: 10, Format: "png", Marks: []string{"implicit"}}
}

func TestAnUndoneResolutionIsResolvedAgain(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	it := decidedItem(t, db, 1, review.OutcomeReject)
	a := recordCase(t, db, review.Complaint{Kind: "appeal", ItemID: it.ID, ProduceID: it.ProduceID})
	if _, err := db.AppealCase(ctx, "senior1", a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Claim(ctx, "senior1", review.QueueEscalation, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, "senior1", it.ID, review.Decision{Outcome: review.OutcomeApprove}); err != nil {
		t.Fatal(err)
	}
	ev, err := db.Evidence(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := ev.Decisions[len(ev.Decisions)-1]
	if _, err := db.UndoDecision(ctx, "senior1", last.ID, time.Minute); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Case(ctx, a.ID)
	if got.Resolution != "" {
		t.Fatalf("the undone decision still resolves the appeal: %q", got.Resolution)
	}
	if _, err := db.ReplyCase(ctx, "senior1", a.ID, "x"); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("a reply after the undo: %v, want EINVALID", err)
	}
	if _, err := db.Apply(ctx, "senior1", it.ID, review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"implicit-label-missing"}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Case(ctx, a.ID)
	if got.Resolution != review.ResolutionUpheld {
		t.Errorf("after the new decision: %q, want upheld", got.Resolution)
	}
	mustVerify(t, db)
}

func TestAnAppealNeedsADecidedItem(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	withClock(db)
	it, err := db.CreateItem(ctx, "system", newItem(1))
	if err != nil {
		t.Fatal(err)
	}
	a := recordCase(t, db, review.Complaint{Kind: "appeal", ItemID: it.ID, ProduceID: it.ProduceID})
	if _, err := db.AppealCase(ctx, "senior1", a.ID); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("appealing a queued item: %v, want EINVALID", err)
	}
	c := recordCase(t, db, review.Complaint{Kind: "complaint", ItemID: it.ID})
	if _, err := db.AppealCase(ctx, "senior1", c.ID); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("appealing a complaint: %v, want EINVALID", err)
	}
	if got, _ := db.Item(ctx, it.ID); got.State != review.StateQueued {
		t.Errorf("the item moved: %s", got.State)
	}
}

func TestComplaintDaysSetting(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if d, err := db.ComplaintDays(ctx); err != nil || d != 0 {
		t.Fatalf("unset: %d, %v", d, err)
	}
	if err := db.SetComplaintDays(ctx, "manager", 0); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("0 days: %v, want EINVALID", err)
	}
	if err := db.SetComplaintDays(ctx, "manager", 7); err != nil {
		t.Fatal(err)
	}
	if d, err := db.ComplaintDays(ctx); err != nil || d != 7 {
		t.Errorf("after setting 7: %d, %v", d, err)
	}
}

// TestCasesMigrateFromTheDeskSchema opens a workspace at schema 8 holding
// an answered complaint: it keeps its answer time and lists as before.
func TestCasesMigrateFromTheDeskSchema(t *testing.T) {
	ctx := context.Background()
	raw, path := rawAtSchema(t, 9)
	execAll(t, raw, []string{
		`INSERT INTO complaints (kind, channel, category, text, received_at, due_at, status, reply)
			VALUES ('complaint', 'web', 'other', '旧投诉', '2026-01-01T00:00:00.000Z', '2026-01-16T00:00:00.000Z', 'answered', '已答复')`,
		`INSERT INTO events (seq, at, actor, kind, subject, payload, prev_hash, hash)
			VALUES (1, '2026-01-02T00:00:00.000Z', 'reviewer1', 'complaint.recorded', 'complaint:1', '{}', '` + review.GenesisHash + `', 'x')`,
	})
	db := openMigrated(t, raw, path)
	c, err := db.Case(ctx, 1)
	if err != nil || c.Status != "answered" || c.AnsweredAt.Format(time.DateOnly) != "2026-01-02" || c.Resolution != "" {
		t.Fatalf("old case %+v, %v", c, err)
	}
}
