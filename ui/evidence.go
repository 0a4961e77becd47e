package ui

import (
	"cmp"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
	"synthreview/ui/widgets"
)

// This file is the evidence panel of the review workstation (issue 8): what
// the item's marks, rule hits, provenance and history say, in plain words
// and the regulation's terms. It only shows: the caller holds the media,
// the decision bar and the feature-bank image.

// Bounds on what one item's evidence may put on screen, so a hostile or
// corrupt record cannot make the panel unusable.
const (
	evContextRunes    = 80   // prompt shown on each side of a keyword match
	evMatchRunes      = 200  // the matched text itself
	evShortRunes      = 160  // one value in a row
	evPromptRunes     = 500  // the prompt in provenance (the screen shows it whole)
	evNoteRunes       = 1000 // a reviewer's note
	evMaxLabels       = 16   // implicit and visible labels shown
	evMaxFindings     = 100
	evMaxHits         = 100
	evMaxMatches      = 20 // keyword matches shown per hit
	evMaxBankMatches  = 10 // bank entries shown per hit
	evMaxListed       = 50 // consents, copies, decisions
	evMaxEvents       = 200
	evMaxEvidenceJSON = 1 << 20
	evMinHeightRatio  = 0.05 // GB 45438 §5.2: visible text ≥ 5 % of the shorter side
)

// evidencePanel shows one item's evidence in four collapsible sections:
// marks, rule hits, provenance and history. Build it with
// newEvidencePanel, put content() in the review screen, call show for each
// item and clear between items.
type evidencePanel struct {
	win fyne.Window

	accordion  *widget.Accordion
	marks      *fyne.Container
	rules      *fyne.Container
	provenance *fyne.Container
	history    *fyne.Container
	empty      *widget.Label // shown when no item is loaded
	scroll     *container.Scroll

	// shown is the evidence on screen, nil when the panel is clear.
	shown *review.Evidence
	// bankMatch is what the nearest feature-library match of the item shown
	// says, or nil when no feature-bank hit matched: the caller shows the
	// bank entry's image beside the media when it has one.
	bankMatch *bankMatch
}

// bankMatch is one feature-library match as a feature-bank rule hit
// records it (review/rules checkBanks).
type bankMatch struct {
	Bank        string
	BankVersion int
	EntryID     string
	Category    string // a reason code such as risk-a1a, or the provider's label
	Source      string
	EntryHash   string // the entry's PDQ hash, 64 hex digits
	Distance    int    // Hamming distance, 0–256
	Threshold   int    // the bank's threshold, -1 when the evidence does not record it
	Suppressed  bool   // a negative bank covers it: a known false positive
}

func newEvidencePanel(win fyne.Window) *evidencePanel {
	p := &evidencePanel{win: win}
	p.marks, p.rules = container.NewVBox(), container.NewVBox()
	p.provenance, p.history = container.NewVBox(), container.NewVBox()
	// Rule hits first: they are why the item is in the queue.
	p.accordion = widget.NewAccordion(
		widget.NewAccordionItem(lang.L("evidence.section.rules"), p.rules),
		widget.NewAccordionItem(lang.L("evidence.section.marks"), p.marks),
		widget.NewAccordionItem(lang.L("evidence.section.provenance"), p.provenance),
		widget.NewAccordionItem(lang.L("evidence.section.history"), p.history),
	)
	p.accordion.MultiOpen = true
	p.accordion.OpenAll()
	p.empty = widget.NewLabel(lang.L("evidence.empty"))
	p.empty.Importance = widget.LowImportance
	p.scroll = container.NewVScroll(container.NewVBox(p.empty, p.accordion))
	p.clear()
	return p
}

// content returns the panel: the four sections in a vertical scroll.
func (p *evidencePanel) content() fyne.CanvasObject {
	return p.scroll
}

// clear empties the panel (no item loaded).
func (p *evidencePanel) clear() {
	p.shown, p.bankMatch = nil, nil
	for _, c := range []*fyne.Container{p.marks, p.rules, p.provenance, p.history} {
		c.RemoveAll()
	}
	p.accordion.Hide()
	p.empty.Show()
	p.scroll.ScrollToTop()
}

// show fills the panel with ev; now decides whether consents are valid
// now.
func (p *evidencePanel) show(ev review.Evidence, now time.Time) {
	p.bankMatch = nil
	scan, scanErr := decodeScan(ev.Scan)
	hits := decodeHits(ev.RuleHits)
	set := func(c *fyne.Container, objs []fyne.CanvasObject) {
		c.Objects = objs
		c.Refresh()
	}
	set(p.marks, marksSection(ev, scan, scanErr))
	set(p.rules, rulesSection(ev, hits))
	set(p.provenance, provenanceSection(ev, now))
	set(p.history, historySection(ev))
	p.bankMatch = nearestBankMatch(hits)
	p.shown = &ev

	items := p.accordion.Items
	items[0].Title = lang.L("evidence.section.rules.count", map[string]any{"N": len(ev.RuleHits)})
	items[3].Title = lang.L("evidence.section.history.count", map[string]any{"N": len(ev.Decisions) + len(ev.Events)})
	p.empty.Hide()
	p.accordion.Show()
	p.relayout()
	p.scroll.ScrollToTop()
}

// relayout lays the panel out twice: a wrapped label measures its height
// at its current width, which new labels get only from the first pass, so
// without a second one every row would be as tall as its words stacked.
func (p *evidencePanel) relayout() {
	for range 2 {
		p.scroll.Content.Refresh()
		p.scroll.Refresh()
	}
}

// harmful reports whether the item's media should be blurred until the
// reviewer reveals it. It is true when
//   - any rule hit has severity critical (in review/rules' built-in set:
//     a feature-library match, and a face or voice edited without a valid
//     separate consent), or
//   - any hit is of a GB/T 45654 Appendix A content risk: its rule id, or the
//     category of a keyword it matched or of a bank entry it matched, is a
//     reason code of the risk-a* family (risk-a1a … risk-a5b), or
//   - a decision that still stands cites such a reason.
//
// A bank match that a negative bank suppressed (a known false positive,
// severity info) does not count.
func harmful(ev review.Evidence) bool {
	for _, d := range ev.Decisions {
		if d.UndoneAt.IsZero() && slices.ContainsFunc(d.Reasons, isRiskCode) {
			return true
		}
	}
	for _, h := range ev.RuleHits {
		if h.Severity == "critical" || isRiskCode(h.RuleID) {
			return true
		}
		if len(h.Evidence) > evMaxEvidenceJSON {
			continue
		}
		var e evMap
		if json.Unmarshal([]byte(h.Evidence), &e) != nil {
			continue
		}
		if slices.ContainsFunc(riskCategories(e), isRiskCode) {
			return true
		}
	}
	return false
}

func isRiskCode(s string) bool { return strings.HasPrefix(s, "risk-a") }

// riskCategories lists the categories a hit's evidence names: a keyword
// hit's categories and match categories, and a bank hit's entry
// categories unless a negative bank suppressed it.
func riskCategories(e evMap) []string {
	var out []string
	for _, c := range e.list("categories") {
		if s, ok := c.(string); ok {
			out = append(out, s)
		}
	}
	suppressed := e.str("problem") == "suppressed-by-negative-bank"
	for _, m := range e.maps("matches") {
		if c := m.str("category"); c != "" {
			out = append(out, c)
		}
		if !suppressed {
			out = append(out, m.obj("entry").str("category"))
		}
	}
	return out
}

// ---- Marks ----

// gbFields are the seven fields of a GB 45438 implicit label (Annex E),
// in the standard's order, with their captions.
var gbFields = []string{"Label", "ContentProducer", "ProduceID", "ReservedCode1",
	"ContentPropagator", "PropagateID", "ReservedCode2"}

func marksSection(ev review.Evidence, scan scanReport, scanErr error) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	haveScan := strings.TrimSpace(ev.Scan) != "" && scanErr == nil
	state, verdict := scan.LabelState, scan.Verdict
	if state == "" {
		state = ev.Item.LabelState
	}
	if verdict == "" {
		verdict = ev.Item.Verdict
	}
	var f evForm
	f.text(lang.L("evidence.marks.label_state"), wordLabelState(state))
	f.text(lang.L("evidence.marks.verdict"), evWord("verdict.", verdict))
	switch {
	case strings.TrimSpace(ev.Scan) == "":
		f.add(lang.L("evidence.marks.scan"), evNote(lang.L("evidence.marks.no_scan")))
	case scanErr != nil:
		f.add(lang.L("evidence.marks.scan"), evWarn(lang.L("evidence.marks.scan_unreadable")))
	case scan.Error != "":
		f.add(lang.L("evidence.marks.scan"), evWarn(lang.L("evidence.marks.scan_error",
			map[string]any{"Error": evShort(scan.Error)})))
	}
	out = append(out, f.box())
	out = append(out, implicitBlocks(scan, haveScan)...)
	out = append(out, c2paBlock(scan, haveScan), otherMarksBlock(scan, haveScan))
	return append(out, findingsBlock(scan, haveScan))
}

func implicitBlocks(scan scanReport, haveScan bool) []fyne.CanvasObject {
	if !haveScan {
		return nil
	}
	if len(scan.Implicit) == 0 {
		return []fyne.CanvasObject{evHeading(lang.L("evidence.implicit.heading")),
			evNote(lang.L("evidence.implicit.none"))}
	}
	var out []fyne.CanvasObject
	for i, l := range scan.Implicit {
		if i == evMaxLabels {
			out = append(out, evNote(lang.L("evidence.more", map[string]any{"N": len(scan.Implicit) - i})))
			break
		}
		out = append(out, evHeading(lang.L("evidence.implicit.title", map[string]any{"N": i + 1})))
		var f evForm
		f.text(lang.L("evidence.implicit.carrier"), evWord("evidence.carrier.", l.Carrier))
		f.text(lang.L("evidence.implicit.location"), evShort(l.Location))
		if l.Namespace != "" {
			f.text(lang.L("evidence.implicit.namespace"), evShort(l.Namespace))
		}
		if l.Valid != nil {
			f.add(lang.L("evidence.implicit.valid"), evFact(l.Valid))
		}
		for _, name := range gbFields {
			v, ok := l.Fields[name]
			switch {
			case !ok:
				f.add(gbFieldCaption(name), evWarn(lang.L("evidence.implicit.field_missing")))
			case name == "Label":
				f.text(gbFieldCaption(name), wordLabelValue(v))
			case v == "":
				f.add(gbFieldCaption(name), evNote(lang.L("evidence.implicit.field_empty")))
			default:
				f.text(gbFieldCaption(name), evShort(v))
			}
		}
		if len(l.NonString) > 0 {
			f.add(lang.L("evidence.implicit.non_string"), evWarn(evShort(strings.Join(l.NonString, ", "))))
		}
		out = append(out, f.box())
	}
	return out
}

func gbFieldCaption(name string) string {
	return lang.L("evidence.field." + name)
}

// wordLabelValue words a Label value: "1" confirmed, "2" possibly, "3"
// suspected AI-generated.
func wordLabelValue(v string) string {
	states := map[string]string{"1": "confirmed", "2": "possible", "3": "suspected"}
	if s, ok := states[v]; ok {
		return lang.L("evidence.implicit.label_value", map[string]any{"Value": v, "Meaning": lang.L("labelstate." + s)})
	}
	return lang.L("evidence.implicit.label_value_invalid", map[string]any{"Value": evShort(v)})
}

func wordLabelState(s string) string {
	if s == "" {
		return "—"
	}
	if w := evLookup("labelstate." + s); w != "" {
		return w
	}
	return evWord("evidence.labelstate.", s)
}

func c2paBlock(scan scanReport, haveScan bool) fyne.CanvasObject {
	c := scan.C2PA
	var present *bool
	if haveScan {
		b := c != nil && c.Present
		present = &b
	}
	if c == nil {
		c = &scanC2PA{}
	}
	var f evForm
	f.add(lang.L("evidence.c2pa.present"), evFact(present))
	f.add(lang.L("evidence.c2pa.signature"), evFact(c.SignatureValid))
	f.add(lang.L("evidence.c2pa.binding"), evFact(c.BindingValid))
	f.add(lang.L("evidence.c2pa.trusted"), evFact(c.SignerTrusted))
	f.opt(lang.L("evidence.c2pa.generator"), c.ClaimGenerator)
	f.opt(lang.L("evidence.c2pa.actions"), strings.Join(c.Actions, ", "))
	if c.DigitalSourceType != "" {
		f.text(lang.L("evidence.c2pa.source_type"), wordSourceType(c.DigitalSourceType))
	}
	f.opt(lang.L("evidence.c2pa.signer"), c.Signer)
	f.opt(lang.L("evidence.c2pa.location"), c.Location)
	f.opt(lang.L("evidence.c2pa.remote"), c.RemoteReference)
	return container.NewVBox(evHeading(lang.L("evidence.c2pa.heading")),
		evNote(lang.L("evidence.c2pa.note")), f.box())
}

// iptcSourceTypes are the IPTC digital source types that say how the
// content was made by AI (cv.iptc.org/newscodes/digitalsourcetype).
var iptcSourceTypes = []string{"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia",
	"algorithmicMedia", "compositeSynthetic", "digitalCapture"}

func wordSourceType(uri string) string {
	i := strings.LastIndexByte(uri, '/')
	if name := uri[i+1:]; slices.Contains(iptcSourceTypes, name) {
		return lang.L("evidence.sourcetype."+name) + " (" + evShort(name) + ")"
	}
	return evShort(uri)
}

func otherMarksBlock(scan scanReport, haveScan bool) fyne.CanvasObject {
	var f evForm
	if scan.IPTC != "" {
		f.text(lang.L("evidence.iptc"), wordSourceType(scan.IPTC))
	} else if haveScan {
		f.add(lang.L("evidence.iptc"), evNote(lang.L("evidence.iptc.none")))
	}
	switch {
	case !haveScan:
	case len(scan.Explicit) == 0:
		f.add(lang.L("evidence.explicit"), evNote(lang.L("evidence.explicit.none")))
	default:
		for i, l := range scan.Explicit {
			if i == evMaxLabels {
				f.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(scan.Explicit) - i})))
				break
			}
			f.add(lang.L("evidence.explicit"), explicitValue(l))
		}
	}
	f.add(lang.L("evidence.watermark"), watermarkValue(scan.Watermark, haveScan))
	if scan.Watermark.Payload != "" {
		f.text(lang.L("evidence.watermark.payload"), evShort(scan.Watermark.Payload))
	}
	if c := scan.Watermark.Confidence; c != nil && scan.Watermark.Status == wmDetected {
		f.text(lang.L("evidence.watermark.confidence"), evPercent(*c))
	}
	return container.NewVBox(evHeading(lang.L("evidence.othermarks.heading")), f.box())
}

func explicitValue(l scanExplicit) fyne.CanvasObject {
	text := evShort(l.Text)
	if text == "" {
		text = "—"
	}
	var size *widget.Label
	if l.HeightRatio <= 0 {
		size = evNote(lang.L("evidence.explicit.not_measured"))
	} else {
		size = evValue(lang.L("evidence.explicit.height", map[string]any{
			"Ratio": evPercent(l.HeightRatio), "Min": evPercent(evMinHeightRatio)}))
		if l.HeightRatio < evMinHeightRatio {
			size.Importance = widget.DangerImportance
		}
	}
	return container.NewVBox(evValue(text), size)
}

func watermarkValue(w scanWatermark, haveScan bool) fyne.CanvasObject {
	switch {
	case !haveScan || w.Status == wmNotChecked:
		return evNote(lang.L("evidence.watermark.not_checked"))
	case w.Status == wmDetected:
		l := evValue(lang.L("evidence.watermark.detected"))
		l.Importance = widget.SuccessImportance
		return l
	}
	return evValue(lang.L("evidence.watermark.not_detected"))
}

func findingsBlock(scan scanReport, haveScan bool) fyne.CanvasObject {
	box := container.NewVBox(evHeading(lang.L("evidence.findings.heading")))
	if !haveScan {
		return box
	}
	if len(scan.Findings) == 0 {
		box.Add(evNote(lang.L("evidence.findings.none")))
		return box
	}
	fs := slices.Clone(scan.Findings)
	slices.SortStableFunc(fs, func(a, b scanFinding) int {
		return cmp.Compare(review.SeverityRank(b.Severity), review.SeverityRank(a.Severity))
	})
	var f evForm
	for i, x := range fs {
		if i == evMaxFindings {
			f.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(fs) - i})))
			break
		}
		text := evLookup("finding." + x.Code)
		if text == "" { // the codes docs/scan-json.md adds
			text = evLookup("evidence.finding." + x.Code)
		}
		if text == "" {
			text = evShort(x.Message)
		}
		if text == "" {
			text = evShort(x.Code)
		}
		v := container.NewVBox(evValue(text))
		if a := findingArticle(x.Code); a != "" {
			v.Add(evNote(a))
		}
		f.addCaption(severityLabel(x.Severity), v)
	}
	box.Add(f.box())
	return box
}

// findingArticle names the provision a scan finding rests on. The table is
// small on purpose: implicit labels LM Art. 5 and GB 45438 §6 (the
// implicit-label clause; review.Reasons and review/rules cite the same),
// visible labels LM Art. 4 and DSP Art. 17, watermarks LM Art. 5 (2), a
// watermark without a label LM Art. 10 and DSP Art. 18 (stripping), C2PA
// and IPTC no Chinese provision (international); file faults none.
func findingArticle(code string) string {
	switch {
	case code == "watermark-without-label":
		return lang.L("evidence.article.stripped")
	case strings.HasPrefix(code, "implicit-") || code == "producer-code-format":
		return lang.L("evidence.article.implicit")
	case strings.HasPrefix(code, "explicit-"):
		return lang.L("evidence.article.explicit")
	case strings.HasPrefix(code, "watermark"):
		return lang.L("evidence.article.watermark")
	case strings.HasPrefix(code, "c2pa") || strings.HasPrefix(code, "iptc"):
		return lang.L("evidence.article.international")
	}
	return ""
}

// ---- Rule hits ----

// evHit is a rule hit with its evidence decoded (nil when it is not a JSON
// object).
type evHit struct {
	review.RuleHit
	ev evMap
}

func decodeHits(hs []review.RuleHit) []evHit {
	out := make([]evHit, 0, len(hs))
	for _, h := range hs {
		x := evHit{RuleHit: h}
		if len(h.Evidence) <= evMaxEvidenceJSON && json.Unmarshal([]byte(h.Evidence), &x.ev) != nil {
			x.ev = nil
		}
		out = append(out, x)
	}
	// most severe first; the rule order within a severity
	slices.SortStableFunc(out, func(a, b evHit) int {
		return cmp.Compare(review.SeverityRank(b.Severity), review.SeverityRank(a.Severity))
	})
	return out
}

func rulesSection(ev review.Evidence, hits []evHit) []fyne.CanvasObject {
	if len(hits) == 0 {
		return []fyne.CanvasObject{evNote(lang.L("evidence.rules.none"))}
	}
	var out []fyne.CanvasObject
	for i, h := range hits {
		if i == evMaxHits {
			out = append(out, evNote(lang.L("evidence.more", map[string]any{"N": len(hits) - i})))
			break
		}
		if i > 0 {
			out = append(out, widget.NewSeparator())
		}
		out = append(out, hitBlock(ev, h))
	}
	return out
}

func hitBlock(ev review.Evidence, h evHit) fyne.CanvasObject {
	kind := h.ev.str("kind")
	title := evLookup("evidence.kind." + kind)
	if title == "" {
		title = evShort(h.RuleID)
	}
	var head evForm
	head.addCaption(severityLabel(h.Severity), evHeading(title))
	var f evForm
	f.text(lang.L("evidence.rule.id"), lang.L("evidence.rule.id_version",
		map[string]any{"ID": evShort(h.RuleID), "Version": evShort(h.RuleVersion)}))
	if h.ev == nil {
		f.add(lang.L("evidence.rule.problem"), evWarn(lang.L("evidence.rule.unreadable")))
		f.text(lang.L("evidence.rule.raw"), evShort(h.Evidence))
		return container.NewVBox(head.box(), f.box())
	}
	if p := h.ev.str("problem"); p != "" {
		f.text(lang.L("evidence.rule.problem"), evWord("evidence.problem.", p))
	}
	if arts := articleList(h.ev.list("articles")); arts != "" {
		f.add(lang.L("evidence.rule.articles"), evNote(arts))
	}
	switch kind {
	case "keyword":
		keywordRows(&f, ev.Item.Prompt, h.ev)
	case "feature-bank":
		bankRows(&f, h.ev)
	case "biometric-consent":
		consentHitRows(&f, h.ev)
	default:
		otherHitRows(&f, kind, h.ev)
	}
	return container.NewVBox(head.box(), f.box())
}

func keywordRows(f *evForm, prompt string, e evMap) {
	n := e.int("match_count", 0)
	count := lang.L("evidence.keyword.count", map[string]any{"N": n})
	if e.bool("count_truncated") {
		count += " " + lang.L("evidence.keyword.truncated")
	}
	f.text(lang.L("evidence.keyword.matches"), count)
	var cats []string
	for _, c := range e.list("categories") {
		if s, ok := c.(string); ok {
			cats = append(cats, wordCategoryCode(s))
		}
	}
	if len(cats) > 0 {
		f.text(lang.L("evidence.keyword.categories"), strings.Join(cats, "; "))
	}
	ms := e.maps("matches")
	for i, m := range ms {
		if i == evMaxMatches {
			f.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(ms) - i})))
			break
		}
		caption := lang.L("evidence.keyword.in_prompt")
		if m.str("field") == "output" {
			caption = lang.L("evidence.keyword.in_output")
		}
		where := lang.L("evidence.keyword.term", map[string]any{
			"Term": evClip(m.str("term"), 64), "Category": wordCategoryCode(m.str("category")),
			"List": evClip(m.str("list"), 64)})
		f.add(caption, container.NewVBox(keywordContext(prompt, m), evNote(where)))
	}
}

// keywordContext shows a keyword match in its context: up to
// evContextRunes of the prompt on each side, the match bold in the error
// colour. A match in the text output, or one whose offsets do not fit the
// stored prompt (erased, or a corrupt record), shows the matched text the
// evidence quotes.
func keywordContext(prompt string, m evMap) fyne.CanvasObject {
	quoted := m.str("text")
	start, end, ok := -1, -1, false
	if m.str("field") != "output" {
		start, end, ok = matchSpan(prompt, m, quoted)
	}
	var segs []widget.RichTextSegment
	inline := widget.RichTextStyleInline
	hl := widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameError, TextStyle: fyne.TextStyle{Bold: true}}
	if !ok {
		segs = append(segs, &widget.TextSegment{Text: evInline(quoted, evMatchRunes), Style: hl})
		if m.str("field") != "output" {
			segs = append(segs, &widget.TextSegment{Text: "  " + lang.L("evidence.keyword.no_context"), Style: inline})
		}
	} else {
		before, after := lastRunes(prompt[:start], evContextRunes), firstRunes(prompt[end:], evContextRunes)
		if len(before) < start {
			before = "…" + before
		}
		if len(after) < len(prompt)-end {
			after += "…"
		}
		segs = append(segs,
			&widget.TextSegment{Text: evInline(before, evContextRunes+1), Style: inline},
			&widget.TextSegment{Text: evInline(prompt[start:end], evMatchRunes), Style: hl},
			&widget.TextSegment{Text: evInline(after, evContextRunes+1), Style: inline})
	}
	rt := widget.NewRichText(segs...)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// matchSpan finds a match in the prompt: its byte offsets when they fit
// (in range, on rune boundaries, and holding the quoted text), else its
// rune offsets, else the first place the quoted text occurs.
func matchSpan(prompt string, m evMap, quoted string) (int, int, bool) {
	fits := func(s, e int) bool {
		if s < 0 || e <= s || e > len(prompt) || !utf8.RuneStart(prompt[s]) ||
			(e < len(prompt) && !utf8.RuneStart(prompt[e])) {
			return false
		}
		// the evidence clips its quote at 256 bytes with "…"
		q := strings.TrimSuffix(quoted, "…")
		return quoted == "" || strings.HasPrefix(prompt[s:e], q)
	}
	if s, e := m.int("byte_start", -1), m.int("byte_end", -1); fits(s, e) {
		return s, e, true
	}
	if s, e := runeOffsets(prompt, m.int("rune_start", -1), m.int("rune_end", -1)); fits(s, e) {
		return s, e, true
	}
	if quoted != "" && !strings.HasSuffix(quoted, "…") {
		if i := strings.Index(prompt, quoted); i >= 0 {
			return i, i + len(quoted), true
		}
	}
	return -1, -1, false
}

// runeOffsets turns rune offsets into byte offsets, or -1s.
func runeOffsets(s string, rs, re int) (int, int) {
	if rs < 0 || re <= rs {
		return -1, -1
	}
	bs, n := -1, 0
	for i := range s {
		if n == rs {
			bs = i
		}
		if n == re {
			return bs, i
		}
		n++
	}
	if n == re && bs >= 0 {
		return bs, len(s)
	}
	return -1, -1
}

func lastRunes(s string, n int) string {
	i := len(s)
	for k := 0; k < n && i > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}

func firstRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

func bankRows(f *evForm, e evMap) {
	if q := e.str("pdq"); q != "" {
		f.text(lang.L("evidence.bank.hash"), shortHash(evShort(q)))
	}
	ms := e.maps("matches")
	for i, m := range ms {
		if i == evMaxBankMatches {
			f.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(ms) - i})))
			break
		}
		bm := toBankMatch(m, e)
		rows := []fyne.CanvasObject{
			evHeading(lang.L("evidence.bank.entry_id", map[string]any{"ID": evClip(bm.EntryID, 128),
				"Bank": evClip(bm.Bank, 64), "Version": bm.BankVersion})),
			evValue(lang.L("evidence.bank.category", map[string]any{"Category": wordCategoryCode(bm.Category),
				"Source": evClip(bm.Source, 128)})),
			evValue(distanceText(bm)),
		}
		if i < 3 && e.str("pdq") != "" && bm.EntryHash != "" {
			// The item's hash beside the entry's, differing bits marked.
			rows = append(rows, widgets.NewHashDiff(e.str("pdq"), bm.EntryHash,
				lang.L("evidence.bank.diff.item"), lang.L("evidence.bank.diff.entry")))
		}
		f.add(lang.L("evidence.bank.entry"), container.NewVBox(rows...))
	}
	if s := e.obj("suppressed_by"); s != nil {
		f.add(lang.L("evidence.bank.suppressed"), evNote(lang.L("evidence.bank.suppressed_by", map[string]any{
			"ID": evClip(s.obj("entry").str("id"), 128), "Bank": evClip(s.str("bank"), 64)})))
	}
}

func toBankMatch(m, hit evMap) bankMatch {
	entry := m.obj("entry")
	th := m.int("threshold", hit.int("threshold", -1))
	return bankMatch{Bank: m.str("bank"), BankVersion: m.int("bank_version", 0), EntryID: entry.str("id"),
		Category: entry.str("category"), Source: entry.str("source"), EntryHash: m.str("entry_hash"),
		Distance: m.int("distance", -1), Threshold: th,
		Suppressed: hit.str("problem") == "suppressed-by-negative-bank"}
}

func distanceText(bm bankMatch) string {
	if bm.Threshold < 0 {
		return lang.L("evidence.bank.distance", map[string]any{"D": bm.Distance})
	}
	return lang.L("evidence.bank.distance_threshold", map[string]any{"D": bm.Distance, "T": bm.Threshold})
}

// nearestBankMatch is the closest entry of the feature-bank hits, preferring
// matches no negative bank suppressed; nil without a bank hit.
func nearestBankMatch(hits []evHit) *bankMatch {
	var best *bankMatch
	for _, h := range hits {
		if h.ev.str("kind") != "feature-bank" {
			continue
		}
		for _, m := range h.ev.maps("matches") {
			bm := toBankMatch(m, h.ev)
			if bm.EntryID == "" || bm.Distance < 0 {
				continue
			}
			better := best == nil || (best.Suppressed && !bm.Suppressed) ||
				(best.Suppressed == bm.Suppressed && bm.Distance < best.Distance)
			if better {
				bm.Bank, bm.EntryID, bm.Category = evClip(bm.Bank, 64), evClip(bm.EntryID, 128), evClip(bm.Category, 64)
				bm.Source, bm.EntryHash = evClip(bm.Source, 128), evClip(bm.EntryHash, 64)
				best = &bm
			}
		}
	}
	return best
}

func consentHitRows(f *evForm, e evMap) {
	if s := e.str("scope_needed"); s != "" {
		f.text(lang.L("evidence.consent.scope_needed"), evWord("evidence.scope.", s))
	}
	if e.str("problem") == "none-cited" {
		f.add(lang.L("evidence.consent.record"), evWarn(lang.L("evidence.consent.none_cited")))
	}
	cs := e.maps("consents")
	for i, c := range cs {
		if i == evMaxListed {
			f.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(cs) - i})))
			break
		}
		st := c.str("state")
		state := evValue(evWord("evidence.consent.state.", st))
		if st != "valid" {
			state.Importance = widget.DangerImportance
		}
		v := container.NewVBox(state)
		if sc := c.str("scope"); sc != "" {
			v.Add(evNote(lang.L("evidence.consent.details", map[string]any{"Scope": evWord("evidence.scope.", sc),
				"Granted": evStamp(c.str("granted_at")), "Expires": evStampOr(c.str("expires_at"), lang.L("evidence.consent.no_expiry")),
				"Withdrawn": evStampOr(c.str("withdrawn_at"), lang.L("evidence.consent.not_withdrawn"))})))
		}
		f.add(lang.L("evidence.consent.id", map[string]any{"ID": evClip(c.str("consent_id"), 128)}), v)
	}
}

func otherHitRows(f *evForm, kind string, e evMap) {
	switch kind {
	case "implicit-label":
		var words []string
		for _, c := range e.list("findings") {
			if s, ok := c.(string); ok {
				words = append(words, evWord("finding.", s))
			}
		}
		if len(words) > 0 {
			f.text(lang.L("evidence.rule.findings"), strings.Join(words, " "))
		}
	case "explicit-label":
		if r, ok := e.num("largest_height_ratio"); ok {
			minR, _ := e.num("min_height_ratio")
			f.text(lang.L("evidence.rule.height"), lang.L("evidence.explicit.height",
				map[string]any{"Ratio": evPercent(r), "Min": evPercent(minR)}))
		}
	case "produce-id-mismatch":
		var ids []string
		for _, c := range e.list("label_produce_ids") {
			if s, ok := c.(string); ok {
				ids = append(ids, evClip(s, 128))
			}
		}
		f.text(lang.L("evidence.rule.label_ids"), strings.Join(ids, ", "))
	case "watermark-without-label":
		f.text(lang.L("evidence.watermark.payload"), evShort(e.str("watermark_payload")))
	case "unlabelled-copy":
		if r := e.str("recipient_log"); r != "" {
			f.text(lang.L("evidence.rule.recipient_log"), evShort(r))
		}
		if u := e.str("retain_log_until"); u != "" {
			f.text(lang.L("evidence.rule.retain_until"), evStamp(u))
		}
	}
}

// articleList words the provisions a hit cites, in the regulation's terms.
func articleList(as []any) string {
	var out []string
	for _, a := range as {
		if s, ok := a.(string); ok && s != "" {
			out = append(out, wordArticle(s))
		}
		if len(out) == 16 {
			break
		}
	}
	return strings.Join(out, " · ")
}

var articleForm = regexp.MustCompile(`^(DSP|LM|PIPL|GAIM) ([0-9]{1,3}(?: ?\([0-9]{1,2}\))?)$`)

// wordArticle turns requirements.md's short names ("DSP 14", "LM 5 (2)",
// "GB 45438 §5.2", "GB 45438 Annex E", "GB/T 45654 Appendix A") into the
// reader's language; anything else is shown as written.
func wordArticle(s string) string {
	if m := articleForm.FindStringSubmatch(s); m != nil {
		return lang.L("evidence.law."+strings.ToLower(m[1]), map[string]any{"N": m[2]})
	}
	for _, std := range []struct{ prefix, key string }{
		{"GB 45438 ", "evidence.law.gb45438"}, {"GB/T 45654 ", "evidence.law.gbt45654"},
	} {
		rest, ok := strings.CutPrefix(s, std.prefix)
		if !ok || len(rest) > 16 {
			continue
		}
		switch {
		case strings.HasPrefix(rest, "§"):
			return lang.L(std.key+".clause", map[string]any{"N": evShort(strings.TrimPrefix(rest, "§"))})
		case strings.HasPrefix(rest, "Annex "), strings.HasPrefix(rest, "Appendix "):
			_, n, _ := strings.Cut(rest, " ")
			return lang.L(std.key+".annex", map[string]any{"N": evShort(n)})
		default:
			return lang.L(std.key+".clause", map[string]any{"N": evShort(rest)})
		}
	}
	return evShort(s)
}

// wordCategoryCode words a keyword or bank category: a reason code
// (risk-a1a …) by its reason wording, anything else as written.
func wordCategoryCode(c string) string {
	if c == "" {
		return "—"
	}
	if w := evLookup("reason." + c); w != "" {
		return w
	}
	return evClip(c, 64)
}

// ---- Provenance ----

func provenanceSection(ev review.Evidence, now time.Time) []fyne.CanvasObject {
	it := ev.Item
	var f evForm
	f.text(lang.L("evidence.prov.produce_id"), evShort(it.ProduceID))
	f.text(lang.L("evidence.prov.service"), evShortOr(it.Service))
	f.text(lang.L("evidence.prov.category"), evWord("category.", string(it.Category)))
	f.text(lang.L("evidence.prov.model"), evShortOr(it.Model))
	f.text(lang.L("evidence.prov.filing"), evShortOr(it.Filing))
	f.add(lang.L("evidence.prov.registry"), registryValue(it, ev.Service))
	if !it.CreatedAt.IsZero() {
		f.text(lang.L("evidence.prov.created"), evTime(it.CreatedAt))
	}
	if !it.ReceivedAt.IsZero() {
		f.text(lang.L("evidence.prov.received"), evTime(it.ReceivedAt))
	}
	f.text(lang.L("evidence.prov.user"), evShortOr(it.UserID))
	f.add(lang.L("evidence.prov.realname"), realNameValue(ev.RealName))
	if it.Prompt != "" {
		f.text(lang.L("evidence.prov.prompt"), evInline(it.Prompt, evPromptRunes))
	}
	out := []fyne.CanvasObject{f.box()}
	out = append(out, consentBlock(ev, now), copiesBlock(ev.Copies))
	if b := complaintsBlock(ev, now); b != nil { // ui/complaints.go
		out = append(out, b)
	}
	return out
}

func registryValue(it review.Item, s *review.Service) fyne.CanvasObject {
	if s == nil {
		return evWarn(lang.L("evidence.prov.not_registered"))
	}
	box := container.NewVBox(evValue(lang.L("evidence.prov.registered", map[string]any{
		"Name": evClip(s.Name, 128), "Category": evWord("category.", string(s.Category)),
		"Filing": evClip(s.Filing, 128), "Model": evClip(s.Model, 128)})))
	if it.Filing != "" && s.Filing != it.Filing {
		box.Add(evWarn(lang.L("evidence.prov.filing_differs")))
	}
	if it.Category != "" && s.Category != it.Category {
		box.Add(evWarn(lang.L("evidence.prov.category_differs")))
	}
	return box
}

// realNameValue shows a real-name record: method, result, time and the
// masked identifier, masked again here if a record ever held it plain.
func realNameValue(r *review.RealName) fyne.CanvasObject {
	if r == nil {
		return evWarn(lang.L("evidence.realname.none"))
	}
	res := evValue(evWord("evidence.realname.result.", r.Result))
	if r.Result != "verified" {
		res.Importance = widget.DangerImportance
	} else {
		res.Importance = widget.SuccessImportance
	}
	masked := evClip(r.MaskedID, 64)
	if masked != "" && !strings.Contains(masked, "*") {
		masked = review.Mask(masked, 2)
	}
	if masked == "" {
		masked = "—"
	}
	return container.NewVBox(res, evNote(lang.L("evidence.realname.details", map[string]any{
		"Method": evWord("realname.method.", r.Method), "Time": evTime(r.VerifiedAt), "ID": masked})))
}

func consentBlock(ev review.Evidence, now time.Time) fyne.CanvasObject {
	box := container.NewVBox(evHeading(lang.L("evidence.consents.heading")))
	bio := ev.Item.Category.Biometric()
	if len(ev.Consents) == 0 {
		if bio {
			box.Add(evWarn(lang.L("evidence.consents.none_biometric")))
		} else {
			box.Add(evNote(lang.L("evidence.consents.none")))
		}
		return box
	}
	var f evForm
	for i, c := range ev.Consents {
		if i == evMaxListed {
			f.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(ev.Consents) - i})))
			break
		}
		caption := lang.L("evidence.consent.id", map[string]any{"ID": evClip(c.ID, 128)})
		if c.Record == nil {
			if bio {
				f.add(caption, evWarn(lang.L("evidence.consents.missing_biometric")))
			} else {
				f.add(caption, evNote(lang.L("evidence.consents.missing")))
			}
			continue
		}
		f.add(caption, consentValue(*c.Record, now))
	}
	box.Add(f.box())
	return box
}

func consentValue(r review.Consent, now time.Time) fyne.CanvasObject {
	valid := r.ValidAt(now)
	v := evValue(lang.L("evidence.consents.valid_now"))
	v.Importance = widget.SuccessImportance
	if !valid {
		v = evWarn(lang.L("evidence.consents.invalid_now"))
	}
	expires := lang.L("evidence.consent.no_expiry")
	if !r.ExpiresAt.IsZero() {
		expires = evTime(r.ExpiresAt)
	}
	withdrawn := lang.L("evidence.consent.not_withdrawn")
	if !r.WithdrawnAt.IsZero() {
		withdrawn = evTime(r.WithdrawnAt)
	}
	return container.NewVBox(v, evNote(lang.L("evidence.consent.details", map[string]any{
		"Scope": evWord("evidence.scope.", r.Scope), "Granted": evTime(r.GrantedAt),
		"Expires": expires, "Withdrawn": withdrawn})))
}

func copiesBlock(cs []review.LabelledCopy) fyne.CanvasObject {
	box := container.NewVBox(evHeading(lang.L("evidence.copies.heading")))
	if len(cs) == 0 {
		box.Add(evNote(lang.L("evidence.copies.none")))
		return box
	}
	var f evForm
	for i, c := range cs {
		if i == evMaxListed {
			f.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(cs) - i})))
			break
		}
		var marks []string
		for _, m := range c.Marks {
			marks = append(marks, evWord("evidence.mark.", m))
		}
		if len(marks) == 0 {
			marks = []string{"—"}
		}
		f.add(shortHash(evClip(c.SHA256, 64)), evValue(lang.L("evidence.copies.row", map[string]any{
			"Marks": strings.Join(marks, ", "), "Time": evTime(c.At)})))
	}
	box.Add(f.box())
	return box
}

// ---- History ----

func historySection(ev review.Evidence) []fyne.CanvasObject {
	box := []fyne.CanvasObject{evHeading(lang.L("evidence.decisions.heading"))}
	ds := slices.Clone(ev.Decisions)
	slices.SortStableFunc(ds, func(a, b review.Decision) int { return b.At.Compare(a.At) })
	if len(ds) == 0 {
		box = append(box, evNote(lang.L("evidence.decisions.none")))
	}
	for i, d := range ds {
		if i == evMaxListed {
			box = append(box, evNote(lang.L("evidence.more", map[string]any{"N": len(ds) - i})))
			break
		}
		box = append(box, decisionBlock(d))
	}
	box = append(box, evHeading(lang.L("evidence.events.heading")))
	if len(ev.Events) == 0 {
		return append(box, evNote(lang.L("evidence.events.none")))
	}
	es := slices.Clone(ev.Events)
	slices.SortStableFunc(es, func(a, b review.Event) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return cmp.Compare(b.Seq, a.Seq)
	})
	var f evForm
	for i, e := range es {
		if i == evMaxEvents {
			f.add("", evNote(lang.L("evidence.more", map[string]any{"N": len(es) - i})))
			break
		}
		f.text(evTime(e.At), lang.L("evidence.events.row", map[string]any{
			"Kind": evWord("evidence.event.", e.Kind), "Actor": wordActor(e.Actor)}))
	}
	return append(box, f.box())
}

func decisionBlock(d review.Decision) fyne.CanvasObject {
	title := lang.L("evidence.decision.title", map[string]any{"Time": evTime(d.At),
		"Actor": wordActor(d.Actor), "Outcome": evWord("outcome.", string(d.Outcome))})
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	var f evForm
	if !d.UndoneAt.IsZero() {
		head.TextStyle = fyne.TextStyle{Italic: true}
		head.Importance = widget.LowImportance
		f.add(lang.L("evidence.decision.undone"), evWarn(lang.L("evidence.decision.undone_at",
			map[string]any{"Time": evTime(d.UndoneAt)})))
	}
	if len(d.Reasons) > 0 {
		var rs []string
		for _, r := range d.Reasons {
			rs = append(rs, evWord("reason.", r))
		}
		f.text(lang.L("evidence.decision.reasons"), strings.Join(rs, "; "))
	}
	if d.Sanction != review.SanctionNone {
		f.text(lang.L("evidence.decision.sanction"), evWord("sanction.", string(d.Sanction)))
	}
	if n := evInline(d.Note, evNoteRunes); n != "" {
		f.text(lang.L("evidence.decision.note"), n)
	}
	return container.NewVBox(head, f.box())
}

func wordActor(a string) string {
	if a == "system" {
		return lang.L("evidence.actor.system")
	}
	return evClip(a, 64)
}

// ---- helpers ----

// evForm collects caption–value rows for a form layout.
type evForm struct{ objs []fyne.CanvasObject }

func (f *evForm) add(caption string, v fyne.CanvasObject) {
	f.addCaption(widget.NewLabel(caption), v)
}

func (f *evForm) addCaption(c, v fyne.CanvasObject) { f.objs = append(f.objs, c, v) }

// text adds a row whose value is already clean text.
func (f *evForm) text(caption, value string) { f.add(caption, evValue(value)) }

// opt adds a row for an outside value only when it is set.
func (f *evForm) opt(caption, value string) {
	if v := evShort(value); v != "" {
		f.text(caption, v)
	}
}

func (f *evForm) box() fyne.CanvasObject {
	return container.New(layout.NewFormLayout(), f.objs...)
}

func evHeading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// evValue is a value: wrapped, selectable so it can be copied.
func evValue(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	return l
}

// evWarn is a value that tells the reviewer something is wrong.
func evWarn(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	return l
}

// evNote is a secondary remark: an absence, an article, details.
func evNote(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// evFact shows a check that may not have been made: yes, no or not
// checked, never one mark for all three.
func evFact(b *bool) *widget.Label {
	switch {
	case b == nil:
		return evNote(lang.L("evidence.fact.not_checked"))
	case *b:
		l := evValue(lang.L("evidence.fact.yes"))
		l.Importance = widget.SuccessImportance
		return l
	}
	return evWarn(lang.L("evidence.fact.no"))
}

func severityLabel(s string) *widget.Label {
	l := widget.NewLabelWithStyle(evWord("evidence.severity.", s), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	switch s {
	case "critical", "error":
		l.Importance = widget.DangerImportance
	case "warning":
		l.Importance = widget.WarningImportance
	default:
		l.Importance = widget.LowImportance
	}
	return l
}

// evCode is what a code taken from outside must look like before it is
// made part of a translation key.
var evCode = regexp.MustCompile(`^[A-Za-z0-9_.+:-]{1,64}$`)

// evKey is what a translation key built from a code must look like: the
// lookup's fallback is the key itself, parsed as a template, so a code
// from outside holding "{{" must never reach it.
var evKey = regexp.MustCompile(`^[A-Za-z0-9_.+:-]{1,160}$`)

// evLookup returns the translation of key, or "" when there is none.
func evLookup(key string) string {
	if !evKey.MatchString(key) {
		return ""
	}
	if s := lang.L(key); s != key {
		return s
	}
	return ""
}

// evWord words a code from outside by prefix+code, or shows the code
// itself, cleaned, when it has no wording (a newer or unknown code).
func evWord(prefix, code string) string {
	if code == "" {
		return "—"
	}
	if evCode.MatchString(code) {
		if w := evLookup(prefix + code); w != "" {
			return w
		}
	}
	return evClip(code, 64)
}

// evClip cleans s and keeps at most n runes.
func evClip(s string, n int) string {
	s, cut := evPrecut(s, n)
	s = cleanText(s)
	if utf8.RuneCountInString(s) > n {
		return string([]rune(s)[:n]) + "…"
	}
	if cut {
		s += "…"
	}
	return s
}

// evPrecut drops what cannot be shown of a long s before it is cleaned, so
// a megabyte of prompt costs no more than its first few kilobytes. It
// keeps 4n bytes (n runes of any width) and a margin, cut at a rune start.
func evPrecut(s string, n int) (string, bool) {
	keep := 4*n + 64
	if len(s) <= keep {
		return s, false
	}
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	return s[:keep], true
}

func evShort(s string) string { return evClip(s, evShortRunes) }

func evShortOr(s string) string {
	if s = evShort(s); s == "" {
		return "—"
	}
	return s
}

// evInline is evClip for text inside a line: line breaks and tabs become
// spaces instead of vanishing.
func evInline(s string, n int) string {
	s, cut := evPrecut(s, n)
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
	if s = evClip(s, n); cut && !strings.HasSuffix(s, "…") {
		s += "…"
	}
	return s
}

func evTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// evStamp shows a time from rule evidence (RFC 3339), or the text as it is.
func evStamp(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return evClip(s, 64)
	}
	return evTime(t)
}

func evStampOr(s, none string) string {
	if s == "" {
		return none
	}
	return evStamp(s)
}

func evPercent(r float64) string {
	return strconv.FormatFloat(r*100, 'f', 1, 64) + "%"
}

// evMap is a decoded JSON object, read with getters that never panic.
type evMap map[string]any

func (m evMap) str(k string) string {
	s, _ := m[k].(string)
	return s
}

func (m evMap) num(k string) (float64, bool) {
	f, ok := m[k].(float64)
	return f, ok
}

func (m evMap) int(k string, def int) int {
	f, ok := m.num(k)
	if !ok || f < -1<<31 || f > 1<<31 {
		return def
	}
	return int(f)
}

func (m evMap) bool(k string) bool {
	b, _ := m[k].(bool)
	return b
}

func (m evMap) list(k string) []any {
	l, _ := m[k].([]any)
	return l
}

func (m evMap) obj(k string) evMap {
	o, _ := m[k].(map[string]any)
	return o
}

func (m evMap) maps(k string) []evMap {
	var out []evMap
	for _, x := range m.list(k) {
		if o, ok := x.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}
