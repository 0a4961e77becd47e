package report

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
)

// This file reads just enough of a PDF to verify an audit package: the
// cross-reference tables (classic ones, which fpdf and pdfsign write), the
// catalog, the signature field and the embedded-file name tree. It is
// written for hostile input: every length and offset is checked against
// the file, nesting and the number of objects visited are bounded, and
// decompression stops at MaxManifestSize. Errors say what was wrong; no
// input makes it panic (FuzzVerify).

// MaxManifestSize bounds the embedded manifest once decompressed.
const MaxManifestSize = 512 << 20

const (
	maxDepth        = 64      // nesting of arrays and dictionaries
	maxXrefSections = 256     // incremental updates followed
	maxObjectNumber = 1 << 24 // larger object numbers are refused
	maxResolve      = 1 << 16 // objects read while looking for something
)

// PDF values: nil (null), bool, int64, float64, pdfString, pdfName,
// []any (array), pdfDict, pdfRef, *pdfStream.
type (
	pdfName   string
	pdfString []byte
	pdfDict   map[pdfName]any
	pdfRef    struct{ num, gen int64 }
	pdfStream struct {
		dict pdfDict
		data []byte // raw, still encoded
	}
)

var errSyntax = errors.New("malformed PDF")

func syntaxErr(pos int, format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", errSyntax, pos, fmt.Sprintf(format, args...))
}

// lexer reads PDF tokens from b starting at pos.
type lexer struct {
	b   []byte
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return strings.IndexByte("()<>[]{}/%", c) >= 0
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// keyword reads a run of regular characters.
func (l *lexer) keyword() string {
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	return string(l.b[start:l.pos])
}

// int reads an unsigned decimal integer of at most 18 digits.
func (l *lexer) int() (int64, bool) {
	l.skipSpace()
	start := l.pos
	for l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '9' && l.pos-start < 18 {
		l.pos++
	}
	if l.pos == start || (l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos])) {
		l.pos = start
		return 0, false
	}
	n, err := strconv.ParseInt(string(l.b[start:l.pos]), 10, 64)
	if err != nil {
		l.pos = start
		return 0, false
	}
	return n, true
}

// value reads one value; depth bounds nesting.
func (l *lexer) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, syntaxErr(l.pos, "nested too deep")
	}
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, syntaxErr(l.pos, "unexpected end of file")
	}
	switch c := l.b[l.pos]; {
	case c == '/':
		return l.name()
	case c == '(':
		return l.literal()
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		return l.dict(depth)
	case c == '<':
		return l.hex()
	case c == '[':
		l.pos++
		var arr []any
		for {
			l.skipSpace()
			if l.pos >= len(l.b) {
				return nil, syntaxErr(l.pos, "unterminated array")
			}
			if l.b[l.pos] == ']' {
				l.pos++
				return arr, nil
			}
			v, err := l.value(depth + 1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return l.number()
	default:
		start := l.pos
		switch kw := l.keyword(); kw {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		default:
			return nil, syntaxErr(start, "unexpected %q", abbrev(kw, 20))
		}
	}
}

// number reads a number, or a reference "num gen R".
func (l *lexer) number() (any, error) {
	start := l.pos
	if n, ok := l.int(); ok {
		save := l.pos
		if gen, ok := l.int(); ok {
			l.skipSpace()
			if l.pos < len(l.b) && l.b[l.pos] == 'R' && (l.pos+1 == len(l.b) || isSpace(l.b[l.pos+1]) || isDelim(l.b[l.pos+1])) {
				l.pos++
				return pdfRef{n, gen}, nil
			}
		}
		l.pos = save
		return n, nil
	}
	l.pos = start
	tok := l.keyword()
	if len(tok) > 40 {
		return nil, syntaxErr(start, "number too long")
	}
	if n, err := strconv.ParseInt(tok, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(tok, 64)
	if err != nil {
		return nil, syntaxErr(start, "bad number %q", tok)
	}
	return f, nil
}

func (l *lexer) name() (pdfName, error) {
	l.pos++ // '/'
	var out []byte
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		c := l.b[l.pos]
		if c == '#' && l.pos+2 < len(l.b) {
			if v, err := strconv.ParseUint(string(l.b[l.pos+1:l.pos+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				l.pos += 3
				continue
			}
		}
		out = append(out, c)
		l.pos++
	}
	return pdfName(out), nil
}

func (l *lexer) literal() (pdfString, error) {
	start := l.pos
	l.pos++ // '('
	var out []byte
	nest := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			nest++
		case ')':
			nest--
			if nest == 0 {
				return out, nil
			}
		case '\\':
			if l.pos >= len(l.b) {
				return nil, syntaxErr(start, "unterminated string")
			}
			e := l.b[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
						v = v*8 + int(l.b[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, syntaxErr(start, "unterminated string")
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *lexer) hex() (pdfString, error) {
	start := l.pos
	l.pos++ // '<'
	var out []byte
	half, odd := byte(0), false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			if odd {
				out = append(out, half<<4)
			}
			return out, nil
		}
		if isSpace(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			return nil, syntaxErr(l.pos-1, "bad hex digit")
		}
		if odd {
			out = append(out, half<<4|v)
		} else {
			half = v
		}
		odd = !odd
	}
	return nil, syntaxErr(start, "unterminated hex string")
}

func (l *lexer) dict(depth int) (pdfDict, error) {
	start := l.pos
	l.pos += 2 // "<<"
	d := pdfDict{}
	for {
		l.skipSpace()
		if l.pos+1 < len(l.b) && l.b[l.pos] == '>' && l.b[l.pos+1] == '>' {
			l.pos += 2
			return d, nil
		}
		if l.pos >= len(l.b) {
			return nil, syntaxErr(start, "unterminated dictionary")
		}
		if l.b[l.pos] != '/' {
			return nil, syntaxErr(l.pos, "dictionary key is not a name")
		}
		k, err := l.name()
		if err != nil {
			return nil, err
		}
		v, err := l.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d[k] = v
	}
}

// pdfDoc is a parsed cross-reference: object number → byte offset.
type pdfDoc struct {
	b       []byte
	offsets map[int64]int64
	trailer pdfDict
	reads   int
	// budget is how many more bytes objects may be parsed from, so that a
	// file naming one large object many times cannot make the work grow
	// faster than the file.
	budget int
}

// openPDF reads the cross-reference sections from the last startxref
// back through /Prev; newer sections override older ones.
func openPDF(b []byte) (*pdfDoc, error) {
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		return nil, errors.New("not a PDF file (no %PDF- header)")
	}
	i := bytes.LastIndex(b, []byte("startxref"))
	if i < 0 {
		return nil, errors.New("no startxref: the file is truncated or not a PDF")
	}
	l := &lexer{b: b, pos: i + len("startxref")}
	off, ok := l.int()
	if !ok {
		return nil, syntaxErr(l.pos, "startxref without an offset")
	}
	d := &pdfDoc{b: b, offsets: map[int64]int64{}, budget: 4*len(b) + 1<<20}
	seen := map[int64]bool{}
	for n := 0; ; n++ {
		if n >= maxXrefSections {
			return nil, errors.New("too many cross-reference sections")
		}
		if off < 0 || off >= int64(len(b)) || seen[off] {
			return nil, fmt.Errorf("%w: cross-reference offset %d is outside the file or loops", errSyntax, off)
		}
		seen[off] = true
		trailer, err := d.xrefSection(int(off))
		if err != nil {
			return nil, err
		}
		if d.trailer == nil {
			d.trailer = trailer
		}
		prev, ok := trailer["Prev"].(int64)
		if !ok {
			break
		}
		off = prev
	}
	return d, nil
}

// xrefSection reads one classic cross-reference table and its trailer.
func (d *pdfDoc) xrefSection(off int) (pdfDict, error) {
	l := &lexer{b: d.b, pos: off}
	l.skipSpace()
	if kw := l.keyword(); kw != "xref" {
		return nil, syntaxErr(off, "no cross-reference table (cross-reference streams are not read)")
	}
	for {
		l.skipSpace()
		save := l.pos
		if l.keyword() == "trailer" {
			break
		}
		l.pos = save
		first, ok1 := l.int()
		count, ok2 := l.int()
		if !ok1 || !ok2 {
			return nil, syntaxErr(l.pos, "bad cross-reference subsection")
		}
		// Each entry takes at least 18 bytes: a count beyond that is a lie.
		if count > int64(len(d.b)-l.pos)/18+1 || first+count > maxObjectNumber {
			return nil, syntaxErr(l.pos, "cross-reference subsection too large")
		}
		for k := range count {
			o, ok1 := l.int()
			_, ok2 := l.int()
			l.skipSpace()
			kind := l.keyword()
			if !ok1 || !ok2 || (kind != "n" && kind != "f") {
				return nil, syntaxErr(l.pos, "bad cross-reference entry")
			}
			num := first + k
			if _, seen := d.offsets[num]; !seen {
				if kind == "n" {
					d.offsets[num] = o
				} else {
					d.offsets[num] = -1
				}
			}
		}
	}
	v, err := l.value(0)
	if err != nil {
		return nil, err
	}
	t, ok := v.(pdfDict)
	if !ok {
		return nil, syntaxErr(l.pos, "trailer is not a dictionary")
	}
	return t, nil
}

// object reads object num: its value, or a *pdfStream. It also returns
// the object's byte span.
func (d *pdfDoc) object(num int64) (any, int, int, error) {
	d.reads++
	if d.reads > maxResolve {
		return nil, 0, 0, errors.New("too many objects read")
	}
	off, ok := d.offsets[num]
	if !ok || off < 0 {
		return nil, 0, 0, fmt.Errorf("object %d is not in the file", num)
	}
	if off >= int64(len(d.b)) {
		return nil, 0, 0, fmt.Errorf("%w: object %d's offset is outside the file", errSyntax, num)
	}
	l := &lexer{b: d.b, pos: int(off)}
	n, ok1 := l.int()
	_, ok2 := l.int()
	l.skipSpace()
	if !ok1 || !ok2 || n != num || l.keyword() != "obj" {
		return nil, 0, 0, syntaxErr(int(off), "object %d is not where the cross-reference says", num)
	}
	v, err := l.value(0)
	if err != nil {
		return nil, 0, 0, err
	}
	if d.budget -= l.pos - int(off); d.budget < 0 {
		return nil, 0, 0, errors.New("the file's objects refer to one another too often")
	}
	l.skipSpace()
	save := l.pos
	kw := l.keyword()
	if kw != "stream" {
		l.pos = save
		return v, int(off), l.pos, nil
	}
	dict, ok := v.(pdfDict)
	if !ok {
		return nil, 0, 0, syntaxErr(save, "stream without a dictionary")
	}
	if l.pos < len(d.b) && d.b[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(d.b) && d.b[l.pos] == '\n' {
		l.pos++
	}
	var length int64
	switch lv := dict["Length"].(type) {
	case int64:
		length = lv
	case pdfRef:
		lo, _, _, err := d.object(lv.num)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("stream length: %w", err)
		}
		length, ok = lo.(int64)
		if !ok {
			return nil, 0, 0, syntaxErr(save, "stream length is not a number")
		}
	default:
		return nil, 0, 0, syntaxErr(save, "stream without a length")
	}
	if length < 0 || length > int64(len(d.b)-l.pos) {
		return nil, 0, 0, syntaxErr(l.pos, "stream length %d runs past the end of the file", length)
	}
	data := d.b[l.pos : l.pos+int(length)]
	return &pdfStream{dict: dict, data: data}, int(off), l.pos + int(length), nil
}

// resolve follows references (a bounded number of times).
func (d *pdfDoc) resolve(v any) (any, error) {
	for range 8 {
		r, ok := v.(pdfRef)
		if !ok {
			return v, nil
		}
		o, _, _, err := d.object(r.num)
		if err != nil {
			return nil, err
		}
		v = o
	}
	return nil, errors.New("references nested too deep")
}

func (d *pdfDoc) dictOf(v any, what string) (pdfDict, error) {
	o, err := d.resolve(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	dict, ok := o.(pdfDict)
	if !ok {
		return nil, fmt.Errorf("%s is missing or not a dictionary", what)
	}
	return dict, nil
}

// textString decodes a PDF text string: UTF-16BE with a byte-order mark,
// or PDFDocEncoding (read as Latin-1, enough for file names).
func textString(s pdfString) string {
	if len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff {
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	}
	r := make([]rune, len(s))
	for i, c := range s {
		r[i] = rune(c)
	}
	return string(r)
}

// embeddedFile finds the one embedded file called name in the catalog's
// EmbeddedFiles name tree and returns its decoded content.
func (d *pdfDoc) embeddedFile(name string) ([]byte, error) {
	root, err := d.dictOf(d.trailer["Root"], "the catalog")
	if err != nil {
		return nil, err
	}
	names, err := d.dictOf(root["Names"], "the catalog's name dictionary")
	if err != nil {
		return nil, err
	}
	tree, err := d.dictOf(names["EmbeddedFiles"], "the embedded-files name tree")
	if err != nil {
		return nil, err
	}
	var found []pdfDict
	if err := d.walkNames(tree, 0, func(spec pdfDict) {
		for _, k := range []pdfName{"UF", "F"} {
			if s, ok := spec[k].(pdfString); ok && textString(s) == name {
				found = append(found, spec)
				return
			}
		}
	}); err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no embedded file named %s", name)
	case 1:
	default:
		return nil, fmt.Errorf("%d embedded files are named %s", len(found), name)
	}
	ef, err := d.dictOf(found[0]["EF"], "the file specification's EF entry")
	if err != nil {
		return nil, err
	}
	o, err := d.resolve(ef["F"])
	if err != nil {
		return nil, fmt.Errorf("embedded file: %w", err)
	}
	st, ok := o.(*pdfStream)
	if !ok {
		return nil, errors.New("the embedded file is not a stream")
	}
	return decodeStream(st, MaxManifestSize)
}

// walkNames visits the values of a name tree's leaves.
func (d *pdfDoc) walkNames(node pdfDict, depth int, visit func(pdfDict)) error {
	if depth > 8 {
		return errors.New("name tree nested too deep")
	}
	if arr, err := d.resolve(node["Names"]); err == nil && arr != nil {
		list, ok := arr.([]any)
		if !ok {
			return errors.New("name tree Names is not an array")
		}
		for i := 1; i < len(list); i += 2 {
			spec, err := d.dictOf(list[i], "a file specification")
			if err != nil {
				return err
			}
			visit(spec)
		}
	} else if err != nil {
		return err
	}
	kids, err := d.resolve(node["Kids"])
	if err != nil {
		return err
	}
	list, _ := kids.([]any)
	for _, k := range list {
		kid, err := d.dictOf(k, "a name tree node")
		if err != nil {
			return err
		}
		if err := d.walkNames(kid, depth+1, visit); err != nil {
			return err
		}
	}
	return nil
}

// decodeStream undoes a stream's filter: none or FlateDecode, and stops
// with an error past limit bytes.
func decodeStream(st *pdfStream, limit int64) ([]byte, error) {
	var filters []any
	switch f := st.dict["Filter"].(type) {
	case nil:
	case pdfName:
		filters = []any{f}
	case []any:
		filters = f
	default:
		return nil, errors.New("stream filter is not a name")
	}
	data := st.data
	for _, f := range filters {
		if f != pdfName("FlateDecode") {
			return nil, fmt.Errorf("stream filter %v is not supported", f)
		}
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("inflate stream: %w", err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return nil, fmt.Errorf("inflate stream: %w", err)
		}
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("stream is larger than %d bytes once decompressed", limit)
		}
		data = out
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("stream is larger than %d bytes", limit)
	}
	return data, nil
}

// sigField is the signature found in the document.
type sigField struct {
	byteRange  [4]int64
	contents   []byte // the CMS bytes, padding included
	subFilter  string
	objStart   int
	objEnd     int
	nSigFields int
}

// signature finds the document's signature dictionary through the
// catalog's AcroForm fields.
func (d *pdfDoc) signature() (*sigField, error) {
	root, err := d.dictOf(d.trailer["Root"], "the catalog")
	if err != nil {
		return nil, err
	}
	form, err := d.dictOf(root["AcroForm"], "the catalog's AcroForm (no signature form)")
	if err != nil {
		return nil, err
	}
	fo, err := d.resolve(form["Fields"])
	if err != nil {
		return nil, fmt.Errorf("AcroForm fields: %w", err)
	}
	fields, _ := fo.([]any)
	var sig *sigField
	for _, f := range fields {
		field, err := d.dictOf(f, "a form field")
		if err != nil {
			return nil, err
		}
		if field["FT"] != pdfName("Sig") {
			continue
		}
		ref, ok := field["V"].(pdfRef)
		if !ok {
			return nil, errors.New("signature field without a signature dictionary")
		}
		v, start, end, err := d.object(ref.num)
		if err != nil {
			return nil, fmt.Errorf("signature dictionary: %w", err)
		}
		sd, ok := v.(pdfDict)
		if !ok {
			return nil, errors.New("signature value is not a dictionary")
		}
		s := &sigField{objStart: start, objEnd: end}
		br, _ := sd["ByteRange"].([]any)
		if len(br) != 4 {
			return nil, errors.New("signature ByteRange is not four numbers")
		}
		for i, x := range br {
			n, ok := x.(int64)
			if !ok {
				return nil, errors.New("signature ByteRange is not four numbers")
			}
			s.byteRange[i] = n
		}
		c, ok := sd["Contents"].(pdfString)
		if !ok {
			return nil, errors.New("signature without Contents")
		}
		s.contents = c
		sf, _ := sd["SubFilter"].(pdfName)
		s.subFilter = string(sf)
		if sig != nil {
			sig.nSigFields++
			continue
		}
		s.nSigFields = 1
		sig = s
	}
	if sig == nil {
		return nil, errors.New("the document has no signature field")
	}
	return sig, nil
}
