package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

func TestCaseWorkflowTransitions(t *testing.T) {
	for _, tc := range []struct {
		name string
		from string
		move review.CaseMove
		want string
		ok   bool
	}{
		{"start an open case", "open", review.CaseStart, "in_progress", true},
		{"a case in progress cannot start again", "in_progress", review.CaseStart, "in_progress", false},
		{"reply to an open case", "open", review.CaseReply, "answered", true},
		{"reply to a case in progress", "in_progress", review.CaseReply, "answered", true},
		{"an answered case is not answered twice", "answered", review.CaseReply, "answered", false},
		{"close an answered case", "answered", review.CaseFinish, "closed", true},
		{"an open case cannot be closed unanswered", "open", review.CaseFinish, "open", false},
		{"a case in progress cannot be closed unanswered", "in_progress", review.CaseFinish, "in_progress", false},
		{"send an open appeal to a senior", "open", review.CaseSend, "in_progress", true},
		{"send an appeal in progress", "in_progress", review.CaseSend, "in_progress", true},
		{"an answered appeal is not sent", "answered", review.CaseSend, "answered", false},
		{"nothing moves a closed case", "closed", review.CaseStart, "closed", false},
		{"a closed case is not reopened by a reply", "closed", review.CaseReply, "closed", false},
		{"an unknown move is refused", "open", review.CaseMove("delete"), "open", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := review.NextCaseStatus(tc.from, tc.move)
			if got != tc.want || (err == nil) != tc.ok {
				t.Errorf("NextCaseStatus(%s, %s) = %s, %v; want %s, ok %v", tc.from, tc.move, got, err, tc.want, tc.ok)
			}
			if err != nil && review.ErrorCode(err) != review.EINVALID {
				t.Errorf("code %s, want EINVALID", review.ErrorCode(err))
			}
		})
	}
}

func validCase() review.Complaint {
	now := time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)
	return review.Complaint{Kind: "complaint", Channel: "phone", Contact: "13800138000", Category: "consent-missing",
		Text: "这张图用了我的照片。", ReceivedAt: now, DueAt: now.Add(15 * 24 * time.Hour)}
}

func TestValidateCase(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*review.Complaint)
		ok   bool
	}{
		{"a complaint from a listed channel with a reason code", func(*review.Complaint) {}, true},
		{"category other", func(c *review.Complaint) { c.Category = "other" }, true},
		{"an unlisted channel", func(c *review.Complaint) { c.Channel = "fax" }, false},
		{"an unknown category", func(c *review.Complaint) { c.Category = "rude" }, false},
		{"invalid UTF-8 in the text", func(c *review.Complaint) { c.Text = "bad \xff\xfe text" }, false},
		{"invalid UTF-8 in the contact", func(c *review.Complaint) { c.Contact = "\xc3\x28" }, false},
		{"a 1 MB text", func(c *review.Complaint) { c.Text = strings.Repeat("投", 1<<20/3) }, false},
		{"only blanks", func(c *review.Complaint) { c.Text = " \n\t " }, false},
		{"a malformed ProduceID", func(c *review.Complaint) { c.ProduceID = "../../etc/passwd" }, false},
		{"an appeal without an item", func(c *review.Complaint) { c.Kind = "appeal" }, false},
		{"an appeal on an item", func(c *review.Complaint) { c.Kind = "appeal"; c.ItemID = 4 }, true},
		{"an unknown kind", func(c *review.Complaint) { c.Kind = "praise" }, false},
		{"a reporter id with invalid text", func(c *review.Complaint) { c.ReporterID = "\xff" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validCase()
			tc.edit(&c)
			err := review.ValidateCase(c)
			if (err == nil) != tc.ok {
				t.Fatalf("ValidateCase = %v, want ok %v", err, tc.ok)
			}
			if err != nil && (review.ErrorCode(err) != review.EINVALID || len(review.ErrorMessage(err)) > 300) {
				t.Errorf("error %q: want a short EINVALID", err)
			}
		})
	}
}

func TestValidateReply(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		ok         bool
	}{
		{"a reply", "已下架。", true},
		{"empty", "", false},
		{"blanks", "   ", false},
		{"invalid UTF-8", "ok \xff", false},
		{"a 1 MB reply", strings.Repeat("a", 1<<20), false},
		{"at the limit", strings.Repeat("复", review.MaxReplyLen), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := review.ValidateReply(tc.text); (err == nil) != tc.ok {
				t.Errorf("ValidateReply = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		was, now review.State
		want     string
	}{
		{review.StateRejected, review.StateApproved, review.ResolutionOverturned},
		{review.StateRejected, review.StateRelabelled, review.ResolutionOverturned},
		{review.StateRejected, review.StateRejected, review.ResolutionUpheld},
		{review.StateApproved, review.StateRelabelled, review.ResolutionUpheld},
		{review.StateCleared, review.StateApproved, review.ResolutionUpheld},
		{review.StateCleared, review.StateRejected, review.ResolutionOverturned},
	} {
		if got := review.Resolve(tc.was, tc.now); got != tc.want {
			t.Errorf("Resolve(%s, %s) = %s, want %s", tc.was, tc.now, got, tc.want)
		}
	}
}

func TestDaysOverdue(t *testing.T) {
	due := time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC)
	c := review.Complaint{Status: "open", DueAt: due}
	for _, tc := range []struct {
		name string
		now  time.Time
		want int
	}{
		{"before the due time", due.Add(-time.Hour), 0},
		{"an hour late counts as a day", due.Add(time.Hour), 1},
		{"five days late", due.Add(5 * 24 * time.Hour), 5},
		{"five days and a minute", due.Add(5*24*time.Hour + time.Minute), 6},
	} {
		if got := c.DaysOverdue(tc.now); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	c.Status = "answered"
	if c.DaysOverdue(due.Add(72*time.Hour)) != 0 {
		t.Error("an answered complaint is overdue")
	}
}

func TestMaskContact(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":         "138*****000",
		"someone@example.com": "som*************com",
		"a@b.cn":              "a****n",
		"":                    "",
	} {
		if got := review.MaskContact(in); got != want {
			t.Errorf("MaskContact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseComplaintDays(t *testing.T) {
	for in, want := range map[string]int{"": 0, "7": 7, " 30 ": 30} {
		if got, err := review.ParseComplaintDays(in); err != nil || got != want {
			t.Errorf("%q: %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"0", "-3", "91", "two weeks", "1e3"} {
		if _, err := review.ParseComplaintDays(in); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("%q: %v, want EINVALID", in, err)
		}
	}
}

// caseStore is a review.CaseStore whose answers the tests set; calling
// one not set is a bug in the test and panics.
type caseStore struct {
	page    func(review.CaseFilter) ([]review.Case, int, error)
	get     func(id int64) (review.Case, error)
	days    int
	record  func(c review.Complaint) (review.Complaint, error)
	reply   func(id int64, text string) (review.Case, error)
	appeal  func(id int64) (review.Case, error)
	move    func(id int64, m review.CaseMove) (review.Case, error)
	byPID   func(pid string) (review.Item, error)
	item    func(id int64) (review.Item, error)
	counted bool
}

var _ review.CaseStore = (*caseStore)(nil)

func (s *caseStore) CasePage(_ context.Context, f review.CaseFilter) ([]review.Case, int, error) {
	return s.page(f)
}

func (s *caseStore) CaseCounts(context.Context, time.Time) (review.CaseCounts, error) {
	s.counted = true
	return review.CaseCounts{}, nil
}

func (s *caseStore) Case(_ context.Context, id int64) (review.Case, error) { return s.get(id) }
func (s *caseStore) ComplaintDays(context.Context) (int, error)            { return s.days, nil }
func (s *caseStore) RecordComplaint(_ context.Context, _ string, c review.Complaint) (review.Complaint, error) {
	return s.record(c)
}

func (s *caseStore) MoveCase(_ context.Context, _ string, id int64, m review.CaseMove) (review.Case, error) {
	return s.move(id, m)
}

func (s *caseStore) ReplyCase(_ context.Context, _ string, id int64, text string) (review.Case, error) {
	return s.reply(id, text)
}

func (s *caseStore) AppealCase(_ context.Context, _ string, id int64) (review.Case, error) {
	return s.appeal(id)
}

func (s *caseStore) ItemByProduceID(_ context.Context, pid string) (review.Item, error) {
	return s.byPID(pid)
}

func (s *caseStore) Item(_ context.Context, id int64) (review.Item, error) { return s.item(id) }

func TestCaseServiceRoles(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)
	rejected := review.Item{ID: 4, ProduceID: "IMG4", State: review.StateRejected}
	appeal := review.Case{Complaint: review.Complaint{ID: 2, Kind: "appeal", Status: "open", ItemID: 4, Contact: "13700137000"}, Item: &rejected}
	complaint := review.Case{Complaint: review.Complaint{ID: 1, Kind: "complaint", Status: "open", Contact: "13800138000"}}
	var sent, replied []int64
	st := &caseStore{
		get: func(id int64) (review.Case, error) {
			if id == 2 {
				return appeal, nil
			}
			return complaint, nil
		},
		appeal: func(id int64) (review.Case, error) { sent = append(sent, id); return appeal, nil },
		reply:  func(id int64, _ string) (review.Case, error) { replied = append(replied, id); return complaint, nil },
		move:   func(int64, review.CaseMove) (review.Case, error) { return complaint, nil },
	}
	svc := review.Cases{Store: st, Now: func() time.Time { return now }}
	reviewer := review.Account{Name: "reviewer1", Role: review.RoleReviewer}
	senior := review.Account{Name: "senior1", Role: review.RoleSenior}
	trainer := review.Account{Name: "trainer", Role: review.RoleTrainer}

	t.Run("a trainer does not see cases", func(t *testing.T) {
		if _, err := svc.Counts(ctx, trainer); review.ErrorCode(err) != review.EFORBIDDEN || st.counted {
			t.Errorf("counts: %v", err)
		}
	})
	t.Run("a reviewer may not send an appeal on or answer it", func(t *testing.T) {
		if _, err := svc.Appeal(ctx, reviewer, 2); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Errorf("appeal: %v", err)
		}
		if _, err := svc.Reply(ctx, reviewer, 2, "维持"); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Errorf("reply: %v", err)
		}
		if len(sent)+len(replied) != 0 {
			t.Error("the store was asked")
		}
	})
	t.Run("a reviewer answers a plain complaint", func(t *testing.T) {
		if _, err := svc.Reply(ctx, reviewer, 1, "已处理。"); err != nil || len(replied) != 1 {
			t.Errorf("reply: %v", err)
		}
	})
	t.Run("an unresolved appeal is not answered, even by a senior", func(t *testing.T) {
		if _, err := svc.Reply(ctx, senior, 2, "维持"); review.ErrorCode(err) != review.EINVALID || len(replied) != 1 {
			t.Errorf("reply: %v", err)
		}
	})
	t.Run("a senior sends the appeal on", func(t *testing.T) {
		if _, err := svc.Appeal(ctx, senior, 2); err != nil || len(sent) != 1 {
			t.Errorf("appeal: %v", err)
		}
	})
	t.Run("a complaint is not sent on as an appeal", func(t *testing.T) {
		if _, err := svc.Appeal(ctx, senior, 1); review.ErrorCode(err) != review.EINVALID || len(sent) != 1 {
			t.Errorf("appeal: %v", err)
		}
	})
	t.Run("the contact comes back masked", func(t *testing.T) {
		c, err := svc.Get(ctx, reviewer, 1)
		if err != nil || c.Contact != "138*****000" {
			t.Errorf("contact %q, %v", c.Contact, err)
		}
	})
	t.Run("a disabled senior is refused", func(t *testing.T) {
		off := senior
		off.Disabled = true
		if _, err := svc.Appeal(ctx, off, 2); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Errorf("appeal: %v", err)
		}
	})
}

func TestRecordSetsTheDueDateAndLinksTheItem(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)
	var got review.Complaint
	st := &caseStore{days: 7,
		record: func(c review.Complaint) (review.Complaint, error) { got = c; c.ID = 9; return c, nil },
		get:    func(id int64) (review.Case, error) { return review.Case{Complaint: got}, nil },
		byPID: func(pid string) (review.Item, error) {
			if pid == "IMG4" {
				return review.Item{ID: 4, ProduceID: pid}, nil
			}
			return review.Item{}, review.Errorf(review.ENOTFOUND, "none")
		},
	}
	svc := review.Cases{Store: st, Now: func() time.Time { return now }}
	reviewer := review.Account{Name: "reviewer1", Role: review.RoleReviewer}
	c := validCase()
	c.ReceivedAt, c.DueAt, c.ProduceID = time.Time{}, time.Time{}, "IMG4"
	if _, err := svc.Record(ctx, reviewer, c); err != nil {
		t.Fatal(err)
	}
	if !got.ReceivedAt.Equal(now) || !got.DueAt.Equal(now.Add(7*24*time.Hour)) || got.ItemID != 4 || got.Status != "open" {
		t.Errorf("recorded %+v; want received now, due in the workspace's 7 days, linked to item 4, open", got)
	}
	t.Run("an appeal about an unknown ProduceID is refused", func(t *testing.T) {
		a := validCase()
		a.Kind, a.ProduceID = "appeal", "IMG404"
		if _, err := svc.Record(ctx, reviewer, a); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("err %v", err)
		}
	})
	t.Run("a complaint about unknown content keeps its ProduceID", func(t *testing.T) {
		a := validCase()
		a.ProduceID = "IMG404"
		if _, err := svc.Record(ctx, reviewer, a); err != nil || got.ProduceID != "IMG404" || got.ItemID != 0 {
			t.Errorf("recorded %+v, %v", got, err)
		}
	})
	t.Run("a complaint received in the future is refused", func(t *testing.T) {
		a := validCase()
		a.ReceivedAt = now.Add(24 * time.Hour)
		if _, err := svc.Record(ctx, reviewer, a); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("err %v", err)
		}
	})
	t.Run("a trainer may not record", func(t *testing.T) {
		if _, err := svc.Record(ctx, review.Account{Name: "t", Role: review.RoleTrainer}, validCase()); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Errorf("err %v", err)
		}
	})
}
