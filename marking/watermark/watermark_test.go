package watermark

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"synthreview/marking/raster"
)

var epochT = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// seeded is a deterministic io.Reader for key generation in tests.
type seeded struct{ r *rand.Rand }

func (s seeded) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(s.r.Uint32())
	}
	return len(p), nil
}

func newSeeded(n uint64) seeded { return seeded{rand.New(rand.NewPCG(n, 99))} }

func mustRing(t testing.TB, seed uint64) *Keyring {
	t.Helper()
	var ring Keyring
	if _, err := ring.Rotate(epochT, newSeeded(seed)); err != nil {
		t.Fatal(err)
	}
	return &ring
}

var (
	photosOnce sync.Once
	photos     map[string]image.Image
	photosErr  error
)

// photo loads a project photo (testdata/photos, see its README).
func photo(t testing.TB, name string) image.Image {
	t.Helper()
	photosOnce.Do(func() {
		photos = map[string]image.Image{}
		ents, err := os.ReadDir("../../testdata/photos")
		if err != nil {
			photosErr = err
			return
		}
		for _, e := range ents {
			if !strings.HasSuffix(e.Name(), ".jpg") {
				continue
			}
			img, err := imaging.Open(filepath.Join("../../testdata/photos", e.Name()))
			if err != nil {
				photosErr = err
				return
			}
			// 768 px keeps the unit tests quick under -race; the
			// robustness script uses the photos at full size.
			photos[e.Name()] = imaging.Fit(img, 768, 768, imaging.Lanczos)
		}
	})
	if photosErr != nil {
		t.Fatal(photosErr)
	}
	img, ok := photos[name]
	if !ok {
		t.Fatalf("no photo %s", name)
	}
	return img
}

func jpegCopy(t testing.TB, img image.Image, q int) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func psnr(a, b image.Image) float64 {
	na, nb := imaging.Clone(a), imaging.Clone(b)
	var se float64
	n := 0
	for i := 0; i < len(na.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			d := float64(na.Pix[i+c]) - float64(nb.Pix[i+c])
			se += d * d
			n++
		}
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// mark embeds id with the ring's current key and returns the JPEG q95
// copy (what `mark` writes), as decoded pixels.
func mark(t testing.TB, img image.Image, ring *Keyring, id string) image.Image {
	t.Helper()
	key, _ := ring.Current()
	out, err := Embed(img, key, EncodeProduceID(id))
	if err != nil {
		t.Fatal(err)
	}
	if p := psnr(img, out); p < 38 {
		t.Fatalf("PSNR %.2f dB, want ≥ 38", p)
	}
	return jpegCopy(t, out, 95)
}

func TestRoundTripOnPhoto(t *testing.T) {
	ring := mustRing(t, 1)
	marked := mark(t, photo(t, "garden.jpg"), ring, "IMG000123")
	r := Detect(raster.FromImage(marked), ring)
	key, _ := ring.Current()
	if !r.Detected || r.Payload != "IMG000123" || r.PayloadDigest != "" || r.KeyID != key.ID || !r.Checked {
		t.Fatalf("got %+v", r)
	}
	if r.Confidence < 0.9 {
		t.Errorf("clean copy read with confidence %.2f", r.Confidence)
	}
}

func TestSurvivesAttacks(t *testing.T) {
	ring := mustRing(t, 2)
	scale := func(img image.Image, f float64) image.Image {
		b := img.Bounds()
		return imaging.Resize(img, int(float64(b.Dx())*f), int(float64(b.Dy())*f), imaging.Lanczos)
	}
	attacks := []struct {
		name, photo string
		run         func(image.Image) image.Image
	}{
		{"JPEG q60", "storm.jpg", func(m image.Image) image.Image { return jpegCopy(t, m, 60) }},
		{"resize 50%", "aqua.jpg", func(m image.Image) image.Image { return scale(m, 0.5) }},
		{"crop 92% at an odd offset", "wood.jpg", func(m image.Image) image.Image {
			b := m.Bounds()
			w, h := b.Dx()*92/100, b.Dy()*92/100
			return imaging.Crop(m, image.Rect(37, 23, 37+w, 23+h))
		}},
		{"brightness and contrast +10%", "dune.jpg", func(m image.Image) image.Image {
			return imaging.AdjustContrast(imaging.AdjustBrightness(m, 10), 10)
		}},
		{"resize 75% + JPEG q70", "twowings.jpg", func(m image.Image) image.Image { return jpegCopy(t, scale(m, 0.75), 70) }},
	}
	for i, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			id := "ID-" + strings.Repeat("7", i+1)
			got := a.run(mark(t, photo(t, a.photo), ring, id))
			r := Detect(raster.FromImage(got), ring)
			if !r.Detected || r.Payload != id {
				t.Fatalf("%s on %s: got %+v, want payload %s", a.name, a.photo, r, id)
			}
		})
	}
}

func TestWrongKeyIsNotDetected(t *testing.T) {
	marked := mark(t, photo(t, "ladybird.jpg"), mustRing(t, 3), "IMG000123")
	r := Detect(raster.FromImage(marked), mustRing(t, 4))
	if r.Detected || !r.Checked {
		t.Fatalf("other key's mark reported: %+v", r)
	}
}

func TestUnmarkedPhotosAndCropsAreNotDetected(t *testing.T) {
	ring := mustRing(t, 5)
	if _, err := ring.Rotate(epochT.Add(time.Hour), newSeeded(6)); err != nil {
		t.Fatal(err)
	}
	photo(t, "aqua.jpg")
	rng := rand.New(rand.NewPCG(7, 7))
	n := 0
	for name, img := range photos {
		b := img.Bounds()
		cands := []image.Image{img}
		for c := 0; c < 1; c++ {
			w, h := b.Dx()/2+rng.IntN(b.Dx()/2), b.Dy()/2+rng.IntN(b.Dy()/2)
			x0, y0 := rng.IntN(b.Dx()-w+1), rng.IntN(b.Dy()-h+1)
			cands = append(cands, imaging.Crop(img, image.Rect(x0, y0, x0+w, y0+h)))
		}
		for i, c := range cands {
			n++
			if r := Detect(raster.FromImage(c), ring); r.Detected {
				t.Errorf("%s copy %d: unmarked picture reported as marked: %+v", name, i, r)
			}
		}
	}
	if n < 24 {
		t.Fatalf("only %d pictures checked", n)
	}
}

func TestLongProduceIDTravelsAsDigest(t *testing.T) {
	ring := mustRing(t, 8)
	id := "job-2026-11-28/9f8e7d6c5b4a"
	marked := mark(t, photo(t, "yellowflower.jpg"), ring, id)
	r := Detect(raster.FromImage(marked), ring)
	if !r.Detected || r.Payload != "" || r.PayloadDigest != DigestProduceID(id) {
		t.Fatalf("got %+v, want digest %s", r, DigestProduceID(id))
	}
}

func TestRotatedRingStillFindsOldMarks(t *testing.T) {
	ring := mustRing(t, 9)
	old, _ := ring.Current()
	marked := mark(t, photo(t, "blinds.jpg"), ring, "OLD-1")
	for i := 0; i < 3; i++ {
		if _, err := ring.Rotate(epochT.Add(time.Duration(i+1)*time.Hour), newSeeded(uint64(20+i))); err != nil {
			t.Fatal(err)
		}
	}
	if cur, _ := ring.Current(); cur.ID == old.ID || len(ring.Keys) != 4 {
		t.Fatalf("rotate did not add a current key: %v", ring.Keys)
	}
	r := Detect(raster.FromImage(marked), ring)
	if !r.Detected || r.KeyID != old.ID || r.Payload != "OLD-1" {
		t.Fatalf("got %+v, want key %s", r, old.ID)
	}
}

func TestNoKeysMeansNotChecked(t *testing.T) {
	l := raster.FromImage(photo(t, "garden.jpg"))
	for _, ring := range []*Keyring{nil, {}} {
		if r := Detect(l, ring); r.Checked || r.Detected {
			t.Fatalf("empty ring: %+v", r)
		}
	}
}

func TestEmbedRejects(t *testing.T) {
	ring := mustRing(t, 10)
	key, _ := ring.Current()
	for _, sz := range [][2]int{{100, 400}, {255, 1000}, {0, 0}} {
		small := image.NewNRGBA(image.Rect(0, 0, sz[0], sz[1]))
		if _, err := Embed(small, key, EncodeProduceID("A")); !errors.Is(err, ErrImageSize) {
			t.Errorf("%v: %v", sz, err)
		}
	}
	ok := image.NewNRGBA(image.Rect(0, 0, 256, 256))
	if _, err := Embed(ok, Key{}, EncodeProduceID("A")); err == nil {
		t.Error("empty key accepted")
	}
	if _, err := Embed(ok, key, Payload{Literal: "lower"}); err == nil || errors.Is(err, ErrImageSize) {
		t.Errorf("invalid literal: %v", err)
	}
	if _, err := Embed(ok, key, EncodeProduceID("A")); err != nil {
		t.Errorf("256×256: %v", err)
	}
}

func TestDetectOddPlanes(t *testing.T) {
	ring := mustRing(t, 11)
	if r := Detect(&raster.Luma{W: 500, H: 500, Pix: make([]uint8, 10)}, ring); r.Detected {
		t.Error("short Pix detected")
	}
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {63, 500}, {64, 64}, {65, 4000}, {300, 70}} {
		l := raster.New(sz[0], sz[1])
		for i := range l.Pix {
			l.Pix[i] = uint8(i * 31)
		}
		if r := Detect(l, ring); r.Detected {
			t.Errorf("%v: detected in a synthetic plane", sz)
		}
	}
}

func TestConcurrentDetectOnOnePlane(t *testing.T) {
	ring := mustRing(t, 17)
	l := raster.FromImage(mark(t, imaging.Resize(photo(t, "wood.jpg"), 400, 0, imaging.Lanczos), ring, "SHARED"))
	var wg sync.WaitGroup
	results := make([]Result, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = Detect(l, ring)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if !r.Detected || r.Payload != "SHARED" {
			t.Errorf("goroutine %d: %+v", i, r)
		}
	}
}

func TestPayloadEncoding(t *testing.T) {
	for _, id := range []string{"A", "-", "IMG000123", "ZZZZZZZZZZZZ", "------------", "000000000000", "AB-12-CD-34X"} {
		p := EncodeProduceID(id)
		if p.IsDigest {
			t.Fatalf("%q should travel whole", id)
		}
		b, err := p.bits()
		if err != nil {
			t.Fatal(err)
		}
		got, ok := payloadFromBits(b)
		if !ok || got.Literal != id {
			t.Errorf("%q came back as %+v", id, got)
		}
	}
	for _, id := range []string{"", "img000123", "ABCDEFGHIJKLM", "IMG_1", "标识"} {
		p := EncodeProduceID(id)
		if !p.IsDigest || p.String() != "digest:"+DigestProduceID(id) {
			t.Errorf("%q: %+v", id, p)
		}
		b, _ := p.bits()
		if got, ok := payloadFromBits(b); !ok || got != p {
			t.Errorf("%q digest came back as %+v", id, got)
		}
	}
}

func TestViterbiCorrectsErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 20; trial++ {
		info := make([]uint8, infoBits)
		for i := range info {
			info[i] = uint8(rng.IntN(2))
		}
		coded := convEncode(info)
		if len(coded) != codedBits {
			t.Fatalf("coded length %d", len(coded))
		}
		soft := make([]float64, len(coded))
		for i, c := range coded {
			soft[i] = float64(2*int(c)-1) + rng.NormFloat64()*0.6 // Eb/N0 ≈ 5 dB
		}
		for k := 0; k < 6; k++ { // plus a few confidently wrong values
			i := rng.IntN(len(soft))
			soft[i] = -soft[i]
		}
		if got := viterbi(soft, infoBits); !bytes.Equal(got, info) {
			t.Fatalf("trial %d: decode differs", trial)
		}
	}
}

func TestKeyringJSON(t *testing.T) {
	ring := mustRing(t, 12)
	if _, err := ring.Rotate(epochT.Add(time.Hour), newSeeded(13)); err != nil {
		t.Fatal(err)
	}
	data, err := ring.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Keyring
	if err := back.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	if len(back.Keys) != 2 || back.Keys[0].ID != ring.Keys[0].ID || !bytes.Equal(back.Keys[1].Secret, ring.Keys[1].Secret) || !back.Keys[0].Created.Equal(epochT.Add(time.Hour)) {
		t.Fatalf("round trip: %v", back.Keys)
	}
	if s := ring.Keys[0].String(); strings.Contains(s, string(ring.Keys[0].Secret)) || !strings.Contains(s, ring.Keys[0].ID) {
		t.Errorf("String() = %q", s)
	}
	for name, in := range keyringRejects(string(data)) {
		t.Run(name, func(t *testing.T) {
			var k Keyring
			if err := k.UnmarshalJSON([]byte(in)); !errors.Is(err, ErrKeyring) {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
}

func keyringRejects(valid string) map[string]string {
	return map[string]string{
		"not JSON":       "{",
		"wrong format":   `{"format":"other","keys":[]}`,
		"short secret":   `{"format":"synthreview-watermark-keyring-v1","keys":[{"id":"wm-x","secret":"AAAA","created":"2026-01-01T00:00:00Z"}]}`,
		"id mismatch":    strings.Replace(valid, `"id":"wm-`, `"id":"wm-0`, 1),
		"duplicate keys": strings.Replace(valid, `"keys":[`, `"keys":[`+firstKey(valid)+`,`, 1),
		"too large":      `{"format":"` + strings.Repeat("x", maxKeyringBytes) + `"}`,
	}
}

func firstKey(valid string) string {
	i := strings.Index(valid, `{"id"`)
	j := strings.Index(valid[i:], "}")
	return valid[i : i+j+1]
}

func TestRotateFailsOnBadRandom(t *testing.T) {
	var ring Keyring
	if _, err := ring.Rotate(epochT, strings.NewReader("short")); err == nil || len(ring.Keys) != 0 {
		t.Fatalf("err %v, keys %d", err, len(ring.Keys))
	}
}

func FuzzKeyringUnmarshal(f *testing.F) {
	ring := mustRing(f, 14)
	valid, err := ring.MarshalJSON()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	for _, in := range keyringRejects(string(valid)) {
		if len(in) < 4096 {
			f.Add([]byte(in))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var k Keyring
		if err := k.UnmarshalJSON(data); err != nil {
			return
		}
		// Anything accepted must survive a round trip unchanged.
		out, err := k.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var again Keyring
		if err := again.UnmarshalJSON(out); err != nil || len(again.Keys) != len(k.Keys) {
			t.Fatalf("re-read: %v", err)
		}
	})
}

// FuzzDetect feeds arbitrary luma planes (hostile pixel data and sizes) to
// the detector: it must never panic and never report a mark.
func FuzzDetect(f *testing.F) {
	f.Add(uint16(64), uint16(64), []byte{1, 2, 3})
	f.Add(uint16(300), uint16(90), []byte{255, 0})
	f.Add(uint16(128), uint16(700), []byte{})
	ring := mustRing(f, 15)
	f.Fuzz(func(t *testing.T, w, h uint16, seed []byte) {
		w, h = w%700, h%700
		l := raster.New(int(w), int(h))
		for i := range l.Pix {
			if len(seed) > 0 {
				l.Pix[i] = seed[i%len(seed)] + uint8(i/len(seed))
			}
		}
		if r := Detect(l, ring); r.Detected {
			t.Fatalf("%d×%d: detected", w, h)
		}
	})
}

// FuzzDetectCrops runs the detector on arbitrary sub-rectangles of a real
// photo, marked and unmarked: natural content and odd sizes must neither
// panic nor produce a false read.
func FuzzDetectCrops(f *testing.F) {
	img := photo(f, "greenmeadow.jpg")
	ring := mustRing(f, 16)
	plain := raster.FromImage(img)
	marked := raster.FromImage(mark(f, img, ring, "FUZZ-1"))
	f.Add(uint16(0), uint16(0), uint16(1024), uint16(819), false)
	f.Add(uint16(37), uint16(5), uint16(300), uint16(77), true)
	f.Add(uint16(500), uint16(400), uint16(64), uint16(64), true)
	f.Fuzz(func(t *testing.T, x0, y0, w, h uint16, useMarked bool) {
		src := plain
		if useMarked {
			src = marked
		}
		x, y := int(x0)%src.W, int(y0)%src.H
		cw, ch := min(int(w), src.W-x), min(int(h), src.H-y)
		sub := raster.New(cw, ch)
		for r := 0; r < ch; r++ {
			copy(sub.Row(r), src.Row(y + r)[x:x+cw])
		}
		r := Detect(sub, ring)
		if r.Detected && (!useMarked || r.Payload != "FUZZ-1") {
			t.Fatalf("crop %d,%d %d×%d of the %v photo: false read %+v", x, y, cw, ch, useMarked, r)
		}
	})
}
