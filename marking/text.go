package marking

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"
)

// explicitNotice matches an explicit text label: an AI element ("AI",
// "人工智能") and a generation element ("生成", "合成") close together
// (requirements.md §2, common rule; GB 45438 5.1), e.g. "AI生成",
// "人工智能合成", "由AI生成", "本内容由人工智能生成", and common English forms.
var explicitNotice = regexp.MustCompile(`(人工智能|AI|ＡＩ)[^\n]{0,6}?(生成|合成)|(生成|合成)[^\n]{0,4}?(人工智能|AI|ＡＩ)|(?i:\bAI[- ]generated\b|\bgenerated (by|with) (an )?AI\b)`)

// textEdge is how much of the start and the end of a text output is searched
// for an explicit notice (GB 45438 5.1: at the start, the end, or in the
// middle; start and end are the places a reader sees).
const textEdge = 512

// text reads a text output: an explicit notice at its start or end (into
// Explicit), a YAML front-matter `AIGC:` label (seen in the field, not
// normative: carrier "other" with an info finding), and any AIGC{…} or
// {"AIGC":…} JSON in the text.
func (s *scanner) text() {
	b := bytes.TrimPrefix(s.data, []byte("\xEF\xBB\xBF"))
	body := b
	if fm, rest, ok := frontMatter(b); ok {
		s.frontMatterLabel(fm)
		body = rest
	}
	head := edgeBytes(body, true)
	tail := edgeBytes(body, false)
	found := false
	if m := explicitNotice.Find(head); m != nil {
		s.rep.Explicit = append(s.rep.Explicit, Explicit{Text: lineAround(head, m), Source: "text:start"})
		found = true
	}
	if len(body) > textEdge {
		if m := explicitNotice.Find(tail); m != nil {
			s.rep.Explicit = append(s.rep.Explicit, Explicit{Text: lineAround(tail, m), Source: "text:end"})
			found = true
		}
	}
	if !found {
		s.find(CodeExplicitMissing, "no explicit notice such as \"AI生成\" or \"人工智能合成\" at the start or end of the text (GB 45438 5.1); a warning because a plain scan does not know the service category")
	}
	if bytes.Contains(b, []byte("<x:xmpmeta")) {
		s.inText = true
		s.rawXMPScan("text") // SVG and other XML outputs may embed XMP
		s.inText = false
	}
	if len(s.rep.Implicit) == 0 && bytes.Contains(b, []byte("AIGC")) {
		s.bareLabelsMode("text:inline", b, CarrierOther, "label JSON inside the text, a place no guide defines", true)
	}
}

// edgeBytes returns up to textEdge bytes of the start or end of b, cut on a
// rune boundary.
func edgeBytes(b []byte, start bool) []byte {
	if len(b) <= textEdge {
		return b
	}
	if start {
		e := textEdge
		for e > 0 && !utf8.RuneStart(b[e]) {
			e--
		}
		return b[:e]
	}
	st := len(b) - textEdge
	for st < len(b) && !utf8.RuneStart(b[st]) {
		st++
	}
	return b[st:]
}

// lineAround returns the trimmed line of b that holds match m (at most 80
// runes).
func lineAround(b, m []byte) string {
	i := bytes.Index(b, m)
	start := bytes.LastIndexByte(b[:i], '\n') + 1
	end := bytes.IndexByte(b[i:], '\n')
	if end < 0 {
		end = len(b)
	} else {
		end += i
	}
	line := strings.TrimSpace(string(b[start:end]))
	if utf8.RuneCountInString(line) > 80 {
		r := []rune(line)
		line = string(r[:80]) + "…"
	}
	return line
}

// frontMatter splits a leading YAML front-matter block ("---" lines).
func frontMatter(b []byte) (fm, rest []byte, ok bool) {
	if !bytes.HasPrefix(b, []byte("---\n")) && !bytes.HasPrefix(b, []byte("---\r\n")) {
		return nil, b, false
	}
	nl := bytes.IndexByte(b, '\n') + 1
	for off := nl; off < len(b) && off < 64<<10; {
		e := bytes.IndexByte(b[off:], '\n')
		line := b[off:]
		next := len(b)
		if e >= 0 {
			line = b[off : off+e]
			next = off + e + 1
		}
		l := bytes.TrimRight(line, "\r ")
		if string(l) == "---" || string(l) == "..." {
			return b[nl:off], b[next:], true
		}
		off = next
	}
	return nil, b, false
}

// frontMatterLabel reads `AIGC:` in YAML front matter: either an inline JSON
// or flow mapping, or a block mapping of the seven keys.
func (s *scanner) frontMatterLabel(fm []byte) {
	lines := strings.Split(string(fm), "\n")
	for i, ln := range lines {
		ln = strings.TrimRight(ln, "\r")
		key, val, ok := strings.Cut(ln, ":")
		if !ok || strings.TrimSpace(key) != "AIGC" || strings.HasPrefix(key, " ") {
			continue
		}
		val = strings.TrimSpace(val)
		const note = "label in YAML front matter `AIGC:` (seen in the field, not normative)"
		if val != "" {
			s.addLabel(candidate{carrier: CarrierOther, location: "text:front-matter:AIGC", named: true,
				payload: []byte(unquoteYAML(val)), nonstandard: note})
			return
		}
		fields := map[string]string{}
		for _, sub := range lines[i+1:] {
			sub = strings.TrimRight(sub, "\r")
			if sub == "" || !(strings.HasPrefix(sub, " ") || strings.HasPrefix(sub, "\t")) {
				break
			}
			k, v, ok := strings.Cut(strings.TrimSpace(sub), ":")
			if !ok {
				continue
			}
			fields[strings.TrimSpace(k)] = unquoteYAML(strings.TrimSpace(v))
		}
		s.addLabel(candidate{carrier: CarrierOther, location: "text:front-matter:AIGC", named: true, fields: fields, nonstandard: note})
		return
	}
}

// unquoteYAML removes one level of YAML single or double quotes.
func unquoteYAML(v string) string {
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		if v[0] == '\'' {
			return strings.ReplaceAll(v[1:len(v)-1], "''", "'")
		}
		return strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(v[1 : len(v)-1])
	}
	return v
}
