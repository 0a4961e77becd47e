package review

import (
	"context"
	"math"
	"time"
)

// This file is the manager's dashboard (issue 9): the figures a manager
// watches to know whether review keeps up with its obligations — the
// backlog and its age (DSP Art. 12's time limits start at receipt), what
// reviewers decide and how often a senior overturns it, how much of what
// arrives carries its labels (DSP Arts. 16–17, LM Arts. 4–5), how much a
// person sees at all, complaints past their published limit (DSP Art. 12)
// and actions the platform has not acknowledged.
//
// Who may read it: managers only (ActSeeAll). design.md gives managers
// "see everything"; admins run accounts, keys, settings and imports and
// do not supervise review work. The per-reviewer counts are data about
// staff (PIPL Art. 6: no more than the purpose needs), so they stay with
// the people who manage reviewers.

// DashboardDays are the windows the dashboard offers, in days.
var DashboardDays = []int{7, 30, 90}

// MaxDashboardDays bounds a window: a year of daily points.
const MaxDashboardDays = 366

// RuleExplicitLabel is the id of the built-in explicit-label rule
// (review/rules DefaultRuleSet, the demo's rules.toml): the dashboard's
// explicit-label compliance counts its hits.
const RuleExplicitLabel = "explicit-label"

// Dashboard is what the manager's dashboard shows, read in one snapshot.
//
// The window is Days local calendar days ending today: from Since (local
// midnight Days-1 days before today) until Until (the time of reading).
// "In the window" means a decision made, or an item received, at or after
// Since and before the midnight that ends today (so, in practice, up to
// Until; a clock running ahead cannot push a row out of today). Only
// live work counts: decisions and items of
// the queues. Issue 11 adds training and gold sets; their decisions will
// be counted apart, in Practice, and never in the figures above it.
type Dashboard struct {
	Days         int
	Since, Until time.Time

	// Backlog holds the live and the escalation queue, in that order.
	Backlog []QueueBacklog

	// PerDay holds one entry per day of the window, oldest first (Days
	// entries; today's is partial).
	PerDay []DayDecisions

	// Overturns measures senior re-decisions (see Overturns).
	Overturns Overturns

	// Compliance is the label compliance of the items received in the
	// window (see Compliance).
	Compliance Compliance

	// Routing says how many of the items received in the window a person
	// sees (see Routing).
	Routing Routing

	// ComplaintsOpen counts complaints and appeals not answered or closed;
	// ComplaintsOverdue those of them past their due time (the SQL form of
	// Complaint.Overdue), whenever received.
	ComplaintsOpen, ComplaintsOverdue int

	// OutboxUnacked counts outbox actions (not cancelled) the platform has
	// not acknowledged; OutboxOverdue those of them created more than
	// OutboxAckLimit ago. Both whenever created, as in Status.
	OutboxUnacked, OutboxOverdue int

	// Reviewers counts each account's decisions in the window, by name.
	Reviewers []ReviewerDecisions

	// Undone counts the decisions made in the window that their reviewer
	// took back (Desk.Undo). They are in no other decision count.
	Undone int

	// Practice is training work (issue 11), counted apart from live work.
	Practice Practice
}

// QueueBacklog is one queue's backlog.
type QueueBacklog struct {
	Queue    string // QueueLive or QueueEscalation
	Waiting  int    // queued (live) or escalated (escalation), unclaimed
	InReview int    // claimed now (a lapsed lease counts until the next claim)
	Held     int    // on hold, waiting for information, returning to this queue
	// Oldest is the received time of the oldest waiting item; zero when
	// none waits. Its age counts from receipt, not from when it entered
	// this queue: the reply limits run from receipt.
	Oldest time.Time
}

// OldestAge is how long the oldest waiting item has waited at now; zero
// when none waits.
func (q QueueBacklog) OldestAge(now time.Time) time.Duration {
	if q.Oldest.IsZero() || now.Before(q.Oldest) {
		return 0
	}
	return now.Sub(q.Oldest)
}

// DayDecisions counts one local day's decisions by outcome (undone ones
// excluded).
type DayDecisions struct {
	Day       time.Time // local midnight starting the day
	ByOutcome map[Outcome]int
}

// Total counts the day's decisions.
func (d DayDecisions) Total() int { return sumCounts(d.ByOutcome) }

// ReviewerDecisions counts one account's decisions in the window.
type ReviewerDecisions struct {
	Actor     string
	ByOutcome map[Outcome]int // standing decisions
	Undone    int             // decisions taken back
}

// Total counts the reviewer's standing decisions.
func (r ReviewerDecisions) Total() int { return sumCounts(r.ByOutcome) }

func sumCounts(m map[Outcome]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Final reports whether an outcome is a final decision, and its class:
// approve and approve-and-relabel publish the item ("approve"), reject
// takes it down ("reject"). Escalate, hold and skip decide nothing.
func (o Outcome) Final() (class string, ok bool) {
	switch o {
	case OutcomeApprove, OutcomeApproveRelabel:
		return "approve", true
	case OutcomeReject:
		return "reject", true
	}
	return "", false
}

// Overturns measures how often a senior's second look changes a decision.
//
// A final decision (Outcome.Final) is live while it is not undone. A
// re-decision is a live final decision made in the window by an account
// whose role may overturn (ActOverturn: senior reviewers and managers,
// by the role the account has now) on an item that had been decided
// before: by an earlier live final decision, or by the machine clearing
// it at intake (which lets it stand: class "approve", as Resolve counts
// it). That is an appealed item decided again in the escalation queue,
// or a re-opened item decided again. It overturns when its class differs
// from that of the item's latest earlier live final decision, or of the
// machine's clear when it has none (approve or relabel against reject).
// The rate is Overturned over Redecided; there is none without
// re-decisions.
type Overturns struct {
	Redecided  int
	Overturned int
}

// Rate is Overturned/Redecided, and false when nothing was re-decided.
func (o Overturns) Rate() (float64, bool) { return ratio(o.Overturned, o.Redecided) }

// Share is N of Of: a rate with what it counts.
type Share struct {
	N, Of int
}

// Rate is N/Of, and false when Of is zero (no rate, not 0 %).
func (s Share) Rate() (float64, bool) { return ratio(s.N, s.Of) }

func ratio(n, of int) (float64, bool) {
	if of <= 0 {
		return math.NaN(), false
	}
	return float64(n) / float64(of), true
}

// Compliance is the label compliance of the items received in the window,
// from what intake recorded about each (cheap: no file is read again).
//
//   - Implicit (DSP Art. 16, LM Art. 5): of all items received, those whose
//     scan verdict was "conforming" (an implicit label present and valid).
//   - Explicit (DSP Art. 17, LM Art. 4): of the items whose category needs
//     a visible label (Category.NeedsExplicitLabel) and whose visible label
//     was checked, those with no hit of the explicit-label rule
//     (RuleExplicitLabel) at warning or above. An info hit of that rule
//     means "not checked" (no detector ran): such items are left out of
//     both counts rather than counted as compliant.
//   - Watermark (LM Art. 5, encouraged): of the items whose scan checked
//     for an invisible watermark (scan report watermark.status "detected"
//     or "not-detected"), those with one detected. Items never checked
//     ("not-checked", or no watermark key) are left out: a text cannot
//     carry a pixel watermark.
type Compliance struct {
	Received  int
	Implicit  Share
	Explicit  Share
	Watermark Share
}

// Routing says how many items received in the window reached a person.
// Intake routes an item to a queue when a rule fires at the routing
// severity or the sample draws it (review/rules Route); it records the
// others as cleared by the machine. Routed counts the items received in
// the window that are not in state cleared now (an appealed cleared item
// has reached a person, so it counts as routed).
type Routing struct {
	Received int
	Routed   int
	Cleared  int
}

// Rate is the share of received items that reached a person.
func (r Routing) Rate() (float64, bool) { return ratio(r.Routed, r.Received) }

// Practice is training work (issue 11: gold sets and training sessions),
// which the dashboard shows apart from live work. Zero until issue 11
// records it.
type Practice struct {
	Decisions int
}

// DashboardQuery is what the store needs to fill a Dashboard. The service
// computes it; the store only counts.
type DashboardQuery struct {
	Now time.Time // the time of reading: ages, overdue times, the window's end
	// DayStarts are the local midnights starting each day of the window,
	// oldest first, and one more: the end of today. DayStarts[0] is Since.
	DayStarts []time.Time
	// ExplicitRule is the rule id whose hits mean "no visible label".
	ExplicitRule string
	// ExplicitCategories are the categories that need a visible label.
	ExplicitCategories []Category
	// OverturnRoles are the roles whose re-decisions count as overturns.
	OverturnRoles []Role
}

// DashboardStore reads the dashboard's figures in one read transaction.
// It fills every field of Dashboard but Days, Since and Until.
type DashboardStore interface {
	Dashboard(ctx context.Context, q DashboardQuery) (Dashboard, error)
}

// DashboardReader is what the dashboard screen calls.
type DashboardReader interface {
	// Read returns the figures over the last days days (1 to
	// MaxDashboardDays): EFORBIDDEN unless actor may see everything,
	// EINVALID for another number of days.
	Read(ctx context.Context, actor Account, days int) (Dashboard, error)
}

// Dashboards is the DashboardReader over a store.
type Dashboards struct {
	Store DashboardStore
	Now   func() time.Time // nil: time.Now
	Loc   *time.Location   // where days start at midnight; nil: time.Local
	// Zone, when set, is read on every Read and wins over Loc: the
	// workspace's time_zone setting, so a change shows without a restart.
	Zone func(ctx context.Context) (*time.Location, error)
}

var _ DashboardReader = Dashboards{}

// Read returns the dashboard's figures over the last days local days.
func (d Dashboards) Read(ctx context.Context, actor Account, days int) (Dashboard, error) {
	if err := Require(actor, ActSeeAll); err != nil {
		return Dashboard{}, err
	}
	if days < 1 || days > MaxDashboardDays {
		return Dashboard{}, Errorf(EINVALID, "the dashboard covers 1 to %d days, not %d", MaxDashboardDays, days)
	}
	now := time.Now()
	if d.Now != nil {
		now = d.Now()
	}
	loc := d.Loc
	if loc == nil {
		loc = time.Local
	}
	if d.Zone != nil {
		z, err := d.Zone(ctx)
		if err != nil {
			return Dashboard{}, err
		}
		loc = z
	}
	q := DashboardQuery{Now: now.UTC(), DayStarts: DayStarts(now, loc, days), ExplicitRule: RuleExplicitLabel}
	for _, c := range Categories {
		if c.NeedsExplicitLabel() {
			q.ExplicitCategories = append(q.ExplicitCategories, c)
		}
	}
	for _, r := range Roles {
		if r.Can(ActOverturn) {
			q.OverturnRoles = append(q.OverturnRoles, r)
		}
	}
	db, err := d.Store.Dashboard(ctx, q)
	if err != nil {
		return Dashboard{}, err
	}
	db.Days, db.Since, db.Until = days, q.DayStarts[0], now
	return db, nil
}

// DayStarts returns the local midnights starting each of the last days
// days up to and including now's, and the midnight ending today: days+1
// times, oldest first. Calendar arithmetic (AddDate) keeps days whole
// across daylight-saving changes.
func DayStarts(now time.Time, loc *time.Location, days int) []time.Time {
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	out := make([]time.Time, 0, days+1)
	for i := days - 1; i >= -1; i-- {
		out = append(out, today.AddDate(0, 0, -i))
	}
	return out
}
