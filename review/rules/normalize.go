package rules

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The keyword normaliser folds away the tricks used to slip a listed term past
// a plain substring search (DSP Art. 10 asks the provider to review inputs
// and outputs; a filter that "法.轮" defeats does not review anything):
//
//   - full-width forms U+FF01–U+FF5E become their ASCII twins and the
//     ideographic space U+3000 a space;
//   - letters are case-folded (unicode.ToLower);
//   - the common traditional characters become simplified ones (t2s_table.go:
//     2419 pairs from OpenCC whose traditional form is in Big5 and simplified
//     form in GB 2312);
//   - spacing, punctuation, symbols, control and format characters (the
//     zero-width space U+200B, joiners U+200C/U+200D, U+2060, BOM U+FEFF, soft
//     hyphen U+00AD) and combining marks are dropped, so "法 轮", "法.轮",
//     "法\u200b轮" and "法★轮" all read "法轮".
//
// Terms and text are folded by the same function, so a fold that is too
// eager (乾→干 also hits the name 乾隆) can only add a hit for a reviewer to
// dismiss, never lose one.

// skipRune marks a rune that the normaliser drops.
const skipRune rune = -1

var (
	foldOnce sync.Once
	foldBMP  []rune // foldBMP[r] is Fold(r) for r < 0x10000
	t2s      map[rune]rune
)

func loadFold() {
	foldOnce.Do(func() {
		t2s = make(map[rune]rune, len(t2sPairs)/6)
		var prev rune = -1
		for _, r := range t2sPairs {
			if prev < 0 {
				prev = r
				continue
			}
			t2s[prev] = r
			prev = -1
		}
		foldBMP = make([]rune, 0x10000)
		for r := rune(0); r < 0x10000; r++ {
			foldBMP[r] = foldSlow(r)
		}
	})
}

// Fold returns the normalised form of one rune, and false when the
// normaliser drops it (spacing, punctuation, zero-width and similar).
func Fold(r rune) (rune, bool) {
	loadFold()
	var f rune
	if r >= 0 && r < 0x10000 {
		f = foldBMP[r]
	} else {
		f = foldSlow(r)
	}
	return f, f != skipRune
}

func foldSlow(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	}
	if r == utf8.RuneError {
		// Not a character: it separates terms but is never part of one.
		return r
	}
	if unicode.In(r, unicode.P, unicode.Z, unicode.S, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me) ||
		unicode.IsSpace(r) || (r >= 0xFE00 && r <= 0xFE0F) {
		return skipRune
	}
	if s, ok := t2s[r]; ok {
		return s
	}
	return unicode.ToLower(r)
}

// Normalize returns the folded form of s and, for each rune of it, the byte
// offset in s of the rune it came from, so that a span of the folded text
// maps back to the original. Invalid UTF-8 bytes come out as U+FFFD.
func Normalize(s string) (string, []int) {
	loadFold()
	var b strings.Builder
	b.Grow(len(s))
	offs := make([]int, 0, len(s)/2)
	for i, r := range s {
		f, ok := Fold(r)
		if !ok {
			continue
		}
		b.WriteRune(f)
		offs = append(offs, i)
	}
	return b.String(), offs
}
