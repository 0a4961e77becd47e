// Command uipreview shows SynthReview's screens with a fake workspace, for
// screenshots and for working on the UI without a real store:
//
//	go run ./internal/uipreview [-state full|empty|error|slow] [-show shortcuts]
//
// The language follows LANG (or View › Language). It is a development tool:
// it is not part of the product and imports no store.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"synthreview/review"
	"synthreview/ui"
)

// fakeStatus returns canned numbers, optionally slowly or with an error.
type fakeStatus struct {
	state string
	calls atomic.Int64 // reads so far; each read shows one more queued item
}

func (f *fakeStatus) Status(ctx context.Context) (review.Status, error) {
	n := int(f.calls.Add(1))
	switch f.state {
	case "error":
		return review.Status{}, review.Errorf(review.EBUSY, "database is locked by another process")
	case "slow":
		select {
		case <-time.After(3 * time.Second):
		case <-ctx.Done():
			return review.Status{}, ctx.Err()
		}
	case "empty":
		return review.Status{Workspace: "/home/reviewer/.local/share/synthreview", ByState: map[review.State]int{}}, nil
	}
	return review.Status{
		Workspace: "/home/reviewer/.local/share/synthreview",
		Items:     1287 + n,
		ByState: map[review.State]int{
			review.StateQueued: 214 + n, review.StateEscalated: 17, review.StateInReview: 6,
			review.StateHeld: 9, review.StateApproved: 702, review.StateRelabelled: 88,
			review.StateRejected: 41, review.StateCleared: 210,
		},
		IntakeErrors:   3,
		Events:         48213,
		ChainHead:      "9f2c4e1ab07d5c3e8f61a2b9d04c7e15f3a8b2d6c9e07f41a5b3c8d2e6f09a17",
		Accounts:       6,
		Complaints:     12,
		Consents:       35,
		LastCheckpoint: "2025-11-28T01:00:00.000Z",
	}, nil
}

func main() {
	state := flag.String("state", "full", "what the fake workspace returns: full, empty, error or slow")
	show := flag.String("show", "", "open an overlay at start: shortcuts")
	flag.Parse()
	switch *state {
	case "full", "empty", "error", "slow":
	default:
		fmt.Fprintf(os.Stderr, "uipreview: unknown -state %q\n", *state)
		os.Exit(2)
	}
	if err := ui.LoadTranslations(); err != nil {
		fmt.Fprintln(os.Stderr, "uipreview:", err)
		os.Exit(1)
	}
	a := fyneapp.NewWithID("cn.synthreview.uipreview")
	a.Settings().SetTheme(ui.Theme())
	w := ui.NewMainWindow(a, ui.Deps{Status: &fakeStatus{state: *state}, Run: func(job func()) { go job() }})
	if *show == "shortcuts" {
		w.Canvas().OnTypedRune()('?') // as if the user typed "?"
	}
	w.ShowAndRun()
}
