package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"synthreview/review"
)

// Kind is what a rule checks. Each built-in kind rests on an article of
// requirements.md, cited in DefaultRuleSet.
type Kind string

// The built-in rule kinds.
const (
	KindImplicitLabel      Kind = "implicit-label"          // DSP 16, LM 5, LM 11
	KindExplicitLabel      Kind = "explicit-label"          // DSP 17, LM 4, GB 45438 §5
	KindBiometricConsent   Kind = "biometric-consent"       // DSP 14, PIPL 29
	KindRealName           Kind = "real-name"               // DSP 9
	KindSecurityAssessment Kind = "security-assessment"     // DSP 15
	KindProduceIDMismatch  Kind = "produce-id-mismatch"     // DSP 16, LM 10
	KindWatermarkNoLabel   Kind = "watermark-without-label" // LM 10, DSP 18
	KindUnlabelledCopy     Kind = "unlabelled-copy"         // LM 9
	KindKeyword            Kind = "keyword"                 // DSP 10
	KindFeatureBank        Kind = "feature-bank"            // DSP 10
)

// Kinds lists the built-in kinds.
var Kinds = []Kind{KindImplicitLabel, KindExplicitLabel, KindBiometricConsent, KindRealName,
	KindSecurityAssessment, KindProduceIDMismatch, KindWatermarkNoLabel, KindUnlabelledCopy,
	KindKeyword, KindFeatureBank}

// Severities in increasing order; review.RuleHit.Severity takes these words.
var Severities = []string{"info", "warning", "error", "critical"}

// SeverityRank returns the rank of a severity (info 0 … critical 3), or -1.
func SeverityRank(s string) int { return slices.Index(Severities, s) }

// Rule is one rule of a rule set.
type Rule struct {
	ID       string
	Version  string // the rule author's version; hits cite it with the set's hash
	Title    string
	Kind     Kind
	Severity string   // info, warning, error, critical
	Articles []string // provisions it rests on, in requirements.md's short names
	Queue    string   // review.QueueLive or review.QueueEscalation
	Priority int      // higher is reviewed first (0–1000)
	Enabled  bool
	Params   Params
}

// Params are the kind-specific settings of a rule. Unset fields take the
// defaults documented on each.
type Params struct {
	// Categories restricts the rule to these service categories. Empty:
	// the kind's own scope (explicit-label: Category.NeedsExplicitLabel;
	// biometric-consent: Category.Biometric; the others: every category).
	// For explicit-label, listed categories are added to that scope, so a
	// provider can require visible labels on image_generation too (DSP 17(5)).
	Categories []review.Category
	// ExcludeCategories takes categories out of the rule's scope, e.g.
	// text_dialogue for a provider whose chat interface shows a continuous
	// "AI生成" notice (GB 45438 §5.6) instead of labelling each reply.
	ExcludeCategories []review.Category
	// MinHeightRatio is the explicit-label text height over the shorter
	// side; 0 means the GB 45438 §5.2 value, 0.05.
	MinHeightRatio float64
	// Fields are the texts the keyword rule reads: "prompt", "output".
	// Empty: both.
	Fields []string
	// Lists are the keyword lists the rule uses, by name. Empty: all.
	Lists []string
	// Banks are the positive feature banks the rule queries. Empty: all.
	Banks []string
	// MaxMatches caps the keyword matches or bank matches put in the
	// evidence (the count is always complete). 0: 50.
	MaxMatches int
}

// Sampling is how items with no routing hit still reach a person: a share
// Rate (0–1) of them, chosen by SHA-256 of Seed and the ProduceID, so a
// re-run picks the same items and the audit can state the rate.
type Sampling struct {
	Rate     float64
	Seed     string
	Queue    string // where sampled items go; default live
	Priority int
}

// Routing says which hits send an item to people.
type Routing struct {
	// MinSeverity is the least severity that routes an item to a queue;
	// hits below it are recorded but leave the item to sampling. Default
	// "warning".
	MinSeverity string
}

// RuleSet is a versioned set of rules with the libraries they use. Build one
// with DefaultRuleSet or store/rulefile, then call Validate (rulefile does)
// before Evaluate.
type RuleSet struct {
	Name     string
	Version  string // "semver+sha256:<hex>" or "sha256:<hex>": changes with any content
	Rules    []Rule
	Sampling Sampling
	Routing  Routing
	Keywords *Keywords // all keyword lists in one automaton; Term.List names the list
	Banks    []*Bank   // positive and negative feature banks
}

// Rule returns the rule with the given id.
func (rs *RuleSet) Rule(id string) (Rule, bool) {
	for _, r := range rs.Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// Bank returns the bank with the given name.
func (rs *RuleSet) Bank(name string) (*Bank, bool) {
	for _, b := range rs.Banks {
		if b.Name == name {
			return b, true
		}
	}
	return nil, false
}

// ShortHash is the first 16 hex digits of the content hash in Version, or
// Version itself when it carries none.
func (rs *RuleSet) ShortHash() string {
	_, h, ok := strings.Cut(rs.Version, "sha256:")
	if !ok || len(h) < 16 {
		return rs.Version
	}
	return h[:16]
}

var (
	ruleIDPattern = func(s string) bool {
		if s == "" || len(s) > 64 {
			return false
		}
		for _, c := range s {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				return false
			}
		}
		return true
	}
	keywordFields = []string{"prompt", "output"}
)

// Validate checks the rule set: ids unique and well-formed, known kinds,
// severities and queues, a sampling rate in [0, 1], and lists and banks
// that rules name actually loaded. Errors name the rule.
func (rs *RuleSet) Validate() error {
	if rs.Version == "" {
		return fmt.Errorf("rule set %q has no version", rs.Name)
	}
	seen := map[string]bool{}
	for i, r := range rs.Rules {
		where := fmt.Sprintf("rule %d (%s)", i+1, clip(r.ID, 64))
		if !ruleIDPattern(r.ID) {
			return fmt.Errorf("%s: id must be 1–64 of a–z, 0–9, '-', '_', '.'", where)
		}
		if seen[r.ID] {
			return fmt.Errorf("%s: id used twice", where)
		}
		seen[r.ID] = true
		if err := rs.validateRule(r); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	s := rs.Sampling
	if !(s.Rate >= 0 && s.Rate <= 1) {
		return fmt.Errorf("sampling rate %v: must be between 0 and 1", s.Rate)
	}
	if s.Queue != "" && s.Queue != review.QueueLive && s.Queue != review.QueueEscalation {
		return fmt.Errorf("sampling queue %q: must be live or escalation", s.Queue)
	}
	if rs.Routing.MinSeverity != "" && SeverityRank(rs.Routing.MinSeverity) < 0 {
		return fmt.Errorf("routing min_severity %q: must be one of %s", rs.Routing.MinSeverity, strings.Join(Severities, ", "))
	}
	names := map[string]bool{}
	for _, b := range rs.Banks {
		if names[b.Name] {
			return fmt.Errorf("feature bank %s loaded twice", b.Name)
		}
		names[b.Name] = true
	}
	return nil
}

func (rs *RuleSet) validateRule(r Rule) error {
	if !slices.Contains(Kinds, r.Kind) {
		return fmt.Errorf("unknown kind %q (known: %s)", clip(string(r.Kind), 64), kindList())
	}
	if SeverityRank(r.Severity) < 0 {
		return fmt.Errorf("severity %q: must be one of %s", clip(r.Severity, 64), strings.Join(Severities, ", "))
	}
	if r.Queue != review.QueueLive && r.Queue != review.QueueEscalation {
		return fmt.Errorf("queue %q: must be live or escalation", clip(r.Queue, 64))
	}
	if r.Version == "" || len(r.Version) > 64 {
		return fmt.Errorf("version must be 1–64 bytes")
	}
	if r.Priority < 0 || r.Priority > 1000 {
		return fmt.Errorf("priority %d outside 0–1000", r.Priority)
	}
	p := r.Params
	for _, c := range slices.Concat(p.Categories, p.ExcludeCategories) {
		if !c.Valid() {
			return fmt.Errorf("unknown service category %q", clip(string(c), 64))
		}
	}
	if !(p.MinHeightRatio >= 0 && p.MinHeightRatio < 1) {
		return fmt.Errorf("min_height_ratio %v: must be in [0, 1)", p.MinHeightRatio)
	}
	if p.MaxMatches < 0 || p.MaxMatches > 10000 {
		return fmt.Errorf("max_matches %d outside 0–10000", p.MaxMatches)
	}
	for _, f := range p.Fields {
		if !slices.Contains(keywordFields, f) {
			return fmt.Errorf("field %q: must be prompt or output", clip(f, 64))
		}
	}
	if r.Kind == KindKeyword {
		if rs.Keywords == nil || rs.Keywords.Len() == 0 {
			if r.Enabled {
				return fmt.Errorf("keyword rule but no keyword list is loaded")
			}
		}
		for _, l := range p.Lists {
			if rs.Keywords == nil || !rs.Keywords.hasList(l) {
				return fmt.Errorf("keyword list %q is not loaded", clip(l, 64))
			}
		}
	}
	for _, name := range p.Banks {
		b, ok := rs.Bank(name)
		if !ok {
			return fmt.Errorf("feature bank %q is not loaded", clip(name, 64))
		}
		if b.Negative {
			return fmt.Errorf("feature bank %s is a negative bank: negative banks apply to every bank rule", name)
		}
	}
	return nil
}

func kindList() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func (k *Keywords) hasList(name string) bool { return k.lists[name] }

// DefaultRuleSet returns the built-in rules, all enabled, with a 10 %
// sample of clear items. kw and banks may be nil; the keyword and bank rules
// then find nothing (keyword is disabled when kw is nil, so it validates).
// Its version is the SHA-256 of its rules' JSON.
func DefaultRuleSet(kw *Keywords, banks []*Bank) *RuleSet {
	rule := func(id string, kind Kind, sev string, queue string, prio int, title string, arts ...string) Rule {
		return Rule{ID: id, Version: "1", Title: title, Kind: kind, Severity: sev, Articles: arts,
			Queue: queue, Priority: prio, Enabled: true}
	}
	live, esc := review.QueueLive, review.QueueEscalation
	rs := &RuleSet{
		Name: "built-in",
		Rules: []Rule{
			rule("implicit-label", KindImplicitLabel, "error", live, 60,
				"Implicit (metadata) label missing, nonconforming or conflicting", "DSP 16", "LM 5", "LM 11", "GB 45438 §6"),
			rule("explicit-label", KindExplicitLabel, "error", live, 50,
				"Explicit (visible) label missing or too small", "DSP 17", "LM 4", "GB 45438 §5"),
			rule("biometric-consent", KindBiometricConsent, "critical", esc, 90,
				"Face or voice edited without a separate consent valid now", "DSP 14", "PIPL 29"),
			rule("real-name", KindRealName, "error", live, 40,
				"User not real-name verified", "DSP 9"),
			rule("security-assessment", KindSecurityAssessment, "error", esc, 70,
				"Service or model without a security assessment on record", "DSP 15"),
			rule("produce-id-mismatch", KindProduceIDMismatch, "error", live, 60,
				"Label ProduceID differs from the generation record", "DSP 16", "LM 10"),
			rule("watermark-without-label", KindWatermarkNoLabel, "error", esc, 80,
				"Watermark present but metadata label missing: label stripped?", "LM 10", "DSP 18"),
			rule("unlabelled-copy", KindUnlabelledCopy, "warning", live, 30,
				"Unlabelled copy issued: recipient log kept ≥ 6 months", "LM 9"),
			rule("keyword", KindKeyword, "error", live, 70,
				"Keyword library hit in the prompt or text output", "DSP 10", "GB/T 45654 Appendix A"),
			rule("feature-bank", KindFeatureBank, "critical", esc, 90,
				"Feature library (PDQ) match", "DSP 10"),
		},
		Sampling: Sampling{Rate: 0.10, Seed: "synthreview-default", Queue: live},
		Routing:  Routing{MinSeverity: "warning"},
		Keywords: kw,
		Banks:    banks,
	}
	if kw == nil {
		for i := range rs.Rules {
			if rs.Rules[i].Kind == KindKeyword {
				rs.Rules[i].Enabled = false
			}
		}
	}
	b, err := json.Marshal(struct {
		Rules    []Rule
		Sampling Sampling
		Routing  Routing
	}{rs.Rules, rs.Sampling, rs.Routing})
	if err != nil {
		panic(err) // plain structs: cannot fail
	}
	h := sha256.New()
	h.Write(b)
	if kw != nil {
		for _, t := range kw.terms {
			fmt.Fprintf(h, "%s\t%s\t%s\n", t.List, t.Text, t.Category)
		}
	}
	for _, bk := range banks {
		fmt.Fprintf(h, "bank %s %d %d %v\n", bk.Name, bk.Version, bk.Threshold, bk.Negative)
		for _, e := range bk.entries {
			fmt.Fprintf(h, "%s\t%s\t%s\t%s\t%d\n", e.Hash, e.ID, e.Category, e.Source, e.Version)
		}
	}
	rs.Version = "sha256:" + hex.EncodeToString(h.Sum(nil))
	return rs
}
