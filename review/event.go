package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Event is one row of the audit log (design.md, "The event log"). Payload is
// JSON text, never empty, and never holds personal data: events refer to
// records by id and carry keyed hashes (PersonalHash) of personal fields.
type Event struct {
	Seq      int64
	At       time.Time
	Actor    string // an account name, or "system"
	Kind     string // e.g. "item.decided"
	Subject  string // e.g. "item:42"
	Payload  string
	PrevHash string
	Hash     string
}

// GenesisHash is the prev_hash of the first event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeFormat is how every timestamp is written: UTC, RFC 3339, milliseconds.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// FormatTime writes t in TimeFormat.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// EventHash computes an event's hash from its other columns, in the
// canonical encoding documented for auditors (docs/audit-log.md):
//
//	SHA-256( "synthreview-event-v1\n" ‖ F(seq) ‖ F(at) ‖ F(actor) ‖ F(kind) ‖
//	         F(subject) ‖ F(payload) ‖ F(prev_hash) )
//
// where F(x) is the decimal byte length of x's UTF-8 text, ":", the text
// itself and "\n"; seq is written in decimal and at in TimeFormat. The
// length prefixes make the encoding unambiguous whatever the fields hold.
func EventHash(seq int64, at, actor, kind, subject, payload, prevHash string) string {
	h := sha256.New()
	h.Write([]byte("synthreview-event-v1\n"))
	var buf []byte
	for _, f := range [...]string{strconv.FormatInt(seq, 10), at, actor, kind, subject, payload, prevHash} {
		buf = strconv.AppendInt(buf[:0], int64(len(f)), 10)
		buf = append(buf, ':')
		h.Write(buf)
		h.Write([]byte(f))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ChainError reports the first event whose hash or link does not match.
type ChainError struct {
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	return "event " + strconv.FormatInt(e.Seq, 10) + ": " + e.Reason
}

// ChainVerifier checks events one by one, in sequence order. It holds only
// the previous hash, so a million events verify in constant memory.
type ChainVerifier struct {
	next int64
	prev string
	n    int64
}

// NewChainVerifier starts a verification at the first event.
func NewChainVerifier() *ChainVerifier { return &ChainVerifier{next: 1, prev: GenesisHash} }

// Add checks the next event: its seq follows without a gap, its prev_hash is
// the previous event's hash, and its hash covers all its other columns.
// at is the column's stored text (not re-formatted), so an edit is caught.
func (v *ChainVerifier) Add(seq int64, at, actor, kind, subject, payload, prevHash, hash string) error {
	switch {
	case seq != v.next:
		return &ChainError{Seq: seq, Reason: "sequence gap: expected " + strconv.FormatInt(v.next, 10)}
	case payload == "":
		return &ChainError{Seq: seq, Reason: "empty payload"}
	case prevHash != v.prev:
		return &ChainError{Seq: seq, Reason: "prev_hash does not match the hash of the event before it"}
	case EventHash(seq, at, actor, kind, subject, payload, prevHash) != hash:
		return &ChainError{Seq: seq, Reason: "hash does not match the row's contents"}
	}
	v.next++
	v.prev = hash
	v.n++
	return nil
}

// Head returns the number of events checked and the last hash.
func (v *ChainVerifier) Head() (int64, string) { return v.n, v.prev }

// EventLog reads the audit log.
type EventLog interface {
	// Verify walks the whole chain; the error is a *ChainError for a bad row.
	Verify(ctx context.Context, progress func(done, total int64)) (n int64, head string, err error)
	// EventsFor returns the events of one subject, oldest first.
	EventsFor(ctx context.Context, subject string) ([]Event, error)
}
