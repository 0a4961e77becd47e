package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
)

// deskAction is something the review desk does on a key.
type deskAction string

// The desk's actions, in the order the decision bar and the help overlay
// show them.
const (
	actStart    deskAction = "start"    // claim the next item of the chosen queue
	actApprove  deskAction = "approve"  // approve as it is
	actRelabel  deskAction = "relabel"  // approve and write the missing marks
	actReject   deskAction = "reject"   // reject with reason codes
	actEscalate deskAction = "escalate" // to the escalation queue, with a note
	actHold     deskAction = "hold"     // wait for information
	actSkip     deskAction = "skip"     // give back, with a reason
	actUndo     deskAction = "undo"     // take back the last decision
	actReveal   deskAction = "reveal"   // show blurred media
	actZoomIn   deskAction = "zoom_in"
	actZoomOut  deskAction = "zoom_out"
	actZoomFit  deskAction = "zoom_fit"
	actGuide    deskAction = "guide" // the 5 % guide on or off
	actQueue    deskAction = "queue" // switch between the live and escalation queue
)

// deskActions lists every action that has a key.
var deskActions = []deskAction{actStart, actApprove, actRelabel, actReject, actEscalate, actHold, actSkip,
	actUndo, actReveal, actZoomIn, actZoomOut, actZoomFit, actGuide, actQueue}

// defaultKeys are the keys a new user has: one letter each, chosen so the
// decision keys sit under the left hand (A, L, R, E, H, S) and nothing
// needs a modifier.
var defaultKeys = map[deskAction]fyne.KeyName{
	actStart:    fyne.KeyN,
	actApprove:  fyne.KeyA,
	actRelabel:  fyne.KeyL,
	actReject:   fyne.KeyR,
	actEscalate: fyne.KeyE,
	actHold:     fyne.KeyH,
	actSkip:     fyne.KeyS,
	actUndo:     fyne.KeyU,
	actReveal:   fyne.KeyV,
	actZoomIn:   fyne.KeyEqual,
	actZoomOut:  fyne.KeyMinus,
	actZoomFit:  fyne.Key0,
	actGuide:    fyne.KeyG,
	actQueue:    fyne.KeyQ,
}

// reservedKeys are keys the window itself uses; no action may take them.
var reservedKeys = []fyne.KeyName{fyne.KeyEscape, fyne.KeyF1, fyne.KeyF5, fyne.KeyReturn, fyne.KeyEnter,
	fyne.KeyTab, fyne.KeySpace, fyne.KeyUp, fyne.KeyDown, fyne.KeyLeft, fyne.KeyRight, fyne.KeySlash}

const prefKeyPrefix = "keys."

// keymap maps keys to desk actions; it is saved in the app's preferences
// (keys.<action> = key name), so each user's remapping survives restarts.
type keymap struct {
	prefs fyne.Preferences
	keys  map[deskAction]fyne.KeyName
}

func loadKeymap(p fyne.Preferences) *keymap {
	k := &keymap{prefs: p, keys: map[deskAction]fyne.KeyName{}}
	for _, a := range deskActions {
		k.keys[a] = defaultKeys[a]
		if p == nil {
			continue
		}
		if saved := fyne.KeyName(p.String(prefKeyPrefix + string(a))); saved != "" && validKey(saved) {
			k.keys[a] = saved
		}
	}
	// A hand-edited preferences file may map two actions to one key: the
	// defaults win for the later ones.
	seen := map[fyne.KeyName]bool{}
	for _, a := range deskActions {
		if seen[k.keys[a]] {
			k.keys[a] = defaultKeys[a]
		}
		seen[k.keys[a]] = true
	}
	return k
}

// validKey: letters, digits and a few punctuation keys; never a key the
// window reserves.
func validKey(n fyne.KeyName) bool {
	if slices.Contains(reservedKeys, n) {
		return false
	}
	if len(n) == 1 {
		c := n[0]
		return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("=-[];',.`\\", rune(c))
	}
	switch n {
	case fyne.KeyF2, fyne.KeyF3, fyne.KeyF4, fyne.KeyF6, fyne.KeyF7, fyne.KeyF8, fyne.KeyF9, fyne.KeyF10,
		fyne.KeyF11, fyne.KeyF12, fyne.KeyDelete, fyne.KeyBackspace, fyne.KeyHome, fyne.KeyEnd,
		fyne.KeyPageUp, fyne.KeyPageDown, fyne.KeyInsert:
		return true
	}
	return false
}

// key returns the key of an action.
func (k *keymap) key(a deskAction) fyne.KeyName { return k.keys[a] }

// action returns the action on a key, if any.
func (k *keymap) action(n fyne.KeyName) (deskAction, bool) {
	for _, a := range deskActions {
		if k.keys[a] == n {
			return a, true
		}
	}
	return "", false
}

// set gives action a the key n. It returns the action that had n before
// (which now gets a's old key: a swap, so no action is left without a
// key), or "" when n was free. It refuses reserved and unknown keys.
func (k *keymap) set(a deskAction, n fyne.KeyName) (swapped deskAction, ok bool) {
	if !validKey(n) || !slices.Contains(deskActions, a) {
		return "", false
	}
	old := k.keys[a]
	if other, taken := k.action(n); taken && other != a {
		k.keys[other] = old
		k.save(other)
		swapped = other
	}
	k.keys[a] = n
	k.save(a)
	return swapped, true
}

// reset restores every default key.
func (k *keymap) reset() {
	for _, a := range deskActions {
		k.keys[a] = defaultKeys[a]
		k.save(a)
	}
}

func (k *keymap) save(a deskAction) {
	if k.prefs != nil {
		k.prefs.SetString(prefKeyPrefix+string(a), string(k.keys[a]))
	}
}

// keyName words a key for a button or the help overlay: "A", "=", "F2".
func keyName(n fyne.KeyName) string {
	switch n {
	case fyne.KeyEqual:
		return "="
	case fyne.KeyMinus:
		return "-"
	}
	return string(n)
}

// runeKey maps a typed character to the key name the keymap uses, so a
// key typed on the canvas (which Fyne reports as a rune for printable
// keys) finds its action. Letters are case-insensitive.
func runeKey(r rune) fyne.KeyName {
	switch {
	case r >= 'a' && r <= 'z':
		return fyne.KeyName(strings.ToUpper(string(r)))
	case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return fyne.KeyName(string(r))
	case r == '=' || r == '+':
		return fyne.KeyEqual
	case r == '-' || r == '_':
		return fyne.KeyMinus
	}
	if strings.ContainsRune("[];',.`\\", r) {
		return fyne.KeyName(string(r))
	}
	return ""
}
