package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"synthreview/review"
)

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withDecoders returns the previewer with ffmpeg and ffprobe, skipping
// the test when they are not installed (scripts/deps.sh test installs
// them).
func withDecoders(t *testing.T) previewer {
	t.Helper()
	p := newPreviewer(nil)
	if p.ffmpeg == "" || p.ffprobe == "" {
		t.Skip("ffmpeg and ffprobe are not installed")
	}
	return p
}

func preview(t *testing.T, p previewer, data []byte) review.Preview {
	t.Helper()
	pv, err := p.Preview(context.Background(), review.Item{}, data)
	if err != nil {
		t.Fatalf("Preview failed instead of noting: %v", err)
	}
	return pv
}

// decoded decodes a preview picture, checking it is JPEG or PNG as asked.
func decoded(t *testing.T, b []byte, want string) image.Image {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil || format != want {
		t.Fatalf("preview picture: %v, format %q, want %q", err, format, want)
	}
	return img
}

func TestPreviewPhotos(t *testing.T) {
	photos, _ := filepath.Glob("../testdata/photos/*.jpg")
	if len(photos) == 0 {
		t.Fatal("no photos in testdata/photos")
	}
	for _, f := range photos[:3] {
		data := readFile(t, f)
		cfg, _ := jpeg.DecodeConfig(bytes.NewReader(data))
		pv := preview(t, previewer{}, data)
		img := decoded(t, pv.Image, "jpeg") // a photo stays a JPEG
		if pv.Kind != "image" || pv.Width != cfg.Width || pv.Height != cfg.Height || pv.Scale != 1 ||
			img.Bounds().Dx() != cfg.Width || pv.Note != "" {
			t.Fatalf("%s: %+v", f, pv)
		}
	}
}

func TestPreviewScalesLargePicturesDown(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 3000, 1000))
	for x := 0; x < 3000; x++ {
		src.SetNRGBA(x, 500, color.NRGBA{255, 0, 0, 255})
	}
	var b bytes.Buffer
	png.Encode(&b, src)
	pv := preview(t, previewer{}, b.Bytes())
	img := decoded(t, pv.Image, "png") // not a photo: lossless
	if pv.Width != 3000 || pv.Height != 1000 || img.Bounds().Dx() != review.PreviewMaxSide ||
		math.Abs(pv.Scale-float64(review.PreviewMaxSide)/3000) > 1e-9 {
		t.Fatalf("preview %dx%d, %+v", img.Bounds().Dx(), img.Bounds().Dy(), pv)
	}
}

// pngHeader returns a PNG signature and IHDR claiming w×h, nothing more.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d")
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

// A PNG or JPEG small enough to show goes to the screen as it is (the
// screen decodes it after its own size check, and says so when the pixels
// do not decode: ui's TestBrokenPreviewSaysSo).
func TestSmallPicturesPassThrough(t *testing.T) {
	data := pngHeader(64, 64)
	pv := preview(t, previewer{}, data)
	if pv.Kind != "image" || !bytes.Equal(pv.Image, data) || pv.Scale != 1 || pv.Width != 64 {
		t.Fatalf("%+v", pv)
	}
}

func TestPreviewRefusesHugeOrBrokenPicturesWithANote(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		note string
	}{
		{"20000×20000 pixels", pngHeader(20000, 20000), "400 megapixels"},
		{"header broken", []byte("\x89PNG\r\n\x1a\n\x00\x00"), "header cannot be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pv := preview(t, previewer{}, tc.data)
			if pv.Kind != "image" || pv.Image != nil || !strings.Contains(pv.Note, tc.note) {
				t.Fatalf("%+v", pv)
			}
		})
	}
}

func TestPreviewOtherImageFormats(t *testing.T) {
	for _, f := range []string{"et_xmp.gif", "et_xmp.webp", "pil_xmp.tif"} {
		pv := preview(t, previewer{}, readFile(t, "../testdata/labels/"+f))
		img := decoded(t, pv.Image, "png")
		if pv.Kind != "image" || pv.Width != 16 || img.Bounds().Dx() != 16 {
			t.Fatalf("%s: %+v", f, pv)
		}
	}
}

func TestPreviewWAVWaveform(t *testing.T) {
	pv := preview(t, previewer{}, readFile(t, "../marking/audio/testdata/s16_mono_8k.wav"))
	if pv.Kind != "audio" || pv.Duration.Seconds() != 1 || pv.SampleRate != 8000 || pv.Channels != 1 ||
		len(pv.Peaks) != previewColumns || pv.Meta["codec"] != "pcm_s16le" {
		t.Fatalf("%+v", pv)
	}
	// Silent first half, a sine of amplitude 0.5 after.
	if pv.Peaks[100] != 0 || math.Abs(float64(pv.Peaks[700])-0.5) > 0.01 {
		t.Fatalf("peaks %v … %v", pv.Peaks[100], pv.Peaks[700])
	}
}

func TestPreviewMP3(t *testing.T) {
	data := readFile(t, "../marking/audio/testdata/cbr_mono_22k.mp3")
	t.Run("without ffmpeg the summary says there is no waveform", func(t *testing.T) {
		pv := preview(t, previewer{}, data)
		if pv.Kind != "audio" || pv.Duration.Seconds() != 1 || pv.SampleRate != 22050 || pv.Meta["bit_rate"] != "32 kbit/s" ||
			len(pv.Peaks) != 0 || !strings.Contains(pv.Note, "no waveform") {
			t.Fatalf("%+v", pv)
		}
	})
	t.Run("ffmpeg draws the waveform", func(t *testing.T) {
		pv := preview(t, withDecoders(t), data)
		if len(pv.Peaks) == 0 || pv.Note != "" {
			t.Fatalf("%+v", pv)
		}
		n := len(pv.Peaks)
		// The encoder's delay shifts the start of the tone a little.
		if pv.Peaks[n/10] > 0.02 || math.Abs(float64(pv.Peaks[n*8/10])-0.5) > 0.1 {
			t.Fatalf("peaks %v … %v", pv.Peaks[n/10], pv.Peaks[n*8/10])
		}
	})
}

func TestPreviewVideo(t *testing.T) {
	data := readFile(t, "../testdata/labels/ff_nolabel.mp4")
	t.Run("without decoders a note says so", func(t *testing.T) {
		pv := preview(t, previewer{}, data)
		if pv.Kind != "video" || pv.Image != nil || !strings.Contains(pv.Note, "no decoder is installed") {
			t.Fatalf("%+v", pv)
		}
	})
	t.Run("metadata and first frame", func(t *testing.T) {
		pv := preview(t, withDecoders(t), data)
		img := decoded(t, pv.Image, "jpeg")
		if pv.Kind != "video" || pv.Width != 16 || pv.Height != 16 || pv.Scale != 1 || img.Bounds().Dx() != 16 ||
			pv.Meta["frame_rate"] != "25 fps" || !strings.HasPrefix(pv.Meta["video_codec"], "mpeg4") || pv.Duration.Milliseconds() != 40 {
			t.Fatalf("%+v", pv)
		}
	})
	t.Run("a large frame is scaled like a picture", func(t *testing.T) {
		p := withDecoders(t)
		out := filepath.Join(t.TempDir(), "big.mkv")
		cmd := exec.Command(p.ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc=size=2560x1440:rate=5:duration=1", "-c:v", "mpeg4", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make the video: %v %s", err, b)
		}
		pv := preview(t, p, readFile(t, out))
		img := decoded(t, pv.Image, "jpeg")
		if pv.Width != 2560 || img.Bounds().Dx() != review.PreviewMaxSide || math.Abs(pv.Scale-0.8) > 1e-9 || pv.Meta["frame_rate"] != "5 fps" {
			t.Fatalf("%dx%d %+v", img.Bounds().Dx(), img.Bounds().Dy(), pv)
		}
	})
	t.Run("sound in a video container is audio", func(t *testing.T) {
		pv := preview(t, withDecoders(t), readFile(t, "../testdata/labels/ff_tag.mka"))
		if pv.Kind != "audio" || pv.SampleRate == 0 || len(pv.Peaks) == 0 || pv.Image != nil {
			t.Fatalf("%+v", pv)
		}
	})
	t.Run("a broken video gives a note", func(t *testing.T) {
		pv := preview(t, withDecoders(t), data[:200])
		if pv.Kind != "video" || pv.Image != nil || pv.Note == "" {
			t.Fatalf("%+v", pv)
		}
	})
}

func TestPreviewText(t *testing.T) {
	plain := readFile(t, "../testdata/labels/hb_plain.txt")
	if pv := preview(t, previewer{}, plain); pv.Kind != "text" || pv.Text != string(plain) || pv.Note != "" {
		t.Fatalf("%+v", pv)
	}
	long := []byte(strings.Repeat("生成", review.PreviewMaxText)) // 3-byte characters
	pv := preview(t, previewer{}, long)
	if pv.Kind != "text" || len(pv.Text) > review.PreviewMaxText || len(pv.Text) < review.PreviewMaxText-3 ||
		!utf8.ValidString(pv.Text) || !strings.Contains(pv.Note, "first") {
		t.Fatalf("%d bytes, valid %v, note %q", len(pv.Text), utf8.ValidString(pv.Text), pv.Note)
	}
}

func TestPreviewOther(t *testing.T) {
	pv := preview(t, previewer{}, readFile(t, "../testdata/labels/et_xmp.pdf"))
	if pv.Kind != "other" || !strings.Contains(pv.Note, "pdf") {
		t.Fatalf("%+v", pv)
	}
}

func TestPreviewDecoderLimits(t *testing.T) {
	ctx := context.Background()
	if yes, err := exec.LookPath("yes"); err == nil {
		if _, err := (previewer{}).run(ctx, yes, 1<<20); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
			t.Fatalf("endless output: %v", err)
		}
	}
	if sleep, err := exec.LookPath("sleep"); err == nil {
		p := previewer{timeout: 50_000_000} // 50 ms
		if _, err := p.run(ctx, sleep, 1<<10, "30"); err == nil || !strings.Contains(err.Error(), "took longer") {
			t.Fatalf("a decoder that hangs: %v", err)
		}
	}
}

func TestPreviewReadsTheStoredObjectInPlace(t *testing.T) {
	dir := t.TempDir()
	data := []byte("some video bytes")
	stored := filepath.Join(dir, "stored")
	os.WriteFile(stored, data, 0o444)
	it := review.Item{ObjectSHA256: strings.Repeat("a", 64)}
	p := previewer{objectPath: func(string) string { return stored }}
	path, done, err := p.inputFile(it, data)
	if err != nil || path != stored {
		t.Fatalf("%q %v", path, err)
	}
	done()
	if _, err := os.Stat(stored); err != nil {
		t.Fatal("done removed the stored object")
	}
	// Another size means another file: a private copy, removed after.
	path, done, err = p.inputFile(it, append(data, 'x'))
	if err != nil || path == stored {
		t.Fatalf("%q %v", path, err)
	}
	done()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the temporary copy was left behind: %v", err)
	}
}
