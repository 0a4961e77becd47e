package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"synthreview/review"
)

var evNow = time.Date(2025, 11, 28, 9, 30, 0, 0, time.UTC)

const evPrompt = "Please swap the face of the person in photo A onto photo B and add 法轮功 slogans to the background"

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fullEvidence is a face-swap item with everything the panel shows: one
// implicit label with a field missing, C2PA facts of all three kinds,
// findings, a keyword hit, a feature-bank hit, a consent that is not on
// record, events and an undone decision. The rule evidence has the shape
// review/rules' Evaluate writes.
func fullEvidence(t *testing.T) review.Evidence {
	t.Helper()
	hash := strings.Repeat("ab", 32)
	scan := map[string]any{
		"path": "in.png", "format": "png", "sha256": strings.Repeat("0f", 32), "size": 48213,
		"implicit": []any{map[string]any{
			"carrier": "xmp", "location": "png:iTXt:XML:com.adobe.xmp", "form": "inner",
			"namespace": "http://www.tc260.org.cn/ns/AIGC/1.0/", "valid": false,
			"fields": map[string]any{"Label": "1", "ContentProducer": "001191110108MA01KP2T5U00000",
				"ProduceID": "IMG-2025-000123", "ReservedCode1": "", "ContentPropagator": "001191110108MA01KP2T5U00000",
				"ReservedCode2": ""},
		}},
		"c2pa": map[string]any{"present": true, "location": "png:caBX", "claim_generator": "FaceFun/2.1 c2pa-rs/0.49",
			"actions":             []string{"c2pa.created", "c2pa.edited"},
			"digital_source_type": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
			"signer":              "FaceFun Ltd", "signature_valid": true, "binding_valid": false, "timestamp_valid": nil, "signer_trusted": nil},
		"iptc_digital_source_type": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
		"explicit":                 []any{map[string]any{"text": "AI生成", "box": []int{10, 10, 60, 12}, "height_ratio": 0.031, "source": "template:default"}},
		"watermark":                map[string]any{"status": "detected", "detected": true, "payload": "IMG-2025-000123", "confidence": 0.97},
		"label_state":              "confirmed",
		"verdict":                  "nonconforming",
		"findings": []any{
			map[string]any{"code": "explicit-too-small", "severity": "warning", "message": "label text 3.1% of the shorter side"},
			map[string]any{"code": "implicit-missing-field", "severity": "error", "message": "PropagateID missing"},
			map[string]any{"code": "c2pa-certificate", "severity": "warning", "message": "signing certificate expired 2025-01-01"},
			map[string]any{"code": "reader-new-code", "severity": "info", "message": "the scanner's own words"},
		},
		"error": "",
	}
	start := strings.Index(evPrompt, "法轮功")
	keyword := map[string]any{"rule": "keyword", "kind": "keyword", "articles": []string{"DSP 10", "GB/T 45654 Appendix A"},
		"produce_id": "IMG-2025-000123", "severity": "error", "problem": "keyword-match",
		"matches": []any{map[string]any{"field": "prompt", "term": "法轮功", "normalized": "法轮功", "category": "risk-a1g",
			"list": "risk-core", "list_line": 3, "byte_start": start, "byte_end": start + len("法轮功"),
			"rune_start": utf8.RuneCountInString(evPrompt[:start]), "rune_end": utf8.RuneCountInString(evPrompt[:start]) + 3,
			"text": "法轮功"}},
		"match_count": 1, "categories": []string{"risk-a1g"}, "count_truncated": false}
	bank := map[string]any{"rule": "feature-bank", "kind": "feature-bank", "articles": []string{"DSP 10"},
		"produce_id": "IMG-2025-000123", "severity": "critical", "problem": "bank-match", "pdq_index": 0, "pdq": hash,
		"matches": []any{map[string]any{"bank": "known-harm", "bank_version": 3,
			"entry":      map[string]any{"id": "kh-0042", "category": "risk-a1a", "source": "regulator notice 2025-07", "version": 2},
			"entry_hash": strings.Repeat("cd", 32), "distance": 12}},
		"nearest_distance": 12, "pdq_count": 1, "pdq_checked": 1}
	consent := map[string]any{"rule": "biometric-consent", "kind": "biometric-consent", "articles": []string{"DSP 14", "PIPL 29"},
		"produce_id": "IMG-2025-000123", "severity": "critical", "category": "face_swap", "scope_needed": "face",
		"generated_at": "2025-11-27T08:00:00.000Z", "checked_at": "2025-11-27T08:01:00.000Z", "problem": "no-valid-consent",
		"consents": []any{map[string]any{"consent_id": "CN-2025-0042", "state": "not-found"}}}
	implicit := map[string]any{"rule": "implicit-label", "kind": "implicit-label", "articles": []string{"DSP 16", "LM 5", "LM 11", "GB 45438 §6"},
		"produce_id": "IMG-2025-000123", "severity": "error", "verdict": "nonconforming", "label_state": "confirmed",
		"problem": "nonconforming", "findings": []string{"implicit-missing-field"}}

	gen := time.Date(2025, 11, 27, 8, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return gen.Add(time.Duration(m) * time.Minute) }
	return review.Evidence{
		Item: review.Item{ID: 42, ProduceID: "IMG-2025-000123", Format: "png", ObjectSHA256: strings.Repeat("0f", 32),
			Size: 48213, Category: "face_swap", Service: "FaceFun", Model: "ff-v2", Filing: "Beijing-FF-2024-0031",
			UserID: "u-8812", Prompt: evPrompt, CreatedAt: gen, ReceivedAt: at(1), State: review.StateInReview,
			Queue: review.QueueEscalation, LabelState: "confirmed", Verdict: "nonconforming", ClaimedBy: "senior1"},
		Scan: mustJSON(t, scan),
		RuleHits: []review.RuleHit{
			{RuleID: "implicit-label", RuleVersion: "1@3f9a0c1d2e4b5a6c", Severity: "error", Evidence: mustJSON(t, implicit)},
			{RuleID: "biometric-consent", RuleVersion: "1@3f9a0c1d2e4b5a6c", Severity: "critical", Evidence: mustJSON(t, consent)},
			{RuleID: "keyword", RuleVersion: "1@3f9a0c1d2e4b5a6c", Severity: "error", Evidence: mustJSON(t, keyword)},
			{RuleID: "feature-bank", RuleVersion: "1@3f9a0c1d2e4b5a6c", Severity: "critical", Evidence: mustJSON(t, bank)},
		},
		Service:  &review.Service{Name: "FaceFun", Category: "face_swap", Filing: "Beijing-FF-2024-0031", Model: "ff-v2"},
		RealName: &review.RealName{UserID: "u-8812", Method: "mobile", Result: "verified", VerifiedAt: gen.AddDate(0, -2, 0), MaskedID: "138******78"},
		Consents: []review.ConsentLink{
			{ID: "CN-2025-0042"},
			{ID: "CN-2025-0007", Record: &review.Consent{ID: "CN-2025-0007", SubjectID: "p-77", Scope: "face",
				GrantedAt: gen.AddDate(0, -1, 0), WithdrawnAt: at(30)}},
		},
		Decisions: []review.Decision{
			{ID: 7, ItemID: 42, Actor: "reviewer1", Outcome: review.OutcomeReject, Reasons: []string{"consent-missing"},
				Sanction: review.SanctionWarn, Note: "no consent on file", At: at(10), UndoneAt: at(10).Add(12 * time.Second)},
			{ID: 8, ItemID: 42, Actor: "reviewer1", Outcome: review.OutcomeEscalate, Note: "possible known harmful image", At: at(11)},
		},
		Copies: []review.LabelledCopy{{SHA256: strings.Repeat("9e", 32), Format: "png", Marks: []string{"implicit", "explicit"}, At: at(5)}},
		Events: []review.Event{
			{Seq: 1, At: at(1), Actor: "system", Kind: "item.received"},
			{Seq: 2, At: at(9), Actor: "reviewer1", Kind: "item.claimed"},
			{Seq: 3, At: at(10), Actor: "reviewer1", Kind: "item.decided"},
			{Seq: 4, At: at(10).Add(12 * time.Second), Actor: "reviewer1", Kind: "item.decision_undone"},
			{Seq: 5, At: at(11), Actor: "reviewer1", Kind: "item.decided"},
			{Seq: 6, At: at(12), Actor: "senior1", Kind: "item.frobbed"},
		},
	}
}

// evTexts walks what the panel shows (visible objects only) and returns
// every text, in order: labels, rich-text segments, accordion titles.
func evTexts(o fyne.CanvasObject) []string {
	var out []string
	evWalk(o, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *widget.RichText:
			for _, s := range x.Segments {
				out = append(out, s.Textual())
			}
		case *widget.Accordion:
			for _, it := range x.Items {
				out = append(out, it.Title)
			}
		}
	})
	return out
}

func evWalk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			evWalk(c, fn)
		}
	case *container.Scroll:
		evWalk(x.Content, fn)
	case *widget.Accordion:
		for _, it := range x.Items {
			evWalk(it.Detail, fn)
		}
	}
}

// evRows returns, for each form row whose caption is caption, the texts of
// its value, joined with " | ".
func evRows(o fyne.CanvasObject, caption string) []string {
	var out []string
	evWalk(o, func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok {
			return
		}
		for i := 0; i+1 < len(c.Objects); i += 2 {
			if l, ok := c.Objects[i].(*widget.Label); ok && l.Text == caption {
				out = append(out, strings.Join(evTexts(c.Objects[i+1]), " | "))
			}
		}
	})
	return out
}

// evLabel finds the first visible label with exactly this text.
func evLabel(o fyne.CanvasObject, text string) *widget.Label {
	var found *widget.Label
	evWalk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && found == nil && l.Text == text {
			found = l
		}
	})
	return found
}

func newShownPanel(t *testing.T, ev review.Evidence) (*evidencePanel, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	p := newEvidencePanel(nil)
	w := test.NewTempWindow(t, p.content())
	w.Resize(fyne.NewSize(640, 900))
	p.show(ev, evNow)
	return p, w
}

func TestEvidencePanelShowsTheFullEvidence(t *testing.T) {
	ev := fullEvidence(t)
	p, w := newShownPanel(t, ev)
	root := p.content()

	rows := map[string]string{
		"Label state":                        "Confirmed AI-generated",
		"Verdict":                            "Nonconforming",
		"AI-generated label (Label)":         "1, meaning Confirmed AI-generated",
		"Propagation number (PropagateID)":   "missing",
		"Reserved code 1 (ReservedCode1)":    "empty",
		"Content producer (ContentProducer)": "001191110108MA01KP2T5U00000",
		"Carrier":                            "XMP packet",
		"Manifest present":                   "Yes",
		"Signature valid":                    "Yes",
		"Bound to this content":              "No",
		"Signer trusted":                     "Not checked",
		"Claim generator":                    "FaceFun/2.1 c2pa-rs/0.49",
		"Actions":                            "c2pa.created, c2pa.edited",
		"IPTC digital source type":           "Made by a trained AI model (trainedAlgorithmicMedia)",
		"Visible label":                      "AI生成 | Text height 3.1% of the shorter side (5.0% at least)",
		"Digital watermark":                  "Detected",
		"Confidence":                         "97.0%",
		"Service category":                   "Face swap",
		"Services registry":                  "FaceFun · Face swap · filing Beijing-FF-2024-0031 · model ff-v2",
		"Real-name verification":             "Verified | By Mobile phone number · 2025-09-27 08:00:00 · ID 138******78",
		"Consent CN-2025-0007":               "Not valid now | Scope face · granted 2025-10-27 08:00:00 · expires never · withdrawn 2025-11-27 08:30:00",
		"Matches":                            "1 in all",
		"Risk categories":                    "Falsely using Falun Gong or other cults' names to promote them",
		"Consent needed for":                 "face",
		"2025-11-27 08:12:00":                "item.frobbed by senior1",
		"2025-11-27 08:01:00":                "Received by System",
		"Undone":                             "Undone at 2025-11-27 08:10:12: this decision no longer stands.",
		"Reasons":                            "No separate consent from the person edited",
		"Sanction on the user":               "Warn",
		shortHash(strings.Repeat("9e", 32)):  "Wrote implicit label, explicit label · 2025-11-27 08:05:00",
	}
	// The risk wording comes from en.json; check it there rather than
	// repeating it.
	rows["Risk categories"] = readTranslation(t, "en.json")["reason.risk-a1g"]
	for caption, want := range rows {
		got := evRows(root, caption)
		if len(got) == 0 || got[0] != want {
			t.Errorf("row %q shows %q, want %q", caption, got, want)
		}
	}
	if got := evRows(root, "Rests on"); !slices.Contains(got, "DSP Art. 10 · GB/T 45654 Appendix A") ||
		!slices.Contains(got, "DSP Art. 16 · LM Art. 5 · LM Art. 11 · GB 45438 §6") {
		t.Errorf("articles of the hits: %q", got)
	}

	// Findings: in plain words, severity first, with their article.
	texts := strings.Join(evTexts(root), "\n")
	for _, want := range []string{
		"The implicit label lacks one or more of its seven required fields.",
		"LM Art. 5 · GB 45438 §6",
		"The visible label's text is lower than 5% of the image's shorter side.",
		"LM Art. 4 · DSP Art. 17",
		"The C2PA signing certificate is expired or not meant for signing; the signature itself may still be valid.",
		"the scanner's own words", // a code without wording: the scanner's message
		"No Chinese provision (international standard)",
		"Rule hits (4)", "History (8)",
		"kh-0042 in known-harm (version 3)",
		"Distance 12 of 256 bits (the bank's threshold is not recorded in this hit)",
		"Not in the consent registry: separate consent (DSP Art. 14) is not on file.",
		"2025-11-27 08:10:00 · reviewer1 decided: Reject",
		"2025-11-27 08:11:00 · reviewer1 decided: Escalate",
		"Term “法轮功” · " + readTranslation(t, "en.json")["reason.risk-a1g"] + " · list risk-core",
	} {
		if !strings.Contains(texts, want) {
			t.Errorf("the panel does not show %q", want)
		}
	}
	if l := evLabel(root, "Not in the consent registry: separate consent (DSP Art. 14) is not on file."); l == nil || l.Importance != widget.DangerImportance {
		t.Error("the missing consent of a face swap is not a red warning")
	}
	if l := evLabel(root, "Text height 3.1% of the shorter side (5.0% at least)"); l == nil || l.Importance != widget.DangerImportance {
		t.Error("a visible label under 5 % is not shown as a problem")
	}
	if got := evRows(root, "Bound to this content"); len(got) == 1 {
		if l := evLabel(root, "No"); l == nil || l.Importance != widget.DangerImportance {
			t.Error("a C2PA check that failed is not shown as a problem")
		}
	}

	// The keyword: the prompt around the match, the match highlighted.
	var rt *widget.RichText
	evWalk(root, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RichText); ok && rt == nil {
			rt = r
		}
	})
	if rt == nil || len(rt.Segments) != 3 {
		t.Fatalf("the keyword hit has no context with a highlighted match: %#v", rt)
	}
	before, match, after := rt.Segments[0].(*widget.TextSegment), rt.Segments[1].(*widget.TextSegment), rt.Segments[2].(*widget.TextSegment)
	if match.Text != "法轮功" || !match.Style.TextStyle.Bold || match.Style.ColorName == "" {
		t.Errorf("highlighted segment %q, style %+v", match.Text, match.Style)
	}
	if !strings.HasSuffix(before.Text, "onto photo B and add ") || !strings.HasPrefix(after.Text, " slogans") {
		t.Errorf("context %q … %q", before.Text, after.Text)
	}

	// Hits most severe first.
	var hitTitles []string
	for _, s := range evTexts(p.rules) {
		if s == "Critical" || s == "Error" {
			hitTitles = append(hitTitles, s)
		}
	}
	if strings.Join(hitTitles, ",") != "Critical,Critical,Error,Error" {
		t.Errorf("hit severities in order %v, want the critical ones first", hitTitles)
	}

	// The bank match the caller shows side by side.
	bm := p.bankMatch
	if bm == nil || bm.EntryID != "kh-0042" || bm.Distance != 12 || bm.Bank != "known-harm" ||
		bm.Category != "risk-a1a" || bm.Threshold != -1 || bm.Suppressed || bm.EntryHash != strings.Repeat("cd", 32) {
		t.Errorf("bankMatch = %+v", bm)
	}
	if !harmful(ev) {
		t.Error("an item with a critical hit and a risk keyword is not harmful")
	}

	// History: newest first, the undone decision marked.
	events := evRows(p.history, "2025-11-27 08:12:00")
	if len(events) != 1 {
		t.Errorf("the newest event row: %q", events)
	}
	hist := evTexts(p.history)
	iEsc, iRej := slices.Index(hist, "2025-11-27 08:11:00 · reviewer1 decided: Escalate"), slices.Index(hist, "2025-11-27 08:10:00 · reviewer1 decided: Reject")
	if iEsc < 0 || iRej < 0 || iEsc > iRej {
		t.Errorf("decisions not newest first: %v", hist)
	}
	if l := evLabel(p.history, "2025-11-27 08:10:00 · reviewer1 decided: Reject"); l == nil || !l.TextStyle.Italic || l.Importance != widget.LowImportance {
		t.Error("the undone decision is not set apart")
	}
	ev2 := strings.Join(hist, "\n")
	if strings.Index(ev2, "2025-11-27 08:12:00") > strings.Index(ev2, "2025-11-27 08:01:00") {
		t.Error("events are not newest first")
	}

	test.AssertRendersToMarkup(t, "evidence_full.xml", w.Canvas())

	if p.shown == nil || p.shown.Item.ProduceID != "IMG-2025-000123" {
		t.Error("the panel does not record the evidence it shows")
	}
	p.clear()
	if p.shown != nil || p.bankMatch != nil || p.accordion.Visible() || !p.empty.Visible() {
		t.Error("clear leaves the previous item's evidence")
	}
}

func TestEvidencePanelMinimal(t *testing.T) {
	p, _ := newShownPanel(t, review.Evidence{})
	texts := strings.Join(evTexts(p.content()), "\n")
	for _, want := range []string{
		"No scan report for this item: its marks were not checked.",
		"No rule fired.", "Not in the services registry", "No real-name record for this user (DSP Art. 9)",
		"No decisions yet.", "No events.",
	} {
		if !strings.Contains(texts, want) {
			t.Errorf("an empty evidence does not say %q", want)
		}
	}
	// With no scan every C2PA fact is unknown, never "No".
	for _, c := range []string{"Manifest present", "Signature valid", "Bound to this content", "Signer trusted"} {
		if got := evRows(p.content(), c); len(got) != 1 || got[0] != "Not checked" {
			t.Errorf("%s without a scan: %q", c, got)
		}
	}
	if p.bankMatch != nil || harmful(review.Evidence{}) {
		t.Error("an empty evidence has a bank match or is harmful")
	}

	// A scanned file without C2PA: the manifest is absent, the rest unknown.
	ev := review.Evidence{Item: review.Item{Category: "image_generation"},
		Scan: `{"format":"png","implicit":[],"c2pa":null,"label_state":"none","verdict":"unlabelled","findings":[],"watermark":{"status":"not-checked","detected":null}}`}
	p.show(ev, evNow)
	if got := evRows(p.content(), "Manifest present"); len(got) != 1 || got[0] != "No" {
		t.Errorf("manifest present without C2PA in a scanned file: %q", got)
	}
	if got := evRows(p.content(), "Signature valid"); len(got) != 1 || got[0] != "Not checked" {
		t.Errorf("signature without a manifest: %q", got)
	}
	if got := evRows(p.content(), "Digital watermark"); len(got) != 1 || got[0] != "Not checked" {
		t.Errorf("watermark not checked shows %q", got)
	}
	texts = strings.Join(evTexts(p.content()), "\n")
	for _, want := range []string{"No implicit label (metadata label) in the file.", "No visible label found", "No findings.", "No consent cited."} {
		if !strings.Contains(texts, want) {
			t.Errorf("a scanned file without marks does not say %q", want)
		}
	}
}

func TestEvidencePanelHostileInput(t *testing.T) {
	bad := "\xff\xfe\x00\x1b[31m{{.Evil}}\u202e\n"
	big := strings.Repeat("悪x\x07\xff", 1<<18) // 1 MiB, invalid UTF-8 and control characters
	hits := []review.RuleHit{
		{RuleID: bad, RuleVersion: big, Severity: bad, Evidence: "not json {"},
		{RuleID: "keyword", Severity: "error", Evidence: `{"kind":"keyword","problem":"keyword-match","match_count":1e300,` +
			`"matches":[{"field":"prompt","byte_start":5000000,"byte_end":5000010,"rune_start":-4,"rune_end":2e9,"text":"` + strings.Repeat(`\u0000\u001b`, 500) + `"},` +
			`{"field":"prompt","byte_start":1,"byte_end":3,"text":"x"},"oops",{"field":"output","text":"` + strings.Repeat("長", 5000) + `"}],"categories":"risk-a1a"}`},
		{RuleID: "feature-bank", Severity: "critical", Evidence: `{"kind":"feature-bank","matches":[{"entry":"not an object","distance":"far"},` +
			`{"bank":"` + strings.Repeat("b", 5000) + `","entry":{"id":"` + strings.Repeat("\\u0007", 100) + `x"},"distance":-3}],"suppressed_by":[1]}`},
		{RuleID: "biometric-consent", Severity: "critical", Evidence: `{"kind":"biometric-consent","problem":"{{.X}}","consents":[{"consent_id":"` + strings.Repeat("c", 9000) + `","state":"{{template \"x\"}}","scope":"face","granted_at":"not a time"}],"articles":["DSP 99999999","GB 45438 §` + strings.Repeat("9", 40) + `",7]}`},
		{RuleID: "explicit-label", Severity: "error", Evidence: `{"kind":"explicit-label","largest_height_ratio":"big","findings":{}}`},
	}
	ev := review.Evidence{
		Item: review.Item{ProduceID: bad, Category: review.Category(bad), Service: big, Model: bad, Filing: big,
			UserID: bad, Prompt: big, LabelState: bad, Verdict: big},
		Scan: `{"format":"` + strings.Repeat("p", 10000) + `","implicit":[{"carrier":"` + bad[:2] + `","fields":{"Label":7,"ProduceID":"` +
			strings.Repeat("\\u0000", 3000) + `"},"location":"` + strings.Repeat("L", 100000) + `"},"junk",{"fields":[]}],` +
			`"c2pa":"yes","explicit":[{"text":"\u202eAI","height_ratio":-1}],"watermark":{"status":"maybe","confidence":"x"},` +
			`"findings":[{"code":"{{.X}}","severity":"\u0000","message":"` + strings.Repeat("m", 20000) + `"}],"label_state":7}`,
		RuleHits:  hits,
		RealName:  &review.RealName{Method: bad, Result: bad, MaskedID: "110101199001011234"},
		Consents:  []review.ConsentLink{{ID: big}, {ID: "x", Record: &review.Consent{Scope: bad}}},
		Decisions: []review.Decision{{Actor: big, Outcome: review.Outcome(bad), Reasons: []string{bad, "risk-a1a"}, Note: big, Sanction: review.Sanction(bad)}},
		Copies:    []review.LabelledCopy{{SHA256: big, Marks: []string{bad}}},
		Events:    []review.Event{{Actor: big, Kind: "item.{{.X}}" + bad}},
	}
	for range 300 {
		ev.Events = append(ev.Events, review.Event{Actor: "system", Kind: "item.received"})
	}
	p, _ := newShownPanel(t, ev)
	total := 0
	for _, s := range evTexts(p.content()) {
		total += len(s)
		switch {
		case !utf8.ValidString(s):
			t.Errorf("shown text is not valid UTF-8: %q", clipForLog(s))
		case strings.IndexFunc(s, unicode.IsControl) >= 0:
			t.Errorf("shown text keeps a control character: %q", clipForLog(s))
		case len(s) > 8<<10:
			t.Errorf("one text is %d bytes: %q", len(s), clipForLog(s))
		case strings.Contains(s, "110101199001011234"):
			t.Error("an unmasked identifier is shown")
		}
	}
	if total > 512<<10 {
		t.Errorf("the panel shows %d bytes of text for one item", total)
	}
	if !strings.Contains(strings.Join(evTexts(p.content()), "\n"), "The hit's evidence could not be read.") {
		t.Error("evidence that is not JSON is not reported as unreadable")
	}
	if p.bankMatch != nil {
		t.Errorf("a bank hit without a usable entry set bankMatch %+v", p.bankMatch)
	}
}

func clipForLog(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

func TestHarmful(t *testing.T) {
	hit := func(id, sev, evidence string) review.RuleHit {
		return review.RuleHit{RuleID: id, Severity: sev, Evidence: evidence}
	}
	kw := func(cat string) string {
		return `{"kind":"keyword","problem":"keyword-match","matches":[{"term":"t","category":"` + cat + `"}],"categories":["` + cat + `"]}`
	}
	bank := func(problem, cat string) string {
		return `{"kind":"feature-bank","problem":"` + problem + `","matches":[{"bank":"b","entry":{"id":"e1","category":"` + cat + `"},"distance":3}]}`
	}
	cases := map[string]struct {
		ev   review.Evidence
		want bool
	}{
		"nothing":                   {review.Evidence{}, false},
		"a label problem":           {review.Evidence{RuleHits: []review.RuleHit{hit("implicit-label", "error", `{"kind":"implicit-label"}`)}}, false},
		"a critical hit":            {review.Evidence{RuleHits: []review.RuleHit{hit("biometric-consent", "critical", `{}`)}}, true},
		"a content-risk keyword":    {review.Evidence{RuleHits: []review.RuleHit{hit("keyword", "error", kw("risk-a1g"))}}, true},
		"a provider's own keyword":  {review.Evidence{RuleHits: []review.RuleHit{hit("keyword", "warning", kw("spam"))}}, false},
		"a content-risk bank entry": {review.Evidence{RuleHits: []review.RuleHit{hit("bank-2", "error", bank("bank-match", "risk-a3b"))}}, true},
		"a suppressed bank match":   {review.Evidence{RuleHits: []review.RuleHit{hit("feature-bank", "info", bank("suppressed-by-negative-bank", "risk-a1a"))}}, false},
		"a risk rule id":            {review.Evidence{RuleHits: []review.RuleHit{hit("risk-a2b", "warning", `{}`)}}, true},
		"evidence not JSON":         {review.Evidence{RuleHits: []review.RuleHit{hit("keyword", "error", `{"categories":["risk-a1a"`)}}, false},
		"a standing risk decision":  {review.Evidence{Decisions: []review.Decision{{Outcome: review.OutcomeReject, Reasons: []string{"risk-a1a"}}}}, true},
		"an undone risk decision":   {review.Evidence{Decisions: []review.Decision{{Outcome: review.OutcomeReject, Reasons: []string{"risk-a1a"}, UndoneAt: evNow}}}, false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got := harmful(c.ev); got != c.want {
				t.Errorf("harmful = %v, want %v", got, c.want)
			}
		})
	}
}

// TestEvidenceWordsEveryCode checks the keys the panel builds from codes:
// the domain's, the rule engine's (review/rules: kinds, problems, consent
// states) and the event kinds the store writes (store/*.go appendEvent).
func TestEvidenceWordsEveryCode(t *testing.T) {
	en := readTranslation(t, "en.json")
	var keys []string
	add := func(prefix string, codes ...string) {
		for _, c := range codes {
			keys = append(keys, prefix+c)
		}
	}
	add("evidence.field.", gbFields...)
	add("evidence.sourcetype.", iptcSourceTypes...)
	add("evidence.severity.", review.Severities...)
	add("evidence.carrier.", "xmp", "png-text", "exif-usercomment", "id3-txxx", "riff-chunk", "mp4-udta", "mkv-tag", "docx-custom", "other")
	add("evidence.kind.", "implicit-label", "explicit-label", "biometric-consent", "real-name", "security-assessment",
		"produce-id-mismatch", "watermark-without-label", "unlabelled-copy", "keyword", "feature-bank")
	add("evidence.problem.", "missing", "nonconforming", "conflicting", "label-value", "unreadable", "not-scanned",
		"not-checked", "too-small", "none-cited", "no-valid-consent", "no-record", "not-verified",
		"verified-after-generation", "cited-not-on-record", "none-on-record", "not-passed", "cited-differs",
		"after-generation", "expired", "mismatch", "label-stripped", "issued", "issued-without-recipient-log",
		"keyword-match", "bank-match", "suppressed-by-negative-bank")
	add("evidence.consent.state.", "valid", "not-found", "scope-mismatch", "withdrawn", "granted-after-generation",
		"expired-before-generation", "expired")
	add("evidence.scope.", "face", "voice", "face+voice")
	add("evidence.realname.result.", "verified", "failed", "pending")
	add("evidence.mark.", "implicit", "explicit", "watermark")
	add("evidence.labelstate.", "invalid")
	add("evidence.event.", "account.created", "audit.checkpoint", "bank.proposed", "bank.approved", "bank.rejected",
		"bank.published", "complaint.recorded", "consent.recorded", "consent.updated", "consent.withdrawn",
		"import.done", "intake.error", "intake.resolved", "item.claimed", "item.decided", "item.decision_undone",
		"item.lease_lapsed", "item.received", "item.relabelled", "item.released", "item.reopened", "outbox.acked",
		"outbox.cancelled", "outbox.queued", "personal.erased", "realname.recorded", "rules.approved",
		"rules.pending", "setting.changed", "user.recorded")
	add("evidence.law.", "dsp", "lm", "pipl", "gaim", "gb45438.clause", "gb45438.annex", "gbt45654.clause", "gbt45654.annex")
	for _, k := range keys {
		if _, ok := en[k]; !ok {
			t.Errorf("no wording for %q", k)
		}
	}
	for in, want := range map[string]string{
		"DSP 14": "DSP Art. 14", "LM 5 (2)": "LM Art. 5 (2)", "GB 45438 §5.2": "GB 45438 §5.2",
		"GB 45438 Annex E": "GB 45438 Annex E", "GB/T 45654 A.1 a)": "GB/T 45654 A.1 a)", "EU AI Act 50": "EU AI Act 50",
	} {
		if got := wordArticle(in); got != want {
			t.Errorf("wordArticle(%q) = %q, want %q", in, got, want)
		}
	}
}

// evVocabulary are the evidence and scan keys whose values are codes the
// panel words, not data: in the Chinese UI they must not show as written.
var evVocabulary = map[string]bool{"code": true, "severity": true, "label_state": true, "verdict": true,
	"status": true, "carrier": true, "form": true, "kind": true, "problem": true, "state": true, "scope": true,
	"scope_needed": true, "field": true, "category": true, "categories": true, "articles": true}

// evData collects the data values of an evidence: what may show as
// written in any language.
func evData(t *testing.T, ev review.Evidence) string {
	var b strings.Builder
	var walk func(key string, v any)
	walk = func(key string, v any) {
		if evVocabulary[key] {
			return
		}
		switch x := v.(type) {
		case string:
			if key != "findings" { // the implicit-label rule's finding codes
				b.WriteString(x + "\n")
			}
		case []any:
			for _, y := range x {
				walk(key, y)
			}
		case map[string]any:
			for k, y := range x {
				walk(k, y)
			}
		}
	}
	for _, s := range append([]string{ev.Scan}, func() []string {
		var out []string
		for _, h := range ev.RuleHits {
			out = append(out, h.Evidence)
		}
		return out
	}()...) {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		walk("", v)
	}
	it := ev.Item
	fmt.Fprintln(&b, it.ProduceID, it.Service, it.Model, it.Filing, it.UserID, it.Prompt, ev.RealName.MaskedID)
	for _, h := range ev.RuleHits {
		fmt.Fprintln(&b, h.RuleID, h.RuleVersion)
	}
	for _, c := range ev.Consents {
		fmt.Fprintln(&b, c.ID)
	}
	for _, d := range ev.Decisions {
		fmt.Fprintln(&b, d.Actor, d.Note)
	}
	for _, e := range ev.Events {
		fmt.Fprintln(&b, e.Actor, e.Kind) // an unknown kind shows as written
	}
	fmt.Fprintln(&b, ev.Service.Name, ev.Service.Filing, ev.Service.Model)
	return b.String()
}

func TestEvidencePanelInChinese(t *testing.T) {
	restoreLocale(t)
	os.Setenv(localeEnv, "zh_CN.UTF-8")
	applyLanguageNow()
	ev := fullEvidence(t)
	p, _ := newShownPanel(t, ev)
	root := p.content()

	data := evData(t, ev)
	letters := regexp.MustCompile(`[A-Za-z]+`)
	for _, s := range evTexts(root) {
		if strings.IndexFunc(s, func(r rune) bool { return r > unicode.MaxASCII }) >= 0 {
			continue // has Chinese (or other non-ASCII) text in it
		}
		for _, w := range letters.FindAllString(s, -1) {
			if !strings.Contains(data, w) {
				t.Errorf("English left in the Chinese UI: %q (%q is not from the item's data)", s, w)
				break
			}
		}
	}
	for caption, want := range map[string]string{
		"标识状态":                     "确定为人工智能生成合成",
		"内容绑定有效":                   "否",
		"签名者可信":                    "未检查",
		"生成合成标签（Label）":            "1，即确定为人工智能生成合成",
		"内容传播编号（PropagateID）":      "缺失",
		"数字水印":                     "已检测到",
		"服务类别":                     "人脸替换",
		"同意记录 CN-2025-0042":        "同意登记中无此记录：未留存单独同意（《深度合成规定》第14条）。",
		"内容传播者（ContentPropagator）": "001191110108MA01KP2T5U00000",
	} {
		if got := evRows(root, caption); !slices.Contains(got, want) {
			t.Errorf("Chinese row %q shows %q, want %q", caption, got, want)
		}
	}
	texts := strings.Join(evTexts(root), "\n")
	for _, want := range []string{"隐式标识", "显式标识", "单独同意", "实名认证", "《标识办法》第5条 · GB 45438 第6章", "规则命中（4）"} {
		if !strings.Contains(texts, want) {
			t.Errorf("the Chinese panel does not show %q", want)
		}
	}
}
