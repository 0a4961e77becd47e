package marking

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Fuzz targets: one per container parser, plus the whole of Scan. Each is
// seeded from the fixtures and the table cases; the reader must never panic
// (the fuzz targets call scan, which has no recover).

func fixtureSeeds(f *testing.F, exts ...string) {
	entries, err := os.ReadDir(fixtureDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		for _, ext := range exts {
			if strings.HasSuffix(e.Name(), ext) {
				b, err := os.ReadFile(filepath.Join(fixtureDir, e.Name()))
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
}

func hostileSeeds(f *testing.F, format string) {
	for _, tc := range hostileCases {
		if strings.Contains(tc.name, "bomb") && !strings.Contains(tc.name, "pixel") {
			continue // megabytes; the small bombs below stand in
		}
		b := tc.data(f)
		if Sniff(b) == format || format == "" {
			f.Add(b)
		}
	}
}

var fuzzOpts = []ScanOptions{
	{Fast: true, inflateLimit: 1 << 16},
	{MaxPixels: 1 << 16, Pixels: func(image.Image, *Report) {}, inflateLimit: 1 << 16},
}

func fuzzFormat(f *testing.F, format string, minLen int, run func(s *scanner)) {
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < minLen {
			return
		}
		for _, o := range fuzzOpts {
			rep := Report{Format: format}
			rep.init()
			s := &scanner{data: data, opts: o, rep: &rep, seen: map[string]bool{}}
			if s.opts.MaxPixels == 0 {
				s.opts.MaxPixels = DefaultMaxPixels
			}
			run(s)
			rep.Judge()
			if rep.Verdict == "" || rep.LabelState == "" {
				t.Fatalf("no verdict")
			}
		}
	})
}

func FuzzScan(f *testing.F) {
	fixtureSeeds(f, "")
	hostileSeeds(f, "")
	f.Add(ztxtBomb(1 << 17))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, o := range fuzzOpts {
			rep := scan(data, o)
			if rep.Verdict == "" || rep.Findings == nil || rep.Implicit == nil {
				t.Fatalf("incomplete report %+v", rep)
			}
			if len(rep.Implicit) > 0 && rep.Verdict == VerdictUnlabelled {
				t.Fatalf("a label was found but the verdict is unlabelled")
			}
		}
	})
}

func FuzzPNG(f *testing.F) {
	fixtureSeeds(f, ".png")
	hostileSeeds(f, "png")
	f.Add(ztxtBomb(1 << 17))
	f.Add(pngFile([][]byte{tEXt("AIGC", wrap(goodInner)), iTXt("XML:com.adobe.xmp", xmpPacket(goodInner), true)}, nil))
	fuzzFormat(f, "png", 0, (*scanner).png)
}

func FuzzJPEG(f *testing.F) {
	fixtureSeeds(f, ".jpg")
	hostileSeeds(f, "jpeg")
	f.Add(jpegFile(jpegSeg(0xE1, append([]byte(xmpHeader), xmpPacket(goodInner)...))))
	f.Add(append(jpegFile(), []byte("AIGC"+goodInner)...))
	fuzzFormat(f, "jpeg", 0, (*scanner).jpeg)
}

func FuzzRIFF(f *testing.F) {
	fixtureSeeds(f, ".wav", ".webp")
	hostileSeeds(f, "wav")
	hostileSeeds(f, "avi")
	hostileSeeds(f, "webp")
	f.Add(riffFile("WAVE", riffChunk("AIGC", []byte(goodInner+" "))))
	fuzzFormat(f, "wav", 12, (*scanner).riff)
}

func FuzzGIF(f *testing.F) {
	fixtureSeeds(f, ".gif")
	hostileSeeds(f, "gif")
	fuzzFormat(f, "gif", 0, (*scanner).gif)
}

func FuzzTIFF(f *testing.F) {
	fixtureSeeds(f, ".tif")
	hostileSeeds(f, "tiff")
	f.Add(tiffUserComment(append([]byte("UNICODE\x00"), utf16BE(wrap(goodInner))...)))
	fuzzFormat(f, "tiff", 0, (*scanner).tiffFile)
}

func FuzzID3(f *testing.F) {
	fixtureSeeds(f, ".mp3")
	hostileSeeds(f, "mp3")
	f.Add(id3Tag(3, "AIGC", goodInner, true))
	f.Add(id3Tag(4, "AIGC", goodInner, true))
	fuzzFormat(f, "mp3", 0, (*scanner).mp3)
}

func FuzzMP4(f *testing.F) {
	fixtureSeeds(f, ".mp4", ".mov")
	hostileSeeds(f, "mp4")
	f.Add(mp4Label("AIGC", goodInner))
	fuzzFormat(f, "mp4", 0, (*scanner).mp4)
}

func FuzzMKV(f *testing.F) {
	fixtureSeeds(f, ".mkv", ".mka")
	hostileSeeds(f, "mkv")
	f.Add(mkvLabel("AIGC", goodInner))
	fuzzFormat(f, "mkv", 0, (*scanner).mkv)
}

func FuzzDOCX(f *testing.F) {
	fixtureSeeds(f, ".docx")
	f.Add(hbDocx(f, goodInner))
	fuzzFormat(f, "docx", 0, (*scanner).docx)
}

func FuzzFLV(f *testing.F) {
	fixtureSeeds(f, ".flv")
	fuzzFormat(f, "flv", 0, (*scanner).flv)
}

func FuzzText(f *testing.F) {
	fixtureSeeds(f, ".md", ".txt")
	f.Add([]byte("---\nAIGC: " + goodInner + "\n---\nAI生成\n"))
	fuzzFormat(f, "text", 0, (*scanner).text)
}

func FuzzXMP(f *testing.F) {
	f.Add(xmpPacket(goodInner))
	f.Add(xmpWith(`<rdf:Description rdf:about="" xmlns:TC260="http://ns.adobe.com/xap/1.0/tc/" TC260:AIGC="x"/>`))
	f.Add([]byte(`<x:xmpmeta><TC260:AIGC>{&quot;Label&quot;:&quot;1&quot;}</TC260:AIGC`))
	fuzzFormat(f, "xmp", 0, func(s *scanner) { s.xmp("fuzz", s.data) })
}

func FuzzLabelJSON(f *testing.F) {
	f.Add([]byte(goodInner))
	f.Add([]byte(wrap(specInner)))
	f.Add([]byte(`AIGC{"Label":1}`))
	f.Add([]byte(`{"AIGC":"{\"Label\":\"1\"}"}`))
	fuzzFormat(f, "text", 0, func(s *scanner) {
		s.addLabel(candidate{carrier: CarrierOther, location: "fuzz", named: true, payload: s.data})
	})
}
