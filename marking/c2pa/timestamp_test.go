package c2pa

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// A tiny RFC 3161 time-stamp authority for tests: it issues TimeStampTokens
// (CMS SignedData over TSTInfo, ECDSA P-256) so that sigTst2 (C2PA 2.x) can
// be tested; the samples only carry sigTst.

func der(t testing.TB, v any, params ...string) []byte {
	t.Helper()
	var b []byte
	var err error
	if len(params) > 0 {
		b, err = asn1.MarshalWithParams(v, params[0])
	} else {
		b, err = asn1.Marshal(v)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tagged(t testing.TB, class, tag int, parts ...[]byte) []byte {
	return der(t, asn1.RawValue{Class: class, Tag: tag, IsCompound: true, Bytes: bytes.Join(parts, nil)})
}

func seq(t testing.TB, parts ...[]byte) []byte {
	return tagged(t, asn1.ClassUniversal, asn1.TagSequence, parts...)
}
func set(t testing.TB, parts ...[]byte) []byte {
	return tagged(t, asn1.ClassUniversal, asn1.TagSet, parts...)
}

type testTSA struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
}

func newTestTSA(t testing.TB) *testTSA {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: "Test TSA", Organization: []string{"SynthReview tests"}},
		NotBefore:    time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}
	raw, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(raw)
	if err != nil {
		t.Fatal(err)
	}
	return &testTSA{key: key, cert: cert}
}

// token returns a DER TimeStampToken whose imprint is SHA-256(data).
func (a *testTSA) token(t testing.TB, data []byte, genTime time.Time, withCert bool) []byte {
	sha256ID := seq(t, der(t, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}))
	imprint := sha256.Sum256(data)
	tst := seq(t,
		der(t, 1),
		der(t, asn1.ObjectIdentifier{1, 2, 3, 4}),
		seq(t, sha256ID, der(t, imprint[:])),
		der(t, big.NewInt(7)),
		der(t, genTime, "generalized"),
	)
	digest := sha256.Sum256(tst)
	attrs := [][]byte{
		seq(t, der(t, oidContentType), set(t, der(t, oidTSTInfo))),
		seq(t, der(t, oidMessageDigest), set(t, der(t, digest[:]))),
	}
	signedSet := set(t, attrs...)
	h := sha256.Sum256(signedSet)
	sig, err := ecdsa.SignASN1(rand.Reader, a.key, h[:])
	if err != nil {
		t.Fatal(err)
	}
	signerInfo := seq(t,
		der(t, 1),
		seq(t, a.cert.RawIssuer, der(t, a.cert.SerialNumber)),
		sha256ID,
		tagged(t, asn1.ClassContextSpecific, 0, attrs...),
		seq(t, der(t, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2})),
		der(t, sig),
	)
	var certs []byte
	if withCert {
		certs = tagged(t, asn1.ClassContextSpecific, 0, a.cert.Raw)
	}
	signed := seq(t,
		der(t, 3),
		set(t, sha256ID),
		seq(t, der(t, oidTSTInfo), tagged(t, asn1.ClassContextSpecific, 0, der(t, tst))),
		certs,
		set(t, signerInfo),
	)
	return seq(t, der(t, oidSignedData), tagged(t, asn1.ClassContextSpecific, 0, signed))
}

func withTimestamp(s *coseSign1, header string, token []byte) *coseSign1 {
	c := *s
	c.unprotected = map[any]any{header: map[any]any{"tstTokens": []any{map[any]any{"val": token}}}}
	return &c
}

func TestTimestampV2(t *testing.T) {
	m, err := activeManifest(locate(readSample(t, "C.jpg"), "jpeg").store)
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseCOSE(m.sigBytes)
	if err != nil {
		t.Fatal(err)
	}
	tsa := newTestTSA(t)
	when := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sigCBOR, err := cbor.Marshal(s.signature)
	if err != nil {
		t.Fatal(err)
	}
	v2data := sigStructure("CounterSignature", s.protectedRaw, sigCBOR)
	v1data := sigStructure("CounterSignature", s.protectedRaw, m.claimBytes)

	good := withTimestamp(s, "sigTst2", tsa.token(t, v2data, when, true)).verifyTimestamp(m.claimBytes)
	if !good.present || !good.valid || !good.genTime.Equal(when) || good.tsa != "Test TSA (SynthReview tests)" {
		t.Fatalf("sigTst2 over the signature: %+v", good)
	}
	// A v1-style imprint (over the claim) in sigTst2 is wrong for 2.x.
	wrong := withTimestamp(s, "sigTst2", tsa.token(t, v1data, when, true)).verifyTimestamp(m.claimBytes)
	if wrong.valid || !strings.Contains(wrong.reason, "imprint") {
		t.Errorf("v1 imprint in sigTst2: %+v", wrong)
	}
	// The same token as sigTst (v1) is right.
	v1 := withTimestamp(s, "sigTst", tsa.token(t, v1data, when, true)).verifyTimestamp(m.claimBytes)
	if !v1.valid {
		t.Errorf("sigTst over the claim: %+v", v1)
	}
	// Without the TSA certificate the signature cannot be checked.
	noCert := withTimestamp(s, "sigTst2", tsa.token(t, v2data, when, false)).verifyTimestamp(m.claimBytes)
	if noCert.valid || !strings.Contains(noCert.reason, "certificate") {
		t.Errorf("token without certificate: %+v", noCert)
	}
	// A token signed by another key than its certificate's.
	other := newTestTSA(t)
	other.cert = tsa.cert
	forged := withTimestamp(s, "sigTst2", other.token(t, v2data, when, true)).verifyTimestamp(m.claimBytes)
	if forged.valid || !strings.Contains(forged.reason, "signature does not verify") {
		t.Errorf("forged token: %+v", forged)
	}
	// No time stamp at all: unknown.
	none := withTimestamp(s, "other", nil)
	none.unprotected = nil
	if r := none.verifyTimestamp(m.claimBytes); r.present {
		t.Errorf("no header: %+v", r)
	}
}
