package rules

import (
	"synthreview/marking"
	"synthreview/review"
)

// FromIntake builds the Input for one generation record (the sidecar) and
// the marking report of its output. What only the registries and the
// output bytes can tell is left for the caller: each ConsentRef's Record,
// RealName, Assessment.Record, RecipientLogID, TextOutput (for a "text"
// output), PDQ, and Now.
//
// The explicit-label check counts as done when the report lists a visible
// label or an explicit-missing / explicit-too-small finding: a scan that
// had no detector for the format reports neither.
func FromIntake(g review.Generation, rep marking.Report) Input {
	in := Input{
		ProduceID: g.ProduceID, Category: review.Category(g.Service.Category), Service: g.Service.Name,
		Model: g.Service.Model, UserID: g.User.ID, GeneratedAt: g.Created(),
		Verdict: rep.Verdict, LabelState: rep.LabelState, ScanError: rep.Error,
		Assessment:           AssessmentRef{CitedID: g.Service.AssessmentID},
		UnlabelledCopyIssued: g.UnlabelledCopyIssued,
		Prompt:               g.Prompt,
	}
	for _, id := range g.ConsentIDs() {
		in.Consents = append(in.Consents, ConsentRef{ID: id})
	}
	for _, f := range rep.Findings {
		in.FindingCodes = append(in.FindingCodes, f.Code)
		if f.Code == "explicit-missing" || f.Code == "explicit-too-small" {
			in.Explicit.Checked = true
		}
	}
	for _, im := range rep.Implicit {
		if p, ok := im.Fields["ProduceID"]; ok {
			in.LabelProduceIDs = append(in.LabelProduceIDs, p)
		}
	}
	for _, e := range rep.Explicit {
		in.Explicit.Checked = true
		in.Explicit.Labels = append(in.Explicit.Labels, ExplicitLabel{Text: e.Text, HeightRatio: e.HeightRatio})
	}
	if w := rep.Watermark; w != nil {
		in.Watermark = Watermark{Detected: w.Detected, Payload: w.Payload, Confidence: w.Confidence}
	}
	return in
}
