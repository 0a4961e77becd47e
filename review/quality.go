package review

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file is quality control inside live work (issue 11, items 5 and 6):
// hidden gold and calibration. GB/T 45654-2025 asks providers to assess
// their content reviewers; anchors.md notes that Coop's users ask for
// golden sets hidden in live queues, and that Label Studio keeps reviewer
// agreement to its paid edition.
//
//   - Hidden gold: a share of the claims on a live queue serves a gold item
//     of that queue's sets instead of a live item. It looks like any other
//     item (the source item's evidence, stripped of its decisions, under a
//     shadow item id); the answer is judged like a training answer and kept
//     in a hidden_gold session. A reviewer whose rolling accuracy on hidden
//     gold falls under the queue's gate is paused from the queue: the
//     certification is revoked (an event), the next claim says why, and a
//     trainer re-certifies after further training.
//   - Calibration: a share of live decisions is sampled for a second, blind
//     review by another reviewer, served like hidden gold. Agreement
//     (Cohen's kappa) per pair of reviewers and per category shows where the
//     guidelines are unclear.
//
// Neither touches the live item: no decision, no outbox file, no state
// change. Shadow items therefore never count as live work in dashboards or
// audit packages (those read decisions); their events are in the log, as
// every change is.

// Workspace settings (meta keys) of quality control, with `settings set`.
const (
	// HiddenGoldPercentKey: the share of claims on a queue with gold that
	// serve a hidden gold item, in percent (0 turns it off; default 5).
	HiddenGoldPercentKey = "quality.hidden_gold_percent"
	// CalibrationPercentKey: the share of live decisions sampled for a
	// blind second review, in percent (0 turns it off; default 5).
	CalibrationPercentKey = "quality.calibration_percent"
	// HiddenGoldWindowKey: how many of a reviewer's latest hidden gold
	// answers on a queue make the rolling accuracy (default 20).
	HiddenGoldWindowKey = "quality.hidden_gold_window"
	// HiddenGoldMinKey: how many answers the window needs before a reviewer
	// can be paused (default 10).
	HiddenGoldMinKey = "quality.hidden_gold_min_answers"
)

// Defaults of the quality settings.
const (
	DefaultHiddenGoldPercent  = 5
	DefaultCalibrationPercent = 5
	DefaultHiddenGoldWindow   = 20
	DefaultHiddenGoldMin      = 10
	// MaxQualityPercent bounds both shares: at least half the claims stay
	// live work.
	MaxQualityPercent = 50
	// MaxHiddenGoldWindow bounds the rolling window.
	MaxHiddenGoldWindow = 500
)

// QualitySettings are the workspace's quality-control settings.
type QualitySettings struct {
	HiddenGoldPercent  float64
	CalibrationPercent float64
	Window             int
	MinAnswers         int
}

// ParseQualityPercent reads a share setting ("" is def): a number from 0
// to MaxQualityPercent.
func ParseQualityPercent(key, v string, def float64) (float64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	p, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(p) || p < 0 || p > MaxQualityPercent {
		return 0, Errorf(EINVALID, "setting %s = %q: a percentage from 0 to %d", key, v, MaxQualityPercent)
	}
	return p, nil
}

// ParseQualityCount reads a count setting ("" is def): a whole number from
// lo to hi.
func ParseQualityCount(key, v string, def, lo, hi int) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, Errorf(EINVALID, "setting %s = %q: a whole number from %d to %d", key, v, lo, hi)
	}
	return n, nil
}

// ReadQualitySettings reads the settings through meta (a missing key is
// ""), checking each; the minimum is capped at the window.
func ReadQualitySettings(ctx context.Context, meta func(ctx context.Context, key string) (string, error)) (QualitySettings, error) {
	var vals [4]string
	for i, k := range [...]string{HiddenGoldPercentKey, CalibrationPercentKey, HiddenGoldWindowKey, HiddenGoldMinKey} {
		v, err := meta(ctx, k)
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return QualitySettings{}, err
		}
		vals[i] = v
	}
	var s QualitySettings
	var err error
	if s.HiddenGoldPercent, err = ParseQualityPercent(HiddenGoldPercentKey, vals[0], DefaultHiddenGoldPercent); err != nil {
		return s, err
	}
	if s.CalibrationPercent, err = ParseQualityPercent(CalibrationPercentKey, vals[1], DefaultCalibrationPercent); err != nil {
		return s, err
	}
	if s.Window, err = ParseQualityCount(HiddenGoldWindowKey, vals[2], DefaultHiddenGoldWindow, 1, MaxHiddenGoldWindow); err != nil {
		return s, err
	}
	if s.MinAnswers, err = ParseQualityCount(HiddenGoldMinKey, vals[3], DefaultHiddenGoldMin, 1, MaxHiddenGoldWindow); err != nil {
		return s, err
	}
	s.MinAnswers = min(s.MinAnswers, s.Window)
	return s, nil
}

// Shadow item ids: a shadow claim's item id is the negative of the claim's
// id, so the desk routes it apart from live items (whose ids are
// positive).

// ShadowItemID is the item id the desk shows for a shadow claim.
func ShadowItemID(claimID int64) int64 { return -claimID }

// ShadowClaimID is the shadow claim behind an item id, 0 for a live item.
func ShadowClaimID(itemID int64) int64 {
	if itemID < 0 {
		return -itemID
	}
	return 0
}

// Shadow claim states.
const (
	ShadowOpen     = "open"     // served, not answered yet
	ShadowAnswered = "answered" // answered (hidden gold judged; calibration recorded)
	ShadowReleased = "released" // given back unanswered (sign-out, lapse)
	ShadowSkipped  = "skipped"  // skipped: not served to this reviewer again
)

// ShadowClaim is a hidden gold item or a calibration sample served to a
// reviewer in a live item's place.
type ShadowClaim struct {
	ID         int64
	Kind       string // SessionHiddenGold or SessionCalibration
	Reviewer   string
	Queue      string
	ItemID     int64 // the item whose evidence is shown
	GoldID     int64 // hidden gold: the gold item
	SessionID  int64 // hidden gold: the reviewer's hidden_gold session
	SampleID   int64 // calibration: the sample
	State      string
	ServedAt   time.Time
	LeaseUntil time.Time
	AnsweredAt time.Time
	Outcome    Outcome
	Reasons    []string
	Correct    bool // hidden gold: the answer matched the gold
	Took       time.Duration
}

// CalibrationSample is a live decision chosen for a blind second review.
type CalibrationSample struct {
	ID            int64
	ItemID        int64
	DecisionID    int64
	Queue         string
	Category      Category
	First         string // the reviewer of the live decision
	FirstOutcome  Outcome
	FirstReasons  []string
	SampledAt     time.Time
	Second        string // "" while waiting
	SecondOutcome Outcome
	SecondReasons []string
	AnsweredAt    time.Time
}

// ShadowAnswer is a reviewer's decision on a shadow claim.
type ShadowAnswer struct {
	Outcome Outcome
	Reasons []string
	Correct bool // hidden gold: judged against the gold item
	Took    time.Duration
	At      time.Time
}

// QualityStore keeps shadow claims and calibration samples.
//
//   - ServeGold picks, among the active gold items of queue's gold sets, the
//     one reviewer has answered least (in any session kind; ties at random
//     from seed), passing over items whose source item is waiting or in
//     review, and items reviewer answered as hidden gold in the last
//     HiddenGoldRepeat; it opens (or reuses) reviewer's open hidden_gold
//     session on the item's set at the set's version (finishing it first
//     when it answered that item already) and records an open shadow claim
//     under lease, with its event. ENOTFOUND when no gold item fits.
//   - ServeCalibration claims the oldest waiting calibration sample of
//     queue that reviewer did not decide first, did not skip, whose live
//     decision is not undone and which nobody holds under an open, unlapsed
//     claim; ENOTFOUND when none.
//   - AnswerShadow records the answer of an open claim held by actor under
//     its lease (ECONFLICT otherwise): for hidden gold a training answer
//     in the claim's session; for calibration the sample's second review.
//   - SkipShadow and ReleaseShadow close an open claim of actor's
//     unanswered (ECONFLICT when it is not open or not actor's).
//   - UndoShadow reopens actor's answered claim answered within window
//     under a new lease, removing the answer (the events keep both);
//     ECONFLICT otherwise.
//   - SampleCalibration records item's latest live decision (not undone,
//     outcome approve, approve_relabel, reject or escalate), made in
//     queue, for a second review on that queue; nothing when the decision
//     is sampled already, ENOTFOUND when the item has no such decision.
//   - CalibrationSamples lists the samples with a second review answered
//     at or after since whose live decision is not undone, oldest first;
//     CalibrationWaiting counts those waiting.
//   - HiddenGoldResults returns reviewer's latest n hidden gold answers on
//     queue given after since, newest first (true: correct).
type QualityStore interface {
	ServeGold(ctx context.Context, reviewer, queue string, lease time.Duration, seed uint64) (ShadowClaim, error)
	ServeCalibration(ctx context.Context, reviewer, queue string, lease time.Duration) (ShadowClaim, error)
	ShadowClaim(ctx context.Context, id int64) (ShadowClaim, error)
	AnswerShadow(ctx context.Context, actor string, claimID int64, a ShadowAnswer) (ShadowClaim, error)
	SkipShadow(ctx context.Context, actor string, claimID int64) error
	ReleaseShadow(ctx context.Context, actor string, claimID int64) error
	UndoShadow(ctx context.Context, actor string, claimID int64, window, lease time.Duration) (ShadowClaim, error)
	SampleCalibration(ctx context.Context, itemID int64, queue string) error
	CalibrationSamples(ctx context.Context, since time.Time) ([]CalibrationSample, error)
	CalibrationWaiting(ctx context.Context) (int, error)
	HiddenGoldResults(ctx context.Context, reviewer, queue string, since time.Time, n int) ([]bool, error)
}

// HiddenGoldRepeat is how long a reviewer is not served the same gold item
// again as hidden gold.
const HiddenGoldRepeat = 30 * 24 * time.Hour

// PauseActor is the event actor of an automatic pause.
const PauseActor = "system:hidden-gold"

// pauseFormat is the reason written on a certification revoked by hidden
// gold; PausedFrom parses it back.
const pauseFormat = "hidden gold: %g %% over the last %d answers, under the gate's %g %%"

// PauseReason is the reason written on a certification that hidden gold
// revoked: accuracy percent over answers, under the gate's percent.
func PauseReason(accuracy float64, answers int, gate float64) string {
	return fmt.Sprintf(pauseFormat, accuracy, answers, gate)
}

// PausedError is the refusal of a claim on a queue the reviewer was paused
// from by hidden gold. It unwraps to an EFORBIDDEN *Error, so ErrorCode
// and ErrorMessage work on it; the screen words it from its fields.
type PausedError struct {
	Queue    string
	Since    time.Time
	Accuracy float64 // percent over Answers
	Answers  int
	Gate     float64 // the gate's percent
	err      *Error
}

func (e *PausedError) Error() string { return e.err.Error() }
func (e *PausedError) Unwrap() error { return e.err }

// PausedFrom reads a revoked certification: a PausedError when hidden gold
// paused it (RevokedBy PauseActor), nil otherwise.
func PausedFrom(c Certification) *PausedError {
	if !c.Revoked || c.RevokedBy != PauseActor {
		return nil
	}
	p := &PausedError{Queue: c.Queue, Since: c.RevokedAt}
	if _, err := fmt.Sscanf(c.Reason, pauseFormat, &p.Accuracy, &p.Answers, &p.Gate); err != nil {
		p.Accuracy, p.Answers, p.Gate = 0, 0, 0
	}
	p.err = Errorf(EFORBIDDEN, "%s is paused from the %s queue since %s: %s. A trainer re-certifies you after further training",
		c.Reviewer, c.Queue, c.RevokedAt.UTC().Format("2006-01-02 15:04 UTC"), c.Reason)
	return p
}

// Kappa is agreement between two raters over N items: the share they agreed
// on (Observed) and Cohen's kappa, which discounts the agreement expected
// by chance from each rater's own mix of outcomes. Defined is false when
// kappa has no value (no items, or both raters gave one and the same
// outcome throughout, so chance agreement is 1).
type Kappa struct {
	N        int
	Agreed   int
	Observed float64 // 0–1
	Kappa    float64 // -1–1
	Defined  bool
}

// CohenKappa computes Kappa over pairs of outcomes (rater A's, rater B's).
func CohenKappa(pairs [][2]Outcome) Kappa {
	k := Kappa{N: len(pairs)}
	if k.N == 0 {
		return k
	}
	a, b := map[Outcome]int{}, map[Outcome]int{}
	for _, p := range pairs {
		a[p[0]]++
		b[p[1]]++
		if p[0] == p[1] {
			k.Agreed++
		}
	}
	n := float64(k.N)
	k.Observed = float64(k.Agreed) / n
	var pe float64
	for o, ca := range a {
		pe += float64(ca) / n * float64(b[o]) / n
	}
	if pe >= 1-1e-12 {
		return k
	}
	k.Kappa = (k.Observed - pe) / (1 - pe)
	k.Defined = true
	return k
}

// PairAgreement is the agreement of two reviewers (A before B by name) on
// the samples one decided live and the other reviewed blind.
type PairAgreement struct {
	A, B string
	Kappa
}

// Agreement is the calibration report: overall, per pair of reviewers and
// per category, with the outcomes' confusion (live decision → second
// review).
type Agreement struct {
	Since      time.Time
	Overall    Kappa
	Pairs      []PairAgreement
	ByCategory map[Category]Kappa
	Confusion  map[Outcome]map[Outcome]int
	Waiting    int // samples waiting for their second review
}

// QualityReader is what the scores screen reads of quality control.
type QualityReader interface {
	// Agreement is the calibration report over samples answered since
	// (trainers and managers: ActSeeScores).
	Agreement(ctx context.Context, actor Account, since time.Time) (Agreement, error)
	// Settings are the workspace's quality settings (ActSeeScores).
	Settings(ctx context.Context, actor Account) (QualitySettings, error)
}
