package ui

import (
	"errors"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func menuLabels(m *fyne.MainMenu) []string {
	var out []string
	for _, menu := range m.Items {
		out = append(out, menu.Label)
		for _, it := range menu.Items {
			if !it.IsSeparator {
				out = append(out, it.Label)
			}
		}
	}
	return out
}

func TestMainWindowMenuAndShortcuts(t *testing.T) {
	f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}
	m, _ := newTestWindow(t, f)
	got := strings.Join(menuLabels(m.win.MainMenu()), "|")
	want := "File|Refresh|Quit|View|Language|Help|Keyboard shortcuts|About SynthReview"
	if got != want {
		t.Errorf("menu = %s, want %s", got, want)
	}
	file := m.win.MainMenu().Items[0]
	if file.Items[0].Shortcut != scRefresh {
		t.Error("File › Refresh does not carry the Ctrl+R shortcut")
	}
	if q := file.Items[2]; !q.IsQuit || q.Shortcut != scQuit {
		t.Error("File › Quit is not the quit item with Ctrl+Q")
	}
	langs := m.win.MainMenu().Items[1].Items[0].ChildMenu.Items
	if langs[2].Label != "中文" || langs[3].Label != "English" {
		t.Errorf("language items %q, %q: want each language named in itself", langs[2].Label, langs[3].Label)
	}
	if !langs[0].Checked || langs[2].Checked || langs[3].Checked {
		t.Error("with no choice saved, \"Follow the system\" should be the checked language")
	}

	// "?" and F1 open the shortcuts overlay, Escape closes it.
	c := m.win.Canvas()
	test.TypeOnCanvas(c, "?")
	if m.shortcuts == nil || c.Overlays().Top() == nil {
		t.Fatal("? does not open the shortcuts overlay")
	}
	text := strings.Join(labelTexts(c.Overlays().Top()), "\n")
	for _, w := range []string{"F5 or Ctrl+R", "Reload the summary", "F1 or ?", "Ctrl+Q"} {
		if !strings.Contains(text, w) {
			t.Errorf("shortcuts overlay %q lacks %q", text, w)
		}
	}
	test.AssertRendersToMarkup(t, "shortcuts.xml", c)
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if m.shortcuts != nil || c.Overlays().Top() != nil {
		t.Error("Escape does not close the shortcuts overlay")
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	if c.Overlays().Top() == nil {
		t.Error("F1 does not open the shortcuts overlay")
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	if n := len(c.Overlays().List()); n != 1 {
		t.Errorf("pressing F1 twice stacks %d overlays, want 1", n)
	}
}

func TestAboutNamesTheWorkspaceAndEscapeClosesIt(t *testing.T) {
	f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}
	m, _ := newTestWindow(t, f)
	m.summary.onRefresh()
	c := m.win.Canvas()
	m.win.MainMenu().Items[2].Items[1].Action()
	top := c.Overlays().Top()
	if top == nil {
		t.Fatal("Help › About shows no dialog")
	}
	if text := strings.Join(labelTexts(top), "\n"); !strings.Contains(text, "Workspace: /srv/synthreview/ws1") {
		t.Errorf("About dialog %q does not name the workspace", text)
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Error("Escape does not close the About dialog")
	}
}

func TestEscapeClosesTheErrorDialog(t *testing.T) {
	f := &fakeStatus{answers: []statusAnswer{{err: errors.New("boom")}}}
	m, _ := newTestWindow(t, f)
	m.summary.onRefresh()
	c := m.win.Canvas()
	if c.Overlays().Top() == nil {
		t.Fatal("no error dialog")
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Error("Escape does not close the error dialog")
	}
}

// restoreLocale undoes what a language switch does to the environment.
func restoreLocale(t *testing.T) {
	t.Helper()
	before, had := os.LookupEnv(localeEnv)
	t.Cleanup(func() {
		if had {
			os.Setenv(localeEnv, before)
		} else {
			os.Unsetenv(localeEnv)
		}
		applyLanguageNow()
	})
}

// applyLanguageNow makes lang re-read the locale, as applyLanguage does.
func applyLanguageNow() {
	(&mainWindow{sysLocaleSaved: true, sysLocale: os.Getenv(localeEnv), sysLocaleSet: true}).applyLanguage(langSystem)
}

func TestLanguageSwitchRebuildsWithoutReloading(t *testing.T) {
	restoreLocale(t)
	f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}
	m, a := newTestWindow(t, f)
	m.summary.onRefresh()

	m.onLanguage(langZH)
	if f.calls != 1 {
		t.Errorf("switching language read the workspace again (%d reads)", f.calls)
	}
	if got := a.Preferences().String(prefLanguage); got != langZH {
		t.Errorf("saved language %q, want %q", got, langZH)
	}
	menu := strings.Join(menuLabels(m.win.MainMenu()), "|")
	if menu != "文件|刷新|退出|视图|语言|帮助|键盘快捷键|关于 SynthReview" {
		t.Errorf("Chinese menu = %s", menu)
	}
	v := m.summary
	if v.items.Text != "共 1,288 条内容" || v.chart.Bars()[0].Label != "待审核" || v.note.Text != "更新于 09:30:00" {
		t.Errorf("Chinese summary: items %q, first bar %q, note %q", v.items.Text, v.chart.Bars()[0].Label, v.note.Text)
	}
	if m.win.Title() != "SynthReview 合成内容审核台 — ws1" {
		t.Errorf("Chinese title %q", m.win.Title())
	}
	if !m.win.MainMenu().Items[1].Items[0].ChildMenu.Items[2].Checked {
		t.Error("中文 is not checked after choosing it")
	}
	test.ApplyTheme(t, Theme())
	test.AssertRendersToMarkup(t, "summary_zh.xml", m.win.Canvas())

	// A new window starts in the saved language, whatever the system says.
	m2 := newMainWindow(a, Deps{Status: f, Run: runNow})
	t.Cleanup(m2.win.Close)
	if got := m2.win.MainMenu().Items[0].Label; got != "文件" {
		t.Errorf("a new window after choosing Chinese has menu %q", got)
	}

	m.onLanguage(langEN)
	if got := m.win.MainMenu().Items[0].Label; got != "File" {
		t.Errorf("after choosing English the menu is %q", got)
	}
	m.onLanguage(langSystem)
	if got := m.win.MainMenu().Items[0].Label; got != "File" {
		t.Errorf("following the (English) system gives menu %q", got)
	}
	if got, _ := os.LookupEnv(localeEnv); got != "en_US.UTF-8" {
		t.Errorf("following the system left %s=%q, want the system's en_US.UTF-8 back", localeEnv, got)
	}
}

func TestNewMainWindowStartsTheFirstRead(t *testing.T) {
	f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}
	a := test.NewTempApp(t)
	w := NewMainWindow(a, Deps{Status: f, Run: runNow})
	t.Cleanup(w.Close)
	if f.calls != 1 || w.Title() != "SynthReview — ws1" {
		t.Errorf("after NewMainWindow: %d reads, title %q", f.calls, w.Title())
	}
}

func TestNewMainWindowWithoutStatusPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewMainWindow accepted a nil StatusReader")
		}
	}()
	NewMainWindow(test.NewTempApp(t), Deps{})
}
