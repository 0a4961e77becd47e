package review

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Provider is the provider profile: the company and its unified social
// credit code (requirements.md §3.3), with the producer codes it writes.
type Provider struct {
	Name          string
	USCC          string
	ProducerCodes []ProducerCode
}

// ProducerCode is one 27-character producer code and the service using it.
type ProducerCode struct {
	Code, Service, Note string
}

// Service is a generation service and its algorithm filing (DSP Art. 19).
type Service struct {
	Name     string
	Category Category
	Filing   string
	Model    string
}

// Assessment is a security assessment of a service or model (DSP Art. 15).
type Assessment struct {
	ID, Service, Model, Scope string
	Date                      time.Time
	Status                    string // passed, pending, failed, expired
}

// AssessmentStatuses lists the allowed statuses.
var AssessmentStatuses = []string{"passed", "pending", "failed", "expired"}

func validText(field, v string, max int) error {
	if !utf8.ValidString(v) {
		return Errorf(EINVALID, "%s is not valid UTF-8", field)
	}
	if len(v) > max {
		return Errorf(EINVALID, "%s is longer than %d bytes", field, max)
	}
	if strings.ContainsAny(v, "\x00\r\n") {
		return Errorf(EINVALID, "%s holds control characters", field)
	}
	return nil
}

// Validate checks a service record.
func (s Service) Validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return Errorf(EINVALID, "service name is empty")
	}
	if !s.Category.Valid() {
		return Errorf(EINVALID, "service %q: unknown category %q", s.Name, s.Category)
	}
	for f, v := range map[string]string{"name": s.Name, "filing": s.Filing, "model": s.Model} {
		if err := validText("service "+f, v, 512); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks an assessment record.
func (a Assessment) Validate() error {
	if err := ValidateProduceID(a.ID); err != nil {
		return Errorf(EINVALID, "assessment id %q is malformed", a.ID)
	}
	if strings.TrimSpace(a.Service) == "" {
		return Errorf(EINVALID, "assessment %s names no service", a.ID)
	}
	if a.Date.IsZero() {
		return Errorf(EINVALID, "assessment %s has no date", a.ID)
	}
	ok := false
	for _, s := range AssessmentStatuses {
		ok = ok || s == a.Status
	}
	if !ok {
		return Errorf(EINVALID, "assessment %s: status must be one of %s", a.ID, strings.Join(AssessmentStatuses, ", "))
	}
	for f, v := range map[string]string{"service": a.Service, "model": a.Model, "scope": a.Scope} {
		if err := validText("assessment "+f, v, 2048); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a real-name record: no raw identifier may reach the store.
func (r RealName) Validate() error {
	if strings.TrimSpace(r.UserID) == "" {
		return Errorf(EINVALID, "real-name record without a user id")
	}
	ok := false
	for _, m := range RealNameMethods {
		ok = ok || m == r.Method
	}
	if !ok {
		return Errorf(EINVALID, "real-name record of %s: method must be one of %s", r.UserID, strings.Join(RealNameMethods, ", "))
	}
	switch r.Result {
	case "verified", "failed", "pending":
	default:
		return Errorf(EINVALID, "real-name record of %s: result must be verified, failed or pending", r.UserID)
	}
	if r.VerifiedAt.IsZero() {
		return Errorf(EINVALID, "real-name record of %s has no time", r.UserID)
	}
	if strings.Count(r.MaskedID, "*") == 0 && r.MaskedID != "" {
		return Errorf(EINVALID, "real-name record of %s: the identifier must be masked", r.UserID)
	}
	return validText("user id", r.UserID, 256)
}

// ImportBatch is one file imported from a system of record: all its
// records are stored in one transaction, or none are.
type ImportBatch struct {
	Kind        string // provider, services, assessments, realname, consent
	FileName    string
	FileSHA256  string
	Provider    *Provider
	Services    []Service
	Assessments []Assessment
	RealNames   []RealName
	Consents    []Consent
}

// Records counts the batch's records.
func (b ImportBatch) Records() int {
	n := len(b.Services) + len(b.Assessments) + len(b.RealNames) + len(b.Consents)
	if b.Provider != nil {
		n += 1 + len(b.Provider.ProducerCodes)
	}
	return n
}

// ImportKinds lists the registries that can be imported.
var ImportKinds = []string{"provider", "services", "assessments", "realname", "consent"}
