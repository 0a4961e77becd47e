package rules

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

var testTerms = []Term{
	{Text: "法轮", Category: "risk-a1g", List: "core", Line: 1},
	{Text: "轮功", Category: "risk-a1g", List: "core", Line: 2},
	{Text: "颠覆国家政权", Category: "risk-a1a", List: "core", Line: 3},
	{Text: "Free Tibet", Category: "risk-a1c", List: "core", Line: 4},
	{Text: "ass", Category: "risk-a2b", List: "en", Line: 1},
	{Text: "电信诈骗", Category: "risk-a1h", List: "fraud", Line: 1},
	{Text: "電信詐騙", Category: "risk-a1h-dup", List: "fraud", Line: 2},
}

func mustKeywords(t testing.TB, terms []Term) *Keywords {
	t.Helper()
	k, err := NewKeywords(terms)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestMatchNormalisationTricks(t *testing.T) {
	k := mustKeywords(t, testTerms)
	cases := []struct {
		name, text string
		want       []string // original spans expected, in order
		norms      []string
	}{
		{"plain", "他们说法轮是", []string{"法轮"}, []string{"法轮"}},
		{"space between", "法 轮", []string{"法 轮"}, []string{"法轮"}},
		{"dot between", "法.轮", []string{"法.轮"}, []string{"法轮"}},
		{"zero width space", "法\u200b轮", []string{"法\u200b轮"}, []string{"法轮"}},
		{"zero width joiner and BOM", "法\u200d\ufeff轮", []string{"法\u200d\ufeff轮"}, []string{"法轮"}},
		{"ideographic space and full stop", "法\u3000。轮", []string{"法\u3000。轮"}, []string{"法轮"}},
		{"star between", "法★轮", []string{"法★轮"}, []string{"法轮"}},
		{"traditional", "這是電信詐騙案", []string{"電信詐騙", "電信詐騙"}, []string{"电信诈骗", "电信诈骗"}},
		{"overlapping terms", "法轮功", []string{"法轮", "轮功"}, []string{"法轮", "轮功"}},
		{"full width latin", "ＦＲＥＥ　ＴＩＢＥＴ", []string{"ＦＲＥＥ　ＴＩＢＥＴ"}, []string{"freetibet"}},
		{"case", "free TIBET!", []string{"free TIBET"}, []string{"freetibet"}},
		{"latin word boundary", "a class act", nil, nil},
		{"latin standalone", "kiss my ass.", []string{"ass"}, []string{"ass"}},
		{"no hit", "今天天气很好", nil, nil},
		{"newline between", "颠覆\n国家\r\n政权", []string{"颠覆\n国家\r\n政权"}, []string{"颠覆国家政权"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms, err := k.Match(c.text, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got, norms []string
			for _, m := range ms {
				if !validSpan(c.text, m) {
					t.Errorf("bad span %+v in %q", m, c.text)
				}
				got = append(got, m.Text)
				norms = append(norms, m.Normalized)
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") || strings.Join(norms, "|") != strings.Join(c.norms, "|") {
				t.Errorf("Match(%q) = %q (normalised %q), want %q (%q)", c.text, got, norms, c.want, c.norms)
			}
		})
	}
}

func TestMatchReportsRuneOffsetsAndCategory(t *testing.T) {
	k := mustKeywords(t, testTerms)
	text := "第一句。有人在搞电 信 诈 骗！"
	ms, err := k.Match(text, 0)
	if err != nil || len(ms) != 2 {
		t.Fatalf("got %+v, %v; want two matches (both list lines of the same term)", ms, err)
	}
	m := ms[0]
	if m.RuneStart != 8 || m.RuneEnd != 15 || m.Category == "" || m.List != "fraud" {
		t.Errorf("match %+v: want runes 8–15 in list fraud", m)
	}
	if got := string([]rune(text)[m.RuneStart:m.RuneEnd]); got != "电 信 诈 骗" {
		t.Errorf("rune span gives %q", got)
	}
}

func TestMatchLimit(t *testing.T) {
	k := mustKeywords(t, testTerms)
	text := strings.Repeat("法轮", 50)
	ms, err := k.Match(text, 10)
	if !errors.Is(err, ErrMatchLimit) || len(ms) != 10 {
		t.Fatalf("got %d matches, %v; want 10 and ErrMatchLimit", len(ms), err)
	}
}

func TestNewKeywordsRejectsBadTerms(t *testing.T) {
	cases := map[string]Term{
		"empty after normalising": {Text: " 。！", List: "l", Line: 3},
		"one letter after":        {Text: "C++", List: "l", Line: 8},
		"invalid utf-8":           {Text: "ab\xffcd", List: "l", Line: 4},
		"too long":                {Text: strings.Repeat("长", MaxTermRunes+1), List: "l", Line: 5},
		"too many bytes":          {Text: strings.Repeat("a ", MaxTermBytes), List: "l", Line: 6},
		"category too long":       {Text: "x", Category: strings.Repeat("c", MaxCategory+1), List: "l", Line: 7},
	}
	for name, term := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := NewKeywords([]Term{{Text: "ok", List: "l", Line: 1}, term})
			if err == nil || !strings.Contains(err.Error(), "line") {
				t.Fatalf("want an error naming the line, got %v", err)
			}
		})
	}
}

// naiveMatch is the reference: normalise the text, find each term's
// normalised form at every position.
func naiveMatch(k *Keywords, text string) map[[2]int]int {
	norm, offs := Normalize(text)
	runes := []rune(norm)
	got := map[[2]int]int{}
	for _, t := range k.terms {
		tn := []rune(t.norm)
		for i := 0; i+len(tn) <= len(runes); i++ {
			if string(runes[i:i+len(tn)]) != t.norm {
				continue
			}
			// A rune in no term breaks adjacency only when it is kept;
			// dropped runes never do, which Normalize already reflects.
			start := offs[i]
			last := offs[i+len(tn)-1]
			_, size := utf8.DecodeRuneInString(text[last:])
			m := KeywordMatch{Start: start, End: last + size}
			if t.wordStart && start > 0 {
				r, _ := utf8.DecodeLastRuneInString(text[:start])
				if f, ok := Fold(r); ok && isWordRune(f) {
					continue
				}
			}
			if t.wordEnd && m.End < len(text) {
				r, _ := utf8.DecodeRuneInString(text[m.End:])
				if f, ok := Fold(r); ok && isWordRune(f) {
					continue
				}
			}
			got[[2]int{m.Start, m.End}]++
		}
	}
	return got
}

func TestMatchAgreesWithNaiveSearch(t *testing.T) {
	terms := zipfTerms(3, 2000)
	// Short terms too, so matches overlap and nest.
	han := commonHan()
	for i := range 300 {
		terms = append(terms, Term{Text: string(han[i%40]) + string(han[(i*7)%40]), Category: "c", List: "short", Line: i + 1})
	}
	k := mustKeywords(t, terms)
	for seed := range uint64(20) {
		text := zipfText(seed, 3000)
		// Sprinkle tricks: zero-width spaces and full stops between characters.
		rng := rand.New(rand.NewPCG(seed, 9))
		var b strings.Builder
		for _, r := range text {
			b.WriteRune(r)
			switch rng.IntN(30) {
			case 0:
				b.WriteString("\u200b")
			case 1:
				b.WriteString(" ")
			}
		}
		text = b.String()
		ms, err := k.Match(text, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]int]int{}
		for _, m := range ms {
			if !validSpan(text, m) {
				t.Fatalf("bad span %+v", m)
			}
			got[[2]int{m.Start, m.End}]++
		}
		want := naiveMatch(k, text)
		if len(want) == 0 {
			t.Fatalf("seed %d: generated text has no match: the test checks nothing", seed)
		}
		for span, n := range want {
			if got[span] != n {
				t.Errorf("seed %d span %v: automaton %d, naive %d", seed, span, got[span], n)
			}
		}
		if len(got) != len(want) {
			t.Errorf("seed %d: automaton %d spans, naive %d", seed, len(got), len(want))
		}
	}
}

func TestNormalizeMapsBack(t *testing.T) {
	in := "ＡＢ c\u200b電。"
	norm, offs := Normalize(in)
	if norm != "abc电" {
		t.Fatalf("Normalize = %q", norm)
	}
	want := []int{0, 3, 7, 11}
	for i, o := range offs {
		if o != want[i] {
			t.Fatalf("offsets %v, want %v", offs, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"法 轮", "ＡＢ c\u200b電。", "\xff\xfe法", "", "a\u0301b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, offs := Normalize(s)
		if !utf8.ValidString(norm) || utf8.RuneCountInString(norm) != len(offs) {
			t.Fatalf("Normalize(%q) = %q with %d offsets", s, norm, len(offs))
		}
		prev := -1
		for _, o := range offs {
			if o <= prev || o >= len(s) {
				t.Fatalf("offset %d out of order or range in %q", o, s)
			}
			prev = o
		}
		again, _ := Normalize(norm)
		if again != norm {
			t.Fatalf("not idempotent: %q → %q → %q", s, norm, again)
		}
	})
}

func FuzzMatch(f *testing.F) {
	k := mustKeywords(f, append(testTerms, Term{Text: "ab", Category: "x", List: "two"}, Term{Text: "毒", Category: "x", List: "one"},
		Term{Text: "𠀀字", Category: "x", List: "astral"}))
	for _, s := range []string{"法 轮功", "class ass", "電信詐騙", "\xff法\x80轮", "𠀀 字 a", "ＡＳＳ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := k.Match(s, 1000)
		if err != nil && !errors.Is(err, ErrMatchLimit) {
			t.Fatal(err)
		}
		for _, m := range ms {
			if !validSpan(s, m) {
				t.Fatalf("bad span %+v in %q", m, s)
			}
			if n, _ := Normalize(m.Text); n != m.Normalized {
				t.Fatalf("span %q normalises to %q, not the term %q", m.Text, n, m.Normalized)
			}
		}
	})
}

// Folding twice must change nothing, or a term (folded once) and a text
// (folded once) could disagree about a character that folds in a chain.
func TestFoldIsIdempotentOnTheBMP(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		f, ok := Fold(r)
		if !ok {
			continue
		}
		if g, ok2 := Fold(f); !ok2 || g != f {
			t.Errorf("Fold(%U) = %U, Fold(%U) = %U (kept %v)", r, f, f, g, ok2)
		}
	}
}
