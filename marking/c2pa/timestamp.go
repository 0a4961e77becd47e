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

// RFC 3161 time-stamp countersignatures in the COSE unprotected header:
// `sigTst` (C2PA 1.x) holds TimeStampResp structures and timestamps the
// COSE "CounterSignature" structure over the claim bytes; `sigTst2` (C2PA 2.x)
// holds TimeStampToken structures and timestamps the same structure over the
// CBOR encoding of the signature bytes (C2PA spec §14.5.2, "Time-stamps").

var (
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidTSTInfo       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidRSAPSS        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
)

var hashOIDs = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
}{
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}, crypto.SHA256},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}, crypto.SHA384},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}, crypto.SHA512},
	{asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, crypto.SHA1},
}

func hashForOID(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	for _, h := range hashOIDs {
		if oid.Equal(h.oid) {
			return h.hash, true
		}
	}
	return 0, false
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type timeStampResp struct {
	Status asn1.RawValue
	Token  contentInfo `asn1:"optional"`
}

type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

type messageImprint struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	HashedMessage []byte
}

// tstInfo holds TSTInfo up to genTime; encoding/asn1 ignores the optional
// fields after it.
type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint messageImprint
	SerialNumber   *big.Int
	GenTime        time.Time `asn1:"generalized"`
}

// tstResult is what verifying a time stamp found.
type tstResult struct {
	present bool
	valid   bool
	genTime time.Time
	tsa     string
	reason  string // why valid is false
}

// verifyTimestamp checks the first time stamp in sigTst2 or sigTst.
func (s *coseSign1) verifyTimestamp(claim []byte) tstResult {
	v2 := true
	hdr := mapGet(s.unprotected, 0, "sigTst2")
	if hdr == nil {
		v2 = false
		hdr = mapGet(s.unprotected, 0, "sigTst")
	}
	if hdr == nil {
		return tstResult{}
	}
	res := tstResult{present: true}
	m, ok := hdr.(map[any]any)
	if !ok {
		res.reason = "the time-stamp header is not a map"
		return res
	}
	toks, ok := mapGet(m, 0, "tstTokens").([]any)
	if !ok || len(toks) == 0 {
		res.reason = "the time-stamp header holds no tstTokens"
		return res
	}
	tok, ok := toks[0].(map[any]any)
	if !ok {
		res.reason = "the time-stamp token is not a map"
		return res
	}
	val, ok := mapGet(tok, 0, "val").([]byte)
	if !ok {
		res.reason = "the time-stamp token has no value"
		return res
	}
	payload := claim
	if v2 {
		enc, err := cbor.Marshal(s.signature)
		if err != nil {
			res.reason = err.Error()
			return res
		}
		payload = enc
	}
	tbs := sigStructure("CounterSignature", s.protectedRaw, payload)
	info, tsa, err := verifyTimeStampToken(val, tbs)
	if info != nil {
		res.genTime = info.GenTime
	}
	res.tsa = tsa
	if err != nil {
		res.reason = err.Error()
		return res
	}
	res.valid = true
	return res
}

// verifyTimeStampToken parses a TimeStampResp or a bare TimeStampToken
// (ContentInfo of SignedData over TSTInfo), checks that its message imprint
// is the hash of data, and verifies the TSA's signature with the certificate
// the token carries. Trust in the TSA is not judged here.
func verifyTimeStampToken(der, data []byte) (*tstInfo, string, error) {
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(der, &outer); err != nil {
		return nil, "", fmt.Errorf("time stamp is not DER: %w", err)
	}
	var ci contentInfo
	var first asn1.RawValue
	if _, err := asn1.Unmarshal(outer.Bytes, &first); err != nil {
		return nil, "", fmt.Errorf("time stamp: %w", err)
	}
	if first.Tag == asn1.TagOID {
		if _, err := asn1.Unmarshal(der, &ci); err != nil {
			return nil, "", fmt.Errorf("time-stamp token: %w", err)
		}
	} else {
		var resp timeStampResp
		if _, err := asn1.Unmarshal(der, &resp); err != nil {
			return nil, "", fmt.Errorf("time-stamp response: %w", err)
		}
		ci = resp.Token
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, "", errors.New("time-stamp token is not CMS SignedData")
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, "", fmt.Errorf("time-stamp SignedData: %w", err)
	}
	if !sd.EncapContentInfo.EContentType.Equal(oidTSTInfo) {
		return nil, "", errors.New("time-stamp token does not hold a TSTInfo")
	}
	var econtent []byte
	if _, err := asn1.Unmarshal(sd.EncapContentInfo.EContent.Bytes, &econtent); err != nil {
		return nil, "", fmt.Errorf("time-stamp TSTInfo octets: %w", err)
	}
	var info tstInfo
	if _, err := asn1.Unmarshal(econtent, &info); err != nil {
		return nil, "", fmt.Errorf("TSTInfo: %w", err)
	}
	// 1. The imprint must be the hash of what C2PA says was timestamped.
	ih, ok := hashForOID(info.MessageImprint.HashAlgorithm.Algorithm)
	if !ok || !ih.Available() {
		return &info, "", fmt.Errorf("time stamp uses an unsupported hash %v", info.MessageImprint.HashAlgorithm.Algorithm)
	}
	h := ih.New()
	h.Write(data)
	if !bytes.Equal(h.Sum(nil), info.MessageImprint.HashedMessage) {
		return &info, "", errors.New("the time stamp's message imprint does not match the claim signature")
	}
	// 2. The TSA's signature over the signed attributes (or the content).
	if len(sd.SignerInfos) == 0 {
		return &info, "", errors.New("time-stamp token has no signer")
	}
	si := sd.SignerInfos[0]
	var certs []*x509.Certificate
	if len(sd.Certificates.Bytes) > 0 {
		c, err := x509.ParseCertificates(sd.Certificates.Bytes)
		if err != nil {
			return &info, "", fmt.Errorf("time-stamp certificates: %w", err)
		}
		certs = c
	}
	signer := findSigner(si.SID, certs)
	if signer == nil {
		return &info, "", errors.New("the time-stamp token does not carry its signer's certificate")
	}
	tsa := signerName(signer)
	dh, ok := hashForOID(si.DigestAlgorithm.Algorithm)
	if !ok || !dh.Available() {
		return &info, tsa, fmt.Errorf("time-stamp signer uses an unsupported digest %v", si.DigestAlgorithm.Algorithm)
	}
	signed := econtent
	if len(si.SignedAttrs.FullBytes) > 0 {
		if err := checkSignedAttrs(si.SignedAttrs.Bytes, dh, econtent); err != nil {
			return &info, tsa, err
		}
		// The signature covers the attributes DER-encoded as a SET OF
		// (RFC 5652 §5.4), not with the [0] IMPLICIT tag they carry.
		signed = append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
	}
	hh := dh.New()
	hh.Write(signed)
	digest := hh.Sum(nil)
	if err := verifyCMSSignature(signer.PublicKey, si.SignatureAlgorithm.Algorithm, dh, signed, digest, si.Signature); err != nil {
		return &info, tsa, fmt.Errorf("the time-stamp authority's signature does not verify: %w", err)
	}
	return &info, tsa, nil
}

func findSigner(sid asn1.RawValue, certs []*x509.Certificate) *x509.Certificate {
	if sid.Class == asn1.ClassContextSpecific && sid.Tag == 0 { // subjectKeyIdentifier
		for _, c := range certs {
			if bytes.Equal(c.SubjectKeyId, sid.Bytes) {
				return c
			}
		}
		return nil
	}
	var ias issuerAndSerial
	if _, err := asn1.Unmarshal(sid.FullBytes, &ias); err != nil || ias.Serial == nil {
		return nil
	}
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) && c.SerialNumber.Cmp(ias.Serial) == 0 {
			return c
		}
	}
	return nil
}

// checkSignedAttrs requires a contentType of TSTInfo and a messageDigest
// equal to the hash of the encapsulated content.
func checkSignedAttrs(setBody []byte, h crypto.Hash, content []byte) error {
	var digestOK, typeOK bool
	rest := setBody
	for n := 0; len(rest) > 0 && n < 256; n++ {
		var a attribute
		var err error
		rest, err = asn1.Unmarshal(rest, &a)
		if err != nil {
			return fmt.Errorf("time-stamp signed attributes: %w", err)
		}
		switch {
		case a.Type.Equal(oidMessageDigest):
			var d []byte
			if _, err := asn1.Unmarshal(a.Values.Bytes, &d); err != nil {
				return fmt.Errorf("time-stamp messageDigest: %w", err)
			}
			hh := h.New()
			hh.Write(content)
			if !bytes.Equal(hh.Sum(nil), d) {
				return errors.New("the time stamp's messageDigest does not match its TSTInfo")
			}
			digestOK = true
		case a.Type.Equal(oidContentType):
			var ct asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(a.Values.Bytes, &ct); err == nil && ct.Equal(oidTSTInfo) {
				typeOK = true
			}
		}
	}
	if !digestOK || !typeOK {
		return errors.New("the time stamp's signed attributes lack messageDigest or contentType")
	}
	return nil
}

func verifyCMSSignature(pub any, sigAlg asn1.ObjectIdentifier, h crypto.Hash, msg, digest, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if sigAlg.Equal(oidRSAPSS) {
			return rsa.VerifyPSS(k, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
		}
		return rsa.VerifyPKCS1v15(k, h, digest, sig)
	case *ecdsa.PublicKey:
		if ecdsa.VerifyASN1(k, digest, sig) {
			return nil
		}
		return errors.New("ECDSA signature mismatch")
	case ed25519.PublicKey:
		if ed25519.Verify(k, msg, sig) {
			return nil
		}
		return errors.New("Ed25519 signature mismatch")
	}
	return fmt.Errorf("unsupported key type %T", pub)
}
