package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

// Authenticator checks a user's password (review.Accounts does).
// Authenticate returns EFORBIDDEN for a wrong name or password, without
// saying which.
type Authenticator interface {
	Authenticate(ctx context.Context, name, password string) (review.Account, error)
}

// signInView is the sign-in screen, and, with a fixed name, the lock
// screen: the same form asks the signed-in user for their password again.
type signInView struct {
	auth Authenticator
	run  func(job func())
	// onSignedIn runs on the Fyne goroutine after a good password.
	onSignedIn func(review.Account)
	// onSignOut, on the lock screen, signs out instead of unlocking.
	onSignOut func()

	locked   string // the locked user's name; "" on the sign-in screen
	name     *widget.Entry
	password *widget.Entry
	submit   *widget.Button
	message  *widget.Label
	busy     bool
	root     fyne.CanvasObject
}

func newSignInView(auth Authenticator, run func(job func()), locked string) *signInView {
	v := &signInView{auth: auth, run: run, locked: locked}
	v.name = widget.NewEntry()
	v.name.SetPlaceHolder(lang.L("signin.name"))
	v.password = widget.NewPasswordEntry()
	v.password.SetPlaceHolder(lang.L("signin.password"))
	v.name.OnSubmitted = func(string) { v.onSubmit() }
	v.password.OnSubmitted = func(string) { v.onSubmit() }
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Importance = widget.DangerImportance
	v.message.Hide()

	title := widget.NewLabelWithStyle(lang.L("app.name"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	var intro *widget.Label
	var form fyne.CanvasObject
	buttons := []fyne.CanvasObject{}
	if locked == "" {
		intro = widget.NewLabelWithStyle(lang.L("signin.intro"), fyne.TextAlignCenter, fyne.TextStyle{})
		v.submit = widget.NewButtonWithIcon(lang.L("signin.submit"), theme.LoginIcon(), v.onSubmit)
		form = widget.NewForm(
			widget.NewFormItem(lang.L("signin.name"), v.name),
			widget.NewFormItem(lang.L("signin.password"), v.password))
	} else {
		v.name.SetText(locked)
		intro = widget.NewLabelWithStyle(lang.L("lock.intro", map[string]any{"Name": cleanText(locked)}),
			fyne.TextAlignCenter, fyne.TextStyle{})
		v.submit = widget.NewButtonWithIcon(lang.L("lock.unlock"), theme.LoginIcon(), v.onSubmit)
		form = widget.NewForm(widget.NewFormItem(lang.L("signin.password"), v.password))
		buttons = append(buttons, widget.NewButtonWithIcon(lang.L("session.signout"), theme.LogoutIcon(), func() {
			if v.onSignOut != nil {
				v.onSignOut()
			}
		}))
	}
	intro.Wrapping = fyne.TextWrapWord
	v.submit.Importance = widget.HighImportance
	buttons = append(buttons, v.submit)
	card := container.NewVBox(title, intro, form, v.message, container.NewHBox(layout.NewSpacer(), container.NewHBox(buttons...)))
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	v.root = container.NewCenter(newMinWidth(420, container.NewStack(bg, container.NewPadded(card))))
	return v
}

func (v *signInView) content() fyne.CanvasObject { return v.root }

// focus puts the cursor where the user types first.
func (v *signInView) focus(c fyne.Canvas) {
	if v.locked == "" && v.name.Text == "" {
		c.Focus(v.name)
		return
	}
	c.Focus(v.password)
}

// onSubmit checks the password in the background; a wrong one leaves the
// form filled but the password cleared, with a message that does not say
// whether the name exists.
func (v *signInView) onSubmit() {
	name := strings.TrimSpace(v.name.Text)
	pw := v.password.Text
	if v.busy {
		return
	}
	if name == "" || pw == "" {
		v.showMessage(lang.L("signin.empty"))
		return
	}
	v.busy = true
	v.submit.Disable()
	v.run(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		acct, err := v.auth.Authenticate(ctx, name, pw)
		fyne.Do(func() {
			v.busy = false
			v.submit.Enable()
			v.password.SetText("")
			if err != nil {
				switch review.ErrorCode(err) {
				case review.EFORBIDDEN, review.ENOTFOUND, review.EINVALID:
					v.showMessage(lang.L("signin.wrong"))
				case review.EBUSY:
					v.showMessage(lang.L("error.code.EBUSY"))
				default:
					fyne.LogError("sign in", err)
					v.showMessage(lang.L("error.internal"))
				}
				return
			}
			v.message.Hide()
			if v.onSignedIn != nil {
				v.onSignedIn(acct)
			}
		})
	})
}

func (v *signInView) showMessage(s string) {
	v.message.SetText(s)
	v.message.Show()
}
