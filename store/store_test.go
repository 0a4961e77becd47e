package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"synthreview/review"
	"synthreview/store"
)

func openDB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.DBName), store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	db.PersonalKey = []byte("0123456789abcdef0123456789abcdef")
	t.Cleanup(func() { db.Close() })
	return db
}

func newItem(i int) review.NewItem {
	return review.NewItem{Item: review.Item{
		ProduceID: fmt.Sprintf("IMG%08d", i), Format: "png", ObjectSHA256: strings.Repeat("ab", 32), Size: 10,
		Category: "image_generation", UserID: "u-1", Prompt: "一只猫",
		ReceivedAt: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
	}}
}

func TestMigrationsLeaveAConsistentSchema(t *testing.T) {
	db := openDB(t)
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Opening again applies nothing twice.
	db2, err := store.Open(context.Background(), db.Path(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db2.Close()
}

func TestEveryStateChangeWritesItsEvent(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	it, err := db.CreateItem(ctx, "system", newItem(1))
	if err != nil {
		t.Fatal(err)
	}
	claimed, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute)
	if err != nil || claimed.ID != it.ID || claimed.State != review.StateInReview {
		t.Fatalf("claim = %+v, %v", claimed, err)
	}
	done, err := db.Apply(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"rumour"}})
	if err != nil || done.State != review.StateRejected {
		t.Fatalf("apply = %+v, %v", done, err)
	}
	evs, err := db.EventsFor(ctx, fmt.Sprintf("item:%d", it.ID))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
		if strings.Contains(e.Payload, "一只猫") {
			t.Errorf("event %d carries the prompt (personal data): %s", e.Seq, e.Payload)
		}
	}
	if strings.Join(kinds, ",") != "item.received,item.claimed,item.decided" {
		t.Fatalf("events = %v", kinds)
	}
	// The rejection also queued its takedown for the platform (outbox).
	n, _, err := db.Verify(ctx, nil)
	if err != nil || n != 4 {
		t.Fatalf("verify = %d, %v", n, err)
	}
	out, err := db.UnwrittenOutbox(ctx)
	if err != nil || len(out) != 1 || out[0].Kind != "decision" || !strings.Contains(out[0].Body, `"action": "takedown"`) {
		t.Fatalf("outbox = %+v, %v", out, err)
	}
}

func TestSameProduceIDTwiceIsAConflict(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := db.CreateItem(ctx, "system", newItem(1)); err != nil {
		t.Fatal(err)
	}
	_, err := db.CreateItem(ctx, "system", newItem(1))
	if review.ErrorCode(err) != review.ECONFLICT {
		t.Fatalf("second create: %v (code %s), want ECONFLICT", err, review.ErrorCode(err))
	}
	st, _ := db.Status(ctx)
	if st.Items != 1 || st.Events != 1 {
		t.Fatalf("a failed create left rows behind: %+v", st)
	}
}

func TestTwoReviewersNeverGetTheSameItem(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	for i := 0; i < 40; i++ {
		if _, err := db.CreateItem(ctx, "system", newItem(i)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	got := map[int64]string{}
	var wg sync.WaitGroup
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			for {
				it, err := db.Claim(ctx, name, review.QueueLive, time.Minute)
				if review.ErrorCode(err) == review.ENOTFOUND {
					return
				} else if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if prev, dup := got[it.ID]; dup {
					t.Errorf("item %d claimed by %s and %s", it.ID, prev, name)
				}
				got[it.ID] = name
				mu.Unlock()
			}
		}(fmt.Sprintf("reviewer%d", r))
	}
	wg.Wait()
	if len(got) != 40 {
		t.Fatalf("claimed %d of 40 items", len(got))
	}
}

func TestLapsedLeaseReturnsTheItem(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	now := time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	it, _ := db.CreateItem(ctx, "system", newItem(1))
	if _, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Claim(ctx, "reviewer2", review.QueueLive, time.Minute); review.ErrorCode(err) != review.ENOTFOUND {
		t.Fatalf("claimed item handed out again: %v", err)
	}
	now = now.Add(2 * time.Minute)
	again, err := db.Claim(ctx, "reviewer2", review.QueueLive, time.Minute)
	if err != nil || again.ID != it.ID {
		t.Fatalf("lapsed item not handed out: %+v %v", again, err)
	}
	_, err = db.Apply(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeApprove})
	if review.ErrorCode(err) != review.ECONFLICT {
		t.Fatalf("the first reviewer decided after losing the lease: %v", err)
	}
	if _, err := db.Apply(ctx, "reviewer2", it.ID, review.Decision{Outcome: review.OutcomeApprove}); err != nil {
		t.Fatal(err)
	}
}

func TestEventsRefuseUpdateAndDelete(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := db.AppendEvent(ctx, "system", "test", "x", map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE events SET actor = 'mallory'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update allowed: %v", err)
	}
	if _, err := raw.Exec(`DELETE FROM events`); err == nil {
		t.Fatal("delete allowed")
	}
}

func TestVerifyNamesTheEditedEvent(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	for i := 0; i < 10; i++ {
		if _, err := db.AppendEvent(ctx, "system", "test", "x", map[string]int{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := sql.Open("sqlite", "file:"+db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER events_no_update`, `UPDATE events SET payload = '{"i":99}' WHERE seq = 7`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = db.Verify(ctx, nil)
	var ce *review.ChainError
	if !errors.As(err, &ce) || ce.Seq != 7 {
		t.Fatalf("verify = %v, want the chain broken at event 7", err)
	}
}

func TestErasingPersonalDataKeepsTheChain(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := db.PutPlatformUser(ctx, "system", "u-1", "张三", "13800138000"); err != nil {
		t.Fatal(err)
	}
	if err := db.PutRealName(ctx, "system", review.RealName{UserID: "u-1", Method: "id_card", Result: "verified",
		VerifiedAt: time.Now(), MaskedID: "1101**********1234", IDHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateItem(ctx, "system", newItem(1)); err != nil {
		t.Fatal(err)
	}
	c := review.Complaint{Kind: "complaint", Channel: "app", Contact: "13800138000", ReporterID: "u-1", Category: "other",
		Text: "我是张三，投诉", ReceivedAt: time.Now(), DueAt: time.Now().Add(time.Hour)}
	if _, err := db.RecordComplaint(ctx, "reviewer1", c); err != nil {
		t.Fatal(err)
	}
	counts, err := db.ErasePersonal(ctx, "manager", "u-1")
	if err != nil {
		t.Fatal(err)
	}
	if counts["platform_users"] != 1 || counts["item_prompts"] != 1 || counts["complaints"] != 1 || counts["real_names"] != 1 {
		t.Fatalf("erased %v", counts)
	}
	if _, _, err := db.Verify(ctx, nil); err != nil {
		t.Fatalf("chain broken after erasure: %v", err)
	}
	// Nothing personal is left anywhere in the file's tables.
	raw, _ := sql.Open("sqlite", "file:"+db.Path())
	defer raw.Close()
	for _, q := range []string{`SELECT count(*) FROM platform_users WHERE display_name <> '' OR phone <> ''`,
		`SELECT count(*) FROM items WHERE prompt <> ''`, `SELECT count(*) FROM complaints WHERE contact <> ''`,
		`SELECT count(*) FROM real_names WHERE masked_id <> ''`,
		`SELECT count(*) FROM events WHERE payload LIKE '%张三%' OR payload LIKE '%13800138000%'`} {
		var n int
		if err := raw.QueryRow(q).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s = %d, %v", q, n, err)
		}
	}
	if _, err := db.ErasePersonal(ctx, "manager", "u-404"); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("erasing an unknown person: %v", err)
	}
}

func TestBadFilesGiveClearErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("this is not a database at all, just text"), 0o600)
	if _, err := store.Open(ctx, junk, store.Options{}); err == nil || !strings.Contains(err.Error(), "damaged or not a SQLite database") {
		t.Errorf("junk file: %v", err)
	}
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o600)
	if _, err := store.Open(ctx, empty, store.Options{}); err == nil {
		t.Error("empty file opened")
	}
	if _, err := store.Open(ctx, filepath.Join(dir, "missing.db"), store.Options{}); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("missing file: %v", err)
	}
	// A real database with damaged pages.
	db := openDB(t)
	for i := 0; i < 200; i++ {
		db.CreateItem(ctx, "system", newItem(i))
	}
	path := db.Path()
	db.Close()
	b, _ := os.ReadFile(path)
	for i := 4096 * 2; i < len(b); i += 7 {
		b[i] ^= 0x5a
	}
	os.WriteFile(path, b, 0o600)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	d2, err := store.Open(ctx, path, store.Options{})
	if err == nil {
		_, err = d2.Status(ctx)
		if err == nil {
			err = d2.IntegrityCheck(ctx)
		}
		d2.Close()
	}
	if err == nil {
		t.Error("damaged database passed every check")
	}
}

func TestWriteLockGivesBusyError(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, _ := raw.Conn(ctx)
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `ROLLBACK`)
	short, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err = db.AppendEvent(short, "system", "test", "x", map[string]int{})
	if review.ErrorCode(err) != review.EBUSY || !strings.Contains(err.Error(), "locked for writing by another process") {
		t.Fatalf("write under another's lock: %v", err)
	}
	// Reading still works while the other process writes.
	if _, err := db.Status(ctx); err != nil {
		t.Fatalf("status under a write lock: %v", err)
	}
}

func TestWithdrawingConsentReopensDecidedItems(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	// Two are approved, one is still waiting.
	ids := itemsOnConsent(t, db, review.Consent{ID: "CN-1", SubjectID: "s-1", SubjectName: "李四", Scope: "face",
		GrantedAt: time.Now().Add(-time.Hour)})
	n, err := db.WithdrawConsent(ctx, "manager", "CN-1", time.Now())
	if err != nil || n != 2 {
		t.Fatalf("withdraw re-opened %d items, %v; want 2", n, err)
	}
	for _, id := range ids {
		it, _ := db.Item(ctx, id)
		if it.State != review.StateQueued {
			t.Errorf("item %d is %s after the withdrawal", id, it.State)
		}
		evs, _ := db.EventsFor(ctx, fmt.Sprintf("item:%d", id))
		if last := evs[len(evs)-1]; id != ids[2] && last.Kind != "item.reopened" {
			t.Errorf("item %d: last event %s", id, last.Kind)
		}
	}
	if _, err := db.WithdrawConsent(ctx, "manager", "CN-1", time.Now()); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("second withdrawal: %v", err)
	}
	c, _ := db.Consent(ctx, "CN-1")
	if c.ValidAt(time.Now().Add(time.Minute)) {
		t.Error("a withdrawn consent is still valid")
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	b := review.ImportBatch{Kind: "services", FileName: "s.csv", FileSHA256: strings.Repeat("0", 64),
		Services: []review.Service{{Name: "A", Category: "other"}}}
	if _, err := db.Import(ctx, "admin", b); err != nil {
		t.Fatal(err)
	}
	bad := review.ImportBatch{Kind: "realname", FileName: "r.csv", FileSHA256: strings.Repeat("1", 64),
		RealNames: []review.RealName{{UserID: "u-1", Method: "mobile", Result: "verified", VerifiedAt: time.Now()},
			{UserID: "u-2", Method: "telepathy", Result: "verified", VerifiedAt: time.Now()}}}
	if _, err := db.Import(ctx, "admin", bad); err == nil {
		t.Fatal("a batch with a bad record was stored")
	}
	if _, err := db.RealNameOf(ctx, "u-1"); review.ErrorCode(err) != review.ENOTFOUND {
		t.Fatalf("half a failed batch is stored: %v", err)
	}
}
