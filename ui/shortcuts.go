package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// shortcutList is the content of the Help › Keyboard shortcuts overlay: the
// keys in monospace on the left, what they do on the right.
func shortcutList() fyne.CanvasObject {
	or := func(a, b string) string {
		return lang.L("shortcuts.key.or", map[string]any{"A": a, "B": b})
	}
	rows := []struct{ keys, what string }{
		{or("F5", keyLabel(scRefresh)), lang.L("shortcuts.refresh")},
		{or("F1", "?"), lang.L("shortcuts.help")},
		{"Esc", lang.L("shortcuts.close")},
		{keyLabel(scQuit), lang.L("shortcuts.quit")},
	}
	objs := make([]fyne.CanvasObject, 0, 2*len(rows))
	for _, r := range rows {
		k := widget.NewLabelWithStyle(r.keys, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		objs = append(objs, k, widget.NewLabel(r.what))
	}
	return container.New(layout.NewFormLayout(), objs...)
}

// keyLabel words a shortcut the way the keyboard shows it, e.g. "Ctrl+R".
func keyLabel(sc *desktop.CustomShortcut) string {
	s := ""
	if sc.Modifier&fyne.KeyModifierControl != 0 {
		s += "Ctrl+"
	}
	if sc.Modifier&fyne.KeyModifierSuper != 0 {
		s += "Cmd+"
	}
	if sc.Modifier&fyne.KeyModifierAlt != 0 {
		s += "Alt+"
	}
	if sc.Modifier&fyne.KeyModifierShift != 0 {
		s += "Shift+"
	}
	return s + string(sc.KeyName)
}

// newMinWidth wraps o so that it is at least width wide: wrapped labels in
// a dialog otherwise shrink to one word per line.
func newMinWidth(width float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(&minWidthLayout{width: width}, o)
}

type minWidthLayout struct{ width float32 }

func (l *minWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *minWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.width, 0)
	for _, o := range objs {
		o.Resize(fyne.NewSize(l.width, o.MinSize().Height)) // let wrapped text settle at this width
		s = s.Max(fyne.NewSize(l.width, o.MinSize().Height))
	}
	return s
}
