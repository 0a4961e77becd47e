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
	"time"

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
	// Accounts signs users in. Nil: no sign-in, the window shows the
	// workspace summary only (a read-only viewer).
	Accounts Authenticator
	// Desk is the review service behind the queue and review screens.
	Desk review.Workstation
	// IdleLock locks the screen after this long without keyboard or
	// pointer activity; 0 never locks.
	IdleLock time.Duration
	// Cases is the complaints and appeals service (nil: no such screen).
	Cases review.CaseService
	// Registers are the consent, real-name and personal-data screens'
	// service (nil: no such screens).
	Registers review.RegisterService
	// Exporter writes signed audit packages (nil: no export screen).
	Exporter review.Exporter
	// Dashboards reads the manager's dashboard (nil: no dashboard).
	Dashboards review.DashboardReader
	// Training is training mode's service (nil: no training screens).
	Training review.TrainingService
	// Quality reads hidden gold and calibration for the scores screen
	// (nil: the screen shows training only).
	Quality review.QualityReader
	// GoldImport makes gold items of imported files on the gold sets
	// screen (nil: gold is made from live items only).
	GoldImport review.GoldImporter
}

// DefaultIdleLock is the idle time after which the workstation locks.
const DefaultIdleLock = 5 * time.Minute

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
	keys      *keymap
	session   *session    // the signed-in user's screens; nil before sign-in
	signin    *signInView // the sign-in or lock form shown, if any
	locked    bool
	idle      time.Duration
	now       func() time.Time
	lastSeen  time.Time     // the last keyboard or pointer activity
	shortcuts dialog.Dialog // the open shortcuts overlay, or nil
	// shortcutsContent is what the overlay shows (for tests)
	shortcutsContent fyne.CanvasObject

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
	if d.Accounts == nil {
		m.summary.onRefresh()
	}
	if m.idle > 0 {
		go m.watchIdle()
	}
	m.win.SetOnClosed(m.releaseHeld)
	return m.win
}

// watchIdle checks for idleness a few times a minute, for the life of the
// program (the window is the program).
func (m *mainWindow) watchIdle() {
	t := time.NewTicker(min(m.idle/4, 5*time.Second))
	defer t.Stop()
	for range t.C {
		fyne.Do(m.checkIdle)
	}
}

func newMainWindow(a fyne.App, d Deps) *mainWindow {
	if d.Status == nil {
		panic("ui.NewMainWindow: Deps.Status is nil")
	}
	if d.Run == nil {
		d.Run = func(job func()) { go job() }
	}
	m := &mainWindow{app: a, deps: d, dialogs: &dialogStack{}, keys: loadKeymap(a.Preferences()),
		idle: d.IdleLock, now: time.Now}
	m.lastSeen = m.now()
	if choice := a.Preferences().String(prefLanguage); choice != langSystem {
		m.applyLanguage(choice)
	}
	m.win = a.NewWindow(lang.L("app.name"))
	m.win.SetIcon(AppIcon())
	m.win.Resize(fyne.NewSize(1280, 800))
	m.build(nil)
	return m
}

// build (re)creates the translated parts: menu, screen and shortcuts. prev,
// when not nil, is the summary being replaced; its numbers carry over so a
// language switch needs no reload. A signed-in session is rebuilt with the
// item on screen kept.
func (m *mainWindow) build(prev *summaryView) {
	var content fyne.CanvasObject
	switch {
	case m.deps.Accounts == nil:
		m.summary = newSummaryView(m.deps.Status, m.win, m.deps.Run)
		m.summary.dialogs = m.dialogs
		m.summary.onLoaded = m.updateTitle
		if prev != nil {
			m.summary.takeOver(prev)
		}
		content = m.summary.content()
	case m.session != nil:
		m.session = m.newSession(m.session.acct, m.session)
		m.summary = m.session.summary
		content = m.session.root
		if m.locked {
			content = m.lockScreen()
		}
	default:
		m.summary = newSummaryView(m.deps.Status, m.win, m.deps.Run)
		m.summary.onLoaded = m.updateTitle
		m.signin = newSignInView(m.deps.Accounts, m.deps.Run, "")
		m.signin.onSignedIn = m.onSignedIn
		content = m.signin.content()
	}
	m.win.SetMainMenu(m.menu())
	m.win.SetContent(content)
	m.updateTitle()

	c := m.win.Canvas()
	c.AddShortcut(scRefresh, func(fyne.Shortcut) { m.onRefresh() })
	c.AddShortcut(scQuit, func(fyne.Shortcut) { m.onQuit() })
	for _, sc := range scTabs {
		c.RemoveShortcut(sc)
	}
	c.RemoveShortcut(scLock)
	if m.session != nil {
		c.AddShortcut(scLock, func(fyne.Shortcut) { m.onLock() })
		for i, sc := range scTabs {
			c.AddShortcut(sc, func(fyne.Shortcut) { m.selectTabIndex(i) })
		}
		m.addScreenShortcuts()
	}
	c.SetOnTypedKey(m.onTypedKey)
	c.SetOnTypedRune(m.onTypedRune)
	if m.signin != nil && (m.session == nil || m.locked) {
		m.signin.focus(c)
	}
}

// onRefresh re-reads the screen in front.
func (m *mainWindow) onRefresh() {
	m.touch()
	if s := m.session; s != nil && !m.locked {
		if s.current != nil && s.current.reload != nil {
			s.current.reload()
		}
		return
	}
	m.summary.onRefresh()
}

// onSignedIn opens the session of a user who gave a good password.
func (m *mainWindow) onSignedIn(acct review.Account) {
	m.signin = nil
	m.locked = false
	m.session = &session{acct: acct} // build makes its screens
	m.touch()
	m.build(nil)
	if sc := m.session.current; sc != nil && sc.reload != nil {
		sc.reload()
	}
	if v := m.session.complaints; v != nil && m.session.current.item.Content != v.content() {
		v.reload() // for the overdue count in the bar
	}
}

// onSignOut gives back the item held and returns to the sign-in screen.
func (m *mainWindow) onSignOut() {
	m.releaseHeld()
	m.dialogs.closeAll()
	m.session = nil
	m.locked = false
	m.build(nil)
}

// releaseHeld gives back the item the reviewer holds, so it does not wait
// for its lease to lapse.
func (m *mainWindow) releaseHeld() {
	if m.session != nil && m.session.desk != nil {
		m.session.desk.release()
	}
}

// touch records activity, for the idle lock.
func (m *mainWindow) touch() { m.lastSeen = m.now() }

// checkIdle locks the screen when the user has been away long enough.
func (m *mainWindow) checkIdle() {
	if m.session != nil && !m.locked && m.idle > 0 && m.now().Sub(m.lastSeen) >= m.idle {
		m.onLock()
	}
}

// onLock hides the session behind the lock screen. The item held keeps its
// lease, which lapses (and returns the item to the queue) if the reviewer
// does not come back in time.
func (m *mainWindow) onLock() {
	if m.session == nil || m.locked {
		return
	}
	m.locked = true
	m.dialogs.closeAll()
	if sc := m.session.current; sc != nil && sc.leave != nil {
		sc.leave() // no clear personal data behind the lock screen
	}
	m.win.SetContent(m.lockScreen())
	m.signin.focus(m.win.Canvas())
}

func (m *mainWindow) lockScreen() fyne.CanvasObject {
	acct := m.session.acct
	m.signin = newSignInView(m.deps.Accounts, m.deps.Run, acct.Name)
	m.signin.onSignOut = m.onSignOut
	m.signin.onSignedIn = func(a review.Account) {
		if a.Name != acct.Name {
			return
		}
		m.locked = false
		m.signin = nil
		m.session.acct = a
		m.touch()
		m.win.SetContent(m.session.root)
	}
	return m.signin.content()
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
	refresh := fyne.NewMenuItem(lang.L("menu.file.refresh"), m.onRefresh)
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

	view := fyne.NewMenu(lang.L("menu.view"), language)
	if m.deps.Accounts != nil {
		view.Items = append(view.Items, fyne.NewMenuItem(lang.L("menu.view.keys"), m.onKeys))
	}
	file := fyne.NewMenu(lang.L("menu.file"), refresh, fyne.NewMenuItemSeparator(), quit)
	if m.session != nil {
		lock := fyne.NewMenuItem(lang.L("session.lock"), m.onLock)
		lock.Shortcut = scLock
		file.Items = append([]*fyne.MenuItem{lock, fyne.NewMenuItem(lang.L("session.signout"), m.onSignOut),
			fyne.NewMenuItemSeparator()}, file.Items...)
	}
	return fyne.NewMainMenu(
		file,
		view,
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
	m.touch()
	switch ev.Name {
	case fyne.KeyF5:
		m.onRefresh()
		return
	case fyne.KeyF1:
		m.onShortcuts()
		return
	case fyne.KeyEscape:
		m.dialogs.closeTop()
		return
	}
	if s := m.session; s != nil && !m.locked && len(m.dialogs.open) == 0 && !m.deskShown() &&
		s.current != nil && s.current.onKey != nil {
		s.current.onKey(ev.Name)
		return
	}
	if !m.deskShown() || len(m.dialogs.open) > 0 {
		return
	}
	switch ev.Name {
	case fyne.KeyLeft, fyne.KeyRight, fyne.KeyUp, fyne.KeyDown:
		m.session.desk.onArrow(ev.Name)
		return
	}
	// Printable keys arrive as runes too (onTypedRune); only the others
	// (F2, Delete, …) are looked up here, so no key acts twice.
	if len(ev.Name) > 1 {
		if a, ok := m.keys.action(ev.Name); ok {
			m.session.desk.onAction(a)
		}
	}
}

func (m *mainWindow) onTypedRune(r rune) {
	m.touch()
	if r == '?' {
		m.onShortcuts()
		return
	}
	if s := m.session; s != nil && !m.locked && len(m.dialogs.open) == 0 && !m.deskShown() &&
		s.current != nil && s.current.onRune != nil {
		s.current.onRune(r)
		return
	}
	if !m.deskShown() || len(m.dialogs.open) > 0 {
		return
	}
	if a, ok := m.keys.action(runeKey(r)); ok {
		m.session.desk.onAction(a)
	}
}

// onShortcuts shows the keyboard shortcuts overlay.
func (m *mainWindow) onShortcuts() {
	if m.shortcuts != nil {
		return
	}
	var k *keymap
	if m.session != nil && (m.session.desk != nil || m.session.training != nil) {
		k = m.keys
	}
	m.shortcutsContent = shortcutList(k)
	d := dialog.NewCustom(lang.L("shortcuts.title"), lang.L("action.close"), m.shortcutsContent, m.win)
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
