package review

import (
	"regexp"
	"slices"
	"time"
)

// Category is a service category of DSP Art. 17 (design.md, inbox contract).
type Category string

// Categories lists the service categories in the order of design.md.
var Categories = []Category{"text_dialogue", "text_writing", "speech_synthesis", "voice_clone",
	"face_generation", "face_swap", "face_edit", "pose_edit", "image_generation", "image_edit",
	"video_generation", "scene_generation", "other"}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Biometric reports whether the category edits or imitates a person's face
// or voice, so that separate consent of the person edited is required
// (DSP Art. 14, PIPL Arts. 29–31).
func (c Category) Biometric() bool {
	switch c {
	case "voice_clone", "face_swap", "face_edit", "pose_edit":
		return true
	}
	return false
}

// NeedsExplicitLabel reports whether outputs of the category must carry a
// visible (explicit) label: DSP Art. 17 items (1)–(4); "other" and
// image_generation/image_edit fall under (5), "significant change", which the
// provider's rules decide.
func (c Category) NeedsExplicitLabel() bool {
	switch c {
	case "text_dialogue", "text_writing", "speech_synthesis", "voice_clone", "face_generation",
		"face_swap", "face_edit", "pose_edit", "scene_generation", "video_generation":
		return true
	}
	return false
}

// Queue names.
const (
	QueueLive       = "live"
	QueueEscalation = "escalation"
)

// Item is one generated output under review.
type Item struct {
	ID           int64
	ProduceID    string
	Format       string // sniffed container ("png", "jpeg", "text", …)
	ObjectSHA256 string // content address of the original in objects/
	Size         int64
	Category     Category
	Service      string
	Model        string
	Filing       string // algorithm filing number (DSP Art. 19)
	UserID       string // the provider's platform user id (pseudonymous)
	Prompt       string // personal data may be inside: erasable
	CreatedAt    time.Time
	ReceivedAt   time.Time
	State        State
	Queue        string // live or escalation: where a released claim returns
	LabelState   string // confirmed, possible, suspected, none (from marking)
	Verdict      string // conforming, nonconforming, unlabelled
	ClaimedBy    string
	LeaseUntil   time.Time
	Priority     int
}

var produceID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// ValidateProduceID checks a ProduceID taken from outside.
func ValidateProduceID(id string) error {
	if !produceID.MatchString(id) {
		return Errorf(EINVALID, "ProduceID %q: 1–128 characters of A–Z, a–z, 0–9, '.', '_', ':' or '-'", id)
	}
	return nil
}

// Validate checks an item before it is stored.
func (it Item) Validate() error {
	if err := ValidateProduceID(it.ProduceID); err != nil {
		return err
	}
	if !it.Category.Valid() {
		return Errorf(EINVALID, "item %s: unknown service category %q", it.ProduceID, it.Category)
	}
	if len(it.ObjectSHA256) != 64 {
		return Errorf(EINVALID, "item %s: object hash must be 64 hex digits", it.ProduceID)
	}
	if !slices.Contains(States, it.State) {
		return Errorf(EINVALID, "item %s: unknown state %q", it.ProduceID, it.State)
	}
	if it.Queue != QueueLive && it.Queue != QueueEscalation {
		return Errorf(EINVALID, "item %s: unknown queue %q", it.ProduceID, it.Queue)
	}
	return nil
}

// Move is a change of an item's state.
type Move string

// The moves.
const (
	MoveClaim    Move = "claim"    // a reviewer takes the item under a lease
	MoveRelease  Move = "release"  // skip or lapsed lease: back to its queue
	MoveApprove  Move = "approve"  // approve as it is
	MoveRelabel  Move = "relabel"  // approve after writing the missing marks
	MoveReject   Move = "reject"   // reject with reason codes
	MoveEscalate Move = "escalate" // to the escalation queue
	MoveHold     Move = "hold"     // wait for information
	MoveResume   Move = "resume"   // a held item goes back to its queue
	MoveAppeal   Move = "appeal"   // a decided item is contested: escalation queue
	MoveReopen   Move = "reopen"   // consent withdrawn or decision overturned: live queue
	MoveClear    Move = "clear"    // machine decision for items not sampled
)

var decided = []State{StateApproved, StateRelabelled, StateRejected, StateCleared}

// Next returns the state after applying m to an item in state s, in queue q,
// or an EINVALID error naming the forbidden move.
func Next(s State, q string, m Move) (State, error) {
	back := StateQueued
	if q == QueueEscalation {
		back = StateEscalated
	}
	switch {
	case m == MoveClaim && (s == StateQueued || s == StateEscalated):
		return StateInReview, nil
	case m == MoveRelease && s == StateInReview:
		return back, nil
	case s == StateInReview:
		switch m {
		case MoveApprove:
			return StateApproved, nil
		case MoveRelabel:
			return StateRelabelled, nil
		case MoveReject:
			return StateRejected, nil
		case MoveEscalate:
			return StateEscalated, nil
		case MoveHold:
			return StateHeld, nil
		}
	case m == MoveResume && s == StateHeld:
		return back, nil
	case m == MoveAppeal && slices.Contains(decided, s):
		return StateEscalated, nil
	case m == MoveReopen && slices.Contains(decided, s):
		return StateQueued, nil
	case m == MoveClear && s == StateQueued:
		return StateCleared, nil
	}
	return s, Errorf(EINVALID, "cannot %s an item that is %s", m, s)
}

// QueueAfter returns the queue an item is in after move m.
func QueueAfter(q string, m Move) string {
	switch m {
	case MoveEscalate, MoveAppeal:
		return QueueEscalation
	case MoveReopen:
		return QueueLive
	}
	return q
}

// ClaimAction is the action a claim from queue q needs.
func ClaimAction(q string) Action {
	if q == QueueEscalation {
		return ActClaimEscalated
	}
	return ActClaim
}
