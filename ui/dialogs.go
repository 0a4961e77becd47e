package ui

import (
	"slices"

	"fyne.io/fyne/v2/dialog"
)

// dialogStack tracks the dialogs a window has open, so that Escape closes
// the top one (Fyne's dialogs do not listen for Escape themselves).
type dialogStack struct {
	open []dialog.Dialog
}

// show shows d and tracks it until it closes.
func (s *dialogStack) show(d dialog.Dialog) {
	d.SetOnClosed(func() {
		if i := slices.Index(s.open, d); i >= 0 {
			s.open = slices.Delete(s.open, i, i+1)
		}
	})
	s.open = append(s.open, d)
	d.Show()
}

// closeTop hides the newest open dialog and reports whether there was one.
func (s *dialogStack) closeTop() bool {
	if len(s.open) == 0 {
		return false
	}
	d := s.open[len(s.open)-1]
	s.open = s.open[:len(s.open)-1]
	d.Hide()
	return true
}

// closeAll hides every open dialog (before the window is rebuilt).
func (s *dialogStack) closeAll() {
	for s.closeTop() {
	}
}
