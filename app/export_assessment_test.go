package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"synthreview/review"
	"synthreview/ui/report"
)

func TestExportKindIs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"--kind", "assessment", "-o", "f.pdf"}, true},
		{[]string{"--as", "trainer", "-kind=assessment"}, true},
		{[]string{"--kind", "audit", "--from", "2025-11-01"}, false},
		{[]string{"--from", "2025-11-01"}, false},
		{[]string{"--", "--kind", "assessment"}, false},
		{[]string{"--kind"}, false},
	} {
		if got := exportKindIs(tc.args, "assessment"); got != tc.want {
			t.Errorf("exportKindIs(%q) = %v", tc.args, got)
		}
	}
}

// reviewer1Scores returns the accuracy the training service reports for
// reviewer1's answers in the demo workspace.
func reviewer1Scores(t *testing.T, dir string) review.Ratio {
	t.Helper()
	ctx := context.Background()
	w, err := OpenWorkspace(ctx, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	trainer, _, err := w.DB.AccountByName(ctx, "trainer")
	if err != nil {
		t.Fatal(err)
	}
	s, err := w.Training().Scores(ctx, trainer, "reviewer1")
	if err != nil {
		t.Fatal(err)
	}
	if s.Overall.Total == 0 {
		t.Fatal("the demo workspace has no training answers of reviewer1")
	}
	return s.Overall
}

func pdfText(t *testing.T, p string) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", false
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}

func TestExportAssessment(t *testing.T) {
	dir := demoWorkspace(t)
	want := reviewer1Scores(t, dir)
	pct := regexp.QuoteMeta(fmt.Sprintf("%.1f%%", want.Percent()))
	pdf := filepath.Join(t.TempDir(), "reviewer1.pdf")

	t.Run("a reviewer is refused and nothing is written", func(t *testing.T) {
		refused := filepath.Join(t.TempDir(), "refused.pdf")
		code, _, stderr := runCLI(t, DemoPassword+"\n", "export", "--workspace", dir, "--as", "reviewer1",
			"--kind", "assessment", "--reviewer", "reviewer1", "-o", refused)
		if code != 1 || !strings.Contains(stderr, "only trainers and managers") {
			t.Errorf("reviewer1's export: exit %d, %q", code, stderr)
		}
		if _, err := os.Stat(refused); err == nil {
			t.Error("a refused export wrote its file")
		}
	})

	t.Run("bad command lines are usage errors", func(t *testing.T) {
		for name, args := range map[string][]string{
			"a period":  {"--reviewer", "reviewer1", "--from", "2025-11-01", "-o", pdf},
			"language":  {"--reviewer", "reviewer1", "-o", pdf, "--lang", "fr"},
			"no output": {"--reviewer", "reviewer1"},
		} {
			code, _, stderr := runCLI(t, DemoPassword+"\n", append([]string{"export", "--workspace", dir, "--as", "trainer", "--kind", "assessment"}, args...)...)
			if code != 2 {
				t.Errorf("%s: exit %d, %q", name, code, stderr)
			}
		}
		code, _, stderr := runCLI(t, DemoPassword+"\n", "export", "--workspace", dir, "--as", "trainer", "--kind", "assessment",
			"--reviewer", "nobody", "-o", pdf)
		if code != 1 || !strings.Contains(stderr, `no account named "nobody"`) {
			t.Errorf("an unknown reviewer: exit %d, %q", code, stderr)
		}
		if _, err := os.Stat(pdf); err == nil {
			t.Error("a refused command line wrote a file")
		}
	})

	code, stdout, stderr := runCLI(t, DemoPassword+"\n", "export", "--workspace", dir, "--as", "trainer",
		"--kind", "assessment", "--reviewer", "reviewer1", "-o", pdf, "--lang", "zh")
	if code != 0 {
		t.Fatalf("trainer's export: exit %d\n%s\n%s", code, stdout, stderr)
	}
	sum := fileSHA256(t, pdf)
	if !strings.Contains(stdout, sum) || !regexp.MustCompile(`reviewer1: accuracy `+pct).MatchString(stdout) {
		t.Errorf("stdout does not name the file's SHA-256 and the accuracy %s:\n%s", pct, stdout)
	}

	t.Run("the PDF states the accuracy as a percentage", func(t *testing.T) {
		text, ok := pdfText(t, pdf)
		if !ok {
			t.Skip("pdftotext not installed (poppler-utils)")
		}
		if !regexp.MustCompile(`准确率\s*` + pct).MatchString(text) {
			t.Errorf("the assessment does not state 准确率 %s:\n%s", pct, text)
		}
		// The quality checks: the demo serves no hidden gold, and reviewer1's
		// decisions and second reviews agree with reviewer2's on 5 of 7.
		for _, re := range []*regexp.Regexp{regexp.MustCompile(`隐藏金标准准确率\s*尚无作答`), regexp.MustCompile(`校准一致率\s*71\.4% \(5 / 7\)`)} {
			if !re.MatchString(text) {
				t.Errorf("the assessment does not state %v:\n%s", re, text)
			}
		}
	})

	t.Run("it is signed and verifies like an audit package", func(t *testing.T) {
		b, err := os.ReadFile(pdf)
		if err != nil {
			t.Fatal(err)
		}
		res, err := report.Verify(b, nil)
		if err != nil || !res.OK {
			t.Fatalf("verify: %v %+v", err, res.Checks)
		}
		m, err := report.ReadAssessment(b)
		if err != nil {
			t.Fatal(err)
		}
		if m.Assessment.Reviewer != "reviewer1" || m.Assessment.Overall.Correct != want.Correct || m.Assessment.Overall.Total != want.Total {
			t.Errorf("manifest figures %+v, want %+v", m.Assessment.Overall, want)
		}
		if out, ok := pdfsig(t, pdf); ok && (!strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Total document signed")) {
			t.Errorf("pdfsig:\n%s", out)
		}
		code, out, _ := runCLI(t, "", "verify", pdf)
		if code != 0 || !strings.Contains(out, "the package verifies") {
			t.Errorf("synthreview verify: exit %d\n%s", code, out)
		}
	})

	t.Run("the export event holds the file's SHA-256", func(t *testing.T) {
		w, err := OpenWorkspace(context.Background(), dir, true)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		evs, err := w.DB.EventsFor(context.Background(), "export:assessment")
		if err != nil || len(evs) != 1 {
			t.Fatalf("export events: %v %v", evs, err)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(evs[0].Payload), &p); err != nil {
			t.Fatal(err)
		}
		if p["sha256"] != sum || p["reviewer"] != "reviewer1" || evs[0].Actor != "trainer" || evs[0].Kind != "export.assessment" {
			t.Errorf("event %+v", evs[0])
		}
	})

	t.Run("a manager exports the team assessment", func(t *testing.T) {
		team, m := exportTeamAssessment(t, dir, "en")
		var names []string
		for _, r := range m.Assessment.Reviewers {
			names = append(names, r.Reviewer)
		}
		if !m.Assessment.Team || !strings.Contains(strings.Join(names, " "), "reviewer1") || !strings.Contains(strings.Join(names, " "), "reviewer2") {
			t.Errorf("the team assessment's reviewers: %v", names)
		}
		if text, ok := pdfText(t, team); ok && (!regexp.MustCompile(`Accuracy\s*\d+\.\d%`).MatchString(text) || !strings.Contains(text, "By reviewer") ||
			!regexp.MustCompile(`Calibration κ\s*0\.50`).MatchString(text)) {
			t.Errorf("the team assessment's text:\n%s", text)
		}
	})

	t.Run("the team assessment states the demo's calibration", func(t *testing.T) {
		// The demo's seven second reviews: reviewer2 on five of reviewer1's
		// decisions, reviewer1 on two of reviewer2's; two disagree.
		team, m := exportTeamAssessment(t, dir, "zh")
		c := m.Assessment.Quality.Calibration
		if c.Overall == nil || c.Overall.N != 7 || c.Overall.Agreed != 5 || c.Overall.Kappa == nil || *c.Overall.Kappa != 0.5 ||
			len(c.Pairs) != 1 || c.Pairs[0].A != "reviewer1" || c.Pairs[0].B != "reviewer2" || c.Pairs[0].N != 7 {
			t.Errorf("the manifest's calibration: %+v", c)
		}
		if m.Assessment.Quality.HiddenGold.Total != 0 || len(m.Assessment.Quality.Pauses) != 0 {
			t.Errorf("hidden gold in the demo: %+v", m.Assessment.Quality)
		}
		text, ok := pdfText(t, team)
		if !ok {
			t.Skip("pdftotext not installed (poppler-utils)")
		}
		flat := strings.Join(strings.Fields(text), "")
		for _, want := range []string{"在线质量抽检", "一致性：κ值0.50·一致率71.4%（7个样本中5个一致）", "隐藏金标准准确率尚无作答"} {
			if !strings.Contains(flat, want) {
				t.Errorf("the team assessment lacks %q:\n%s", want, text)
			}
		}
		if !regexp.MustCompile(`校准 κ 值\s*0\.50`).MatchString(text) {
			t.Errorf("the team assessment does not state κ 0.50:\n%s", text)
		}
	})
}

// exportTeamAssessment has the manager export the team assessment of the
// workspace in dir in lang through the command line, checks that it
// verifies (and that pdfsig says its signature is valid, where installed)
// and returns its path and manifest.
func exportTeamAssessment(t *testing.T, dir, lang string) (string, report.AssessmentManifest) {
	t.Helper()
	team := filepath.Join(t.TempDir(), "team-"+lang+".pdf")
	code, stdout, stderr := runCLI(t, DemoPassword+"\n", "export", "--workspace", dir, "--as", "manager",
		"--kind", "assessment", "-o", team, "--lang", lang)
	if code != 0 {
		t.Fatalf("manager's export: exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(team)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := report.Verify(b, nil); err != nil || !res.OK {
		t.Fatalf("verify: %v %+v", err, res.Checks)
	}
	if out, ok := pdfsig(t, team); ok && !strings.Contains(out, "Signature is Valid.") {
		t.Errorf("pdfsig:\n%s", out)
	}
	m, err := report.ReadAssessment(b)
	if err != nil {
		t.Fatal(err)
	}
	return team, m
}

// fakeTrainer answers the training service's reads with fixed figures;
// the other methods are not called by an export (the embedded nil
// interface would panic).
type fakeTrainer struct {
	review.Trainer
	scores map[string]review.Scores
	asked  []string
}

func (f *fakeTrainer) Scores(_ context.Context, actor review.Account, reviewer string) (review.Scores, error) {
	if err := review.Require(actor, review.ActSeeScores); err != nil {
		return review.Scores{}, err
	}
	f.asked = append(f.asked, reviewer)
	s := f.scores[reviewer]
	s.Reviewer = reviewer
	return s, nil
}

func (f *fakeTrainer) Certifications(context.Context, review.Account, string) ([]review.Certification, error) {
	return []review.Certification{{Reviewer: "reviewer1", Queue: review.QueueLive, CertifiedBy: "trainer", Accuracy: 92.5, Items: 40,
		MinAccuracy: 90, MinItems: 30}}, nil
}

func (f *fakeTrainer) Gates(context.Context, review.Account) ([]review.Gate, error) {
	return []review.Gate{{Queue: review.QueueLive, MinAccuracy: 90, MinItems: 30, SetBy: "trainer"}}, nil
}

func (f *fakeTrainer) GoldSets(context.Context, review.Account) ([]review.GoldSet, error) {
	return nil, review.Errorf(review.EFORBIDDEN, "not for this role")
}

// TestExportAssessmentOfFixedScores runs the export on the demo workspace
// with a training service of known figures: 37 of 40 is 92.5 %.
func TestExportAssessmentOfFixedScores(t *testing.T) {
	ctx := context.Background()
	dir := demoWorkspace(t)
	w, err := OpenWorkspace(ctx, dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	account := func(name string) review.Account {
		a, _, err := w.DB.AccountByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	r1 := review.Scores{Overall: review.Ratio{Correct: 37, Total: 40},
		ByCategory: map[review.Category]review.Ratio{"face_swap": {Correct: 37, Total: 40}},
		Sessions: []review.TrainingSession{{ID: 1, Kind: review.SessionTraining, Reviewer: "reviewer1", SetID: 7, SetVersion: 1,
			StartedAt: w.Now().Add(-48 * time.Hour), FinishedAt: w.Now().Add(-47 * time.Hour), Answered: 40, Correct: 37}}}
	tr := &fakeTrainer{scores: map[string]review.Scores{"reviewer1": r1, "": r1}}

	t.Run("a reviewer may not export", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "r.pdf")
		if _, err := w.exportAssessment(ctx, account("reviewer1"), AssessmentRequest{Reviewer: "reviewer1", Lang: "zh", Out: out}, tr); review.ErrorCode(err) != review.EFORBIDDEN {
			t.Errorf("reviewer1: %v, want EFORBIDDEN", err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("a refused export wrote its file")
		}
	})

	for _, tc := range []struct {
		name, reviewer, as, lang string
		text                     *regexp.Regexp
	}{
		{"reviewer1 by the trainer", "reviewer1", "trainer", "zh", regexp.MustCompile(`准确率\s*92\.5%`)},
		{"the team by the manager", "", "manager", "en", regexp.MustCompile(`Accuracy\s*92\.5%`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr.asked = nil
			before, _, err := w.DB.Head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "a.pdf")
			res, err := w.exportAssessment(ctx, account(tc.as), AssessmentRequest{Reviewer: tc.reviewer, Lang: tc.lang, Out: out}, tr)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			vr, err := report.Verify(b, nil)
			if err != nil || !vr.OK {
				t.Fatalf("verify: %v %+v", err, vr.Checks)
			}
			// The head is read after the checkpoint the export signs, and
			// that checkpoint is in the file.
			if res.Head.Seq <= before || len(vr.Manifest.Checkpoints) != 1 || vr.Manifest.Checkpoints[0].Event.Seq <= before {
				t.Errorf("head %d (was %d), checkpoints %+v", res.Head.Seq, before, vr.Manifest.Checkpoints)
			}
			if res.Event.Kind != "export.assessment" || res.Event.Seq != res.Head.Seq+1 || !strings.Contains(res.Event.Payload, res.SHA256) ||
				res.SHA256 != fileSHA256(t, out) {
				t.Errorf("export event %+v for %s", res.Event, res.SHA256)
			}
			if text, ok := pdfText(t, out); ok && !tc.text.MatchString(text) {
				t.Errorf("the text does not state %v:\n%s", tc.text, text)
			}
			if tc.reviewer == "" {
				m, err := report.ReadAssessment(b)
				if err != nil {
					t.Fatal(err)
				}
				if want := []string{"", "reviewer1", "reviewer2", "senior1"}; strings.Join(tr.asked, ",") != strings.Join(want, ",") || len(m.Assessment.Reviewers) != 3 {
					t.Errorf("scores asked for %q, %d reviewers in the manifest; want %q", tr.asked, len(m.Assessment.Reviewers), want)
				}
			}
		})
	}
}
