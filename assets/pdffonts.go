package assets

import _ "embed" // the fonts below are embedded

// LatinFont is Noto Sans Regular (SIL OFL 1.1, see fonts/NotoSans-LICENSE.txt),
// a TrueType (glyf) font with Latin, Greek and Cyrillic glyphs. PDFs pair it
// with CJKFont, which has no Latin letters: ui/report draws each run of text
// in the font that has its glyphs.
//
//go:embed fonts/NotoSans-Regular.ttf
var LatinFont []byte

// LatinFontBold is Noto Sans Bold, the bold face of LatinFont (same licence).
//
//go:embed fonts/NotoSans-Bold.ttf
var LatinFontBold []byte
