package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"synthreview/review"
	"synthreview/store"
)

// dashDay is a time on a day of November 2026, UTC.
func dashDay(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC)
}

// dashFixture is a small workspace whose every dashboard figure can be
// counted by hand (the comments of TestDashboard do). It is read at
// 2026-11-28 09:00 UTC over seven UTC days: 22 November 00:00 to 29
// November 00:00.
type dashFixture struct {
	db  *store.DB
	clk *clock
}

// dashItem describes one item of the fixture.
type dashItem struct {
	pid      string
	received time.Time
	category review.Category
	verdict  string
	report   string
	state    review.State
	hits     []review.RuleHit
	consents []string
}

var (
	hitExplicitMissing = review.RuleHit{RuleID: review.RuleExplicitLabel, RuleVersion: "1", Severity: "error"}
	hitExplicitSmall   = review.RuleHit{RuleID: review.RuleExplicitLabel, RuleVersion: "1", Severity: "warning"}
	hitExplicitUnknown = review.RuleHit{RuleID: review.RuleExplicitLabel, RuleVersion: "1", Severity: "info"}
)

func wm(status string) string {
	return `{"format":"png","watermark":{"status":"` + status + `","detected":null}}`
}

func (f *dashFixture) at(t time.Time) { f.clk.now = t }

func (f *dashFixture) create(t *testing.T, it dashItem) review.Item {
	t.Helper()
	state, queue := it.state, review.QueueLive
	if state == "" {
		state = review.StateQueued
	}
	if state == review.StateEscalated {
		queue = review.QueueEscalation
	}
	rec := review.NewItem{Item: review.Item{ProduceID: it.pid, Format: "png", ObjectSHA256: strings.Repeat("ab", 32), Size: 1,
		Category: it.category, ReceivedAt: it.received, State: state, Queue: queue, Verdict: it.verdict, LabelState: "none"},
		ScanReport: it.report, RuleHits: it.hits, ConsentIDs: it.consents}
	created, err := f.db.CreateItem(context.Background(), "system", rec)
	if err != nil {
		t.Fatalf("create %s: %v", it.pid, err)
	}
	return created
}

// decide has actor claim the next item of the live queue, checks it is
// want, and records outcome; it returns the decision's id.
func (f *dashFixture) decide(t *testing.T, actor string, want review.Item, outcome review.Outcome) int64 {
	t.Helper()
	ctx := context.Background()
	got, err := f.db.Claim(ctx, actor, review.QueueLive, time.Hour)
	if err != nil || got.ID != want.ID {
		t.Fatalf("%s claimed %s (%v), want %s", actor, got.ProduceID, err, want.ProduceID)
	}
	return f.apply(t, actor, want, outcome)
}

func (f *dashFixture) apply(t *testing.T, actor string, it review.Item, outcome review.Outcome) int64 {
	t.Helper()
	ctx := context.Background()
	d := review.Decision{Outcome: outcome, Note: "fixture"}
	if outcome == review.OutcomeReject {
		d.Reasons = []string{"prohibited-content"}
	}
	if _, err := f.db.Apply(ctx, actor, it.ID, d); err != nil {
		t.Fatalf("%s %s %s: %v", actor, outcome, it.ProduceID, err)
	}
	ev, err := f.db.Evidence(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ev.Decisions[len(ev.Decisions)-1].ID
}

func newDashFixture(t *testing.T) *dashFixture {
	t.Helper()
	ctx := context.Background()
	f := &dashFixture{db: openDB(t)}
	f.clk = withClock(f.db)
	f.at(dashDay(1, 9, 0))
	for name, role := range map[string]review.Role{"boss": review.RoleManager, "senior1": review.RoleSenior,
		"rev1": review.RoleReviewer, "rev2": review.RoleReviewer} {
		if _, err := f.db.CreateAccount(ctx, "admin", review.Account{Name: name, Role: role}, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.PutConsent(ctx, "admin", review.Consent{ID: "C1", SubjectID: "p-1", Scope: "face", GrantedAt: dashDay(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}

	// Before the window: two items resting on consent C1, one approved
	// and one rejected by rev1.
	f.at(dashDay(10, 9, 0))
	i0 := f.create(t, dashItem{pid: "I0", received: dashDay(10, 9, 0), category: "text_writing", verdict: "conforming",
		report: wm("detected"), consents: []string{"C1"}})
	f.decide(t, "rev1", i0, review.OutcomeApprove)
	f.at(dashDay(15, 9, 0))
	i0b := f.create(t, dashItem{pid: "I0b", received: dashDay(15, 9, 0), category: "text_writing", verdict: "conforming",
		report: wm("detected"), consents: []string{"C1"}})
	f.decide(t, "rev1", i0b, review.OutcomeReject)
	// One more on C1, which the machine cleared at intake.
	f.at(dashDay(12, 9, 0))
	ic := f.create(t, dashItem{pid: "Ic", received: dashDay(12, 9, 0), category: "text_writing", verdict: "conforming",
		report: wm("detected"), consents: []string{"C1"}, state: review.StateCleared})

	// In the window.
	f.at(dashDay(23, 8, 0))
	a1 := f.create(t, dashItem{pid: "A1", received: dashDay(23, 8, 0), category: "face_swap", verdict: "conforming",
		report: wm("detected"), hits: []review.RuleHit{hitExplicitMissing}})
	f.decide(t, "rev1", a1, review.OutcomeApprove)
	f.at(dashDay(23, 9, 0))
	a2 := f.create(t, dashItem{pid: "A2", received: dashDay(23, 9, 0), category: "image_generation", verdict: "nonconforming",
		report: wm("not-detected"), hits: []review.RuleHit{hitExplicitMissing}}) // not a category that needs one
	f.at(dashDay(24, 9, 0))
	f.decide(t, "rev1", a2, review.OutcomeReject)
	f.at(dashDay(24, 10, 0))
	a3 := f.create(t, dashItem{pid: "A3", received: dashDay(24, 10, 0), category: "text_dialogue", verdict: "conforming",
		report: wm("not-checked"), hits: []review.RuleHit{{RuleID: "keyword", RuleVersion: "1", Severity: "warning"}}})
	undone := f.decide(t, "senior1", a3, review.OutcomeApprove)
	f.at(dashDay(24, 10, 0).Add(10 * time.Second))
	if _, err := f.db.UndoDecision(ctx, "senior1", undone, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	f.at(dashDay(24, 10, 1))
	f.apply(t, "senior1", a3, review.OutcomeReject)
	f.at(dashDay(25, 9, 0))
	f.create(t, dashItem{pid: "A4", received: dashDay(25, 9, 0), category: "video_generation", verdict: "unlabelled",
		report: wm("detected"), state: review.StateCleared, hits: []review.RuleHit{hitExplicitUnknown}})
	f.create(t, dashItem{pid: "A5", received: dashDay(26, 8, 0), category: "speech_synthesis", verdict: "conforming",
		report: `{}`, state: review.StateCleared})
	// C1 is withdrawn: I0, Ic and I0b return to the live queue and
	// senior1 decides all three again, rejecting each.
	f.at(dashDay(25, 12, 0))
	if n, err := f.db.WithdrawConsent(ctx, "boss", "C1", dashDay(25, 12, 0)); err != nil || n != 3 {
		t.Fatalf("withdraw C1: %d re-opened, %v", n, err)
	}
	f.decide(t, "senior1", i0, review.OutcomeReject)
	f.at(dashDay(25, 12, 2))
	f.decide(t, "senior1", ic, review.OutcomeReject)
	f.at(dashDay(25, 12, 5))
	f.decide(t, "senior1", i0b, review.OutcomeReject)
	f.at(dashDay(26, 9, 0))
	a9 := f.create(t, dashItem{pid: "A9", received: dashDay(26, 9, 0), category: "image_edit", verdict: "unlabelled", report: `{}`})
	f.decide(t, "rev2", a9, review.OutcomeHold)
	f.at(dashDay(27, 10, 0))
	f.create(t, dashItem{pid: "A6", received: dashDay(27, 10, 0), category: "image_generation", verdict: "conforming",
		report: wm("not-detected"), state: review.StateEscalated})
	f.at(dashDay(28, 7, 0))
	a7 := f.create(t, dashItem{pid: "A7", received: dashDay(28, 7, 0), category: "face_generation", verdict: "nonconforming",
		report: wm("detected"), hits: []review.RuleHit{hitExplicitSmall}})
	f.at(dashDay(28, 8, 0))
	a8 := f.create(t, dashItem{pid: "A8", received: dashDay(28, 8, 0), category: "text_writing", verdict: "conforming",
		report: wm("not-detected")})
	if got, err := f.db.Claim(ctx, "rev1", review.QueueLive, time.Hour); err != nil || got.ID != a7.ID {
		t.Fatalf("rev1 claimed %s (%v), want A7", got.ProduceID, err)
	}
	f.at(dashDay(28, 8, 45))
	f.decide(t, "rev2", a8, review.OutcomeApprove)
	f.at(dashDay(28, 8, 50))
	f.create(t, dashItem{pid: "A11", received: dashDay(28, 8, 50), category: "image_generation", verdict: "conforming",
		report: `not JSON`})
	f.create(t, dashItem{pid: "I-old", received: dashDay(20, 9, 0), category: "image_generation", verdict: "conforming",
		report: wm("detected")})

	// Complaints: two past due, one due this very minute (not yet), one
	// in time, one answered late (answered: not counted).
	for i, c := range []struct {
		status string
		due    time.Time
	}{
		{"open", dashDay(27, 0, 0)}, {"in_progress", dashDay(28, 8, 59)}, {"open", dashDay(28, 9, 0)},
		{"open", time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)}, {"answered", dashDay(20, 0, 0)},
	} {
		if _, err := f.db.RecordComplaint(ctx, "rev1", review.Complaint{Kind: "complaint", Channel: "web", Category: "other",
			Text: fmt.Sprintf("complaint %d", i), ReceivedAt: dashDay(18, 0, 0), DueAt: c.due, Status: c.status}); err != nil {
			t.Fatal(err)
		}
	}
	// The platform acknowledged the actions on I0, I0b and A1 (the first
	// decisions of each).
	entries, err := f.db.UnackedOutbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acked := 0
	for _, e := range entries {
		if e.ID <= 3 {
			if err := f.db.AckOutbox(ctx, e.FileName, "ok"); err != nil {
				t.Fatal(err)
			}
			acked++
		}
	}
	if acked != 3 {
		t.Fatalf("acknowledged %d outbox entries, want 3", acked)
	}
	f.at(dashDay(28, 9, 0))
	return f
}

func (f *dashFixture) read(t *testing.T, days int, loc *time.Location) review.Dashboard {
	t.Helper()
	svc := review.Dashboards{Store: f.db, Now: f.clk.Now, Loc: loc}
	d, err := svc.Read(context.Background(), review.Account{Name: "boss", Role: review.RoleManager}, days)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDashboard(t *testing.T) {
	f := newDashFixture(t)
	d := f.read(t, 7, time.UTC)

	t.Run("the window is the last seven days up to now", func(t *testing.T) {
		if !d.Since.Equal(dashDay(22, 0, 0)) || !d.Until.Equal(dashDay(28, 9, 0)) || d.Days != 7 {
			t.Errorf("window %v – %v (%d days), want 22 Nov 00:00 – 28 Nov 09:00 (7)", d.Since, d.Until, d.Days)
		}
	})

	t.Run("the backlog counts waiting, claimed and held items per queue, with the oldest waiting", func(t *testing.T) {
		// Live: I-old (received 20 Nov 09:00) and A11 wait, rev1 holds A7,
		// A9 is on hold. Escalation: A6 waits since 27 Nov 10:00.
		want := []review.QueueBacklog{
			{Queue: review.QueueLive, Waiting: 2, InReview: 1, Held: 1, Oldest: dashDay(20, 9, 0)},
			{Queue: review.QueueEscalation, Waiting: 1, Oldest: dashDay(27, 10, 0)},
		}
		if len(d.Backlog) != 2 {
			t.Fatalf("backlog %+v", d.Backlog)
		}
		for i, w := range want {
			g := d.Backlog[i]
			if g.Queue != w.Queue || g.Waiting != w.Waiting || g.InReview != w.InReview || g.Held != w.Held || !g.Oldest.Equal(w.Oldest) {
				t.Errorf("queue %d: %+v, want %+v", i, g, w)
			}
		}
		if age := d.Backlog[0].OldestAge(d.Until); age != 8*24*time.Hour {
			t.Errorf("the oldest live item has waited %v, want 8 days", age)
		}
		if age := d.Backlog[1].OldestAge(d.Until); age != 23*time.Hour {
			t.Errorf("the oldest escalated item has waited %v, want 23 h", age)
		}
	})

	t.Run("decisions per day count standing decisions by outcome, day by day", func(t *testing.T) {
		// 23: A1 approved. 24: A2 and A3 rejected (A3's approval was
		// undone). 25: I0, Ic and I0b rejected again. 26: A9 held. 28: A8
		// approved. Decisions of 10 and 15 November are before the window.
		want := []map[review.Outcome]int{
			{}, {review.OutcomeApprove: 1}, {review.OutcomeReject: 2}, {review.OutcomeReject: 3},
			{review.OutcomeHold: 1}, {}, {review.OutcomeApprove: 1},
		}
		if len(d.PerDay) != 7 {
			t.Fatalf("%d days, want 7", len(d.PerDay))
		}
		for i, w := range want {
			g := d.PerDay[i]
			if !g.Day.Equal(dashDay(22+i, 0, 0)) {
				t.Errorf("day %d starts %v", i, g.Day)
			}
			if fmt.Sprint(g.ByOutcome) != fmt.Sprint(w) {
				t.Errorf("%s: %v, want %v", g.Day.Format("2 Jan"), g.ByOutcome, w)
			}
		}
	})

	t.Run("each reviewer's standing and undone decisions in the window are counted", func(t *testing.T) {
		want := "rev1 map[approve:1 reject:1] undone 0; rev2 map[approve:1 hold:1] undone 0; senior1 map[reject:4] undone 1; "
		var got strings.Builder
		for _, r := range d.Reviewers {
			fmt.Fprintf(&got, "%s %v undone %d; ", r.Actor, r.ByOutcome, r.Undone)
		}
		if got.String() != want {
			t.Errorf("reviewers:\n got %s\nwant %s", got.String(), want)
		}
		if d.Undone != 1 {
			t.Errorf("%d undone decisions, want 1 (senior1's approval of A3)", d.Undone)
		}
		if d.Reviewers[2].Total() != 4 {
			t.Errorf("senior1's total is %d, want 4", d.Reviewers[2].Total())
		}
	})

	t.Run("a senior's re-decision overturns when it changes approve to reject", func(t *testing.T) {
		// senior1 rejected I0 (approved before: overturned), Ic (cleared
		// by the machine: overturned) and I0b (rejected before: upheld).
		// senior1 rejecting A3 after undoing an approval of it is no
		// re-decision: the undone approval does not stand.
		if d.Overturns != (review.Overturns{Redecided: 3, Overturned: 2}) {
			t.Errorf("overturns %+v, want 2 of 3", d.Overturns)
		}
		if r, ok := d.Overturns.Rate(); !ok || r != 2.0/3 {
			t.Errorf("overturn rate %v %v, want 2/3", r, ok)
		}
	})

	t.Run("routing counts items received in the window that reached a person", func(t *testing.T) {
		// A1–A9 and A11 (ten) were received in the window; A4 and A5 were
		// cleared by the machine.
		if d.Routing != (review.Routing{Received: 10, Routed: 8, Cleared: 2}) {
			t.Errorf("routing %+v, want 8 of 10 routed", d.Routing)
		}
	})

	t.Run("label compliance counts implicit, explicit and watermark over the window's items", func(t *testing.T) {
		c := d.Compliance
		// Conforming: A1, A3, A5, A6, A8, A11.
		if c.Received != 10 || c.Implicit != (review.Share{N: 6, Of: 10}) {
			t.Errorf("implicit %+v of %d, want 6 of 10", c.Implicit, c.Received)
		}
		// Needing a visible label: A1 (missing), A3, A4 (not checked:
		// left out), A5, A7 (too small), A8. A2's hit is outside the
		// scope (image_generation).
		if c.Explicit != (review.Share{N: 3, Of: 5}) {
			t.Errorf("explicit %+v, want 3 of 5", c.Explicit)
		}
		// Checked: A1, A4, A7 (detected), A2, A6, A8 (not detected). A3
		// was not checked, A5 and A9 have no watermark key, A11's report
		// is not JSON; I0, Ic, I0b and I-old were received before the window.
		if c.Watermark != (review.Share{N: 3, Of: 6}) {
			t.Errorf("watermark %+v, want 3 of 6", c.Watermark)
		}
	})

	t.Run("complaints past their due time are counted, answered ones are not", func(t *testing.T) {
		if d.ComplaintsOpen != 4 || d.ComplaintsOverdue != 2 {
			t.Errorf("complaints: %d open, %d overdue; want 4 and 2", d.ComplaintsOpen, d.ComplaintsOverdue)
		}
	})

	t.Run("unacknowledged outbox actions older than the limit are overdue, cancelled ones do not count", func(t *testing.T) {
		// Unacknowledged: the rejections of A2 and A3 (24 Nov), of I0, Ic
		// and I0b (25 Nov), and A8's approval (28 Nov 08:45, within 24 h).
		// A3's undone approval was cancelled.
		if d.OutboxUnacked != 6 || d.OutboxOverdue != 5 {
			t.Errorf("outbox: %d unacknowledged, %d overdue; want 6 and 5", d.OutboxUnacked, d.OutboxOverdue)
		}
	})

	t.Run("practice is not counted yet", func(t *testing.T) {
		if d.Practice != (review.Practice{}) {
			t.Errorf("practice %+v", d.Practice)
		}
	})

	t.Run("a three-day window leaves out what came before it", func(t *testing.T) {
		d3 := f.read(t, 3, time.UTC)
		// 26–28 Nov: A5, A9, A6, A7, A8, A11 received; A9 held, A8 approved.
		if d3.Routing != (review.Routing{Received: 6, Routed: 5, Cleared: 1}) {
			t.Errorf("routing %+v", d3.Routing)
		}
		if d3.Overturns != (review.Overturns{}) {
			t.Errorf("overturns %+v: the re-decisions were on 25 Nov", d3.Overturns)
		}
		if _, ok := d3.Overturns.Rate(); ok {
			t.Error("an overturn rate without re-decisions")
		}
		if len(d3.PerDay) != 3 || d3.PerDay[2].Total() != 1 || d3.Undone != 0 {
			t.Errorf("per day %+v, undone %d", d3.PerDay, d3.Undone)
		}
		if d3.Backlog[0].Waiting != 2 || d3.ComplaintsOverdue != 2 || d3.OutboxOverdue != 5 {
			t.Error("the backlog, complaints and outbox do not depend on the window")
		}
	})

	t.Run("days start at local midnight", func(t *testing.T) {
		// In Shanghai (UTC+8) 28 Nov 09:00 UTC is 17:00; the first of three
		// days starts 26 Nov 00:00 CST = 25 Nov 16:00 UTC, so senior1's
		// re-decisions of 25 Nov 12:00 UTC (20:00 CST) are outside it, and
		// A8's approval (16:45 CST on the 28th) is on the last day.
		cst := time.FixedZone("CST", 8*3600)
		dl := f.read(t, 3, cst)
		if !dl.Since.Equal(time.Date(2026, 11, 26, 0, 0, 0, 0, cst)) {
			t.Errorf("since %v", dl.Since)
		}
		if dl.PerDay[0].Total() != 1 || dl.PerDay[2].ByOutcome[review.OutcomeApprove] != 1 {
			t.Errorf("per day %+v", dl.PerDay)
		}
	})

	t.Run("an empty workspace reads as zeros", func(t *testing.T) {
		db := openDB(t)
		withClock(db)
		e, err := review.Dashboards{Store: db, Now: f.clk.Now, Loc: time.UTC}.Read(context.Background(),
			review.Account{Name: "boss", Role: review.RoleManager}, 90)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.PerDay) != 90 || e.Routing.Received != 0 || len(e.Reviewers) != 0 || e.Backlog[0].Waiting != 0 || !e.Backlog[0].Oldest.IsZero() {
			t.Errorf("empty dashboard %+v", e)
		}
	})

	t.Run("reading writes nothing to the audit log", func(t *testing.T) {
		st, err := f.db.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		f.read(t, 30, time.UTC)
		st2, err := f.db.Status(context.Background())
		if err != nil || st2.Events != st.Events {
			t.Errorf("events %d → %d (%v)", st.Events, st2.Events, err)
		}
		mustVerify(t, f.db)
	})
}

func TestDashboardRefusesAnEmptyWindow(t *testing.T) {
	db := openDB(t)
	_, err := db.Dashboard(context.Background(), review.DashboardQuery{Now: dashDay(28, 9, 0), DayStarts: []time.Time{dashDay(28, 0, 0)}})
	if review.ErrorCode(err) != review.EINVALID {
		t.Errorf("a window without a day: %v, want EINVALID", err)
	}
}

func TestDashboardIndexesComeToAnOldWorkspace(t *testing.T) {
	ctx := context.Background()
	raw, path := rawAtSchema(t, 10)
	// Three items of the old workspace: a watermark detected, one not
	// detected, and a report that is not JSON at all.
	for i, report := range []string{wm("detected"), wm("not-detected"), `{"watermark":`} {
		at := review.FormatTime(dashDay(27, i, 0))
		if _, err := raw.Exec(`INSERT INTO items (produce_id, format, object_sha256, size, category, created_at, received_at, state, verdict, updated_at)
			VALUES (?, 'png', ?, 1, 'image_generation', ?, ?, 'queued', 'conforming', ?)`, fmt.Sprintf("OLD%d", i), strings.Repeat("ab", 32), at, at, at); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`INSERT INTO scan_reports (item_id, report) VALUES (?, ?)`, i+1, report); err != nil {
			t.Fatal(err)
		}
	}
	db := openMigrated(t, raw, path)
	clk := withClock(db)
	// A report that is not JSON still goes in after the migration.
	if _, err := db.CreateItem(ctx, "system", review.NewItem{Item: review.Item{ProduceID: "NEW1", Format: "png",
		ObjectSHA256: strings.Repeat("ab", 32), Size: 1, Category: "image_generation", ReceivedAt: dashDay(28, 1, 0)},
		ScanReport: "not JSON"}); err != nil {
		t.Fatalf("an item with a report that is not JSON: %v", err)
	}
	d, err := review.Dashboards{Store: db, Now: clk.Now, Loc: time.UTC}.Read(ctx, review.Account{Name: "boss", Role: review.RoleManager}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if d.Compliance.Watermark != (review.Share{N: 1, Of: 2}) || d.Compliance.Implicit != (review.Share{N: 3, Of: 4}) || d.Backlog[0].Waiting != 4 {
		t.Errorf("old workspace: watermark %+v, implicit %+v, waiting %d", d.Compliance.Watermark, d.Compliance.Implicit, d.Backlog[0].Waiting)
	}
}

// benchReport is a scan report of realistic size (about 1.5 KB) with a
// detected watermark; each seeded item gets its own copy (the sha256
// differs), as intake would store.
const benchReport = `{"path":"out.png","format":"png","sha256":"%s","size":482113,
"implicit":[{"carrier":"png:iTXt","location":"iTXt AIGC","form":"inner","fields":{"Label":"1","ContentProducer":"001191110108MA01KP2T5U00000","ProduceID":"IMG-2026-11-28-000001","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""},"raw":"{\"AIGC\":{\"Label\":\"1\",\"ContentProducer\":\"001191110108MA01KP2T5U00000\",\"ProduceID\":\"IMG-2026-11-28-000001\"}}","valid":true}],
"c2pa":null,"iptc_digital_source_type":"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
"explicit":[{"text":"AI生成","box":[12,980,160,40],"height_ratio":0.052,"source":"template:default"}],
"watermark":{"status":"detected","detected":true,"payload":"IMG-2026-11-28-000001","payload_digest":"9f2c4e1ab07d5c3e","confidence":0.97},
"label_state":"confirmed","verdict":"conforming","findings":[{"code":"implicit-nonstandard-carrier","severity":"info","message":"a label in a place no TC260 guide defines"}],"error":"",
"pdq":{"hash":"f8f8f0cee0f4a84f06370a32038f2f1e4b9f7e2e6f8d4a1c8e0f3b1a2c4d6e8f","quality":100}}`

// BenchmarkDashboard100k reads the dashboard of a workspace holding
// 100,000 items (SeedSynthetic: all received in the last three days, so
// every window holds them all), 60,000 of them decided by twelve
// reviewers over those days, 5,001 of those decided again by a senior,
// 1,084 of the 65,001 decisions undone, and 500 complaints: the worst
// case, every figure counting the whole workspace.
func BenchmarkDashboard100k(b *testing.B) {
	ctx := context.Background()
	db := openDB(b)
	clk := withClock(db)
	tmpl := review.NewItem{Item: review.Item{ProduceID: "BENCH", Format: "png", ObjectSHA256: strings.Repeat("ab", 32), Size: 1,
		Verdict: "conforming"}, ScanReport: fmt.Sprintf(benchReport, strings.Repeat("0", 64))}
	hits := []review.RuleHit{hitExplicitMissing, {RuleID: "keyword", RuleVersion: "1", Severity: "warning"}, hitExplicitUnknown}
	if err := db.SeedSynthetic(ctx, 100_000, tmpl, hits); err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`UPDATE scan_reports SET report = replace(report, '"sha256":"0000', '"sha256":"' || printf('%04x', item_id % 65536))`,
		`INSERT INTO accounts (name, role, password_hash, created_at) VALUES ('senior1', 'senior_reviewer', 'x', '2026-01-01T00:00:00.000Z')`,
		// 60,000 decisions, spread over the items' three days, by rev0 … rev11.
		`INSERT INTO decisions (item_id, actor, outcome, reasons, at)
		 SELECT id, 'rev' || (id % 12), CASE id % 5 WHEN 0 THEN 'reject' WHEN 1 THEN 'hold' ELSE 'approve' END, '[]', received_at
		 FROM items WHERE id % 5 <> 4 AND id % 4 <> 3`,
		`UPDATE items SET state = CASE id % 5 WHEN 0 THEN 'rejected' WHEN 1 THEN 'held' ELSE 'approved' END
		 WHERE id % 5 <> 4 AND id % 4 <> 3`,
		`INSERT INTO decisions (item_id, actor, outcome, reasons, at)
		 SELECT item_id, 'senior1', CASE item_id % 2 WHEN 0 THEN 'approve' ELSE 'reject' END, '[]', at
		 FROM decisions WHERE outcome IN ('approve', 'reject') AND item_id % 15 = 2`,
		`UPDATE decisions SET undone_at = at WHERE id % 60 = 7`,
		`INSERT INTO complaints (kind, channel, category, text, received_at, due_at, status)
		 SELECT 'complaint', 'web', 'other', 'x', received_at, received_at, CASE id % 3 WHEN 0 THEN 'answered' ELSE 'open' END
		 FROM items WHERE id % 200 = 0`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	var nd int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM decisions`).Scan(&nd); err != nil {
		b.Fatal(err)
	}
	raw.Close()
	svc := review.Dashboards{Store: db, Now: clk.Now, Loc: time.UTC}
	boss := review.Account{Name: "boss", Role: review.RoleManager}
	for _, days := range review.DashboardDays {
		b.Run(fmt.Sprintf("%d days", days), func(b *testing.B) {
			for b.Loop() {
				d, err := svc.Read(ctx, boss, days)
				if err != nil {
					b.Fatal(err)
				}
				if d.Routing.Received != 100_000 || d.Overturns.Redecided == 0 || d.Compliance.Watermark.N == 0 {
					b.Fatalf("%d decisions stored; dashboard %+v %+v %+v", nd, d.Routing, d.Overturns, d.Compliance)
				}
			}
		})
	}
}
