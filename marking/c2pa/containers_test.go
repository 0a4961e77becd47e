package c2pa

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// realStore returns the manifest store of C.jpg, to transplant into other
// containers. The claim and its signature are untouched, so the signature
// stays valid; the data hash was made over C.jpg, so the binding breaks.
func realStore(t testing.TB) []byte {
	t.Helper()
	loc := locate(readSample(t, "C.jpg"), "jpeg")
	if loc.store == nil {
		t.Fatalf("C.jpg: no store: %v", loc.err)
	}
	return loc.store
}

var sha256Hash = crypto.SHA256

func be32(n int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }
func le32(n int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(n)) }

func pngChunk(typ string, data []byte) []byte {
	c := append(be32(len(data)), typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func riffChunk(id string, data []byte) []byte {
	c := append([]byte(id), le32(len(data))...)
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

func riff(form string, chunks ...[]byte) []byte {
	body := []byte(form)
	for _, c := range chunks {
		body = append(body, c...)
	}
	return append(append([]byte("RIFF"), le32(len(body))...), body...)
}

func bmffBox(typ string, body []byte) []byte {
	return append(append(be32(8+len(body)), typ...), body...)
}

func syncsafeBytes(n int) []byte {
	return []byte{byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}
}

func id3Frame(major byte, id string, body []byte) []byte {
	size := be32(len(body))
	if major == 4 {
		size = syncsafeBytes(len(body))
	}
	return append(append(append([]byte(id), size...), 0, 0), body...)
}

func id3Tag(major byte, frames ...[]byte) []byte {
	var body []byte
	for _, f := range frames {
		body = append(body, f...)
	}
	body = append(body, make([]byte, 16)...) // padding
	return append(append([]byte{'I', 'D', '3', major, 0, 0}, syncsafeBytes(len(body))...), body...)
}

// app11Segments splits a store into JPEG XT APP11 segments of at most chunk
// box bytes each, repeating the box header in continuation segments.
func app11Segments(store []byte, chunk int) [][]byte {
	var segs [][]byte
	first := true
	for z := 1; len(store) > 0 || first; z++ {
		n := min(chunk, len(store))
		body := []byte{'J', 'P', 0x02, 0x11}
		body = binary.BigEndian.AppendUint32(body, uint32(z))
		if !first {
			body = append(body, segs[0][4+8:4+8+8]...) // LBox and TBox again
		}
		body = append(body, store[:n]...)
		store = store[n:]
		seg := append([]byte{0xFF, 0xEB}, byte((len(body)+2)>>8), byte(len(body)+2))
		segs = append(segs, append(seg, body...))
		first = false
	}
	return segs
}

// TestContainers transplants a real store into every container the locator
// knows and checks that it is found, read and judged honestly.
func TestContainers(t *testing.T) {
	store := realStore(t)
	pngIn := readSample(t, "libpng-test.png")
	ihdrEnd := 8 + 12 + 13
	pngOut := append(append(append([]byte(nil), pngIn[:ihdrEnd]...), pngChunk("caBX", store)...), pngIn[ihdrEnd:]...)

	uuidBody := append(append([]byte(nil), bmffC2PAUUID...), 0, 0, 0, 0)
	uuidBody = append(append(uuidBody, "manifest\x00"...), make([]byte, 8)...)
	uuidBody = append(uuidBody, store...)
	mp4 := append(bmffBox("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41")), bmffBox("free", nil)...)
	mp4 = append(mp4, bmffBox("uuid", uuidBody)...)
	mp4 = append(mp4, bmffBox("mdat", []byte("not really video"))...)

	geob := append([]byte{0}, "application/c2pa\x00c2pa.c2pa\x00manifest store\x00"...)
	geob = append(geob, store...)
	mp3 := append(id3Tag(4, id3Frame(4, "TIT2", []byte("\x00title")), id3Frame(4, "GEOB", geob)), 0xFF, 0xFB, 0x90, 0x00)
	// ID3v2.3, UTF-16 file name and description, the older MIME type.
	geob16 := append([]byte{1}, "application/x-c2pa-manifest-store\x00"...)
	geob16 = append(geob16, 0xFF, 0xFE, 'a', 0, 0, 0, 0xFF, 0xFE, 'd', 0, 0, 0)
	geob16 = append(geob16, store...)
	mp3v23 := id3Tag(3, id3Frame(3, "GEOB", geob16))

	var jpg []byte
	jpg = append(jpg, 0xFF, 0xD8)
	segs := app11Segments(store, 9000)
	// Out of order on purpose: the reader must sort by sequence number.
	for i := len(segs) - 1; i >= 0; i-- {
		jpg = append(jpg, segs[i]...)
	}
	jpg = append(jpg, 0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9)

	cases := []struct {
		name, format, location string
		data                   []byte
	}{
		{"png caBX", "png", "png:caBX", pngOut},
		{"mp4 uuid", "mp4", "mp4:uuid", mp4},
		{"webp C2PA chunk", "webp", "riff:WEBP:C2PA", riff("WEBP", riffChunk("VP8X", make([]byte, 10)), riffChunk("C2PA", store))},
		{"wav C2PA chunk after odd chunk", "wav", "riff:WAVE:C2PA", riff("WAVE", riffChunk("fmt ", make([]byte, 16)), riffChunk("LIST", []byte("odd")), riffChunk("C2PA", store), riffChunk("data", []byte{1, 2}))},
		{"avi C2PA chunk", "avi", "riff:AVI:C2PA", riff("AVI ", riffChunk("C2PA", store))},
		{"mp3 ID3v2.4 GEOB", "mp3", "mp3:ID3v2.4:GEOB", mp3},
		{"mp3 ID3v2.3 UTF-16 GEOB", "mp3", "mp3:ID3v2.3:GEOB", mp3v23},
		{"jpeg APP11 out of order", "jpeg", "jpeg:APP11", jpg},
		{"unknown format sniffed", "", "png:caBX", pngOut},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Inspect(c.data, c.format, Options{})
			if r == nil || !r.Present {
				t.Fatalf("manifest not found")
			}
			if r.Location != c.location {
				t.Errorf("location %q, want %q", r.Location, c.location)
			}
			if r.ClaimGenerator != "make_test_images/0.33.1 c2pa-rs/0.33.1" || len(r.Actions) != 1 || r.Actions[0] != "c2pa.created" {
				t.Errorf("generator %q actions %v", r.ClaimGenerator, r.Actions)
			}
			if !isTrue(r.SignatureValid) {
				t.Errorf("signature %s: the transplanted claim is intact; findings %v", fact(r.SignatureValid), r.Findings)
			}
			if !isFalse(r.BindingValid) {
				t.Errorf("binding %s: the data hash was made over C.jpg, not this file", fact(r.BindingValid))
			}
			if !strings.Contains(findingText(r, CodeUnverified), "binding broken") {
				t.Errorf("finding does not explain the broken binding: %v", r.Findings)
			}
		})
	}
}

func TestNotAManifest(t *testing.T) {
	store := realStore(t)
	// A JUMBF box in APP11 whose type is not the C2PA store: not C2PA.
	other := bytes.Clone(store)
	copy(other[8+8:8+8+4], "xxxx")
	var jpg []byte
	jpg = append(jpg, 0xFF, 0xD8)
	for _, s := range app11Segments(other, 60000) {
		jpg = append(jpg, s...)
	}
	jpg = append(jpg, 0xFF, 0xD9)
	if r := Inspect(jpg, "jpeg", Options{}); r != nil {
		t.Errorf("non-C2PA JUMBF reported: %+v", r)
	}
	// Stray "jumb" and "c2pa" strings are not a manifest (requirements.md §4).
	stray := append([]byte{0xFF, 0xD8, 0xFF, 0xFE, 0, 14}, "jumb c2pa jumd"...)
	if r := Inspect(append(stray, 0xFF, 0xD9), "jpeg", Options{}); r != nil {
		t.Errorf("stray strings reported: %+v", r)
	}
}

func TestBrokenDedicatedCarrier(t *testing.T) {
	pngIn := readSample(t, "libpng-test.png")
	bad := append(append(bytes.Clone(pngIn[:33]), pngChunk("caBX", []byte("\x00\x00\x00\x10jumbgarbage!"))...), pngIn[33:]...)
	r := Inspect(bad, "png", Options{})
	if r == nil || !r.Present {
		t.Fatal("a caBX chunk is a C2PA carrier even when unreadable")
	}
	if r.SignatureValid != nil || r.BindingValid != nil {
		t.Errorf("facts of an unreadable store must be null: signature %s binding %s", fact(r.SignatureValid), fact(r.BindingValid))
	}
	if !strings.Contains(findingText(r, CodeUnverified), "cannot be read") {
		t.Errorf("findings %v", r.Findings)
	}
}

// TestBoxHash builds a small JPEG and a c2pa.hash.boxes assertion whose
// hashes are computed here from the literal segment bytes.
func TestBoxHash(t *testing.T) {
	soi := []byte{0xFF, 0xD8}
	app0 := append([]byte{0xFF, 0xE0, 0, 16}, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00"...)
	jumd := append(append(be32(8+16+1+5), "jumd"...), uuidStore[:]...)
	jumd = append(jumd, 0x03, 'c', '2', 'p', 'a', 0)
	c2paBody := append([]byte{'J', 'P', 0x02, 0x11, 0, 0, 0, 1}, append(append(be32(4000), "jumb"...), jumd...)...)
	c2paSeg := append([]byte{0xFF, 0xEB, byte((len(c2paBody) + 2) >> 8), byte(len(c2paBody) + 2)}, c2paBody...)
	dqt := append([]byte{0xFF, 0xDB, 0, 5}, 0, 1, 2)
	sos := append([]byte{0xFF, 0xDA, 0, 4, 9, 9}, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56)
	eoi := []byte{0xFF, 0xD9}
	file := bytes.Join([][]byte{soi, app0, c2paSeg, dqt, sos, eoi}, nil)

	h := func(parts ...[]byte) []byte {
		s := sha256.Sum256(bytes.Join(parts, nil))
		return s[:]
	}
	assertion := map[string]any{
		"alg": "sha256",
		"boxes": []map[string]any{
			{"names": []string{"SOI", "APP0"}, "hash": h(soi, app0)},
			{"names": []string{"C2PA"}, "hash": []byte{0}},
			{"names": []string{"DQT"}, "hash": h(dqt)},
			{"names": []string{"SOS"}, "hash": h(sos)}, // segment and entropy-coded data, RST included
			{"names": []string{"EOI"}, "hash": h(eoi)},
		},
	}
	payload, err := cbor.Marshal(assertion)
	if err != nil {
		t.Fatal(err)
	}
	if ok, why := verifyBoxHash(payload, "sha256", file, "jpeg"); !isTrue(ok) {
		t.Fatalf("intact file: %s %s", fact(ok), why)
	}
	// The C2PA box may change freely: it is excluded.
	changed := bytes.Clone(file)
	changed[len(soi)+len(app0)+20] ^= 0xFF
	if ok, why := verifyBoxHash(payload, "sha256", changed, "jpeg"); !isTrue(ok) {
		t.Errorf("change inside the C2PA box: %s %s", fact(ok), why)
	}
	// A changed pixel byte breaks the SOS box.
	changed = bytes.Clone(file)
	changed[len(file)-len(eoi)-1] ^= 0xFF
	if ok, _ := verifyBoxHash(payload, "sha256", changed, "jpeg"); !isFalse(ok) {
		t.Errorf("changed scan data: binding %s", fact(ok))
	}
	// An added comment segment is a box the hash does not know.
	com := []byte{0xFF, 0xFE, 0, 4, 'h', 'i'}
	added := bytes.Join([][]byte{soi, app0, c2paSeg, dqt, com, sos, eoi}, nil)
	if ok, why := verifyBoxHash(payload, "sha256", added, "jpeg"); !isFalse(ok) || !strings.Contains(why, "COM") {
		t.Errorf("added segment: binding %s (%s)", fact(ok), why)
	}
	// Trailing boxes not covered by the hash.
	trailing := append(bytes.Clone(file[:len(file)-2]), append(com, eoi...)...)
	if ok, _ := verifyBoxHash(payload, "sha256", trailing, "jpeg"); !isFalse(ok) {
		t.Errorf("uncovered trailing box: binding %s", fact(ok))
	}
	if ok, _ := verifyBoxHash(payload, "sha256", file, "png"); ok != nil {
		t.Errorf("box hash of a non-JPEG must be unknown, got %s", fact(ok))
	}
}

func TestDataHashExclusions(t *testing.T) {
	data := []byte("0123456789abcdef")
	want := sha256.Sum256([]byte("01236789abcdef"))
	got, err := hashExcluding(sha256Hash, data, []exclusion{{Start: 4, Length: 2}})
	if err != nil || !bytes.Equal(got, want[:]) {
		t.Errorf("hash excluding 4+2: %x %v", got, err)
	}
	for _, ex := range [][]exclusion{
		{{Start: 10, Length: 7}},                       // runs past the end
		{{Start: 1 << 63, Length: 1 << 63}},            // overflow
		{{Start: 2, Length: 4}, {Start: 3, Length: 1}}, // overlap
	} {
		if _, err := hashExcluding(sha256Hash, data, ex); err == nil {
			t.Errorf("exclusions %v accepted", ex)
		}
	}
}

func TestProvenanceForms(t *testing.T) {
	cases := map[string]string{
		`<rdf:Description dcterms:provenance="https://example.com/m.c2pa"/>`:     "https://example.com/m.c2pa",
		`<dcterms:provenance>self#jumbf=/c2pa/x/c2pa.claim</dcterms:provenance>`: "self#jumbf=/c2pa/x/c2pa.claim",
		`<x dcterms:provenance='https://a.example/?a=1&amp;b=2'/>`:               "https://a.example/?a=1&b=2",
		`dcterms:provenance`: "",
		`<dcterms:provenance>` + strings.Repeat("x", 5000) + `</dcterms:provenance>`: "",
		`dcterms:provenance dcterms:provenance="https://b.example/"`:                 "https://b.example/",
	}
	for in, want := range cases {
		refs := findProvenance([]byte(in))
		got := ""
		if len(refs) > 0 {
			got = refs[0]
		}
		if got != want {
			t.Errorf("%.60q: got %q, want %q", in, got, want)
		}
	}
}
