package app_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestFeatureLibraryWorkflow: a reviewer proposes an item's PDQ hash, the
// proposer cannot approve it, a manager does, publishing writes the bank's
// next version into the rules folder (pending until approved), and once
// approved the same picture delivered again hits the feature library.
func TestFeatureLibraryWorkflow(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	if r := run(t, "", "demo", "--workspace", ws); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	if out, err := exec.Command("cp", "-r", "../testdata/rules/.", filepath.Join(ws, "rules")).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	if r := run(t, "synthreview-demo\n", "rules", "approve", "--workspace", ws, "--as", "manager"); r.code != 0 {
		t.Fatalf("approve rules: %+v", r)
	}
	r := run(t, "synthreview-demo\n", "bank", "propose", "--workspace", ws, "--as", "reviewer1", "--bank", "known-harm",
		"--item", "1", "--category", "risk-a1f", "--reason", "violent image")
	if r.code != 0 || !strings.Contains(r.out, "proposal 1") {
		t.Fatalf("propose: %+v", r)
	}
	if r := run(t, "synthreview-demo\n", "bank", "approve", "--workspace", ws, "--as", "reviewer1", "1"); r.code != 1 {
		t.Fatalf("a reviewer approved a proposal: %+v", r)
	}
	if r := run(t, "synthreview-demo\n", "bank", "approve", "--workspace", ws, "--as", "manager", "1"); r.code != 0 {
		t.Fatalf("approve: %+v", r)
	}
	if r := run(t, "synthreview-demo\n", "bank", "publish", "--workspace", ws, "--as", "manager", "--bank", "known-harm"); r.code != 0 {
		t.Fatalf("publish: %+v", r)
	}
	toml, _ := os.ReadFile(filepath.Join(ws, "rules", "rules.toml"))
	if !strings.Contains(string(toml), "version = 4") {
		t.Fatalf("bank version not bumped:\n%s", toml)
	}
	if r := run(t, "", "rules", "status", "--workspace", ws); !strings.Contains(r.out, "pending") {
		t.Fatalf("the published bank is not pending approval: %+v", r)
	}
	if r := run(t, "synthreview-demo\n", "rules", "approve", "--workspace", ws, "--as", "manager"); r.code != 0 {
		t.Fatalf("approve rules: %+v", r)
	}
	// The same picture again, under a new ProduceID.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(ws, "synthreview.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var sum string
	if err := db.QueryRow(`SELECT object_sha256 FROM items WHERE id = 1`).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	db.Close()
	data, err := os.ReadFile(filepath.Join(ws, "objects", sum[:2], sum[2:]))
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	os.WriteFile(filepath.Join(in, "AGAIN1.png"), data, 0o644)
	h := sha256.Sum256(data)
	side, _ := json.Marshal(map[string]any{"schema": "synthreview.generation/v1", "produce_id": "AGAIN1",
		"created_at": "2025-11-28T09:15:00+08:00", "service": map[string]string{"name": "Huahui ImageGen", "category": "image_generation", "model": "hh-img-3"},
		"user": map[string]string{"id": "u-10292"}, "output": map[string]string{"file": "AGAIN1.png", "sha256": hex.EncodeToString(h[:])}})
	os.WriteFile(filepath.Join(in, "AGAIN1.json"), side, 0o644)
	os.Chtimes(filepath.Join(in, "AGAIN1.png"), fileTime(), fileTime())
	os.Chtimes(filepath.Join(in, "AGAIN1.json"), fileTime(), fileTime())
	if r := run(t, "", "ingest", "--workspace", ws, in); r.code != 0 || !strings.Contains(r.out, "taken 1") {
		t.Fatalf("ingest: %+v", r)
	}
	db, _ = sql.Open("sqlite", "file:"+filepath.Join(ws, "synthreview.db")+"?mode=ro")
	defer db.Close()
	var n int
	db.QueryRow(`SELECT count(*) FROM rule_hits h JOIN items i ON i.id = h.item_id WHERE i.produce_id = 'AGAIN1' AND h.rule_id = 'feature-bank'`).Scan(&n)
	if n != 1 {
		t.Fatal("the published feature-library entry did not match the same picture")
	}
}

// fileTime is a modification time old enough for intake to take the files.
func fileTime() time.Time { return time.Now().Add(-time.Minute) }
