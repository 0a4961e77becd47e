// Package marking reads the marks a generated file carries and judges them
// against GB 45438-2025: the implicit metadata label in every carrier that
// requirements.md §3.4 lists (XMP, PNG text chunks, EXIF UserComment, ID3
// TXXX, RIFF chunks, MP4 udta/meta, Matroska SimpleTag, OOXML custom
// properties, …), the IPTC DigitalSourceType (requirements.md §4), explicit
// notices at the start or end of text outputs, and the C2PA report of
// marking/c2pa. It takes bytes and returns a Report whose JSON form is one
// line of `synthreview scan --json` (design.md, "scan --json: the output
// contract").
//
// Every input is treated as hostile: every length is bounds-checked, every
// decompression is capped, nesting depth is limited, pixels are decoded at
// most once and only within ScanOptions.MaxPixels, and Scan never panics.
//
// Dependency rule (style.md §2): marking must not import Fyne,
// database/sql, review, store, ui or app.
package marking

import (
	"image"

	"synthreview/marking/c2pa"
)

// Finding codes of the `scan --json` contract (design.md). The first block is
// the vocabulary design.md fixes; the second block extends it, as design.md
// allows, with codes this reader needs.
const (
	CodeImplicitMissing               = "implicit-missing"
	CodeImplicitInvalidJSON           = "implicit-invalid-json"
	CodeImplicitMissingField          = "implicit-missing-field"
	CodeImplicitLabelValue            = "implicit-label-value"
	CodeImplicitCharset               = "implicit-charset"
	CodeImplicitConflicting           = "implicit-conflicting"
	CodeImplicitNonconformingNS       = "implicit-nonconforming-namespace"
	CodeImplicitPropagatorMismatch    = "implicit-propagator-mismatch"
	CodeProducerCodeFormat            = "producer-code-format"
	CodeExplicitMissing               = "explicit-missing"
	CodeExplicitTooSmall              = "explicit-too-small"
	CodeWatermarkWithoutLabel         = "watermark-without-label"
	CodeC2PAUnverified                = "c2pa-unverified"
	CodeFileTruncated                 = "file-truncated"
	CodeFileUnsupported               = "file-unsupported"
	CodeFileTooLarge                  = "file-too-large"
	CodeImplicitFieldType             = "implicit-field-type"          // a label value is not a JSON string (GB Annex E c–i)
	CodeImplicitNonstandardCarrier    = "implicit-nonstandard-carrier" // a label in a place no guide defines (YAML front matter, PDF Info, after JPEG EOI, …)
	CodeFileCRC                       = "file-crc-mismatch"            // a PNG chunk CRC does not match; the chunk is still read
	CodeFileMalformed                 = "file-malformed"               // a structural fault that does not stop the reader (IFD loop, bad ExtendedXMP, XMP not well-formed)
	CodeFileTooDeep                   = "file-too-deep"                // boxes, chunks or elements nested past the reader's depth limit
	CodeFileUnreadable                = "file-unreadable"              // the file could not be opened or read at all
	CodeIPTCWithoutLabel              = "iptc-ai-without-label"        // IPTC says AI-generated but there is no implicit label
	CodeScanInternal                  = "scan-internal-error"          // a bug in the reader, caught; the scan goes on
	severityError, severityWarn, sevI = "error", "warning", "info"
)

// Severity returns the severity design.md assigns to a finding code: "error",
// "warning" or "info". An error makes the verdict nonconforming.
func Severity(code string) string {
	switch code {
	case CodeImplicitInvalidJSON, CodeImplicitMissingField, CodeImplicitLabelValue,
		CodeImplicitConflicting, CodeImplicitNonconformingNS, CodeProducerCodeFormat,
		CodeFileTruncated, CodeFileUnsupported, CodeFileTooLarge,
		CodeImplicitFieldType, CodeFileTooDeep, CodeFileUnreadable, CodeScanInternal:
		return severityError
	case CodeImplicitCharset, CodeExplicitMissing, CodeExplicitTooSmall,
		CodeC2PAUnverified, CodeWatermarkWithoutLabel, CodeFileCRC, CodeFileMalformed:
		return severityWarn
	default:
		return sevI
	}
}

// Label states of the `label_state` key (design.md).
const (
	StateConfirmed = "confirmed" // Label "1"
	StatePossible  = "possible"  // Label "2"
	StateSuspected = "suspected" // Label "3"
	StateNone      = "none"      // no implicit label
	StateInvalid   = "invalid"   // a label is present but its Label value is not "1", "2" or "3"
)

// Verdicts of the `verdict` key (design.md).
const (
	VerdictConforming    = "conforming"
	VerdictNonconforming = "nonconforming"
	VerdictUnlabelled    = "unlabelled"
)

// Carriers of the `implicit[].carrier` key (design.md).
const (
	CarrierXMP        = "xmp"
	CarrierPNGText    = "png-text"
	CarrierExifUC     = "exif-usercomment"
	CarrierID3        = "id3-txxx"
	CarrierRIFF       = "riff-chunk"
	CarrierMP4        = "mp4-udta"
	CarrierMKV        = "mkv-tag"
	CarrierDOCXCustom = "docx-custom"
	CarrierOther      = "other"
)

// TC260Namespace is the XMP namespace URI of the implicit label (GB 45438
// Annex E, requirements.md §3.4).
const TC260Namespace = "http://www.tc260.org.cn/ns/AIGC/1.0/"

// LabelKeys are the seven fields of the implicit label, in their normative
// order (requirements.md §3.1).
var LabelKeys = [7]string{"Label", "ContentProducer", "ProduceID", "ReservedCode1",
	"ContentPropagator", "PropagateID", "ReservedCode2"}

// Default limits.
const (
	DefaultMaxPixels   = 100_000_000
	DefaultMaxFileSize = 2 << 30 // 2 GiB
	maxInflate         = 16 << 20
	maxRaw             = 1024
	maxDepth           = 64
)

// ScanOptions tunes Scan and ScanFile. The zero value is usable.
type ScanOptions struct {
	// Fast reads metadata only: no pixel decode, and containers are walked
	// only as far as their metadata area where the format allows (JPEG stops
	// at the first SOS).
	Fast bool
	// MaxPixels bounds width×height of an image that is decoded; a larger
	// header gives file-too-large and no decode. Default 100_000_000.
	MaxPixels int
	// MaxFileSize bounds what ScanFile reads; default 2 GiB.
	MaxFileSize int64
	// Pixels, when set and not Fast, is called once with the decoded image for
	// image formats within MaxPixels (the lead wires the watermark and visible-
	// label detectors here later). Decode at most once per file.
	Pixels func(img image.Image, rep *Report)
	// C2PA is passed to c2pa.Inspect.
	C2PA c2pa.Options

	// inflateLimit overrides maxInflate (fuzz targets lower it so that
	// each run stays fast under coverage instrumentation).
	inflateLimit int
}

// Report is one line of `scan --json`. Keys are fixed by design.md.
type Report struct {
	Path                  string       `json:"path"`
	Format                string       `json:"format"`
	SHA256                string       `json:"sha256"`
	Size                  int64        `json:"size"`
	Implicit              []Implicit   `json:"implicit"`
	C2PA                  *c2pa.Report `json:"c2pa"`
	IPTCDigitalSourceType string       `json:"iptc_digital_source_type"`
	Explicit              []Explicit   `json:"explicit"`
	Watermark             *Watermark   `json:"watermark"`
	LabelState            string       `json:"label_state"`
	Verdict               string       `json:"verdict"`
	Findings              []Finding    `json:"findings"`
	Error                 string       `json:"error"`
	// PDQ is the perceptual hash of the decoded image (full scans only),
	// for the feature library (DSP Art. 10).
	PDQ *PDQ `json:"pdq,omitempty"`
}

// PDQ is a PDQ perceptual hash (256 bits, hex) and its quality (0–100).
type PDQ struct {
	Hash    string `json:"hash"`
	Quality int    `json:"quality"`
}

// Implicit is one implicit label found in one carrier.
type Implicit struct {
	// Carrier is one of the Carrier* constants.
	Carrier string `json:"carrier"`
	// Location names the container path, e.g. "png:iTXt:XML:com.adobe.xmp".
	Location string `json:"location"`
	// Form is "inner" (the seven-key object), "wrapped" ({"AIGC":{…}}),
	// "struct" (XMP properties instead of JSON) or "invalid" (unreadable).
	Form string `json:"form"`
	// XMPForm is "element" or "attribute" for XMP carriers.
	XMPForm string `json:"xmp_form,omitempty"`
	// Namespace is the XMP namespace URI the AIGC property was bound to.
	Namespace string `json:"namespace,omitempty"`
	// Fields holds exactly what the label held: string values as they are,
	// other JSON values as their JSON text (and a finding names them).
	Fields map[string]string `json:"fields"`
	// NonString lists the keys whose values were not JSON strings.
	NonString []string `json:"non_string_fields,omitempty"`
	// Raw is the label's bytes as found, as evidence (at most 1 KiB).
	Raw string `json:"raw"`
	// Valid is true when this label alone raised no error finding.
	Valid bool `json:"valid"`
}

// Finding is one problem or observation; Severity follows design.md.
type Finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// Explicit is one explicit (perceivable) label: text found at the start or
// end of a text output, or a visible label found by a pixel detector.
type Explicit struct {
	Text        string  `json:"text"`
	Box         [4]int  `json:"box"`
	HeightRatio float64 `json:"height_ratio"`
	Source      string  `json:"source"`
}

// Watermark is the invisible-watermark result. Status stays "not-checked"
// until a detector runs (LM 5: a failed decode is "unknown", not "absent").
type Watermark struct {
	Status        string  `json:"status"`
	Detected      *bool   `json:"detected"`
	Payload       string  `json:"payload"`
	PayloadDigest string  `json:"payload_digest"`
	Confidence    float64 `json:"confidence"`
}

// AddFinding appends a finding with the severity design.md assigns to code.
// Detectors plugged in through ScanOptions.Pixels use it too.
func (r *Report) AddFinding(code, message string) {
	r.Findings = append(r.Findings, Finding{Code: code, Severity: Severity(code), Message: message})
}

// HasFinding reports whether a finding with code is present.
func (r *Report) HasFinding(code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}
