package keys_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"synthreview/store/keys"
)

func TestSignerIsCreatedOnceWithPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	s1, err := keys.EnsureSigner(dir, "示例科技", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{keys.SigningKeyFile, keys.SigningCertFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, st.Mode(), err)
		}
	}
	s2, err := keys.EnsureSigner(dir, "", time.Now())
	if err != nil || s2.CertSHA256() != s1.CertSHA256() {
		t.Fatal("a second call made a new key")
	}
	sig, fp, err := s1.SignBase64([]byte("head"))
	if err != nil || fp != s1.CertSHA256() {
		t.Fatal(err)
	}
	if !keys.VerifyBase64(s2.Cert, []byte("head"), sig) || keys.VerifyBase64(s2.Cert, []byte("heads"), sig) {
		t.Fatal("signature check is wrong")
	}
}

func TestMismatchedOrDamagedKeysAreRefused(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	keys.EnsureSigner(a, "", time.Now())
	keys.EnsureSigner(b, "", time.Now())
	os.Remove(filepath.Join(a, keys.SigningCertFile))
	data, _ := os.ReadFile(filepath.Join(b, keys.SigningCertFile))
	os.WriteFile(filepath.Join(a, keys.SigningCertFile), data, 0o600)
	if _, err := keys.LoadSigner(a); err == nil {
		t.Fatal("a certificate of another key was accepted")
	}
	os.WriteFile(filepath.Join(b, keys.SigningKeyFile), []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600)
	if _, err := keys.LoadSigner(b); err == nil {
		t.Fatal("a damaged key was accepted")
	}
}

func TestPersonalKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := keys.EnsurePersonalKey(dir)
	if err != nil || len(k1) != 32 {
		t.Fatal(err)
	}
	k2, _ := keys.EnsurePersonalKey(dir)
	if string(k1) != string(k2) {
		t.Fatal("the personal-data key changed")
	}
	os.WriteFile(filepath.Join(dir, keys.PersonalKeyFile), []byte("short"), 0o600)
	if _, err := keys.EnsurePersonalKey(dir); err == nil {
		t.Fatal("a truncated key was accepted")
	}
}
