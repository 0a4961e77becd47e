package label_test

import (
	"testing"

	"synthreview/marking"
	"synthreview/marking/label"
)

// fuzzWriter checks a writer on arbitrary bytes: it returns an error or a
// file that it can write again and in which the reader finds the label.
func fuzzWriter(f *testing.F, format string, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
		if len(s) > 16 {
			f.Add(s[:len(s)/2])
		}
	}
	fields := testFields("FUZZ-1")
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := label.Write(data, format, fields)
		if err != nil {
			return
		}
		if _, err := label.Write(out, format, fields); err != nil {
			t.Fatalf("output cannot be labelled again: %v", err)
		}
		rep := marking.Scan(out, marking.ScanOptions{Fast: true})
		for _, im := range rep.Implicit {
			if im.Fields["ProduceID"] == "FUZZ-1" {
				return
			}
		}
		t.Fatalf("the reader does not find the written label: %+v (error %q)", rep.Implicit, rep.Error)
	})
}

func FuzzWritePNG(f *testing.F) {
	fuzzWriter(f, "png", genPNG(f), sharedOrNil(f, "et_xmp.png"), sharedOrNil(f, "et_text.png"))
}

func FuzzWriteJPEG(f *testing.F) {
	fuzzWriter(f, "jpeg", genJPEG(f), genJPEGWithApp(f), sharedOrNil(f, "et_usercomment.jpg"), sharedOrNil(f, "et_xmp_attr.jpg"))
}

func FuzzWriteWebP(f *testing.F) {
	fuzzWriter(f, "webp", fixture(f, "lossy.webp"), fixture(f, "lossless.webp"), sharedOrNil(f, "et_xmp.webp"), sharedOrNil(f, "et_usercomment.webp"))
}

func FuzzWriteGIF(f *testing.F) {
	fuzzWriter(f, "gif", genGIF(f), sharedOrNil(f, "et_xmp.gif"))
}

func FuzzWriteTIFF(f *testing.F) {
	fuzzWriter(f, "tiff", genTIFF(f), sharedOrNil(f, "et_xmp.tif"))
}

func FuzzWriteWAV(f *testing.F) {
	fuzzWriter(f, "wav", genWAV(false), genWAV(true), sharedOrNil(f, "hb_list_info.wav"))
}

func FuzzWriteMP3(f *testing.F) {
	fuzzWriter(f, "mp3", fixture(f, "plain.mp3"), fixture(f, "v23.mp3"), sharedOrNil(f, "ff_txxx_v24.mp3"))
}

func FuzzWriteMP4(f *testing.F) {
	fuzzWriter(f, "mp4", fixture(f, "tail.mp4"), fixture(f, "faststart.mp4"), sharedOrNil(f, "ff_udta.mp4"))
}

func FuzzUpdateXMP(f *testing.F) {
	f.Add([]byte(label.NewXMP(testFields("A"))))
	f.Add([]byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/" TC260:AIGC="x"/></rdf:RDF></x:xmpmeta>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _, err := label.UpdateXMP(data, testFields("FUZZ-2"))
		if err != nil {
			return
		}
		again, had, err := label.UpdateXMP(out, testFields("FUZZ-2"))
		if err != nil || !had {
			t.Fatalf("updated packet does not parse again or lost its label: %v", err)
		}
		if string(again) != string(out) {
			t.Fatalf("a second update changed the packet:\n%s\n%s", out, again)
		}
	})
}

func sharedOrNil(f *testing.F, name string) []byte {
	b, err := readShared(name)
	if err != nil {
		return nil
	}
	return b
}

// FuzzCarryMetadata covers the conversion helpers: extracting metadata,
// inserting it into fresh PNG and JPEG files, transplanting segments and
// resetting the EXIF orientation, on arbitrary input files.
func FuzzCarryMetadata(f *testing.F) {
	for _, s := range [][]byte{genPNG(f), genJPEGWithApp(f), genGIF(f), genTIFF(f), fixture(f, "lossy.webp"),
		sharedOrNil(f, "et_xmp.png"), sharedOrNil(f, "et_usercomment.jpg"), sharedOrNil(f, "et_usercomment.webp")} {
		f.Add(s)
	}
	png, jpg := genPNG(f), genJPEG(f)
	fields := testFields("FUZZ-3")
	f.Fuzz(func(t *testing.T, data []byte) {
		format := label.Detect(data)
		if c, err := label.ExtractMetadata(data, format); err == nil {
			for _, target := range []struct {
				format string
				data   []byte
			}{{"png", png}, {"jpeg", jpg}} {
				out, err := c.Insert(target.data, target.format, true)
				if err != nil {
					continue
				}
				if _, err := label.Write(out, target.format, fields); err != nil && len(c.XMP) == 0 && len(c.EXIF) < 60000 {
					t.Fatalf("%s with carried EXIF only cannot be labelled: %v", target.format, err)
				}
			}
		}
		if out, err := label.TransplantPNG(data, png); err == nil {
			if _, err := label.ExtractMetadata(out, "png"); err != nil {
				t.Fatalf("transplanted PNG does not parse: %v", err)
			}
		}
		if out, err := label.TransplantJPEG(data, jpg); err == nil && label.Detect(out) != "jpeg" {
			t.Fatalf("transplanted JPEG is %s", label.Detect(out))
		}
		if label.JPEGOrientation(data) != 1 {
			out, err := label.ResetJPEGOrientation(data)
			if err == nil && label.JPEGOrientation(out) != 1 {
				t.Fatalf("orientation not reset")
			}
		}
	})
}
