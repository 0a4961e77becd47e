package label_test

import (
	"errors"
	"strings"
	"testing"

	"synthreview/marking"
	"synthreview/marking/label"
)

func TestWritersRejectBrokenFiles(t *testing.T) {
	f := testFields("IMG1")
	png, jpg, gif, tif := genPNG(t), genJPEG(t), genGIF(t), genTIFF(t)
	wav := genWAV(false)
	mp4 := fixture(t, "tail.mp4")
	mp3 := fixture(t, "v23.mp3")
	cases := []struct {
		name, format string
		data         []byte
		want         string
	}{
		{"png truncated", "png", png[:len(png)-20], "truncated"},
		{"png bad signature", "png", append([]byte("\x89PNX"), png[4:]...), "signature"},
		{"png hostile length", "png", append(append(append([]byte{}, png[:8]...), 0x7f, 0xff, 0xff, 0xff), png[12:]...), "past the end"},
		{"jpeg truncated", "jpeg", jpg[:30], "truncated"},
		{"jpeg no SOI", "jpeg", jpg[2:], "SOI"},
		{"gif truncated", "gif", gif[:len(gif)-10], "truncated"},
		{"tiff bad IFD offset", "tiff", append(append([]byte{}, tif[:4]...), 0xff, 0xff, 0xff, 0x00), "past the end"},
		{"bigtiff", "tiff", []byte("II+\x00\x08\x00\x00\x00"), "BigTIFF"},
		{"wav truncated", "wav", wav[:100], "truncated"},
		{"wav hostile chunk", "wav", append(append([]byte{}, wav[:16]...), append([]byte{0xff, 0xff, 0xff, 0x7f}, wav[20:]...)...), "past the end"},
		{"mp3 ID3 truncated", "mp3", mp3[:40], "truncated"},
		{"mp3 ID3v2.2", "mp3", append([]byte("ID3\x02\x00\x00\x00\x00\x00\x10"), make([]byte, 20)...), "2.2"},
		{"mp4 truncated", "mp4", mp4[:len(mp4)/2], "truncated"},
		{"mp4 no moov", "mp4", []byte("\x00\x00\x00\x10ftypisom\x00\x00\x02\x00"), "no moov"},
		{"mp4 fragmented", "mp4", []byte("\x00\x00\x00\x10ftypiso5\x00\x00\x02\x00\x00\x00\x00\x08moov\x00\x00\x00\x08moof"), "fragmented"},
		{"text", "text", []byte("hello"), "unsupported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := label.Write(c.data, c.format, f)
			if err == nil {
				t.Fatalf("accepted (%d bytes out)", len(out))
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
	if _, err := label.Write([]byte("x"), "docx", f); !errors.Is(err, label.ErrUnsupported) {
		t.Errorf("docx: %v", err)
	}
}

// The shared labelled fixtures (testdata/labels, from the reader's tests)
// are relabelled: every label in them is replaced, and what the reader then
// finds is exactly the new label.
func TestRelabelSharedFixtures(t *testing.T) {
	for _, name := range []string{"et_xmp.png", "et_text.png", "et_xmp.jpg", "et_xmp_attr.jpg", "et_usercomment.jpg",
		"et_conflict.jpg", "et_badcode.jpg", "et_iptc.jpg", "et_xmp.webp", "et_usercomment.webp", "et_extended.jpg", "et_xmp.gif", "et_xmp.tif",
		"hb_aigc_chunk.wav", "hb_list_info.wav", "ff_txxx_v23.mp3", "ff_txxx_v24.mp3", "ff_udta.mp4", "ff_udta.mov", "ff_nolabel.mp4"} {
		t.Run(name, func(t *testing.T) {
			in := sharedFixture(t, name)
			format := marking.Sniff(in)
			f := testFields("RELABEL-1")
			out, err := label.Write(in, format, f)
			if err != nil {
				t.Fatal(err)
			}
			rep := marking.Scan(out, marking.ScanOptions{Fast: true})
			if rep.Verdict != marking.VerdictConforming {
				t.Errorf("verdict %s: %+v", rep.Verdict, rep.Findings)
			}
			for _, im := range rep.Implicit {
				if im.Fields["ProduceID"] != "RELABEL-1" {
					t.Errorf("stale label left at %s: %v", im.Location, im.Fields)
				}
			}
			before := marking.Scan(in, marking.ScanOptions{Fast: true})
			if before.IPTCDigitalSourceType != rep.IPTCDigitalSourceType {
				t.Errorf("IPTC digital source type lost: %q → %q", before.IPTCDigitalSourceType, rep.IPTCDigitalSourceType)
			}
		})
	}
}
