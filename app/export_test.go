package app

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"image"
	"image/draw"
	"image/jpeg"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"synthreview/review"
	"synthreview/store"
)

// runCLI runs one command line as `synthreview` would, with stdin.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, IO{In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Environment: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func today() string { return time.Now().Format(dateLayout) }

func fileSHA256(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// pdfsig runs poppler's pdfsig, which exits 0 even for a bad signature:
// the verdict is in its output.
func pdfsig(t *testing.T, p string) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("pdfsig")
	if err != nil {
		return "", false
	}
	out, _ := exec.Command(bin, p).CombinedOutput()
	return string(out), true
}

func TestExportAuditPackage(t *testing.T) {
	dir := demoWorkspace(t)
	pdf := filepath.Join(t.TempDir(), "audit.pdf")
	from := time.Now().AddDate(0, 0, -30).Format(dateLayout)

	t.Run("a reviewer is refused and nothing is written", func(t *testing.T) {
		refused := filepath.Join(t.TempDir(), "refused.pdf")
		code, _, stderr := runCLI(t, DemoPassword+"\n", "export", "--workspace", dir, "--as", "reviewer1",
			"--kind", "audit", "--from", from, "--to", today(), "-o", refused)
		if code != 1 || !strings.Contains(stderr, "only managers and admins") {
			t.Errorf("reviewer1's export: exit %d, %q", code, stderr)
		}
		if _, err := os.Stat(refused); err == nil {
			t.Error("a refused export wrote its file")
		}
	})

	t.Run("bad command lines are usage errors", func(t *testing.T) {
		for name, args := range map[string][]string{
			"assessment with a period": {"--kind", "assessment", "--from", from, "--to", today(), "-o", pdf},
			"unknown kind":             {"--kind", "minutes", "--from", from, "--to", today(), "-o", pdf},
			"bad date":                 {"--from", "2025-13-01", "--to", today(), "-o", pdf},
			"reversed":                 {"--from", today(), "--to", from, "-o", pdf},
			"language":                 {"--from", from, "--to", today(), "-o", pdf, "--lang", "fr"},
			"no output":                {"--from", from, "--to", today()},
		} {
			code, _, stderr := runCLI(t, DemoPassword+"\n", append([]string{"export", "--workspace", dir, "--as", "manager"}, args...)...)
			if code != 2 {
				t.Errorf("%s: exit %d, %q", name, code, stderr)
			}
		}
		if _, err := os.Stat(pdf); err == nil {
			t.Error("a refused command line wrote a file")
		}
	})

	code, stdout, stderr := runCLI(t, DemoPassword+"\n", "export", "--workspace", dir, "--as", "manager",
		"--kind", "audit", "--from", from, "--to", today(), "-o", pdf, "--lang", "zh")
	if code != 0 {
		t.Fatalf("manager's export: exit %d\n%s\n%s", code, stdout, stderr)
	}
	sum := fileSHA256(t, pdf)

	t.Run("the export says what it wrote and shows progress", func(t *testing.T) {
		if !strings.Contains(stdout, sum) || !strings.Contains(stdout, "60 items") {
			t.Errorf("stdout: %s", stdout)
		}
		if !strings.Contains(stderr, "export: 100 %") {
			t.Errorf("stderr has no progress: %s", stderr)
		}
	})

	t.Run("the export event holds the file's SHA-256 and the chain verifies", func(t *testing.T) {
		w, err := OpenWorkspace(context.Background(), dir, true)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		evs, err := w.DB.EventsFor(context.Background(), "export:audit")
		if err != nil || len(evs) != 1 {
			t.Fatalf("export events: %v %v", evs, err)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(evs[0].Payload), &p); err != nil {
			t.Fatal(err)
		}
		if p["sha256"] != sum || p["file"] != "audit.pdf" || evs[0].Actor != "manager" || p["items"] != float64(60) {
			t.Errorf("export event: %s by %s", evs[0].Payload, evs[0].Actor)
		}
		if _, err := VerifyAudit(context.Background(), w, nil); err != nil {
			t.Errorf("audit verify after the export: %v", err)
		}
	})

	t.Run("pdfsig reports a valid signature over the whole document", func(t *testing.T) {
		out, ok := pdfsig(t, pdf)
		if !ok {
			t.Skip("pdfsig (poppler-utils) is not installed")
		}
		if !strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Total document signed") {
			t.Errorf("pdfsig:\n%s", out)
		}
	})

	t.Run("pdftotext gives the Chinese back", func(t *testing.T) {
		bin, err := exec.LookPath("pdftotext")
		if err != nil {
			t.Skip("pdftotext (poppler-utils) is not installed")
		}
		out, err := exec.Command(bin, "-enc", "UTF-8", pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "审核") {
			t.Errorf("no Chinese in the text of the package:\n%.400s", out)
		}
		if strings.Contains(string(out), "13800138000") {
			t.Error("a complainant's phone number is in the package in the clear")
		}
	})

	t.Run("verify passes the package", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "", "verify", pdf)
		if code != 0 {
			t.Errorf("verify: exit %d\n%s\n%s", code, stdout, stderr)
		}
	})

	t.Run("one flipped byte fails verify and pdfsig", func(t *testing.T) {
		b, err := os.ReadFile(pdf)
		if err != nil {
			t.Fatal(err)
		}
		for name, at := range map[string]int{"early": len(b) / 10, "late": len(b) - len(b)/10} {
			bad := slices.Clone(b)
			bad[at] ^= 0x01
			p := filepath.Join(t.TempDir(), name+".pdf")
			if err := os.WriteFile(p, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			if code, stdout, _ := runCLI(t, "", "verify", p); code != 1 {
				t.Errorf("verify of a package with byte %d flipped: exit %d\n%s", at, code, stdout)
			}
			if out, ok := pdfsig(t, p); ok && strings.Contains(out, "Signature is Valid.") {
				t.Errorf("pdfsig accepts a package with byte %d flipped:\n%s", at, out)
			}
		}
	})

	t.Run("verify with a trust list that lacks the signer fails", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "other.pem")
		_, cert := testCert(t, "Someone Else")
		if err := os.WriteFile(other, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
			t.Fatal(err)
		}
		if code, stdout, _ := runCLI(t, "", "verify", "--trust", other, pdf); code != 1 {
			t.Errorf("verify trusting only another certificate: exit %d\n%s", code, stdout)
		}
		own := filepath.Join(dir, "keys", "signing.crt")
		if code, stdout, _ := runCLI(t, "", "verify", "--trust", own, pdf); code != 0 {
			t.Errorf("verify trusting the workspace certificate: exit %d\n%s", code, stdout)
		}
	})
}

func TestGatherAuditOfTheDemo(t *testing.T) {
	dir := demoWorkspace(t)
	ctx := context.Background()
	w, err := OpenWorkspace(ctx, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	manager, err := w.Accounts().Authenticate(ctx, "manager", DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	zone, err := w.Zone(ctx)
	if err != nil {
		t.Fatal(err)
	}
	from, to, err := period(time.Now().AddDate(0, 0, -30), time.Now(), zone)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.gatherAudit(ctx, manager, from, to, zone, "en", DefaultMaxPages, &progressMeter{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.DB.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("every demo item is in scope with its evidence", func(t *testing.T) {
		if a.ItemsTotal != st.Items || len(a.Items) != st.Items || a.Sampled {
			t.Errorf("%d items in scope, %d pages (sampled %v); the workspace has %d", a.ItemsTotal, len(a.Items), a.Sampled, st.Items)
		}
		n := 0
		for _, c := range a.Summary.ItemsByCategory {
			n += c
		}
		if n != st.Items || a.Summary.Labels.Total != st.Items {
			t.Errorf("categories add up to %d, labels to %d; want %d", n, a.Summary.Labels.Total, st.Items)
		}
		if a.Summary.Routed+a.Summary.Cleared != st.Items || a.Summary.Cleared != st.ByState[review.StateCleared] {
			t.Errorf("routed %d + cleared %d; the workspace has %d cleared of %d", a.Summary.Routed, a.Summary.Cleared,
				st.ByState[review.StateCleared], st.Items)
		}
		if a.Head.Kind != "audit.checkpoint" {
			t.Errorf("the head is a %s event; the export signs the head before reading", a.Head.Kind)
		}
		if a.Summary.SamplingRate <= 0 || a.Summary.SamplingRate > 1 {
			t.Errorf("sampling rate %v", a.Summary.SamplingRate)
		}
	})

	t.Run("pictures get small thumbnails, harmful ones blurred grey", func(t *testing.T) {
		var thumbs, harmful int
		for _, it := range a.Items {
			if it.Item.Prompt != "" {
				t.Errorf("item %s carries its prompt into the package", it.Item.ProduceID)
			}
			if it.Thumbnail == nil {
				continue
			}
			thumbs++
			img, err := jpeg.Decode(bytes.NewReader(it.Thumbnail))
			if err != nil {
				t.Fatalf("thumbnail of %s: %v", it.Item.ProduceID, err)
			}
			b := img.Bounds()
			if max(b.Dx(), b.Dy()) > thumbSide {
				t.Errorf("thumbnail of %s is %v", it.Item.ProduceID, b)
			}
			if it.Harmful {
				harmful++
				r, g, bl, _ := img.At(b.Dx()/2, b.Dy()/2).RGBA()
				if max(r, g, bl)-min(r, g, bl) > 0x0400 {
					t.Errorf("harmful %s's thumbnail is in colour", it.Item.ProduceID)
				}
			}
		}
		if thumbs < 20 || harmful == 0 {
			t.Errorf("%d thumbnails, %d harmful", thumbs, harmful)
		}
	})

	t.Run("personal data is masked", func(t *testing.T) {
		if len(a.Complaints) != st.Complaints || a.Summary.Complaints.Received != st.Complaints {
			t.Errorf("%d complaints (%+v), the workspace has %d", len(a.Complaints), a.Summary.Complaints, st.Complaints)
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"13800138000", "someone@example.com", "这张图用了我的照片", "把照片里的人换成"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%q is in the package in the clear", secret)
			}
		}
		if len(a.Consents) == 0 {
			t.Error("no consent records")
		}
	})

	t.Run("events chain to the head, checkpoints carry their certificate", func(t *testing.T) {
		all := append(slices.Clone(a.Events), a.After...)
		if len(all) == 0 || all[len(all)-1].Hash != a.Head.Hash {
			t.Fatalf("%d events, not ending at the head", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].PrevHash != all[i-1].Hash {
				t.Fatalf("event %d does not chain", all[i].Seq)
			}
		}
		if len(a.Checkpoints) == 0 || a.Checkpoints[0].Certificate == nil {
			t.Errorf("%d checkpoints", len(a.Checkpoints))
		}
	})
}

func TestExportCancelledWritesNothing(t *testing.T) {
	dir := demoWorkspace(t)
	ctx, cancel := context.WithCancel(context.Background())
	w, err := OpenWorkspace(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	manager, err := w.Accounts().Authenticate(ctx, "manager", DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "cancelled.pdf")
	_, err = w.ExportAudit(ctx, manager, AuditRequest{From: time.Now(), To: time.Now(), Lang: "en", Out: out,
		Progress: func(done, total int) {
			if done > 150 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled export: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a cancelled export wrote its file")
	}
	if evs, _ := w.DB.EventsFor(context.Background(), "export:audit"); len(evs) != 0 {
		t.Error("a cancelled export recorded an export event")
	}
}

func TestSampleIsDeterministicAndBounded(t *testing.T) {
	var scope []store.AuditFile
	for i := range 50 {
		scope = append(scope, store.AuditFile{ItemID: int64(i + 1), ProduceID: "P-" + string(rune('A'+i%26)) + string(rune('a'+i/26))})
	}
	a, b := sampleItems("head1", scope, 10), sampleItems("head1", scope, 10)
	c := sampleItems("head2", scope, 10)
	if len(a) != 10 || !slices.Equal(a, b) || !slices.IsSorted(a) {
		t.Errorf("sample %v, again %v", a, b)
	}
	if slices.Equal(a, c) {
		t.Error("another head drew the same sample")
	}
	if all := sampleItems("head1", scope, 50); len(all) != 50 {
		t.Errorf("with room for every item: %d", len(all))
	}
}

func TestHarmfulItemsFollowTheEvidenceScreen(t *testing.T) {
	for name, c := range map[string]struct {
		hits []review.RuleHit
		decs []review.Decision
		want bool
	}{
		"no hits":               {want: false},
		"a critical hit":        {hits: []review.RuleHit{{RuleID: "feature-bank", Severity: "critical"}}, want: true},
		"a risk rule":           {hits: []review.RuleHit{{RuleID: "risk-a1c", Severity: "warning"}}, want: true},
		"a risk keyword":        {hits: []review.RuleHit{{RuleID: "keyword", Severity: "warning", Evidence: `{"categories":["risk-a2b"]}`}}, want: true},
		"a label problem":       {hits: []review.RuleHit{{RuleID: "implicit-label", Severity: "error", Evidence: `{"problem":"missing"}`}}, want: false},
		"a suppressed bank hit": {hits: []review.RuleHit{{RuleID: "feature-bank", Severity: "info", Evidence: `{"problem":"suppressed-by-negative-bank","matches":[{"entry":{"category":"risk-a1a"}}]}`}}, want: false},
		"a bank entry":          {hits: []review.RuleHit{{RuleID: "feature-bank", Severity: "error", Evidence: `{"matches":[{"entry":{"category":"risk-a1a"}}]}`}}, want: true},
		"a rejection for risk":  {decs: []review.Decision{{Outcome: review.OutcomeReject, Reasons: []string{"risk-a3a"}}}, want: true},
		"an undone rejection":   {decs: []review.Decision{{Outcome: review.OutcomeReject, Reasons: []string{"risk-a3a"}, UndoneAt: time.Now()}}, want: false},
		"bad evidence JSON":     {hits: []review.RuleHit{{RuleID: "keyword", Severity: "warning", Evidence: `{"categories":`}}, want: false},
	} {
		if got := harmfulItem(c.hits, c.decs); got != c.want {
			t.Errorf("%s: harmful %v, want %v", name, got, c.want)
		}
	}
}

// testCert makes a self-signed ECDSA certificate.
func testCert(t *testing.T, cn string) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn, Organization: []string{cn}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

// makeP12 writes key and cert as a PKCS#12 file with OpenSSL, in the
// legacy encryption x/crypto/pkcs12 reads.
func makeP12(t *testing.T, key *ecdsa.PrivateKey, cert *x509.Certificate, password string) string {
	t.Helper()
	return makeP12With(t, key, cert, password, "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1")
}

// makeP12With is makeP12 with openssl's own encryption options (none:
// OpenSSL 3's default, PBES2 with AES-256-CBC and PBKDF2).
func makeP12With(t *testing.T, key *ecdsa.PrivateKey, cert *x509.Certificate, password string, opts ...string) string {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed")
	}
	d := t.TempDir()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	kp, cp, out := filepath.Join(d, "k.pem"), filepath.Join(d, "c.pem"), filepath.Join(d, "company.p12")
	if err := os.WriteFile(kp, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"pkcs12", "-export", "-inkey", kp, "-in", cp, "-out", out, "-passout", "pass:" + password},
		opts...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl pkcs12: %v\n%s", err, b)
	}
	return out
}

func TestImportCompanyCertificate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ws")
	w, err := CreateWorkspace(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	admin, err := w.Accounts().Bootstrap(ctx, "admin", DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	manager, err := w.Accounts().Add(ctx, admin, "manager", review.RoleManager, DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	key, cert := testCert(t, "Huahui Technology Co., Ltd.")
	p12 := makeP12(t, key, cert, "p12-secret")
	data, err := os.ReadFile(p12)
	if err != nil {
		t.Fatal(err)
	}
	cli := &cli{io: IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Environment: func(string) string { return "" }}}

	t.Run("before an import the workspace key signs", func(t *testing.T) {
		_, chain, err := w.packageSigner()
		if err != nil || !strings.Contains(chain[0].Subject.CommonName, "SynthReview workspace") {
			t.Errorf("signer before the import: %v %v", chain, err)
		}
	})
	t.Run("a manager may not import", func(t *testing.T) {
		if _, err := w.ImportCertificate(ctx, manager, data, "p12-secret"); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Errorf("manager's import: %v", err)
		}
	})
	t.Run("a wrong password is refused", func(t *testing.T) {
		if _, err := w.ImportCertificate(ctx, admin, data, "wrong"); review.ErrorCode(err) != review.EINVALID ||
			!strings.Contains(err.Error(), "wrong password") {
			t.Errorf("wrong password: %v", err)
		}
	})
	t.Run("an OpenSSL 3 file with its default AES-256 encryption is read", func(t *testing.T) {
		modern, err := os.ReadFile(makeP12With(t, key, cert, "p12-secret"))
		if err != nil {
			t.Fatal(err)
		}
		k, chain, err := parseP12(modern, "p12-secret")
		if err != nil || !chain[0].Equal(cert) || !k.Public().(*ecdsa.PublicKey).Equal(&key.PublicKey) {
			t.Errorf("modern PKCS#12: %v", err)
		}
		if _, _, err := parseP12(modern, "wrong"); err == nil || !strings.Contains(err.Error(), "wrong password") {
			t.Errorf("modern PKCS#12, wrong password: %v", err)
		}
	})
	t.Run("garbage is refused", func(t *testing.T) {
		if _, err := w.ImportCertificate(ctx, admin, []byte("not a p12 file"), "x"); review.ErrorCode(err) != review.EINVALID {
			t.Errorf("garbage: %v", err)
		}
	})
	t.Run("the admin imports it through the command and it signs packages", func(t *testing.T) {
		w.Close()
		cli.io.In = strings.NewReader(DemoPassword + "\np12-secret\n")
		if err := cmdKeysImportCert(ctx, cli, []string{"--workspace", dir, "--as", "admin", "--p12", p12}); err != nil {
			t.Fatal(err)
		}
		w, err = OpenWorkspace(ctx, dir, false)
		if err != nil {
			t.Fatal(err)
		}
		k, chain, err := w.packageSigner()
		if err != nil || !chain[0].Equal(cert) || !k.Public().(*ecdsa.PublicKey).Equal(&key.PublicKey) {
			t.Fatalf("signer after the import: %v", err)
		}
		st, err := os.Stat(filepath.Join(dir, "keys", companyKeyFile))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("company key file: %v", st)
		}
		evs, err := w.DB.EventsFor(ctx, "keys:company")
		if err != nil || len(evs) != 1 || !strings.Contains(evs[0].Payload, "Huahui Technology") {
			t.Errorf("import event: %v %v", evs, err)
		}
	})
}

// meanDiff is the mean absolute difference of the RGB channels of two
// pictures of the same size, 0–255.
func meanDiff(t *testing.T, a, b image.Image) float64 {
	t.Helper()
	if a.Bounds().Size() != b.Bounds().Size() {
		t.Fatalf("sizes %v and %v differ", a.Bounds(), b.Bounds())
	}
	var sum, n float64
	for y := range a.Bounds().Dy() {
		for x := range a.Bounds().Dx() {
			r1, g1, b1, _ := a.At(a.Bounds().Min.X+x, a.Bounds().Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(b.Bounds().Min.X+x, b.Bounds().Min.Y+y).RGBA()
			for _, d := range []float64{float64(r1) - float64(r2), float64(g1) - float64(g2), float64(b1) - float64(b2)} {
				sum += max(d, -d) / 257
				n++
			}
		}
	}
	return sum / n
}

func TestShrinkMatchesAFullResize(t *testing.T) {
	// A colour gradient with stripes: a shift of the blocks by a pixel, a
	// swapped channel or a wrong chroma row would show as a large difference.
	src := image.NewNRGBA(image.Rect(0, 0, 1283, 721))
	for y := range 721 {
		for x := range 1283 {
			o := src.PixOffset(x, y)
			src.Pix[o], src.Pix[o+1], src.Pix[o+2], src.Pix[o+3] = uint8(x*255/1283), uint8(y*255/721), uint8((x/80+y/60)%2*200), 0xff
		}
	}
	var jbuf bytes.Buffer
	if err := jpeg.Encode(&jbuf, src, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	ycc, err := jpeg.Decode(&jbuf)
	if err != nil {
		t.Fatal(err)
	}
	gray := image.NewGray(src.Rect)
	rgba := image.NewRGBA(src.Rect)
	draw.Draw(gray, gray.Rect, src, image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Rect, src, image.Point{}, draw.Src)
	for name, img := range map[string]image.Image{
		"jpeg (YCbCr 4:2:0)":  ycc,
		"NRGBA":               src,
		"RGBA":                rgba,
		"Gray":                gray,
		"a part of a picture": src.SubImage(image.Rect(5, 7, 1100, 700)),
		"YCbCr part":          ycc.(*image.YCbCr).SubImage(image.Rect(3, 5, 1001, 707)),
	} {
		small := shrink(img, thumbSide)
		if _, same := small.(*image.NRGBA); !same || max(small.Bounds().Dx(), small.Bounds().Dy()) < thumbSide {
			t.Errorf("%s: shrunk to %T %v", name, small, small.Bounds())
			continue
		}
		got := imaging.Fit(small, thumbSide, thumbSide, imaging.Box)
		want := imaging.Resize(img, got.Bounds().Dx(), got.Bounds().Dy(), imaging.Box)
		if d := meanDiff(t, got, want); d > 3 {
			t.Errorf("%s: the thumbnail differs from a full resize by %.1f on average", name, d)
		}
	}
	if small := shrink(image.NewNRGBA(image.Rect(0, 0, 500, 300)), thumbSide); small.Bounds().Dx() != 500 {
		t.Errorf("a picture under twice the thumbnail size was shrunk to %v", small.Bounds())
	}
}

// FuzzParseP12 feeds hostile bytes to the PKCS#12 reader behind `keys
// import-cert`: it must refuse them with EINVALID, never panic, and give
// back a key only with the certificate that belongs to it.
func FuzzParseP12(f *testing.F) {
	f.Add([]byte("not a p12 file"), "x")
	f.Add([]byte{0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03}, "")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		if len(data) > 1<<16 {
			return
		}
		k, chain, err := parseP12(data, password)
		if err != nil {
			if review.ErrorCode(err) != review.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if k == nil || len(chain) == 0 || !publicKeyMatches(k, chain[0]) {
			t.Fatalf("a key without its certificate came back")
		}
	})
}
