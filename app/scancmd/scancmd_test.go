package scancmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"synthreview/marking"
)

const fixtures = "../../testdata/labels"

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb, nil)
	return code, out.String(), errb.String()
}

func lines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, ln := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(ln), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", ln, err)
		}
		recs = append(recs, m)
	}
	return recs
}

func TestJSONLinesInInputOrder(t *testing.T) {
	dir := t.TempDir()
	// Many copies, so that workers finish out of order.
	var want []string
	srcs := []string{"et_xmp.jpg", "pil_text.png", "ff_udta.mp4", "hb_plain.txt", "et_extended.jpg"}
	for i := 0; i < 60; i++ {
		src := srcs[i%len(srcs)]
		b, err := os.ReadFile(filepath.Join(fixtures, src))
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, strings.Repeat("a", 1+i/26)+string(rune('a'+i%26))+"_"+src)
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	single := filepath.Join(fixtures, "et_usercomment.jpg")
	code, out, stderr := run(t, "--json", "--fast", single, dir)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	recs := lines(t, out)
	if len(recs) != 61 {
		t.Fatalf("%d lines, want 61", len(recs))
	}
	if recs[0]["path"] != single {
		t.Errorf("first line is %v", recs[0]["path"])
	}
	// Walk order is name order within the folder.
	got := []string{}
	for _, r := range recs[1:] {
		got = append(got, r["path"].(string))
	}
	sorted := append([]string(nil), want...)
	sortStrings(sorted)
	if strings.Join(got, "\n") != strings.Join(sorted, "\n") {
		t.Errorf("order differs:\n%v\nwant\n%v", got[:5], sorted[:5])
	}
	for _, r := range recs {
		for _, k := range []string{"path", "format", "sha256", "implicit", "c2pa", "iptc_digital_source_type", "explicit", "watermark", "label_state", "verdict", "findings", "error"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("line lacks key %q: %v", k, r)
			}
		}
	}
	if recs[0]["verdict"] != "conforming" || recs[0]["label_state"] != "confirmed" {
		t.Errorf("first line verdict %v state %v", recs[0]["verdict"], recs[0]["label_state"])
	}
}

func TestExitStatusAndErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(fixtures, "pil_nolabel.png")
	missing := filepath.Join(dir, "nope.png")
	code, out, stderr := run(t, "--json", good, missing)
	if code != 1 {
		t.Errorf("exit %d, want 1 (one file unreadable)", code)
	}
	recs := lines(t, out)
	if len(recs) != 2 || recs[1]["path"] != missing || recs[1]["error"] == "" {
		t.Fatalf("lines %v", recs)
	}
	if recs[0]["verdict"] != "unlabelled" {
		t.Errorf("unlabelled file verdict %v", recs[0]["verdict"])
	}
	if !strings.Contains(stderr, "nope.png") {
		t.Errorf("stderr does not name the file: %q", stderr)
	}
	// An unlabelled or nonconforming file still exits 0.
	if code, _, _ := run(t, "--json", filepath.Join(fixtures, "et_badcode.jpg"), good); code != 0 {
		t.Errorf("exit %d for readable files", code)
	}
	for _, args := range [][]string{{}, {"--bogus", good}, {"--workspace"}} {
		if code, _, _ := run(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestSymlinkLoopAndHumanOutput(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(fixtures, "et_text.png"))
	os.WriteFile(filepath.Join(sub, "x.png"), b, 0o644)
	if err := os.Symlink(dir, filepath.Join(sub, "loop")); err != nil {
		t.Skip("no symlinks here")
	}
	code, out, stderr := run(t, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(out, "x.png") != 1 || !strings.Contains(out, "verdict conforming") || !strings.Contains(out, "png-text") {
		t.Errorf("human output:\n%s", out)
	}
	if !strings.Contains(stderr, "already visited") {
		t.Errorf("loop not reported: %q", stderr)
	}
}

func TestFlagAfterPath(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.txt")
	os.WriteFile(p, []byte("AI生成\nhello\n"), 0o644)
	code, out, _ := run(t, p, "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rep marking.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Format != "text" || len(rep.Explicit) != 1 {
		t.Errorf("report %+v", rep)
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestCancelledScanStillEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"--json", fixtures}, &out, &errb, nil)
	if code != 1 {
		t.Errorf("exit %d after cancel, want 1", code)
	}
	for _, ln := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if ln != "" && !json.Valid([]byte(ln)) {
			t.Errorf("bad line %q", ln)
		}
	}
}

func TestWorkspaceFlag(t *testing.T) {
	code, out, stderr := run(t, "--json", "--workspace", t.TempDir(), filepath.Join(fixtures, "et_xmp.png"))
	if code != 0 || len(lines(t, out)) != 1 {
		t.Errorf("exit %d stderr %q", code, stderr)
	}
	if code, _, _ := run(t, "--workspace", filepath.Join(fixtures, "et_xmp.png"), fixtures); code != 2 {
		t.Errorf("--workspace on a file: exit %d, want 2", code)
	}
}
