package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesArePendingUntilAManagerApproves: a rules folder dropped into the
// workspace is recorded as pending and not applied; once a manager
// approves it, it is in force; a later edit is pending again while the
// approved version (kept as a bundle) stays in force.
func TestRulesArePendingUntilAManagerApproves(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	if r := run(t, "", "demo", "--workspace", ws); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	if out, err := exec.Command("cp", "-r", "../testdata/rules/.", filepath.Join(ws, "rules")).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	r := run(t, "", "rules", "status", "--workspace", ws)
	if r.code != 0 || !strings.Contains(r.out, "SynthReview demo rules") || !strings.Contains(r.out, "pending a manager's approval") {
		t.Fatalf("before approval: %+v", r)
	}
	if r := run(t, "synthreview-demo\n", "rules", "approve", "--workspace", ws, "--as", "reviewer1"); r.code != 1 {
		t.Fatalf("a reviewer approved rules: %+v", r)
	}
	if r := run(t, "synthreview-demo\n", "rules", "approve", "--workspace", ws, "--as", "manager"); r.code != 0 {
		t.Fatalf("approve: %+v", r)
	}
	r = run(t, "", "rules", "status", "--workspace", ws)
	if r.code != 0 || !strings.Contains(r.out, "Example provider rules 1.0.0") || strings.Contains(r.out, "pending") {
		t.Fatalf("after approval: %+v", r)
	}
	// An edit makes a new version: pending, and the approved one stays.
	f := filepath.Join(ws, "rules", "rules.toml")
	b, _ := os.ReadFile(f)
	os.WriteFile(f, []byte(strings.Replace(string(b), `seed = "2025-Q4"`, `seed = "2026-Q1"`, 1)), 0o644)
	r = run(t, "", "rules", "status", "--workspace", ws)
	if r.code != 0 || !strings.Contains(r.out, "Example provider rules 1.0.0") || !strings.Contains(r.out, "pending") {
		t.Fatalf("after an edit: %+v", r)
	}
	if r := run(t, "", "audit", "verify", "--workspace", ws); r.code != 0 {
		t.Fatalf("audit verify: %+v", r)
	}
}
