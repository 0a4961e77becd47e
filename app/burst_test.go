package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startWatcher runs `synthreview watch` as a separate process.
func startWatcher(t *testing.T, ws string) *exec.Cmd {
	t.Helper()
	argv, _ := json.Marshal([]string{"watch", "--workspace", ws, "--rescan", "300ms"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SYNTHREVIEW_TEST_RUN="+string(argv))
	logf, _ := os.OpenFile(filepath.Join(filepath.Dir(ws), "watch.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// deliverPair writes an output and then its sidecar by rename, as a
// generation service does.
func deliverPair(t *testing.T, inboxDir string, i int) {
	t.Helper()
	id := fmt.Sprintf("TXT%06d", i)
	body := []byte(fmt.Sprintf("【AI生成】第%d条回答。\n", i))
	if err := os.WriteFile(filepath.Join(inboxDir, id+".txt"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	side, _ := json.Marshal(map[string]any{
		"schema": "synthreview.generation/v1", "produce_id": id, "created_at": "2025-11-28T09:15:00+08:00",
		"service": map[string]string{"name": "XiaoHua Chat", "category": "text_dialogue"},
		"user":    map[string]string{"id": "u-1"}, "prompt": "问题",
		"output": map[string]string{"file": id + ".txt", "sha256": hex.EncodeToString(sum[:])},
	})
	tmp := filepath.Join(inboxDir, "."+id+".json.tmp")
	if err := os.WriteFile(tmp, side, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(inboxDir, id+".json")); err != nil {
		t.Fatal(err)
	}
}

// TestWatcherSurvivesSIGKILLUnderABurst delivers 300 pairs in bursts while
// the watcher is killed with SIGKILL several times mid-work and restarted:
// exactly 300 items, no duplicates, no intake errors, a chain that verifies.
func TestWatcherSurvivesSIGKILLUnderABurst(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	ws := filepath.Join(t.TempDir(), "ws")
	if r := run(t, "burst-test-password\nburst-test-password\n", "init", "--workspace", ws, "--as", "root"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	in := filepath.Join(ws, "inbox")
	rng := rand.New(rand.NewPCG(7, 7))
	w := startWatcher(t, ws)
	kills := 0
	for i := 0; i < 300; i++ {
		deliverPair(t, in, i)
		if i%50 == 49 {
			// Let it get going, then kill it mid-work.
			time.Sleep(time.Duration(1000+rng.IntN(1500)) * time.Millisecond)
			w.Process.Signal(syscall.SIGKILL)
			w.Wait()
			kills++
			w = startWatcher(t, ws)
		}
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		entries, _ := os.ReadDir(in)
		pending := 0
		for _, e := range entries {
			if !e.IsDir() {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			w.Process.Kill()
			log, _ := os.ReadFile(filepath.Join(filepath.Dir(ws), "watch.log"))
			t.Fatalf("%d files still in the inbox after 3 minutes; watcher log:\n%s", pending, log)
		}
		time.Sleep(200 * time.Millisecond)
	}
	w.Process.Signal(syscall.SIGKILL)
	w.Wait()
	r := run(t, "", "status", "--workspace", ws, "--json")
	var st struct {
		Items        int `json:"items"`
		IntakeErrors int `json:"intake_errors"`
	}
	if err := json.Unmarshal([]byte(r.out), &st); err != nil {
		t.Fatalf("status: %+v", r)
	}
	if st.Items != 300 || st.IntakeErrors != 0 {
		t.Fatalf("after %d kills: %d items, %d intake errors; want 300 and 0", kills, st.Items, st.IntakeErrors)
	}
	done, _ := os.ReadDir(filepath.Join(in, "done"))
	if len(done) != 600 {
		t.Fatalf("done/ holds %d files, want 600", len(done))
	}
	if r := run(t, "", "audit", "verify", "--workspace", ws); r.code != 0 || !strings.Contains(r.out, "OK") {
		t.Fatalf("audit verify: %+v", r)
	}
}
