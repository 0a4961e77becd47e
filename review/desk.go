package review

import (
	"context"
	"time"
)

// This file is the review desk (issue 8): what the workstation's queue and
// evidence screens need, behind role checks. The UI holds a Workstation;
// Desk implements it over a DeskStore, an ObjectReader and a Relabeler.

// Severities of rule hits, mildest first.
var Severities = []string{"info", "warning", "error", "critical"}

// SeverityRank orders severities (0 for unknown, 1 for info … 4 for
// critical).
func SeverityRank(s string) int {
	for i, v := range Severities {
		if v == s {
			return i + 1
		}
	}
	return 0
}

// QueueIntakeErrors names the admin's list of files intake could not take.
const QueueIntakeErrors = "intake_errors"

// QueueFilter selects items for a queue list. Empty fields do not filter.
type QueueFilter struct {
	Queue      string   // QueueLive or QueueEscalation (required)
	Category   Category // service category
	RuleID     string   // items with a hit of this rule
	LabelState string   // confirmed, possible, suspected, none, invalid
	Severity   string   // items with a rule hit of at least this severity
	Offset     int
	Limit      int // at most MaxPage; 0 means MaxPage
}

// MaxPage bounds one page of a queue list.
const MaxPage = 500

// QueueRow is one line of a queue list.
type QueueRow struct {
	ID         int64
	ProduceID  string
	Category   Category
	Service    string
	State      State
	LabelState string
	Verdict    string
	Severity   string // the highest rule-hit severity, "" without hits
	Hits       int
	ReceivedAt time.Time
	ClaimedBy  string
	Priority   int
}

// QueueCount is a queue's size for the queue screen.
type QueueCount struct {
	Queue    string
	Waiting  int       // queued (live) or escalated (escalation)
	InReview int       // claimed now
	Oldest   time.Time // received time of the oldest waiting item; zero when empty
}

// IntakeError is a file the inbox could not take (design.md, inbox
// contract), for the admin's list.
type IntakeError struct {
	ID     int64
	Path   string
	Reason string
	At     time.Time
}

// LabelledCopy is a copy of an item's original with the missing marks
// written (approve-and-relabel), stored content-addressed beside it.
type LabelledCopy struct {
	SHA256     string
	Size       int64
	Format     string
	Marks      []string // what was written: "implicit", "explicit", "watermark"
	DecisionID int64
	At         time.Time
}

// ConsentLink is a consent an item's generation relied on, and the record
// found for it (nil when the registry has none: the evidence is missing).
type ConsentLink struct {
	ID     string
	Record *Consent
}

// Evidence is everything the evidence view shows for one item.
type Evidence struct {
	Item      Item
	Scan      string // the scan report, as `scan --json` prints it
	RuleHits  []RuleHit
	Sidecar   string   // the generation record, prompt removed
	Service   *Service // the registry's record; nil when not imported
	RealName  *RealName
	Consents  []ConsentLink
	Decisions []Decision
	Copies    []LabelledCopy
	Events    []Event // the item's own events, oldest first
	// Complaints are the complaints and appeals linked to the item, oldest
	// first, without their contact (DSP Art. 12).
	Complaints []Complaint
}

// DeskStore is the storage the desk needs, besides claiming and deciding
// (QueueStore). QueuePage and QueueTotal return EINVALID for an unknown
// queue; Evidence ENOTFOUND for an unknown item; UndoDecision ECONFLICT
// when the decision is not actor's latest on an item that has not moved
// since, or is older than window; Release ECONFLICT when actor does not
// hold the item.
type DeskStore interface {
	QueueStore
	Item(ctx context.Context, id int64) (Item, error)
	QueueCounts(ctx context.Context) ([]QueueCount, error)
	QueuePage(ctx context.Context, f QueueFilter) ([]QueueRow, error)
	QueueTotal(ctx context.Context, f QueueFilter) (int, error)
	// NextWaiting returns the id of the item a claim on queue would get
	// now, without claiming it (for prefetching), or ENOTFOUND.
	// It passes over what actor skipped within SkipMemory, as Claim does.
	NextWaiting(ctx context.Context, actor, queue string, skip int64) (int64, error)
	Evidence(ctx context.Context, id int64) (Evidence, error)
	// ApplyRelabelled records an approve-and-relabel decision with the
	// labelled copy already stored in objects, in one transaction.
	ApplyRelabelled(ctx context.Context, actor string, itemID int64, d Decision, c LabelledCopy) (Item, error)
	UndoDecision(ctx context.Context, actor string, decisionID int64, window time.Duration) (Item, error)
	Release(ctx context.Context, actor string, itemID int64) error
	IntakeErrors(ctx context.Context) ([]IntakeError, error)
}

// ObjectReader reads a stored object (an original or a labelled copy) by
// its SHA-256, refusing objects larger than max bytes (EINVALID).
type ObjectReader interface {
	Object(ctx context.Context, sha256 string, max int64) ([]byte, error)
}

// Relabeler writes the missing marks into a copy of an item's original
// (the marking package does the work) and stores it, returning what it
// stored. It never weakens a mark already there (LM Art. 10).
type Relabeler interface {
	Relabel(ctx context.Context, it Item, original []byte) (LabelledCopy, error)
}

// Preview is what the evidence view shows of the media itself, made
// safe to display: images are decoded within limits and re-encoded small;
// audio becomes a waveform; video its metadata and, where a decoder is
// available, its first frame.
type Preview struct {
	Kind          string // image, audio, video, text, other
	Width, Height int    // of the original, in pixels (images, video)
	// Image is a PNG or JPEG the screen may decode: the picture scaled to
	// at most PreviewMaxSide, or a video's first frame; nil when none.
	Image []byte
	// Scale is Image's width over the original's (boxes in original
	// pixels are multiplied by it).
	Scale      float64
	Duration   time.Duration
	SampleRate int
	Channels   int
	Peaks      []float32 // audio: peak level per column, 0–1
	Text       string    // text outputs, at most PreviewMaxText bytes
	// Meta holds facts of the media by key: format, orientation, codec,
	// bits_per_sample, bit_rate, container, video_codec, frame_rate,
	// audio_codec (the screen words the keys; values are technical names
	// and numbers).
	Meta map[string]string
	Note string // why something is missing (no decoder, too large …), in English, for the log
	// NoteCode names Note's case for the screen, which words it in the
	// user's language: no-decoder, no-preview, header-unreadable,
	// no-pixels, too-large, not-decodable, encode-failed, not-utf8,
	// text-cut, audio-unreadable, audio-partial, no-waveform, no-ffmpeg,
	// ffprobe-failed, no-streams, frame-failed, temp-failed.
	NoteCode string
}

// PreviewMaxSide bounds the longer side of a preview image.
const PreviewMaxSide = 2048

// PreviewMaxText bounds the text of a text output shown.
const PreviewMaxText = 64 << 10

// Previewer makes a Preview of an item's original.
type Previewer interface {
	Preview(ctx context.Context, it Item, original []byte) (Preview, error)
}

// Workstation is what the review screens call. Every method checks the
// acting account's role first (EFORBIDDEN).
type Workstation interface {
	Queues(ctx context.Context, actor Account) ([]QueueCount, error)
	List(ctx context.Context, actor Account, f QueueFilter) (rows []QueueRow, total int, err error)
	Next(ctx context.Context, actor Account, queue string) (Item, error)
	Peek(ctx context.Context, actor Account, queue string, skip int64) (int64, error)
	Evidence(ctx context.Context, actor Account, id int64) (Evidence, error)
	Media(ctx context.Context, actor Account, sha256 string) ([]byte, error)
	Preview(ctx context.Context, actor Account, id int64) (Preview, error)
	Decide(ctx context.Context, actor Account, id int64, d Decision) (Item, error)
	Undo(ctx context.Context, actor Account, itemID int64) (Item, error)
	Release(ctx context.Context, actor Account, id int64) error
	IntakeErrors(ctx context.Context, actor Account) ([]IntakeError, error)
}

// SkipMemory is how long a claim passes over an item the reviewer skipped:
// a skip gives the item to someone else, not back to the same reviewer.
const SkipMemory = 8 * time.Hour

// DefaultUndoWindow is how long a reviewer may take back a decision.
const DefaultUndoWindow = 30 * time.Second

// MaxMedia bounds the bytes of one object the evidence view loads.
const MaxMedia = 256 << 20

// Desk is the Workstation over a store.
type Desk struct {
	Store      DeskStore
	Objects    ObjectReader
	Relabel    Relabeler
	Previews   Previewer
	Lease      time.Duration // 0: DefaultLease
	UndoWindow time.Duration // 0: DefaultUndoWindow
	// Certs enforces certification gates on Next and Peek (see Queue);
	// nil enforces none.
	Certs Certifier
	// Quality serves hidden gold and calibration samples on claims and
	// answers them (shadow items, negative ids); nil: none.
	Quality *Quality
}

var _ Workstation = Desk{}

// canSee: a reviewer sees the live queue, a senior also escalations; a
// manager everything.
func canSee(actor Account, queue string) error {
	if actor.Role.Can(ActSeeAll) {
		return Require(actor, ActSeeAll)
	}
	return Require(actor, ClaimAction(queue))
}

// Queues returns the sizes of the queues actor may see.
func (d Desk) Queues(ctx context.Context, actor Account) ([]QueueCount, error) {
	if err := Require(actor, ActClaim); err != nil {
		if err2 := Require(actor, ActSeeAll); err2 != nil {
			return nil, err
		}
	}
	all, err := d.Store.QueueCounts(ctx)
	if err != nil {
		return nil, err
	}
	var out []QueueCount
	for _, c := range all {
		if canSee(actor, c.Queue) == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// List returns one page of a queue and the number of items the filter
// selects.
func (d Desk) List(ctx context.Context, actor Account, f QueueFilter) ([]QueueRow, int, error) {
	if err := canSee(actor, f.Queue); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = MaxPage
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	rows, err := d.Store.QueuePage(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	total, err := d.Store.QueueTotal(ctx, f)
	return rows, total, err
}

// Next claims the next item of queue for actor (see Queue.Next). With
// Quality set, the claim may serve a shadow item instead: a calibration
// sample or hidden gold, which looks like any other item.
func (d Desk) Next(ctx context.Context, actor Account, queue string) (Item, error) {
	q := Queue{Store: d.Store, Lease: d.Lease, Certs: d.Certs}
	if d.Quality == nil {
		return q.Next(ctx, actor, queue)
	}
	if err := admit(ctx, d.Certs, actor, queue); err != nil {
		return Item{}, err
	}
	waiting := func(ctx context.Context) (bool, error) {
		_, err := d.Store.NextWaiting(ctx, actor.Name, queue, 0)
		if ErrorCode(err) == ENOTFOUND {
			return false, nil
		}
		return err == nil, err
	}
	if it, ok, err := d.Quality.Serve(ctx, actor, queue, d.lease(), waiting); err != nil || ok {
		return it, err
	}
	return d.Store.Claim(ctx, actor.Name, queue, d.lease())
}

func (d Desk) lease() time.Duration {
	if d.Lease <= 0 {
		return DefaultLease
	}
	return d.Lease
}

func (d Desk) undoWindow() time.Duration {
	if d.UndoWindow <= 0 {
		return DefaultUndoWindow
	}
	return d.UndoWindow
}

// Peek names the item a claim would get next, skipping skip, without
// claiming it: the screen loads its evidence ahead (prefetch).
func (d Desk) Peek(ctx context.Context, actor Account, queue string, skip int64) (int64, error) {
	if err := admit(ctx, d.Certs, actor, queue); err != nil {
		return 0, err
	}
	return d.Store.NextWaiting(ctx, actor.Name, queue, skip)
}

// Evidence returns what the evidence view shows for an item.
func (d Desk) Evidence(ctx context.Context, actor Account, id int64) (Evidence, error) {
	if ShadowClaimID(id) != 0 {
		q, err := d.shadow(id)
		if err != nil {
			return Evidence{}, err
		}
		return q.Evidence(ctx, actor, id)
	}
	ev, err := d.Store.Evidence(ctx, id)
	if err != nil {
		return Evidence{}, err
	}
	if ev.Item.ClaimedBy != actor.Name {
		if err := canSee(actor, ev.Item.Queue); err != nil {
			return Evidence{}, err
		}
	}
	if err := Require(actor, ActClaim); err != nil && Require(actor, ActSeeAll) != nil {
		return Evidence{}, err
	}
	return ev, nil
}

// Media returns a stored object's bytes for the evidence view.
func (d Desk) Media(ctx context.Context, actor Account, sha256 string) ([]byte, error) {
	if err := Require(actor, ActClaim); err != nil && Require(actor, ActSeeAll) != nil {
		return nil, err
	}
	if d.Objects == nil {
		return nil, Errorf(ENOTFOUND, "no object store")
	}
	return d.Objects.Object(ctx, sha256, MaxMedia)
}

// Preview returns the displayable form of an item's original.
func (d Desk) Preview(ctx context.Context, actor Account, id int64) (Preview, error) {
	if err := Require(actor, ActClaim); err != nil && Require(actor, ActSeeAll) != nil {
		return Preview{}, err
	}
	var it Item
	var err error
	if ShadowClaimID(id) != 0 {
		var q *Quality
		if q, err = d.shadow(id); err == nil {
			it, err = q.Item(ctx, actor, id)
		}
	} else {
		it, err = d.Store.Item(ctx, id)
	}
	if err != nil {
		return Preview{}, err
	}
	if it.ClaimedBy != actor.Name {
		if err := canSee(actor, it.Queue); err != nil {
			return Preview{}, err
		}
	}
	if d.Objects == nil || d.Previews == nil {
		return Preview{Kind: "other", Note: "no preview in this build"}, nil
	}
	data, err := d.Objects.Object(ctx, it.ObjectSHA256, MaxMedia)
	if err != nil {
		return Preview{}, err
	}
	return d.Previews.Preview(ctx, it, data)
}

// Decide records actor's decision on an item actor holds. An
// approve-and-relabel first writes the labelled copy (Relabeler) and
// records its hash with the decision.
//
// A shadow item's decision goes to Quality and touches no live item. A
// live decision may be sampled for calibration afterwards.
func (d Desk) Decide(ctx context.Context, actor Account, id int64, dec Decision) (Item, error) {
	if ShadowClaimID(id) != 0 {
		if err := Require(actor, ActClaim); err != nil {
			return Item{}, err
		}
		if dec.Outcome == OutcomeEscalate {
			if err := Require(actor, ActEscalate); err != nil {
				return Item{}, err
			}
		}
		q, err := d.shadow(id)
		if err != nil {
			return Item{}, err
		}
		return q.Decide(ctx, actor, id, dec)
	}
	it, err := d.decideLive(ctx, actor, id, dec)
	if err == nil && d.Quality != nil {
		// The queue the decision was taken in: an escalation moved the
		// item out of the live queue; any other decision leaves it where
		// it was. A sample that fails to be drawn only lowers the share
		// sampled; the decision stands and is not reported as failed.
		queue := it.Queue
		if dec.Outcome == OutcomeEscalate {
			queue = QueueLive
		}
		_ = d.Quality.Sample(ctx, id, queue, dec.Outcome)
	}
	return it, err
}

func (d Desk) decideLive(ctx context.Context, actor Account, id int64, dec Decision) (Item, error) {
	if dec.Outcome != OutcomeApproveRelabel {
		return Queue{Store: d.Store, Lease: d.Lease}.Decide(ctx, actor, id, dec)
	}
	if err := Require(actor, ActClaim); err != nil {
		return Item{}, err
	}
	dec.Actor = actor.Name
	if err := dec.Validate(); err != nil {
		return Item{}, err
	}
	if d.Relabel == nil || d.Objects == nil {
		return Item{}, Errorf(EINVALID, "relabelling is not available in this workspace")
	}
	it, err := d.Store.Item(ctx, id)
	if err != nil {
		return Item{}, err
	}
	if it.State != StateInReview || it.ClaimedBy != actor.Name {
		return Item{}, Errorf(ECONFLICT, "item %s is not claimed by %s any more; claim it again", it.ProduceID, actor.Name)
	}
	orig, err := d.Objects.Object(ctx, it.ObjectSHA256, MaxMedia)
	if err != nil {
		return Item{}, err
	}
	c, err := d.Relabel.Relabel(ctx, it, orig)
	if err != nil {
		return Item{}, err
	}
	return d.Store.ApplyRelabelled(ctx, actor.Name, id, dec, c)
}

// Undo takes back actor's own latest decision on an item, within the undo
// window: the item returns to actor under a new lease, the decision stays
// in the log marked undone, and the undo is its own event. Outbox files
// not yet written are cancelled; written ones are followed by a
// revocation.
func (d Desk) Undo(ctx context.Context, actor Account, itemID int64) (Item, error) {
	if err := Require(actor, ActClaim); err != nil {
		return Item{}, err
	}
	if ShadowClaimID(itemID) != 0 {
		q, err := d.shadow(itemID)
		if err != nil {
			return Item{}, err
		}
		return q.Undo(ctx, actor, itemID, d.undoWindow(), d.lease())
	}
	w := d.undoWindow()
	ev, err := d.Store.Evidence(ctx, itemID)
	if err != nil {
		return Item{}, err
	}
	var last *Decision
	for i := range ev.Decisions {
		if dec := &ev.Decisions[i]; last == nil || dec.ID > last.ID {
			last = dec
		}
	}
	if last == nil || last.Actor != actor.Name || !last.UndoneAt.IsZero() {
		return Item{}, Errorf(ECONFLICT, "item %s has no decision of yours to undo", ev.Item.ProduceID)
	}
	return d.Store.UndoDecision(ctx, actor.Name, last.ID, w)
}

// Release gives back an item actor holds, without a decision (sign-out,
// lock, closing the window).
func (d Desk) Release(ctx context.Context, actor Account, id int64) error {
	if ShadowClaimID(id) != 0 {
		q, err := d.shadow(id)
		if err != nil {
			return err
		}
		return q.Release(ctx, actor, id)
	}
	return d.Store.Release(ctx, actor.Name, id)
}

// shadow is the Quality that answers shadow item ids; without one, every
// shadow id is unknown (ENOTFOUND).
func (d Desk) shadow(id int64) (*Quality, error) {
	if d.Quality == nil {
		return nil, Errorf(ENOTFOUND, "item %d not found", id)
	}
	return d.Quality, nil
}

// IntakeErrors lists the files intake could not take (admins).
func (d Desk) IntakeErrors(ctx context.Context, actor Account) ([]IntakeError, error) {
	if err := Require(actor, ActRunImport); err != nil {
		return nil, err
	}
	return d.Store.IntakeErrors(ctx)
}
