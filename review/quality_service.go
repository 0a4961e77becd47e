package review

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// This file is the quality-control service behind the desk (see
// quality.go): Quality serves hidden gold and calibration samples on
// claims, answers them, and pauses a reviewer whose rolling accuracy on
// hidden gold falls under the queue's gate.

// QualityDeps is the storage Quality needs: shadow claims and samples,
// the gold and gates of training, the evidence of items and the settings.
type QualityDeps interface {
	QualityStore
	Gates(ctx context.Context) ([]Gate, error)
	Certifications(ctx context.Context, reviewer string) ([]Certification, error)
	RevokeCertification(ctx context.Context, actor, reviewer, queue, reason string) error
	GoldItem(ctx context.Context, id int64) (GoldItem, error)
	Item(ctx context.Context, id int64) (Item, error)
	Evidence(ctx context.Context, id int64) (Evidence, error)
	Meta(ctx context.Context, key string) (string, error)
}

// Quality is hidden gold and calibration on the desk. The Desk calls it on
// every claim (Serve) and routes shadow item ids (negative) to it.
type Quality struct {
	Store QualityDeps
	Now   func() time.Time // nil: time.Now
	// Rand returns a number in [0, 1) for the share of claims that serve
	// hidden gold and of decisions sampled for calibration; nil:
	// math/rand/v2.
	Rand func() float64
}

var _ QualityReader = Quality{}

func (q Quality) now() time.Time {
	if q.Now == nil {
		return time.Now()
	}
	return q.Now()
}

func (q Quality) coin(percent float64) bool {
	if percent <= 0 {
		return false
	}
	r := rand.Float64
	if q.Rand != nil {
		r = q.Rand
	}
	return r()*100 < percent
}

// Settings returns the workspace's quality settings (trainers and
// managers).
func (q Quality) Settings(ctx context.Context, actor Account) (QualitySettings, error) {
	if err := Require(actor, ActSeeScores); err != nil {
		return QualitySettings{}, err
	}
	return ReadQualitySettings(ctx, q.Store.Meta)
}

// Serve decides whether a claim on queue serves a shadow item: a
// calibration sample waiting for a second review by someone other than its
// first reviewer (when calibration is on), else hidden gold
// for the set share of claims while live items wait (liveWaiting reports
// whether one does; gold served to an empty queue would give itself
// away). ok is false when the claim should take a live item. The caller
// has checked the role and the certification.
func (q Quality) Serve(ctx context.Context, actor Account, queue string, lease time.Duration,
	liveWaiting func(context.Context) (bool, error)) (it Item, ok bool, err error) {
	s, err := ReadQualitySettings(ctx, q.Store.Meta)
	if err != nil {
		return Item{}, false, err
	}
	if s.CalibrationPercent > 0 {
		c, err := q.Store.ServeCalibration(ctx, actor.Name, queue, lease)
		if err == nil {
			it, err := q.shadowItem(ctx, c)
			return it, err == nil, err
		} else if ErrorCode(err) != ENOTFOUND {
			return Item{}, false, err
		}
	}
	if !q.coin(s.HiddenGoldPercent) {
		return Item{}, false, nil
	}
	if waiting, err := liveWaiting(ctx); err != nil || !waiting {
		return Item{}, false, err
	}
	c, err := q.Store.ServeGold(ctx, actor.Name, queue, lease, rand.Uint64())
	if ErrorCode(err) == ENOTFOUND {
		return Item{}, false, nil
	} else if err != nil {
		return Item{}, false, err
	}
	it, err = q.shadowItem(ctx, c)
	return it, err == nil, err
}

// shadowItem is the item a shadow claim shows: its source item as if just
// claimed from the claim's queue, under the shadow id.
func (q Quality) shadowItem(ctx context.Context, c ShadowClaim) (Item, error) {
	it, err := q.Store.Item(ctx, c.ItemID)
	if err != nil {
		return Item{}, err
	}
	it.ID, it.State, it.Queue, it.ClaimedBy, it.LeaseUntil = ShadowItemID(c.ID), StateInReview, c.Queue, c.Reviewer, c.LeaseUntil
	if c.State != ShadowOpen {
		it.State = StateApproved // answered: no longer in review (the screen only needs "not in review")
	}
	return it, nil
}

// claim returns actor's shadow claim behind a shadow item id (EFORBIDDEN
// for someone else's: a reviewer cannot read gold by guessing ids).
func (q Quality) claim(ctx context.Context, actor Account, itemID int64) (ShadowClaim, error) {
	id := ShadowClaimID(itemID)
	if id == 0 {
		return ShadowClaim{}, Errorf(EINVALID, "item %d is not a shadow item", itemID)
	}
	c, err := q.Store.ShadowClaim(ctx, id)
	if err != nil {
		return ShadowClaim{}, err
	}
	if c.Reviewer != actor.Name {
		return ShadowClaim{}, Errorf(EFORBIDDEN, "item %d is not held by %s", itemID, actor.Name)
	}
	return c, nil
}

// Item returns a shadow item as its reviewer sees it.
func (q Quality) Item(ctx context.Context, actor Account, itemID int64) (Item, error) {
	c, err := q.claim(ctx, actor, itemID)
	if err != nil {
		return Item{}, err
	}
	return q.shadowItem(ctx, c)
}

// Evidence is what the evidence view shows of a shadow item: its source
// item's evidence without decisions, copies, complaints or anything logged
// from its first claim on, as a live item just claimed would show it.
func (q Quality) Evidence(ctx context.Context, actor Account, itemID int64) (Evidence, error) {
	c, err := q.claim(ctx, actor, itemID)
	if err != nil {
		return Evidence{}, err
	}
	ev, err := q.Store.Evidence(ctx, c.ItemID)
	if err != nil {
		return Evidence{}, err
	}
	events := ev.Events
	ev = stripEvidence(ev, c.Queue)
	if ev.Item, err = q.shadowItem(ctx, c); err != nil {
		return Evidence{}, err
	}
	for _, e := range events {
		if e.Kind == "item.claimed" || e.Kind == "item.decided" || e.Kind == "item.cleared" {
			break
		}
		ev.Events = append(ev.Events, e)
	}
	return ev, nil
}

// Decide answers a shadow item. Skip and hold give it back unanswered (a
// skipped one is not served to actor again); any other decision is judged
// (hidden gold) or recorded (calibration) and never touches a live item.
// After a hidden gold answer the reviewer's rolling accuracy is checked
// (see checkPause). The time taken runs from the claim.
func (q Quality) Decide(ctx context.Context, actor Account, itemID int64, d Decision) (Item, error) {
	c, err := q.claim(ctx, actor, itemID)
	if err != nil {
		return Item{}, err
	}
	if c.State != ShadowOpen {
		return Item{}, Errorf(ECONFLICT, "item %d is not claimed by %s any more; claim it again", itemID, actor.Name)
	}
	d.Actor = actor.Name
	d.Reasons = dedupe(d.Reasons)
	if err := d.Validate(); err != nil {
		return Item{}, err
	}
	it, err := q.shadowItem(ctx, c)
	if err != nil {
		return Item{}, err
	}
	switch d.Outcome {
	case OutcomeSkip:
		return it, q.Store.SkipShadow(ctx, actor.Name, c.ID)
	case OutcomeHold:
		return it, q.Store.ReleaseShadow(ctx, actor.Name, c.ID)
	}
	now := q.now()
	a := ShadowAnswer{Outcome: d.Outcome, Reasons: d.Reasons, Took: min(max(now.Sub(c.ServedAt), 0), MaxTook).Truncate(time.Millisecond), At: now}
	if c.Kind == SessionHiddenGold {
		g, err := q.Store.GoldItem(ctx, c.GoldID)
		if err != nil {
			return Item{}, err
		}
		a.Correct, _ = Judge(g, d.Outcome, d.Reasons)
	}
	c, err = q.Store.AnswerShadow(ctx, actor.Name, c.ID, a)
	if err != nil {
		return Item{}, err
	}
	if c.Kind == SessionHiddenGold {
		if err := q.checkPause(ctx, actor.Name, c.Queue); err != nil {
			return Item{}, err
		}
	}
	it.State = StateApproved
	return it, nil
}

// checkPause pauses reviewer from queue when their latest hidden gold
// answers there since their current certification (at most the window,
// at least the minimum) fall under the queue's gate: the certification is
// revoked by PauseActor with the figures as its reason (an event), and
// the next claim is refused with a PausedError. A queue without a gate, or
// a reviewer holding no certification for it, is not paused.
func (q Quality) checkPause(ctx context.Context, reviewer, queue string) error {
	s, err := ReadQualitySettings(ctx, q.Store.Meta)
	if err != nil {
		return err
	}
	gates, err := q.Store.Gates(ctx)
	if err != nil {
		return err
	}
	gi := slices.IndexFunc(gates, func(g Gate) bool { return g.Queue == queue })
	if gi < 0 {
		return nil
	}
	cert, ok, err := q.current(ctx, reviewer, queue)
	if err != nil || !ok || cert.Revoked {
		return err
	}
	results, err := q.Store.HiddenGoldResults(ctx, reviewer, queue, cert.CertifiedAt, s.Window)
	if err != nil {
		return err
	}
	r := Ratio{Total: len(results)}
	for _, ok := range results {
		if ok {
			r.Correct++
		}
	}
	if r.Total < s.MinAnswers || meets(Ratio{Correct: r.Correct, Total: r.Total}, Gate{MinAccuracy: gates[gi].MinAccuracy}) {
		return nil
	}
	reason := PauseReason(roundDown(r.Percent()), r.Total, gates[gi].MinAccuracy)
	err = q.Store.RevokeCertification(ctx, PauseActor, reviewer, queue, reason)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	return err
}

// current is reviewer's latest certification row for queue.
func (q Quality) current(ctx context.Context, reviewer, queue string) (Certification, bool, error) {
	certs, err := q.Store.Certifications(ctx, reviewer)
	if err != nil {
		return Certification{}, false, err
	}
	return latestCert(certs, queue)
}

func latestCert(certs []Certification, queue string) (Certification, bool, error) {
	var last *Certification
	for i := range certs {
		if c := &certs[i]; c.Queue == queue && (last == nil || c.CertifiedAt.After(last.CertifiedAt) ||
			(c.CertifiedAt.Equal(last.CertifiedAt) && c.ID > last.ID)) {
			last = c
		}
	}
	if last == nil {
		return Certification{}, false, nil
	}
	return *last, true, nil
}

func roundDown(p float64) float64 {
	return float64(int64(p*10+1e-6)) / 10
}

// Undo takes back actor's answer on a shadow item within window: the item
// comes back to actor. Refused once the answer has paused actor (the
// pause stands until a trainer re-certifies).
func (q Quality) Undo(ctx context.Context, actor Account, itemID int64, window, lease time.Duration) (Item, error) {
	c, err := q.claim(ctx, actor, itemID)
	if err != nil {
		return Item{}, err
	}
	if c.Kind == SessionHiddenGold {
		if cert, ok, err := q.current(ctx, actor.Name, c.Queue); err != nil {
			return Item{}, err
		} else if ok && cert.Revoked && cert.RevokedAt.After(c.AnsweredAt.Add(-time.Second)) {
			if p := PausedFrom(cert); p != nil {
				return Item{}, p
			}
		}
	}
	c, err = q.Store.UndoShadow(ctx, actor.Name, c.ID, window, lease)
	if err != nil {
		return Item{}, err
	}
	return q.shadowItem(ctx, c)
}

// Release gives back an open shadow item unanswered.
func (q Quality) Release(ctx context.Context, actor Account, itemID int64) error {
	c, err := q.claim(ctx, actor, itemID)
	if err != nil {
		return err
	}
	return q.Store.ReleaseShadow(ctx, actor.Name, c.ID)
}

// Sample draws a decision taken in queue (live or escalation) for a blind
// second review by another reviewer of that queue, for the set share of
// decisions (calibration). Only decisions that settle the item or
// escalate it are sampled.
func (q Quality) Sample(ctx context.Context, itemID int64, queue string, outcome Outcome) error {
	if (queue != QueueLive && queue != QueueEscalation) || outcome == OutcomeSkip || outcome == OutcomeHold {
		return nil
	}
	s, err := ReadQualitySettings(ctx, q.Store.Meta)
	if err != nil {
		return err
	}
	if !q.coin(s.CalibrationPercent) {
		return nil
	}
	return q.Store.SampleCalibration(ctx, itemID, queue)
}

// Agreement is the calibration report over the samples answered since
// (trainers and managers).
func (q Quality) Agreement(ctx context.Context, actor Account, since time.Time) (Agreement, error) {
	if err := Require(actor, ActSeeScores); err != nil {
		return Agreement{}, err
	}
	samples, err := q.Store.CalibrationSamples(ctx, since)
	if err != nil {
		return Agreement{}, err
	}
	a := AgreementOf(samples)
	a.Since = since
	a.Waiting, err = q.Store.CalibrationWaiting(ctx)
	return a, err
}

// AgreementOf computes the calibration report of answered samples: kappa
// over all of them (live decision against second review), per pair of
// reviewers (each reviewer's own outcomes as one rater, whichever review
// they gave) and per category.
func AgreementOf(samples []CalibrationSample) Agreement {
	a := Agreement{ByCategory: map[Category]Kappa{}, Confusion: map[Outcome]map[Outcome]int{}}
	var all [][2]Outcome
	pairs := map[[2]string][][2]Outcome{}
	cats := map[Category][][2]Outcome{}
	for _, s := range samples {
		if s.Second == "" || s.SecondOutcome == "" {
			continue
		}
		p := [2]Outcome{s.FirstOutcome, s.SecondOutcome}
		all = append(all, p)
		cats[s.Category] = append(cats[s.Category], p)
		if a.Confusion[s.FirstOutcome] == nil {
			a.Confusion[s.FirstOutcome] = map[Outcome]int{}
		}
		a.Confusion[s.FirstOutcome][s.SecondOutcome]++
		key, op := [2]string{s.First, s.Second}, p
		if strings.Compare(s.Second, s.First) < 0 {
			key, op = [2]string{s.Second, s.First}, [2]Outcome{s.SecondOutcome, s.FirstOutcome}
		}
		pairs[key] = append(pairs[key], op)
	}
	a.Overall = CohenKappa(all)
	for c, ps := range cats {
		a.ByCategory[c] = CohenKappa(ps)
	}
	for k, ps := range pairs {
		a.Pairs = append(a.Pairs, PairAgreement{A: k[0], B: k[1], Kappa: CohenKappa(ps)})
	}
	slices.SortFunc(a.Pairs, func(x, y PairAgreement) int {
		return cmp.Or(strings.Compare(x.A, y.A), strings.Compare(x.B, y.B))
	})
	return a
}
