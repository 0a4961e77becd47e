// Package keys keeps a workspace's secrets under keys/, each a file of mode
// 0600: the signing key (ECDSA P-256, chosen over Ed25519 because poppler's
// pdfsig cannot verify Ed25519) with its self-signed X.509 certificate for
// SHA-256 signatures, and the personal-data key that keys the hashes events
// carry instead of personal fields.
//
// It imports only the standard library; never Fyne, ui or app.
package keys

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// File names inside keys/.
const (
	SigningKeyFile  = "signing.key"
	SigningCertFile = "signing.crt"
	PersonalKeyFile = "personal.key"
)

// Signer is a workspace signing key and its certificate.
type Signer struct {
	Key     *ecdsa.PrivateKey
	Cert    *x509.Certificate
	CertDER []byte
}

// CertSHA256 is the hex SHA-256 fingerprint of the certificate.
func (s *Signer) CertSHA256() string {
	h := sha256.Sum256(s.CertDER)
	return hex.EncodeToString(h[:])
}

// SignBase64 signs SHA-256(msg) and returns the ASN.1 signature in base64
// with the certificate's fingerprint.
func (s *Signer) SignBase64(msg []byte) (string, string, error) {
	h := sha256.Sum256(msg)
	sig, err := ecdsa.SignASN1(rand.Reader, s.Key, h[:])
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(sig), s.CertSHA256(), nil
}

// VerifyBase64 checks a signature made by SignBase64 against cert.
func VerifyBase64(cert *x509.Certificate, msg []byte, sig string) bool {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return false
	}
	h := sha256.Sum256(msg)
	return ecdsa.VerifyASN1(pub, h[:], raw)
}

// EnsureSigner loads the signing key of the keys folder dir, creating it
// (with a self-signed certificate naming org) when the folder has none: a
// workspace made without one gets it on first need.
func EnsureSigner(dir, org string, now time.Time) (*Signer, error) {
	s, err := LoadSigner(dir)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	if org == "" {
		org = "SynthReview workspace"
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: org + " audit signing", Organization: []string{org}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	if err := writeNew(filepath.Join(dir, SigningKeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})); err != nil {
		return nil, err
	}
	if err := writeNew(filepath.Join(dir, SigningCertFile), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})); err != nil {
		return nil, err
	}
	return LoadSigner(dir)
}

// LoadSigner reads the signing key and certificate of dir. A missing key
// gives an error wrapping fs.ErrNotExist.
func LoadSigner(dir string) (*Signer, error) {
	keyPEM, err := readBounded(filepath.Join(dir, SigningKeyFile))
	if err != nil {
		return nil, err
	}
	certPEM, err := readBounded(filepath.Join(dir, SigningCertFile))
	if err != nil {
		return nil, err
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, fmt.Errorf("%s: not a PEM key", filepath.Join(dir, SigningKeyFile))
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, SigningKeyFile), err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an ECDSA key", filepath.Join(dir, SigningKeyFile))
	}
	cb, _ := pem.Decode(certPEM)
	if cb == nil {
		return nil, fmt.Errorf("%s: not a PEM certificate", filepath.Join(dir, SigningCertFile))
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, SigningCertFile), err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("%s does not belong to %s", SigningCertFile, SigningKeyFile)
	}
	return &Signer{Key: key, Cert: cert, CertDER: cb.Bytes}, nil
}

// EnsurePersonalKey returns the 32-byte personal-data key of dir, creating
// it on first need.
func EnsurePersonalKey(dir string) ([]byte, error) {
	p := filepath.Join(dir, PersonalKeyFile)
	b, err := readBounded(p)
	if err == nil {
		if len(b) != 32 {
			return nil, fmt.Errorf("%s: expected 32 bytes, found %d", p, len(b))
		}
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := writeNew(p, b); err != nil {
		return nil, err
	}
	return b, nil
}

func readBounded(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	n, err := f.Read(buf)
	if err != nil && n == 0 {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if n == len(buf) {
		return nil, fmt.Errorf("%s is too large for a key file", p)
	}
	return buf[:n], nil
}

// writeNew writes a new file of mode 0600, durably, refusing to overwrite.
func writeNew(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", p, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadFile reads a small secret file (at most 64 KiB).
func ReadFile(p string) ([]byte, error) { return readBounded(p) }

// WriteFile writes a secret file of mode 0600 durably: a temporary file,
// fsync, then rename over p.
func WriteFile(p string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".new")
	os.Remove(tmp)
	if err := writeNew(tmp, data); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}
