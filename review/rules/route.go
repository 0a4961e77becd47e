package rules

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"

	"synthreview/review"
)

// Decision outcomes.
const (
	ToQueue = "queue" // people review it
	Clear   = "clear" // a recorded machine decision (review.MoveClear)
)

// Decision reasons.
const (
	ReasonRuleHit = "rule-hit"      // a hit at or above Routing.MinSeverity
	ReasonSampled = "sampled"       // no such hit, but drawn by the sample
	ReasonClear   = "machine-clear" // no such hit and not drawn
)

// Decision is where an item goes after its rules ran. It is recorded with
// the item (as JSON, in the intake event) so the audit can state which rule
// set and sampling rate decided it.
type Decision struct {
	Outcome        string   `json:"outcome"` // ToQueue or Clear
	Reason         string   `json:"reason"`  // ReasonRuleHit, ReasonSampled, ReasonClear
	Queue          string   `json:"queue,omitempty"`
	Priority       int      `json:"priority"`
	Severity       string   `json:"severity,omitempty"` // highest routing severity
	Rules          []string `json:"rules,omitempty"`    // ids of the routing hits
	RuleSetVersion string   `json:"ruleset_version"`
	SampleRate     float64  `json:"sample_rate"`
	SampleDraw     float64  `json:"sample_draw"` // in [0, 1); sampled when below the rate
}

// Draw returns the item's sampling draw in [0, 1): the first 53 bits of
// SHA-256(seed, 0x00, produceID). It depends on nothing else, so a re-run
// gives the same draw and anyone holding the seed can check it.
func (s Sampling) Draw(produceID string) float64 {
	h := sha256.New()
	h.Write([]byte(s.Seed))
	h.Write([]byte{0})
	h.Write([]byte(produceID))
	sum := h.Sum(nil)
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}

// Sampled reports whether an item with no routing hit goes to people.
func (s Sampling) Sampled(produceID string) bool { return s.Draw(produceID) < s.Rate }

// Route decides an item's queue and priority from its hits. Hits at or
// above Routing.MinSeverity route it: to escalation if any of their rules
// says so, else live, at the highest of their rules' priorities. Without
// such a hit the item is sampled at Sampling.Rate, and otherwise cleared by
// the machine. Hits of rules not in the set (a stale hit) route at their
// own severity to the live queue.
func (rs *RuleSet) Route(produceID string, hits []review.RuleHit) Decision {
	d := Decision{RuleSetVersion: rs.Version, SampleRate: rs.Sampling.Rate, SampleDraw: rs.Sampling.Draw(produceID)}
	minSev := rs.Routing.MinSeverity
	if minSev == "" {
		minSev = "warning"
	}
	floor := SeverityRank(minSev)
	best := -1
	for _, h := range hits {
		sev := SeverityRank(h.Severity)
		if sev < floor {
			continue
		}
		queue, prio := review.QueueLive, 0
		if r, ok := rs.Rule(h.RuleID); ok {
			queue, prio = r.Queue, r.Priority
		}
		if d.Queue != review.QueueEscalation {
			d.Queue = queue
		}
		d.Priority = max(d.Priority, prio)
		if sev > best {
			best, d.Severity = sev, h.Severity
		}
		if !slices.Contains(d.Rules, h.RuleID) {
			d.Rules = append(d.Rules, h.RuleID)
		}
	}
	switch {
	case len(d.Rules) > 0:
		d.Outcome, d.Reason = ToQueue, ReasonRuleHit
	case d.SampleDraw < rs.Sampling.Rate:
		d.Outcome, d.Reason = ToQueue, ReasonSampled
		d.Queue, d.Priority = rs.Sampling.Queue, rs.Sampling.Priority
		if d.Queue == "" {
			d.Queue = review.QueueLive
		}
	default:
		d.Outcome, d.Reason = Clear, ReasonClear
	}
	return d
}

// Move returns the item move intake applies after recording the item:
// review.MoveClear for a machine clear, "" for an item that stays queued.
func (d Decision) Move() review.Move {
	if d.Outcome == Clear {
		return review.MoveClear
	}
	return ""
}

// ConsentFailed reports whether hits include a routing hit of a
// biometric-consent rule: after a consent is withdrawn, an item that relied
// on it and now fails this way is re-opened (review.MoveReopen; DSP 14,
// PIPL 15 and 29).
func (rs *RuleSet) ConsentFailed(hits []review.RuleHit) bool {
	floor := SeverityRank(rs.Routing.MinSeverity)
	if rs.Routing.MinSeverity == "" {
		floor = SeverityRank("warning")
	}
	for _, h := range hits {
		if r, ok := rs.Rule(h.RuleID); ok && r.Kind == KindBiometricConsent && SeverityRank(h.Severity) >= floor {
			return true
		}
	}
	return false
}
