package c2pa

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"
)

var fuzzFormats = []string{"jpeg", "png", "mp4", "webp", "wav", "avi", "mp3", "flac", "", "gif"}

// nestedJUMBF returns depth nested superboxes, each with a jumd box.
func nestedJUMBF(depth int) []byte {
	inner := []byte{}
	for i := 0; i < depth; i++ {
		jumd := append(append(be32(8+16+1+2), "jumd"...), uuidStore[:]...)
		jumd = append(jumd, 0x02, 'x', 0)
		body := append(jumd, inner...)
		inner = append(append(be32(8+len(body)), "jumb"...), body...)
	}
	return inner
}

func truncations(b []byte) [][]byte {
	var out [][]byte
	for _, n := range []int{0, 1, 7, 8, 15, 16, 33, len(b) / 3, len(b) / 2, len(b) - 1} {
		if n >= 0 && n <= len(b) {
			out = append(out, b[:n])
		}
	}
	return out
}

func FuzzJUMBF(f *testing.F) {
	store := realStore(f)
	f.Add(store)
	for _, tr := range truncations(store) {
		f.Add(tr)
	}
	f.Add(nestedJUMBF(3))
	f.Add(nestedJUMBF(40))
	huge := append(append([]byte{0, 0, 0, 1}, "jumb"...), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
	f.Add(huge)
	f.Add(append(append([]byte{0, 0, 0, 0}, "jumb"...), nestedJUMBF(2)[8:]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := parseJUMBF(b); err == nil && len(s.raw) > len(b) {
			t.Fatalf("box of %d bytes from %d input bytes", len(s.raw), len(b))
		}
		m, err := activeManifest(b)
		if err != nil {
			return
		}
		m.generator()
		m.content()
		for _, ref := range m.assertionRefs() {
			m.resolve(ref.URL)
		}
	})
}

func FuzzCOSE(f *testing.F) {
	var claim []byte
	for _, name := range []string{"C.jpg", "boxhash.jpg"} {
		m, err := activeManifest(locate(readSample(f, name), "jpeg").store)
		if err != nil {
			f.Fatal(err)
		}
		if claim == nil {
			claim = m.claimBytes
		}
		f.Add(m.sigBytes)
		for _, tr := range truncations(m.sigBytes) {
			f.Add(tr)
		}
	}
	f.Add([]byte{0xD2, 0x84, 0x40, 0xA0, 0xF6, 0x40})                   // tag 18, empty parts
	f.Add([]byte{0xD2, 0x84, 0x43, 0xA1, 0x01, 0x26, 0xA0, 0xF6, 0x40}) // ES256, no chain
	f.Add(bytes.Repeat([]byte{0x81}, 100))                              // deep arrays
	f.Add([]byte{0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}) // huge byte string
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseCOSE(b)
		if err != nil {
			return
		}
		s.verifyTimestamp(claim)
		alg, errAlg := s.alg()
		certs, errChain := s.chain()
		if errAlg == nil && errChain == nil {
			_ = s.verifySignature(alg, certs[0], claim)
			checkSignerProfile(certs[0], certs[0].NotBefore)
		}
	})
}

func FuzzInspect(f *testing.F) {
	for i, name := range []string{"C.jpg", "XCA.jpg", "no_manifest.jpg", "libpng-test.png"} {
		b := readSample(f, name)
		f.Add(b, uint8(0))
		for _, tr := range truncations(b) {
			f.Add(tr, uint8(i))
		}
	}
	store := realStore(f)
	pngIn := readSample(f, "libpng-test.png")
	f.Add(append(append(bytes.Clone(pngIn[:33]), pngChunk("caBX", store[:200])...), pngIn[33:]...), uint8(1))
	f.Add(riff("WAVE", riffChunk("C2PA", store[:300])), uint8(4))
	uuidBody := append(append(bytes.Clone(bmffC2PAUUID), 0, 0, 0, 0), "manifest\x00\x00\x00\x00\x00\x00\x00\x00\x00"...)
	f.Add(append(bmffBox("ftyp", []byte("isom")), bmffBox("uuid", append(uuidBody, store[:100]...))...), uint8(2))
	f.Add(id3Tag(4, id3Frame(4, "GEOB", append([]byte("\x00application/c2pa\x00\x00\x00"), store[:100]...))), uint8(6))
	seg := []byte{0xFF, 0xEB, 0, 18, 'J', 'P', 0, 1, 0, 0, 0, 2}
	seg = binary.BigEndian.AppendUint32(seg, 1)
	f.Add(append(append([]byte{0xFF, 0xD8}, append(seg, "jumb"...)...), 0xFF, 0xD9), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, fi uint8) {
		r := Inspect(b, fuzzFormats[int(fi)%len(fuzzFormats)], Options{})
		if r == nil {
			return
		}
		if !r.Present && (r.SignatureValid != nil || r.BindingValid != nil) {
			t.Fatalf("facts without a manifest: %+v", r)
		}
		if r.Present && (r.SignatureValid == nil || !*r.SignatureValid || r.BindingValid == nil || !*r.BindingValid) && !hasFinding(r, CodeUnverified) {
			t.Fatalf("unverified manifest without a c2pa-unverified finding: %+v", r)
		}
	})
}

// FuzzJPEGBoxes checks the box map used by c2pa.hash.boxes: boxes are in
// order, inside the file and never overlap.
func FuzzJPEGBoxes(f *testing.F) {
	for _, name := range []string{"C.jpg", "earth_apollo17.jpg"} {
		b := readSample(f, name)
		f.Add(b[:min(len(b), 40000)])
		for _, tr := range truncations(b) {
			f.Add(tr)
		}
	}
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0x00, 0xFF, 0xD0, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		boxes, err := jpegBoxes(b)
		if err != nil {
			return
		}
		end := 0
		for _, x := range boxes {
			if x.start < end || x.end < x.start || x.end > len(b) {
				t.Fatalf("box %+v after offset %d in %d bytes", x, end, len(b))
			}
			end = x.end
		}
	})
}

// FuzzTimeStampToken feeds RFC 3161 tokens and responses to the CMS reader.
func FuzzTimeStampToken(f *testing.F) {
	m, err := activeManifest(locate(readSample(f, "C.jpg"), "jpeg").store)
	if err != nil {
		f.Fatal(err)
	}
	s, err := parseCOSE(m.sigBytes)
	if err != nil {
		f.Fatal(err)
	}
	tst := mapGet(mapGet(s.unprotected, 0, "sigTst").(map[any]any), 0, "tstTokens").([]any)[0].(map[any]any)
	resp := mapGet(tst, 0, "val").([]byte)
	f.Add(resp)
	for _, tr := range truncations(resp) {
		f.Add(tr)
	}
	data := []byte("time-stamped data")
	f.Add(newTestTSA(f).token(f, data, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, _, err := verifyTimeStampToken(b, data); err == nil && bytes.Equal(b, resp) {
			t.Fatal("a token over other data verified")
		}
	})
}
