package review

import (
	"context"
	"time"
)

// RuleHit is one rule that fired on an item, with its evidence.
type RuleHit struct {
	RuleID      string
	RuleVersion string
	Severity    string // info, warning, error, critical
	Evidence    string // JSON: the span, box, bank entry or record that fired it
}

// NewItem is what intake (or the demo) records for one generated output.
type NewItem struct {
	Item       Item
	ScanReport string // the marking report as JSON
	RuleHits   []RuleHit
	ConsentIDs []string // consent records the generation relied on
	Sidecar    string   // the generation record as JSON, prompt removed
	// WatermarkDigest is the 64-bit watermark digest of the ProduceID, so a
	// watermark read later can be resolved to it.
	WatermarkDigest string
}

// ItemStore keeps items. CreateItem returns ECONFLICT for a ProduceID
// already stored.
type ItemStore interface {
	CreateItem(ctx context.Context, actor string, n NewItem) (Item, error)
	Item(ctx context.Context, id int64) (Item, error)
}

// QueueStore claims and decides items. Claim returns ENOTFOUND when the
// queue is empty; Apply returns ECONFLICT when the item is no longer claimed
// by actor (its lease lapsed and someone else took it).
type QueueStore interface {
	Claim(ctx context.Context, actor, queue string, lease time.Duration) (Item, error)
	Apply(ctx context.Context, actor string, itemID int64, d Decision) (Item, error)
}

// DefaultLease is how long a claim lasts without activity.
const DefaultLease = 10 * time.Minute

// Queue is the review service: role checks, then the store.
type Queue struct {
	Store QueueStore
	Lease time.Duration
	// Certs, when set, enforces certification gates (issue 11): a claim on
	// a queue with a gate needs the actor certified for it. Nil enforces
	// none.
	Certs Certifier
}

// Next claims the next item of queue for actor. EFORBIDDEN when actor's
// role may not work the queue, or the queue has a certification gate and
// actor is not certified for it (managers included).
func (q Queue) Next(ctx context.Context, actor Account, queue string) (Item, error) {
	if err := admit(ctx, q.Certs, actor, queue); err != nil {
		return Item{}, err
	}
	lease := q.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	return q.Store.Claim(ctx, actor.Name, queue, lease)
}

// admit checks that actor may claim queue's items: the role first, then
// the queue's certification gate (c nil: no gates).
func admit(ctx context.Context, c Certifier, actor Account, queue string) error {
	if err := Require(actor, ClaimAction(queue)); err != nil {
		return err
	}
	return requireCertified(ctx, c, actor, queue)
}

// Decide records actor's decision on an item actor has claimed.
func (q Queue) Decide(ctx context.Context, actor Account, itemID int64, d Decision) (Item, error) {
	if err := Require(actor, ActClaim); err != nil {
		return Item{}, err
	}
	if d.Outcome == OutcomeEscalate {
		if err := Require(actor, ActEscalate); err != nil {
			return Item{}, err
		}
	}
	d.Actor = actor.Name
	if err := d.Validate(); err != nil {
		return Item{}, err
	}
	return q.Store.Apply(ctx, actor.Name, itemID, d)
}
