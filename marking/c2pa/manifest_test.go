package c2pa

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// Builders for synthetic manifest stores: the samples are all claim v1 with
// c2pa.hash.data, so claim v2, actions v2, ingredients v3 and a BMFF hard
// binding are exercised here.

func jbox(typ string, payload []byte) []byte {
	return append(append(be32(8+len(payload)), typ...), payload...)
}

// superboxBytes builds a jumb with a jumd (type, label) and content boxes.
func superboxBytes(typ [16]byte, label string, children ...[]byte) []byte {
	d := append(append([]byte(nil), typ[:]...), 0x03)
	d = append(append(d, label...), 0)
	body := jbox("jumd", d)
	for _, c := range children {
		body = append(body, c...)
	}
	return jbox("jumb", body)
}

func cborAssertion(t testing.TB, label string, v any) []byte {
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return superboxBytes(jumbfUUID("cbor"), label, jbox("cbor", b))
}

func boxHash(box []byte) []byte {
	s := sha256.Sum256(box[8:]) // C2PA hashes a box without its LBox/TBox
	return s[:]
}

type v2Store struct {
	actions, binding, ingredient []byte
	claim                        map[string]any
}

func newV2Store(t testing.TB) *v2Store {
	s := &v2Store{
		actions: cborAssertion(t, "c2pa.actions.v2", map[string]any{"actions": []any{
			map[string]any{"action": "c2pa.created", "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
				"softwareAgent": map[string]any{"name": "Jimeng"}},
			map[string]any{"action": "c2pa.edited"},
		}}),
		binding: cborAssertion(t, "c2pa.hash.bmff.v3", map[string]any{
			"exclusions": []any{map[string]any{"xpath": "/uuid"}}, "alg": "sha256", "hash": make([]byte, 32)}),
		ingredient: cborAssertion(t, "c2pa.ingredient.v3", map[string]any{"dc:title": "prompt.png", "relationship": "inputTo"}),
	}
	s.claim = map[string]any{
		"instanceID":           "xmp:iid:1",
		"claim_generator_info": map[string]any{"name": "Jimeng", "version": "2.1"},
		"signature":            "self#jumbf=c2pa.signature",
		"alg":                  "sha256",
		"created_assertions": []any{
			map[string]any{"url": "self#jumbf=c2pa.assertions/c2pa.actions.v2", "hash": boxHash(s.actions)},
			map[string]any{"url": "self#jumbf=c2pa.assertions/c2pa.hash.bmff.v3", "hash": boxHash(s.binding)},
		},
		"gathered_assertions": []any{
			map[string]any{"url": "self#jumbf=/c2pa/urn:c2pa:test/c2pa.assertions/c2pa.ingredient.v3", "alg": "sha256", "hash": boxHash(s.ingredient)},
		},
	}
	return s
}

func (s *v2Store) bytes(t testing.TB, extra ...[]byte) []byte {
	claim, err := cbor.Marshal(s.claim)
	if err != nil {
		t.Fatal(err)
	}
	children := [][]byte{
		superboxBytes(jumbfUUID("c2as"), "c2pa.assertions", s.actions, s.binding, s.ingredient),
		superboxBytes(jumbfUUID("c2cl"), "c2pa.claim.v2", jbox("cbor", claim)),
	}
	children = append(children, extra...)
	return superboxBytes(uuidStore, "c2pa", superboxBytes(uuidManifest, "urn:c2pa:test", children...))
}

func inPNG(t testing.TB, store []byte) []byte {
	png := readSample(t, "libpng-test.png")
	return append(append(append([]byte(nil), png[:33]...), pngChunk("caBX", store)...), png[33:]...)
}

func TestClaimV2(t *testing.T) {
	s := newV2Store(t)
	r := Inspect(inPNG(t, s.bytes(t)), "png", Options{})
	if r == nil || !r.Present {
		t.Fatal("no manifest")
	}
	if r.ClaimVersion != 2 || r.ClaimGenerator != "Jimeng/2.1" {
		t.Errorf("claim version %d generator %q", r.ClaimVersion, r.ClaimGenerator)
	}
	if !slices.Equal(r.Actions, []string{"c2pa.created", "c2pa.edited"}) ||
		r.DigitalSourceType != "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia" {
		t.Errorf("actions %v source type %q", r.Actions, r.DigitalSourceType)
	}
	if !slices.Equal(r.Ingredients, []string{"prompt.png"}) {
		t.Errorf("ingredients %v", r.Ingredients)
	}
	// No signature box: the signature is invalid, not unknown.
	if !isFalse(r.SignatureValid) || r.TimestampValid != nil {
		t.Errorf("signature %s timestamp %s", fact(r.SignatureValid), fact(r.TimestampValid))
	}
	// The BMFF binding is not checked: unknown, said so in an info finding.
	if r.BindingValid != nil || r.Binding != "c2pa.hash.bmff.v3" || !hasFinding(r, CodeNotChecked) {
		t.Errorf("binding %s (%s), findings %v", fact(r.BindingValid), r.Binding, r.Findings)
	}
	msg := findingText(r, CodeUnverified)
	if !strings.Contains(msg, "signature invalid") || !strings.Contains(msg, "binding unknown") {
		t.Errorf("unverified message %q", msg)
	}
}

func TestHashedURIs(t *testing.T) {
	// A changed ingredient (absolute URI) no longer matches the claim.
	s := newV2Store(t)
	s.ingredient = cborAssertion(t, "c2pa.ingredient.v3", map[string]any{"dc:title": "other.png"})
	r := Inspect(inPNG(t, s.bytes(t)), "png", Options{})
	if !isFalse(r.BindingValid) || !strings.Contains(findingText(r, CodeUnverified), "c2pa.ingredient.v3") {
		t.Errorf("tampered ingredient: binding %s, findings %v", fact(r.BindingValid), r.Findings)
	}
	// A reference to an assertion the manifest lacks.
	s = newV2Store(t)
	s.claim["created_assertions"] = append(s.claim["created_assertions"].([]any),
		map[string]any{"url": "self#jumbf=c2pa.assertions/c2pa.training-mining", "hash": make([]byte, 32)})
	r = Inspect(inPNG(t, s.bytes(t)), "png", Options{})
	if !isFalse(r.BindingValid) || !strings.Contains(findingText(r, CodeUnverified), "does not contain") {
		t.Errorf("missing assertion: binding %s, findings %v", fact(r.BindingValid), r.Findings)
	}
	// No hard binding at all.
	s = newV2Store(t)
	s.claim["created_assertions"] = s.claim["created_assertions"].([]any)[:1]
	r = Inspect(inPNG(t, s.bytes(t)), "png", Options{})
	if !isFalse(r.BindingValid) || !strings.Contains(findingText(r, CodeUnverified), "no hard binding") {
		t.Errorf("no hard binding: binding %s, findings %v", fact(r.BindingValid), r.Findings)
	}
}

func TestSignerProfile(t *testing.T) {
	m, err := activeManifest(locate(readSample(t, "C.jpg"), "jpeg").store)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := parseCOSE(m.sigBytes)
	certs, _ := s.chain()
	leaf := certs[0]
	if p := checkSignerProfile(leaf, time.Date(2024, 8, 6, 0, 0, 0, 0, time.UTC)); len(p) != 0 {
		t.Errorf("sample signer at signing time: %v", p)
	}
	if p := checkSignerProfile(leaf, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)); len(p) != 1 || !strings.Contains(p[0], "not valid at") {
		t.Errorf("sample signer after expiry: %v", p)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mk := func(ku x509.KeyUsage, eku []x509.ExtKeyUsage) *x509.Certificate {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "x"},
			NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
			KeyUsage: ku, ExtKeyUsage: eku}
		raw, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(raw)
		return c
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		cert *x509.Certificate
		want string
	}{
		{"no EKU", mk(x509.KeyUsageDigitalSignature, nil), "no extended key usage"},
		{"any EKU", mk(x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageAny}), "any extended key usage"},
		{"server auth", mk(x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}), "does not include"},
		{"no digitalSignature", mk(x509.KeyUsageCertSign, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}), "digitalSignature"},
	} {
		p := strings.Join(checkSignerProfile(c.cert, now), "; ")
		if !strings.Contains(p, c.want) {
			t.Errorf("%s: problems %q, want %q", c.name, p, c.want)
		}
	}
	if p := checkSignerProfile(mk(x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}), now); len(p) != 0 {
		t.Errorf("conforming certificate: %v", p)
	}
}
