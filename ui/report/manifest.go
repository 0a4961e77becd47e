package report

import (
	"encoding/base64"
	"strings"
	"time"

	"synthreview/review"
)

// dateFormat is how the period's days are written.
const dateFormat = "2006-01-02"

// timeText writes a time for the manifest: UTC, RFC 3339 with
// milliseconds, or "" for the zero time.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return review.FormatTime(t)
}

// maskIfClear masks a personal field that reached the package unmasked.
// The caller masks (Audit says so); this is a second line of defence, as
// the package leaves the workspace: a value with no "*" in it is masked
// with review.Mask, keeping keep characters at each end.
func maskIfClear(s string, keep int) string {
	if s == "" || strings.Contains(s, "*") {
		return s
	}
	return review.Mask(s, keep)
}

// manifestEvent copies every column of an event.
func manifestEvent(e review.Event) ManifestEvent {
	return ManifestEvent{Seq: e.Seq, At: review.FormatTime(e.At), Actor: e.Actor, Kind: e.Kind,
		Subject: e.Subject, Payload: e.Payload, PrevHash: e.PrevHash, Hash: e.Hash}
}

// consentState words a consent's state at t as a code: valid, expired or
// withdrawn.
func consentState(c review.Consent, t time.Time) string {
	switch {
	case !c.WithdrawnAt.IsZero() && !t.Before(c.WithdrawnAt):
		return "withdrawn"
	case !c.ExpiresAt.IsZero() && !t.Before(c.ExpiresAt):
		return "expired"
	}
	return "valid"
}

// complaintOverdue reports whether a complaint is still open after its due
// time at t.
func complaintOverdue(c review.Complaint, t time.Time) bool {
	open := c.Status == "open" || c.Status == "in_progress"
	return open && !c.DueAt.IsZero() && t.After(c.DueAt)
}

// newManifest gathers the manifest of a, the JSON twin of the pages. The
// events run from the period's first to the head: when a's lists stop
// short of a.Head by exactly the head itself, the head event is appended,
// so that a reader can always link the listed events to the cover's head.
func newManifest(a *Audit, lang string) Manifest {
	m := Manifest{
		Schema:     ManifestSchema,
		Kind:       "audit",
		Workspace:  a.Workspace,
		ExportedBy: a.ExportedBy,
		ExportedAt: timeText(a.ExportedAt),
		Head:       EventRef{Seq: a.Head.Seq, Hash: a.Head.Hash},
		ItemsTotal: a.ItemsTotal,
		Sampled:    a.Sampled,
		SampleNote: a.SampleNote,
		Summary:    a.Summary,
		Language:   lang,
		Zone:       a.Zone.String(),
		Provider:   ManifestProvider{Name: a.Provider.Name, USCC: a.Provider.USCC},
		Events:     make([]ManifestEvent, 0, len(a.Events)),
		After:      make([]ManifestEvent, 0, len(a.After)+1),
	}
	if !a.From.IsZero() {
		m.From = a.From.In(a.Zone).Format(dateFormat)
	}
	if !a.To.IsZero() {
		m.To = a.To.In(a.Zone).Format(dateFormat)
	}
	for _, s := range a.Services {
		m.Services = append(m.Services, ManifestService{Name: s.Name, Category: string(s.Category), Filing: s.Filing, Model: s.Model})
	}
	for _, it := range a.Items {
		m.Items = append(m.Items, manifestItem(it))
	}
	m.Scope = a.Scope
	for _, c := range a.Complaints {
		m.Complaints = append(m.Complaints, ManifestComplaint{
			ID: c.ID, Kind: c.Kind, Channel: c.Channel, Contact: maskIfClear(c.Contact, 3),
			Category: c.Category, ItemID: c.ItemID, ProduceID: c.ProduceID,
			ReceivedAt: timeText(c.ReceivedAt), DueAt: timeText(c.DueAt), Status: c.Status,
			Overdue: complaintOverdue(c, a.ExportedAt),
		})
	}
	for _, c := range a.Consents {
		m.Consents = append(m.Consents, ManifestConsent{
			ID: c.ID, SubjectID: c.SubjectID, SubjectName: maskIfClear(c.SubjectName, 1), Scope: c.Scope,
			NoticeVersion: c.NoticeVersion, Channel: c.Channel, GrantedAt: timeText(c.GrantedAt),
			ExpiresAt: timeText(c.ExpiresAt), WithdrawnAt: timeText(c.WithdrawnAt),
			EvidenceSHA256: c.EvidenceSHA256, State: consentState(c, a.ExportedAt),
		})
	}
	for _, e := range a.Events {
		m.Events = append(m.Events, manifestEvent(e))
	}
	for _, e := range a.After {
		m.After = append(m.After, manifestEvent(e))
	}
	if a.Head.Seq > 0 {
		var last int64
		if n := len(m.After); n > 0 {
			last = m.After[n-1].Seq
		} else if n := len(m.Events); n > 0 {
			last = m.Events[n-1].Seq
		}
		if last == 0 || last+1 == a.Head.Seq {
			m.After = append(m.After, manifestEvent(a.Head))
		}
	}
	for _, c := range a.Checkpoints {
		mc := ManifestCheckpoint{Event: manifestEvent(c.Event)}
		if len(c.Certificate) > 0 {
			mc.Certificate = base64.StdEncoding.EncodeToString(c.Certificate)
		}
		m.Checkpoints = append(m.Checkpoints, mc)
	}
	return m
}

func manifestItem(it AuditItem) ManifestItem {
	mi := ManifestItem{
		ProduceID: it.Item.ProduceID, ObjectSHA256: it.Item.ObjectSHA256, State: string(it.Item.State),
		ID: it.Item.ID, Category: string(it.Item.Category), Service: it.Item.Service, Filing: it.Item.Filing,
		Format: it.Item.Format, LabelState: it.Item.LabelState, Verdict: it.Item.Verdict, Harmful: it.Harmful,
	}
	for _, h := range it.RuleHits {
		mi.RuleHits = append(mi.RuleHits, ManifestRuleHit{RuleID: h.RuleID, Version: h.RuleVersion, Severity: h.Severity})
	}
	for _, dc := range it.Decisions {
		sanction := string(dc.Sanction)
		mi.Decisions = append(mi.Decisions, ManifestDecision{Actor: dc.Actor, Outcome: string(dc.Outcome),
			Reasons: dc.Reasons, Sanction: sanction, At: timeText(dc.At), UndoneAt: timeText(dc.UndoneAt)})
	}
	for _, c := range it.Copies {
		mi.LabelledSHA256 = append(mi.LabelledSHA256, c.SHA256)
		mi.Copies = append(mi.Copies, ManifestCopy{SHA256: c.SHA256, Format: c.Format, Marks: c.Marks, At: timeText(c.At)})
	}
	return mi
}
