package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"synthreview/app"
	"synthreview/review"
)

// TestMain doubles as a writer process: with SYNTHREVIEW_TEST_WRITER set it
// keeps appending events to that workspace until killed, so tests can back
// up a workspace that another process is writing.
func TestMain(m *testing.M) {
	if args := os.Getenv("SYNTHREVIEW_TEST_RUN"); args != "" {
		// Run one command line in this process (a real separate process for
		// tests that kill it).
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			os.Exit(5)
		}
		os.Exit(app.Main(argv, nil))
	}
	if dir := os.Getenv("SYNTHREVIEW_TEST_WRITER"); dir != "" {
		ctx := context.Background()
		w, err := app.OpenWorkspace(ctx, dir, false)
		if err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(3)
		}
		os.WriteFile(filepath.Join(dir, "writer.started"), nil, 0o600)
		for i := 0; ; i++ {
			if _, err := w.DB.AppendEvent(ctx, "system", "test.write", "writer", map[string]int{"i": i}); err != nil {
				os.Stderr.WriteString(err.Error())
				os.Exit(4)
			}
		}
	}
	// Everything the tests leave in the temporary folder (the demo
	// workspace built once and copied for each test) goes with this one.
	tmp, err := os.MkdirTemp("", "synthreview-app-test-")
	if err != nil {
		os.Stderr.WriteString(err.Error())
		os.Exit(6)
	}
	os.Setenv("TMPDIR", tmp)
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

type result struct {
	code     int
	out, err string
}

func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := app.Run(context.Background(), args, app.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Environment: func(string) string { return "" }})
	return result{code, out.String(), errb.String()}
}

func TestInitUsersAndRoles(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	if r := run(t, "short\nshort\n", "init", "--workspace", ws, "--as", "root"); r.code != 1 || !strings.Contains(r.err, "too short") {
		t.Fatalf("init with a short password: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(ws, "synthreview.db")); err == nil {
		t.Fatal("a refused init left a workspace behind")
	}
	if r := run(t, "correct horse battery\ncorrect horse battery\n", "init", "--workspace", ws, "--as", "root"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	if r := run(t, "x\nx\n", "init", "--workspace", ws, "--as", "root"); r.code == 0 {
		t.Fatal("init over an existing workspace succeeded")
	}
	st, _ := os.Stat(filepath.Join(ws, "keys", "signing.key"))
	if st == nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("signing key missing or not 0600: %v", st)
	}
	r := run(t, "correct horse battery\nreviewer-password-1\nreviewer-password-1\n", "user", "add", "--workspace", ws, "--as", "root", "--role", "reviewer", "alice")
	if r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	r = run(t, "wrong password here\nxxxxxxxxxxxxxx\nxxxxxxxxxxxxxx\n", "user", "add", "--workspace", ws, "--as", "root", "--role", "reviewer", "bob")
	if r.code != 1 || !strings.Contains(r.err, "wrong account name or password") {
		t.Fatalf("user add with a wrong password: %+v", r)
	}
	r = run(t, "reviewer-password-1\nyyyyyyyyyyyyyy\nyyyyyyyyyyyyyy\n", "user", "add", "--workspace", ws, "--as", "alice", "--role", "admin", "eve")
	if r.code != 1 || !strings.Contains(r.err, "may not manage_accounts") {
		t.Fatalf("a reviewer added an account: %+v", r)
	}
	r = run(t, "", "user", "list", "--workspace", ws)
	if r.code != 0 || !strings.Contains(r.out, "alice") || !strings.Contains(r.out, "reviewer") || strings.Contains(r.out, "eve") {
		t.Fatalf("user list: %+v", r)
	}
	if r := run(t, "", "audit", "verify", "--workspace", ws); r.code != 0 {
		t.Fatalf("audit verify: %+v", r)
	}
}

func TestNotAWorkspace(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "", "status", "--workspace", dir)
	if r.code != 1 || !strings.Contains(r.err, "not a SynthReview workspace") {
		t.Fatalf("status on an empty folder: %+v", r)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatal("status created files in a folder that is not a workspace")
	}
	os.WriteFile(filepath.Join(dir, "synthreview.db"), []byte("garbage garbage garbage garbage"), 0o600)
	r = run(t, "", "audit", "verify", "--workspace", dir)
	if r.code != 1 || !strings.Contains(r.err, "damaged or not a SQLite database") {
		t.Fatalf("audit verify on a damaged file: %+v", r)
	}
	if r := run(t, "", "frobnicate"); r.code != 2 {
		t.Fatalf("unknown command: %+v", r)
	}
}

// TestDemoStatusVerifyTamper is issue 2's "done when": demo → status --json
// → audit verify; an edit behind the program's back is caught and named;
// erasing a person keeps the chain verifying; a backup taken while another
// process writes restores to a workspace that verifies.
func TestDemoStatusVerifyTamper(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "demo")
	if r := run(t, "", "demo", "--workspace", ws); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	r := run(t, "", "status", "--workspace", ws, "--json")
	if r.code != 0 {
		t.Fatalf("status: %+v", r)
	}
	var st review.Status
	if err := json.Unmarshal([]byte(r.out), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.out)
	}
	var raw map[string]any
	json.Unmarshal([]byte(r.out), &raw)
	for _, k := range []string{"items", "by_state", "intake_errors", "events", "chain_head"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("status --json lacks %q", k)
		}
	}
	if st.Items < 60 || st.Accounts != 6 || st.Complaints < 4 || st.Consents < 5 || st.ByState[review.StateRejected] == 0 ||
		st.ByState[review.StateEscalated] == 0 || len(st.ChainHead) != 64 {
		t.Fatalf("demo workspace is thin: %+v", st)
	}
	if r := run(t, "", "audit", "verify", "--workspace", ws); r.code != 0 || !strings.Contains(r.out, "audit chain OK") {
		t.Fatalf("audit verify: %+v", r)
	}
	// Demo accounts sign in with the documented password.
	if r := run(t, "synthreview-demo\n", "audit", "checkpoint", "--workspace", ws, "--as", "manager"); r.code != 0 {
		t.Fatalf("checkpoint as manager: %+v", r)
	}
	if r := run(t, "synthreview-demo\n", "audit", "checkpoint", "--workspace", ws, "--as", "reviewer1"); r.code != 1 {
		t.Fatalf("checkpoint as reviewer1 allowed: %+v", r)
	}

	// Erase a person: the chain still verifies.
	if r := run(t, "synthreview-demo\n", "personal", "erase", "--workspace", ws, "--as", "manager", "u-10293"); r.code != 0 {
		t.Fatalf("erase: %+v", r)
	}
	if r := run(t, "", "audit", "verify", "--workspace", ws); r.code != 0 {
		t.Fatalf("audit verify after erasure: %+v", r)
	}

	// Backup while another process writes.
	writer := exec.Command(os.Args[0], "-test.run=^$")
	writer.Env = append(os.Environ(), "SYNTHREVIEW_TEST_WRITER="+ws)
	var werr bytes.Buffer
	writer.Stderr = &werr
	if err := writer.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(filepath.Join(ws, "writer.started")); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	backup := filepath.Join(t.TempDir(), "backup")
	r = run(t, "", "backup", "--workspace", ws, "-o", backup)
	writer.Process.Kill()
	writer.Wait()
	if r.code != 0 {
		t.Fatalf("backup: %+v (writer: %s)", r, werr.String())
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if r := run(t, "", "restore", "--workspace", restored, backup); r.code != 0 || !strings.Contains(r.out, "audit chain OK") {
		t.Fatalf("restore: %+v", r)
	}
	if r := run(t, "", "status", "--workspace", restored, "--json"); r.code != 0 {
		t.Fatalf("status of restored: %+v", r)
	}

	// Tamper with one field of one old event using the sqlite3 shell.
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("sqlite3 shell missing in CI")
		}
		t.Skip("sqlite3 shell not installed")
	}
	db := filepath.Join(restored, "synthreview.db")
	out, err := exec.Command(sqlite3, db, "DROP TRIGGER events_no_update; UPDATE events SET actor = 'mallory' WHERE seq = 17;").CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3: %v %s", err, out)
	}
	r = run(t, "", "audit", "verify", "--workspace", restored)
	if r.code == 0 || !regexp.MustCompile(`\bevent 17\b`).MatchString(r.err) {
		t.Fatalf("audit verify after tampering: %+v", r)
	}
}

func TestPasswordsFromStandardInputAreChecked(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	cases := []struct{ stdin, want string }{
		{"", "no password on standard input"},
		{"only-one-line-given\n", "no password on standard input"},
		{"first-password-1\nsecond-password-2\n", "differ"},
		{"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\n\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\n", "not valid UTF-8"},
	}
	for _, c := range cases {
		r := run(t, c.stdin, "init", "--workspace", ws, "--as", "root")
		if r.code != 1 || !strings.Contains(r.err, c.want) {
			t.Errorf("init with stdin %q: %+v, want %q", c.stdin, r, c.want)
		}
	}
	if r := run(t, "x\nx\n", "init", "--workspace", ws, "--as", "Root Admin"); r.code != 1 || !strings.Contains(r.err, "account name") {
		t.Errorf("bad account name: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(ws, "synthreview.db")); err == nil {
		t.Fatal("a refused init left a workspace behind")
	}
}
