package report

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"synthreview/review"
)

// tool returns the path of a poppler tool, skipping the test when it is
// not installed (CI installs poppler-utils).
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (poppler-utils)", name)
	}
	return p
}

// writeTemp writes pdf to a file in t.TempDir().
func writeTemp(t *testing.T, name string, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdftotext returns the text of pdf (pages first..last; 0 for all).
func pdftotext(t *testing.T, pdf []byte, first, last int) string {
	t.Helper()
	bin := tool(t, "pdftotext")
	args := []string{"-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	args = append(args, writeTemp(t, "p.pdf", pdf), "-")
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func pageCount(t *testing.T, pdf []byte) int {
	t.Helper()
	out, err := exec.Command(tool(t, "pdfinfo"), writeTemp(t, "p.pdf", pdf)).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo printed no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func build(t *testing.T, a Audit, lang string) []byte {
	t.Helper()
	pdf, err := Build(context.Background(), a, lang, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

func TestBuildGivesTheChineseTextBack(t *testing.T) {
	fx := newFixture(t, 30, 200)
	text := pdftotext(t, build(t, fx.audit, "zh"), 0, 0)
	for _, want := range []string{
		fixtureCompany,       // the cover
		"人脸替换", "图像生成", "仿声", // category words, as the screens word them
		"缺少显式标识",                     // a reason code's wording
		"网信算备440305000000000000001号", // a filing number, Chinese and digits in one line
		"已模糊处理：标记为有害",                // the blurred thumbnail's caption
		"张*华",                        // a masked consent name
		fx.audit.Head.Hash,           // the chain head on the cover
		"第 1 页，共",                    // page numbers
		"练习性审核（培训、隐藏金标、校准）单独统计", // practice reported apart
		"manifest.json", // the cover's note on the attachment
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext output lacks %q", want)
		}
	}
}

func TestBuildNumbersEveryPage(t *testing.T) {
	fx := newFixture(t, 6, 200)
	pdf := build(t, fx.audit, "en")
	n := pageCount(t, pdf)
	if n < 10 {
		t.Fatalf("%d pages; want the cover, summary, 6 evidence pages, registers and several pages of events", n)
	}
	for _, p := range []int{1, n / 2, n} {
		text := pdftotext(t, pdf, p, p)
		if want := "Page " + strconv.Itoa(p) + " of " + strconv.Itoa(n); !strings.Contains(text, want) {
			t.Errorf("page %d lacks %q", p, want)
		}
	}
}

func TestBuildRepeatsTableHeadersOnEveryPage(t *testing.T) {
	fx := newFixture(t, 2, 200)
	pdf := build(t, fx.audit, "en")
	n := pageCount(t, pdf)
	eventPages := 0
	for p := 1; p <= n; p++ {
		text := pdftotext(t, pdf, p, p)
		if !strings.Contains(text, "item.claimed") {
			continue
		}
		eventPages++
		if !strings.Contains(text, "Payload (abridged)") || !strings.Contains(text, "Seq") {
			t.Errorf("page %d lists events without the table's header", p)
		}
	}
	if eventPages < 3 {
		t.Errorf("200 events fill %d pages; want them paginated over several", eventPages)
	}
}

func TestBuildRendersPages(t *testing.T) {
	bin := tool(t, "pdftoppm")
	fx := newFixture(t, 4, 60)
	dir := t.TempDir()
	in := filepath.Join(dir, "audit.pdf")
	if err := os.WriteFile(in, build(t, fx.audit, "zh"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-r", "50", "-png", "-f", "1", "-l", "4", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if len(pages) != 4 {
		t.Fatalf("pdftoppm made %d pages, want 4", len(pages))
	}
	for _, p := range pages {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		// A page with text has dark pixels; a blank or failed page has none.
		dark := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if r+g+bl < 3*0x6000 {
					dark++
				}
			}
		}
		if dark < 200 {
			t.Errorf("%s: %d dark pixels; the page looks blank", filepath.Base(p), dark)
		}
	}
}

func TestBuildAttachesTheManifest(t *testing.T) {
	fx := newFixture(t, 5, 50)
	pdf := build(t, fx.audit, "en")
	doc, err := openPDF(pdf)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := doc.embeddedFile(ManifestName)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{ManifestSchema, fx.audit.Items[0].Item.ObjectSHA256, fx.audit.Head.Hash, fixtureCompany} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("manifest lacks %q", want)
		}
	}
	if bin, err := exec.LookPath("pdfdetach"); err == nil {
		out, err := exec.Command(bin, "-list", writeTemp(t, "p.pdf", pdf)).Output()
		if err != nil || !strings.Contains(string(out), "1: manifest.json") {
			t.Errorf("pdfdetach -list: %v\n%s", err, out)
		}
	}
}

func TestBuildShowsAnUnreadableThumbnailAndGoesOn(t *testing.T) {
	fx := newFixture(t, 3, 20)
	fx.audit.Items[0].Thumbnail = []byte("\xff\xd8\xff not really a JPEG")
	text := pdftotext(t, build(t, fx.audit, "en"), 0, 0)
	if !strings.Contains(text, "thumbnail unreadable") {
		t.Error("an unreadable thumbnail is not said to be unreadable")
	}
	if !strings.Contains(text, fx.audit.Items[2].Item.ProduceID) {
		t.Error("the pages after the bad thumbnail are missing")
	}
}

func TestBuildMasksPersonalDataLeftInTheClear(t *testing.T) {
	fx := newFixture(t, 2, 20)
	fx.audit.Complaints[0].Contact = "13800138000"
	fx.audit.Consents[0].SubjectName = "欧阳娜娜"
	text := pdftotext(t, build(t, fx.audit, "zh"), 0, 0)
	if strings.Contains(text, "13800138000") || strings.Contains(text, "欧阳娜娜") {
		t.Error("personal data reached the pages unmasked")
	}
	if !strings.Contains(text, "138*****000") || !strings.Contains(text, "欧**娜") {
		t.Error("the masked values are not shown")
	}
}

func TestBuildOfAnEmptyWorkspace(t *testing.T) {
	a := Audit{Provider: review.Provider{Name: fixtureCompany}, ExportedBy: "admin"}
	pdf := build(t, a, "zh")
	s := newSigner(t, "empty")
	res, err := Verify(signPackage(t, pdf, s), nil)
	if err != nil || !res.OK {
		t.Fatalf("Verify of an empty package: %v %+v", err, res.Checks)
	}
}

func TestBuildRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(a *Audit) string
	}{
		{"an unknown language", func(*Audit) string { return "fr" }},
		{"an event whose hash does not match", func(a *Audit) string {
			a.Events[5].Payload = `{"outcome":"approve"}`
			return "en"
		}},
		{"a gap in the events", func(a *Audit) string {
			a.Events = append(a.Events[:5:5], a.Events[6:]...)
			return "en"
		}},
		{"events that stop short of the head", func(a *Audit) string {
			a.After = a.After[:3]
			return "en"
		}},
		{"a checkpoint without its certificate", func(a *Audit) string {
			a.Checkpoints[0].Certificate = nil
			return "en"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, 2, 100)
			lang := tc.edit(&fx.audit)
			_, err := Build(context.Background(), fx.audit, lang, nil)
			if review.ErrorCode(err) != review.EINVALID {
				t.Fatalf("Build: %v, want EINVALID", err)
			}
		})
	}
}

func TestBuildStopsWhenCancelled(t *testing.T) {
	fx := newFixture(t, 40, 100)
	ctx, cancel := context.WithCancel(context.Background())
	var last int
	_, err := Build(ctx, fx.audit, "en", func(done, total int) {
		last = done
		if done*4 >= total {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Build: %v, want context.Canceled", err)
	}
	if last == 0 {
		t.Error("no progress was reported")
	}
}

func TestBuildReportsProgressToTheEnd(t *testing.T) {
	fx := newFixture(t, 10, 100)
	var done, total, calls int
	build := func(d, tot int) { done, total, calls = d, tot, calls+1 }
	if _, err := Build(context.Background(), fx.audit, "en", build); err != nil {
		t.Fatal(err)
	}
	if total == 0 || done != total || calls > 101 {
		t.Errorf("progress ended at %d/%d after %d calls; want done = total in at most 101 calls", done, total, calls)
	}
}
