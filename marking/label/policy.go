package label

import (
	"errors"
	"fmt"
	"maps"
	"strings"
)

// Existing is one implicit label already in the file, as the reader
// (marking.Scan) reported it.
type Existing struct {
	Location string
	Fields   map[string]string
	// Valid is true when the reader raised no error for this label.
	Valid bool
	Raw   string
}

// Request is what the mark command was asked to write.
type Request struct {
	Label       string // "1", "2" or "3"
	Producer    string // ContentProducer code
	ProduceID   string
	Propagator  string // ContentPropagator, platform role (LM Art. 6); optional
	PropagateID string
}

// Plan is the label to write and what happened to the labels already there.
type Plan struct {
	Fields Fields
	// Action is one of ActionWrite, ActionKeep, ActionPropagate,
	// ActionStrengthen or ActionReplace.
	Action string
	// Replaced holds nonconforming labels the new one replaces, kept as
	// evidence for the mark report.
	Replaced []Existing
	// Notes explain the decision in plain words.
	Notes []string
}

// Plan actions.
const (
	ActionWrite      = "write"      // the file had no label
	ActionKeep       = "keep"       // the same valid label is written again
	ActionPropagate  = "propagate"  // propagator fields filled in place (LM Art. 6)
	ActionStrengthen = "strengthen" // Label raised, e.g. "3" → "1"
	ActionReplace    = "replace"    // a nonconforming label is replaced
)

// RefusalError is returned by Decide when the request would weaken a label.
// Rule names the provision that forbids it.
type RefusalError struct {
	Rule    string
	Message string
}

func (e *RefusalError) Error() string { return "refused (" + e.Rule + "): " + e.Message }

// ErrRefused matches every RefusalError with errors.Is.
var ErrRefused = errors.New("refused: would weaken a label")

// Is makes errors.Is(err, ErrRefused) true for a refusal.
func (e *RefusalError) Is(target error) bool { return target == ErrRefused }

const (
	ruleNoTamper = "LM Art. 10, DSP Art. 18: no deletion, alteration or hiding of labels"
	ruleOneLabel = "GB 45438-2025 6.1 c: one label per file"
)

func labelRank(v string) int {
	switch v {
	case "1", "2", "3":
		return int(v[0] - '0')
	}
	return 0
}

var labelWords = map[string]string{"1": "AI-generated", "2": "possibly AI-generated", "3": "suspected AI-generated"}

// Decide applies the no-weakening policy (LM Art. 10, DSP Art. 18, LM Art.
// 6) to the labels already in a file and a request, and returns the label to
// write. It refuses, with a RefusalError naming the rule, to lower Label
// (1 → 2 or 3, 2 → 3), to change the producer or ProduceID of a valid label,
// to overwrite another platform's propagation fields, or to choose between
// several different valid labels. It writes a label where there is none,
// replaces nonconforming labels (returned in Plan.Replaced as evidence,
// never lowering a readable Label value) and fills the propagator fields of
// a valid label in place.
func Decide(existing []Existing, req Request) (Plan, error) {
	if labelRank(req.Label) == 0 {
		return Plan{}, fmt.Errorf("--label %q: must be 1, 2 or 3 (GB 45438-2025 Annex E)", req.Label)
	}
	if (req.Propagator == "") != (req.PropagateID == "") {
		return Plan{}, errors.New("--propagator and --propagate-id go together (LM Art. 6: the platform writes both)")
	}
	valid, invalid := splitExisting(existing)
	switch {
	case len(valid) > 1:
		var locs []string
		for _, v := range valid {
			locs = append(locs, fmt.Sprintf("%s (ProduceID %q, Label %q)", v.Location, v.Fields["ProduceID"], v.Fields["Label"]))
		}
		return Plan{}, &RefusalError{Rule: ruleOneLabel + "; " + ruleNoTamper,
			Message: fmt.Sprintf("the file carries %d different valid labels: %s; mark will not choose one and drop the others — a reviewer must decide", len(valid), strings.Join(locs, ", "))}
	case len(valid) == 1:
		return decideOverValid(valid[0], invalid, req)
	}
	return decideFresh(invalid, req)
}

// splitExisting separates valid labels (identical copies counted once)
// from nonconforming ones.
func splitExisting(existing []Existing) (valid, invalid []Existing) {
	for _, e := range existing {
		if !e.Valid {
			invalid = append(invalid, e)
			continue
		}
		dup := false
		for _, v := range valid {
			dup = dup || maps.Equal(v.Fields, e.Fields)
		}
		if !dup {
			valid = append(valid, e)
		}
	}
	return valid, invalid
}

// decideFresh writes a new label where there is none, or only
// nonconforming ones, which it replaces without lowering their Label.
func decideFresh(invalid []Existing, req Request) (Plan, error) {
	for _, e := range invalid {
		if r := labelRank(e.Fields["Label"]); r != 0 && labelRank(req.Label) > r {
			return Plan{}, &RefusalError{Rule: ruleNoTamper,
				Message: fmt.Sprintf("the nonconforming label at %s says Label %q (%s); replacing it with Label %q would lower it", e.Location, e.Fields["Label"], labelWords[e.Fields["Label"]], req.Label)}
		}
	}
	f := Fields{Label: req.Label, ContentProducer: req.Producer, ProduceID: req.ProduceID,
		ContentPropagator: req.Producer, PropagateID: req.ProduceID}
	if req.Propagator != "" {
		f.ContentPropagator, f.PropagateID = req.Propagator, req.PropagateID
	}
	if len(invalid) == 0 {
		return Plan{Fields: f, Action: ActionWrite, Notes: []string{
			"the file had no implicit label; wrote one (first write: propagator = producer unless --propagator is given, GB 45438 Annex E note 1)"}}, nil
	}
	p := Plan{Fields: f, Action: ActionReplace, Replaced: invalid}
	for _, e := range invalid {
		p.Notes = append(p.Notes, fmt.Sprintf("replaced the nonconforming label at %s (kept as evidence)", e.Location))
	}
	return p, nil
}

// checkUnchanged refuses a request that would lower Label or change the
// producer or ProduceID of the valid label old.
func checkUnchanged(old Fields, req Request) error {
	switch {
	case labelRank(req.Label) > labelRank(old.Label):
		return &RefusalError{Rule: ruleNoTamper,
			Message: fmt.Sprintf("lowering Label from %q (%s) to %q (%s) is weakening a valid label", old.Label, labelWords[old.Label], req.Label, labelWords[req.Label])}
	case req.Producer != old.ContentProducer:
		return &RefusalError{Rule: ruleNoTamper,
			Message: fmt.Sprintf("the file's valid label names producer %q; changing it to %q would alter the label", old.ContentProducer, req.Producer)}
	case req.ProduceID != old.ProduceID:
		return &RefusalError{Rule: ruleNoTamper,
			Message: fmt.Sprintf("the file's valid label has ProduceID %q; changing it to %q would alter the label", old.ProduceID, req.ProduceID)}
	}
	return nil
}

func decideOverValid(v Existing, invalid []Existing, req Request) (Plan, error) {
	old := FieldsFromMap(v.Fields)
	if err := checkUnchanged(old, req); err != nil {
		return Plan{}, err
	}
	p := Plan{Fields: old, Action: ActionKeep, Replaced: invalid}
	if labelRank(req.Label) < labelRank(old.Label) {
		p.Fields.Label = req.Label
		p.Action = ActionStrengthen
		p.Notes = append(p.Notes, fmt.Sprintf("raised Label from %q to %q", old.Label, req.Label))
	}
	if err := fillPropagator(&p, old, req); err != nil {
		return Plan{}, err
	}
	for _, e := range invalid {
		p.Notes = append(p.Notes, fmt.Sprintf("replaced the nonconforming label at %s with the valid one (kept as evidence)", e.Location))
	}
	if p.Action == ActionKeep && len(invalid) == 0 {
		p.Notes = append(p.Notes, "the file already carries this valid label; rewrote it unchanged")
	}
	return p, nil
}

// fillPropagator writes the platform's fields in place (LM Art. 6) when the
// label still holds the first-write values, and refuses to overwrite
// another platform's record.
func fillPropagator(p *Plan, old Fields, req Request) error {
	if req.Propagator == "" {
		return nil
	}
	firstWrite := old.ContentPropagator == "" && old.PropagateID == "" ||
		old.ContentPropagator == old.ContentProducer && old.PropagateID == old.ProduceID
	same := old.ContentPropagator == req.Propagator && old.PropagateID == req.PropagateID
	if same {
		return nil
	}
	if !firstWrite {
		return &RefusalError{Rule: "LM Art. 6, " + ruleNoTamper,
			Message: fmt.Sprintf("the label already records propagator %q with PropagateID %q; overwriting it with %q/%q would remove that record", old.ContentPropagator, old.PropagateID, req.Propagator, req.PropagateID)}
	}
	p.Fields.ContentPropagator, p.Fields.PropagateID = req.Propagator, req.PropagateID
	if p.Action == ActionKeep {
		p.Action = ActionPropagate
	}
	p.Notes = append(p.Notes, fmt.Sprintf("filled ContentPropagator %q and PropagateID %q in place (LM Art. 6)", req.Propagator, req.PropagateID))
	return nil
}
