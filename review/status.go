package review

import (
	"context"
	"time"
)

// Status is the workspace summary that `status --json` prints and the main
// window shows.
type Status struct {
	Workspace    string        `json:"workspace"`
	Items        int           `json:"items"`
	ByState      map[State]int `json:"by_state"`
	IntakeErrors int           `json:"intake_errors"`
	Events       int64         `json:"events"`
	ChainHead    string        `json:"chain_head"`
	Accounts     int           `json:"accounts"`
	Complaints   int           `json:"complaints"`
	Consents     int           `json:"consents"`
	// OutboxUnacked counts actions the platform has not acknowledged yet;
	// OutboxOverdue those of them older than OutboxAckLimit.
	OutboxUnacked int `json:"outbox_unacknowledged"`
	OutboxOverdue int `json:"outbox_overdue"`
	// LastCheckpoint is the time of the newest signed chain-head checkpoint,
	// RFC 3339, or empty when there is none yet.
	LastCheckpoint string `json:"last_checkpoint"`
}

// OutboxAckLimit is how long the platform may take to acknowledge an
// action before the workstation flags it.
const OutboxAckLimit = 24 * time.Hour

// StatusReader reads the workspace summary. It works while another process
// writes (WAL readers never block).
type StatusReader interface {
	Status(ctx context.Context) (Status, error)
}
