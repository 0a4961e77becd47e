package pdq

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/disintegration/imaging"

	"synthreview/marking/raster"
)

var (
	photoOnce sync.Once
	photoSet  map[string]image.Image
	photoErr  error
)

// loadPhotos returns the project photos (testdata/photos), loaded once and
// fitted to 640 px so the tests stay quick under -race.
func loadPhotos(t testing.TB) map[string]image.Image {
	t.Helper()
	photoOnce.Do(func() {
		dir := "../../testdata/photos"
		ents, err := os.ReadDir(dir)
		if err != nil {
			photoErr = err
			return
		}
		photoSet = map[string]image.Image{}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".jpg") {
				img, err := imaging.Open(filepath.Join(dir, e.Name()))
				if err != nil {
					photoErr = err
					return
				}
				photoSet[e.Name()] = imaging.Fit(img, 640, 640, imaging.Lanczos)
			}
		}
	})
	if photoErr != nil {
		t.Fatal(photoErr)
	}
	if len(photoSet) < 10 {
		t.Fatalf("only %d photos", len(photoSet))
	}
	return photoSet
}

func hashOf(img image.Image) Hash256 {
	h, _ := Hash(raster.FromImage(img))
	return h
}

func jpegCopy(t testing.TB, img image.Image, q int) image.Image {
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

// referenceHash follows the reference implementations step by step: the
// full-frame float luma buffer, two rounds of a box pass along rows then
// along columns (the PHP/C++ phase structure), decimation at block centres,
// the 16×64 DCT matrix product and the median threshold. It checks that
// the package's faster evaluation order computes the same algorithm.
func referenceHash(l *raster.Luma) Hash256 {
	rows, cols := l.H, l.W
	buf := make([][]float64, rows)
	tmp := make([][]float64, rows)
	for i := range buf {
		buf[i] = make([]float64, cols)
		tmp[i] = make([]float64, cols)
		for j := range buf[i] {
			buf[i][j] = float64(l.At(j, i))
		}
	}
	box := func(get func(int) float64, set func(int, float64), n, w int) {
		half := (w + 2) / 2
		li, ri, oi, sum, cur := 0, 0, 0, 0.0, 0
		for k := 0; k < half-1; k++ {
			sum += get(ri)
			cur++
			ri++
		}
		for k := 0; k < w-half+1; k++ {
			sum += get(ri)
			cur++
			set(oi, sum/float64(cur))
			ri++
			oi++
		}
		for k := 0; k < n-w; k++ {
			sum += get(ri) - get(li)
			set(oi, sum/float64(cur))
			li++
			ri++
			oi++
		}
		for k := 0; k < half-1; k++ {
			sum -= get(li)
			cur--
			set(oi, sum/float64(cur))
			li++
			oi++
		}
	}
	wr, wc := (cols+127)/128, (rows+127)/128
	for pass := 0; pass < 2; pass++ {
		for i := 0; i < rows; i++ {
			box(func(j int) float64 { return buf[i][j] }, func(j int, v float64) { tmp[i][j] = v }, cols, wr)
		}
		for j := 0; j < cols; j++ {
			box(func(i int) float64 { return tmp[i][j] }, func(i int, v float64) { buf[i][j] = v }, rows, wc)
		}
	}
	var a [64][64]float64
	for i := 0; i < 64; i++ {
		for j := 0; j < 64; j++ {
			a[i][j] = buf[int((float64(i)+0.5)*float64(rows)/64)][int((float64(j)+0.5)*float64(cols)/64)]
		}
	}
	var b block16
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			s := 0.0
			for k := 0; k < 64; k++ {
				for m := 0; m < 64; m++ {
					s += dctMatrix[i][k] * a[k][m] * dctMatrix[j][m]
				}
			}
			b[i][j] = s
		}
	}
	return threshold(&b)
}

func TestMatchesReferenceStructure(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	planes := []*raster.Luma{}
	for _, sz := range [][2]int{{64, 64}, {100, 37}, {257, 300}, {5, 700}} {
		l := raster.New(sz[0], sz[1])
		for i := range l.Pix {
			l.Pix[i] = uint8(rng.IntN(256))
		}
		planes = append(planes, l)
	}
	planes = append(planes, raster.FromImage(imaging.Resize(loadPhotos(t)["wood.jpg"], 300, 0, imaging.Lanczos)))
	for _, l := range planes {
		got, _ := Hash(l)
		if want := referenceHash(l); Distance(got, want) > 2 {
			t.Errorf("%d×%d: %s, reference structure %s (distance %d)", l.W, l.H, got, want, Distance(got, want))
		}
	}
}

func TestNearDuplicatesMatchAndUnrelatedDoNot(t *testing.T) {
	ph := loadPhotos(t)
	names := make([]string, 0, len(ph))
	for n := range ph {
		names = append(names, n)
	}
	slices.Sort(names)
	hashes := map[string]Hash256{}
	worst := 0
	for _, n := range names {
		img := ph[n]
		h, q := Hash(raster.FromImage(img))
		hashes[n] = h
		if q < 50 {
			t.Logf("%s: quality %d", n, q)
		}
		if d := Distance(h, hashOf(img)); d != 0 {
			t.Fatalf("%s: same picture hashed twice differs by %d", n, d)
		}
		b := img.Bounds()
		copies := map[string]image.Image{
			"JPEG q50":         jpegCopy(t, img, 50),
			"resize 50% + q70": jpegCopy(t, imaging.Resize(img, b.Dx()/2, 0, imaging.Linear), 70),
			"resize 75%":       imaging.Resize(img, b.Dx()*3/4, 0, imaging.Lanczos),
		}
		for what, c := range copies {
			d := Distance(h, hashOf(c))
			if d > MatchThreshold {
				t.Errorf("%s (quality %d) %s: distance %d, want ≤ %d", n, q, what, d, MatchThreshold)
			}
			worst = max(worst, d)
		}
	}
	var ds []int
	for i, a := range names {
		for _, b := range names[i+1:] {
			d := Distance(hashes[a], hashes[b])
			ds = append(ds, d)
			if d <= MatchThreshold {
				t.Errorf("%s and %s: unrelated photos at distance %d", a, b, d)
			}
		}
	}
	slices.Sort(ds)
	if med := ds[len(ds)/2]; med <= 90 {
		t.Errorf("median distance of unrelated photos %d, want > 90", med)
	}
	t.Logf("near-duplicates: worst %d; unrelated pairs: min %d, median %d, max %d", worst, ds[0], ds[len(ds)/2], ds[len(ds)-1])
}

// transformImage applies dihedral t to an image (rotations counter-clockwise).
func transformImage(img image.Image, t Dihedral) image.Image {
	switch t {
	case Rotate90:
		return imaging.Rotate90(img)
	case Rotate180:
		return imaging.Rotate180(img)
	case Rotate270:
		return imaging.Rotate270(img)
	case FlipX:
		return imaging.FlipV(img)
	case FlipY:
		return imaging.FlipH(img)
	case FlipPlus1:
		return imaging.Transpose(img)
	case FlipMinus1:
		return imaging.Transverse(img)
	}
	return img
}

func TestDihedralHashesMatchTransformedPictures(t *testing.T) {
	ph := loadPhotos(t)
	names := []string{"garden.jpg", "wood.jpg", "greenmeadow.jpg"}
	for _, n := range names {
		img := ph[n]
		// At 320×320 the reference's box windows (3 pixels) are centred and
		// its block centres (5i+2) mirror onto each other, so the relation
		// is exact: the hash of the transformed picture IS the derived one.
		sq := imaging.Fill(img, 320, 320, imaging.Center, imaging.Box)
		all, _ := Hashes(raster.FromImage(sq))
		if all[Original] != hashOf(sq) {
			t.Fatalf("%s: Hashes()[Original] differs from Hash", n)
		}
		for tr := Rotate90; tr <= FlipMinus1; tr++ {
			got := hashOf(transformImage(sq, tr))
			if d := Distance(got, all[tr]); d > 0 {
				t.Errorf("%s transform %d: hash of transformed 320×320 picture is %d bits from the derived hash", n, tr, d)
			}
			if d := Distance(got, all[Original]); d < MatchThreshold {
				t.Errorf("%s transform %d: only %d bits from the untransformed hash", n, tr, d)
			}
		}
		// At other sizes even windows and off-centre block centres make the
		// relation approximate.
		all, _ = Hashes(raster.FromImage(img))
		for tr := Rotate90; tr <= FlipMinus1; tr++ {
			if d := Distance(hashOf(transformImage(img, tr)), all[tr]); d > 24 {
				t.Errorf("%s transform %d (%v): distance %d", n, tr, img.Bounds().Size(), d)
			}
		}
	}
}

func TestHexRoundTripAndErrors(t *testing.T) {
	h := hashOf(loadPhotos(t)["storm.jpg"])
	back, err := ParseHex(strings.ToUpper(h.Hex()) + "\n")
	if err != nil || back != h {
		t.Fatalf("round trip: %v %v", back, err)
	}
	for _, bad := range []string{"", "abc", strings.Repeat("g", 64), strings.Repeat("0", 63), strings.Repeat("0", 65)} {
		if _, err := ParseHex(bad); !errors.Is(err, ErrHex) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// Bit k of the DCT grid is bit k of the number the hex string spells.
	var one Hash256
	one.setBit(0)
	one.setBit(255)
	if one.Hex() != "8"+strings.Repeat("0", 62)+"1" || !one.Bit(255) || one.Bit(1) {
		t.Errorf("bit order: %s", one.Hex())
	}
}

func TestEmptyPlane(t *testing.T) {
	if h, q := Hash(raster.New(0, 0)); h != (Hash256{}) || q != 0 {
		t.Fatal("empty plane")
	}
	if _, q := Hash(raster.New(30, 30)); q != 0 {
		t.Fatalf("flat plane quality %d, want 0", q)
	}
}

func FuzzParseHex(f *testing.F) {
	f.Add(strings.Repeat("ab", 32))
	f.Add("")
	f.Add(strings.Repeat("0", 63) + "x")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHex(s)
		if err != nil {
			return
		}
		if back, err := ParseHex(h.Hex()); err != nil || back != h {
			t.Fatalf("round trip of %q", s)
		}
	})
}
