package review

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file is complaint and appeal handling (issue 9, DSP Art. 12; GAIM
// Art. 15): easy entry points, a published time limit, a recorded reply.
// A complaint is recorded from any channel, worked and answered; an
// appeal contests a decision on an item, re-opens the item for a senior
// reviewer in the escalation queue, and is resolved — upheld or
// overturned — by that reviewer's decision. The reply goes to the
// provider's platform through the outbox.

// The kinds of case.
const (
	CaseComplaint = "complaint"
	CaseAppeal    = "appeal"
)

// The statuses of a case (ComplaintStatuses lists them in order).
const (
	CaseOpen       = "open"
	CaseInProgress = "in_progress"
	CaseAnswered   = "answered"
	CaseClosed     = "closed"
)

// ComplaintChannels lists where complaints come in (DSP Art. 12: "easy
// entry points").
var ComplaintChannels = []string{"web", "app", "email", "phone", "regulator"}

// CategoryOther is the complaint category for what no reason code covers.
const CategoryOther = "other"

// The resolutions of an appeal.
const (
	ResolutionUpheld     = "upheld"     // the senior's decision agrees with the contested one
	ResolutionOverturned = "overturned" // it does not
)

// Bounds on what a case holds.
const (
	MaxComplaintText = 8000 // bytes of a complaint's text (Complaint.Validate)
	MaxReplyLen      = 4000 // characters of a reply
	MaxComplaintDays = 90   // the longest time limit a workspace may publish
)

// AppealPriority is the priority an appealed item gets in the escalation
// queue: an appeal runs against a published time limit, so it is claimed
// before other escalations (the rules' priorities run 0–1000).
const AppealPriority = 1000

// ComplaintDaysKey is the workspace setting (meta table) holding the
// published reply time limit in days; unset means DefaultComplaintDays.
const ComplaintDaysKey = "complaints.reply_days"

// CaseMove is a step of the case workflow.
type CaseMove string

// The moves of the case workflow: open → in_progress → answered → closed.
const (
	CaseStart  CaseMove = "start"  // someone works on it: open → in_progress
	CaseSend   CaseMove = "appeal" // an appeal goes to a senior: open or in_progress → in_progress
	CaseReply  CaseMove = "reply"  // the reply is recorded: open or in_progress → answered
	CaseFinish CaseMove = "close"  // nothing more to do: answered → closed
)

// NextCaseStatus returns the status after move m from status s, or an
// EINVALID error naming the forbidden move. Nothing else decides a case's
// status.
func NextCaseStatus(s string, m CaseMove) (string, error) {
	switch {
	case m == CaseStart && s == CaseOpen:
		return CaseInProgress, nil
	case m == CaseSend && (s == CaseOpen || s == CaseInProgress):
		return CaseInProgress, nil
	case m == CaseReply && (s == CaseOpen || s == CaseInProgress):
		return CaseAnswered, nil
	case m == CaseFinish && s == CaseAnswered:
		return CaseClosed, nil
	}
	return s, Errorf(EINVALID, "cannot %s a case that is %s", m, s)
}

// Case is a complaint or appeal as the case screen shows it: the record
// with its handling.
type Case struct {
	Complaint
	Handler    string // who started work on it
	AnsweredAt time.Time
	AnsweredBy string
	ClosedAt   time.Time
	// AppealedAt is when an appeal re-opened its item for a senior
	// reviewer (zero before).
	AppealedAt time.Time
	// Contested is the item's state the appeal contests (approved,
	// relabelled, rejected or cleared); "" before the appeal is sent.
	Contested State
	// Resolution is upheld or overturned once a senior reviewer decided
	// the appealed item; "" while pending (or when that decision was
	// undone).
	Resolution string
	ResolvedBy string
	ResolvedAt time.Time
	Item       *Item   // the linked item as it is now; nil when not linked
	Events     []Event // the case's own events, oldest first (Case only)
}

// IsAppeal reports whether the case is an appeal.
func (c Case) IsAppeal() bool { return c.Kind == CaseAppeal }

// CanAppeal reports whether the appeal can be sent to a senior reviewer
// now: an appeal not yet sent, still open, whose item stands decided.
func (c Case) CanAppeal() bool {
	return c.IsAppeal() && c.AppealedAt.IsZero() && c.Item != nil &&
		(c.Status == CaseOpen || c.Status == CaseInProgress) && slices.Contains(decided, c.Item.State)
}

// CanReply reports whether a reply may be recorded now: a complaint that
// is not answered, or an appeal whose resolution is known.
func (c Case) CanReply() bool {
	if c.Status != CaseOpen && c.Status != CaseInProgress {
		return false
	}
	return !c.IsAppeal() || c.Resolution != ""
}

// DaysOverdue is how many days (started days, at least 1) an unanswered
// complaint is past its due time at now; 0 when it is not overdue.
func (c Complaint) DaysOverdue(now time.Time) int {
	if !c.Overdue(now) {
		return 0
	}
	return int((now.Sub(c.DueAt) + 24*time.Hour - 1) / (24 * time.Hour))
}

// Approving reports whether s lets the content stand (approved,
// relabelled or cleared by the machine), as opposed to rejected.
func Approving(s State) bool {
	return s == StateApproved || s == StateRelabelled || s == StateCleared
}

// Resolve is an appeal's resolution when the senior's decision puts the
// item in state now and the appeal contested state was: "upheld" when
// both let the content stand or both reject it, "overturned" otherwise.
func Resolve(was, now State) string {
	if Approving(was) == Approving(now) {
		return ResolutionUpheld
	}
	return ResolutionOverturned
}

// MaskContact masks a complainant's contact (a phone number, an e-mail
// address) for the screen: the first and last three characters of a long
// one, one of a short one (PIPL Art. 51: access to personal data kept to
// what the work needs).
func MaskContact(s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return ""
	case n >= 10:
		return Mask(s, 3)
	}
	return Mask(s, 1)
}

// ValidateCase checks a complaint or appeal taken from a person before it
// is recorded: Complaint.Validate, a channel from ComplaintChannels, a
// category that is a reason code or "other", a well-formed ProduceID when
// one is given, and an appeal linked to an item.
func ValidateCase(c Complaint) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if !slices.Contains(ComplaintChannels, c.Channel) {
		return Errorf(EINVALID, "complaint channel must be one of %s, not %q", strings.Join(ComplaintChannels, ", "), clip(c.Channel))
	}
	if _, ok := LookupReason(c.Category); !ok && c.Category != CategoryOther {
		return Errorf(EINVALID, "complaint category must be a reason code or %q, not %q", CategoryOther, clip(c.Category))
	}
	if c.ProduceID != "" {
		if err := ValidateProduceID(c.ProduceID); err != nil {
			return err
		}
	}
	if c.Kind == CaseAppeal && c.ItemID == 0 {
		return Errorf(EINVALID, "an appeal must name the decided item it contests (its ProduceID)")
	}
	if !utf8.ValidString(c.ReporterID) || len(c.ReporterID) > 128 {
		return Errorf(EINVALID, "reporter id must be valid text of at most 128 bytes")
	}
	return nil
}

// ValidateReply checks a reply's text: required, valid, bounded.
func ValidateReply(text string) error {
	if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxReplyLen {
		return Errorf(EINVALID, "a reply must be valid text of at most %d characters", MaxReplyLen)
	}
	if strings.TrimSpace(text) == "" {
		return Errorf(EINVALID, "a reply needs text: pick a template or type one")
	}
	return nil
}

// clip keeps an echoed value short and printable in an error message.
func clip(s string) string {
	if !utf8.ValidString(s) {
		return "(invalid text)"
	}
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// CaseFilter selects cases for the case list. Empty fields do not filter.
type CaseFilter struct {
	Status  string // one of ComplaintStatuses
	Kind    string // CaseComplaint or CaseAppeal
	Overdue bool   // only unanswered cases past their due time at Now
	Now     time.Time
	Offset  int
	Limit   int // at most MaxPage; 0 means MaxPage
}

// Validate checks the filter's codes.
func (f CaseFilter) Validate() error {
	if f.Status != "" && !slices.Contains(ComplaintStatuses, f.Status) {
		return Errorf(EINVALID, "unknown case status %q", clip(f.Status))
	}
	if f.Kind != "" && f.Kind != CaseComplaint && f.Kind != CaseAppeal {
		return Errorf(EINVALID, "unknown case kind %q", clip(f.Kind))
	}
	return nil
}

// CaseCounts are the figures the case screen and the session bar show.
type CaseCounts struct {
	Open    int // open or in progress
	Overdue int // of those, past their due time
	Appeals int // appeals sent to a senior and not resolved yet
}

// CaseReader reads cases. Case returns ENOTFOUND for an unknown id.
type CaseReader interface {
	CasePage(ctx context.Context, f CaseFilter) ([]Case, int, error)
	CaseCounts(ctx context.Context, now time.Time) (CaseCounts, error)
	Case(ctx context.Context, id int64) (Case, error)
	// ComplaintDays returns the published time limit in days set for the
	// workspace, 0 when none is set.
	ComplaintDays(ctx context.Context) (int, error)
}

// CaseWriter changes cases, each change with its event in one
// transaction. The writes check the workflow (NextCaseStatus) against
// the stored status, so two people acting at once cannot both move a
// case: EINVALID for a forbidden move, ENOTFOUND for an unknown case.
type CaseWriter interface {
	// RecordComplaint stores a new complaint or appeal (status open
	// unless given).
	RecordComplaint(ctx context.Context, actor string, c Complaint) (Complaint, error)
	// MoveCase applies CaseStart or CaseFinish.
	MoveCase(ctx context.Context, actor string, id int64, m CaseMove) (Case, error)
	// ReplyCase records the reply, answers the case and queues its
	// "complaint_reply" outbox entry. An appeal without a resolution is
	// EINVALID.
	ReplyCase(ctx context.Context, actor string, id int64, reply string) (Case, error)
	// AppealCase re-opens an appeal's item (MoveAppeal: escalation queue,
	// AppealPriority) and marks the appeal sent. An item that is not
	// decided is EINVALID; an appeal sent already ECONFLICT.
	AppealCase(ctx context.Context, actor string, id int64) (Case, error)
}

// CaseStore is the storage the case service needs, with the item lookups
// that link a complaint to what it is about.
type CaseStore interface {
	CaseReader
	CaseWriter
	ItemByProduceID(ctx context.Context, produceID string) (Item, error)
	Item(ctx context.Context, id int64) (Item, error)
}

// CaseService is what the complaints screen calls. Every method checks
// the acting account's role first (EFORBIDDEN): seeing and recording
// cases needs ActRecordComplaint (or ActSeeAll); working, answering and
// closing an appeal, and sending it to a senior, need ActResolveAppeal.
type CaseService interface {
	List(ctx context.Context, actor Account, f CaseFilter) ([]Case, int, error)
	Counts(ctx context.Context, actor Account) (CaseCounts, error)
	Get(ctx context.Context, actor Account, id int64) (Case, error)
	Record(ctx context.Context, actor Account, c Complaint) (Case, error)
	Start(ctx context.Context, actor Account, id int64) (Case, error)
	Reply(ctx context.Context, actor Account, id int64, text string) (Case, error)
	Appeal(ctx context.Context, actor Account, id int64) (Case, error)
	Close(ctx context.Context, actor Account, id int64) (Case, error)
	// TimeLimit is the published reply time limit in days.
	TimeLimit(ctx context.Context, actor Account) (int, error)
}

// Cases is the CaseService over a CaseStore.
type Cases struct {
	Store CaseStore
	Now   func() time.Time // nil: time.Now
}

var _ CaseService = Cases{}

func (s Cases) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// canSeeCases: reviewers and seniors (who record complaints) and
// managers.
func canSeeCases(actor Account) error {
	if err := Require(actor, ActRecordComplaint); err != nil {
		if Require(actor, ActSeeAll) != nil {
			return err
		}
	}
	return nil
}

// handle checks that actor may work on c: ActResolveAppeal for an
// appeal, ActRecordComplaint for a complaint.
func handle(actor Account, c Case) error {
	if c.IsAppeal() {
		return Require(actor, ActResolveAppeal)
	}
	return Require(actor, ActRecordComplaint)
}

// masked returns c with its contact masked: the case screen never needs
// the contact in the clear (replies go through the platform).
func masked(c Case) Case {
	c.Contact = MaskContact(c.Contact)
	return c
}

// List returns one page of cases and how many the filter selects, the
// overdue ones judged at the service's clock.
func (s Cases) List(ctx context.Context, actor Account, f CaseFilter) ([]Case, int, error) {
	if err := canSeeCases(actor); err != nil {
		return nil, 0, err
	}
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = MaxPage
	}
	f.Offset = max(f.Offset, 0)
	f.Now = s.now()
	rows, total, err := s.Store.CasePage(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	for i := range rows {
		rows[i] = masked(rows[i])
	}
	return rows, total, nil
}

// Counts returns the open, overdue and pending-appeal figures.
func (s Cases) Counts(ctx context.Context, actor Account) (CaseCounts, error) {
	if err := canSeeCases(actor); err != nil {
		return CaseCounts{}, err
	}
	return s.Store.CaseCounts(ctx, s.now())
}

// Get returns one case with its events.
func (s Cases) Get(ctx context.Context, actor Account, id int64) (Case, error) {
	if err := canSeeCases(actor); err != nil {
		return Case{}, err
	}
	c, err := s.Store.Case(ctx, id)
	return masked(c), err
}

// TimeLimit returns the published reply time limit in days: the
// workspace's setting (ComplaintDaysKey), else DefaultComplaintDays.
func (s Cases) TimeLimit(ctx context.Context, actor Account) (int, error) {
	if err := canSeeCases(actor); err != nil {
		return 0, err
	}
	return s.days(ctx)
}

func (s Cases) days(ctx context.Context) (int, error) {
	d, err := s.Store.ComplaintDays(ctx)
	if err != nil {
		return 0, err
	}
	if d <= 0 || d > MaxComplaintDays {
		return DefaultComplaintDays, nil
	}
	return d, nil
}

// ParseComplaintDays reads the ComplaintDaysKey setting: "" is 0 (unset);
// anything but a whole number of days from 1 to MaxComplaintDays is
// EINVALID.
func ParseComplaintDays(v string) (int, error) {
	if strings.TrimSpace(v) == "" {
		return 0, nil
	}
	d, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || d < 1 || d > MaxComplaintDays {
		return 0, Errorf(EINVALID, "the complaint time limit must be 1 to %d days, not %q", MaxComplaintDays, clip(v))
	}
	return d, nil
}

// Record records a complaint or appeal received. The received time is
// now unless given (not in the future); the due time is received plus the
// published time limit (DSP Art. 12). A ProduceID links the case to the
// item with it, if the workspace has one; an item id fills in the
// ProduceID. An appeal must link to an item.
func (s Cases) Record(ctx context.Context, actor Account, c Complaint) (Case, error) {
	if err := Require(actor, ActRecordComplaint); err != nil {
		return Case{}, err
	}
	now := s.now()
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = now
	}
	if c.ReceivedAt.After(now.Add(time.Minute)) {
		return Case{}, Errorf(EINVALID, "a complaint cannot be received in the future")
	}
	days, err := s.days(ctx)
	if err != nil {
		return Case{}, err
	}
	c.DueAt = c.ReceivedAt.Add(time.Duration(days) * 24 * time.Hour)
	c.ID, c.Status, c.Reply = 0, CaseOpen, ""
	c.ProduceID = strings.TrimSpace(c.ProduceID)
	if err := s.link(ctx, &c); err != nil {
		return Case{}, err
	}
	if err := ValidateCase(c); err != nil {
		return Case{}, err
	}
	rec, err := s.Store.RecordComplaint(ctx, actor.Name, c)
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, actor, rec.ID)
}

// link fills in the item a complaint names.
func (s Cases) link(ctx context.Context, c *Complaint) error {
	switch {
	case c.ItemID != 0:
		it, err := s.Store.Item(ctx, c.ItemID)
		if err != nil {
			return err
		}
		c.ProduceID = it.ProduceID
	case c.ProduceID != "":
		if err := ValidateProduceID(c.ProduceID); err != nil {
			return err
		}
		it, err := s.Store.ItemByProduceID(ctx, c.ProduceID)
		switch {
		case err == nil:
			c.ItemID = it.ID
		case ErrorCode(err) == ENOTFOUND && c.Kind != CaseAppeal:
			// A complaint about content the workspace never saw keeps
			// the ProduceID it names.
		case ErrorCode(err) == ENOTFOUND:
			return Errorf(EINVALID, "no item with ProduceID %s in this workspace: an appeal must contest a decided item", c.ProduceID)
		default:
			return err
		}
	}
	return nil
}

// Start marks a case as being worked on by actor.
func (s Cases) Start(ctx context.Context, actor Account, id int64) (Case, error) {
	return s.move(ctx, actor, id, CaseStart)
}

// Close closes an answered case.
func (s Cases) Close(ctx context.Context, actor Account, id int64) (Case, error) {
	return s.move(ctx, actor, id, CaseFinish)
}

func (s Cases) move(ctx context.Context, actor Account, id int64, m CaseMove) (Case, error) {
	c, err := s.check(ctx, actor, id)
	if err != nil {
		return Case{}, err
	}
	if _, err := NextCaseStatus(c.Status, m); err != nil {
		return Case{}, err
	}
	c, err = s.Store.MoveCase(ctx, actor.Name, id, m)
	return masked(c), err
}

// check reads a case and checks that actor may work on it.
func (s Cases) check(ctx context.Context, actor Account, id int64) (Case, error) {
	if err := canSeeCases(actor); err != nil {
		return Case{}, err
	}
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	return c, handle(actor, c)
}

// Reply records the reply to the complainant, answers the case and puts
// the reply in the outbox for the platform to deliver. An appeal is
// answered only once a senior reviewer has decided its item: the reply
// then states the resolution.
func (s Cases) Reply(ctx context.Context, actor Account, id int64, text string) (Case, error) {
	c, err := s.check(ctx, actor, id)
	if err != nil {
		return Case{}, err
	}
	text = strings.TrimSpace(text)
	if err := ValidateReply(text); err != nil {
		return Case{}, err
	}
	if _, err := NextCaseStatus(c.Status, CaseReply); err != nil {
		return Case{}, err
	}
	if c.IsAppeal() && c.Resolution == "" {
		if c.AppealedAt.IsZero() {
			return Case{}, Errorf(EINVALID, "send the appeal to a senior reviewer first; the reply states their resolution")
		}
		return Case{}, Errorf(EINVALID, "the appealed item waits for a senior reviewer's decision; reply once it is upheld or overturned")
	}
	c, err = s.Store.ReplyCase(ctx, actor.Name, id, text)
	return masked(c), err
}

// Appeal sends an appeal to the escalation queue: its item is re-opened
// (MoveAppeal) for a senior reviewer, whose decision upholds or overturns
// the contested one.
func (s Cases) Appeal(ctx context.Context, actor Account, id int64) (Case, error) {
	c, err := s.check(ctx, actor, id)
	if err != nil {
		return Case{}, err
	}
	if err := Require(actor, ActResolveAppeal); err != nil {
		return Case{}, err
	}
	if !c.IsAppeal() {
		return Case{}, Errorf(EINVALID, "case %d is a complaint, not an appeal; record the appeal against the decided item", id)
	}
	c, err = s.Store.AppealCase(ctx, actor.Name, id)
	return masked(c), err
}
