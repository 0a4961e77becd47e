package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// forbidden lists, per package prefix, the import prefixes it must not use
// (style.md §2). A rule for "marking" covers marking/... too.
var forbidden = map[string][]string{
	"review":    {"fyne.io/", "database/sql", "modernc.org/", "synthreview/store", "synthreview/ui", "synthreview/app"},
	"marking":   {"fyne.io/", "database/sql", "modernc.org/", "synthreview/review", "synthreview/store", "synthreview/ui", "synthreview/app"},
	"store":     {"fyne.io/", "synthreview/ui", "synthreview/app"},
	"ui":        {"fyne.io/fyne/v2/app", "database/sql", "modernc.org/", "synthreview/store", "synthreview/app"},
	"ui/report": {"fyne.io/", "database/sql", "modernc.org/", "synthreview/store", "synthreview/app"},
	"assets":    {"fyne.io/", "synthreview/"},
}

// TestImportRules parses every package's imports and fails on a forbidden
// edge, so the domain never learns of Fyne or SQL and SQL stays in store.
func TestImportRules(t *testing.T) {
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		rules := rulesFor(dir)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range rules {
				if p == bad || strings.HasPrefix(p, bad) && (strings.HasSuffix(bad, "/") || strings.HasPrefix(p, bad+"/")) {
					t.Errorf("%s imports %s: forbidden for package %s (style.md §2)", path, p, dir)
				}
			}
			// Only main may import Fyne's app package (as fyneapp).
			if p == "fyne.io/fyne/v2/app" && dir != "." && !strings.HasSuffix(path, "_test.go") && !strings.HasPrefix(dir, "internal/") {
				t.Errorf("%s imports fyne.io/fyne/v2/app: only main.go may", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("only %d files checked: is the walk broken?", checked)
	}
}

// rulesFor picks the most specific rule for a package folder.
func rulesFor(dir string) []string {
	best := ""
	for prefix := range forbidden {
		if (dir == prefix || strings.HasPrefix(dir, prefix+"/")) && len(prefix) > len(best) {
			best = prefix
		}
	}
	return forbidden[best]
}

func TestFyneAppIDMatchesMain(t *testing.T) {
	b, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `ID = "`+appID+`"`) {
		t.Errorf("FyneApp.toml's ID differs from main.appID %q", appID)
	}
}

// TestCommandLineNeedsNoFyneApp runs a command in a fresh process: no
// package may touch the running Fyne app while it starts (a theme call in
// a package-level variable would log "Attempt to access current Fyne app
// when none is started" on every command).
func TestCommandLineNeedsNoFyneApp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "synthreview")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "verify", filepath.Join(t.TempDir(), "missing.pdf"))
	cmd.Env = append(os.Environ(), "LANG=en_US.UTF-8", "LC_ALL=en_US.UTF-8")
	out, _ := cmd.CombinedOutput()
	if strings.Contains(string(out), "Fyne error") {
		t.Errorf("a command line run logs Fyne errors:\n%s", out)
	}
}
