package app

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"synthreview/review"
	"testing"
)

// The demo workspace is built once per test run and copied for each test
// that needs one (a Demo takes seconds, longer under the race detector).
// Each copy is a separate workspace: tests change only their own.
var (
	demoOnce     sync.Once
	demoTemplate string
	demoErr      error
)

// demoWorkspace returns a fresh copy of the demo workspace in a folder of
// the test's own.
func demoWorkspace(t testing.TB) string {
	t.Helper()
	demoOnce.Do(func() {
		var base string
		base, demoErr = os.MkdirTemp("", "synthreview-demo-template-")
		if demoErr != nil {
			return
		}
		demoTemplate = filepath.Join(base, "demo")
		demoErr = Demo(context.Background(), demoTemplate, func(string) {})
	})
	if demoErr != nil {
		t.Fatalf("demo workspace: %v", demoErr)
	}
	dir := filepath.Join(t.TempDir(), "demo")
	if err := copyTree(demoTemplate, dir); err != nil {
		t.Fatalf("copy the demo workspace: %v", err)
	}
	return dir
}

// copyTree copies a folder, keeping each file's permission bits (keys are
// 0600 and the workspace refuses keys others may read).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}

// openDemo opens a copy of the demo workspace for the test (closed when
// the test ends) and returns a sign-in of its accounts (DemoPassword).
func openDemo(t testing.TB) (*Workspace, func(name string) review.Account) {
	t.Helper()
	w, err := OpenWorkspace(context.Background(), demoWorkspace(t), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, func(name string) review.Account {
		t.Helper()
		a, err := w.Accounts().Authenticate(context.Background(), name, DemoPassword)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
}
