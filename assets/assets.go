// Package assets embeds the files the program ships: fonts, translations,
// icons and label templates. It holds plain bytes and an fs.FS only, so that
// marking and ui/report can use the fonts without Fyne; ui wraps them as Fyne
// resources. It imports nothing but embed and io/fs.
package assets

import (
	"embed"
	"io/fs"
)

// CJKFont is Droid Sans Fallback (Apache-2.0, see
// fonts/DroidSansFallback-COPYRIGHT.txt), a TrueType (glyf) font with CJK
// glyphs but no Latin letters: pair it with a Latin font (Go fonts, from
// golang.org/x/image/font/gofont) when drawing mixed text such as "AI生成".
//
//go:embed fonts/DroidSansFallbackFull.ttf
var CJKFont []byte

//go:embed translations/*.json
var translations embed.FS

// AppIcon is the application icon, a 256×256 PNG drawn for SynthReview (see
// icons/README.md); AppIconSVG is its scalable source.
//
//go:embed icon.png
var AppIcon []byte

// AppIconSVG is the application icon as SVG.
//
//go:embed icons/app.svg
var AppIconSVG []byte

// Translations returns the folder of Fyne translation files (en.json,
// zh-CN.json) at its root.
func Translations() fs.FS {
	sub, err := fs.Sub(translations, "translations")
	if err != nil {
		panic(err) // programmer error: the embed pattern names this folder
	}
	return sub
}
