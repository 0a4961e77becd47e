package label

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	nsRDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsX   = "adobe:ns:meta/"
)

// maxXMP bounds an XMP packet the writers will parse (16 MiB).
const maxXMP = 16 << 20

// NewXMP returns a complete XMP packet holding only the label: the TC260:AIGC
// property with the inner JSON, XML-escaped (requirements.md §3.4).
func NewXMP(f Fields) []byte {
	var b bytes.Buffer
	b.WriteString("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="` + nsRDF + `">`)
	b.Write(labelDescription(f))
	b.WriteString("</rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>")
	return b.Bytes()
}

// labelDescription is the rdf:Description element carrying the label.
func labelDescription(f Fields) []byte {
	var b bytes.Buffer
	b.WriteString(`<rdf:Description rdf:about="" xmlns:` + Prefix + `="` + Namespace + `"><` + Prefix + `:AIGC>`)
	xmlEscape(&b, f.InnerJSON())
	b.WriteString(`</` + Prefix + `:AIGC></rdf:Description>`)
	return b.Bytes()
}

// labelElement is the label property with the given prefix.
func labelElement(prefix string, f Fields) []byte {
	var b bytes.Buffer
	b.WriteString("<" + prefix + ":AIGC>")
	xmlEscape(&b, f.InnerJSON())
	b.WriteString("</" + prefix + ":AIGC>")
	return b.Bytes()
}

// xmlEscape escapes text content the way the guides show it (&quot; for
// quotes, requirements.md §3.5).
func xmlEscape(b *bytes.Buffer, s []byte) {
	for _, c := range s {
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteByte(c)
		}
	}
}

// span is a byte range [start, end) in a packet, with its replacement.
// For a label element, prefix is set when it is bound to Namespace.
type span struct {
	start, end int
	repl       []byte
	elem       bool
	prefix     string
}

// UpdateXMP returns packet with every TC260 AIGC property (element or
// attribute form, also a TC260 prefix bound to a wrong URI) removed and one
// new label property added before </rdf:RDF>. Everything else in the packet —
// other namespaces, other properties, the xpacket wrapper — is kept byte for
// byte ("update, don't overwrite, an existing namespace"). It also reports
// whether the packet held a label before. A packet that is not well-formed
// XML, or has no rdf:RDF element, is an error: the writer refuses rather than
// overwrite metadata it cannot read.
func UpdateXMP(packet []byte, f Fields) ([]byte, bool, error) {
	return editXMP(packet, &f)
}

// editXMP removes every label property from packet and, when f is not nil,
// adds the new one before </rdf:RDF>.
func editXMP(packet []byte, f *Fields) ([]byte, bool, error) {
	if len(packet) > maxXMP {
		return nil, false, fmt.Errorf("XMP packet is %d bytes, over the %d-byte limit", len(packet), maxXMP)
	}
	edits, rdfEnd, had, err := scanXMP(packet)
	if err != nil {
		return nil, false, err
	}
	if f != nil {
		// Update in place: the first label element bound to the right
		// namespace takes the new value; others are removed. Without one,
		// a new rdf:Description goes before </rdf:RDF>.
		inPlace := false
		for i := range edits {
			if edits[i].elem && edits[i].prefix != "" {
				edits[i].repl = labelElement(edits[i].prefix, *f)
				inPlace = true
				break
			}
		}
		if !inPlace {
			edits = append(edits, span{start: rdfEnd, end: rdfEnd, repl: labelDescription(*f)})
		}
	}
	var out bytes.Buffer
	out.Grow(len(packet) + 512)
	pos := 0
	for _, e := range edits {
		if e.start < pos {
			return nil, false, errors.New("XMP packet: overlapping label properties")
		}
		out.Write(packet[pos:e.start])
		out.Write(e.repl)
		pos = e.end
	}
	out.Write(packet[pos:])
	return out.Bytes(), had, nil
}

type nsScope map[string]string

// xmpScan walks a packet's tokens, tracking namespace scopes.
type xmpScan struct {
	packet    []byte
	stack     []nsScope
	edits     []span
	rdfEnd    int
	had       bool
	skipUntil int // depth at which a removed element ends, or -1
}

func (x *xmpScan) lookup(prefix string) string {
	for i := len(x.stack) - 1; i >= 0; i-- {
		if u, ok := x.stack[i][prefix]; ok {
			return u
		}
	}
	return ""
}

func (x *xmpScan) isLabel(prefix, local string) bool {
	if local != "AIGC" {
		return false
	}
	return prefix == Prefix || (prefix != "" && x.lookup(prefix) == Namespace)
}

func (x *xmpScan) start(t xml.StartElement, before, after int) {
	sc := nsScope{}
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" {
			sc[a.Name.Local] = a.Value
		}
	}
	x.stack = append(x.stack, sc)
	if x.skipUntil >= 0 {
		return
	}
	if x.isLabel(t.Name.Space, t.Name.Local) {
		x.had = true
		sp := span{start: before, elem: true}
		if t.Name.Space == Prefix && x.lookup(t.Name.Space) == Namespace {
			sp.prefix = t.Name.Space
		}
		x.edits = append(x.edits, sp)
		// A self-closing tag comes back as start + end; the end token
		// closes the span either way.
		x.skipUntil = len(x.stack)
		return
	}
	if rebuilt, found := dropLabelAttr(t, x.isLabel); found {
		x.had = true
		x.edits = append(x.edits, span{start: before, end: after, repl: rebuilt(x.packet[before:after])})
	}
}

func (x *xmpScan) end(t xml.EndElement, before, after int) error {
	if len(x.stack) == 0 {
		return errors.New("XMP packet: unbalanced end tag")
	}
	if x.skipUntil >= 0 && len(x.stack) == x.skipUntil {
		x.edits[len(x.edits)-1].end = after
		x.skipUntil = -1
	}
	if x.skipUntil < 0 && t.Name.Local == "RDF" && x.lookup(t.Name.Space) == nsRDF && x.rdfEnd < 0 {
		x.rdfEnd = before
	}
	x.stack = x.stack[:len(x.stack)-1]
	return nil
}

// scanXMP tokenises the packet and returns the edits that remove label
// properties, the offset of the </rdf:RDF> end tag, and whether any label
// property was found.
func scanXMP(packet []byte) ([]span, int, bool, error) {
	d := xml.NewDecoder(bytes.NewReader(packet))
	d.Strict = true
	x := &xmpScan{packet: packet, rdfEnd: -1, skipUntil: -1}
	for {
		before := int(d.InputOffset())
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, false, fmt.Errorf("XMP packet is not well-formed XML: %w", err)
		}
		after := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			x.start(t, before, after)
		case xml.EndElement:
			if err := x.end(t, before, after); err != nil {
				return nil, 0, false, err
			}
		}
	}
	if len(x.stack) != 0 {
		return nil, 0, false, errors.New("XMP packet: unclosed element")
	}
	if x.rdfEnd < 0 {
		return nil, 0, false, errors.New("XMP packet has no rdf:RDF element")
	}
	return x.edits, x.rdfEnd, x.had, nil
}

// dropLabelAttr reports whether start tag t carries a label attribute, and
// returns a function that rebuilds the tag's text without it.
func dropLabelAttr(t xml.StartElement, isLabel func(prefix, local string) bool) (func([]byte) []byte, bool) {
	found := false
	for _, a := range t.Attr {
		if isLabel(a.Name.Space, a.Name.Local) {
			found = true
		}
	}
	if !found {
		return nil, false
	}
	return func(orig []byte) []byte {
		var b bytes.Buffer
		b.WriteByte('<')
		b.WriteString(qname(t.Name))
		for _, a := range t.Attr {
			if isLabel(a.Name.Space, a.Name.Local) {
				continue
			}
			b.WriteByte(' ')
			b.WriteString(qname(a.Name))
			b.WriteString(`="`)
			xmlEscape(&b, []byte(a.Value))
			b.WriteByte('"')
		}
		if strings.HasSuffix(strings.TrimRight(string(orig), " \t\r\n"), "/>") {
			b.WriteString("/>")
		} else {
			b.WriteByte('>')
		}
		return b.Bytes()
	}, true
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}
