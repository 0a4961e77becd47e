package marking

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	nsRDF  = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsIPTC = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
	nsNote = "http://ns.adobe.com/xmp/note/"
	// maxXMP bounds one XMP packet (ExtendedXMP included).
	maxXMP = 16 << 20
)

// xmpResult is what one XMP packet held besides labels.
type xmpResult struct {
	extendedGUID string // xmpNote:HasExtendedXMP
}

type xmpFrame struct {
	ns      map[string]string // prefix → URI declared on this element
	name    xml.Name          // raw prefix in Space
	uri     string
	capture bool // inside an AIGC property
	iptc    bool
	extGUID bool
}

// xmp parses one XMP packet and adds every AIGC property (element, attribute
// or struct form, in any namespace) as a candidate label, and the IPTC
// DigitalSourceType. location names the container path of the packet.
func (s *scanner) xmp(location string, packet []byte) xmpResult {
	var res xmpResult
	s.xmpPackets++
	if s.xmpPackets > 32 {
		s.find(CodeFileMalformed, "more than 32 XMP packets; the rest are not read")
		return res
	}
	if len(packet) > maxXMP {
		s.find(CodeFileTooLarge, fmt.Sprintf("%s: XMP packet of %d bytes exceeds %d", location, len(packet), maxXMP))
		return res
	}
	d := xml.NewDecoder(bytes.NewReader(packet))
	d.Strict = true
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "us-ascii") {
			return r, nil
		}
		return nil, fmt.Errorf("XMP encoding %q is not UTF-8", label)
	}
	var stack []xmpFrame
	lookup := func(prefix string) string {
		for i := len(stack) - 1; i >= 0; i-- {
			if u, ok := stack[i].ns[prefix]; ok {
				return u
			}
		}
		if prefix == "xml" {
			return "http://www.w3.org/XML/1998/namespace"
		}
		return ""
	}
	// Capture state for one AIGC element.
	var (
		capDepth  = -1
		capText   strings.Builder
		capFields map[string]string
		capCand   candidate
		fieldName string
		fieldText strings.Builder
	)
	found := 0
	emit := func(c candidate) {
		if found >= 16 {
			return
		}
		found++
		c.lenient = s.inText
		s.addLabel(c)
	}
	mkCand := func(prefix, local, uri, form string) candidate {
		c := candidate{carrier: CarrierXMP, location: location, named: true, namespace: uri, xmpForm: form}
		if uri != TC260Namespace {
			c.nsBad = true
			if uri == "" {
				c.namespace = "(undeclared prefix " + prefix + ")"
			}
		}
		return c
	}
	for {
		tok, err := d.RawToken()
		if err != nil {
			if !errors.Is(err, io.EOF) && !s.inText {
				s.find(CodeFileMalformed, fmt.Sprintf("%s: XMP is not well-formed XML: %v", location, err))
				if found == 0 {
					s.xmpLenient(location, packet)
				}
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth*4 {
				s.tooDeep(location)
				return res
			}
			f := xmpFrame{name: t.Name}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" {
					if f.ns == nil {
						f.ns = map[string]string{}
					}
					f.ns[a.Name.Local] = a.Value
				} else if a.Name.Space == "" && a.Name.Local == "xmlns" {
					if f.ns == nil {
						f.ns = map[string]string{}
					}
					f.ns[""] = a.Value
				}
			}
			stack = append(stack, f)
			top := &stack[len(stack)-1]
			top.uri = lookup(t.Name.Space)
			depth := len(stack)
			// Attributes: AIGC attribute form, struct fields, IPTC, HasExtendedXMP.
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" {
					continue
				}
				auri := lookup(a.Name.Space)
				switch {
				case strings.EqualFold(a.Name.Local, "AIGC") && auri != nsRDF:
					if capDepth < 0 {
						c := mkCand(a.Name.Space, a.Name.Local, auri, "attribute")
						c.payload = []byte(a.Value)
						emit(c)
					}
				case a.Name.Local == "DigitalSourceType" && (auri == nsIPTC || a.Name.Space == "Iptc4xmpExt"):
					s.iptc(a.Value)
				case a.Name.Local == "HasExtendedXMP" && auri == nsNote:
					res.extendedGUID = strings.TrimSpace(a.Value)
				case capDepth >= 0 && isLabelKey(a.Name.Local):
					if capFields == nil {
						capFields = map[string]string{}
					}
					capFields[a.Name.Local] = a.Value
				case a.Name.Local == "resource" && auri == nsRDF:
					if len(stack) >= 2 && stack[len(stack)-2].iptc {
						s.iptc(a.Value)
					} else if top.uri == nsIPTC && t.Name.Local == "DigitalSourceType" {
						s.iptc(a.Value)
					}
				}
			}
			switch {
			case capDepth < 0 && strings.EqualFold(t.Name.Local, "AIGC") && top.uri != nsRDF:
				capDepth = depth
				capText.Reset()
				capFields = nil
				capCand = mkCand(t.Name.Space, t.Name.Local, top.uri, "element")
				top.capture = true
			case capDepth >= 0 && isLabelKey(t.Name.Local):
				fieldName = t.Name.Local
				fieldText.Reset()
			case t.Name.Local == "DigitalSourceType" && (top.uri == nsIPTC || t.Name.Space == "Iptc4xmpExt"):
				top.iptc = true
			case t.Name.Local == "HasExtendedXMP" && top.uri == nsNote:
				top.extGUID = true
			}
		case xml.CharData:
			if capDepth >= 0 {
				if fieldName != "" {
					fieldText.Write(t)
				} else if capText.Len() < maxXMP {
					capText.Write(t)
				}
			}
			if len(stack) > 0 && stack[len(stack)-1].iptc {
				s.iptc(string(t))
			}
			if len(stack) > 0 && stack[len(stack)-1].extGUID && res.extendedGUID == "" {
				res.extendedGUID = strings.TrimSpace(string(t))
			}
		case xml.EndElement:
			if len(stack) == 0 {
				break
			}
			depth := len(stack)
			if capDepth >= 0 && fieldName != "" && t.Name.Local == fieldName {
				if capFields == nil {
					capFields = map[string]string{}
				}
				capFields[fieldName] = fieldText.String()
				fieldName = ""
			}
			if depth == capDepth {
				c := capCand
				text := strings.TrimSpace(capText.String())
				if capFields != nil && text == "" {
					c.fields = capFields
				} else {
					c.payload = []byte(text)
				}
				emit(c)
				capDepth = -1
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				// The root element is closed: what follows is the packet
				// trailer and padding (often NULs), not XMP.
				return res
			}
		}
	}
	return res
}

func isLabelKey(k string) bool {
	for _, l := range LabelKeys {
		if l == k {
			return true
		}
	}
	return false
}

// iptc records the IPTC DigitalSourceType (http or https form, as found).
func (s *scanner) iptc(v string) {
	v = strings.TrimSpace(v)
	if v == "" || s.rep.IPTCDigitalSourceType != "" {
		return
	}
	s.rep.IPTCDigitalSourceType = v
	if !strings.HasPrefix(v, "http://cv.iptc.org/newscodes/digitalsourcetype/") &&
		!strings.HasPrefix(v, "https://cv.iptc.org/newscodes/digitalsourcetype/") {
		s.find(CodeFileMalformed, fmt.Sprintf("IPTC DigitalSourceType %q is not a cv.iptc.org digitalsourcetype URI", clip(v, 80)))
	}
}

// xmpLenient finds AIGC properties in XMP that is not well-formed XML, by
// their text alone, so that a broken packet still shows its label.
func (s *scanner) xmpLenient(location string, packet []byte) {
	for i, n := 0, 0; i < len(packet) && n < 8; n++ {
		j := bytes.Index(packet[i:], []byte(":AIGC"))
		if j < 0 {
			return
		}
		at := i + j + 5
		i = at
		rest := packet[at:]
		var val []byte
		switch {
		case bytes.HasPrefix(rest, []byte(`="`)):
			end := bytes.IndexByte(rest[2:], '"')
			if end < 0 {
				continue
			}
			val = rest[2 : 2+end]
		case bytes.HasPrefix(rest, []byte(`>`)):
			end := bytes.Index(rest, []byte("</"))
			if end < 0 {
				continue
			}
			val = rest[1:end]
		default:
			continue
		}
		c := candidate{carrier: CarrierXMP, location: location, named: true, payload: []byte(xmlUnescape(string(val)))}
		// The prefix before ":AIGC" and its xmlns declaration, by text.
		p := at - 5
		for p > 0 && isNameByte(packet[p-1]) {
			p--
		}
		if p >= 2 && packet[p-1] == '/' && packet[p-2] == '<' {
			continue // a closing tag
		}
		prefix := string(packet[p : at-5])
		c.namespace = "(XMP not well-formed; namespace of prefix " + prefix + " not found)"
		for _, q := range []string{`"`, `'`} {
			decl := []byte("xmlns:" + prefix + "=" + q)
			if k := bytes.Index(packet, decl); k >= 0 {
				rest := packet[k+len(decl):]
				if e := bytes.Index(rest, []byte(q)); e >= 0 {
					c.namespace = string(rest[:e])
				}
			}
		}
		c.nsBad = c.namespace != TC260Namespace
		c.xmpForm = "element"
		if bytes.HasPrefix(packet[at:], []byte(`=`)) {
			c.xmpForm = "attribute"
		}
		s.addLabel(c)
	}
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

func xmlUnescape(v string) string {
	r := strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&apos;", "'", "&#34;", `"`, "&#x22;", `"`)
	return r.Replace(v)
}

// rawXMPScan finds XMP packets anywhere in the file bytes (formats whose XMP
// placement is not walked, e.g. PDF metadata streams, HEIF items, unknown
// files) and parses them.
func (s *scanner) rawXMPScan(prefix string) {
	b := s.data
	off := 0
	for n := 0; n < 4; n++ {
		i := bytes.Index(b[off:], []byte("<x:xmpmeta"))
		if i < 0 {
			return
		}
		start := off + i
		end := bytes.Index(b[start:], []byte("</x:xmpmeta>"))
		if end < 0 {
			if !s.inText {
				s.truncated(fmt.Sprintf("%s:xmpmeta@%d", prefix, start))
			}
			return
		}
		stop := start + end + len("</x:xmpmeta>")
		s.xmp(fmt.Sprintf("%s:xmpmeta@%d", prefix, start), b[start:stop])
		off = stop
	}
}
