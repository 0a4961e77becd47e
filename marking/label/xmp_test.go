package label_test

import (
	"strings"
	"testing"

	"synthreview/marking/label"
)

func TestUpdateXMPKeepsOtherMetadata(t *testing.T) {
	f := testFields("IMG42")
	cases := []struct {
		name, packet string
		had          bool
	}{
		{"no label", `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Sunset &amp; sea</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`, false},
		{"element form", `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><TC260:AIGC>{&quot;Label&quot;:&quot;3&quot;}</TC260:AIGC><dc:title>Sunset &amp; sea</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`, true},
		{"attribute form", `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" TC260:AIGC="{&quot;Label&quot;:&quot;3&quot;}" dc:format="image/png"><dc:title>Sunset &amp; sea</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`, true},
		{"wrong namespace URI", `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:TC260="http://ns.adobe.com/xap/1.0/tc/"><TC260:AIGC>old</TC260:AIGC></rdf:Description><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Sunset &amp; sea</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`, true},
		{"other prefix, right URI", `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:aigc="http://www.tc260.org.cn/ns/AIGC/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><aigc:AIGC/><dc:title>Sunset &amp; sea</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, had, err := label.UpdateXMP([]byte(c.packet), f)
			if err != nil {
				t.Fatal(err)
			}
			s := string(out)
			if had != c.had {
				t.Errorf("had = %v, want %v", had, c.had)
			}
			if !strings.Contains(s, "Sunset &amp; sea") {
				t.Errorf("other XMP lost: %s", s)
			}
			if n := strings.Count(s, ":AIGC"); n != 2 { // one start tag, one end tag
				t.Errorf("%d AIGC tag names, want exactly one element: %s", n, s)
			}
			if !strings.Contains(s, `<TC260:AIGC>{&quot;Label&quot;:&quot;1&quot;,&quot;ContentProducer&quot;`) {
				t.Errorf("new label missing or not XML-escaped: %s", s)
			}
			if strings.Contains(s, "&quot;3&quot;") || strings.Contains(s, ">old<") {
				t.Errorf("old label kept: %s", s)
			}
			if strings.HasPrefix(c.packet, "<?xpacket") && !strings.HasSuffix(s, `<?xpacket end="w"?>`) {
				t.Errorf("xpacket wrapper lost")
			}
		})
	}
}

func TestUpdateXMPRefusesWhatItCannotRead(t *testing.T) {
	for _, p := range []string{
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`,
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>`,
		`not xml at all <<<`,
		"<a>\xff</a>",
	} {
		if _, _, err := label.UpdateXMP([]byte(p), testFields("A")); err == nil {
			t.Errorf("UpdateXMP(%q) succeeded, want an error", p)
		}
	}
}

func TestInnerJSONForm(t *testing.T) {
	f := label.Fields{Label: "1", ContentProducer: "A<&>\"中", ProduceID: "B"}
	got := string(f.InnerJSON())
	want := `{"Label":"1","ContentProducer":"A<&>\"中","ProduceID":"B","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}`
	if got != want {
		t.Errorf("InnerJSON = %s\nwant        %s", got, want)
	}
	if w := string(f.WrappedJSON()); w != `{"AIGC":`+want+`}` {
		t.Errorf("WrappedJSON = %s", w)
	}
}

func TestFieldsValidate(t *testing.T) {
	bad := []label.Fields{
		{Label: "0", ContentProducer: validCode, ProduceID: "A"},
		{Label: "1", ProduceID: "A"},
		{Label: "1", ContentProducer: validCode},
		{Label: "1", ContentProducer: validCode, ProduceID: "A\nB"},
		{Label: "1", ContentProducer: validCode, ProduceID: "\xff"},
		{Label: "1", ContentProducer: validCode, ProduceID: strings.Repeat("x", 2000)},
	}
	for _, f := range bad {
		if _, err := label.WritePNG(genPNG(t), f); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}
