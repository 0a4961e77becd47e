package label_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"golang.org/x/image/tiff"

	"synthreview/marking/label"
)

// validCode is the fictional but well-formed provider code of
// requirements.md §3.3.
const validCode = "001191110108MA01ABCD5T10007"

func testFields(id string) label.Fields {
	return label.Fields{Label: "1", ContentProducer: validCode, ProduceID: id,
		ContentPropagator: validCode, PropagateID: id}
}

func testImage() image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 48, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 48; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 5), uint8(y * 7), 99, 255})
		}
	}
	return img
}

func genPNG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func genJPEG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// genJPEGWithApp inserts JFIF APP0 and an EXIF APP1 (Make = "SynthCam")
// after SOI, as cameras write them.
func genJPEGWithApp(t testing.TB) []byte {
	j := genJPEG(t)
	app0 := []byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	tiffB := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x0F, 0, 2, 0, 0, 0, 9, 0, 0, 0, 26, 0, 0, 0, 0}
	tiffB = append(tiffB, "SynthCam\x00"...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	app1 = append(app1, "Exif\x00\x00"...)
	app1 = append(app1, tiffB...)
	binary.BigEndian.PutUint16(app1[2:], uint16(len(app1)-2))
	out := append([]byte{0xFF, 0xD8}, app0...)
	out = append(out, app1...)
	return append(out, j[2:]...)
}

func genGIF(t testing.TB) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func genTIFF(t testing.TB) []byte {
	var b bytes.Buffer
	if err := tiff.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// genWAV makes a 0.1 s 8 kHz mono 16-bit PCM WAV with a LIST/INFO chunk.
func genWAV(odd bool) []byte {
	pcm := make([]byte, 1600)
	for i := range pcm {
		pcm[i] = byte(i * 37)
	}
	if odd {
		pcm = pcm[:1599]
	}
	fmtc := []byte{1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0}
	var body bytes.Buffer
	body.WriteString("WAVE")
	chunk := func(id string, d []byte) {
		body.WriteString(id)
		binary.Write(&body, binary.LittleEndian, uint32(len(d)))
		body.Write(d)
		if len(d)%2 == 1 {
			body.WriteByte(0)
		}
	}
	chunk("fmt ", fmtc)
	chunk("LIST", append([]byte("INFOINAM"), 6, 0, 0, 0, 'T', 'o', 'n', 'e', '!', 0))
	chunk("data", pcm)
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(body.Len()))
	return append(out, body.Bytes()...)
}

func fixture(t testing.TB, name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readShared(name string) ([]byte, error) { return os.ReadFile("../../testdata/labels/" + name) }

func sharedFixture(t testing.TB, name string) []byte {
	b, err := readShared(name)
	if err != nil {
		t.Skipf("shared fixture %s not present: %v", name, err)
	}
	return b
}
