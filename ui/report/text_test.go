package report

import (
	"reflect"
	"strings"
	"testing"
)

func TestRunsPickTheFontThatHasTheGlyphs(t *testing.T) {
	fs, err := newFontSet()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   string
		bold bool
		want []run
	}{
		{"AI生成", false, []run{{faceLatin, "AI"}, {faceCJK, "生成"}}},
		{"网信算备110108号 (v2)", true, []run{{faceCJK, "网信算备"}, {faceLatinBold, "110108"}, {faceCJK, "号"}, {faceLatinBold, " (v2)"}}},
		{"审核，通过。", false, []run{{faceCJK, "审核，通过。"}}},
		{"tab\there\x00😀", false, []run{{faceLatin, "tab here??"}}},
		{"bad \xff utf-8", false, []run{{faceLatin, "bad ? utf-8"}}},
		{"", false, nil},
	} {
		if got := fs.runs(tc.in, tc.bold); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("runs(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestWrapKeepsLinesInsideTheWidth(t *testing.T) {
	fs, err := newFontSet()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, in string
		width    float64
		minLines int
	}{
		{"english words", "The export itself is recorded afterwards as an audit event that holds this file's SHA-256.", 50, 3},
		{"chinese without spaces", "本次导出本身记录为其后的一条审计事件，该事件载有本文件的 SHA-256 值。", 40, 2},
		{"a hash", "88998de054ff8f797059c7e970ec1ddd14c6be4e76524cad39b9431313b27b04", 30, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := fs.wrap(tc.in, false, sizeTable, tc.width, 0)
			if len(lines) < tc.minLines {
				t.Errorf("%d lines, want at least %d: %q", len(lines), tc.minLines, lines)
			}
			for _, l := range lines {
				if w := fs.width1(l, false, sizeTable); w > tc.width+0.01 {
					t.Errorf("line %q is %.1f mm wide, more than %.0f", l, w, tc.width)
				}
				if strings.HasPrefix(l, "，") || strings.HasPrefix(l, "。") {
					t.Errorf("line %q starts with closing punctuation", l)
				}
			}
			if got := strings.Join(lines, ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(tc.in, " ", "") {
				t.Errorf("wrapping lost text: %q", got)
			}
		})
	}
	if lines := fs.wrap(strings.Repeat("很长的文字", 100), false, sizeTable, 30, 2); len(lines) != 2 || !strings.HasSuffix(lines[1], "…") {
		t.Errorf("a cut text: %q, want 2 lines ending in …", lines)
	}
}
