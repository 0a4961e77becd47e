package ui

import (
	"bytes"
	"image"
	_ "image/png"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"synthreview/assets"
)

func TestAppIconIsASquarePNG(t *testing.T) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(AppIcon().Content()))
	if err != nil || format != "png" || cfg.Width != 256 || cfg.Height != 256 {
		t.Errorf("app icon: %s %dx%d, err %v; want a 256x256 PNG", format, cfg.Width, cfg.Height, err)
	}
}

func TestThemePutsTheCJKFontFirst(t *testing.T) {
	th := Theme()
	for _, s := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Monospace: true}} {
		if th.Font(s) != cjkFont {
			t.Errorf("style %+v: font %s, want the shipped CJK font", s, th.Font(s).Name())
		}
	}
	if th.Font(fyne.TextStyle{Symbol: true}) == cjkFont {
		t.Error("symbol style uses the CJK font, which has no symbols")
	}
	if th.Color(theme.ColorNamePrimary, theme.VariantDark) != theme.DefaultTheme().Color(theme.ColorNamePrimary, theme.VariantDark) {
		t.Error("the theme changes colours; it should only change fonts")
	}
}

// TestEveryTranslatedRuneHasAGlyph checks that each character in both
// translation files is in the shipped CJK font or in Fyne's own Latin
// font, so no screen shows a box on a machine without CJK fonts.
func TestEveryTranslatedRuneHasAGlyph(t *testing.T) {
	cjk, err := font.ParseTTF(bytes.NewReader(assets.CJKFont))
	if err != nil {
		t.Fatal(err)
	}
	latin, err := font.ParseTTF(bytes.NewReader(theme.DefaultTextFont().Content()))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"en.json", "zh-CN.json"} {
		seen := map[rune]bool{}
		for k, v := range readTranslation(t, name) {
			for _, r := range v {
				if seen[r] || unicode.IsSpace(r) {
					continue
				}
				seen[r] = true
				_, inCJK := cjk.NominalGlyph(r)
				_, inLatin := latin.NominalGlyph(r)
				if !inCJK && !inLatin {
					t.Errorf("%s %q: no shipped font has %q (U+%04X)", name, k, r, r)
				}
			}
		}
	}
}

// TestChineseMeasuresWithTheShippedFont checks that, with the theme, CJK
// text is measured from Droid Sans Fallback (every CJK glyph one em wide)
// and Latin text from Fyne's font, whatever fonts the machine has.
func TestChineseMeasuresWithTheShippedFont(t *testing.T) {
	test.NewTempApp(t)
	test.ApplyTheme(t, Theme())
	const size = 20
	if w := fyne.MeasureText("生成合成", size, fyne.TextStyle{}).Width; w != 4*size {
		t.Errorf("生成合成 at %dpt is %.1f wide, want %d (four em-square glyphs)", size, w, 4*size)
	}
	ai := fyne.MeasureText("AI", size, fyne.TextStyle{}).Width
	mixed := fyne.MeasureText("AI生成", size, fyne.TextStyle{}).Width
	if mixed != ai+2*size {
		t.Errorf("AI生成 is %.1f wide, want AI (%.1f) plus two em squares", mixed, ai)
	}
}
