package app

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"synthreview/review"
)

// TestRegistersOnTheDemo: on the demo workspace a manager sees the consent
// and real-name registers, withdraws a consent and its decided items go
// back to the queue, a reviewer cannot unmask, and a deletion request
// clears a demo user's data while `audit verify` still passes.
func TestRegistersOnTheDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo workspace")
	}
	ctx := context.Background()
	w, acct := openDemo(t)
	reg := w.Registers()
	manager, reviewer, admin := acct("manager"), acct("reviewer1"), acct("admin")

	t.Run("the demo's consents show one withdrawn and one expired", func(t *testing.T) {
		rows, total, err := reg.Consents(ctx, manager, review.ConsentFilter{})
		if err != nil || total != 10 || len(rows) != 10 {
			t.Fatalf("%d of %d consents, %v", len(rows), total, err)
		}
		for _, st := range []string{review.ConsentWithdrawn, review.ConsentExpired} {
			rows, _, err := reg.Consents(ctx, reviewer, review.ConsentFilter{State: st})
			if err != nil || len(rows) != 1 {
				t.Errorf("%s: %+v, %v", st, rows, err)
			}
		}
		d, err := reg.ConsentDetail(ctx, manager, "CN-2025-0041")
		if err != nil {
			t.Fatal(err)
		}
		if d.Evidence.Status != review.EvidenceMissing || d.Consent.SubjectName == "被编辑人1" {
			t.Errorf("detail: evidence %+v, subject %q", d.Evidence, d.Consent.SubjectName)
		}
	})

	t.Run("withdrawing a consent sends its decided items back to the queue", func(t *testing.T) {
		var id string
		var decided int
		for _, c := range []string{"CN-2025-0041", "CN-2025-0042", "CN-2025-0043", "CN-2025-0044", "CN-2025-0047", "CN-2025-0048"} {
			d, err := reg.ConsentDetail(ctx, manager, c)
			if err != nil {
				t.Fatal(err)
			}
			decided = 0
			for _, it := range d.Items {
				if _, err := review.Next(it.State, it.Queue, review.MoveReopen); err == nil {
					decided++
				}
			}
			if decided > 0 {
				id = c
				break
			}
		}
		if id == "" {
			t.Skip("no demo consent has decided items")
		}
		if _, err := reg.Withdraw(ctx, reviewer, id); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Fatalf("a reviewer withdrew a consent: %v", err)
		}
		n, err := reg.Withdraw(ctx, manager, id)
		if err != nil || n != decided {
			t.Fatalf("withdrawal re-opened %d items, %v; want %d", n, err, decided)
		}
		d, err := reg.ConsentDetail(ctx, manager, id)
		if err != nil || d.State != review.ConsentWithdrawn {
			t.Fatalf("after withdrawal %s, %v", d.State, err)
		}
		for _, it := range d.Items {
			if it.State != review.StateQueued && it.State != review.StateEscalated && it.State != review.StateInReview {
				t.Errorf("item %s is %s after the withdrawal: it should wait for review", it.ProduceID, it.State)
			}
		}
	})

	t.Run("only a manager unmasks, and it is logged", func(t *testing.T) {
		before := countEvents(t, w, "user:u-10291", "personal.unmasked")
		if _, err := reg.Unmask(ctx, reviewer, "u-10291"); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Fatalf("reviewer unmask: %v", err)
		}
		if _, err := reg.Unmask(ctx, admin, "u-10291"); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Fatalf("admin unmask: %v", err)
		}
		if n := countEvents(t, w, "user:u-10291", "personal.unmasked"); n != before {
			t.Fatalf("a refused unmask was logged (%d events, was %d)", n, before)
		}
		u, err := reg.Unmask(ctx, manager, "u-10291")
		if err != nil || u.DisplayName != "演示用户1" || u.Phone != "13800138001" {
			t.Fatalf("manager unmask: %+v, %v", u, err)
		}
		if n := countEvents(t, w, "user:u-10291", "personal.unmasked"); n != before+1 {
			t.Errorf("%d unmask events, want %d", n, before+1)
		}
	})

	t.Run("erasing a demo user leaves the chain verifying and their data gone", func(t *testing.T) {
		const person = "u-10293" // has a real-name record, items and an appeal
		held, err := reg.Held(ctx, manager, person)
		if err != nil || !held.Profile || !held.RealName {
			t.Fatalf("held for %s: %+v, %v", person, held, err)
		}
		if _, err := reg.Erase(ctx, reviewer, review.ErasureRequest{PersonID: person, Confirm: person, Reason: review.EraseWithdrawn}); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Fatalf("a reviewer erased: %v", err)
		}
		res, err := reg.Erase(ctx, admin, review.ErasureRequest{PersonID: person, Confirm: person, Reason: review.EraseWithdrawn, Reference: "REQ-2025-01"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Cleared["platform_users"] != 1 || res.Cleared["real_names"] != 1 {
			t.Errorf("cleared %v", res.Cleared)
		}
		if _, _, err := w.DB.Verify(ctx, nil); err != nil {
			t.Fatalf("audit verify after the erasure: %v", err)
		}
		held, err = reg.Held(ctx, manager, person)
		if err != nil || held.Any() {
			t.Errorf("still held after erasure: %+v, %v", held, err)
		}
		if _, err := reg.Unmask(ctx, manager, person); review.ErrorCode(err) != review.ENOTFOUND {
			t.Errorf("unmask after erasure: %v", err)
		}
		rows, _, err := reg.RealNames(ctx, manager, review.RealNameFilter{Query: person})
		if err != nil || len(rows) != 1 || !rows[0].Erased || rows[0].MaskedID != "" {
			t.Errorf("real-name row after erasure: %+v, %v", rows, err)
		}
		if _, err := reg.Erase(ctx, admin, review.ErasureRequest{PersonID: person, Confirm: person, Reason: review.EraseWithdrawn}); review.ErrorCode(err) != review.ENOTFOUND {
			t.Errorf("a second erasure: %v", err)
		}
	})

	t.Run("nobody in the fresh demo is past the three-year default", func(t *testing.T) {
		rows, _, ret, err := reg.PastRetention(ctx, admin, 0, 0)
		if err != nil || !ret.Default || len(rows) != 0 {
			t.Errorf("past retention %+v (%+v), %v", rows, ret, err)
		}
	})
}

// countEvents counts the events of kind about subject.
func countEvents(t *testing.T, w *Workspace, subject, kind string) int {
	t.Helper()
	evs, err := w.DB.EventsFor(context.Background(), subject)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// TestConsentEvidencePicture: an evidence picture stored in objects/
// comes back as a preview the screen can show, with its size.
func TestConsentEvidencePicture(t *testing.T) {
	ctx := context.Background()
	w, err := CreateWorkspace(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	sum, size, err := w.Objects.Put(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.DB.PutConsent(ctx, "system", review.Consent{ID: "CN-9", SubjectID: "s-9", Scope: "face",
		GrantedAt: time.Now().Add(-time.Hour), EvidenceSHA256: sum}); err != nil {
		t.Fatal(err)
	}
	d, err := w.Registers().ConsentDetail(ctx, review.Account{Name: "m", Role: review.RoleManager}, "CN-9")
	if err != nil {
		t.Fatal(err)
	}
	ev := d.Evidence
	if ev.Status != review.EvidencePresent || ev.Size != size || ev.Kind != "image" || ev.Image == nil || len(ev.Image.Image) == 0 {
		t.Fatalf("evidence %+v", ev)
	}
	if ev.Image.Width != 40 || ev.Image.Height != 30 {
		t.Errorf("preview of a %dx%d picture", ev.Image.Width, ev.Image.Height)
	}
}
