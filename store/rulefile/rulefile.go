// Package rulefile reads a workspace's rules file (TOML, schema in
// docs/rules.md) and the keyword and feature-bank lists it names, checks
// them, and returns a review/rules.RuleSet whose version is the SHA-256 of
// all that content. It is the file adapter of the rule engine; pending and
// approved versions are stored elsewhere (store).
//
// Every byte it reads is hostile: reads are bounded, lists have term and
// line limits, and each error names the file, the line and the problem.
//
// It imports the standard library, github.com/BurntSushi/toml and
// synthreview/review/rules only: never Fyne, ui or app (style.md §2).
package rulefile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"synthreview/review"
	"synthreview/review/rules"
)

// Limits on what a rules file may make us read.
const (
	MaxRulesFileBytes = 1 << 20  // the TOML file
	MaxListFileBytes  = 64 << 20 // one keyword or bank list
	MaxLineBytes      = 4096     // one line of a list
	MaxLists          = 64       // keyword lists plus banks
	MaxRules          = 256
)

// Spec is the rules file as written, before its lists are read.
type Spec struct {
	RuleSet  SetSpec
	Sampling SamplingSpec
	Routing  RoutingSpec
	Keywords []ListSpec
	Banks    []BankSpec
	Rules    []RuleSpec
	lines    map[string]int // "rules.3" → line of the 4th [[rules]]
}

// rawSpec decodes the array tables one element at a time, so that a type
// error names the element's own line (the TOML library only knows the last
// key of that name).
type rawSpec struct {
	RuleSet  SetSpec          `toml:"ruleset"`
	Sampling SamplingSpec     `toml:"sampling"`
	Routing  RoutingSpec      `toml:"routing"`
	Keywords []toml.Primitive `toml:"keywords"`
	Banks    []toml.Primitive `toml:"banks"`
	Rules    []toml.Primitive `toml:"rules"`
}

// SetSpec is the [ruleset] table.
type SetSpec struct {
	Name        string `toml:"name"`
	Version     string `toml:"version"` // the author's semantic version
	Description string `toml:"description"`
}

// SamplingSpec is the [sampling] table.
type SamplingSpec struct {
	Rate     *float64 `toml:"rate"`
	Seed     string   `toml:"seed"`
	Queue    string   `toml:"queue"`
	Priority int      `toml:"priority"`
}

// RoutingSpec is the [routing] table.
type RoutingSpec struct {
	MinSeverity string `toml:"min_severity"`
}

// ListSpec is one [[keywords]] entry.
type ListSpec struct {
	Name string `toml:"name"`
	Path string `toml:"path"`
}

// BankSpec is one [[banks]] entry.
type BankSpec struct {
	Name      string `toml:"name"`
	Path      string `toml:"path"`
	Version   int    `toml:"version"`
	Threshold *int   `toml:"threshold"`
	Negative  bool   `toml:"negative"`
}

// RuleSpec is one [[rules]] entry; kind-specific parameters sit beside
// the common keys.
type RuleSpec struct {
	ID                string   `toml:"id"`
	Version           string   `toml:"version"`
	Title             string   `toml:"title"`
	Kind              string   `toml:"kind"`
	Severity          string   `toml:"severity"`
	Articles          []string `toml:"articles"`
	Queue             string   `toml:"queue"`
	Priority          int      `toml:"priority"`
	Enabled           *bool    `toml:"enabled"`
	Categories        []string `toml:"categories"`
	ExcludeCategories []string `toml:"exclude_categories"`
	MinHeightRatio    float64  `toml:"min_height_ratio"`
	Fields            []string `toml:"fields"`
	Lists             []string `toml:"lists"`
	Banks             []string `toml:"banks"`
	MaxMatches        int      `toml:"max_matches"`
}

var (
	semver   = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)
	listName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)
	tableHdr = regexp.MustCompile(`^\s*\[\[\s*(rules|keywords|banks)\s*\]\]`)
)

// ParseRules decodes and checks the rules file. name is how errors call
// the file. It rejects bad TOML (with its line), unknown keys (each named
// with its line), missing or malformed values, unknown kinds, severities
// and queues.
func ParseRules(data []byte, name string) (*Spec, error) {
	if len(data) > MaxRulesFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the limit of %d", name, len(data), MaxRulesFileBytes)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s line %d: not valid UTF-8", name, badUTF8Line(data))
	}
	var raw rawSpec
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line := pe.Position.Line
			if strings.Contains(pe.Message, `got '\n'`) && line > 1 {
				line-- // the parser has already stepped over the line end
			}
			return nil, fmt.Errorf("%s line %d: %s", name, line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	s := Spec{RuleSet: raw.RuleSet, Sampling: raw.Sampling, Routing: raw.Routing, lines: tableLines(data)}
	if len(raw.Rules) > MaxRules {
		return nil, fmt.Errorf("%s: %d rules, more than %d", name, len(raw.Rules), MaxRules)
	}
	if len(raw.Keywords)+len(raw.Banks) > MaxLists {
		return nil, fmt.Errorf("%s: %d lists, more than %d", name, len(raw.Keywords)+len(raw.Banks), MaxLists)
	}
	if s.Keywords, err = decodeEach[ListSpec](&md, raw.Keywords, &s, name, "keywords"); err != nil {
		return nil, err
	}
	if s.Banks, err = decodeEach[BankSpec](&md, raw.Banks, &s, name, "banks"); err != nil {
		return nil, err
	}
	if s.Rules, err = decodeEach[RuleSpec](&md, raw.Rules, &s, name, "rules"); err != nil {
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		var msgs []string
		for _, k := range und {
			msgs = append(msgs, fmt.Sprintf("%q (line %d)", k.String(), keyLine(data, k)))
		}
		return nil, fmt.Errorf("%s: unknown key(s) %s; see docs/rules.md", name, strings.Join(msgs, ", "))
	}
	if err := s.check(name); err != nil {
		return nil, err
	}
	return &s, nil
}

func decodeEach[T any](md *toml.MetaData, prims []toml.Primitive, s *Spec, name, table string) ([]T, error) {
	out := make([]T, len(prims))
	for i, p := range prims {
		if err := md.PrimitiveDecode(p, &out[i]); err != nil {
			msg := err.Error()
			var pe toml.ParseError
			if errors.As(err, &pe) {
				msg = pe.Message
				if pe.LastKey != "" {
					msg = pe.LastKey + ": " + msg
				}
			}
			return nil, fmt.Errorf("%s: %s", s.where(name, table, i), msg)
		}
	}
	return out, nil
}

func (s *Spec) where(name, table string, i int) string {
	if l, ok := s.lines[table+"."+strconv.Itoa(i)]; ok {
		return fmt.Sprintf("%s line %d ([[%s]] #%d)", name, l, table, i+1)
	}
	return fmt.Sprintf("%s ([[%s]] #%d)", name, table, i+1)
}

func (s *Spec) check(name string) error {
	if v := s.RuleSet.Version; v != "" && !semver.MatchString(v) {
		return fmt.Errorf("%s: [ruleset] version %q is not a semantic version like 1.2.0", name, clip(v))
	}
	if len(s.RuleSet.Name) > 200 || len(s.RuleSet.Description) > 4000 {
		return fmt.Errorf("%s: [ruleset] name or description too long", name)
	}
	if len(s.Rules) == 0 {
		return fmt.Errorf("%s: no [[rules]]", name)
	}
	if len(s.Rules) > MaxRules {
		return fmt.Errorf("%s: %d rules, more than %d", name, len(s.Rules), MaxRules)
	}
	if len(s.Keywords)+len(s.Banks) > MaxLists {
		return fmt.Errorf("%s: %d lists, more than %d", name, len(s.Keywords)+len(s.Banks), MaxLists)
	}
	if s.Sampling.Rate == nil {
		return fmt.Errorf("%s: [sampling] rate is required (e.g. rate = 0.10), so the audit can state it", name)
	}
	if r := *s.Sampling.Rate; !(r >= 0 && r <= 1) {
		return fmt.Errorf("%s: [sampling] rate %v must be between 0 and 1", name, r)
	}
	if s.Sampling.Seed == "" || len(s.Sampling.Seed) > 200 {
		return fmt.Errorf("%s: [sampling] seed is required (1–200 bytes)", name)
	}
	seen := map[string]bool{}
	for i, l := range s.Keywords {
		if err := checkList(l.Name, l.Path, seen); err != nil {
			return fmt.Errorf("%s: %w", s.where(name, "keywords", i), err)
		}
	}
	for i, b := range s.Banks {
		where := s.where(name, "banks", i)
		if err := checkList(b.Name, b.Path, seen); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if b.Version < 1 {
			return fmt.Errorf("%s: bank %s needs version ≥ 1", where, b.Name)
		}
		if b.Threshold == nil || *b.Threshold < 0 || *b.Threshold > rules.MaxThreshold {
			return fmt.Errorf("%s: bank %s needs a threshold between 0 and %d (PDQ matches typically use 31)", where, b.Name, rules.MaxThreshold)
		}
	}
	for i, r := range s.Rules {
		where := s.where(name, "rules", i)
		switch {
		case r.ID == "":
			return fmt.Errorf("%s: id is required", where)
		case r.Kind == "":
			return fmt.Errorf("%s: rule %s: kind is required", where, r.ID)
		case !slices.Contains(rules.Kinds, rules.Kind(r.Kind)):
			return fmt.Errorf("%s: rule %s: unknown kind %q", where, r.ID, clip(r.Kind))
		case r.Severity == "":
			return fmt.Errorf("%s: rule %s: severity is required (info, warning, error, critical)", where, r.ID)
		case rules.SeverityRank(r.Severity) < 0:
			return fmt.Errorf("%s: rule %s: severity %q is not info, warning, error or critical", where, r.ID, clip(r.Severity))
		case r.Queue != "" && r.Queue != review.QueueLive && r.Queue != review.QueueEscalation:
			return fmt.Errorf("%s: rule %s: queue %q is not live or escalation", where, r.ID, clip(r.Queue))
		case len(r.Articles) == 0:
			return fmt.Errorf("%s: rule %s: articles is required: cite the provision it enforces (requirements.md)", where, r.ID)
		}
	}
	return nil
}

func checkList(name, p string, seen map[string]bool) error {
	switch {
	case !listName.MatchString(name):
		return fmt.Errorf("name %q must be 1–64 of a–z, 0–9, '_', '.', '-'", clip(name))
	case seen[name]:
		return fmt.Errorf("name %s used twice", name)
	case p == "" || !filepath.IsLocal(filepath.FromSlash(p)) || strings.Contains(p, "\\"):
		return fmt.Errorf("list %s: path %q must be relative to the rules file and stay inside its folder", name, clip(p))
	}
	seen[name] = true
	return nil
}

// tableLines maps "rules.N" to the line of the N-th [[rules]] header (and
// the same for keywords and banks).
func tableLines(data []byte) map[string]int {
	out := map[string]int{}
	count := map[string]int{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if m := tableHdr.FindSubmatch(line); m != nil {
			t := string(m[1])
			out[t+"."+strconv.Itoa(count[t])] = i + 1
			count[t]++
		}
	}
	return out
}

// keyLine finds the first line that sets k's last part (or opens it as a
// table); 0 if none is found.
func keyLine(data []byte, k toml.Key) int {
	last := k[len(k)-1]
	for i, line := range bytes.Split(data, []byte("\n")) {
		t := strings.TrimSpace(string(line))
		t = strings.TrimLeft(t, "[")
		t = strings.Trim(t, `"'`)
		if strings.HasPrefix(t, last) {
			rest := strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(t, last), `"`), " \t")
			if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "]") || strings.HasPrefix(rest, ".") {
				return i + 1
			}
		}
	}
	return 0
}

func badUTF8Line(data []byte) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			return i + 1
		}
	}
	return 0
}

func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	n := 64
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// lines calls fn for each line of a list (BOM and CR stripped, comments and
// blank lines skipped), with its 1-based number. It enforces UTF-8 and the
// line length.
func lines(data []byte, name string, fn func(n int, line string) error) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), MaxLineBytes+2)
	n := 0
	for sc.Scan() {
		n++
		b := bytes.TrimSuffix(sc.Bytes(), []byte("\r"))
		if !utf8.Valid(b) {
			return fmt.Errorf("%s line %d: not valid UTF-8 (lists must be UTF-8)", name, n)
		}
		line := string(b)
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimLeft(line, " \t"), "#") {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s line %d: longer than %d bytes", name, n+1, MaxLineBytes)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// ParseKeywordList reads a keyword list: one `term<TAB>category` a line,
// `#` comments, UTF-8 only. list is the list's name in the rules file (it
// goes into each Term), name how errors call the file.
func ParseKeywordList(data []byte, list, name string) ([]rules.Term, error) {
	var out []rules.Term
	err := lines(data, name, func(n int, line string) error {
		term, cat, ok := strings.Cut(line, "\t")
		term, cat = strings.TrimSpace(term), strings.TrimSpace(cat)
		switch {
		case !ok || cat == "":
			return fmt.Errorf("%s line %d: want term<TAB>category, got %q", name, n, clip(line))
		case strings.Contains(cat, "\t"):
			return fmt.Errorf("%s line %d: more than two tab-separated fields", name, n)
		case len(out) >= rules.MaxTerms:
			return fmt.Errorf("%s line %d: more than %d terms", name, n, rules.MaxTerms)
		}
		out = append(out, rules.Term{Text: term, Category: cat, List: list, Line: n})
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Check each term as the automaton will, so the error names this file.
	for _, t := range out {
		if err := rules.CheckTerm(t); err != nil {
			return nil, fmt.Errorf("%s line %d: %v", name, t.Line, trimWhere(err))
		}
	}
	return out, nil
}

// trimWhere drops the "keyword list X line N: " prefix NewKeywords adds.
func trimWhere(err error) string {
	s := err.Error()
	if _, rest, ok := strings.Cut(s, ": "); ok && strings.HasPrefix(s, "keyword") {
		return rest
	}
	return s
}

// ParseBankList reads a feature-bank list: one entry a line,
// `hex-PDQ<TAB>id<TAB>category<TAB>source[<TAB>version]`, `#` comments.
func ParseBankList(data []byte, name string) ([]rules.BankEntry, error) {
	var out []rules.BankEntry
	ids := map[string]int{}
	err := lines(data, name, func(n int, line string) error {
		f := strings.Split(line, "\t")
		if len(f) < 4 || len(f) > 5 {
			return fmt.Errorf("%s line %d: want hash<TAB>id<TAB>category<TAB>source[<TAB>version], got %d fields", name, n, len(f))
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		h, err := rules.ParseHash(strings.ToLower(f[0]))
		if err != nil {
			return fmt.Errorf("%s line %d: %v", name, n, err)
		}
		if f[1] == "" || f[2] == "" {
			return fmt.Errorf("%s line %d: id and category are required", name, n)
		}
		if prev, dup := ids[f[1]]; dup {
			return fmt.Errorf("%s line %d: id %s already on line %d", name, n, clip(f[1]), prev)
		}
		if len(out) >= rules.MaxBankEntries {
			return fmt.Errorf("%s line %d: more than %d entries", name, n, rules.MaxBankEntries)
		}
		e := rules.BankEntry{ID: f[1], Hash: h, Category: f[2], Source: f[3]}
		if len(f) == 5 {
			v, err := strconv.Atoi(f[4])
			if err != nil || v < 1 {
				return fmt.Errorf("%s line %d: version %q is not a positive integer", name, n, clip(f[4]))
			}
			e.Version = v
		}
		ids[f[1]] = n
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Load reads the rules file at path and the lists it names (relative to
// its folder), and returns the validated rule set.
func Load(p string) (*rules.RuleSet, error) {
	dir, base := filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	return loadFS(os.DirFS(dir), base, func(n string) string { return filepath.Join(dir, filepath.FromSlash(n)) })
}

// LoadFS is Load on a file system: name is the rules file in fsys, list
// paths are relative to its folder.
func LoadFS(fsys fs.FS, name string) (*rules.RuleSet, error) {
	return loadFS(fsys, name, func(n string) string { return n })
}

// loadFS loads; disp turns a name in fsys into the name errors show.
func loadFS(fsys fs.FS, name string, disp func(string) string) (*rules.RuleSet, error) {
	data, err := readBounded(fsys, name, disp(name), MaxRulesFileBytes)
	if err != nil {
		return nil, err
	}
	spec, err := ParseRules(data, disp(name))
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "synthreview.rules/v1\n%s %d\n", name, len(data))
	h.Write(data)
	dir := path.Dir(name)
	var terms []rules.Term
	for _, l := range spec.Keywords {
		lp := path.Join(dir, l.Path)
		b, err := readBounded(fsys, lp, disp(lp), MaxListFileBytes)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(h, "\nkeywords %s %s %d\n", l.Name, l.Path, len(b))
		h.Write(b)
		ts, err := ParseKeywordList(b, l.Name, disp(lp))
		if err != nil {
			return nil, err
		}
		if len(terms)+len(ts) > rules.MaxTerms {
			return nil, fmt.Errorf("%s: keyword lists hold more than %d terms in all", disp(name), rules.MaxTerms)
		}
		terms = append(terms, ts...)
	}
	var banks []*rules.Bank
	for _, bs := range spec.Banks {
		bp := path.Join(dir, bs.Path)
		b, err := readBounded(fsys, bp, disp(bp), MaxListFileBytes)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(h, "\nbank %s %s %d\n", bs.Name, bs.Path, len(b))
		h.Write(b)
		entries, err := ParseBankList(b, disp(bp))
		if err != nil {
			return nil, err
		}
		bank, err := rules.NewBank(bs.Name, bs.Version, *bs.Threshold, bs.Negative, entries)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", disp(bp), err)
		}
		banks = append(banks, bank)
	}
	var kw *rules.Keywords
	if len(terms) > 0 {
		if kw, err = rules.NewKeywords(terms); err != nil {
			return nil, err
		}
	}
	sum := hex.EncodeToString(h.Sum(nil))
	rs := &rules.RuleSet{
		Name:    spec.RuleSet.Name,
		Version: "sha256:" + sum,
		Sampling: rules.Sampling{Rate: *spec.Sampling.Rate, Seed: spec.Sampling.Seed,
			Queue: spec.Sampling.Queue, Priority: spec.Sampling.Priority},
		Routing:  rules.Routing{MinSeverity: spec.Routing.MinSeverity},
		Keywords: kw,
		Banks:    banks,
	}
	if spec.RuleSet.Version != "" {
		rs.Version = spec.RuleSet.Version + "+sha256:" + sum
	}
	for _, r := range spec.Rules {
		rs.Rules = append(rs.Rules, r.rule())
	}
	if err := rs.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", disp(name), err)
	}
	return rs, nil
}

func (r RuleSpec) rule() rules.Rule {
	out := rules.Rule{ID: r.ID, Version: r.Version, Title: r.Title, Kind: rules.Kind(r.Kind),
		Severity: r.Severity, Articles: r.Articles, Queue: r.Queue, Priority: r.Priority, Enabled: true,
		Params: rules.Params{MinHeightRatio: r.MinHeightRatio, Fields: r.Fields, Lists: r.Lists,
			Banks: r.Banks, MaxMatches: r.MaxMatches}}
	if out.Version == "" {
		out.Version = "1"
	}
	if out.Queue == "" {
		out.Queue = review.QueueLive
	}
	if r.Enabled != nil {
		out.Enabled = *r.Enabled
	}
	for _, c := range r.Categories {
		out.Params.Categories = append(out.Params.Categories, review.Category(c))
	}
	for _, c := range r.ExcludeCategories {
		out.Params.ExcludeCategories = append(out.Params.ExcludeCategories, review.Category(c))
	}
	return out
}

// readBounded reads at most limit bytes of a file, failing if it is
// longer, and refuses anything but a regular file.
func readBounded(fsys fs.FS, name, shown string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", shown)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("open %s: %w", shown, err)
	}
	defer f.Close()
	name = shown
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: more than the limit of %d bytes", name, limit)
	}
	return b, nil
}

// FormatBankList writes entries in the feature-bank list format that
// ParseBankList reads (with each entry's version), for the store to save a
// newly published bank version. It fails on a field ParseBankList would
// refuse, so what it writes always reads back.
func FormatBankList(bankName string, version int, entries []rules.BankEntry) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# feature bank %s, version %d: hex-PDQ<TAB>id<TAB>category<TAB>source<TAB>version\n", bankName, version)
	for _, e := range entries {
		for _, f := range []string{e.ID, e.Category, e.Source} {
			if strings.ContainsAny(f, "\t\r\n") || !utf8.ValidString(f) || strings.TrimSpace(f) != f {
				return nil, fmt.Errorf("bank %s entry %q: a field has a tab, line break, outer space or invalid UTF-8", bankName, clip(e.ID))
			}
		}
		if e.ID == "" || e.Category == "" || strings.HasPrefix(e.ID, "#") {
			return nil, fmt.Errorf("bank %s: entry %q needs an id (not starting with #) and a category", bankName, clip(e.ID))
		}
		v := e.Version
		if v < 1 {
			v = version
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%d\n", e.Hash, e.ID, e.Category, e.Source, v)
	}
	return b.Bytes(), nil
}
