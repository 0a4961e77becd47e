package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// scanReport is one line of `scan --json` (design.md, "scan --json: the
// output contract"), decoded here rather than imported from marking: the
// JSON is the contract. Unknown keys are ignored; values whose type may
// vary in a malformed label are kept as any.
type scanReport struct {
	Format   string `json:"format"`
	SHA256   string `json:"sha256"`
	Implicit []struct {
		Carrier   string         `json:"carrier"`
		Location  string         `json:"location"`
		Form      string         `json:"form"`
		Namespace string         `json:"namespace"`
		Fields    map[string]any `json:"fields"`
	} `json:"implicit"`
	C2PA *struct {
		Present        bool   `json:"present"`
		Location       string `json:"location"`
		ClaimGenerator string `json:"claim_generator"`
		Signer         string `json:"signer"`
		SignatureValid *bool  `json:"signature_valid"`
		BindingValid   *bool  `json:"binding_valid"`
	} `json:"c2pa"`
	IPTC     string `json:"iptc_digital_source_type"`
	Explicit []struct {
		Text        string  `json:"text"`
		HeightRatio float64 `json:"height_ratio"`
		Source      string  `json:"source"`
	} `json:"explicit"`
	Watermark *struct {
		Detected   bool    `json:"detected"`
		Payload    string  `json:"payload"`
		Confidence float64 `json:"confidence"`
	} `json:"watermark"`
	LabelState string        `json:"label_state"`
	Verdict    string        `json:"verdict"`
	Findings   []scanFinding `json:"findings"`
	Error      string        `json:"error"`
}

// scanFinding is one finding of a scan report.
type scanFinding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// implicitFields are the GB 45438 label fields shown, in order.
var implicitFields = []string{"Label", "ContentProducer", "ProduceID", "ContentPropagator", "PropagateID"}

// marks draws the "marks and findings" block of an evidence page from the
// item's scan report.
func (r *renderer) marks(scan string) {
	d, w := r.doc, r.w
	d.h2(w.L("marks"), 12)
	if strings.TrimSpace(scan) == "" {
		d.para(w.L("marks.noscan"), false, sizeTable, colMuted)
		return
	}
	var s scanReport
	if err := json.Unmarshal([]byte(scan), &s); err != nil {
		d.para(w.L("marks.bad"), false, sizeTable, colWarn)
		return
	}
	var pairs [][2]string
	if s.Error != "" {
		pairs = append(pairs, [2]string{"", w.F("marks.scanerror", abbrev(s.Error, 200))})
	}
	if len(s.Implicit) == 0 {
		pairs = append(pairs, [2]string{w.L("marks.implicit"), w.L("marks.none")})
	}
	for _, im := range s.Implicit {
		var fields []string
		for _, k := range implicitFields {
			if v, ok := im.Fields[k]; ok && fmt.Sprint(v) != "" {
				fields = append(fields, k+"="+abbrev(fmt.Sprint(v), 60))
			}
		}
		where := im.Carrier
		if im.Location != "" {
			where += " @ " + im.Location
		}
		pairs = append(pairs, [2]string{w.L("marks.implicit"), where + "\n" + strings.Join(fields, ", ")})
	}
	if len(s.Explicit) == 0 {
		pairs = append(pairs, [2]string{w.L("marks.explicit"), w.L("marks.none")})
	}
	for _, ex := range s.Explicit {
		pairs = append(pairs, [2]string{w.L("marks.explicit"), w.F("explicit.item", abbrev(ex.Text, 40), 100*ex.HeightRatio)})
	}
	if s.Watermark != nil && s.Watermark.Detected {
		pairs = append(pairs, [2]string{w.L("marks.watermark"), w.F("wm.detected", orDash(s.Watermark.Payload), s.Watermark.Confidence)})
	} else {
		pairs = append(pairs, [2]string{w.L("marks.watermark"), w.L("wm.none")})
	}
	if s.C2PA != nil && s.C2PA.Present {
		pairs = append(pairs, [2]string{w.L("marks.c2pa"), w.F("c2pa.item", r.tri(s.C2PA.SignatureValid), r.tri(s.C2PA.BindingValid), orDash(s.C2PA.Signer))})
	}
	if s.IPTC != "" {
		pairs = append(pairs, [2]string{w.L("marks.iptc"), s.IPTC})
	}
	d.kv(marginL, contentW, 34, pairs, sizeTable)

	d.h2(w.L("findings"), 8)
	if len(s.Findings) == 0 {
		d.para(w.L("findings.none"), false, sizeTable, colMuted)
		return
	}
	rank := []string{"error", "warning", "info"}
	fs := slices.Clone(s.Findings)
	slices.SortStableFunc(fs, func(a, b scanFinding) int {
		return rankOf(rank, a.Severity) - rankOf(rank, b.Severity)
	})
	cols := []column{{title: w.L("col.severity"), width: 18}, {title: w.L("col.code"), width: 46}, {title: w.L("col.explain"), width: 114, max: 3}}
	d.table(cols, len(fs), sizeTable, func(i int) []string {
		f := fs[i]
		text := f.Message
		if t, ok := w.tr["finding."+f.Code]; ok {
			text = t
		}
		return []string{r.severity(f.Severity), f.Code, abbrev(text, 300)}
	}, nil)
}

func rankOf(rank []string, s string) int {
	if i := slices.Index(rank, s); i >= 0 {
		return i
	}
	return len(rank)
}

// tri words a fact that may be unknown (null in the scan report).
func (r *renderer) tri(b *bool) string {
	switch {
	case b == nil:
		return r.w.L("c2pa.unknown")
	case *b:
		return r.w.L("c2pa.valid")
	}
	return r.w.L("c2pa.invalid")
}
