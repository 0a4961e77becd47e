package rules

import (
	"math/rand/v2"
	"strings"
)

// commonHan returns the simplified side of the t2s table: 2419 distinct
// common GB 2312 characters, a realistic alphabet for generated Chinese.
func commonHan() []rune {
	var out []rune
	seen := map[rune]bool{}
	i := 0
	for _, r := range t2sPairs {
		if i%2 == 1 && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
		i++
	}
	return out
}

// zipfText generates n bytes (about) of Chinese prose: characters drawn
// with a Zipf distribution over the common alphabet, a comma or full stop
// every 8–20 characters, some ASCII digits and words.
func zipfText(seed uint64, n int) string {
	han := commonHan()
	rng := rand.New(rand.NewPCG(seed, 1))
	z := rand.NewZipf(rng, 1.1, 2, uint64(len(han)-1))
	var b strings.Builder
	b.Grow(n + 16)
	next := 8 + rng.IntN(12)
	for b.Len() < n {
		switch {
		case next == 0:
			if rng.IntN(4) == 0 {
				b.WriteString("。")
			} else {
				b.WriteString("，")
			}
			next = 8 + rng.IntN(12)
		case rng.IntN(200) == 0:
			b.WriteString(" AI 2025 ")
		default:
			b.WriteRune(han[z.Uint64()])
			next--
		}
	}
	return b.String()
}

// zipfTerms generates n distinct terms of 3–8 characters from the same
// distribution, with categories cycling through GB/T 45654 risk codes.
func zipfTerms(seed uint64, n int) []Term {
	han := commonHan()
	rng := rand.New(rand.NewPCG(seed, 2))
	z := rand.NewZipf(rng, 1.1, 2, uint64(len(han)-1))
	cats := []string{"risk-a1a", "risk-a1g", "risk-a2c", "risk-a3b", "risk-a4e"}
	seen := make(map[string]bool, n)
	out := make([]Term, 0, n)
	var sb strings.Builder
	for len(out) < n {
		sb.Reset()
		l := 3 + rng.IntN(6)
		for range l {
			sb.WriteRune(han[z.Uint64()])
		}
		s := sb.String()
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, Term{Text: s, Category: cats[len(out)%len(cats)], List: "generated", Line: len(out) + 1})
	}
	return out
}

// uniformTerms generates n distinct terms of 2–6 characters drawn
// uniformly from the common alphabet.
func uniformTerms(seed uint64, n int) []Term {
	han := commonHan()
	rng := rand.New(rand.NewPCG(seed, 4))
	seen := make(map[string]bool, n)
	out := make([]Term, 0, n)
	var sb strings.Builder
	for len(out) < n {
		sb.Reset()
		for range 2 + rng.IntN(5) {
			sb.WriteRune(han[rng.IntN(len(han))])
		}
		s := sb.String()
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, Term{Text: s, Category: "risk-a1a", List: "uniform", Line: len(out) + 1})
	}
	return out
}

// validSpan reports whether m is a well-formed span of text: both ends on
// rune boundaries (as range decodes them, invalid bytes counting one each),
// the text and rune offsets consistent.
func validSpan(text string, m KeywordMatch) bool {
	if m.Start < 0 || m.End > len(text) || m.Start >= m.End || text[m.Start:m.End] != m.Text {
		return false
	}
	runeAt := map[int]int{len(text): 0}
	n := 0
	for i := range text {
		runeAt[i] = n
		n++
	}
	runeAt[len(text)] = n
	rs, ok1 := runeAt[m.Start]
	re, ok2 := runeAt[m.End]
	return ok1 && ok2 && rs == m.RuneStart && re == m.RuneEnd
}
