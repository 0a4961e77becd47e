package report

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/digitorus/pkcs7"

	"synthreview/review"
)

// Status is the outcome of one check.
type Status string

// The statuses. StatusNote is reported but is not a failure (the signer's
// trust when no certificates to trust were given).
const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusNote Status = "note"
)

// The checks Verify runs, in order.
const (
	CheckByteRange   = "byte-range"   // the signature covers the whole file except its own Contents
	CheckSignature   = "signature"    // the CMS signature verifies over the covered bytes with SHA-256
	CheckTrust       = "signer-trust" // the signer chains to a trusted certificate
	CheckManifest    = "manifest"     // manifest.json is attached once and parses
	CheckEventHashes = "event-hashes" // every listed event's hash recomputes
	CheckChain       = "chain"        // the events link by prev_hash and end at the cover's head
	CheckCheckpoints = "checkpoints"  // each checkpoint's signature verifies and agrees with the events
)

// Check is one check's outcome.
type Check struct {
	Name    string
	Status  Status
	Message string
}

// Signer describes the certificate that signed the package.
type Signer struct {
	Subject   string // distinguished name
	SHA256    string // hex SHA-256 of the certificate (DER)
	NotBefore time.Time
	NotAfter  time.Time
}

// Result is what Verify found. OK is true only when no check failed.
type Result struct {
	OK     bool
	Checks []Check
	Signer Signer
	// SignedAt is the signing time the signature states (zero when none).
	SignedAt time.Time
	// Trusted is true only when the signer chains to one of the trusted
	// certificates; TrustChecked says whether any were given.
	Trusted      bool
	TrustChecked bool
	// Manifest is the embedded manifest, when it could be read.
	Manifest *Manifest
}

func (r *Result) add(name string, st Status, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Status: st, Message: fmt.Sprintf(format, args...)})
	if st == StatusFail {
		r.OK = false
	}
}

var oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}

// Verify checks a signed audit package: that its one signature covers the
// whole file except the signature itself, that the CMS signature verifies
// over those bytes with SHA-256, whether the signer chains to one of trust
// (with trust empty the signer's trust is reported as unknown, not a
// failure), that manifest.json is attached, that every event hash in it
// recomputes, that the events chain by prev_hash to the cover's head, and
// that every embedded checkpoint's signature verifies and names a head
// consistent with the listed events.
//
// Every check is run that can be, and reported in Result.Checks; Result.OK
// is false when any failed. The error is non-nil (EINVALID) only when pdf
// is not a PDF file at all; Result then holds that one failure too.
func Verify(pdf []byte, trust []*x509.Certificate) (res Result, err error) {
	res.OK = true
	// Every report says something about trust, even when the signature
	// could not be read far enough to name its signer.
	defer func() {
		for _, c := range res.Checks {
			if c.Name == CheckTrust {
				return
			}
		}
		st := StatusNote
		if len(trust) > 0 {
			st = StatusFail
		}
		res.add(CheckTrust, st, "not checked: the signer's certificate could not be read")
	}()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		res.add(CheckByteRange, StatusFail, "not a PDF file")
		return res, review.Errorf(review.EINVALID, "not a PDF file")
	}
	doc, derr := openPDF(pdf)
	var sig *sigField
	if derr == nil {
		sig, derr = doc.signature()
	}
	if derr != nil {
		res.add(CheckByteRange, StatusFail, "no signature found: %v", derr)
	} else if cms, ok := checkByteRange(&res, pdf, sig); ok {
		verifyCMS(&res, pdf, sig, cms, trust)
	}
	if doc == nil {
		res.add(CheckManifest, StatusFail, "the PDF structure could not be read: %v", derr)
		return res, nil
	}
	raw, err := doc.embeddedFile(ManifestName)
	if err != nil {
		res.add(CheckManifest, StatusFail, "%v", err)
		return res, nil
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		res.add(CheckManifest, StatusFail, "%s does not parse: %v", ManifestName, err)
		return res, nil
	}
	if m.Schema != ManifestSchema {
		res.add(CheckManifest, StatusFail, "%s has schema %q, not %q", ManifestName, m.Schema, ManifestSchema)
		return res, nil
	}
	res.Manifest = &m
	res.add(CheckManifest, StatusPass, "%s: %d items, %d events in the period, %d after it, %d checkpoints",
		ManifestName, len(m.Items), len(m.Events), len(m.After), len(m.Checkpoints))
	verifyLog(&res, &m)
	return res, nil
}

// checkByteRange checks that the signature's ByteRange is [0 a b c] with
// the gap a..b holding exactly the Contents hex string and b+c the file's
// length, and returns the CMS bytes without their zero padding.
func checkByteRange(res *Result, pdf []byte, sig *sigField) ([]byte, bool) {
	br, size := sig.byteRange, int64(len(pdf))
	switch {
	case sig.nSigFields != 1:
		res.add(CheckByteRange, StatusFail, "the document has %d signatures; an audit package has one", sig.nSigFields)
		return nil, false
	case br[0] != 0 || br[1] <= 0 || br[2] <= br[1] || br[3] < 0 || br[2] > size || br[2]+br[3] != size:
		res.add(CheckByteRange, StatusFail, "the signature's byte range %v does not cover the whole file (%d bytes) except its Contents", br, size)
		return nil, false
	case int(br[1]) < sig.objStart || int(br[2]) > sig.objEnd || pdf[br[1]] != '<' || pdf[br[2]-1] != '>':
		res.add(CheckByteRange, StatusFail, "the gap in the signature's byte range is not its Contents")
		return nil, false
	}
	gap := pdf[br[1]+1 : br[2]-1]
	if hex.DecodedLen(len(gap)) != len(sig.contents) || !hexEqual(gap, sig.contents) {
		res.add(CheckByteRange, StatusFail, "the gap in the signature's byte range is not its Contents")
		return nil, false
	}
	if bytes.Count(pdf, []byte("/ByteRange")) != 1 {
		res.add(CheckByteRange, StatusFail, "the file holds more than one signature dictionary")
		return nil, false
	}
	// The DER is followed by zero padding up to the reserved size. Only
	// zeros may follow: anything else there would be unsigned data.
	var rv asn1.RawValue
	rest, err := asn1.Unmarshal(sig.contents, &rv)
	if err != nil {
		res.add(CheckByteRange, StatusPass, "the signature covers the whole file (%d bytes) except its Contents", size)
		res.add(CheckSignature, StatusFail, "the signature is not DER: %v", err)
		return nil, false
	}
	for _, c := range rest {
		if c != 0 {
			res.add(CheckByteRange, StatusFail, "the signature's Contents holds data after the signature")
			return nil, false
		}
	}
	res.add(CheckByteRange, StatusPass, "the signature covers the whole file (%d bytes) except its Contents", size)
	return sig.contents[:len(sig.contents)-len(rest)], true
}

func hexEqual(h []byte, b []byte) bool {
	dec := make([]byte, hex.DecodedLen(len(h)))
	n, err := hex.Decode(dec, h)
	return err == nil && bytes.Equal(dec[:n], b)
}

// verifyCMS checks the CMS signature over the covered bytes and the
// signer's trust.
func verifyCMS(res *Result, pdf []byte, sig *sigField, cms []byte, trust []*x509.Certificate) {
	defer func() {
		// The CMS library is not written for hostile input the way this
		// package's PDF reader is; a panic there is a failed check, not a
		// crash.
		if p := recover(); p != nil {
			res.add(CheckSignature, StatusFail, "the signature could not be read: %v", p)
		}
	}()
	if sig.subFilter != "adbe.pkcs7.detached" && sig.subFilter != "ETSI.CAdES.detached" {
		res.add(CheckSignature, StatusFail, "signature type %q is not a CMS detached signature", sig.subFilter)
		return
	}
	p7, err := pkcs7.Parse(cms)
	if err != nil {
		res.add(CheckSignature, StatusFail, "the signature does not parse: %v", err)
		return
	}
	if len(p7.Signers) != 1 {
		res.add(CheckSignature, StatusFail, "the signature has %d signers, not one", len(p7.Signers))
		return
	}
	if !p7.Signers[0].DigestAlgorithm.Algorithm.Equal(oidSHA256) {
		res.add(CheckSignature, StatusFail, "the signature's digest is not SHA-256 (%v)", p7.Signers[0].DigestAlgorithm.Algorithm)
		return
	}
	br := sig.byteRange
	content := make([]byte, 0, br[1]+br[3])
	content = append(content, pdf[:br[1]]...)
	content = append(content, pdf[br[2]:]...)
	p7.Content = content
	cert := p7.GetOnlySigner()
	if cert == nil {
		res.add(CheckSignature, StatusFail, "the signer's certificate is not in the signature")
		return
	}
	sum := sha256.Sum256(cert.Raw)
	res.Signer = Signer{Subject: cert.Subject.String(), SHA256: hex.EncodeToString(sum[:]), NotBefore: cert.NotBefore, NotAfter: cert.NotAfter}
	var signedAt time.Time
	if p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &signedAt) == nil {
		res.SignedAt = signedAt
	}
	if err := p7.Verify(); err != nil {
		res.add(CheckSignature, StatusFail, "the signature does not verify: the file was changed after signing, or the signature is damaged (%v)", err)
	} else {
		res.add(CheckSignature, StatusPass, "CMS signature (%s, SHA-256) by %s verifies over the signed bytes", sig.subFilter, res.Signer.Subject)
	}
	checkTrust(res, cert, p7.Certificates, trust)
}

// checkTrust reports whether cert chains to one of trust, with the
// signature's other certificates as intermediates.
func checkTrust(res *Result, cert *x509.Certificate, others, trust []*x509.Certificate) {
	if len(trust) == 0 {
		res.add(CheckTrust, StatusNote, "not checked: no certificates to trust were given (signer certificate SHA-256 %s)", res.Signer.SHA256)
		return
	}
	res.TrustChecked = true
	roots := x509.NewCertPool()
	for _, t := range trust {
		if t != nil {
			roots.AddCert(t)
		}
	}
	inter := x509.NewCertPool()
	for _, c := range others {
		inter.AddCert(c)
	}
	at := res.SignedAt
	if at.IsZero() {
		at = time.Now()
	}
	_, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		res.add(CheckTrust, StatusFail, "the signer (%s) does not chain to a trusted certificate: %v", res.Signer.Subject, err)
		return
	}
	res.Trusted = true
	res.add(CheckTrust, StatusPass, "the signer chains to a trusted certificate")
}

// verifyLog checks the manifest's events and checkpoints.
func verifyLog(res *Result, m *Manifest) {
	n, err := checkEventHashes(m)
	if err != nil {
		res.add(CheckEventHashes, StatusFail, "%v", err)
	} else {
		res.add(CheckEventHashes, StatusPass, "%d event hashes recompute", n)
	}
	l := listEvents(m)
	if err := checkChain(m, l); err != nil {
		res.add(CheckChain, StatusFail, "%v", err)
		res.add(CheckCheckpoints, StatusFail, "not checked: the chain does not hold")
		return
	}
	if len(l.ev) > 0 {
		res.add(CheckChain, StatusPass, "events %d to %d link by prev_hash and end at the head (seq %d)", l.ev[0].Seq, m.Head.Seq, m.Head.Seq)
	} else {
		res.add(CheckChain, StatusPass, "the log was empty at export")
	}
	if err := checkCheckpoints(m, l); err != nil {
		res.add(CheckCheckpoints, StatusFail, "%v", err)
		return
	}
	res.add(CheckCheckpoints, StatusPass, "%d signed checkpoints verify and agree with the listed events", len(m.Checkpoints))
}
