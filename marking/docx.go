package marking

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// docx reads an OOXML package (DOCX, XLSX, PPTX): the custom property named
// AIGC in docProps/custom.xml (requirements.md §3.4). Members are inflated
// with a size cap, so a ZIP bomb stops at the cap.
func (s *scanner) docx() {
	zr, err := zip.NewReader(bytes.NewReader(s.data), int64(len(s.data)))
	if err != nil {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) {
			s.truncated(fmt.Sprintf("%s: ZIP central directory: %v", s.rep.Format, err))
		} else {
			s.find(CodeFileMalformed, fmt.Sprintf("%s: ZIP: %v", s.rep.Format, err))
		}
		return
	}
	if len(zr.File) > 100000 {
		s.find(CodeFileMalformed, fmt.Sprintf("%s: %d ZIP entries", s.rep.Format, len(zr.File)))
		return
	}
	for _, f := range zr.File {
		switch f.Name {
		case "docProps/custom.xml":
			b, err := readZipMember(f, s.inflateCap())
			if err != nil {
				s.zipErr(f.Name, err)
				continue
			}
			s.customXML(s.rep.Format+":docProps/custom.xml", b)
		default:
			if strings.HasPrefix(f.Name, "customXml/") && strings.HasSuffix(f.Name, ".xml") && f.UncompressedSize64 < 1<<20 {
				b, err := readZipMember(f, 1<<20)
				if err == nil && bytes.Contains(b, []byte("<x:xmpmeta")) {
					s.xmp(s.rep.Format+":"+f.Name, b)
				}
			}
		}
	}
}

func (s *scanner) zipErr(name string, err error) {
	if errors.Is(err, errInflateCap) {
		s.find(CodeFileTooLarge, fmt.Sprintf("%s: %s inflates past %d bytes; not read", s.rep.Format, name, s.inflateCap()))
		return
	}
	if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) {
		s.find(CodeFileMalformed, fmt.Sprintf("%s: %s does not inflate to the size and checksum its header declares (%v); not read", s.rep.Format, name, err))
		return
	}
	s.find(CodeFileMalformed, fmt.Sprintf("%s: %s: %v", s.rep.Format, name, err))
}

func readZipMember(f *zip.File, limit int) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, errInflateCap
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if len(b) > limit {
		return nil, errInflateCap
	}
	return b, err
}

// customXML reads <property name="AIGC"><vt:lpwstr>…</vt:lpwstr></property>.
func (s *scanner) customXML(where string, b []byte) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var inAIGC bool
	var name string
	var text strings.Builder
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.find(CodeFileMalformed, fmt.Sprintf("%s: not well-formed XML: %v", where, err))
			}
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				s.tooDeep(where)
				return
			}
			if t.Name.Local == "property" {
				for _, a := range t.Attr {
					if a.Name.Local == "name" {
						name = a.Value
					}
				}
				inAIGC = strings.EqualFold(strings.TrimSpace(name), "AIGC")
				text.Reset()
			}
		case xml.CharData:
			if inAIGC && text.Len() < maxXMP {
				text.Write(t)
			}
		case xml.EndElement:
			depth--
			if t.Name.Local == "property" {
				if inAIGC {
					s.addLabel(candidate{carrier: CarrierDOCXCustom, location: where + ":AIGC", named: true, payload: []byte(text.String())})
				}
				inAIGC = false
			}
		}
	}
}
