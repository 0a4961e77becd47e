// Package report makes SynthReview's signed PDF documents (issue 10: the
// audit package; issue 11: the reviewer assessment): layout with
// go-pdf/fpdf, a CMS detached signature with digitorus/pdfsign, an embedded
// JSON manifest, and the checks `synthreview verify` runs. It is
// presentation without a screen: it takes plain data (this file), words
// codes exactly as the screens do (assets/translations), and never reads
// the workspace.
//
// Forbidden imports (style.md §2): Fyne, database/sql, modernc.org/...,
// synthreview/store/..., synthreview/app.
package report

import (
	"time"

	"synthreview/review"
)

// ManifestSchema names the embedded manifest's format.
const ManifestSchema = "synthreview.audit-package/v1"

// ManifestName is the attachment's file name inside the PDF.
const ManifestName = "manifest.json"

// Audit is everything an audit package shows, gathered by the caller
// (app) from the workspace for one period. Personal data arrives already
// masked (review.Mask); the package never unmasks.
type Audit struct {
	Provider review.Provider  // company name, USCC, producer codes
	Services []review.Service // with their filing numbers (DSP Art. 19)
	From, To time.Time        // the period: first and last day, both included, at midnight in Zone
	Zone     *time.Location   // the workspace's time zone (dates on the cover)

	ExportedBy string    // the manager or admin who exports
	ExportedAt time.Time // when
	Workspace  string    // the workspace's name (folder base name)

	// Head is the chain head read before the export: the package proves
	// the log up to here. The export's own event (recorded after the file
	// is written) holds the package's SHA-256.
	Head review.Event

	Summary Summary

	// Items are the items with evidence pages: all items in scope, or a
	// sample of them when Sampled (SampleNote says how it was drawn).
	Items      []AuditItem
	ItemsTotal int // items in scope before sampling
	// Scope lists every item in scope with the SHA-256 of its original
	// and labelled copies — also the ones without an evidence page — so
	// the manifest accounts for every file (issue 10).
	Scope      []ScopeFile
	Sampled    bool
	SampleNote string

	Complaints []review.Complaint // the period's complaints, contact and text masked
	Consents   []review.Consent   // consent records with their state, names masked

	// Events are the period's events, every column (payloads hold no
	// personal data: design.md). After are the events from the end of the
	// period up to Head, so a reader can chain the period to the head.
	Events []review.Event
	After  []review.Event
	// Checkpoints are the signed chain heads (audit.checkpoint events) up
	// to Head, with the certificates that signed them.
	Checkpoints []Checkpoint
}

// Summary holds the period's figures, live work only: training, hidden
// gold and calibration reviews (issue 11) are counted apart in Practice.
type Summary struct {
	ItemsByCategory    map[review.Category]int `json:"items_by_category"`
	DecisionsByOutcome map[review.Outcome]int  `json:"decisions_by_outcome"`
	DecisionsByReason  map[string]int          `json:"decisions_by_reason"` // reason code → decisions citing it
	// Sampling: items routed to a reviewer vs cleared by the machine
	// (review/rules routing), and the configured sampling rate.
	Routed       int     `json:"routed"`
	Cleared      int     `json:"cleared"`
	SamplingRate float64 `json:"sampling_rate"` // 0–1
	// Label compliance of the items in scope: how many of Total carry a
	// valid implicit label, a visible label where required (of
	// ExplicitRequired), and a detected watermark.
	Labels LabelCompliance `json:"labels"`
	// RuleHits counts hits by rule id and rule-set version.
	RuleHits []RuleCount `json:"rule_hits"`
	// Complaints: received, answered within the time limit, answered late,
	// open and overdue (DSP Art. 12).
	Complaints ComplaintCounts `json:"complaints"`
	// ConsentsByState: valid, expired, withdrawn.
	ConsentsByState map[string]int `json:"consents_by_state"`
	// Practice counts training, hidden-gold and calibration reviews,
	// reported apart from live work (0 until issue 11).
	Practice map[string]int `json:"practice,omitempty"`
}

// LabelCompliance counts marks over the items in scope.
type LabelCompliance struct {
	Total            int `json:"total"`
	Implicit         int `json:"implicit"`          // conforming implicit label
	ExplicitRequired int `json:"explicit_required"` // items whose category needs a visible label (DSP Art. 17)
	Explicit         int `json:"explicit"`          // of those, with one found at ≥ 5 %
	Watermark        int `json:"watermark"`         // watermark detected
}

// RuleCount is one rule's hits in the period.
type RuleCount struct {
	RuleID   string `json:"rule_id"`
	Version  string `json:"version"`
	Severity string `json:"severity"`
	Hits     int    `json:"hits"`
}

// ComplaintCounts summarises complaint handling against the time limit.
type ComplaintCounts struct {
	Received int `json:"received"`
	OnTime   int `json:"on_time"`
	Late     int `json:"late"`
	Open     int `json:"open"`
	Overdue  int `json:"overdue"`
}

// AuditItem is one item's evidence page.
type AuditItem struct {
	Item      review.Item // Prompt is not shown (personal data may be inside)
	Thumbnail []byte      // JPEG, at most 320 px on the longer side; nil when none
	Harmful   bool        // blurred on the page (the caller blurs Thumbnail)
	Scan      string      // the scan report (`scan --json`)
	RuleHits  []review.RuleHit
	Decisions []review.Decision // with reviewers and times, undone ones marked
	Copies    []review.LabelledCopy
}

// ScopeFile is one item in scope and its files.
type ScopeFile struct {
	ProduceID      string   `json:"produce_id"`
	ObjectSHA256   string   `json:"object_sha256"`
	LabelledSHA256 []string `json:"labelled_sha256,omitempty"`
	State          string   `json:"state"`
}

// Checkpoint is a signed chain head as the log records it.
type Checkpoint struct {
	Event       review.Event // the audit.checkpoint event (payload: head_seq, head_hash, signature, cert_sha256)
	Certificate []byte       // DER of the certificate that signed it, when the workspace still has it
}

// Manifest is the JSON file embedded in the PDF: what the package holds,
// in a form a program can check. Every original and labelled copy is
// listed with its SHA-256.
type Manifest struct {
	Schema      string               `json:"schema"`
	Kind        string               `json:"kind"` // "audit" or "assessment"
	Workspace   string               `json:"workspace"`
	From        string               `json:"from,omitempty"` // YYYY-MM-DD
	To          string               `json:"to,omitempty"`
	ExportedBy  string               `json:"exported_by"`
	ExportedAt  string               `json:"exported_at"` // RFC 3339
	Head        EventRef             `json:"head"`
	Items       []ManifestItem       `json:"items,omitempty"`
	Scope       []ScopeFile          `json:"scope,omitempty"` // every item in scope, sampled or not
	ItemsTotal  int                  `json:"items_total,omitempty"`
	Sampled     bool                 `json:"sampled,omitempty"`
	SampleNote  string               `json:"sample_note,omitempty"`
	Events      []ManifestEvent      `json:"events"`       // the period's events, every column
	After       []ManifestEvent      `json:"events_after"` // from the period's end to the head
	Checkpoints []ManifestCheckpoint `json:"checkpoints"`
	Summary     Summary              `json:"summary"`

	// Added for issue 10: the rest of what the pages show, so that a
	// program sees everything a reader sees.
	Language   string              `json:"language,omitempty"` // the pages' language: "zh" or "en"
	Zone       string              `json:"zone,omitempty"`     // the workspace's time zone (IANA name)
	Provider   ManifestProvider    `json:"provider"`
	Services   []ManifestService   `json:"services,omitempty"`
	Complaints []ManifestComplaint `json:"complaints,omitempty"` // personal data masked
	Consents   []ManifestConsent   `json:"consents,omitempty"`   // personal data masked
}

// ManifestProvider names the company the package is about.
type ManifestProvider struct {
	Name string `json:"name"`
	USCC string `json:"uscc,omitempty"`
}

// ManifestService is a generation service and its algorithm filing.
type ManifestService struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Filing   string `json:"filing,omitempty"`
	Model    string `json:"model,omitempty"`
}

// ManifestRuleHit is one rule hit on an item.
type ManifestRuleHit struct {
	RuleID   string `json:"rule_id"`
	Version  string `json:"version"`
	Severity string `json:"severity"`
}

// ManifestDecision is one decision on an item.
type ManifestDecision struct {
	Actor    string   `json:"actor"`
	Outcome  string   `json:"outcome"`
	Reasons  []string `json:"reasons,omitempty"`
	Sanction string   `json:"sanction,omitempty"`
	At       string   `json:"at"`                  // RFC 3339, UTC, milliseconds
	UndoneAt string   `json:"undone_at,omitempty"` // set when the decision was taken back
}

// ManifestCopy is one labelled copy of an item.
type ManifestCopy struct {
	SHA256 string   `json:"sha256"`
	Format string   `json:"format,omitempty"`
	Marks  []string `json:"marks,omitempty"`
	At     string   `json:"at,omitempty"`
}

// ManifestComplaint is one row of the complaint register, masked.
type ManifestComplaint struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Channel    string `json:"channel"`
	Contact    string `json:"contact,omitempty"` // masked
	Category   string `json:"category"`
	ItemID     int64  `json:"item_id,omitempty"`
	ProduceID  string `json:"produce_id,omitempty"`
	ReceivedAt string `json:"received_at"`
	DueAt      string `json:"due_at,omitempty"`
	Status     string `json:"status"`
	Overdue    bool   `json:"overdue,omitempty"` // still open after its due time at export
}

// ManifestConsent is one row of the consent register, masked.
type ManifestConsent struct {
	ID             string `json:"id"`
	SubjectID      string `json:"subject_id,omitempty"`
	SubjectName    string `json:"subject_name,omitempty"` // masked
	Scope          string `json:"scope"`
	NoticeVersion  string `json:"notice_version,omitempty"`
	Channel        string `json:"channel,omitempty"`
	GrantedAt      string `json:"granted_at"`
	ExpiresAt      string `json:"expires_at,omitempty"`
	WithdrawnAt    string `json:"withdrawn_at,omitempty"`
	EvidenceSHA256 string `json:"evidence_sha256,omitempty"`
	State          string `json:"state"` // valid, expired or withdrawn at export
}

// EventRef names one event by sequence number and hash.
type EventRef struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// ManifestItem lists one item's files.
type ManifestItem struct {
	ProduceID      string   `json:"produce_id"`
	ObjectSHA256   string   `json:"object_sha256"`
	LabelledSHA256 []string `json:"labelled_sha256,omitempty"`
	State          string   `json:"state"`

	ID         int64              `json:"id,omitempty"`
	Category   string             `json:"category,omitempty"`
	Service    string             `json:"service,omitempty"`
	Filing     string             `json:"filing,omitempty"`
	Format     string             `json:"format,omitempty"`
	LabelState string             `json:"label_state,omitempty"`
	Verdict    string             `json:"verdict,omitempty"`
	Harmful    bool               `json:"harmful,omitempty"` // thumbnail blurred on the page
	RuleHits   []ManifestRuleHit  `json:"rule_hits,omitempty"`
	Decisions  []ManifestDecision `json:"decisions,omitempty"`
	Copies     []ManifestCopy     `json:"copies,omitempty"`
}

// ManifestEvent is an event with every column, so its hash can be
// recomputed (docs/audit-log.md).
type ManifestEvent struct {
	Seq      int64  `json:"seq"`
	At       string `json:"at"`
	Actor    string `json:"actor"`
	Kind     string `json:"kind"`
	Subject  string `json:"subject"`
	Payload  string `json:"payload"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// ManifestCheckpoint is a signed head with its certificate (base64 DER).
type ManifestCheckpoint struct {
	Event       ManifestEvent `json:"event"`
	Certificate string        `json:"certificate,omitempty"`
}
