package rules

import (
	"encoding/json"
	"errors"
	"slices"
	"time"

	"synthreview/review"
)

// Input is what intake knows about one generated output when it runs the
// rules: the generation record (sidecar), the scan report (marking), and
// what the registries say. Fields left zero mean "not known"; each rule
// documents how it reads them.
type Input struct {
	ProduceID   string          // from the sidecar
	Category    review.Category // service.category of the sidecar
	Service     string
	Model       string
	UserID      string    // pseudonymous platform user id
	GeneratedAt time.Time // sidecar created_at
	Now         time.Time // when the rules run; consent must be valid now too

	// From the scan report (marking.Report).
	Verdict         string   // conforming, nonconforming, unlabelled; "" if not scanned
	LabelState      string   // confirmed, possible, suspected, none
	FindingCodes    []string // findings[].code of the scan
	ScanError       string   // report.error: the file could not be read
	LabelProduceIDs []string // ProduceID of each implicit label found
	Watermark       Watermark
	Explicit        ExplicitCheck

	// From the registries.
	Consents   []ConsentRef     // each consent_id the sidecar's inputs cite
	RealName   *review.RealName // nil: no record for UserID
	Assessment AssessmentRef

	UnlabelledCopyIssued bool   // sidecar unlabelled_copy_issued (LM 9)
	RecipientLogID       string // the recipient log entry recorded for it, if any

	Prompt     string // the prompt (may hold personal data: evidence quotes only the matched span)
	TextOutput string // the output, when it is text
	PDQ        []Hash // PDQ hashes of the output (image, or video frames)
}

// Watermark is the scan's watermark result: Detected nil means not checked
// or undecodable ("unknown" is not "absent").
type Watermark struct {
	Detected   *bool
	Payload    string
	Confidence float64
}

// ExplicitCheck is the scan's visible-label result. Checked false means
// the scanner could not look (audio, or a format it does not render).
type ExplicitCheck struct {
	Checked bool
	Labels  []ExplicitLabel
}

// ExplicitLabel is one visible label found: its text and text height over
// the shorter side (0 when not measured, e.g. a text prefix).
type ExplicitLabel struct {
	Text        string
	HeightRatio float64
}

// ConsentRef is one consent a generation cites and the registry's record of
// it (nil: no such record).
type ConsentRef struct {
	ID     string
	Record *review.Consent
}

// AssessmentRef is the security assessment (DSP Art. 15) the sidecar cites
// and the services registry's record for the service and model.
type AssessmentRef struct {
	CitedID string      // service.assessment_id of the sidecar
	Record  *Assessment // nil: none on record for this service and model
}

// Assessment is a security assessment on record for a service or model.
type Assessment struct {
	ID         string
	Scope      string // what it covers (the model, templates, features)
	AssessedAt time.Time
	ExpiresAt  time.Time // zero: no expiry
	Passed     bool
}

// Evaluate runs every enabled rule on in and returns their hits, in rule
// order. Each hit's Evidence is a JSON object a reviewer can read: the rule,
// its articles, the problem code and the facts that fired it.
func (rs *RuleSet) Evaluate(in Input) []review.RuleHit {
	var hits []review.RuleHit
	for _, r := range rs.Rules {
		if !r.Enabled || !r.applies(in.Category) {
			continue
		}
		for _, ev := range rs.check(r, in) {
			sev := r.Severity
			if s, ok := ev["severity"].(string); ok {
				sev = s // a rule may lower its severity (e.g. "not checked")
			}
			ev["rule"] = r.ID
			ev["kind"] = string(r.Kind)
			ev["articles"] = r.Articles
			ev["produce_id"] = in.ProduceID
			ev["severity"] = sev
			b, err := json.Marshal(ev)
			if err != nil {
				b = []byte(`{"error":"evidence not encodable"}`)
			}
			hits = append(hits, review.RuleHit{RuleID: r.ID, RuleVersion: r.Version + "@" + rs.ShortHash(),
				Severity: sev, Evidence: string(b)})
		}
	}
	return hits
}

type evidence = map[string]any

// MaxPDQ is how many PDQ hashes of one output the feature-bank rule
// queries (about 200 µs each against a million entries).
const MaxPDQ = 256

func (r Rule) applies(c review.Category) bool {
	if slices.Contains(r.Params.ExcludeCategories, c) {
		return false
	}
	switch r.Kind {
	case KindExplicitLabel:
		return c.NeedsExplicitLabel() || slices.Contains(r.Params.Categories, c)
	case KindBiometricConsent:
		if len(r.Params.Categories) > 0 {
			return slices.Contains(r.Params.Categories, c)
		}
		return c.Biometric()
	}
	return len(r.Params.Categories) == 0 || slices.Contains(r.Params.Categories, c)
}

func (rs *RuleSet) check(r Rule, in Input) []evidence {
	switch r.Kind {
	case KindImplicitLabel:
		return one(checkImplicit(in))
	case KindExplicitLabel:
		return one(checkExplicit(r, in))
	case KindBiometricConsent:
		return one(checkConsent(in))
	case KindRealName:
		return one(checkRealName(in))
	case KindSecurityAssessment:
		return one(checkAssessment(in))
	case KindProduceIDMismatch:
		return one(checkProduceID(in))
	case KindWatermarkNoLabel:
		return one(checkWatermark(in))
	case KindUnlabelledCopy:
		return one(checkUnlabelledCopy(in))
	case KindKeyword:
		return one(rs.checkKeywords(r, in))
	case KindFeatureBank:
		return rs.checkBanks(r, in)
	}
	return nil
}

func one(e evidence) []evidence {
	if e == nil {
		return nil
	}
	return []evidence{e}
}

// checkImplicit: DSP 16 and LM 5 require the implicit label; LM 11 and
// GB 45438 Annex E its form. A producer writes Label "1" (requirements §3.1).
func checkImplicit(in Input) evidence {
	e := evidence{"verdict": in.Verdict, "label_state": in.LabelState}
	var bad []string
	for _, c := range in.FindingCodes {
		switch c {
		case "implicit-invalid-json", "implicit-missing-field", "implicit-label-value",
			"implicit-conflicting", "implicit-nonconforming-namespace", "producer-code-format":
			bad = append(bad, c)
		}
	}
	switch {
	case in.ScanError != "":
		e["problem"], e["scan_error"] = "unreadable", in.ScanError
	case in.Verdict == "unlabelled":
		e["problem"] = "missing"
	case slices.Contains(bad, "implicit-conflicting"):
		e["problem"], e["findings"] = "conflicting", bad
	case in.Verdict == "nonconforming" || len(bad) > 0:
		e["problem"], e["findings"] = "nonconforming", bad
	case in.Verdict == "conforming" && in.LabelState != "confirmed":
		// A provider's own output is AI-generated: "2"/"3" are a platform's.
		e["problem"], e["expected_label_state"] = "label-value", "confirmed"
	case in.Verdict == "":
		e["problem"], e["severity"] = "not-scanned", "info"
	default:
		return nil
	}
	return e
}

// checkExplicit: DSP 17 and LM 4 require a visible label for the listed
// categories; GB 45438 §5.2/§5.4 want text height ≥ 5 % of the shorter side.
func checkExplicit(r Rule, in Input) evidence {
	minRatio := r.Params.MinHeightRatio
	if minRatio == 0 {
		minRatio = 0.05
	}
	e := evidence{"category": string(in.Category), "min_height_ratio": minRatio}
	if !in.Explicit.Checked {
		e["problem"], e["severity"] = "not-checked", "info"
		return e
	}
	if len(in.Explicit.Labels) == 0 {
		e["problem"] = "missing"
		return e
	}
	best := -1.0
	var labels []evidence
	for _, l := range in.Explicit.Labels {
		if l.HeightRatio == 0 || l.HeightRatio >= minRatio {
			return nil // a label that is not measured (text) or large enough
		}
		best = max(best, l.HeightRatio)
		labels = append(labels, evidence{"text": clip(l.Text, 200), "height_ratio": l.HeightRatio})
	}
	e["problem"], e["largest_height_ratio"], e["labels"] = "too-small", best, labels
	return e
}

// checkConsent: DSP 14 and PIPL 29 require the edited person's separate
// consent. It must have covered the generation and still stand now, so a
// withdrawal re-opens the items that relied on it.
func checkConsent(in Input) evidence {
	need := "face"
	if in.Category == "voice_clone" || in.Category == "speech_synthesis" {
		need = "voice"
	}
	e := evidence{"category": string(in.Category), "scope_needed": need,
		"generated_at": stamp(in.GeneratedAt), "checked_at": stamp(in.Now)}
	if len(in.Consents) == 0 {
		e["problem"] = "none-cited"
		return e
	}
	var list []evidence
	ok := false
	for _, c := range in.Consents {
		st := consentState(c, need, in.GeneratedAt, in.Now)
		ce := evidence{"consent_id": c.ID, "state": st}
		if c.Record != nil {
			ce["scope"] = c.Record.Scope
			ce["granted_at"] = stamp(c.Record.GrantedAt)
			ce["notice_version"] = c.Record.NoticeVersion
			ce["evidence_sha256"] = c.Record.EvidenceSHA256
			if !c.Record.ExpiresAt.IsZero() {
				ce["expires_at"] = stamp(c.Record.ExpiresAt)
			}
			if !c.Record.WithdrawnAt.IsZero() {
				ce["withdrawn_at"] = stamp(c.Record.WithdrawnAt)
			}
		}
		list = append(list, ce)
		ok = ok || st == "valid"
	}
	if ok {
		return nil
	}
	e["problem"], e["consents"] = "no-valid-consent", list
	return e
}

func consentState(c ConsentRef, need string, gen, now time.Time) string {
	rec := c.Record
	switch {
	case rec == nil:
		return "not-found"
	case rec.Scope != need && rec.Scope != "face+voice":
		return "scope-mismatch"
	case !rec.WithdrawnAt.IsZero() && !now.Before(rec.WithdrawnAt):
		return "withdrawn"
	case gen.Before(rec.GrantedAt):
		return "granted-after-generation"
	case !rec.ExpiresAt.IsZero() && !gen.Before(rec.ExpiresAt):
		return "expired-before-generation"
	case !rec.ValidAt(now):
		return "expired"
	}
	return "valid"
}

// checkRealName: DSP 9, no publishing for users who are not verified.
func checkRealName(in Input) evidence {
	e := evidence{"user_id": in.UserID}
	rn := in.RealName
	switch {
	case rn == nil:
		e["problem"] = "no-record"
	case rn.Result != "verified":
		e["problem"], e["result"], e["method"] = "not-verified", rn.Result, rn.Method
	case !in.GeneratedAt.IsZero() && in.GeneratedAt.Before(rn.VerifiedAt):
		e["problem"], e["result"], e["method"] = "verified-after-generation", rn.Result, rn.Method
		e["verified_at"], e["generated_at"] = stamp(rn.VerifiedAt), stamp(in.GeneratedAt)
	default:
		return nil
	}
	return e
}

// checkAssessment: DSP 15, a security assessment of the model or template.
func checkAssessment(in Input) evidence {
	e := evidence{"service": in.Service, "model": in.Model, "cited_assessment": in.Assessment.CitedID}
	a := in.Assessment.Record
	switch {
	case a == nil && in.Assessment.CitedID != "":
		e["problem"] = "cited-not-on-record"
	case a == nil:
		e["problem"] = "none-on-record"
	case !a.Passed:
		e["problem"], e["assessment_id"] = "not-passed", a.ID
	case in.Assessment.CitedID != "" && a.ID != in.Assessment.CitedID:
		e["problem"], e["assessment_id"] = "cited-differs", a.ID
	case in.GeneratedAt.Before(a.AssessedAt):
		e["problem"], e["assessment_id"], e["assessed_at"] = "after-generation", a.ID, stamp(a.AssessedAt)
	case !a.ExpiresAt.IsZero() && !in.GeneratedAt.Before(a.ExpiresAt):
		e["problem"], e["assessment_id"], e["expires_at"] = "expired", a.ID, stamp(a.ExpiresAt)
	default:
		return nil
	}
	return e
}

// checkProduceID: DSP 16 records ProduceID ↔ job; a label naming another
// ProduceID is a wrong or transplanted label (LM 10).
func checkProduceID(in Input) evidence {
	var differ []string
	for _, p := range in.LabelProduceIDs {
		if p != in.ProduceID && !slices.Contains(differ, p) {
			differ = append(differ, p)
		}
	}
	if len(differ) == 0 {
		return nil
	}
	return evidence{"problem": "mismatch", "sidecar_produce_id": in.ProduceID, "label_produce_ids": differ}
}

// checkWatermark: a watermark without the metadata label suggests the
// label was stripped (LM 10, DSP 18). Unknown watermark status never fires.
func checkWatermark(in Input) evidence {
	w := in.Watermark
	if w.Detected == nil || !*w.Detected || in.Verdict != "unlabelled" {
		return nil
	}
	return evidence{"problem": "label-stripped", "watermark_payload": w.Payload,
		"watermark_confidence": w.Confidence, "payload_matches_produce_id": w.Payload == in.ProduceID,
		"verdict": in.Verdict}
}

// checkUnlabelledCopy: LM 9 lets a provider issue an unlabelled copy on
// request, and requires the recipient log to be kept ≥ 6 months.
func checkUnlabelledCopy(in Input) evidence {
	if !in.UnlabelledCopyIssued {
		return nil
	}
	e := evidence{"problem": "issued", "recipient_log": in.RecipientLogID}
	if !in.GeneratedAt.IsZero() {
		e["retain_log_until"] = stamp(in.GeneratedAt.AddDate(0, 0, 180))
	}
	if in.RecipientLogID == "" {
		e["problem"] = "issued-without-recipient-log"
	}
	return e
}

// checkKeywords: DSP 10, review of inputs and outputs against the keyword
// library (GB/T 45654 Appendix A risk categories).
func (rs *RuleSet) checkKeywords(r Rule, in Input) evidence {
	if rs.Keywords == nil {
		return nil
	}
	fields := r.Params.Fields
	if len(fields) == 0 {
		fields = keywordFields
	}
	maxShown := r.Params.MaxMatches
	if maxShown == 0 {
		maxShown = 50
	}
	var shown []evidence
	total := 0
	truncated := false
	cats := []string{}
	for _, f := range fields {
		text := in.Prompt
		if f == "output" {
			text = in.TextOutput
		}
		ms, err := rs.Keywords.Match(text, 10000)
		if errors.Is(err, ErrMatchLimit) {
			truncated = true
		}
		for _, m := range ms {
			if len(r.Params.Lists) > 0 && !slices.Contains(r.Params.Lists, m.List) {
				continue
			}
			total++
			if !slices.Contains(cats, m.Category) {
				cats = append(cats, m.Category)
			}
			if len(shown) < maxShown {
				shown = append(shown, evidence{"field": f, "term": m.Term, "normalized": m.Normalized,
					"category": m.Category, "list": m.List, "list_line": m.Line,
					"byte_start": m.Start, "byte_end": m.End, "rune_start": m.RuneStart, "rune_end": m.RuneEnd,
					"text": clip(m.Text, 256)})
			}
		}
	}
	if total == 0 {
		return nil
	}
	return evidence{"problem": "keyword-match", "matches": shown, "match_count": total,
		"categories": cats, "count_truncated": truncated}
}

// checkBanks: DSP 10, the feature library. One hit per output hash that
// matches; a match the negative bank covers becomes an info hit saying so.
func (rs *RuleSet) checkBanks(r Rule, in Input) []evidence {
	maxShown := r.Params.MaxMatches
	if maxShown == 0 {
		maxShown = 50
	}
	var out []evidence
	hashes := in.PDQ
	if len(hashes) > MaxPDQ {
		hashes = hashes[:MaxPDQ] // a video's keyframes; beyond this the evidence says so
	}
	for hi, h := range hashes {
		var matches []BankMatch
		for _, b := range rs.Banks {
			if b.Negative || (len(r.Params.Banks) > 0 && !slices.Contains(r.Params.Banks, b.Name)) {
				continue
			}
			matches = append(matches, b.Query(h, maxShown)...)
		}
		if len(matches) == 0 {
			continue
		}
		slices.SortStableFunc(matches, func(a, b BankMatch) int { return a.Distance - b.Distance })
		if len(matches) > maxShown {
			matches = matches[:maxShown]
		}
		e := evidence{"problem": "bank-match", "pdq_index": hi, "pdq": h.String(), "matches": matches,
			"nearest_distance": matches[0].Distance, "pdq_count": len(in.PDQ), "pdq_checked": len(hashes)}
		for _, b := range rs.Banks {
			if !b.Negative {
				continue
			}
			if neg := b.Query(h, 1); len(neg) > 0 {
				e["problem"], e["severity"], e["suppressed_by"] = "suppressed-by-negative-bank", "info", neg[0]
				break
			}
		}
		out = append(out, e)
	}
	return out
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
