package intake_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"synthreview/app/intake"
	"synthreview/review"
	"synthreview/store"
	"synthreview/store/inbox"
	"synthreview/store/objects"
)

type env struct {
	x   *intake.Intake
	db  *store.DB
	dir string
	now time.Time
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, store.DBName), store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	db.PersonalKey = make([]byte, 32)
	t.Cleanup(func() { db.Close() })
	in := filepath.Join(dir, "inbox")
	os.MkdirAll(in, 0o755)
	e := &env{db: db, dir: dir, now: time.Now().Add(time.Hour)}
	e.x = &intake.Intake{DB: db, Objects: objects.Store{Dir: filepath.Join(dir, "objects")}, Inbox: inbox.Inbox{Dir: in},
		Settle: time.Second, Grace: 10 * time.Minute, MaxOutput: 1 << 20, Now: func() time.Time { return e.now }}
	return e
}

// deliver writes NAME.txt and NAME.json; mutate may change the sidecar.
func (e *env) deliver(t *testing.T, name string, data []byte, mutate func(m map[string]any)) {
	t.Helper()
	sum := sha256.Sum256(data)
	m := map[string]any{
		"schema": review.GenerationSchema, "produce_id": name, "created_at": "2025-11-28T09:15:00+08:00",
		"service": map[string]any{"name": "XiaoHua Chat", "category": "text_dialogue", "model": "xh-7b"},
		"user":    map[string]any{"id": "u-1"}, "prompt": "你好",
		"output": map[string]any{"file": name + ".txt", "sha256": hex.EncodeToString(sum[:])},
	}
	if mutate != nil {
		mutate(m)
	}
	b, _ := json.Marshal(m)
	if data != nil {
		os.WriteFile(filepath.Join(e.x.Inbox.Dir, name+".txt"), data, 0o644)
	}
	os.WriteFile(filepath.Join(e.x.Inbox.Dir, name+".json"), b, 0o644)
}

func (e *env) run(t *testing.T) intake.Result {
	t.Helper()
	r, err := e.x.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *env) errors(t *testing.T) []store.IntakeError {
	list, err := e.db.OpenIntakeErrors(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestACompletePairIsTakenOnce(t *testing.T) {
	e := newEnv(t)
	e.deliver(t, "TXT1", []byte("【AI生成】你好，我是小华。\n"), nil)
	if r := e.run(t); r.Taken != 1 {
		t.Fatalf("first pass: %+v", r)
	}
	it, err := e.db.ItemByProduceID(context.Background(), "TXT1")
	if err != nil || it.Format != "text" || it.Prompt != "你好" || it.State != review.StateQueued {
		t.Fatalf("item = %+v, %v", it, err)
	}
	if ok, _ := e.x.Objects.Verify(it.ObjectSHA256); !ok {
		t.Fatal("the original is not in objects/ under its hash")
	}
	for _, f := range []string{"TXT1.txt", "TXT1.json"} {
		if _, err := os.Stat(filepath.Join(e.x.Inbox.Dir, "done", f)); err != nil {
			t.Errorf("%s not moved to done/: %v", f, err)
		}
	}
	// Delivered again (the service retried): recognised, not recorded twice.
	e.deliver(t, "TXT1", []byte("【AI生成】你好，我是小华。\n"), nil)
	if r := e.run(t); r.Redelivered != 1 || r.Taken != 0 {
		t.Fatalf("redelivery: %+v", r)
	}
	st, _ := e.db.Status(context.Background())
	if st.Items != 1 || st.IntakeErrors != 0 {
		t.Fatalf("status after redelivery: %+v", st)
	}
}

func TestAFileStillBeingWrittenWaits(t *testing.T) {
	e := newEnv(t)
	e.now = time.Now() // files written now are younger than Settle
	e.deliver(t, "TXT2", []byte("hello"), nil)
	if r := e.run(t); r.Waiting != 1 || r.Taken != 0 {
		t.Fatalf("fresh files: %+v", r)
	}
	e.now = time.Now().Add(2 * time.Second)
	if r := e.run(t); r.Taken != 1 {
		t.Fatalf("settled files: %+v", r)
	}
}

func TestBadDeliveriesBecomeIntakeErrors(t *testing.T) {
	cases := []struct {
		name    string
		data    []byte
		mutate  func(m map[string]any)
		sidecar string // raw sidecar bytes instead of the generated one
		reason  string
	}{
		{"sidecar that does not parse", []byte("x"), nil, `{"schema": "synthreview.generation/v1", "produce_id": `, "not valid JSON"},
		{"sidecar of another schema", []byte("x"), func(m map[string]any) { m["schema"] = "other/v9" }, "", "schema is"},
		{"unknown category", []byte("x"), func(m map[string]any) { m["service"].(map[string]any)["category"] = "deepfake" }, "", "unknown service category"},
		{"output hash differs", []byte("x"), func(m map[string]any) { m["output"].(map[string]any)["sha256"] = strings.Repeat("0", 64) }, "", "the sidecar says"},
		{"output path escapes the inbox", []byte("x"), func(m map[string]any) { m["output"].(map[string]any)["file"] = "../../etc/passwd" }, "", "plain file name"},
		{"oversized output", make([]byte, 2<<20), nil, "", "over the"},
		{"invalid UTF-8 in the sidecar", []byte("x"), nil, "{\"schema\": \"\xff\xfe\"}", "not valid UTF-8"},
		{"missing output after the grace period", nil, nil, "", "is missing"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			name := fmt.Sprintf("BAD%d", i)
			e.deliver(t, name, c.data, c.mutate)
			if c.sidecar != "" {
				os.WriteFile(filepath.Join(e.x.Inbox.Dir, name+".json"), []byte(c.sidecar), 0o644)
			}
			r := e.run(t)
			if r.Rejected != 1 || r.Taken != 0 {
				t.Fatalf("result %+v", r)
			}
			errs := e.errors(t)
			if len(errs) != 1 || !strings.Contains(errs[0].Reason, c.reason) || errs[0].Name != name+".json" {
				t.Fatalf("intake errors = %+v, want one naming %q", errs, c.reason)
			}
			note, err := os.ReadFile(filepath.Join(e.x.Inbox.Dir, "rejected", name+".reason.txt"))
			if err != nil || !strings.Contains(string(note), c.reason) {
				t.Fatalf("note beside the rejected files: %q %v", note, err)
			}
			if _, err := os.Stat(filepath.Join(e.x.Inbox.Dir, "rejected", name+".json")); err != nil {
				t.Fatalf("the sidecar was not kept: %v", err)
			}
			// Running again neither duplicates the error nor loses the files.
			e.run(t)
			if n := len(e.errors(t)); n != 1 {
				t.Fatalf("%d intake errors after a second pass", n)
			}
		})
	}
}

func TestSameProduceIDWithOtherBytesIsAConflict(t *testing.T) {
	e := newEnv(t)
	e.deliver(t, "TXT3", []byte("first"), nil)
	e.run(t)
	e.deliver(t, "TXT3", []byte("second, different bytes"), nil)
	r := e.run(t)
	errs := e.errors(t)
	if r.Rejected != 1 || len(errs) != 1 || !strings.Contains(errs[0].Reason, "different bytes") {
		t.Fatalf("conflict: %+v %+v", r, errs)
	}
	it, _ := e.db.ItemByProduceID(context.Background(), "TXT3")
	if ok, _ := e.x.Objects.Verify(it.ObjectSHA256); !ok {
		t.Fatal("the stored original changed")
	}
}

func TestAFixedDeliveryIsTakenOnReRun(t *testing.T) {
	e := newEnv(t)
	e.deliver(t, "TXT4", []byte("body"), func(m map[string]any) { m["service"].(map[string]any)["category"] = "nonsense" })
	e.run(t)
	if len(e.errors(t)) != 1 {
		t.Fatal("no intake error")
	}
	// The admin fixes the sidecar in rejected/ and re-runs ingest on it.
	rej := filepath.Join(e.x.Inbox.Dir, "rejected")
	b, _ := os.ReadFile(filepath.Join(rej, "TXT4.json"))
	os.WriteFile(filepath.Join(rej, "TXT4.json"), []byte(strings.Replace(string(b), "nonsense", "text_writing", 1)), 0o644)
	r, err := e.x.Ingest(context.Background(), []string{filepath.Join(rej, "TXT4.json")})
	if err != nil || r.Taken != 1 {
		t.Fatalf("re-run: %+v %v", r, err)
	}
	if n := len(e.errors(t)); n != 0 {
		t.Fatalf("%d intake errors left open after the fix", n)
	}
	if _, err := os.Stat(filepath.Join(rej, "TXT4.reason.txt")); err == nil {
		t.Fatal("the rejection note stayed after the fix")
	}
	if _, err := os.Stat(filepath.Join(e.x.Inbox.Dir, "done", "TXT4.json")); err != nil {
		t.Fatalf("not in done/: %v", err)
	}
}

func TestALoneFileBecomesAnErrorAfterTheGracePeriod(t *testing.T) {
	e := newEnv(t)
	os.WriteFile(filepath.Join(e.x.Inbox.Dir, "lonely.png"), []byte("png?"), 0o644)
	e.now = time.Now().Add(time.Minute)
	if r := e.run(t); r.Rejected != 0 {
		t.Fatalf("rejected before the grace period: %+v", r)
	}
	e.now = time.Now().Add(11 * time.Minute)
	if r := e.run(t); r.Rejected != 1 {
		t.Fatalf("not rejected after the grace period: %+v", r)
	}
	if errs := e.errors(t); len(errs) != 1 || !strings.Contains(errs[0].Reason, "no sidecar") {
		t.Fatalf("errors %+v", errs)
	}
}
