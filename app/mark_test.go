package app_test

import (
	"bytes"
	"encoding/json"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMarkWatermarkSurvivesStrippingAndResolves: mark --workspace
// --watermark writes the label and the watermark; once every byte of
// metadata is gone (decode and re-encode), scan --workspace still names
// the ProduceID from the watermark digest and says the label was stripped.
func TestMarkWatermarkSurvivesStrippingAndResolves(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	ws := filepath.Join(t.TempDir(), "ws")
	if r := run(t, "root-password-1\nroot-password-1\n", "init", "--workspace", ws, "--as", "root"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	if r := run(t, "root-password-1\nreviewer-pass-1\nreviewer-pass-1\n", "user", "add", "--workspace", ws, "--as", "root", "--role", "reviewer", "rev"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	photos, _ := filepath.Glob("../testdata/photos/*.jpg")
	if len(photos) == 0 {
		t.Fatal("no photos in testdata/photos")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "marked.jpg")
	const id = "IMG-2025-11-28-LONG-000777" // too long to travel whole: a digest
	r := run(t, "reviewer-pass-1\n", "mark", "--workspace", ws, "--as", "rev", "--watermark", "--produce-id", id,
		"--producer", "001191110108MA01ABCD5T10007", photos[0], out)
	if r.code != 0 {
		t.Fatalf("mark: %+v", r)
	}
	if r := run(t, "root-password-1\n", "mark", "--workspace", ws, "--as", "root", "--produce-id", "X1",
		"--producer", "001191110108MA01ABCD5T10007", photos[0], filepath.Join(dir, "x.jpg")); r.code != 1 {
		t.Fatalf("an admin (no review role) marked in the workspace: %+v", r)
	}
	f, _ := os.Open(out)
	img, err := jpeg.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	stripped := filepath.Join(dir, "stripped.jpg")
	os.WriteFile(stripped, buf.Bytes(), 0o644)

	r = run(t, "", "scan", "--json", "--workspace", ws, stripped)
	var rep struct {
		Verdict   string `json:"verdict"`
		Watermark struct {
			Status        string `json:"status"`
			Detected      *bool  `json:"detected"`
			Payload       string `json:"payload"`
			PayloadDigest string `json:"payload_digest"`
		} `json:"watermark"`
		Findings []struct{ Code string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("scan: %v %+v", err, r)
	}
	if rep.Verdict != "unlabelled" || rep.Watermark.Detected == nil || !*rep.Watermark.Detected ||
		rep.Watermark.Payload != id || rep.Watermark.PayloadDigest == "" {
		t.Fatalf("scan of the stripped copy: %s", r.out)
	}
	if !strings.Contains(r.out, `"watermark-without-label"`) {
		t.Fatalf("no watermark-without-label finding: %s", r.out)
	}
	// After the admin rotates the key, new marks use the new key and the
	// old mark is still read.
	if r := run(t, "root-password-1\n", "keys", "rotate-watermark", "--workspace", ws, "--as", "root"); r.code != 0 {
		t.Fatalf("rotate: %+v", r)
	}
	var ring struct{ Keys []struct{ ID string } }
	b, _ := os.ReadFile(filepath.Join(ws, "keys", "watermark.json"))
	if err := json.Unmarshal(b, &ring); err != nil || len(ring.Keys) != 2 || ring.Keys[0].ID == ring.Keys[1].ID {
		t.Fatalf("keyring after rotation: %s %v", b, err)
	}
	if r := run(t, "reviewer-pass-1\n", "keys", "rotate-watermark", "--workspace", ws, "--as", "rev"); r.code != 1 {
		t.Fatalf("a reviewer rotated the key: %+v", r)
	}
	out2 := filepath.Join(dir, "marked2.jpg")
	r = run(t, "reviewer-pass-1\n", "mark", "--workspace", ws, "--as", "rev", "--watermark", "--produce-id", "IMG2",
		"--producer", "001191110108MA01ABCD5T10007", photos[0], out2)
	if r.code != 0 {
		t.Fatalf("mark after rotation: %+v", r)
	}
	r = run(t, "", "scan", "--json", "--workspace", ws, stripped, out2)
	if strings.Count(r.out, `"status":"detected"`) != 2 || !strings.Contains(r.out, `"payload":"IMG2"`) {
		t.Fatalf("after rotation, both marks must read: %s", r.out)
	}
	// Without the workspace's keys the watermark is not checked, never "absent".
	r = run(t, "", "scan", "--json", stripped)
	if !strings.Contains(r.out, `"status":"not-checked"`) {
		t.Fatalf("scan without keys: %s", r.out)
	}
}
