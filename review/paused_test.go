package review_test

import (
	"testing"
	"time"

	"synthreview/review"
)

func TestPaused(t *testing.T) {
	day := time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC)
	cert := func(id int64, who, queue string, certified int) review.Certification {
		return review.Certification{ID: id, Reviewer: who, Queue: queue, CertifiedBy: "trainer",
			CertifiedAt: day.Add(time.Duration(certified) * 24 * time.Hour), Accuracy: 95, Items: 40}
	}
	pause := func(c review.Certification, revoked int) review.Certification {
		c.Revoked, c.RevokedBy = true, review.PauseActor
		c.RevokedAt = day.Add(time.Duration(revoked) * 24 * time.Hour)
		c.Reason = review.PauseReason(70, 10, 90)
		return c
	}
	byTrainer := func(c review.Certification, revoked int) review.Certification {
		c.Revoked, c.RevokedBy = true, "trainer"
		c.RevokedAt = day.Add(time.Duration(revoked) * 24 * time.Hour)
		c.Reason = "asked to retrain"
		return c
	}
	type pair struct{ who, queue string }
	for _, c := range []struct {
		name  string
		certs []review.Certification
		want  []pair
	}{
		{"nothing recorded pauses nobody", nil, nil},
		{"a valid certification is not a pause", []review.Certification{cert(1, "reviewer1", review.QueueLive, 0)}, nil},
		{"a pause on the latest row is listed",
			[]review.Certification{pause(cert(1, "reviewer1", review.QueueLive, 0), 3)},
			[]pair{{"reviewer1", review.QueueLive}}},
		{"a pause followed by a re-certification is over",
			[]review.Certification{pause(cert(1, "reviewer1", review.QueueLive, 0), 3), cert(2, "reviewer1", review.QueueLive, 5)},
			nil},
		{"a re-certification for another queue does not end the pause",
			[]review.Certification{pause(cert(1, "reviewer1", review.QueueLive, 0), 3), cert(2, "reviewer1", review.QueueEscalation, 5)},
			[]pair{{"reviewer1", review.QueueLive}}},
		{"a trainer's revocation is not a pause",
			[]review.Certification{byTrainer(cert(1, "reviewer1", review.QueueLive, 0), 3)}, nil},
		{"a trainer's revocation after an old pause and re-certification is not a pause",
			[]review.Certification{pause(cert(1, "reviewer1", review.QueueLive, 0), 2), byTrainer(cert(2, "reviewer1", review.QueueLive, 4), 6)},
			nil},
		{"the same certification time: the higher id is the latest",
			[]review.Certification{cert(2, "reviewer1", review.QueueLive, 0), pause(cert(1, "reviewer1", review.QueueLive, 0), 3)},
			nil},
		{"in the order of their pauses, oldest first",
			[]review.Certification{
				pause(cert(1, "reviewer1", review.QueueLive, 0), 6),
				pause(cert(2, "reviewer2", review.QueueLive, 0), 2),
				pause(cert(3, "reviewer2", review.QueueEscalation, 1), 4),
			},
			[]pair{{"reviewer2", review.QueueLive}, {"reviewer2", review.QueueEscalation}, {"reviewer1", review.QueueLive}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := review.Paused(c.certs)
			var gp []pair
			for _, g := range got {
				gp = append(gp, pair{g.Reviewer, g.Queue})
			}
			if len(gp) != len(c.want) {
				t.Fatalf("paused %v, want %v", gp, c.want)
			}
			for i := range gp {
				if gp[i] != c.want[i] {
					t.Fatalf("paused %v, want %v", gp, c.want)
				}
			}
		})
	}
}
