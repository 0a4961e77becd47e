package ui

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzCleanText feeds hostile workspace strings (paths, chain heads, state
// codes) to the function that makes them safe to show.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "/srv/ws", "/ws\x00\x1b[31m\xff", "abc\ndef", "待审核", strings.Repeat("é", maxShownText)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cleanText(s)
		if !utf8.ValidString(got) {
			t.Fatalf("cleanText(%q) = %q is not valid UTF-8", s, got)
		}
		if strings.IndexFunc(got, unicode.IsControl) >= 0 {
			t.Fatalf("cleanText(%q) = %q keeps a control character", s, got)
		}
		if len(got) > maxShownText+len("…") {
			t.Fatalf("cleanText gave %d bytes, limit %d", len(got), maxShownText)
		}
		if utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0 && len(s) <= maxShownText && got != s {
			t.Fatalf("cleanText changed a clean string %q to %q", s, got)
		}
	})
}

// FuzzFormatCheckpoint checks that any checkpoint value shows as something
// readable and never panics or vanishes.
func FuzzFormatCheckpoint(f *testing.F) {
	for _, s := range []string{"", "2025-11-28T01:00:00.000Z", "2025-11-28T09:15:00+08:00", "not a time", "9999-99-99T99:99:99Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := formatCheckpoint(s)
		if got == "" {
			t.Fatalf("formatCheckpoint(%q) is empty", s)
		}
		if !utf8.ValidString(got) || strings.IndexFunc(got, unicode.IsControl) >= 0 {
			t.Fatalf("formatCheckpoint(%q) = %q is not clean text", s, got)
		}
		h := shortHash(cleanText(s))
		if utf8.RuneCountInString(h) > 21 || !utf8.ValidString(h) {
			t.Fatalf("shortHash(%q) = %q: want at most 21 runes of valid UTF-8", s, h)
		}
	})
}
