package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// keysEditor is the View › Keyboard keys dialog: every desk action with
// its key. ↑/↓ choose an action, Enter waits for the new key, the next key
// pressed becomes the action's (an action that had it gets the old key in
// exchange), Esc cancels the wait.
type keysEditor struct {
	keys    *keymap
	list    *widget.List
	catch   *keyCatcher
	message *widget.Label
	cursor  int
	waiting bool
	changed func() // the desk re-words its buttons
}

func (m *mainWindow) onKeys() {
	e := &keysEditor{keys: m.keys, changed: func() {
		if m.session != nil && m.session.desk != nil {
			m.session.desk.relabelKeys()
		}
	}}
	e.message = widget.NewLabel(lang.L("keys.help"))
	e.message.Wrapping = fyne.TextWrapWord
	e.list = widget.NewList(func() int { return len(deskActions) },
		func() fyne.CanvasObject {
			k := widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true, Bold: true})
			return container.NewBorder(nil, nil, container.New(&fixedSizeLayout{size: fyne.NewSize(64, 36)}, k), nil, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			a := deskActions[i]
			c.Objects[0].(*widget.Label).SetText(lang.L("key." + string(a)))
			key := keyName(e.keys.key(a))
			if e.waiting && i == e.cursor {
				key = "…"
			}
			c.Objects[1].(*fyne.Container).Objects[0].(*widget.Label).SetText(key)
		})
	e.list.OnSelected = func(i widget.ListItemID) { e.cursor = i }
	e.catch = newKeyCatcher(e.onKey, e.onRune)
	reset := widget.NewButtonWithIcon(lang.L("keys.reset"), theme.ContentUndoIcon(), func() {
		e.keys.reset()
		e.list.Refresh()
		e.changed()
	})
	body := container.New(&fixedSizeLayout{size: fyne.NewSize(480, 440)},
		container.NewBorder(e.message, container.NewHBox(reset, e.catch), nil, nil, e.list))
	d := dialog.NewCustom(lang.L("keys.title"), lang.L("action.close"), body, m.win)
	m.dialogs.show(d)
	e.list.Select(0)
	m.win.Canvas().Focus(e.catch)
}

// onKey handles a key while the editor has the focus.
func (e *keysEditor) onKey(ev *fyne.KeyEvent) {
	if e.waiting {
		if ev.Name == fyne.KeyEscape {
			e.waiting = false
			e.message.SetText(lang.L("keys.help"))
			e.list.RefreshItem(e.cursor)
			return
		}
		if len(ev.Name) > 1 { // printable keys come as runes
			e.assign(ev.Name)
		}
		return
	}
	switch ev.Name {
	case fyne.KeyDown:
		if e.cursor < len(deskActions)-1 {
			e.list.Select(e.cursor + 1)
		}
	case fyne.KeyUp:
		if e.cursor > 0 {
			e.list.Select(e.cursor - 1)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		e.waiting = true
		e.message.SetText(lang.L("keys.press", map[string]any{"Action": lang.L("key." + string(deskActions[e.cursor]))}))
		e.list.RefreshItem(e.cursor)
	}
}

func (e *keysEditor) onRune(r rune) {
	if e.waiting {
		if k := runeKey(r); k != "" {
			e.assign(k)
		}
	}
}

// assign gives the action under the cursor key n.
func (e *keysEditor) assign(n fyne.KeyName) {
	a := deskActions[e.cursor]
	swapped, ok := e.keys.set(a, n)
	e.waiting = false
	switch {
	case !ok:
		e.message.SetText(lang.L("keys.refused", map[string]any{"Key": keyName(n)}))
	case swapped != "":
		e.message.SetText(lang.L("keys.swapped", map[string]any{"Key": keyName(n),
			"Other": lang.L("key." + string(swapped)), "OtherKey": keyName(e.keys.key(swapped))}))
	default:
		e.message.SetText(lang.L("keys.set", map[string]any{"Key": keyName(n), "Action": lang.L("key." + string(a))}))
	}
	e.list.Refresh()
	e.changed()
}

// keyCatcher is an invisible focusable widget that hands every key to the
// keys editor.
type keyCatcher struct {
	widget.BaseWidget
	onKey  func(*fyne.KeyEvent)
	onRune func(rune)
}

func newKeyCatcher(onKey func(*fyne.KeyEvent), onRune func(rune)) *keyCatcher {
	c := &keyCatcher{onKey: onKey, onRune: onRune}
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer draws nothing.
func (c *keyCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// FocusGained does nothing.
func (c *keyCatcher) FocusGained() {}

// FocusLost does nothing.
func (c *keyCatcher) FocusLost() {}

// TypedKey passes the key on.
func (c *keyCatcher) TypedKey(ev *fyne.KeyEvent) { c.onKey(ev) }

// TypedRune passes the character on.
func (c *keyCatcher) TypedRune(r rune) { c.onRune(r) }
