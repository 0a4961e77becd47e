package marking

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// candidate is a possible implicit label found by a container walker.
type candidate struct {
	carrier, location string
	// named is true when the carrier itself names AIGC (a PNG keyword, an XMP
	// property, an ID3 description …): then unreadable bytes are still a
	// label (design.md: present but unreadable counts as a label).
	named     bool
	namespace string // XMP only
	xmpForm   string // XMP only
	nsBad     bool   // XMP property bound to a namespace other than TC260Namespace
	payload   []byte
	// fields, when set, are XMP struct properties instead of a JSON payload.
	fields map[string]string
	// nonstandard marks a carrier no guide defines (info finding).
	nonstandard string
	// lenient drops a candidate whose JSON does not parse (free text, where
	// "AIGC" may be mere prose).
	lenient bool
}

// addLabel judges a candidate and, when it is a label, appends it with its
// findings. It returns true when the candidate was taken as a label.
func (s *scanner) addLabel(c candidate) bool {
	im := Implicit{Carrier: c.carrier, Location: c.location, Namespace: c.namespace, XMPForm: c.xmpForm}
	raw := c.payload
	if c.fields != nil {
		var b strings.Builder
		for _, k := range sortedKeys(c.fields) {
			fmt.Fprintf(&b, "%s=%s;", k, c.fields[k])
		}
		raw = []byte(b.String())
	}
	im.Raw = evidence(raw)
	var errs []Finding
	add := func(code, format string, args ...any) {
		errs = append(errs, Finding{Code: code, Severity: Severity(code), Message: c.location + ": " + fmt.Sprintf(format, args...)})
	}

	if c.fields != nil {
		im.Form = "struct"
		im.Fields = c.fields
	} else {
		p := trimPayload(c.payload)
		p, bare := stripBareAIGC(p)
		if !utf8.Valid(p) {
			add(CodeImplicitCharset, "label bytes are not valid UTF-8; invalid sequences read as U+FFFD")
		}
		obj, err := parseObject(p, bare)
		if err != nil {
			if c.lenient || !c.named && !bare && !bytes.Contains(p, []byte(`"AIGC"`)) {
				return false
			}
			im.Form = "invalid"
			im.Fields = map[string]string{}
			add(CodeImplicitInvalidJSON, "label is not a JSON object: %v", err)
			s.pushLabel(im, errs, c)
			return true
		}
		if obj.dup != "" {
			add(CodeImplicitInvalidJSON, "key %q appears more than once", obj.dup)
		}
		im.Form = "inner"
		if w, ok := obj.wrapped(); ok {
			im.Form = "wrapped"
			inner, err := parseObject(w, false)
			if err != nil {
				im.Form = "invalid"
				im.Fields = map[string]string{}
				add(CodeImplicitInvalidJSON, `"AIGC" value is not a JSON object: %v`, err)
				s.pushLabel(im, errs, c)
				return true
			}
			if inner.dup != "" {
				add(CodeImplicitInvalidJSON, "key %q appears more than once", inner.dup)
			}
			obj = inner
		} else if !c.named && !bare && obj.countLabelKeys() < 2 {
			return false
		}
		im.Fields = map[string]string{}
		for _, k := range obj.keys {
			v := obj.vals[k]
			var str string
			if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &str) == nil {
				im.Fields[k] = str
				continue
			}
			im.Fields[k] = string(v)
			im.NonString = append(im.NonString, k)
		}
		if len(im.NonString) > 0 {
			add(CodeImplicitFieldType, "values must be JSON strings (GB 45438 Annex E c–i); not strings: %s", strings.Join(im.NonString, ", "))
		}
	}
	s.validateFields(&im, add)
	if c.nsBad {
		add(CodeImplicitNonconformingNS, "AIGC property is bound to namespace %q, not %q (present but nonconforming)", c.namespace, TC260Namespace)
	}
	if c.nonstandard != "" {
		add(CodeImplicitNonstandardCarrier, "%s", c.nonstandard)
	}
	s.pushLabel(im, errs, c)
	return true
}

func (s *scanner) pushLabel(im Implicit, errs []Finding, c candidate) {
	im.Valid = true
	for _, f := range errs {
		if f.Severity == severityError {
			im.Valid = false
		}
	}
	if len(s.rep.Implicit) >= 64 {
		s.tooMany++
		return
	}
	s.rep.Implicit = append(s.rep.Implicit, im)
	s.rep.Findings = append(s.rep.Findings, errs...)
}

// validateFields applies requirements.md §3.1–3.3 to one label.
func (s *scanner) validateFields(im *Implicit, add func(code, format string, args ...any)) {
	f := im.Fields
	var missing []string
	for _, k := range LabelKeys {
		if _, ok := f[k]; !ok {
			hint := ""
			for got := range f {
				if strings.EqualFold(got, k) {
					hint = " (found " + got + "; keys are case-sensitive)"
				}
			}
			missing = append(missing, k+hint)
		}
	}
	if len(missing) > 0 {
		add(CodeImplicitMissingField, "missing fields: %s", strings.Join(missing, ", "))
	}
	if v, ok := f["Label"]; ok && !isNonString(im, "Label") {
		if v != "1" && v != "2" && v != "3" {
			add(CodeImplicitLabelValue, `Label is %q; it must be "1" (AI), "2" (possibly AI) or "3" (suspected AI)`, clip(v, 40))
		}
	} else if ok {
		add(CodeImplicitLabelValue, `Label is %s, not one of the strings "1", "2", "3"`, clip(v, 40))
	}
	var bad []string
	for _, k := range sortedKeys(f) {
		if isNonString(im, k) {
			continue
		}
		if r, ok := firstBadChar(f[k]); ok {
			bad = append(bad, fmt.Sprintf("%s (%q)", k, r))
		}
	}
	if len(bad) > 0 {
		add(CodeImplicitCharset, "values should use printable ASCII without space, quote or backslash (GB 45438 Annex E j); outside it: %s", strings.Join(bad, ", "))
	}
	prod, hasProd := f["ContentProducer"]
	prop, hasProp := f["ContentPropagator"]
	if hasProd && hasProp && prod != prop {
		add(CodeImplicitPropagatorMismatch, "ContentPropagator %q differs from ContentProducer %q: a platform has written its fields, or the label is wrong (GB 45438 Annex E note 1)", clip(prop, 40), clip(prod, 40))
	}
	if pid, ok := f["ProduceID"]; ok {
		if gid, ok2 := f["PropagateID"]; ok2 && pid != gid {
			add(CodeImplicitPropagatorMismatch, "PropagateID %q differs from ProduceID %q", clip(gid, 40), clip(pid, 40))
		}
	}
	for _, k := range []string{"ContentProducer", "ContentPropagator"} {
		v, ok := f[k]
		if !ok || isNonString(im, k) || !looksLikeCode(v) {
			continue
		}
		if k == "ContentPropagator" && v == prod && hasProd {
			continue // same value, already checked
		}
		if err := CheckProducerCode(v); err != nil {
			add(CodeProducerCodeFormat, "%s %q: %v", k, clip(v, 40), err)
		}
	}
}

func isNonString(im *Implicit, k string) bool {
	for _, n := range im.NonString {
		if n == k {
			return true
		}
	}
	return false
}

// looksLikeCode reports whether a producer value is meant as a provider code
// rather than a provider name (requirements.md §3.1: "name or code"): digits
// and uppercase letters only, and either starting with the format number "00"
// or as long as a code (27) or a bare unified social credit code (18).
func looksLikeCode(v string) bool {
	if v == "" {
		return false
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return strings.HasPrefix(v, "00") || len(v) == 27 || len(v) == 18
}

func firstBadChar(v string) (rune, bool) {
	for _, r := range v {
		if r < 0x21 || r > 0x7e || r == '\\' {
			return r, true
		}
	}
	return 0, false
}

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CheckProducerCode checks a service provider code (服务提供者编码,
// 网安秘字〔2025〕29号; requirements.md §3.3): 27 characters, digits or
// uppercase letters; "00"; organisation type "1" bound to a unified social
// credit code "1"; the 18-character USCC with its GB 32100-2015 check
// character and the GB 11714 check character of the organisation code inside
// it; then "00000" or a service type ("1" generation, "2" propagation) and a
// 4-character model or application code. It returns nil for a valid code and
// an error naming the first problem otherwise.
func CheckProducerCode(code string) error {
	if len(code) != 27 {
		return fmt.Errorf("is %d characters long, not 27", utf8.RuneCountInString(code))
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return fmt.Errorf("character %d %q is not a digit or an uppercase letter", i+1, rune(c))
		}
	}
	if code[:2] != "00" {
		return fmt.Errorf("characters 1–2 are %q, not the format number \"00\"", code[:2])
	}
	if code[2:4] != "11" {
		return fmt.Errorf("characters 3–4 are %q; only \"11\" (organisation, bound to its unified social credit code) is defined", code[2:4])
	}
	if err := CheckUSCC(code[4:22]); err != nil {
		return fmt.Errorf("unified social credit code %s: %w", code[4:22], err)
	}
	tail := code[22:]
	if tail != "00000" && tail[0] != '1' && tail[0] != '2' {
		return fmt.Errorf("characters 23–27 are %q: expected \"00000\" or service type 1 (generation) or 2 (propagation) and a 4-character code", tail)
	}
	return nil
}

// CheckUSCC checks an 18-character unified social credit code: its alphabet,
// its check character (GB 32100-2015) and the check character of the
// organisation code in characters 9–17 (GB 11714).
func CheckUSCC(u string) error {
	if len(u) != 18 {
		return fmt.Errorf("is %d characters long, not 18", len(u))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, u[i])
		if v < 0 {
			return fmt.Errorf("character %d %q is not in the USCC alphabet (no I, O, S, V, Z)", i+1, rune(u[i]))
		}
		sum += v * usccWeights[i]
	}
	want := 31 - sum%31
	if want == 31 {
		want = 0
	}
	if u[17] != usccAlphabet[want] {
		return fmt.Errorf("check character is %q, should be %q (GB 32100-2015)", rune(u[17]), rune(usccAlphabet[want]))
	}
	org := u[8:17]
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum = 0
	for i := 0; i < 8; i++ {
		c := org[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return fmt.Errorf("organisation code character %q is not a digit or a letter", rune(c))
		}
		sum += v * weights[i]
	}
	check := 11 - sum%11
	var wantc byte
	switch check {
	case 10:
		wantc = 'X'
	case 11:
		wantc = '0'
	default:
		wantc = byte('0' + check)
	}
	if org[8] != wantc {
		return fmt.Errorf("organisation code %s: check character is %q, should be %q (GB 11714)", org, rune(org[8]), rune(wantc))
	}
	return nil
}

// jsonObject is a JSON object with its keys in order.
type jsonObject struct {
	keys []string
	vals map[string]json.RawMessage
	dup  string
}

func (o *jsonObject) wrapped() ([]byte, bool) {
	for _, k := range o.keys {
		if strings.EqualFold(k, "AIGC") {
			v := bytes.TrimSpace(o.vals[k])
			if len(v) > 0 && v[0] == '{' {
				return v, true
			}
			// A double-encoded object: {"AIGC":"{\"Label\":…}"}.
			var str string
			if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &str) == nil {
				t := strings.TrimSpace(str)
				if strings.HasPrefix(t, "{") {
					return []byte(t), true
				}
			}
		}
	}
	return nil, false
}

func (o *jsonObject) countLabelKeys() int {
	n := 0
	for _, k := range LabelKeys {
		if _, ok := o.vals[k]; ok {
			n++
		}
	}
	return n
}

var errNotObject = errors.New("does not start with '{'")

// parseObject parses one JSON object, keeping key order and noting a
// duplicate key. With allowTrailing, bytes after the object are ignored (a
// bare AIGC{…} blob inside a larger segment).
func parseObject(b []byte, allowTrailing bool) (*jsonObject, error) {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		if len(b) == 0 {
			return nil, errors.New("empty")
		}
		return nil, errNotObject
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	o := &jsonObject{vals: map[string]json.RawMessage{}}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, ok := t.(string)
		if !ok {
			return nil, fmt.Errorf("object key is %v", t)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if _, seen := o.vals[k]; seen {
			if o.dup == "" {
				o.dup = k
			}
		} else {
			o.keys = append(o.keys, k)
		}
		o.vals[k] = v
		if len(o.keys) > 256 {
			return nil, errors.New("more than 256 keys")
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if !allowTrailing {
		rest := bytes.Trim(b[dec.InputOffset():], " \t\r\n\x00")
		if len(rest) > 0 {
			return nil, fmt.Errorf("%d unexpected bytes after the object", len(rest))
		}
	}
	return o, nil
}

// trimPayload strips a BOM, whitespace and NUL padding.
func trimPayload(p []byte) []byte {
	p = bytes.TrimPrefix(p, []byte("\xEF\xBB\xBF"))
	return bytes.Trim(p, " \t\r\n\x00")
}

// stripBareAIGC turns `AIGC{…}`, `AIGC:{…}`, `AIGC={…}` into `{…}`.
func stripBareAIGC(p []byte) ([]byte, bool) {
	if len(p) < 5 || !strings.EqualFold(string(p[:4]), "AIGC") {
		return p, false
	}
	q := bytes.TrimLeft(p[4:], " \t\r\n:=\x00")
	if len(q) > 0 && q[0] == '{' {
		return q, true
	}
	return p, false
}

// findBareLabels finds `AIGC{…}` blobs and `{"AIGC":…}` objects inside
// arbitrary bytes (APP segments, comments, trailing data) and returns the
// offsets of their opening braces.
func findBareLabels(b []byte) []int {
	var out []int
	seen := map[int]bool{}
	for i := 0; i < len(b) && len(out) < 8; {
		j := bytes.Index(b[i:], []byte("AIGC"))
		if j < 0 {
			break
		}
		at := i + j
		i = at + 4
		// AIGC followed by separators and '{'.
		k := at + 4
		for k < len(b) && k < at+12 && strings.IndexByte(" \t\r\n:=\x00", b[k]) >= 0 {
			k++
		}
		if k < len(b) && b[k] == '{' && !seen[k] {
			seen[k] = true
			out = append(out, k)
			continue
		}
		// {"AIGC": … : walk back over the quote, whitespace and brace.
		if at >= 2 && b[at-1] == '"' {
			m := at - 2
			for m >= 0 && m > at-12 && (b[m] == ' ' || b[m] == '\t' || b[m] == '\n' || b[m] == '\r') {
				m--
			}
			if m >= 0 && b[m] == '{' && !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// objectSpan returns the length of the JSON value starting at b[0] ('{'),
// or -1.
func objectSpan(b []byte) int {
	dec := json.NewDecoder(bytes.NewReader(b))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return -1
	}
	return int(dec.InputOffset())
}

func evidence(b []byte) string {
	if len(b) > maxRaw {
		b = b[:maxRaw]
		for len(b) > 0 && !utf8.Valid(b) && len(b) > maxRaw-4 {
			b = b[:len(b)-1]
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
