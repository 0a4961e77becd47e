package review_test

import (
	"testing"
	"time"

	"synthreview/review"
)

func TestTransitions(t *testing.T) {
	cases := []struct {
		name  string
		from  review.State
		queue string
		move  review.Move
		want  review.State
		ok    bool
	}{
		{"a queued item can be claimed", review.StateQueued, review.QueueLive, review.MoveClaim, review.StateInReview, true},
		{"an escalated item can be claimed", review.StateEscalated, review.QueueEscalation, review.MoveClaim, review.StateInReview, true},
		{"a claimed live item returns to the live queue", review.StateInReview, review.QueueLive, review.MoveRelease, review.StateQueued, true},
		{"a claimed escalated item returns to escalation", review.StateInReview, review.QueueEscalation, review.MoveRelease, review.StateEscalated, true},
		{"approve", review.StateInReview, review.QueueLive, review.MoveApprove, review.StateApproved, true},
		{"relabel", review.StateInReview, review.QueueLive, review.MoveRelabel, review.StateRelabelled, true},
		{"reject", review.StateInReview, review.QueueLive, review.MoveReject, review.StateRejected, true},
		{"escalate", review.StateInReview, review.QueueLive, review.MoveEscalate, review.StateEscalated, true},
		{"hold", review.StateInReview, review.QueueLive, review.MoveHold, review.StateHeld, true},
		{"resume a held item", review.StateHeld, review.QueueLive, review.MoveResume, review.StateQueued, true},
		{"appeal a rejection", review.StateRejected, review.QueueLive, review.MoveAppeal, review.StateEscalated, true},
		{"reopen an approval", review.StateApproved, review.QueueLive, review.MoveReopen, review.StateQueued, true},
		{"machine clears a queued item", review.StateQueued, review.QueueLive, review.MoveClear, review.StateCleared, true},
		{"an unclaimed item cannot be approved", review.StateQueued, review.QueueLive, review.MoveApprove, review.StateQueued, false},
		{"a claimed item cannot be claimed again", review.StateInReview, review.QueueLive, review.MoveClaim, review.StateInReview, false},
		{"a decided item cannot be rejected directly", review.StateApproved, review.QueueLive, review.MoveReject, review.StateApproved, false},
		{"a held item cannot be approved without a claim", review.StateHeld, review.QueueLive, review.MoveApprove, review.StateHeld, false},
		{"a queued item cannot be appealed", review.StateQueued, review.QueueLive, review.MoveAppeal, review.StateQueued, false},
		{"a reviewed item is not cleared by the machine", review.StateApproved, review.QueueLive, review.MoveClear, review.StateApproved, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := review.Next(c.from, c.queue, c.move)
			if (err == nil) != c.ok {
				t.Fatalf("Next(%s, %s) error = %v, want ok=%v", c.from, c.move, err, c.ok)
			}
			if got != c.want {
				t.Fatalf("Next(%s, %s) = %s, want %s", c.from, c.move, got, c.want)
			}
			if err != nil && review.ErrorCode(err) != review.EINVALID {
				t.Fatalf("error code = %s, want EINVALID", review.ErrorCode(err))
			}
		})
	}
}

func TestRoleChecks(t *testing.T) {
	cases := []struct {
		role review.Role
		act  review.Action
		want bool
	}{
		{review.RoleReviewer, review.ActClaim, true},
		{review.RoleReviewer, review.ActClaimEscalated, false},
		{review.RoleReviewer, review.ActOverturn, false},
		{review.RoleReviewer, review.ActExportAudit, false},
		{review.RoleSenior, review.ActClaimEscalated, true},
		{review.RoleSenior, review.ActResolveAppeal, true},
		{review.RoleSenior, review.ActUnmask, false},
		{review.RoleTrainer, review.ActCertify, true},
		{review.RoleTrainer, review.ActClaim, false},
		{review.RoleManager, review.ActClaim, true},
		{review.RoleManager, review.ActWithdrawConsent, true},
		{review.RoleManager, review.ActUnmask, true},
		{review.RoleManager, review.ActManageAccounts, false},
		{review.RoleAdmin, review.ActManageAccounts, true},
		{review.RoleAdmin, review.ActRotateKey, true},
		{review.RoleAdmin, review.ActExportAudit, true},
		{review.RoleAdmin, review.ActClaim, false},
		{review.RoleAdmin, review.ActUnmask, false},
	}
	for _, c := range cases {
		got := c.role.Can(c.act)
		if got != c.want {
			t.Errorf("%s may %s = %v, want %v", c.role, c.act, got, c.want)
		}
		err := review.Require(review.Account{Name: "x", Role: c.role}, c.act)
		if (err == nil) != c.want {
			t.Errorf("Require(%s, %s) = %v", c.role, c.act, err)
		}
		if err != nil && review.ErrorCode(err) != review.EFORBIDDEN {
			t.Errorf("Require error code = %s", review.ErrorCode(err))
		}
	}
	if review.Require(review.Account{Name: "x", Role: review.RoleAdmin, Disabled: true}, review.ActManageAccounts) == nil {
		t.Error("a disabled admin may still manage accounts")
	}
}

func TestDecisionRules(t *testing.T) {
	cases := []struct {
		name string
		d    review.Decision
		ok   bool
	}{
		{"plain approval", review.Decision{Outcome: review.OutcomeApprove}, true},
		{"rejection without a reason", review.Decision{Outcome: review.OutcomeReject}, false},
		{"rejection with a reason", review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"risk-a1g"}}, true},
		{"unknown reason code", review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"made-up"}}, false},
		{"escalation without a note", review.Decision{Outcome: review.OutcomeEscalate}, false},
		{"escalation with a note", review.Decision{Outcome: review.OutcomeEscalate, Note: "unsure"}, true},
		{"skip without a reason", review.Decision{Outcome: review.OutcomeSkip, Note: "  "}, false},
		{"sanction on a rejection", review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"rumour"}, Sanction: review.SanctionSuspend}, true},
		{"sanction on an approval", review.Decision{Outcome: review.OutcomeApprove, Sanction: review.SanctionWarn}, false},
		{"unknown sanction", review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"rumour"}, Sanction: "ban"}, false},
		{"invalid UTF-8 note", review.Decision{Outcome: review.OutcomeApprove, Note: "\xff\xfe"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.d.Validate(); (err == nil) != c.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, c.ok)
			}
		})
	}
}

func TestEveryReasonCitesAnArticle(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range review.Reasons {
		if len(r.Articles) == 0 {
			t.Errorf("reason %s cites no article", r.Code)
		}
		if seen[r.Code] {
			t.Errorf("reason %s listed twice", r.Code)
		}
		seen[r.Code] = true
	}
	if n := len(review.Reasons) - 13; n != 31 {
		t.Errorf("content-risk reasons = %d, want the 31 risks of GB/T 45654 Appendix A", n)
	}
}

func TestChainVerifierCatchesEdits(t *testing.T) {
	type row struct {
		seq                                           int64
		at, actor, kind, subject, payload, prev, hash string
	}
	var rows []row
	prev := review.GenesisHash
	for i := int64(1); i <= 5; i++ {
		at := review.FormatTime(time.Date(2025, 11, 28, 9, 0, int(i), 0, time.UTC))
		h := review.EventHash(i, at, "system", "test", "item:1", `{"n":1}`, prev)
		rows = append(rows, row{i, at, "system", "test", "item:1", `{"n":1}`, prev, h})
		prev = h
	}
	check := func(rs []row) error {
		v := review.NewChainVerifier()
		for _, r := range rs {
			if err := v.Add(r.seq, r.at, r.actor, r.kind, r.subject, r.payload, r.prev, r.hash); err != nil {
				return err
			}
		}
		return nil
	}
	if err := check(rows); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
	edits := map[string]func(rs []row){
		"payload changed": func(rs []row) { rs[2].payload = `{"n":2}` },
		"actor changed":   func(rs []row) { rs[2].actor = "reviewer1" },
		"time changed":    func(rs []row) { rs[2].at = "2025-11-28T09:00:09.000Z" },
		"hash recomputed": func(rs []row) {
			rs[2].payload = `{"n":2}`
			rs[2].hash = review.EventHash(3, rs[2].at, "system", "test", "item:1", `{"n":2}`, rs[2].prev)
		},
		"row removed": func(rs []row) { copy(rs[2:], rs[3:]) },
	}
	for name, edit := range edits {
		rs := append([]row(nil), rows...)
		edit(rs)
		if name == "row removed" {
			rs = rs[:4]
		}
		err := check(rs)
		ce, ok := err.(*review.ChainError)
		if !ok {
			t.Errorf("%s: error = %v, want a ChainError", name, err)
			continue
		}
		if ce.Seq != 3 && !(name == "hash recomputed" && ce.Seq == 4) && !(name == "row removed" && ce.Seq == 4) {
			t.Errorf("%s: first bad event = %d", name, ce.Seq)
		}
	}
}

func TestPersonalDataHelpers(t *testing.T) {
	if got := review.Mask("110105199001011234", 4); got != "1101**********1234" {
		t.Errorf("Mask = %q", got)
	}
	a := review.PersonalHash([]byte("k1"), "phone", "13800138000")
	if a == review.PersonalHash([]byte("k2"), "phone", "13800138000") {
		t.Error("the hash does not depend on the key")
	}
	if a == review.PersonalHash([]byte("k1"), "contact", "13800138000") {
		t.Error("the hash does not depend on the field")
	}
	c := review.Consent{ID: "CN-1", Scope: "face", GrantedAt: time.Unix(100, 0), WithdrawnAt: time.Unix(200, 0)}
	if !c.ValidAt(time.Unix(150, 0)) || c.ValidAt(time.Unix(250, 0)) || c.ValidAt(time.Unix(50, 0)) {
		t.Error("consent validity ignores grant or withdrawal")
	}
}

func TestPasswordPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{"short": false, "synthreview-demo": true, "一二三四五六七八九十一二": true, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff": false} {
		if err := review.ValidatePassword(pw); (err == nil) != ok {
			t.Errorf("ValidatePassword(%q) = %v", pw, err)
		}
	}
}
