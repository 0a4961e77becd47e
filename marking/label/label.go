// Package label writes the GB 45438-2025 implicit metadata label (the TC260
// "AIGC" label, requirements.md §3) into the primary carrier of every
// container SynthReview handles: XMP in PNG (iTXt), JPEG (APP1), WebP (VP8X +
// "XMP " chunk), GIF (XMP application extension) and TIFF (tag 700); the RIFF
// "AIGC" chunk in WAV; an ID3v2 TXXX frame in MP3; moov/udta/meta mdta keys in
// MP4/MOV. It also holds the no-weakening policy (LM Art. 10, DSP Art. 18)
// that decides what the mark command may write over an existing label.
//
// Writers take the file's bytes and return new bytes: they replace an earlier
// label (one label per file, GB 6.1 c), keep every other piece of metadata and
// leave the media data (IDAT, scan data, audio frames, mdat) byte for byte.
// Every input is hostile: lengths are bounds-checked and bad input gets an
// error, never a panic.
//
// Package label must not import Fyne, database/sql, review, store, ui or app
// (style.md §2).
package label

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Namespace is the XMP namespace of the TC260 label (requirements.md §3.4).
const Namespace = "http://www.tc260.org.cn/ns/AIGC/1.0/"

// Prefix is the XMP prefix bound to Namespace.
const Prefix = "TC260"

// MaxInput bounds the size of a file the writers accept (1 GiB): larger
// inputs are refused before any parsing.
const MaxInput = 1 << 30

// maxFieldLen bounds one label value; the label must fit in a JPEG APP1
// segment and stay a small record.
const maxFieldLen = 1024

// ErrUnsupported is wrapped by Write when the container has no writer.
var ErrUnsupported = errors.New("unsupported container")

// Fields is the seven-field implicit label, in the order GB 45438-2025
// Annex E and requirements.md §3.1 give. All values are strings.
type Fields struct {
	Label             string
	ContentProducer   string
	ProduceID         string
	ReservedCode1     string
	ContentPropagator string
	PropagateID       string
	ReservedCode2     string
}

// Map returns the fields keyed by their Annex E names.
func (f Fields) Map() map[string]string {
	return map[string]string{
		"Label": f.Label, "ContentProducer": f.ContentProducer, "ProduceID": f.ProduceID,
		"ReservedCode1": f.ReservedCode1, "ContentPropagator": f.ContentPropagator,
		"PropagateID": f.PropagateID, "ReservedCode2": f.ReservedCode2,
	}
}

// FieldsFromMap builds Fields from a reader's field map; missing keys stay
// empty.
func FieldsFromMap(m map[string]string) Fields {
	return Fields{
		Label: m["Label"], ContentProducer: m["ContentProducer"], ProduceID: m["ProduceID"],
		ReservedCode1: m["ReservedCode1"], ContentPropagator: m["ContentPropagator"],
		PropagateID: m["PropagateID"], ReservedCode2: m["ReservedCode2"],
	}
}

// Validate checks what a writer needs: Label is "1", "2" or "3" (a string,
// Annex E), producer and ProduceID are present, every value is valid UTF-8
// without control characters and at most 1024 bytes. The producer-code
// format is the policy's business (marking.CheckProducerCode), not the
// writer's.
func (f Fields) Validate() error {
	switch f.Label {
	case "1", "2", "3":
	default:
		return fmt.Errorf("label value %q: must be \"1\", \"2\" or \"3\" (GB 45438-2025 Annex E)", f.Label)
	}
	if f.ContentProducer == "" {
		return errors.New("ContentProducer is empty")
	}
	if f.ProduceID == "" {
		return errors.New("ProduceID is empty")
	}
	for k, v := range f.Map() {
		if len(v) > maxFieldLen {
			return fmt.Errorf("field %s is %d bytes, over the %d-byte limit", k, len(v), maxFieldLen)
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("field %s is not valid UTF-8", k)
		}
		for _, r := range v {
			if r < 0x20 || r == 0x7f {
				return fmt.Errorf("field %s contains control character %U", k, r)
			}
		}
	}
	return nil
}

// InnerJSON is the seven-key object in Annex E order, the "inner" form the
// guides use for XMP, MP4, MP3 and WAV (requirements.md §3.2).
func (f Fields) InnerJSON() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	kv := [][2]string{
		{"Label", f.Label}, {"ContentProducer", f.ContentProducer}, {"ProduceID", f.ProduceID},
		{"ReservedCode1", f.ReservedCode1}, {"ContentPropagator", f.ContentPropagator},
		{"PropagateID", f.PropagateID}, {"ReservedCode2", f.ReservedCode2},
	}
	for i, p := range kv {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, p[0])
		b.WriteByte(':')
		writeJSONString(&b, p[1])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// WrappedJSON is {"AIGC":{…}}, the form the guides use for EXIF UserComment
// and PNG tEXt (requirements.md §3.2).
func (f Fields) WrappedJSON() []byte {
	inner := f.InnerJSON()
	out := make([]byte, 0, len(inner)+9)
	out = append(out, `{"AIGC":`...)
	out = append(out, inner...)
	return append(out, '}')
}

// writeJSONString writes s as a JSON string without HTML escaping, so that
// non-ASCII producer names stay readable UTF-8.
func writeJSONString(b *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		// A Go string always encodes; keep the error path explicit anyway.
		b.WriteString(`""`)
		return
	}
	b.Write(bytes.TrimRight(tmp.Bytes(), "\n"))
}
