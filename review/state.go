package review

// State is where an item stands in review. The allowed moves between states
// are in transitions; nothing outside this package decides them.
type State string

// The item states.
const (
	StateQueued     State = "queued"     // waiting in the live queue
	StateEscalated  State = "escalated"  // waiting in the escalation queue for a senior reviewer
	StateInReview   State = "in_review"  // claimed by a reviewer under a lease
	StateHeld       State = "held"       // on hold, waiting for information
	StateApproved   State = "approved"   // approved as it is
	StateRelabelled State = "relabelled" // approved after writing the missing marks into a labelled copy
	StateRejected   State = "rejected"   // rejected (taken down), with reason codes
	StateCleared    State = "cleared"    // machine decision: no rule hit and not sampled for human review
)

// States lists every state in display order.
var States = []State{StateQueued, StateEscalated, StateInReview, StateHeld,
	StateApproved, StateRelabelled, StateRejected, StateCleared}
