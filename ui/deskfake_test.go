package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"slices"
	"sync"
	"time"

	"synthreview/review"
)

// fakeDesk is a review.Workstation over a slice of items, recording what
// the screens ask of it. It applies review's rules (role checks, states)
// through review.Require and review.Next, so the screens meet the same
// refusals as with the real store.
type fakeDesk struct {
	mu        sync.Mutex
	items     []review.Item
	hits      map[int64][]review.RuleHit
	decisions []review.Decision
	released  []int64
	undone    []int64
	peeks     int
	previews  int
	failNext  error
	broken    map[int64]bool // items whose preview bytes do not decode
	now       func() time.Time
}

var _ review.Workstation = (*fakeDesk)(nil)

func newFakeDesk(n int) *fakeDesk {
	f := &fakeDesk{hits: map[int64][]review.RuleHit{}, now: fixedNow}
	for i := 1; i <= n; i++ {
		cat := review.Category("image_generation")
		if i%2 == 0 {
			cat = "face_swap"
		}
		f.items = append(f.items, review.Item{ID: int64(i), ProduceID: "IMG" + string(rune('A'+i-1)) + "0001",
			Format: "png", Category: cat, Service: "FaceStudio", State: review.StateQueued, Queue: review.QueueLive,
			LabelState: "none", Verdict: "unlabelled", ReceivedAt: fixedNow().Add(-time.Duration(n-i+1) * time.Hour),
			ObjectSHA256: "ab", Size: 1234})
	}
	return f
}

func (f *fakeDesk) item(id int64) *review.Item {
	for i := range f.items {
		if f.items[i].ID == id {
			return &f.items[i]
		}
	}
	return nil
}

func (f *fakeDesk) Queues(_ context.Context, a review.Account) ([]review.QueueCount, error) {
	if review.Require(a, review.ActClaim) != nil && review.Require(a, review.ActSeeAll) != nil {
		return nil, review.Errorf(review.EFORBIDDEN, "no")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []review.QueueCount{{Queue: review.QueueLive}, {Queue: review.QueueEscalation}}
	for _, it := range f.items {
		i := 0
		if it.Queue == review.QueueEscalation {
			i = 1
		}
		switch it.State {
		case review.StateQueued, review.StateEscalated:
			out[i].Waiting++
			if out[i].Oldest.IsZero() || it.ReceivedAt.Before(out[i].Oldest) {
				out[i].Oldest = it.ReceivedAt
			}
		case review.StateInReview:
			out[i].InReview++
		}
	}
	return out, nil
}

func (f *fakeDesk) List(_ context.Context, a review.Account, q review.QueueFilter) ([]review.QueueRow, int, error) {
	if err := review.Require(a, review.ClaimAction(q.Queue)); err != nil && review.Require(a, review.ActSeeAll) != nil {
		return nil, 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var rows []review.QueueRow
	for _, it := range f.items {
		if it.Queue != q.Queue || (q.Category != "" && it.Category != q.Category) {
			continue
		}
		rows = append(rows, review.QueueRow{ID: it.ID, ProduceID: it.ProduceID, Category: it.Category, State: it.State,
			LabelState: it.LabelState, ReceivedAt: it.ReceivedAt, ClaimedBy: it.ClaimedBy, Hits: len(f.hits[it.ID])})
	}
	total := len(rows)
	lo, hi := min(q.Offset, total), min(q.Offset+q.Limit, total)
	return rows[lo:hi], total, nil
}

func (f *fakeDesk) waiting(queue string, skip int64) *review.Item {
	want := review.StateQueued
	if queue == review.QueueEscalation {
		want = review.StateEscalated
	}
	for i := range f.items {
		if f.items[i].State == want && f.items[i].ID != skip {
			return &f.items[i]
		}
	}
	return nil
}

func (f *fakeDesk) Next(_ context.Context, a review.Account, queue string) (review.Item, error) {
	if err := review.Require(a, review.ClaimAction(queue)); err != nil {
		return review.Item{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failNext != nil {
		return review.Item{}, f.failNext
	}
	it := f.waiting(queue, 0)
	if it == nil {
		return review.Item{}, review.Errorf(review.ENOTFOUND, "the %s queue is empty", queue)
	}
	it.State, it.ClaimedBy, it.LeaseUntil = review.StateInReview, a.Name, f.now().Add(10*time.Minute)
	return *it, nil
}

func (f *fakeDesk) Peek(_ context.Context, a review.Account, queue string, skip int64) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.peeks++
	if it := f.waiting(queue, skip); it != nil {
		return it.ID, nil
	}
	return 0, review.Errorf(review.ENOTFOUND, "empty")
}

func (f *fakeDesk) Evidence(_ context.Context, a review.Account, id int64) (review.Evidence, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it := f.item(id)
	if it == nil {
		return review.Evidence{}, review.Errorf(review.ENOTFOUND, "no item %d", id)
	}
	ev := review.Evidence{Item: *it, RuleHits: f.hits[id], Scan: `{"label_state":"none","verdict":"unlabelled","implicit":[],"findings":[{"code":"implicit-missing","severity":"info","message":"no label"}]}`}
	for _, d := range f.decisions {
		if d.ItemID == id {
			ev.Decisions = append(ev.Decisions, d)
		}
	}
	return ev, nil
}

func (f *fakeDesk) Media(context.Context, review.Account, string) ([]byte, error) { return nil, nil }

func (f *fakeDesk) Preview(_ context.Context, _ review.Account, id int64) (review.Preview, error) {
	f.mu.Lock()
	f.previews++
	broken := f.broken[id]
	f.mu.Unlock()
	if broken {
		return review.Preview{Kind: "image", Width: 64, Height: 64, Scale: 1,
			Image: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x40\x00\x00\x00\x40\x08\x06\x00\x00\x00")}, nil
	}
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), uint8(id * 40), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return review.Preview{}, err
	}
	return review.Preview{Kind: "image", Width: 64, Height: 48, Image: b.Bytes(), Scale: 1}, nil
}

func (f *fakeDesk) Decide(_ context.Context, a review.Account, id int64, d review.Decision) (review.Item, error) {
	if err := review.Require(a, review.ActClaim); err != nil {
		return review.Item{}, err
	}
	d.Actor, d.ItemID = a.Name, id
	if err := d.Validate(); err != nil {
		return review.Item{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	it := f.item(id)
	if it == nil || it.State != review.StateInReview || it.ClaimedBy != a.Name {
		return review.Item{}, review.Errorf(review.ECONFLICT, "item is not claimed by %s any more", a.Name)
	}
	next, err := review.Next(it.State, it.Queue, d.Outcome.Move())
	if err != nil {
		return review.Item{}, err
	}
	it.Queue = review.QueueAfter(it.Queue, d.Outcome.Move())
	it.State, it.ClaimedBy = next, ""
	d.ID, d.At = int64(len(f.decisions)+1), f.now()
	f.decisions = append(f.decisions, d)
	return *it, nil
}

func (f *fakeDesk) Undo(_ context.Context, a review.Account, itemID int64) (review.Item, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it := f.item(itemID)
	i := slices.IndexFunc(f.decisions, func(d review.Decision) bool { return d.ItemID == itemID && d.UndoneAt.IsZero() })
	if it == nil || i < 0 || f.decisions[i].Actor != a.Name {
		return review.Item{}, review.Errorf(review.ECONFLICT, "nothing to undo")
	}
	f.decisions[i].UndoneAt = f.now()
	f.undone = append(f.undone, itemID)
	it.State, it.ClaimedBy, it.Queue = review.StateInReview, a.Name, review.QueueLive
	return *it, nil
}

func (f *fakeDesk) Release(_ context.Context, a review.Account, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	it := f.item(id)
	if it == nil || it.State != review.StateInReview || it.ClaimedBy != a.Name {
		return review.Errorf(review.ECONFLICT, "not yours")
	}
	it.State, it.ClaimedBy = review.StateQueued, ""
	f.released = append(f.released, id)
	return nil
}

func (f *fakeDesk) IntakeErrors(_ context.Context, a review.Account) ([]review.IntakeError, error) {
	if err := review.Require(a, review.ActRunImport); err != nil {
		return nil, err
	}
	return []review.IntakeError{{ID: 1, Path: "inbox/x.png", Reason: "no sidecar after 5m", At: fixedNow()}}, nil
}

// lastDecision returns the newest decision recorded.
func (f *fakeDesk) lastDecision() (review.Decision, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.decisions) == 0 {
		return review.Decision{}, false
	}
	return f.decisions[len(f.decisions)-1], true
}

// fakeAuth signs in the demo accounts with one password.
type fakeAuth struct{ accounts map[string]review.Role }

func (a fakeAuth) Authenticate(_ context.Context, name, pw string) (review.Account, error) {
	r, ok := a.accounts[name]
	if !ok || pw != "correct horse battery" {
		return review.Account{}, review.Errorf(review.EFORBIDDEN, "wrong name or password")
	}
	return review.Account{Name: name, Role: r}, nil
}

var testAccounts = fakeAuth{accounts: map[string]review.Role{
	"reviewer1": review.RoleReviewer, "senior1": review.RoleSenior, "trainer": review.RoleTrainer,
	"manager": review.RoleManager, "admin": review.RoleAdmin,
}}
