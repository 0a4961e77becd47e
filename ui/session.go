package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// The session's shortcuts (with a modifier: they work while an entry has
// the focus too).
var (
	scLock    = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	scDesk    = &desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault}
	scQueues  = &desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault}
	scIntake  = &desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault}
	scSummary = &desktop.CustomShortcut{KeyName: fyne.Key4, Modifier: fyne.KeyModifierShortcutDefault}
)

// session is what a signed-in user sees: a bar with who they are, and the
// screens their role allows, as tabs. Screens a role may not use are not
// built at all (and the service refuses them anyway: review.Require).
type session struct {
	acct    review.Account
	bar     *fyne.Container
	tabs    *container.AppTabs
	desk    *deskView         // nil when the role cannot claim
	queues  *queueView        // nil when the role sees no queue
	intake  *intakeErrorsView // admins only
	summary *summaryView
	deskTab *container.TabItem
	root    fyne.CanvasObject
}

// canReview: the role claims items of some queue.
func canReview(a review.Account) bool { return review.Require(a, review.ActClaim) == nil }

// canSeeQueues: the role may list a queue.
func canSeeQueues(a review.Account) bool {
	return canReview(a) || review.Require(a, review.ActSeeAll) == nil
}

// canSeeIntake: the role may see intake errors (admins run imports and
// fix the inbox).
func canSeeIntake(a review.Account) bool { return review.Require(a, review.ActRunImport) == nil }

func (m *mainWindow) newSession(acct review.Account, prev *session) *session {
	s := &session{acct: acct}
	s.summary = newSummaryView(m.deps.Status, m.win, m.deps.Run)
	s.summary.dialogs = m.dialogs
	s.summary.onLoaded = m.updateTitle
	if prev != nil && prev.summary != nil {
		s.summary.takeOver(prev.summary)
	}
	var items []*container.TabItem
	if canReview(acct) && m.deps.Desk != nil {
		s.desk = newDeskView(m.deps.Desk, acct, m.win, m.deps.Run, m.keys, m.dialogs)
		s.desk.onActivity = m.touch
		if prev != nil && prev.desk != nil {
			s.desk.takeOver(prev.desk)
		}
		s.deskTab = container.NewTabItemWithIcon(lang.L("tab.desk"), theme.DocumentIcon(), s.desk.content())
		items = append(items, s.deskTab)
	}
	if canSeeQueues(acct) && m.deps.Desk != nil {
		s.queues = newQueueView(m.deps.Desk, acct, m.win, m.deps.Run)
		items = append(items, container.NewTabItemWithIcon(lang.L("tab.queues"), theme.ListIcon(), s.queues.content()))
	}
	if canSeeIntake(acct) && m.deps.Desk != nil {
		s.intake = newIntakeErrorsView(m.deps.Desk, acct, m.win, m.deps.Run)
		items = append(items, container.NewTabItemWithIcon(lang.L("tab.intake"), theme.WarningIcon(), s.intake.content()))
	}
	items = append(items, container.NewTabItemWithIcon(lang.L("tab.summary"), theme.InfoIcon(), s.summary.content()))
	s.tabs = container.NewAppTabs(items...)
	s.tabs.OnSelected = func(t *container.TabItem) { m.onTab(t) }

	who := widget.NewLabelWithStyle(lang.L("session.who", map[string]any{
		"Name": cleanText(acct.Name), "Role": lang.L("role." + string(acct.Role))}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	lock := widget.NewButtonWithIcon(lang.L("session.lock")+" ("+keyLabel(scLock)+")", theme.VisibilityOffIcon(), m.onLock)
	out := widget.NewButtonWithIcon(lang.L("session.signout"), theme.LogoutIcon(), m.onSignOut)
	s.bar = container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.AccountIcon()), who), container.NewHBox(lock, out))
	s.root = newActivityWatcher(container.NewBorder(container.NewVBox(s.bar, widget.NewSeparator()), nil, nil, nil, s.tabs), m.touch)
	return s
}

// onTab loads what a screen shows when it is chosen.
func (m *mainWindow) onTab(t *container.TabItem) {
	s := m.session
	if s == nil {
		return
	}
	m.touch()
	switch {
	case s.queues != nil && t.Content == s.queues.content():
		s.queues.reload()
	case s.intake != nil && t.Content == s.intake.content():
		s.intake.reload()
	case t.Content == s.summary.content():
		s.summary.onRefresh()
	case s.desk != nil && t == s.deskTab:
		s.desk.refreshCounts()
	}
}

// selectTab shows the i-th screen of those built, if there is one.
func (m *mainWindow) selectTab(content fyne.CanvasObject) {
	if m.session == nil || m.locked || content == nil {
		return
	}
	for _, t := range m.session.tabs.Items {
		if t.Content == content {
			m.session.tabs.Select(t)
			return
		}
	}
}

// deskShown reports whether the review desk is the screen in front, so
// single-letter keys go to it.
func (m *mainWindow) deskShown() bool {
	s := m.session
	return s != nil && !m.locked && s.desk != nil && s.tabs.Selected() == s.deskTab
}

// activityWatcher notices the pointer moving over the screen, for the
// idle lock. It sits behind the content: it gets the moves that no
// hoverable widget (a button) takes first.
type activityWatcher struct {
	widget.BaseWidget
	content fyne.CanvasObject
	touch   func()
}

func newActivityWatcher(content fyne.CanvasObject, touch func()) *activityWatcher {
	w := &activityWatcher{content: content, touch: touch}
	w.ExtendBaseWidget(w)
	return w
}

// CreateRenderer shows the content.
func (w *activityWatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(w.content)
}

// MouseIn counts as activity.
func (w *activityWatcher) MouseIn(*desktop.MouseEvent) { w.touch() }

// MouseMoved counts as activity.
func (w *activityWatcher) MouseMoved(*desktop.MouseEvent) { w.touch() }

// MouseOut does nothing.
func (w *activityWatcher) MouseOut() {}
