package review_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

// memTraining is an in-memory TrainingStore over a few live items.
type memTraining struct {
	items    map[int64]review.Evidence
	sets     []review.GoldSet
	gold     []review.GoldItem
	sessions []review.TrainingSession
	answers  []review.Answer
	gates    map[string]review.Gate
	certs    []review.Certification
	accounts []string
	files    []review.TrainingFile
}

var _ review.TrainingStore = (*memTraining)(nil)

func newMemTraining() *memTraining {
	m := &memTraining{items: map[int64]review.Evidence{}, gates: map[string]review.Gate{},
		accounts: []string{"reviewer1", "reviewer2", "senior1", "manager", "trainer"}}
	for i, cat := range []review.Category{"image_generation", "image_generation", "face_swap", "image_generation"} {
		id := int64(i + 1)
		m.items[id] = review.Evidence{
			Item: review.Item{ID: id, ProduceID: "IMG" + string(rune('A'+i)), Category: cat, State: review.StateRejected,
				Queue: review.QueueEscalation, ClaimedBy: "reviewer2"},
			Decisions:  []review.Decision{{ID: id, ItemID: id, Actor: "reviewer2", Outcome: review.OutcomeReject, Reasons: []string{"risk-a1g"}}},
			Copies:     []review.LabelledCopy{{SHA256: "aa"}},
			Events:     []review.Event{{Kind: "item.decided"}},
			Complaints: []review.Complaint{{ID: 1}},
			RuleHits:   []review.RuleHit{{RuleID: "keyword", Severity: "error"}},
		}
	}
	return m
}

func (m *memTraining) Item(_ context.Context, id int64) (review.Item, error) {
	ev, err := m.Evidence(context.Background(), id)
	return ev.Item, err
}

func (m *memTraining) ItemByProduceID(_ context.Context, produceID string) (review.Item, error) {
	for _, ev := range m.items {
		if ev.Item.ProduceID == produceID {
			return ev.Item, nil
		}
	}
	return review.Item{}, review.Errorf(review.ENOTFOUND, "no item %s", produceID)
}

func (m *memTraining) IsGoldSource(_ context.Context, itemID int64) (bool, error) {
	for _, g := range m.gold {
		if g.ItemID == itemID {
			return true, nil
		}
	}
	return false, nil
}

func (m *memTraining) Evidence(_ context.Context, id int64) (review.Evidence, error) {
	ev, ok := m.items[id]
	if !ok {
		return ev, review.Errorf(review.ENOTFOUND, "no item %d", id)
	}
	return ev, nil
}

func (m *memTraining) GoldSets(context.Context) ([]review.GoldSet, error) {
	var out []review.GoldSet
	for i := range m.sets {
		s, _ := m.GoldSet(context.Background(), m.sets[i].ID)
		out = append(out, s)
	}
	return out, nil
}

func (m *memTraining) GoldSet(_ context.Context, id int64) (review.GoldSet, error) {
	for _, s := range m.sets {
		if s.ID == id {
			s.Items = 0
			for _, g := range m.gold {
				if g.SetID == id && !g.Retired {
					s.Items++
				}
			}
			return s, nil
		}
	}
	return review.GoldSet{}, review.Errorf(review.ENOTFOUND, "no gold set %d", id)
}

func (m *memTraining) CreateGoldSet(_ context.Context, _ string, s review.GoldSet) (review.GoldSet, error) {
	s.ID = int64(len(m.sets) + 1)
	m.sets = append(m.sets, s)
	return s, nil
}

func (m *memTraining) bump(setID int64) int {
	for i := range m.sets {
		if m.sets[i].ID == setID {
			m.sets[i].Version++
			return m.sets[i].Version
		}
	}
	return 0
}

func (m *memTraining) AddGold(_ context.Context, _ string, g review.GoldItem) (review.GoldItem, error) {
	for _, o := range m.gold {
		if o.SetID == g.SetID && o.ItemID == g.ItemID && !o.Retired {
			return g, review.Errorf(review.ECONFLICT, "item %s is gold already", g.ProduceID)
		}
	}
	g.ID, g.AddedVersion = int64(len(m.gold)+1), m.bump(g.SetID)
	m.gold = append(m.gold, g)
	return g, nil
}

func (m *memTraining) AddFileGold(_ context.Context, _ string, f review.TrainingFile, g review.GoldItem) (review.GoldItem, error) {
	f.ID = int64(len(m.files) + 1)
	m.files = append(m.files, f)
	g.FileID, g.ID, g.AddedVersion = f.ID, int64(len(m.gold)+1), m.bump(g.SetID)
	m.gold = append(m.gold, g)
	return g, nil
}

func (m *memTraining) TrainingFile(_ context.Context, id int64) (review.TrainingFile, error) {
	if id < 1 || int(id) > len(m.files) {
		return review.TrainingFile{}, review.Errorf(review.ENOTFOUND, "no training file %d", id)
	}
	return m.files[id-1], nil
}

func (m *memTraining) GoldItems(_ context.Context, setID int64) ([]review.GoldItem, error) {
	var out []review.GoldItem
	for _, g := range m.gold {
		if g.SetID == setID {
			out = append(out, g)
		}
	}
	return out, nil
}

func (m *memTraining) GoldItem(_ context.Context, id int64) (review.GoldItem, error) {
	if id < 1 || int(id) > len(m.gold) {
		return review.GoldItem{}, review.Errorf(review.ENOTFOUND, "no gold item %d", id)
	}
	return m.gold[id-1], nil
}

func (m *memTraining) RetireGold(_ context.Context, _ string, id int64, _ time.Time) (review.GoldItem, error) {
	g, err := m.GoldItem(context.Background(), id)
	if err != nil {
		return g, err
	}
	g.Retired, g.RetiredVersion = true, m.bump(g.SetID)
	m.gold[id-1] = g
	return g, nil
}

func (m *memTraining) CreateSession(_ context.Context, s review.TrainingSession) (review.TrainingSession, error) {
	s.ID = int64(len(m.sessions) + 1)
	m.sessions = append(m.sessions, s)
	return s, nil
}

func (m *memTraining) Session(_ context.Context, id int64) (review.TrainingSession, error) {
	if id < 1 || int(id) > len(m.sessions) {
		return review.TrainingSession{}, review.Errorf(review.ENOTFOUND, "no training session %d", id)
	}
	s := m.sessions[id-1]
	for _, a := range m.answers {
		if a.SessionID == id {
			s.Answered++
			if a.Correct {
				s.Correct++
			}
		}
	}
	return s, nil
}

func (m *memTraining) SessionAnswers(_ context.Context, id int64) ([]review.Answer, error) {
	var out []review.Answer
	for _, a := range m.answers {
		if a.SessionID == id {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memTraining) RecordAnswer(_ context.Context, _ string, a review.Answer) (review.TrainingSession, error) {
	for _, o := range m.answers {
		if o.SessionID == a.SessionID && o.GoldID == a.GoldID {
			return review.TrainingSession{}, review.Errorf(review.ECONFLICT, "answered already")
		}
	}
	m.answers = append(m.answers, a)
	return m.Session(context.Background(), a.SessionID)
}

func (m *memTraining) FinishSession(_ context.Context, _ string, id int64, at time.Time) (review.TrainingSession, error) {
	m.sessions[id-1].FinishedAt = at
	return m.Session(context.Background(), id)
}

func (m *memTraining) ScoredAnswers(_ context.Context, f review.AnswerFilter) ([]review.ScoredAnswer, error) {
	var out []review.ScoredAnswer
	for _, a := range m.answers {
		s := m.sessions[a.SessionID-1]
		g := m.gold[a.GoldID-1]
		set, _ := m.GoldSet(context.Background(), g.SetID)
		if (f.Reviewer != "" && s.Reviewer != f.Reviewer) || (f.Kind != "" && s.Kind != f.Kind) ||
			(f.Queue != "" && set.Queue != f.Queue) || a.At.Before(f.Since) {
			continue
		}
		out = append(out, review.ScoredAnswer{Answer: a, Reviewer: s.Reviewer, Kind: s.Kind, Queue: set.Queue,
			Category: g.Category, Expected: g.Expected, ExpectedReasons: g.Reasons})
	}
	return out, nil
}

func (m *memTraining) TrainingSessions(_ context.Context, f review.AnswerFilter) ([]review.TrainingSession, error) {
	var out []review.TrainingSession
	for _, s := range m.sessions {
		if (f.Reviewer == "" || s.Reviewer == f.Reviewer) && (f.Kind == "" || s.Kind == f.Kind) {
			s, _ = m.Session(context.Background(), s.ID)
			out = append(out, s)
		}
	}
	return out, nil
}

func (m *memTraining) Gates(context.Context) ([]review.Gate, error) {
	var out []review.Gate
	for _, g := range m.gates {
		out = append(out, g)
	}
	return out, nil
}

func (m *memTraining) SetGate(_ context.Context, _ string, g review.Gate) error {
	m.gates[g.Queue] = g
	return nil
}

func (m *memTraining) RemoveGate(_ context.Context, _, queue string) error {
	if _, ok := m.gates[queue]; !ok {
		return review.Errorf(review.ENOTFOUND, "no gate")
	}
	delete(m.gates, queue)
	return nil
}

func (m *memTraining) RecordCertification(_ context.Context, _ string, c review.Certification) (review.Certification, error) {
	if !slices.Contains(m.accounts, c.Reviewer) {
		return c, review.Errorf(review.ENOTFOUND, "no account %q", c.Reviewer)
	}
	c.ID = int64(len(m.certs) + 1)
	m.certs = append(m.certs, c)
	return c, nil
}

func (m *memTraining) Certifications(_ context.Context, reviewer string) ([]review.Certification, error) {
	var out []review.Certification
	for _, c := range m.certs {
		if reviewer == "" || c.Reviewer == reviewer {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *memTraining) Certified(_ context.Context, reviewer, queue string) (bool, error) {
	if _, ok := m.gates[queue]; !ok {
		return true, nil
	}
	for i := len(m.certs) - 1; i >= 0; i-- {
		if c := m.certs[i]; c.Reviewer == reviewer && c.Queue == queue {
			return !c.Revoked, nil
		}
	}
	return false, nil
}

var (
	trReviewer1 = review.Account{Name: "reviewer1", Role: review.RoleReviewer}
	trReviewer2 = review.Account{Name: "reviewer2", Role: review.RoleReviewer}
	trSenior    = review.Account{Name: "senior1", Role: review.RoleSenior}
	trTrainer   = review.Account{Name: "trainer", Role: review.RoleTrainer}
	trManager   = review.Account{Name: "manager", Role: review.RoleManager}
	trAdmin     = review.Account{Name: "admin", Role: review.RoleAdmin}
)

// trainingWith returns the service over a fresh store with a clock that
// tests move, and a live gold set of the store's four items: a
// rejection citing two codes, an approval, an approve-and-relabel and an
// escalation.
func trainingWith(t *testing.T) (review.Training, *memTraining, *time.Time, review.GoldSet) {
	t.Helper()
	ctx := context.Background()
	m := newMemTraining()
	clock := time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC)
	tr := review.Training{Store: m, Now: func() time.Time { return clock }}
	set, err := tr.CreateGoldSet(ctx, trTrainer, "  实时队列基础  ", review.QueueLive, "")
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range []review.GoldItem{
		{Expected: review.OutcomeReject, Reasons: []string{"risk-a1g", "explicit-label-missing"}, Explanation: "特征库命中虚假新闻图，且缺少显式标识。"},
		{Expected: review.OutcomeApprove, Explanation: "标识齐全，无规则命中，应通过。"},
		{Expected: review.OutcomeApproveRelabel, Explanation: "同意有效，只缺显式标识：通过并补标。"},
		{Expected: review.OutcomeEscalate, Explanation: "疑似公众人物肖像，交资深审核员判断。"},
	} {
		g.ItemID = int64(i + 1)
		if _, err := tr.AddGold(ctx, trTrainer, set.ID, g); err != nil {
			t.Fatalf("gold %d: %v", i+1, err)
		}
	}
	set, err = m.GoldSet(ctx, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tr, m, &clock, set
}

func TestJudge(t *testing.T) {
	reject := review.GoldItem{Expected: review.OutcomeReject, Reasons: []string{"risk-a1g", "explicit-label-missing"}}
	approve := review.GoldItem{Expected: review.OutcomeApprove}
	cases := []struct {
		name        string
		g           review.GoldItem
		outcome     review.Outcome
		reasons     []string
		correct     bool
		wantMissing []string
	}{
		{"the expected approval is right", approve, review.OutcomeApprove, nil, true, nil},
		{"approving what should be relabelled is wrong", review.GoldItem{Expected: review.OutcomeApproveRelabel}, review.OutcomeApprove, nil, false, nil},
		{"a rejection citing every expected code is right", reject, review.OutcomeReject, []string{"explicit-label-missing", "risk-a1g"}, true, nil},
		{"extra codes do not hurt", reject, review.OutcomeReject, []string{"risk-a1g", "explicit-label-missing", "real-name-unverified"}, true, nil},
		{"a rejection missing a code is wrong and names it", reject, review.OutcomeReject, []string{"risk-a1g"}, false, []string{"explicit-label-missing"}},
		{"approving a rejection is wrong and names every code", reject, review.OutcomeApprove, nil, false, []string{"risk-a1g", "explicit-label-missing"}},
		{"the right codes under the wrong outcome are wrong", reject, review.OutcomeEscalate, []string{"risk-a1g", "explicit-label-missing"}, false, nil},
		{"escalating what should be escalated is right", review.GoldItem{Expected: review.OutcomeEscalate}, review.OutcomeEscalate, nil, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, missing := review.Judge(c.g, c.outcome, c.reasons)
			if ok != c.correct || !slices.Equal(missing, c.wantMissing) {
				t.Errorf("Judge = %v, missing %v; want %v, %v", ok, missing, c.correct, c.wantMissing)
			}
		})
	}
}

func TestTrainingRoles(t *testing.T) {
	ctx := context.Background()
	tr, _, _, set := trainingWith(t)
	s1, err := tr.StartSession(ctx, trReviewer1, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	disabled := trReviewer2
	disabled.Disabled = true
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"a reviewer may not build gold sets", func() error {
			_, err := tr.CreateGoldSet(ctx, trReviewer1, "x", review.QueueLive, "")
			return err
		}, review.EFORBIDDEN},
		{"a manager may not add gold", func() error {
			_, err := tr.AddGold(ctx, trManager, set.ID, review.GoldItem{ItemID: 4, Expected: review.OutcomeApprove, Explanation: "标识齐全，应通过。"})
			return err
		}, review.EFORBIDDEN},
		{"a reviewer may not read the answers of a set", func() error {
			_, err := tr.GoldItems(ctx, trReviewer1, set.ID)
			return err
		}, review.EFORBIDDEN},
		{"a trainer reads them", func() error {
			_, err := tr.GoldItems(ctx, trTrainer, set.ID)
			return err
		}, ""},
		{"a reviewer may not retire gold", func() error { return tr.RetireGold(ctx, trReviewer1, 1) }, review.EFORBIDDEN},
		{"a reviewer lists the sets to train on", func() error {
			_, err := tr.GoldSets(ctx, trReviewer1)
			return err
		}, ""},
		{"an admin does not train", func() error {
			_, err := tr.StartSession(ctx, trAdmin, set.ID)
			return err
		}, review.EFORBIDDEN},
		{"a disabled reviewer does not train", func() error {
			_, err := tr.StartSession(ctx, disabled, set.ID)
			return err
		}, review.EFORBIDDEN},
		{"a senior trains", func() error {
			_, err := tr.StartSession(ctx, trSenior, set.ID)
			return err
		}, ""},
		{"another reviewer may not see a session's next item", func() error {
			_, _, err := tr.NextGold(ctx, trReviewer2, s1.ID)
			return err
		}, review.EFORBIDDEN},
		{"nor answer in it", func() error {
			_, err := tr.Answer(ctx, trReviewer2, s1.ID, 2, review.Decision{Outcome: review.OutcomeApprove}, time.Second)
			return err
		}, review.EFORBIDDEN},
		{"nor finish it", func() error {
			_, err := tr.FinishSession(ctx, trReviewer2, s1.ID)
			return err
		}, review.EFORBIDDEN},
		{"a reviewer sees their own scores", func() error {
			_, err := tr.Scores(ctx, trReviewer1, "reviewer1")
			return err
		}, ""},
		{"but not another's", func() error {
			_, err := tr.Scores(ctx, trReviewer1, "reviewer2")
			return err
		}, review.EFORBIDDEN},
		{"nor the team's", func() error {
			_, err := tr.Scores(ctx, trReviewer1, "")
			return err
		}, review.EFORBIDDEN},
		{"a manager sees anyone's", func() error {
			_, err := tr.Scores(ctx, trManager, "reviewer1")
			return err
		}, ""},
		{"a trainer sees the team's", func() error {
			_, err := tr.Scores(ctx, trTrainer, "")
			return err
		}, ""},
		{"a reviewer reads the gates", func() error {
			_, err := tr.Gates(ctx, trReviewer1)
			return err
		}, ""},
		{"a manager may not set a gate", func() error {
			return tr.SetGate(ctx, trManager, review.Gate{Queue: review.QueueLive, MinAccuracy: 90, MinItems: 3})
		}, review.EFORBIDDEN},
		{"a manager may not certify", func() error {
			_, err := tr.Certify(ctx, trManager, "reviewer1", review.QueueLive)
			return err
		}, review.EFORBIDDEN},
		{"a reviewer reads their own certifications", func() error {
			_, err := tr.Certifications(ctx, trReviewer1, "reviewer1")
			return err
		}, ""},
		{"but not another's", func() error {
			_, err := tr.Certifications(ctx, trReviewer1, "reviewer2")
			return err
		}, review.EFORBIDDEN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := review.ErrorCode(c.call()); got != c.want {
				t.Errorf("error code %q, want %q", got, c.want)
			}
		})
	}
}

func TestGoldSetsAreVersioned(t *testing.T) {
	ctx := context.Background()
	tr, m, _, set := trainingWith(t)
	if set.Name != "实时队列基础" || set.Version != 4 || set.Items != 4 {
		t.Fatalf("set after four additions: %+v; want the trimmed name, version 4, 4 items", set)
	}
	g := m.gold[0]
	if g.ProduceID != "IMGA" || g.Category != "image_generation" || g.AddedVersion != 1 || g.CreatedBy != "trainer" {
		t.Errorf("gold item copies %+v; want the item's ProduceID and category, version 1, made by trainer", g)
	}

	t.Run("the gold item takes the item's ProduceID and category, not the caller's", func(t *testing.T) {
		other, err := tr.CreateGoldSet(ctx, trTrainer, "换脸", review.QueueLive, "face_swap")
		if err != nil {
			t.Fatal(err)
		}
		got, err := tr.AddGold(ctx, trTrainer, other.ID, review.GoldItem{ItemID: 3, ProduceID: "FORGED", Category: "other",
			Expected: review.OutcomeApprove, Explanation: "同意有效，标识齐全。"})
		if err != nil || got.ProduceID != "IMGC" || got.Category != "face_swap" {
			t.Errorf("AddGold = %+v, %v", got, err)
		}
		_, err = tr.AddGold(ctx, trTrainer, other.ID, review.GoldItem{ItemID: 1, Expected: review.OutcomeApprove, Explanation: "标识齐全，应通过。"})
		if review.ErrorCode(err) != review.EINVALID || !strings.Contains(review.ErrorMessage(err), "face_swap") {
			t.Errorf("an image_generation item in a face_swap set: %v, want EINVALID naming the set's category", err)
		}
	})
	t.Run("a gold item needs a valid expected decision and an explanation", func(t *testing.T) {
		for _, g := range []review.GoldItem{
			{ItemID: 4, Expected: review.OutcomeReject, Explanation: "应驳回，但没有给原因码。"},
			{ItemID: 4, Expected: review.OutcomeSkip, Explanation: "跳过不是正确答案。"},
			{ItemID: 4, Expected: review.OutcomeApprove, Explanation: "好"},
			{ItemID: 4, Expected: review.OutcomeReject, Reasons: []string{"no-such-code"}, Explanation: "原因码不存在。"},
		} {
			if _, err := tr.AddGold(ctx, trTrainer, set.ID, g); review.ErrorCode(err) != review.EINVALID {
				t.Errorf("AddGold(%+v) = %v, want EINVALID", g, err)
			}
		}
		if _, err := tr.AddGold(ctx, trTrainer, set.ID, review.GoldItem{ItemID: 99, Expected: review.OutcomeApprove,
			Explanation: "标识齐全，应通过。"}); review.ErrorCode(err) != review.ENOTFOUND {
			t.Errorf("gold of an unknown item: %v, want ENOTFOUND", err)
		}
	})
	t.Run("a retired item leaves the next version but not sessions already started", func(t *testing.T) {
		before, err := tr.StartSession(ctx, trReviewer1, set.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.RetireGold(ctx, trTrainer, 2); err != nil {
			t.Fatal(err)
		}
		after, err := tr.StartSession(ctx, trReviewer2, set.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.SetVersion != before.SetVersion+1 {
			t.Errorf("versions %d then %d; retiring should make the next", before.SetVersion, after.SetVersion)
		}
		count := func(who review.Account, id int64) int {
			n := 0
			for {
				g, _, err := tr.NextGold(ctx, who, id)
				if review.ErrorCode(err) == review.ENOTFOUND {
					return n
				} else if err != nil {
					t.Fatal(err)
				}
				if _, err := tr.Answer(ctx, who, id, g.ID, review.Decision{Outcome: review.OutcomeApprove}, time.Second); err != nil {
					t.Fatal(err)
				}
				n++
			}
		}
		if a, b := count(trReviewer1, before.ID), count(trReviewer2, after.ID); a != 4 || b != 3 {
			t.Errorf("the session before the retirement has %d items, the one after %d; want 4 and 3", a, b)
		}
	})
}

func TestTrainingSessionGivesFeedbackAtOnce(t *testing.T) {
	ctx := context.Background()
	tr, m, clock, set := trainingWith(t)
	s, err := tr.StartSession(ctx, trReviewer1, set.ID)
	if err != nil || s.Kind != review.SessionTraining || s.SetVersion != set.Version {
		t.Fatalf("StartSession = %+v, %v", s, err)
	}
	g, ev, err := tr.NextGold(ctx, trReviewer1, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the trainee sees the evidence but neither the live decision nor the answer", func(t *testing.T) {
		if g.Expected != "" || g.Reasons != nil || g.Explanation != "" {
			t.Errorf("NextGold gives away the expected decision: %+v", g)
		}
		if ev.Decisions != nil || ev.Copies != nil || ev.Events != nil || ev.Complaints != nil ||
			ev.Item.State != "" || ev.Item.ClaimedBy != "" || ev.Item.Queue != review.QueueLive {
			t.Errorf("evidence shows the live item's handling: %+v", ev)
		}
		if len(ev.RuleHits) != 1 || ev.Item.ProduceID == "" {
			t.Errorf("evidence lost what the reviewer judges on: %+v", ev)
		}
		again, _, err := tr.NextGold(ctx, trReviewer1, s.ID)
		if err != nil || again.ID != g.ID {
			t.Errorf("asking again gives gold %d, want the same %d", again.ID, g.ID)
		}
	})

	answered := map[int64]bool{}
	for i := 0; ; i++ {
		if i > 0 {
			if g, _, err = tr.NextGold(ctx, trReviewer1, s.ID); err != nil {
				t.Fatalf("next gold after %d answers: %v", i, err)
			}
		}
		if answered[g.ID] {
			t.Fatalf("gold %d served twice", g.ID)
		}
		answered[g.ID] = true
		gold := m.gold[g.ID-1]
		d := review.Decision{Outcome: gold.Expected, Reasons: gold.Reasons}
		if gold.Expected == review.OutcomeReject {
			d.Reasons = []string{"risk-a1g"} // one code short
		}
		if gold.Expected == review.OutcomeEscalate {
			d.Note = "需要资深判断"
		}
		*clock = clock.Add(time.Minute)
		fb, err := tr.Answer(ctx, trReviewer1, s.ID, g.ID, d, 42*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if fb.Expected != gold.Expected || fb.Explanation != gold.Explanation || fb.Answer.Took != 42*time.Second {
			t.Errorf("feedback %+v does not carry the expected decision, explanation and time", fb)
		}
		if gold.Expected == review.OutcomeReject {
			if fb.Answer.Correct || !slices.Equal(fb.Missing, []string{"explicit-label-missing"}) {
				t.Errorf("a rejection one code short: correct %v, missing %v", fb.Answer.Correct, fb.Missing)
			}
		} else if !fb.Answer.Correct {
			t.Errorf("the expected %s judged wrong: %+v", gold.Expected, fb)
		}
		if fb.Done != (len(answered) == 4) {
			t.Errorf("after %d of 4 answers Done = %v", len(answered), fb.Done)
		}
		if fb.Done {
			break
		}
	}
	if _, _, err := tr.NextGold(ctx, trReviewer1, s.ID); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("next gold of a session with every item answered: %v, want ENOTFOUND", err)
	}
	if _, err := tr.Answer(ctx, trReviewer1, s.ID, g.ID, review.Decision{Outcome: review.OutcomeApprove}, 0); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("answering the same gold twice: %v, want ECONFLICT", err)
	}
	if _, err := tr.Answer(ctx, trReviewer1, s.ID, 1, review.Decision{Outcome: review.OutcomeReject}, 0); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("a rejection without a code: %v, want EINVALID", err)
	}
	done, err := tr.FinishSession(ctx, trReviewer1, s.ID)
	if err != nil || done.FinishedAt.IsZero() || done.Answered != 4 || done.Correct != 3 {
		t.Fatalf("FinishSession = %+v, %v; want 3 of 4", done, err)
	}
	if _, err := tr.Answer(ctx, trReviewer1, s.ID, 1, review.Decision{Outcome: review.OutcomeApprove}, 0); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("answering in a finished session: %v, want ECONFLICT", err)
	}
	if _, err := tr.FinishSession(ctx, trReviewer1, s.ID); err != nil {
		t.Errorf("finishing twice: %v", err)
	}
	other, err := tr.StartSession(ctx, trReviewer2, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Answer(ctx, trReviewer2, other.ID, 99, review.Decision{Outcome: review.OutcomeApprove}, 0); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("an unknown gold item: %v, want ENOTFOUND", err)
	}
	empty, err := tr.CreateGoldSet(ctx, trTrainer, "空集", review.QueueEscalation, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.StartSession(ctx, trReviewer1, empty.ID); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("training on an empty set: %v, want EINVALID", err)
	}
	if _, err := tr.Answer(ctx, trReviewer2, other.ID, 1, review.Decision{Outcome: review.OutcomeApprove}, 3*time.Hour); err != nil {
		t.Fatal(err)
	} else if a := m.answers[len(m.answers)-1]; a.Took != review.MaxTook {
		t.Errorf("a window left open three hours records %v, want %v", a.Took, review.MaxTook)
	}
}

func TestScoresOf(t *testing.T) {
	day1 := time.Date(2025, 11, 3, 23, 30, 0, 0, time.UTC) // 4 Nov in Beijing
	day2 := time.Date(2025, 11, 5, 2, 0, 0, 0, time.UTC)
	ans := func(kind string, cat review.Category, expected review.Outcome, expReasons []string, outcome review.Outcome,
		reasons []string, correct bool, at time.Time, took time.Duration) review.ScoredAnswer {
		return review.ScoredAnswer{Answer: review.Answer{Outcome: outcome, Reasons: reasons, Correct: correct, At: at, Took: took},
			Kind: kind, Category: cat, Expected: expected, ExpectedReasons: expReasons}
	}
	img, face := review.Category("image_generation"), review.Category("face_swap")
	a1g := []string{"risk-a1g"}
	both := []string{"risk-a1g", "explicit-label-missing"}
	answers := []review.ScoredAnswer{
		ans(review.SessionTraining, img, review.OutcomeReject, both, review.OutcomeReject, both, true, day1, 10*time.Second),
		ans(review.SessionTraining, img, review.OutcomeReject, both, review.OutcomeReject, a1g, false, day1, 20*time.Second),
		ans(review.SessionTraining, img, review.OutcomeApprove, nil, review.OutcomeApprove, nil, true, day2, 30*time.Second),
		ans(review.SessionTraining, face, review.OutcomeApproveRelabel, nil, review.OutcomeApprove, nil, false, day2, 40*time.Second),
		ans(review.SessionHiddenGold, face, review.OutcomeApprove, nil, review.OutcomeReject, a1g, false, day2, time.Hour),
	}
	beijing := time.FixedZone("CST", 8*3600)
	sc := review.ScoresOf("reviewer1", answers, nil, beijing)
	if sc.Overall != (review.Ratio{Correct: 2, Total: 4}) || sc.Overall.Percent() != 50 {
		t.Errorf("overall %+v; want 2 of 4 (hidden gold apart)", sc.Overall)
	}
	if sc.ByCategory[img] != (review.Ratio{Correct: 2, Total: 3}) || sc.ByCategory[face] != (review.Ratio{Correct: 0, Total: 1}) {
		t.Errorf("by category %+v", sc.ByCategory)
	}
	if sc.ByReason["risk-a1g"] != (review.Ratio{Correct: 2, Total: 2}) || sc.ByReason["explicit-label-missing"] != (review.Ratio{Correct: 1, Total: 2}) {
		t.Errorf("by reason %+v; want risk-a1g cited 2 of 2, explicit-label-missing 1 of 2", sc.ByReason)
	}
	if sc.Confusion[review.OutcomeReject][review.OutcomeReject] != 2 || sc.Confusion[review.OutcomeApproveRelabel][review.OutcomeApprove] != 1 ||
		sc.Confusion[review.OutcomeApprove][review.OutcomeReject] != 0 {
		t.Errorf("confusion %+v", sc.Confusion)
	}
	if len(sc.Trend) != 2 || sc.Trend[0].Day.Day() != 4 || sc.Trend[0].Ratio != (review.Ratio{Correct: 1, Total: 2}) ||
		sc.Trend[1].Day.Day() != 5 || sc.Trend[1].Ratio != (review.Ratio{Correct: 1, Total: 2}) {
		t.Errorf("trend %+v; want 4 and 5 November (Beijing days), 1 of 2 each", sc.Trend)
	}
	if sc.AvgTook != 25*time.Second {
		t.Errorf("average time %v, want 25s", sc.AvgTook)
	}
	if sc.ByKind[review.SessionHiddenGold] != (review.Ratio{Correct: 0, Total: 1}) || sc.ByKind[review.SessionTraining].Total != 4 {
		t.Errorf("by kind %+v", sc.ByKind)
	}
	if empty := review.ScoresOf("reviewer2", nil, nil, nil); empty.Overall.Percent() != 0 || empty.AvgTook != 0 || len(empty.Trend) != 0 {
		t.Errorf("scores without answers: %+v", empty)
	}
}

// answerRun has who answer n items of a fresh session on set, the first
// right ones correctly.
func answerRun(t *testing.T, tr review.Training, m *memTraining, who review.Account, set review.GoldSet, n, right int) {
	t.Helper()
	ctx := context.Background()
	for done := 0; done < n; {
		s, err := tr.StartSession(ctx, who, set.ID)
		if err != nil {
			t.Fatal(err)
		}
		for done < n {
			g, _, err := tr.NextGold(ctx, who, s.ID)
			if review.ErrorCode(err) == review.ENOTFOUND {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			gold := m.gold[g.ID-1]
			d := review.Decision{Outcome: gold.Expected, Reasons: gold.Reasons, Note: "见说明"}
			if done >= right {
				d = review.Decision{Outcome: review.OutcomeHold, Note: "不确定"}
			}
			if _, err := tr.Answer(ctx, who, s.ID, g.ID, d, time.Second); err != nil {
				t.Fatal(err)
			}
			done++
		}
		if _, err := tr.FinishSession(ctx, who, s.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCertifyChecksTheGate(t *testing.T) {
	ctx := context.Background()
	tr, m, clock, set := trainingWith(t)
	if _, err := tr.Certify(ctx, trTrainer, "reviewer1", review.QueueLive); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("certifying for a queue without a gate: %v, want EINVALID", err)
	}
	for _, g := range []review.Gate{
		{Queue: "backlog", MinAccuracy: 90, MinItems: 30},
		{Queue: review.QueueLive, MinAccuracy: 0, MinItems: 30},
		{Queue: review.QueueLive, MinAccuracy: 101, MinItems: 30},
		{Queue: review.QueueLive, MinAccuracy: 90, MinItems: 0},
	} {
		if err := tr.SetGate(ctx, trTrainer, g); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("SetGate(%+v) = %v, want EINVALID", g, err)
		}
	}
	if err := tr.SetGate(ctx, trTrainer, review.Gate{Queue: review.QueueLive, MinAccuracy: 90, MinItems: 30}); err != nil {
		t.Fatal(err)
	}
	if gs, err := tr.Gates(ctx, trReviewer1); err != nil || len(gs) != 1 || gs[0].SetBy != "trainer" || gs[0].SetAt.IsZero() {
		t.Fatalf("gates %+v, %v", gs, err)
	}

	// 21 of 24: 87.5 %.
	answerRun(t, tr, m, trReviewer1, set, 24, 21)
	_, err := tr.Certify(ctx, trTrainer, "reviewer1", review.QueueLive)
	if review.ErrorCode(err) != review.ECONFLICT || !strings.Contains(review.ErrorMessage(err), "87.5 % over 24 items; the gate asks 90 % over at least 30") {
		t.Fatalf("certifying at 87.5 %% over 24: %v", err)
	}
	// Eight more, all right: 29 of 32, 90.6 %.
	answerRun(t, tr, m, trReviewer1, set, 8, 8)
	c, err := tr.Certify(ctx, trTrainer, "reviewer1", review.QueueLive)
	if err != nil || c.Items != 32 || c.Accuracy < 90.6 || c.Accuracy > 90.7 || c.CertifiedBy != "trainer" || c.MinItems != 30 {
		t.Fatalf("Certify = %+v, %v; want 29 of 32 recorded with the gate", c, err)
	}

	t.Run("answers older than the window do not count", func(t *testing.T) {
		*clock = clock.Add(review.CertifyWindow + time.Hour)
		answerRun(t, tr, m, trReviewer1, set, 4, 4)
		_, err := tr.Certify(ctx, trTrainer, "reviewer1", review.QueueLive)
		if review.ErrorCode(err) != review.ECONFLICT || !strings.Contains(review.ErrorMessage(err), "100 % over 4 items") {
			t.Errorf("after 90 days: %v; want only the 4 recent answers counted", err)
		}
	})
	t.Run("a shortfall below the gate reads below it", func(t *testing.T) {
		if err := tr.SetGate(ctx, trTrainer, review.Gate{Queue: review.QueueLive, MinAccuracy: 99.9, MinItems: 4}); err != nil {
			t.Fatal(err)
		}
		answerRun(t, tr, m, trReviewer2, set, 1000, 999)
		if _, err := tr.Certify(ctx, trTrainer, "reviewer2", review.QueueLive); err != nil {
			t.Errorf("999 of 1000 against 99.9 %%: %v", err)
		}
		answerRun(t, tr, m, trSenior, set, 1000, 998)
		_, err := tr.Certify(ctx, trTrainer, "senior1", review.QueueLive)
		if msg := review.ErrorMessage(err); !strings.Contains(msg, "99.8 % over 1000 items; the gate asks 99.9 %") {
			t.Errorf("998 of 1000: %v", err)
		}
	})
	if _, err := tr.Certify(ctx, trTrainer, "nobody", review.QueueLive); review.ErrorCode(err) != review.ECONFLICT {
		t.Errorf("certifying an account without answers: %v, want ECONFLICT", err)
	}
	if err := tr.SetGate(ctx, trTrainer, review.Gate{Queue: review.QueueLive}); err != nil {
		t.Errorf("removing the gate: %v", err)
	}
	if err := tr.SetGate(ctx, trTrainer, review.Gate{Queue: review.QueueLive}); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("removing a gate twice: %v, want ENOTFOUND", err)
	}
}

// claimStore hands out one item per claim.
type claimStore struct{ claims int }

func (s *claimStore) Claim(_ context.Context, actor, queue string, _ time.Duration) (review.Item, error) {
	s.claims++
	return review.Item{ID: int64(s.claims), Queue: queue, ClaimedBy: actor, State: review.StateInReview}, nil
}

func (s *claimStore) Apply(context.Context, string, int64, review.Decision) (review.Item, error) {
	return review.Item{}, nil
}

func TestUncertifiedReviewersCannotClaimAGatedQueue(t *testing.T) {
	ctx := context.Background()
	tr, m, _, set := trainingWith(t)
	q := review.Queue{Store: &claimStore{}, Certs: m}
	if _, err := q.Next(ctx, trReviewer1, review.QueueLive); err != nil {
		t.Fatalf("a queue without a gate: %v", err)
	}
	if err := tr.SetGate(ctx, trTrainer, review.Gate{Queue: review.QueueLive, MinAccuracy: 75, MinItems: 4}); err != nil {
		t.Fatal(err)
	}
	_, err := q.Next(ctx, trReviewer1, review.QueueLive)
	if review.ErrorCode(err) != review.EFORBIDDEN || review.ErrorMessage(err) !=
		"reviewer1 is not certified for the live queue: train on its gold set and ask a trainer to certify you" {
		t.Fatalf("an uncertified claim: %v", err)
	}
	if _, err := q.Next(ctx, trManager, review.QueueLive); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("an uncertified manager's claim: %v, want EFORBIDDEN (managers are not exempt)", err)
	}
	if _, err := q.Next(ctx, trSenior, review.QueueEscalation); err != nil {
		t.Errorf("the escalation queue has no gate: %v", err)
	}
	if _, err := q.Next(ctx, trAdmin, review.QueueLive); review.ErrorCode(err) != review.EFORBIDDEN ||
		strings.Contains(review.ErrorMessage(err), "certified") {
		t.Errorf("an admin's claim: %v; want the role refusal first", err)
	}
	desk := review.Desk{Store: nil, Certs: m}
	if _, err := desk.Peek(ctx, trReviewer1, review.QueueLive, 0); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("peeking at a gated queue uncertified: %v, want EFORBIDDEN", err)
	}

	answerRun(t, tr, m, trReviewer1, set, 4, 3)
	if _, err := tr.Certify(ctx, trTrainer, "reviewer1", review.QueueLive); err != nil {
		t.Fatal(err)
	}
	if it, err := q.Next(ctx, trReviewer1, review.QueueLive); err != nil || it.ClaimedBy != "reviewer1" {
		t.Fatalf("a certified reviewer's claim: %+v, %v", it, err)
	}
	if _, err := q.Next(ctx, trReviewer2, review.QueueLive); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("reviewer2 is still uncertified: %v", err)
	}
	m.certs[len(m.certs)-1].Revoked = true
	if _, err := q.Next(ctx, trReviewer1, review.QueueLive); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("a revoked certification still claims: %v", err)
	}
	if cs, err := tr.Certifications(ctx, trManager, ""); err != nil || len(cs) != 1 || cs[0].Reviewer != "reviewer1" {
		t.Errorf("certifications %+v, %v", cs, err)
	}
}

func TestAddGoldByProduceIDAndGoldOnlyPreview(t *testing.T) {
	ctx := context.Background()
	m := newMemTraining()
	tr := review.Training{Store: m}
	trainer := review.Account{Name: "trainer", Role: review.RoleTrainer}
	set, err := tr.CreateGoldSet(ctx, trainer, "live basics", review.QueueLive, "")
	if err != nil {
		t.Fatal(err)
	}
	var src review.Item
	for _, ev := range m.items {
		src = ev.Item
		break
	}
	g, err := tr.AddGold(ctx, trainer, set.ID, review.GoldItem{ProduceID: src.ProduceID, Expected: review.OutcomeApprove,
		Explanation: "the label and the watermark are both there"})
	if err != nil || g.ItemID != src.ID {
		t.Fatalf("by ProduceID: %+v %v", g, err)
	}
	if _, err := tr.AddGold(ctx, trainer, set.ID, review.GoldItem{ProduceID: "no such id", Expected: review.OutcomeApprove,
		Explanation: "x y z w v"}); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("a bad ProduceID: %v", err)
	}
	reviewer := review.Account{Name: "reviewer1", Role: review.RoleReviewer}
	if _, err := tr.Preview(ctx, reviewer, src.ID); err != nil {
		t.Errorf("a trainee cannot see a gold item's media: %v", err)
	}
	for id := range m.items {
		if id != src.ID {
			if _, err := tr.Preview(ctx, reviewer, id); review.ErrorCode(err) != review.EFORBIDDEN {
				t.Errorf("preview of a live item that is not gold: %v", err)
			}
			break
		}
	}
	if _, err := tr.Preview(ctx, review.Account{Name: "admin", Role: review.RoleAdmin}, src.ID); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("an admin previewed training media: %v", err)
	}
}

// TestGoldFromAnImportedFile: a trainer makes gold of a file that is no
// live item; a session shows the file's own evidence under a negative id,
// and the answer is judged like any other.
func TestGoldFromAnImportedFile(t *testing.T) {
	ctx := context.Background()
	m := newMemTraining()
	tr := review.Training{Store: m}
	trainer := review.Account{Name: "trainer", Role: review.RoleTrainer}
	r1 := review.Account{Name: "reviewer1", Role: review.RoleReviewer}
	set, err := tr.CreateGoldSet(ctx, trainer, "imported", review.QueueLive, "face_swap")
	if err != nil {
		t.Fatal(err)
	}
	f := review.TrainingFile{Name: "deepfake-example.jpg", Format: "jpeg", ObjectSHA256: strings.Repeat("ab", 32), Size: 10,
		Category: "face_swap", Scan: `{"verdict":"unlabelled"}`, RuleHits: []review.RuleHit{{RuleID: "face-no-consent", Severity: "critical"}}}
	g := review.GoldItem{Expected: review.OutcomeReject, Reasons: []string{"consent-missing"}, Explanation: "no separate consent for the face (DSP Art. 14)"}
	if _, err := tr.AddFileGold(ctx, r1, set.ID, f, g); review.ErrorCode(err) != review.EFORBIDDEN {
		t.Errorf("a reviewer importing gold: %v, want EFORBIDDEN", err)
	}
	wrong := f
	wrong.Category = "image_generation"
	if _, err := tr.AddFileGold(ctx, trainer, set.ID, wrong, g); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("a file of another category: %v, want EINVALID", err)
	}
	bad := f
	bad.Name = "../etc/passwd"
	if _, err := tr.AddFileGold(ctx, trainer, set.ID, bad, g); review.ErrorCode(err) != review.EINVALID {
		t.Errorf("a name with a path: %v, want EINVALID", err)
	}
	got, err := tr.AddFileGold(ctx, trainer, set.ID, f, g)
	if err != nil || got.FileID == 0 || got.ItemID != 0 || got.ProduceID != "deepfake-example.jpg" {
		t.Fatalf("AddFileGold = %+v, %v", got, err)
	}
	s, err := tr.StartSession(ctx, r1, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	blind, ev, err := tr.NextGold(ctx, r1, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Item.ID != -got.FileID || ev.Item.ProduceID != "deepfake-example.jpg" || len(ev.RuleHits) != 1 || ev.Scan == "" || blind.Expected != "" {
		t.Errorf("the session shows %+v (hits %v), gold %+v", ev.Item, ev.RuleHits, blind)
	}
	if pv, err := tr.Preview(ctx, r1, ev.Item.ID); err != nil || pv.NoteCode != "no-preview" {
		t.Errorf("preview of the file without a previewer: %+v, %v", pv, err)
	}
	fb, err := tr.Answer(ctx, r1, s.ID, got.ID, review.Decision{Outcome: review.OutcomeReject, Reasons: []string{"consent-missing"}}, time.Second)
	if err != nil || !fb.Answer.Correct {
		t.Errorf("the right answer: %+v, %v", fb, err)
	}
}
