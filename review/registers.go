package review

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file is the registers of issue 9: the consent registry (DSP Art. 14,
// PIPL Arts. 29–31), the real-name registry (DSP Art. 9) and personal-data
// requests (PIPL Art. 47), behind role checks. The screens hold a
// RegisterService; Registers implements it over three small store ports,
// an ObjectReader for consent evidence and a Previewer for pictures.

// Consent states at a moment (ConsentStateAt).
const (
	ConsentValid     = "valid"
	ConsentExpired   = "expired"
	ConsentWithdrawn = "withdrawn"
)

// ConsentStates lists the states a consent list filters on.
var ConsentStates = []string{ConsentValid, ConsentExpired, ConsentWithdrawn}

// ConsentScopes lists the scopes of a consent record.
var ConsentScopes = []string{"face", "voice", "face+voice"}

// ConsentStateAt is c's state at t: withdrawn once its withdrawal time has
// come (PIPL Art. 15), else expired once its expiry has passed, else
// valid. A record granted after t counts as valid: the registry lists what
// the provider recorded, and the desk checks the grant time against each
// item's generation time itself.
func ConsentStateAt(c Consent, t time.Time) string {
	switch {
	case !c.WithdrawnAt.IsZero() && !t.Before(c.WithdrawnAt):
		return ConsentWithdrawn
	case !c.ExpiresAt.IsZero() && !t.Before(c.ExpiresAt):
		return ConsentExpired
	}
	return ConsentValid
}

// ConsentFilter selects consent records for the consent list. Empty fields
// do not filter.
type ConsentFilter struct {
	// Query matches a consent id or a subject id, in part, ignoring case.
	Query  string
	Scope  string    // face, voice, face+voice
	State  string    // valid, expired, withdrawn: the state at At
	At     time.Time // the moment State refers to; Registers sets it to now
	Offset int
	Limit  int // at most MaxPage; 0 means MaxPage
}

// ConsentRow is one line of the consent list. The subject's name is
// personal data and comes masked.
type ConsentRow struct {
	ID            string
	SubjectID     string
	SubjectMasked string // Mask(subject name, 1); "" when none or erased
	Scope         string
	State         string // at the filter's At
	GrantedAt     time.Time
	ExpiresAt     time.Time // zero: no expiry
	WithdrawnAt   time.Time // zero: not withdrawn
	Items         int       // items whose generation relied on it
}

// ConsentItem is an item whose generation relied on a consent record.
type ConsentItem struct {
	ID        int64
	ProduceID string
	State     State
	Queue     string
}

// Evidence file states (EvidenceFile.Status).
const (
	EvidenceNone     = "none"      // the record names no evidence file
	EvidencePresent  = "present"   // read: Size and, for pictures, Preview
	EvidenceMissing  = "missing"   // named, but not in objects/
	EvidenceTooLarge = "too-large" // larger than MaxEvidence: not read
	EvidenceDamaged  = "damaged"   // the bytes no longer match the hash
)

// MaxEvidence bounds the evidence file the consent screen reads.
const MaxEvidence = 32 << 20

// EvidenceFile is what the consent screen shows of a record's evidence
// file (the scan of a signed form, a recording …), stored by SHA-256 in
// objects/.
type EvidenceFile struct {
	SHA256 string
	Status string   // none, present, missing, too-large, damaged
	Size   int64    // bytes, when present
	Kind   string   // the preview's kind when present: image, audio, video, text, other
	Image  *Preview // a picture made safe to show, for image evidence; nil otherwise
}

// ConsentDetail is one consent record with what relies on it.
type ConsentDetail struct {
	Consent    Consent // SubjectName comes masked (Mask(name, 1))
	State      string  // at now
	Items      []ConsentItem
	ItemsTotal int // all items relying on it; Items holds at most MaxPage
	Evidence   EvidenceFile
}

// RealNameFilter selects real-name records. Empty fields do not filter.
type RealNameFilter struct {
	Query  string // matches a user id, in part, ignoring case
	Method string // one of RealNameMethods
	Result string // verified, failed, pending
	Offset int
	Limit  int // at most MaxPage; 0 means MaxPage
}

// RealNameRow is one line of the real-name list: the record, with the
// identifier masked as stored (never the identifier itself, which the
// workspace does not keep), and whether the user's personal data was
// erased.
type RealNameRow struct {
	RealName
	Erased bool
}

// Unmasked is what an unmask shows in the clear for a platform user. The
// real-name identifier (an ID number, a USCC) is never stored — only its
// masked form and a keyed hash (DSP Art. 9, PIPL Art. 19) — so unmasking
// shows what the workspace does hold in the clear: the user's display
// name and phone number (for a "mobile" verification the phone number is
// the identifier).
type Unmasked struct {
	UserID      string
	DisplayName string
	Phone       string
	MaskedID    string   // the stored masked identifier, for comparison
	Fields      []string // the fields shown: display_name, phone
	At          time.Time
}

// UnmaskFor is how long the screen shows an unmasked value.
const UnmaskFor = 30 * time.Second

// PersonalHeld counts the personal data a workspace holds for one person
// (a platform user id or a consent subject id), by the places a deletion
// clears (store.ErasePersonal): no values, only how much.
type PersonalHeld struct {
	PersonID     string
	Profile      bool // display name or phone held
	RealName     bool // masked identifier or keyed hash held
	ItemPrompts  int  // prompts of the person's items
	Complaints   int  // complaints the person made, with contact or text held
	ConsentNames int  // consent records naming the person as subject
	Erased       time.Time
}

// Any reports whether anything personal is held.
func (p PersonalHeld) Any() bool {
	return p.Profile || p.RealName || p.ItemPrompts+p.Complaints+p.ConsentNames > 0
}

// Erasure reasons: the cases of PIPL Art. 47 para. 1, (1)–(5).
const (
	ErasePurposeDone = "purpose"   // (1) purpose achieved, impossible, or no longer needed
	EraseRetention   = "retention" // (2) service ended or retention period expired
	EraseWithdrawn   = "withdrawn" // (3) the person withdrew consent
	EraseUnlawful    = "unlawful"  // (4) processed against laws or the agreement
	EraseOther       = "other"     // (5) other cases laws provide for
)

// EraseReasons lists the reasons in the order of Art. 47.
var EraseReasons = []string{ErasePurposeDone, EraseRetention, EraseWithdrawn, EraseUnlawful, EraseOther}

// ErasureRequest is a deletion request (PIPL Art. 47) as the screen takes
// it. Reason and Reference go into the audit log, so neither may hold
// personal data: the reason is a code and the reference a ticket number.
type ErasureRequest struct {
	PersonID string
	Confirm  string // the person id typed again
	Reason   string // one of EraseReasons
	// Reference is the request's ticket or letter number (optional):
	// letters, digits, '.', '_', ':' or '-', at most 64.
	Reference string
}

// Validate checks a request before anything is erased.
func (r ErasureRequest) Validate() error {
	if strings.TrimSpace(r.PersonID) == "" {
		return Errorf(EINVALID, "name the person whose data is to be erased")
	}
	if !utf8.ValidString(r.PersonID) || len(r.PersonID) > 256 {
		return Errorf(EINVALID, "the person id is not valid text under 256 bytes")
	}
	if r.Confirm != r.PersonID {
		return Errorf(EINVALID, "the person id typed to confirm (%q) is not %q", r.Confirm, r.PersonID)
	}
	if !slices.Contains(EraseReasons, r.Reason) {
		return Errorf(EINVALID, "the reason must be one of %s (PIPL Art. 47)", strings.Join(EraseReasons, ", "))
	}
	if r.Reference != "" && (len(r.Reference) > 64 || ValidateProduceID(r.Reference) != nil) {
		return Errorf(EINVALID, "the request reference %q: up to 64 letters, digits, '.', '_', ':' or '-'", r.Reference)
	}
	return nil
}

// Erasure is the result of a deletion: what was cleared, by place (the
// keys of store.ErasePersonal: platform_users, real_names, item_prompts,
// complaints, consents).
type Erasure struct {
	PersonID string
	Cleared  map[string]int64
}

// RetentionRow is a person whose personal data has outlived the retention
// period: their last processing was before the cutoff and something
// personal is still held.
type RetentionRow struct {
	PersonID     string
	LastActivity time.Time // the newest item, complaint, verification or consent end
}

// Retention is the retention period for personal data the workspace
// applies.
type Retention struct {
	Days    int  // the workspace setting; 0 when Default
	Default bool // no setting: DefaultRetentionYears apply
}

// RetentionSetting names the workspace setting (meta key) holding the
// retention period of personal data, in days. Admins set it
// (ActSetRetention).
const RetentionSetting = "retention.personal_days"

// DefaultRetentionYears applies when the workspace sets no retention
// period: processing records are kept at least 3 years (PIPL Arts. 55–56;
// requirements.md §5: "PIA and processing records ≥ 3 years; consent
// records while processing + 3 years"). After that, personal data is
// listed for erasure (PIPL Art. 47 para. 1 (2)).
const DefaultRetentionYears = 3

// Cutoff is the moment before which the last processing must lie for a
// person's data to be due for erasure at now.
func (r Retention) Cutoff(now time.Time) time.Time {
	if r.Default || r.Days <= 0 {
		return now.AddDate(-DefaultRetentionYears, 0, 0)
	}
	return now.AddDate(0, 0, -r.Days)
}

// ParseRetention reads the RetentionSetting value: "" is the default; a
// positive whole number of days, at least 180 (the CSL log floor), is a
// setting. Anything else is EINVALID.
func ParseRetention(v string) (Retention, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return Retention{Default: true}, nil
	}
	d, err := strconv.Atoi(v)
	if err != nil || d < 180 || d > 100*366 {
		return Retention{}, Errorf(EINVALID, "setting %s = %q: a whole number of days from 180 to 36600", RetentionSetting, v)
	}
	return Retention{Days: d}, nil
}

// ConsentStore is the consent registry's storage. ConsentPage returns a
// page and the number of records the filter selects; ConsentDetail
// ENOTFOUND for an unknown id; WithdrawConsent ENOTFOUND or ECONFLICT
// (already withdrawn) and re-opens the decided items that relied on the
// record, returning how many.
type ConsentStore interface {
	ConsentPage(ctx context.Context, f ConsentFilter) ([]ConsentRow, int, error)
	ConsentDetail(ctx context.Context, id string, at time.Time) (ConsentDetail, error)
	WithdrawConsent(ctx context.Context, actor, id string, at time.Time) (int, error)
}

// RealNameStore is the real-name registry's storage. UnmaskRealName reads
// what is held in the clear for a user and appends a "personal.unmasked"
// event naming actor, user and fields (keyed hashes at most, never a
// value) in the same transaction; ENOTFOUND when nothing is held in the
// clear (no record, or erased).
type RealNameStore interface {
	RealNamePage(ctx context.Context, f RealNameFilter) ([]RealNameRow, int, error)
	UnmaskRealName(ctx context.Context, actor, userID string) (Unmasked, error)
}

// PersonalStore is the storage of personal-data requests. PersonalHeld
// never fails for an unknown id (it counts nothing); ErasePersonalRequest
// records the request (reason code and reference) and clears the data,
// ENOTFOUND when nothing is held; PastRetention lists persons whose last
// processing was before cutoff and who still have personal data held,
// oldest first; Meta reads a workspace setting ("" when unset).
type PersonalStore interface {
	PersonalHeld(ctx context.Context, personID string) (PersonalHeld, error)
	ErasePersonalRequest(ctx context.Context, actor string, r ErasureRequest) (map[string]int64, error)
	PastRetention(ctx context.Context, cutoff time.Time, offset, limit int) ([]RetentionRow, int, error)
	Meta(ctx context.Context, key string) (string, error)
}

// ConsentRegister is what the consent screen calls.
type ConsentRegister interface {
	Consents(ctx context.Context, actor Account, f ConsentFilter) (rows []ConsentRow, total int, err error)
	ConsentDetail(ctx context.Context, actor Account, id string) (ConsentDetail, error)
	// Withdraw withdraws a consent record now (managers) and returns how
	// many decided items went back to the queue.
	Withdraw(ctx context.Context, actor Account, id string) (int, error)
}

// RealNameRegister is what the real-name screen calls.
type RealNameRegister interface {
	RealNames(ctx context.Context, actor Account, f RealNameFilter) (rows []RealNameRow, total int, err error)
	// Unmask shows a user's personal data in the clear (managers); every
	// call that succeeds is in the audit log.
	Unmask(ctx context.Context, actor Account, userID string) (Unmasked, error)
}

// PersonalRequests is what the personal-data screen calls (managers and
// admins).
type PersonalRequests interface {
	Held(ctx context.Context, actor Account, personID string) (PersonalHeld, error)
	Erase(ctx context.Context, actor Account, r ErasureRequest) (Erasure, error)
	PastRetention(ctx context.Context, actor Account, offset, limit int) (rows []RetentionRow, total int, r Retention, err error)
}

// RegisterService is the three registers' screens together.
type RegisterService interface {
	ConsentRegister
	RealNameRegister
	PersonalRequests
}

// Registers is the RegisterService over a store.
type Registers struct {
	ConsentStore  ConsentStore
	RealNameStore RealNameStore
	PersonalStore PersonalStore
	Objects       ObjectReader // consent evidence; nil: evidence shows as missing
	Previews      Previewer    // pictures of evidence; nil: hash and size only
	Now           func() time.Time
}

var _ RegisterService = Registers{}

// CanBrowseRegisters reports whether acct may read the consent and
// real-name registers: reviewers and seniors (who meet consents and
// real-name status in the evidence), managers (everything) and admins
// (who import them). Trainers may not.
func CanBrowseRegisters(acct Account) bool {
	return Require(acct, ActClaim) == nil || Require(acct, ActSeeAll) == nil || Require(acct, ActRunImport) == nil
}

func requireBrowse(acct Account) error {
	if CanBrowseRegisters(acct) {
		return nil
	}
	if acct.Disabled {
		return Require(acct, ActSeeAll)
	}
	return Errorf(EFORBIDDEN, "%s %q may not read the consent and real-name registers", acct.Role, acct.Name)
}

func (r Registers) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func registerPage(offset, limit int) (int, int) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	return max(offset, 0), limit
}

// Consents lists consent records, the state taken at now.
func (r Registers) Consents(ctx context.Context, actor Account, f ConsentFilter) ([]ConsentRow, int, error) {
	if err := requireBrowse(actor); err != nil {
		return nil, 0, err
	}
	if f.State != "" && !slices.Contains(ConsentStates, f.State) {
		return nil, 0, Errorf(EINVALID, "consent state must be one of %s", strings.Join(ConsentStates, ", "))
	}
	if f.Scope != "" && !slices.Contains(ConsentScopes, f.Scope) {
		return nil, 0, Errorf(EINVALID, "consent scope must be one of %s", strings.Join(ConsentScopes, ", "))
	}
	if err := validText("search", f.Query, 256); err != nil {
		return nil, 0, err
	}
	f.Query = strings.TrimSpace(f.Query)
	f.At = r.now()
	f.Offset, f.Limit = registerPage(f.Offset, f.Limit)
	return r.ConsentStore.ConsentPage(ctx, f)
}

// ConsentDetail returns one record with the items that rely on it and its
// evidence file: read within MaxEvidence, and a picture made safe to show
// when it is one. A missing or unreadable file is reported in
// Evidence.Status, not as an error.
func (r Registers) ConsentDetail(ctx context.Context, actor Account, id string) (ConsentDetail, error) {
	if err := requireBrowse(actor); err != nil {
		return ConsentDetail{}, err
	}
	d, err := r.ConsentStore.ConsentDetail(ctx, id, r.now())
	if err != nil {
		return ConsentDetail{}, err
	}
	d.Consent.SubjectName = Mask(d.Consent.SubjectName, 1)
	d.Evidence, err = r.evidence(ctx, d.Consent.EvidenceSHA256)
	return d, err
}

func (r Registers) evidence(ctx context.Context, sum string) (EvidenceFile, error) {
	ev := EvidenceFile{SHA256: sum, Status: EvidenceNone}
	if sum == "" {
		return ev, nil
	}
	if r.Objects == nil {
		ev.Status = EvidenceMissing
		return ev, nil
	}
	data, err := r.Objects.Object(ctx, sum, MaxEvidence)
	switch ErrorCode(err) {
	case "":
	case ENOTFOUND:
		ev.Status = EvidenceMissing
		return ev, nil
	case EINVALID:
		// Too large, or a name that is no SHA-256 (a bad import): not read.
		ev.Status = EvidenceTooLarge
		if len(sum) != 64 {
			ev.Status = EvidenceMissing
		}
		return ev, nil
	case ECONFLICT:
		ev.Status = EvidenceDamaged
		return ev, nil
	default:
		return ev, err
	}
	ev.Status, ev.Size, ev.Kind = EvidencePresent, int64(len(data)), "other"
	if r.Previews == nil {
		return ev, nil
	}
	pv, err := r.Previews.Preview(ctx, Item{ObjectSHA256: sum, Size: int64(len(data))}, data)
	if err != nil {
		return ev, err
	}
	ev.Kind = pv.Kind
	if pv.Kind == "image" && len(pv.Image) > 0 {
		pv.Text, pv.Peaks = "", nil
		ev.Image = &pv
	}
	return ev, nil
}

// Withdraw withdraws a consent record now (PIPL Art. 15; managers:
// ActWithdrawConsent) and returns how many decided items went back to the
// queue. ECONFLICT when it was withdrawn already.
func (r Registers) Withdraw(ctx context.Context, actor Account, id string) (int, error) {
	if err := Require(actor, ActWithdrawConsent); err != nil {
		return 0, err
	}
	if err := ValidateProduceID(id); err != nil {
		return 0, Errorf(EINVALID, "consent id %q is malformed", id)
	}
	return r.ConsentStore.WithdrawConsent(ctx, actor.Name, id, r.now())
}

// RealNames lists real-name records, identifiers masked.
func (r Registers) RealNames(ctx context.Context, actor Account, f RealNameFilter) ([]RealNameRow, int, error) {
	if err := requireBrowse(actor); err != nil {
		return nil, 0, err
	}
	if f.Method != "" && !slices.Contains(RealNameMethods, f.Method) {
		return nil, 0, Errorf(EINVALID, "real-name method must be one of %s", strings.Join(RealNameMethods, ", "))
	}
	if f.Result != "" && !slices.Contains([]string{"verified", "failed", "pending"}, f.Result) {
		return nil, 0, Errorf(EINVALID, "real-name result must be verified, failed or pending")
	}
	if err := validText("search", f.Query, 256); err != nil {
		return nil, 0, err
	}
	f.Query = strings.TrimSpace(f.Query)
	f.Offset, f.Limit = registerPage(f.Offset, f.Limit)
	return r.RealNameStore.RealNamePage(ctx, f)
}

// Unmask returns what the workspace holds in the clear for a platform
// user (managers only: ActUnmask; design.md "unmasking is a logged action
// for managers only"). The store logs it in the same transaction as the
// read. A refusal (EFORBIDDEN) reads nothing and logs no unmask.
func (r Registers) Unmask(ctx context.Context, actor Account, userID string) (Unmasked, error) {
	if err := Require(actor, ActUnmask); err != nil {
		return Unmasked{}, err
	}
	if strings.TrimSpace(userID) == "" {
		return Unmasked{}, Errorf(EINVALID, "name the user to unmask")
	}
	if err := validText("user id", userID, 256); err != nil {
		return Unmasked{}, err
	}
	return r.RealNameStore.UnmaskRealName(ctx, actor.Name, userID)
}

// Held counts the personal data held for a person, for the confirmation
// of a deletion (ActErasePersonal).
func (r Registers) Held(ctx context.Context, actor Account, personID string) (PersonalHeld, error) {
	if err := Require(actor, ActErasePersonal); err != nil {
		return PersonalHeld{}, err
	}
	personID = strings.TrimSpace(personID)
	if personID == "" {
		return PersonalHeld{}, Errorf(EINVALID, "name a person: a platform user id or a consent subject id")
	}
	if err := validText("person id", personID, 256); err != nil {
		return PersonalHeld{}, err
	}
	return r.PersonalStore.PersonalHeld(ctx, personID)
}

// Erase carries out a deletion request (PIPL Art. 47; managers and
// admins: ActErasePersonal) once the person id was typed again. The
// events never held the data, so the audit chain still verifies.
func (r Registers) Erase(ctx context.Context, actor Account, req ErasureRequest) (Erasure, error) {
	if err := Require(actor, ActErasePersonal); err != nil {
		return Erasure{}, err
	}
	if err := req.Validate(); err != nil {
		return Erasure{}, err
	}
	held, err := r.PersonalStore.PersonalHeld(ctx, req.PersonID)
	if err != nil {
		return Erasure{}, err
	}
	if !held.Any() {
		return Erasure{}, Errorf(ENOTFOUND, "no personal data is held for %q", req.PersonID)
	}
	counts, err := r.PersonalStore.ErasePersonalRequest(ctx, actor.Name, req)
	if err != nil {
		return Erasure{}, err
	}
	return Erasure{PersonID: req.PersonID, Cleared: counts}, nil
}

// PastRetention lists persons whose retention period has ended, with the
// period applied (the workspace's RetentionSetting, else
// DefaultRetentionYears).
func (r Registers) PastRetention(ctx context.Context, actor Account, offset, limit int) ([]RetentionRow, int, Retention, error) {
	if err := Require(actor, ActErasePersonal); err != nil {
		return nil, 0, Retention{}, err
	}
	v, err := r.PersonalStore.Meta(ctx, RetentionSetting)
	if err != nil {
		return nil, 0, Retention{}, err
	}
	ret, err := ParseRetention(v)
	if err != nil {
		return nil, 0, Retention{}, err
	}
	offset, limit = registerPage(offset, limit)
	rows, total, err := r.PersonalStore.PastRetention(ctx, ret.Cutoff(r.now()), offset, limit)
	return rows, total, ret, err
}
