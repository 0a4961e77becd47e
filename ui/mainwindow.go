// Package ui is the Fyne adapter of SynthReview: the main window, one file
// and one struct per screen, the theme (with the shipped CJK font), the
// translations and the keyboard shortcuts. It talks to the domain only
// through review's service interfaces and an injected background runner;
// every visible string goes through lang.L with keys in
// assets/translations.
//
// Forbidden imports (style.md §2): fyne.io/fyne/v2/app (so tests run
// headless without cgo), database/sql, synthreview/store/...,
// synthreview/app.
package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// Deps are what the main window needs from the rest of the program.
type Deps struct {
	// Status reads the workspace summary.
	Status review.StatusReader
	// Run runs a background job. Production starts a goroutine
	// (func(job func()) { go job() }); tests run the job at once. Nil means
	// a goroutine.
	Run func(job func())
}

// The keyboard shortcuts with a modifier, defined once: each goes on its
// menu item and on the canvas (style.md §5). F5, F1 and "?" have no
// modifier, which Fyne does not treat as shortcuts; the canvas's key
// handlers catch them.
var (
	scRefresh = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	scQuit    = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
)

// mainWindow is the window shell: title, menu, shortcuts and the screen it
// shows. It rebuilds menu and content when the language changes.
type mainWindow struct {
	app  fyne.App
	win  fyne.Window
	deps Deps

	summary   *summaryView
	dialogs   *dialogStack
	shortcuts dialog.Dialog // the open shortcuts overlay, or nil

	// what LC_ALL was before the user chose a language (see applyLanguage)
	sysLocale      string
	sysLocaleSet   bool
	sysLocaleSaved bool
}

// NewMainWindow builds the main window on a: title, menu, shortcuts and the
// workspace summary screen, whose first read it starts. It shows nothing
// yet; call ShowAndRun on the result. It panics if d.Status is nil (a
// wiring mistake).
//
// The language is the one saved from the View › Language menu in
// a.Preferences(), or the system's (LANG) when none was chosen; translations
// must be loaded first (LoadTranslations).
func NewMainWindow(a fyne.App, d Deps) fyne.Window {
	m := newMainWindow(a, d)
	m.summary.onRefresh()
	return m.win
}

func newMainWindow(a fyne.App, d Deps) *mainWindow {
	if d.Status == nil {
		panic("ui.NewMainWindow: Deps.Status is nil")
	}
	if d.Run == nil {
		d.Run = func(job func()) { go job() }
	}
	m := &mainWindow{app: a, deps: d, dialogs: &dialogStack{}}
	if choice := a.Preferences().String(prefLanguage); choice != langSystem {
		m.applyLanguage(choice)
	}
	m.win = a.NewWindow(lang.L("app.name"))
	m.win.SetIcon(AppIcon())
	m.win.Resize(fyne.NewSize(960, 640))
	m.build(nil)
	return m
}

// build (re)creates the translated parts: menu, screen and shortcuts. prev,
// when not nil, is the screen being replaced; its numbers carry over so a
// language switch needs no reload.
func (m *mainWindow) build(prev *summaryView) {
	m.summary = newSummaryView(m.deps.Status, m.win, m.deps.Run)
	m.summary.dialogs = m.dialogs
	m.summary.onLoaded = m.updateTitle
	if prev != nil {
		m.summary.takeOver(prev)
	}
	m.win.SetMainMenu(m.menu())
	m.win.SetContent(m.summary.content())
	m.updateTitle()

	c := m.win.Canvas()
	c.AddShortcut(scRefresh, func(fyne.Shortcut) { m.summary.onRefresh() })
	c.AddShortcut(scQuit, func(fyne.Shortcut) { m.onQuit() })
	c.SetOnTypedKey(m.onTypedKey)
	c.SetOnTypedRune(m.onTypedRune)
}

func (m *mainWindow) updateTitle() {
	ws := m.summary.workspace()
	if ws == "" {
		m.win.SetTitle(lang.L("app.name"))
		return
	}
	m.win.SetTitle(lang.L("window.title", map[string]any{"Workspace": cleanText(filepath.Base(ws))}))
}

func (m *mainWindow) menu() *fyne.MainMenu {
	refresh := fyne.NewMenuItem(lang.L("menu.file.refresh"), m.summary.onRefresh)
	refresh.Shortcut = scRefresh
	quit := fyne.NewMenuItem(lang.L("menu.file.quit"), m.onQuit)
	quit.Shortcut = scQuit
	quit.IsQuit = true

	current := m.app.Preferences().String(prefLanguage)
	langItem := func(label, choice string) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, func() { m.onLanguage(choice) })
		it.Checked = current == choice
		return it
	}
	language := fyne.NewMenuItem(lang.L("menu.view.language"), nil)
	language.ChildMenu = fyne.NewMenu("",
		langItem(lang.L("menu.view.language.system"), langSystem),
		fyne.NewMenuItemSeparator(),
		langItem(lang.L("language.zh"), langZH),
		langItem(lang.L("language.en"), langEN),
	)

	return fyne.NewMainMenu(
		fyne.NewMenu(lang.L("menu.file"), refresh, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu(lang.L("menu.view"), language),
		fyne.NewMenu(lang.L("menu.help"),
			fyne.NewMenuItem(lang.L("menu.help.shortcuts"), m.onShortcuts),
			fyne.NewMenuItem(lang.L("menu.help.about"), m.onAbout),
		),
	)
}

// onLanguage switches the UI language at once and remembers the choice.
func (m *mainWindow) onLanguage(choice string) {
	m.app.Preferences().SetString(prefLanguage, choice)
	m.applyLanguage(choice)
	m.dialogs.closeAll()
	m.build(m.summary)
}

func (m *mainWindow) onQuit() {
	m.app.Quit()
}

func (m *mainWindow) onTypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF5:
		m.summary.onRefresh()
	case fyne.KeyF1:
		m.onShortcuts()
	case fyne.KeyEscape:
		m.dialogs.closeTop()
	}
}

func (m *mainWindow) onTypedRune(r rune) {
	if r == '?' {
		m.onShortcuts()
	}
}

// onShortcuts shows the keyboard shortcuts overlay.
func (m *mainWindow) onShortcuts() {
	if m.shortcuts != nil {
		return
	}
	d := dialog.NewCustom(lang.L("shortcuts.title"), lang.L("action.close"), shortcutList(), m.win)
	d.SetOnClosed(func() { m.shortcuts = nil })
	m.shortcuts = d
	m.dialogs.show(d)
}

// onAbout shows what the program is and which workspace is open.
func (m *mainWindow) onAbout() {
	body := widget.NewLabel(lang.L("about.body"))
	body.Wrapping = fyne.TextWrapWord
	ws := widget.NewLabel(lang.L("about.workspace", map[string]any{"Path": m.summary.workspace()}))
	ws.Wrapping = fyne.TextWrapBreak
	ws.Selectable = true
	m.dialogs.show(dialog.NewCustom(lang.L("about.title"), lang.L("action.close"),
		newMinWidth(420, container.NewVBox(body, ws)), m.win))
}
