package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"synthreview/assets"
)

// cjkFont wraps the embedded Droid Sans Fallback as a Fyne resource once.
var cjkFont = fyne.NewStaticResource("DroidSansFallbackFull.ttf", assets.CJKFont)

var appIcon = fyne.NewStaticResource("synthreview.png", assets.AppIcon)

// AppIcon returns the SynthReview application icon (a 256×256 PNG), for
// fyne.App.SetIcon; NewMainWindow puts it on the main window itself.
func AppIcon() fyne.Resource {
	return appIcon
}

// Theme returns the SynthReview theme: Fyne's default look, with the shipped
// CJK font first in every text style so that Chinese never renders as boxes,
// whatever fonts the machine has.
//
// Fyne (2.7) resolves each rune against a list of faces: the theme's font for
// the style, then Fyne's own font for that style (Latin, bold, italic or
// monospace), then the emoji font and the system's font for the language.
// Droid Sans Fallback has CJK glyphs but no Latin letters, so Latin text
// falls through to Fyne's Noto Sans or its monospace font and keeps their
// shapes and weights, while CJK text comes from the shipped font.
func Theme() fyne.Theme {
	return &srTheme{Theme: theme.DefaultTheme()}
}

type srTheme struct {
	fyne.Theme
}

// Font returns the CJK font for all text styles except symbols, which keep
// Fyne's symbol font (it draws the arrows and marks in menus and shortcuts).
func (t *srTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Symbol {
		return t.Theme.Font(s)
	}
	return cjkFont
}
