package ui

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"synthreview/review"
)

// TestMain fixes what Fyne reads from the environment: an English locale,
// UTC, and home and config folders that are not the developer's.
func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	home, err := os.MkdirTemp("", "ui-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(home)
	for k, v := range map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_DATA_HOME": home + "/data",
		"XDG_CACHE_HOME": home + "/cache", "LC_ALL": "en_US.UTF-8", "LANG": "en_US.UTF-8", "LANGUAGE": "",
	} {
		os.Setenv(k, v)
	}
	time.Local = time.UTC
	if err := LoadTranslations(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// fakeStatus is a review.StatusReader whose answers a test scripts.
type fakeStatus struct {
	answers []statusAnswer // returned in turn; the last one repeats
	calls   int
}

type statusAnswer struct {
	st  review.Status
	err error
}

var _ review.StatusReader = (*fakeStatus)(nil)

func (f *fakeStatus) Status(context.Context) (review.Status, error) {
	a := f.answers[min(f.calls, len(f.answers)-1)]
	f.calls++
	return a.st, a.err
}

// sampleStatus is a workspace in use.
func sampleStatus() review.Status {
	return review.Status{
		Workspace: "/srv/synthreview/ws1",
		Items:     1288,
		ByState: map[review.State]int{
			review.StateQueued: 214, review.StateEscalated: 17, review.StateInReview: 6,
			review.StateHeld: 9, review.StateApproved: 702, review.StateRelabelled: 88,
			review.StateRejected: 42, review.StateCleared: 210,
		},
		IntakeErrors:   3,
		Events:         48213,
		ChainHead:      "9f2c4e1ab07d5c3e8f61a2b9d04c7e15f3a8b2d6c9e07f41a5b3c8d2e6f09a17",
		Accounts:       6,
		Complaints:     12,
		Consents:       35,
		OutboxUnacked:  7,
		OutboxOverdue:  2,
		LastCheckpoint: "2025-11-28T01:00:00.000Z",
	}
}

// runNow is the test runner: the job runs at once, on the test goroutine.
func runNow(job func()) { job() }

// newTestWindow builds the main window on a fresh test app, without its
// first read; the test calls m.summary.onRefresh itself.
func newTestWindow(t *testing.T, f *fakeStatus) (*mainWindow, fyne.App) {
	t.Helper()
	a := test.NewTempApp(t)
	m := newMainWindow(a, Deps{Status: f, Run: runNow})
	m.summary.now = fixedNow
	m.win.Resize(fyne.NewSize(960, 640))
	t.Cleanup(m.win.Close)
	return m, a
}

func fixedNow() time.Time { return time.Date(2025, 11, 28, 9, 30, 0, 0, time.UTC) }
