package store_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"synthreview/review"
	"synthreview/store"
)

// consentFixture stores five consent records at the clock's now: two
// valid (one of them with an expiry still ahead), one expired, one
// withdrawn, one whose withdrawal is dated ahead (still valid now).
func consentFixture(t *testing.T, db *store.DB, now time.Time) {
	t.Helper()
	ctx := context.Background()
	day := 24 * time.Hour
	for _, c := range []review.Consent{
		{ID: "CN-A1", SubjectID: "s-alpha", SubjectName: "王小五", Scope: "face", GrantedAt: now.Add(-10 * day)},
		{ID: "CN-A2", SubjectID: "s-beta", SubjectName: "赵六", Scope: "voice", GrantedAt: now.Add(-9 * day), ExpiresAt: now.Add(30 * day)},
		{ID: "CN-B1", SubjectID: "s-gamma", Scope: "face+voice", GrantedAt: now.Add(-8 * day), ExpiresAt: now.Add(-day)},
		{ID: "CN-B2", SubjectID: "s-alpha", Scope: "face", GrantedAt: now.Add(-7 * day), WithdrawnAt: now.Add(-2 * day)},
		{ID: "CN-C1", SubjectID: "s-delta", Scope: "voice", GrantedAt: now.Add(-6 * day), WithdrawnAt: now.Add(3 * day)},
	} {
		if err := db.PutConsent(ctx, "system", c); err != nil {
			t.Fatal(err)
		}
	}
}

func consentIDs(rows []review.ConsentRow) []string {
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestConsentList(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	consentFixture(t, db, clk.now)
	cases := []struct {
		name string
		f    review.ConsentFilter
		want []string
	}{
		{"no filter lists every record, newest grant first", review.ConsentFilter{}, []string{"CN-C1", "CN-B2", "CN-B1", "CN-A2", "CN-A1"}},
		{"valid means neither withdrawn nor expired now", review.ConsentFilter{State: review.ConsentValid}, []string{"CN-C1", "CN-A2", "CN-A1"}},
		{"expired", review.ConsentFilter{State: review.ConsentExpired}, []string{"CN-B1"}},
		{"withdrawn", review.ConsentFilter{State: review.ConsentWithdrawn}, []string{"CN-B2"}},
		{"a search matches the subject id", review.ConsentFilter{Query: "ALPHA"}, []string{"CN-B2", "CN-A1"}},
		{"a search matches part of the consent id", review.ConsentFilter{Query: "b"}, []string{"CN-B2", "CN-B1", "CN-A2"}},
		{"scope and state together", review.ConsentFilter{Scope: "face", State: review.ConsentValid}, []string{"CN-A1"}},
		{"a page of two from the second", review.ConsentFilter{Offset: 1, Limit: 2}, []string{"CN-B2", "CN-B1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			f.At = clk.now
			if f.Limit == 0 {
				f.Limit = review.MaxPage
			}
			rows, total, err := db.ConsentPage(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if got := consentIDs(rows); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			if c.f.Limit == 0 && total != len(c.want) {
				t.Errorf("total %d, want %d", total, len(c.want))
			}
			for _, r := range rows {
				if want := review.ConsentStateAt(review.Consent{GrantedAt: r.GrantedAt, ExpiresAt: r.ExpiresAt, WithdrawnAt: r.WithdrawnAt}, clk.now); r.State != want {
					t.Errorf("%s is %s, want %s", r.ID, r.State, want)
				}
			}
		})
	}
	t.Run("the subject's name comes masked", func(t *testing.T) {
		rows, _, err := db.ConsentPage(ctx, review.ConsentFilter{Query: "CN-A1", At: clk.now, Limit: 10})
		if err != nil || len(rows) != 1 {
			t.Fatal(rows, err)
		}
		if rows[0].SubjectMasked != "王*五" || strings.Contains(rows[0].SubjectMasked, "小") {
			t.Errorf("subject shown as %q", rows[0].SubjectMasked)
		}
	})
	t.Run("the paged total counts every match", func(t *testing.T) {
		_, total, err := db.ConsentPage(ctx, review.ConsentFilter{At: clk.now, Limit: 1})
		if err != nil || total != 5 {
			t.Errorf("total %d, %v", total, err)
		}
	})
}

func TestConsentDetailAndWithdrawal(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	itemsOnConsent(t, db, review.Consent{ID: "CN-1", SubjectID: "s-1", SubjectName: "李四", Scope: "face",
		GrantedAt: clk.now.Add(-time.Hour), EvidenceSHA256: strings.Repeat("cd", 32)})
	d, err := db.ConsentDetail(ctx, "CN-1", clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != review.ConsentValid || d.ItemsTotal != 3 || len(d.Items) != 3 || d.Evidence.SHA256 != strings.Repeat("cd", 32) {
		t.Fatalf("detail %+v", d)
	}
	approved := 0
	for _, it := range d.Items {
		if it.State == review.StateApproved {
			approved++
		}
	}
	if approved != 2 {
		t.Fatalf("%d approved items in the detail, want 2", approved)
	}
	n, err := db.WithdrawConsent(ctx, "manager", "CN-1", clk.now)
	if err != nil || n != 2 {
		t.Fatalf("withdrawal re-opened %d, %v", n, err)
	}
	d, err = db.ConsentDetail(ctx, "CN-1", clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != review.ConsentWithdrawn {
		t.Errorf("state %s after the withdrawal", d.State)
	}
	for _, it := range d.Items {
		if it.State != review.StateQueued {
			t.Errorf("item %s is %s: it should be back in the queue", it.ProduceID, it.State)
		}
	}
	rows, _, err := db.ConsentPage(ctx, review.ConsentFilter{State: review.ConsentWithdrawn, At: clk.now, Limit: 10})
	if err != nil || len(rows) != 1 || rows[0].Items != 3 {
		t.Errorf("withdrawn list %+v, %v", rows, err)
	}
	if _, err := db.ConsentDetail(ctx, "CN-404", clk.now); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("unknown consent: %v", err)
	}
	mustVerify(t, db)
}

// realNameFixture records three users with real-name records.
func realNameFixture(t *testing.T, db *store.DB, now time.Time) {
	t.Helper()
	ctx := context.Background()
	for i, u := range []struct{ id, name, phone, method, result string }{
		{"u-100", "张三", "13800138000", "mobile", "verified"},
		{"u-200", "李雷", "13900139000", "id_card", "failed"},
		{"u-201", "韩梅梅", "13700137000", "id_card", "verified"},
	} {
		if err := db.PutPlatformUser(ctx, "system", u.id, u.name, u.phone); err != nil {
			t.Fatal(err)
		}
		idNumber := "11010519900101" + strings.Repeat("7", 4)
		if err := db.PutRealName(ctx, "system", review.RealName{UserID: u.id, Method: u.method, Result: u.result,
			VerifiedAt: now.Add(-time.Duration(10-i) * time.Hour), MaskedID: review.Mask(idNumber, 4),
			IDHash: review.PersonalHash(db.PersonalKey, "id_number", idNumber)}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRealNameList(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	realNameFixture(t, db, clk.now)
	cases := []struct {
		name string
		f    review.RealNameFilter
		want []string
	}{
		{"every record, newest first", review.RealNameFilter{}, []string{"u-201", "u-200", "u-100"}},
		{"by part of the user id", review.RealNameFilter{Query: "U-20"}, []string{"u-201", "u-200"}},
		{"by method", review.RealNameFilter{Method: "mobile"}, []string{"u-100"}},
		{"by result", review.RealNameFilter{Result: "verified"}, []string{"u-201", "u-100"}},
		{"one page", review.RealNameFilter{Offset: 2, Limit: 5}, []string{"u-100"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			if f.Limit == 0 {
				f.Limit = review.MaxPage
			}
			rows, total, err := db.RealNamePage(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.UserID)
				if !strings.Contains(r.MaskedID, "****") {
					t.Errorf("%s: identifier %q is not masked", r.UserID, r.MaskedID)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			if c.f.Offset == 0 && total != len(c.want) {
				t.Errorf("total %d", total)
			}
		})
	}
}

// eventPayloads returns every event payload, read straight from the file.
func eventPayloads(t *testing.T, db *store.DB) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT kind || ' ' || subject || ' ' || actor || ' ' || payload FROM events ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func countKind(payloads []string, kind string) int {
	n := 0
	for _, p := range payloads {
		if strings.HasPrefix(p, kind+" ") {
			n++
		}
	}
	return n
}

func TestUnmaskIsLoggedWithoutTheValue(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db)
	realNameFixture(t, db, clk.now)
	u, err := db.UnmaskRealName(ctx, "manager", "u-100")
	if err != nil {
		t.Fatal(err)
	}
	if u.DisplayName != "张三" || u.Phone != "13800138000" || !slices.Equal(u.Fields, []string{"display_name", "phone"}) {
		t.Fatalf("unmasked %+v", u)
	}
	payloads := eventPayloads(t, db)
	last := payloads[len(payloads)-1]
	if !strings.HasPrefix(last, "personal.unmasked user:u-100 manager ") || !strings.Contains(last, `"phone"`) {
		t.Errorf("the unmask was not logged with actor, user and fields: %s", last)
	}
	for _, p := range payloads {
		for _, clear := range []string{"张三", "13800138000", "李雷", "13900139000"} {
			if strings.Contains(p, clear) {
				t.Errorf("an event holds %q in the clear: %s", clear, p)
			}
		}
	}
	if !strings.Contains(last, review.PersonalHash(db.PersonalKey, "phone", "13800138000")) {
		t.Error("the event does not pin the phone shown by its keyed hash")
	}
	t.Run("nothing is unmasked or logged once the data is erased", func(t *testing.T) {
		if _, err := db.ErasePersonal(ctx, "manager", "u-100"); err != nil {
			t.Fatal(err)
		}
		before := countKind(eventPayloads(t, db), "personal.unmasked")
		if _, err := db.UnmaskRealName(ctx, "manager", "u-100"); review.ErrorCode(err) != review.ENOTFOUND || !strings.Contains(err.Error(), "erased") {
			t.Errorf("unmask after erasure: %v", err)
		}
		if _, err := db.UnmaskRealName(ctx, "manager", "u-404"); review.ErrorCode(err) != review.ENOTFOUND {
			t.Errorf("unmask of an unknown user: %v", err)
		}
		if n := countKind(eventPayloads(t, db), "personal.unmasked"); n != before {
			t.Errorf("%d unmask events, want %d", n, before)
		}
		rows, _, err := db.RealNamePage(ctx, review.RealNameFilter{Query: "u-100", Limit: 5})
		if err != nil || len(rows) != 1 || !rows[0].Erased || rows[0].MaskedID != "" {
			t.Errorf("after erasure the list shows %+v, %v", rows, err)
		}
	})
	mustVerify(t, db)
}

func TestPersonalRequests(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	clk := withClock(db) // 2026-11-28
	realNameFixture(t, db, clk.now)
	// u-100 was verified on 2022-05-01 and their last item was received on
	// 2022-06-01 (over three years ago); u-200's item on 2025-11-01
	// (newItem's date); u-201 has none, but a verification a few hours old.
	if err := db.PutRealName(ctx, "system", review.RealName{UserID: "u-100", Method: "mobile", Result: "verified",
		VerifiedAt: time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC), MaskedID: "138****8000", IDHash: "h"}); err != nil {
		t.Fatal(err)
	}
	old := newItem(1)
	old.Item.UserID, old.Item.ReceivedAt = "u-100", time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC)
	recent := newItem(2)
	recent.Item.UserID = "u-200"
	// u-300 has no real-name record; their one item is from 2025-06-01.
	if err := db.PutPlatformUser(ctx, "system", "u-300", "周九", "13600136000"); err != nil {
		t.Fatal(err)
	}
	mid := newItem(3)
	mid.Item.UserID, mid.Item.ReceivedAt = "u-300", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []review.NewItem{old, recent, mid} {
		if _, err := db.CreateItem(ctx, "system", n); err != nil {
			t.Fatal(err)
		}
	}
	// s-old's consent ended in 2021; s-open's is still in force although
	// granted long ago.
	for _, c := range []review.Consent{
		{ID: "CN-OLD", SubjectID: "s-old", SubjectName: "钱七", Scope: "face", GrantedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
			ExpiresAt: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "CN-OPEN", SubjectID: "s-open", SubjectName: "孙八", Scope: "face", GrantedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if err := db.PutConsent(ctx, "system", c); err != nil {
			t.Fatal(err)
		}
	}
	cutoff := review.Retention{Default: true}.Cutoff(clk.now)
	rows, total, err := db.PastRetention(ctx, cutoff, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.PersonID)
	}
	if !slices.Equal(got, []string{"s-old", "u-100"}) || total != 2 {
		t.Fatalf("past retention %v (%d), want s-old then u-100", got, total)
	}
	if !rows[1].LastActivity.Equal(time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("u-100's last activity %v", rows[1].LastActivity)
	}
	t.Run("a shorter setting lists more, but any recent processing keeps a person", func(t *testing.T) {
		rows, total, err := db.PastRetention(ctx, review.Retention{Days: 365}.Cutoff(clk.now), 0, 10)
		var got []string
		for _, r := range rows {
			got = append(got, r.PersonID)
		}
		// u-200's item is over a year old, but they were verified hours ago.
		if err != nil || total != 3 || !slices.Equal(got, []string{"s-old", "u-100", "u-300"}) {
			t.Errorf("with one year: %v (%d), %v; want u-300 too", got, total, err)
		}
	})

	held, err := db.PersonalHeld(ctx, "u-100")
	if err != nil {
		t.Fatal(err)
	}
	if !held.Profile || !held.RealName || held.ItemPrompts != 1 || held.Complaints != 0 || !held.Any() {
		t.Fatalf("held for u-100: %+v", held)
	}
	req := review.ErasureRequest{PersonID: "u-100", Confirm: "u-100", Reason: review.EraseRetention, Reference: "PIPL-2026-007"}
	counts, err := db.ErasePersonalRequest(ctx, "admin", req)
	if err != nil {
		t.Fatal(err)
	}
	if counts["platform_users"] != 1 || counts["item_prompts"] != 1 || counts["real_names"] != 1 {
		t.Errorf("cleared %v", counts)
	}
	held, err = db.PersonalHeld(ctx, "u-100")
	if err != nil || held.Any() || held.Erased.IsZero() {
		t.Errorf("after erasure %+v, %v", held, err)
	}
	rows, _, err = db.PastRetention(ctx, cutoff, 0, 10)
	if err != nil || len(rows) != 1 || rows[0].PersonID != "s-old" {
		t.Errorf("after erasing u-100 the list is %+v, %v", rows, err)
	}
	payloads := eventPayloads(t, db)
	var request string
	for _, p := range payloads {
		if strings.HasPrefix(p, "personal.erase_requested person:u-100 admin ") {
			request = p
		}
		if strings.Contains(p, "张三") || strings.Contains(p, "13800138000") {
			t.Errorf("an event holds personal data: %s", p)
		}
	}
	if !strings.Contains(request, `"reason":"retention"`) || !strings.Contains(request, "PIPL-2026-007") {
		t.Errorf("the request's reason and reference are not logged: %q", request)
	}
	if countKind(payloads, "personal.erased") != 1 {
		t.Error("no personal.erased event")
	}
	if _, err := db.ErasePersonalRequest(ctx, "admin", review.ErasureRequest{PersonID: "u-100", Confirm: "u-1", Reason: "other"}); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("a request confirmed with another id: %v", err)
	}
	mustVerify(t, db)
}

// itemsOnConsent records consent c and three face-swap items whose
// generation relied on it, and has reviewer1 approve the first two; it
// returns the three items' ids.
func itemsOnConsent(t *testing.T, db *store.DB, c review.Consent) []int64 {
	t.Helper()
	ctx := context.Background()
	if err := db.PutConsent(ctx, "system", c); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := 0; i < 3; i++ {
		n := newItem(i)
		n.Item.Category = "face_swap"
		n.ConsentIDs = []string{c.ID}
		it, err := db.CreateItem(ctx, "system", n)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	for i := 0; i < 2; i++ {
		it, err := db.Claim(ctx, "reviewer1", review.QueueLive, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Apply(ctx, "reviewer1", it.ID, review.Decision{Outcome: review.OutcomeApprove}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}
