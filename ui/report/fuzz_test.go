package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/signed-seed.pdf")

// seedPath is a small signed package kept as a fixture: the fuzz target's
// reference (fuzz workers must all see the same bytes, and a fresh
// signature differs every time), and a check that a package signed by an
// earlier build still verifies.
var seedPath = filepath.Join("testdata", "signed-seed.pdf")

func TestSeedPackageStillVerifies(t *testing.T) {
	if *update {
		fx := newFixture(t, 1, 6)
		fx.audit.Items[0].Thumbnail = nil
		pdf, err := Build(context.Background(), fx.audit, "zh", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(seedPath, signPackage(t, pdf, fx.workspace), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(seed, nil)
	if err != nil || !res.OK {
		t.Fatalf("the seed package no longer verifies: %v %+v", err, res.Checks)
	}
}

// FuzzVerify feeds Verify hostile bytes: it must never panic, and must
// pass no change to the signed seed package. Seeds: that package, its
// truncations, and small hand-made PDFs that point their cross-references
// and lengths at the wrong places.
func FuzzVerify(f *testing.F) {
	signed, err := os.ReadFile(seedPath)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	doc, err := openPDF(signed)
	if err != nil {
		f.Fatal(err)
	}
	sig, err := doc.signature()
	if err != nil {
		f.Fatal(err)
	}
	gapFrom, gapTo := int(sig.byteRange[1]), int(sig.byteRange[2])
	for _, n := range []int{len(signed) / 3, len(signed) - 100, len(signed) - 1} {
		f.Add(signed[:n])
	}
	// The signed update alone: the last xref, its trailer and objects,
	// with offsets that now point at the wrong bytes.
	if i := bytes.LastIndex(signed, []byte("\n%%EOF")); i > 0 {
		tail := signed[bytes.LastIndex(signed[:i-200], []byte("obj"))-10:]
		f.Add(append([]byte("%PDF-1.4\n"), tail...))
	}
	for _, s := range []string{
		"%PDF-1.7\n",
		"%PDF-1.7\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Root 1 0 R>>\nstartxref\n9\n%%EOF\n",
		"%PDF-1.7\n1 0 obj\n<</Type/Catalog/AcroForm<</Fields[2 0 R]>>/Names<</EmbeddedFiles<</Names[(a) 3 0 R]>>>>>>\nendobj\n" +
			"2 0 obj\n<</FT/Sig/V 2 0 R/ByteRange[0 10 20 5]/Contents<3000>/SubFilter/adbe.pkcs7.detached>>\nendobj\n" +
			"3 0 obj\n<</UF(manifest.json)/EF<</F 4 0 R>>>>\nendobj\n" +
			"4 0 obj\n<</Length 999999/Filter/FlateDecode>>\nstream\nxx\nendstream\nendobj\n" +
			"xref\n0 5\n0000000000 65535 f \n0000000009 00000 n \n0000000119 00000 n \n0000000213 00000 n \n0000000265 00000 n \n" +
			"trailer\n<</Root 1 0 R/Prev 9>>\nstartxref\n340\n%%EOF\n",
		"%PDF-1.7\nxref\n0 99999999999\ntrailer<<>>startxref\n9",
		"%PDF-1.7\n" + string(bytes.Repeat([]byte("["), 10000)) + "\nstartxref\n9",
		"%PDF-1.7\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<</Root 1 0 R/Prev 9>>\nstartxref\n9\n%%EOF",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Verify(data, nil)
		if err == nil && len(res.Checks) == 0 {
			t.Fatal("Verify reported no checks")
		}
		// Only the seed can pass, give or take the case of a hex digit
		// in its signature (the same bytes): the signature covers the rest.
		if res.OK && (len(data) != len(signed) || !bytes.Equal(data[:gapFrom], signed[:gapFrom]) || !bytes.Equal(data[gapTo:], signed[gapTo:])) {
			t.Fatalf("Verify passed a changed file: %+v", res.Checks)
		}
	})
}
