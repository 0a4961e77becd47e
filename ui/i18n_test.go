package ui

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"synthreview/assets"
	"synthreview/review"
)

// readTranslation reads one language's strings: name is "en.json" or
// "zh-CN.json", and screens may add their own "<prefix>.en.json" files,
// which the loader merges (a key defined twice is an error).
func readTranslation(t *testing.T, name string) map[string]string {
	t.Helper()
	entries, err := fs.ReadDir(assets.Translations(), ".")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	found := false
	for _, e := range entries {
		f := e.Name()
		if f != name && !strings.HasSuffix(f, "."+name) {
			continue
		}
		if name == "en.json" && strings.HasSuffix(f, "zh-CN.json") {
			continue
		}
		found = true
		data, err := fs.ReadFile(assets.Translations(), f)
		if err != nil {
			t.Fatal(err)
		}
		var part map[string]string
		if err := json.Unmarshal(data, &part); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range part {
			if _, dup := m[k]; dup {
				t.Errorf("%s: key %q is defined in another %s file too", f, k, name)
			}
			m[k] = v
		}
	}
	if !found {
		t.Fatalf("no translation file %s", name)
	}
	return m
}

func TestTranslationsHaveTheSameKeys(t *testing.T) {
	en, zh := readTranslation(t, "en.json"), readTranslation(t, "zh-CN.json")
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%q is in en.json but not in zh-CN.json", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in zh-CN.json but not in en.json", k)
		}
	}
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

func TestTranslationsAreComplete(t *testing.T) {
	en, zh := readTranslation(t, "en.json"), readTranslation(t, "zh-CN.json")
	// Values that are the same in both languages on purpose.
	// Values that are the same in both languages on purpose (formats made
	// of placeholders and symbols only).
	same := map[string]bool{"language.en": true, "language.zh": true, "desk.box": true,
		"session.who": true, "desk.guide.label": true}
	for k, z := range zh {
		e := en[k]
		if strings.TrimSpace(z) == "" || strings.TrimSpace(e) == "" {
			t.Errorf("%q is empty in a language", k)
		}
		if !same[k] && !strings.ContainsFunc(z, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("zh-CN %q = %q has no Chinese: English left in the Chinese UI?", k, z)
		}
		if !slices.Equal(placeholders(e), placeholders(z)) {
			t.Errorf("%q: placeholders differ: en %v, zh %v", k, placeholders(e), placeholders(z))
		}
	}
}

// TestDomainCodesAreWorded checks that every code the domain returns has
// wording, so no screen or report falls back to a bare code.
func TestDomainCodesAreWorded(t *testing.T) {
	en := readTranslation(t, "en.json")
	var keys []string
	for _, s := range review.States {
		keys = append(keys, "state."+string(s))
	}
	for _, r := range review.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, o := range review.Outcomes {
		keys = append(keys, "outcome."+string(o))
	}
	for _, s := range review.Sanctions {
		keys = append(keys, "sanction."+string(s))
	}
	groups := map[string]bool{}
	for _, r := range review.Reasons {
		keys = append(keys, "reason."+r.Code)
		if strings.HasPrefix(r.Group, "a") {
			groups[r.Group] = true
		}
	}
	for g := range groups {
		keys = append(keys, "riskgroup."+g)
	}
	for _, c := range review.Categories {
		keys = append(keys, "category."+string(c))
	}
	for _, s := range review.ComplaintStatuses {
		keys = append(keys, "complaint.status."+s)
	}
	for _, m := range review.RealNameMethods {
		keys = append(keys, "realname.method."+m)
	}
	for _, c := range []string{review.ENOTFOUND, review.EINVALID, review.ECONFLICT, review.ECONSENT, review.EFORBIDDEN, review.EBUSY} {
		keys = append(keys, "error.code."+c)
	}
	// The scan vocabulary of design.md and the label states and verdicts.
	for _, f := range []string{
		"implicit-missing", "implicit-invalid-json", "implicit-missing-field",
		"implicit-label-value", "implicit-charset", "implicit-conflicting", "implicit-nonconforming-namespace",
		"implicit-propagator-mismatch", "producer-code-format", "explicit-missing", "explicit-too-small",
		"watermark-without-label", "c2pa-unverified", "c2pa-manifest-stripped", "file-truncated",
		"file-unsupported", "file-too-large",
	} {
		keys = append(keys, "finding."+f)
	}
	for _, s := range []string{"confirmed", "possible", "suspected", "none"} {
		keys = append(keys, "labelstate."+s)
	}
	for _, v := range []string{"conforming", "nonconforming", "unlabelled"} {
		keys = append(keys, "verdict."+v)
	}
	if len(review.Reasons) < 13+31 {
		t.Errorf("review.Reasons has %d codes, want the 13 label/law codes and 31 GB/T 45654 risks", len(review.Reasons))
	}
	for _, k := range keys {
		if _, ok := en[k]; !ok {
			t.Errorf("no wording for %q", k)
		}
	}
}

// TestKeysUsedInCodeExist scans this package's sources for lang.L("…")
// keys: a key missing from the files would show as the bare key.
func TestKeysUsedInCodeExist(t *testing.T) {
	en := readTranslation(t, "en.json")
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`lang\.L\("([a-z0-9_.-]+)"\s*[,)]`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			n++
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s uses %q, which no translation file has", f, m[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("found only %d lang.L keys in the sources; is the pattern still right?", n)
	}
}

func TestLoadTranslationsRejectsBadFiles(t *testing.T) {
	cases := map[string]fstest.MapFS{
		"no files":     {},
		"invalid json": {"fr.json": {Data: []byte(`{"a": `)}},
		"too large":    {"de.json": {Data: []byte(`{"a":"` + strings.Repeat("x", maxTranslationFile) + `"}`)}},
	}
	for name, fsys := range cases {
		t.Run(name, func(t *testing.T) {
			if err := loadTranslationsFrom(fsys); err == nil {
				t.Error("accepted")
			}
		})
	}
}
