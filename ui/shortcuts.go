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
// keys in monospace on the left, what they do on the right. With a keymap
// (a reviewer is signed in), the review desk's keys come first.
func shortcutList(k *keymap) fyne.CanvasObject {
	or := func(a, b string) string {
		return lang.L("shortcuts.key.or", map[string]any{"A": a, "B": b})
	}
	rows := []struct{ keys, what string }{
		{or("F5", keyLabel(scRefresh)), lang.L("shortcuts.refresh")},
		{or("F1", "?"), lang.L("shortcuts.help")},
		{"Esc", lang.L("shortcuts.close")},
		{keyLabel(scQuit), lang.L("shortcuts.quit")},
	}
	if k != nil {
		desk := make([]struct{ keys, what string }, 0, len(deskActions)+8)
		for _, a := range deskActions {
			desk = append(desk, struct{ keys, what string }{keyName(k.key(a)), lang.L("key." + string(a))})
		}
		desk = append(desk,
			struct{ keys, what string }{lang.L("shortcuts.arrows"), lang.L("shortcuts.pan")},
			struct{ keys, what string }{keyLabel(scLock), lang.L("session.lock")},
			struct{ keys, what string }{keyLabel(scTabs[0]) + " … " + keyLabel(scTabs[8]), lang.L("shortcuts.tabs")},
		)
		rows = append(desk, rows...)
	}
	objs := make([]fyne.CanvasObject, 0, 2*len(rows))
	for _, r := range rows {
		k := widget.NewLabelWithStyle(r.keys, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		objs = append(objs, k, widget.NewLabel(r.what))
	}
	form := container.New(layout.NewFormLayout(), objs...)
	if k == nil {
		return form
	}
	return container.New(&fixedSizeLayout{size: fyne.NewSize(520, 480)}, container.NewVScroll(form))
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
