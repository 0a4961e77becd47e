package report

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"

	"synthreview/review"
)

// Sign signs a PDF made by Build: a CMS detached signature
// (adbe.pkcs7.detached, SHA-256) over the whole document, appended as an
// incremental update, as a certification signature that permits no later
// change. chain[0] is the signer's certificate (the workspace's
// self-signed one, or an imported company certificate) and the rest its
// issuers, embedded so a reader can build the path. signedAt is the
// signing time written in the signature dictionary. reason is shown by PDF
// readers; it must be printable ASCII (the PDF library writes other text
// in a way that can break the file).
//
// Errors: EINVALID for a missing certificate, a key that is not the
// certificate's, a non-ASCII reason, or bytes that are not a PDF.
func Sign(pdfBytes []byte, key crypto.Signer, chain []*x509.Certificate, signedAt time.Time, reason string) (out []byte, err error) {
	if len(chain) == 0 || chain[0] == nil {
		return nil, review.Errorf(review.EINVALID, "sign: no signing certificate")
	}
	if key == nil {
		return nil, review.Errorf(review.EINVALID, "sign: no signing key")
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if pub, ok := key.Public().(equaler); !ok || !pub.Equal(chain[0].PublicKey) {
		return nil, review.Errorf(review.EINVALID, "sign: the key is not the certificate's (%s)", chain[0].Subject)
	}
	for _, c := range reason {
		if c < 0x20 || c > 0x7e {
			return nil, review.Errorf(review.EINVALID, "sign: the reason must be printable ASCII")
		}
	}
	if !bytes.HasPrefix(pdfBytes, []byte("%PDF-")) {
		return nil, review.Errorf(review.EINVALID, "sign: not a PDF")
	}
	// The PDF reader panics on some malformed input; Sign is meant for
	// Build's output, but a bad file must give an error, not a crash.
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, review.Errorf(review.EINVALID, "sign: unreadable PDF: %v", p)
		}
	}()
	in := bytes.NewReader(pdfBytes)
	rdr, err := pdf.NewReader(in, int64(len(pdfBytes)))
	if err != nil {
		return nil, review.Errorf(review.EINVALID, "sign: read PDF: %v", err)
	}
	var buf bytes.Buffer
	buf.Grow(len(pdfBytes) + 32<<10)
	err = sign.Sign(in, &buf, rdr, int64(len(pdfBytes)), sign.SignData{
		Signature: sign.SignDataSignature{
			Info:       sign.SignDataSignatureInfo{Reason: reason, Date: signedAt},
			CertType:   sign.CertificationSignature,
			DocMDPPerm: sign.DoNotAllowAnyChangesPerms,
		},
		Signer:            key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       chain[0],
		CertificateChains: [][]*x509.Certificate{chain},
	})
	if err != nil {
		return nil, fmt.Errorf("sign the audit package: %w", err)
	}
	return buf.Bytes(), nil
}
