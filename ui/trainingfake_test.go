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

// fakeTrainer is a review.Trainer over slices, recording what the
// training screens ask of it. It checks roles with review.Require and
// judges answers with review.Judge, so the screens meet the same rules
// as with the real service.
type fakeTrainer struct {
	mu       sync.Mutex
	now      func() time.Time
	items    []review.Item // the live items gold can be made from
	sets     []review.GoldSet
	gold     []review.GoldItem
	sessions []review.TrainingSession
	answers  []fakeAnswer
	served   map[int64][]int64 // session → gold ids answered
	gates    []review.Gate
	certs    []review.Certification
	scores   map[string]review.Scores // by reviewer; "" is the team

	created    []review.GoldSet // CreateGoldSet calls, in order
	added      []review.GoldItem
	retired    []int64
	certifyErr error // what Certify answers; nil certifies
	scoresAsks []string
}

// fakeAnswer is one Answer call.
type fakeAnswer struct {
	session, gold int64
	decision      review.Decision
	took          time.Duration
}

var _ review.Trainer = (*fakeTrainer)(nil)

func newFakeTrainer() *fakeTrainer {
	f := &fakeTrainer{now: fixedNow, served: map[int64][]int64{}, scores: map[string]review.Scores{}}
	for i, p := range []string{"IMGA0001", "IMGB0001", "IMGC0001"} {
		f.items = append(f.items, review.Item{ID: int64(i + 1), ProduceID: p, Format: "png", Size: 2048,
			Category: "face_swap", Service: "FaceStudio", State: review.StateRejected, Queue: review.QueueLive,
			LabelState: "none", Verdict: "unlabelled", ReceivedAt: fixedNow().Add(-time.Hour)})
	}
	return f
}

// withSet adds a set of gold items made from the fake's items, in order.
func (f *fakeTrainer) withSet(name string, gold ...review.GoldItem) *fakeTrainer {
	set := review.GoldSet{ID: int64(len(f.sets) + 1), Name: name, Queue: review.QueueLive, Version: 1,
		CreatedBy: "trainer", CreatedAt: fixedNow()}
	for _, g := range gold {
		g.ID = int64(len(f.gold) + 1)
		g.SetID = set.ID
		it := f.items[g.ItemID-1]
		g.ProduceID, g.Category, g.AddedVersion = it.ProduceID, it.Category, 1
		f.gold = append(f.gold, g)
		set.Items++
	}
	f.sets = append(f.sets, set)
	return f
}

func (f *fakeTrainer) mayTrain(a review.Account) error {
	if review.Require(a, review.ActTrain) != nil {
		return review.Require(a, review.ActBuildGold)
	}
	return nil
}

func (f *fakeTrainer) set(id int64) *review.GoldSet {
	for i := range f.sets {
		if f.sets[i].ID == id {
			return &f.sets[i]
		}
	}
	return nil
}

func (f *fakeTrainer) GoldSets(_ context.Context, a review.Account) ([]review.GoldSet, error) {
	if err := f.mayTrain(a); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sets), nil
}

func (f *fakeTrainer) CreateGoldSet(_ context.Context, a review.Account, name, queue string, cat review.Category) (review.GoldSet, error) {
	if err := review.Require(a, review.ActBuildGold); err != nil {
		return review.GoldSet{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := review.GoldSet{ID: int64(len(f.sets) + 1), Name: name, Queue: queue, Category: cat, Version: 1,
		CreatedBy: a.Name, CreatedAt: f.now()}
	f.sets = append(f.sets, s)
	f.created = append(f.created, s)
	return s, nil
}

func (f *fakeTrainer) AddGold(_ context.Context, a review.Account, setID int64, g review.GoldItem) (review.GoldItem, error) {
	if err := review.Require(a, review.ActBuildGold); err != nil {
		return review.GoldItem{}, err
	}
	if err := g.Validate(); err != nil {
		return review.GoldItem{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.set(setID)
	i := slices.IndexFunc(f.items, func(it review.Item) bool {
		return g.ItemID != 0 && it.ID == g.ItemID || g.ItemID == 0 && it.ProduceID == g.ProduceID
	})
	if s == nil || i < 0 {
		return review.GoldItem{}, review.Errorf(review.ENOTFOUND, "no item %q", g.ProduceID)
	}
	s.Version++
	s.Items++
	it := f.items[i]
	g.ID, g.SetID, g.ItemID, g.ProduceID, g.Category = int64(len(f.gold)+1), setID, it.ID, it.ProduceID, it.Category
	g.CreatedBy, g.CreatedAt, g.AddedVersion = a.Name, f.now(), s.Version
	f.gold = append(f.gold, g)
	f.added = append(f.added, g)
	return g, nil
}

func (f *fakeTrainer) GoldItems(_ context.Context, a review.Account, setID int64) ([]review.GoldItem, error) {
	if err := review.Require(a, review.ActBuildGold); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []review.GoldItem
	for _, g := range f.gold {
		if g.SetID == setID {
			out = append(out, g)
		}
	}
	return out, nil
}

func (f *fakeTrainer) RetireGold(_ context.Context, a review.Account, goldID int64) error {
	if err := review.Require(a, review.ActBuildGold); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.gold {
		if g := &f.gold[i]; g.ID == goldID && !g.Retired {
			g.Retired = true
			s := f.set(g.SetID)
			s.Version++
			s.Items--
			f.retired = append(f.retired, goldID)
			return nil
		}
	}
	return review.Errorf(review.ENOTFOUND, "no gold item %d", goldID)
}

func (f *fakeTrainer) StartSession(_ context.Context, a review.Account, setID int64) (review.TrainingSession, error) {
	if err := review.Require(a, review.ActTrain); err != nil {
		return review.TrainingSession{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.set(setID)
	if s == nil {
		return review.TrainingSession{}, review.Errorf(review.ENOTFOUND, "no set %d", setID)
	}
	sess := review.TrainingSession{ID: int64(len(f.sessions) + 1), Kind: review.SessionTraining, Reviewer: a.Name,
		SetID: setID, SetVersion: s.Version, StartedAt: f.now()}
	f.sessions = append(f.sessions, sess)
	return sess, nil
}

// pending is the session's gold not answered yet, in order.
func (f *fakeTrainer) pending(sess review.TrainingSession) []review.GoldItem {
	var out []review.GoldItem
	for _, g := range f.gold {
		if g.SetID == sess.SetID && !g.Retired && !slices.Contains(f.served[sess.ID], g.ID) {
			out = append(out, g)
		}
	}
	return out
}

func (f *fakeTrainer) NextGold(_ context.Context, a review.Account, sessionID int64) (review.GoldItem, review.Evidence, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sessionID < 1 || int(sessionID) > len(f.sessions) || f.sessions[sessionID-1].Reviewer != a.Name {
		return review.GoldItem{}, review.Evidence{}, review.Errorf(review.ENOTFOUND, "no session %d", sessionID)
	}
	p := f.pending(f.sessions[sessionID-1])
	if len(p) == 0 {
		return review.GoldItem{}, review.Evidence{}, review.Errorf(review.ENOTFOUND, "every item answered")
	}
	it := f.items[p[0].ItemID-1]
	it.State = review.StateInReview // as shown to the trainee, without its decisions
	return p[0], review.Evidence{Item: it}, nil
}

func (f *fakeTrainer) Answer(_ context.Context, a review.Account, sessionID, goldID int64, d review.Decision, took time.Duration) (review.Feedback, error) {
	if err := d.Validate(); err != nil {
		return review.Feedback{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if sessionID < 1 || int(sessionID) > len(f.sessions) || f.sessions[sessionID-1].Reviewer != a.Name {
		return review.Feedback{}, review.Errorf(review.ENOTFOUND, "no session %d", sessionID)
	}
	i := slices.IndexFunc(f.gold, func(g review.GoldItem) bool { return g.ID == goldID })
	if i < 0 {
		return review.Feedback{}, review.Errorf(review.ENOTFOUND, "no gold item %d", goldID)
	}
	g := f.gold[i]
	correct, missing := review.Judge(g, d.Outcome, d.Reasons)
	f.answers = append(f.answers, fakeAnswer{session: sessionID, gold: goldID, decision: d, took: took})
	f.served[sessionID] = append(f.served[sessionID], goldID)
	sess := &f.sessions[sessionID-1]
	sess.Answered++
	if correct {
		sess.Correct++
	}
	return review.Feedback{
		Answer: review.Answer{SessionID: sessionID, GoldID: goldID, Outcome: d.Outcome, Reasons: d.Reasons,
			Correct: correct, Took: took, At: f.now()},
		Expected: g.Expected, Reasons: g.Reasons, Missing: missing, Explanation: g.Explanation,
		Done: len(f.pending(*sess)) == 0,
	}, nil
}

func (f *fakeTrainer) FinishSession(_ context.Context, a review.Account, sessionID int64) (review.TrainingSession, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sessionID < 1 || int(sessionID) > len(f.sessions) || f.sessions[sessionID-1].Reviewer != a.Name {
		return review.TrainingSession{}, review.Errorf(review.ENOTFOUND, "no session %d", sessionID)
	}
	f.sessions[sessionID-1].FinishedAt = f.now()
	return f.sessions[sessionID-1], nil
}

func (f *fakeTrainer) Scores(_ context.Context, a review.Account, reviewer string) (review.Scores, error) {
	if reviewer != a.Name {
		if err := review.Require(a, review.ActSeeScores); err != nil {
			return review.Scores{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scoresAsks = append(f.scoresAsks, reviewer)
	s := f.scores[reviewer]
	s.Reviewer = reviewer
	return s, nil
}

func (f *fakeTrainer) Gates(_ context.Context, a review.Account) ([]review.Gate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.gates), nil
}

func (f *fakeTrainer) SetGate(_ context.Context, a review.Account, g review.Gate) error {
	if err := review.Require(a, review.ActCertify); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	g.SetBy, g.SetAt = a.Name, f.now()
	f.gates = slices.DeleteFunc(f.gates, func(x review.Gate) bool { return x.Queue == g.Queue })
	f.gates = append(f.gates, g)
	return nil
}

func (f *fakeTrainer) Certify(_ context.Context, a review.Account, reviewer, queue string) (review.Certification, error) {
	if err := review.Require(a, review.ActCertify); err != nil {
		return review.Certification{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.certifyErr != nil {
		return review.Certification{}, f.certifyErr
	}
	c := review.Certification{Reviewer: reviewer, Queue: queue, CertifiedBy: a.Name, CertifiedAt: f.now(),
		Accuracy: 95, Items: 40}
	f.certs = append(f.certs, c)
	return c, nil
}

func (f *fakeTrainer) Certifications(_ context.Context, a review.Account, reviewer string) ([]review.Certification, error) {
	if reviewer != a.Name {
		if err := review.Require(a, review.ActSeeScores); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []review.Certification
	for _, c := range f.certs {
		if reviewer == "" || c.Reviewer == reviewer {
			out = append(out, c)
		}
	}
	return out, nil
}

// lastAnswer is the newest Answer call.
func (f *fakeTrainer) lastAnswer() (fakeAnswer, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.answers) == 0 {
		return fakeAnswer{}, false
	}
	return f.answers[len(f.answers)-1], true
}

// trainingPreview is the preview the desk would give: a small gradient.
func trainingPreview(_ context.Context, id int64) (review.Preview, error) {
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

// fakeQuality is a review.QualityReader over fixed answers, checking the
// role as the real service does and recording the since it was asked.
type fakeQuality struct {
	mu        sync.Mutex
	settings  review.QualitySettings
	agreement review.Agreement
	err       error // what Agreement answers, when set
	since     []time.Time
}

var _ review.QualityReader = (*fakeQuality)(nil)

func (f *fakeQuality) Agreement(_ context.Context, a review.Account, since time.Time) (review.Agreement, error) {
	if err := review.Require(a, review.ActSeeScores); err != nil {
		return review.Agreement{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.since = append(f.since, since)
	if f.err != nil {
		return review.Agreement{}, f.err
	}
	ag := f.agreement
	ag.Since = since
	return ag, nil
}

func (f *fakeQuality) Settings(_ context.Context, a review.Account) (review.QualitySettings, error) {
	if err := review.Require(a, review.ActSeeScores); err != nil {
		return review.QualitySettings{}, err
	}
	return f.settings, nil
}

// fakeImporter is a review.GoldImporter over a fakeTrainer: it records the
// files it is given and adds a gold item named after each to the set, as
// the app's importer would once it has scanned the file.
type fakeImporter struct {
	f     *fakeTrainer
	files []review.GoldFile // ImportGold calls, in order
	err   error             // what ImportGold answers, when set
}

var _ review.GoldImporter = (*fakeImporter)(nil)

func (i *fakeImporter) ImportGold(_ context.Context, a review.Account, setID int64, file review.GoldFile, g review.GoldItem) (review.GoldItem, error) {
	if err := review.Require(a, review.ActBuildGold); err != nil {
		return review.GoldItem{}, err
	}
	i.f.mu.Lock()
	defer i.f.mu.Unlock()
	i.files = append(i.files, file)
	if i.err != nil {
		return review.GoldItem{}, i.err
	}
	if err := g.Validate(); err != nil {
		return review.GoldItem{}, err
	}
	s := i.f.set(setID)
	if s == nil {
		return review.GoldItem{}, review.Errorf(review.ENOTFOUND, "no gold set %d", setID)
	}
	s.Version++
	s.Items++
	g.ID, g.SetID, g.FileID, g.ProduceID, g.Category = int64(len(i.f.gold)+1), setID, int64(len(i.files)), file.Name, file.Category
	g.CreatedBy, g.CreatedAt, g.AddedVersion = a.Name, i.f.now(), s.Version
	i.f.gold = append(i.f.gold, g)
	return g, nil
}
