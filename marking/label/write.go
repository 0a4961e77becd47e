package label

import (
	"bytes"
	"fmt"
)

// Formats lists the containers Write handles, by the names marking.Sniff
// and `scan --json` use.
var Formats = []string{"png", "jpeg", "webp", "gif", "tiff", "wav", "mp3", "mp4"}

// magics maps leading bytes to a container, checked in order.
var magics = []struct {
	prefix string
	at     int // offset of prefix
	format string
}{
	{"\x89PNG\r\n\x1a\n", 0, "png"},
	{"\xff\xd8\xff", 0, "jpeg"},
	{"GIF87a", 0, "gif"},
	{"GIF89a", 0, "gif"},
	{"II*\x00", 0, "tiff"},
	{"MM\x00*", 0, "tiff"},
	{"WEBP", 8, "webp"},
	{"WAVE", 8, "wav"},
	{"ftyp", 4, "mp4"},
	{"ID3", 0, "mp3"},
}

// Detect names the container of data from its magic bytes (requirements.md
// §3.6), or returns "unknown". It agrees with marking.Sniff on the formats
// this package writes.
func Detect(data []byte) string {
	for _, m := range magics {
		if len(data) >= m.at+len(m.prefix) && string(data[m.at:m.at+len(m.prefix)]) == m.prefix {
			if m.at == 8 && !bytes.HasPrefix(data, []byte("RIFF")) {
				continue
			}
			return m.format
		}
	}
	if len(data) >= 2 && data[0] == 0xFF && data[1]&0xE0 == 0xE0 {
		return "mp3"
	}
	return "unknown"
}

// Write writes the label f into data, whose container is format (as
// Detect or marking.Sniff name it), and returns the new file. An unknown
// format is an error wrapping ErrUnsupported.
func Write(data []byte, format string, f Fields) ([]byte, error) {
	switch format {
	case "png":
		return WritePNG(data, f)
	case "jpeg":
		return WriteJPEG(data, f)
	case "webp":
		return WriteWebP(data, f)
	case "gif":
		return WriteGIF(data, f)
	case "tiff":
		return WriteTIFF(data, f)
	case "wav":
		return WriteWAV(data, f)
	case "mp3":
		return WriteMP3(data, f)
	case "mp4":
		return WriteMP4(data, f)
	}
	return nil, fmt.Errorf("writing a label into %q files: %w (supported: png, jpeg, webp, gif, tiff, wav, mp3, mp4)", format, ErrUnsupported)
}
