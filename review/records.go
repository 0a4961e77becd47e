package review

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// PersonalHash is the keyed hash (HMAC-SHA-256 with the workspace's personal
// data key) that events carry instead of a personal field, so that deleting
// the person's data (PIPL Art. 47) leaves the chain verifiable while an event
// can still be matched against a value someone presents.
func PersonalHash(key []byte, field, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(field))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// Mask shows the first keep and the last keep characters of a personal
// identifier and stars in between: "110101********1234".
func Mask(s string, keep int) string {
	r := []rune(s)
	if len(r) <= 2*keep {
		return strings.Repeat("*", len(r))
	}
	return string(r[:keep]) + strings.Repeat("*", len(r)-2*keep) + string(r[len(r)-keep:])
}

// Complaint is a complaint or appeal received (DSP Art. 12, GAIM Art. 15).
type Complaint struct {
	ID         int64
	Kind       string // "complaint" or "appeal"
	Channel    string // "web", "app", "email", "phone", "regulator"
	Contact    string // personal data: masked on screen, erasable
	ReporterID string // platform user id of the complainant, if known
	Category   string // a reason code or "other"
	ItemID     int64  // 0 when not linked
	ProduceID  string
	Text       string
	ReceivedAt time.Time
	DueAt      time.Time
	Status     string // "open", "answered", "closed"
	Reply      string
}

// ComplaintStatuses lists the complaint workflow.
var ComplaintStatuses = []string{"open", "in_progress", "answered", "closed"}

// DefaultComplaintDays is the published reply time limit used when a
// workspace sets none (DSP Art. 12 requires a published limit, not a number).
const DefaultComplaintDays = 15

// Validate checks a complaint taken from a person or an import.
func (c Complaint) Validate() error {
	if c.Kind != "complaint" && c.Kind != "appeal" {
		return Errorf(EINVALID, "complaint kind must be complaint or appeal, not %q", c.Kind)
	}
	for _, f := range []string{c.Channel, c.Contact, c.Text, c.Category} {
		if !utf8.ValidString(f) || len(f) > 8000 {
			return Errorf(EINVALID, "complaint fields must be valid text under 8000 bytes")
		}
	}
	if strings.TrimSpace(c.Text) == "" {
		return Errorf(EINVALID, "complaint text is empty")
	}
	if c.DueAt.Before(c.ReceivedAt) {
		return Errorf(EINVALID, "complaint due date is before it was received")
	}
	return nil
}

// Overdue reports whether an open complaint is past its due time at now.
func (c Complaint) Overdue(now time.Time) bool {
	return c.Status != "answered" && c.Status != "closed" && now.After(c.DueAt)
}

// Consent is the separate consent (单独同意) of a person whose face or voice
// is edited (DSP Art. 14, PIPL Arts. 29–31).
type Consent struct {
	ID             string // the provider's consent id, e.g. CN-2025-0042
	SubjectID      string // the person's id at the provider
	SubjectName    string // personal data: erasable
	Scope          string // "face", "voice", "face+voice"
	NoticeVersion  string
	Channel        string
	GrantedAt      time.Time
	ExpiresAt      time.Time // zero: no expiry
	EvidenceSHA256 string    // the evidence file in objects/
	WithdrawnAt    time.Time // zero: not withdrawn (PIPL Art. 15)
}

// ValidAt reports whether the consent covers processing at t.
func (c Consent) ValidAt(t time.Time) bool {
	if t.Before(c.GrantedAt) || (!c.WithdrawnAt.IsZero() && !t.Before(c.WithdrawnAt)) {
		return false
	}
	return c.ExpiresAt.IsZero() || t.Before(c.ExpiresAt)
}

// Validate checks a consent record.
func (c Consent) Validate() error {
	if err := ValidateProduceID(c.ID); err != nil {
		return Errorf(EINVALID, "consent id %q: letters, digits, '.', '_', ':' or '-' only", c.ID)
	}
	switch c.Scope {
	case "face", "voice", "face+voice":
	default:
		return Errorf(EINVALID, "consent %s: scope must be face, voice or face+voice", c.ID)
	}
	if c.GrantedAt.IsZero() {
		return Errorf(EINVALID, "consent %s: no grant time", c.ID)
	}
	if !c.ExpiresAt.IsZero() && !c.ExpiresAt.After(c.GrantedAt) {
		return Errorf(EINVALID, "consent %s: expires before it was granted", c.ID)
	}
	return nil
}

// RealName is a platform user's real-name verification (DSP Art. 9). Only a
// masked identifier and a keyed hash are kept, never a raw ID number.
type RealName struct {
	UserID     string
	Method     string // "mobile", "id_card", "uscc", "national_network_id"
	Result     string // "verified", "failed", "pending"
	VerifiedAt time.Time
	MaskedID   string // personal data: erasable
	IDHash     string // PersonalHash of the identifier: erasable
}

// RealNameMethods lists the verification methods DSP Art. 9 names ([K]).
var RealNameMethods = []string{"mobile", "id_card", "uscc", "national_network_id"}
