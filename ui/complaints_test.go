package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// fakeCaseStore is a review.CaseStore over a slice, linked to a fakeDesk's
// items: an appeal moves the desk's item to the escalation queue, and a
// decision the desk records on it afterwards resolves the appeal, as the
// real store does. The tests drive it through the real review.Cases, so
// the screen meets the service's role checks and workflow.
type fakeCaseStore struct {
	mu      sync.Mutex
	cases   []review.Case
	desk    *fakeDesk
	days    int
	replies []review.Case // what went to the outbox
	// decided is, per appealed case, how many desk decisions there were
	// when it was sent: later ones on its item resolve it.
	decided map[int64]int
}

var _ review.CaseStore = (*fakeCaseStore)(nil)

func newFakeCases(desk *fakeDesk) *fakeCaseStore {
	return &fakeCaseStore{desk: desk, decided: map[int64]int{}}
}

// add stores a case as recorded days ago (due after the default limit).
func (f *fakeCaseStore) add(c review.Complaint, daysAgo int) review.Case {
	f.mu.Lock()
	defer f.mu.Unlock()
	c.ID = int64(len(f.cases) + 1)
	if c.Status == "" {
		c.Status = review.CaseOpen
	}
	if c.Channel == "" {
		c.Channel = "app"
	}
	if c.Category == "" {
		c.Category = review.CategoryOther
	}
	c.ReceivedAt = fixedNow().Add(-time.Duration(daysAgo) * 24 * time.Hour)
	c.DueAt = c.ReceivedAt.Add(review.DefaultComplaintDays * 24 * time.Hour)
	cs := review.Case{Complaint: c}
	if c.Status == review.CaseAnswered {
		cs.AnsweredAt, cs.AnsweredBy = c.ReceivedAt.Add(24*time.Hour), "reviewer2"
	}
	f.cases = append(f.cases, cs)
	return cs
}

func (f *fakeCaseStore) get(id int64) *review.Case {
	for i := range f.cases {
		if f.cases[i].ID == id {
			return &f.cases[i]
		}
	}
	return nil
}

// view returns a case as the store would read it: its item now, and its
// resolution from the desk's decisions since the appeal.
func (f *fakeCaseStore) view(c review.Case) review.Case {
	if c.ItemID == 0 {
		return c
	}
	f.desk.mu.Lock()
	defer f.desk.mu.Unlock()
	if it := f.desk.item(c.ItemID); it != nil {
		cp := *it
		c.Item = &cp
	}
	if n, ok := f.decided[c.ID]; ok && c.Resolution == "" {
		for _, d := range f.desk.decisions[n:] {
			if d.ItemID == c.ItemID && d.UndoneAt.IsZero() && d.Outcome != review.OutcomeSkip {
				c.Resolution, c.ResolvedBy, c.ResolvedAt = review.Resolve(c.Contested, c.Item.State), d.Actor, d.At
			}
		}
	}
	return c
}

func (f *fakeCaseStore) CasePage(_ context.Context, q review.CaseFilter) ([]review.Case, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var rows []review.Case
	for _, c := range f.cases {
		if (q.Status != "" && c.Status != q.Status) || (q.Kind != "" && c.Kind != q.Kind) || (q.Overdue && !c.Overdue(q.Now)) {
			continue
		}
		rows = append(rows, f.view(c))
	}
	total := len(rows)
	lo, hi := min(q.Offset, total), min(q.Offset+q.Limit, total)
	return rows[lo:hi], total, nil
}

func (f *fakeCaseStore) CaseCounts(_ context.Context, now time.Time) (review.CaseCounts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n review.CaseCounts
	for _, c := range f.cases {
		if c.Status == review.CaseOpen || c.Status == review.CaseInProgress {
			n.Open++
			if c.Overdue(now) {
				n.Overdue++
			}
			if !c.AppealedAt.IsZero() && f.view(c).Resolution == "" {
				n.Appeals++
			}
		}
	}
	return n, nil
}

func (f *fakeCaseStore) Case(_ context.Context, id int64) (review.Case, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.get(id)
	if c == nil {
		return review.Case{}, review.Errorf(review.ENOTFOUND, "no case %d", id)
	}
	v := f.view(*c)
	v.Events = []review.Event{{Seq: 1, At: c.ReceivedAt, Actor: "reviewer1", Kind: "complaint.recorded"}}
	return v, nil
}

func (f *fakeCaseStore) ComplaintDays(context.Context) (int, error) { return f.days, nil }

func (f *fakeCaseStore) RecordComplaint(_ context.Context, _ string, c review.Complaint) (review.Complaint, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c.ID = int64(len(f.cases) + 1)
	f.cases = append(f.cases, review.Case{Complaint: c})
	return c, nil
}

func (f *fakeCaseStore) MoveCase(_ context.Context, actor string, id int64, m review.CaseMove) (review.Case, error) {
	f.mu.Lock()
	c := f.get(id)
	next, err := review.NextCaseStatus(c.Status, m)
	if err != nil {
		f.mu.Unlock()
		return review.Case{}, err
	}
	c.Status = next
	if m == review.CaseStart {
		c.Handler = actor
	}
	f.mu.Unlock()
	return f.Case(context.Background(), id)
}

func (f *fakeCaseStore) ReplyCase(_ context.Context, actor string, id int64, reply string) (review.Case, error) {
	f.mu.Lock()
	c := f.get(id)
	v := f.view(*c)
	next, err := review.NextCaseStatus(c.Status, review.CaseReply)
	if err != nil || (c.IsAppeal() && v.Resolution == "") {
		f.mu.Unlock()
		return review.Case{}, review.Errorf(review.EINVALID, "cannot reply")
	}
	c.Status, c.Reply, c.AnsweredBy, c.AnsweredAt, c.Resolution = next, reply, actor, fixedNow(), v.Resolution
	f.replies = append(f.replies, *c)
	f.mu.Unlock()
	return f.Case(context.Background(), id)
}

func (f *fakeCaseStore) AppealCase(_ context.Context, actor string, id int64) (review.Case, error) {
	f.mu.Lock()
	c := f.get(id)
	f.desk.mu.Lock()
	it := f.desk.item(c.ItemID)
	next, err := review.Next(it.State, it.Queue, review.MoveAppeal)
	if err == nil {
		c.Contested, c.AppealedAt, c.Status, c.Handler = it.State, fixedNow(), review.CaseInProgress, actor
		it.State, it.Queue = next, review.QueueEscalation
		f.decided[id] = len(f.desk.decisions)
	}
	f.desk.mu.Unlock()
	f.mu.Unlock()
	if err != nil {
		return review.Case{}, err
	}
	return f.Case(context.Background(), id)
}

func (f *fakeCaseStore) ItemByProduceID(_ context.Context, pid string) (review.Item, error) {
	f.desk.mu.Lock()
	defer f.desk.mu.Unlock()
	for _, it := range f.desk.items {
		if it.ProduceID == pid {
			return it, nil
		}
	}
	return review.Item{}, review.Errorf(review.ENOTFOUND, "no item %s", pid)
}

func (f *fakeCaseStore) Item(_ context.Context, id int64) (review.Item, error) {
	f.desk.mu.Lock()
	defer f.desk.mu.Unlock()
	if it := f.desk.item(id); it != nil {
		return *it, nil
	}
	return review.Item{}, review.Errorf(review.ENOTFOUND, "no item %d", id)
}

// caseFixture is a desk of three items, the first rejected, and four
// cases: one overdue, one open, one answered, and an appeal against the
// rejection.
func caseFixture() (*fakeDesk, *fakeCaseStore) {
	desk := newFakeDesk(3)
	desk.items[0].State = review.StateRejected
	f := newFakeCases(desk)
	f.add(review.Complaint{Kind: "complaint", Channel: "email", Contact: "someone@example.com", Category: "explicit-label-missing",
		ItemID: 2, ProduceID: desk.items[1].ProduceID, Text: "图片没有标注是AI生成的。"}, 20)
	f.add(review.Complaint{Kind: "complaint", Channel: "phone", Contact: "13800138000", Category: "consent-missing",
		ItemID: 3, ProduceID: desk.items[2].ProduceID, Text: "这张图用了我的照片，我没有同意。"}, 2)
	f.add(review.Complaint{Kind: "complaint", Channel: "regulator", Category: "other", Status: review.CaseAnswered,
		Text: "监管转办：请核查。", Reply: "已核查。"}, 30)
	f.add(review.Complaint{Kind: "appeal", Channel: "app", Contact: "13700137000", ReporterID: "u-10293",
		Category: "implicit-label-missing", ItemID: 1, ProduceID: desk.items[0].ProduceID, Text: "我的内容被错误下架，请复核。"}, 3)
	return desk, f
}

// newComplaintsWindow shows the complaints screen for name on a test
// window and reads its first page.
func newComplaintsWindow(t *testing.T, f *fakeCaseStore, name string) (*complaintsView, fyne.Window) {
	t.Helper()
	acct := review.Account{Name: name, Role: testAccounts.accounts[name]}
	svc := review.Cases{Store: f, Now: fixedNow}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	v := newComplaintsView(svc, acct, w, runNow)
	v.now = fixedNow
	w.SetContent(v.content())
	w.Resize(fyne.NewSize(1280, 720))
	v.reload()
	return v, w
}

// dueCell is the "Due" cell of list row i.
func dueCell(t *testing.T, v *complaintsView, i int) *widget.Label {
	t.Helper()
	row := v.newRow()
	v.updateRow(i, row)
	cells := row.(*fyne.Container).Objects
	return cells[len(cells)-1].(*widget.Label)
}

func TestComplaintsListShowsOverdueCasesInRed(t *testing.T) {
	test.NewTempApp(t)
	_, f := caseFixture()
	v, w := newComplaintsWindow(t, f, "reviewer1")
	if v.count != 4 || v.overdue() != 1 {
		t.Fatalf("%d cases, %d overdue; want 4 and 1", v.count, v.overdue())
	}
	if !strings.Contains(v.total.Text, "1 overdue") || v.total.Importance != widget.DangerImportance {
		t.Errorf("total %q (importance %v) does not call out the overdue case", v.total.Text, v.total.Importance)
	}
	due := dueCell(t, v, 0)
	if due.Text != "5 day(s) overdue" || due.Importance != widget.DangerImportance {
		t.Errorf("row 1's due cell: %q, importance %v; want 5 days overdue in red", due.Text, due.Importance)
	}
	if d := dueCell(t, v, 1); d.Importance == widget.DangerImportance || !strings.HasPrefix(d.Text, "due ") {
		t.Errorf("row 2 is not overdue: %q", d.Text)
	}
	v.list.Select(0)
	if v.shown == nil || v.shown.ID != 1 || v.badge.Hidden || v.badge.Text != "5 day(s) overdue" {
		t.Fatalf("the detail does not show case 1 as overdue: %+v, badge %q", v.shown, v.badge.Text)
	}
	if hasLabel(v.detail, "someone@example.com") || !hasLabel(v.detail, "som*************com") {
		t.Error("the contact is not masked in the detail")
	}
	if v.buttons[caseStart].Disabled() || !v.buttons[caseAppeal].Disabled() {
		t.Errorf("buttons: start disabled %v, appeal disabled %v", v.buttons[caseStart].Disabled(), v.buttons[caseAppeal].Disabled())
	}
	test.AssertRendersToMarkup(t, "complaints_list.xml", w.Canvas())

	t.Run("the overdue filter keeps only the late case", func(t *testing.T) {
		v.overdueOnly.SetChecked(true)
		if v.count != 1 {
			t.Errorf("%d cases listed", v.count)
		}
		v.overdueOnly.SetChecked(false)
	})
	t.Run("S starts work with the reviewer as handler", func(t *testing.T) {
		v.list.Select(0)
		v.onRune('s')
		if c := f.get(1); c.Status != review.CaseInProgress || c.Handler != "reviewer1" {
			t.Errorf("case 1: %s by %q", c.Status, c.Handler)
		}
	})
}

func TestReviewerCannotSendAnAppealOn(t *testing.T) {
	test.NewTempApp(t)
	desk, f := caseFixture()
	v, _ := newComplaintsWindow(t, f, "reviewer1")
	v.load(4)
	if v.shown == nil || !v.shown.IsAppeal() {
		t.Fatal("the appeal is not shown")
	}
	for _, a := range []caseAction{caseStart, caseAppeal, caseReply, caseClose} {
		if !v.buttons[a].Disabled() {
			t.Errorf("%s is offered to a reviewer on an appeal", a)
		}
	}
	v.onRune('e')
	if desk.items[0].State != review.StateRejected {
		t.Errorf("E moved the item to %s for a reviewer", desk.items[0].State)
	}
}

func TestRecordAComplaint(t *testing.T) {
	test.NewTempApp(t)
	desk, f := caseFixture()
	f.days = 7
	v, _ := newComplaintsWindow(t, f, "reviewer1")
	v.onRune('n')
	r := v.record
	if r == nil || len(v.dialogs.open) != 1 {
		t.Fatal("N did not open the record dialog")
	}
	r.channel.SetSelectedIndex(3) // phone
	test.Type(r.contact, "13912345678")
	test.Type(r.produceID, desk.items[2].ProduceID)
	r.submit()
	if r.message.Hidden || len(f.cases) != 4 {
		t.Fatalf("a complaint without text was recorded (message %q)", r.message.Text)
	}
	test.Type(r.text, "内容侵犯了我的肖像权。")
	r.submit()
	if len(f.cases) != 5 {
		t.Fatalf("not recorded: %q", r.message.Text)
	}
	c := f.cases[4]
	if c.Channel != "phone" || c.ItemID != 3 || c.Status != review.CaseOpen ||
		!c.DueAt.Equal(fixedNow().Add(7*24*time.Hour)) {
		t.Errorf("recorded %+v; want phone, item 3, open, due in the workspace's 7 days", c.Complaint)
	}
	if len(v.dialogs.open) != 0 || !strings.Contains(v.message.Text, "2025-12-05") {
		t.Errorf("dialog open %d, message %q", len(v.dialogs.open), v.message.Text)
	}
	if v.shown == nil || v.shown.ID != 5 {
		t.Error("the new case is not shown")
	}
	t.Run("hostile text is refused with the reason", func(t *testing.T) {
		v.onRune('n')
		r := v.record
		r.text.SetText(strings.Repeat("投诉", 2000))
		r.submit()
		if len(f.cases) != 5 || r.message.Hidden || !strings.Contains(r.message.Text, "8000") {
			t.Errorf("a 12 KB text: %d cases, message %q", len(f.cases), r.message.Text)
		}
		r.text.SetText("ok")
		r.received.SetText("yesterday")
		r.submit()
		if len(f.cases) != 5 || !strings.Contains(r.message.Text, "2025-11-28") {
			t.Errorf("a bad date: message %q", r.message.Text)
		}
		v.dialogs.closeAll()
	})
}

// TestAppealOverturnedAndAnswered: a senior sends the appeal on with E,
// takes the re-opened item on the review desk from the escalation queue,
// approves what was rejected; the case then says "Overturned", and the
// reply, prefilled from the overturned template, goes to the outbox with
// that resolution.
func TestAppealOverturnedAndAnswered(t *testing.T) {
	desk, f := caseFixture()
	m := newDeskWindow(t, desk, "senior1")
	v, w := newComplaintsWindow(t, f, "senior1")
	v.load(4)
	if v.buttons[caseAppeal].Disabled() {
		t.Fatal("the senior is not offered to send the appeal on")
	}
	if !v.buttons[caseReply].Disabled() {
		t.Error("a reply is offered before the appeal is resolved")
	}
	v.onRune('e')
	if desk.items[0].State != review.StateEscalated || !hasLabel(v.detail, "waiting for a senior reviewer") {
		t.Fatalf("after E the item is %s", desk.items[0].State)
	}
	if v.counts.Appeals != 1 {
		t.Errorf("appeals with a senior: %d", v.counts.Appeals)
	}

	press(m, "q") // the escalation queue
	press(m, "n")
	d := m.session.desk
	if d.current == nil || d.current.ev.Item.ID != 1 {
		t.Fatalf("the senior's desk did not get the appealed item: %+v", d.current)
	}
	press(m, "a")
	if dec, ok := desk.lastDecision(); !ok || dec.ItemID != 1 || dec.Outcome != review.OutcomeApprove {
		t.Fatalf("decision %+v", dec)
	}

	v.load(4)
	if v.shown.Resolution != review.ResolutionOverturned || !hasLabel(v.detail, "Overturned by senior1") {
		t.Fatalf("resolution %q", v.shown.Resolution)
	}
	v.onRune('r')
	p := v.reply
	if p == nil || !strings.Contains(p.text.Text, "overturned") {
		t.Fatalf("the reply does not start from the overturned template: %+v", p)
	}
	test.AssertRendersToMarkup(t, "complaints_reply.xml", w.Canvas())
	p.text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(f.replies) != 1 || f.replies[0].Resolution != review.ResolutionOverturned ||
		!strings.Contains(f.replies[0].Reply, "overturned") || f.replies[0].AnsweredBy != "senior1" {
		t.Fatalf("outbox replies %+v", f.replies)
	}
	if v.shown.Status != review.CaseAnswered || v.buttons[caseClose].Disabled() {
		t.Errorf("after the reply: %s, close offered %v", v.shown.Status, !v.buttons[caseClose].Disabled())
	}
	v.onRune('c')
	if f.get(4).Status != review.CaseClosed {
		t.Errorf("C did not close the case: %s", f.get(4).Status)
	}
}

func TestReplyTemplatesMoveWithTheArrows(t *testing.T) {
	test.NewTempApp(t)
	_, f := caseFixture()
	v, _ := newComplaintsWindow(t, f, "reviewer1")
	v.load(2)
	v.onRune('r')
	p := v.reply
	if p == nil || p.text.Text != "" {
		t.Fatal("the reply dialog did not open empty")
	}
	p.text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if p.message.Hidden || len(f.replies) != 0 {
		t.Fatal("an empty reply was sent")
	}
	p.text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	p.text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	p.text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	if p.cursor != 0 || p.text.Text != lang.L(replyTemplates[0]) {
		t.Fatalf("cursor %d, text %q", p.cursor, p.text.Text)
	}
	p.text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(f.replies) != 1 || f.replies[0].Reply != lang.L(replyTemplates[0]) || f.replies[0].Resolution != "" {
		t.Fatalf("replies %+v", f.replies)
	}
	if f.get(2).Status != review.CaseAnswered {
		t.Errorf("case 2 is %s", f.get(2).Status)
	}
}

func TestTheEvidenceListsAnItemsComplaints(t *testing.T) {
	test.NewTempApp(t)
	ev := review.Evidence{Item: review.Item{ID: 1, ProduceID: "IMG1"}, Complaints: []review.Complaint{
		{ID: 7, Kind: "appeal", Category: "implicit-label-missing", Status: "open", Text: "请复核。",
			ReceivedAt: fixedNow().Add(-20 * 24 * time.Hour), DueAt: fixedNow().Add(-5 * 24 * time.Hour)},
	}}
	b := complaintsBlock(ev, fixedNow())
	if b == nil || !hasLabel(b, "Complaints and appeals (1)") || !hasLabel(b, "Appeal no. 7") || !hasLabel(b, "5 day(s) overdue") {
		t.Error("the block does not show the overdue appeal")
	}
	if complaintsBlock(review.Evidence{}, fixedNow()) != nil {
		t.Error("an item without complaints gets a block")
	}
}
