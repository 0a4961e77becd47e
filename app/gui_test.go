package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/ui"
)

// TestWorkstationOnARealWorkspace is style.md §8's smoke test: the real
// store on a temporary file and the real UI on a test app. The window must
// name the workspace and the summary must show the database's numbers.
func TestWorkstationOnARealWorkspace(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ws-smoke")
	w, err := CreateWorkspace(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Accounts().Bootstrap(ctx, "root", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	win := ui.NewMainWindow(a, ui.Deps{Status: workspaceStatus{w}, Run: func(job func()) { job() }})
	defer win.Close()
	if !strings.Contains(win.Title(), "ws-smoke") {
		t.Fatalf("window title %q does not name the workspace", win.Title())
	}
	st, err := w.DB.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The chain head shown must be the database's.
	found := false
	for _, o := range test.LaidOutObjects(win.Content()) {
		if txt, ok := textOf(o); ok && strings.Contains(txt, st.ChainHead[:8]) {
			found = true
		}
	}
	if !found {
		t.Fatalf("the summary does not show the chain head %s…", st.ChainHead[:8])
	}
}

// textOf returns the text a label or a canvas text shows.
func textOf(o any) (string, bool) {
	switch v := o.(type) {
	case *widget.Label:
		return v.Text, true
	case *canvas.Text:
		return v.Text, true
	}
	return "", false
}
