package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

// fakeRegisters is a store for the registers with one function field per
// method it counts calls of.
type fakeRegisters struct {
	withdrawals, unmasks, erasures int
	lastFilter                     review.ConsentFilter
	meta                           string
	held                           review.PersonalHeld
	cutoff                         time.Time
	object                         func(sum string, max int64) ([]byte, error)
}

var (
	_ review.ConsentStore  = (*fakeRegisters)(nil)
	_ review.RealNameStore = (*fakeRegisters)(nil)
	_ review.PersonalStore = (*fakeRegisters)(nil)
	_ review.ObjectReader  = (*fakeRegisters)(nil)
)

func (f *fakeRegisters) ConsentPage(_ context.Context, fl review.ConsentFilter) ([]review.ConsentRow, int, error) {
	f.lastFilter = fl
	return []review.ConsentRow{{ID: "CN-1"}}, 1, nil
}

func (f *fakeRegisters) ConsentDetail(_ context.Context, id string, at time.Time) (review.ConsentDetail, error) {
	c := review.Consent{ID: id, SubjectName: "被编辑人甲", Scope: "face", EvidenceSHA256: strings.Repeat("ab", 32)}
	return review.ConsentDetail{Consent: c, State: review.ConsentStateAt(c, at)}, nil
}

func (f *fakeRegisters) WithdrawConsent(context.Context, string, string, time.Time) (int, error) {
	f.withdrawals++
	return 2, nil
}

func (f *fakeRegisters) RealNamePage(context.Context, review.RealNameFilter) ([]review.RealNameRow, int, error) {
	return nil, 0, nil
}

func (f *fakeRegisters) UnmaskRealName(_ context.Context, _, id string) (review.Unmasked, error) {
	f.unmasks++
	return review.Unmasked{UserID: id, Phone: "13800138000"}, nil
}

func (f *fakeRegisters) PersonalHeld(_ context.Context, id string) (review.PersonalHeld, error) {
	h := f.held
	h.PersonID = id
	return h, nil
}

func (f *fakeRegisters) ErasePersonalRequest(context.Context, string, review.ErasureRequest) (map[string]int64, error) {
	f.erasures++
	return map[string]int64{"platform_users": 1}, nil
}

func (f *fakeRegisters) PastRetention(_ context.Context, cutoff time.Time, _, _ int) ([]review.RetentionRow, int, error) {
	f.cutoff = cutoff
	return nil, 0, nil
}

func (f *fakeRegisters) Meta(context.Context, string) (string, error) { return f.meta, nil }

func (f *fakeRegisters) Object(_ context.Context, sum string, max int64) ([]byte, error) {
	if f.object == nil {
		return nil, review.Errorf(review.ENOTFOUND, "no object %s", sum)
	}
	return f.object(sum, max)
}

var regNow = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func newRegisters(f *fakeRegisters) review.Registers {
	return review.Registers{ConsentStore: f, RealNameStore: f, PersonalStore: f, Objects: f, Now: func() time.Time { return regNow }}
}

func TestRegisterRoles(t *testing.T) {
	ctx := context.Background()
	erasable := review.PersonalHeld{Profile: true}
	req := review.ErasureRequest{PersonID: "u-1", Confirm: "u-1", Reason: review.EraseWithdrawn}
	type result struct{ withdraw, unmask, erase, browse bool }
	cases := []struct {
		role review.Role
		want result
	}{
		{review.RoleReviewer, result{browse: true}},
		{review.RoleSenior, result{browse: true}},
		{review.RoleTrainer, result{}},
		{review.RoleManager, result{withdraw: true, unmask: true, erase: true, browse: true}},
		{review.RoleAdmin, result{erase: true, browse: true}},
	}
	for _, c := range cases {
		t.Run(string(c.role), func(t *testing.T) {
			f := &fakeRegisters{held: erasable}
			r := newRegisters(f)
			acct := review.Account{Name: "someone", Role: c.role}
			_, werr := r.Withdraw(ctx, acct, "CN-1")
			_, uerr := r.Unmask(ctx, acct, "u-1")
			_, eerr := r.Erase(ctx, acct, req)
			_, _, berr := r.Consents(ctx, acct, review.ConsentFilter{})
			got := result{werr == nil, uerr == nil, eerr == nil, berr == nil}
			if got != c.want {
				t.Fatalf("withdraw/unmask/erase/browse = %+v, want %+v (errors %v / %v / %v / %v)", got, c.want, werr, uerr, eerr, berr)
			}
			for _, err := range []error{werr, uerr, eerr, berr} {
				if err != nil && review.ErrorCode(err) != review.EFORBIDDEN {
					t.Errorf("refused with %v, want EFORBIDDEN", err)
				}
			}
			// A refusal reaches no store: nothing withdrawn, unmasked
			// (and so logged) or erased.
			if !c.want.withdraw && f.withdrawals != 0 || !c.want.unmask && f.unmasks != 0 || !c.want.erase && f.erasures != 0 {
				t.Errorf("a refused call reached the store: %+v", f)
			}
		})
	}
	t.Run("a disabled manager is refused", func(t *testing.T) {
		f := &fakeRegisters{}
		if _, err := newRegisters(f).Unmask(ctx, review.Account{Name: "m", Role: review.RoleManager, Disabled: true}, "u-1"); review.ErrorCode(err) != review.EFORBIDDEN || f.unmasks != 0 {
			t.Errorf("disabled manager unmasked: %v", err)
		}
	})
}

func TestErasureNeedsTheIDTypedAgainAndAReason(t *testing.T) {
	ctx := context.Background()
	mgr := review.Account{Name: "manager", Role: review.RoleManager}
	cases := []struct {
		name string
		req  review.ErasureRequest
		held review.PersonalHeld
		code string
	}{
		{"the id typed again differs", review.ErasureRequest{PersonID: "u-1", Confirm: "u-2", Reason: "other"}, review.PersonalHeld{Profile: true}, review.EINVALID},
		{"no reason", review.ErasureRequest{PersonID: "u-1", Confirm: "u-1"}, review.PersonalHeld{Profile: true}, review.EINVALID},
		{"a reference with a name in it", review.ErasureRequest{PersonID: "u-1", Confirm: "u-1", Reason: "other", Reference: "张三 的请求"}, review.PersonalHeld{Profile: true}, review.EINVALID},
		{"nothing held", review.ErasureRequest{PersonID: "u-1", Confirm: "u-1", Reason: "other"}, review.PersonalHeld{}, review.ENOTFOUND},
		{"a proper request", review.ErasureRequest{PersonID: "u-1", Confirm: "u-1", Reason: "purpose", Reference: "REQ-7"}, review.PersonalHeld{ItemPrompts: 2}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeRegisters{held: c.held}
			_, err := newRegisters(f).Erase(ctx, mgr, c.req)
			if review.ErrorCode(err) != c.code {
				t.Fatalf("got %v, want code %q", err, c.code)
			}
			if (f.erasures == 1) != (c.code == "") {
				t.Errorf("%d erasures", f.erasures)
			}
		})
	}
}

func TestConsentStates(t *testing.T) {
	g := regNow.Add(-48 * time.Hour)
	cases := []struct {
		name string
		c    review.Consent
		want string
	}{
		{"no end", review.Consent{GrantedAt: g}, review.ConsentValid},
		{"expiry ahead", review.Consent{GrantedAt: g, ExpiresAt: regNow.Add(time.Hour)}, review.ConsentValid},
		{"expired", review.Consent{GrantedAt: g, ExpiresAt: regNow}, review.ConsentExpired},
		{"withdrawn", review.Consent{GrantedAt: g, WithdrawnAt: regNow.Add(-time.Hour)}, review.ConsentWithdrawn},
		{"withdrawn after it expired", review.Consent{GrantedAt: g, ExpiresAt: g.Add(time.Hour), WithdrawnAt: regNow.Add(-time.Hour)}, review.ConsentWithdrawn},
		{"a withdrawal dated ahead", review.Consent{GrantedAt: g, WithdrawnAt: regNow.Add(time.Hour)}, review.ConsentValid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := review.ConsentStateAt(c.c, regNow); got != c.want {
				t.Errorf("%s, want %s", got, c.want)
			}
		})
	}
}

func TestConsentListChecksItsFilter(t *testing.T) {
	ctx := context.Background()
	f := &fakeRegisters{}
	r := newRegisters(f)
	rev := review.Account{Name: "reviewer1", Role: review.RoleReviewer}
	if _, _, err := r.Consents(ctx, rev, review.ConsentFilter{State: "lapsed"}); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("unknown state: %v", err)
	}
	if _, _, err := r.Consents(ctx, rev, review.ConsentFilter{Scope: "fingerprint"}); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("unknown scope: %v", err)
	}
	if _, _, err := r.Consents(ctx, rev, review.ConsentFilter{Query: "  s-1 ", Limit: 100000, Offset: -3}); err != nil {
		t.Fatal(err)
	}
	if f.lastFilter.Query != "s-1" || f.lastFilter.Limit != review.MaxPage || f.lastFilter.Offset != 0 || !f.lastFilter.At.Equal(regNow) {
		t.Errorf("the store got %+v", f.lastFilter)
	}
}

func TestConsentEvidence(t *testing.T) {
	ctx := context.Background()
	mgr := review.Account{Name: "manager", Role: review.RoleManager}
	cases := []struct {
		name   string
		object func(string, int64) ([]byte, error)
		status string
		size   int64
	}{
		{"not in objects", nil, review.EvidenceMissing, 0},
		{"present", func(string, int64) ([]byte, error) { return []byte("%PDF-1.7 signed form"), nil }, review.EvidencePresent, 20},
		{"too large to read", func(_ string, max int64) ([]byte, error) {
			return nil, review.Errorf(review.EINVALID, "more than %d bytes", max)
		}, review.EvidenceTooLarge, 0},
		{"changed on disk", func(string, int64) ([]byte, error) { return nil, review.Errorf(review.ECONFLICT, "changed") }, review.EvidenceDamaged, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := newRegisters(&fakeRegisters{object: c.object}).ConsentDetail(ctx, mgr, "CN-1")
			if err != nil {
				t.Fatal(err)
			}
			if d.Evidence.Status != c.status || d.Evidence.Size != c.size {
				t.Errorf("evidence %+v, want %s of %d bytes", d.Evidence, c.status, c.size)
			}
			if d.Consent.SubjectName != "被***甲" {
				t.Errorf("the subject's name reaches the screen as %q", d.Consent.SubjectName)
			}
		})
	}
}

func TestRetentionPeriod(t *testing.T) {
	ctx := context.Background()
	admin := review.Account{Name: "admin", Role: review.RoleAdmin}
	cases := []struct {
		name, setting string
		cutoff        time.Time
		code          string
	}{
		{"no setting: three years", "", time.Date(2023, 3, 1, 8, 0, 0, 0, time.UTC), ""},
		{"a setting in days", "400", regNow.AddDate(0, 0, -400), ""},
		{"below the 180-day log floor", "30", time.Time{}, review.EINVALID},
		{"not a number", "3y", time.Time{}, review.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeRegisters{meta: c.setting}
			_, _, ret, err := newRegisters(f).PastRetention(ctx, admin, 0, 0)
			if review.ErrorCode(err) != c.code {
				t.Fatalf("got %v, want %q", err, c.code)
			}
			if c.code == "" && (!f.cutoff.Equal(c.cutoff) || ret.Default != (c.setting == "")) {
				t.Errorf("cutoff %v (%+v), want %v", f.cutoff, ret, c.cutoff)
			}
		})
	}
}
