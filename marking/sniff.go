package marking

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// Sniff names the container format of data from its magic bytes, never from
// a file name (requirements.md §3.6 step 1): "png", "jpeg", "webp", "gif",
// "tiff", "wav", "avi", "mp3", "mp4" (any ISOBMFF/QuickTime file, MOV
// included), "heif", "avif", "mkv" (Matroska and WebM), "flv", "flac", "ogg",
// "docx", "xlsx", "pptx", "zip", "pdf", "text" (valid UTF-8 without binary
// bytes) or "unknown".
func Sniff(data []byte) string {
	switch {
	case len(data) >= 8 && bytes.Equal(data[:8], []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return "jpeg"
	case len(data) >= 6 && (bytes.Equal(data[:6], []byte("GIF87a")) || bytes.Equal(data[:6], []byte("GIF89a"))):
		return "gif"
	case len(data) >= 4 && (bytes.Equal(data[:4], []byte("II*\x00")) || bytes.Equal(data[:4], []byte("MM\x00*"))):
		return "tiff"
	case len(data) >= 12 && string(data[:4]) == "RIFF":
		switch string(data[8:12]) {
		case "WEBP":
			return "webp"
		case "WAVE":
			return "wav"
		case "AVI ":
			return "avi"
		}
		return "unknown"
	case len(data) >= 4 && bytes.Equal(data[:4], []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "mkv"
	case len(data) >= 3 && string(data[:3]) == "FLV":
		return "flv"
	case len(data) >= 4 && string(data[:4]) == "fLaC":
		return "flac"
	case len(data) >= 4 && string(data[:4]) == "OggS":
		return "ogg"
	case len(data) >= 5 && string(data[:5]) == "%PDF-":
		return "pdf"
	case len(data) >= 3 && string(data[:3]) == "ID3":
		return "mp3"
	case len(data) >= 4 && string(data[:4]) == "PK\x03\x04":
		return sniffZip(data)
	}
	if f := sniffISOBMFF(data); f != "" {
		return f
	}
	if len(data) >= 4 && data[0] == 0xFF && data[1]&0xE0 == 0xE0 && mp3FrameOK(data) {
		return "mp3"
	}
	if isText(data) {
		return "text"
	}
	return "unknown"
}

// mp3FrameOK checks an MPEG audio frame header (not a reserved version,
// layer, bitrate or sample rate), so that random 0xFFEx bytes are not MP3.
func mp3FrameOK(b []byte) bool {
	version := (b[1] >> 3) & 3
	layer := (b[1] >> 1) & 3
	bitrate := b[2] >> 4
	rate := (b[2] >> 2) & 3
	return version != 1 && layer != 0 && bitrate != 15 && bitrate != 0 && rate != 3
}

func sniffISOBMFF(data []byte) string {
	if len(data) < 12 {
		return ""
	}
	typ := string(data[4:8])
	switch typ {
	case "ftyp":
		brand := string(data[8:12])
		switch brand {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			return "heif"
		case "avif", "avis":
			return "avif"
		}
		return "mp4"
	case "moov", "mdat", "wide", "free", "skip", "pnot":
		// QuickTime files older than ftyp start with one of these atoms.
		size := binary.BigEndian.Uint32(data[:4])
		if size >= 8 || size == 1 {
			return "mp4"
		}
	}
	return ""
}

func sniffZip(data []byte) string {
	// An OOXML package names [Content_Types].xml and its main part; look in
	// the first 64 KiB (local headers) and the tail (central directory).
	head := data
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	tail := data
	if len(tail) > 64<<10 {
		tail = tail[len(tail)-64<<10:]
	}
	has := func(s string) bool {
		return bytes.Contains(head, []byte(s)) || bytes.Contains(tail, []byte(s))
	}
	if !has("[Content_Types].xml") && !has("docProps/") {
		return "zip"
	}
	switch {
	case has("word/"):
		return "docx"
	case has("xl/"):
		return "xlsx"
	case has("ppt/"):
		return "pptx"
	}
	return "docx"
}

// isText reports whether data is non-empty valid UTF-8 with no binary bytes
// (C0 controls other than tab, line feed, form feed, carriage return and
// escape; DEL; NUL).
func isText(data []byte) bool {
	if len(data) == 0 || !utf8.Valid(data) {
		return false
	}
	for _, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b || c == 0x7f {
			return false
		}
	}
	return true
}
