package ui

import (
	"encoding/json"
	"fmt"
	"strings"
)

// This file decodes the scan report an item carries (review.Evidence.Scan,
// as `scan --json` prints it) into a small local struct. The JSON is a
// public contract (design.md, "scan --json: the output contract", and
// docs/scan-json.md), so ui reads it without importing synthreview/marking.
// Unknown keys are ignored; a key of an unexpected type is dropped rather
// than failing the whole report (each part is decoded on its own).

// maxScanJSON bounds the scan report decoded; marking's reports are a few
// KB (labels are capped at 64 and raw bytes at 1 KiB each).
const maxScanJSON = 4 << 20

// scanReport is the part of a scan report the evidence panel shows.
type scanReport struct {
	Format     string
	SHA256     string
	Size       int64
	Implicit   []scanImplicit
	C2PA       *scanC2PA // nil: the scan found no manifest and no reference
	IPTC       string    // iptc_digital_source_type
	Explicit   []scanExplicit
	Watermark  scanWatermark
	LabelState string
	Verdict    string
	Findings   []scanFinding
	Error      string
}

// scanImplicit is one implicit label found. Fields holds each field's value
// as text (a non-string value is shown as its JSON).
type scanImplicit struct {
	Carrier   string
	Location  string
	Form      string
	Namespace string
	Fields    map[string]string
	NonString []string
	Valid     *bool
}

// scanC2PA is the C2PA part; the three checks are nil when not checked.
type scanC2PA struct {
	Present           bool     `json:"present"`
	Location          string   `json:"location"`
	ClaimGenerator    string   `json:"claim_generator"`
	Actions           []string `json:"actions"`
	DigitalSourceType string   `json:"digital_source_type"`
	Signer            string   `json:"signer"`
	SignatureValid    *bool    `json:"signature_valid"`
	BindingValid      *bool    `json:"binding_valid"`
	SignerTrusted     *bool    `json:"signer_trusted"`
	RemoteReference   string   `json:"remote_reference"`
}

// scanExplicit is one visible label found.
type scanExplicit struct {
	Text        string  `json:"text"`
	HeightRatio float64 `json:"height_ratio"`
	Source      string  `json:"source"`
}

// scanWatermark is the watermark result; Status is one of not-checked,
// not-detected, detected (derived from Detected for reports without it).
type scanWatermark struct {
	Status     string   `json:"status"`
	Detected   *bool    `json:"detected"`
	Payload    string   `json:"payload"`
	Confidence *float64 `json:"confidence"`
}

// scanFinding is one finding of the scan.
type scanFinding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// The watermark statuses of docs/scan-json.md.
const (
	wmNotChecked  = "not-checked"
	wmNotDetected = "not-detected"
	wmDetected    = "detected"
)

// decodeScan reads a scan report. It fails only when the text is not a
// JSON object at all (or is too large); parts of the wrong shape are left
// empty, so one odd key never hides the rest of the evidence.
func decodeScan(s string) (scanReport, error) {
	var r scanReport
	s = strings.TrimSpace(s)
	if len(s) > maxScanJSON {
		return r, fmt.Errorf("scan report is %d bytes, more than %d", len(s), maxScanJSON)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &top); err != nil {
		return r, fmt.Errorf("scan report: %w", err)
	}
	part := func(key string, dst any) {
		if raw, ok := top[key]; ok {
			if json.Unmarshal(raw, dst) != nil {
				// wrong type: leave the zero value (see the doc comment)
				return
			}
		}
	}
	part("format", &r.Format)
	part("sha256", &r.SHA256)
	part("size", &r.Size)
	part("iptc_digital_source_type", &r.IPTC)
	part("label_state", &r.LabelState)
	part("verdict", &r.Verdict)
	part("error", &r.Error)
	part("c2pa", &r.C2PA)
	part("explicit", &r.Explicit)
	part("findings", &r.Findings)
	part("watermark", &r.Watermark)
	var labels []json.RawMessage
	part("implicit", &labels)
	for _, raw := range labels {
		if l, ok := decodeImplicit(raw); ok {
			r.Implicit = append(r.Implicit, l)
		}
	}
	r.Watermark.Status = watermarkStatus(r.Watermark)
	return r, nil
}

func decodeImplicit(raw json.RawMessage) (scanImplicit, bool) {
	var in struct {
		Carrier   string                     `json:"carrier"`
		Location  string                     `json:"location"`
		Form      string                     `json:"form"`
		Namespace string                     `json:"namespace"`
		Fields    map[string]json.RawMessage `json:"fields"`
		NonString []string                   `json:"non_string_fields"`
		Valid     *bool                      `json:"valid"`
	}
	if json.Unmarshal(raw, &in) != nil {
		return scanImplicit{}, false
	}
	l := scanImplicit{Carrier: in.Carrier, Location: in.Location, Form: in.Form, Namespace: in.Namespace,
		NonString: in.NonString, Valid: in.Valid, Fields: map[string]string{}}
	for k, v := range in.Fields {
		var s string
		if json.Unmarshal(v, &s) == nil {
			l.Fields[k] = s
		} else {
			l.Fields[k] = string(v) // a number or object: shown as written
		}
	}
	return l, true
}

// watermarkStatus is the report's status, or the one its detected flag
// implies for reports written before status was added.
func watermarkStatus(w scanWatermark) string {
	switch w.Status {
	case wmNotChecked, wmNotDetected, wmDetected:
		return w.Status
	}
	switch {
	case w.Detected == nil:
		return wmNotChecked
	case *w.Detected:
		return wmDetected
	}
	return wmNotDetected
}
