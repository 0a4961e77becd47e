package outbox_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"synthreview/review"
	"synthreview/store"
	"synthreview/store/objects"
	"synthreview/store/outbox"
)

func decided(t *testing.T, outcome review.Outcome, sanction review.Sanction) (*store.DB, outbox.Outbox) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, store.DBName), store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, err = db.CreateItem(ctx, "system", review.NewItem{Item: review.Item{ProduceID: "IMG1", Format: "png",
		ObjectSHA256: strings.Repeat("ab", 32), Category: "image_generation", UserID: "u-1"}})
	if err != nil {
		t.Fatal(err)
	}
	it, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	d := review.Decision{Outcome: outcome, Sanction: sanction, Actor: "reviewer1"}
	if outcome == review.OutcomeReject {
		d.Reasons = []string{"risk-a1g"}
	}
	if _, err := db.Apply(ctx, "reviewer1", it.ID, d); err != nil {
		t.Fatal(err)
	}
	return db, outbox.Outbox{Dir: filepath.Join(dir, "outbox"), DB: db}
}

func TestADecisionBecomesOutboxFiles(t *testing.T) {
	ctx := context.Background()
	db, ob := decided(t, review.OutcomeReject, review.SanctionWarn)
	n, err := ob.Flush(ctx)
	if err != nil || n != 2 {
		t.Fatalf("flush wrote %d, %v; want the takedown and the sanction", n, err)
	}
	files, _ := filepath.Glob(filepath.Join(ob.Dir, "*.json"))
	if len(files) != 2 {
		t.Fatalf("files %v", files)
	}
	kinds := map[string]map[string]any{}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m["schema"] != store.OutboxSchema || m["produce_id"] != "IMG1" || m["decided_by"] != "reviewer1" {
			t.Fatalf("%s: %v", f, m)
		}
		kinds[m["kind"].(string)] = m
	}
	if kinds["decision"]["action"] != "takedown" || kinds["sanction"]["sanction"] != "warn" || kinds["sanction"]["user"] != "u-1" {
		t.Fatalf("outbox files: %v", kinds)
	}
	if n, _ := ob.Flush(ctx); n != 0 {
		t.Fatalf("a second flush wrote %d files again", n)
	}
	st, _ := db.Status(ctx)
	if st.OutboxUnacked != 2 || st.OutboxOverdue != 0 {
		t.Fatalf("status %+v", st)
	}
	// The platform acknowledges one; a bad file and a repeat are kept aside.
	acks := filepath.Join(ob.Dir, outbox.AcksDir)
	os.MkdirAll(acks, 0o755)
	name := filepath.Base(files[0])
	os.WriteFile(filepath.Join(acks, "a1.json"), []byte(`{"file":"`+name+`","status":"done"}`), 0o644)
	r, err := ob.CollectAcks(ctx)
	if err != nil || r.Recorded != 1 {
		t.Fatalf("collect: %+v %v", r, err)
	}
	os.WriteFile(filepath.Join(acks, "a2.json"), []byte(`{"file":"`+name+`","status":"done"}`), 0o644)
	os.WriteFile(filepath.Join(acks, "a3.json"), []byte(`{"file":"../../etc/passwd","status":"done"}`), 0o644)
	os.WriteFile(filepath.Join(acks, "a4.json"), []byte(`not json`), 0o644)
	r, err = ob.CollectAcks(ctx)
	if err != nil || r.Rejected != 3 || r.Recorded != 0 {
		t.Fatalf("bad acks: %+v %v", r, err)
	}
	notes, _ := filepath.Glob(filepath.Join(ob.Dir, outbox.AckRejected, "*.reason.txt"))
	if len(notes) != 3 {
		t.Fatalf("notes %v", notes)
	}
	st, _ = db.Status(ctx)
	if st.OutboxUnacked != 1 {
		t.Fatalf("unacked after one ack: %d", st.OutboxUnacked)
	}
	// Overdue after a day.
	db.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	if st, _ := db.Status(ctx); st.OutboxOverdue != 1 {
		t.Fatalf("overdue = %d, want 1", st.OutboxOverdue)
	}
}

func TestHoldsStayInside(t *testing.T) {
	ctx := context.Background()
	_, ob := decided(t, review.OutcomeHold, review.SanctionNone)
	if n, err := ob.Flush(ctx); err != nil || n != 0 {
		t.Fatalf("a hold reached the platform: %d %v", n, err)
	}
}

func TestADamagedLabelledCopyIsNotHandedOver(t *testing.T) {
	ctx := context.Background()
	db, ob := decided(t, review.OutcomeHold, review.SanctionNone)
	ob.Objects = filepath.Join(filepath.Dir(ob.Dir), "objects")
	objs := objects.Store{Dir: ob.Objects}
	data := []byte("labelled copy")
	sum, err := objs.PutBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	it, err := db.CreateItem(ctx, "system", review.NewItem{Item: review.Item{ProduceID: "IMG2", Format: "png",
		ObjectSHA256: strings.Repeat("cd", 32), Category: "image_generation"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyRelabelled(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeApproveRelabel},
		review.LabelledCopy{SHA256: sum, Size: int64(len(data)), Format: "png", Marks: []string{"implicit"}}); err != nil {
		t.Fatal(err)
	}
	p := objs.Path(sum)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("tampered copy"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ob.Flush(ctx); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("flush of a damaged copy: %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(ob.Dir, "*labelled_copy*")); len(files) != 0 {
		t.Fatalf("a damaged copy or its JSON reached the outbox: %v", files)
	}
}
