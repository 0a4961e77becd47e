package ui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// fakeRegisterStore is the registers' storage in memory. The screens get
// the real review.Registers over it, so they meet the service's role
// checks as with the workspace.
type fakeRegisterStore struct {
	mu        sync.Mutex
	consents  []review.Consent
	items     map[string][]review.ConsentItem // consent id → items relying on it
	realNames []review.RealNameRow
	users     map[string][2]string // user id → display name, phone
	held      map[string]review.PersonalHeld
	due       []review.RetentionRow
	unmasked  []string // the users unmasked, as the audit log would hold them
	erased    []review.ErasureRequest
}

var (
	_ review.ConsentStore  = (*fakeRegisterStore)(nil)
	_ review.RealNameStore = (*fakeRegisterStore)(nil)
	_ review.PersonalStore = (*fakeRegisterStore)(nil)
)

func newFakeRegisterStore() *fakeRegisterStore {
	now := fixedNow()
	day := 24 * time.Hour
	return &fakeRegisterStore{
		consents: []review.Consent{
			{ID: "CN-2025-0041", SubjectID: "s-881", SubjectName: "被编辑人1", Scope: "face", NoticeVersion: "notice-v3", Channel: "app",
				GrantedAt: now.Add(-60 * day), EvidenceSHA256: strings.Repeat("c1", 32)},
			{ID: "CN-2025-0045", SubjectID: "s-885", SubjectName: "被编辑人5", Scope: "face", GrantedAt: now.Add(-50 * day), WithdrawnAt: now.Add(-5 * day)},
			{ID: "CN-2025-0046", SubjectID: "s-886", SubjectName: "被编辑人6", Scope: "voice", GrantedAt: now.Add(-40 * day), ExpiresAt: now.Add(-10 * day)},
		},
		items: map[string][]review.ConsentItem{"CN-2025-0041": {
			{ID: 1, ProduceID: "IMG20251128000101", State: review.StateApproved, Queue: review.QueueLive},
			{ID: 2, ProduceID: "IMG20251128000102", State: review.StateRelabelled, Queue: review.QueueLive},
			{ID: 3, ProduceID: "IMG20251128000103", State: review.StateQueued, Queue: review.QueueLive},
		}},
		realNames: []review.RealNameRow{
			{RealName: review.RealName{UserID: "u-10291", Method: "mobile", Result: "verified", VerifiedAt: now.Add(-31 * day), MaskedID: "138****8001"}},
			{RealName: review.RealName{UserID: "u-10292", Method: "id_card", Result: "failed", VerifiedAt: now.Add(-32 * day), MaskedID: "1101**********1002"}},
		},
		users: map[string][2]string{"u-10291": {"演示用户1", "13800138001"}, "u-10292": {"演示用户2", "13800138002"}},
		held: map[string]review.PersonalHeld{
			"u-10031": {Profile: true, RealName: true, ItemPrompts: 4, Complaints: 1},
			"u-10291": {Profile: true, RealName: true},
		},
		due: []review.RetentionRow{{PersonID: "u-10031", LastActivity: time.Date(2022, 5, 3, 8, 0, 0, 0, time.UTC)}},
	}
}

func (f *fakeRegisterStore) ConsentPage(_ context.Context, fl review.ConsentFilter) ([]review.ConsentRow, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var rows []review.ConsentRow
	for _, c := range f.consents {
		st := review.ConsentStateAt(c, fl.At)
		q := strings.ToLower(fl.Query)
		if q != "" && !strings.Contains(strings.ToLower(c.ID), q) && !strings.Contains(strings.ToLower(c.SubjectID), q) ||
			fl.Scope != "" && c.Scope != fl.Scope || fl.State != "" && st != fl.State {
			continue
		}
		rows = append(rows, review.ConsentRow{ID: c.ID, SubjectID: c.SubjectID, SubjectMasked: review.Mask(c.SubjectName, 1),
			Scope: c.Scope, State: st, GrantedAt: c.GrantedAt, ExpiresAt: c.ExpiresAt, WithdrawnAt: c.WithdrawnAt, Items: len(f.items[c.ID])})
	}
	lo, hi := min(fl.Offset, len(rows)), min(fl.Offset+fl.Limit, len(rows))
	return rows[lo:hi], len(rows), nil
}

func (f *fakeRegisterStore) ConsentDetail(_ context.Context, id string, at time.Time) (review.ConsentDetail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.consents {
		if c.ID == id {
			items := slices.Clone(f.items[id])
			return review.ConsentDetail{Consent: c, State: review.ConsentStateAt(c, at), Items: items, ItemsTotal: len(items)}, nil
		}
	}
	return review.ConsentDetail{}, review.Errorf(review.ENOTFOUND, "no consent record %q", id)
}

func (f *fakeRegisterStore) WithdrawConsent(_ context.Context, _, id string, at time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.consents, func(c review.Consent) bool { return c.ID == id })
	if i < 0 {
		return 0, review.Errorf(review.ENOTFOUND, "no consent record %q", id)
	}
	if !f.consents[i].WithdrawnAt.IsZero() {
		return 0, review.Errorf(review.ECONFLICT, "consent %s was already withdrawn", id)
	}
	f.consents[i].WithdrawnAt = at
	n := 0
	for k, it := range f.items[id] {
		next, err := review.Next(it.State, it.Queue, review.MoveReopen)
		if err != nil {
			continue
		}
		f.items[id][k].State, f.items[id][k].Queue = next, review.QueueAfter(it.Queue, review.MoveReopen)
		n++
	}
	return n, nil
}

func (f *fakeRegisterStore) RealNamePage(_ context.Context, fl review.RealNameFilter) ([]review.RealNameRow, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var rows []review.RealNameRow
	for _, r := range f.realNames {
		if fl.Query != "" && !strings.Contains(r.UserID, fl.Query) || fl.Method != "" && r.Method != fl.Method || fl.Result != "" && r.Result != fl.Result {
			continue
		}
		rows = append(rows, r)
	}
	lo, hi := min(fl.Offset, len(rows)), min(fl.Offset+fl.Limit, len(rows))
	return rows[lo:hi], len(rows), nil
}

func (f *fakeRegisterStore) UnmaskRealName(_ context.Context, _, id string) (review.Unmasked, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok {
		return review.Unmasked{}, review.Errorf(review.ENOTFOUND, "nothing held in the clear for %s", id)
	}
	f.unmasked = append(f.unmasked, id)
	return review.Unmasked{UserID: id, DisplayName: u[0], Phone: u[1], Fields: []string{"display_name", "phone"}, At: fixedNow()}, nil
}

func (f *fakeRegisterStore) PersonalHeld(_ context.Context, id string) (review.PersonalHeld, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.held[id]
	h.PersonID = id
	return h, nil
}

func (f *fakeRegisterStore) ErasePersonalRequest(_ context.Context, _ string, r review.ErasureRequest) (map[string]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.held[r.PersonID]
	f.held[r.PersonID] = review.PersonalHeld{Erased: fixedNow()}
	f.due = slices.DeleteFunc(f.due, func(d review.RetentionRow) bool { return d.PersonID == r.PersonID })
	f.erased = append(f.erased, r)
	return map[string]int64{"platform_users": 1, "item_prompts": int64(h.ItemPrompts), "complaints": int64(h.Complaints), "consents": 0}, nil
}

func (f *fakeRegisterStore) PastRetention(_ context.Context, _ time.Time, offset, limit int) ([]review.RetentionRow, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	lo, hi := min(offset, len(f.due)), min(offset+limit, len(f.due))
	return slices.Clone(f.due[lo:hi]), len(f.due), nil
}

func (f *fakeRegisterStore) Meta(context.Context, string) (string, error) { return "", nil }

func (f *fakeRegisterStore) registers() review.Registers {
	return review.Registers{ConsentStore: f, RealNameStore: f, PersonalStore: f, Now: fixedNow}
}

var (
	regManager  = review.Account{Name: "manager", Role: review.RoleManager}
	regReviewer = review.Account{Name: "reviewer1", Role: review.RoleReviewer}
	regAdmin    = review.Account{Name: "admin", Role: review.RoleAdmin}
)

// registerWindow shows a screen on a test window.
func registerWindow(t *testing.T, content fyne.CanvasObject) fyne.Window {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, content)
	w.Resize(fyne.NewSize(1200, 760))
	return w
}

// hasButton reports whether a button whose text holds text is in o.
func hasButton(o fyne.CanvasObject, text string) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && strings.Contains(b.Text, text) {
			found = true
		}
	})
	return found
}

// submit types text into an entry and presses Enter, as a user does.
func submit(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

func TestConsentWithdrawalReturnsItemsToTheQueue(t *testing.T) {
	f := newFakeRegisterStore()
	win := registerWindow(t, nil)
	v := newConsentsView(f.registers(), regManager, win, runNow)
	win.SetContent(v.content())
	v.reload()
	if v.rows.count != 3 || !strings.Contains(v.total.Text, "Consent records: 3") {
		t.Fatalf("list shows %d rows, %q", v.rows.count, v.total.Text)
	}
	submit(v.search, "s-886")
	if v.rows.count != 1 {
		t.Fatalf("a search by subject id left %d rows", v.rows.count)
	}
	if r, _ := v.rows.row(0); r.ID != "CN-2025-0046" || r.State != review.ConsentExpired {
		t.Errorf("search found %+v", r)
	}
	submit(v.search, "0041")
	v.rows.list.Select(0)
	if v.current == nil || v.current.Consent.ID != "CN-2025-0041" {
		t.Fatalf("selecting the row did not open it: %+v", v.current)
	}
	if strings.Contains(v.facts.Text, "被编辑人1") || !strings.Contains(v.facts.Text, "被***1") {
		t.Errorf("the subject's name is not masked: %q", v.facts.Text)
	}
	if !strings.Contains(v.evidence.Text, strings.Repeat("c1", 32)) {
		t.Errorf("the evidence hash is not shown: %q", v.evidence.Text)
	}
	if v.withdraw == nil || v.withdraw.Disabled() || !strings.Contains(v.withdraw.Text, "Ctrl+Shift+W") {
		t.Fatalf("withdraw button %+v", v.withdraw)
	}
	test.AssertRendersToMarkup(t, "registers_consent.xml", win.Canvas())

	test.Tap(v.withdraw)
	if v.confirm == nil || win.Canvas().Overlays().Top() == nil {
		t.Fatal("Withdraw did not ask for confirmation")
	}
	if !hasLabel(win.Canvas().Overlays().Top(), "the 2 already decided go back to the queue") {
		t.Error("the confirmation does not say how many items go back")
	}
	test.Tap(v.confirm)
	for _, it := range f.items["CN-2025-0041"] {
		if it.State != review.StateQueued {
			t.Errorf("item %s is %s after the withdrawal", it.ProduceID, it.State)
		}
	}
	if !strings.Contains(v.status.Text, "2 items returned to the queue") {
		t.Errorf("status %q", v.status.Text)
	}
	if v.current.State != review.ConsentWithdrawn || !v.withdraw.Disabled() {
		t.Errorf("after the withdrawal the record is %s and Withdraw enabled=%v", v.current.State, !v.withdraw.Disabled())
	}
	if !hasLabel(win.Canvas().Overlays().Top(), "2 items returned to the queue") {
		t.Error("no message says how many items returned to the queue")
	}
	t.Run("the shortcut withdraws only what can be", func(t *testing.T) {
		sc := v.shortcuts()
		if len(sc) != 1 || sc[0].sc != scWithdraw {
			t.Fatalf("shortcuts %+v", sc)
		}
		before := win.Canvas().Overlays().Top()
		sc[0].do() // the record is withdrawn already: nothing opens
		if win.Canvas().Overlays().Top() != before {
			t.Error("the shortcut opened a withdrawal of a withdrawn record")
		}
	})
}

func TestConsentScreenOfAReviewer(t *testing.T) {
	f := newFakeRegisterStore()
	win := registerWindow(t, nil)
	v := newConsentsView(f.registers(), regReviewer, win, runNow)
	win.SetContent(v.content())
	v.reload()
	v.rows.list.Select(0)
	if v.current == nil {
		t.Fatal("a reviewer cannot read the register")
	}
	if v.withdraw != nil || hasButton(v.content(), "Withdraw") || len(v.shortcuts()) != 0 {
		t.Error("a reviewer is offered Withdraw")
	}
	if _, err := f.registers().Withdraw(context.Background(), regReviewer, "CN-2025-0041"); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("the service let a reviewer withdraw: %v", err)
	}
}

func TestReviewerIsKeptAwayFromUnmasking(t *testing.T) {
	f := newFakeRegisterStore()
	win := registerWindow(t, nil)
	v := newRealNamesView(f.registers(), regReviewer, win, runNow)
	win.SetContent(v.content())
	v.reload()
	v.rows.list.Select(0)
	if v.current == nil || v.current.UserID != "u-10291" {
		t.Fatal("a reviewer cannot read the real-name register")
	}
	if v.unmask != nil || hasButton(v.content(), "Unmask") || len(v.shortcuts()) != 0 {
		t.Fatal("a reviewer is offered Unmask")
	}
	v.onUnmask() // a stray key press does nothing
	if _, err := f.registers().Unmask(context.Background(), regReviewer, "u-10291"); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("the service let a reviewer unmask: %v", err)
	}
	if len(f.unmasked) != 0 {
		t.Errorf("refused unmasks reached the store (and its log): %v", f.unmasked)
	}
	if hasLabel(v.content(), "13800138001") {
		t.Error("the phone number is on a reviewer's screen")
	}
	test.AssertRendersToMarkup(t, "registers_realnames_reviewer.xml", win.Canvas())
}

func TestManagerUnmasksForThirtySeconds(t *testing.T) {
	f := newFakeRegisterStore()
	win := registerWindow(t, nil)
	v := newRealNamesView(f.registers(), regManager, win, runNow)
	var fire func()
	var waited time.Duration
	v.after = func(d time.Duration, fn func()) func() {
		waited, fire = d, fn
		return func() { fire = nil }
	}
	win.SetContent(v.content())
	v.reload()
	v.rows.list.Select(0)
	if v.unmask == nil || v.unmask.Disabled() || !strings.Contains(v.unmask.Text, "Ctrl+U") {
		t.Fatalf("unmask button %+v", v.unmask)
	}
	test.Tap(v.unmask)
	if !slices.Equal(f.unmasked, []string{"u-10291"}) {
		t.Fatalf("unmasked %v", f.unmasked)
	}
	if !strings.Contains(v.clear.Text, "13800138001") || !strings.Contains(v.clear.Text, "演示用户1") {
		t.Errorf("clear values %q", v.clear.Text)
	}
	if !strings.Contains(v.status.Text, "recorded in the audit log") || !strings.Contains(v.status.Text, "30 seconds") {
		t.Errorf("the screen does not say the unmask was logged: %q", v.status.Text)
	}
	if waited != 30*time.Second || !v.unmask.Disabled() {
		t.Errorf("masks again after %v; unmask enabled while shown: %v", waited, !v.unmask.Disabled())
	}
	test.AssertRendersToMarkup(t, "registers_realnames_unmasked.xml", win.Canvas())
	fire()
	if v.clear.Text != "" || hasLabel(v.content(), "13800138001") {
		t.Errorf("still in the clear after 30 s: %q", v.clear.Text)
	}
	if v.unmask.Disabled() {
		t.Error("Unmask is not offered again")
	}
	t.Run("choosing another user masks at once", func(t *testing.T) {
		test.Tap(v.unmask)
		v.rows.list.Select(1)
		if v.clear.Text != "" || fire != nil {
			t.Errorf("the first user's data stays shown: %q", v.clear.Text)
		}
	})
}

func TestEraseNeedsTheIDTypedAgain(t *testing.T) {
	f := newFakeRegisterStore()
	win := registerWindow(t, nil)
	v := newPersonalView(f.registers(), regAdmin, win, runNow)
	win.SetContent(v.content())
	v.reload()
	if v.rows.count != 1 || !strings.Contains(v.retention.Text, "3 years") {
		t.Fatalf("retention list: %d rows, %q", v.rows.count, v.retention.Text)
	}
	test.AssertRendersToMarkup(t, "registers_personal.xml", win.Canvas())
	var b *widget.Button
	walk(v.rows.list, func(o fyne.CanvasObject) {
		if w, ok := o.(*widget.Button); ok && w.Text == "Erase…" && w.Visible() {
			b = w
		}
	})
	if b == nil {
		t.Fatal("the listed person has no erase action")
	}
	test.Tap(b)
	if v.doErase == nil || win.Canvas().Overlays().Top() == nil {
		t.Fatal("the list's erase did not ask for confirmation")
	}
	if !hasLabel(win.Canvas().Overlays().Top(), "prompts of 4 items") {
		t.Error("the confirmation does not say what will be cleared")
	}
	if !v.doErase.Disabled() {
		t.Fatal("Erase is enabled before the id is typed again")
	}
	v.reason.SetSelectedIndex(1) // the retention period is over
	test.Type(v.confirm, "u-1003")
	if !v.doErase.Disabled() {
		t.Fatal("Erase is enabled with the id typed wrong")
	}
	test.Type(v.confirm, "1")
	test.Type(v.reference, "REQ-7")
	if v.doErase.Disabled() {
		t.Fatal("Erase stays disabled with the id typed again")
	}
	test.Tap(v.doErase)
	if len(f.erased) != 1 || f.erased[0].PersonID != "u-10031" || f.erased[0].Reason != review.EraseRetention || f.erased[0].Reference != "REQ-7" {
		t.Fatalf("erased %+v", f.erased)
	}
	if !strings.Contains(v.status.Text, "Erased the personal data of u-10031") {
		t.Errorf("status %q", v.status.Text)
	}
	if v.rows.count != 0 || !strings.Contains(v.heldText.Text, "was erased") || !v.erase.Disabled() {
		t.Errorf("after erasure: %d listed, %q", v.rows.count, v.heldText.Text)
	}
}

func TestPersonalLookupByEnter(t *testing.T) {
	f := newFakeRegisterStore()
	win := registerWindow(t, nil)
	v := newPersonalView(f.registers(), regManager, win, runNow)
	win.SetContent(v.content())
	submit(v.person, "u-404")
	if !strings.Contains(v.heldText.Text, "No personal data is held for u-404") || !v.erase.Disabled() {
		t.Errorf("unknown person: %q", v.heldText.Text)
	}
	submit(v.person, "u-10291")
	if !strings.Contains(v.heldText.Text, "real-name identifiers") || v.erase.Disabled() {
		t.Errorf("known person: %q, erase enabled %v", v.heldText.Text, !v.erase.Disabled())
	}
	if len(v.shortcuts()) != 1 || v.shortcuts()[0].sc != scErase {
		t.Error("no erase shortcut")
	}
	v.shortcuts()[0].do()
	if v.doErase == nil {
		t.Error("the shortcut did not open the erase dialog")
	}
	if canSeePersonal(regReviewer) || !canSeePersonal(regAdmin) || !canSeeRealNames(regReviewer) || canSeeConsents(review.Account{Name: "t", Role: review.RoleTrainer}) {
		t.Error("the screens' role gates are wrong")
	}
	if _, err := f.registers().Erase(context.Background(), regReviewer, review.ErasureRequest{PersonID: "u-10291", Confirm: "u-10291", Reason: "other"}); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("the service let a reviewer erase: %v", err)
	}
}
