package label_test

import (
	"errors"
	"strings"
	"testing"

	"synthreview/marking/label"
)

const platformCode = "001191440300708461136T1XGW3"

func validLabel(lbl, prop, propID string) label.Existing {
	return label.Existing{Location: "png:iTXt:XML:com.adobe.xmp", Valid: true, Fields: map[string]string{
		"Label": lbl, "ContentProducer": validCode, "ProduceID": "IMG1", "ReservedCode1": "abc123",
		"ContentPropagator": prop, "PropagateID": propID, "ReservedCode2": "",
	}}
}

func TestDecideRefusesEveryWeakening(t *testing.T) {
	first := validLabel("1", validCode, "IMG1")
	cases := []struct {
		name     string
		existing []label.Existing
		req      label.Request
		rule     string
		mention  string
	}{
		{"lower 1 to 2", []label.Existing{first}, label.Request{Label: "2", Producer: validCode, ProduceID: "IMG1"}, "LM Art. 10", `lowering Label from "1"`},
		{"lower 1 to 3", []label.Existing{first}, label.Request{Label: "3", Producer: validCode, ProduceID: "IMG1"}, "DSP Art. 18", `to "3"`},
		{"lower 2 to 3", []label.Existing{validLabel("2", validCode, "IMG1")}, label.Request{Label: "3", Producer: validCode, ProduceID: "IMG1"}, "LM Art. 10", "weakening"},
		{"change producer", []label.Existing{first}, label.Request{Label: "1", Producer: platformCode, ProduceID: "IMG1"}, "LM Art. 10", "names producer"},
		{"change ProduceID", []label.Existing{first}, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG2"}, "DSP Art. 18", "ProduceID"},
		{"overwrite another platform", []label.Existing{validLabel("1", platformCode, "P-1")}, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG1", Propagator: validCode, PropagateID: "P-2"}, "LM Art. 6", "remove that record"},
		{"pick between two valid labels", []label.Existing{first, validLabel("2", validCode, "IMG1")}, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG1"}, "6.1 c", "2 different valid labels"},
		{"lower a nonconforming label", []label.Existing{{Location: "jpeg:APP1:XMP", Fields: map[string]string{"Label": "1", "ContentProducer": "Doubao"}}}, label.Request{Label: "3", Producer: validCode, ProduceID: "IMG1"}, "LM Art. 10", "would lower it"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := label.Decide(c.existing, c.req)
			var re *label.RefusalError
			if !errors.As(err, &re) || !errors.Is(err, label.ErrRefused) {
				t.Fatalf("got %v, want a refusal", err)
			}
			if !strings.Contains(re.Rule, c.rule) || !strings.Contains(err.Error(), c.mention) {
				t.Errorf("refusal %q does not name rule %q and %q", err, c.rule, c.mention)
			}
		})
	}
}

func TestDecideAllowed(t *testing.T) {
	first := validLabel("1", validCode, "IMG1")
	broken := label.Existing{Location: "png:tEXt:AIGC", Fields: map[string]string{"Label": "AIGC"}, Raw: `{"Label":"AIGC"}`}
	cases := []struct {
		name     string
		existing []label.Existing
		req      label.Request
		action   string
		want     label.Fields
		replaced int
	}{
		{"no label: first write", nil, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG9"}, label.ActionWrite,
			label.Fields{Label: "1", ContentProducer: validCode, ProduceID: "IMG9", ContentPropagator: validCode, PropagateID: "IMG9"}, 0},
		{"no label: platform writes 2", nil, label.Request{Label: "2", Producer: validCode, ProduceID: "IMG9", Propagator: platformCode, PropagateID: "P-9"}, label.ActionWrite,
			label.Fields{Label: "2", ContentProducer: validCode, ProduceID: "IMG9", ContentPropagator: platformCode, PropagateID: "P-9"}, 0},
		{"same label again keeps reserved codes", []label.Existing{first, first}, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG1"}, label.ActionKeep,
			label.Fields{Label: "1", ContentProducer: validCode, ProduceID: "IMG1", ReservedCode1: "abc123", ContentPropagator: validCode, PropagateID: "IMG1"}, 0},
		{"fill propagator in place", []label.Existing{first}, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG1", Propagator: platformCode, PropagateID: "P-1"}, label.ActionPropagate,
			label.Fields{Label: "1", ContentProducer: validCode, ProduceID: "IMG1", ReservedCode1: "abc123", ContentPropagator: platformCode, PropagateID: "P-1"}, 0},
		{"same propagator again", []label.Existing{validLabel("1", platformCode, "P-1")}, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG1", Propagator: platformCode, PropagateID: "P-1"}, label.ActionKeep,
			label.Fields{Label: "1", ContentProducer: validCode, ProduceID: "IMG1", ReservedCode1: "abc123", ContentPropagator: platformCode, PropagateID: "P-1"}, 0},
		{"raise 3 to 1", []label.Existing{validLabel("3", validCode, "IMG1")}, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG1"}, label.ActionStrengthen,
			label.Fields{Label: "1", ContentProducer: validCode, ProduceID: "IMG1", ReservedCode1: "abc123", ContentPropagator: validCode, PropagateID: "IMG1"}, 0},
		{"replace nonconforming", []label.Existing{broken}, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG5"}, label.ActionReplace,
			label.Fields{Label: "1", ContentProducer: validCode, ProduceID: "IMG5", ContentPropagator: validCode, PropagateID: "IMG5"}, 1},
		{"valid beside nonconforming", []label.Existing{broken, first}, label.Request{Label: "1", Producer: validCode, ProduceID: "IMG1"}, label.ActionKeep,
			label.Fields{Label: "1", ContentProducer: validCode, ProduceID: "IMG1", ReservedCode1: "abc123", ContentPropagator: validCode, PropagateID: "IMG1"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := label.Decide(c.existing, c.req)
			if err != nil {
				t.Fatal(err)
			}
			if p.Action != c.action || p.Fields != c.want || len(p.Replaced) != c.replaced {
				t.Errorf("got %s %+v (%d replaced), want %s %+v (%d)", p.Action, p.Fields, len(p.Replaced), c.action, c.want, c.replaced)
			}
			if len(p.Notes) == 0 {
				t.Error("no note explains the decision")
			}
		})
	}
}

func TestDecideBadRequests(t *testing.T) {
	for _, req := range []label.Request{
		{Label: "4", Producer: validCode, ProduceID: "A"},
		{Label: "AIGC", Producer: validCode, ProduceID: "A"},
		{Label: "1", Producer: validCode, ProduceID: "A", Propagator: platformCode},
	} {
		if _, err := label.Decide(nil, req); err == nil || errors.Is(err, label.ErrRefused) {
			t.Errorf("%+v: got %v, want a usage error", req, err)
		}
	}
}
