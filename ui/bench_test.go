package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// BenchmarkSummaryRefresh measures one Refresh of the summary screen with
// an instant StatusReader: the cost the UI adds to every reload (widget
// updates, chart rebuild, layout).
func BenchmarkSummaryRefresh(b *testing.B) {
	a := test.NewTempApp(b)
	f := &fakeStatus{answers: []statusAnswer{{st: sampleStatus()}}}
	m := newMainWindow(a, Deps{Status: f, Run: runNow})
	defer m.win.Close()
	for b.Loop() {
		m.summary.onRefresh()
	}
}
