package c2pa

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// The claim signature is a COSE_Sign1 (RFC 9052, CBOR tag 18) with a detached
// payload: the claim's CBOR bytes (C2PA spec §14, "Digital signatures").

const maxChainCerts = 16

// errCOSE wraps structural problems of the COSE_Sign1 structure.
var errCOSE = errors.New("malformed COSE_Sign1")

// coseSign1 is a parsed COSE_Sign1.
type coseSign1 struct {
	protectedRaw []byte      // the protected header as it was signed
	protected    map[any]any // decoded protected header
	unprotected  map[any]any
	signature    []byte
}

// parseCOSE decodes a (tagged or untagged) COSE_Sign1.
func parseCOSE(b []byte) (*coseSign1, error) {
	var v any
	if err := decMode.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%w: %v", errCOSE, err)
	}
	if t, ok := v.(cbor.Tag); ok {
		if t.Number != 18 {
			return nil, fmt.Errorf("%w: CBOR tag %d, expected 18", errCOSE, t.Number)
		}
		v = t.Content
	}
	arr, ok := v.([]any)
	if !ok || len(arr) != 4 {
		return nil, fmt.Errorf("%w: not a 4-element array", errCOSE)
	}
	s := &coseSign1{}
	if s.protectedRaw, ok = arr[0].([]byte); !ok {
		return nil, fmt.Errorf("%w: protected header is not a byte string", errCOSE)
	}
	if len(s.protectedRaw) > 0 {
		if err := decMode.Unmarshal(s.protectedRaw, &s.protected); err != nil {
			return nil, fmt.Errorf("%w: protected header: %v", errCOSE, err)
		}
	}
	if arr[1] != nil {
		if s.unprotected, ok = arr[1].(map[any]any); !ok {
			return nil, fmt.Errorf("%w: unprotected header is not a map", errCOSE)
		}
	}
	if s.signature, ok = arr[3].([]byte); !ok {
		return nil, fmt.Errorf("%w: signature is not a byte string", errCOSE)
	}
	return s, nil
}

// header looks a COSE header parameter up by integer label or text label,
// protected header first.
func (s *coseSign1) header(intLabel int64, textLabel string) any {
	if v := mapGet(s.protected, intLabel, textLabel); v != nil {
		return v
	}
	return mapGet(s.unprotected, intLabel, textLabel)
}

// mapGet looks a CBOR map entry up by integer or text key (0 or "" = none).
func mapGet(m map[any]any, intLabel int64, textLabel string) any {
	for k, v := range m {
		switch k := k.(type) {
		case int64:
			if intLabel != 0 && k == intLabel {
				return v
			}
		case uint64:
			if intLabel > 0 && k == uint64(intLabel) {
				return v
			}
		case string:
			if textLabel != "" && k == textLabel {
				return v
			}
		}
	}
	return nil
}

// coseAlg describes one COSE signature algorithm C2PA allows.
type coseAlg struct {
	name string
	hash crypto.Hash
	kind string // "ecdsa", "pss", "eddsa"
}

var coseAlgs = map[int64]coseAlg{
	-7:  {"ES256", crypto.SHA256, "ecdsa"},
	-35: {"ES384", crypto.SHA384, "ecdsa"},
	-36: {"ES512", crypto.SHA512, "ecdsa"},
	-37: {"PS256", crypto.SHA256, "pss"},
	-38: {"PS384", crypto.SHA384, "pss"},
	-39: {"PS512", crypto.SHA512, "pss"},
	-8:  {"EdDSA", 0, "eddsa"},
}

// alg returns the algorithm of the protected header (label 1).
func (s *coseSign1) alg() (coseAlg, error) {
	var id int64
	switch v := mapGet(s.protected, 1, "").(type) {
	case int64:
		id = v
	case uint64:
		return coseAlg{}, fmt.Errorf("signature algorithm %d is not one C2PA allows", v)
	default:
		return coseAlg{}, fmt.Errorf("%w: protected header has no algorithm", errCOSE)
	}
	a, ok := coseAlgs[id]
	if !ok {
		return coseAlg{}, fmt.Errorf("signature algorithm %d is not one C2PA allows", id)
	}
	return a, nil
}

// chain returns the certificates of the x5chain header (label 33, protected;
// older signers put it unprotected), leaf first.
func (s *coseSign1) chain() ([]*x509.Certificate, error) {
	v := s.header(33, "x5chain")
	var ders [][]byte
	switch v := v.(type) {
	case []byte:
		ders = [][]byte{v}
	case []any:
		for _, e := range v {
			d, ok := e.([]byte)
			if !ok {
				return nil, fmt.Errorf("%w: x5chain entry is not a byte string", errCOSE)
			}
			ders = append(ders, d)
		}
	case nil:
		return nil, errors.New("the signature carries no certificate (x5chain)")
	default:
		return nil, fmt.Errorf("%w: x5chain is neither a byte string nor an array", errCOSE)
	}
	if len(ders) == 0 || len(ders) > maxChainCerts {
		return nil, fmt.Errorf("%w: x5chain holds %d certificates", errCOSE, len(ders))
	}
	certs := make([]*x509.Certificate, 0, len(ders))
	for i, d := range ders {
		c, err := x509.ParseCertificate(d)
		if err != nil {
			return nil, fmt.Errorf("certificate %d of x5chain: %w", i, err)
		}
		certs = append(certs, c)
	}
	return certs, nil
}

// sigStructure builds the COSE Sig_structure for a detached payload: the
// array ["Signature1" or "CounterSignature", protected, external_aad (empty),
// payload], CBOR-encoded with definite lengths (RFC 9052 §4.4).
func sigStructure(context string, protected, payload []byte) []byte {
	b, err := cbor.Marshal([]any{context, protected, []byte{}, payload})
	if err != nil {
		panic(err) // cannot happen for strings and byte strings
	}
	return b
}

// verifySignature checks the COSE signature over payload with the leaf's key.
func (s *coseSign1) verifySignature(a coseAlg, leaf *x509.Certificate, payload []byte) error {
	tbs := sigStructure("Signature1", s.protectedRaw, payload)
	return verifyRaw(a, publicKey(leaf), tbs, s.signature)
}

// publicKey returns the certificate's key. crypto/x509 leaves PublicKey nil
// for an RSASSA-PSS subject key (OID 1.2.840.113549.1.1.10), which C2PA
// signers commonly use with PS256; its key is a plain PKCS #1 RSAPublicKey.
func publicKey(c *x509.Certificate) any {
	if c.PublicKey != nil {
		return c.PublicKey
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		Key       asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return nil
	}
	if !spki.Algorithm.Algorithm.Equal(oidRSAPSS) {
		return nil
	}
	k, err := x509.ParsePKCS1PublicKey(spki.Key.RightAlign())
	if err != nil {
		return nil
	}
	return k
}

// verifyRaw verifies sig over msg with pub, COSE style: ECDSA signatures are
// r‖s of the curve size (RFC 9053 §2.1), RSA is PSS with a salt as long as the
// hash (RFC 8230), EdDSA is Ed25519.
func verifyRaw(a coseAlg, pub any, msg, sig []byte) error {
	var digest []byte
	if a.hash != 0 {
		h := a.hash.New()
		h.Write(msg)
		digest = h.Sum(nil)
	}
	switch a.kind {
	case "ecdsa":
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("%s needs an EC key, the certificate has %s", a.name, keyKind(pub))
		}
		n := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) == 2*n {
			r := new(big.Int).SetBytes(sig[:n])
			ss := new(big.Int).SetBytes(sig[n:])
			if ecdsa.Verify(k, digest, r, ss) {
				return nil
			}
			return errors.New("the ECDSA signature does not match the claim")
		}
		// Tolerate an ASN.1 DER signature, which some early signers wrote.
		if ecdsa.VerifyASN1(k, digest, sig) {
			return nil
		}
		return errors.New("the ECDSA signature does not match the claim")
	case "pss":
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%s needs an RSA key, the certificate has %s", a.name, keyKind(pub))
		}
		if err := rsa.VerifyPSS(k, a.hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}); err != nil {
			return fmt.Errorf("the RSA-PSS signature does not match the claim: %w", err)
		}
		return nil
	case "eddsa":
		k, ok := pub.(ed25519.PublicKey)
		if !ok {
			return fmt.Errorf("EdDSA needs an Ed25519 key, the certificate has %s", keyKind(pub))
		}
		if ed25519.Verify(k, msg, sig) {
			return nil
		}
		return errors.New("the Ed25519 signature does not match the claim")
	}
	return fmt.Errorf("unsupported algorithm %s", a.name)
}

// Extended key usages the C2PA certificate profile accepts for a claim
// signer (C2PA spec §14.5.1; the list c2pa-rs accepts, plus
// c2pa-kp-claimSigning from C2PA 2.x).
var (
	oidEKUEmailProtection = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}
	oidEKUDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}
	oidEKUTimeStamping    = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
	oidEKUOCSPSigning     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 9}
	oidEKUMSC2PA          = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 76, 59, 1, 9}
	oidEKUC2PAClaim       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 62558, 2, 1}
	oidExtKeyUsage        = asn1.ObjectIdentifier{2, 5, 29, 37}
)

// checkSignerProfile checks the leaf certificate against the C2PA
// certificate profile at time t: validity period, digitalSignature key usage,
// an allowed extended key usage and no anyExtendedKeyUsage. It returns
// plain-language problems.
//
// Choice: these problems become findings and never turn a mathematically
// valid signature into signature_valid=false. signature_valid answers "were
// these claim bytes signed by the key in this certificate?"; whether that
// certificate was fit to sign (expired, wrong usage) is a separate question a
// reviewer weighs, as trust is (issue 4: never collapse the facts; c2pa-rs
// likewise reports claimSignature.validated beside
// signingCredential.expired/invalid).
func checkSignerProfile(leaf *x509.Certificate, t time.Time) []string {
	var p []string
	if t.Before(leaf.NotBefore) || t.After(leaf.NotAfter) {
		p = append(p, fmt.Sprintf("the signing certificate was not valid at %s (valid %s to %s)",
			t.UTC().Format(time.RFC3339), leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339)))
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		p = append(p, "the signing certificate's key usage lacks digitalSignature")
	}
	var ekus []asn1.ObjectIdentifier
	for _, ext := range leaf.Extensions {
		if ext.Id.Equal(oidExtKeyUsage) {
			if _, err := asn1.Unmarshal(ext.Value, &ekus); err != nil {
				p = append(p, "the signing certificate's extended key usage cannot be read")
			}
		}
	}
	switch {
	case len(ekus) == 0:
		p = append(p, "the signing certificate has no extended key usage; C2PA requires one")
	default:
		allowed := false
		for _, e := range ekus {
			if e.Equal(asn1.ObjectIdentifier{2, 5, 29, 37, 0}) {
				p = append(p, "the signing certificate allows any extended key usage, which C2PA forbids")
			}
			for _, ok := range []asn1.ObjectIdentifier{oidEKUEmailProtection, oidEKUDocumentSigning, oidEKUTimeStamping, oidEKUOCSPSigning, oidEKUMSC2PA, oidEKUC2PAClaim} {
				if e.Equal(ok) {
					allowed = true
				}
			}
		}
		if !allowed {
			p = append(p, "the signing certificate's extended key usage does not include one C2PA accepts (document signing, e-mail protection, C2PA claim signing)")
		}
	}
	return p
}

// checkTrust builds a chain from the leaf to one of the anchors, with the
// other x5chain certificates as intermediates, at time t.
func checkTrust(certs []*x509.Certificate, anchors [][]byte, t time.Time) (bool, string) {
	roots := x509.NewCertPool()
	var anchorCerts []*x509.Certificate
	for _, a := range anchors {
		c, err := x509.ParseCertificate(a)
		if err != nil {
			continue
		}
		roots.AddCert(c)
		anchorCerts = append(anchorCerts, c)
	}
	if len(anchorCerts) == 0 {
		return false, "none of the configured trust anchors is a readable certificate"
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   t,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil && hasPSSKey(certs, anchorCerts) {
		// crypto/x509 cannot check signatures made by RSASSA-PSS keys
		// (common in C2PA test and production chains): build the chain by
		// hand with the same rules (CA flag, validity, issuer signature).
		err = buildChain(certs[0], certs[1:], anchorCerts, t)
	}
	if err != nil {
		return false, fmt.Sprintf("the signer's certificate does not chain to a configured trust anchor: %v", err)
	}
	return true, ""
}

func hasPSSKey(lists ...[]*x509.Certificate) bool {
	for _, l := range lists {
		for _, c := range l {
			if c.PublicKey == nil {
				return true
			}
		}
	}
	return false
}

// buildChain walks from leaf to an anchor through intermediates, checking
// each issuer's signature, CA flag and validity at t.
func buildChain(leaf *x509.Certificate, inter, anchors []*x509.Certificate, t time.Time) error {
	cur := leaf
	if t.Before(cur.NotBefore) || t.After(cur.NotAfter) {
		return errors.New("the signing certificate was not valid at the signing time")
	}
	for depth := 0; depth <= maxChainCerts; depth++ {
		for _, a := range anchors {
			if bytes.Equal(cur.Raw, a.Raw) {
				return nil
			}
		}
		var next *x509.Certificate
		isAnchor := false
		for i, cand := range append(append([]*x509.Certificate(nil), anchors...), inter...) {
			if !bytes.Equal(cand.RawSubject, cur.RawIssuer) || !cand.BasicConstraintsValid || !cand.IsCA {
				continue
			}
			if t.Before(cand.NotBefore) || t.After(cand.NotAfter) {
				continue
			}
			if checkCertSignature(cur, cand) != nil {
				continue
			}
			next, isAnchor = cand, i < len(anchors)
			break
		}
		if next == nil {
			return fmt.Errorf("no valid issuer found for %q", cur.Subject.CommonName)
		}
		if isAnchor {
			return nil
		}
		cur = next
	}
	return errors.New("certificate chain too long")
}

// checkCertSignature verifies c's signature with issuer's key, including
// RSASSA-PSS issuer keys.
func checkCertSignature(c, issuer *x509.Certificate) error {
	if issuer.PublicKey != nil {
		return c.CheckSignatureFrom(issuer)
	}
	pub, ok := publicKey(issuer).(*rsa.PublicKey)
	if !ok {
		return errors.New("unsupported issuer key")
	}
	var h crypto.Hash
	pss := true
	switch c.SignatureAlgorithm {
	case x509.SHA256WithRSAPSS:
		h = crypto.SHA256
	case x509.SHA384WithRSAPSS:
		h = crypto.SHA384
	case x509.SHA512WithRSAPSS:
		h = crypto.SHA512
	case x509.SHA256WithRSA:
		h, pss = crypto.SHA256, false
	case x509.SHA384WithRSA:
		h, pss = crypto.SHA384, false
	case x509.SHA512WithRSA:
		h, pss = crypto.SHA512, false
	default:
		return fmt.Errorf("unsupported certificate signature algorithm %v", c.SignatureAlgorithm)
	}
	hh := h.New()
	hh.Write(c.RawTBSCertificate)
	if pss {
		return rsa.VerifyPSS(pub, h, hh.Sum(nil), c.Signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	}
	return rsa.VerifyPKCS1v15(pub, h, hh.Sum(nil), c.Signature)
}

// signerName renders the leaf certificate's subject as "CN (O)".
func signerName(c *x509.Certificate) string {
	cn := c.Subject.CommonName
	o := ""
	if len(c.Subject.Organization) > 0 {
		o = c.Subject.Organization[0]
	}
	switch {
	case cn != "" && o != "" && o != cn:
		return cn + " (" + o + ")"
	case cn != "":
		return cn
	case o != "":
		return o
	}
	return c.Subject.String()
}

func keyKind(pub any) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "an RSA key"
	case *ecdsa.PublicKey:
		return "an EC key"
	case ed25519.PublicKey:
		return "an Ed25519 key"
	case nil:
		return "a key of an unsupported type"
	}
	return fmt.Sprintf("a %T key", pub)
}
