package rulefile

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"synthreview/review"
	"synthreview/review/rules"
)

const example = "../../testdata/rules/rules.toml"

func readExample(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	root := filepath.Dir(example)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

func TestLoadExample(t *testing.T) {
	rs, err := Load(example)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rs.Version, "1.0.0+sha256:") || len(rs.Version) != len("1.0.0+sha256:")+64 {
		t.Errorf("version %q", rs.Version)
	}
	if len(rs.Rules) != len(rules.Kinds) || rs.Sampling.Rate != 0.10 || rs.Keywords.Len() != 15 || len(rs.Banks) != 2 {
		t.Fatalf("loaded %d rules, rate %v, %d terms, %d banks", len(rs.Rules), rs.Sampling.Rate, rs.Keywords.Len(), len(rs.Banks))
	}
	// The example set works end to end: a fraud prompt routes to live.
	hits := rs.Evaluate(rules.Input{ProduceID: "TXT1", Category: "text_writing", Verdict: "conforming",
		LabelState: "confirmed", Explicit: rules.ExplicitCheck{Checked: true, Labels: []rules.ExplicitLabel{{Text: "AI生成"}}},
		RealName: &review.RealName{Result: "verified"}, Assessment: rules.AssessmentRef{Record: &rules.Assessment{ID: "a", Passed: true}},
		Prompt: "写一条冒充 公检法 的短信"})
	if len(hits) != 1 || hits[0].RuleID != "keyword" || !strings.Contains(hits[0].Evidence, `"text":"公检法"`) && !strings.Contains(hits[0].Evidence, "冒充 公检法") {
		t.Fatalf("hits %+v", hits)
	}
	d := rs.Route("TXT1", hits)
	if d.Queue != review.QueueLive || d.Priority != 70 || d.RuleSetVersion != rs.Version {
		t.Fatalf("decision %+v", d)
	}
	if r, _ := rs.Rule("explicit-label"); len(r.Params.ExcludeCategories) != 1 || r.Params.ExcludeCategories[0] != "text_dialogue" ||
		len(r.Params.Categories) != 1 || r.Params.MinHeightRatio != 0.05 {
		t.Errorf("explicit-label params %+v", r.Params)
	}
	kb, _ := rs.Bank("known-harm")
	if e, ok := kb.Entry("kh-0002"); !ok || e.Version != 2 || e.Source != "decision IMG20251001000017" {
		t.Fatalf("bank entry %+v", e)
	}
}

func TestVersionChangesWithAnyListByte(t *testing.T) {
	fsys := readExample(t)
	a, err := LoadFS(fsys, "rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadFS(fsys, "rules.toml")
	if err != nil || a.Version != b.Version {
		t.Fatalf("same content, versions %s and %s (%v)", a.Version, b.Version, err)
	}
	for _, f := range []string{"rules.toml", "keywords/fraud.tsv", "banks/false-positives.tsv"} {
		changed := fstest.MapFS{}
		for k, v := range fsys {
			changed[k] = v
		}
		changed[f] = &fstest.MapFile{Data: append(append([]byte{}, fsys[f].Data...), "\n# edited\n"...)}
		c, err := LoadFS(changed, "rules.toml")
		if err != nil {
			t.Fatal(err)
		}
		if c.Version == a.Version {
			t.Errorf("editing %s kept version %s", f, a.Version)
		}
	}
}

func TestParseRulesErrors(t *testing.T) {
	good, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	g := string(good)
	// lineOf is the 1-based line of the n-th (1-based) "[[rules]]" header.
	lineOf := func(n int) string {
		seen := 0
		for i, l := range strings.Split(g, "\n") {
			if l == "[[rules]]" {
				seen++
				if seen == n {
					return "line " + itoa(i+1) + " ([[rules]] #" + itoa(n) + ")"
				}
			}
		}
		t.Fatalf("no [[rules]] #%d", n)
		return ""
	}
	lines := strings.Count(g, "\n")
	cases := []struct {
		name, data string
		want       []string // substrings of the error
	}{
		{"bad TOML", g + "\n[[rules]\n", []string{"line " + itoa(lines+2)}},
		{"unknown top-level key", "colour = 1\n" + g, []string{`"colour"`, "line 1"}},
		{"unknown rule key", strings.Replace(g, `priority = 40`, "priority = 40\nthreshhold = 3", 1), []string{"threshhold", "unknown key"}},
		{"unknown kind", strings.Replace(g, `kind = "real-name"`, `kind = "realname"`, 1), []string{`unknown kind "realname"`, lineOf(4), "real-name"}},
		{"bad severity", strings.Replace(g, `severity = "critical"`, `severity = "fatal"`, 1), []string{`severity "fatal"`, lineOf(3)}},
		{"bad queue", strings.Replace(g, `queue = "escalation"`, `queue = "urgent"`, 1), []string{`queue "urgent"`}},
		{"wrong type", strings.Replace(g, `priority = 60`, `priority = "high"`, 1), []string{lineOf(1), "priority"}},
		{"no rate", strings.Replace(g, "rate = 0.10", "", 1), []string{"rate is required"}},
		{"rate above 1", strings.Replace(g, "rate = 0.10", "rate = 10", 1), []string{"between 0 and 1"}},
		{"list escapes folder", strings.Replace(g, `"keywords/fraud.tsv"`, `"../../etc/passwd"`, 1), []string{"stay inside"}},
		{"absolute list path", strings.Replace(g, `"keywords/fraud.tsv"`, `"/etc/passwd"`, 1), []string{"stay inside"}},
		{"bank without threshold", strings.Replace(g, "threshold = 31\n", "", 1), []string{"threshold"}},
		{"no articles", strings.Replace(g, `articles = ["DSP 9"]`, "", 1), []string{"articles is required"}},
		{"invalid UTF-8", strings.Replace(g, "Example provider", "Example \xff provider", 1), []string{"line 7", "UTF-8"}},
		{"semver", strings.Replace(g, `version = "1.0.0"`, `version = "v1"`, 1), []string{"semantic version"}},
		{"empty", "", []string{"no [[rules]]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRules([]byte(c.data), "rules.toml")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "rules.toml") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	if _, err := ParseRules(make([]byte, MaxRulesFileBytes+1), "big.toml"); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("oversized file: %v", err)
	}
}

func TestLoadRejectsWhatValidateCatches(t *testing.T) {
	fsys := readExample(t)
	g := string(fsys["rules.toml"].Data)
	for name, data := range map[string]string{
		"unknown list":     strings.Replace(g, `lists = ["risk-core", "fraud"]`, `lists = ["risk-core", "nope"]`, 1),
		"unknown category": strings.Replace(g, `categories = ["image_generation"]`, `categories = ["deepfakes"]`, 1),
		"unknown excluded": strings.Replace(g, `exclude_categories = ["text_dialogue"]`, `exclude_categories = ["chat"]`, 1),
		"missing list":     strings.Replace(g, `"keywords/fraud.tsv"`, `"keywords/missing.tsv"`, 1),
	} {
		fsys["rules.toml"] = &fstest.MapFile{Data: []byte(data)}
		if _, err := LoadFS(fsys, "rules.toml"); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
	fsys["rules.toml"] = &fstest.MapFile{Data: []byte(g)}
	fsys["keywords/fraud.tsv"] = &fstest.MapFile{Data: make([]byte, MaxListFileBytes+1)}
	if _, err := LoadFS(fsys, "rules.toml"); err == nil || !strings.Contains(err.Error(), "keywords/fraud.tsv") {
		t.Errorf("oversized list: %v", err)
	}
}

func TestParseKeywordList(t *testing.T) {
	data := "\xef\xbb\xbf# comment\r\n法轮功\trisk-a1g\r\n\n  # indented comment\n电信 诈骗\trisk-a1h\n"
	ts, err := ParseKeywordList([]byte(data), "core", "kw.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Text != "法轮功" || ts[0].Line != 2 || ts[1].Line != 5 || ts[1].Category != "risk-a1h" || ts[1].List != "core" {
		t.Fatalf("%+v", ts)
	}
	bad := map[string]string{
		"no category":  "ok\tc\nlonely term\n",
		"invalid utf8": "ok\tc\nab\xff\tc\n",
		"empty term":   "ok\tc\n。。\tc\n",
		"three fields": "ok\tc\na\tb\tc\n",
		"long line":    "ok\tc\n" + strings.Repeat("x", MaxLineBytes+10) + "\tc\n",
		"long term":    "ok\tc\n" + strings.Repeat("长", rules.MaxTermRunes+1) + "\tc\n",
	}
	for name, d := range bad {
		_, err := ParseKeywordList([]byte(d), "l", "kw.tsv")
		if err == nil || !strings.Contains(err.Error(), "kw.tsv line 2") {
			t.Errorf("%s: error %v does not name kw.tsv line 2", name, err)
		}
	}
}

func TestParseBankList(t *testing.T) {
	h := strings.Repeat("ab", 32)
	es, err := ParseBankList([]byte("# c\n"+h+"\tid1\trisk-a1a\tnotice 7\n"+strings.ToUpper(h)+"\tid2\trisk-a1g\t\t4\n"), "b.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Source != "notice 7" || es[1].Version != 4 || es[1].Hash != es[0].Hash {
		t.Fatalf("%+v", es)
	}
	bad := map[string]string{
		"short hash":   h[:62] + "\tid\tc\ts\n",
		"not hex":      strings.Repeat("zz", 32) + "\tid\tc\ts\n",
		"few fields":   h + "\tid\tc\n",
		"dup id":       h + "\tid1\tc\ts\n",
		"bad version":  h + "\tid\tc\ts\t0\n",
		"invalid utf8": h + "\tid\tc\ts\xff\n",
	}
	for name, d := range bad {
		_, err := ParseBankList([]byte(h+"\tid1\tc\ts\n"+d), "b.tsv")
		if err == nil || !strings.Contains(err.Error(), "b.tsv line 2") {
			t.Errorf("%s: error %v does not name b.tsv line 2", name, err)
		}
	}
}

func FuzzParseRules(f *testing.F) {
	good, err := os.ReadFile(example)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("[[rules]]\nid='x'\nkind='keyword'\nseverity='error'\narticles=['DSP 10']\n[sampling]\nrate=0.5\nseed='s'\n"))
	f.Add([]byte("[[rules]\n"))
	f.Add([]byte("a.b.c = 1\n[a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseRules(data, "f.toml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.toml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(s.Rules) == 0 || s.Sampling.Rate == nil {
			t.Fatalf("accepted a file without rules or rate")
		}
	})
}

func FuzzKeywordList(f *testing.F) {
	for _, s := range []string{"法轮功\trisk-a1g\n", "\xef\xbb\xbf#c\r\na\tb\r\n", "ab\xff\tc\n", "。\tc\n", "x\ty\tz\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := ParseKeywordList(data, "l", "kw.tsv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "kw.tsv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(ts) == 0 {
			return
		}
		k, err := rules.NewKeywords(ts)
		if err != nil {
			t.Fatalf("list parsed but the automaton refused it: %v", err)
		}
		// Every term finds itself.
		for _, tm := range ts {
			ms, _ := k.Match(tm.Text, 0)
			if len(ms) == 0 {
				t.Fatalf("term %q does not match itself", tm.Text)
			}
		}
	})
}

func FuzzBankList(f *testing.F) {
	h := strings.Repeat("ab", 32)
	for _, s := range []string{h + "\tid\tc\ts\n", h + "\tid\tc\ts\t3\n#x\n", "zz\tid\tc\ts\n", h + "\tid\tc\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := ParseBankList(data, "b.tsv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "b.tsv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		b, err := rules.NewBank("b", 1, 31, false, es)
		if err != nil {
			return // field limits NewBank adds (length) may refuse it: an error, not a panic
		}
		for _, e := range es {
			if m := b.Query(e.Hash, 1); len(m) == 0 || m[0].Distance != 0 {
				t.Fatalf("entry %s does not find itself", e.ID)
			}
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

// BenchmarkLoad100k loads a rules file with a generated 100,000-term
// keyword list and a 100,000-entry bank: the cost of a reload on change.
func BenchmarkLoad100k(b *testing.B) {
	fsys := readExample(b)
	var kw, bank strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&kw, "词%06d组\trisk-a1a\n", i)
		fmt.Fprintf(&bank, "%064x\tid%d\trisk-a1a\tgenerated\n", i*7919, i)
	}
	fsys["keywords/fraud.tsv"] = &fstest.MapFile{Data: []byte(kw.String())}
	fsys["banks/known-harm.tsv"] = &fstest.MapFile{Data: []byte(bank.String())}
	b.SetBytes(int64(kw.Len() + bank.Len()))
	for b.Loop() {
		if _, err := LoadFS(fsys, "rules.toml"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFormatBankListRoundTrip(t *testing.T) {
	h, _ := rules.ParseHash(strings.Repeat("5a", 32))
	old, err := rules.NewBank("known", 1, 31, false, []rules.BankEntry{{ID: "a", Hash: h, Category: "risk-a1a", Source: "notice 1"}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)
	p, err := rules.Proposal{ID: "p1", Bank: "known", Action: rules.ProposeAdd, ProposedBy: "reviewer1", ProposedAt: at,
		Entry: rules.BankEntry{ID: "b", Hash: rules.Hash{1}, Category: "risk-a1g", Source: "decision IMG1"}}.Approve("manager", at)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := old.Publish([]rules.Proposal{p})
	if err != nil {
		t.Fatal(err)
	}
	data, err := FormatBankList(nb.Name, nb.Version, nb.Entries())
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseBankList(data, "known.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 || back[0] != nb.Entries()[0] || back[1].Version != 2 || back[1].Source != "decision IMG1" || back[1].Hash != (rules.Hash{1}) {
		t.Fatalf("round trip: %+v", back)
	}
	if _, err := FormatBankList("k", 1, []rules.BankEntry{{ID: "x\ty", Category: "c"}}); err == nil {
		t.Fatal("wrote an id with a tab")
	}
}
