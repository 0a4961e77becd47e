package rules

import (
	"context"
	"sync/atomic"
	"time"

	"synthreview/marking"
	"synthreview/review"
)

// Engine runs the approved rule set at intake. It satisfies app/intake's
// Rules interface. The set can be swapped while intake runs (a newly
// approved rules file) with Use; each item is judged by one set throughout.
type Engine struct {
	set atomic.Pointer[RuleSet]
	// Lookup fills what the registries and the output bytes know: each
	// ConsentRef's Record, RealName, Assessment.Record, RecipientLogID,
	// TextOutput and PDQ. A fact it cannot find stays nil, which the rules
	// treat as "not on record" and so route the item to people. Optional.
	Lookup func(ctx context.Context, in *Input)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// NewEngine returns an engine using rs.
func NewEngine(rs *RuleSet) *Engine {
	e := &Engine{}
	e.set.Store(rs)
	return e
}

// Use makes rs the set for items judged from now on.
func (e *Engine) Use(rs *RuleSet) { e.set.Store(rs) }

// Set returns the set in use.
func (e *Engine) Set() *RuleSet { return e.set.Load() }

// Evaluate judges one generation and its scan report: the hits, the queue
// and priority, whether the machine clears it, and the rule-set version.
func (e *Engine) Evaluate(ctx context.Context, g review.Generation, rep marking.Report) (hits []review.RuleHit, queue string, priority int, clear bool, version string) {
	rs := e.set.Load()
	in := FromIntake(g, rep)
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	in.Now = now()
	if e.Lookup != nil {
		e.Lookup(ctx, &in)
	}
	hits = rs.Evaluate(in)
	d := rs.Route(in.ProduceID, hits)
	return hits, d.Queue, d.Priority, d.Outcome == Clear, rs.Version
}

// Judge is Evaluate for a caller that has built the Input itself (the
// consent-withdrawal re-check): the hits and the full routing decision.
func (e *Engine) Judge(in Input) ([]review.RuleHit, Decision) {
	rs := e.set.Load()
	hits := rs.Evaluate(in)
	return hits, rs.Route(in.ProduceID, hits)
}
