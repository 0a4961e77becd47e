package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"synthreview/review"
)

// TestDemoAppealIsOverturnedAndAnswered: on the demo workspace a senior
// reviewer sends the demo's appeal to the escalation queue, claims the
// re-opened item first, approves what was rejected, and answers the
// appellant; the outbox then holds the reply stating "overturned", the
// evidence of the item lists the appeal, and the audit chain verifies.
func TestDemoAppealIsOverturnedAndAnswered(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo workspace")
	}
	ctx := context.Background()
	w, signIn := openDemo(t)
	dir := w.Dir
	reviewer, senior := signIn("reviewer1"), signIn("senior1")
	cases := w.Cases()

	rows, _, err := cases.List(ctx, reviewer, review.CaseFilter{Kind: review.CaseAppeal})
	if err != nil || len(rows) != 1 || rows[0].Item == nil || rows[0].Item.State != review.StateRejected {
		t.Fatalf("the demo's appeal: %+v, %v; want one appeal against a rejected item", rows, err)
	}
	appeal := rows[0]
	if strings.Contains(appeal.Contact, "13700137000") || !strings.Contains(appeal.Contact, "*") {
		t.Errorf("the contact is shown as %q, not masked", appeal.Contact)
	}
	if _, err := cases.Appeal(ctx, reviewer, appeal.ID); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("a reviewer sent the appeal on: %v, want EFORBIDDEN", err)
	}
	sent, err := cases.Appeal(ctx, senior, appeal.ID)
	if err != nil || sent.Item.State != review.StateEscalated || sent.Status != review.CaseInProgress {
		t.Fatalf("appeal = %+v, %v", sent, err)
	}

	desk := w.Desk()
	it, err := desk.Next(ctx, senior, review.QueueEscalation)
	if err != nil || it.ID != appeal.ItemID {
		t.Fatalf("the senior's next escalation is %s (%v), want the appealed %s first", it.ProduceID, err, appeal.ProduceID)
	}
	if _, err := cases.Reply(ctx, senior, appeal.ID, "x"); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("a reply before the decision: %v, want EINVALID", err)
	}
	if _, err := desk.Decide(ctx, senior, it.ID, review.Decision{Outcome: review.OutcomeApprove}); err != nil {
		t.Fatal(err)
	}
	got, err := cases.Get(ctx, senior, appeal.ID)
	if err != nil || got.Resolution != review.ResolutionOverturned || got.ResolvedBy != "senior1" {
		t.Fatalf("after approving: resolution %q by %q, %v; want overturned by senior1", got.Resolution, got.ResolvedBy, err)
	}
	const reply = "经复核，原下架决定已撤销，内容恢复发布。"
	if _, err := cases.Reply(ctx, senior, appeal.ID, reply); err != nil {
		t.Fatal(err)
	}
	if err := w.syncOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "outbox", "*-complaint_reply-*.json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("reply files in the outbox: %v, %v", files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"kind": "complaint_reply", "case_kind": "appeal", "resolution": "overturned",
		"produce_id": appeal.ProduceID, "reply": reply, "answered_by": "senior1", "complaint_id": float64(appeal.ID)} {
		if body[k] != want {
			t.Errorf("%s = %v, want %v", k, body[k], want)
		}
	}
	if strings.Contains(string(b), "13700137000") {
		t.Error("the reply file carries the appellant's phone number")
	}
	ev, err := desk.Evidence(ctx, senior, it.ID)
	if err != nil || len(ev.Complaints) != 1 || ev.Complaints[0].Status != review.CaseAnswered {
		t.Errorf("the item's evidence lists %+v, %v", ev.Complaints, err)
	}
	if _, _, err := w.DB.Verify(ctx, nil); err != nil {
		t.Errorf("audit verify: %v", err)
	}
}
