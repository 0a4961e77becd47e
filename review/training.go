package review

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// This file is training mode's vocabulary (issue 11): gold sets, training
// sessions with instant feedback, scores, certification gates per queue.
// GB/T 45654-2025 asks providers to train and assess their content
// reviewers and keep the records (requirements.md). The service that
// implements Trainer lives in training_service.go.

// ActTrain is taking a training session (reviewers and senior reviewers;
// trainers too, to try their own sets).
const ActTrain Action = "train"

// Session kinds: a training session the reviewer chose, gold hidden in a
// live queue, a second blind review for calibration. Only "training" is
// built so far; the others are reported apart from live work everywhere.
const (
	SessionTraining    = "training"
	SessionHiddenGold  = "hidden_gold"
	SessionCalibration = "calibration"
)

// GoldSet is a versioned set of gold items for one queue (and optionally
// one category). Adding or retiring an item makes a new version; sessions
// record the version they used.
type GoldSet struct {
	ID        int64
	Name      string
	Queue     string   // QueueLive or QueueEscalation
	Category  Category // "" for every category
	Version   int
	Items     int // active items in this version
	CreatedBy string
	CreatedAt time.Time
}

// GoldItem is one item with its correct decision: the reviewer sees the
// source item's evidence (never its live decisions) and must decide as
// Expected says.
type GoldItem struct {
	ID     int64
	SetID  int64
	ItemID int64 // the live item it was made from (its evidence is shown); 0 for an imported file
	// FileID is the training file it was made from (0 for a live item):
	// a file a trainer imported, which is never live work.
	FileID       int64
	ProduceID    string
	Category     Category
	Expected     Outcome
	Reasons      []string // the reason codes a rejection must cite
	Explanation  string   // which marks and rules matter, in the trainer's words
	CreatedBy    string
	CreatedAt    time.Time
	Retired      bool
	AddedVersion int // the set version that first had it
	// RetiredVersion is the set version that no longer has it (0 while
	// active).
	RetiredVersion int
}

// TrainingFile is a file a trainer imported to make gold of (issue 11,
// item 1: gold "from any item or imported files"): an example that never
// reached the platform's output, such as a known deepfake or a file made to
// exercise a rule. It is stored in objects/, scanned and judged by the
// rules as intake would, and kept apart from live work: it is never an
// item, never in a queue, a dashboard or an audit package's counts, and
// never served as hidden gold (which must look like live work).
type TrainingFile struct {
	ID           int64
	Name         string // the file's name as imported (base name)
	ProduceID    string // from its generation record or implicit label; "" when none
	Format       string
	ObjectSHA256 string
	Size         int64
	Category     Category
	Service      string
	Model        string
	LabelState   string
	Verdict      string
	Scan         string // the scan report, as `scan --json` prints it
	RuleHits     []RuleHit
	Sidecar      string // the generation record without the prompt; "{}" when none came with it
	ImportedBy   string
	ImportedAt   time.Time
}

// MaxTrainingFileName bounds an imported file's name, in bytes.
const MaxTrainingFileName = 255

// Validate checks a training file before it is stored.
func (f TrainingFile) Validate() error {
	if f.Name == "" || len(f.Name) > MaxTrainingFileName || !utf8.ValidString(f.Name) || strings.ContainsAny(f.Name, "/\\\x00") {
		return Errorf(EINVALID, "training file name %q: 1–%d bytes of UTF-8, no path", f.Name, MaxTrainingFileName)
	}
	if !f.Category.Valid() {
		return Errorf(EINVALID, "training file %s: unknown service category %q", f.Name, f.Category)
	}
	if len(f.ObjectSHA256) != 64 {
		return Errorf(EINVALID, "training file %s: no stored object", f.Name)
	}
	return nil
}

// GoldFile is a file to import as gold: its bytes, optionally its
// generation record (the inbox's sidecar JSON, design.md), and the service
// category when no record names one.
type GoldFile struct {
	Name     string
	Data     []byte
	Sidecar  []byte
	Category Category
}

// GoldImporter makes gold items of imported files (trainers): the file is
// stored, scanned and judged by the rules as intake would, and kept as a
// TrainingFile. The app implements it (scanning needs the marking package
// and the rules in force).
type GoldImporter interface {
	ImportGold(ctx context.Context, actor Account, setID int64, f GoldFile, g GoldItem) (GoldItem, error)
}

// ActiveIn reports whether the gold item is part of version v of its set.
func (g GoldItem) ActiveIn(v int) bool {
	return g.AddedVersion <= v && (g.RetiredVersion == 0 || v < g.RetiredVersion)
}

// Validate checks a gold item before it is stored: a known outcome other
// than skip, reasons known (and required for a rejection), an explanation.
func (g GoldItem) Validate() error {
	d := Decision{Outcome: g.Expected, Reasons: g.Reasons, Note: g.Explanation}
	if g.Expected == OutcomeSkip || g.Expected == OutcomeHold {
		return Errorf(EINVALID, "a gold item's expected decision must be approve, approve and relabel, reject or escalate")
	}
	if g.Expected == OutcomeEscalate && len(g.Reasons) == 0 {
		d.Note = "x" // an escalation's note is the explanation
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if len([]rune(g.Explanation)) < 5 {
		return Errorf(EINVALID, "explain which marks and rules matter (at least a sentence)")
	}
	return nil
}

// TrainingSession is one sitting of a reviewer on a gold set.
type TrainingSession struct {
	ID         int64
	Kind       string // SessionTraining, …
	Reviewer   string
	SetID      int64
	SetVersion int
	StartedAt  time.Time
	FinishedAt time.Time // zero while open
	Answered   int
	Correct    int
}

// Answer is a reviewer's decision on a gold item and how it compares.
type Answer struct {
	SessionID int64
	GoldID    int64
	Outcome   Outcome
	Reasons   []string
	Correct   bool
	Took      time.Duration // from the item shown to the decision
	At        time.Time
}

// Feedback is what the reviewer sees at once after answering.
type Feedback struct {
	Answer      Answer
	Expected    Outcome
	Reasons     []string // expected reason codes
	Missing     []string // expected reasons the answer did not cite
	Explanation string
	Done        bool // the set has no more items for this session
}

// Judge compares an answer with a gold item's expected decision: the
// outcome must be the expected one, and a rejection must cite every
// expected reason code (extra codes are allowed). It returns the expected
// reasons the answer missed.
func Judge(g GoldItem, outcome Outcome, reasons []string) (correct bool, missing []string) {
	have := map[string]bool{}
	for _, r := range reasons {
		have[r] = true
	}
	for _, r := range g.Reasons {
		if !have[r] {
			missing = append(missing, r)
		}
	}
	if outcome != g.Expected {
		return false, missing
	}
	if g.Expected == OutcomeReject && len(missing) > 0 {
		return false, missing
	}
	return true, missing
}

// Ratio is correct answers over answers.
type Ratio struct{ Correct, Total int }

// Percent is the ratio as a percentage (0 when there are no answers).
func (r Ratio) Percent() float64 {
	if r.Total == 0 {
		return 0
	}
	return 100 * float64(r.Correct) / float64(r.Total)
}

// TrendPoint is one day's answers.
type TrendPoint struct {
	Day time.Time
	Ratio
}

// Scores are a reviewer's (or the team's, Reviewer "") training results.
type Scores struct {
	Reviewer   string
	Overall    Ratio
	ByCategory map[Category]Ratio
	ByReason   map[string]Ratio            // per expected reason code: answers that cited it
	Confusion  map[Outcome]map[Outcome]int // expected → answered → count
	Trend      []TrendPoint                // by day, oldest first
	Sessions   []TrainingSession
	AvgTook    time.Duration
	// ByKind is every session kind's overall ratio. The other fields count
	// training sessions (SessionTraining) only: hidden gold and
	// calibration are reported apart.
	ByKind map[string]Ratio
}

// Gate is a queue's certification requirement, e.g. 90 % over at least 30
// items of that queue's gold.
type Gate struct {
	Queue       string
	MinAccuracy float64 // percent, 0–100
	MinItems    int
	SetBy       string
	SetAt       time.Time
}

// Certification records that a reviewer may work a queue's live items.
type Certification struct {
	ID          int64
	Reviewer    string
	Queue       string
	CertifiedBy string
	CertifiedAt time.Time
	Accuracy    float64 // percent at certification
	Items       int
	// MinAccuracy and MinItems are the gate the reviewer met.
	MinAccuracy float64
	MinItems    int
	Revoked     bool
	RevokedAt   time.Time
	RevokedBy   string
	Reason      string // why revoked (for example: paused by hidden gold)
}

// Certifier answers whether a reviewer may claim a queue's live items. A
// queue without a gate needs no certification.
type Certifier interface {
	Certified(ctx context.Context, reviewer, queue string) (bool, error)
}

// Trainer is what the training screens call. Every method checks the
// acting account's role first (EFORBIDDEN).
type Trainer interface {
	GoldSets(ctx context.Context, actor Account) ([]GoldSet, error)
	CreateGoldSet(ctx context.Context, actor Account, name, queue string, category Category) (GoldSet, error)
	// AddGold makes a gold item from a live item (trainers).
	AddGold(ctx context.Context, actor Account, setID int64, g GoldItem) (GoldItem, error)
	GoldItems(ctx context.Context, actor Account, setID int64) ([]GoldItem, error)
	RetireGold(ctx context.Context, actor Account, goldID int64) error
	// StartSession opens a training session on a set for actor.
	StartSession(ctx context.Context, actor Account, setID int64) (TrainingSession, error)
	// NextGold returns the next gold item of the session with the evidence
	// to show (the source item's, stripped of its decisions and state), or
	// ENOTFOUND when the session has answered every item.
	NextGold(ctx context.Context, actor Account, sessionID int64) (GoldItem, Evidence, error)
	// Answer records actor's decision on a gold item and returns the
	// feedback at once. Nothing touches live items.
	Answer(ctx context.Context, actor Account, sessionID, goldID int64, d Decision, took time.Duration) (Feedback, error)
	FinishSession(ctx context.Context, actor Account, sessionID int64) (TrainingSession, error)
	// Scores of a reviewer (their own, or anyone's with ActSeeScores);
	// reviewer "" is the team.
	Scores(ctx context.Context, actor Account, reviewer string) (Scores, error)
	Gates(ctx context.Context, actor Account) ([]Gate, error)
	SetGate(ctx context.Context, actor Account, g Gate) error
	// Certify certifies reviewer for queue when their scores on that
	// queue's gold meet its gate (trainers); ECONFLICT naming the shortfall
	// otherwise.
	Certify(ctx context.Context, actor Account, reviewer, queue string) (Certification, error)
	Certifications(ctx context.Context, actor Account, reviewer string) ([]Certification, error)
}

// TrainingService is the training screens' service: the Trainer and the
// media of gold items (Training implements it).
type TrainingService interface {
	Trainer
	// Preview shows the media of a gold item's source item; EFORBIDDEN for
	// an item that is no gold item's source.
	Preview(ctx context.Context, actor Account, itemID int64) (Preview, error)
}
