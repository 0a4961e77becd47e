package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

// TestGoldFromAnImportedFileStaysOutOfLiveWork: a gold item made of an
// imported training file reads back with its file, is no live item's gold
// source, is never served as hidden gold, and leaves items, decisions and
// the queues as they were.
func TestGoldFromAnImportedFileStaysOutOfLiveWork(t *testing.T) {
	ctx := context.Background()
	db, _, live := qualityDB(t)
	before := liveRows(t, db)
	f := review.TrainingFile{Name: "deepfake-example.jpg", ProduceID: "", Format: "jpeg", ObjectSHA256: strings.Repeat("cd", 32),
		Size: 2048, Category: "face_swap", LabelState: "none", Verdict: "unlabelled", Scan: `{"verdict":"unlabelled"}`,
		RuleHits: []review.RuleHit{{RuleID: "face-no-consent", RuleVersion: "3", Severity: "critical", Evidence: `{"consent":"missing"}`}}}
	g, err := db.AddFileGold(ctx, "trainer", f, review.GoldItem{SetID: live.ID, ProduceID: f.Name, Category: f.Category,
		Expected: review.OutcomeReject, Reasons: []string{"consent-missing"}, Explanation: "人脸未取得单独同意。"})
	if err != nil {
		t.Fatal(err)
	}
	if g.FileID == 0 || g.ItemID != 0 || g.AddedVersion != live.Version+1 {
		t.Errorf("stored %+v", g)
	}
	back, err := db.GoldItem(ctx, g.ID)
	if err != nil || back.FileID != g.FileID || back.ItemID != 0 || back.Expected != review.OutcomeReject {
		t.Errorf("read back %+v, %v", back, err)
	}
	tf, err := db.TrainingFile(ctx, g.FileID)
	if err != nil || tf.Name != f.Name || tf.Size != 2048 || len(tf.RuleHits) != 1 || tf.RuleHits[0].Evidence != f.RuleHits[0].Evidence ||
		tf.Sidecar != "{}" || tf.ImportedBy != "trainer" || tf.ImportedAt.IsZero() {
		t.Errorf("training file %+v, %v", tf, err)
	}
	if _, err := db.TrainingFile(ctx, 999); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("unknown training file: %v", err)
	}
	// Hidden gold serves live items' gold only, however often it is asked.
	for i := range 8 {
		c, err := db.ServeGold(ctx, "reviewer2", review.QueueLive, time.Hour, uint64(i))
		if review.ErrorCode(err) == review.ENOTFOUND {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if c.GoldID == g.ID {
			t.Fatalf("hidden gold served the imported file's gold item")
		}
		if err := db.ReleaseShadow(ctx, "reviewer2", c.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.SkipShadow(ctx, "reviewer2", c.ID); err == nil {
			t.Fatal("skipping a released claim succeeded")
		}
	}
	if after := liveRows(t, db); len(after) != len(before) {
		t.Errorf("importing changed live tables: %d tables before, %d after", len(before), len(after))
	} else {
		for k, v := range before {
			if strings.Join(after[k], "\n") != strings.Join(v, "\n") {
				t.Errorf("table %s changed", k)
			}
		}
	}
	evs, err := db.EventsFor(ctx, "gold_set:1")
	if err != nil || !strings.Contains(evs[len(evs)-1].Payload, `"file":"deepfake-example.jpg"`) {
		t.Errorf("the import's event: %+v, %v", evs[len(evs)-1], err)
	}
	mustVerify(t, db)
}

// TestGoldFilesMigrationKeepsAnswersAndKeys: a workspace at schema 12 with
// gold, a training answer and a hidden gold claim on it comes through the
// rebuild of gold_items whole, and foreign keys are enforced again after.
func TestGoldFilesMigrationKeepsAnswersAndKeys(t *testing.T) {
	ctx := context.Background()
	raw, path := rawAtSchema(t, 13)
	const at = `'2026-01-01T00:00:00.000Z'`
	execAll(t, raw, []string{
		`INSERT INTO items (produce_id, format, object_sha256, size, category, created_at, received_at, state, updated_at)
			VALUES ('IMG1', 'png', '` + strings.Repeat("ab", 32) + `', 10, 'image_generation', ` + at + `, ` + at + `, 'approved', ` + at + `)`,
		`INSERT INTO gold_sets (name, queue, version, created_by, created_at) VALUES ('旧集', 'live', 1, 'trainer', ` + at + `)`,
		`INSERT INTO gold_items (set_id, item_id, produce_id, category, expected, explanation, created_by, created_at, added_version)
			VALUES (1, 1, 'IMG1', 'image_generation', 'approve', '标识齐全，应通过。', 'trainer', ` + at + `, 1)`,
		`INSERT INTO training_sessions (kind, reviewer, set_id, set_version, started_at) VALUES ('training', 'reviewer1', 1, 1, ` + at + `)`,
		`INSERT INTO training_answers (session_id, gold_id, outcome, correct, took_ms, at) VALUES (1, 1, 'approve', 1, 900, ` + at + `)`,
		`INSERT INTO training_sessions (kind, reviewer, set_id, set_version, started_at) VALUES ('hidden_gold', 'reviewer2', 1, 1, ` + at + `)`,
		`INSERT INTO shadow_claims (kind, reviewer, queue, item_id, gold_id, session_id, state, served_at, lease_until)
			VALUES ('hidden_gold', 'reviewer2', 'live', 1, 1, 2, 'open', ` + at + `, ` + at + `)`,
	})
	db := openMigrated(t, raw, path)
	g, err := db.GoldItem(ctx, 1)
	if err != nil || g.ItemID != 1 || g.FileID != 0 || g.Explanation != "标识齐全，应通过。" {
		t.Errorf("gold item after the migration: %+v, %v", g, err)
	}
	answers, err := db.ScoredAnswers(ctx, review.AnswerFilter{Reviewer: "reviewer1"})
	if err != nil || len(answers) != 1 || answers[0].Expected != review.OutcomeApprove {
		t.Errorf("the old answer: %+v, %v", answers, err)
	}
	if c, err := db.ShadowClaim(ctx, 1); err != nil || c.GoldID != 1 {
		t.Errorf("the old claim: %+v, %v", c, err)
	}
	if ok, err := db.IsGoldSource(ctx, 1); err != nil || !ok {
		t.Errorf("item 1 is still a gold source: %v, %v", ok, err)
	}
	// Keys are on again: gold of an item that does not exist is refused.
	if _, err := db.AddGold(ctx, "trainer", review.GoldItem{SetID: 1, ItemID: 77, ProduceID: "X", Category: "image_generation",
		Expected: review.OutcomeApprove, Explanation: "不存在的内容"}); review.ErrorCode(err) != review.ENOTFOUND {
		t.Errorf("gold of a missing item: %v", err)
	}
	if _, err := db.RecordAnswer(ctx, "reviewer1", review.Answer{SessionID: 1, GoldID: 404, Outcome: review.OutcomeApprove}); err == nil {
		t.Error("an answer to a missing gold item was stored: foreign keys are off")
	}
}
