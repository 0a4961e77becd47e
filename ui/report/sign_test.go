package report

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os/exec"
	"strings"
	"testing"
	"time"

	"synthreview/review"
)

// pdfsig returns poppler's report on pdf. pdfsig exits 0 even when a
// signature is invalid, so callers read what it prints.
func pdfsig(t *testing.T, pdf []byte) string {
	t.Helper()
	out, _ := exec.Command(tool(t, "pdfsig"), writeTemp(t, "s.pdf", pdf)).CombinedOutput()
	return string(out)
}

func checkOf(res Result, name string) Check {
	for _, c := range res.Checks {
		if c.Name == name {
			return c
		}
	}
	return Check{Name: name, Status: "missing"}
}

// signedFixture builds and signs a package with the fixture's workspace key.
func signedFixture(t *testing.T) (fixture, []byte) {
	t.Helper()
	fx := newFixture(t, 30, 200)
	return fx, signPackage(t, build(t, fx.audit, "zh"), fx.workspace)
}

func TestSignedPackagePassesPdfsig(t *testing.T) {
	_, pdf := signedFixture(t)
	out := pdfsig(t, pdf)
	for _, want := range []string{"Signature is Valid.", "Total document signed", "SHA-256"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig does not say %q:\n%s", want, out)
		}
	}
}

func TestVerifyPassesAndReportsTrust(t *testing.T) {
	fx, pdf := signedFixture(t)

	res, err := Verify(pdf, nil)
	if err != nil || !res.OK {
		t.Fatalf("Verify: %v %+v", err, res.Checks)
	}
	for _, name := range []string{CheckByteRange, CheckSignature, CheckManifest, CheckEventHashes, CheckChain, CheckCheckpoints} {
		if c := checkOf(res, name); c.Status != StatusPass {
			t.Errorf("%s: %s %s", name, c.Status, c.Message)
		}
	}
	if c := checkOf(res, CheckTrust); c.Status != StatusNote || res.Trusted || res.TrustChecked {
		t.Errorf("with nothing to trust, trust is %s (trusted %v): want an unknown noted, not a failure", c.Status, res.Trusted)
	}
	if res.Signer.SHA256 != fx.workspace.certSHA256() || !strings.Contains(res.Signer.Subject, "audit signing") {
		t.Errorf("signer %+v is not the workspace certificate", res.Signer)
	}
	if res.Manifest == nil || len(res.Manifest.Items) != 30 || res.Manifest.Head.Hash != fx.audit.Head.Hash {
		t.Errorf("manifest not returned whole")
	}

	res, _ = Verify(pdf, []*x509.Certificate{fx.workspace.cert})
	if !res.OK || !res.Trusted || checkOf(res, CheckTrust).Status != StatusPass {
		t.Errorf("trusting the signer's certificate: OK %v trusted %v %+v", res.OK, res.Trusted, checkOf(res, CheckTrust))
	}

	other := newSigner(t, "someone else")
	res, _ = Verify(pdf, []*x509.Certificate{other.cert})
	if res.OK || res.Trusted || checkOf(res, CheckTrust).Status != StatusFail {
		t.Errorf("trusting another certificate: OK %v trusted %v %+v", res.OK, res.Trusted, checkOf(res, CheckTrust))
	}
}

// streamStart returns the offset in pdf of a stream's first byte.
func streamStart(pdf []byte, st *pdfStream) int { return cap(pdf) - cap(st.data) }

func TestFlippingOneByteFailsPdfsigAndVerify(t *testing.T) {
	_, pdf := signedFixture(t)
	doc, err := openPDF(pdf)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := doc.dictOf(doc.trailer["Root"], "root")
	pages, _ := doc.dictOf(root["Pages"], "pages")
	kids, _ := pages["Kids"].([]any)
	page, err := doc.dictOf(kids[0], "page 1")
	if err != nil {
		t.Fatal(err)
	}
	content, err := doc.resolve(page["Contents"])
	if err != nil {
		t.Fatal(err)
	}
	names, _ := doc.dictOf(root["Names"], "names")
	tree, _ := doc.dictOf(names["EmbeddedFiles"], "tree")
	list, _ := tree["Names"].([]any)
	spec, _ := doc.dictOf(list[1], "spec")
	ef, _ := doc.dictOf(spec["EF"], "ef")
	manifest, err := doc.resolve(ef["F"])
	if err != nil {
		t.Fatal(err)
	}
	sig, err := doc.signature()
	if err != nil {
		t.Fatal(err)
	}
	var der, rest = sig.contents, 0
	for len(der) > 0 && der[len(der)-1] == 0 {
		der, rest = der[:len(der)-1], rest+1
	}
	// A hex digit well inside the DER: the signature value sits at its end.
	sigAt := int(sig.byteRange[1]) + 1 + 2*len(der) - 12

	for _, tc := range []struct {
		name string
		at   int
	}{
		{"in the first page's content", streamStart(pdf, content.(*pdfStream)) + 40},
		{"in the manifest", streamStart(pdf, manifest.(*pdfStream)) + 40},
		{"in the signature", sigAt},
		{"in the cover's metadata", strings.Index(string(pdf), "/Producer") + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := append([]byte(nil), pdf...)
			if tc.at == sigAt {
				bad[tc.at] = "1032547698badcfe"[strings.IndexByte("0123456789abcdef", bad[tc.at]|0x20)]
			} else {
				bad[tc.at] ^= 0x01
			}
			if out := pdfsig(t, bad); strings.Contains(out, "Signature is Valid.") {
				t.Errorf("pdfsig still says the signature is valid:\n%s", out)
			}
			res, _ := Verify(bad, nil)
			if res.OK {
				t.Errorf("Verify passes a changed file: %+v", res.Checks)
			}
			if c := checkOf(res, CheckSignature); c.Status != StatusFail {
				t.Errorf("signature check: %s %s", c.Status, c.Message)
			}
		})
	}
}

func TestAppendedBytesFailTheByteRange(t *testing.T) {
	_, pdf := signedFixture(t)
	bad := append(append([]byte(nil), pdf...), []byte("\n% appended after signing\n")...)
	if out := pdfsig(t, bad); strings.Contains(out, "Total document signed") {
		t.Errorf("pdfsig says the whole document is signed:\n%s", out)
	}
	res, _ := Verify(bad, nil)
	if res.OK || checkOf(res, CheckByteRange).Status != StatusFail {
		t.Errorf("Verify: OK %v, byte range %+v", res.OK, checkOf(res, CheckByteRange))
	}
}

// rehash recomputes the hashes of the listed events from the i-th on, as
// an attacker who rewrites history would, and fixes the head and the
// copies of checkpoint events to match.
func rehash(m *Manifest, i int) {
	l := append(append([]ManifestEvent(nil), m.Events...), m.After...)
	for k := i; k < len(l); k++ {
		if k > 0 {
			l[k].PrevHash = l[k-1].Hash
		}
		e := l[k]
		l[k].Hash = review.EventHash(e.Seq, e.At, e.Actor, e.Kind, e.Subject, e.Payload, e.PrevHash)
	}
	copy(m.Events, l[:len(m.Events)])
	copy(m.After, l[len(m.Events):])
	last := l[len(l)-1]
	m.Head = EventRef{Seq: last.Seq, Hash: last.Hash}
	for c := range m.Checkpoints {
		for _, e := range l {
			if e.Seq == m.Checkpoints[c].Event.Seq {
				m.Checkpoints[c].Event = e
			}
		}
	}
}

func TestAnEditedEventFailsEvenWhenReSigned(t *testing.T) {
	attacker := newSigner(t, "星河智能 audit signing") // same name, different key
	for _, tc := range []struct {
		name   string
		edit   func(m *Manifest)
		failed string
	}{
		{"payload edited, hash kept", func(m *Manifest) {
			m.Events[10].Payload = `{"outcome":"approve"}`
		}, CheckEventHashes},
		{"payload edited and its hash recomputed", func(m *Manifest) {
			m.Events[10].Payload = `{"outcome":"approve"}`
			e := m.Events[10]
			m.Events[10].Hash = review.EventHash(e.Seq, e.At, e.Actor, e.Kind, e.Subject, e.Payload, e.PrevHash)
		}, CheckChain},
		{"history rewritten to the head", func(m *Manifest) {
			m.Events[10].Payload = `{"outcome":"approve"}`
			rehash(m, 10)
		}, CheckCheckpoints},
		{"an event dropped and the rest renumbered", func(m *Manifest) {
			m.Events = append(m.Events[:10:10], m.Events[11:]...)
			for k := 10; k < len(m.Events); k++ {
				m.Events[k].Seq--
			}
			for k := range m.After {
				m.After[k].Seq--
			}
			rehash(m, 10)
		}, CheckCheckpoints},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, 3, 200)
			a := fx.audit
			m := newManifest(&a, "en")
			tc.edit(&m)
			pdf, err := render(context.Background(), &a, &m, "en", nil)
			if err != nil {
				t.Fatal(err)
			}
			signed, err := Sign(pdf, attacker.key, []*x509.Certificate{attacker.cert}, time.Now(), "forged")
			if err != nil {
				t.Fatal(err)
			}
			res, _ := Verify(signed, nil)
			if checkOf(res, CheckSignature).Status != StatusPass {
				t.Fatalf("the attacker's own signature should verify: %+v", checkOf(res, CheckSignature))
			}
			if res.OK {
				t.Fatalf("Verify passes an edited log: %+v", res.Checks)
			}
			if c := checkOf(res, tc.failed); c.Status != StatusFail {
				t.Errorf("%s: %s %s; want it to fail", tc.failed, c.Status, c.Message)
			}
			res, _ = Verify(signed, []*x509.Certificate{fx.workspace.cert})
			if res.Trusted || checkOf(res, CheckTrust).Status != StatusFail {
				t.Errorf("the attacker's key is trusted as the workspace's")
			}
		})
	}
}

func TestSignRefuses(t *testing.T) {
	fx := newFixture(t, 1, 10)
	pdf := build(t, fx.audit, "en")
	other := newSigner(t, "other")
	ws := fx.workspace
	for _, tc := range []struct {
		name string
		sign func() ([]byte, error)
	}{
		{"a key that is not the certificate's", func() ([]byte, error) {
			return Sign(pdf, other.key, []*x509.Certificate{ws.cert}, time.Now(), "x")
		}},
		{"no certificate", func() ([]byte, error) { return Sign(pdf, ws.key, nil, time.Now(), "x") }},
		{"a reason that is not ASCII", func() ([]byte, error) {
			return Sign(pdf, ws.key, []*x509.Certificate{ws.cert}, time.Now(), "审计包")
		}},
		{"bytes that are not a PDF", func() ([]byte, error) {
			return Sign([]byte("hello"), ws.key, []*x509.Certificate{ws.cert}, time.Now(), "x")
		}},
		{"a truncated PDF", func() ([]byte, error) {
			return Sign(pdf[:len(pdf)/2], ws.key, []*x509.Certificate{ws.cert}, time.Now(), "x")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.sign(); review.ErrorCode(err) != review.EINVALID {
				t.Errorf("Sign: %v, want EINVALID", err)
			}
		})
	}
}

func TestVerifyOfUnsignedOrForeignFiles(t *testing.T) {
	fx := newFixture(t, 1, 10)
	unsigned := build(t, fx.audit, "en")
	res, err := Verify(unsigned, nil)
	if err != nil || res.OK || checkOf(res, CheckByteRange).Status != StatusFail {
		t.Errorf("an unsigned package: err %v OK %v %+v", err, res.OK, res.Checks)
	}
	if checkOf(res, CheckChain).Status != StatusPass {
		t.Errorf("an unsigned package's manifest should still be checked: %+v", res.Checks)
	}
	res, err = Verify([]byte("GIF89a"), nil)
	if review.ErrorCode(err) != review.EINVALID || res.OK {
		t.Errorf("not a PDF: err %v OK %v", err, res.OK)
	}
	res, _ = Verify([]byte("%PDF-1.7\n%%EOF\n"), nil)
	if res.OK {
		t.Error("an empty PDF passes")
	}
}

func TestSignWithACompanyCertificateChain(t *testing.T) {
	// An imported company certificate: an RSA key whose certificate a
	// company CA issued, handed over with the CA's certificate.
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Xinghe Root CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(10, 0, 0), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Xinghe audit exports"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(2, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)

	fx := newFixture(t, 2, 20)
	signed, err := Sign(build(t, fx.audit, "en"), key, []*x509.Certificate{leaf, ca}, time.Now(), "SynthReview audit package")
	if err != nil {
		t.Fatal(err)
	}
	if out := pdfsig(t, signed); !strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Total document signed") {
		t.Errorf("pdfsig:\n%s", out)
	}
	res, _ := Verify(signed, []*x509.Certificate{ca})
	if !res.OK || !res.Trusted {
		t.Errorf("trusting the company CA: OK %v trusted %v %+v", res.OK, res.Trusted, res.Checks)
	}
}
