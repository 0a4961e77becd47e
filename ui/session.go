package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// The session's shortcuts (with a modifier: they work while an entry has
// the focus too). Ctrl+1 … Ctrl+9 choose the screens in their tab order.
var (
	scLock = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	scTabs = []*desktop.CustomShortcut{
		{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key4, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key5, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key6, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key7, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key8, Modifier: fyne.KeyModifierShortcutDefault},
		{KeyName: fyne.Key9, Modifier: fyne.KeyModifierShortcutDefault},
	}
)

// screen is one tab of the session: its content and what the session does
// when it comes to the front or leaves it.
type screen struct {
	item      *container.TabItem
	reload    func()          // read again (on selection and F5)
	shortcuts []viewShortcut  // registered only while the screen is in front
	leave     func()          // the screen goes to the back (hide clear personal data …)
	onRune    func(rune) bool // single keys while in front and no dialog is open
	onKey     func(fyne.KeyName) bool
}

// session is what a signed-in user sees: a bar with who they are, and the
// screens their role allows, as tabs. Screens a role may not use are not
// built at all (and the service refuses them anyway: review.Require).
type session struct {
	acct       review.Account
	bar        *fyne.Container
	tabs       *container.AppTabs
	screens    []*screen
	current    *screen
	desk       *deskView         // nil when the role cannot claim
	queues     *queueView        // nil when the role sees no queue
	complaints *complaintsView   // nil without the case service or the role
	consents   *consentsView     // nil without the registers or the role
	realNames  *realNamesView    // …
	personal   *personalView     // …
	intake     *intakeErrorsView // admins only
	export     *exportView       // managers and admins
	dashboard  *dashboardView    // managers
	training   *trainingView     // anyone who may train
	summary    *summaryView
	deskTab    *container.TabItem
	overdue    *widget.Label // complaints past due, in the bar
	// paused counts the reviewers hidden gold paused, in the bar (trainers
	// and managers: review.ActSeeScores); pausedN is the count shown,
	// pausedRead whether it was read (a rebuild takes it over).
	paused     *widget.Label
	pausedN    int
	pausedRead bool
	// refreshPaused reads the count again in the background; nil when the
	// account does not see it.
	refreshPaused func()
	root          fyne.CanvasObject
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

// canSeeComplaints: the role records complaints or sees everything.
func canSeeComplaints(a review.Account) bool {
	return review.Require(a, review.ActRecordComplaint) == nil || review.Require(a, review.ActSeeAll) == nil
}

func (m *mainWindow) newSession(acct review.Account, prev *session) *session {
	s := &session{acct: acct}
	s.summary = newSummaryView(m.deps.Status, m.win, m.deps.Run)
	s.summary.dialogs = m.dialogs
	s.summary.onLoaded = m.updateTitle
	if prev != nil && prev.summary != nil {
		s.summary.takeOver(prev.summary)
	}
	s.overdue = widget.NewLabel("")
	s.overdue.Importance = widget.DangerImportance
	s.overdue.Hide()
	s.paused = widget.NewLabel("")
	s.paused.Importance = widget.DangerImportance
	s.paused.Hide()
	if t := m.deps.Training; t != nil && review.Require(acct, review.ActSeeScores) == nil {
		s.refreshPaused = func() { s.readPaused(t, m.deps.Run) }
	}
	add := func(sc *screen) { s.screens = append(s.screens, sc) }
	if m.deps.Dashboards != nil && review.Require(acct, review.ActSeeAll) == nil {
		// The manager's first screen: the dashboard (issue 9).
		v := newDashboardView(m.deps.Dashboards, acct, m.win, m.deps.Run)
		v.dialogs = m.dialogs
		if prev != nil && prev.dashboard != nil {
			v.takeOver(prev.dashboard)
		}
		s.dashboard = v
		add(&screen{item: container.NewTabItemWithIcon(lang.L("tab.dashboard"), theme.GridIcon(), v.content()),
			reload: v.reload})
	}
	if canReview(acct) && m.deps.Desk != nil {
		s.desk = newDeskView(m.deps.Desk, acct, m.win, m.deps.Run, m.keys, m.dialogs)
		s.desk.onActivity = m.touch
		if prev != nil && prev.desk != nil {
			s.desk.takeOver(prev.desk)
		}
		s.deskTab = container.NewTabItemWithIcon(lang.L("tab.desk"), theme.DocumentIcon(), s.desk.content())
		add(&screen{item: s.deskTab, reload: s.desk.refreshCounts})
	}
	if canSeeQueues(acct) && m.deps.Desk != nil {
		s.queues = newQueueView(m.deps.Desk, acct, m.win, m.deps.Run)
		add(&screen{item: container.NewTabItemWithIcon(lang.L("tab.queues"), theme.ListIcon(), s.queues.content()),
			reload: s.queues.reload})
	}
	if canSeeComplaints(acct) && m.deps.Cases != nil {
		v := newComplaintsView(m.deps.Cases, acct, m.win, m.deps.Run)
		v.dialogs = m.dialogs
		v.onCounts = func(c review.CaseCounts) { s.showOverdue(c.Overdue) }
		s.complaints = v
		add(&screen{item: container.NewTabItemWithIcon(lang.L("cases.tab"), theme.MailComposeIcon(), v.content()),
			reload: v.reload, onRune: v.onRune, onKey: v.onKey})
	}
	if m.deps.Registers != nil {
		if canSeeConsents(acct) {
			v := newConsentsView(m.deps.Registers, acct, m.win, m.deps.Run)
			v.dialogs = m.dialogs
			s.consents = v
			add(&screen{item: container.NewTabItemWithIcon(lang.L("registers.tab.consents"), theme.FileIcon(), v.content()),
				reload: v.reload, shortcuts: v.shortcuts()})
		}
		if canSeeRealNames(acct) {
			v := newRealNamesView(m.deps.Registers, acct, m.win, m.deps.Run)
			s.realNames = v
			add(&screen{item: container.NewTabItemWithIcon(lang.L("registers.tab.realnames"), theme.AccountIcon(), v.content()),
				reload: v.reload, shortcuts: v.shortcuts(), leave: v.remask})
		}
		if canSeePersonal(acct) {
			v := newPersonalView(m.deps.Registers, acct, m.win, m.deps.Run)
			v.dialogs = m.dialogs
			s.personal = v
			add(&screen{item: container.NewTabItemWithIcon(lang.L("registers.tab.personal"), theme.DeleteIcon(), v.content()),
				reload: v.reload, shortcuts: v.shortcuts()})
		}
	}
	if m.deps.Exporter != nil && review.Require(acct, review.ActExportAudit) == nil {
		v := newExportView(m.deps.Exporter, acct, m.win, m.deps.Run)
		v.dialogs = m.dialogs
		s.export = v
		add(&screen{item: container.NewTabItemWithIcon(lang.L("export.title"), theme.DocumentSaveIcon(), v.content())})
	}
	if canSeeIntake(acct) && m.deps.Desk != nil {
		s.intake = newIntakeErrorsView(m.deps.Desk, acct, m.win, m.deps.Run)
		add(&screen{item: container.NewTabItemWithIcon(lang.L("tab.intake"), theme.WarningIcon(), s.intake.content()),
			reload: s.intake.reload})
	}
	// Training comes after the work screens, so Ctrl+1 … Ctrl+9 reach
	// those first.
	if t := m.deps.Training; t != nil {
		if review.Require(acct, review.ActTrain) == nil {
			preview := func(ctx context.Context, itemID int64) (review.Preview, error) { return t.Preview(ctx, acct, itemID) }
			v := newTrainingView(t, acct, m.win, m.deps.Run, m.keys, m.dialogs, preview)
			if prev != nil && prev.training != nil {
				v.takeOver(prev.training)
			}
			s.training = v
			add(&screen{item: container.NewTabItemWithIcon(lang.L("tab.training"), theme.HelpIcon(), v.content()),
				reload: v.reload, onRune: v.onRune, onKey: v.onKey})
		}
		if review.Require(acct, review.ActBuildGold) == nil {
			v := newGoldSetsView(t, acct, m.win, m.deps.Run)
			v.dialogs = m.dialogs
			v.setImporter(m.deps.GoldImport)
			if s.refreshPaused != nil {
				// Its reload reads the certifications anyway: count from those.
				v.onCerts = func(cs []review.Certification) { s.showPaused(len(review.Paused(cs))) }
			}
			add(&screen{item: container.NewTabItemWithIcon(lang.L("tab.goldsets"), theme.StorageIcon(), v.content()),
				reload: v.reload})
		}
		if review.Require(acct, review.ActTrain) == nil || review.Require(acct, review.ActSeeScores) == nil {
			v := newScoresView(t, acct, m.win, m.deps.Run)
			v.dialogs = m.dialogs
			v.quality = m.deps.Quality
			reload := v.reload
			if s.refreshPaused != nil {
				reload = func() { v.reload(); s.refreshPaused() }
			}
			add(&screen{item: container.NewTabItemWithIcon(lang.L("tab.scores"), theme.ListIcon(), v.content()),
				reload: reload})
		}
	}
	add(&screen{item: container.NewTabItemWithIcon(lang.L("tab.summary"), theme.InfoIcon(), s.summary.content()),
		reload: s.summary.onRefresh})
	items := make([]*container.TabItem, len(s.screens))
	for i, sc := range s.screens {
		items[i] = sc.item
	}
	s.tabs = container.NewAppTabs(items...)
	s.current = s.screens[0]
	s.tabs.OnSelected = func(t *container.TabItem) { m.onTab(t) }

	who := widget.NewLabelWithStyle(lang.L("session.who", map[string]any{
		"Name": cleanText(acct.Name), "Role": lang.L("role." + string(acct.Role))}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	lock := widget.NewButtonWithIcon(lang.L("session.lock")+" ("+keyLabel(scLock)+")", theme.VisibilityOffIcon(), m.onLock)
	out := widget.NewButtonWithIcon(lang.L("session.signout"), theme.LogoutIcon(), m.onSignOut)
	s.bar = container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(theme.AccountIcon()), who, s.overdue, s.paused),
		container.NewHBox(lock, out))
	s.root = newActivityWatcher(container.NewBorder(container.NewVBox(s.bar, widget.NewSeparator()), nil, nil, nil, s.tabs), m.touch)
	switch {
	case s.refreshPaused == nil:
		// the account does not see the count
	case prev != nil && prev.pausedRead:
		s.showPaused(prev.pausedN) // a rebuild (language switch): no read
	default:
		s.refreshPaused() // the session starts
	}
	return s
}

// readPaused counts, in the background, the reviewers hidden gold paused
// and who wait for a trainer to re-certify them, for the bar. A failed
// read is logged and keeps the count shown: the screens that read the
// certifications say what went wrong.
func (s *session) readPaused(t review.Trainer, run func(job func())) {
	acct := s.acct
	run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), trainingTimeout)
		defer cancel()
		cs, err := t.Certifications(ctx, acct, "")
		fyne.Do(func() {
			if err != nil {
				fyne.LogError("paused by hidden gold", err)
				return
			}
			s.showPaused(len(review.Paused(cs)))
		})
	})
}

// showPaused puts the number of reviewers paused by hidden gold in the
// session bar, beside the overdue complaints, hidden when there are none.
func (s *session) showPaused(n int) {
	s.pausedN, s.pausedRead = n, true
	if n <= 0 {
		s.paused.Hide()
		return
	}
	s.paused.SetText(lang.L("training.session.paused", map[string]any{"N": n}))
	s.paused.Show()
}

// showOverdue puts the number of complaints past their time limit in the
// session bar, where it stands out on every screen (DSP Art. 12).
func (s *session) showOverdue(n int) {
	if n <= 0 {
		s.overdue.Hide()
		return
	}
	s.overdue.SetText(lang.L("session.overdue", map[string]any{"N": n}))
	s.overdue.Show()
}

// screenOf returns the screen of a tab.
func (s *session) screenOf(t *container.TabItem) *screen {
	for _, sc := range s.screens {
		if sc.item == t {
			return sc
		}
	}
	return nil
}

// onTab brings a screen to the front: the one before it leaves (and its
// shortcuts go), this one's shortcuts come, and it reads its data.
func (m *mainWindow) onTab(t *container.TabItem) {
	s := m.session
	if s == nil {
		return
	}
	m.touch()
	next := s.screenOf(t)
	if next == nil {
		return
	}
	c := m.win.Canvas()
	if prev := s.current; prev != nil && prev != next {
		if prev.leave != nil {
			prev.leave()
		}
		for _, sh := range prev.shortcuts {
			c.RemoveShortcut(sh.sc)
		}
	}
	s.current = next
	m.addScreenShortcuts()
	if next.reload != nil {
		next.reload()
	}
}

// addScreenShortcuts registers the shortcuts of the screen in front.
func (m *mainWindow) addScreenShortcuts() {
	s := m.session
	if s == nil || s.current == nil {
		return
	}
	for _, sh := range s.current.shortcuts {
		do := sh.do
		m.win.Canvas().AddShortcut(sh.sc, func(fyne.Shortcut) {
			if !m.locked && len(m.dialogs.open) == 0 {
				m.touch()
				do()
			}
		})
	}
}

// selectTab shows the screen whose content is given.
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

// selectTabIndex shows the i-th screen (Ctrl+1 is 0), if there is one.
func (m *mainWindow) selectTabIndex(i int) {
	if m.session == nil || m.locked || i < 0 || i >= len(m.session.tabs.Items) {
		return
	}
	m.session.tabs.SelectIndex(i)
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
