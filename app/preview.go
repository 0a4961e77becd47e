package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/disintegration/imaging"

	"synthreview/marking"
	"synthreview/marking/audio"
	"synthreview/marking/label"
	"synthreview/review"
)

// Preview limits.
const (
	// previewMaxPixels bounds the pictures a preview decodes (100
	// megapixels, the scan's limit): larger ones get a note instead.
	previewMaxPixels = 100_000_000
	// previewColumns is the width of an audio waveform.
	previewColumns = 800
	// previewTimeout bounds one run of ffprobe or ffmpeg.
	previewTimeout = 10 * time.Second
	// maxProbeOutput and maxFrameOutput bound what ffprobe and ffmpeg may
	// print; maxPCMOutput the decoded sound read for a waveform.
	maxProbeOutput = 1 << 20
	maxFrameOutput = 64 << 20
	maxPCMOutput   = 64 << 20
	// previewJPEGQuality is the quality of photo previews.
	previewJPEGQuality = 85
)

// previewer is the workspace's review.Previewer: pictures decoded within
// limits and scaled down, sound as a waveform, video through ffprobe and
// ffmpeg when they are installed, text bounded. It never fails on a bad
// file: what cannot be shown is said in Preview.Note.
type previewer struct {
	ffmpeg, ffprobe string // paths; "" when not installed
	timeout         time.Duration
	// objectPath names the stored file of an object, so that ffprobe and
	// ffmpeg read it in place; nil, or a file of another size, makes the
	// previewer write a private temporary copy instead.
	objectPath func(sha256 string) string
}

// newPreviewer finds ffprobe and ffmpeg on PATH.
func newPreviewer(objectPath func(string) string) previewer {
	p := previewer{timeout: previewTimeout, objectPath: objectPath}
	if path, err := exec.LookPath("ffmpeg"); err == nil {
		p.ffmpeg = path
	}
	if path, err := exec.LookPath("ffprobe"); err == nil {
		p.ffprobe = path
	}
	return p
}

var _ review.Previewer = previewer{}

// Preview makes the displayable form of an item's original. The kind
// follows the bytes (marking.Sniff), not the name or the sidecar.
func (p previewer) Preview(ctx context.Context, it review.Item, data []byte) (review.Preview, error) {
	if err := ctx.Err(); err != nil {
		return review.Preview{}, err
	}
	format := marking.Sniff(data)
	var pv review.Preview
	switch format {
	case "png", "jpeg", "gif", "webp", "tiff":
		pv = previewImage(data, format)
	case "heif", "avif":
		pv = review.Preview{Kind: "image", Meta: map[string]string{"format": strings.ToUpper(format)},
			NoteCode: "no-decoder", Note: fmt.Sprintf("no %s decoder in this build: the picture cannot be shown", strings.ToUpper(format))}
	case "wav", "mp3":
		pv = p.previewAudio(ctx, it, data, format)
	case "flac", "ogg":
		pv = p.previewMedia(ctx, it, data, format, "audio")
	case "mp4", "mkv", "avi", "flv":
		pv = p.previewMedia(ctx, it, data, format, "video")
	case "text":
		pv = previewText(data)
	default:
		pv = review.Preview{Kind: "other", NoteCode: "no-preview", Note: fmt.Sprintf("no preview for %s files: the evidence lists what the scan found", describeFormat(format))}
	}
	if err := ctx.Err(); err != nil {
		return review.Preview{}, err
	}
	return pv, nil
}

func describeFormat(f string) string {
	if f == "unknown" {
		return "unrecognised"
	}
	return f
}

// previewImage checks the dimensions from the header, decodes, scales to
// review.PreviewMaxSide and encodes: JPEG for photographs (a JPEG source),
// PNG for the rest. The picture is not turned by its EXIF orientation:
// the scan's boxes are in the stored pixels' coordinates.
func previewImage(data []byte, format string) review.Preview {
	pv := review.Preview{Kind: "image", Meta: map[string]string{"format": strings.ToUpper(format)}}
	cfgFn, dec, _ := marking.ImageCodec(format)
	cfg, err := cfgFn(bytes.NewReader(data))
	if err != nil {
		pv.NoteCode = "header-unreadable"
		pv.Note = fmt.Sprintf("the %s header cannot be read (%v): the picture cannot be shown", strings.ToUpper(format), err)
		return pv
	}
	pv.Width, pv.Height = cfg.Width, cfg.Height
	if cfg.Width <= 0 || cfg.Height <= 0 {
		pv.NoteCode = "no-pixels"
		pv.Note = fmt.Sprintf("the picture claims %d×%d pixels: nothing to show", cfg.Width, cfg.Height)
		return pv
	}
	if int64(cfg.Width)*int64(cfg.Height) > previewMaxPixels {
		pv.NoteCode = "too-large"
		pv.Note = fmt.Sprintf("the picture is %d×%d (%.0f megapixels), more than the %d-megapixel preview limit: it is not decoded",
			cfg.Width, cfg.Height, float64(cfg.Width)*float64(cfg.Height)/1e6, previewMaxPixels/1_000_000)
		return pv
	}
	if format == "jpeg" {
		if o := label.JPEGOrientation(data); o > 1 {
			pv.Meta["orientation"] = strconv.Itoa(o) // shown as stored, so the boxes line up
		}
	}
	if (format == "jpeg" || format == "png") && max(cfg.Width, cfg.Height) <= review.PreviewMaxSide {
		// Small enough to show as it is: the screen decodes it (after its
		// own size check), which saves a decode and an encode here — the
		// bulk of "next item" for a photo (BenchmarkDecisionKeyToNextItem).
		pv.Image, pv.Scale = data, 1
		return pv
	}
	img, err := safeDecode(dec, data)
	if err != nil {
		pv.NoteCode = "not-decodable"
		pv.Note = fmt.Sprintf("the %s pixels do not decode (%v): the picture cannot be shown", strings.ToUpper(format), err)
		return pv
	}
	small, scale := fitPreview(img)
	enc, err := encodePreview(small, format == "jpeg")
	if err != nil {
		pv.NoteCode, pv.Note = "encode-failed", err.Error()
		return pv
	}
	pv.Image, pv.Scale = enc, scale
	return pv
}

// safeDecode decodes data, turning a decoder panic into an error.
func safeDecode(dec func(r io.Reader) (image.Image, error), data []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("decoder failed: %v", r)
		}
	}()
	return dec(bytes.NewReader(data))
}

// fitPreview scales img down to review.PreviewMaxSide on its longer side
// and returns it with its scale (1 when it already fits).
func fitPreview(img image.Image) (image.Image, float64) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if max(w, h) <= review.PreviewMaxSide {
		return img, 1
	}
	small := imaging.Fit(img, review.PreviewMaxSide, review.PreviewMaxSide, imaging.CatmullRom)
	return small, float64(small.Bounds().Dx()) / float64(w)
}

// encodePreview encodes a preview picture, JPEG at quality 85 for photos.
func encodePreview(img image.Image, photo bool) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if photo {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: previewJPEGQuality})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
	}
	if err != nil {
		return nil, fmt.Errorf("the preview picture could not be encoded: %w", err)
	}
	return buf.Bytes(), nil
}

// previewText shows a text output, at most review.PreviewMaxText bytes,
// cut at a character boundary. Sniff says "text" only for valid UTF-8.
func previewText(data []byte) review.Preview {
	pv := review.Preview{Kind: "text"}
	if !utf8.Valid(data) {
		pv.Kind, pv.NoteCode, pv.Note = "other", "not-utf8", "the text is not valid UTF-8: it is not shown"
		return pv
	}
	if len(data) <= review.PreviewMaxText {
		pv.Text = string(data)
		return pv
	}
	cut := review.PreviewMaxText
	for cut > 0 && !utf8.RuneStart(data[cut]) {
		cut--
	}
	pv.Text = string(data[:cut])
	pv.NoteCode = "text-cut"
	pv.Note = fmt.Sprintf("showing the first %d of %d bytes", cut, len(data))
	return pv
}

// previewAudio summarises WAV and MP3 itself; a waveform it cannot decode
// (an MP3 without a built-in decoder, a compressed WAV) comes from ffmpeg
// when it is installed.
func (p previewer) previewAudio(ctx context.Context, it review.Item, data []byte, format string) review.Preview {
	s, err := audio.Summarize(data, format, previewColumns)
	if err != nil {
		if p.ffprobe != "" {
			pv := p.previewMedia(ctx, it, data, format, "audio")
			pv.Note = join(fmt.Sprintf("the built-in reader failed (%v)", err), pv.Note)
			if pv.NoteCode == "" {
				pv.NoteCode = "audio-partial"
			}
			return pv
		}
		return review.Preview{Kind: "audio", NoteCode: "audio-unreadable", Note: fmt.Sprintf("the sound cannot be read: %v", err)}
	}
	pv := review.Preview{Kind: "audio", Duration: s.Duration, SampleRate: s.SampleRate, Channels: s.Channels,
		Peaks: s.Peaks, Note: s.Note, Meta: map[string]string{"codec": s.Codec}}
	if s.Note != "" {
		pv.NoteCode = "audio-partial"
	}
	if s.BitsPerSample > 0 {
		pv.Meta["bits_per_sample"] = strconv.Itoa(s.BitsPerSample)
	}
	if s.BitRate > 0 {
		pv.Meta["bit_rate"] = bitRate(s.BitRate)
	}
	if len(pv.Peaks) == 0 && p.ffmpeg != "" {
		peaks, note := p.ffmpegPeaks(ctx, it, data, s.Duration, s.Channels)
		if len(peaks) > 0 {
			// ffmpeg drew it: drop the reader's "no waveform" note.
			var kept string
			for _, n := range strings.Split(pv.Note, "; ") {
				if !strings.HasPrefix(n, "no waveform") {
					kept = join(kept, n)
				}
			}
			pv.Peaks, pv.Note = peaks, kept
			if kept == "" {
				pv.NoteCode = ""
			}
		} else {
			pv.Note = join(pv.Note, note)
			pv.NoteCode = "no-waveform"
		}
	}
	return pv
}

// probe is the part of ffprobe's JSON the preview uses.
type probe struct {
	Streams []struct {
		CodecType     string `json:"codec_type"`
		CodecName     string `json:"codec_name"`
		CodecLongName string `json:"codec_long_name"`
		Width         int    `json:"width"`
		Height        int    `json:"height"`
		AvgFrameRate  string `json:"avg_frame_rate"`
		RFrameRate    string `json:"r_frame_rate"`
		SampleRate    string `json:"sample_rate"`
		Channels      int    `json:"channels"`
		SideData      []struct {
			Rotation float64 `json:"rotation"`
		} `json:"side_data_list"`
	} `json:"streams"`
	Format struct {
		LongName string `json:"format_long_name"`
		Duration string `json:"duration"`
		BitRate  string `json:"bit_rate"`
	} `json:"format"`
}

// previewMedia describes video (or sound ffprobe reads) from ffprobe's
// report, with the first frame from ffmpeg. kind is what the format
// suggests; a file with no picture stream is audio.
func (p previewer) previewMedia(ctx context.Context, it review.Item, data []byte, format, kind string) review.Preview {
	pv := review.Preview{Kind: kind, Meta: map[string]string{}}
	if p.ffprobe == "" {
		pv.NoteCode = "no-ffmpeg"
		pv.Note = fmt.Sprintf("no decoder is installed for %s files (ffprobe and ffmpeg): only the scan's findings are shown", format)
		return pv
	}
	path, done, err := p.inputFile(it, data)
	if err != nil {
		pv.NoteCode, pv.Note = "temp-failed", err.Error()
		return pv
	}
	defer done()
	out, err := p.run(ctx, p.ffprobe, maxProbeOutput, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "file:"+path)
	var pr probe
	if err == nil {
		err = json.Unmarshal(out, &pr)
	}
	if err != nil {
		pv.NoteCode = "ffprobe-failed"
		pv.Note = fmt.Sprintf("ffprobe cannot read the file: %v", err)
		return pv
	}
	video, sound := describeStreams(pr, &pv)
	if !video && !sound {
		pv.NoteCode, pv.Note = "no-streams", "ffprobe finds no picture or sound in the file (cut short?)"
		return pv
	}
	if !video {
		pv.Kind = "audio"
		if p.ffmpeg != "" && pv.SampleRate > 0 {
			pv.Peaks, pv.Note = p.ffmpegPeaks(ctx, it, data, pv.Duration, pv.Channels)
			if len(pv.Peaks) == 0 {
				pv.NoteCode = "no-waveform"
			}
		}
		return pv
	}
	pv.Kind = "video"
	if p.ffmpeg == "" {
		pv.NoteCode, pv.Note = "no-ffmpeg", "ffmpeg is not installed: the first frame cannot be shown"
		return pv
	}
	p.firstFrame(ctx, path, &pv)
	return pv
}

// describeStreams fills pv from ffprobe's report: duration, container,
// bit rate, and the first picture and sound streams. It says whether
// there is a picture and a sound.
func describeStreams(pr probe, pv *review.Preview) (video, sound bool) {
	if secs, err := strconv.ParseFloat(pr.Format.Duration, 64); err == nil && secs > 0 && secs < 1e9 {
		pv.Duration = time.Duration(secs * float64(time.Second))
	}
	if pr.Format.LongName != "" {
		pv.Meta["container"] = pr.Format.LongName
	}
	if br, err := strconv.Atoi(pr.Format.BitRate); err == nil && br > 0 {
		pv.Meta["bit_rate"] = bitRate(br)
	}
	for _, s := range pr.Streams {
		switch {
		case s.CodecType == "video" && !video && s.Width > 0 && s.Height > 0:
			video = true
			pv.Width, pv.Height = s.Width, s.Height
			if len(s.SideData) > 0 && int(s.SideData[0].Rotation)%180 != 0 {
				pv.Width, pv.Height = s.Height, s.Width // ffmpeg turns the frame upright
			}
			pv.Meta["video_codec"] = codecName(s.CodecName, s.CodecLongName)
			if fr := frameRate(s.AvgFrameRate, s.RFrameRate); fr != "" {
				pv.Meta["frame_rate"] = fr
			}
		case s.CodecType == "audio" && !sound:
			sound = true
			pv.SampleRate, _ = strconv.Atoi(s.SampleRate)
			pv.Channels = s.Channels
			pv.Meta["audio_codec"] = codecName(s.CodecName, s.CodecLongName)
		}
	}
	return video, sound
}

// firstFrame asks ffmpeg for the first frame as PNG and scales it.
func (p previewer) firstFrame(ctx context.Context, path string, pv *review.Preview) {
	out, err := p.run(ctx, p.ffmpeg, maxFrameOutput, "-v", "error", "-nostdin", "-i", "file:"+path,
		"-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-")
	if err != nil {
		pv.NoteCode = "frame-failed"
		pv.Note = fmt.Sprintf("ffmpeg cannot decode the first frame: %v", err)
		return
	}
	frame := previewImage(out, "png")
	if frame.Image == nil {
		pv.NoteCode, pv.Note = "frame-failed", "the first frame cannot be shown: "+frame.Note
		return
	}
	pv.Image = frame.Image
	if pv.Width > 0 {
		pv.Scale = float64(frame.Width) * frame.Scale / float64(pv.Width)
	}
	// A frame of a film is a photograph: JPEG keeps it small.
	if img, err := png.Decode(bytes.NewReader(frame.Image)); err == nil {
		if enc, err := encodePreview(img, true); err == nil {
			pv.Image = enc
		}
	}
}

// ffmpegPeaks decodes the sound with ffmpeg to 16-bit PCM at a rate low
// enough to stay within maxPCMOutput, and returns its waveform.
func (p previewer) ffmpegPeaks(ctx context.Context, it review.Item, data []byte, d time.Duration, channels int) ([]float32, string) {
	channels = min(max(channels, 1), 8)
	rate := 8000
	if secs := d.Seconds(); secs > 0 {
		rate = min(rate, max(500, int(float64(maxPCMOutput)/(secs*float64(channels)*2))))
	}
	path, done, err := p.inputFile(it, data)
	if err != nil {
		return nil, err.Error()
	}
	defer done()
	out, err := p.run(ctx, p.ffmpeg, maxPCMOutput, "-v", "error", "-nostdin", "-i", "file:"+path, "-vn",
		"-ac", strconv.Itoa(channels), "-ar", strconv.Itoa(rate), "-f", "s16le", "-acodec", "pcm_s16le", "-")
	if err != nil {
		return nil, fmt.Sprintf("no waveform: ffmpeg cannot decode the sound (%v)", err)
	}
	s, err := audio.Summarize(wavFile(out, rate, channels), "wav", previewColumns)
	if err != nil {
		return nil, fmt.Sprintf("no waveform: %v", err)
	}
	return s.Peaks, ""
}

// wavFile wraps 16-bit little-endian PCM in a WAV header.
func wavFile(pcm []byte, rate, channels int) []byte {
	h := make([]byte, 44, 44+len(pcm))
	le := binary.LittleEndian
	copy(h[0:], "RIFF")
	le.PutUint32(h[4:], uint32(36+len(pcm)))
	copy(h[8:], "WAVEfmt ")
	le.PutUint32(h[16:], 16)
	le.PutUint16(h[20:], 1)
	le.PutUint16(h[22:], uint16(channels))
	le.PutUint32(h[24:], uint32(rate))
	le.PutUint32(h[28:], uint32(rate*channels*2))
	le.PutUint16(h[32:], uint16(channels*2))
	le.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	le.PutUint32(h[40:], uint32(len(pcm)))
	return append(h, pcm...)
}

// inputFile returns a file holding data for ffprobe and ffmpeg: the
// stored object itself when it is there (same hash, so same bytes), else
// a private temporary copy that done removes.
func (p previewer) inputFile(it review.Item, data []byte) (path string, done func(), err error) {
	if p.objectPath != nil && len(it.ObjectSHA256) == 64 {
		path := p.objectPath(it.ObjectSHA256)
		if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Size() == int64(len(data)) {
			return path, func() {}, nil
		}
	}
	f, err := os.CreateTemp("", "synthreview-preview-*")
	if err != nil {
		return "", nil, fmt.Errorf("no temporary file for the decoder: %w", err)
	}
	name := f.Name()
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	done = func() { _ = os.Remove(name) }
	if werr != nil {
		done()
		return "", nil, fmt.Errorf("no temporary file for the decoder: %w", werr)
	}
	return name, done, nil
}

// run runs an external decoder with the previewer's timeout, keeping at
// most limit bytes of its output: more stops it with an error.
func (p previewer) run(ctx context.Context, bin string, limit int, args ...string) ([]byte, error) {
	timeout := p.timeout
	if timeout <= 0 {
		timeout = previewTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	stdout := &boundedBuffer{max: limit, cancel: cancel}
	stderr := &boundedBuffer{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	switch {
	case stdout.over:
		return nil, fmt.Errorf("its output is larger than %d MiB", limit>>20)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("it took longer than %v", timeout)
	case err != nil:
		msg := strings.TrimSpace(stderr.buf.String())
		if msg == "" {
			msg = err.Error()
		}
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i]
		}
		return nil, errors.New(msg)
	}
	return stdout.buf.Bytes(), nil
}

// boundedBuffer keeps at most max bytes; past that it drops the rest and
// calls cancel (stopping the process).
type boundedBuffer struct {
	buf    bytes.Buffer
	max    int
	over   bool
	cancel func()
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	room := b.max - b.buf.Len()
	if len(p) <= room {
		return b.buf.Write(p)
	}
	b.buf.Write(p[:room])
	if !b.over {
		b.over = true
		if b.cancel != nil {
			b.cancel()
		}
	}
	return len(p), nil
}

// bitRate words a bit rate.
func bitRate(bps int) string {
	if bps >= 1_000_000 {
		return fmt.Sprintf("%.1f Mbit/s", float64(bps)/1e6)
	}
	return fmt.Sprintf("%d kbit/s", (bps+500)/1000)
}

// codecName words a codec: "h264 (H.264 / AVC …)".
func codecName(name, long string) string {
	if long == "" || long == name {
		return name
	}
	return name + " (" + long + ")"
}

// frameRate words ffprobe's "30000/1001" as "29.97 fps".
func frameRate(rates ...string) string {
	for _, r := range rates {
		num, den, ok := strings.Cut(r, "/")
		n, err1 := strconv.ParseFloat(num, 64)
		d, err2 := strconv.ParseFloat(den, 64)
		if ok && err1 == nil && err2 == nil && n > 0 && d > 0 {
			s := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(n/d, 'f', 2, 64), "0"), ".")
			return s + " fps"
		}
	}
	return ""
}

// join joins two notes.
func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
