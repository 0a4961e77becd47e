package watermark

import (
	"bytes"
	"flag"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"

	"synthreview/marking/raster"
)

var update = flag.Bool("update", false, "rewrite testdata/marked-v1.jpg")

// goldenKey is a public test key (never a provider's): 32 bytes of 0x42.
func goldenKey() *Keyring {
	secret := bytes.Repeat([]byte{0x42}, SecretSize)
	return &Keyring{Keys: []Key{{ID: keyID(secret), Secret: secret, Created: epochT}}}
}

// TestGoldenMarkStillDecodes reads a picture marked by the first version of
// the format: a change to the tile layout, the key derivation, the code or
// the payload layout would orphan every mark already out there, and fails
// here. Regenerate only for a deliberate new format version (-update).
func TestGoldenMarkStillDecodes(t *testing.T) {
	path := filepath.Join("testdata", "marked-v1.jpg")
	ring := goldenKey()
	if *update {
		img := imaging.Resize(photo(t, "raindrops.jpg"), 512, 0, imaging.Lanczos)
		out, err := Embed(img, ring.Keys[0], EncodeProduceID("GOLDEN-V1"))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	r := Detect(raster.FromImage(img), ring)
	if !r.Detected || r.Payload != "GOLDEN-V1" || r.KeyID != ring.Keys[0].ID {
		t.Fatalf("golden v1 mark: %+v", r)
	}
	if r := Detect(raster.FromImage(img), mustRing(t, 30)); r.Detected {
		t.Fatalf("golden mark read under another key: %+v", r)
	}
}
