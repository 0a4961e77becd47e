package review_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // America/New_York for the daylight-saving case

	"synthreview/review"
)

// fakeDashboardStore records the query it gets.
type fakeDashboardStore struct {
	DashboardFn func(ctx context.Context, q review.DashboardQuery) (review.Dashboard, error)
	queries     []review.DashboardQuery
}

var _ review.DashboardStore = (*fakeDashboardStore)(nil)

func (f *fakeDashboardStore) Dashboard(ctx context.Context, q review.DashboardQuery) (review.Dashboard, error) {
	f.queries = append(f.queries, q)
	if f.DashboardFn != nil {
		return f.DashboardFn(ctx, q)
	}
	return review.Dashboard{Undone: 4}, nil
}

func TestDashboardIsForManagersOnly(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		acct review.Account
		ok   bool
	}{
		{"a manager reads it", review.Account{Name: "boss", Role: review.RoleManager}, true},
		{"a reviewer is refused", review.Account{Name: "rev1", Role: review.RoleReviewer}, false},
		{"a senior reviewer is refused", review.Account{Name: "senior1", Role: review.RoleSenior}, false},
		{"a trainer is refused", review.Account{Name: "trainer", Role: review.RoleTrainer}, false},
		{"an admin is refused: accounts and keys, not review work", review.Account{Name: "admin", Role: review.RoleAdmin}, false},
		{"a disabled manager is refused", review.Account{Name: "gone", Role: review.RoleManager, Disabled: true}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := &fakeDashboardStore{}
			d, err := review.Dashboards{Store: st, Now: func() time.Time { return now }, Loc: time.UTC}.Read(context.Background(), c.acct, 7)
			if c.ok {
				if err != nil || d.Undone != 4 || d.Days != 7 || !d.Until.Equal(now) || !d.Since.Equal(now.AddDate(0, 0, -6).Add(-9*time.Hour)) {
					t.Errorf("%+v, %v", d, err)
				}
				return
			}
			if review.ErrorCode(err) != review.EFORBIDDEN {
				t.Errorf("error %v, want EFORBIDDEN", err)
			}
			if len(st.queries) != 0 {
				t.Error("the store was asked although the role may not read the dashboard")
			}
		})
	}
}

func TestDashboardWindow(t *testing.T) {
	boss := review.Account{Name: "boss", Role: review.RoleManager}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	t.Run("a window of 0 or more than a year of days is refused", func(t *testing.T) {
		st := &fakeDashboardStore{}
		for _, days := range []int{0, -7, review.MaxDashboardDays + 1} {
			if _, err := (review.Dashboards{Store: st}).Read(context.Background(), boss, days); review.ErrorCode(err) != review.EINVALID {
				t.Errorf("%d days: %v, want EINVALID", days, err)
			}
		}
		if len(st.queries) != 0 {
			t.Error("the store was asked for a refused window")
		}
	})
	t.Run("the query names the explicit-label rule, its categories and the roles that overturn", func(t *testing.T) {
		st := &fakeDashboardStore{}
		if _, err := (review.Dashboards{Store: st, Now: func() time.Time { return now }, Loc: time.UTC}).Read(context.Background(), boss, 30); err != nil {
			t.Fatal(err)
		}
		q := st.queries[0]
		if len(q.DayStarts) != 31 || !q.DayStarts[0].Equal(time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC)) ||
			!q.DayStarts[30].Equal(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)) || !q.Now.Equal(now) {
			t.Errorf("30 days at %v: day starts %v … %v (%d)", now, q.DayStarts[0], q.DayStarts[len(q.DayStarts)-1], len(q.DayStarts))
		}
		if q.ExplicitRule != "explicit-label" {
			t.Errorf("explicit rule %q", q.ExplicitRule)
		}
		for _, c := range review.Categories {
			if c.NeedsExplicitLabel() != slices.Contains(q.ExplicitCategories, c) {
				t.Errorf("category %s: in the explicit-label scope %v, needs a visible label %v", c, !c.NeedsExplicitLabel(), c.NeedsExplicitLabel())
			}
		}
		if !slices.Equal(q.OverturnRoles, []review.Role{review.RoleSenior, review.RoleManager}) {
			t.Errorf("overturn roles %v", q.OverturnRoles)
		}
	})
	t.Run("a store error comes back as it is", func(t *testing.T) {
		busy := review.Errorf(review.EBUSY, "locked")
		st := &fakeDashboardStore{DashboardFn: func(context.Context, review.DashboardQuery) (review.Dashboard, error) {
			return review.Dashboard{}, busy
		}}
		if _, err := (review.Dashboards{Store: st}).Read(context.Background(), boss, 7); !errors.Is(err, busy) {
			t.Errorf("error %v", err)
		}
	})
}

func TestDayStarts(t *testing.T) {
	t.Run("days start at local midnight, not UTC's", func(t *testing.T) {
		cst := time.FixedZone("CST", 8*3600)
		// 28 Nov 20:00 UTC is already 29 Nov in Shanghai.
		got := review.DayStarts(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC), cst, 2)
		want := []time.Time{time.Date(2026, 11, 28, 0, 0, 0, 0, cst), time.Date(2026, 11, 29, 0, 0, 0, 0, cst), time.Date(2026, 11, 30, 0, 0, 0, 0, cst)}
		if !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("%v, want %v", got, want)
		}
	})
	t.Run("a day with a daylight-saving change is still one calendar day", func(t *testing.T) {
		ny, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatal(err)
		}
		// Clocks went back on 1 Nov 2026: that day has 25 hours.
		got := review.DayStarts(time.Date(2026, 11, 2, 12, 0, 0, 0, ny), ny, 3)
		if len(got) != 4 || got[2].Sub(got[1]) != 25*time.Hour || got[1].Day() != 1 || got[1].Hour() != 0 {
			t.Errorf("%v", got)
		}
	})
}

func TestRates(t *testing.T) {
	if r, ok := (review.Share{N: 3, Of: 4}).Rate(); !ok || r != 0.75 {
		t.Errorf("3 of 4 = %v %v", r, ok)
	}
	if _, ok := (review.Share{}).Rate(); ok {
		t.Error("0 of 0 has a rate; it should have none (not 0 %)")
	}
	if r, ok := (review.Routing{Received: 10, Routed: 8, Cleared: 2}).Rate(); !ok || r != 0.8 {
		t.Errorf("routing 8 of 10 = %v", r)
	}
	if _, ok := (review.Overturns{}).Rate(); ok {
		t.Error("no re-decisions has an overturn rate")
	}
	old := review.QueueBacklog{Oldest: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if a := old.OldestAge(time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)); a != 30*time.Hour {
		t.Errorf("age %v", a)
	}
	if a := (review.QueueBacklog{}).OldestAge(time.Now()); a != 0 {
		t.Errorf("an empty queue's oldest age is %v", a)
	}
	for o, want := range map[review.Outcome]string{review.OutcomeApprove: "approve", review.OutcomeApproveRelabel: "approve",
		review.OutcomeReject: "reject", review.OutcomeEscalate: "", review.OutcomeHold: "", review.OutcomeSkip: ""} {
		if class, ok := o.Final(); class != want || ok != (want != "") {
			t.Errorf("%s: class %q final %v", o, class, ok)
		}
	}
}
