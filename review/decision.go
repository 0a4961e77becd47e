package review

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Outcome is what a reviewer decides about an item.
type Outcome string

// The outcomes.
const (
	OutcomeApprove        Outcome = "approve"
	OutcomeApproveRelabel Outcome = "approve_relabel"
	OutcomeReject         Outcome = "reject"
	OutcomeEscalate       Outcome = "escalate"
	OutcomeHold           Outcome = "hold"
	OutcomeSkip           Outcome = "skip"
)

// Outcomes lists the outcomes in the order of the decision bar.
var Outcomes = []Outcome{OutcomeApprove, OutcomeApproveRelabel, OutcomeReject, OutcomeEscalate, OutcomeHold, OutcomeSkip}

// Move returns the state move an outcome makes.
func (o Outcome) Move() Move {
	switch o {
	case OutcomeApprove:
		return MoveApprove
	case OutcomeApproveRelabel:
		return MoveRelabel
	case OutcomeReject:
		return MoveReject
	case OutcomeEscalate:
		return MoveEscalate
	case OutcomeHold:
		return MoveHold
	}
	return MoveRelease
}

// Sanction is a step of DSP Art. 10's ladder against the user who produced
// the content: warn → restrict → suspend → close.
type Sanction string

// The sanctions, mildest first; SanctionNone means none.
const (
	SanctionNone     Sanction = ""
	SanctionWarn     Sanction = "warn"
	SanctionRestrict Sanction = "restrict"
	SanctionSuspend  Sanction = "suspend"
	SanctionClose    Sanction = "close"
)

// Sanctions lists the ladder, mildest first.
var Sanctions = []Sanction{SanctionWarn, SanctionRestrict, SanctionSuspend, SanctionClose}

// MaxNoteLen bounds a note, in characters.
const MaxNoteLen = 4000

// Decision is one reviewer's decision on one item.
type Decision struct {
	ID       int64
	ItemID   int64
	Actor    string
	Outcome  Outcome
	Reasons  []string
	Note     string
	Sanction Sanction
	At       time.Time
	// UndoneAt is when the reviewer took the decision back (zero: it
	// stands). The row stays; the undo is its own event.
	UndoneAt time.Time
}

// Validate applies the decision rules: rejecting needs at least one reason
// code; escalating and skipping need a note (the reason, in words); a
// sanction only goes with a rejection; reason codes must be known.
func (d Decision) Validate() error {
	if !slices.Contains(Outcomes, d.Outcome) {
		return Errorf(EINVALID, "unknown outcome %q", d.Outcome)
	}
	for _, c := range d.Reasons {
		if _, ok := LookupReason(c); !ok {
			return Errorf(EINVALID, "unknown reason code %q", c)
		}
	}
	if !utf8.ValidString(d.Note) || utf8.RuneCountInString(d.Note) > MaxNoteLen {
		return Errorf(EINVALID, "note must be valid text of at most %d characters", MaxNoteLen)
	}
	note := strings.TrimSpace(d.Note)
	switch d.Outcome {
	case OutcomeReject:
		if len(d.Reasons) == 0 {
			return Errorf(EINVALID, "a rejection needs at least one reason code")
		}
	case OutcomeEscalate, OutcomeSkip:
		if note == "" && len(d.Reasons) == 0 {
			return Errorf(EINVALID, "%s needs a note saying why", d.Outcome)
		}
	}
	if d.Sanction != SanctionNone {
		if !slices.Contains(Sanctions, d.Sanction) {
			return Errorf(EINVALID, "unknown sanction %q", d.Sanction)
		}
		if d.Outcome != OutcomeReject {
			return Errorf(EINVALID, "a sanction on the user goes only with a rejection")
		}
	}
	return nil
}
