package marking

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"maps"
	"os"
	"runtime/debug"
	"strings"

	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	"synthreview/marking/c2pa"
)

// scanner holds the state of one Scan.
type scanner struct {
	data []byte
	opts ScanOptions
	rep  *Report
	// width and height from the format's header, for the pixel limit.
	width, height int
	tooMany       int
	seen          map[string]bool // de-duplicates findings
	xmpPackets    int
	// inText is set while XMP found inside a text output is read: such text
	// may merely quote XMP (a script, a document about XMP), so only labels
	// that parse are reported and malformed XML is not a finding.
	inText bool
}

// Scan reads every mark in data and judges it. Path and SHA256 are left for
// the caller (or ScanFile) to fill. It never panics: a bug in a reader is
// caught and reported as a scan-internal-error finding on the file's line.
func Scan(data []byte, opts ScanOptions) (rep Report) {
	defer func() {
		if r := recover(); r != nil {
			rep = Report{Format: Sniff(data), Size: int64(len(data))}
			rep.init()
			rep.Error = fmt.Sprintf("internal error in the reader: %v", r)
			rep.AddFinding(CodeScanInternal, fmt.Sprintf("reader failed: %v\n%s", r, firstLines(debug.Stack(), 12)))
			rep.Judge()
		}
	}()
	return scan(data, opts)
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func (r *Report) init() {
	if r.Implicit == nil {
		r.Implicit = []Implicit{}
	}
	if r.Explicit == nil {
		r.Explicit = []Explicit{}
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Watermark == nil {
		r.Watermark = &Watermark{Status: "not-checked"}
	}
}

// scan is Scan without the recover, for fuzz targets.
func scan(data []byte, opts ScanOptions) Report {
	if opts.MaxPixels <= 0 {
		opts.MaxPixels = DefaultMaxPixels
	}
	rep := Report{Format: Sniff(data), Size: int64(len(data))}
	rep.init()
	s := &scanner{data: data, opts: opts, rep: &rep, seen: map[string]bool{}}
	switch rep.Format {
	case "png":
		s.png()
	case "jpeg":
		s.jpeg()
	case "gif":
		s.gif()
	case "tiff":
		s.tiffFile()
	case "webp", "wav", "avi":
		s.riff()
	case "mp3":
		s.mp3()
	case "mp4", "heif", "avif":
		s.mp4()
	case "mkv":
		s.mkv()
	case "docx", "xlsx", "pptx":
		s.docx()
	case "flv":
		s.flv()
	case "flac":
		s.flac()
	case "pdf":
		s.pdf()
	case "ogg":
		s.ogg()
	case "text":
		s.text()
	case "zip":
		s.find(CodeFileUnsupported, "a ZIP archive that is not an OOXML document: its members are not scanned")
	default:
		msg := "format not recognised from its bytes"
		if len(data) == 0 {
			msg = "empty file"
		} else if !utf8Valid(data) && looksTextual(data) {
			msg = fmt.Sprintf("looks like text but is not valid UTF-8 (first bad byte at offset %d)", firstInvalidUTF8(data))
		}
		s.find(CodeFileUnsupported, msg)
		s.rawXMPScan("raw") // a label in an XMP packet is still worth showing
	}
	if s.tooMany > 0 {
		s.find(CodeFileMalformed, fmt.Sprintf("%d further label candidates were not reported (limit 64)", s.tooMany))
	}
	cf := rep.Format
	if cf == "heif" || cf == "avif" {
		cf = "mp4"
	}
	if cr := c2pa.Inspect(data, cf, opts.C2PA); cr != nil {
		rep.C2PA = cr
		for _, f := range cr.Findings {
			rep.Findings = append(rep.Findings, Finding(f))
		}
		if cr.Present && cr.SignatureValid == nil && !rep.HasFinding(CodeC2PAUnverified) {
			rep.AddFinding(CodeC2PAUnverified, "a C2PA manifest is present but its signature was not verified")
		}
	}
	if !opts.Fast && opts.Pixels != nil {
		s.pixels()
	}
	if rep.IPTCDigitalSourceType != "" && len(rep.Implicit) == 0 && iptcIsAI(rep.IPTCDigitalSourceType) {
		rep.AddFinding(CodeIPTCWithoutLabel, "IPTC DigitalSourceType says the content is AI-generated, but there is no GB 45438 implicit label")
	}
	rep.Judge()
	return rep
}

func iptcIsAI(v string) bool {
	for _, c := range []string{"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "compositeSynthetic"} {
		if strings.HasSuffix(v, "/"+c) {
			return true
		}
	}
	return false
}

// find adds a finding once per distinct message.
func (s *scanner) find(code, msg string) {
	key := code + "\x00" + msg
	if s.seen[key] {
		return
	}
	s.seen[key] = true
	if len(s.rep.Findings) >= 200 {
		return
	}
	s.rep.AddFinding(code, msg)
}

func (s *scanner) inflateCap() int {
	if s.opts.inflateLimit > 0 {
		return s.opts.inflateLimit
	}
	return maxInflate
}

func (s *scanner) truncated(where string) {
	s.find(CodeFileTruncated, where+": a length runs past the end of the file")
}

func (s *scanner) tooDeep(where string) {
	s.find(CodeFileTooDeep, fmt.Sprintf("%s: nesting deeper than %d levels; the rest is not read", where, maxDepth))
}

// dims records image dimensions from a header and reports file-too-large
// when they exceed MaxPixels.
func (s *scanner) dims(w, h int, where string) {
	if s.width != 0 {
		return
	}
	s.width, s.height = w, h
	if w > 0 && h > 0 && int64(w)*int64(h) > int64(s.opts.MaxPixels) {
		s.find(CodeFileTooLarge, fmt.Sprintf("%s: %d×%d pixels exceeds the limit of %d; pixels are not decoded", where, w, h, s.opts.MaxPixels))
	}
}

// pixels decodes the image once, within the pixel limit, and hands it to
// ScanOptions.Pixels.
func (s *scanner) pixels() {
	cfg, dec, ok := ImageCodec(s.rep.Format)
	if !ok {
		return
	}
	c, err := cfg(bytes.NewReader(s.data))
	if err != nil {
		s.find(CodeFileMalformed, fmt.Sprintf("image header does not decode: %v", err))
		return
	}
	if c.Width <= 0 || c.Height <= 0 || int64(c.Width)*int64(c.Height) > int64(s.opts.MaxPixels) {
		s.find(CodeFileTooLarge, fmt.Sprintf("%d×%d pixels exceeds the limit of %d; pixels are not decoded", c.Width, c.Height, s.opts.MaxPixels))
		return
	}
	img, err := safeDecode(dec, s.data)
	if err != nil {
		s.find(CodeFileMalformed, fmt.Sprintf("pixels do not decode: %v", err))
		return
	}
	s.opts.Pixels(img, s.rep)
}

// ImageCodec returns the header reader and the pixel decoder of an image
// format named as Sniff names it (png, jpeg, gif, webp, tiff).
func ImageCodec(format string) (decodeConfig func(io.Reader) (image.Config, error), decode func(io.Reader) (image.Image, error), ok bool) {
	switch format {
	case "png":
		return png.DecodeConfig, png.Decode, true
	case "jpeg":
		return jpeg.DecodeConfig, jpeg.Decode, true
	case "gif":
		return gif.DecodeConfig, gif.Decode, true
	case "webp":
		return webp.DecodeConfig, webp.Decode, true
	case "tiff":
		return tiff.DecodeConfig, tiff.Decode, true
	}
	return nil, nil, false
}

func safeDecode(dec func(io.Reader) (image.Image, error), data []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder failed: %v", r)
		}
	}()
	return dec(bytes.NewReader(data))
}

// Judge sets LabelState and Verdict from the labels and findings
// (design.md): conforming = exactly one distinct, valid implicit label and no
// error finding; nonconforming = a label is there but something is wrong;
// unlabelled = no implicit label. It also adds implicit-conflicting,
// implicit-missing and watermark-without-label. Call it again after adding
// findings to a Report outside Scan.
func (r *Report) Judge() {
	r.init()
	if len(r.Implicit) == 0 {
		r.LabelState = StateNone
		r.Verdict = VerdictUnlabelled
		if !r.HasFinding(CodeImplicitMissing) && r.Error == "" {
			r.AddFinding(CodeImplicitMissing, "no GB 45438 implicit label found in any carrier")
		}
		if r.Watermark != nil && r.Watermark.Detected != nil && *r.Watermark.Detected && !r.HasFinding(CodeWatermarkWithoutLabel) {
			r.AddFinding(CodeWatermarkWithoutLabel, "a watermark was detected but the file carries no implicit label: the label may have been stripped")
		}
		return
	}
	distinct := distinctLabels(r.Implicit)
	if len(distinct) > 1 && !r.HasFinding(CodeImplicitConflicting) {
		var locs []string
		for _, i := range distinct {
			locs = append(locs, r.Implicit[i].Location)
		}
		r.AddFinding(CodeImplicitConflicting, fmt.Sprintf("%d different labels in one file (GB 45438 6.1 c: one label per file): %s", len(distinct), strings.Join(locs, "; ")))
	}
	r.LabelState = StateInvalid
	for _, im := range r.Implicit {
		if isNonString(&im, "Label") {
			continue
		}
		if st := stateOf(im.Fields["Label"]); st != "" {
			r.LabelState = st
			break
		}
	}
	r.Verdict = VerdictConforming
	for _, f := range r.Findings {
		if f.Severity == severityError {
			r.Verdict = VerdictNonconforming
		}
	}
	for _, im := range r.Implicit {
		if !im.Valid {
			r.Verdict = VerdictNonconforming
		}
	}
}

func stateOf(v string) string {
	switch v {
	case "1":
		return StateConfirmed
	case "2":
		return StatePossible
	case "3":
		return StateSuspected
	}
	return ""
}

// distinctLabels returns the index of the first label of each distinct field set.
func distinctLabels(ims []Implicit) []int {
	var out []int
	for i, im := range ims {
		dup := false
		for _, j := range out {
			if sameFields(im.Fields, ims[j].Fields) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, i)
		}
	}
	return out
}

func sameFields(a, b map[string]string) bool { return maps.Equal(a, b) }

// ErrTooLarge is returned (wrapped) by ReadFile for a file over the size limit.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads a regular file of at most max bytes (bounded: a file that
// grows while it is read is cut at max+1 and refused).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, st.Size(), max)
	}
	buf := make([]byte, 0, st.Size()+1)
	buf, err = readAllInto(io.LimitReader(f, max+1), buf)
	if err != nil {
		return nil, err
	}
	if int64(len(buf)) > max {
		return nil, fmt.Errorf("%w: grew past the limit of %d bytes while being read", ErrTooLarge, max)
	}
	return buf, nil
}

func readAllInto(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// ScanFile reads path (bounded by ScanOptions.MaxFileSize, default 2 GiB),
// scans it and fills Path and SHA256. A file that cannot be read gets a
// Report with Error set and a file-unreadable or file-too-large finding.
func ScanFile(path string, opts ScanOptions) Report {
	max := opts.MaxFileSize
	if max <= 0 {
		max = DefaultMaxFileSize
	}
	data, err := ReadFile(path, max)
	if err != nil {
		rep := Report{Path: path, Format: "unknown"}
		rep.init()
		rep.Error = err.Error()
		if errors.Is(err, ErrTooLarge) {
			rep.AddFinding(CodeFileTooLarge, err.Error())
		} else {
			rep.AddFinding(CodeFileUnreadable, err.Error())
		}
		rep.Judge()
		return rep
	}
	rep := Scan(data, opts)
	rep.Path = path
	sum := sha256.Sum256(data)
	rep.SHA256 = hex.EncodeToString(sum[:])
	return rep
}
