package c2pa

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const samples = "../../testdata/c2pa"

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samples, name))
	if err != nil {
		t.Fatalf("read sample: %v", err)
	}
	return b
}

// reference is what c2pa-rs reports for a sample (testdata/c2pa/reference).
type reference struct {
	generator   string
	actions     []string
	commonName  string
	ingredients []string
	dst         string
}

func loadReference(t *testing.T, name string) reference {
	t.Helper()
	var doc struct {
		Active    string `json:"active_manifest"`
		Manifests map[string]struct {
			ClaimGenerator string `json:"claim_generator"`
			Ingredients    []struct {
				Title string `json:"title"`
			} `json:"ingredients"`
			Assertions []struct {
				Label string          `json:"label"`
				Data  json.RawMessage `json:"data"`
			} `json:"assertions"`
			SignatureInfo struct {
				CommonName string `json:"common_name"`
			} `json:"signature_info"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(readSample(t, filepath.Join("reference", name)), &doc); err != nil {
		t.Fatalf("reference %s: %v", name, err)
	}
	m, ok := doc.Manifests[doc.Active]
	if !ok {
		t.Fatalf("reference %s: no active manifest", name)
	}
	ref := reference{generator: m.ClaimGenerator, commonName: m.SignatureInfo.CommonName}
	for _, in := range m.Ingredients {
		ref.ingredients = append(ref.ingredients, in.Title)
	}
	for _, a := range m.Assertions {
		if !strings.HasPrefix(a.Label, "c2pa.actions") {
			continue
		}
		var acts struct {
			Actions []struct {
				Action            string `json:"action"`
				DigitalSourceType string `json:"digitalSourceType"`
			} `json:"actions"`
		}
		if err := json.Unmarshal(a.Data, &acts); err != nil {
			t.Fatalf("reference %s actions: %v", name, err)
		}
		for _, x := range acts.Actions {
			ref.actions = append(ref.actions, x.Action)
			if ref.dst == "" {
				ref.dst = x.DigitalSourceType
			}
		}
	}
	return ref
}

func isTrue(b *bool) bool  { return b != nil && *b }
func isFalse(b *bool) bool { return b != nil && !*b }

func fact(b *bool) string {
	if b == nil {
		return "null"
	}
	if *b {
		return "true"
	}
	return "false"
}

func hasFinding(r *Report, code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

func findingText(r *Report, code string) string {
	for _, f := range r.Findings {
		if f.Code == code {
			return f.Message
		}
	}
	return ""
}

// TestSamplesMatchReference compares generator, actions, signer and
// ingredients with c2pa-rs's output, and checks the four facts.
func TestSamplesMatchReference(t *testing.T) {
	cases := []struct {
		file, ref                  string
		signature, binding, tstamp string
	}{
		{"C.jpg", "C.json", "true", "true", "true"},
		{"CA.jpg", "CA.json", "true", "true", "true"},
		// Altered after signing: c2pa-rs reports assertion.dataHash.mismatch.
		{"XCA.jpg", "XCA.json", "true", "false", "true"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			ref := loadReference(t, c.ref)
			r := Inspect(readSample(t, c.file), "jpeg", Options{})
			if r == nil || !r.Present {
				t.Fatalf("no manifest found")
			}
			if r.Location != "jpeg:APP11" {
				t.Errorf("location %q", r.Location)
			}
			if r.ClaimGenerator != ref.generator {
				t.Errorf("claim generator %q, reference %q", r.ClaimGenerator, ref.generator)
			}
			if !slices.Equal(r.Actions, ref.actions) {
				t.Errorf("actions %v, reference %v", r.Actions, ref.actions)
			}
			if r.DigitalSourceType != ref.dst {
				t.Errorf("digital source type %q, reference %q", r.DigitalSourceType, ref.dst)
			}
			if !strings.HasPrefix(r.Signer, ref.commonName) {
				t.Errorf("signer %q does not name the reference common name %q", r.Signer, ref.commonName)
			}
			if !slices.Equal(r.Ingredients, ref.ingredients) {
				t.Errorf("ingredients %v, reference %v", r.Ingredients, ref.ingredients)
			}
			got := [3]string{fact(r.SignatureValid), fact(r.BindingValid), fact(r.TimestampValid)}
			want := [3]string{c.signature, c.binding, c.tstamp}
			if got != want {
				t.Errorf("signature/binding/timestamp = %v, want %v (findings %v)", got, want, r.Findings)
			}
			if r.SignerTrusted != nil {
				t.Errorf("signer_trusted = %v without trust anchors, want null", *r.SignerTrusted)
			}
			unverified := hasFinding(r, CodeUnverified)
			if unverified != (c.binding != "true" || c.signature != "true") {
				t.Errorf("c2pa-unverified finding = %v, findings %v", unverified, r.Findings)
			}
			if c.binding == "false" && !strings.Contains(findingText(r, CodeUnverified), "binding") {
				t.Errorf("the unverified finding does not say the binding failed: %q", findingText(r, CodeUnverified))
			}
		})
	}
}

func TestBoxhashSample(t *testing.T) {
	// Despite its name this sample binds with c2pa.hash.data (see the
	// testdata README); it is an older (0.3.0) ES256 signer.
	r := Inspect(readSample(t, "boxhash.jpg"), "jpeg", Options{})
	if r == nil || !r.Present {
		t.Fatal("no manifest found")
	}
	if !isTrue(r.SignatureValid) || !isTrue(r.BindingValid) || !isTrue(r.TimestampValid) {
		t.Errorf("facts signature %s binding %s timestamp %s, want all true; findings %v",
			fact(r.SignatureValid), fact(r.BindingValid), fact(r.TimestampValid), r.Findings)
	}
	if r.SignatureAlg != "ES256" || r.Binding != "c2pa.hash.data" {
		t.Errorf("alg %q binding %q", r.SignatureAlg, r.Binding)
	}
	if r.ClaimGenerator != "make_test_images/0.3.0 c2pa-rs/0.3.0" {
		t.Errorf("generator %q", r.ClaimGenerator)
	}
}

func TestNoManifestIsStripped(t *testing.T) {
	r := Inspect(readSample(t, "no_manifest.jpg"), "jpeg", Options{})
	if r == nil {
		t.Fatal("dangling provenance reference not reported")
	}
	if r.Present {
		t.Error("present = true for a file without a manifest store")
	}
	if !strings.HasPrefix(r.RemoteReference, "self#jumbf=/c2pa/adobe:urn:uuid:") {
		t.Errorf("remote reference %q", r.RemoteReference)
	}
	if r.SignatureValid != nil || r.BindingValid != nil || r.TimestampValid != nil || r.SignerTrusted != nil {
		t.Error("facts must be null without a manifest")
	}
	if len(r.Findings) != 1 || r.Findings[0].Code != CodeStripped || r.Findings[0].Severity != "warning" ||
		!strings.Contains(r.Findings[0].Message, "manifest stripped or remote") ||
		!strings.Contains(r.Findings[0].Message, "removed") {
		t.Errorf("findings %v", r.Findings)
	}
	// A remote URL in XMP of a file without a store.
	xmp := []byte(`<x:xmpmeta><rdf:Description dcterms:provenance="https://cr.example/m/1.c2pa"/></x:xmpmeta>`)
	seg := append([]byte{0xFF, 0xD8, 0xFF, 0xE1, byte((len(xmp) + 31) >> 8), byte(len(xmp) + 31)}, "http://ns.adobe.com/xap/1.0/\x00"...)
	jpg := append(append(seg, xmp...), 0xFF, 0xD9)
	r = Inspect(jpg, "jpeg", Options{})
	if r == nil || r.Present || r.RemoteReference != "https://cr.example/m/1.c2pa" ||
		!strings.Contains(findingText(r, CodeStripped), "not fetched") {
		t.Errorf("remote reference: %+v", r)
	}
}

func TestFilesWithoutC2PA(t *testing.T) {
	for _, c := range []struct{ file, format string }{
		{"earth_apollo17.jpg", "jpeg"},
		{"libpng-test.png", "png"},
	} {
		if r := Inspect(readSample(t, c.file), c.format, Options{}); r != nil {
			t.Errorf("%s: got a report %+v, want nil", c.file, r)
		}
	}
}

// TestAlteredCopies flips bytes in copies of C.jpg and checks that each fact
// moves on its own.
func TestAlteredCopies(t *testing.T) {
	orig := readSample(t, "C.jpg")
	loc := locate(orig, "jpeg")
	m, err := activeManifest(loc.store)
	if err != nil {
		t.Fatal(err)
	}
	at := func(part []byte) int {
		i := bytes.Index(orig, part)
		if i < 0 || bytes.Index(orig[i+1:], part) >= 0 {
			t.Fatalf("part not found once in the file")
		}
		return i
	}
	sig, err := parseCOSE(m.sigBytes)
	if err != nil {
		t.Fatal(err)
	}
	tst := mapGet(mapGet(sig.unprotected, 0, "sigTst").(map[any]any), 0, "tstTokens").([]any)[0].(map[any]any)
	tstVal := mapGet(tst, 0, "val").([]byte)
	gen := []byte("make_test_images/0.33.1 c2pa-rs/0.33.1")
	claimAt := at(m.claimBytes) + bytes.Index(m.claimBytes, gen)
	var actionsBox *superbox
	for _, a := range m.assertions() {
		if a.label == "c2pa.actions" {
			actionsBox = a
		}
	}
	actionsPayload, _ := actionsBox.firstContent("cbor")

	cases := []struct {
		name                       string
		offset                     int
		signature, binding, tstamp string
	}{
		// A byte of entropy-coded image data, near the end of the scan.
		{"image data", len(orig) - 100, "true", "false", "true"},
		// A letter of the claim generator inside the signed claim.
		{"claim", claimAt + 2, "false", "true", "false"},
		// A byte of the actions assertion: the claim's hashed URI no
		// longer matches it.
		{"assertion", at(actionsPayload) + bytes.Index(actionsPayload, []byte("c2pa.created")) + 5, "true", "false", "true"},
		// The last byte of the TSA's signature: only the time stamp fails,
		// the unprotected header is not covered by the claim signature.
		{"time stamp", at(tstVal) + len(tstVal) - 1, "true", "true", "false"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := slices.Clone(orig)
			b[c.offset] ^= 0x01
			r := Inspect(b, "jpeg", Options{})
			if r == nil || !r.Present {
				t.Fatal("manifest lost")
			}
			got := [3]string{fact(r.SignatureValid), fact(r.BindingValid), fact(r.TimestampValid)}
			want := [3]string{c.signature, c.binding, c.tstamp}
			if got != want {
				t.Errorf("signature/binding/timestamp = %v, want %v; findings %v", got, want, r.Findings)
			}
			if (c.signature == "false" || c.binding == "false") != hasFinding(r, CodeUnverified) {
				t.Errorf("c2pa-unverified presence wrong: %v", r.Findings)
			}
			if c.tstamp == "false" && !hasFinding(r, CodeTimestamp) {
				t.Errorf("no %s finding: %v", CodeTimestamp, r.Findings)
			}
		})
	}
}

func TestTrustAnchors(t *testing.T) {
	b := readSample(t, "C.jpg")
	m, err := activeManifest(locate(b, "jpeg").store)
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := parseCOSE(m.sigBytes)
	certs, err := sig.chain()
	if err != nil || len(certs) < 2 {
		t.Fatalf("chain: %v (%d certs)", err, len(certs))
	}
	// The intermediate CA as the admin's anchor: the leaf chains to it.
	r := Inspect(b, "jpeg", Options{TrustAnchors: [][]byte{certs[1].Raw}})
	if !isTrue(r.SignerTrusted) {
		t.Errorf("signer_trusted = %s with the issuing CA as anchor; findings %v", fact(r.SignerTrusted), r.Findings)
	}
	// An unrelated CA as the anchor: no chain.
	r = Inspect(b, "jpeg", Options{TrustAnchors: [][]byte{selfSignedCA(t)}})
	if !isFalse(r.SignerTrusted) || !hasFinding(r, CodeUntrusted) {
		t.Errorf("signer_trusted = %s with an unrelated anchor; findings %v", fact(r.SignerTrusted), r.Findings)
	}
	// Untrusted is not invalid.
	if !isTrue(r.SignatureValid) || !isTrue(r.BindingValid) {
		t.Errorf("trust changed other facts: signature %s binding %s", fact(r.SignatureValid), fact(r.BindingValid))
	}
}

// selfSignedCA makes a throwaway CA certificate unrelated to the samples.
func selfSignedCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(7),
		Subject:               pkix.Name{CommonName: "Unrelated Test Root"},
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestExpiredSignerStaysValid: without a valid time stamp the certificate is
// judged now; an expired certificate is a finding, the signature stays valid.
func TestExpiredSignerStaysValid(t *testing.T) {
	orig := readSample(t, "C.jpg")
	m, _ := activeManifest(locate(orig, "jpeg").store)
	sig, _ := parseCOSE(m.sigBytes)
	tst := mapGet(mapGet(sig.unprotected, 0, "sigTst").(map[any]any), 0, "tstTokens").([]any)[0].(map[any]any)
	val := mapGet(tst, 0, "val").([]byte)
	b := slices.Clone(orig)
	b[bytes.Index(orig, val)+len(val)-1] ^= 1 // break the time stamp
	later := func() time.Time { return time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) }
	r := Inspect(b, "jpeg", Options{Now: later})
	if !isTrue(r.SignatureValid) || !isTrue(r.BindingValid) || !isFalse(r.TimestampValid) {
		t.Errorf("signature %s binding %s timestamp %s", fact(r.SignatureValid), fact(r.BindingValid), fact(r.TimestampValid))
	}
	if !strings.Contains(findingText(r, CodeCertificate), "not valid at 2031-01-01") {
		t.Errorf("no expiry finding: %v", r.Findings)
	}
	if hasFinding(r, CodeUnverified) {
		t.Errorf("an expired certificate alone must not make the manifest unverified: %v", r.Findings)
	}
	// With the intact time stamp the certificate is judged at signing time.
	if r := Inspect(orig, "jpeg", Options{Now: later}); hasFinding(r, CodeCertificate) {
		t.Errorf("time-stamped signature judged at the wrong time: %v", r.Findings)
	}
}
